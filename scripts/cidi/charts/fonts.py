"""Small copies of the chart fonts, for drawing PNGs only: the same pixels, in fewer seconds.

vl-convert opens and parses the font file for every string it draws: the system's Noto Sans CJK
is a 20 MB collection of 65,000 glyphs a face, Liberation Sans 400 KB. So the PNG of a chart is
drawn from its SVG with a subset of the very face its font list resolves to (Regular and Bold, the
characters of the charts being drawn: a few hundred glyphs), under a family name of its own that
no published file names (:data:`SUBSETS`: three times faster for Chinese, a fifth for English).
Outlines, advances and kerning are the font's own, so the PNGs are byte for byte what the full
font gives (``tests/test_charts.py`` checks). A chart with a character outside the subset is drawn
with the system font, as is every chart when the font or fontTools is missing. (SVGs are drawn in
Node.js, which reads a font once a process: :class:`cidi.charts.render.VegaSVG`.)

A subset is made once per character set and source font, by the workers ahead of the drawings
that use it, and kept in the chart cache (``build/cache/charts/fonts/<lang>-<key>/``) with the
characters asked for.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cidi.charts.model import FONT


@dataclass(frozen=True)
class Subset:
    published: str  # the font list of the charts drawn with the subset
    family: str  # never published: replaced by the chart's font list in every file
    sources: dict  # style -> (file, family of the face: in a collection, the face taken)


SUBSETS = {  # by language: Debian's fonts-noto-cjk and fonts-liberation (the face each list resolves to)
    "zh": Subset(FONT["zh"], "CIDI Render SC", {
        "Regular": (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), "Noto Sans CJK SC"),
        "Bold": (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"), "Noto Sans CJK SC")}),
    "en": Subset(FONT["en"], "CIDI Render Latin", {
        "Regular": (Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"), "Liberation Sans"),
        "Bold": (Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"), "Liberation Sans")}),
}
STYLES = ("Regular", "Bold")
ASCII = {chr(c) for c in range(0x20, 0x7F)}
CHARSET = "charset.txt"  # beside the fonts: the characters asked for


def chart_charset(vega_json: str) -> set[str]:
    """The characters a chart can draw (its spec's, which is more: names and keys too)."""
    return {c for c in vega_json if c.isprintable()}


def subset_of(folder: Path) -> Subset:
    return SUBSETS[folder.name.split("-", 1)[0]]


def subset_folder(cache: Path, chars: set[str], lang: str) -> Path | None:
    """Where ``lang``'s subset for ``chars`` and its source fonts lives; None when it cannot be made."""
    try:
        from fontTools import version as fonttools_version
    except ImportError:
        return None
    subset = SUBSETS[lang]
    if not all(path.is_file() for path, _ in subset.sources.values()):
        return None
    chars = set(chars) | ASCII  # the compiled Vega spec adds expressions to the Vega-Lite one
    digest = hashlib.sha256(f"{subset.family}|{fonttools_version}".encode())
    digest.update("".join(sorted(chars)).encode())
    for path, face in subset.sources.values():
        digest.update(f"{path}|{path.stat().st_size}|{face}".encode())
    folder = cache / "fonts" / f"{lang}-{digest.hexdigest()[:24]}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CHARSET).write_text("".join(sorted(chars)), encoding="utf-8")
    return folder


def file_name(style: str) -> str:
    return f"cidi-render-{style.lower()}.otf"


def make_subset(folder: Path, style: str) -> None:
    """Write ``style``'s subset into ``folder`` (a worker process job); renamed into place when complete."""
    from fontTools import subset as subsetting
    from fontTools.ttLib import TTCollection, TTFont

    target = folder / file_name(style)
    if target.is_file():
        return
    subset = subset_of(folder)
    source, face = subset.sources[style]
    if source.suffix.lower() in (".ttc", ".otc"):
        font = next(f for f in TTCollection(str(source), lazy=True).fonts if f["name"].getDebugName(1) == face)
    else:
        font = TTFont(str(source), lazy=True)
    options = subsetting.Options()
    # the default layout features (kerning among them) are those the shaper applies: same advances
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # vl-convert draws unhinted outlines
    options.drop_tables += ["FFTM"]  # a font editor's timestamps, which fontTools cannot subset
    subsetter = subsetting.Subsetter(options)
    subsetter.populate(text=(folder / CHARSET).read_text(encoding="utf-8"))
    subsetter.subset(font)
    family = subset.family
    names = {1: family, 16: family, 4: f"{family} {style}", 6: f"{family.replace(' ', '')}-{style}"}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    temporary = folder / f".{target.name}-{os.getpid()}"
    font.save(str(temporary))
    temporary.replace(target)


@lru_cache(maxsize=8)
def covered(folder: Path) -> frozenset[str]:
    """The characters both styles of the subset in ``folder`` have (read once per worker): those
    asked for that the source font has."""
    from fontTools.ttLib import TTFont

    have = [set(map(chr, TTFont(str(folder / file_name(style)), lazy=True).getBestCmap())) for style in STYLES]
    return frozenset(set.intersection(*have))


def ready(folder: Path | None) -> bool:
    return folder is not None and all((folder / file_name(style)).is_file() for style in STYLES)


_REGISTERED: set[Path] = set()


def register(folder: Path) -> None:
    """Make the subset known to this process's vl-convert (once)."""
    if folder not in _REGISTERED:
        import vl_convert as vlc

        vlc.register_font_directory(str(folder))
        _REGISTERED.add(folder)


def drawing_svg(folders: dict[str, Path] | None, svg: str) -> str:
    """The SVG to draw a PNG from (worker process): with a subset's family instead of the chart's
    font list when that subset is made and has every character of the SVG; else the SVG as it is."""
    chars = chart_charset(svg)
    for folder in (folders or {}).values():
        subset = subset_of(folder)
        published = f'font-family="{subset.published}"'
        if ready(folder) and published in svg and chars <= covered(folder):
            register(folder)
            svg = svg.replace(published, f'font-family="{subset.family}"')
    return svg
