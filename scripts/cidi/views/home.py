"""The home page: the headline findings, worded from the data."""
from __future__ import annotations

from cidi.charts import specs
from cidi.search_terms import terms
from cidi.views import ChartSlot, View
from cidi.views.dimensions import national_extremes
from cidi.views.provinces import PROVINCE, other_name

TOP_N = 10


def person(p: dict, L) -> dict:
    return {"name": L.province(p["province"]), "full": L.province_full(p["province"]), "slug": p["slug"],
            "total": L.f.score(p["total"])}


def regional_gap(data, L) -> dict:
    """The regions with the highest and lowest mean total, their gap (of the printed means) and how
    many of the top ten the highest holds."""
    f = L.f
    high, low = data.region_extremes()
    high_mean, low_mean = data.region_mean(high), data.region_mean(low)
    top = data.ranked[:TOP_N]
    return {"high": L.region(high), "high_mean": f.score(high_mean), "low": L.region(low),
            "low_mean": f.score(low_mean), "gap": f.gap(high_mean, low_mean),
            "top_n": f.count(len(top)), "top_in_high": f.count(sum(p["region"] == high for p in top))}


def finder_options(data, L) -> list[dict]:
    """The province finder's choices, in the order of the menu: the name in the page's language, the other
    language's name beside it, and every name a reader may type (the page's search terms, lower case)."""
    order = sorted(data.ranked, key=lambda p: p["adcode"] if L.zh else L.province_full(p["province"]))
    return [{"name": L.province_full(p["province"]), "other": other_name(p, L), "slug": p["slug"],
             "terms": " | ".join(dict.fromkeys(t.lower() for t in [*terms(PROVINCE, {"slug": p["slug"]}, data, L), p["slug"]]))}
            for p in order]


def home_context(data, key, L) -> dict:
    f = L.f
    leader, second, last = data.ranked[0], data.ranked[1], data.ranked[-1]
    dims = [{"name": L.dim_full(d["id"]), "lower": L.lower(L.dim_full(d["id"])), "weight": f.pct(d["weight"], 0)}
            for d in data.dims]
    half = 50
    return {
        "n": f.count(data.n), "n_dims": f.count(len(data.dims)), "dims": dims,
        "dims_text": L.join(f"{d['lower']} ({d['weight']})" if not L.zh else f"{d['name']}（{d['weight']}）" for d in dims),
        "leader": person(leader, L), "second": person(second, L), "last": person(last, L),
        "lead_gap": f.gap(leader["total"], second["total"]),
        "ratio": f.ratio(leader["total"] / last["total"]),
        "median": f.score(data.stats["total"]["median"]),
        "none_above_half": all(p["total"] < half for p in data.ranked),
        "region": regional_gap(data, L),
        "extremes": national_extremes(data, L),
        "replications": f.count(data.robust.settings.replications),
        "finder": finder_options(data, L),
    }


HOME = View(name="home", path="index.md", template="index.md", context=home_context, hand_written=True,
            group="national", nav_title=lambda data, key, L: L.t("nav.home"),
            charts=(ChartSlot("map", "map-total", specs.map_total), ChartSlot("ranking", "ranking-stacked", specs.ranking_stacked)))
