"""The explorer's order (no browser): exact whole numbers, ties broken by the published rank, so at the
official weights every province keeps its published rank (charts/specs.py: order_units, custom_order_expr)."""
from __future__ import annotations

import pandas as pd
import pytest

from cidi.charts.specs import custom_order_expr, custom_score_expr, order_units

MAXIMA = {"a": 18, "b": 12}  # lcm 36: a score of a in hundredths counts 2 units, of b 3 units


def evaluate(expr: str, weights: dict, row: dict) -> float:
    """The Vega expression in Python: w_x -> the weight, datum.x -> the row's value, a ? b : c -> b if a else c."""
    env = {f"w_{d}": w for d, w in weights.items()} | row
    python = expr.replace("datum.", "")
    if " ? " in python:
        condition, rest = python.split(" ? ", 1)
        value, otherwise = rest.rsplit(" : ", 1)
        python = f"({value}) if ({condition}) else ({otherwise})"
    return eval(python, {}, env)  # noqa: S307 - our own expression


def custom_ranks(scores: pd.DataFrame, weights: dict) -> list[int]:
    """The explorer's window: sort by the exact order descending, then by the published rank; row numbers."""
    rows = pd.concat([scores, order_units(scores, MAXIMA)], axis=1).to_dict("records")
    ordered = sorted(rows, key=lambda r: (-evaluate(custom_order_expr(MAXIMA), weights, r), r["rank"]))
    return [ordered.index(r) + 1 for r in rows]


def test_order_units_are_whole_numbers_of_one_unit():
    units = order_units(pd.DataFrame({"a": [1.01], "b": [0.5]}), MAXIMA)
    assert units.to_dict("records") == [{"k_a": 101 * 2, "k_b": 50 * 3}]
    assert str(units["k_a"].dtype) == "int64"


def test_a_tie_of_the_index_is_exact_and_broken_by_the_published_rank():
    # P and Q both score 0.3 in total at the official weights (18, 12), the sum of their printed scores:
    # P = 0.1 + 0.2, Q = 0.3 + 0.0. In floating point 0.1 + 0.2 > 0.3, so the float index would put P first
    # whatever the published order; the exact order ties them (18 x 2 x 10 + 12 x 3 x 20 = 18 x 2 x 30 + 0 =
    # 1,080) and the published rank decides: Q was published above P.
    scores = pd.DataFrame({"province": ["P", "Q", "R"], "rank": [2, 1, 3], "a": [0.1, 0.3, 0.1], "b": [0.2, 0.0, 0.1]})
    weights = dict(MAXIMA)
    floats = [evaluate(custom_score_expr(MAXIMA), weights, {"s_a": r.a, "s_b": r.b}) for r in scores.itertuples()]
    assert floats[0] > floats[1], "floating point alone would break the tie against the published order"
    assert custom_ranks(scores, weights) == [2, 1, 3]
    # weights 18, 24: P 18 x 20 + 24 x 60 = 1,800 leads; Q 1,080 and R 18 x 20 + 24 x 30 = 1,080 tie: Q before R
    assert custom_ranks(scores, {"a": 18, "b": 24}) == [1, 2, 3]


def test_at_the_official_weights_the_real_order_is_the_published_rank(sources, indices):
    weights = {d: int(w) for d, w in zip(sources.dimensions["id"], sources.dimensions["weight"])}
    units = order_units(indices.scores, weights)
    key = sum(weights[d] * units[f"k_{d}"] for d in weights)
    table = indices.scores[["province", "rank"]].assign(key=key)
    # Shaanxi (13th) and Hunan (14th) tie exactly: both sum to 28.07 from their printed scores
    tied = table[table["province"].isin(["Shaanxi", "Hunan"])]["key"]
    assert tied.nunique() == 1
    ordered = table.sort_values(["key", "rank"], ascending=[False, True])
    assert list(ordered["rank"]) == list(range(1, len(table) + 1))
    assert units.to_numpy().max() * 50 * len(weights) < 2**53, "exact in a browser's doubles at any slider position"
