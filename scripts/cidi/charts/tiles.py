"""The tile map: every provincial-level division one square of the same size, placed on the grid of
``datasets/tile-layout.csv`` (schematic: no boundaries, no projection).

Inputs: the layout, the provinces and the values to show. Outputs: the rows of one map (pixel
positions, label, value as printed, fill, black or white text, link) and the stepped colour scale
(class breaks, colour-blind-safe viridis classes). :func:`adjacency` measures how faithful the
layout is to the real land neighbours listed in its provenance sidecar (printed on the methodology page).
"""
from __future__ import annotations

import math

import pandas as pd

NAME = "tiles"  # the Vega-Lite name of a tile map's view (the embed keeps its size: see render.bare_spec)
TILE = 60  # grid cell, in chart pixels: with 7 columns and PADDING the chart is 428 px wide, 328 px on a phone
GAP = 2  # white space between two tiles (2: a 58-px square holds the longest label, "Guangd.")
PADDING = 4  # around a tile map (other charts: 12), so that it is no wider than it must be
LABEL_SIZE = 14.5  # 14.5 x 328 / 428 = 11.1 CSS px in the 328-px column of a 360-px screen (the floor is 11)
LABEL_WEIGHT = {"en": 400, "zh": 600}  # CJK needs the heavier weight at this size; Latin the narrower one
VALUE_SIZE = 14.5
INK_DARK = "#111827"
INK_LIGHT = "#ffffff"
# viridis (matplotlib) at 0, 1/8, ..., 1: perceptually uniform and readable with colour-vision deficiencies
VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"]
MAX_CLASSES = 6


def grid_size(tiles: pd.DataFrame) -> tuple[int, int]:
    """Columns and rows of the grid."""
    return int(tiles["column"].max()) + 1, int(tiles["row"].max()) + 1


def class_breaks(low: float, high: float, most: int = MAX_CLASSES) -> list[float]:
    """Round thresholds between ``low`` and ``high``: the finest step of 1, 2, 2.5 or 5 times a power
    of ten giving at most ``most`` classes (22.28..45.19 -> step 5 -> 25, 30, 35, 40, 45)."""
    if high <= low:
        return []
    power = 10.0 ** math.floor(math.log10(high - low)) / 100
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * power
            first = math.floor(low / step) + 1
            last = math.ceil(high / step) - 1
            if last - first + 2 <= most:
                return [round(i * step, 10) for i in range(first, last + 1)]
        power *= 10


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def sample(palette: list[str], t: float) -> str:
    """The colour at ``t`` in [0, 1] along ``palette``, interpolated linearly in RGB."""
    position = t * (len(palette) - 1)
    i = min(int(position), len(palette) - 2)
    a, b = _rgb(palette[i]), _rgb(palette[i + 1])
    mix = [x + (y - x) * (position - i) for x, y in zip(a, b)]
    return "#" + "".join(f"{round(v * 255):02x}" for v in mix)


def class_colours(n: int) -> list[str]:
    """``n`` viridis classes from light (lowest values) to dark (highest)."""
    return [sample(VIRIDIS, 1 - i / (n - 1)) if n > 1 else VIRIDIS[4] for i in range(n)]


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""
    def channel(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink(fill: str) -> str:
    """Black or white text, whichever contrasts more with ``fill``."""
    return INK_DARK if contrast(fill, INK_DARK) >= contrast(fill, INK_LIGHT) else INK_LIGHT


def class_of(value: float, breaks: list[float]) -> int:
    """Index of the class of ``value`` (threshold scale: a value equal to a break is in the upper class)."""
    return sum(value >= b for b in breaks)


def positions(tiles: pd.DataFrame) -> pd.DataFrame:
    """Pixel box and centre of every tile: equal squares, ``GAP`` apart."""
    out = tiles[["adcode", "column", "row", "label_en"]].copy()
    out["x"] = out["column"] * TILE + GAP / 2
    out["x2"] = (out["column"] + 1) * TILE - GAP / 2
    out["y"] = out["row"] * TILE + GAP / 2
    out["y2"] = (out["row"] + 1) * TILE - GAP / 2
    out["cx"] = (out["column"] + 0.5) * TILE
    out["cy"] = (out["row"] + 0.5) * TILE
    return out


def tile_rows(data, L, values: pd.DataFrame | None = None, field: str | None = None) -> pd.DataFrame:
    """One row per division: position, label in the reader's language, tooltip name, page link and,
    when ``values`` (by adcode) are given, the value of ``field`` as the formatter prints it."""
    provinces = data.sources.provinces.set_index("adcode")
    rows = positions(data.sources.tiles)
    names = provinces.loc[rows["adcode"], "name_en"].to_numpy()
    assessed = provinces.loc[rows["adcode"], "assessed"].astype(bool).to_numpy()
    rows["label"] = [L.province_zh_short(n) for n in names] if L.zh else rows["label_en"]
    rows["name"] = [L.province(n) if a else L.t("chart.map.not_assessed", name=L.province(n))
                    for n, a in zip(names, assessed)]
    rows["assessed"] = assessed
    rows["href"] = [f"../provinces/{provinces.loc[c, 'slug']}/" if a else None
                    for c, a in zip(rows["adcode"], assessed)]
    rows["note"] = [None if a else L.t("chart.tiles.na") for a in assessed]
    if values is not None:
        by_code = values.set_index("adcode")
        for column in by_code.columns:  # None, not NaN, for a division without a value (integers stay integers)
            value_of = by_code[column].to_dict()
            rows[column] = [value_of.get(c) for c in rows["adcode"]]
        if field is not None:
            rows["value_text"] = [L.f.score(v) if a else None for v, a in zip(rows[field], assessed)]
    return rows.drop(columns=["column", "row", "label_en"]).sort_values("adcode").reset_index(drop=True)


def adjacency(tiles: pd.DataFrame, neighbours: dict[str, list[str]]) -> dict[str, int]:
    """How the grid keeps the real land neighbours: of the ``pairs`` of divisions sharing a land
    boundary, how many share a tile edge (``kept``) or only a corner (``corner``); and how many
    tiles share an edge without being real neighbours (``false``)."""
    cell = {r.adcode: (int(r.column), int(r.row)) for r in tiles.itertuples(index=False)}
    real = {frozenset((a, b)) for a, others in neighbours.items() for b in others or []}
    by_cell = {v: k for k, v in cell.items()}
    edges = set()
    for code, (x, y) in cell.items():
        for other in (by_cell.get((x + 1, y)), by_cell.get((x, y + 1))):
            if other:
                edges.add(frozenset((code, other)))

    def corner(pair):
        (ax, ay), (bx, by) = (cell[c] for c in pair)
        return abs(ax - bx) == 1 and abs(ay - by) == 1

    return {"pairs": len(real), "kept": len(real & edges), "corner": sum(corner(p) for p in real - edges),
            "false": len(edges - real), "divisions": len(cell)}
