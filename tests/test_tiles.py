"""The tile map: its layout (datasets/tile-layout.csv), and every map chart of the site drawn from it.

The static SVGs are what most readers see (and what a newsroom downloads): they are read here as
drawn; the browser tests check the interactive charts' links and the label size on a phone.
"""
from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from cidi.charts import tiles
from cidi.charts.model import NOT_ASSESSED

LANGS = {"en": "", "zh": "zh/"}
GROUP = re.compile(r'class="mark-(rect|text) role-mark tiles_layer_(\d)_marks"[^>]*>(.*?)</g>', re.S)
SQUARE = re.compile(r'(?:<a xlink:href="([^"]*)">)?<path aria-label="([^"]*)"[^>]*? d="M([\d.]+),([\d.]+)h([\d.]+)v([\d.]+)h-[\d.]+Z" '
                    r'fill="(#[0-9a-fA-F]{6})"')
TEXT = re.compile(r'<text[^>]*transform="translate\(([\d.]+),([\d.]+)\)"[^>]*font-size="([\d.]+)px"[^>]*fill="(#[0-9a-fA-F]{6})"[^>]*>([^<]*)</text>')


def map_chart_ids(site_dir) -> list[str]:
    names = sorted(p.name.removesuffix(".vl.json") for p in (site_dir / "charts").glob("*.vl.json"))
    found = [n for n in names if n == "map-total" or n == "explorer" or re.fullmatch(r"dimension-.+-map|province-.+-locator", n)]
    assert len(found) == 1 + 6 + 31 + 1, found  # national, six dimensions, 31 locators, the explorer
    return found


def squares_of(svg: str) -> list[dict]:
    groups = {(kind, layer): body for kind, layer, body in GROUP.findall(svg)}
    return [{"href": h, "label": html.unescape(a), "x": float(x), "y": float(y), "w": float(w), "h": float(hh), "fill": f}
            for h, a, x, y, w, hh, f in SQUARE.findall(groups[("rect", "0")])]


def texts_of(svg: str) -> list[dict]:
    groups = {(kind, layer): body for kind, layer, body in GROUP.findall(svg)}
    return [{"x": float(x), "y": float(y), "size": float(s), "fill": f, "text": html.unescape(t)}
            for layer in ("1", "2") for x, y, s, f, t in TEXT.findall(groups[("text", layer)])]


# --- the layout --------------------------------------------------------------------------------

def test_the_layout_reads_as_china(sources):
    layout = sources.tiles.merge(sources.provinces[["adcode", "iso_3166_2"]], on="adcode")
    at = {r.iso_3166_2[3:]: (r.column, r.row) for r in layout.itertuples()}
    assert len(at) == len(sources.provinces) == 34 and len(set(at.values())) == 34  # each once, own cell
    columns, rows = tiles.grid_size(sources.tiles)
    assert at["HL"] == (columns - 1, 0)  # Heilongjiang top right
    assert at["XJ"][0] == at["XZ"][0] == 0 and at["XJ"][1] < at["XZ"][1]  # Xinjiang above Xizang, on the left
    assert at["HI"][1] == rows - 1  # Hainan on the bottom row
    assert at["TW"] == (at["FJ"][0] + 1, at["FJ"][1] + 1)  # Taiwan south-east of Fujian
    for sar in ("HK", "MO"):  # beside Guangdong: the row below it, at most one column away
        assert at[sar][1] == at["GD"][1] + 1 and abs(at[sar][0] - at["GD"][0]) <= 1


def test_adjacency_counts_edges_corners_and_false_neighbours():
    # a 2 x 2 grid:  A B     real land neighbours: A-B, A-D, B-C
    #                C D     A-B share an edge (kept), A-D and B-C touch at a corner;
    # the edges A-C, B-D and C-D join tiles that are not neighbours (3 false)
    layout = pd.DataFrame({"adcode": ["A", "B", "C", "D"], "column": [0, 1, 0, 1], "row": [0, 0, 1, 1]})
    neighbours = {"A": ["B", "D"], "B": ["A", "C"], "C": ["B"], "D": ["A"]}
    assert tiles.adjacency(layout, neighbours) == {"pairs": 3, "kept": 1, "corner": 2, "false": 3, "divisions": 4}


def test_the_methodology_page_prints_the_measured_adjacency(sources, site_dir):
    measured = tiles.adjacency(sources.tiles, sources.provenance["tile-layout.csv"]["land_neighbours"])
    assert measured["pairs"] > measured["kept"] > 0
    page = re.sub(r"<[^>]+>", "", (site_dir / "methodology" / "index.html").read_text(encoding="utf-8"))
    assert (f"Of the {measured['pairs']} pairs of divisions that share a land boundary, {measured['kept']} share an "
            f"edge in the grid and {measured['corner']} more touch only at a corner") in " ".join(page.split())
    zh = re.sub(r"<[^>]+>", "", (site_dir / "zh" / "methodology" / "index.html").read_text(encoding="utf-8"))
    assert f"在{measured['pairs']}对陆地接壤的省级行政区中，{measured['kept']}对在网格中共用一条边" in zh


def test_class_breaks_are_round_and_few():
    assert tiles.class_breaks(22.28, 45.19) == [25, 30, 35, 40, 45]  # step 5: six classes
    assert tiles.class_breaks(2.61, 7.69) == [3, 4, 5, 6, 7]  # step 1
    assert tiles.class_colours(3)[0] == tiles.VIRIDIS[-1] and tiles.class_colours(3)[-1] == tiles.VIRIDIS[0]


# --- every map chart, as drawn -------------------------------------------------------------------

def test_no_chart_has_a_projection_or_boundaries(site_dir):
    for lang, prefix in LANGS.items():
        for path in sorted((site_dir / prefix / "charts").glob("*.json")):
            text = path.read_text(encoding="utf-8")
            for word in ("projection", "geoshape", "topojson", "geojson", '"arcs"', "Natural Earth"):
                assert word not in text, f"{path.name} ({lang}) contains {word}"
    assert not list(site_dir.rglob("*.topo.*")), "the TopoJSON left the site and the data package"


def test_every_map_chart_shows_34_equal_tiles_31_coloured(site_dir):
    for lang, prefix in LANGS.items():
        for chart_id in map_chart_ids(site_dir):
            for variant in ("svg", "embed.svg"):
                svg = (site_dir / prefix / "charts" / f"{chart_id}.{variant}").read_text(encoding="utf-8")
                squares = squares_of(svg)
                where = f"{lang} {chart_id}.{variant}"
                assert len(squares) == 34, where
                assert {(s["w"], s["h"]) for s in squares} == {(tiles.TILE - tiles.GAP,) * 2}, where
                assert sum(s["fill"] != NOT_ASSESSED for s in squares) == 31, where
                assert "projection" not in svg and "<path" in svg


def test_tile_text_is_black_or_white_and_contrasts_with_its_tile(site_dir):
    for lang, prefix in LANGS.items():
        for chart_id in ("map-total", "dimension-innovation-map", "province-guangdong-locator"):
            svg = (site_dir / prefix / "charts" / f"{chart_id}.svg").read_text(encoding="utf-8")
            squares, texts = squares_of(svg), texts_of(svg)
            assert len(texts) >= 34
            for text in texts:
                tile = next(s for s in squares if s["x"] <= text["x"] <= s["x"] + s["w"]
                            and s["y"] <= text["y"] <= s["y"] + s["h"])
                assert text["fill"] in (tiles.INK_DARK, tiles.INK_LIGHT)
                assert tiles.contrast(text["fill"], tile["fill"]) >= 4.5, (lang, chart_id, text["text"], tile["fill"])


def test_labels_name_the_province_in_the_readers_language(site_dir, sources):
    zh = set(sources.provinces["short_name_zh"])
    en = set(sources.tiles["label_en"])
    for lang, labels in (("en", en), ("zh", zh)):
        svg = (site_dir / LANGS[lang] / "charts" / "map-total.svg").read_text(encoding="utf-8")
        drawn = [t["text"] for t in texts_of(svg) if t["size"] == tiles.LABEL_SIZE]
        assert labels <= set(drawn), lang
        assert sum(t == ("未评估" if lang == "zh" else "n/a") for t in drawn) == 3  # Hong Kong, Macao, Taiwan


def test_static_tiles_link_to_the_right_province_pages(site_dir, sources):
    slugs = dict(zip(sources.provinces["name_en"], sources.provinces["slug"]))
    short = dict(zip(sources.provinces["short_name_zh"], sources.provinces["slug"]))
    for lang, prefix in LANGS.items():
        for chart_id in ("map-total", "province-guangdong-locator", "explorer"):
            squares = squares_of((site_dir / prefix / "charts" / f"{chart_id}.svg").read_text(encoding="utf-8"))
            linked = [s for s in squares if s["href"]]
            assert len(linked) == 31, (lang, chart_id)
            for s in linked:
                name = re.split(r"[:：,，]", s["label"])[0]
                slug = slugs.get(name) or next(v for k, v in short.items() if name.startswith(k))
                assert s["href"] == f"../provinces/{slug}/", (lang, chart_id, s["label"])
                assert (site_dir / prefix / "provinces" / slug / "index.html").is_file()


def test_a_map_spec_is_small(site_dir):
    # today's specs carry no geometry: 34 rows of positions and values
    for chart_id in ("map-total", "province-beijing-locator"):
        assert (site_dir / "charts" / f"{chart_id}.vl.json").stat().st_size < 25_000
        json.loads((site_dir / "charts" / f"{chart_id}.vl.json").read_text(encoding="utf-8"))


# --- in the browser ----------------------------------------------------------------------------

PHONE = {"width": 360, "height": 780}
MAP_PAGES = [("", "map-total"), ("provinces/guangdong/", "province-guangdong-locator"),
             ("dimensions/innovation/", "dimension-innovation-map")]


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(LANGS))
def test_tile_labels_are_at_least_11_css_px_at_360px(chromium, server, site_dir, lang):
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, service_workers="block")
    try:
        page = context.new_page()
        for path, chart_id in MAP_PAGES:
            page.goto(f"{server}/{LANGS[lang]}{path}", wait_until="networkidle")
            img = page.locator(f"#chart-{chart_id} img")
            img.scroll_into_view_if_needed()
            shown = img.evaluate("i => i.getBoundingClientRect().width")
            svg = (site_dir / LANGS[lang] / "charts" / f"{chart_id}.svg").read_text(encoding="utf-8")
            drawn = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
            smallest = min(t["size"] for t in texts_of(svg)) * shown / drawn
            assert smallest >= 11, f"{lang} {path}: tile text {smallest:.1f} CSS px (chart {drawn} px shown at {shown} px)"
            legend = [float(x) for x in re.findall(r'role-legend-(?:label|title)".*?font-size="([\d.]+)px"', svg, re.S)]
            assert not legend or min(legend) * shown / drawn >= 11, f"{lang} {path}: legend text below 11 CSS px"
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang, path, chart_id, province, target", [
    ("en", "", "map-total", "Beijing", "provinces/beijing/"),
    ("zh", "", "map-total", "广东", "provinces/guangdong/"),
    ("en", "provinces/tibet/", "province-tibet-locator", "Sichuan", "provinces/sichuan/"),
])
def test_clicking_a_tile_opens_the_province_page(chromium, server, lang, path, chart_id, province, target):
    from browsing import open_page

    with open_page(chromium, server, f"{LANGS[lang]}{path}") as (page, watch, _):
        figure = page.locator(f"#chart-{chart_id}")
        figure.scroll_into_view_if_needed()
        figure.hover()
        page.wait_for_selector(f"#chart-{chart_id}[data-state='interactive']", timeout=15000)
        box = figure.locator(f".cidi-chart__vega svg path[aria-label^='{province}']").first.bounding_box()
        page.mouse.click(box["x"] + 5, box["y"] + 5)  # the square's corner, beside its label
        page.wait_for_url(f"{server}/{LANGS[lang]}{target}", timeout=10000)
        assert watch.problems() == [], "\n".join(watch.problems())
