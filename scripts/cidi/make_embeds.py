"""Step 6b: what journalists need — a standalone embed page per chart and its copy-paste code.

Inputs: the rendered charts (their embed SVGs, in memory) and the site's base URL. Outputs: one
``embed/<chart-id>/index.html`` per chart in the staging docs folder (copied verbatim by MkDocs):
the chart alone with title, subtitle, source line, licence and a link back, the static SVG inline
(visible before any script runs) and a few lines of script that report the page height to the
parent for self-sizing iframes.
"""
from __future__ import annotations

import html
import math
import re
from pathlib import Path

import jinja2

from cidi import paths
from cidi.charts import Chart
from cidi.charts.model import MESSAGES
from cidi.charts.narrow import EMBED_WIDE, NARROW, wrap

RESIZE_SCRIPT = ('<script>window.addEventListener("message",function(e){var d=e.data;'
                 'if(!d||d.type!=="cidi-embed-height")return;'
                 'document.querySelectorAll("iframe[data-cidi-embed]").forEach(function(f){'
                 'if(f.contentWindow===e.source)f.style.height=d.height+"px";});});</script>')


def embed_url(chart: Chart, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/embed/{chart.id}/"


# The embed page's layout (docs/assets/css/cidi-embed.css): 12-px margins; the title at 16.1 px, the
# subtitle at 14 px, the footer at 12 px, lines 1.45 times their size; the narrow layout below a
# NARROW_BELOW-px iframe, edge to edge below EDGE_TO_EDGE px; each layout as wide as the page.
MARGIN, NARROW_BELOW, EDGE_TO_EDGE = 12, EMBED_WIDE + 24, NARROW + 24
TEXTS = ((16.1, 2), (14, 8), (12, 8))  # title, subtitle, footer: font size, margin next to it (px)
BROWSER_FONT = 1.1  # the reader's sans-serif runs wider than Arial, which text_width measures
SAFETY = 12  # px


def page_height(chart: Chart, width: int) -> float:
    """The embed page's height (px) in an iframe ``width`` px wide, before any script runs."""
    narrow = width < NARROW_BELOW
    shown = width if narrow and width < EDGE_TO_EDGE else width - 2 * MARGIN
    natural = (chart.embed_narrow_width, chart.embed_narrow_height) if narrow else (chart.embed_width, chart.embed_height)
    footer = " · ".join([MESSAGES["source.line"][chart.lang], "CC BY 4.0", MESSAGES["embed.see_on_site"][chart.lang],
                         MESSAGES["embed.data"][chart.lang]])
    text = 0.0
    for words, (size, gap) in zip((chart.title, chart.subtitle, footer), TEXTS):
        text += len(wrap(words, size * BROWSER_FONT, width - 2 * MARGIN)) * size * 1.45 + gap
    return 2 * MARGIN + text + natural[1] * shown / natural[0]


def embed_height(chart: Chart) -> int:
    """A fixed height that fits the chart and its texts in every iframe from 320 to 820 px wide: used
    where a CMS strips the script that sizes the iframe."""
    widths = sorted({*range(320, 821, 4), NARROW_BELOW - 1, NARROW_BELOW, EDGE_TO_EDGE - 1, EDGE_TO_EDGE, 820})
    return math.ceil(max(page_height(chart, w) for w in widths)) + SAFETY


def embed_code(chart: Chart, base_url: str) -> str:
    """Responsive iframe (sized by postMessage from the embed page), with a sensible fixed height."""
    return (f'<iframe src="{embed_url(chart, base_url)}" title="{html.escape(chart.title)}" '
            f'width="100%" height="{embed_height(chart)}" loading="lazy" data-cidi-embed="{chart.id}" '
            f'style="border:0;width:100%;max-width:820px"></iframe>\n{RESIZE_SCRIPT}')


def inline_svg(svg: str) -> str:
    """The chart's SVG, ready to sit inside HTML (no XML declaration)."""
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


ID = re.compile(r'(id="|url\(#|href="#)([^"#)]+)')


def own_ids(svg: str, prefix: str) -> str:
    """The SVG with its ids (gradients) prefixed: two drawings of a chart share a page, and a
    reference would otherwise find the other one's gradient (hidden, so not drawn)."""
    return ID.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def write_embed_pages(charts: list[Chart], files: dict[str, dict[str, bytes]], docs: Path, L) -> None:
    """``files``: each chart's rendered files by chart id and suffix, as the renderer returns them."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(paths.TEMPLATES)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.get_template("embed.html.j2")
    for chart in charts:
        svg = inline_svg(files[chart.id]["embed.svg"].decode("utf-8"))
        narrow = own_ids(inline_svg(files[chart.id]["embed.narrow.svg"].decode("utf-8")), "n")
        target = docs / "embed" / chart.id / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(c=chart, svg=svg, svg_narrow=narrow, width=chart.embed_width,
                                          narrow_below=NARROW_BELOW, root="../../",
                                          site_root="../../" + "../" * L.prefix.count("/"), t=L.t,
                                          html_lang=L.html_lang),
                          encoding="utf-8")
