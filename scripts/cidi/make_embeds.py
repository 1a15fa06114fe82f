"""Step 6b: what journalists need — a standalone embed page per chart and its copy-paste code.

Inputs: the rendered charts (their embed SVGs, in memory) and the site's base URL. Outputs: one
``embed/<chart-id>/index.html`` per chart in the staging docs folder (copied verbatim by MkDocs):
the chart alone with title, subtitle, source line, licence and a link back, the static SVG inline
(visible before any script runs) and a few lines of script that report the page height to the
parent for self-sizing iframes.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2

from cidi import paths
from cidi.charts import Chart

RESIZE_SCRIPT = ('<script>window.addEventListener("message",function(e){var d=e.data;'
                 'if(!d||d.type!=="cidi-embed-height")return;'
                 'document.querySelectorAll("iframe[data-cidi-embed]").forEach(function(f){'
                 'if(f.contentWindow===e.source)f.style.height=d.height+"px";});});</script>')


def embed_url(chart: Chart, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/embed/{chart.id}/"


def embed_height(chart: Chart) -> int:
    """A fixed height that fits the chart and its texts: used where scripts are stripped."""
    return 150 + chart.embed_height


def embed_code(chart: Chart, base_url: str) -> str:
    """Responsive iframe (sized by postMessage from the embed page), with a sensible fixed height."""
    return (f'<iframe src="{embed_url(chart, base_url)}" title="{html.escape(chart.title)}" '
            f'width="100%" height="{embed_height(chart)}" loading="lazy" data-cidi-embed="{chart.id}" '
            f'style="border:0;width:100%;max-width:820px"></iframe>\n{RESIZE_SCRIPT}')


def inline_svg(svg: str) -> str:
    """The chart's SVG, ready to sit inside HTML (no XML declaration)."""
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


def write_embed_pages(charts: list[Chart], files: dict[str, dict[str, bytes]], docs: Path, L) -> None:
    """``files``: each chart's rendered files by chart id and suffix, as the renderer returns them."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(paths.TEMPLATES)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.get_template("embed.html.j2")
    for chart in charts:
        svg = inline_svg(files[chart.id]["embed.svg"].decode("utf-8"))
        target = docs / "embed" / chart.id / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(c=chart, svg=svg, width=chart.embed_width, root="../../",
                                          site_root="../../" + "../" * L.prefix.count("/"), t=L.t,
                                          html_lang=L.html_lang),
                          encoding="utf-8")
