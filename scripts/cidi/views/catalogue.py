"""The chart catalogue: every chart of every view, by group."""
from __future__ import annotations

from cidi.views import View


def catalogue_context(data, key, L) -> dict:
    """The catalogue's text; the charts themselves are listed by make_pages, once they are rendered."""
    from cidi.views import pages

    n = L.f.count(sum(len(view.charts) for view, _ in pages(data)))
    return {"title": L.t("charts.title"), "description": L.t("charts.description", n=n), "intro": L.t("charts.intro", n=n)}


CHARTS = View(name="charts", path="charts/index.md", template="charts.md.j2", context=catalogue_context)
