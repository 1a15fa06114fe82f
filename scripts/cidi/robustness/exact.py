"""What holds for every admissible weighting: exact rank bounds, the weight-free order, switching points.

Pure numpy, plus SciPy's ``milp`` (HiGHS) for the rank bounds. [Methodology: How robust is the
ranking? sections "Exact best and worst ranks", "What is certain whatever the weights" and
"What would change an order".]

Admissible weightings are those of the Monte Carlo: w'_d = w_d f_d / sum_k w_k f_k with every
factor f_d in [1 - spread, 1 + spread]. A ranking does not change when all weights are scaled by
the same positive number, so it depends only on v_d = w_d f_d, which ranges over the box
[(1 - spread) w_d, (1 + spread) w_d]. For both means the ranking is linear in v:

- arithmetic: province i's index is proportional to v . a_i;
- geometric: log index = (v . log a_i) / sum_k v_k, and sum_k v_k > 0 is common to every province.

So "j ranks above i" is the half-space v . (x_j - x_i) > 0 with x = a or log a, and the best and
worst rank of i are the fewest and the most such half-spaces a point of the box can lie in: a
small mixed-integer programme (one binary per other province, six continuous weights).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# "Strictly above" in the worst-rank programme: v . (x_j - x_i) >= STRICT, far above HiGHS's
# feasibility tolerance (1e-7) and far below any real gap (the smallest printed gap is 0.01 point,
# a difference of about 1e-4 in v . a). Every reported bound is re-checked at the weights found.
STRICT = 1e-6


def log_attainment(attain: np.ndarray) -> np.ndarray:
    return np.log(np.clip(attain, 1e-12, None))


def rank_at(values: np.ndarray, v: np.ndarray, i: int) -> int:
    """Rank of province i (1 + number strictly higher) when scored v . values, rounded as the Monte
    Carlo rounds (9 decimals of 100 v . a, so that equal sums tie)."""
    score = np.round(100 * values @ (v / v.sum()), 9)
    return int(1 + (score > score[i]).sum())


def _extremes(diff: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest v . diff over the box, per row of diff (a linear function on a box
    takes its extremes at corners: each coordinate at its low or high end by the sign)."""
    lo = np.where(diff > 0, diff * low, diff * high).sum(axis=1)
    hi = np.where(diff > 0, diff * high, diff * low).sum(axis=1)
    return lo, hi


def rank_bounds_one(values: np.ndarray, i: int, low: np.ndarray, high: np.ndarray) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Best and worst rank of province i over the box, and weights v attaining each.

    Ties share the best rank, so the best rank counts provinces that must be strictly above, and the
    worst rank counts provinces that can be made strictly above all at once.

    Provinces above (or not above) i everywhere in the box are counted without a binary; only the
    undecided ones enter the programme (a single undecided one needs none: the corner that minimises
    v . (x_j - x_i) puts it below or level, the one that maximises it puts it above):
      best:  min sum z_j  s.t.  v . (x_j - x_i) - M_j z_j <= 0           (z_j = 0: j not above i)
      worst: max sum z_j  s.t.  v . (x_j - x_i) + M_j (1 - z_j) >= STRICT (z_j = 1: j above i)
    with M_j the largest |v . (x_j - x_i)| on the box, v in the box, z binary.
    """
    diff = values - values[i]
    diff = np.delete(diff, i, axis=0)
    lo, hi = _extremes(diff, low, high)
    always = lo > 0                      # above i at every admissible weighting
    never = hi <= 0                      # never strictly above
    open_ = ~always & ~never
    d = values.shape[1]
    centre = (low + high) / 2
    if not open_.any():
        best = worst = 1 + int(always.sum())
        return best, worst, centre, centre
    D = diff[open_]
    k = len(D)
    if k == 1:  # one undecided province: the box's corners put it below i (best) and above i (worst)
        v_best, v_worst = np.where(D[0] > 0, low, high), np.where(D[0] > 0, high, low)
        return 1 + int(always.sum()), 2 + int(always.sum()), v_best, v_worst
    from scipy.optimize import Bounds, LinearConstraint, milp  # 1 s to import: only where a programme is solved

    big = np.maximum(np.abs(lo[open_]), np.abs(hi[open_])) + 2 * STRICT
    bounds = Bounds(np.concatenate([low, np.zeros(k)]), np.concatenate([high, np.ones(k)]))
    integrality = np.concatenate([np.zeros(d), np.ones(k)])
    # best: D v - diag(M) z <= 0
    a_best = np.hstack([D, -np.diag(big)])
    res = milp(np.concatenate([np.zeros(d), np.ones(k)]), integrality=integrality, bounds=bounds,
               constraints=LinearConstraint(a_best, -np.inf, 0.0))
    v_best = res.x[:d]
    # worst: D v - diag(M) z >= STRICT - M
    a_worst = np.hstack([D, -np.diag(big)])
    res = milp(np.concatenate([np.zeros(d), -np.ones(k)]), integrality=integrality, bounds=bounds,
               constraints=LinearConstraint(a_worst, STRICT - big, np.inf))
    v_worst = res.x[:d]
    best = 1 + int(always.sum()) + int((D @ v_best > 1e-7).sum())     # re-checked at the weights found
    worst = 1 + int(always.sum()) + int((D @ v_worst > STRICT / 2).sum())
    return best, worst, v_best, v_worst


def rank_bounds(provinces: pd.DataFrame, attain: np.ndarray, weights: np.ndarray, spread: float) -> pd.DataFrame:
    """Per province: exact best and worst rank over the admissible weightings, under the arithmetic
    mean, the geometric mean and either."""
    low, high = weights * (1 - spread), weights * (1 + spread)
    out = {"adcode": provinces["adcode"].to_numpy(), "province": provinces["province"].to_numpy(),
           "published_rank": provinces["rank"].to_numpy()}
    for mean, values in (("arithmetic", attain), ("geometric", log_attainment(attain))):
        best, worst = [], []
        for i in range(len(values)):
            b, w, _, _ = rank_bounds_one(values, i, low, high)
            best.append(b)
            worst.append(w)
        out[f"best_rank_{mean}"], out[f"worst_rank_{mean}"] = best, worst
    frame = pd.DataFrame(out)
    frame["best_rank"] = frame[["best_rank_arithmetic", "best_rank_geometric"]].min(axis=1)
    frame["worst_rank"] = frame[["worst_rank_arithmetic", "worst_rank_geometric"]].max(axis=1)
    return frame


def pareto_matrix(attain: np.ndarray) -> np.ndarray:
    """above[i, j]: i's attainment is at least j's on every dimension and higher on at least one, so
    i ranks above j under every positive weighting and both means."""
    ge = (attain[:, None, :] >= attain[None, :, :]).all(axis=2)
    gt = (attain[:, None, :] > attain[None, :, :]).any(axis=2)
    return ge & gt


def cover_relation(above: np.ndarray) -> np.ndarray:
    """The Hasse diagram's edges: i above j with no k such that i above k above j."""
    through = (above.astype(np.int32) @ above.astype(np.int32)) > 0
    return above & ~through


def weight_free_order(provinces: pd.DataFrame, attain: np.ndarray) -> pd.DataFrame:
    """Long table of the Pareto-ordered pairs (above, below), official order, with the Hasse edges."""
    above = pareto_matrix(attain)
    cover = cover_relation(above)
    codes, names, rank = (provinces[c].to_numpy() for c in ("adcode", "province", "rank"))
    i, j = np.nonzero(above)
    frame = pd.DataFrame({"adcode_above": codes[i], "province_above": names[i], "rank_above": rank[i],
                          "adcode_below": codes[j], "province_below": names[j], "rank_below": rank[j],
                          "hasse_edge": cover[i, j]})
    return frame.sort_values(["rank_above", "rank_below"]).reset_index(drop=True)


def switching_points(provinces: pd.DataFrame, attain: np.ndarray, weights: np.ndarray,
                     dims: list[str], spread: float) -> pd.DataFrame:
    """For each neighbouring pair in the official order and each dimension, the factor on that one
    weight (the others unchanged; arithmetic mean) at which the lower province draws level.

    With gap D = sum_k w_k (a_upper,k - a_lower,k) and delta_d = a_upper,d - a_lower,d, multiplying
    w_d by t gives D + (t - 1) w_d delta_d, which is 0 at t* = 1 - D / (w_d delta_d). Beyond t* the
    lower province is ahead. t* must be positive (a weight cannot be negative or zero); otherwise
    no change of that weight alone swaps the pair. ``smallest`` marks, per pair, the factor closest
    to 1 on a log scale (x 2 and x 1/2 count as equally large changes), ties to the earlier dimension.
    """
    order = np.argsort(provinces["rank"].to_numpy(), kind="stable")
    codes, names, rank = (provinces[c].to_numpy() for c in ("adcode", "province", "rank"))
    rows = []
    for upper, lower in zip(order[:-1], order[1:]):
        delta = attain[upper] - attain[lower]
        gap = float(np.round(weights @ delta, 12))
        factors = []
        for d, dim in enumerate(dims):
            wd = weights[d] * delta[d]
            t = 1 - gap / wd if wd != 0 else np.nan
            factors.append(t if t > 0 else np.nan)
        logs = np.abs(np.log(np.array(factors)))
        best = int(np.nanargmin(logs)) if np.isfinite(logs).any() else -1
        for d, dim in enumerate(dims):
            t = factors[d]
            rows.append({"adcode_upper": codes[upper], "province_upper": names[upper], "rank_upper": rank[upper],
                         "adcode_lower": codes[lower], "province_lower": names[lower], "rank_lower": rank[lower],
                         "dimension": dim, "factor": None if np.isnan(t) else round(float(t), 6),
                         "within_box": bool(not np.isnan(t) and 1 - spread <= t <= 1 + spread),
                         "smallest": d == best})
    return pd.DataFrame(rows)
