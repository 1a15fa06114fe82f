"""Step 6b: what journalists need — a standalone embed page per chart and its copy-paste code.

Inputs: the rendered charts (their embed SVGs, in memory) and the site's base URL. Outputs: one
``embed/<chart-id>/index.html`` per chart in the staging docs folder (copied verbatim by MkDocs):
the chart alone with title, subtitle, source line, licence and a link back, the static SVG inline
(visible before any script runs) and a few lines of script that report the page height to the
parent for self-sizing iframes (and to AMP pages); beside it ``oembed.json``, the chart's oEmbed
answer, for CMSs that take a pasted link rather than code. Also the image code for newsletters.
"""
from __future__ import annotations

import html
import json
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


THEMES = ("light", "dark", "auto")  # the embed page's ?theme=, light by default (cidi-embed-theme.js)
EMBED_MAX_WIDTH = 820  # the iframe's max-width in the embed code
OEMBED = "oembed.json"  # beside each embed page


def embed_url(chart: Chart, base_url: str, theme: str = "light", transparent: bool = False) -> str:
    """The embed page, with the embedder's look in its query (none for the default look)."""
    if theme not in THEMES:
        raise ValueError(f"unknown embed theme {theme!r}; the embeds have {THEMES}")
    query = "&".join(([f"theme={theme}"] if theme != "light" else []) + (["transparent=1"] if transparent else []))
    return f"{base_url.rstrip('/')}/embed/{chart.id}/" + (f"?{query}" if query else "")


def oembed_url(chart: Chart, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/embed/{chart.id}/{OEMBED}"


def page_url(chart: Chart, base_url: str) -> str:
    """The chart on the site page that shows it."""
    return f"{base_url.rstrip('/')}/{chart.page}#chart-{chart.id}"


# The embed page's layout (docs/assets/css/cidi-embed.css): 12-px margins; the title at 16.1 px, the
# subtitle at 14 px, the footer at 12 px, lines 1.45 times their size; the narrow layout below a
# NARROW_BELOW-px iframe, edge to edge below EDGE_TO_EDGE px; each layout as wide as the page.
MARGIN, NARROW_BELOW, EDGE_TO_EDGE = 12, EMBED_WIDE + 24, NARROW + 24
TEXTS = ((16.1, 2), (14, 8), (12, 8))  # title, subtitle, footer: font size, margin next to it (px)
BROWSER_FONT = 1.1  # the reader's sans-serif runs wider than Arial, which text_width measures
SAFETY = 12  # px


def line_counts(text: str | list[str], size: float, widths: list[float]) -> dict[float, int]:
    """The number of lines ``text`` wraps to at ``size`` px in each of ``widths`` (sorted), wrapping it at
    both ends and between them only where the counts differ (greedy wrapping never takes more lines
    when wider), not at every width: an embed's height is found over a hundred widths."""
    counts: dict[float, int] = {}

    def count(i: int) -> int:
        if widths[i] not in counts:
            counts[widths[i]] = len(wrap(text, size, widths[i]))
        return counts[widths[i]]

    def fill(low: int, high: int) -> None:
        if count(low) == count(high):
            for i in range(low + 1, high):
                counts[widths[i]] = counts[widths[low]]
        elif high - low > 1:
            middle = (low + high) // 2
            fill(low, middle)
            fill(middle, high)

    if widths:
        fill(0, len(widths) - 1)
    return counts


def page_texts(chart: Chart) -> tuple:
    """The embed page's texts above and below the chart: title, subtitle, footer."""
    footer = " · ".join([MESSAGES["source.line"][chart.lang], "CC BY 4.0", MESSAGES["embed.see_on_site"][chart.lang],
                         MESSAGES["embed.data"][chart.lang]])
    return chart.title, chart.subtitle, footer


def page_height(chart: Chart, width: int, lines=None) -> float:
    """The embed page's height (px) in an iframe ``width`` px wide, before any script runs. ``lines``:
    each text's line count by text width (:func:`line_counts`), else each is wrapped here."""
    narrow = width < NARROW_BELOW
    shown = width if narrow and width < EDGE_TO_EDGE else width - 2 * MARGIN
    natural = (chart.embed_narrow_width, chart.embed_narrow_height) if narrow else (chart.embed_width, chart.embed_height)
    text = 0.0
    for k, (words, (size, gap)) in enumerate(zip(page_texts(chart), TEXTS)):
        count = lines[k][width - 2 * MARGIN] if lines else len(wrap(words, size * BROWSER_FONT, width - 2 * MARGIN))
        text += count * size * 1.45 + gap
    return 2 * MARGIN + text + natural[1] * shown / natural[0]


HEIGHTS: dict[tuple, int] = {}  # embed_height by what it reads: a chart's embed code is written four times
IFRAME_WIDTHS = sorted({*range(320, 821, 4), NARROW_BELOW - 1, NARROW_BELOW, EDGE_TO_EDGE - 1, EDGE_TO_EDGE, 820})


def embed_height(chart: Chart) -> int:
    """A fixed height that fits the chart and its texts in every iframe from 320 to 820 px wide: used
    where a CMS strips the script that sizes the iframe."""
    key = (chart.lang, chart.title, str(chart.subtitle), chart.embed_width, chart.embed_height,
           chart.embed_narrow_width, chart.embed_narrow_height)
    if key not in HEIGHTS:
        text_widths = [w - 2 * MARGIN for w in IFRAME_WIDTHS]
        lines = [line_counts(words, size * BROWSER_FONT, text_widths) for words, (size, _gap) in zip(page_texts(chart), TEXTS)]
        HEIGHTS[key] = math.ceil(max(page_height(chart, w, lines) for w in IFRAME_WIDTHS)) + SAFETY
    return HEIGHTS[key]


def embed_code(chart: Chart, base_url: str, theme: str = "light", transparent: bool = False) -> str:
    """Responsive iframe (sized by postMessage from the embed page), with a sensible fixed height."""
    return (f'<iframe src="{html.escape(embed_url(chart, base_url, theme, transparent))}" title="{html.escape(chart.title)}" '
            f'width="100%" height="{embed_height(chart)}" loading="lazy" data-cidi-embed="{chart.id}" '
            f'style="border:0;width:100%;max-width:820px"></iframe>\n{RESIZE_SCRIPT}')


def attribute(text: str) -> str:
    """Text for a double-quoted attribute in code people read: apostrophes stay apostrophes."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def image_code(chart: Chart, base_url: str, L) -> str:
    """For newsletters and CMSs that remove iframes: the PNG (drawn at 2x) at its CSS size, at most a
    newsletter's 600 px, with the chart's description as its alternative text, linked to the chart on
    the site, and the credit line under it. Inline styles: the code goes into someone else's page."""
    width = min(chart.width, 600)
    height = round(chart.height * width / chart.width)
    page = html.escape(page_url(chart, base_url))
    return (f'<a href="{page}"><img src="{html.escape(base_url.rstrip("/"))}/charts/{chart.id}.png" '
            f'alt="{attribute(chart.alt)}" width="{width}" height="{height}" '
            f'style="max-width:100%;height:auto;border:0"></a>\n'
            f'<p style="font-size:12px;margin:4px 0 0">{html.escape(L.t("embed.image_credit"))}: '
            f'<a href="{page}">{html.escape(chart.title)}</a> · {html.escape(L.t("source.line"))} · '
            f'<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a></p>')


def oembed(chart: Chart, base_url: str, L) -> dict:
    """The chart's oEmbed answer (https://oembed.com, type "rich"): the embed code at the iframe's
    widest and its fixed height, the PNG as thumbnail. Absolute URLs: a CMS reads it from its own host."""
    root = base_url.rstrip("/") + "/"
    # the PNG is drawn at twice the chart's CSS size (charts/render.py); tests/test_embeds.py reads the file's size
    return {"version": "1.0", "type": "rich", "title": chart.title, "html": embed_code(chart, base_url),
            "width": EMBED_MAX_WIDTH, "height": embed_height(chart),
            "provider_name": L.t("site.name"), "provider_url": root,
            "thumbnail_url": f"{root}charts/{chart.id}.png", "thumbnail_width": chart.width * 2,
            "thumbnail_height": chart.height * 2}


def oembed_json(chart: Chart, base_url: str, L) -> str:
    return json.dumps(oembed(chart, base_url, L), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def inline_svg(svg: str) -> str:
    """The chart's SVG, ready to sit inside HTML (no XML declaration)."""
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


ID = re.compile(r'(id="|url\(#|href="#)([^"#)]+)')


def own_ids(svg: str, prefix: str) -> str:
    """The SVG with its ids (gradients) prefixed: two drawings of a chart share a page, and a
    reference would otherwise find the other one's gradient (hidden, so not drawn)."""
    return ID.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def write_embed_pages(charts: list[Chart], files: dict[str, dict[str, bytes]], docs: Path, L, base_url: str) -> None:
    """``files``: each chart's rendered files by chart id and suffix, as the renderer returns them;
    ``base_url``: the site's public root (an oEmbed answer names absolute addresses)."""
    base = base_url.rstrip("/") + "/" + L.prefix
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
                                          html_lang=L.html_lang, oembed=oembed_url(chart, base)),
                          encoding="utf-8")
        (target.parent / OEMBED).write_text(oembed_json(chart, base, L), encoding="utf-8")
