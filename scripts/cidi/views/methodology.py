"""The methodology page, the robustness page and the explorer (hand-written prose; data from here)."""
from __future__ import annotations

import numpy as np

from cidi.charts import specs, tiles
from cidi.compute_indices import COMPONENT_ROUNDING, TOTAL
from cidi.formatting import ROUNDING_RULE
from cidi.robustness.coherence import fisher_interval, national_reference
from cidi.robustness.sensitivity import MEAN_FACTOR, ROUNDING_HALF, ROUNDING_REPLICATIONS, SOBOL_BASE, pooled_first_order
from cidi.views import ChartSlot, View
from cidi.views.robustness_lines import factor_name

DERIVED_WEIGHT = "digital_economy"  # garbled in Table 1, derived as 100 minus the others (dimensions.provenance.yml)


def dimension_entry(d: dict, data, L) -> dict:
    f = L.f
    return {"id": d["id"], "name": L.dim_full(d["id"]), "lower": L.lower(L.dim_full(d["id"])),
            "other": d["name_en"] if L.zh else d["name_zh"], "weight": f.pct(d["weight"], 0),
            "points": f.count(d["weight"]), "factors": d["key_factors_zh"] if L.zh else d["key_factors"],
            "measures": d["measures_zh"] if L.zh else d["measures"], "max_score": f.score(data.stats[d["id"]]["max"])}


def methodology_context(data, key, L) -> dict:
    f = L.f
    dims = {d["id"]: dimension_entry(d, data, L) for d in data.dims}
    derived = data.dim[DERIVED_WEIGHT]
    others = sum(d["weight"] for d in data.dims) - derived["weight"]
    v = data.indices.verification
    residuals = [{"rank": f.rank(p["rank"]), "name": L.province(p["province"]), "slug": p["slug"],
                  "total": f.score(p["total"]), "sum": f.score(p["recomputed_total"]), "diff": f.signed(p["residual"])}
                 for p in data.ranked if f.gap_value(p["total"], p["recomputed_total"]) != 0]
    order = {"tie": L.t("meth.pair.tie"), "reversed": L.t("meth.pair.reversed"), "same": ""}
    pairs = [{"a": f"{L.rank(r['rank_a'])} {L.province(r['province_a'])}",
              "b": f"{L.rank(r['rank_b'])} {L.province(r['province_b'])}",
              "published": f.score(r["published_gap"]), "recomputed": f.score(r["recomputed_gap"]),
              "order": order[r["recomputed_order"]]} for r in data.indices.rounding_pairs.to_dict("records")]
    ref = data.sources.provinces
    kinds = ref.loc[ref["assessed"], "division_type"].value_counts()
    return {
        "n": f.count(data.n), "n_dims": f.count(len(data.dims)), "dims": list(dims.values()), "dim": dims,
        "weights_sum": f.count(sum(d["weight"] for d in data.dims)),
        "derived": dims[DERIVED_WEIGHT], "others_sum": f.count(others),
        "national_score": f.figure(data.national_score),
        "total_mean": f.score(data.stats[TOTAL]["mean"]), "total_median": f.score(data.stats[TOTAL]["median"]),
        "largest_residual": f.score(v["largest_residual"]),
        "largest_residual_provinces": L.join(L.province(name) for name in v["largest_residual_provinces"]),
        "exact_totals": f.count(v["exact_totals"]), "ranks_consistent": v["ranks_match_published_totals"],
        "tolerance": f.score(v["tolerance"]),
        "residuals": residuals,
        "half_width": f.stat(COMPONENT_ROUNDING * len(data.dims)), "component_rounding": f.stat(COMPONENT_ROUNDING),
        "pairs": pairs,
        "kinds": {k: f.count(kinds.get(k, 0)) for k in ("province", "autonomous_region", "municipality")},
        "corr_security_total": f.corr(data.corr("cyber_security", TOTAL)),
        "corr_security_interval": L.t("rob15.page.interval", **dict(zip(("low", "high"), (
            f.corr(x) for x in fisher_interval(data.corr("cyber_security", TOTAL), data.n))))),
        "national_data": national_sentence(data, L),
        "corr_innovation_total": f.corr(data.corr("innovation", TOTAL)),
        "provenance": [{"name": name, "file": name.rsplit(".", 1)[0] + ".provenance.yml"}
                       for name in data.sources.provenance],
        "rounding_rule": ROUNDING_RULE,
        "example_pct": f.pct(5.22 / 13 * 100),
        "tiles": tile_facts(data, L),
    }


def tile_facts(data, L) -> dict:
    """How the tile map's grid keeps the real land neighbours (cidi.charts.tiles.adjacency)."""
    layout = data.sources.tiles
    kept = tiles.adjacency(layout, data.sources.provenance["tile-layout.csv"]["land_neighbours"])
    columns, rows = tiles.grid_size(layout)
    return {**{k: L.f.count(v) for k, v in kept.items()}, "columns": L.f.count(columns), "rows": L.f.count(rows)}


def national_sentence(data, L) -> str:
    """What the provincial totals show about China's score (Methodology: the national score)."""
    f = L.f
    ref = national_reference(np.array([p["total"] for p in data.ranked]), data.national_score)
    if not ref["above"]:
        return L.t("rob15.national.none", score=f.figure(data.national_score))
    return L.tn("rob15.national.above", ref["above"], score=f.figure(data.national_score),
                share=f.share(ref["min_weight_above"]), mean=f.score(ref["mean"]))


def robustness_context(data, key, L) -> dict:
    f = L.f
    s = data.robust.settings
    unc = data.robust.rank_uncertainty.sort_values("published_rank")
    interval = unc["rank_p95"] - unc["rank_p05"]
    fixed = int((interval == 0).sum())
    widest = unc.assign(w=interval).sort_values(["w", "published_rank"], ascending=[False, True]).iloc[0]
    alt = data.robust.alternative_rankings.sort_values("published_rank")
    equal_moved = int((alt["equal_weights_rank"] != alt["official_rank"]).sum())
    geometric_moved = int((alt["geometric_rank"] != alt["official_rank"]).sum())
    return {
        "n": f.count(data.n), "replications": f.count(s.replications), "low_factor": f.score(1 - s.spread), "high_factor": f.score(1 + s.spread),
        "spread": f.share(s.spread, 0), "geometric_share": f.share(s.geometric_share, 0), "seed": str(s.seed),
        "mean_shift": f.score(data.robust.mean_abs_rank_shift),
        "fixed": L.tn("rob.fixed", fixed),
        "widest": L.t("rob.widest", name=L.province(widest["province"]), low=f.rank(widest["rank_p05"]),
                      high=f.rank(widest["rank_p95"]), official=f.rank(widest["published_rank"])),
        "uncertainty": [{"official": f.rank(r["published_rank"]), "name": L.province(r["province"]),
                         "slug": data.slug(r["adcode"]), "median": f.rank(r["median_rank"]),
                         "interval": rank_span(f, r["rank_p05"], r["rank_p95"]),
                         "arithmetic": rank_span(f, r["rank_p05_arithmetic"], r["rank_p95_arithmetic"]),
                         "geometric": rank_span(f, r["rank_p05_geometric"], r["rank_p95_geometric"]),
                         "p_top3": f.share(r["p_top3"]), "p_top10": f.share(r["p_top10"])} for r in unc.to_dict("records")],
        "alternatives": [{"official": f.rank(r["published_rank"]), "name": L.province(r["province"]),
                          "equal": f.rank(r["equal_weights_rank"]), "geometric": f.rank(r["geometric_rank"])}
                         for r in alt.to_dict("records")],
        "equal_moved": L.tn("rob.equal_moved", equal_moved), "geometric_moved": L.tn("rob.geometric_moved", geometric_moved),
        **certainty_context(data, L),
    }


def rank_span(f, low, high) -> str:
    return f.rank(low) if low == high else f"{f.rank(low)}–{f.rank(high)}"


def correlation_text(f, r: float, low: float, high: float, L) -> str:
    """"−0.26 (95 % interval −0.56 to 0.10)": every quoted correlation carries its interval."""
    return L.t("rob15.page.corr", r=f.corr(r), low=f.corr(low), high=f.corr(high))


def certainty_context(data, L) -> dict:
    """The robustness page's sections on what is certain (issue 15): bounds, order, tiers, Sobol',
    switching points, distribution, rounding, importance and coherence."""
    f, r, n = L.f, data.robust, data.n
    w = r.realised_weights
    pooled = pooled_first_order(r.rank_sensitivity)
    weights_pooled = sum(v for k, v in pooled.items() if k != MEAN_FACTOR)
    bounds = r.rank_bounds.set_index("adcode")
    unc = r.rank_uncertainty.set_index("adcode")
    wider = [code for code in bounds.index if bounds.loc[code, "best_rank"] < unc.loc[code, "best_sampled_rank"]
             or bounds.loc[code, "worst_rank"] > unc.loc[code, "worst_sampled_rank"]]
    rows = []
    for p in data.ranked:
        b, u = bounds.loc[p["adcode"]], unc.loc[p["adcode"]]
        rows.append({"official": f.rank(p["rank"]), "name": L.province(p["province"]), "slug": p["slug"],
                     "exact": rank_span(f, b["best_rank"], b["worst_rank"]),
                     "arithmetic": rank_span(f, b["best_rank_arithmetic"], b["worst_rank_arithmetic"]),
                     "geometric": rank_span(f, b["best_rank_geometric"], b["worst_rank_geometric"]),
                     "sampled": rank_span(f, u["best_sampled_rank"], u["worst_sampled_rank"])})
    dom = r.pairwise_dominance
    certain_in_draws = int(((dom["share_a_above_b"] == 1).sum()))  # each unordered pair counted once: only one way is 1
    order = r.weight_free_order
    tiers = []
    for tier, group in r.rank_tiers.groupby("tier"):
        first, last = int(group["tier_first_rank"].iloc[0]), int(group["tier_last_rank"].iloc[0])
        tiers.append({"span": rank_span(f, first, last),
                      "names": L.t("punct.list").join(L.province(x) for x in group.sort_values("published_rank")["province"])})
    sob = r.rank_sensitivity
    sobol_rows = []
    for p in data.ranked:
        mine = sob[sob["adcode"] == p["adcode"]].sort_values(["total", "factor"], ascending=[False, True])
        mean = mine[mine["factor"] == MEAN_FACTOR].iloc[0]
        moves = float(mine["rank_variance"].iloc[0]) > 0
        sobol_rows.append({"official": f.rank(p["rank"]), "name": L.province(p["province"]),
                           "top": factor_name(mine.iloc[0]["factor"], L) if moves else "—",
                           "top_total": f.stat(mine.iloc[0]["total"]) if moves else "—",
                           "mean_first": f.stat(mean["first_order"]), "mean_total": f.stat(mean["total"])})
    chongqing_like = sob[(sob["factor"] == MEAN_FACTOR) & (sob["first_order"] > 0.5)]
    sw = r.switching_points[r.switching_points["smallest"]]
    switch_rows = [{"upper": f"{f.rank(x['rank_upper'])} {L.province(x['province_upper'])}",
                    "lower": f"{f.rank(x['rank_lower'])} {L.province(x['province_lower'])}",
                    "dimension": L.dim_full(x["dimension"]) if x["factor"] == x["factor"] else "—",
                    "factor": f"×{f.ratio(x['factor'])}" if x["factor"] == x["factor"] else L.t("rob15.page.no_switch"),
                    "within": L.t("word.yes") if x["within_box"] else L.t("word.no")} for x in sw.to_dict("records")]
    within = int(sw["within_box"].sum())
    split = int(((unc["rank_p95_arithmetic"] < unc["rank_p05_geometric"])
                 | (unc["rank_p95_geometric"] < unc["rank_p05_arithmetic"])).sum())
    rs = r.rounding_sensitivity
    rounding_rows = [{"upper": f"{f.rank(x['rank_upper'])} {L.province(x['province_upper'])}",
                      "lower": f"{f.rank(x['rank_lower'])} {L.province(x['province_lower'])}",
                      "gap": f.score(x["printed_sum_gap"]), "swapped": f.share(x["share_swapped"])}
                     for x in rs[rs["share_swapped"] > 0].to_dict("records")]
    totals = sorted((p["total"] for p in data.ranked), reverse=True)
    smallest_gap = min(f.gap_value(a, b) for a, b in zip(totals, totals[1:]))
    imp = r.dimension_importance
    importance = [{"name": L.dim_full(x["dimension"]), "nominal": f.share(x["nominal_weight"], 0),
                   "correlation": correlation_text(f, x["correlation_with_total"], x["correlation_low"],
                                                   x["correlation_high"], L),
                   "variance": f.share(x["variance_share"]), "importance": f.share(x["correlation_importance"])}
                  for x in imp.to_dict("records")]
    coh = r.dimension_coherence
    eigen = coh[coh["statistic"] == "eigenvalue"].sort_values("component")
    explained = coh[coh["statistic"] == "explained_share"].sort_values("component")
    alpha = float(coh.loc[coh["statistic"] == "alpha", "value"].iloc[0])
    without = coh[coh["statistic"] == "alpha_without"].set_index("dimension")["value"]
    loadings = coh[coh["statistic"] == "loading"].set_index("dimension")["value"]
    odd = without.idxmax()  # the dimension whose removal raises alpha most
    odd_imp = imp.set_index("dimension").loc[odd]
    coherence_sentence = L.t("rob15.page.coherence_odd" if without[odd] > alpha else "rob15.page.coherence_fine",
                             dim=L.dim_full(odd), loading=f.corr(loadings[odd]), alpha=f.corr(alpha),
                             alpha_without=f.corr(without[odd]),
                             corr=correlation_text(f, odd_imp["correlation_with_total"], odd_imp["correlation_low"],
                                                   odd_imp["correlation_high"], L),
                             weight=f.share(odd_imp["nominal_weight"], 0),
                             importance=f.share(odd_imp["correlation_importance"]))
    return {
        "realised_min": f.ratio(w["min"]), "realised_max": f.ratio(w["max"]),
        "realised_p05": f.ratio(w["p05"]), "realised_p95": f.ratio(w["p95"]),
        "pooled_mean": f.stat(pooled[MEAN_FACTOR]), "pooled_weights": f.stat(weights_pooled),
        "pooled_interactions": f.stat(1 - sum(pooled.values())),
        "pooled_rows": [{"factor": factor_name(k, L), "share": f.stat(v)} for k, v in pooled.items()],
        "bounds": rows,
        "wider": L.tn("rob15.page.wider", len(wider), names=L.join([L.province(unc.loc[c, "province"]) for c in wider])),
        "pareto_pairs": f.count(len(order)), "all_pairs": f.count(n * (n - 1) // 2),
        "hasse_edges": f.count(int(order["hasse_edge"].sum())), "certain_in_draws": f.count(certain_in_draws),
        "tier_level": f.share(r.tier_level, 0), "tiers": tiers, "n_tiers": f.count(len(tiers)),
        "sobol_base": f.count(SOBOL_BASE), "sobol_runs": f.count(SOBOL_BASE * (len(data.dims) + 3)),
        "sobol": sobol_rows,
        "mean_dominant": L.tn("rob15.page.mean_dominant", len(chongqing_like),
                              names=L.join([L.province(x) for x in chongqing_like["province"]])),
        "switches": switch_rows, "switch_within": f.count(within), "switch_pairs": f.count(len(sw)),
        "distribution_split": L.tn("rob15.page.split", split),
        "rounding_half": f.stat(ROUNDING_HALF), "rounding_replications": f.count(ROUNDING_REPLICATIONS),
        "rounding": rounding_rows, "smallest_published_gap": f.score(smallest_gap),
        "importance": importance,
        "eigenvalues": L.t("punct.list").join(f.stat(v) for v in eigen["value"]),
        "first_share": f.share(explained["value"].iloc[0]), "above_one": f.count(int((eigen["value"] > 1).sum())),
        "alpha": f.corr(alpha),
        "alpha_rows": [{"name": L.dim_full(d), "alpha": f.corr(v), "loading": f.corr(loadings[d])} for d, v in without.items()],
        "coherence_sentence": coherence_sentence,
    }


def explore_context(data, key, L) -> dict:
    f = L.f
    weights = L.t("punct.list").join(f"{L.lower(L.dim(d['id']))} {f.pct(d['weight'], 0)}" for d in data.dims)
    return {"title": L.t("explore.title"), "description": L.t("explore.description"),
            "intro": L.t("explore.intro", weights=weights),
            "official": ",".join(f"{d['id']}:{f.count(d['weight'])}" for d in data.dims),
            "example": ",".join(f.count(d["weight"]) for d in data.dims), "slider_max": f.count(specs.SLIDER_MAX)}


METHODOLOGY = View(name="methodology", path="methodology/index.md", template="methodology/index.md",
                   context=methodology_context, hand_written=True, section="nav.methodology",
                   nav_title=lambda data, key, L: L.t("nav.methodology"))
ROBUSTNESS = View(name="robustness", path="methodology/robustness.md", template="methodology/robustness.md",
                  context=robustness_context, hand_written=True, section="nav.methodology", group="methodology",
                  nav_title=lambda data, key, L: L.t("chart.intervals.title"),
                  charts=(ChartSlot("intervals", "rank-intervals", specs.rank_intervals),
                          ChartSlot("importance", "dimension-importance", specs.dimension_importance),
                          ChartSlot("order", "weight-free-order", specs.weight_free_order)))
EXPLORE = View(name="explore", path="explore.md", template="explore.md.j2", context=explore_context,
               group="methodology", charts=(ChartSlot("explorer", "explorer", specs.explorer),))
