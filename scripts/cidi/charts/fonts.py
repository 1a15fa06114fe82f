"""A small copy of the Chinese chart font, for drawing PNGs only: the same pixels, three times fewer seconds.

vl-convert opens and parses the font file for every string it draws; the system's Noto Sans CJK
is a 20 MB collection of 65,000 glyphs a face. So the PNG of a Chinese chart is drawn from its SVG
with a subset of that very face (Regular and Bold, the characters of the charts being drawn: a few
hundred glyphs, about 130 KB), under a family name of its own that no published file names.
Outlines, advances and kerning are the font's own, so the PNGs are byte for byte what the full
font gives (``tests/test_charts.py`` checks). A chart with a character outside the subset is drawn
with the system font, as is every chart when the font or fontTools is missing. (SVGs are drawn in
Node.js, which reads the font once a process: :class:`cidi.charts.render.VegaSVG`.)

The subset is made once per character set and source font, by the workers ahead of the drawings
that use it, and kept in the chart cache (``build/cache/charts/fonts/<key>/``) with the characters it covers.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cidi.charts.model import FONT

PUBLISHED = FONT["zh"]  # the font list of the charts drawn with the subset
FAMILY = "CIDI Render SC"  # never published: replaced by the chart's font list in every file
SOURCES = {  # style -> (file, face in the collection): Debian's fonts-noto-cjk
    "Regular": (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), "Noto Sans CJK SC"),
    "Bold": (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"), "Noto Sans CJK SC"),
}
ASCII = {chr(c) for c in range(0x20, 0x7F)}
CHARSET = "charset.txt"  # beside the fonts: the characters they cover


def chart_charset(vega_json: str) -> set[str]:
    """The characters a chart can draw (its spec's, which is more: names and keys too)."""
    return {c for c in vega_json if c.isprintable()}


def subset_folder(cache: Path, chars: set[str]) -> Path | None:
    """Where the subset for ``chars`` and these source fonts lives; None when it cannot be made."""
    try:
        from fontTools import version as fonttools_version
    except ImportError:
        return None
    if not all(path.is_file() for path, _ in SOURCES.values()):
        return None
    chars = set(chars) | ASCII  # the compiled Vega spec adds expressions to the Vega-Lite one
    digest = hashlib.sha256(f"{FAMILY}|{fonttools_version}".encode())
    digest.update("".join(sorted(chars)).encode())
    for path, face in SOURCES.values():
        digest.update(f"{path}|{path.stat().st_size}|{face}".encode())
    folder = cache / "fonts" / digest.hexdigest()[:24]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CHARSET).write_text("".join(sorted(chars)), encoding="utf-8")
    return folder


def file_name(style: str) -> str:
    return f"cidi-render-sc-{style.lower()}.otf"


def make_subset(folder: Path, style: str) -> None:
    """Write ``style``'s subset into ``folder`` (a worker process job); renamed into place when complete."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    target = folder / file_name(style)
    if target.is_file():
        return
    source, face = SOURCES[style]
    collection = TTCollection(str(source), lazy=True)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == face)
    options = subset.Options()
    # the default layout features (kerning among them) are those the shaper applies: same advances
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # vl-convert draws unhinted outlines
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=(folder / CHARSET).read_text(encoding="utf-8"))
    subsetter.subset(font)
    names = {1: FAMILY, 16: FAMILY, 4: f"{FAMILY} {style}", 6: f"{FAMILY.replace(' ', '')}-{style}"}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    temporary = folder / f".{target.name}-{os.getpid()}"
    font.save(str(temporary))
    temporary.replace(target)


@lru_cache(maxsize=4)
def covered(folder: Path) -> frozenset[str]:
    """The characters of the subset in ``folder`` (read once per worker, not once per drawing)."""
    return frozenset((folder / CHARSET).read_text(encoding="utf-8"))


def ready(folder: Path | None) -> bool:
    return folder is not None and all((folder / file_name(style)).is_file() for style in SOURCES)


_REGISTERED: set[Path] = set()


def register(folder: Path) -> None:
    """Make the subset known to this process's vl-convert (once)."""
    if folder not in _REGISTERED:
        import vl_convert as vlc

        vlc.register_font_directory(str(folder))
        _REGISTERED.add(folder)


def drawing_svg(folder: Path | None, svg: str) -> str:
    """The SVG to draw a PNG from (worker process): with the subset's family instead of the chart's
    font list when the subset is made and has every character of the SVG; else the SVG as it is."""
    published = f'font-family="{PUBLISHED}"'
    if not ready(folder) or published not in svg or not chart_charset(svg) <= covered(folder):
        return svg
    register(folder)
    return svg.replace(published, f'font-family="{FAMILY}"')
