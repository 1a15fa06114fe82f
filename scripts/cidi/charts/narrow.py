"""The layouts of a chart for the width it is shown at (issues 13 and 17).

Inputs: a chart's Vega-Lite spec (the wide layout, :mod:`cidi.charts.specs`). Outputs: the spec of
its narrow layout (:func:`narrow_spec`: about 320 px wide, every text at least 12 px, titles wrapped
a line at a time, legends in one column, tile maps with smaller squares) and the spec of a layout
with its plots widened or narrowed by some pixels (:func:`widen`). The renderer draws a layout once,
measures it and widens its plots by the difference (:func:`cidi.charts.render.fit`), so the
drawing is exactly as wide as asked whatever its axis labels and legends take.
"""
from __future__ import annotations

import copy
import unicodedata
from functools import lru_cache

from cidi.charts import tiles

NARROW = 320  # CSS px: a 360-px phone's column is 328 px, a 320-px embed shows the chart edge to edge
WIDE = 640  # the site's wide layout (a tile map keeps its 428 px): 12-px text stays 11 px in a 587-px frame
EMBED_WIDE = 600  # the embed's wide layout: shown from a 624-px iframe (600 px + its 12-px margins) up
MIN_TEXT = 12  # px: the smallest text of a narrow layout
NARROW_PADDING = 8
NARROW_TILE = 45  # 7 columns: 315 px, with 12-px labels ("Inner M." is 44 px in Arial)
NARROW_GAP = 1.5
MIN_PLOT = 80  # px: a plot is never narrowed below this
TITLE_SIZE = 16
# widths of characters in em (Arial): narrow ones, wide ones, everything else; a CJK character is 1 em
NARROW_CHARS, WIDE_CHARS = set("fijlrtI.,:;'!|()[] -·"), set("mwMWOQGCDHNU%@")


@lru_cache(maxsize=None)
def char_em(c: str) -> float:
    """One character's width in em (Arial, a little wide); a CJK character is 1 em."""
    if is_wide(c):
        return 1.0
    return 0.3 if c in NARROW_CHARS else 0.85 if c in WIDE_CHARS else 0.58


def text_width(text: str, size: float) -> float:
    """The width of ``text`` in px at ``size`` px, estimated a little wide (for wrapping titles)."""
    return sum(map(char_em, text)) * size


def wrap(text: str | list[str], size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` at ``size`` px: broken at spaces, and between any two
    CJK characters (not before a closing punctuation mark)."""
    return list(_wrap(tuple(text) if isinstance(text, list) else (text,), size, width))


@lru_cache(maxsize=4096)  # an embed's fixed height wraps the same titles at a hundred widths, cards again
def _wrap(paragraphs: tuple[str, ...], size: float, width: float) -> tuple[str, ...]:
    lines: list[str] = []
    for paragraph in paragraphs:
        line, em = "", 0.0  # the line so far and its width without its trailing spaces
        for token in _tokens(paragraph):
            body = token.rstrip()
            spaces = line[len(line.rstrip()):] if body else ""  # the line's trailing spaces, inside the candidate
            candidate_em = em
            for c in spaces + body:  # summed in order, as text_width sums: the same float at a boundary
                candidate_em += char_em(c)
            if line and candidate_em * size > width:
                lines.append(line.rstrip())
                line = token.lstrip()
                em = sum(map(char_em, line.rstrip()))
            else:
                line, em = line + token, candidate_em
        if line.strip():
            lines.append(line.rstrip())
    return tuple(lines)


CLOSING = set("，。；：、）》」』！？%,.;:)")


def tokens(text: str) -> list[str]:
    """Pieces a line may break after: a word with its trailing space, or a CJK character with the
    punctuation that follows it."""
    return list(_tokens(text))


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for c in text:
        wide = is_wide(c)
        if out and (c in CLOSING or (not wide and not out[-1].endswith(" ") and not is_wide(out[-1][-1]))):
            out[-1] += c
        else:
            out.append(c)
    return tuple(out)


@lru_cache(maxsize=None)
def is_wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in "WF"


DATA_KEYS = frozenset({"data", "datasets"})  # a spec's rows: no view, axis or font size lives in them


def _copy_layout(node):
    """A deep copy of a spec, sharing its rows: no layout changes them (a third of the time of
    copy.deepcopy on a map, whose rows are most of its spec)."""
    if isinstance(node, dict):
        return {k: v if k in DATA_KEYS else _copy_layout(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy_layout(v) for v in node]
    return node


def _raise_text(node) -> None:
    """Every font size below MIN_TEXT raised to it (marks, axes, legends, titles)."""
    if isinstance(node, list):
        for v in node:
            _raise_text(v)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.lower().endswith("fontsize") and isinstance(value, (int, float)) and value < MIN_TEXT:
                node[key] = MIN_TEXT
            elif key not in DATA_KEYS:
                _raise_text(value)


def _views(node, found=None) -> list[dict]:
    """The views with a numeric width (the plots), outermost first; a row with a width is not one."""
    found = [] if found is None else found
    if isinstance(node, dict):
        if isinstance(node.get("width"), (int, float)):
            found.append(node)
        for key, value in node.items():
            if key not in DATA_KEYS:
                _views(value, found)
    elif isinstance(node, list):
        for value in node:
            _views(value, found)
    return found


def _square_cells(view: dict) -> bool:
    """A heatmap (both axes categories): its height follows its width, so its cells stay square."""
    enc = view.get("encoding") or (view.get("layer") or [{}])[0].get("encoding", {})
    return all(isinstance(enc.get(a), dict) and enc[a].get("type") == "nominal" for a in ("x", "y"))


def widen(spec: dict, pixels: float) -> dict:
    """The spec with the width of every plot (not the tile maps, whose squares are fixed) changed by
    ``pixels`` (at least MIN_PLOT); a heatmap's height changes in proportion. Shares the spec's rows."""
    out = _copy_layout(spec)
    _wrap_axis_titles(out)
    for view in _views(out):
        if view.get("name") == tiles.NAME:
            continue
        old = view["width"]
        view["width"] = max(MIN_PLOT, round(old + pixels))
        if _square_cells(view) and isinstance(view.get("height"), (int, float)):
            view["height"] = round(view["height"] * view["width"] / old)
    return out


def plot_widths(spec: dict) -> list[float]:
    return [v["width"] for v in _views(spec) if v.get("name") != tiles.NAME]


def _tile_view(view: dict, datasets: dict) -> None:
    """A tile map with NARROW_TILE squares and 12-px labels (positions are pixels in its rows, inline
    or among the spec's ``datasets``)."""
    f = NARROW_TILE / tiles.TILE
    half = NARROW_TILE / 2 - NARROW_GAP / 2
    text_scale = MIN_TEXT / tiles.LABEL_SIZE
    data = view.get("data", {})
    rows = datasets.get(data["name"]) if "name" in data else data.get("values")
    for row in rows if isinstance(rows, list) else []:
        cx, cy = row["cx"] * f, row["cy"] * f
        if "label_y" in row:
            row["label_y"] = round(cy - (row["cy"] - row["label_y"]) * text_scale, 2)
            row["second_y"] = round(cy + (row["second_y"] - row["cy"]) * text_scale, 2)
        row.update(cx=round(cx, 2), cy=round(cy, 2), x=round(cx - half, 2), x2=round(cx + half, 2),
                   y=round(cy - half, 2), y2=round(cy + half, 2))
    for key in ("width", "height"):
        view[key] = round(view[key] * f)
    for layer in view.get("layer", []):
        mark = layer.get("mark")
        if isinstance(mark, dict) and mark.get("type") == "text":
            mark["fontSize"] = MIN_TEXT
    for layer in view.get("layer", []):
        legend = layer.get("encoding", {}).get("color", {}).get("legend")
        if isinstance(legend, dict):
            legend.update(labelFontSize=MIN_TEXT, titleFontSize=MIN_TEXT, symbolSize=160, columnPadding=10)


INSIDE_LABELS = {"labelAlign": "left", "labelPadding": -4, "ticks": False, "domain": False, "labelColor": "#111827",
                 "zindex": 1}
AXIS_TITLE = 160  # px: an x axis title wider than this goes on two lines (it would widen a narrow plot)


def _wrap_axis_titles(node) -> None:
    if isinstance(node, list):
        for v in node:
            _wrap_axis_titles(v)
    elif isinstance(node, dict):
        x = node.get("encoding", {}).get("x") if isinstance(node.get("encoding"), dict) else None
        if isinstance(x, dict) and isinstance(x.get("title"), str) and text_width(x["title"], MIN_TEXT) > AXIS_TITLE:
            x["title"] = wrap(x["title"], MIN_TEXT, AXIS_TITLE)
        for key, value in node.items():
            if key not in DATA_KEYS:
                _wrap_axis_titles(value)


def wrap_titles(spec: dict, line: float) -> dict:
    """The spec (changed in place) with its title, subtitle and source line in lines of at most
    ``line`` px, so that no text makes the drawing wider than its plots."""
    source = spec.get("title")
    if isinstance(source, dict):
        source["text"] = wrap(source["text"], max(source.get("fontSize", MIN_TEXT), MIN_TEXT), line)
    for view in spec.get("vconcat", []):
        title = view.get("title")
        if isinstance(title, dict):
            title["text"] = wrap(title["text"], TITLE_SIZE, line)
            title["subtitle"] = wrap(title.get("subtitle", ""), MIN_TEXT, line)
    return spec


WIDE_LEGEND_COLUMNS = 3


def wide_spec(spec: dict, width: int = WIDE) -> dict:
    """The wide layout: the spec as made, its titles wrapped to ``width`` (its plots are fitted by drawing)."""
    out = wrap_titles(_copy_layout(spec), width - 2 * spec.get("padding", 12) - 4)
    config = out.setdefault("config", {})
    config["legend"] = {**config.get("legend", {}), "columns": WIDE_LEGEND_COLUMNS}  # one row of six is too wide
    return out


def narrow_spec(spec: dict, width: int = NARROW) -> dict:
    """The narrow layout of a chart: titles, subtitle and source wrapped to ``width``, text at least
    MIN_TEXT px, legends in one column (labels not cut), category labels on a heatmap's x axis
    vertical, tile maps with smaller squares. Its plots keep their widths: :func:`cidi.charts.render.fit`
    sets them from a drawing."""
    out = copy.deepcopy(spec)
    _raise_text(out)
    is_tiles = any(v.get("name") == tiles.NAME for v in _views(out))
    padding = 2 if is_tiles else NARROW_PADDING  # the squares fill the width
    out["padding"] = padding
    line = width - 2 * padding - 4
    config = out.setdefault("config", {})
    config["legend"] = {**config.get("legend", {}), "columns": 1, "labelLimit": line - 40, "titleLimit": line}
    config["axis"] = {**config.get("axis", {}), "labelLimit": 160, "titleLimit": line}
    wrap_titles(out, line)
    _wrap_axis_titles(out)
    for view in _views(out):
        if view.get("name") == tiles.NAME:
            _tile_view(view, out.get("datasets", {}))
        elif is_tiles:  # beside a tile map (the explorer): the plot starts where the squares do, names inside it
            for layer in [view, *view.get("layer", [])]:
                y = layer.get("encoding", {}).get("y")
                if isinstance(y, dict) and y.get("type") == "nominal" and y.get("axis", {}) is not None:
                    y["axis"] = {**y.get("axis", {}), **INSIDE_LABELS}
        elif _square_cells(view):
            for layer in [view, *view.get("layer", [])]:
                x = layer.get("encoding", {}).get("x")
                if isinstance(x, dict) and isinstance(x.get("axis"), dict):
                    x["axis"]["labelAngle"] = -90
    return out
