"""compute_indices: hand-computed expectations on a tiny fixture, then invariants over the real data."""
from __future__ import annotations

import csv
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cidi import paths
from cidi.compute_indices import (
    attainment, compute_indices, dimension_statistics, gini, long_scores, rank_descending, region_summary,
    rounding_pairs, strongest_and_weakest, verification, wide_scores, z_scores,
)
from cidi.load_sources import Sources
from conftest import DIMENSION_IDS

# --------------------------------------------------------------------------------------------
# The tiny fixture: 3 provinces x 2 dimensions, weights 60 / 40 (the weight is also the maximum
# score in points, as in the report).
#
#   province  region  alpha (max 60)  beta (max 40)  sum of the two  published total  rank
#   A         East    48.00           20.00          68.00           68.00            1
#   B         West    30.00           32.00          62.00           62.01            2
#   C         East    24.00           20.00          44.00           44.00            3
#
# B's published total is 0.01 above the sum of its scores, like a rounding residual in Table 2.
# A and C tie in beta (20.00).
# --------------------------------------------------------------------------------------------


def tiny_sources() -> Sources:
    dimensions = pd.DataFrame({"id": ["alpha", "beta"], "order": [1, 2], "weight": [60, 40]})
    provinces = pd.DataFrame({
        "adcode": ["100001", "100002", "100003"], "iso_3166_2": ["CN-AA", "CN-BB", "CN-CC"],
        "name_en": ["A", "B", "C"], "name_zh": ["甲", "乙", "丙"], "slug": ["a", "b", "c"],
        "nbs_region": ["East", "West", "East"], "assessed": [True, True, True],
    })
    # rows deliberately not in rank order: the outputs must sort by rank themselves
    scores = pd.DataFrame({
        "rank": [2, 1, 3], "province": ["B", "A", "C"], "adcode": ["100002", "100001", "100003"],
        "alpha": [30.0, 48.0, 24.0], "beta": [32.0, 20.0, 20.0], "total": [62.01, 68.0, 44.0],
    })
    return Sources(dimensions=dimensions, provinces=provinces, scores=scores,
                   national_indicators=pd.DataFrame(), province_mentions=pd.DataFrame(),
                   tiles=pd.DataFrame(), provenance={})


@pytest.fixture(scope="module")
def tiny():
    return tiny_sources()


@pytest.fixture(scope="module")
def tiny_wide(tiny):
    return wide_scores(tiny)


@pytest.fixture(scope="module")
def tiny_long(tiny, tiny_wide):
    return long_scores(tiny_wide, tiny.dimensions)


def is_competition_ranking(values, ranks) -> bool:
    """Rank i = 1 + number of values strictly greater than value i (1 = highest, ties share the best)."""
    values = np.asarray(values, dtype=float)
    return all(int(r) == 1 + int((values > v).sum()) for v, r in zip(values, ranks))


# --- ranks -----------------------------------------------------------------------------------

def test_rank_descending_ties_share_the_best_rank():
    # 10 is highest -> 1; the two 9s share rank 2; 8 has three values above it -> 4
    assert rank_descending([10, 9, 9, 8]).tolist() == [1, 2, 2, 4]


def test_rank_descending_does_not_depend_on_input_order():
    assert rank_descending([8, 9, 10, 9]).tolist() == [4, 2, 1, 2]


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=40))
def test_rank_descending_is_a_competition_ranking_for_any_floats(values):
    assert is_competition_ranking(values, rank_descending(values))


# --- gini, attainment, z-scores ---------------------------------------------------------------

def test_gini_of_one_two_three():
    # ordered pair differences: |1-2| + |1-3| + |2-3| = 4, twice over = 8; 2 n^2 mean = 2 * 9 * 2 = 36
    assert gini((1, 2, 3)) == pytest.approx(8 / 36)
    assert round(gini((1, 2, 3)), 4) == 0.2222


def test_gini_of_equal_values_is_zero():
    assert gini((5, 5, 5, 5)) == 0


def test_gini_when_one_holds_everything():
    # (0, 0, 0, 4): pairs with the 4 differ by 4, 3 of them, twice over = 24; 2 * 16 * 1 = 32 -> 0.75 = (n-1)/n
    assert gini((0, 0, 0, 4)) == pytest.approx(0.75)


@given(st.lists(st.floats(min_value=1e-6, max_value=1e6), min_size=1, max_size=40))
def test_gini_lies_in_zero_one_for_positive_values(values):
    g = gini(values)
    assert 0 <= g < 1
    assert g <= (len(values) - 1) / len(values) + 1e-12  # the most unequal case is (n - 1) / n


def test_attainment_is_score_over_maximum_in_percent():
    # 48 / 60 = 80 %, 30 / 60 = 50 %, 0 / 60 = 0 %, 60 / 60 = 100 %
    assert attainment(pd.Series([48.0, 30.0, 0.0, 60.0]), 60).tolist() == [80.0, 50.0, 0.0, 100.0]


def test_z_scores_use_the_population_sd():
    # (48, 30, 24): mean 34, deviations 14, -4, -10, squares 196 + 16 + 100 = 312, var 312 / 3 = 104
    z = z_scores(pd.Series([48.0, 30.0, 24.0]))
    assert z.tolist() == pytest.approx([14 / 104 ** 0.5, -4 / 104 ** 0.5, -10 / 104 ** 0.5])
    assert z.round(4).tolist() == [1.3728, -0.3922, -0.9806]
    assert z.mean() == pytest.approx(0) and z.std(ddof=0) == pytest.approx(1)


# --- wide and long scores on the tiny fixture -------------------------------------------------

def test_wide_scores(tiny_wide):
    w = tiny_wide
    assert w["province"].tolist() == ["A", "B", "C"]  # sorted by published rank
    assert w[["adcode", "iso_3166_2", "slug", "region"]].values.tolist() == [
        ["100001", "CN-AA", "a", "East"], ["100002", "CN-BB", "b", "West"], ["100003", "CN-CC", "c", "East"]]
    # 48 + 20 = 68; 30 + 32 = 62; 24 + 20 = 44
    assert w["recomputed_total"].tolist() == [68.0, 62.0, 44.0]
    # 68 - 68 = 0; 62.01 - 62 = 0.01; 44 - 44 = 0
    assert w["residual"].tolist() == [0.0, 0.01, 0.0]
    assert w["recomputed_rank"].tolist() == [1, 2, 3]
    # leader 68: 68 - 68 = 0, 68 - 62.01 = 5.99, 68 - 44 = 24
    assert w["gap_to_leader"].tolist() == [0.0, 5.99, 24.0]
    # median of (68, 62.01, 44) = 62.01: 5.99, 0, -18.01
    assert w["gap_to_median"].tolist() == [5.99, 0.0, -18.01]


def test_long_scores(tiny_long):
    long = tiny_long
    # one row per province and dimension, in overall rank order, then Table 1 order
    assert list(zip(long["province"], long["dimension"])) == [
        ("A", "alpha"), ("A", "beta"), ("B", "alpha"), ("B", "beta"), ("C", "alpha"), ("C", "beta")]
    assert long["maximum"].tolist() == [60.0, 40.0] * 3
    # 48/60 = 80, 20/40 = 50; 30/60 = 50, 32/40 = 80; 24/60 = 40, 20/40 = 50
    assert long["attainment"].tolist() == [80.0, 50.0, 50.0, 80.0, 40.0, 50.0]
    # alpha 48 > 30 > 24 -> 1, 2, 3; beta 32 > 20 = 20 -> B 1, A and C share 2
    assert long["rank"].tolist() == [1, 2, 2, 1, 3, 2]
    # overall rank minus dimension rank: A 1-1, 1-2; B 2-2, 2-1; C 3-3, 3-2
    assert long["rank_vs_overall"].tolist() == [0, -1, 0, 1, 0, 1]
    # medians: alpha (48, 30, 24) -> 30; beta (20, 32, 20) -> 20
    assert long["national_median"].tolist() == [30.0, 20.0] * 3
    # alpha leader 48: 0, 18, 24; beta leader 32: 12, 0, 12
    assert long["gap_to_leader"].tolist() == [0.0, 12.0, 18.0, 0.0, 24.0, 12.0]
    # beta (20, 32, 20): mean 24, deviations -4, 8, -4, var (16 + 64 + 16) / 3 = 32
    assert long.loc[long["dimension"] == "beta", "z_score"].tolist() == pytest.approx([
        -4 / 32 ** 0.5, 8 / 32 ** 0.5, -4 / 32 ** 0.5])


def test_strongest_and_weakest_on_the_tiny_fixture(tiny, tiny_long):
    # from rank_vs_overall above: A (0, -1), B (0, 1), C (0, 1)
    result = strongest_and_weakest(tiny_long, tiny.dimensions).set_index("adcode")
    assert result.to_dict("index") == {
        "100001": {"strongest_dimension": "alpha", "weakest_dimension": "beta"},
        "100002": {"strongest_dimension": "beta", "weakest_dimension": "alpha"},
        "100003": {"strongest_dimension": "beta", "weakest_dimension": "alpha"},
    }


def test_strongest_and_weakest_tie_rules():
    # Table 1 order deliberately differs from alphabetical order: zeta 1, alpha 2, mu 3, beta 4
    dimensions = pd.DataFrame({"id": ["zeta", "alpha", "mu", "beta"], "order": [1, 2, 3, 4]})
    long = pd.DataFrame({
        "adcode": ["X"] * 4 + ["Y"] * 4,
        "dimension": ["zeta", "alpha", "mu", "beta"] * 2,
        # X: zeta and alpha tie on rank_vs_overall 2; alpha has the higher attainment -> strongest alpha.
        #    mu and beta tie on -1; beta has the lower attainment -> weakest beta.
        # Y: all four tie on rank_vs_overall 0 and on attainment 50 -> Table 1 order decides both
        #    ways: the first in Table 1 (zeta) is both strongest and weakest.
        "rank_vs_overall": [2, 2, -1, -1, 0, 0, 0, 0],
        "attainment": [40.0, 60.0, 30.0, 20.0, 50.0, 50.0, 50.0, 50.0],
    })
    result = strongest_and_weakest(long, dimensions).set_index("adcode")
    assert result.loc["X"].tolist() == ["alpha", "beta"]
    assert result.loc["Y"].tolist() == ["zeta", "zeta"]


# --- rounding pairs ---------------------------------------------------------------------------

def test_rounding_pairs_rule():
    # Six printed scores, each within +-0.005 of the exact one: each exact total lies within
    # recomputed_total +- 0.03, so two intervals overlap when |gap of recomputed totals| <= 0.06.
    #   rank  recomputed
    #   1     30.00
    #   2     29.94     1-2: 0.06 in (boundary)   2-3: 0.00 tie     2-4: 0.07 out   2-5: 0.05 in
    #   3     29.94     1-3: 0.06 in              3-4: 0.07 out     3-5: 0.05 in
    #   4     29.87     1-4: 0.13 out             4-5: -0.02 in (reversed)
    #   5     29.89     1-5: 0.11 out
    wide = pd.DataFrame({
        "adcode": ["1", "2", "3", "4", "5"], "province": ["P1", "P2", "P3", "P4", "P5"],
        "rank": [1, 2, 3, 4, 5],
        "total": [30.00, 29.95, 29.93, 29.90, 29.88],
        "recomputed_total": [30.00, 29.94, 29.94, 29.87, 29.89],
    }).iloc[::-1]  # input order must not matter
    pairs = rounding_pairs(wide, ["d1", "d2", "d3", "d4", "d5", "d6"])
    got = [(a, b, gap, order) for a, b, gap, order in
           pairs[["province_a", "province_b", "recomputed_gap", "recomputed_order"]].itertuples(index=False)]
    assert got == [
        ("P1", "P2", 0.06, "same"), ("P1", "P3", 0.06, "same"),
        ("P2", "P3", 0.0, "tie"), ("P2", "P5", 0.05, "same"),
        ("P3", "P5", 0.05, "same"),
        ("P4", "P5", -0.02, "reversed"),
    ]
    # 30.00 - 29.95 = 0.05; 29.90 - 29.88 = 0.02
    assert pairs["published_gap"].tolist() == [0.05, 0.07, 0.02, 0.07, 0.05, 0.02]
    assert pairs[["rank_a", "rank_b"]].values.tolist() == [[1, 2], [1, 3], [2, 3], [2, 5], [3, 5], [4, 5]]


def test_rounding_pairs_window_scales_with_the_number_of_dimensions(tiny_wide):
    # two dimensions: +-0.01 each, overlap when |gap| <= 0.02; the tiny totals are 6 and 18 apart
    assert rounding_pairs(tiny_wide, ["alpha", "beta"]).empty
    close = tiny_wide.assign(recomputed_total=[62.02, 62.00, 61.97])
    pairs = rounding_pairs(close, ["alpha", "beta"])
    # A-B 0.02 in; B-C 0.03 out; A-C 0.05 out
    assert pairs[["province_a", "province_b", "recomputed_gap"]].values.tolist() == [["A", "B", 0.02]]


# --- region summary and dimension statistics --------------------------------------------------

def test_region_summary(tiny, tiny_wide):
    summary = region_summary(tiny_wide, tiny.dimensions, ["East", "Central", "West", "Northeast"])
    # only regions that occur, in the order given (package.yml's: East, Central, West, Northeast), then National
    assert summary[["region", "measure"]].values.tolist() == [
        ["East", "alpha"], ["East", "beta"], ["East", "total"],
        ["West", "alpha"], ["West", "beta"], ["West", "total"],
        ["National", "alpha"], ["National", "beta"], ["National", "total"]]
    rows = summary.set_index(["region", "measure"])
    # East = A and C: alpha (48, 24) mean 36; total (68, 44) mean 56
    assert rows.loc[("East", "alpha")].tolist() == [2, 36.0, 36.0, 24.0, 48.0]
    assert rows.loc[("East", "total")].tolist() == [2, 56.0, 56.0, 44.0, 68.0]
    # West = B alone
    assert rows.loc[("West", "beta")].tolist() == [1, 32.0, 32.0, 32.0, 32.0]
    # National total: (68 + 62.01 + 44) / 3 = 174.01 / 3 = 58.00333 -> 58.003; median 62.01
    assert rows.loc[("National", "total")].tolist() == pytest.approx([3, 58.00333, 62.01, 44.0, 68.0], abs=1e-5)
    assert rows.loc[("National", "beta")].tolist() == [3, 24.0, 20.0, 20.0, 32.0]


def test_dimension_statistics(tiny, tiny_wide):
    stats = dimension_statistics(tiny_wide, tiny.dimensions).set_index("measure")
    assert stats.index.tolist() == ["alpha", "beta", "total"]
    # alpha (48, 30, 24): mean 34, median 30, sd sqrt(104) = 10.1980, cv 10.1980 / 34 = 0.2999,
    # gini: ordered pair differences 2 x (18 + 24 + 6) = 96 over 2 x 9 x 34 = 612 -> 0.1569,
    # max / min = 48 / 24 = 2, mean attainment 34 / 60 = 56.67 %
    assert stats.loc["alpha"].to_dict() == pytest.approx({
        # quartiles by linear interpolation on (24, 30, 48): q1 = 24 + 0.5 x 6 = 27, q3 = 30 + 0.5 x 18 = 39
        "maximum": 60.0, "mean": 34.0, "median": 30.0, "q1": 27.0, "q3": 39.0, "sd": 10.19804, "cv": 0.29994, "gini": 0.15686,
        "min": 24.0, "max": 48.0, "max_min_ratio": 2.0, "mean_attainment": 56.66667}, abs=1e-5)
    # beta (20, 32, 20): mean 24, median 20, sd sqrt(32) = 5.6569, cv 0.2357,
    # gini 2 x (12 + 0 + 12) = 48 over 2 x 9 x 24 = 432 -> 0.1111, 32 / 20 = 1.6, 24 / 40 = 60 %
    assert stats.loc["beta"].to_dict() == pytest.approx({
        # on (20, 20, 32): q1 = 20, q3 = 20 + 0.5 x 12 = 26
        "maximum": 40.0, "mean": 24.0, "median": 20.0, "q1": 20.0, "q3": 26.0, "sd": 5.6569, "cv": 0.2357, "gini": 0.1111,
        "min": 20.0, "max": 32.0, "max_min_ratio": 1.6, "mean_attainment": 60.0}, abs=1e-4)
    # total (68, 62.01, 44): maximum 100, mean 58.0033, 68 / 44 = 1.5455
    assert stats.loc["total", ["maximum", "mean", "median", "max_min_ratio", "mean_attainment"]].tolist() == pytest.approx([
        100.0, 58.0033, 62.01, 1.5455, 58.0033], abs=1e-4)


def test_verification_on_the_tiny_fixture(tiny_wide):
    assert verification(tiny_wide, 0.02) == {
        "provinces": 3, "largest_residual": 0.01, "largest_residual_provinces": ["B"], "tolerance": 0.02,
        "totals_within_tolerance": True, "exact_totals": 2, "ranks_match_published_totals": True,
        "ranks_differing_from_recomputed": 0,
    }


def test_compute_indices_on_the_tiny_fixture(tiny):
    result = compute_indices(tiny)
    assert result.scores[["province", "strongest_dimension", "weakest_dimension"]].values.tolist() == [
        ["A", "alpha", "beta"], ["B", "beta", "alpha"], ["C", "beta", "alpha"]]
    assert len(result.scores_long) == 3 * 2
    # pearson and spearman, 3 x 3 matrices (alpha, beta, total)
    assert len(result.correlations) == 2 * 3 * 3


# --- invariants over the real data -------------------------------------------------------------

def test_published_ranks_are_a_permutation_in_order(indices):
    assert indices.scores["rank"].tolist() == list(range(1, 32))


def test_every_dimension_rank_is_a_competition_ranking(indices, sources):
    long = indices.scores_long
    for dim in sources.dimensions["id"]:
        part = long[long["dimension"] == dim]
        assert len(part) == 31
        assert is_competition_ranking(part["score"], part["rank"]), dim
    assert is_competition_ranking(indices.scores["recomputed_total"], indices.scores["recomputed_rank"])


def test_attainment_lies_in_zero_to_hundred(indices):
    assert indices.scores_long["attainment"].between(0, 100).all()


def test_residuals_and_recomputed_totals(indices, sources):
    wide = indices.scores
    dims = list(sources.dimensions["id"])
    assert (wide["residual"].abs() <= 0.02 + 1e-9).all()
    assert np.allclose(wide["recomputed_total"], wide[dims].sum(axis=1), atol=1e-9)
    assert np.allclose(wide["residual"], wide["total"] - wide["recomputed_total"], atol=1e-9)


def test_rank_vs_overall_is_overall_minus_dimension_rank(indices):
    long = indices.scores_long
    overall = long["adcode"].map(dict(zip(indices.scores["adcode"], indices.scores["rank"])))
    assert (long["rank_vs_overall"] == overall - long["rank"]).all()


def test_verification_matches_the_printed_table(indices):
    # Recompute the largest |total - sum of the six scores| from the printed text, exactly.
    with (paths.DATASETS / "scores.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    residuals = {row["province"]: abs(Decimal(row["total"]) - sum(Decimal(row[d]) for d in DIMENSION_IDS))
                 for row in rows}
    largest = max(residuals.values())
    assert largest == Decimal("0.02")  # the figure quoted in the report and scores.provenance.yml

    check = indices.verification
    assert check["totals_within_tolerance"] is True
    assert check["ranks_match_published_totals"] is True
    assert check["provinces"] == 31
    assert Decimal(str(check["largest_residual"])) == largest
    printed = {}  # the report's spelling is the project's English name (Xizang (Tibet) included)
    assert check["largest_residual_provinces"] == sorted(
        printed.get(p, p) for p, r in residuals.items() if r == largest)
    assert check["exact_totals"] == sum(r == 0 for r in residuals.values())
