"""Step 6: the pages. Every page comes from a view (:mod:`cidi.views`): its template prints the
fields of the view's context and nothing else.

Inputs: the site data (:class:`cidi.views.SiteData`), the language and the rendered charts.
Outputs: Markdown files in a staging copy of ``docs/`` — generated pages from
``scripts/cidi/templates/``, hand-written pages from ``docs/`` (``docs/<lang>/`` for a translation)
— plus one CSV of data rows per province, and the navigation for ``mkdocs.yml``.
"""
from __future__ import annotations

import html
import posixpath
import shutil
from pathlib import Path

import jinja2
import pandas as pd

from cidi import paths
from cidi.caches import TextCache
from cidi.redirects import write_redirects
from cidi.search_terms import terms as search_terms, with_terms
from cidi.charts import Chart
from cidi.i18n import Lang
from cidi.make_embeds import THEMES, embed_code, image_code, oembed_url
from cidi.views import GROUPS, View, navigation, pages, registry, root_of, view_named
from cidi.views.provinces import csv_name
from cidi.write_package import add_companions, conform, csv_text, expand_fields

DIMENSION_COLUMNS = ("dimension", "measure_a", "measure_b")
# how the chart data tables print a column (the one formatter's kinds); others print as they are
COLUMN_KINDS = {"score": "score", "total": "score", "attainment": "pct", "share": "share", "r": "corr",
                "median": "score"}


def column_label(column: str, L: Lang) -> str:
    """A data table's heading in the reader's language (the CSV keeps the field name)."""
    if column.startswith("s_"):
        return L.t("col.dimension_score", dim=L.dim(column[2:]))
    key = f"col.{column}"
    return L.t(key) if key in L.catalogue else column


def cell_text(column: str, value, L: Lang) -> str:
    kind = COLUMN_KINDS.get(column) or ("score" if column.startswith("s_") else None)
    if isinstance(value, bool):
        return L.t("word.yes") if value else L.t("word.no")
    if kind is not None and isinstance(value, float):
        return getattr(L.f, kind)(value)
    if column in DIMENSION_COLUMNS and L.names_dimension(value):
        return L.dim(value)
    return str(value)


def data_table(frame: pd.DataFrame, L: Lang, max_rows: int = 200) -> str:
    """An HTML table of a chart's data (what a screen reader or a copy-paster needs)."""
    head = "".join(f"<th scope=\"col\">{html.escape(column_label(str(c), L))}</th>" for c in frame.columns)
    body = []
    for row in frame.head(max_rows).itertuples(index=False):
        cells = "".join(f"<td>{html.escape(cell_text(c, v, L))}</td>" for c, v in zip(frame.columns, row))
        body.append("<tr>" + cells + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


LEGIBLE = 11 / 12  # the wide layout's 12-px text may shrink to 11 px, no further
PAGE_MARGINS = 32  # px between a narrow screen's edges and the chart's frame (the theme's content margins)


def narrow_frame(chart: Chart) -> int:
    """The frame width (px) below which the wide layout's text would shrink under 11 px: the Vega
    upgrade draws the narrow layout there (cidi.js)."""
    return round(chart.width * LEGIBLE)


def narrow_below(chart: Chart) -> int:
    """The screen width (px) below which the page shows the narrow layout (``<picture>``)."""
    return narrow_frame(chart) + PAGE_MARGINS


def chart_html(chart: Chart, L: Lang, root: str, site_root: str, base_url: str, caption: bool = True) -> str:
    href = f"{root}charts/{chart.id}"
    links = " · ".join([
        f'<a href="{href}.png" download>PNG</a>', f'<a href="{href}.svg" download>SVG</a>',
        f'<a href="{href}.csv" download>CSV</a>', f'<a href="{href}.vl.json" download>Vega-Lite</a>',
    ])
    if not chart.width:
        raise RuntimeError(f"chart {chart.id} has no size: render the charts before the pages")
    return (
        f'<figure class="cidi-chart" id="chart-{chart.id}" data-chart="{chart.id}"'
        + (f' data-spec="{href}.vg.json" data-spec-narrow="{href}.narrow.vg.json"'
           f' data-narrow-below="{narrow_frame(chart)}" data-vega="{site_root}assets/js/vega.min.js"'
           if chart.interactive else "")
        + '>\n'
        # no style attribute (the CSP has style-src 'self'): the image's width and height reserve its space;
        # the narrow layout on a screen where the wide one would shrink its text (chosen without script)
        f'<div class="cidi-chart__frame"><picture>'
        f'<source media="(max-width: {narrow_below(chart) - 1}px)" srcset="{href}.narrow.svg" '
        f'width="{chart.narrow_width}" height="{chart.narrow_height}">'
        f'<img src="{href}.svg" alt="{html.escape(chart.title)}" width="{chart.width}" height="{chart.height}" '
        f'loading="lazy" decoding="async"></picture></div>\n'
        + f'<details class="cidi-chart__data" data-search-exclude><summary>{L.t("chart.data_table")}</summary>'
        f'{data_table(chart.data if chart.table is None else chart.table, L)}</details>\n'
        f'<p class="cidi-chart__links" data-search-exclude>{L.t("chart.download")} {links}</p>\n'
        + embed_box(chart, L, root, base_url)
        # a <figcaption> must be the first or last child of its <figure> (HTML): last here, shown under the chart (CSS order)
        + (f'<figcaption>{html.escape(chart.alt)}</figcaption>\n' if caption else "") + '</figure>\n'
    )


def embed_box(chart: Chart, L: Lang, root: str, base_url: str, discover: bool = True) -> str:
    """The "Embed" button: the copy-paste code (rewritten to the reader's host by cidi.js), the look the
    embedder chooses (cidi-embed-box.js rewrites the code's address), and the image code for newsletters.
    ``discover``: name the chart's oEmbed answer, which the page's head then links (theme partials/oembed.html)."""
    t = L.t
    base = base_url + L.prefix
    code = html.escape(embed_code(chart, base))
    looks = "".join(f'<label><input type="radio" name="cidi-theme-{chart.id}" value="{theme}"'
                    f'{" checked" if theme == "light" else ""}> {t(f"embed.theme.{theme}")}</label> '
                    for theme in THEMES)
    oembed = (f' data-oembed="{html.escape(oembed_url(chart, base))}" data-oembed-title="{html.escape(chart.title)}"'
              if discover else "")
    # data-search-exclude: the search index holds the page's words, not its data tables and embed codes
    return (f'<details class="cidi-embed" data-search-exclude{oembed}><summary>{t("embed.summary")}</summary>'
            f'<p>{t("embed.help")} <a class="cidi-embed__preview" href="{root}embed/{chart.id}/">{t("embed.preview")}</a></p>'
            # shown by cidi-embed-box.js, which makes the choices work
            f'<fieldset class="cidi-embed__look" hidden><legend>{t("embed.look")}</legend><div>{looks}</div>'
            f'<div><label><input type="checkbox" name="transparent"> {t("embed.transparent")}</label></div></fieldset>'
            f'<pre class="cidi-embed__code" data-embed-id="{chart.id}"><code>{code}</code></pre>'
            f'<button type="button" class="md-button cidi-copy" data-copied="{t("embed.copied")}">'
            f'{t("embed.copy")}</button>'
            f'<p>{t("embed.image_help")}</p>'
            f'<pre class="cidi-embed__image" data-embed-id="{chart.id}"><code>{html.escape(image_code(chart, base, L))}</code></pre>'
            f'<button type="button" class="md-button cidi-copy-image" data-copied="{t("embed.copied")}">'
            f'{t("embed.image_copy")}</button></details>\n')


def environment(loader_paths: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(p) for p in loader_paths]),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(e=lambda v: html.escape(str(v)))
    return env


def province_csv(data, fields: dict, adcode: str) -> str:
    """The province's rows of scores-long, in the package's exact format."""
    long = data.indices.scores_long
    rows = add_companions(long[long["adcode"] == adcode], fields, data.sources.provinces, "scores-long")
    return csv_text(conform(rows, fields, "scores-long"), fields)


def template_of(view: View, lang: str) -> tuple[str, bool]:
    """The template file of a view in a language, and whether it falls back to English."""
    if not view.hand_written:
        return view.template, False
    if lang != "en" and (paths.DOCS / lang / view.template).is_file():
        return f"{lang}/{view.template}", False
    return view.template, lang != "en"


def missing_translations(lang: str) -> list[str]:
    """Hand-written pages that have no version in ``lang`` (they fall back to English with a note)."""
    return [view.template for view in registry() if view.hand_written and template_of(view, lang)[1]]


def template_sources(env: jinja2.Environment, name: str, seen: set[str] | None = None) -> list[str] | None:
    """The name and source of template ``name`` and of every template it includes, imports or extends
    (what its rendering reads besides its context); None when one is named by an expression."""
    from jinja2 import meta

    seen = set() if seen is None else seen
    if name in seen:
        return []
    seen.add(name)
    source = env.loader.get_source(env, name)[0]
    found = [name, source]
    for child in meta.find_referenced_templates(env.parse(source)):
        more = None if child is None else template_sources(env, child, seen)
        if more is None:
            return None
        found += more
    return found


def make_pages(data, lang: str, charts: list[Chart], staging_docs: Path, cache: Path | None = None,
               inputs: str = "") -> list:
    """Render every page of one language into ``staging_docs``; return the navigation. ``cache``: a
    file keeping the generated files' text for the next build (:class:`cidi.caches.TextCache`), ``inputs``
    the key of everything the views read (:func:`cidi.make_site.staged_key`): a rebuild after editing
    a hand-written page renders that page alone (a page's key adds its path and its templates' sources)."""
    L = data.lang(lang)
    shutil.copytree(paths.DOCS / "assets", staging_docs / "assets",
                    ignore=None if lang == "en" else shutil.ignore_patterns("vega*"))
    env = environment([paths.TEMPLATES, paths.DOCS])
    saved = TextCache(cache, f"{lang}\0{inputs}")
    by_id = {c.id: c for c in charts}
    for view, key in pages(data):
        name, fallback = template_of(view, lang)
        md = view.md(key)
        target = staging_docs / md
        target.parent.mkdir(parents=True, exist_ok=True)
        sources = template_sources(env, name) if cache is not None else None
        target.write_text(saved.text(None if sources is None else saved.key("page", md, fallback, *sources),
                                     lambda: page_text(data, L, view, key, md, name, fallback, by_id, charts, env)),
                          encoding="utf-8")
    fields = expand_fields(data.meta["resources"]["scores-long"]["fields"], data.sources.dimensions)
    province = view_named("province")
    for key in province.instances(data):  # beside the page: provinces/<slug>/cidi-<slug>.csv
        folder = staging_docs / province.url(key)
        folder.mkdir(parents=True, exist_ok=True)
        adcode = data.by_slug[key["slug"]]["adcode"]
        (folder / csv_name(key["slug"])).write_text(
            saved.text(saved.key("csv", key["slug"]), lambda: province_csv(data, fields, adcode)), encoding="utf-8")
    saved.save()
    if cache is not None:
        print(f"texts.{lang}: {saved.made} of {len(saved.new)} generated pages and files made, the others taken from the cache")
    write_redirects(data, L, staging_docs)  # provinces/xizang/ -> provinces/tibet/
    return navigation(data, L)


def page_text(data, L: Lang, view: View, key, md: str, name: str, fallback: bool, by_id: dict,
              charts: list[Chart], env: jinja2.Environment) -> str:
    """One page's Markdown: its view's context printed by its template, with its search terms."""
    url = view.url(key)
    root = root_of(url)
    site_root = root + "../" * L.prefix.count("/")
    slots = {slot.name: by_id[view.chart_id(slot, key)] for slot in view.charts}

    def chart(name: str, caption: bool = True, _slots=slots, _root=root, _site_root=site_root) -> str:
        return chart_html(_slots[name], L, _root, _site_root, data.base_url, caption)

    def href(view_name: str, _md=md, **target) -> str:
        """Relative Markdown link from this page to another page of the registry."""
        return posixpath.relpath(view_named(view_name).md(target), posixpath.dirname(_md) or ".")

    def link(view_name: str, _url=url, **target) -> str:
        """Relative URL (for HTML links) from this page to another page of the registry."""
        return posixpath.relpath(view_named(view_name).url(target) or ".", _url or ".") + "/"

    context = {"v": view.context(data, key, L), "t": L.t, "root": root, "site_root": site_root,
               "lang": L.code, "chart": chart, "href": href, "link": link}
    if view.name == "charts":
        context["groups"] = catalogue_groups(charts, L, root, data.base_url)
    text = env.get_template(name).render(**context)
    if fallback:
        text = add_fallback_note(text, L)
    text = with_terms(text, search_terms(view, key, data, L))  # found first by its names (search)
    return text


def catalogue_groups(charts: list[Chart], L: Lang, root: str, base_url: str) -> list[dict]:
    """The chart catalogue: every chart of every view, by group, with its links and embed code."""
    return [{"title": L.t(f"charts.group.{group}"),
             "charts": [{"id": c.id, "title": c.title, "alt": c.alt, "page": c.page,
                         "thumb": f"{c.id}.narrow.svg", "width": c.narrow_width, "height": c.narrow_height,
                         "embed": embed_box(c, L, root, base_url, discover=False)}
                        for c in charts if c.group == group]}
            for group in GROUPS]


def add_fallback_note(text: str, L: Lang) -> str:
    """Put a visible "not yet translated" note under the front matter of an English page."""
    note = f'!!! note "{L.t("fallback.title")}"\n    {L.t("fallback.text")}\n\n'
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4) + 5
        return text[:end] + "\n" + note + text[end:]
    return note + text
HAND_WRITTEN = tuple(view.template for view in registry() if view.hand_written)  # the prose pages under docs/
