"""Rendering of chart specs: Vega-Lite -> Vega, static SVG and PNG (vl-convert), and the
post-processing that makes the files small, labelled and byte-identical across builds.

Inputs: :class:`cidi.charts.model.Chart` objects. Outputs: files under ``<docs>/charts/<id>.*``:
``.vl.json`` (Vega-Lite), ``.vg.json`` (Vega), ``.svg``, ``.png`` (2x), their ``embed.*`` variants
and ``.csv`` (the chart's data).
"""
from __future__ import annotations

import json
import re
import struct
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cidi.charts.model import LICENCE, MESSAGES, SOURCE, Chart

# Geometry attributes (path data, positions, sizes, transforms), and the text between tags, which
# is matched only to be skipped: titles, labels and aria-labels keep every digit they were printed with.
GEOMETRY = re.compile(r'(>[^<]*+<)|( (?:d|transform|x|y|x1|x2|y1|y2|width|height|cx|cy|r|rx|ry|points)=")'
                      r'([^"]*+)"')
LONG_PATH = 400  # characters of path data from which a path (a map boundary) goes to whole pixels
EXTRA_DECIMALS = re.compile(r"(?<=\d\.\d)\d+")
FRACTION = re.compile(r"\.\d+")
REPEATED_POINT = re.compile(r"([ML])([^MLZmlzHVhv]*+)(?:L\2(?=[MLZmlzHVhv]|$))+")


def whole_pixel_path(d: str) -> str:
    """A path cut to whole pixels, without the line-to points that then repeat the previous point."""
    return REPEATED_POINT.sub(r"\1\2", FRACTION.sub("", d))


GRADIENT_ID = re.compile(r"gradient_\d+")


def stable_ids(svg: str) -> str:
    """Number gradient ids within the SVG itself: the renderer counts them per process, so they would
    depend on which worker drew the chart and what it drew before (builds must be byte-identical)."""
    order: dict[str, str] = {}
    return GRADIENT_ID.sub(lambda m: order.setdefault(m.group(0), f"gradient_{len(order) + 1}"), svg)


def _slim_geometry(match: re.Match) -> str:
    if match.group(1):  # text content: untouched
        return match.group(1)
    name, value = match.group(2), match.group(3)
    if name == ' d="' and len(value) >= LONG_PATH:
        return name + whole_pixel_path(value) + '"'
    return name + EXTRA_DECIMALS.sub("", value) + '"'


def slim_svg(svg: str) -> str:
    """Cut geometry to fewer digits: long paths (map boundaries) to whole pixels, dropping repeated
    points, other coordinates, sizes and transforms to one decimal. Invisible on screen; a map's SVG
    shrinks by more than half. Text, aria-labels, opacities and gradient offsets keep every digit."""
    return GEOMETRY.sub(_slim_geometry, stable_ids(svg))


EMBED_SCALE = 0.66


def bare_spec(spec: dict, scale: float = EMBED_SCALE) -> dict:
    """The chart for embed pages: no title, subtitle or source line (the embed page prints them as
    text, legible on a phone) and narrower, so its labels stay readable at 320 px."""
    def walk(node):
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items() if k not in ("config",)}
        if "config" in node:
            out["config"] = node["config"]
        if isinstance(node.get("width"), (int, float)):
            out["width"] = round(node["width"] * scale)
            if "projection" in node and isinstance(node.get("height"), (int, float)):
                out["height"] = round(node["height"] * scale)
        return out

    bare = walk(spec)
    bare["config"] = {**bare.get("config", {}), "legend": {**bare.get("config", {}).get("legend", {}), "columns": 2}}
    bare.pop("title", None)
    for view in bare.get("vconcat", [])[:1]:
        view.pop("title", None)
    return bare


def label_svg(svg: str, title: str, alt_text: str, source: str = SOURCE, licence: str = LICENCE) -> str:
    """Slim the SVG and give it a name, a description and the source and licence in its metadata."""
    meta = (f"<title>{escape(title)}</title><desc>{escape(alt_text)}</desc>"
            f"<metadata>{escape(source)} · {escape(licence)}</metadata>")
    svg = slim_svg(svg).replace("viewBox", f'role="img" aria-label="{escape(title)}" viewBox', 1)
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + meta, svg, count=1)


def render_one(job: tuple) -> dict[str, bytes]:
    """Compile and render one chart and its embed variant (runs in a worker process)."""
    import vl_convert as vlc

    chart_id, spec, title, alt_text, png, source, licence = job
    bare = bare_spec(spec)
    svg = vlc.vegalite_to_svg(spec)
    out = {
        "vl.json": dumps(spec),
        "vg.json": dumps(vlc.vegalite_to_vega(spec)),
        "svg": label_svg(svg, title, alt_text, source, licence).encode(),
        "embed.vg.json": dumps(vlc.vegalite_to_vega(bare)),
        "embed.svg": label_svg(vlc.vegalite_to_svg(bare), title, alt_text, source, licence).encode(),
    }
    if png:
        out["png"] = png_with_text(vlc.svg_to_png(svg, scale=2), {  # from the SVG: half the time of a re-render
            "Title": title, "Description": alt_text, "Source": source, "Copyright": licence})
    return out


def svg_size(svg: bytes) -> tuple[int, int]:
    size = re.search(rb'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg)
    return round(float(size.group(1))), round(float(size.group(2)))


def dumps(spec: dict) -> bytes:
    return (json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def png_with_text(png: bytes, text: dict[str, str]) -> bytes:
    """Insert one iTXt chunk (UTF-8 text) per key before IEND, so the facts travel with the image."""
    chunks = b""
    for key, value in text.items():
        data = key.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8")
        chunks += struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunks + png[end:]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def render_charts(charts: list[Chart], folder: Path, workers: int = 2, png: bool = True) -> None:
    """Write every chart's files into ``folder`` (in parallel; output independent of scheduling)."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(c.id, c.spec, c.title, c.alt, "png" if png else "", MESSAGES["source.line"][c.lang],
             MESSAGES["licence.line"][c.lang]) for c in charts]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(render_one, jobs, chunksize=4))
    for chart, files in zip(charts, results):
        chart.width, chart.height = svg_size(files["svg"])
        chart.embed_width, chart.embed_height = svg_size(files["embed.svg"])
        for suffix, content in files.items():
            path = folder / f"{chart.id}.{suffix}"
            path.write_bytes(content)
        csv_path = folder / f"{chart.id}.csv"
        chart.data.to_csv(csv_path, index=False, lineterminator="\n")
