"""Step 6: the pages. One Jinja template per page type, rendered before ``mkdocs build``.

Inputs: the sources, computed tables, robustness results, charts and package descriptor.
Outputs: Markdown files in a staging copy of ``docs/`` — the hand-written pages in ``docs/`` are
templates too, rendered with the same context, so every number on every page comes from the
data — plus one CSV of data rows per province, and the navigation for ``mkdocs.yml``.
"""
from __future__ import annotations

import html
import shutil
from pathlib import Path

import jinja2
import pandas as pd

from cidi import paths
from cidi.i18n import REGION_ZH, Lang
from cidi.charts import Chart
from cidi.make_embeds import embed_code
from cidi.write_package import ZIP_NAME, add_companions, conform, csv_text, expand_fields, read_metadata

REGIONS = ["East", "Central", "West", "Northeast"]
TIED_LOW, TIED_HIGH = 0.25, 0.75


def number(value, digits: int = 2) -> str:
    return f"{float(value):,.{digits}f}"


def signed(value, digits: int = 2) -> str:
    return f"{float(value):+.{digits}f}".replace("-", "−")


def root_of(url: str) -> str:
    """Relative prefix from a page URL (directory URLs) back to the site root."""
    depth = url.strip("/").count("/") + 1 if url.strip("/") else 0
    return "../" * depth


def url_of(md_path: str) -> str:
    """The directory URL mkdocs gives a Markdown file: provinces/beijing.md -> provinces/beijing/."""
    stem = md_path[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


class Site:
    """Everything a template may use, computed once from the data."""

    def __init__(self, sources, indices, robust, charts: list[Chart], descriptor: dict, data_dir: Path,
                 base_url: str = "http://127.0.0.1:8000/", lang: str = "en"):
        self.L = Lang(lang, sources)
        self.base_url = base_url  # of the whole site; this language's pages live under base_url + L.prefix
        self.sources, self.indices, self.robust, self.descriptor = sources, indices, robust, descriptor
        self.charts = {c.id: c for c in charts}
        self.chart_list = charts
        self.data_dir = data_dir
        dims = sources.dimensions
        self.dims = dims.to_dict("records")
        self.dim = {d["id"]: d for d in self.dims}
        self.wide = indices.scores
        self.long = indices.scores_long
        self.n = len(self.wide)
        self.provinces = self._provinces()
        self.by_slug = {p["slug"]: p for p in self.provinces}
        self.stats = indices.dimension_statistics.set_index("measure").to_dict("index")
        self.region = indices.region_summary
        self.findings = self._findings()

    def _provinces(self) -> list[dict]:
        unc = self.robust.rank_uncertainty.set_index("adcode")
        drop = self.robust.rank_without_dimension
        dom = self.robust.pairwise_dominance
        mentions = self.sources.province_mentions
        region_means = self.indices.region_summary.set_index(["region", "measure"])["mean"]
        out = []
        ordered = self.wide.sort_values("rank").to_dict("records")
        for i, row in enumerate(ordered):
            code = row["adcode"]
            long = self.long[self.long["adcode"] == code].set_index("dimension")
            tied = dom[(dom["adcode_a"] == code) & dom["share_a_above_b"].between(TIED_LOW, TIED_HIGH)]
            tied = tied.merge(self.wide[["adcode", "slug", "rank"]], left_on="adcode_b", right_on="adcode")
            same_region = self.wide[self.wide["region"] == row["region"]].sort_values("rank")
            out.append({
                **row,
                "zh_short": self.sources.provinces.set_index("adcode").loc[code, "short_name_zh"],
                "dimensions": [{**self.dim[d], **long.loc[d].to_dict(),
                                "region_mean": region_means[(row["region"], d)]} for d in self.dim],
                "uncertainty": unc.loc[code].to_dict(),
                "without": drop[drop["adcode"] == code].to_dict("records"),
                "tied": tied.sort_values("rank").to_dict("records"),
                "mentions": mentions[mentions["adcode"] == code].to_dict("records"),
                "above": ordered[i - 1] if i > 0 else None,
                "below": ordered[i + 1] if i + 1 < len(ordered) else None,
                "region_rank": int((same_region["adcode"] == code).to_numpy().nonzero()[0][0]) + 1,
                "region_size": len(same_region),
                "region_total_mean": region_means[(row["region"], "total")],
            })
        return out

    def _findings(self) -> dict:
        w = self.wide.sort_values("rank")
        summary = self.indices.region_summary.set_index(["region", "measure"])
        stats = self.indices.dimension_statistics.set_index("measure")
        dims = [d["id"] for d in self.dims]
        best_dim = stats.loc[dims, "mean_attainment"].idxmax()
        worst_dim = stats.loc[dims, "mean_attainment"].idxmin()
        most_unequal = stats.loc[dims, "gini"].idxmax()
        return {
            "leader": w.iloc[0].to_dict(), "second": w.iloc[1].to_dict(), "last": w.iloc[-1].to_dict(),
            "spread": w.iloc[0]["total"] - w.iloc[-1]["total"],
            "ratio": w.iloc[0]["total"] / w.iloc[-1]["total"],
            "median": w["total"].median(),
            "east_mean": summary.loc[("East", "total"), "mean"], "west_mean": summary.loc[("West", "total"), "mean"],
            "central_mean": summary.loc[("Central", "total"), "mean"],
            "northeast_mean": summary.loc[("Northeast", "total"), "mean"],
            "top10_east": int((w.head(10)["region"] == "East").sum()),
            "best_dim": self.dim[best_dim], "best_dim_attainment": stats.loc[best_dim, "mean_attainment"],
            "worst_dim": self.dim[worst_dim], "worst_dim_attainment": stats.loc[worst_dim, "mean_attainment"],
            "unequal_dim": self.dim[most_unequal], "unequal_gini": stats.loc[most_unequal, "gini"],
            "above_50": int((w["total"] >= 50).sum()),
        }

    def corr(self, a: str, b: str, method: str = "pearson") -> float:
        c = self.indices.correlations
        return float(c[(c["method"] == method) & (c["measure_a"] == a) & (c["measure_b"] == b)]["r"].iloc[0])

    def files(self) -> list[dict]:
        """Every file of the data package with size and SHA-256 (from SHA256SUMS)."""
        sums = dict(reversed(line.split("  ", 1)) for line in
                    (self.data_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
        return [{"name": name, "sha256": digest, "bytes": (self.data_dir / name).stat().st_size}
                for name, digest in sorted(sums.items())]


DIMENSION_COLUMNS = ("dimension", "measure_a", "measure_b")


def column_label(column: str, L: Lang) -> str:
    """A data table's heading in the reader's language (the CSV keeps the field name)."""
    if column.startswith("s_"):
        return L.t("col.dimension_score", dim=L.dim(column[2:]))
    key = f"col.{column}"
    return L.t(key) if key in L.catalogue else column


def data_table(frame: pd.DataFrame, L: Lang, max_rows: int = 200) -> str:
    """An HTML table of a chart's data (what a screen reader or a copy-paster needs)."""
    head = "".join(f"<th scope=\"col\">{html.escape(column_label(str(c), L))}</th>" for c in frame.columns)
    body = []
    for row in frame.head(max_rows).itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row):
            if isinstance(value, float):
                text = f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}"
            elif column in DIMENSION_COLUMNS and L.names_dimension(value):
                text = L.dim(value)
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


@jinja2.pass_context
def chart_html(context, chart_id: str, caption: bool = True) -> str:
    site: Site = context["site"]
    root, site_root, t = context["root"], context["site_root"], site.L.t
    chart = site.charts[chart_id]
    href = f"{root}charts/{chart_id}"
    links = " · ".join([
        f'<a href="{href}.png" download>PNG</a>', f'<a href="{href}.svg" download>SVG</a>',
        f'<a href="{href}.csv" download>CSV</a>', f'<a href="{href}.vl.json" download>Vega-Lite</a>',
    ])
    return (
        f'<figure class="cidi-chart" id="chart-{chart_id}" data-chart="{chart_id}"'
        + (f' data-spec="{href}.vg.json" data-vega="{site_root}assets/js/vega.min.js"' if chart.interactive else "")
        + '>\n'
        f'<div class="cidi-chart__frame" style="aspect-ratio: {chart.width} / {chart.height}">'
        f'<img src="{href}.svg" alt="{html.escape(chart.title)}" width="{chart.width}" height="{chart.height}" '
        f'loading="lazy" decoding="async"></div>\n'
        + (f'<figcaption>{html.escape(chart.alt)}</figcaption>\n' if caption else "")
        + f'<details class="cidi-chart__data"><summary>{t("chart.data_table")}</summary>{data_table(chart.data if chart.table is None else chart.table, site.L)}</details>\n'
        f'<p class="cidi-chart__links">{t("chart.download")} {links}</p>\n'
        + embed_box(context, chart) + '</figure>\n'
    )


@jinja2.pass_context
def embed_box(context, chart: Chart) -> str:
    """The "Embed" button: the copy-paste code (rewritten to the reader's host by cidi.js)."""
    site: Site = context["site"]
    t = site.L.t
    code = html.escape(embed_code(chart, site.base_url + site.L.prefix))
    return (f'<details class="cidi-embed"><summary>{t("embed.summary")}</summary>'
            f'<p>{t("embed.help")} <a href="{context["root"]}embed/{chart.id}/">{t("embed.preview")}</a></p>'
            f'<pre class="cidi-embed__code" data-embed-id="{chart.id}"><code>{code}</code></pre>'
            f'<button type="button" class="md-button cidi-copy" data-copied="{t("embed.copied")}">'
            f'{t("embed.copy")}</button></details>\n')


def environment(loader_paths: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(p) for p in loader_paths]),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(chart=chart_html, embed_box=embed_box, number=number, signed=signed,
                       ZIP_NAME=ZIP_NAME, REGIONS=REGIONS, REGION_ZH=REGION_ZH, TIED_LOW=TIED_LOW, TIED_HIGH=TIED_HIGH)
    env.filters.update(number=number, signed=signed, pct=lambda v, d=1: f"{float(v):.{d}f} %",
                       e=lambda v: html.escape(str(v)))
    return env


def province_csv(site: Site, province: dict) -> str:
    """The province's rows of scores-long, in the package's exact format."""
    meta = read_metadata()
    fields = expand_fields(meta["resources"]["scores-long"]["fields"], site.sources.dimensions)
    rows = site.long[site.long["adcode"] == province["adcode"]]
    rows = add_companions(rows, fields, site.sources.provinces, "scores-long")
    return csv_text(conform(rows, fields, "scores-long"), fields)


def generated_pages(site: Site) -> dict[str, tuple[str, dict]]:
    """Markdown path -> (template, extra context) for every generated page."""
    pages = {
        "provinces/index.md": ("provinces-index.md.j2", {}),
        "dimensions/index.md": ("dimensions-index.md.j2", {}),
        "regions.md": ("regions.md.j2", {}),
        "national-figures.md": ("national-figures.md.j2", {}),
        "charts/index.md": ("charts.md.j2", {}),
        "explore.md": ("explore.md.j2", {}),
    }
    for province in site.provinces:
        pages[f"provinces/{province['slug']}.md"] = ("province.md.j2", {"p": province})
    for dim in site.dims:
        pages[f"dimensions/{dim['id']}.md"] = ("dimension.md.j2", {"d": dim})
    return pages


def navigation(site: Site) -> list:
    L = site.L
    by_name = sorted(site.provinces, key=lambda p: p["adcode"] if L.zh else p["province"])
    return [
        {L.t("nav.home"): "index.md"},
        {L.t("provs.title"): [{L.t("prov.pager.all"): "provinces/index.md"}]
         + [{L.province_full(p["province"]): f"provinces/{p['slug']}.md"} for p in by_name]},
        {L.t("dims.title"): [{L.t("nav.all_dimensions"): "dimensions/index.md"}]
         + [{L.dim_full(d["id"]): f"dimensions/{d['id']}.md"} for d in site.dims]},
        {L.t("regions.title"): "regions.md"},
        {L.t("nat.title"): "national-figures.md"},
        {L.t("nav.methodology"): [{L.t("nav.methodology"): "methodology/index.md"},
                                  {L.t("chart.intervals.title"): "methodology/robustness.md"}]},
        {L.t("explore.title"): "explore.md"},
        {L.t("charts.title"): "charts/index.md"},
        {L.t("nav.data"): "data/index.md"},
        {L.t("nav.about"): "about.md"},
    ]


HAND_WRITTEN = ("index.md", "methodology/index.md", "methodology/robustness.md", "data/index.md", "about.md")


def missing_translations(lang: str) -> list[str]:
    """Hand-written pages that have no version in ``lang`` (they fall back to English with a note)."""
    if lang == "en":
        return []
    return [rel for rel in HAND_WRITTEN if not (paths.DOCS / lang / rel).is_file()]


def make_pages(site: Site, staging_docs: Path) -> list:
    """Render every page of the site's language into ``staging_docs``; return the navigation.

    English: the hand-written templates are docs/*.md (docs/zh/ excluded). Chinese: docs/zh/*.md;
    a page without a Chinese version is the English one with a visible note.
    """
    lang = site.L.code
    shutil.copytree(paths.DOCS / "assets", staging_docs / "assets",
                    ignore=None if lang == "en" else shutil.ignore_patterns("vega*"))
    env = environment([paths.TEMPLATES, paths.DOCS])
    for rel in HAND_WRITTEN:
        translated = f"{lang}/{rel}" if lang != "en" and (paths.DOCS / lang / rel).is_file() else rel
        fallback = lang != "en" and translated == rel
        render(env, translated, rel, {"fallback": fallback}, site, staging_docs)
    for rel, (template, extra) in generated_pages(site).items():
        render(env, template, rel, extra, site, staging_docs)
    for province in site.provinces:
        folder = staging_docs / "provinces" / province["slug"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"cidi-{province['slug']}.csv").write_text(province_csv(site, province), encoding="utf-8")
    return navigation(site)


def render(env, template: str, rel: str, extra: dict, site: Site, staging_docs: Path) -> None:
    url = url_of(rel)
    root = root_of(url)
    context = {"site": site, "root": root, "site_root": root + "../" * site.L.prefix.count("/"), "url": url,
               "f": site.findings, "L": site.L, "t": site.L.t, "lang": site.L.code, **extra}
    text = env.get_template(template).render(**context)
    if extra.get("fallback"):
        text = add_fallback_note(text, site.L)
    target = staging_docs / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def add_fallback_note(text: str, L: Lang) -> str:
    """Put a visible "not yet translated" note under the front matter of an English page."""
    note = f'!!! note "{L.t("fallback.title")}"\n    {L.t("fallback.text")}\n\n'
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4) + 5
        return text[:end] + "\n" + note + text[end:]
    return note + text
