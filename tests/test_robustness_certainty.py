"""What is certain about the ranks (issue 15): hand-checked fixtures for each analysis, then invariants
of the real analysis (exact bounds contain every sampled rank, tiers partition the order, ...)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cidi.robustness import Settings, arithmetic, attainment_matrix, geometric, ranks, simulate_ranks
from cidi.robustness.coherence import (cronbach_alpha, dimension_importance, fisher_interval, national_reference)
from cidi.robustness.exact import (cover_relation, log_attainment, pareto_matrix, rank_at, rank_bounds,
                                   rank_bounds_one, switching_points, weight_free_order)
from cidi.robustness.sensitivity import (MEAN_FACTOR, pooled_first_order, rank_distribution, rank_tiers,
                                         rounding_sensitivity, sobol_indices, tiers)

# --------------------------------------------------------------------------------------------
# The fixture: 3 provinces x 3 dimensions, weights 0.5 / 0.3 / 0.2, spread 0.25.
#
#        d1    d2    d3     100 x (0.5 d1 + 0.3 d2 + 0.2 d3)
#   A    0.8   0.6   0.5    40 + 18 + 10 = 68    rank 1
#   B    0.5   0.9   0.7    25 + 27 + 14 = 66    rank 2
#   C    0.4   0.5   0.3    20 + 15 +  6 = 41    rank 3
#
# Pareto: A >= C and B >= C on every dimension (strictly on some): (A, C) and (B, C) are ordered
# whatever the weights; A and B are not (A better on d1, B on d2 and d3). Both pairs are Hasse edges.
#
# Bounds. Only v_d = w_d f_d matters, in the box v1 in [0.375, 0.625], v2 in [0.225, 0.375],
# v3 in [0.15, 0.25].
#   arithmetic, A - B = (0.3, -0.3, -0.2): smallest on the box 0.3*0.375 - 0.3*0.375 - 0.2*0.25 = -0.05 < 0,
#     largest 0.3*0.625 - 0.3*0.225 - 0.2*0.15 = 0.09 > 0: either can be first.
#   geometric, log A - log B = (0.4700, -0.4055, -0.3365): smallest 0.1763 - 0.1521 - 0.0841 = -0.0599 < 0,
#     largest 0.2938 - 0.0912 - 0.0505 = 0.1521 > 0: either can be first.
#   C is third whatever the weights. So A and B: best 1, worst 2; C: 3 and 3.
#
# Switching points (arithmetic, one weight times t): A - B at the official weights D = 0.15 - 0.09 - 0.04 = 0.02.
#   d1: w delta = 0.15  -> t = 1 - 0.02 / 0.15 = 0.8667 (|ln t| 0.143: the smallest change)
#   d2: w delta = -0.09 -> t = 1 + 0.02 / 0.09 = 1.2222 (|ln t| 0.201)
#   d3: w delta = -0.04 -> t = 1 + 0.02 / 0.04 = 1.5    (|ln t| 0.405)
#   B - C = (0.1, 0.4, 0.4), D = 0.25: every t = 1 - D / (w delta) is negative (B dominates C): no swap.
# --------------------------------------------------------------------------------------------
ATTAIN = np.array([[0.8, 0.6, 0.5], [0.5, 0.9, 0.7], [0.4, 0.5, 0.3]])
WEIGHTS = np.array([0.5, 0.3, 0.2])
DIMS = ["d1", "d2", "d3"]
PROVINCES = pd.DataFrame({"adcode": ["1", "2", "3"], "province": ["A", "B", "C"], "rank": [1, 2, 3]})


def test_official_scores_of_the_fixture():
    assert arithmetic(ATTAIN, WEIGHTS) == pytest.approx([68, 66, 41])


def test_pareto_pairs_and_hasse_edges_by_hand():
    above = pareto_matrix(ATTAIN)
    assert above.tolist() == [[False, False, True], [False, False, True], [False, False, False]]
    assert cover_relation(above).tolist() == above.tolist()
    table = weight_free_order(PROVINCES, ATTAIN)
    assert list(zip(table["province_above"], table["province_below"])) == [("A", "C"), ("B", "C")]
    assert table["hasse_edge"].all()


def test_a_chain_has_one_hasse_edge_less_than_pairs():
    # P > Q > R on every dimension: three ordered pairs, but P-R passes through Q
    chain = np.array([[0.9, 0.9], [0.5, 0.5], [0.1, 0.1]])
    above = pareto_matrix(chain)
    assert above.sum() == 3
    assert cover_relation(above).sum() == 2 and not cover_relation(above)[0, 2]


def test_equal_profiles_are_not_ordered():
    assert not pareto_matrix(np.array([[0.5, 0.5], [0.5, 0.5]])).any()


def test_exact_bounds_by_hand():
    table = rank_bounds(PROVINCES, ATTAIN, WEIGHTS, 0.25)
    assert table["best_rank_arithmetic"].tolist() == [1, 1, 3]
    assert table["worst_rank_arithmetic"].tolist() == [2, 2, 3]
    assert table["best_rank_geometric"].tolist() == [1, 1, 3]
    assert table["worst_rank_geometric"].tolist() == [2, 2, 3]
    assert table["best_rank"].tolist() == [1, 1, 3] and table["worst_rank"].tolist() == [2, 2, 3]


def test_without_spread_the_bounds_are_the_official_ranks():
    table = rank_bounds(PROVINCES, ATTAIN, WEIGHTS, 0.0)
    assert table["best_rank_arithmetic"].tolist() == table["worst_rank_arithmetic"].tolist() == [1, 2, 3]


def test_a_narrow_box_keeps_a_ahead_of_b():
    # spread 0.05: A - B is at least 0.3*0.475 - 0.3*0.315 - 0.2*0.21 = 0.006 > 0 under the arithmetic mean
    table = rank_bounds(PROVINCES, ATTAIN, WEIGHTS, 0.05)
    assert table["best_rank_arithmetic"].tolist() == table["worst_rank_arithmetic"].tolist() == [1, 2, 3]


def test_the_weights_found_attain_the_bounds():
    low, high = WEIGHTS * 0.75, WEIGHTS * 1.25
    for values in (ATTAIN, log_attainment(ATTAIN)):
        best, worst, v_best, v_worst = rank_bounds_one(values, 0, low, high)
        assert (best, worst) == (1, 2)
        assert ((low - 1e-9 <= v_worst) & (v_worst <= high + 1e-9)).all()
        assert rank_at(values, v_worst, 0) == 2 and rank_at(values, v_best, 0) == 1


def test_switching_points_by_hand():
    table = switching_points(PROVINCES, ATTAIN, WEIGHTS, DIMS, 0.25)
    ab = table[table["province_upper"] == "A"].set_index("dimension")
    assert ab["factor"].tolist() == pytest.approx([0.866667, 1.222222, 1.5])
    assert ab["smallest"].tolist() == [True, False, False]
    assert ab["within_box"].tolist() == [True, True, False]
    bc = table[table["province_upper"] == "B"]
    assert bc["factor"].isna().all() and not bc["smallest"].any() and not bc["within_box"].any()


def test_the_switching_factor_really_levels_the_pair():
    table = switching_points(PROVINCES, ATTAIN, WEIGHTS, DIMS, 0.25)
    for row in table[table["province_upper"] == "A"].itertuples():
        w = WEIGHTS.copy()
        w[DIMS.index(row.dimension)] *= row.factor
        scores = arithmetic(ATTAIN, w / w.sum())
        assert scores[0] == pytest.approx(scores[1], abs=1e-4)


# --- tiers --------------------------------------------------------------------------------------

def test_tiers_by_hand():
    # share[i, j]: i above j. 1 beats 2 in 60 % (no cut after 1); 1 and 2 beat 3 and 4 in >= 95 %
    # (cut after 2); 3 beats 4 in 97 % (cut after 3).
    share = np.array([[0, 0.60, 0.99, 1.00],
                      [0.40, 0, 0.95, 0.98],
                      [0.01, 0.05, 0, 0.97],
                      [0.00, 0.02, 0.03, 0]])
    assert tiers(np.array([1, 2, 3, 4]), share).tolist() == [1, 1, 2, 3]
    # one pair below 95 % across the cut is enough to join the tiers
    share[1, 2] = 0.94
    assert tiers(np.array([1, 2, 3, 4]), share).tolist() == [1, 1, 1, 2]


def test_tiers_follow_the_official_order_not_the_row_order():
    share = np.array([[0, 0.01], [0.99, 0]])  # row 1 is the official first
    assert tiers(np.array([2, 1]), share).tolist() == [2, 1]


# --- Sobol' indices -----------------------------------------------------------------------------
# P (1.0, 0.1) and Q (0.5, 0.5), weights 0.5 / 0.5, spread 0.1 (v in [0.45, 0.55]^2):
#   arithmetic P - Q = (0.5, -0.4): at least 0.5*0.45 - 0.4*0.55 = 0.005 > 0, P first whatever the weights;
#   geometric log P - log Q = (0.693, -1.609): at most 0.693*0.55 - 1.609*0.45 = -0.343 < 0, Q first.
# So P's rank is 1 with the arithmetic mean and 2 with the geometric: the mean explains all of it.

def test_sobol_gives_the_whole_variance_to_the_mean_when_only_the_mean_matters():
    attain = np.array([[1.0, 0.1], [0.5, 0.5]])
    provinces = pd.DataFrame({"adcode": ["1", "2"], "province": ["P", "Q"], "rank": [1, 2]})
    table = sobol_indices(provinces, attain, np.array([0.5, 0.5]), ["a", "b"], 0.1, 0.5, seed=3)
    p = table[table["province"] == "P"].set_index("factor")
    assert p.loc[MEAN_FACTOR, "first_order"] == pytest.approx(1, abs=0.05)
    assert p.loc[MEAN_FACTOR, "total"] == pytest.approx(1, abs=0.05)
    assert p.loc[["a", "b"], "total"].max() < 0.02
    assert p["rank_variance"].iloc[0] == pytest.approx(0.25, abs=0.02)  # a fair coin between ranks 1 and 2
    assert pooled_first_order(table)[MEAN_FACTOR] == pytest.approx(1, abs=0.05)


def test_sobol_gives_zero_to_a_rank_that_never_moves():
    provinces = pd.DataFrame({"adcode": ["1", "2"], "province": ["P", "Q"], "rank": [1, 2]})
    table = sobol_indices(provinces, np.array([[0.9, 0.9], [0.1, 0.1]]), np.array([0.5, 0.5]), ["a", "b"], 0.25, 0.5, 1)
    assert (table[["first_order", "total", "rank_variance"]] == 0).all().all()


# --- distribution, rounding, coherence, the national score ----------------------------------------

def test_rank_distribution_by_hand():
    draws = np.array([[1, 2], [2, 1], [1, 2], [1, 2]])
    geometric_draws = np.array([False, True, True, False])
    table = rank_distribution(pd.DataFrame({"adcode": ["1", "2"], "province": ["P", "Q"], "rank": [1, 2]}),
                              draws, geometric_draws)
    p = table[table["province"] == "P"].set_index("rank")
    assert p["share"].tolist() == [0.75, 0.25]
    assert p["share_arithmetic"].tolist() == [1.0, 0.0]  # both arithmetic draws put P first
    assert p["share_geometric"].tolist() == [0.5, 0.5]


def test_rounding_swaps_a_level_pair_half_the_time_and_a_distant_pair_never():
    # P and Q have the same printed sum (1.00 + 1.00 = 0.50 + 1.50); R is 0.10 points lower,
    # more than the largest rounding error of a difference of two sums (2 x 2 x 0.005 = 0.02).
    printed = np.array([[1.00, 1.00], [0.50, 1.50], [0.95, 0.95]])
    provinces = pd.DataFrame({"adcode": ["1", "2", "3"], "province": ["P", "Q", "R"], "rank": [1, 2, 3]})
    table = rounding_sensitivity(provinces, printed, seed=1, replications=4_000)
    assert table.loc[0, "share_swapped"] == pytest.approx(0.5, abs=0.04)
    assert table.loc[1, "share_swapped"] == 0
    assert table["printed_sum_gap"].tolist() == [0, 0.1]


def test_fisher_interval_matches_the_audit():
    low, high = fisher_interval(-0.26, 31)
    assert (round(low, 2), round(high, 2)) == (-0.56, 0.10)
    # r = 0 gives a symmetric interval tanh(+-1.96 / sqrt(28)) = tanh(+-0.3704) = +-0.3543
    assert fisher_interval(0.0, 31) == pytest.approx((-0.3543, 0.3543), abs=1e-4)


def test_cronbach_alpha_by_hand():
    # three items, every correlation 0.5: 3 x 0.5 / (1 + 2 x 0.5) = 0.75; uncorrelated items: 0
    corr = np.full((3, 3), 0.5) + 0.5 * np.eye(3)
    assert cronbach_alpha(corr) == pytest.approx(0.75)
    assert cronbach_alpha(np.eye(4)) == 0


def test_importance_by_hand():
    # scores (1, 0), (0, 1), (2, 2): both correlations with the total are sqrt(3) / 2, so both
    # measures split 50 / 50 (see test_robustness for the variance shares)
    table = dimension_importance(np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]), np.array([0.6, 0.4]), ["a", "b"])
    assert table["correlation_importance"].tolist() == pytest.approx([0.5, 0.5])
    assert table["variance_share"].tolist() == pytest.approx([0.5, 0.5])


def test_national_reference_by_hand():
    # 41.8 lies below 45.19 and 42.36 and above 38.94: the least weight on the two above is reached
    # with it on 45.19 and the rest on 38.94: p = (41.8 - 38.94) / (45.19 - 38.94) = 2.86 / 6.25 = 0.4576
    ref = national_reference(np.array([45.19, 42.36, 38.94, 20.0]), 41.8)
    assert ref["above"] == 2 and ref["min_weight_above"] == pytest.approx(0.4576)


# --- the real analysis ----------------------------------------------------------------------------

def test_exact_bounds_contain_every_sampled_rank(robust, indices, sources):
    provinces = indices.scores.sort_values("rank").reset_index(drop=True)
    attain, weights = attainment_matrix(provinces, sources.dimensions)
    bounds = robust.rank_bounds.set_index("adcode").loc[provinces["adcode"]]
    for share, name in ((0.0, "arithmetic"), (1.0, "geometric")):
        draws = simulate_ranks(attain, weights, Settings(replications=20_000, geometric_share=share, seed=99))
        assert (draws.min(axis=0) >= bounds[f"best_rank_{name}"].to_numpy()).all()
        assert (draws.max(axis=0) <= bounds[f"worst_rank_{name}"].to_numpy()).all()
    unc = robust.rank_uncertainty.set_index("adcode").loc[provinces["adcode"]]
    assert (unc["best_sampled_rank"].to_numpy() >= bounds["best_rank"].to_numpy()).all()
    assert (unc["worst_sampled_rank"].to_numpy() <= bounds["worst_rank"].to_numpy()).all()


def test_the_audits_figures_are_reproduced(robust):
    # method-audit.md: 62 Pareto pairs, tiers 1-4 | 5 | 6-8 | 9-10 | 11-26 | 27-31, switch Guangdong/Beijing
    # at internet application x 1.18, pooled first-order share of the mean about 0.54, alpha 0.73 -> 0.89
    assert len(robust.weight_free_order) == 62
    spans = robust.rank_tiers.groupby("tier")[["tier_first_rank", "tier_last_rank"]].first()
    assert [tuple(x) for x in spans.to_numpy()] == [(1, 4), (5, 5), (6, 8), (9, 10), (11, 26), (27, 31)]
    sw = robust.switching_points
    top = sw[(sw["province_upper"] == "Guangdong") & sw["smallest"]].iloc[0]
    assert top["dimension"] == "internet_application" and round(top["factor"], 2) == 1.18
    assert pooled_first_order(robust.rank_sensitivity)[MEAN_FACTOR] == pytest.approx(0.54, abs=0.04)
    coh = robust.dimension_coherence
    assert coh.loc[coh["statistic"] == "alpha", "value"].iloc[0] == pytest.approx(0.73, abs=0.005)
    without = coh[coh["statistic"] == "alpha_without"].set_index("dimension")["value"]
    assert without.idxmax() == "cyber_security" and without.max() == pytest.approx(0.89, abs=0.005)


def test_tiers_partition_the_official_order(robust):
    t = robust.rank_tiers.sort_values("published_rank")
    assert t["tier"].is_monotonic_increasing and t["tier"].iloc[0] == 1
    assert set(t["tier"]) == set(range(1, t["tier"].max() + 1))  # no tier number skipped
    for _, group in t.groupby("tier"):
        ranks_in = group["published_rank"].tolist()
        assert ranks_in == list(range(ranks_in[0], ranks_in[-1] + 1))  # contiguous
        assert (group["tier_first_rank"] == ranks_in[0]).all() and (group["tier_last_rank"] == ranks_in[-1]).all()
    # every cut holds: each province above beats each province below in at least 95 % of the draws
    dom = robust.pairwise_dominance.merge(t[["adcode", "tier"]].rename(columns={"adcode": "adcode_a", "tier": "ta"}))
    dom = dom.merge(t[["adcode", "tier"]].rename(columns={"adcode": "adcode_b", "tier": "tb"}))
    assert (dom.loc[dom["ta"] < dom["tb"], "share_a_above_b"] >= 0.95).all()


def test_pareto_pairs_hold_in_every_draw(robust):
    dom = robust.pairwise_dominance.set_index(["adcode_a", "adcode_b"])["share_a_above_b"]
    order = robust.weight_free_order
    assert (dom.loc[list(zip(order["adcode_above"], order["adcode_below"]))] == 1).all()


def test_rank_distribution_shares_add_up_to_one(robust):
    sums = robust.rank_distribution.groupby("adcode")[["share", "share_arithmetic", "share_geometric"]].sum()
    assert np.allclose(sums.to_numpy(), 1, atol=31 * 0.00005)


def test_the_realised_weights_span_more_than_the_nominal_spread(robust):
    w = robust.realised_weights
    assert w["min"] < 0.75 and w["max"] > 1.25 and 0.75 < w["p05"] < w["p95"] < 1.25


def test_sobol_indices_are_shares(robust):
    s = robust.rank_sensitivity
    assert len(s) == 31 * 7
    assert s[["first_order", "total"]].stack().between(0, 1).all()
    moving = s[s["rank_variance"] > 0]
    # the total index of a factor is at least its first-order index, up to estimation error
    assert (moving["total"] >= moving["first_order"] - 0.1).all()


def test_geometric_bounds_are_those_of_the_log_attainments(indices, sources):
    # the geometric ranking is the arithmetic ranking of the log attainments (rescaled weights)
    provinces = indices.scores.sort_values("rank").reset_index(drop=True)
    attain, weights = attainment_matrix(provinces, sources.dimensions)
    logs = log_attainment(attain)
    assert (ranks(geometric(attain, weights)) == ranks(np.round(logs @ weights, 9))).all()
    assert math.isfinite(logs.sum())


def test_the_programmes_weights_attain_the_bounds_on_the_real_data(indices, sources):
    # each bound is reached by an admissible weighting (so it is not merely a bound but the best/worst rank)
    provinces = indices.scores.sort_values("rank").reset_index(drop=True)
    attain, weights = attainment_matrix(provinces, sources.dimensions)
    low, high = weights * 0.75, weights * 1.25
    for values in (attain, log_attainment(attain)):
        for i in range(len(values)):
            best, worst, v_best, v_worst = rank_bounds_one(values, i, low, high)
            assert ((low - 1e-7 <= v_best) & (v_best <= high + 1e-7)).all()
            assert rank_at(values, v_best, i) == best and rank_at(values, v_worst, i) == worst, i
