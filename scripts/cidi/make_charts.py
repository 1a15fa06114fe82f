"""Step 5: the charts. Altair builds a Vega-Lite spec per chart; vl-convert compiles it to Vega
(for the browser, so pages never load Vega-Lite) and renders the static SVG and PNG.

Inputs: the computed tables. Outputs: a list of :class:`Chart` (id, group, title, alt text, the
rows it shows) and, from :func:`render_charts`, files under ``<docs>/charts/<id>.*``:
``.vl.json`` (Vega-Lite), ``.vg.json`` (Vega), ``.svg``, ``.png`` (2x) and ``.csv`` (its data).

Every chart has a title, subtitle, source line, a ``description`` generated from the data (also
its alt text) and tooltips with exact values. Palettes are colour-blind safe (Okabe-Ito for
categories, viridis for sequential scales). Parameters are named explicitly so specs are
deterministic whatever the build order.
"""
from __future__ import annotations

import json
import re
import struct
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd

from cidi.i18n import Lang, read_catalogue

MESSAGES = read_catalogue()
SITE_NAME = MESSAGES["site.name"]["en"]
SOURCE = MESSAGES["source.line"]["en"]  # "Source: Report on China Internet Development 2017 · <site name>"
LICENCE = MESSAGES["licence.line"]["en"]
# Okabe-Ito: distinguishable with the common colour-vision deficiencies
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
REGIONS = ["East", "Central", "West", "Northeast"]
REGION_COLOURS = {"East": "#0072B2", "Central": "#E69F00", "West": "#009E73", "Northeast": "#CC79A7"}
NOT_ASSESSED = "#d0d0d0"
HIGHLIGHT = "#D55E00"
MUTED = "#9aa5b1"
FONT = "Noto Sans, Noto Sans CJK SC, DejaVu Sans, Arial, sans-serif"
PROJECTION = {"type": "conicEqualArea", "parallels": [25, 47], "rotate": [-105, 0]}
WIDTH = 640


@dataclass
class Chart:
    id: str
    group: str  # national, dimensions, provinces, methodology
    title: str
    subtitle: str
    alt: str  # one or two sentences stating the chart's point, from the data
    data: pd.DataFrame  # exactly the rows and columns the chart shows (its CSV)
    spec: dict  # Vega-Lite
    page: str  # site path of the page that shows it, e.g. "provinces/beijing/"
    files: dict = field(default_factory=dict)
    width: int = 0  # of the static SVG, in CSS pixels
    height: int = 0
    embed_width: int = 0  # of the embed variant's SVG
    embed_height: int = 0
    interactive: bool = True  # False: the static SVG is all a reader needs (no Vega on the page for it)
    lang: str = "en"
    table: pd.DataFrame | None = None  # the rows the page's data table lists, when not all of ``data``


def fmt(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(font=FONT).configure_view(stroke=None).configure_axis(
        labelFontSize=12, titleFontSize=12, gridColor="#e5e7eb").configure_legend(
        labelFontSize=12, titleFontSize=12, orient="bottom", direction="horizontal").configure_title(
        fontSize=16, subtitleFontSize=12, anchor="start", subtitleColor="#4b5563")


def finish(chart, *, L, id, group, title, subtitle, alt_text, data, page, topojson=None, grid: int = 10) -> Chart:
    """Title, subtitle, source line and description, the same for every chart."""
    framed = alt.vconcat(chart.properties(title=alt.Title(title, subtitle=subtitle)), spacing=0).properties(
        title=alt.Title(f"{L.t('source.line')} · {L.t('licence.line')}", orient="bottom", anchor="start",
                        fontSize=10, fontWeight="normal", color="#4b5563", offset=12),
        description=alt_text, padding=12, background="white")
    spec = config(framed).to_dict(validate=False)  # validated in the tests (here it would cost seconds)
    if topojson is not None:
        spec = inline_topojson(spec, coarse_topojson(topojson, grid))
    return Chart(id=id, group=group, title=title, subtitle=subtitle, alt=alt_text, data=data.reset_index(drop=True),
                 spec=spec, page=page, lang=L.code)


def localise(frame: pd.DataFrame, L) -> pd.DataFrame:
    """Province and region names in the reader's language (codes and numbers unchanged)."""
    out = frame.copy()
    if "province" in out.columns:
        out["province"] = out["province"].map(L.province)
    if "region" in out.columns:
        out["region"] = out["region"].map(L.region)
    return out


TOPO_PLACEHOLDER = "@provinces.topo.json"


def topo_data() -> alt.InlineData:
    """The boundaries, as a placeholder that :func:`inline_topojson` fills after ``to_dict``
    (letting Altair walk the 80 KB TopoJSON for every map costs seconds)."""
    return alt.InlineData(values=TOPO_PLACEHOLDER, format=alt.DataFormat(type="topojson", feature="provinces"))


def coarse_topojson(topojson: dict, factor: int = 10) -> dict:
    """Re-quantise the TopoJSON arcs ``factor`` times coarser (1e5 -> 1e4 grid, about 0.6 km here,
    far below a pixel) and drop repeated points: a map spec shrinks by about a third."""
    arcs = []
    for arc in topojson["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded: absolute position = running sum
            x, y = x + dx, y + dy
            point = (round(x / factor), round(y / factor))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 2:
            points.append(points[0])
        deltas = [list(points[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(points, points[1:])]
        arcs.append(deltas)
    transform = topojson["transform"]
    return {**topojson, "arcs": arcs,
            "transform": {"scale": [v * factor for v in transform["scale"]], "translate": transform["translate"]}}


def inline_topojson(node, topojson: dict):
    if isinstance(node, dict):
        return {k: topojson if v == TOPO_PLACEHOLDER else inline_topojson(v, topojson) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_topojson(v, topojson) for v in node]
    return node


def choropleth(values: pd.DataFrame, field_name: str, title: str, *, L, width: int,
               highlight: str | None = None) -> alt.Chart:
    """Map of all 34 divisions; provinces without a value (Hong Kong, Macao, Taiwan) in grey."""
    name_field = "properties.name_zh" if L.zh else "properties.name_en"
    not_assessed = L.t("chart.map.not_assessed", name="' + datum." + name_field + " + '")
    base = alt.Chart(topo_data()).transform_lookup(
        lookup="properties.adcode",
        from_=alt.LookupData(alt.InlineData(values=values.to_dict("records")), key="adcode", fields=list(values.columns)),
    ).transform_calculate(
        status="isValid(datum.province) ? 'assessed' : 'not assessed'",
        name=f"isValid(datum.province) ? datum.province : '{not_assessed}'",
    ).project(**PROJECTION).properties(width=width, height=round(width * 0.8))
    tooltip = [alt.Tooltip("name:N", title=L.t("word.province"))]
    if field_name in values.columns:
        tooltip += [alt.Tooltip(f"{field_name}:Q", title=title, format=".2f")]
    if "rank" in values.columns:
        tooltip += [alt.Tooltip("rank:Q", title=L.t("word.rank"))]
    if highlight:
        colour = alt.condition(f"datum.properties.adcode == '{highlight}'", alt.value(HIGHLIGHT), alt.value("#e5e7eb"))
        return base.mark_geoshape(stroke="white", strokeWidth=0.6).encode(color=colour, tooltip=tooltip)
    # Hong Kong, Macao and Taiwan in grey beside the scored provinces (filtered out of the colour layer)
    underlay = base.transform_filter("datum.status != 'assessed'").mark_geoshape(
        stroke="white", strokeWidth=0.6, color=NOT_ASSESSED).encode(tooltip=[alt.Tooltip("name:N", title=L.t("word.province"))])
    colour = alt.Color(f"{field_name}:Q", title=title, scale=alt.Scale(scheme="viridis", reverse=True),
                       legend=alt.Legend(gradientLength=220, format=".0f"))
    return underlay + base.mark_geoshape(stroke="white", strokeWidth=0.6).encode(color=colour, tooltip=tooltip)


def national_charts(sources, indices, L) -> list[Chart]:
    weights = dict(zip(sources.dimensions["id"], sources.dimensions["weight"]))
    dims = list(sources.dimensions["id"])
    names = {d: L.dim(d) for d in dims}
    wide = localise(indices.scores, L)
    leader, second, last = wide.iloc[0], wide.iloc[1], wide.iloc[-1]
    charts = []

    long = wide.melt(id_vars=["province", "total", "rank"], value_vars=dims, var_name="dimension",
                     value_name="score")
    long["dimension_name"] = long["dimension"].map(names)
    long["order"] = long["dimension"].map({d: i for i, d in enumerate(dims)})
    long = long.sort_values(["rank", "order"])
    top_dim = long[long["rank"] == 1].sort_values("score", ascending=False).iloc[0]
    alt_text = L.t("chart.stacked.alt", leader=leader["province"], total=fmt(leader["total"]),
                   lead=fmt(leader["total"] - second["total"]), second=second["province"], last=last["province"],
                   last_total=fmt(last["total"]), weight=weights["internet_application"],
                   top_dim=L.lower(top_dim["dimension_name"]), top_score=fmt(top_dim["score"]))
    bars = alt.Chart(long).mark_bar().encode(
        y=alt.Y("province:N", sort=alt.EncodingSortField("total", order="descending"), title=None),
        x=alt.X("score:Q", stack="zero", title=L.t("chart.stacked.x"), scale=alt.Scale(domain=[0, 50])),
        color=alt.Color("dimension_name:N", title=L.t("word.dimension"), sort=[names[d] for d in dims],
                        scale=alt.Scale(domain=[names[d] for d in dims], range=OKABE_ITO[:6])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("province:N", title=L.t("word.province")),
                 alt.Tooltip("dimension_name:N", title=L.t("word.dimension")),
                 alt.Tooltip("score:Q", title=L.t("word.score"), format=".2f"),
                 alt.Tooltip("total:Q", title=L.t("word.total"), format=".2f"),
                 alt.Tooltip("rank:Q", title=L.t("word.rank"))],
    ).properties(width=WIDTH - 120, height=31 * 16)
    charts.append(finish(bars, L=L, id="ranking-stacked", group="national", title=L.t("chart.stacked.title"),
                         subtitle=L.t("chart.stacked.subtitle"), alt_text=alt_text,
                         data=long[["rank", "province", "dimension", "score", "total"]], page=""))

    values = wide[["adcode", "province", "total", "rank", "region"]]
    regional = indices.scores.groupby("region")["total"].agg(["mean", "min", "max"])
    alt_text = L.t("chart.map.alt", leader=leader["province"], total=fmt(leader["total"]),
                   east=fmt(regional.loc["East", "mean"]), west=fmt(regional.loc["West", "mean"]))
    charts.append(finish(choropleth(values, "total", L.t("chart.map.legend"), L=L, width=WIDTH - 40), L=L,
                         id="map-total", group="national", title=L.t("chart.map.title"),
                         subtitle=L.t("chart.map.subtitle"), alt_text=alt_text, data=values, page="",
                         topojson=sources.topojson))

    regions = [L.region(r) for r in REGIONS]
    dots = wide[["province", "region", "total", "rank"]]
    alt_text = L.t("chart.regions.alt", east=fmt(regional.loc["East", "mean"]),
                   central=fmt(regional.loc["Central", "mean"]), west=fmt(regional.loc["West", "mean"]),
                   northeast=fmt(regional.loc["Northeast", "mean"]), east_min=fmt(regional.loc["East", "min"]),
                   east_max=fmt(regional.loc["East", "max"]))
    strip = alt.Chart(dots).mark_circle(size=90, opacity=0.85).encode(
        x=alt.X("total:Q", title=L.t("chart.map.legend"), scale=alt.Scale(zero=False)),
        y=alt.Y("region:N", sort=regions, title=None),
        color=alt.Color("region:N", scale=alt.Scale(domain=regions, range=[REGION_COLOURS[r] for r in REGIONS]),
                        legend=None),
        tooltip=[alt.Tooltip("province:N", title=L.t("word.province")), alt.Tooltip("region:N", title=L.t("word.region")),
                 alt.Tooltip("total:Q", title=L.t("word.total"), format=".2f"),
                 alt.Tooltip("rank:Q", title=L.t("word.rank"))],
    )
    mean_ticks = alt.Chart(pd.DataFrame({"region": regions, "mean": [regional.loc[r, "mean"] for r in REGIONS]})).mark_tick(
        color="#111827", thickness=2, size=28).encode(
        x="mean:Q", y=alt.Y("region:N", sort=regions),
        tooltip=[alt.Tooltip("region:N", title=L.t("word.region")),
                 alt.Tooltip("mean:Q", title=L.t("chart.regions.mean"), format=".2f")])
    charts.append(finish((strip + mean_ticks).properties(width=WIDTH - 100, height=200), L=L,
                         id="regions-total", group="national", title=L.t("chart.regions.title"),
                         subtitle=L.t("chart.regions.subtitle"), alt_text=alt_text, data=dots, page="regions/"))

    corr = indices.correlations
    corr = corr[corr["method"] == "pearson"].copy()
    label = {m: L.dim(m) for m in dims + ["total"]}
    corr["a"], corr["b"] = corr["measure_a"].map(label), corr["measure_b"].map(label)
    order = [label[m] for m in dims + ["total"]]
    off = corr[(corr["measure_a"] != corr["measure_b"]) & corr["measure_a"].isin(dims) & corr["measure_b"].isin(dims)]
    strongest = off.sort_values("r", ascending=False).iloc[0]
    weakest = off.sort_values("r").iloc[0]
    alt_text = L.t("chart.corr.alt", a1=strongest["a"], b1=strongest["b"], r1=fmt(strongest["r"]),
                   a2=weakest["a"], b2=weakest["b"], r2=fmt(weakest["r"]))
    heat = alt.Chart(corr).mark_rect().encode(
        x=alt.X("a:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("b:N", sort=order, title=None),
        color=alt.Color("r:Q", title="Pearson r", scale=alt.Scale(scheme="blueorange", domain=[-1, 1])),
        tooltip=[alt.Tooltip("a:N", title=L.t("word.dimension")), alt.Tooltip("b:N", title=L.t("word.dimension")),
                 alt.Tooltip("r:Q", title="Pearson r", format=".2f")])
    text = alt.Chart(corr).mark_text(fontSize=11).encode(
        x=alt.X("a:N", sort=order), y=alt.Y("b:N", sort=order), text=alt.Text("r:Q", format=".2f"),
        color=alt.condition("abs(datum.r) > 0.6", alt.value("white"), alt.value("#111827")))
    charts.append(finish((heat + text).properties(width=420, height=360), L=L, id="correlations", group="dimensions",
                         title=L.t("chart.corr.title"), subtitle=L.t("chart.corr.subtitle"),
                         alt_text=alt_text, data=corr[["measure_a", "measure_b", "r"]], page="dimensions/"))
    return charts


def dimension_charts(sources, indices, L) -> list[Chart]:
    long = localise(indices.scores_long.merge(indices.scores[["adcode", "region"]], on="adcode"), L)
    regions = [L.region(r) for r in REGIONS]
    charts = []
    for dim in sources.dimensions.itertuples(index=False):
        name = L.dim_full(dim.id)
        rows = long[long["dimension"] == dim.id].sort_values(["rank", "adcode"])
        top, bottom = rows.iloc[0], rows.iloc[-1]
        median = rows["score"].median()
        page = f"dimensions/{dim.id}/"
        data = rows[["rank", "province", "score", "maximum", "attainment", "region"]]
        alt_text = L.t("chart.dim.alt", dim=name, top=top["province"], top_score=fmt(top["score"]), max=dim.weight,
                       top_att=L.pct(top["attainment"]), bottom=bottom["province"],
                       bottom_score=fmt(bottom["score"]), median=fmt(median))
        axis = L.t("chart.dim.axis", max=dim.weight)
        bars = alt.Chart(data).mark_bar(color=OKABE_ITO[0]).encode(
            y=alt.Y("province:N", sort=alt.EncodingSortField("score", order="descending"), title=None),
            x=alt.X("score:Q", title=axis, scale=alt.Scale(domain=[0, dim.weight])),
            tooltip=[alt.Tooltip("province:N", title=L.t("word.province")),
                     alt.Tooltip("score:Q", title=L.t("word.score"), format=".2f"),
                     alt.Tooltip("attainment:Q", title=L.t("word.attainment_pct"), format=".1f"),
                     alt.Tooltip("rank:Q", title=L.t("word.rank"))])
        rule = alt.Chart(pd.DataFrame({"median": [median]})).mark_rule(color="#111827", strokeDash=[4, 3]).encode(
            x="median:Q", tooltip=[alt.Tooltip("median:Q", title=L.t("chart.dim.median"), format=".2f")])
        charts.append(finish((bars + rule).properties(width=WIDTH - 120, height=31 * 16), L=L,
                             id=f"dimension-{dim.id}-ranking", group="dimensions",
                             title=L.t("chart.dim.ranking.title", dim=name),
                             subtitle=L.t("chart.dim.ranking.subtitle", max=dim.weight),
                             alt_text=alt_text, data=data, page=page))

        values = rows[["adcode", "province", "score", "rank"]]
        charts.append(finish(choropleth(values, "score", L.t("word.score"), L=L, width=WIDTH - 40), L=L,
                             id=f"dimension-{dim.id}-map", group="dimensions",
                             title=L.t("chart.dim.map.title", dim=name),
                             subtitle=L.t("chart.dim.map.subtitle", max=dim.weight),
                             alt_text=L.t("chart.dim.map.alt", dim=L.lower(name), text=alt_text), data=values,
                             page=page, topojson=sources.topojson))

        means = rows.groupby("region")["score"].mean()
        best_region = means.idxmax()
        alt_text_dist = L.t("chart.dim.dist.alt", dim=L.lower(name), q1=fmt(rows["score"].quantile(0.25)),
                            q3=fmt(rows["score"].quantile(0.75)), region=best_region, mean=fmt(means[best_region]))
        strip = alt.Chart(data).mark_circle(size=80, opacity=0.85).encode(
            x=alt.X("score:Q", title=axis, scale=alt.Scale(domain=[0, dim.weight])),
            y=alt.Y("region:N", sort=regions, title=None),
            color=alt.Color("region:N", legend=None,
                            scale=alt.Scale(domain=regions, range=[REGION_COLOURS[r] for r in REGIONS])),
            tooltip=[alt.Tooltip("province:N", title=L.t("word.province")),
                     alt.Tooltip("region:N", title=L.t("word.region")),
                     alt.Tooltip("score:Q", title=L.t("word.score"), format=".2f")])
        charts.append(finish(strip.properties(width=WIDTH - 100, height=180), L=L,
                             id=f"dimension-{dim.id}-distribution", group="dimensions",
                             title=L.t("chart.dim.dist.title", dim=name), subtitle=L.t("chart.dim.dist.subtitle"),
                             alt_text=alt_text_dist, data=data, page=page))
    return charts


def province_charts(sources, indices, L) -> list[Chart]:
    dims = list(sources.dimensions["id"])
    names = {d: L.dim(d) for d in dims}
    long = localise(indices.scores_long, L)
    long["dimension_name"] = long["dimension"].map(names)
    zh_names = dict(zip(sources.provinces["adcode"], sources.provinces["short_name_zh"]))
    tooltip = [alt.Tooltip("province:N", title=L.t("word.province")),
               alt.Tooltip("dimension_name:N", title=L.t("word.dimension")),
               alt.Tooltip("score:Q", title=L.t("word.score"), format=".2f"),
               alt.Tooltip("attainment:Q", title=L.t("word.attainment_pct"), format=".1f"),
               alt.Tooltip("rank:Q", title=L.t("word.rank"))]
    charts = []
    for province in indices.scores.itertuples(index=False):
        name = L.province(province.province)
        title_name = name if L.zh else f"{province.province} {zh_names[province.adcode]}"
        page = f"provinces/{province.slug}/"
        rows = long[long["adcode"] == province.adcode].set_index("dimension").loc[dims]
        best = rows.sort_values("attainment", ascending=False).iloc[0]
        worst = rows.sort_values("attainment").iloc[0]
        alt_text = L.t("chart.profile.alt", name=name, best=L.lower(best["dimension_name"]),
                       best_att=L.pct(best["attainment"]), best_rank=best["rank"],
                       worst=L.lower(worst["dimension_name"]), worst_att=L.pct(worst["attainment"]),
                       worst_rank=worst["rank"])
        data = long[["adcode", "province", "dimension", "dimension_name", "score", "attainment", "rank"]].copy()
        data["selected"] = data["adcode"] == province.adcode
        sort = [names[d] for d in dims]
        others = alt.Chart(data[~data["selected"]]).mark_circle(size=55, color=MUTED, opacity=0.55).encode(
            x=alt.X("attainment:Q", title=L.t("chart.profile.axis"), scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("dimension_name:N", sort=sort, title=None), tooltip=tooltip)
        mine = alt.Chart(data[data["selected"]]).mark_point(size=200, filled=True, color=HIGHLIGHT, shape="diamond",
                                                            stroke="#111827", strokeWidth=1).encode(
            x="attainment:Q", y=alt.Y("dimension_name:N", sort=sort), tooltip=tooltip)
        charts.append(finish((others + mine).properties(width=WIDTH - 170, height=240), L=L,
                             id=f"province-{province.slug}-profile", group="provinces",
                             title=L.t("chart.profile.title", name=title_name),
                             subtitle=L.t("chart.profile.subtitle", name=name),
                             alt_text=alt_text, data=data.drop(columns=["dimension_name"]), page=page))
        # the page's table lists the highlighted province (the CSV has all 31)
        charts[-1].table = data.loc[data["selected"], ["province", "dimension_name", "score", "attainment", "rank"]]

        values = localise(indices.scores[["adcode", "province", "total", "rank"]], L)
        region = L.region(province.region)
        charts.append(finish(choropleth(values, "total", L.t("chart.map.legend"), L=L, width=300,
                                        highlight=province.adcode), L=L,
                             id=f"province-{province.slug}-locator", group="provinces",
                             title=L.t("chart.locator.title", name=title_name),
                             subtitle=L.t("chart.locator.subtitle", region=region),
                             alt_text=L.t("chart.locator.alt", name=name, region=region),
                             data=values[values["adcode"] == province.adcode], page=page, topojson=sources.topojson,
                             grid=40))  # a 300-pixel locator needs a coarser grid than a full-width map
        charts[-1].interactive = False  # a locator needs no tooltips; keeps the province page light
    return charts


def robustness_charts(sources, indices, robust, L) -> list[Chart]:
    unc = localise(robust.rank_uncertainty, L)
    unc["interval"] = unc["rank_p95"] - unc["rank_p05"]
    widest = unc.sort_values(["interval", "published_rank"], ascending=[False, True]).iloc[0]
    fixed = int((unc["interval"] == 0).sum())
    alt_text = L.t("chart.intervals.alt", n=f"{robust.settings.replications:,}", fixed=fixed, name=widest["province"],
                   low=widest["rank_p05"], high=widest["rank_p95"], official=widest["published_rank"])
    data = unc[["province", "published_rank", "median_rank", "rank_p05", "rank_p95"]]
    base = alt.Chart(data).encode(y=alt.Y("province:N", sort=alt.EncodingSortField("published_rank"), title=None))
    tooltip = [alt.Tooltip("province:N", title=L.t("word.province")),
               alt.Tooltip("published_rank:Q", title=L.t("chart.intervals.official")),
               alt.Tooltip("median_rank:Q", title=L.t("chart.intervals.median")),
               alt.Tooltip("rank_p05:Q", title=L.t("chart.intervals.p05")),
               alt.Tooltip("rank_p95:Q", title=L.t("chart.intervals.p95"))]
    chart = (base.mark_rule(strokeWidth=6, color="#56B4E9").encode(
        x=alt.X("rank_p05:Q", title=L.t("chart.intervals.axis"), scale=alt.Scale(domain=[1, 31])),
        x2="rank_p95:Q", tooltip=tooltip)
        + base.mark_tick(color="#111827", thickness=2, size=14).encode(x="published_rank:Q", tooltip=tooltip)
        + base.mark_circle(color=HIGHLIGHT, size=60, opacity=1).encode(x="median_rank:Q", tooltip=tooltip))
    charts = [finish(chart.properties(width=WIDTH - 120, height=31 * 16), L=L, id="rank-intervals",
                     group="methodology", title=L.t("chart.intervals.title"), subtitle=L.t("chart.intervals.subtitle"),
                     alt_text=alt_text, data=data, page="methodology/robustness/")]

    eff = robust.effective_weights.copy()
    eff["dimension_name"] = eff["dimension"].map(L.dim)
    nominal, variance = L.t("chart.effective.nominal"), L.t("chart.effective.variance")
    tall = pd.concat([
        pd.DataFrame({"dimension": eff["dimension"], "dimension_name": eff["dimension_name"], "measure": nominal,
                      "share": eff["nominal_weight"]}),
        pd.DataFrame({"dimension": eff["dimension"], "dimension_name": eff["dimension_name"], "measure": variance,
                      "share": eff["variance_share"]}),
    ], ignore_index=True)
    top = eff.sort_values("variance_share", ascending=False).iloc[0]
    low = eff.sort_values("variance_share").iloc[0]
    alt_text = L.t("chart.effective.alt", top=top["dimension_name"], top_share=f"{top['variance_share'] * 100:.0f}",
                   top_weight=f"{top['nominal_weight'] * 100:.0f}", low=L.lower(low["dimension_name"]),
                   low_share=f"{low['variance_share'] * 100:.0f}", low_weight=f"{low['nominal_weight'] * 100:.0f}")
    order = [L.dim(d) for d in sources.dimensions["id"]]
    bars = alt.Chart(tall).mark_bar().encode(
        y=alt.Y("dimension_name:N", sort=order, title=None),
        yOffset=alt.YOffset("measure:N", sort=[nominal, variance]),
        x=alt.X("share:Q", title=L.t("chart.effective.axis"), axis=alt.Axis(format="%")),
        color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=[nominal, variance],
                                                                 range=[OKABE_ITO[0], OKABE_ITO[1]])),
        tooltip=[alt.Tooltip("dimension_name:N", title=L.t("word.dimension")),
                 alt.Tooltip("measure:N", title=L.t("chart.effective.measure")),
                 alt.Tooltip("share:Q", title=L.t("chart.effective.axis"), format=".1%")])
    charts.append(finish(bars.properties(width=WIDTH - 170, height=300), L=L, id="effective-weights",
                         group="methodology", title=L.t("chart.effective.title"),
                         subtitle=L.t("chart.effective.subtitle"), alt_text=alt_text,
                         data=tall[["dimension", "measure", "share"]], page="methodology/robustness/"))
    return charts


def weight_param(dim_id: str) -> str:
    return f"w_{dim_id}"


def custom_score_expr(maxima: dict[str, int]) -> str:
    """Vega expression of the explorer's index: 100 x sum_d w_d a_d / sum_d w_d (weights in any
    units), with the attainment a_d = score_d / maximum_d computed from the printed score.

    At the official weights (summing to 100) this is the sum of the six printed scores.
    """
    total = " + ".join(weight_param(d) for d in maxima)
    parts = " + ".join(f"{weight_param(d)} * datum.s_{d} / {maxima[d]}" for d in maxima)
    return f"({total}) > 0 ? 100 * ({parts}) / ({total}) : 0"


def explorer_chart(sources, indices, L) -> Chart:
    """Build your own index: six sliders (Vega-Lite parameters) re-weight the attainments live."""
    weights = dict(zip(sources.dimensions["id"], sources.dimensions["weight"]))
    dims = list(sources.dimensions["id"])
    wide = localise(indices.scores, L)
    data = wide[["adcode", "province", "region", "rank"]].copy()
    for d in dims:
        data[f"s_{d}"] = wide[d]
    params = [alt.param(name=weight_param(d), value=int(weights[d]),
                        bind=alt.binding_range(min=0, max=50, step=1, name=f"{L.dim(d)} ")) for d in dims]
    is_custom = " || ".join(f"{weight_param(d)} != {int(weights[d])}" for d in dims)
    score = custom_score_expr({d: int(weights[d]) for d in dims})
    moves = [L.t("chart.explorer.higher"), L.t("chart.explorer.same"), L.t("chart.explorer.lower")]
    tooltip = [alt.Tooltip("province:N", title=L.t("word.province")),
               alt.Tooltip("custom:Q", title=L.t("chart.explorer.custom"), format=".2f"),
               alt.Tooltip("custom_rank:Q", title=L.t("chart.explorer.custom_rank")),
               alt.Tooltip("rank:Q", title=L.t("chart.intervals.official"))]
    bars = alt.Chart(alt.InlineData(values=data.to_dict("records"))).transform_calculate(
        custom=score).transform_window(custom_rank="rank()", sort=[alt.SortField("custom", order="descending")]
    ).transform_calculate(shift="datum.rank - datum.custom_rank").transform_calculate(
        move=f"datum.shift > 0 ? '{moves[0]}' : datum.shift < 0 ? '{moves[2]}' : '{moves[1]}'").mark_bar().encode(
        y=alt.Y("province:N", sort=alt.EncodingSortField("custom", order="descending"), title=None),
        x=alt.X("custom:Q", title=L.t("chart.explorer.axis"), scale=alt.Scale(domain=[0, 80])),
        color=alt.Color("move:N", title=L.t("chart.explorer.move_legend"),
                        scale=alt.Scale(domain=moves, range=[OKABE_ITO[0], MUTED, OKABE_ITO[5]])),
        tooltip=tooltip + [alt.Tooltip("shift:Q", title=L.t("chart.explorer.moved"))],
    ).properties(width=WIDTH - 160, height=31 * 16)
    stamp = alt.Chart(alt.InlineData(values=[{"text": L.t("chart.explorer.stamp")}])).mark_text(
        align="left", baseline="top", fontSize=14, fontWeight="bold", color="#b45309", x=0, y=-22).encode(
        text="text:N", opacity=alt.condition(is_custom, alt.value(1), alt.value(0)))
    lookup = data[["adcode", "province"] + [f"s_{d}" for d in dims]]
    shape = alt.Chart(topo_data()).transform_lookup(
        lookup="properties.adcode",
        from_=alt.LookupData(alt.InlineData(values=lookup.to_dict("records")), key="adcode",
                             fields=list(lookup.columns)),
    ).project(**PROJECTION)
    underlay = shape.transform_filter("!isValid(datum.province)").mark_geoshape(
        stroke="white", strokeWidth=0.6, color=NOT_ASSESSED, aria=False)
    choro = shape.transform_filter("isValid(datum.province)").transform_calculate(custom=score).mark_geoshape(
        stroke="white", strokeWidth=0.6).encode(
        color=alt.Color("custom:Q", title=L.t("chart.explorer.map_legend"),
                        scale=alt.Scale(scheme="viridis", reverse=True, domain=[15, 50], clamp=True),
                        legend=alt.Legend(gradientLength=200, format=".0f")),
        tooltip=[alt.Tooltip("province:N", title=L.t("word.province")),
                 alt.Tooltip("custom:Q", title=L.t("chart.explorer.custom"), format=".2f")])
    chart = alt.vconcat(bars + stamp, (underlay + choro).properties(width=WIDTH - 160, height=380)).add_params(*params)
    leader = wide.iloc[0]
    alt_text = L.t("chart.explorer.alt", leader=leader["province"], total=fmt(leader["recomputed_total"]))
    return finish(chart, L=L, id="explorer", group="methodology", title=L.t("chart.explorer.title"),
                  subtitle=L.t("chart.explorer.subtitle"), alt_text=alt_text, data=data, page="explore/",
                  topojson=sources.topojson)


def make_charts(sources, indices, robust, lang: str = "en") -> list[Chart]:
    """Every chart of the site in one language."""
    L = Lang(lang, sources)
    charts = (national_charts(sources, indices, L) + dimension_charts(sources, indices, L)
              + province_charts(sources, indices, L) + robustness_charts(sources, indices, robust, L)
              + [explorer_chart(sources, indices, L)])
    ids = [c.id for c in charts]
    assert len(ids) == len(set(ids)), "chart ids must be unique"
    return charts


DECIMALS = re.compile(r"(\d+\.\d)\d+")
PATH_DATA = re.compile(r' d="([^"]{400,})"')


def whole_pixel_path(d: str) -> str:
    """A path rounded to whole pixels, without the points that then repeat the previous one."""
    out, previous = [], None
    for command, args in re.findall(r"([MLZmlzHVhv])([^MLZmlzHVhv]*)", d):
        args = re.sub(r"(-?\d+)\.\d+", r"\1", args)
        if command == "L" and args == previous:
            continue
        out.append(command + args)
        previous = args if command in "ML" else None
    return "".join(out)


GRADIENT_ID = re.compile(r"gradient_\d+")


def stable_ids(svg: str) -> str:
    """Number gradient ids within the SVG itself: the renderer counts them per process, so they would
    depend on which worker drew the chart and what it drew before (builds must be byte-identical)."""
    order: dict[str, str] = {}
    return GRADIENT_ID.sub(lambda m: order.setdefault(m.group(0), f"gradient_{len(order) + 1}"), svg)


def slim_svg(svg: str) -> str:
    """Round coordinates: long paths (map boundaries) to whole pixels, dropping repeated points,
    everything else to one decimal. Invisible on screen; a map's SVG shrinks by more than half."""
    svg = PATH_DATA.sub(lambda m: ' d="' + whole_pixel_path(m.group(1)) + '"', stable_ids(svg))
    return DECIMALS.sub(r"\1", svg)


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
            chart.files[suffix] = path.name
        csv_path = folder / f"{chart.id}.csv"
        chart.data.to_csv(csv_path, index=False, lineterminator="\n")
        chart.files["csv"] = csv_path.name
