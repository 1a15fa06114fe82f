"""Step 5: the charts. Altair builds a Vega-Lite spec per chart (rendered by :mod:`cidi.charts.render`).

Inputs: the computed tables. Outputs: a list of :class:`Chart` (id, group, title, alt text, the
rows it shows, its Vega-Lite spec).

Every chart has a title, subtitle, source line, a ``description`` generated from the data (also
its alt text) and tooltips with exact values. Palettes are colour-blind safe (Okabe-Ito for
categories, viridis for sequential scales). Parameters are named explicitly so specs are
deterministic whatever the build order.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from cidi.charts.geo import coarse_topojson, inline_topojson, topo_data
from cidi.charts.model import (FONT, HIGHLIGHT, MUTED, NOT_ASSESSED, OKABE_ITO, PROJECTION, REGION_COLOURS, REGIONS,
                               WIDTH, Chart)
from cidi.i18n import Lang

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
