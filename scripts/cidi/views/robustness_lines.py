"""What is certain about a province's rank and what it depends on: the lines of its page's robustness
section (one sentence per analysis of the robustness step), shared with the robustness page."""
from __future__ import annotations

from cidi.robustness.sensitivity import MEAN_FACTOR as MEAN
from cidi.robustness.sensitivity import ROUNDING_HALF

TIMES_FROM = 2.0  # a factor from x 2 up is printed as "multiplied by", below it as a percentage change


def span(f, first: int, last: int) -> str:
    return f.rank(first) if first == last else f"{f.rank(first)}–{f.rank(last)}"


def factor_name(factor: str, L) -> str:
    return L.t("rob15.factor.mean") if factor == MEAN else L.t("rob15.factor.weight", dim=L.lower(L.dim_full(factor)))


def weight_change(dim: str, factor: float, L) -> str:
    """"the internet application weight rose by 18 %", "... fell by 30 %", "... were multiplied by 2.78"."""
    f, dim_name = L.f, L.lower(L.dim_full(dim))
    if factor >= TIMES_FROM:
        return L.t("rob15.change.times", dim=dim_name, factor=f.ratio(factor))
    if factor >= 1:
        return L.t("rob15.change.rise", dim=dim_name, pct=f.share(factor - 1, 0))
    return L.t("rob15.change.fall", dim=dim_name, pct=f.share(1 - factor, 0))


def smallest_switch(data, upper: str) -> dict | None:
    sw = data.robust.switching_points
    rows = sw[(sw["adcode_upper"] == upper) & sw["smallest"]]
    return None if rows.empty else rows.iloc[0].to_dict()


def switch_line(data, L, row: dict | None, other: dict, kind: str) -> str:
    """kind "up": this province overtaking ``other`` (the one above); "down": ``other`` overtaking it."""
    f = L.f
    other_name, other_rank = L.province(other["province"]), f.rank(other["rank"])
    if row is None or row["factor"] is None or row["factor"] != row["factor"]:  # None or NaN: no single weight swaps them
        return L.t(f"rob15.switch.{kind}_never", other=other_name, rank=other_rank)
    if f.ratio(row["factor"]) == f.ratio(1):
        return L.t("rob15.switch.level", other=other_name, rank=other_rank)
    return L.t(f"rob15.switch.{kind}", other=other_name, rank=other_rank,
               change=weight_change(row["dimension"], row["factor"], L))


def robustness_lines(p: dict, data, L) -> dict:
    """Everything a province page says about the robustness of its rank, already worded."""
    f, r, code = L.f, data.robust, p["adcode"]
    name, n = L.province(p["province"]), data.n
    s = r.settings
    u = data.uncertainty[code]
    b = r.rank_bounds.set_index("adcode").loc[code]
    tiers = r.rank_tiers
    t = tiers.set_index("adcode").loc[code]
    level = f.share(r.tier_level, 0)
    first, last = int(t["tier_first_rank"]), int(t["tier_last_rank"])
    which = L.t("rob15.tier.alone", span=f.rank(first)) if first == last else L.t("rob15.tier.is", span=span(f, first, last))
    if first == 1 and last == n:
        tier = L.t("rob15.tier.none", level=level)
    elif first == 1:
        tier = L.t("rob15.tier.top", tier=which, below=span(f, last + 1, n), level=level)
    elif last == n:
        tier = L.t("rob15.tier.bottom", tier=which, above=span(f, 1, first - 1), level=level)
    else:
        tier = L.t("rob15.tier.middle", tier=which, above=span(f, 1, first - 1), below=span(f, last + 1, n), level=level)

    if int(b["best_rank"]) == int(b["worst_rank"]):
        bounds = L.t("rob15.bounds.fixed", name=name, rank=f.rank(b["best_rank"]))
    else:
        bounds = L.t("rob15.bounds.range", name=name, best=f.rank(b["best_rank"]), worst=f.rank(b["worst_rank"]),
                     arith=span(f, b["best_rank_arithmetic"], b["worst_rank_arithmetic"]),
                     geo=span(f, b["best_rank_geometric"], b["worst_rank_geometric"]))

    order = r.weight_free_order
    ahead = order[order["adcode_below"] == code].sort_values("rank_above")
    behind = order[order["adcode_above"] == code].sort_values("rank_below")
    ahead_names = L.join([L.province(x) for x in ahead["province_above"]])
    behind_names = L.join([L.province(x) for x in behind["province_below"]])
    key = "both" if len(ahead) and len(behind) else "ahead" if len(ahead) else "behind" if len(behind) else "none"
    pareto = L.t(f"rob15.pareto.{key}", name=name, ahead=ahead_names, behind=behind_names,
                 n_ahead=f.count(len(ahead)), n_behind=f.count(len(behind)))

    w = r.realised_weights
    common = {"n": f.count(s.replications), "low_f": f.ratio(1 - s.spread), "high_f": f.ratio(1 + s.spread),
              "min_r": f.ratio(w["min"]), "max_r": f.ratio(w["max"]), "geo_share": f.share(s.geometric_share, 0), "name": name}
    if u["rank_p05"] == u["rank_p95"]:
        interval = L.t("rob15.interval.fixed", rank=f.rank(u["rank_p05"]), **common)
    else:
        interval = L.t("rob15.interval.range", median=f.rank(u["median_rank"]), low=f.rank(u["rank_p05"]),
                       high=f.rank(u["rank_p95"]), arith=span(f, u["rank_p05_arithmetic"], u["rank_p95_arithmetic"]),
                       geo=span(f, u["rank_p05_geometric"], u["rank_p95_geometric"]), **common)
    interval += L.t("rob15.interval.floor")

    sob = r.rank_sensitivity[r.rank_sensitivity["adcode"] == code].sort_values(["total", "factor"], ascending=[False, True])
    top = sob.iloc[0]
    if float(top["rank_variance"]) == 0:
        moves = L.t("rob15.moves.none", name=name)
    else:
        second = sob.iloc[1]
        moves = L.t("rob15.moves.two", name=name, first=factor_name(top["factor"], L), s1=f.stat(top["total"]),
                    second=factor_name(second["factor"], L), s2=f.stat(second["total"]))

    i = data.ranked.index(p)
    switches = []
    if i > 0:
        above = data.ranked[i - 1]
        switches.append(switch_line(data, L, smallest_switch(data, above["adcode"]), above, "up"))
    if i + 1 < n:
        below = data.ranked[i + 1]
        switches.append(switch_line(data, L, smallest_switch(data, code), below, "down"))

    rounding = []
    rs = r.rounding_sensitivity
    for row in rs[((rs["adcode_upper"] == code) | (rs["adcode_lower"] == code)) & (rs["share_swapped"] > 0)].to_dict("records"):
        rounding.append(L.t("rob15.rounding.line", lower=L.province(row["province_lower"]),
                            upper=L.province(row["province_upper"]), share=f.share(row["share_swapped"], 0),
                            half=f.stat(ROUNDING_HALF)))
    sep = "" if L.zh else " "  # Chinese sentences need no space between them
    return {"certain": sep.join([bounds, tier, pareto]), "depends": sep.join([moves, *switches, *rounding]),
            "interval": interval, "bounds": bounds, "tier": tier, "pareto": pareto, "moves": moves}
