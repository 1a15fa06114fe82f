"""The national figures of Part I of the report, as printed."""
from __future__ import annotations

import pandas as pd

from cidi.views import View


def present(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


def figures_context(data, key, L) -> dict:
    f = L.f
    ni = data.sources.national_indicators.sort_values(["topic", "line"])
    rows = []
    for r in ni.to_dict("records"):
        qualifier = {"at_least": L.t("nat.over"), "approximately": L.t("nat.about")}.get(r["qualifier"], "")
        rows.append({
            "topic": L.t(f"topic.{r['topic']}"), "description": r["description_zh"] if L.zh else r["description"],
            "note": (r["note_zh"] if L.zh else r["note"]) if present(r["note"]) else "",
            "value": qualifier + f.figure(r["value"]), "unit": r["unit_zh"] if L.zh else r["unit"],
            "date": r["reference_date"], "source": r["source_zh"] if L.zh else r["source"],
            "footnote": L.t("nat.footnote", n=r["footnote"]) if present(r["footnote"]) else "",
            "flag": L.t(f"flag.{r['flag']}") if present(r["flag"]) else "",
        })
    flagged = sum(1 for r in rows if r["flag"])
    return {"title": L.t("nat.title"), "description": L.t("nat.description"),
            "intro": L.t("nat.intro", n=f.count(len(rows)), flagged=f.count(flagged)), "rows": rows,
            "score": L.t("nat.score", score=f.figure(data.national_score))}


FIGURES = View(name="national-figures", path="national-figures.md", template="national-figures.md.j2",
               context=figures_context)
