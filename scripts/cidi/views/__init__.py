"""Views: one declaration per page type, and everything that follows from the declarations.

A :class:`View` holds the page type's Markdown path pattern (its route follows from it), the list
of instances, a pure ``context`` function returning everything the page prints (already shaped and
formatted by :mod:`cidi.formatting`, as plain data) and its charts (:class:`ChartSlot`: a name, an
id pattern and the builder in :mod:`cidi.charts.specs`). Pages, navigation, chart ids and groups,
the chart catalogue, the sitemaps, the test page inventory and the benchmark page list all come
from :data:`REGISTRY`; templates print view fields only.

Adding a page type: write its module here (declaration + context), its template, and add it to
:data:`REGISTRY`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cidi.views.data import SiteData  # noqa: F401  (re-exported: the views' input)

Key = dict  # one instance of a page type: {} for single pages, {"slug": ...}, {"dim": ...}


def single(data) -> list[Key]:
    return [{}]


@dataclass(frozen=True)
class ChartSlot:
    name: str  # how the template refers to it: {{ chart("profile") }}
    id: str  # pattern filled with the page key: "province-{slug}-profile"
    build: Callable  # (data, key, L) -> dict of Chart fields (see cidi.charts.specs)
    interactive: bool = True  # False: the static SVG is all a reader needs


@dataclass(frozen=True)
class View:
    name: str  # page type, e.g. "province"
    path: str  # Markdown path pattern below docs/: "provinces/{slug}.md"
    template: str  # a file in scripts/cidi/templates/, or for hand-written pages the path under docs/
    context: Callable  # (data, key, L) -> dict: everything the page prints
    instances: Callable = single  # (data) -> list of keys
    charts: tuple[ChartSlot, ...] = ()
    group: str | None = None  # chart catalogue group
    section: str | None = None  # navigation section (message key); None: a top-level entry
    nav_title: Callable | None = None  # (data, key, L) -> str; default: the page title
    nav_keys: Callable | None = None  # (data, L) -> keys in menu order; default: the instances' order
    hand_written: bool = False  # prose in docs/ (docs/<lang>/ for translations), data from the view
    bench: bool = True  # one instance is measured for page weight (the first)

    def md(self, key: Key) -> str:
        return self.path.format(**key)

    def url(self, key: Key) -> str:
        return url_of(self.md(key))

    def chart_id(self, slot: ChartSlot, key: Key) -> str:
        return slot.id.format(**key)


def url_of(md_path: str) -> str:
    """The directory URL mkdocs gives a Markdown file: provinces/beijing.md -> provinces/beijing/."""
    stem = md_path[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def root_of(url: str) -> str:
    """Relative prefix from a page URL (directory URLs) back to the site root."""
    depth = url.strip("/").count("/") + 1 if url.strip("/") else 0
    return "../" * depth


def registry() -> tuple[View, ...]:
    from cidi.views import catalogue, dimensions, home, methodology, national, provinces, regions, reference

    return (home.HOME, provinces.INDEX, provinces.PROVINCE, dimensions.INDEX, dimensions.DIMENSION, regions.REGIONS,
            national.FIGURES, methodology.METHODOLOGY, methodology.ROBUSTNESS, methodology.EXPLORE,
            catalogue.CHARTS, reference.DATA, reference.CARD, reference.ABOUT)


def view_named(name: str) -> View:
    return next(view for view in registry() if view.name == name)


# Catalogue groups, in the order the chart catalogue lists them.
GROUPS = ("national", "dimensions", "methodology", "provinces")


def pages(data) -> list[tuple[View, Key]]:
    """Every (view, key) of the site, in registry order."""
    return [(view, key) for view in registry() for key in view.instances(data)]


def page_urls(data) -> list[str]:
    return [view.url(key) for view, key in pages(data)]


def bench_pages(data) -> dict[str, str]:
    """Page type -> URL of its first instance (what the benchmark and the budget tests measure)."""
    out = {}
    for view in registry():
        if view.bench:
            out[view.name] = view.url(view.instances(data)[0])
    return out


def make_charts(data, lang: str, on_chart: Callable | None = None) -> list:
    """Every chart of the site in one language, from the views' chart slots: the id is the slot's
    pattern filled with the page key, the page and catalogue group are the view's. ``on_chart`` is
    called with each chart as soon as it is made (the renderer starts drawing it)."""
    import altair as alt

    L = data.lang(lang)
    charts = []
    with alt.utils.schemapi.debug_mode(False):  # no validation of every object as it is made (the tests validate the specs)
        for view, key in pages(data):
            for slot in view.charts:
                chart = slot.build(data, key, L, view.chart_id(slot, key))
                chart.page, chart.group, chart.interactive = view.url(key), view.group, slot.interactive
                charts.append(chart)
                if on_chart is not None:
                    on_chart(chart)
    ids = [c.id for c in charts]
    assert len(ids) == len(set(ids)), "chart ids must be unique"
    return charts


def navigation(data, L) -> list:
    """The menu: registry order; views of one section are grouped under its title."""
    nav: list = []
    sections: dict[str, list] = {}
    for view in registry():
        keys = view.nav_keys(data, L) if view.nav_keys else view.instances(data)
        for key in keys:
            title = view.nav_title(data, key, L) if view.nav_title else view.context(data, key, L)["title"]
            entry = {title: view.md(key)}
            if view.section is None:
                nav.append(entry)
            else:
                if view.section not in sections:
                    sections[view.section] = []
                    nav.append({L.t(view.section): sections[view.section]})
                sections[view.section].append(entry)
    return nav


def chart_ids(data) -> list[str]:
    """Every chart id of the site, without building the charts (for the tests and the catalogue count)."""
    return [view.chart_id(slot, key) for view, key in pages(data) for slot in view.charts]


def charts_cache_key(data, lang: str) -> str:
    """What a language's chart specs depend on: the data the builders read (pickled, so any change to a
    value or a name misses), the builders' and views' code, the message catalogue and Altair's version."""
    import hashlib
    import pickle
    from pathlib import Path

    import altair

    from cidi import paths

    digest = hashlib.sha256(f"{lang}|{altair.__version__}".encode())
    s, r = data.sources, data.robust
    for part in (s.dimensions, s.provinces, s.scores, s.province_mentions, s.national_indicators, s.tiles,
                 data.indices.scores, data.indices.scores_long, data.indices.region_summary,
                 data.indices.dimension_statistics, data.indices.correlations, data.meta.get("region_names_zh"),
                 None if r is None else (r.settings, r.rank_uncertainty, r.dimension_importance, r.rank_tiers,
                                         r.rank_distribution, r.weight_free_order, r.rank_bounds)):
        digest.update(pickle.dumps(part, protocol=5))
    code = Path(paths.TEMPLATES).parent
    for path in sorted([*code.glob("charts/*.py"), *code.glob("views/*.py"), *code.glob("i18n/*"),
                        code / "formatting.py"]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:32]


def make_charts_cached(data, lang: str, cache, on_chart: Callable | None = None) -> list:
    """:func:`make_charts`, or the same charts from ``cache`` (a folder) when nothing they depend on
    changed (``on_chart`` is then not called)."""
    import pickle

    if cache is None:
        return make_charts(data, lang, on_chart)
    path = cache / f"specs-{lang}-{charts_cache_key(data, lang)}.pickle"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    charts = make_charts(data, lang, on_chart)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"specs-{lang}-*.pickle"):  # one entry per language: the latest
        old.unlink()
    path.write_bytes(pickle.dumps(charts, protocol=5))
    return charts
