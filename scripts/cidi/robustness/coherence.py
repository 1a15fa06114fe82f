"""How the dimensions hang together: importance, correlation intervals, eigenvalues, Cronbach's alpha.

Pure numpy. [Methodology: How robust is the ranking? sections "Which dimensions drive the
differences?" and "Do the dimensions measure one thing?"; Methodology: China's score of 41.8.]
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

ALL = "all"  # dimension-coherence rows about all six dimensions (part of the primary key, so not empty)
Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile


def fisher_interval(r: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """95 % interval of a Pearson correlation by Fisher's z: tanh(atanh r -+ z / sqrt(n - 3)).
    With 31 provinces, r = -0.26 gives about -0.56 to 0.10. Three or fewer cases say nothing: (-1, 1)."""
    if n <= 3:
        return -1.0, 1.0
    if abs(r) >= 1:
        return r, r
    centre, half = math.atanh(r), z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


def dimension_importance(scores: np.ndarray, weights: np.ndarray, dims: list[str]) -> pd.DataFrame:
    """Per dimension, next to its nominal weight: the Pearson correlation with the total (with its
    Fisher 95 % interval), its share of the variance of the total and its correlation-based importance.

    With total T = sum_d s_d, Var(T) = sum_d Cov(s_d, T), so variance_share_d = Cov(s_d, T) / Var(T)
    adds up to 1 (and can be negative). correlation_importance_d = r_d^2 / sum_k r_k^2, the squared
    correlation with the total, normalised, as in the JRC's audits of composite indices (Paruolo,
    Saisana & Saltelli 2013): it does not depend on the dimension's spread.
    """
    total = scores.sum(axis=1)
    centred = scores - scores.mean(axis=0)
    cov = centred.T @ (total - total.mean()) / len(total)
    corr = cov / (scores.std(axis=0) * total.std())
    intervals = np.array([fisher_interval(float(r), len(total)) for r in corr])
    return pd.DataFrame({"dimension": dims, "nominal_weight": weights,
                         "correlation_with_total": corr,
                         "correlation_low": intervals[:, 0], "correlation_high": intervals[:, 1],
                         "variance_share": cov / total.var(),
                         "correlation_importance": corr ** 2 / (corr ** 2).sum()})


def cronbach_alpha(corr: np.ndarray) -> float:
    """Standardised Cronbach's alpha from a correlation matrix: k r / (1 + (k - 1) r), r the mean
    off-diagonal correlation."""
    k = len(corr)
    mean_r = (corr.sum() - k) / (k * (k - 1))
    return k * mean_r / (1 + (k - 1) * mean_r)


def coherence(scores: np.ndarray, dims: list[str]) -> pd.DataFrame:
    """Long table: the eigenvalues of the dimensions' correlation matrix (with the share of the
    variance each component explains), the first component's loadings (sign chosen so that most
    loadings are positive), and the standardised Cronbach's alpha of all six and without each."""
    corr = np.corrcoef(scores, rowvar=False)
    values, vectors = np.linalg.eigh(corr)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    first = vectors[:, 0] * (1 if (vectors[:, 0] > 0).sum() * 2 >= len(dims) else -1)
    rows = [{"statistic": "eigenvalue", "component": c + 1, "dimension": ALL, "value": round(float(v), 4)}
            for c, v in enumerate(values)]
    rows += [{"statistic": "explained_share", "component": c + 1, "dimension": ALL,
              "value": round(float(v / values.sum()), 4)} for c, v in enumerate(values)]
    rows += [{"statistic": "loading", "component": 1, "dimension": d,
              "value": round(float(x), 4)} for d, x in zip(dims, first)]
    rows.append({"statistic": "alpha", "component": 0, "dimension": ALL, "value": round(cronbach_alpha(corr), 4)})
    for k, d in enumerate(dims):
        keep = [j for j in range(len(dims)) if j != k]
        rows.append({"statistic": "alpha_without", "component": 0, "dimension": d,
                     "value": round(cronbach_alpha(corr[np.ix_(keep, keep)]), 4)})
    return pd.DataFrame(rows)


def national_reference(totals: np.ndarray, national: float) -> dict:
    """What the provincial totals say about China's score: how many provinces score above it, and
    the least weight any weighted mean of provincial totals must put on those to equal it.

    The least weight on the set above, p, is reached with p on the highest total and 1 - p on the
    highest total below: p max_above + (1 - p) max_below = national.
    """
    above, below = totals[totals > national], totals[totals <= national]
    if len(above) == 0:
        return {"above": 0, "min_weight_above": None}
    return {"above": int(len(above)), "mean": float(totals.mean()),
            "min_weight_above": float((national - below.max()) / (above.max() - below.max())) if len(below) else 1.0}
