"""The methodology page, the robustness page and the explorer (hand-written prose; data from here)."""
from __future__ import annotations

from cidi.charts import specs, tiles
from cidi.compute_indices import COMPONENT_ROUNDING, TOTAL
from cidi.formatting import ROUNDING_RULE
from cidi.views import ChartSlot, View

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
        "replications": f.count(s.replications), "low_factor": f.score(1 - s.spread), "high_factor": f.score(1 + s.spread),
        "spread": f.share(s.spread, 0), "geometric_share": f.share(s.geometric_share, 0), "seed": str(s.seed),
        "mean_shift": f.score(data.robust.mean_abs_rank_shift),
        "fixed": L.tn("rob.fixed", fixed),
        "widest": L.t("rob.widest", name=L.province(widest["province"]), low=f.rank(widest["rank_p05"]),
                      high=f.rank(widest["rank_p95"]), official=f.rank(widest["published_rank"])),
        "uncertainty": [{"official": f.rank(r["published_rank"]), "name": L.province(r["province"]),
                         "slug": data.slug(r["adcode"]), "median": f.rank(r["median_rank"]),
                         "interval": f"{f.rank(r['rank_p05'])}–{f.rank(r['rank_p95'])}",
                         "p_top3": f.share(r["p_top3"]), "p_top10": f.share(r["p_top10"])} for r in unc.to_dict("records")],
        "alternatives": [{"official": f.rank(r["published_rank"]), "name": L.province(r["province"]),
                          "equal": f.rank(r["equal_weights_rank"]), "geometric": f.rank(r["geometric_rank"])}
                         for r in alt.to_dict("records")],
        "equal_moved": L.tn("rob.equal_moved", equal_moved), "geometric_moved": L.tn("rob.geometric_moved", geometric_moved),
        "effective": [{"name": L.dim_full(r["dimension"]), "nominal": f.share(r["nominal_weight"], 0),
                       "correlation": f.corr(r["correlation_with_total"]), "share": f.share(r["variance_share"])}
                      for r in data.robust.effective_weights.to_dict("records")],
    }


def explore_context(data, key, L) -> dict:
    f = L.f
    weights = L.t("punct.list").join(f"{L.lower(L.dim(d['id']))} {f.pct(d['weight'], 0)}" for d in data.dims)
    return {"title": L.t("explore.title"), "description": L.t("explore.description"),
            "intro": L.t("explore.intro", weights=weights),
            "official": ",".join(f"{d['id']}:{f.count(d['weight'])}" for d in data.dims),
            "example": ",".join(f.count(d["weight"]) for d in data.dims)}


METHODOLOGY = View(name="methodology", path="methodology/index.md", template="methodology/index.md",
                   context=methodology_context, hand_written=True, section="nav.methodology",
                   nav_title=lambda data, key, L: L.t("nav.methodology"))
ROBUSTNESS = View(name="robustness", path="methodology/robustness.md", template="methodology/robustness.md",
                  context=robustness_context, hand_written=True, section="nav.methodology", group="methodology",
                  nav_title=lambda data, key, L: L.t("chart.intervals.title"),
                  charts=(ChartSlot("intervals", "rank-intervals", specs.rank_intervals),
                          ChartSlot("effective", "effective-weights", specs.effective_weights)))
EXPLORE = View(name="explore", path="explore.md", template="explore.md.j2", context=explore_context,
               group="methodology", charts=(ChartSlot("explorer", "explorer", specs.explorer),))
