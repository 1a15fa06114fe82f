"""The national figures of Part I of the report, as printed."""
from __future__ import annotations

import pandas as pd

from cidi.load_sources import TOPICS_BEYOND_DIMENSIONS
from cidi.views import View


def present(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


# Chinese units that are an English multiplier word translated (百万个, 十亿户, 万亿元人民币): a Chinese
# page prints such a figure in 万/亿 of its base unit instead (7.39亿个), from value_base.
MULTIPLIED_ZH = ("百万", "十亿", "万亿")


def amount(r, units, L) -> tuple[str, str]:
    """(value, unit) of a national figure as this language prints it, both from ``value_base``: in the
    printed unit (739 million ports, 100 Tbps), or on a Chinese page in 万/亿 of the base unit (7.39亿个)."""
    unit = units[(r["unit"], r["unit_zh"])]
    if L.zh and (r["unit_zh"].startswith(MULTIPLIED_ZH) or unit["factor"] == 1):
        return L.f.amount(r["value_base"]), unit["base_unit_zh"]
    return L.f.amount(r["value_base"], unit["factor"]), r["unit_zh"] if L.zh else r["unit"]


def figures_context(data, key, L) -> dict:
    f = L.f
    topics = list(data.sources.dimensions["id"]) + list(TOPICS_BEYOND_DIMENSIONS)  # Table 1's order, not the alphabet
    ni = data.sources.national_indicators.assign(_topic=lambda t: t["topic"].map(topics.index))
    ni = ni.sort_values(["_topic", "line"])
    units = {(u["unit"], u["unit_zh"]): u for u in data.sources.units.to_dict("records")}
    rows = []
    for r in ni.to_dict("records"):
        qualifier = {"at_least": L.t("nat.over"), "approximately": L.t("nat.about")}.get(r["qualifier"], "")
        value, unit = amount(r, units, L)
        rows.append({
            "topic": L.t(f"topic.{r['topic']}"), "description": r["description_zh"] if L.zh else r["description"],
            "note": (r["note_zh"] if L.zh else r["note"]) if present(r["note"]) else "",
            "value": qualifier + value, "unit": unit, "date": f.date(r["reference_date"]) + ("" if r["reference_date_printed"] else "\\*"), "source": r["source_zh"] if L.zh else r["source"],
            "footnote": L.t("nat.footnote", n=r["footnote"]) if present(r["footnote"]) else "",
            "flag": L.t(f"flag.{r['flag']}") if present(r["flag"]) else "",
        })
    flagged = sum(1 for r in rows if r["flag"])
    return {"title": L.t("nat.title"), "description": L.t("nat.description"),
            "intro": L.t("nat.intro", n=f.count(len(rows)), flagged=f.count(flagged)), "rows": rows,
            "score": L.t("nat.score", score=f.figure(data.national_score)),
            "date_note": L.t("nat.date_note") if not ni["reference_date_printed"].all() else ""}


FIGURES = View(name="national-figures", path="national-figures.md", template="national-figures.md.j2",
               context=figures_context)
