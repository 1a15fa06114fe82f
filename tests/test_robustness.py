"""robustness: hand-checkable cases on a 4 x 3 fixture, then properties of the real analysis."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cidi.compute_indices import rank_descending
from cidi.robustness.coherence import dimension_importance
from cidi.robustness import (
    Settings, alternative_rankings, analyse_robustness, arithmetic, attainment_matrix, dominance,
    geometric, perturbed_weights, rank_uncertainty, rank_without_dimension, ranks,
    simulate_ranks,
)

# --------------------------------------------------------------------------------------------
# The fixture: 4 provinces x 3 dimensions, attainments in [0, 1], weights 0.5 / 0.3 / 0.2.
#
#        d1    d2    d3     100 x (0.5 d1 + 0.3 d2 + 0.2 d3)
#   P    0.9   0.8   0.7    45 + 24   + 14 = 83      rank 1  (P beats everyone on every dimension)
#   Q    0.6   0.2   0.5    30 +  6   + 10 = 46      rank 2
#   R    0.3   0.75  0.4    15 + 22.5 +  8 = 45.5    rank 3
#   S    0.5   0.4   0.1    25 + 12   +  2 = 39      rank 4
# --------------------------------------------------------------------------------------------
ATTAIN = np.array([[0.9, 0.8, 0.7], [0.6, 0.2, 0.5], [0.3, 0.75, 0.4], [0.5, 0.4, 0.1]])
WEIGHTS = np.array([0.5, 0.3, 0.2])
DIMS = ["d1", "d2", "d3"]
PROVINCES = pd.DataFrame({"adcode": ["1", "2", "3", "4"], "province": ["P", "Q", "R", "S"], "rank": [1, 2, 3, 4]})
NOMINAL = [1, 2, 3, 4]


def test_arithmetic_by_hand():
    assert arithmetic(ATTAIN, WEIGHTS) == pytest.approx([83, 46, 45.5, 39])
    # (r, d) weights give (r, n) scores: equal weights -> 100 x mean attainment
    both = arithmetic(ATTAIN, np.vstack([WEIGHTS, np.full(3, 1 / 3)]))
    assert both.shape == (2, 4)
    assert both[1] == pytest.approx([80, 130 / 3, 145 / 3, 100 / 3])


def test_geometric_by_hand():
    # 100 x 0.9^0.5 x 0.8^0.3 x 0.7^0.2
    assert geometric(ATTAIN, WEIGHTS)[0] == pytest.approx(100 * 0.9 ** 0.5 * 0.8 ** 0.3 * 0.7 ** 0.2)
    # equal attainments give the same index under both aggregations
    flat = np.full((1, 3), 0.4)
    assert geometric(flat, WEIGHTS) == pytest.approx(arithmetic(flat, WEIGHTS))


def test_ranks_break_ties_to_the_best_rank():
    assert ranks(np.array([10.0, 9.0, 9.0, 8.0])).tolist() == [1, 2, 2, 4]
    assert ranks(np.array([[1.0, 2.0], [3.0, 3.0]])).tolist() == [[2, 1], [1, 1]]  # along the last axis


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=30))
def test_ranks_agree_with_rank_descending(values):
    # the vectorised rank of the simulation and the pandas rank of the published tables agree
    assert ranks(np.array(values)).tolist() == rank_descending(values).tolist()


def test_no_spread_and_no_geometric_gives_the_nominal_ranks_in_every_replication():
    draws = simulate_ranks(ATTAIN, WEIGHTS, Settings(replications=500, spread=0.0, geometric_share=0.0, seed=1))
    assert draws.shape == (500, 4)
    assert (draws == NOMINAL).all()


def test_no_spread_and_no_geometric_gives_the_nominal_ranks_on_the_real_data(indices, sources):
    provinces = indices.scores.sort_values("rank").reset_index(drop=True)
    attain, weights = attainment_matrix(provinces, sources.dimensions)
    draws = simulate_ranks(attain, weights, Settings(replications=50, spread=0.0, geometric_share=0.0))
    nominal = ranks(arithmetic(attain, weights))
    assert (draws == nominal).all()


def test_a_province_that_dominates_every_dimension_is_always_first():
    settings = Settings(replications=3_000, spread=0.25, geometric_share=0.5, seed=7)
    draws = simulate_ranks(ATTAIN, WEIGHTS, settings)
    assert (draws[:, 0] == 1).all()
    table = rank_uncertainty(PROVINCES, ATTAIN, WEIGHTS, draws)
    assert table.loc[0, ["best_sampled_rank", "worst_sampled_rank", "median_rank", "p_top3"]].tolist() == [1, 1, 1, 1.0]
    # and nobody else is ever first
    assert (draws[:, 1:] > 1).all()


def test_dominance_by_hand():
    # four replications of three provinces, no ties
    draws = np.array([[1, 2, 3], [2, 1, 3], [3, 1, 2], [1, 3, 2]])
    share = dominance(draws)
    # A above B in replications 1 and 4 -> 2/4; A above C in 1, 2 and 4 -> 3/4; B above C in 1, 2, 3 -> 3/4
    assert share.tolist() == [[0, 0.5, 0.75], [0.5, 0, 0.75], [0.25, 0.25, 0]]


def test_dominance_of_a_pair_adds_up_to_one_without_ties():
    draws = simulate_ranks(ATTAIN, WEIGHTS, Settings(replications=2_000, seed=3))
    # no two provinces share a rank in any replication, so for every pair exactly one is above
    assert all(len(set(row)) == 4 for row in draws.tolist())
    share = dominance(draws)
    off_diagonal = ~np.eye(4, dtype=bool)
    assert np.allclose((share + share.T)[off_diagonal], 1.0)
    assert (np.diag(share) == 0).all()


def test_tied_draws_count_for_neither_province():
    # a tie in a replication: neither is strictly above the other, so the two shares add up to less than 1
    share = dominance(np.array([[1, 1], [1, 2]]))
    assert share.tolist() == [[0, 0.5], [0, 0]]


def test_rank_without_dimension_by_hand():
    # Removing a dimension renormalises the other two weights:
    #   without d1: (0, 0.6, 0.4) -> P 76, Q 32, R 61, S 28   -> P1 R2 Q3 S4
    #   without d2: (5/7, 0, 2/7) -> P 84.3, Q 57.1, R 32.9, S 38.6 -> P1 Q2 S3 R4
    #   without d3: (0.625, 0.375, 0) -> P 86.25, Q 45, R 46.875, S 46.25 -> P1 R2 S3 Q4
    table = rank_without_dimension(PROVINCES, ATTAIN, WEIGHTS, DIMS)
    assert table["dropped_dimension"].tolist() == ["d1"] * 4 + ["d2"] * 4 + ["d3"] * 4
    assert table["nominal_rank"].tolist() == NOMINAL * 3
    assert table["rank"].tolist() == [1, 3, 2, 4, 1, 2, 4, 3, 1, 4, 2, 3]
    # rank_change = nominal - rank (positive: moves up without the dimension)
    assert table["rank_change"].tolist() == [0, -1, 1, 0, 0, 0, -1, 1, 0, -2, 1, 1]
    assert WEIGHTS.tolist() == [0.5, 0.3, 0.2]  # the official weights are not modified in place


def test_alternative_rankings_by_hand():
    table = alternative_rankings(PROVINCES, ATTAIN, WEIGHTS)
    assert table["official_score"].tolist() == [83.0, 46.0, 45.5, 39.0]
    # equal weights: 100 x mean: P 80, Q 43.33, R 48.33, S 33.33 -> P1 R2 Q3 S4
    assert table["equal_weights_score"].tolist() == [80.0, 43.3333, 48.3333, 33.3333]
    assert table["equal_weights_rank"].tolist() == [1, 3, 2, 4]
    assert table["official_rank"].tolist() == NOMINAL


def test_variance_shares_by_hand():
    # scores (1, 0), (0, 1), (2, 2): total (1, 1, 4), mean 2, centred (-1, -1, 2), Var = 6 / 3 = 2.
    # d1 centred (0, -1, 1): Cov = (0 + 1 + 2) / 3 = 1; d2 centred (-1, 0, 1): Cov = (1 + 0 + 2) / 3 = 1.
    # shares 1 / 2 each; correlation 1 / (sqrt(2/3) x sqrt(2)) = sqrt(3) / 2 = 0.8660
    table = dimension_importance(np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]), np.array([0.6, 0.4]), ["a", "b"])
    got = table.to_dict("list")
    assert got["dimension"] == ["a", "b"] and got["nominal_weight"] == [0.6, 0.4]
    assert got["correlation_with_total"] == pytest.approx([0.86603, 0.86603], abs=1e-5)
    assert got["variance_share"] == pytest.approx([0.5, 0.5])


def test_perturbed_weights_sum_to_one_and_stay_within_the_spread():
    weights = np.array([0.18, 0.16, 0.16, 0.25, 0.13, 0.12])
    w = perturbed_weights(weights, np.random.default_rng(11), 5_000, 0.25)
    assert w.shape == (5_000, 6)
    assert np.allclose(w.sum(axis=1), 1.0)
    assert (w > 0).all()
    # Before renormalisation w'_d = w_d (1 + 0.25 u_d), u_d in [-1, 1): redraw the same u and check.
    u = np.random.default_rng(11).uniform(-1.0, 1.0, size=(5_000, 6))
    raw = weights * (1 + 0.25 * u)
    assert (np.abs(raw / weights - 1) <= 0.25).all()
    assert np.allclose(w, raw / raw.sum(axis=1, keepdims=True))
    # The same bound seen from the output alone: the ratio of two dimensions' factors is at most 1.25 / 0.75.
    factor = w / weights
    assert (factor.max(axis=1) / factor.min(axis=1) <= 1.25 / 0.75 + 1e-12).all()


def test_perturbed_weights_with_no_spread_are_the_official_weights():
    weights = np.array([0.5, 0.3, 0.2])
    assert np.allclose(perturbed_weights(weights, np.random.default_rng(0), 10, 0.0), weights)


# --- the real analysis ------------------------------------------------------------------------

def test_arithmetic_at_the_official_weights_reproduces_the_recomputed_totals(indices, sources):
    # The explorer's formula at the official weights reproduces the official totals (sums of the six).
    provinces = indices.scores.sort_values("rank").reset_index(drop=True)
    attain, weights = attainment_matrix(provinces, sources.dimensions)
    assert weights.sum() == pytest.approx(1.0)
    assert (attain >= 0).all() and (attain <= 1).all()
    assert np.abs(arithmetic(attain, weights) - provinces["recomputed_total"].to_numpy()).max() < 1e-9


def test_official_alternative_is_the_recomputed_total(robust, indices):
    table = robust.alternative_rankings.merge(indices.scores[["adcode", "recomputed_total", "recomputed_rank"]])
    assert np.allclose(table["official_score"], table["recomputed_total"], atol=1e-4)
    assert (table["official_rank"] == table["recomputed_rank"]).all()


def test_rank_percentiles_are_ordered(robust):
    table = robust.rank_uncertainty
    assert len(table) == 31
    assert (table["best_sampled_rank"] <= table["rank_p05"]).all()
    assert (table["rank_p05"] <= table["median_rank"]).all()
    assert (table["median_rank"] <= table["rank_p95"]).all()
    assert (table["rank_p95"] <= table["worst_sampled_rank"]).all()
    assert table[["best_sampled_rank", "worst_sampled_rank"]].stack().between(1, 31).all()
    assert (table["p_top3"] <= table["p_top10"]).all()


def test_top3_probabilities_add_up_to_three(robust):
    # every replication has at least three provinces in the top 3 (exactly three without ties)
    assert robust.rank_uncertainty["p_top3"].sum() >= 3 - 31 * 0.00005


def test_variance_shares_add_up_to_one(robust):
    shares = robust.dimension_importance["variance_share"]
    assert abs(shares.sum() - 1) <= 6 * 0.00005  # six values, each rounded to 4 decimals
    assert robust.dimension_importance["nominal_weight"].tolist() == [0.18, 0.16, 0.16, 0.25, 0.13, 0.12]


def test_pairwise_dominance_covers_every_ordered_pair(robust):
    table = robust.pairwise_dominance
    assert len(table) == 31 * 30
    assert not (table["adcode_a"] == table["adcode_b"]).any()
    assert table["share_a_above_b"].between(0, 1).all()
    # A above B and B above A cannot both exceed 1 together (ties make the sum smaller)
    both = table.merge(table, left_on=["adcode_a", "adcode_b"], right_on=["adcode_b", "adcode_a"])
    assert (both["share_a_above_b_x"] + both["share_a_above_b_y"] <= 1 + 2e-4).all()


def test_rank_without_dimension_on_the_real_data(robust, sources):
    table = robust.rank_without_dimension
    assert len(table) == 31 * 6
    assert table["dropped_dimension"].unique().tolist() == sources.dimensions["id"].tolist()
    assert (table["rank_change"] == table["nominal_rank"] - table["rank"]).all()


SMALL = dict(replications=400, spread=0.25, geometric_share=0.5)


@pytest.fixture(scope="module")
def seed_5(indices, sources):
    return analyse_robustness(indices.scores, sources.dimensions, Settings(seed=5, **SMALL))


def test_the_same_seed_gives_identical_tables(indices, sources, seed_5):
    first = seed_5
    second = analyse_robustness(indices.scores, sources.dimensions, Settings(seed=5, **SMALL))
    for name in ("rank_uncertainty", "pairwise_dominance", "rank_without_dimension", "alternative_rankings",
                 "dimension_importance", "rank_bounds", "weight_free_order", "rank_tiers", "rank_sensitivity",
                 "switching_points", "rank_distribution", "rounding_sensitivity", "dimension_coherence"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert first.mean_abs_rank_shift == second.mean_abs_rank_shift


def test_a_different_seed_gives_different_tables(indices, sources, seed_5):
    first = seed_5
    other = analyse_robustness(indices.scores, sources.dimensions, Settings(seed=6, **SMALL))
    assert not first.rank_uncertainty.equals(other.rank_uncertainty)
    assert not first.pairwise_dominance.equals(other.pairwise_dominance)
    # the deterministic tables do not depend on the seed
    pd.testing.assert_frame_equal(first.alternative_rankings, other.alternative_rankings)
