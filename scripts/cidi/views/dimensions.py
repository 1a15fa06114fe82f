"""The dimension pages and the list of dimensions."""
from __future__ import annotations

from cidi.charts import specs
from cidi.views import ChartSlot, View

TOP = 5  # rows of the "top and bottom" tables


def other_name(d: dict, L) -> dict:
    return {"text": d["name_en"] if L.zh else d["name_zh"], "lang": "en" if L.zh else "zh-Hans"}


def national_extremes(data, L) -> dict:
    """The dimensions with the highest and lowest mean attainment and the most unequal one."""
    stats = {d: data.stats[d] for d in data.dim_ids}
    best = max(stats, key=lambda d: stats[d]["mean_attainment"])
    worst = min(stats, key=lambda d: stats[d]["mean_attainment"])
    unequal = max(stats, key=lambda d: stats[d]["gini"])
    return {"best": best, "best_full": L.dim_full(best), "best_att": L.f.pct(stats[best]["mean_attainment"]),
            "worst": worst, "worst_full": L.dim_full(worst), "worst_att": L.f.pct(stats[worst]["mean_attainment"]),
            "unequal": unequal, "unequal_full": L.dim_full(unequal), "gini": L.f.stat(stats[unequal]["gini"])}


def index_context(data, key, L) -> dict:
    f = L.f
    rows = []
    for d in data.dims:
        s, top = data.stats[d["id"]], data.dimension_rows(d["id"])[0]
        rows.append({"id": d["id"], "name": L.dim_full(d["id"]), "other": other_name(d, L), "weight": f.pct(d["weight"], 0),
                     "mean": f.score(s["mean"]), "attainment": f.pct(s["mean_attainment"]),
                     "highest": f"{L.province(top['province'])} ({f.score(top['score'])})", "gini": f.stat(s["gini"])})
    x = national_extremes(data, L)
    summary = L.t("dims.summary", best=L.lower(x["best_full"]), best_att=x["best_att"], worst=L.lower(x["worst_full"]),
                  worst_att=x["worst_att"], unequal=L.lower(x["unequal_full"]), gini=x["gini"])
    return {"title": L.t("dims.title"), "description": L.t("dims.description", n=len(data.dims)),
            "intro": L.t("dims.intro", n=len(data.dims)), "rows": rows, "summary": summary}


def dimension_context(data, key, L) -> dict:
    f = L.f
    d = data.dim[key["dim"]]
    s = data.stats[d["id"]]
    rows = data.dimension_rows(d["id"])

    def row(r):
        return {"rank": f.rank(r["rank"]), "name": L.province(r["province"]), "slug": data.slug(r["adcode"]),
                "score": f.score(r["score"]), "attainment": f.pct(r["score"] / d["weight"] * 100)}

    correlations = [{"id": o["id"], "name": L.dim_full(o["id"]), "pearson": f.corr(data.corr(d["id"], o["id"])),
                     "spearman": f.corr(data.corr(d["id"], o["id"], "spearman"))} for o in data.dims if o["id"] != d["id"]]
    mentions = [m for m in data.mentions if m["dimension"] == d["id"]]
    grouped: dict[str, list[str]] = {}
    for m in mentions:  # one line per statement, naming every province it concerns
        grouped.setdefault(m["summary"], []).append(m["adcode"])
    statements = [{"names": L.join(L.province(data.by_code[c]["province"]) for c in codes),
                   "text": next(m["summary_zh"] if L.zh else m["summary"] for m in mentions if m["summary"] == summary)}
                  for summary, codes in grouped.items()]
    return {
        "title": L.dim_full(d["id"]), "id": d["id"], "other": other_name(d, L),
        "description": L.t("dim.description", dim=L.dim_full(d["id"]), weight=f.count(d["weight"]), n=data.n),
        "facts": [
            {"value": f.pct(d["weight"], 0), "label": L.t("dim.fact.weight", max=f.count(d["weight"]))},
            {"value": f.score(s["mean"]), "label": L.t("dim.fact.mean", attainment=f.pct(s["mean_attainment"]))},
            {"value": f.score(rows[0]["score"]), "label": L.t("dim.fact.highest", name=L.province(rows[0]["province"]))},
            {"value": f.stat(s["gini"]), "label": L.t("dim.fact.gini")},
        ],
        "measures": d["measures_zh"] if L.zh else d["measures"],
        "factors": d["key_factors_zh"] if L.zh else d["key_factors"],
        "statistics": [
            {"label": L.t("stat.mean"), "value": f.stat(s["mean"])},
            {"label": L.t("stat.median"), "value": f.stat(s["median"])},
            {"label": L.t("stat.sd"), "value": f.stat(s["sd"])},
            {"label": L.t("stat.cv"), "value": f.stat(s["cv"])},
            {"label": L.t("stat.gini"), "value": f.stat(s["gini"])},
            {"label": L.t("stat.min_max"), "value": f"{f.score(s['min'])} / {f.score(s['max'])}"},
            {"label": L.t("stat.ratio"), "value": f.ratio(s["max_min_ratio"])},
        ],
        "top": [row(r) for r in rows[:TOP]], "bottom": [row(r) for r in rows[-TOP:]],
        "top_heading": L.tn("dim.col.top", TOP), "bottom_heading": L.tn("dim.col.bottom", TOP),
        "top_bottom_heading": L.tn("dim.h.top_bottom", TOP),
        "corr_intro": L.t("dim.corr.intro", dim=L.lower(L.dim_full(d["id"])), n=data.n),
        "correlations": correlations,
        "corr_total": {"pearson": f.corr(data.corr(d["id"], "total")),
                       "spearman": f.corr(data.corr(d["id"], "total", "spearman"))},
        "statements": statements,
    }


DIMENSION_CHARTS = (
    ChartSlot("ranking", "dimension-{dim}-ranking", specs.dimension_ranking),
    ChartSlot("map", "dimension-{dim}-map", specs.dimension_map),
    ChartSlot("distribution", "dimension-{dim}-distribution", specs.dimension_distribution),
)

INDEX = View(name="dimensions", path="dimensions/index.md", template="dimensions-index.md.j2", context=index_context,
             charts=(ChartSlot("correlations", "correlations", specs.correlations),), group="dimensions",
             section="dims.title", nav_title=lambda data, key, L: L.t("nav.all_dimensions"))
DIMENSION = View(name="dimension", path="dimensions/{dim}.md", template="dimension.md.j2", context=dimension_context,
                 instances=lambda data: [{"dim": d} for d in data.dim_ids], charts=DIMENSION_CHARTS,
                 group="dimensions", section="dims.title", nav_title=lambda data, key, L: L.dim_full(key["dim"]))
