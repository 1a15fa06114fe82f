"""Social cards: one 1200 x 630 PNG per page and per chart, in each language, and the tags that name them.

Inputs: the site data, one language's charts and their rendered embed SVGs. Outputs: ``cards/<name>.png``
in that language's site (``card-home``, ``province-<slug>``, ``dimension-<id>``, ``chart-<chart id>``),
and for the theme (``partials/social.html``) and the embed pages each card's URL and description.

A card is drawn as an SVG here (title, the key number through the one formatter, the tile map or the
chart, source, licence, site name; Noto Sans CJK first for Chinese, as the charts) and rasterised with its
text as outlines, by resvg (:func:`cidi.charts.render.rasterise`), into a palette PNG: the same bytes for
the same SVG. The PNGs are cached in
``build/cache/cards/<key>.png``, the key hashing the SVG, this module and the renderer (its version and
the installed fonts), so a warm build draws none.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cidi import paths
from cidi.caches import write_atomically
from cidi.charts import tiles
from cidi.charts.model import FONT, GRID, HIGHLIGHT, INK, NOT_ASSESSED, SUBTLE
from cidi.charts.render import (escape, compact_png, png_with_text, prune, rasterise as rasterise_svg,
                                renderer_fingerprint, with_density)

CACHE = paths.BUILD / "cache" / "cards"
WIDTH, HEIGHT = 1200, 630  # the size Facebook, LinkedIn and X show whole (1.91 : 1)
MARGIN = 64
ACCENT = "#0072B2"  # Okabe-Ito blue, the site's first category colour
LOCALES = {"en": "en_US", "zh": "zh_CN"}


@dataclass
class Card:
    name: str  # file stem under cards/
    title: str
    alt: str  # og:image:alt: what the card shows, key number included
    number: str = ""  # the key number, formatted
    number_label: str = ""  # what it is ("points of 100 · rank 1 of 31")
    subtitle: str = ""  # a chart's subtitle, printed beside a tall chart
    tiles: dict | None = None  # the tile map: {"values": {adcode: value}, "highlight": adcode}
    chart: str | None = None  # a chart's id: its embed SVG is the picture
    pages: list[str] = field(default_factory=list)  # page URLs (relative to the language root) sharing it

    @property
    def path(self) -> str:
        return f"cards/{self.name}.png"


# ---------------------------------------------------------------- which card for what (pure)


def tile_values(rows: list[dict], field_name: str) -> dict[str, float]:
    return {r["adcode"]: float(r[field_name]) for r in rows}


def page_cards(data, L) -> list[Card]:
    """The cards drawn for pages: the home page's, each province's and each dimension's."""
    from cidi.views import pages

    f, n = L.f, data.n
    leader = data.ranked[0]
    totals = tile_values(data.ranked, "total")
    home = Card("card-home", L.t("chart.map.title"), number=f.score(leader["total"]),
                number_label=L.t("card.home.number", leader=L.province(leader["province"]), n=f.count(n)),
                alt=L.t("card.home.alt", n=f.count(n), leader=L.province(leader["province"]),
                        total=f.score(leader["total"])),
                tiles={"values": totals, "highlight": leader["adcode"]}, pages=[""])
    cards = [home]
    for view, key in pages(data):
        url = view.url(key)
        if view.name == "province":
            p = data.by_slug[key["slug"]]
            name = L.province_full(p["province"])
            values = {"name": name, "total": f.score(p["total"]), "rank": f.rank(p["rank"]), "n": f.count(n)}
            cards.append(Card(f"province-{p['slug']}", name, number=values["total"],
                              number_label=L.t("card.province.number", **values),
                              alt=L.t("card.province.alt", **values),
                              tiles={"values": totals, "highlight": p["adcode"]}, pages=[url]))
        elif view.name == "dimension":
            d = data.dim[key["dim"]]
            rows = data.dimension_rows(d["id"])
            values = {"dim": L.dim_full(d["id"]), "name": L.province(rows[0]["province"]),
                      "score": f.score(rows[0]["score"]), "max": f.count(d["weight"]), "n": f.count(n)}
            cards.append(Card(f"dimension-{d['id']}", values["dim"], number=values["score"],
                              number_label=L.t("card.dimension.number", **values),
                              alt=L.t("card.dimension.alt", **values),
                              tiles={"values": tile_values(rows, "score"), "highlight": rows[0]["adcode"]},
                              pages=[url]))
    return cards


def chart_card(chart, L) -> Card:
    subtitle = chart.subtitle if isinstance(chart.subtitle, str) else " ".join(chart.subtitle)  # a tile map's: lines
    return Card(f"chart-{chart.id}", chart.title, alt=L.t("card.chart.alt", title=chart.title, alt=chart.alt),
                chart=chart.id, subtitle=subtitle)


@dataclass
class Deck:
    """One language's cards, and which card each page URL and chart shows."""
    cards: list[Card]
    by_page: dict[str, Card]
    by_chart: dict[str, Card]

    def tags(self) -> dict[str, dict]:
        """``extra.cidi_cards`` for the theme: page URL -> the card's path (below the language root) and
        description; the key "" (the home page) is also the card of any page not listed."""
        return {url: {"image": card.path, "alt": card.alt, "width": WIDTH, "height": HEIGHT}
                for url, card in sorted(self.by_page.items())}


def deck(data, lang: str, charts: list) -> Deck:
    """Every card of one language. A page without a card of its own shows its first chart's card."""
    from cidi.views import pages

    L = data.lang(lang)
    own = page_cards(data, L)
    by_chart = {c.id: chart_card(c, L) for c in charts}
    by_page = {url: card for card in own for url in card.pages}
    for view, key in pages(data):
        url = view.url(key)
        if url not in by_page and view.charts:
            by_page[url] = by_chart[view.chart_id(view.charts[0], key)]
    return Deck(own + list(by_chart.values()), by_page, by_chart)


def attach(deck: Deck, charts: list, base_url: str, L) -> None:
    """Give each chart ``card``: what its embed page's head prints (the chart's own shareable URL and
    card, absolute URLs from the language's base URL) - templates/embed.html.j2."""
    base = base_url.rstrip("/") + "/"
    for chart in charts:
        card = deck.by_chart[chart.id]
        chart.card = {"url": f"{base}embed/{chart.id}/", "image": base + card.path, "alt": card.alt,
                      "width": WIDTH, "height": HEIGHT, "locale": LOCALES[L.code], "site_name": L.t("site.name")}


# ---------------------------------------------------------------- drawing (pure: a card -> SVG text)


def text_width(text: str, size: float) -> float:
    """A width estimate for wrapping: CJK characters one em, Latin capitals and digits 0.62, other 0.52."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x2E80:
            width += 1.0
        elif ch.isupper() or ch.isdigit():
            width += 0.64
        elif ch in " ilj.,;:'·|":
            width += 0.3
        else:
            width += 0.54
    return width * size


CJK = "\u2e80-\uffff"
TOKEN = re.compile(rf"[{CJK}]|[^\s{CJK}]+|\s+")
HAS_CJK = re.compile(rf"[{CJK}]")
# the charts' fonts; a text with a Chinese character (an English title may name a province in Chinese)
# is set in the CJK face, whose Latin matches (resvg's fallback for a missing glyph is a serif face)
CJK_LINE = f' font-family="{FONT["zh"]}"'


def wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy line breaks within ``width`` pixels: at spaces, and between CJK characters."""
    lines: list[str] = []
    line = ""
    for token in TOKEN.findall(text):
        if token.isspace():
            line += " " if line else ""
            continue
        if line.strip() and text_width(line + token, size) > width:
            lines.append(line.rstrip())
            line = token
        else:
            line += token
    return lines + [line.rstrip()] if line.strip() else lines


def fit(text: str, sizes: tuple[float, ...], width: float, most: int) -> tuple[float, list[str]]:
    """The largest of ``sizes`` at which ``text`` takes at most ``most`` lines of ``width`` (else the smallest)."""
    for size in sizes:
        lines = wrap(text, size, width)
        if len(lines) <= most:
            return size, lines
    lines = wrap(text, sizes[-1], width)
    return sizes[-1], lines[:most - 1] + [lines[most - 1].rstrip(" .,;。，；") + "…"]


def text_lines(lines: list[str], x: float, y: float, size: float, *, weight: int = 400, fill: str = INK,
               leading: float = 1.22) -> str:
    face = CJK_LINE if any(HAS_CJK.search(line) for line in lines) else ""
    return "".join(f'<text x="{x}" y="{y + i * size * leading:.1f}" font-size="{size}" font-weight="{weight}" '
                   f'fill="{fill}"{face}>{escape(line)}</text>' for i, line in enumerate(lines))


def tile_map(data, L, spec: dict, x: float, y: float, width: float, height: float) -> str:
    """The site's tile map at card size: viridis classes as on the site's maps, the highlighted province
    in the site's highlight colour outline, the others' labels in the tile's contrasting ink."""
    layout = tiles.positions(data.sources.tiles)
    columns, rows_n = tiles.grid_size(data.sources.tiles)
    size = min(width / columns, height / rows_n)
    left, top = x + (width - size * columns) / 2, y + (height - size * rows_n) / 2
    values = spec["values"]  # the assessed provinces'
    breaks = tiles.class_breaks(min(values.values()), max(values.values()))
    colours = tiles.class_colours(len(breaks) + 1)
    provinces = data.sources.provinces.set_index("adcode")
    out, outline = [], ""
    label_size = round(size * 0.24, 1)
    for r in layout.sort_values("adcode").itertuples(index=False):
        value = values.get(r.adcode)
        fill = colours[tiles.class_of(value, breaks)] if value is not None else NOT_ASSESSED
        x0, y0 = left + (r.x - tiles.GAP / 2) / tiles.TILE * size, top + (r.y - tiles.GAP / 2) / tiles.TILE * size
        box = f'x="{x0 + 1.5:.1f}" y="{y0 + 1.5:.1f}" width="{size - 3:.1f}" height="{size - 3:.1f}" rx="3"'
        name = provinces.loc[r.adcode, "name_en"]
        label = L.province_zh_short(name) if L.zh else r.label_en
        out.append(f'<rect {box} fill="{fill}"/>')
        out.append(f'<text x="{x0 + size / 2:.1f}" y="{y0 + size / 2 + label_size * 0.35:.1f}" '
                   f'font-size="{label_size}" text-anchor="middle" font-weight="{tiles.LABEL_WEIGHT[L.code]}" '
                   f'fill="{tiles.ink(fill)}">{escape(label)}</text>')
        if r.adcode == spec.get("highlight"):
            outline = f'<rect {box} fill="none" stroke="{HIGHLIGHT}" stroke-width="6"/>'
    return "".join(out) + outline


SIDE_BY_SIDE = 1.4  # charts narrower than this (width / height) sit beside the title, wider ones under it


def svg_box(svg: str) -> tuple[float, float]:
    size = re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg)
    return float(size.group(1)), float(size.group(2))


def chart_aspect(svg: str) -> float:
    w, h = svg_box(svg)
    return w / h


def embedded_chart(svg: str, x: float, y: float, width: float, height: float, most: float = 1.6) -> str:
    """A chart's SVG scaled into a box (at most ``most`` times its size), centred, as a group of the card."""
    w, h = svg_box(svg)
    scale = min(width / w, height / h, most)
    inner = re.sub(r"^.*?<svg[^>]*>", "", svg, count=1, flags=re.S)
    inner = re.sub(r"</svg>\s*$", "", inner)
    inner = re.sub(r"<(title|desc|metadata)>.*?</\1>", "", inner, flags=re.S)
    left, top = x + (width - w * scale) / 2, y + (height - h * scale) / 2
    return f'<g transform="translate({left:.1f},{top:.1f}) scale({scale:.4f})">{inner}</g>'


def card_svg(card: Card, data, L, chart_svg: str | None = None) -> str:
    """The card as an SVG document of 1200 x 630 px."""
    parts = [f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
             f'<rect width="{WIDTH}" height="10" fill="{ACCENT}"/>']
    parts.append(text_lines([L.t("site.name")], MARGIN, 74, 24, weight=700, fill=ACCENT))
    footer_y = HEIGHT - 42
    parts.append(f'<rect x="{MARGIN}" y="{footer_y - 36}" width="{WIDTH - 2 * MARGIN}" height="2" fill="{GRID}"/>')
    footer = f"{L.t('source.line')} · {L.t('licence.line')}"
    size, lines = fit(footer, (20, 18, 16), WIDTH - 2 * MARGIN, 1)
    parts.append(text_lines(lines, MARGIN, footer_y, size, fill=SUBTLE))
    if card.tiles is not None:  # title and key number on the left, the map on the right
        column = 560
        size, lines = fit(card.title, (60, 52, 44, 38), column, 2)
        parts.append(text_lines(lines, MARGIN, 160, size, weight=700))
        number_y = 160 + size * 1.22 * (len(lines) - 1) + 150
        parts.append(text_lines([card.number], MARGIN, number_y, 112, weight=700, fill=INK))
        label_size, label_lines = fit(card.number_label, (28, 24, 22), column, 3)
        parts.append(text_lines(label_lines, MARGIN, number_y + 58, label_size, fill=SUBTLE, leading=1.3))
        parts.append(tile_map(data, L, card.tiles, 660, 40, WIDTH - 660 - MARGIN + 20, footer_y - 36 - 40 - 16))
    elif chart_svg is not None and chart_aspect(chart_svg) < SIDE_BY_SIDE:  # a tall chart: the title beside it
        column = 420
        size, lines = fit(card.title, (48, 42, 36, 32), column, 4)
        parts.append(text_lines(lines, MARGIN, 160, size, weight=700))
        top = 160 + size * 1.22 * (len(lines) - 1) + 56
        sub_size, sub_lines = fit(card.subtitle, (24, 22, 20), column, max(2, int((footer_y - 60 - top) / 30)))
        parts.append(text_lines(sub_lines, MARGIN, top, sub_size, fill=SUBTLE, leading=1.3))
        parts.append(embedded_chart(chart_svg, MARGIN + column + 40, 36, WIDTH - 2 * MARGIN - column - 40,
                                    footer_y - 36 - 16 - 36))
    else:  # the title over the chart
        size, lines = fit(card.title, (40, 34, 30), WIDTH - 2 * MARGIN, 2)
        parts.append(text_lines(lines, MARGIN, 128, size, weight=700))
        top = 128 + size * 1.22 * (len(lines) - 1) + 28
        if chart_svg is not None:
            parts.append(embedded_chart(chart_svg, MARGIN, top, WIDTH - 2 * MARGIN, footer_y - 36 - 16 - top))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT[L.code]}">'
            f'{"".join(parts)}</svg>')


# ---------------------------------------------------------------- rasterising, cached


@lru_cache(maxsize=1)
def fingerprint() -> str:
    return hashlib.sha256(Path(__file__).read_bytes() + renderer_fingerprint().encode()).hexdigest()


def cache_key(svg: str, title: str, alt: str) -> str:
    digest = hashlib.sha256(fingerprint().encode())
    digest.update("\0".join((svg, title, alt)).encode())
    return digest.hexdigest()[:40]


def rasterise(svg: str, title: str, alt: str, source: str, licence: str) -> bytes:
    """The card's PNG (1x: it is shown at 1200 px at most, 72 dpi), with its texts (may run in a worker process)."""
    # always a palette: a card stays small for the sites that fetch it (tested: 60 KB), a gradient legend in it
    # banded (at 1x its colours stay near; an RGB card weighs up to 100 KB)
    png = with_density(compact_png(rasterise_svg(svg, 1), keep_areas=False), 1)
    return png_with_text(png, {"Title": title, "Description": alt, "Source": source, "Copyright": licence})


class Drawing:
    """One language's cards: each from the cache, or being rasterised in a worker pool (or here)."""

    def __init__(self, deck: Deck, items: list[tuple[Card, str]], L, cache: Path | None, pool=None):
        self.deck, self.cache, self.used = deck, cache, set()
        self._files: dict[str, tuple[str, object]] = {}  # card name -> (cache key, PNG bytes or a future)
        source, licence = L.t("source.line"), L.t("licence.line")
        for card, svg in items:
            key = cache_key(svg, card.title, card.alt)
            self.used.add(key)
            if cache is not None and (cache / f"{key}.png").is_file():
                self._files[card.name] = (key, None)
                continue
            args = (svg, card.title, card.alt, source, licence)
            self._files[card.name] = (key, pool.submit(rasterise, *args) if pool is not None else rasterise(*args))
        self.drawn = sum(result is not None for _, result in self._files.values())

    def write(self, folder: Path) -> int:
        """``folder/<name>.png`` for every card (waiting for the drawings); the new ones go to the cache.
        Returns the total size in bytes."""
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        for name, (key, result) in self._files.items():
            if result is None:
                png = (self.cache / f"{key}.png").read_bytes()
                os.utime(self.cache / f"{key}.png")  # used now: kept by prune()
            else:
                png = result if isinstance(result, bytes) else result.result()
                if self.cache is not None:
                    write_atomically(self.cache / f"{key}.png", png)
            (folder / f"{name}.png").write_bytes(png)
            total += len(png)
        return total


def draw_cards(deck: Deck, data, L, files: dict[str, dict[str, bytes]], cache: Path | None = CACHE,
               pool=None) -> Drawing:
    """Start drawing one language's cards; ``files``: the rendered charts' files by chart id (the
    embed SVG, with no title or source line, is a chart card's picture)."""
    items = [(card, card_svg(card, data, L, files[card.chart]["embed.svg"].decode("utf-8") if card.chart else None))
             for card in deck.cards]
    return Drawing(deck, items, L, cache, pool)


def prune_cache(drawings, cache: Path | None = CACHE) -> None:
    """After a build that succeeded: keep the cards it used and those another build used this week."""
    if cache is not None:
        prune(cache, set().union(*(d.used for d in drawings)))
