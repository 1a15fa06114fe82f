"""Social cards and downloads, as a social network and a designer receive them (``build/site``).

A link shared on a social network shows its page's card: a 1200 x 630 PNG, named by ``og:image``
(absolute, on the site's own host), described by ``og:image:alt`` with the page's key number, in the
page's locale. A chart's embed page is its own shareable URL with its own card. The PNG downloads
say their real density (a 2x image is 144 dpi, not 72), and the Chinese SVGs name a CJK font first.
"""
from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from cidi import cards
from cidi.charts.render import colour_counts, with_density
from pngs import first_chunks as png_chunks
from test_site import Page, rel

CARD_MOST = 60_000  # bytes a card may weigh (they are about 23 kB): a share preview loads it over a phone network
CJK_FONT = re.compile(r"CJK|Han Sans|PingFang|YaHei")


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png_chunks(data)[b"IHDR"][:8])


@pytest.fixture(scope="session")
def shared_pages(site_dir) -> dict[str, object]:
    """Every page a reader can share (site pages and chart embeds, both languages) -> its parsed HTML; not
    the redirects from a province's other name (provinces/xizang/ -> provinces/tibet/, cidi.redirects)."""
    pages = {rel(site_dir, p): meta_tags(p) for p in sorted(site_dir.rglob("index.html"))}
    return {name: page for name, page in pages.items() if not page.meta("http-equiv", "refresh")}


META = re.compile(r"<meta\b[^>]*>", re.I)


def meta_tags(path: Path) -> Page:
    """A page's ``<meta>`` tags, parsed as test_site parses pages: all these tests read (the whole pages,
    inline SVGs and tables included, took 5 s to parse)."""
    return Page("".join(META.findall(path.read_text(encoding="utf-8"))))


def card_file(site_dir: Path, url: str) -> Path:
    return site_dir / unquote(urlsplit(url).path).lstrip("/")


def one(page, key: str, value: str) -> str:
    values = page.meta(key, value)
    assert len(values) == 1, f"{value}: {values}"
    return values[0]


# --- the tags ------------------------------------------------------------------------------------------------

def test_every_page_names_a_card_of_its_own_host(site_dir, shared_pages):
    """og:image is an absolute URL on the page's own host (og:url's), and the PNG behind it is there:
    1200 x 630 as og:image:width/height say, small enough for a preview."""
    problems = []
    for name, page in shared_pages.items():
        image, url = one(page, "property", "og:image"), one(page, "property", "og:url")
        if urlsplit(image)[:2] != urlsplit(url)[:2] or not urlsplit(image).scheme.startswith("http"):
            problems.append(f"{name}: og:image {image} not on the host of og:url {url}")
            continue
        path = card_file(site_dir, image)
        if not path.is_file():
            problems.append(f"{name}: {image} is not in the site")
            continue
        data = path.read_bytes()
        size = (int(one(page, "property", "og:image:width")), int(one(page, "property", "og:image:height")))
        if png_size(data) != (1200, 630) or size != (1200, 630):
            problems.append(f"{name}: card {png_size(data)}, tags {size}")
        if len(data) > CARD_MOST:
            problems.append(f"{name}: card of {len(data)} bytes")
    assert problems == [], "\n".join(problems)


def test_every_page_has_its_share_tags_in_its_language(shared_pages):
    problems = []
    for name, page in shared_pages.items():
        locale = "zh_CN" if name.startswith("zh/") else "en_US"
        for key, value, expected in (("property", "og:locale", locale),
                                     ("name", "twitter:card", "summary_large_image")):
            if page.meta(key, value) != [expected]:
                problems.append(f"{name}: {value} {page.meta(key, value)}")
        for value in ("og:title", "og:description", "og:image:alt", "og:site_name"):
            if not one(page, "property", value).strip():
                problems.append(f"{name}: empty {value}")
        alt = one(page, "property", "og:image:alt")
        if name.startswith("zh/") and not re.search(r"[\u4e00-\u9fff]", alt):
            problems.append(f"{name}: the card's description is not in Chinese: {alt}")
    assert problems == [], "\n".join(problems)


def test_page_types_have_their_own_cards(site_dir, shared_pages):
    """The home page, each province and each dimension has a card drawn for it, and each chart one of
    its own on its embed page; no two of them share a picture."""
    for prefix in ("", "zh/"):
        images = {name: one(page, "property", "og:image") for name, page in shared_pages.items()
                  if name.startswith(prefix) and (prefix or not name.startswith("zh/"))}
        assert images[f"{prefix}index.html"].endswith("/cards/card-home.png")
        own = {name: url for name, url in images.items()
               if re.fullmatch(rf"{prefix}(index\.html|provinces/[^/]+/index\.html|dimensions/[^/]+/index\.html"
                               rf"|embed/[^/]+/index\.html)", name)}
        assert len(own) == 1 + 31 + 6 + len([n for n in own if "/embed/" in f"/{n}"])
        assert len(set(own.values())) == len(own)
        for name, url in own.items():
            if "/embed/" in f"/{name}":
                chart = name.split("/")[-2]
                assert url.endswith(f"/cards/chart-{chart}.png"), (name, url)
                assert one(shared_pages[name], "property", "og:url").endswith(f"/embed/{chart}/")


def test_card_descriptions_name_the_key_number(site_dir, shared_pages):
    """A province's card says its total and rank, a dimension's its highest score, the home page's the leader's
    total; as the pages print them (two decimals), in both languages."""
    scores = pd.read_csv(site_dir / "data" / "scores.csv")
    long = pd.read_csv(site_dir / "data" / "scores-long.csv")
    leader = scores.sort_values("rank").iloc[0]
    for prefix, points in (("", "{total} of 100 points, rank {rank} of 31"), ("zh/", "总分{total}分")):
        home = one(shared_pages[f"{prefix}index.html"], "property", "og:image:alt")
        assert f"{leader['total']:.2f}" in home, home
        for row in scores.to_dict("records"):
            alt = one(shared_pages[f"{prefix}provinces/{row['slug']}/index.html"], "property", "og:image:alt")
            assert points.format(total=f"{row['total']:.2f}", rank=row["rank"]) in alt, alt
            if prefix:
                assert f"排名第{row['rank']}" in alt, alt
        for dim, rows in long[long["dimension"] != "total"].groupby("dimension"):
            alt = one(shared_pages[f"{prefix}dimensions/{dim}/index.html"], "property", "og:image:alt")
            assert f"{rows['score'].max():.2f}" in alt, alt


def test_embed_card_describes_its_chart(shared_pages):
    page = shared_pages["embed/map-total/index.html"]
    [description] = page.meta("name", "description")
    alt = one(page, "property", "og:image:alt")
    assert alt.startswith(one(page, "property", "og:title")) and description in alt


# --- the pictures ----------------------------------------------------------------------------------------------

def test_a_card_draws_title_key_number_source_and_licence(sources, indices, robust):
    """The province card's drawing holds the province's name, its total as the formatter prints it, its rank,
    the source line and the licence; Chinese cards are set in a CJK font."""
    from cidi.views import SiteData
    from cidi.write_package import read_metadata

    data = SiteData(sources, indices, robust, {}, read_metadata())
    for lang in ("en", "zh"):
        L = data.lang(lang)
        p = data.ranked[0]
        card = next(c for c in cards.page_cards(data, L) if c.name == f"province-{p['slug']}")
        svg = cards.card_svg(card, data, L)
        for text in (L.province_full(p["province"]), L.f.score(p["total"])):
            assert f">{text}<" in svg, text
        assert f">{L.t('source.line')} · {L.t('licence.line')}<" in svg
        assert L.f.rank(p["rank"]) in card.number_label and f">{card.number_label}<" in svg
        first_font = re.search(r'font-family="([^",]+)', svg).group(1)
        assert (CJK_FONT.search(first_font) is not None) == (lang == "zh"), first_font


def test_cards_rasterise_to_the_same_bytes_with_their_texts():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" '
           'fill="#fff"/><rect x="100" y="100" width="300" height="200" fill="#0072B2"/></svg>')
    first = cards.rasterise(svg, "Title", "Alt text", "Source", "CC BY 4.0")
    assert first == cards.rasterise(svg, "Title", "Alt text", "Source", "CC BY 4.0")
    chunks = png_chunks(first)
    assert png_size(first) == (1200, 630) and b"PLTE" in chunks  # a palette image: a few kB, not 180
    assert len(first) < 10_000


def test_a_card_is_drawn_as_vl_convert_draws_it_and_keeps_its_colours(sources, indices, robust):
    """Cards are rasterised in Node.js (resvg-js, text as outlines) and their pixels handed over raw, not as a
    PNG: the same pixels as vl-convert's resvg draws from the same SVG, here a Chinese province card (CJK
    text, the tile map), and the palette PNG keeps all but a few antialiased edge pixels exactly."""
    import numpy as np
    import vl_convert as vlc

    from cidi.charts.render import rasterise, vega_svg
    from cidi.views import SiteData
    from cidi.write_package import read_metadata
    from pngs import rgba

    data = SiteData(sources, indices, robust, {}, read_metadata())
    L = data.lang("zh")
    card = next(c for c in cards.page_cards(data, L) if c.name == f"province-{data.ranked[0]['slug']}")
    svg = cards.card_svg(card, data, L)
    drawn = rasterise(svg, 1).astype(int)
    assert drawn.shape == (630, 1200, 4)
    assert np.array_equal(drawn, rgba(vlc.svg_to_png(vega_svg().outline(svg), scale=1)))
    png = cards.rasterise(svg, card.title, card.alt, "Source", "CC BY 4.0")
    assert (rgba(png) == drawn).all(axis=2).mean() > 0.999


def test_a_card_that_is_not_opaque_stops_the_build():
    with pytest.raises(ValueError, match="opaque"):
        cards.rasterise('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="63"><rect width="60" '
                        'height="63" fill="#0072B2"/></svg>', "Title", "Alt", "Source", "CC BY 4.0")


def test_a_warm_build_draws_no_card_and_writes_the_same_bytes(tmp_path, sources, indices):
    """Cards are cached by a hash of their drawing: a second build takes them all from the cache."""
    from cidi.views import SiteData
    from cidi.write_package import read_metadata

    L = SiteData(sources, indices, None, {}, read_metadata()).lang("en")
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" '
           'fill="#fff"/><rect width="600" height="630" fill="{}"/></svg>')
    items = [(cards.Card(f"card-{i}", f"Card {i}", alt=f"Card {i}"), svg.format(colour))
             for i, colour in enumerate(("#0072B2", "#E69F00"))]
    first = cards.Drawing(None, items, L, tmp_path / "cache")
    first.write(tmp_path / "one")
    second = cards.Drawing(None, items, L, tmp_path / "cache")
    second.write(tmp_path / "two")
    assert (first.drawn, second.drawn) == (2, 0)
    assert [p.read_bytes() for p in sorted((tmp_path / "one").iterdir())] == \
        [p.read_bytes() for p in sorted((tmp_path / "two").iterdir())]


def test_titles_wrap_at_spaces_and_between_chinese_characters():
    # 48 px: "Where Xizang" is about 12 x 0.57 x 48 = 330 px, with "(Tibet)" 520 px: over 420
    assert cards.wrap("Where Xizang (Tibet) 西藏 is", 48, 420) == ["Where Xizang", "(Tibet) 西藏 is"]
    # 8 CJK characters of 48 px = 384 px fit in 420, a ninth does not
    assert cards.wrap("一二三四五六七八九十", 48, 420) == ["一二三四五六七八", "九十"]


# --- downloads -------------------------------------------------------------------------------------------------

def test_png_downloads_say_144_dpi(site_dir):
    """A 2x PNG at 72 dpi imports into InDesign at twice its size; 144 dpi (5669 px/m) gives its real size."""
    pngs = sorted((site_dir / "charts").glob("*.png")) + sorted((site_dir / "zh" / "charts").glob("*.png"))
    assert len(pngs) > 200
    dpi_144 = struct.pack(">IIB", 5669, 5669, 1)  # pixels a metre, both axes; unit: the metre
    wrong = [rel(site_dir, p) for p in pngs if png_chunks(p.read_bytes()).get(b"pHYs") != dpi_144]
    assert wrong == []


def test_with_density_replaces_the_renderers_tag():
    # a 1 x 1 PNG with a 72-dpi pHYs (2835 px/m), as resvg writes it
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
           + chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1)) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0\xff"))
           + chunk(b"IEND", b""))
    tagged = with_density(png, 2)
    assert png_chunks(tagged)[b"pHYs"] == struct.pack(">IIB", 5669, 5669, 1) and len(tagged) == len(png)
    without = png.replace(chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1)), b"")
    assert png_chunks(with_density(without, 2))[b"pHYs"] == struct.pack(">IIB", 5669, 5669, 1)


def test_chinese_svgs_name_a_cjk_font_first(site_dir):
    """Design tools do not fall back as browsers do: a Latin-only first font shows the Chinese as boxes."""
    files = sorted((site_dir / "zh" / "charts").glob("*.svg"))
    assert len(files) > 200
    firsts = {m.split(",")[0].strip() for f in files
              for m in re.findall(r'font-family="([^"]*)"', f.read_text(encoding="utf-8"))}
    assert firsts and all(CJK_FONT.search(name) for name in firsts), firsts


def test_the_palette_counts_colours_as_a_sort_would():
    """The card's palette (its most frequent colours, ties by colour value) is the one np.unique gives:
    the hashed count may not reorder colours or lose a pixel."""
    import numpy as np

    rng = np.random.default_rng(7)
    code = rng.choice(np.array([0xFFFFFF, 0x111827, 0x2C7FB8, 0x000001, 0xABCDEF], np.uint32), 5000)
    code = np.concatenate([code, rng.integers(0, 1 << 24, 300, dtype=np.uint32)])
    runs = np.repeat(code[:400], rng.integers(1, 300, 400))  # long runs of one colour, as a card has
    for case in (code, runs, code[:1]):
        for expected, got in zip(np.unique(case, return_inverse=True, return_counts=True), colour_counts(case)):
            assert got.shape == expected.shape and (got.astype(np.int64) == expected.astype(np.int64)).all()
