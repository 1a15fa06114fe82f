"""Which choice moves each rank: Sobol' indices with SALib; tiers; the rank distribution; rounding.

Pure and seeded. [Methodology: How robust is the ranking? sections "Which choice moves each rank",
"Tiers", "The whole rank distribution" and "Rounding as a source".]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cidi.robustness.core import arithmetic, geometric, ranks

SOBOL_BASE = 1024  # N of Saltelli's scheme: N x (k + 2) = 9,216 model runs for k = 7 factors
SOBOL_RESAMPLES = 15  # bootstrap resamples for the intervals: they are most of the cost; 15 estimate a spread to about 18 %
MEAN_FACTOR = "aggregation"  # the seventh factor: geometric mean when u < geometric_share
TIER_LEVEL = 0.95  # a cut between two tiers: every province above beats every province below this often
ROUNDING_HALF = 0.005  # the printed scores are rounded to cents
ROUNDING_REPLICATIONS = 10_000


def sobol_problem(dims: list[str], spread: float) -> dict:
    return {"num_vars": len(dims) + 1, "names": [*dims, MEAN_FACTOR],
            "bounds": [[1 - spread, 1 + spread]] * len(dims) + [[0.0, 1.0]]}


def sobol_model(attain: np.ndarray, weights: np.ndarray, x: np.ndarray, geometric_share: float) -> np.ndarray:
    """Ranks (runs x provinces) for SALib's sample x: six weight factors and the mean switch."""
    w = weights * x[:, :-1]
    w = w / w.sum(axis=1, keepdims=True)
    use_geometric = x[:, -1] < geometric_share
    scores = np.where(use_geometric[:, None], geometric(attain, w), arithmetic(attain, w))
    return ranks(scores).astype(float)


def sobol_indices(provinces: pd.DataFrame, attain: np.ndarray, weights: np.ndarray, dims: list[str],
                  spread: float, geometric_share: float, seed: int) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol' indices of each province's rank, for each weight factor
    and the choice of mean (Saltelli 2010 estimators, Sobol' sequence scrambled with ``seed``).

    S1_f = Var(E[rank | f]) / Var(rank): the share of the rank's variance that f explains alone;
    ST_f = E[Var(rank | all but f)] / Var(rank): its share including every interaction. A rank that
    never moves has no variance to share: its indices are 0. Estimates are clipped to [0, 1]
    (small negative values are estimation noise); ``rank_variance`` allows pooling over provinces.
    """
    from SALib.analyze import sobol as sobol_analyze  # SALib loads SciPy's statistics (1 s): here, not at import
    from SALib.sample import sobol as sobol_sample

    problem = sobol_problem(dims, spread)
    x = sobol_sample.sample(problem, SOBOL_BASE, calc_second_order=False, scramble=True, seed=seed)
    y = sobol_model(attain, weights, x, geometric_share)
    rows = []
    codes, names = provinces["adcode"].to_numpy(), provinces["province"].to_numpy()
    for i in range(y.shape[1]):
        variance = float(y[:, i].var())
        if variance == 0:
            result = {k: np.zeros(problem["num_vars"]) for k in ("S1", "ST", "S1_conf", "ST_conf")}
        else:
            result = sobol_analyze.analyze(problem, y[:, i], calc_second_order=False, num_resamples=SOBOL_RESAMPLES,
                                           conf_level=0.95, print_to_console=False, seed=seed)
        for f, name in enumerate(problem["names"]):
            rows.append({"adcode": codes[i], "province": names[i], "factor": name,
                         "first_order": round(float(np.clip(result["S1"][f], 0, 1)), 4),
                         "first_order_conf": round(float(result["S1_conf"][f]), 4),
                         "total": round(float(np.clip(result["ST"][f], 0, 1)), 4),
                         "total_conf": round(float(result["ST_conf"][f]), 4),
                         "rank_variance": round(variance, 4)})
    return pd.DataFrame(rows)


def pooled_first_order(sobol: pd.DataFrame) -> dict[str, float]:
    """First-order index pooled over provinces: sum_i Var_i S1_i,f / sum_i Var_i."""
    weight = sobol["rank_variance"] * sobol["first_order"]
    total = sobol.drop_duplicates("adcode")["rank_variance"].sum()
    return (weight.groupby(sobol["factor"], sort=False).sum() / total).to_dict()


def tiers(published_rank: np.ndarray, share: np.ndarray, level: float = TIER_LEVEL) -> np.ndarray:
    """Tier number (1 = top) of every province: the official order is cut between positions k and
    k + 1 wherever every province in the first k ranks above every province after them in at least
    ``level`` of the draws (share[i, j] = share of draws in which i ranks strictly above j)."""
    order = np.argsort(published_rank, kind="stable")
    s = share[np.ix_(order, order)]
    n = len(order)
    cut = [bool((s[:k, k:] >= level).all()) for k in range(1, n)]
    tier_in_order = np.concatenate([[1], 1 + np.cumsum(cut)])
    out = np.empty(n, dtype=int)
    out[order] = tier_in_order
    return out


def rank_tiers(provinces: pd.DataFrame, share: np.ndarray, level: float = TIER_LEVEL) -> pd.DataFrame:
    published = provinces["rank"].to_numpy()
    tier = tiers(published, share, level)
    frame = pd.DataFrame({"adcode": provinces["adcode"].to_numpy(), "province": provinces["province"].to_numpy(),
                          "published_rank": published, "tier": tier})
    span = frame.groupby("tier")["published_rank"].agg(["min", "max"])
    frame["tier_first_rank"] = frame["tier"].map(span["min"])
    frame["tier_last_rank"] = frame["tier"].map(span["max"])
    return frame.sort_values("published_rank").reset_index(drop=True)


def rank_distribution(provinces: pd.DataFrame, rank_draws: np.ndarray, use_geometric: np.ndarray) -> pd.DataFrame:
    """How often each province takes each rank: all draws, the arithmetic and the geometric draws
    (rows only for ranks that occur)."""
    n = rank_draws.shape[1]
    def counts(block):
        out = np.zeros((n, n), dtype=np.int64)  # province x rank - 1
        for i in range(n):
            out[i] = np.bincount(block[:, i] - 1, minlength=n)
        return out
    every, geo = counts(rank_draws), counts(rank_draws[use_geometric])
    ari = every - geo
    n_geo = int(use_geometric.sum())
    n_ari = len(rank_draws) - n_geo
    i, r = np.nonzero(every)
    return pd.DataFrame({"adcode": provinces["adcode"].to_numpy()[i], "province": provinces["province"].to_numpy()[i],
                         "published_rank": provinces["rank"].to_numpy()[i], "rank": r + 1,
                         "share": (every[i, r] / len(rank_draws)).round(4),
                         "share_arithmetic": (ari[i, r] / max(n_ari, 1)).round(4),
                         "share_geometric": (geo[i, r] / max(n_geo, 1)).round(4)})


def rounding_sensitivity(provinces: pd.DataFrame, scores: np.ndarray, seed: int,
                         replications: int = ROUNDING_REPLICATIONS, half: float = ROUNDING_HALF) -> pd.DataFrame:
    """Rounding as the only source: official weights, arithmetic mean, and every printed dimension
    score s + e with e ~ U(-half, half) independently. For each neighbouring pair in the official
    order, the share of draws in which the lower province comes out strictly ahead, and the share in
    which each of the two leaves its published rank."""
    rng = np.random.default_rng(seed)
    order = np.argsort(provinces["rank"].to_numpy(), kind="stable")
    s = scores[order]
    noise = rng.uniform(-half, half, size=(replications, *s.shape))
    totals = np.round((s[None] + noise).sum(axis=2), 9)
    r = ranks(totals)
    published = provinces["rank"].to_numpy()[order]
    moved = (r != published).mean(axis=0)
    codes, names = provinces["adcode"].to_numpy()[order], provinces["province"].to_numpy()[order]
    rows = []
    for k in range(len(order) - 1):
        rows.append({"adcode_upper": codes[k], "province_upper": names[k], "rank_upper": published[k],
                     "adcode_lower": codes[k + 1], "province_lower": names[k + 1], "rank_lower": published[k + 1],
                     "printed_sum_gap": round(float(s[k].sum() - s[k + 1].sum()), 2),
                     "share_swapped": round(float((totals[:, k + 1] > totals[:, k]).mean()), 4),
                     "share_upper_moved": round(float(moved[k]), 4),
                     "share_lower_moved": round(float(moved[k + 1]), 4)})
    return pd.DataFrame(rows)
