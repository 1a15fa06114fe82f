"""The chart record shared by the spec builders, the renderer and the pages, and the house style."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cidi.i18n import read_catalogue

MESSAGES = read_catalogue()
SOURCE = MESSAGES["source.line"]["en"]  # "Source: Report on China Internet Development 2017 · <site name>"
LICENCE = MESSAGES["licence.line"]["en"]
# Okabe-Ito: distinguishable with the common colour-vision deficiencies
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NOT_ASSESSED = "#d0d0d0"
HIGHLIGHT = "#D55E00"
HIGHLIGHT_WORD = "chart.colour.highlight"  # the catalogue's words for it ("orange diamond"), used in subtitles
MUTED = "#9aa5b1"
MUTED_WORD = "chart.colour.muted"
INK = "#111827"  # text, ticks and rules drawn in black
SUBTLE = "#4b5563"  # subtitles and the source line
GRID = "#e5e7eb"
HALO = "#ffffff"  # the outline that keeps a label legible over a line: the chart's background (cidi-embed.css recolours it)
STAMP = "#b45309"  # the explorer's "custom weights" stamp
ROW_HEIGHT = 16  # pixels per bar or row in charts with one row per province
# Fonts by language, the first one installed drawing the static SVG and PNG. English: Arial and
# its metric twin Liberation Sans (a static chart is laid out as a browser with Arial shows it; the
# CJK fonts, 20 MB collections, make a Latin-only chart three times slower to draw). Chinese: a CJK
# font first, so that an SVG opens in design tools with its characters.
FONT = {"en": "Arial, Helvetica, Liberation Sans, Noto Sans, DejaVu Sans, sans-serif",
        "zh": "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"}
WIDTH = 640


def categorical(n: int) -> list[str]:
    """``n`` distinguishable colours for categories (dimensions, regions): Okabe-Ito, in order."""
    if n > len(OKABE_ITO):
        raise ValueError(f"{n} categories, but the colour-blind-safe palette has only {len(OKABE_ITO)} colours")
    return OKABE_ITO[:n]


@dataclass
class Chart:
    id: str
    group: str  # catalogue group, set from the view (cidi.views.GROUPS)
    title: str
    subtitle: str
    alt: str  # one or two sentences stating the chart's point, from the data
    data: pd.DataFrame  # exactly the rows and columns the chart shows (its CSV)
    spec: dict  # Vega-Lite
    page: str  # URL of the page that shows it, from the view, e.g. "provinces/beijing/"
    width: int = 0  # of the static SVG, in CSS pixels
    height: int = 0
    embed_width: int = 0  # of the embed page's wide layout (600 px, charts.narrow.EMBED_WIDE)
    embed_height: int = 0
    narrow_width: int = 0  # of the narrow layout's SVG (charts.narrow), for screens about 320 px wide
    narrow_height: int = 0
    embed_narrow_width: int = 0  # of the embed page's narrow layout
    embed_narrow_height: int = 0
    interactive: bool = True  # False: the static SVG is all a reader needs (no Vega on the page for it)
    lang: str = "en"
    table: pd.DataFrame | None = None  # the rows the page's data table lists, when not all of ``data``
