"""What each page should be found by: its names in both languages, written into the page's front
matter as ``tags``, which the theme's search weights above titles (boost 10^6 against 10^3) and does
not show on the page (no tags plugin). A reader typing a province's name in either language, the
report's spelling ("Xizang"), a dimension's name or a page's subject finds that page first.
"""
from __future__ import annotations

import json
import re

# Subjects of the pages that are not a province or a dimension, by view name: catalogue keys.
SUBJECT = {"home": "search.home", "national-figures": "search.national", "explore": "search.explore",
           "robustness": "search.robustness", "methodology": "search.methodology", "data": "search.data",
           "regions": "search.regions", "charts": "search.charts"}


def terms(view, key: dict, data, L) -> list[str]:
    """The search terms of one page, in the page's language plus the names in the other one."""
    if view.name == "province":
        p = data.by_slug[key["slug"]]
        ref = data.sources.provinces.set_index("slug").loc[p["slug"]]
        names = [p["province"], ref["name_in_report"], ref["name_zh"], ref["short_name_zh"]]
        names += [part.strip("() ") for name in names[:2] for part in str(name).split("(") if part.strip("() ")]
    elif view.name == "dimension":
        d = data.dim[key["dim"]]
        names = [d["name_zh"], d["name_en"], d["short_name_en"], d["name_in_report"]]
        if f"search.dim.{d['id']}" in L.catalogue:  # words a reader may use for it ("fiber")
            names += [t.strip() for t in L.t(f"search.dim.{d['id']}").split(",")]
    elif view.name in SUBJECT:
        names = [t.strip() for t in L.t(SUBJECT[view.name]).split(",")]
    else:
        return []
    names = [n for n in names if isinstance(n, str) and n]
    return list(dict.fromkeys(names + [word for n in names for word in words_of(n)]))


def words_of(name: str) -> list[str]:
    """A Chinese name without its last character (网络安全 -> 网络安).

    The theme's worker splits a typed Chinese query into pieces found in the index, trying every
    piece but the whole query (its loop stops one character short), so 网络安全 and 网络管理 both
    came down to 网络 and found either page. With the name less its last character in the page's
    tags, the first piece is 网络安 and, searched as a prefix, reaches 网络安全 alone."""
    if len(name) < 3 or not re.fullmatch(r"[\u4e00-\u9fff]+", name):
        return []
    return [name[:-1]]


def with_terms(text: str, names: list[str]) -> str:
    """``text`` (a page with YAML front matter) with a ``tags`` line added to the front matter."""
    if not names or not text.startswith("---\n"):
        return text
    return "---\ntags: " + json.dumps(names, ensure_ascii=False) + "\n" + text[4:]
