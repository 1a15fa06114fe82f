"""Rendering of chart specs: Vega-Lite -> Vega, static SVG and the PNG's pixels (in Node.js:
:class:`VegaSVG`; resvg rasterises), and the post-processing that makes the files small, labelled and
byte-identical across builds.

Inputs: :class:`cidi.charts.model.Chart` objects. Outputs: the bytes of each chart's files,
``.vl.json`` (Vega-Lite), ``.vg.json`` (Vega), ``.svg``, ``.png`` (2x) and their ``embed.*``
variants, written with ``.csv`` (the chart's data) as ``<folder>/<id>.*``.

Rendering runs in worker processes and is cached in ``build/cache/charts/<key>/``, the key being a
hash of everything that determines the files (:func:`cache_key`), so a rebuild after a text-only
change renders nothing. Cached and freshly rendered files are the same bytes. ``CIDI_CACHE`` moves
every cache of a build elsewhere, or turns them ``off`` (:func:`cidi.paths.cache`).
"""
from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import struct
import subprocess
import zlib
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from cidi import paths
from cidi.caches import empty
from cidi.charts.model import LICENCE, MESSAGES, SOURCE, Chart
from cidi.charts.narrow import EMBED_WIDE, MIN_PLOT, NARROW, WIDE, narrow_spec, plot_widths, wide_spec, widen
from cidi.charts.tiles import NAME as TILES

CACHE = paths.CACHE / "charts"  # the default (CIDI_CACHE unset); outside build/site: never published

# Geometry attributes (path data, positions, sizes, transforms), and the text between tags, which
# is matched only to be skipped: titles, labels and aria-labels keep every digit they were printed with.
GEOMETRY = re.compile(r'(>[^<]*+<)|( (?:d|transform|x|y|x1|x2|y1|y2|width|height|cx|cy|r|rx|ry|points)=")'
                      r'([^"]*+)"')
LONG_PATH = 400  # characters of path data from which a path goes to whole pixels
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
    """Cut geometry to fewer digits: long paths to whole pixels, dropping repeated points, other
    coordinates, sizes and transforms to one decimal. Invisible on screen. Text, aria-labels,
    opacities and gradient offsets keep every digit."""
    return GEOMETRY.sub(_slim_geometry, stable_ids(svg))


def bare_spec(spec: dict, scale: float = 1.0, columns: int | None = 2) -> dict:
    """The chart for embed pages: no title, subtitle or source line (the embed page prints them as
    text, legible on a phone), no links off the site, its plots' widths times ``scale`` and its
    legends in ``columns`` columns (None: as the spec has them)."""
    def walk(node):
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items() if k not in ("config", "href", "cursor")}  # no links off the site
        if "config" in node:
            out["config"] = node["config"]
        if isinstance(node.get("width"), (int, float)) and node.get("name") != TILES:
            out["width"] = round(node["width"] * scale)  # a tile map keeps its squares and its labels
        return out

    bare = walk(spec)
    if columns is not None:
        bare["config"] = {**bare.get("config", {}), "legend": {**bare.get("config", {}).get("legend", {}), "columns": columns}}
    bare.pop("title", None)
    for view in bare.get("vconcat", [])[:1]:
        view.pop("title", None)
    return bare


VEGA_BASE_URL = 'xlink:href="https://vega.github.io/vega-datasets/'  # vl-convert's loader base


def label_svg(svg: str, title: str, alt_text: str, source: str = SOURCE, licence: str = LICENCE) -> str:
    """Slim the SVG and give it a name, a description and the source and licence in its metadata.
    Links (a tile map's provinces) stay relative to the chart's folder, as they are in the spec."""
    svg = svg.replace(VEGA_BASE_URL, 'xlink:href="')
    meta = (f"<title>{escape(title)}</title><desc>{escape(alt_text)}</desc>"
            f"<metadata>{escape(source)} · {escape(licence)}</metadata>")
    svg = slim_svg(svg).replace("viewBox", f'role="img" aria-label="{escape(title)}" viewBox', 1)
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + meta, svg, count=1)


FIT_PASSES = 4  # drawings of a layout at most, to make it as wide as asked (the second is usually exact)


def draw(job: tuple) -> tuple[dict[str, bytes], str]:
    """Compile and draw one chart in its layouts (runs in a worker process): every file but the PNG,
    and the SVG the PNG is drawn from (:func:`draw_png`: the wide layout, unslimmed; empty without a PNG).

    The wide layout is the spec as made, fitted to WIDE px; the narrow one (:func:`cidi.charts.narrow.narrow_spec`) and
    the embed page's two (no titles: :func:`bare_spec`) are fitted to their widths by drawing them
    (:func:`fit`). Each SVG is drawn from exactly the published Vega spec.

    Drawing is much of a build's time (text is measured as it is drawn), so a layout fitted from its
    untitled twin measures the twin (laid out, not drawn: :meth:`VegaSVG.measure`), and no layout is
    drawn only to be measured when another drawing tells the same: a titled layout as wide as asked says its
    untitled twin would be (titles are wrapped narrower than the plots), and the embed's wide
    layout starts from the wide one's plots, 40 px narrower (checked by drawing it, as every fit is)."""
    spec, title, alt_text, png, source, licence = job

    def compile_and_draw(vl_spec) -> tuple[bytes, str]:
        vega, svg = vega_svg().compile_and_draw(vl_spec)
        return dumps(vega), svg

    def drawn(drawing: tuple[bytes, str]) -> int:
        """The drawing's width (px)."""
        return svg_size(drawing[1].encode())[0]

    def exact(drawing: tuple[bytes, str], width: int) -> bool:
        return drawn(drawing) == width

    def step(vl_spec: dict, width: int, drawn_width: int) -> dict | None:
        """The layout with its plots widened by what its drawing lacks to be ``width`` wide (negative: it
        is wider); None when it is as wide as asked or its plots cannot change."""
        delta = width - drawn_width
        if delta == 0 or not plot_widths(vl_spec) or min(plot_widths(vl_spec)) + delta < MIN_PLOT:
            return None
        return widen(vl_spec, delta)

    def fit(vl_spec: dict, width: int, passes: int = FIT_PASSES) -> tuple[dict, tuple[bytes, str]]:
        """The layout with its plots widened (or narrowed) until its drawing is ``width`` px wide, and that drawing."""
        drawing = compile_and_draw(vl_spec)
        for _ in range(passes - 1):
            if (wider := step(vl_spec, width, drawn(drawing))) is None:
                break
            vl_spec, drawing = wider, compile_and_draw(wider)
        return vl_spec, drawing

    def like(layout: dict, bare: dict) -> dict:
        """The titled layout with the plots of its untitled twin."""
        return widen(layout, plot_widths(bare)[0] - plot_widths(layout)[0]) if plot_widths(layout) else layout

    def titled(layout: dict, width: int, with_bare: bool) -> tuple[dict, tuple | None, tuple[bytes, str]]:
        """A layout fitted without its titles (they are wrapped to its width, but a line may be
        shorter than its plots), then drawn with them: the untitled spec, its drawing (when
        ``with_bare``, or drawn anyway) and the titled drawing (Vega spec, SVG)."""
        bare = bare_spec(layout, columns=None)
        wider = step(bare, width, round(vega_svg().measure(bare)))  # its width only: no SVG made
        if wider is None:
            return bare, compile_and_draw(bare) if with_bare else None, compile_and_draw(like(layout, bare))
        drawing = compile_and_draw(like(layout, wider))
        if exact(drawing, width):  # so is the untitled one: drawn only if it is published
            return wider, compile_and_draw(wider) if with_bare else None, drawing
        bare, bare_drawing = fit(wider, width, FIT_PASSES - 1)
        return bare, bare_drawing, compile_and_draw(like(layout, bare))

    wide_bare, _untitled, (vg, svg) = titled(wide_spec(spec), WIDE, with_bare=False)
    _narrow, (embed_narrow_vg, embed_narrow_svg), (narrow_vg, narrow_svg) = titled(
        narrow_spec(spec), NARROW, with_bare=True)
    embed, drawing = bare_spec(spec), None
    if plot_widths(embed) and plot_widths(wide_bare):  # first guess: the wide layout's plots, 40 px narrower
        drawing = compile_and_draw(widen(embed, plot_widths(wide_bare)[0] - (WIDE - EMBED_WIDE) - plot_widths(embed)[0]))
    if drawing is None or not exact(drawing, EMBED_WIDE):  # else fitted from the spec's own plots
        drawing = fit(embed, EMBED_WIDE)[1]
    embed_vg, embed_svg = drawing
    vl = dumps(spec)  # the spec as made (each layout's Vega spec is the one drawn)
    labelled = {name: label_svg(drawing, title, alt_text, source, licence).encode() for name, drawing in (
        ("svg", svg), ("narrow.svg", narrow_svg), ("embed.svg", embed_svg), ("embed.narrow.svg", embed_narrow_svg))}
    return {"vl.json": vl, "vg.json": vg, "narrow.vg.json": narrow_vg, "embed.vg.json": embed_vg,
            "embed.narrow.vg.json": embed_narrow_vg, **labelled}, svg if png else ""


def draw_png(svg: str, job: tuple) -> bytes:
    """The PNG (2x) of the chart's SVG (unslimmed: :func:`draw`), rasterised with its text as outlines and
    given a palette where it keeps the picture (:func:`compact_png`), with its texts (worker process)."""
    _spec, title, alt_text, _png, source, licence = job
    return png_with_text(with_density(compact_png(rasterise(svg, 2)), 2), {
        "Title": title, "Description": alt_text, "Source": source, "Copyright": licence})


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


ZLIB_LEVEL = 6  # 10.6 -> 3.8 ms a card against level 8, for 6 % more bytes (26 KB a card): cards are fetched by
# the sites a link is shared on, PNGs by those who download them, never by a reader of a page


def colour_counts(code):
    """``np.unique(code, return_inverse=True, return_counts=True)``, hashing rather than sorting, and
    only the first pixel of each run of one colour (a card's 756,000 pixels are some 50,000 runs of a
    few hundred colours): the same arrays in a sixth of the time."""
    import numpy as np
    import pandas as pd

    starts = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))
    lengths = np.diff(np.append(starts, len(code)))
    first_seen, seen = pd.factorize(code[starts], sort=False)
    order = np.argsort(seen, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    counts = np.bincount(first_seen, weights=lengths, minlength=len(seen)).astype(np.int64)
    return seen[order], np.repeat(rank[first_seen], lengths), counts[order]


# A colour left out of the palette is an antialiased edge pixel when it is rare; one covering AREA pixels
# or more that its nearest palette colour would shift by more than FAR (RGB distance) is a colour the
# reader sees (a gradient legend's, which the correlation heatmap's 2x PNG drew grey): that image keeps
# all its colours, in RGB.
AREA, FAR = 16, 10


def compact_png(pixels, colours: int = 256, keep_areas: bool = True) -> bytes:
    """An opaque image (rows x columns x RGBA, uint8) as a PNG with a palette of its ``colours`` most
    frequent colours (each other colour, a few antialiased edge pixels, becomes its nearest): a seventh
    of the size of an RGBA file (183 -> 25 KB a card, 198 -> 30 KB a chart at 2x). An image whose left-out
    colours cover areas (:data:`AREA`, :data:`FAR`) is written in RGB instead, every pixel kept, unless not
    ``keep_areas``. Deterministic: ties are broken by colour value."""
    import numpy as np

    if not (pixels[:, :, 3] == 255).all():
        raise ValueError("charts: a PNG must be opaque (its first shape a rectangle filling it)")
    height, width = pixels.shape[:2]
    code = np.ascontiguousarray(pixels).view("<u4").ravel()  # each pixel's RGBA bytes as one number
    values, inverse, counts = colour_counts(code)
    rgb = np.stack([values & 255, (values >> 8) & 255, (values >> 16) & 255], axis=1).astype(np.int32)
    order = np.argsort(-counts, kind="stable")
    palette = rgb[order[:colours]]
    nearest = np.empty(len(values), np.uint8)
    nearest[order[:colours]] = np.arange(len(palette))  # each palette colour is itself ...
    rare = order[colours:]  # ... and each other one its nearest
    distances = ((rgb[rare, None, :] - palette[None, :, :]) ** 2).sum(axis=2)
    nearest[rare] = distances.argmin(axis=1)
    if keep_areas and ((counts[rare] >= AREA) & (distances.min(axis=1) > FAR ** 2)).any():
        kind, data, plte = 2, pixels[:, :, :3].reshape(height, width * 3), b""
    else:
        kind, data = 3, nearest[inverse].reshape(height, width)
        plte = chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    raw = np.concatenate([np.zeros((height, 1), np.uint8), data], axis=1).tobytes()  # filter None: the smallest here
    header = struct.pack(">IIBBBBB", width, height, 8, kind, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + plte
            + chunk(b"IDAT", zlib.compress(raw, ZLIB_LEVEL)) + chunk(b"IEND", b""))


def rasterise(svg: str, scale: float):
    """An SVG's pixels (rows x columns x RGBA, uint8, premultiplied), its text drawn as outlines, by resvg
    in Node.js (:meth:`VegaSVG.raster`; worker process): no PNG is encoded and decoded on the way to
    :func:`compact_png`."""
    return vega_svg().raster(svg, scale)


# ---------------------------------------------------------------- SVG drawing in Node.js

NODE_SCRIPT = Path(__file__).with_name("vega_svg.js")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


@lru_cache(maxsize=1)
def font_faces() -> tuple[dict, ...]:
    """Every installed font face, as the Node.js drawing chooses among them: file, PostScript name,
    family names (lower case, as CSS compares them), weight and italic. In folder order, like vl-convert's."""
    from fontTools.ttLib import TTCollection, TTFont

    faces = []
    for path in font_files():
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        try:
            fonts = (TTCollection(str(path), lazy=True).fonts if path.suffix.lower() in (".ttc", ".otc")
                     else [TTFont(str(path), lazy=True)])
            for font in fonts:
                names = font["name"]
                faces.append({"path": str(path), "postscript": names.getDebugName(6),
                              "families": sorted({r.toUnicode().lower() for r in names.names if r.nameID in (1, 16)}),
                              "weight": font["OS/2"].usWeightClass, "italic": bool(font["OS/2"].fsSelection & 1)})
        except Exception:  # noqa: BLE001 - a broken font file is skipped, as font databases do
            continue
    return tuple(faces)


def vega_library() -> Path:
    """The Vega the site serves (fetched by ``make`` from the npm registry: scripts/js.lock.json)."""
    from cidi.fetch_js import cache_dir, read_lock

    return cache_dir("vega", read_lock()["vega"]) / "vega.min.js"


class VegaSVG:
    """One long-lived Node.js process (``vega_svg.js``) that compiles Vega-Lite specs, draws Vega specs
    as SVG and measures their width, measuring text with fontkit in the installed fonts (a quarter of
    vl-convert's time, 17 ms a compiled drawing against 68: it re-opens the font file for every string
    it measures; the same files, tests/test_charts.py), outlines an SVG's text for rasterising, and
    rasterises an SVG (resvg, for the PNGs and cards)."""

    def __init__(self):
        needed = (vega_library(), paths.NODE_MODULES / "vega-lite" / "build" / "vega-lite.min.js",
                  paths.NODE_MODULES / "fontkit", paths.NODE_MODULES / "@resvg" / "resvg-js")
        missing = [str(p) for p in needed if not p.exists()]
        if shutil.which("node") is None or missing:
            raise RuntimeError("charts: drawing needs Node.js (Debian: apt-get install nodejs npm) and the packages "
                             "`make .venv/.installed` installs (npm ci in .venv/node; remove that file to install "
                             f"again); missing: {', '.join(missing) or 'node'}")
        self._process = subprocess.Popen(["node", str(NODE_SCRIPT), *map(str, needed), json.dumps(font_faces())],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self._pixels: Path | None = None  # where rasters are handed over (in memory: /dev/shm where there is one)
        atexit.register(self._end)

    def _end(self) -> None:
        """End the drawing process with this one, and wait for it: its CPU time then counts in this
        process's children's (the benchmark's CPU figure), and it leaves no orphan behind."""
        with contextlib.suppress(Exception):
            self._process.stdin.close()
            self._process.wait(timeout=10)
        if self._pixels is not None:
            self._pixels.unlink(missing_ok=True)

    def _ask(self, request: dict) -> dict:
        self._process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"charts: the Node.js drawing process stopped (exit code {self._process.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"charts: the Node.js drawing failed: {answer['error']}")
        return answer

    def draw(self, vega_json: str) -> str:
        """The SVG of a Vega spec (JSON text)."""
        return self._ask({"vega": json.loads(vega_json)})["svg"]

    def outline(self, svg: str) -> str:
        """The SVG with each text replaced by its glyph outlines, as resvg would draw them."""
        return self._ask({"outline": svg})["svg"]

    def raster(self, svg: str, scale: float):
        """The SVG's pixels at ``scale`` (rows x columns x RGBA, uint8, premultiplied), drawn by resvg with
        the text as outlines (:meth:`outline`), handed over through a file, not the pipe's JSON."""
        import tempfile

        import numpy as np

        if self._pixels is None:
            shm = Path("/dev/shm")
            handle, name = tempfile.mkstemp(prefix="cidi-raster-", dir=shm if shm.is_dir() else None)
            os.close(handle)
            self._pixels = Path(name)
        size = self._ask({"raster": svg, "scale": scale, "file": str(self._pixels)})
        count = size["width"] * size["height"] * 4  # the file may be longer: written over by each raster
        pixels = np.fromfile(self._pixels, np.uint8, count=count)
        if pixels.size != count:
            raise RuntimeError(f"charts: the raster of {size['width']} x {size['height']} px came as {pixels.size} bytes")
        return pixels.reshape(size["height"], size["width"], 4)

    def measure(self, vl_spec: dict) -> float:
        """The width of a Vega-Lite spec's drawing (px, as its SVG would say), without drawing it."""
        return self._ask({"measure": vl_spec})["width"]

    def compile_and_draw(self, vl_spec: dict) -> tuple[dict, str]:
        """A Vega-Lite spec compiled to Vega, and its SVG."""
        answer = self._ask({"vegalite": vl_spec})
        return answer["vega"], answer["svg"]

_VEGA_SVG: VegaSVG | None = None


def vega_svg() -> VegaSVG:
    """This process's drawing process (started at its first drawing, ended with the process)."""
    global _VEGA_SVG
    if _VEGA_SVG is None:
        _VEGA_SVG = VegaSVG()
    return _VEGA_SVG


def svg_size(svg: bytes) -> tuple[int, int]:
    size = re.search(rb'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg)
    return round(float(size.group(1))), round(float(size.group(2)))


def dumps(spec: dict) -> bytes:
    return (json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def with_density(png: bytes, scale: float) -> bytes:
    """The PNG tagged with its real density, ``scale`` pixels a CSS pixel (2: 144 dpi, 5669 px/m), in its
    pHYs chunk, replacing any it has (a 2x image read as 72 dpi imports at twice its size in layout programs)."""
    per_metre = round(scale * 72 / 0.0254)  # 1x is 72 dpi (one pixel a point), as resvg and layout programs count
    phys = chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
    at = png.find(b"pHYs", 0, png.find(b"IDAT")) - 4
    if at >= 0:  # replaced in place
        return png[:at] + phys + png[at + 21:]
    end = 8 + 8 + 13 + 4  # after IHDR
    return png[:end] + phys + png[end:]


def png_with_text(png: bytes, text: dict[str, str]) -> bytes:
    """Insert one iTXt chunk (UTF-8 text) per key before IEND, so the facts travel with the image."""
    chunks = b"".join(chunk(b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8"))
                      for key, value in text.items())
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunks + png[end:]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# ---------------------------------------------------------------- cache

FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
                Path.home() / ".local" / "share" / "fonts")  # where vl-convert's font database looks


@lru_cache(maxsize=1)
def renderer_fingerprint() -> str:
    """What draws the charts: this module's code and the drawing script's, the Vega and Node.js
    packages' locks (Vega-Lite, fontkit, resvg-js) and the installed fonts (text is measured and drawn
    with them: installing the CJK fonts must not leave tofu PNGs cached)."""
    digest = hashlib.sha256(Path(__file__).read_bytes() + (Path(__file__).parent / "narrow.py").read_bytes())
    digest.update(NODE_SCRIPT.read_bytes() + paths.JS_LOCK.read_bytes()
                  + (paths.NODE_PACKAGES / "package-lock.json").read_bytes())
    for path in font_files():
        digest.update(f"{path}\0{path.stat().st_size}\0".encode())
    return digest.hexdigest()


def font_files():
    """Every file in the font folders, in a fixed order (folders sorted, names sorted)."""
    for folder in FONT_FOLDERS:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                yield Path(root) / name


def render_job(chart: Chart, png: bool) -> tuple:
    return (chart.spec, chart.title, chart.alt, "png" if png else "", MESSAGES["source.line"][chart.lang],
            MESSAGES["licence.line"][chart.lang])


def cache_key(job: tuple, vl: bytes) -> str:
    """A hash of everything that determines a chart's files: the job (the spec, given as its
    ``vl.json`` bytes, title, alt text, source and licence lines, PNG or not) and the renderer. The
    chart id is not part of it: it is not in the files."""
    digest = hashlib.sha256(renderer_fingerprint().encode())
    digest.update(vl)
    digest.update(json.dumps(job[1:], ensure_ascii=False).encode())
    return digest.hexdigest()


LAYOUTS = ("vl.json", "vg.json", "svg", "narrow.vg.json", "narrow.svg", "embed.vg.json", "embed.svg",
           "embed.narrow.vg.json", "embed.narrow.svg")


def suffixes(png: bool) -> tuple[str, ...]:
    return LAYOUTS + (("png",) if png else ())


def read_cached(cache: Path, key: str, png: bool) -> dict[str, bytes] | None:
    try:
        files = {suffix: (cache / key / f"chart.{suffix}").read_bytes() for suffix in suffixes(png)}
        os.utime(cache / key)  # used now: kept by prune()
        return files
    except FileNotFoundError:  # not cached, or an entry someone has emptied: render it again
        shutil.rmtree(cache / key, ignore_errors=True)
        return None


def write_cached(cache: Path, key: str, files: dict[str, bytes]) -> None:
    """Write the entry beside its place and rename it there: a reader sees all of it or nothing."""
    temporary = cache / f".{key}-{os.getpid()}"
    temporary.mkdir(parents=True, exist_ok=True)
    for suffix, content in files.items():
        (temporary / f"chart.{suffix}").write_bytes(content)
    try:
        temporary.rename(cache / key)
    except OSError:  # written meanwhile by another build: same key, same bytes
        shutil.rmtree(temporary, ignore_errors=True)


KEEP_UNUSED = 7 * 24 * 3600  # seconds an entry no build used stays in the cache


def prune(cache: Path, used: set[str], now: float | None = None) -> list[str]:
    """Remove the entries of ``cache`` that this build did not use and no build used for a week (a
    cache that only grew filled the disk: every edit of a chart's text adds an entry). The names removed."""
    import time

    now = time.time() if now is None else now
    removed = []
    for entry in sorted(cache.iterdir()) if cache.is_dir() else ():
        if entry.name not in used and not entry.name.startswith(".") and now - entry.stat().st_mtime > KEEP_UNUSED:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return removed


def default_cache() -> Path | None:
    """``$CIDI_CACHE/charts`` (``build/cache/charts`` by default), or None when CIDI_CACHE is ``off``."""
    return paths.cache("charts")


# ---------------------------------------------------------------- rendering in the background


class Rendering:
    """The files of a list of charts: from the cache, or being drawn by the renderer's workers.

    ``result()`` gives every file but the PNGs: all the pages need. The PNGs of the charts drawn
    here are queued only then, behind every chart submitted so far, so the pages of the last
    language wait for no PNG; ``pngs()`` gives them."""

    def __init__(self, renderer: Renderer, charts: list[Chart], jobs: dict[str, tuple], keys: list[str],
                 pending: dict[str, Future | dict[str, bytes]]):
        self._renderer, self.charts, self._jobs, self._keys, self._pending = renderer, charts, jobs, keys, pending
        self._png_futures: dict[str, Future] = {}
        self.rendered = sum(isinstance(p, Future) for p in pending.values())  # charts not found in the cache

    def result(self) -> dict[str, dict[str, bytes]]:
        """Wait for the charts' drawings and set each chart's sizes. Files by chart id and suffix."""
        for key, pending in self._pending.items():
            if isinstance(pending, Future):
                self._pending[key], svg = pending.result()
                if self._renderer.png:
                    self._png_futures[key] = self._renderer.pool.submit(draw_png, svg, self._jobs[key])
                else:
                    self._renderer.store(key, self._pending[key])
        files: dict[str, dict[str, bytes]] = {}
        for chart, key in zip(self.charts, self._keys):
            files[chart.id] = {k: v for k, v in self._pending[key].items() if k != "png"}
            chart.width, chart.height = svg_size(files[chart.id]["svg"])
            chart.embed_width, chart.embed_height = svg_size(files[chart.id]["embed.svg"])
            chart.narrow_width, chart.narrow_height = svg_size(files[chart.id]["narrow.svg"])
            chart.embed_narrow_width, chart.embed_narrow_height = svg_size(files[chart.id]["embed.narrow.svg"])
        return files

    def pngs(self) -> dict[str, bytes]:
        """Wait for the PNGs (after ``result()``); store the new charts in the cache. By chart id."""
        for key, future in self._png_futures.items():
            self._pending[key]["png"] = future.result()
            self._renderer.store(key, self._pending[key])
        self._png_futures = {}
        return {chart.id: self._pending[key]["png"] for chart, key in zip(self.charts, self._keys)
                if self._renderer.png}


WORKER_NICENESS = 10  # the main process builds the pages meanwhile: it goes first, the workers fill the gaps


def start_worker(niceness: int) -> None:
    """A worker's start: lower its priority and start its drawing process (Node.js, its fonts listed)."""
    os.nice(niceness)
    vega_svg()


class Renderer:
    """Draws charts in a pool of worker processes (started only when a chart is not cached).

    ``submit`` returns at once, so the caller can build the next charts or pages meanwhile; the
    longest jobs go first (a map's spec is the largest), one at a time, so the workers finish
    together. A chart may be submitted alone as soon as it is made (the workers start while the
    next specs are built) and again with the whole list, which then waits for the same drawing.
    The output does not depend on the scheduling."""

    def __init__(self, workers: int | None = None, png: bool = True, cache: Path | None = CACHE):
        self.workers = workers or os.cpu_count() or 2
        self.png, self.cache = png, cache
        self._pool: ProcessPoolExecutor | None = None
        self.used: set[str] = set()  # the cache entries of this build
        self._drawing: dict[str, Future] = {}  # drawings submitted so far, by cache key

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:  # spawned, not forked: the caller may hold threads
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=start_worker, initargs=(WORKER_NICENESS,))
        return self._pool

    def cold(self) -> bool:
        """No chart is cached: every one will be drawn."""
        return empty(self.cache)

    def start(self) -> None:
        """Start every worker now, not at the first drawing (a cold build's first steps run on one core:
        the workers start on the other meanwhile). Each submission starts a worker while none is idle."""
        for _ in range(self.workers):
            self.pool.submit(int)

    def submit(self, charts: list[Chart]) -> Rendering:
        keys: list[str] = []
        jobs: dict[str, tuple] = {}
        pending: dict[str, Future | dict[str, bytes]] = {}
        new: dict[str, bytes] = {}  # the charts to draw: their specs' vl.json, by cache key
        for chart in charts:
            job, vl = render_job(chart, self.png), dumps(chart.spec)
            keys.append(key := cache_key(job, vl))
            self.used.add(key)
            if key in jobs:
                continue
            jobs[key] = job
            if key in self._drawing:  # submitted already, as the chart was made
                pending[key] = self._drawing[key]
                continue
            cached = read_cached(self.cache, key, self.png) if self.cache is not None else None
            if cached is None:
                new[key] = vl
            else:
                pending[key] = cached
        for key in sorted(new, key=lambda k: -len(new[k])):
            pending[key] = self._drawing[key] = self.pool.submit(draw, jobs[key])
        return Rendering(self, charts, jobs, keys, pending)

    def prune(self) -> None:
        """After a build that succeeded: the cache keeps what it used and what others used this week."""
        if self.cache is not None:
            prune(self.cache, self.used)

    def store(self, key: str, files: dict[str, bytes]) -> None:
        if self.cache is not None:
            write_cached(self.cache, key, files)

    def close(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=cancel)
            self._pool = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, error_type, *exc) -> None:
        self.close(cancel=error_type is not None)  # a failed build does not wait for charts it will not use


def write_chart_files(charts: list[Chart], files: dict[str, dict[str, bytes]], folder: Path, downloads=None) -> None:
    """``<folder>/<id>.<suffix>`` for each file given, and ``<id>.csv`` (the chart's data); with ``downloads``
    (chart -> CSV text, metadata JSON text: :func:`cidi.chart_data.chart_downloads`), the CSV in the
    package's format and ``<id>.metadata.json`` beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    for chart in charts:
        for suffix, content in files[chart.id].items():
            (folder / f"{chart.id}.{suffix}").write_bytes(content)
        if downloads is None:
            chart.data.to_csv(folder / f"{chart.id}.csv", index=False, lineterminator="\n")
            continue
        text, metadata = downloads(chart)
        (folder / f"{chart.id}.csv").write_text(text, encoding="utf-8", newline="")
        (folder / f"{chart.id}.metadata.json").write_text(metadata, encoding="utf-8")


def render_charts(charts: list[Chart], folder: Path, workers: int | None = None, png: bool = True,
                  cache: Path | None = CACHE) -> dict[str, dict[str, bytes]]:
    """Render (or take from the cache) and write every chart's files into ``folder``; return them."""
    with Renderer(workers, png, cache) as renderer:
        rendering = renderer.submit(charts)
        files = rendering.result()
        for chart_id, png in rendering.pngs().items():
            files[chart_id]["png"] = png
    write_chart_files(charts, files, folder)
    return files
