"""What each page should be found by: its names in both languages, written into the page's front
matter as ``tags``, which the theme's search weights above titles (boost 10^6 against 10^3) and does
not show on the page (no tags plugin). A reader typing a province's name in either language, the
report's spelling ("Xizang"), a dimension's name or a page's subject finds that page first.
"""
from __future__ import annotations

import json
import logging
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
    """The words of a Chinese name (网络安全 -> 网络, 安全): the browser splits a typed query into
    words before it looks them up, while the theme indexes a tag as one token."""
    if not re.search(r"[\u4e00-\u9fff]", name):
        return []
    try:
        import jieba  # the theme's Chinese search segments the pages with it at build time
    except ImportError:
        return []
    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.cut_for_search(name) if re.search(r"[\u4e00-\u9fff]", w) and w != name]


def with_terms(text: str, names: list[str]) -> str:
    """``text`` (a page with YAML front matter) with a ``tags`` line added to the front matter."""
    if not names or not text.startswith("---\n"):
        return text
    return "---\ntags: " + json.dumps(names, ensure_ascii=False) + "\n" + text[4:]
