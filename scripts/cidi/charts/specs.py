"""Step 5: the charts. Altair builds a Vega-Lite spec per chart (rendered by :mod:`cidi.charts.render`).

Inputs: the computed tables. Outputs: a list of :class:`Chart` (id, group, title, alt text, the
rows it shows, its Vega-Lite spec).

Every chart has a title, subtitle, source line, a ``description`` generated from the data (also
its alt text) and tooltips with exact values. Palettes are colour-blind safe (Okabe-Ito for
categories, viridis for sequential scales). Parameters are named explicitly so specs are
deterministic whatever the build order.
"""
from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd

from cidi.charts import tiles
from cidi.charts.aria import describe_marks
from cidi.charts.model import (FONT, GRID, HALO, HIGHLIGHT, HIGHLIGHT_WORD, INK, MUTED, MUTED_WORD, NOT_ASSESSED, OKABE_ITO,
                               ROW_HEIGHT, STAMP, SUBTLE, WIDTH, Chart, categorical)


CONFIG = {  # the house style of every chart (and FONT of its language)
    "view": {"continuousHeight": 300, "continuousWidth": 300, "stroke": None},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": GRID},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal"},
    "title": {"fontSize": 16, "subtitleFontSize": 12, "anchor": "start", "subtitleColor": SUBTLE},
}


_INLINE: dict[str, list] = {}  # placeholder -> rows, filled into the spec by finish() (one chart at a time)


def inline(rows) -> alt.InlineData:
    """A chart's rows as a placeholder that :func:`finish` fills after ``to_dict``: Altair deep-copies
    inline data at every layer and concat, which cost seconds per language."""
    if isinstance(rows, pd.DataFrame):
        rows = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in rows.to_dict("records")]
    key = f"@rows:{len(_INLINE)}"
    _INLINE[key] = rows
    return alt.InlineData(values=key)


def fill_placeholders(node, values: dict):
    """Replace every placeholder string in a spec by its value (a chart's rows)."""
    if isinstance(node, dict):
        return {k: values[v] if isinstance(v, str) and v in values else fill_placeholders(v, values)
                for k, v in node.items()}
    if isinstance(node, list):
        return [fill_placeholders(v, values) for v in node]
    return node


def lines(text: str) -> list[str]:
    """A sentence a line ("A. B." -> ["A.", "B."]; also after 。 and ；), for a narrow chart."""
    return [part for part in re.split(r"(?<=[.。；])\s*", text) if part]


def finish(chart, *, L, id, title, subtitle, alt_text, data, narrow: bool = False) -> Chart:
    """Title, subtitle, source line and description, the same for every chart. A ``narrow`` chart
    (the tile maps) prints its subtitle a sentence a line and its source on two lines, so no text
    makes it wider than its marks (its labels would shrink on a phone)."""
    inner = chart.to_dict(validate=False)  # validated in the tests (here it would cost seconds)
    source, shown = f"{L.t('source.line')} · {L.t('licence.line')}", subtitle  # shown: in HTML, one paragraph
    if narrow:
        first, _, rest = source.partition(" · ")
        source, subtitle = [first, rest], lines(subtitle)
    spec = {"$schema": inner.pop("$schema"), "background": "white", "config": {**CONFIG, "font": FONT[L.code]},
            "description": alt_text, "padding": tiles.PADDING if narrow else 12, "spacing": 0,
            "title": {"anchor": "start", "color": SUBTLE, "fontSize": 12, "fontWeight": "normal", "offset": 12,
                      "orient": "bottom", "text": source}}
    inner.pop("config", None)  # Altair's defaults, already in CONFIG
    for key in ("params", "datasets"):  # top-level only
        if key in inner:
            spec[key] = inner.pop(key)
    spec["vconcat"] = [{**inner, "title": {"text": title, "subtitle": subtitle}}]
    if L.zh:  # Vega describes axes and legends in English ("X-axis titled ..."): hidden from screen readers
        # on the Chinese charts, whose SVG is one role="img" with the Chinese description in <desc>
        spec["config"] = {**spec["config"], **{k: {**CONFIG[k], "aria": False} for k in ("axis", "legend")}}
    values = dict(_INLINE)
    _INLINE.clear()
    spec = describe_marks(fill_placeholders(spec, values), L)  # tooltips and mark labels from the one formatter
    data = data.reset_index(drop=True).copy()
    for column, digits in CSV_DECIMALS.items():
        if column in data.columns and data[column].dtype.kind == "f":
            data[column] = data[column].round(digits)
    return Chart(id=id, group="", title=title, subtitle=shown, alt=alt_text, data=data,
                 spec=spec, page="", lang=L.code)


def localise(frame: pd.DataFrame, L) -> pd.DataFrame:
    """Province and region names in the reader's language (codes and numbers unchanged)."""
    out = frame.copy()
    if "province" in out.columns:
        out["province"] = out["province"].map(L.province)
    if "region" in out.columns:
        out["region"] = out["region"].map(L.region)
    return out

TILE_LEGEND = {"orient": "bottom", "direction": "horizontal", "columns": 3, "labelFontSize": tiles.LABEL_SIZE,
               "titleFontSize": tiles.LABEL_SIZE, "symbolType": "square", "symbolSize": 260, "symbolStrokeWidth": 0,
               "labelLimit": 200, "titleLimit": 400, "columnPadding": 14, "rowPadding": 6}


def tile_layers(data, rows: pd.DataFrame, *, L, colour, tooltip, ink="ink:N") -> alt.LayerChart:
    """The tile map: one equal square per division (pixel positions from the layout), its label and,
    under it, the value (or "not assessed"); every mark links to the province page."""
    columns, rows_n = tiles.grid_size(data.sources.tiles)
    two_lines = rows["second"].notna()
    rows = rows.assign(label_y=rows["cy"] - two_lines * 9, second_y=rows["cy"] + 10)
    base = alt.Chart()
    x = alt.X("x:Q", scale=None, axis=None)
    y = alt.Y("y:Q", scale=None, axis=None)
    # no link on the divisions without a page (a null field would be written as the link "null")
    links = {"href": alt.HrefValue(**alt.condition("isValid(datum.href)", alt.Href("href:N"), alt.value(None))), "tooltip": tooltip}
    squares = base.mark_rect(cursor="pointer", stroke=None, invalid=None).encode(
        x=x, x2=alt.X2("x2:Q"), y=y, y2=alt.Y2("y2:Q"), color=colour, description=alt.Description("aria:N"), **links)
    text = {"align": "center", "baseline": "middle", "aria": False, "cursor": "pointer"}
    labels = base.mark_text(fontSize=tiles.LABEL_SIZE, fontWeight=tiles.LABEL_WEIGHT[L.code], **text).encode(
        x=alt.X("cx:Q", scale=None), y=alt.Y("label_y:Q", scale=None), text=alt.Text("label:N"),
        color=alt.Color(ink, scale=None), **links)
    seconds = base.transform_filter("isValid(datum.second)").mark_text(fontSize=tiles.VALUE_SIZE, **text).encode(
        x=alt.X("cx:Q", scale=None), y=alt.Y("second_y:Q", scale=None), text=alt.Text("second:N"),
        color=alt.Color(ink, scale=None), **links)
    return alt.layer(squares, labels, seconds, data=inline(rows)).properties(
        width=columns * tiles.TILE, height=rows_n * tiles.TILE, name=tiles.NAME).resolve_scale(color="independent")


def tile_map(data, values: pd.DataFrame, field_name: str, title: str, *, L) -> alt.LayerChart:
    """Tile map of all 34 divisions coloured by ``field_name`` in stepped viridis classes; the
    divisions without a value (Hong Kong, Macao, Taiwan) in grey, marked not assessed."""
    rows = tiles.tile_rows(data, L, values, field_name)
    scored = rows.loc[rows["assessed"], field_name].astype(float)
    breaks = tiles.class_breaks(scored.min(), scored.max())
    colours = tiles.class_colours(len(breaks) + 1)
    rows["fill"] = [colours[tiles.class_of(v, breaks)] if a else NOT_ASSESSED
                    for v, a in zip(rows[field_name], rows["assessed"])]
    rows["ink"] = rows["fill"].map(tiles.ink)
    rows["second"] = rows["value_text"].where(rows["assessed"], rows["note"])
    rows["aria"] = [L.t("chart.tiles.aria", name=n, what=title, value=v, rank=L.f.rank(r)) if a else n
                    for n, v, r, a in zip(rows["name"], rows["value_text"], rows.get("rank", rows["name"]), rows["assessed"])]
    tooltip = [alt.Tooltip("name:N", title=L.t("word.province")),
               alt.Tooltip(f"{field_name}:Q", title=title, format=".2f")]
    if "rank" in rows.columns:
        tooltip.append(alt.Tooltip("rank:Q", title=L.t("word.rank")))
    # grey first: Vega-Lite paints an empty value with the lowest class unless a condition comes before it
    colour = alt.condition("!datum.assessed", alt.value(NOT_ASSESSED), alt.Color(
        f"{field_name}:Q", title=title, scale=alt.Scale(type="threshold", domain=breaks, range=colours),
        legend=alt.Legend(**TILE_LEGEND)))
    return tile_layers(data, rows.drop(columns=["value_text", "note"]), L=L, colour=colour, tooltip=tooltip)


CSV_DECIMALS = {"score": 2, "total": 2, "attainment": 4, "r": 4, "share": 6, "median": 3}  # as the package writes them


def nice_ceiling(value: float, step: float) -> float:
    """The axis end: ``value`` rounded up to a multiple of ``step`` (47.3, 10 -> 50)."""
    return math.ceil(value / step) * step


def nice_floor(value: float, step: float) -> float:
    return math.floor(value / step) * step


def ranking_stacked(data, key, L, id) -> Chart:
    f, dims = L.f, data.dim_ids
    names = {d: L.dim(d) for d in dims}
    wide = localise(data.indices.scores, L)
    leader, second, last = wide.iloc[0], wide.iloc[1], wide.iloc[-1]
    long = wide.melt(id_vars=["province", "total", "rank"], value_vars=dims, var_name="dimension",
                     value_name="score")
    long["dimension_name"] = long["dimension"].map(names)
    long["order"] = long["dimension"].map({d: i for i, d in enumerate(dims)})
    long = long.sort_values(["rank", "order"])
    largest = long.sort_values(["score", "order"], ascending=[False, True]).groupby("province").head(1)
    counts = largest["dimension"].value_counts()
    main, k = counts.index[0], int(counts.iloc[0])
    largest_text = L.t("chart.stacked.largest_all" if k == len(wide) else "chart.stacked.largest_most",
                       dim=L.dim_full(main), weight=f.pct(data.dim[main]["weight"], 0), k=k, n=len(wide))
    top_dim = long[long["rank"] == 1].sort_values(["score", "order"], ascending=[False, True]).iloc[0]
    alt_text = L.t("chart.stacked.alt", leader=leader["province"], total=f.score(leader["total"]),
                   lead=f.gap(leader["total"], second["total"]), second=second["province"], last=last["province"],
                   last_total=f.score(last["total"]), largest=largest_text,
                   top_dim=L.lower(top_dim["dimension_name"]), top_score=f.score(top_dim["score"]))
    bars = alt.Chart(inline(long)).mark_bar().encode(
        y=alt.Y("province:N", sort=alt.EncodingSortField("total", order="descending"), title=None),
        x=alt.X("score:Q", stack="zero", title=L.t("chart.stacked.x"),
                scale=alt.Scale(domain=[0, nice_ceiling(wide["total"].max(), 10)])),
        color=alt.Color("dimension_name:N", title=L.t("word.dimension"), sort=[names[d] for d in dims],
                        scale=alt.Scale(domain=[names[d] for d in dims], range=categorical(len(dims)))),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("province:N", title=L.t("word.province")),
                 alt.Tooltip("dimension_name:N", title=L.t("word.dimension")),
                 alt.Tooltip("score:Q", title=L.t("word.score"), format=".2f"),
                 alt.Tooltip("total:Q", title=L.t("word.total"), format=".2f"),
                 alt.Tooltip("rank:Q", title=L.t("word.rank"))],
    ).properties(width=WIDTH - 120, height=len(wide) * ROW_HEIGHT)
    return finish(bars, L=L, id=id, title=L.t("chart.stacked.title"),
                  subtitle=L.t("chart.stacked.subtitle", n=len(wide), n_dims=len(dims)), alt_text=alt_text,
                  data=long[["rank", "province", "dimension", "score", "total"]])


TOP_OF_MAP = 5  # the map's caption says where the five highest provinces are


def map_total(data, key, L, id) -> Chart:
    f = L.f
    wide = localise(data.indices.scores, L)
    values = wide[["adcode", "province", "total", "rank", "region"]]
    leader = wide.iloc[0]
    top_regions = data.indices.scores.head(TOP_OF_MAP)["region"].value_counts()
    region, k = top_regions.index[0], int(top_regions.iloc[0])
    top_claim = L.t("chart.map.top_all" if k == TOP_OF_MAP else "chart.map.top_most", top=TOP_OF_MAP, k=k,
                    region=L.region(region))
    high, low = data.region_extremes()
    alt_text = L.t("chart.map.alt", top=top_claim, leader=leader["province"], total=f.score(leader["total"]),
                   high=L.region(high), high_mean=f.score(data.region_mean(high)), low=L.region(low),
                   low_mean=f.score(data.region_mean(low)), not_assessed=data.not_assessed(L))
    return finish(tile_map(data, values, "total", L.t("chart.map.legend"), L=L), L=L, id=id,
                  title=L.t("chart.map.title"), subtitle=L.t("chart.map.subtitle"), alt_text=alt_text, data=values,
                  narrow=True)


def regions_total(data, key, L, id) -> Chart:
    f = L.f
    wide = localise(data.indices.scores, L)
    regions = [L.region(r) for r in data.regions]
    dots = wide[["province", "region", "total", "rank"]]
    stats = {r: data.region_stats[(r, "total")] for r in data.regions}
    widest = max(data.regions, key=lambda r: (stats[r]["max"] - stats[r]["min"], -data.regions.index(r)))
    alt_text = L.t("chart.regions.alt", means=L.join(
        L.t("chart.regions.item", region=L.region(r), mean=f.score(stats[r]["mean"])) for r in data.regions),
        widest=L.region(widest), min=f.score(stats[widest]["min"]), max=f.score(stats[widest]["max"]))
    strip = alt.Chart(inline(dots)).mark_circle(size=90, opacity=0.85).encode(
        x=alt.X("total:Q", title=L.t("chart.map.legend"), scale=alt.Scale(zero=False)),
        y=alt.Y("region:N", sort=regions, title=None),
        color=alt.Color("region:N", scale=alt.Scale(domain=regions, range=categorical(len(regions))), legend=None),
        tooltip=[alt.Tooltip("province:N", title=L.t("word.province")), alt.Tooltip("region:N", title=L.t("word.region")),
                 alt.Tooltip("total:Q", title=L.t("word.total"), format=".2f"),
                 alt.Tooltip("rank:Q", title=L.t("word.rank"))],
    )
    mean_ticks = alt.Chart(inline(pd.DataFrame({"region": regions, "mean": [stats[r]["mean"] for r in data.regions]}))).mark_tick(
        color=INK, thickness=2, size=28).encode(
        x=alt.X("mean:Q"), y=alt.Y("region:N", sort=regions),
        tooltip=[alt.Tooltip("region:N", title=L.t("word.region")),
                 alt.Tooltip("mean:Q", title=L.t("chart.regions.mean"), format=".2f")])
    return finish((strip + mean_ticks).properties(width=WIDTH - 100, height=50 * len(regions)), L=L, id=id,
                  title=L.t("chart.regions.title"), subtitle=L.t("chart.regions.subtitle"), alt_text=alt_text, data=dots)


def correlations(data, key, L, id) -> Chart:
    f, dims = L.f, data.dim_ids
    corr = data.indices.correlations
    corr = corr[corr["method"] == "pearson"].copy()
    label = {m: L.dim(m) for m in dims + ["total"]}
    corr["a"], corr["b"] = corr["measure_a"].map(label), corr["measure_b"].map(label)
    corr["r_text"] = corr["r"].map(f.corr)  # printed in its cell by the one formatter
    order = [label[m] for m in dims + ["total"]]
    pairs = corr[corr["measure_a"].isin(dims) & corr["measure_b"].isin(dims)]
    pairs = pairs[pairs["measure_a"].map(dims.index) < pairs["measure_b"].map(dims.index)].assign(size=lambda x: x["r"].abs())
    strongest = pairs.sort_values("size", ascending=False).iloc[0]
    weakest = pairs.sort_values("size").iloc[0]
    negative = pairs.sort_values("r").iloc[0]
    alt_text = L.t("chart.corr.alt", n=data.n, a1=strongest["a"], b1=strongest["b"], r1=f.corr(strongest["r"]),
                   a2=weakest["a"], b2=weakest["b"], r2=f.corr(weakest["r"]))
    if negative["r"] < 0:
        alt_text += L.t("chart.corr.alt_negative", a=negative["a"], b=negative["b"], r=f.corr(negative["r"]))
    r_title = L.t("col.r")
    tooltip = [alt.Tooltip("a:N", title=L.t("col.measure_a")), alt.Tooltip("b:N", title=L.t("col.measure_b")),
               alt.Tooltip("r:Q", title=r_title, format=".2f")]
    heat = alt.Chart(inline(corr)).mark_rect().encode(
        x=alt.X("a:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("b:N", sort=order, title=None),
        color=alt.Color("r:Q", title=r_title, scale=alt.Scale(scheme="blueorange", domain=[-1, 1])), tooltip=tooltip)
    # the value printed in each cell: a tap on it shows the cell's tooltip; a screen reader hears the cell once
    text = alt.Chart(inline(corr)).mark_text(fontSize=11, aria=False).encode(
        x=alt.X("a:N", sort=order), y=alt.Y("b:N", sort=order), text=alt.Text("r_text:N"),
        color=alt.ColorValue(**alt.condition("abs(datum.r) > 0.6", alt.value("white"), alt.value(INK))), tooltip=tooltip)
    size = 60 * len(order)
    return finish((heat + text).properties(width=size, height=size - 60), L=L, id=id, title=L.t("chart.corr.title"),
                  subtitle=L.t("chart.corr.subtitle", n=data.n), alt_text=alt_text,
                  data=corr[["measure_a", "measure_b", "r"]])


def dimension_frame(data, dim_id: str, L) -> pd.DataFrame:
    """The dimension's 31 rows, best first, with region and names in the reader's language."""
    long = data.indices.scores_long
    rows = long[long["dimension"] == dim_id].merge(data.indices.scores[["adcode", "region"]], on="adcode")
    return localise(rows.sort_values(["rank", "adcode"]), L)


def dimension_summary(data, dim_id: str, L) -> str:
    f, d = L.f, data.dim[dim_id]
    rows = data.dimension_rows(dim_id)
    top, bottom = rows[0], rows[-1]
    return L.t("chart.dim.alt", dim=L.dim_full(dim_id), top=L.province(top["province"]), top_score=f.score(top["score"]),
               max=f.count(d["weight"]), top_att=f.pct(top["score"] / d["weight"] * 100),
               bottom=L.province(bottom["province"]), bottom_score=f.score(bottom["score"]),
               median=f.score(data.stats[dim_id]["median"]))


def dimension_ranking(data, key, L, id) -> Chart:
    d = data.dim[key["dim"]]
    rows = dimension_frame(data, d["id"], L)
    median = data.stats[d["id"]]["median"]
    data_rows = rows[["rank", "province", "score", "maximum", "attainment", "region"]]
    axis = L.t("chart.dim.axis", max=d["weight"])
    source = inline(data_rows.assign(score_text=data_rows["score"].map(L.f.score)))  # one dataset for the bars and their values
    bars = alt.Chart(source).mark_bar(color=OKABE_ITO[0]).encode(
        y=alt.Y("province:N", sort=alt.EncodingSortField("score", order="descending"), title=None),
        x=alt.X("score:Q", title=axis, scale=alt.Scale(domain=[0, d["weight"]])),
        tooltip=[alt.Tooltip("province:N", title=L.t("word.province")),
                 alt.Tooltip("score:Q", title=L.t("word.score"), format=".2f"),
                 alt.Tooltip("attainment:Q", title=L.t("word.attainment_pct"), format=".1f"),
                 alt.Tooltip("rank:Q", title=L.t("word.rank"))])
    rule = alt.Chart(inline(pd.DataFrame({"median": [median]}))).mark_rule(color=INK, strokeDash=[4, 3]).encode(
        x=alt.X("median:Q"), tooltip=[alt.Tooltip("median:Q", title=L.t("chart.dim.median"), format=".2f")])
    # each bar's value at its end, to the tooltip's two decimals (legible without a tooltip, on a phone too),
    # over a halo of the background's colour where the dashed median line passes behind it ("2.18", not "2¦18")
    label = {"align": "left", "baseline": "middle", "dx": 3, "fontSize": 12, "aria": False}
    where = {"y": alt.Y("province:N", sort=alt.EncodingSortField("score", order="descending")), "x": alt.X("score:Q"),
             "text": alt.Text("score_text:N")}
    halo = alt.Chart(source).mark_text(**label, color=HALO, stroke=HALO, strokeWidth=6, strokeJoin="round").encode(**where)
    values = alt.Chart(source).mark_text(**label, color=INK).encode(**where)
    return finish((bars + rule + halo + values).properties(width=WIDTH - 120, height=len(rows) * ROW_HEIGHT), L=L, id=id,
                  title=L.t("chart.dim.ranking.title", dim=L.dim_full(d["id"])),
                  subtitle=L.t("chart.dim.ranking.subtitle", max=d["weight"], n=data.n),
                  alt_text=dimension_summary(data, d["id"], L), data=data_rows)


def dimension_map(data, key, L, id) -> Chart:
    d = data.dim[key["dim"]]
    rows = dimension_frame(data, d["id"], L)
    values = rows[["adcode", "province", "score", "rank"]]
    name = L.dim_full(d["id"])
    return finish(tile_map(data, values, "score", L.t("word.score"), L=L), L=L, id=id,
                  title=L.t("chart.dim.map.title", dim=name), subtitle=L.t("chart.dim.map.subtitle", max=d["weight"]),
                  alt_text=L.t("chart.dim.map.alt", dim=L.lower(name), text=dimension_summary(data, d["id"], L)),
                  data=values, narrow=True)


def dimension_distribution(data, key, L, id) -> Chart:
    f, d = L.f, data.dim[key["dim"]]
    rows = dimension_frame(data, d["id"], L)
    regions = [L.region(r) for r in data.regions]
    means = {r: data.region_mean(r, d["id"]) for r in data.regions}
    best = max(data.regions, key=lambda r: means[r])
    stats = data.stats[d["id"]]
    alt_text = L.t("chart.dim.dist.alt", dim=L.lower(L.dim_full(d["id"])), q1=f.score(stats["q1"]),
                   q3=f.score(stats["q3"]), region=L.region(best), mean=f.score(means[best]))
    data_rows = rows[["rank", "province", "score", "maximum", "attainment", "region"]]
    strip = alt.Chart(inline(data_rows)).mark_circle(size=80, opacity=0.85).encode(
        x=alt.X("score:Q", title=L.t("chart.dim.axis", max=d["weight"]), scale=alt.Scale(domain=[0, d["weight"]])),
        y=alt.Y("region:N", sort=regions, title=None),
        color=alt.Color("region:N", legend=None, scale=alt.Scale(domain=regions, range=categorical(len(regions)))),
        tooltip=[alt.Tooltip("province:N", title=L.t("word.province")),
                 alt.Tooltip("region:N", title=L.t("word.region")),
                 alt.Tooltip("score:Q", title=L.t("word.score"), format=".2f")])
    return finish(strip.properties(width=WIDTH - 100, height=45 * len(regions)), L=L, id=id,
                  title=L.t("chart.dim.dist.title", dim=L.dim_full(d["id"])), subtitle=L.t("chart.dim.dist.subtitle"),
                  alt_text=alt_text, data=data_rows)


def province_of(data, key) -> dict:
    return data.by_slug[key["slug"]]


def title_name(p: dict, L) -> str:
    return L.province(p["province"]) if L.zh else f"{p['province']} {L.province_zh_short(p['province'])}"


def province_profile(data, key, L, id) -> Chart:
    f, dims = L.f, data.dim_ids
    p = province_of(data, key)
    names = {d: L.dim(d) for d in dims}
    long = localise(data.indices.scores_long, L)
    long["dimension_name"] = long["dimension"].map(names)
    tooltip = [alt.Tooltip("province:N", title=L.t("word.province")),
               alt.Tooltip("dimension_name:N", title=L.t("word.dimension")),
               alt.Tooltip("score:Q", title=L.t("word.score"), format=".2f"),
               alt.Tooltip("attainment:Q", title=L.t("word.attainment_pct"), format=".1f"),
               alt.Tooltip("rank:Q", title=L.t("word.rank"))]
    name = L.province(p["province"])
    mine_rows = long[long["adcode"] == p["adcode"]].set_index("dimension").loc[dims]
    best = mine_rows.sort_values("attainment", ascending=False).iloc[0]
    worst = mine_rows.sort_values("attainment").iloc[0]
    alt_text = L.t("chart.profile.alt", name=name, best=L.lower(best["dimension_name"]), best_att=f.pct(best["attainment"]),
                   best_rank=f.rank(best["rank"]), worst=L.lower(worst["dimension_name"]),
                   worst_att=f.pct(worst["attainment"]), worst_rank=f.rank(worst["rank"]), n=data.n)
    rows = long[["adcode", "province", "dimension", "dimension_name", "score", "attainment", "rank"]].copy()
    rows["selected"] = rows["adcode"] == p["adcode"]
    sort = [names[d] for d in dims]
    others = alt.Chart(inline(rows[~rows["selected"]])).mark_circle(size=55, color=MUTED, opacity=0.55).encode(
        x=alt.X("attainment:Q", title=L.t("chart.profile.axis"), scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("dimension_name:N", sort=sort, title=None), tooltip=tooltip)
    mine = alt.Chart(inline(rows[rows["selected"]])).mark_point(size=200, filled=True, color=HIGHLIGHT, shape="diamond",
                                                        stroke=INK, strokeWidth=1).encode(
        x=alt.X("attainment:Q"), y=alt.Y("dimension_name:N", sort=sort), tooltip=tooltip)
    chart = finish((others + mine).properties(width=WIDTH - 170, height=40 * len(dims)), L=L, id=id,
                   title=L.t("chart.profile.title", name=title_name(p, L)),
                   subtitle=L.t("chart.profile.subtitle", name=name, others=data.n - 1,
                                marker=L.t(HIGHLIGHT_WORD), dots=L.t(MUTED_WORD)),
                   alt_text=alt_text, data=rows.drop(columns=["dimension_name"]))
    # the page's table lists the highlighted province (the CSV has all of them)
    chart.table = rows.loc[rows["selected"], ["province", "dimension_name", "score", "attainment", "rank"]].reset_index(drop=True)
    return chart


LOCATOR = {"selected": HIGHLIGHT, "region": "#f6c9a6", "other": "#eef1f5"}  # orange, pale orange, near white


def province_locator(data, key, L, id) -> Chart:
    p = province_of(data, key)
    values = localise(data.indices.scores[["adcode", "province", "total", "rank", "region"]], L)
    region, name = L.region(p["region"]), L.province(p["province"])
    rows = tiles.tile_rows(data, L, values.drop(columns=["province"]))
    status = ["selected" if c == p["adcode"] else "region" if r == region else "other" if a else "na"
              for c, r, a in zip(rows["adcode"], rows["region"], rows["assessed"])]
    rows["fill"] = [LOCATOR.get(s, NOT_ASSESSED) for s in status]
    rows["ink"] = rows["fill"].map(tiles.ink)
    rows["second"] = rows["note"]
    rows["aria"] = [L.t("chart.tiles.aria_region", name=n, region=r) if a else n
                    for n, r, a in zip(rows["name"], rows["region"], rows["assessed"])]
    tooltip = [alt.Tooltip("name:N", title=L.t("word.province")), alt.Tooltip("region:N", title=L.t("word.region")),
               alt.Tooltip("total:Q", title=L.t("chart.map.legend"), format=".2f"),
               alt.Tooltip("rank:Q", title=L.t("word.rank"))]
    chart = tile_layers(data, rows.drop(columns=["note"]), L=L, colour=alt.Color("fill:N", scale=None), tooltip=tooltip)
    return finish(chart, L=L, id=id, title=L.t("chart.locator.title", name=title_name(p, L)),
                  subtitle=L.t("chart.locator.subtitle", name=name, region=region),
                  alt_text=L.t("chart.locator.alt", name=name, region=region),
                  data=values[values["adcode"] == p["adcode"]].drop(columns=["region"]), narrow=True)


def tier_spans(data, L) -> list[str]:
    """"1–4", "5", "6–8", ...: the tiers of the official order, best first."""
    f = L.f
    spans = data.robust.rank_tiers.groupby("tier")[["tier_first_rank", "tier_last_rank"]].first()
    return [f.rank(a) if a == b else f"{f.rank(a)}–{f.rank(b)}" for a, b in spans.itertuples(index=False)]


def rank_intervals(data, key, L, id) -> Chart:
    f, robust = L.f, data.robust
    unc = localise(robust.rank_uncertainty, L)
    bounds = robust.rank_bounds.set_index("adcode")
    unc["best_rank"] = unc["adcode"].map(bounds["best_rank"])
    unc["worst_rank"] = unc["adcode"].map(bounds["worst_rank"])
    unc["tier"] = unc["adcode"].map(robust.rank_tiers.set_index("adcode")["tier"])
    unc["interval"] = unc["rank_p95"] - unc["rank_p05"]
    widest = unc.sort_values(["interval", "published_rank"], ascending=[False, True]).iloc[0]
    fixed = int((unc["interval"] == 0).sum())
    spans = tier_spans(data, L)
    alt_text = L.t("chart.rob.alt", n=f.count(robust.settings.replications),
                   fixed=L.tn("chart.intervals.fixed", fixed), name=widest["province"], low=f.rank(widest["rank_p05"]),
                   high=f.rank(widest["rank_p95"]), official=f.rank(widest["published_rank"]),
                   tiers=f.count(len(spans)), spans=L.t("punct.list").join(spans))
    rows = unc[["province", "published_rank", "median_rank", "rank_p05", "rank_p95", "best_rank", "worst_rank", "tier"]]
    n = len(rows)
    y = alt.Y("province:N", sort=alt.EncodingSortField("published_rank"), title=None)
    base = alt.Chart(inline(rows)).encode(y=y)
    tooltip = [alt.Tooltip("province:N", title=L.t("word.province")),
               alt.Tooltip("published_rank:Q", title=L.t("chart.intervals.official")),
               alt.Tooltip("median_rank:Q", title=L.t("chart.intervals.median")),
               alt.Tooltip("rank_p05:Q", title=L.t("chart.intervals.p05")),
               alt.Tooltip("rank_p95:Q", title=L.t("chart.intervals.p95")),
               alt.Tooltip("best_rank:Q", title=L.t("chart.rob.best")),
               alt.Tooltip("worst_rank:Q", title=L.t("chart.rob.worst")),
               alt.Tooltip("tier:Q", title=L.t("chart.rob.tier"))]
    x_scale = alt.Scale(domain=[1, n], nice=False)
    shaded = rows[rows["tier"] % 2 == 0]  # every other tier shaded, so each cut shows
    bands = alt.Chart(inline(shaded)).mark_bar(color=GRID, opacity=0.6, width=alt.RelativeBandSize(1)).encode(
        y=y, x=alt.value(0), x2=alt.value({"expr": "width"}))
    chart = (bands
             + base.mark_rule(strokeWidth=1.5, color=OKABE_ITO[4]).encode(
                 x=alt.X("best_rank:Q", title=L.t("chart.intervals.axis"), scale=x_scale,
                         axis=alt.Axis(values=[1, *range(5, n + 1, 5)])),
                 x2=alt.X2("worst_rank:Q"), tooltip=tooltip)
             + base.mark_rule(strokeWidth=6, color=OKABE_ITO[4]).encode(x=alt.X("rank_p05:Q"), x2=alt.X2("rank_p95:Q"), tooltip=tooltip)
             + base.mark_tick(color=INK, thickness=2, size=14).encode(x=alt.X("published_rank:Q"), tooltip=tooltip)
             + base.mark_circle(color=HIGHLIGHT, size=60, opacity=1).encode(x=alt.X("median_rank:Q"), tooltip=tooltip))
    return finish(chart.properties(width=WIDTH - 120, height=n * ROW_HEIGHT), L=L, id=id,
                  title=L.t("chart.intervals.title"), subtitle=L.t("chart.rob.subtitle"), alt_text=alt_text,
                  data=rows)


def dimension_importance(data, key, L, id) -> Chart:
    f = L.f
    eff = data.robust.dimension_importance.copy()
    eff["dimension_name"] = eff["dimension"].map(L.dim)
    measures = {"nominal_weight": L.t("chart.imp.nominal"), "variance_share": L.t("chart.imp.variance"),
                "correlation_importance": L.t("chart.imp.corr")}
    tall = pd.concat([pd.DataFrame({"dimension": eff["dimension"], "dimension_name": eff["dimension_name"],
                                    "measure": label, "share": eff[column]}) for column, label in measures.items()],
                     ignore_index=True)
    top = eff.sort_values("variance_share", ascending=False).iloc[0]
    low = eff.sort_values("variance_share").iloc[0]
    alt_text = L.t("chart.imp.alt", top=top["dimension_name"], top_share=f.share(top["variance_share"], 0),
                   top_weight=f.share(top["nominal_weight"], 0), top_corr=f.share(top["correlation_importance"], 0),
                   low=L.lower(low["dimension_name"]), low_share=f.share(low["variance_share"], 0),
                   low_corr=f.share(low["correlation_importance"], 0), low_weight=f.share(low["nominal_weight"], 0))
    order = [L.dim(d) for d in data.dim_ids]
    labels = list(measures.values())
    bars = alt.Chart(inline(tall)).mark_bar().encode(
        y=alt.Y("dimension_name:N", sort=order, title=None),
        yOffset=alt.YOffset("measure:N", sort=labels),
        x=alt.X("share:Q", title=L.t("chart.imp.axis"), axis=alt.Axis(format="%")),
        color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=labels, range=categorical(3)),
                        legend=alt.Legend(labelLimit=280)),  # Vega's 160 px cut "Share of the variance of th…"
        tooltip=[alt.Tooltip("dimension_name:N", title=L.t("word.dimension")),
                 alt.Tooltip("measure:N", title=L.t("chart.imp.measure")),
                 alt.Tooltip("share:Q", title=L.t("chart.imp.axis"), format=".1%")])
    return finish(bars.properties(width=WIDTH - 170, height=60 * len(order)), L=L, id=id,
                  title=L.t("chart.imp.title"), subtitle=L.t("chart.imp.subtitle"), alt_text=alt_text,
                  data=tall[["dimension", "measure", "share"]])


def rank_distribution(data, key, L, id) -> Chart:
    """How often a province takes each rank, the arithmetic and geometric draws stacked; official rank marked."""
    f, robust = L.f, data.robust
    p = province_of(data, key)
    name = L.province(p["province"])
    dist = robust.rank_distribution[robust.rank_distribution["adcode"] == p["adcode"]]
    n_draws = robust.settings.replications
    arith, geo = L.t("chart.dist.arithmetic"), L.t("chart.dist.geometric")
    geometric_draws = robust.geometric_draws  # shares of all draws, so the two parts of a bar add up to its share
    rows = pd.concat([
        pd.DataFrame({"rank": dist["rank"], "mean": arith,
                      "share": dist["share_arithmetic"] * (n_draws - geometric_draws) / n_draws}),
        pd.DataFrame({"rank": dist["rank"], "mean": geo, "share": dist["share_geometric"] * geometric_draws / n_draws}),
    ], ignore_index=True)
    rows = rows[rows["share"] > 0].reset_index(drop=True)
    rows["share"] = rows["share"].round(4)
    mode = dist.sort_values(["share", "rank"], ascending=[False, True]).iloc[0]
    official = dist.loc[dist["rank"] == p["rank"], "share"]
    alt_text = L.t("chart.dist.alt", name=name, mode=f.rank(mode["rank"]), mode_share=f.share(mode["share"], 0),
                   rank=f.rank(p["rank"]), official_share=f.share(official.iloc[0] if len(official) else 0, 0),
                   low=f.rank(dist["rank"].min()), high=f.rank(dist["rank"].max()))
    n = data.n
    x = alt.X("rank:O", title=L.t("chart.dist.axis_rank"), scale=alt.Scale(domain=list(range(1, n + 1))),
              axis=alt.Axis(labelAngle=0, values=[r for r in range(1, n + 1) if r == 1 or r % 5 == 0]))
    bars = alt.Chart(inline(rows)).mark_bar().encode(
        x=x, y=alt.Y("share:Q", title=L.t("chart.dist.axis_share"), axis=alt.Axis(format="%"), stack="zero"),
        color=alt.Color("mean:N", title=L.t("chart.dist.mean"), scale=alt.Scale(domain=[arith, geo], range=categorical(2))),
        order=alt.Order("mean:N", sort="ascending"),
        tooltip=[alt.Tooltip("rank:O", title=L.t("word.rank")), alt.Tooltip("mean:N", title=L.t("chart.dist.mean")),
                 alt.Tooltip("share:Q", title=L.t("chart.dist.axis_share"), format=".1%")])
    mark = alt.Chart(inline([{"rank": int(p["rank"])}])).mark_rule(color=INK, strokeDash=[4, 3], strokeWidth=1.5).encode(
        x=x, tooltip=[alt.Tooltip("rank:O", title=L.t("chart.intervals.official"))])  # a tap on the line says what it is
    return finish((bars + mark).properties(width=WIDTH - 120, height=160), L=L, id=id,
                  title=L.t("chart.dist.title", name=title_name(p, L)),
                  subtitle=L.t("chart.dist.subtitle", n=f.count(n_draws), rank=f.rank(p["rank"])),
                  alt_text=alt_text, data=rows)


def weight_free_order(data, key, L, id) -> Chart:
    """The Hasse diagram of the Pareto order: a row per official rank, shifted right by the longest chain
    of provinces certainly ahead; a line for each pair with no province in between."""
    f, robust = L.f, data.robust
    order = robust.weight_free_order
    ranked = pd.DataFrame(data.ranked)[["adcode", "province", "rank"]]
    level = {code: 0 for code in ranked["adcode"]}
    for row in order.sort_values("rank_above").itertuples():  # ranks agree with the order, so one pass suffices
        level[row.adcode_below] = max(level[row.adcode_below], level[row.adcode_above] + 1)
    names = {code: L.province(name) for code, name in zip(ranked["adcode"], ranked["province"])}
    ahead = order.groupby("adcode_below")["adcode_above"].apply(list).to_dict()
    behind = order.groupby("adcode_above")["adcode_below"].apply(list).to_dict()
    nodes = pd.DataFrame({"adcode": ranked["adcode"], "province": ranked["adcode"].map(names), "rank": ranked["rank"],
                          "level": ranked["adcode"].map(level)})
    nodes["ahead"] = nodes["adcode"].map(lambda c: L.t("punct.list").join(names[x] for x in ahead.get(c, [])))
    nodes["behind"] = nodes["adcode"].map(lambda c: L.t("punct.list").join(names[x] for x in behind.get(c, [])))
    edges = order[order["hasse_edge"]]
    lines = pd.DataFrame({"rank": edges["rank_above"].to_numpy(), "level": edges["adcode_above"].map(level).to_numpy(),
                          "rank2": edges["rank_below"].to_numpy(), "level2": edges["adcode_below"].map(level).to_numpy()})
    n = data.n
    top = nodes.assign(k=nodes["adcode"].map(lambda c: len(behind.get(c, [])))).sort_values(["k", "rank"],
                                                                                          ascending=[False, True]).iloc[0]
    free = int(sum(1 for c in nodes["adcode"] if c not in ahead and c not in behind))
    alt_text = L.t("chart.hasse.alt", pairs=f.count(len(order)), all=f.count(n * (n - 1) // 2), top=top["province"],
                   top_n=f.count(top["k"]), free=f.count(free))
    max_level = int(nodes["level"].max())
    x = alt.X("level:Q", title=L.t("chart.hasse.level"), scale=alt.Scale(domain=[-0.3, max_level + 1.6]),
              axis=alt.Axis(values=list(range(max_level + 1)), format="d"))
    y = alt.Y("rank:Q", title=L.t("chart.hasse.axis"), scale=alt.Scale(domain=[0.5, n + 0.5], reverse=True, nice=False),
              axis=alt.Axis(values=list(range(1, n + 1))))
    tooltip = [alt.Tooltip("province:N", title=L.t("word.province")), alt.Tooltip("rank:Q", title=L.t("word.rank")),
               alt.Tooltip("ahead:N", title=L.t("chart.hasse.ahead")),
               alt.Tooltip("behind:N", title=L.t("chart.hasse.behind"))]
    rules = alt.Chart(inline(lines)).mark_rule(color=MUTED, strokeWidth=1, opacity=0.8).encode(
        x=x, y=y, x2=alt.X2("level2:Q"), y2=alt.Y2("rank2:Q"))
    points = alt.Chart(inline(nodes)).mark_circle(size=70, color=OKABE_ITO[4], opacity=1).encode(x=x, y=y, tooltip=tooltip)
    labels = alt.Chart(inline(nodes)).mark_text(align="left", dx=7, fontSize=11, color=INK).encode(
        x=x, y=y, text=alt.Text("province:N"), tooltip=tooltip)
    chart = finish((rules + points + labels).properties(width=WIDTH - 120, height=n * 18), L=L, id=id,
                   title=L.t("chart.hasse.title"), subtitle=L.t("chart.hasse.subtitle"), alt_text=alt_text,
                   data=nodes[["province", "rank", "level", "ahead", "behind"]])
    chart.table = nodes[["rank", "province", "ahead", "behind"]].reset_index(drop=True)
    return chart


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


def order_units(scores: pd.DataFrame, maxima: dict[str, int]) -> pd.DataFrame:
    """Each printed score as a whole number of a common unit, column ``k_<dimension>``: the score in
    hundredths times lcm(maxima) / maximum_d. Then sum_d w_d k_d is the explorer's index times
    lcm(maxima) x sum_d w_d / 100, a whole number when the weights are whole (the sliders' steps are),
    exact in a browser's doubles (each k_d is at most 100 x lcm(maxima), 4,680,000 for 18, 16, 16, 25,
    13, 12; with six weights of at most 50 the sum stays far below 2**53). So two provinces whose indices
    are equal tie exactly instead of by floating-point noise (Shaanxi and Hunan both sum to 28.07).
    """
    unit = math.lcm(*maxima.values())
    return pd.DataFrame({f"k_{d}": (scores[d] * 100).round().astype("int64") * (unit // m) for d, m in maxima.items()})


def custom_order_expr(maxima: dict[str, int]) -> str:
    """Vega expression that orders provinces exactly as :func:`custom_score_expr` does (see
    :func:`order_units`); the explorer breaks its ties by the published rank."""
    return " + ".join(f"{weight_param(d)} * datum.k_{d}" for d in maxima)


SLIDER_MAX = 50  # a slider's largest weight (points); the official weights are 12 to 25
EXPLORER_TEXT_SIZE = "bars_text_size"  # the explorer's parameter of its bars' label size (set by cidi-explorer.js)


def explorer(data, key, L, id) -> Chart:
    """Build your own index: one slider per dimension (Vega-Lite parameters) re-weights the attainments live."""
    weights = {d["id"]: d["weight"] for d in data.dims}
    dims = data.dim_ids
    wide = localise(data.indices.scores, L)
    data_rows = wide[["adcode", "province", "region", "rank"]].copy()
    for d in dims:
        data_rows[f"s_{d}"] = wide[d]
    attain = pd.DataFrame({d: wide[d] / weights[d] * 100 for d in dims})
    best_possible = nice_ceiling(attain.to_numpy().max(), 10)  # all weight on a province's best dimension
    map_domain = [nice_floor(wide["total"].min(), 5), nice_ceiling(wide["total"].max(), 5)]
    params = [alt.param(name=weight_param(d), value=int(weights[d]),
                        bind=alt.binding_range(min=0, max=SLIDER_MAX, step=1, name=f"{L.dim(d)} ")) for d in dims]
    is_custom = " || ".join(f"{weight_param(d)} != {int(weights[d])}" for d in dims)
    maxima = {d: int(weights[d]) for d in dims}
    score = custom_score_expr(maxima)
    ranked = pd.concat([data_rows, order_units(wide, maxima)], axis=1)
    moves = [L.t("chart.explorer.higher"), L.t("chart.explorer.same"), L.t("chart.explorer.lower")]
    # the bars' text size: cidi-explorer.js enlarges it where the chart is shown narrower than drawn (a phone)
    text_size = alt.ExprRef(EXPLORER_TEXT_SIZE)
    params.append(alt.param(name=EXPLORER_TEXT_SIZE, value=CONFIG["axis"]["labelFontSize"]))
    tooltip = [alt.Tooltip("province:N", title=L.t("word.province")),
               alt.Tooltip("custom:Q", title=L.t("chart.explorer.custom"), format=".2f"),
               alt.Tooltip("custom_rank:Q", title=L.t("chart.explorer.custom_rank")),
               alt.Tooltip("rank:Q", title=L.t("chart.intervals.official"))]
    # the custom order: exact (whole numbers, order_units), ties broken by the published rank, so at the
    # official weights every province keeps its published rank and none is marked as moved
    bars = alt.Chart(inline(ranked)).transform_calculate(
        custom=score, custom_order=custom_order_expr(maxima)).transform_window(
        custom_rank="row_number()", sort=[alt.SortField("custom_order", order="descending"), alt.SortField("rank")]
    ).transform_calculate(shift="datum.rank - datum.custom_rank").transform_calculate(
        move=f"datum.shift > 0 ? '{moves[0]}' : datum.shift < 0 ? '{moves[2]}' : '{moves[1]}'").mark_bar().encode(
        y=alt.Y("province:N", sort=alt.EncodingSortField("custom_rank", order="ascending"), title=None,
                axis=alt.Axis(labelFontSize=text_size)),
        x=alt.X("custom:Q", title=L.t("chart.explorer.axis"), scale=alt.Scale(domain=[0, best_possible]),
                axis=alt.Axis(labelFontSize=text_size, titleFontSize=text_size)),
        color=alt.Color("move:N", title=L.t("chart.explorer.move_legend"),
                        scale=alt.Scale(domain=moves, range=[OKABE_ITO[0], MUTED, OKABE_ITO[5]])),
        tooltip=tooltip + [alt.Tooltip("shift:Q", title=L.t("chart.explorer.moved"))],
    ).properties(width=WIDTH - 160, height=len(data_rows) * ROW_HEIGHT)
    stamp = alt.Chart(inline([{"text": L.t("chart.explorer.stamp")}])).mark_text(
        align="left", baseline="top", fontSize=14, fontWeight="bold", color=STAMP, x=0, y=-22).encode(
        text=alt.Text("text:N"), opacity=alt.OpacityValue(**alt.condition(is_custom, alt.value(1), alt.value(0))))
    map_rows = tiles.tile_rows(data, L, data_rows[["adcode"] + [f"s_{d}" for d in dims]])
    map_rows["second"] = map_rows["note"]
    map_rows["aria"] = map_rows["name"]  # the value changes with the sliders: the tooltip has it
    breaks = tiles.class_breaks(*map_domain)
    colours = tiles.class_colours(len(breaks) + 1)
    light = [tiles.ink(c) == tiles.INK_LIGHT for c in colours]  # light text from the first dark class on
    first_light = light.index(True) if True in light else len(colours)
    ink = (f"'{tiles.INK_LIGHT}'" if first_light == 0 else f"'{tiles.INK_DARK}'" if first_light == len(colours)
           else f"datum.assessed && datum.custom >= {breaks[first_light - 1]} ? '{tiles.INK_LIGHT}' : '{tiles.INK_DARK}'")
    colour = alt.condition("!datum.assessed", alt.value(NOT_ASSESSED), alt.Color(
        "custom:Q", title=L.t("chart.explorer.map_legend"),
        scale=alt.Scale(type="threshold", domain=breaks, range=colours), legend=alt.Legend(**TILE_LEGEND)))
    tile_chart = tile_layers(data, map_rows.drop(columns=["note"]), L=L, colour=colour, ink="ink:N", tooltip=[
        alt.Tooltip("name:N", title=L.t("word.province")),
        alt.Tooltip("custom:Q", title=L.t("chart.explorer.custom"), format=".2f")]).transform_calculate(
        custom=f"datum.assessed ? {score} : null").transform_calculate(ink=ink)
    # centred: the bars and their labels over the map, so on a phone the bars can be drawn as wide as the map
    chart = alt.vconcat(bars + stamp, tile_chart, center=True).add_params(*params).resolve_scale(color="independent")
    leader = wide.iloc[0]
    alt_text = L.t("chart.explorer.alt", leader=leader["province"], total=L.f.score(leader["recomputed_total"]),
                   n_dims=len(dims))
    # narrow: no line of text is wider than the tile map, so on a phone the bars can be drawn as narrow as it
    return finish(chart, L=L, id=id, title=L.t("chart.explorer.title"), subtitle=L.t("chart.explorer.subtitle"),
                  alt_text=alt_text, data=data_rows, narrow=True)
