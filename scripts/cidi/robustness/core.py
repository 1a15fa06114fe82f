"""Step 3: how much does the ranking depend on the weights? (pure, vectorised numpy; seeded).

Inputs: the attainment matrix (provinces x dimensions, each in [0, 1]) and the official weights.
Outputs: DataFrames for the resources ``rank-uncertainty``, ``pairwise-dominance``,
``rank-without-dimension`` and ``alternative-rankings`` (the other analyses: the modules beside this one).

The model [Methodology: How robust is the ranking?]: the published dimension scores are already
weighted, so attainment a_d = score_d / (100 w_d) and the official total is 100 * sum_d w_d a_d.
Alternative indices re-aggregate the same attainments with other weights or a geometric mean.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_REPLICATIONS = 10_000
DEFAULT_SPREAD = 0.25
DEFAULT_SEED = 20171204  # the report's release at the 4th World Internet Conference, written as a number
DEFAULT_GEOMETRIC_SHARE = 0.5
CHUNK = 5_000  # replications per block, so memory stays ~ CHUNK x n x n bytes


# "Too close to call": two provinces each rank above the other in between 25 % and 75 % of the draws.
TIED_LOW, TIED_HIGH = 0.25, 0.75

@dataclass(frozen=True)
class Settings:
    replications: int = DEFAULT_REPLICATIONS
    spread: float = DEFAULT_SPREAD
    seed: int = DEFAULT_SEED
    geometric_share: float = DEFAULT_GEOMETRIC_SHARE


def arithmetic(attain: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index = 100 * sum_d w_d a_d. ``weights`` is (d,) or (r, d); returns (n,) or (r, n).

    Rounded to 9 decimals: the two matrix products differ in the last bit, and equal sums
    (Shaanxi and Hunan, 28.07) must tie.
    """
    scores = 100 * weights @ attain.T if weights.ndim == 2 else 100 * attain @ weights
    return np.round(scores, 9)


def geometric(attain: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index = 100 * prod_d a_d ** w_d (weights summing to 1); penalises uneven profiles."""
    logs = np.log(np.clip(attain, 1e-12, None))
    return np.round(100 * np.exp(weights @ logs.T if weights.ndim == 2 else logs @ weights), 9)


def ranks(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis, 1 = highest; ties take the lowest rank (1 + number strictly higher)."""
    return 1 + (values[..., None, :] > values[..., :, None]).sum(axis=-1)


def perturbed_weights(weights: np.ndarray, rng: np.random.Generator, replications: int,
                      spread: float) -> np.ndarray:
    """w'_d = w_d (1 + spread u_d), u_d ~ U(-1, 1), each row renormalised to sum 1."""
    u = rng.uniform(-1.0, 1.0, size=(replications, len(weights)))
    w = weights * (1 + spread * u)
    return w / w.sum(axis=1, keepdims=True)


def simulate_ranks(attain: np.ndarray, weights: np.ndarray, settings: Settings) -> np.ndarray:
    """Monte Carlo ranks, shape (replications, provinces): perturbed weights, then arithmetic or
    geometric aggregation with probability ``geometric_share`` each replication."""
    return simulate(attain, weights, settings)[0]


def simulate(attain: np.ndarray, weights: np.ndarray, settings: Settings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ranks, the weights drawn, which draws use the geometric mean): see :func:`simulate_ranks`."""
    rng = np.random.default_rng(settings.seed)
    w = perturbed_weights(np.asarray(weights, float), rng, settings.replications, settings.spread)
    use_geometric = rng.random(settings.replications) < settings.geometric_share
    out = np.empty((settings.replications, attain.shape[0]), dtype=np.int16)
    for start in range(0, settings.replications, CHUNK):
        block = slice(start, start + CHUNK)
        scores = np.where(use_geometric[block, None], geometric(attain, w[block]), arithmetic(attain, w[block]))
        out[block] = ranks(scores)
    return out, w, use_geometric


def dominance(rank_draws: np.ndarray) -> np.ndarray:
    """share[i, j] = share of replications in which province i ranks strictly above province j."""
    n = rank_draws.shape[1]
    above = np.zeros((n, n), dtype=np.int64)
    for start in range(0, len(rank_draws), CHUNK):
        block = rank_draws[start:start + CHUNK]
        above += (block[:, :, None] < block[:, None, :]).sum(axis=0)
    return above / len(rank_draws)


def rank_uncertainty(provinces: pd.DataFrame, attain: np.ndarray, weights: np.ndarray,
                     rank_draws: np.ndarray, use_geometric: np.ndarray | None = None) -> pd.DataFrame:
    """Per province: nominal rank, median and 5th/95th percentile rank (all draws, and the arithmetic
    and geometric draws apart), the best and worst rank drawn (sample extremes: the exact bounds are
    in ``rank-bounds``), P(top 3), P(top 10).

    Percentiles use the inverted-CDF rule, so they are ranks that actually occurred.
    """
    nominal = ranks(arithmetic(attain, weights))
    p5, p50, p95 = np.percentile(rank_draws, [5, 50, 95], axis=0, method="inverted_cdf").astype(int)
    out = {
        "adcode": provinces["adcode"].to_numpy(), "province": provinces["province"].to_numpy(),
        "published_rank": provinces["rank"].to_numpy(), "nominal_rank": nominal,
        "median_rank": p50, "rank_p05": p5, "rank_p95": p95,
    }
    if use_geometric is not None:
        for mean, chosen in (("arithmetic", ~use_geometric), ("geometric", use_geometric)):
            low, high = np.percentile(rank_draws[chosen], [5, 95], axis=0, method="inverted_cdf").astype(int)
            out[f"rank_p05_{mean}"], out[f"rank_p95_{mean}"] = low, high
    out.update({
        "best_sampled_rank": rank_draws.min(axis=0), "worst_sampled_rank": rank_draws.max(axis=0),
        "mean_abs_shift": np.abs(rank_draws - nominal).mean(axis=0).round(3),
        "p_top3": (rank_draws <= 3).mean(axis=0).round(4),
        "p_top10": (rank_draws <= 10).mean(axis=0).round(4),
    })
    return pd.DataFrame(out)


def pairwise_dominance(provinces: pd.DataFrame, share: np.ndarray) -> pd.DataFrame:
    """Long table of every ordered pair (A, B), A != B, with the share of replications A ranks above B."""
    codes, names = provinces["adcode"].to_numpy(), provinces["province"].to_numpy()
    i, j = np.where(~np.eye(len(codes), dtype=bool))
    return pd.DataFrame({"adcode_a": codes[i], "province_a": names[i], "adcode_b": codes[j],
                         "province_b": names[j], "share_a_above_b": share[i, j].round(4)})


def rank_without_dimension(provinces: pd.DataFrame, attain: np.ndarray, weights: np.ndarray,
                           dims: list[str]) -> pd.DataFrame:
    """Rank of every province when one dimension is removed and the other weights renormalised.

    Two baselines: ``rank_change`` = nominal_rank - rank, against the rank of the recomputed
    totals (the sum of the printed scores, which ties Hunan with Liaoning at 13), and
    ``change_from_published`` = published_rank - rank, against the report's rank, which is the
    rank the province pages show and measure from.
    """
    nominal = ranks(arithmetic(attain, weights))
    frames = []
    for d, dim in enumerate(dims):
        w = weights.copy()
        w[d] = 0
        w = w / w.sum()
        without = ranks(arithmetic(attain, w))
        frames.append(pd.DataFrame({
            "adcode": provinces["adcode"].to_numpy(), "province": provinces["province"].to_numpy(),
            "dropped_dimension": dim, "published_rank": provinces["rank"].to_numpy(), "nominal_rank": nominal,
            "rank": without, "rank_change": nominal - without, "change_from_published": provinces["rank"].to_numpy() - without,
        }))
    return pd.concat(frames, ignore_index=True)


def alternative_rankings(provinces: pd.DataFrame, attain: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """Official (arithmetic, official weights), equal weights (arithmetic, 1/6 each) and geometric
    (official weights) scores and ranks, side by side."""
    equal = np.full(len(weights), 1 / len(weights))
    official, eq, geo = arithmetic(attain, weights), arithmetic(attain, equal), geometric(attain, weights)
    return pd.DataFrame({
        "adcode": provinces["adcode"].to_numpy(), "province": provinces["province"].to_numpy(),
        "published_rank": provinces["rank"].to_numpy(),
        "official_score": official.round(4), "official_rank": ranks(official),
        "equal_weights_score": eq.round(4), "equal_weights_rank": ranks(eq),
        "geometric_score": geo.round(4), "geometric_rank": ranks(geo),
    })


def attainment_matrix(scores: pd.DataFrame, dimensions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(attainments in [0, 1], weights summing to 1) from the wide scores table."""
    dims = list(dimensions["id"])
    points = dimensions["weight"].to_numpy(float)
    return scores[dims].to_numpy(float) / points, points / 100
