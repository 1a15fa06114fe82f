"""Step 3: the whole robustness analysis, from the scores table to every robustness resource.

Inputs: the wide scores table and the dimensions (weights). Output: :class:`Robustness`, one
DataFrame per resource (``rank-uncertainty``, ``pairwise-dominance``, ``rank-without-dimension``,
``alternative-rankings``, ``dimension-importance``, ``rank-bounds``, ``weight-free-order``,
``rank-tiers``, ``rank-sensitivity``, ``switching-points``, ``rank-distribution``,
``rounding-sensitivity``, ``dimension-coherence``) and the summary figures of ``cidi:robustness``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cidi.robustness.coherence import coherence, dimension_importance
from cidi.robustness.core import (Settings, alternative_rankings, attainment_matrix, dominance, pairwise_dominance,
                                  rank_uncertainty, rank_without_dimension, simulate)
from cidi.robustness.exact import rank_bounds, switching_points, weight_free_order
from cidi.robustness.sensitivity import (TIER_LEVEL, rank_distribution, rank_tiers, rounding_sensitivity,
                                         sobol_indices)


@dataclass(frozen=True)
class Robustness:
    settings: Settings
    rank_uncertainty: pd.DataFrame
    pairwise_dominance: pd.DataFrame
    rank_without_dimension: pd.DataFrame
    alternative_rankings: pd.DataFrame
    dimension_importance: pd.DataFrame
    rank_bounds: pd.DataFrame
    weight_free_order: pd.DataFrame
    rank_tiers: pd.DataFrame
    rank_sensitivity: pd.DataFrame
    switching_points: pd.DataFrame
    rank_distribution: pd.DataFrame
    rounding_sensitivity: pd.DataFrame
    dimension_coherence: pd.DataFrame
    mean_abs_rank_shift: float
    realised_weights: dict = field(default_factory=dict)
    geometric_draws: int = 0
    tier_level: float = TIER_LEVEL


def realised_weight_range(drawn: np.ndarray, weights: np.ndarray) -> dict:
    """The drawn weights after rescaling, as multiples of the official weights: extremes and the
    5th-95th percentiles over every weight of every draw (the factors are x [0.75, 1.25] before the
    rescaling, not after)."""
    ratio = drawn / weights
    p05, p95 = np.percentile(ratio, [5, 95])
    return {"min": round(float(ratio.min()), 4), "max": round(float(ratio.max()), 4),
            "p05": round(float(p05), 4), "p95": round(float(p95), 4)}


def analyse_robustness(scores: pd.DataFrame, dimensions: pd.DataFrame, settings: Settings = Settings()) -> Robustness:
    dims = list(dimensions["id"])
    provinces = scores.sort_values("rank").reset_index(drop=True)
    attain, weights = attainment_matrix(provinces, dimensions)
    printed = provinces[dims].to_numpy(float)
    draws, drawn, use_geometric = simulate(attain, weights, settings)
    uncertainty = rank_uncertainty(provinces, attain, weights, draws, use_geometric)
    share = dominance(draws)
    return Robustness(
        settings=settings,
        rank_uncertainty=uncertainty,
        pairwise_dominance=pairwise_dominance(provinces, share),
        rank_without_dimension=rank_without_dimension(provinces, attain, weights, dims),
        alternative_rankings=alternative_rankings(provinces, attain, weights),
        dimension_importance=dimension_importance(printed, weights, dims),
        rank_bounds=rank_bounds(provinces, attain, weights, settings.spread),
        weight_free_order=weight_free_order(provinces, attain),
        rank_tiers=rank_tiers(provinces, share),
        rank_sensitivity=sobol_indices(provinces, attain, weights, dims, settings.spread, settings.geometric_share,
                                       settings.seed),
        switching_points=switching_points(provinces, attain, weights, dims, settings.spread),
        rank_distribution=rank_distribution(provinces, draws, use_geometric),
        rounding_sensitivity=rounding_sensitivity(provinces, printed, settings.seed),
        dimension_coherence=coherence(printed, dims),
        mean_abs_rank_shift=round(float(np.abs(draws - uncertainty["nominal_rank"].to_numpy()).mean()), 4),
        realised_weights=realised_weight_range(drawn, weights),
        geometric_draws=int(use_geometric.sum()),
    )
