"""The province pages and the list of provinces."""
from __future__ import annotations

from cidi.charts import specs
from cidi.robustness import TIED_HIGH, TIED_LOW
from cidi.views.robustness_lines import robustness_lines
from cidi.views import ChartSlot, View


def other_name(p: dict, L) -> dict:
    """The province's name in the other language, for the heading."""
    return {"text": p["province"] if L.zh else p["province_zh"], "lang": "en" if L.zh else "zh-Hans"}


def relative(p: dict, data, L) -> dict:
    """Relative strength and weakness: the dimensions ranked best and worst against the overall rank."""
    strong, weak = data.scores_by[(p["adcode"], p["strongest_dimension"])], data.scores_by[(p["adcode"], p["weakest_dimension"])]
    return {"strength": L.dim(strong["dimension"]), "strength_full": L.dim_full(strong["dimension"]),
            "strength_rank": L.f.rank(strong["rank"]), "weakness": L.dim(weak["dimension"]),
            "weakness_full": L.dim_full(weak["dimension"]), "weakness_rank": L.f.rank(weak["rank"])}


def index_context(data, key, L) -> dict:
    rows = [{"rank": L.f.rank(p["rank"]), "name": L.province_full(p["province"]), "other": other_name(p, L),
             "slug": p["slug"], "region": L.region(p["region"]), "total": L.f.score(p["total"]), **relative(p, data, L)}
            for p in data.ranked]
    by_region = [{"name": L.region(r), "count": L.f.count(len(data.members(r))),
                  "members": [{"name": L.province_full(p["province"]), "other": other_name(p, L), "slug": p["slug"],
                               "rank": L.f.rank(p["rank"])} for p in data.members(r)]}
                 for r in data.regions]
    return {"title": L.t("provs.title"), "description": L.t("provs.description", n=data.n),
            "intro": L.t("provs.intro", n=data.n, not_assessed=data.not_assessed(L)), "rows": rows,
            "by_region": by_region}


def csv_name(slug: str) -> str:
    """The file of a province's rows, written beside its page (make_pages) and linked from it."""
    return f"cidi-{slug}.csv"


def province_context(data, key, L) -> dict:
    p = data.by_slug[key["slug"]]
    f, n, i = L.f, data.n, data.ranked.index(p)
    name = L.province(p["province"])
    above = data.ranked[i - 1] if i > 0 else None
    below = data.ranked[i + 1] if i + 1 < n else None
    region_members = data.members(p["region"])
    region_mean = data.region_mean(p["region"])
    median = data.stats["total"]["median"]
    u = data.uncertainty[p["adcode"]]
    rel = relative(p, data, L)

    facts = [
        {"value": L.t("prov.fact.rank_value", rank=f.rank(p["rank"]), n=n), "label": L.t("prov.fact.rank", n=n)},
        {"value": L.t("prov.fact.points", value=f.score(p["total"])), "label": L.t("prov.fact.total")},
        {"value": L.t("prov.fact.rank_value", rank=region_members.index(p) + 1, n=len(region_members)),
         "label": L.t("prov.fact.region_rank", region=L.region(p["region"]), n=len(region_members))},
        {"value": L.t("prov.fact.points", value=f.gap(p["total"], below["total"])),
         "label": L.t("prov.fact.ahead", name=L.province(below["province"]), rank=f.rank(below["rank"]))}
        if above is None else
        {"value": L.t("prov.fact.points", value=f.gap(data.ranked[0]["total"], p["total"])),
         "label": L.t("prov.fact.behind", name=L.province(data.ranked[0]["province"]))},
    ]

    if u["rank_p05"] == u["rank_p95"]:
        lead = [L.t("prov.lead.rank_fixed", rank=f.rank(p["rank"]), n=n)]
    else:
        lead = [L.t("prov.lead.rank_range", rank=f.rank(p["rank"]), n=n, low=f.rank(u["rank_p05"]),
                    high=f.rank(u["rank_p95"]))]
    sentence = L.t("prov.lead.score", name=name, region=L.region(p["region"]), total=f.score(p["total"]))
    to_median = f.gap_value(p["total"], median)
    if to_median > 0:
        sentence += L.t("prov.lead.above_median", gap=f.gap(p["total"], median), median=f.score(median))
    elif to_median < 0:
        sentence += L.t("prov.lead.below_median", gap=f.gap(median, p["total"]), median=f.score(median))
    else:
        sentence += L.t("prov.lead.at_median", median=f.score(median))
    region = L.region(p["region"])
    to_region = f.gap_value(p["total"], region_mean)
    if to_region > 0:
        sentence += L.t("prov.lead.above_region", gap=f.gap(p["total"], region_mean), region=region,
                        mean=f.score(region_mean))
    elif to_region < 0:
        sentence += L.t("prov.lead.below_region", gap=f.gap(region_mean, p["total"]), region=region,
                        mean=f.score(region_mean))
    else:
        sentence += L.t("prov.lead.at_region", region=region, mean=f.score(region_mean))
    lead.append(sentence)
    lead.append(L.t("prov.lead.relative", strong=L.lower(rel["strength_full"]), strong_rank=rel["strength_rank"],
                    weak=L.lower(rel["weakness_full"]), weak_rank=rel["weakness_rank"]))

    rows = []
    for d in data.dims:
        s = data.scores_by[(p["adcode"], d["id"])]
        rows.append({"id": d["id"], "name": L.dim_full(d["id"]), "score": f.score(s["score"]),
                     "maximum": f.count(d["weight"]), "attainment": f.pct(s["score"] / d["weight"] * 100),
                     "rank": f.rank(s["rank"]), "median": f.score(data.stats[d["id"]]["median"]),
                     "region_mean": f.score(data.region_mean(p["region"], d["id"]))})
    total_row = {"score": f.score(p["total"]), "maximum": f.count(100), "attainment": f.pct(p["total"]),
                 "rank": f.rank(p["rank"]), "median": f.score(median), "region_mean": f.score(region_mean)}
    if f.gap_value(p["total"], p["recomputed_total"]) != 0:
        note = L.t("prov.note.weighted_residual", sum=f.score(p["recomputed_total"]), residual=f.signed(p["residual"]))
    else:
        note = L.t("prov.note.weighted_exact", sum=f.score(p["recomputed_total"]))

    def neighbour(q, kind):
        gap = f.gap(q["total"], p["total"]) if kind == "ahead" else f.gap(p["total"], q["total"])
        return {"rank": L.rank(q["rank"]), "name": L.province(q["province"]), "slug": q["slug"],
                "total": f.score(q["total"]), "gap": L.t(f"prov.neighbour.{kind}", gap=gap)}

    robust = robustness_lines(p, data, L)
    dom = data.robust.pairwise_dominance
    tied = dom[(dom["adcode_a"] == p["adcode"]) & dom["share_a_above_b"].between(TIED_LOW, TIED_HIGH)]
    tied_rows = sorted(({"name": L.province(data.by_code[r["adcode_b"]]["province"]), "slug": data.slug(r["adcode_b"]),
                         "rank": data.by_code[r["adcode_b"]]["rank"],
                         "text": L.t("prov.tied.item", rank=f.rank(data.by_code[r["adcode_b"]]["rank"]), name=name,
                                     share=f.share(1 - r["share_a_above_b"], 0))}
                        for r in tied.to_dict("records")), key=lambda r: r["rank"])
    band = {"low": f.share(TIED_LOW, 0), "high": f.share(TIED_HIGH, 0)}
    drop = data.robust.rank_without_dimension
    without = []
    for r in drop[drop["adcode"] == p["adcode"]].to_dict("records"):
        change = int(r["change_from_published"])
        without.append({"dimension": L.dim_full(r["dropped_dimension"]), "rank": f.rank(r["rank"]),
                        "change": L.t("prov.without.up", n=change) if change > 0 else
                        L.t("prov.without.down", n=-change) if change < 0 else L.t("prov.without.same")})
    mentions = [{"dimension": L.dim_full(m["dimension"]), "text": m["summary_zh"] if L.zh else m["summary"],
                 "section": m["section_zh"] if L.zh else m["section"]}
                for m in data.mentions if m["adcode"] == p["adcode"]]
    return {
        "title": L.province_full(p["province"]),
        "description": L.t("prov.description", name=L.province_full(p["province"]), rank=f.rank(p["rank"]), n=n,
                           total=f.score(p["total"])),
        "other": other_name(p, L), "slug": p["slug"], "name": name, "facts": facts,
        "lead": ("" if L.zh else " ").join(lead),  # one paragraph; Chinese sentences need no space between them
        "columns": {"rank": L.t("prov.col.rank", n=n), "region_mean": L.t("prov.col.region_mean", region=region)},
        "rows": rows, "total": total_row, "note": note,
        "above": neighbour(above, "ahead") if above else None,
        "self": {"rank": L.rank(p["rank"]), "total": f.score(p["total"])},
        "below": neighbour(below, "behind") if below else None,
        "robust": robust,
        "tied_intro": L.t("prov.close.intro", name=name, **band) if tied_rows else L.t("prov.close.none", name=name, **band),
        "tied": tied_rows,
        "without_intro": L.t("prov.without.intro", rank=f.rank(p["rank"])),
        "without_change": L.t("prov.without.change", rank=f.rank(p["rank"])),
        "without": without,
        "mentions": mentions,
        "mentions_none": L.t("prov.report.none", name=name),
        "data_rows": L.t("prov.data.rows", name=name),
        "csv": csv_name(p["slug"]),
    }


def province_keys(data) -> list[dict]:
    return [{"slug": p["slug"]} for p in data.ranked]


def province_nav(data, key, L) -> str:
    return L.province_full(data.by_slug[key["slug"]]["province"])


def nav_order(data, L) -> list[dict]:
    """Provinces in the menu: alphabetical in English, by code (the customary order) in Chinese."""
    ordered = sorted(data.ranked, key=lambda p: p["adcode"] if L.zh else p["province"])
    return [{"slug": p["slug"]} for p in ordered]


INDEX = View(name="provinces", path="provinces/index.md", template="provinces-index.md.j2", context=index_context,
             section="provs.title", nav_title=lambda data, key, L: L.t("prov.pager.all"))
PROVINCE = View(
    name="province", path="provinces/{slug}.md", template="province.md.j2", context=province_context,
    instances=province_keys, group="provinces", section="provs.title", nav_title=province_nav, nav_keys=nav_order,
    charts=(ChartSlot("profile", "province-{slug}-profile", specs.province_profile),
            ChartSlot("locator", "province-{slug}-locator", specs.province_locator),  # interactive: its tiles link to the provinces
            ChartSlot("ranks", "province-{slug}-ranks", specs.rank_distribution)),
)
