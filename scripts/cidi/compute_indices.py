"""Step 2: compute every index from the validated sources (pure functions, no I/O).

Inputs: a :class:`cidi.load_sources.Sources` bundle. Outputs: pandas DataFrames that become the
resources ``scores``, ``scores-long``, ``region-summary``, ``dimension-statistics``,
``correlations`` and ``rounding-pairs`` of the data package. Each formula is documented here and
on the methodology page (docs section given in brackets).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cidi.load_sources import Sources

NATIONAL = "National"
TOTAL = "total"
COMPONENT_ROUNDING = 0.005  # each printed score is rounded to two decimals


@dataclass(frozen=True)
class Indices:
    scores: pd.DataFrame
    scores_long: pd.DataFrame
    region_summary: pd.DataFrame
    dimension_statistics: pd.DataFrame
    correlations: pd.DataFrame
    rounding_pairs: pd.DataFrame
    verification: dict


def rank_descending(values) -> np.ndarray:
    """Competition rank, 1 = highest; tied values share the best (lowest) rank: 10, 9, 9, 8 -> 1, 2, 2, 4.

    [Methodology: ranks and ties]
    """
    return pd.Series(np.asarray(values, dtype=float)).rank(method="min", ascending=False).astype(int).to_numpy()


def gini(values) -> float:
    """Gini coefficient: G = sum_i sum_j |x_i - x_j| / (2 n^2 mean); 0 = all equal.

    [Methodology: dispersion] For (1, 2, 3): pair differences sum to 8, n^2 = 9, mean 2 -> 8 / 36 = 0.2222.
    """
    x = np.asarray(values, dtype=float)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


def attainment(score: pd.Series, maximum: float) -> pd.Series:
    """Attainment in percent: score / maximum * 100, where the maximum is the dimension's weight in points."""
    return score / maximum * 100


def z_scores(values: pd.Series) -> pd.Series:
    """Standard score against the 31 provinces: (x - mean) / sd, population sd (ddof = 0)."""
    return (values - values.mean()) / values.std(ddof=0)


def wide_scores(sources: Sources) -> pd.DataFrame:
    """One row per province: reference facts, the six scores, published and recomputed totals.

    recomputed_total = sum of the six printed dimension scores; residual = total - recomputed_total.
    """
    dims = list(sources.dimensions["id"])
    ref = sources.provinces.set_index("adcode")
    scores = sources.scores.copy()
    out = pd.DataFrame({
        "adcode": scores["adcode"],
        "iso_3166_2": scores["adcode"].map(ref["iso_3166_2"]),
        "province": scores["adcode"].map(ref["name_en"]),
        "province_zh": scores["adcode"].map(ref["name_zh"]),
        "slug": scores["adcode"].map(ref["slug"]),
        "region": scores["adcode"].map(ref["nbs_region"]),
    })
    for dim in dims:
        out[dim] = scores[dim]
    out["total"] = scores["total"]
    out["rank"] = scores["rank"]
    out["recomputed_total"] = scores[dims].sum(axis=1).round(2)
    out["residual"] = (out["total"] - out["recomputed_total"]).round(2)
    out["recomputed_rank"] = rank_descending(out["recomputed_total"])
    out["gap_to_leader"] = (out["total"].max() - out["total"]).round(2)
    out["gap_to_median"] = (out["total"] - out["total"].median()).round(2)
    return out.sort_values("rank").reset_index(drop=True)


def long_scores(wide: pd.DataFrame, dimensions: pd.DataFrame) -> pd.DataFrame:
    """Province x dimension: score, maximum, attainment %, rank, z-score, gaps, national median.

    rank_vs_overall = overall rank - dimension rank (positive: the province does better in this
    dimension than overall). [Methodology: strongest and weakest dimensions]
    """
    frames = []
    for dim in dimensions.itertuples(index=False):
        score = wide[dim.id]
        frames.append(pd.DataFrame({
            "adcode": wide["adcode"], "province": wide["province"], "dimension": dim.id,
            "score": score, "maximum": float(dim.weight),
            "attainment": attainment(score, dim.weight),
            "rank": rank_descending(score),
            "z_score": z_scores(score),
            "national_median": score.median(),
            "gap_to_leader": (score.max() - score).round(2),
            "rank_vs_overall": wide["rank"] - rank_descending(score),
            "dimension_order": dim.order,
        }))
    long = pd.concat(frames, ignore_index=True)
    order = long["adcode"].map(dict(zip(wide["adcode"], wide["rank"])))
    return (long.assign(_rank=order).sort_values(["_rank", "dimension_order"])
            .drop(columns=["_rank", "dimension_order"]).reset_index(drop=True))


def strongest_and_weakest(long: pd.DataFrame, dimensions: pd.DataFrame) -> pd.DataFrame:
    """Per province, the dimension ranked best and worst relative to the overall rank.

    Largest rank_vs_overall = strongest; smallest = weakest; ties go to the dimension with the
    higher attainment (strongest) or lower attainment (weakest), then to Table 1 order.
    """
    order = dict(zip(dimensions["id"], dimensions["order"]))
    frame = long.assign(order=long["dimension"].map(order))
    strongest = (frame.sort_values(["adcode", "rank_vs_overall", "attainment", "order"],
                                   ascending=[True, False, False, True]).groupby("adcode").head(1))
    weakest = (frame.sort_values(["adcode", "rank_vs_overall", "attainment", "order"],
                                 ascending=[True, True, True, True]).groupby("adcode").head(1))
    return pd.DataFrame({
        "adcode": strongest["adcode"].to_numpy(),
        "strongest_dimension": strongest["dimension"].to_numpy(),
    }).merge(pd.DataFrame({"adcode": weakest["adcode"].to_numpy(),
                           "weakest_dimension": weakest["dimension"].to_numpy()}), on="adcode")


def summary_statistics(frame: pd.DataFrame, measures: list[str], group: str | None) -> pd.DataFrame:
    """Mean, median, min and max of each measure, per group (NBS region) or nationally."""
    groups = frame.groupby(group, sort=True) if group else [(NATIONAL, frame)]
    rows = []
    for name, part in groups:
        for measure in measures:
            values = part[measure]
            rows.append({"region": name, "measure": measure, "provinces": len(values),
                         "mean": values.mean(), "median": values.median(),
                         "min": values.min(), "max": values.max()})
    return pd.DataFrame(rows)


def region_summary(wide: pd.DataFrame, dimensions: pd.DataFrame, regions: list[str] | None = None) -> pd.DataFrame:
    """Mean, median, min and max per region and nationally; regions in the given order (package.yml's), else sorted."""
    measures = list(dimensions["id"]) + [TOTAL]
    regions = list(regions) if regions else sorted(wide["region"].dropna().unique())
    frame = pd.concat([summary_statistics(wide, measures, "region"), summary_statistics(wide, measures, None)])
    frame["_region"] = frame["region"].map({r: i for i, r in enumerate(regions + [NATIONAL])})
    frame["_measure"] = frame["measure"].map({m: i for i, m in enumerate(measures)})
    return frame.sort_values(["_region", "_measure"]).drop(columns=["_region", "_measure"]).reset_index(drop=True)


def dimension_statistics(wide: pd.DataFrame, dimensions: pd.DataFrame) -> pd.DataFrame:
    """Per dimension and for the total: dispersion across the 31 provinces, at full precision
    (the package rounds when it writes; pages round once, in :mod:`cidi.formatting`).

    sd is the population standard deviation (the 31 provinces are the whole population);
    cv = sd / mean; max_min_ratio = max / min; gini as in :func:`gini`.
    """
    maxima = dict(zip(dimensions["id"], dimensions["weight"].astype(float))) | {TOTAL: 100.0}
    rows = []
    for measure, maximum in maxima.items():
        x = wide[measure]
        rows.append({
            "measure": measure, "maximum": maximum, "mean": x.mean(),
            "median": x.median(), "q1": x.quantile(0.25), "q3": x.quantile(0.75), "sd": x.std(ddof=0),
            "cv": x.std(ddof=0) / x.mean(), "gini": gini(x),
            "min": x.min(), "max": x.max(), "max_min_ratio": x.max() / x.min(),
            "mean_attainment": x.mean() / maximum * 100,
        })
    return pd.DataFrame(rows)


def correlations(wide: pd.DataFrame, dimensions: pd.DataFrame) -> pd.DataFrame:
    """Pearson and Spearman correlation between every pair of dimensions and the total (long form)."""
    measures = list(dimensions["id"]) + [TOTAL]
    rows = []
    for method in ("pearson", "spearman"):
        matrix = wide[measures].corr(method=method)
        for a in measures:
            for b in measures:
                rows.append({"method": method, "measure_a": a, "measure_b": b, "r": float(matrix.loc[a, b])})
    return pd.DataFrame(rows)


def rounding_pairs(wide: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Pairs of provinces whose order is not settled by the printed two-decimal scores.

    Each printed dimension score hides up to +-0.005, so a province's exact total lies within
    recomputed_total +- 6 x 0.005 = +-0.03. Two provinces whose intervals overlap
    (|difference of recomputed totals| <= 0.06) could be in either order. [Methodology: rounding]
    """
    half_width = COMPONENT_ROUNDING * len(dims)
    ordered = wide.sort_values("rank").reset_index(drop=True)
    totals = ordered["recomputed_total"].to_numpy()
    i, j = np.triu_indices(len(ordered), k=1)  # every pair once, A ranked above B in Table 2
    gap = np.round(totals[i] - totals[j], 2)
    keep = np.abs(gap) <= 2 * half_width + 1e-9
    i, j, gap = i[keep], j[keep], gap[keep]
    a, b = ordered.iloc[i].reset_index(drop=True), ordered.iloc[j].reset_index(drop=True)
    return pd.DataFrame({
        "adcode_a": a["adcode"], "province_a": a["province"], "rank_a": a["rank"],
        "adcode_b": b["adcode"], "province_b": b["province"], "rank_b": b["rank"],
        "published_gap": (a["total"] - b["total"]).round(2), "recomputed_gap": gap,
        "recomputed_order": np.where(gap == 0, "tie", np.where(gap > 0, "same", "reversed")),
    })


def verification(wide: pd.DataFrame, tolerance: float | None = None) -> dict:
    """The published check: totals against components and ranks against totals."""
    worst = wide.loc[wide["residual"].abs().idxmax()]
    return {
        "provinces": int(len(wide)),
        "largest_residual": float(abs(worst["residual"])),
        "largest_residual_provinces": sorted(wide.loc[wide["residual"].abs() == abs(worst["residual"]), "province"]),
        "tolerance": tolerance,
        "totals_within_tolerance": None if tolerance is None else bool((wide["residual"].abs() <= tolerance + 1e-9).all()),
        "exact_totals": int((wide["residual"] == 0).sum()),
        "ranks_match_published_totals": bool((rank_descending(wide["total"]) == wide["rank"]).all()),
        "ranks_differing_from_recomputed": int((wide["recomputed_rank"] != wide["rank"]).sum()),
    }


def compute_indices(sources: Sources) -> Indices:
    dims = list(sources.dimensions["id"])
    wide = wide_scores(sources)
    long = long_scores(wide, sources.dimensions)
    wide = wide.merge(strongest_and_weakest(long, sources.dimensions), on="adcode", how="left")
    return Indices(
        scores=wide,
        scores_long=long,
        region_summary=region_summary(wide, sources.dimensions, list(sources.regions)),
        dimension_statistics=dimension_statistics(wide, sources.dimensions),
        correlations=correlations(wide, sources.dimensions),
        rounding_pairs=rounding_pairs(wide, dims),
        verification=verification(wide, sources.score_tolerance),
    )
