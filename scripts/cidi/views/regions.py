"""The regions page: the four NBS regions compared."""
from __future__ import annotations

from cidi.charts import specs
from cidi.compute_indices import NATIONAL, TOTAL
from cidi.views import ChartSlot, View
from cidi.views.home import regional_gap
from cidi.views.provinces import relative


def regions_context(data, key, L) -> dict:
    f = L.f
    means = {r: f.score(data.region_mean(r)) for r in data.regions}
    gap = regional_gap(data, L)
    intro = L.t("regions.intro", n=f.count(len(data.regions)), means=L.join(
        L.t("regions.mean_item", region=L.region(r), mean=means[r]) for r in data.regions),
        high=gap["high"], top_n=gap["top_n"], top=gap["top_in_high"])
    rows = [{"id": d["id"], "name": L.dim_full(d["id"]), "maximum": f.count(d["weight"]),
             "means": [f.score(data.region_mean(r, d["id"])) for r in data.regions],
             "national": f.score(data.region_mean(NATIONAL, d["id"]))} for d in data.dims]
    total = {"maximum": f.count(100), "means": [f.score(data.region_mean(r, TOTAL)) for r in data.regions],
             "national": f.score(data.region_mean(NATIONAL, TOTAL))}
    groups = [{"name": L.region(r), "members": [
        {"rank": f.rank(p["rank"]), "name": L.province_full(p["province"]), "slug": p["slug"], "total": f.score(p["total"]),
         **relative(p, data, L)} for p in data.members(r)]} for r in data.regions]
    return {"title": L.t("regions.title"), "description": L.t("regions.description"), "intro": intro,
            "regions": [L.region(r) for r in data.regions], "all": L.t("regions.col.all", n=data.n),
            "rows": rows, "total": total, "groups": groups}


REGIONS = View(name="regions", path="regions.md", template="regions.md.j2", context=regions_context, group="national",
               charts=(ChartSlot("regions", "regions-total", specs.regions_total),))
