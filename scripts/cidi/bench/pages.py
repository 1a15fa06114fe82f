"""Page weight: what the browser fetches for a page before the first interaction, raw and gzipped.

First view: the HTML, its stylesheets (and the files they name with ``url()``: fonts, images), scripts
and images, each file once; and, on a page with the theme's search form that does not defer search
(``assets/js/search-on-demand.js``), the search index and worker, which the theme's bundle would fetch at
start-up. With the interactive charts: plus Vega and one Vega spec per chart. The search index and worker
are also reported apart (``search.*``). ``tests/test_budgets.py`` holds every page of ``page_types`` to
``PAGE_BUDGETS``.
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from cidi.bench.report import KB, figure, note, progress

GZIP_LEVEL = 6


def pages_from_views() -> dict[str, str]:
    """Page type -> site path of its first instance (English; the Chinese twin is "zh." + type at zh/ + path),
    from the view declarations (cidi.views), plus the 404 page."""
    from cidi.compute_indices import compute_indices
    from cidi.load_sources import load_sources
    from cidi.views import SiteData, bench_pages
    from cidi.write_package import read_metadata

    sources = load_sources()
    data = SiteData(sources, compute_indices(sources), robust=None, descriptor={}, meta=read_metadata())
    return {kind: f"{url}index.html" for kind, url in bench_pages(data).items()} | {"404": "404.html"}


PAGES = pages_from_views()
LANGUAGE_PREFIXES = {"": "", "zh.": "zh/"}  # page-type prefix -> site folder
SEARCH_ON_DEMAND = "assets/js/search-on-demand.js"  # holds the theme's search index and worker back until search opens
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
EMBED_PREFERRED = "map-total"  # the headline map: the chart most likely to be embedded, and a heavy one
# page type (either language) -> (first view, with interactive charts), gzip bytes. Each budget is about
# 8 % over the heavier language's weight when it was set (build of 5c682ad, in kB: first view / with
# charts), rounded up to 5 kB; the province page keeps its 100 kB and the embeds their 60 / 250 kB.
# The chart catalogue counts its 87 lazily loaded thumbnails (each a chart's full SVG) as first view.
PAGE_BUDGETS = {
    "home": (120 * KB, 340 * KB),  # 109.4 / 313.4
    "province": (100 * KB, 300 * KB),  # 96.8 / 279.9
    "provinces": (85 * KB, 85 * KB),  # 72.4 / 72.4; 79.1 with issue 13's tables for phones and the list by region; 80.8 with issue 17
    "dimension": (115 * KB, 340 * KB),  # 106.3 / 310.5
    "dimensions": (90 * KB, 280 * KB),  # 76.5 / 257.1; 85.1 with issue 17's embed looks, image codes and print sheet
    "regions": (90 * KB, 280 * KB),  # 76.5 / 256.9; 85.0 with issue 17 (as dimensions)
    "national-figures": (85 * KB, 85 * KB),  # 76.0 / 76.0
    "methodology": (90 * KB, 90 * KB),  # 76.4 / 76.4; 85.3 with issue 17 (as dimensions)
    "robustness": (110 * KB, 310 * KB),  # 82.8 / 265.4; issue 15 added a chart and four tables: 95.3 first view;
    # 105.5 with the column names that issue 13 writes on its table cells for phones
    "data": (100 * KB, 100 * KB),  # 81.3 / 81.3; 91.5 with issue 16's Excel advice, JSON-LD and changelog and
    # issue 15's eight new tables
    "about": (85 * KB, 85 * KB),  # 72.5 / 72.5; about 80 with issue 17 (as dimensions)
    "charts": (1180 * KB, 1180 * KB),  # 1032.7 / 1032.7; 1121.7 with the 32 charts of issue 15 (31 rank distributions)
    "explore": (110 * KB, 330 * KB),  # 99.3 / 302.6
    "404": (80 * KB, 80 * KB),  # 70.7 / 70.7
    "embed": (60 * KB, 250 * KB),  # heaviest of the 174: 23.5 / 226.6
}


class _Assets(HTMLParser):
    """What a page asks for: first view (stylesheets, scripts, images) and its interactive charts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.static: list[str] = []
        self.specs: list[str] = []
        self.vega: list[str] = []
        self.stylesheets: list[str] = []
        self.search_form = False

    def handle_starttag(self, tag, attrs):
        a = {k: v for k, v in attrs if v is not None}
        if tag == "form" and a.get("name") == "search":
            self.search_form = True
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split() and a.get("href"):
            self.static.append(a["href"])
            self.stylesheets.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            self.static.append(a["src"])
        if tag == "figure" and a.get("data-spec"):  # figure.cidi-chart on pages, figure#chart on embeds
            self.specs.append(a["data-spec"])
            if a.get("data-vega"):
                self.vega.append(a["data-vega"])


def resolve(page: str, href: str) -> str | None:
    """The site path ``href`` points at from the page at site path ``page`` (a file such as
    ``provinces/guangdong/index.html``); ``None`` for other origins and ``data:`` URLs."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    target = urlsplit(urljoin("/" + page, href)).path
    target = str(PurePosixPath(target)).lstrip("/") if target not in ("", "/") else ""
    if target == "" or href.split("?")[0].split("#")[0].endswith("/"):
        target = f"{target}/index.html".lstrip("/")
    return target


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


_SIZES: dict[tuple[Path, int, int], tuple[int, int]] = {}


def file_sizes(path: Path) -> tuple[int, int]:
    """(raw, gzip) bytes of a file; remembered while the file keeps its size and modification time
    (Vega is shared by every page)."""
    stat = path.stat()
    key = (path.resolve(), stat.st_size, stat.st_mtime_ns)
    if key not in _SIZES:
        data = path.read_bytes()
        _SIZES[key] = (len(data), gzip_size(data))
    return _SIZES[key]


@dataclass
class Weight:
    static_raw: int = 0
    static_gzip: int = 0
    interactive_raw: int = 0
    interactive_gzip: int = 0
    requests: int = 0
    charts: int = 0
    missing: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


def page_weight(site: Path, page: str) -> Weight:
    """Bytes of the page and everything its first view loads (each file once), raw and gzipped;
    then with its interactive charts (Vega plus one Vega spec per chart)."""
    html = (site / page).read_bytes()
    parser = _Assets()
    parser.feed(html.decode("utf-8"))
    weight = Weight(charts=len(parser.specs))

    def add(hrefs: list[str], seen: set[str]) -> tuple[int, int]:
        raw = packed = 0
        for href in hrefs:
            target = resolve(page, href)
            if target is None:
                weight.external.append(href)
            elif target not in seen:
                seen.add(target)
                if not (site / target).is_file():
                    weight.missing.append(target)
                    continue
                size, compressed = file_sizes(site / target)
                raw, packed = raw + size, packed + compressed
        return raw, packed

    seen = {page}
    first_view = parser.static + stylesheet_files(site, page, parser.stylesheets) + search_at_start(site, page, parser)
    raw, packed = add(first_view, seen)
    weight.static_raw, weight.static_gzip = len(html) + raw, gzip_size(html) + packed
    weight.requests = len(seen) - len(weight.missing)  # files fetched on first view, the page included
    vega = parser.vega or (["/assets/js/vega.min.js"] if parser.specs else [])
    raw, packed = add(vega + parser.specs, seen)
    weight.interactive_raw, weight.interactive_gzip = weight.static_raw + raw, weight.static_gzip + packed
    return weight


def stylesheet_files(site: Path, page: str, stylesheets: list[str]) -> list[str]:
    """The files the page's stylesheets name with ``url()`` (fonts, images), as site-absolute hrefs;
    ``data:`` URLs and fragments (SVG filters) are inside the stylesheet already."""
    found = []
    for href in stylesheets:
        css = resolve(page, href)
        if css is None or not (site / css).is_file():
            continue
        for url in CSS_URL.findall((site / css).read_text(encoding="utf-8", errors="replace")):
            if not url.startswith(("data:", "#")):
                target = resolve(css, url)
                found.append(url if target is None else "/" + target)
    return found


def search_at_start(site: Path, page: str, parser: _Assets) -> list[str]:
    """The search index and worker (site-absolute hrefs) if the theme's bundle fetches them as the page
    loads: the page has the search form and does not load ``SEARCH_ON_DEMAND``."""
    scripts = [resolve(page, href) or "" for href in parser.static]
    if not parser.search_form or any(s.endswith(SEARCH_ON_DEMAND) for s in scripts):
        return []
    bundle = next((s for s in scripts if re.search(r"assets/javascripts/bundle\.[^/]+\.js$", s)), None)
    if bundle is None:
        return []
    root = bundle[: bundle.index("assets/javascripts/")]  # "" or "zh/": the language's site
    workers = sorted((site / root / "assets" / "javascripts" / "workers").glob("search.*.js"))
    return [f"/{root}search/search_index.json"] + [f"/{w.relative_to(site).as_posix()}" for w in workers]


DEFAULT_BUDGET = PAGE_BUDGETS["home"]  # a page type added to the views without a budget of its own yet


def budget_of(kind: str) -> tuple[int, int]:
    """The budget of a page type: ``zh.province`` and ``province`` share one, ``embed.max`` is an embed."""
    return PAGE_BUDGETS.get(kind.removeprefix("zh.").removesuffix(".max"), DEFAULT_BUDGET)


def embed_pages(site: Path, prefix: str = "") -> list[str]:
    """Site paths of the embed pages of one language (``prefix`` "" or "zh.")."""
    folder = site / LANGUAGE_PREFIXES[prefix] / "embed"
    return sorted(p.relative_to(site).as_posix() for p in folder.glob("*/index.html"))


def page_types(site: Path) -> dict[str, str]:
    """Page type -> site path, in both languages: every page of ``PAGES``, the preferred embed."""
    types = {}
    for prefix, folder in LANGUAGE_PREFIXES.items():
        types |= {f"{prefix}{kind}": f"{folder}{page}" for kind, page in PAGES.items()}
        embeds = embed_pages(site, prefix)
        preferred = f"{folder}embed/{EMBED_PREFERRED}/index.html"
        types[f"{prefix}embed"] = preferred if preferred in embeds or not embeds else embeds[0]
    return types


def page_lines(kind: str, page: str, weight: Weight) -> list[str]:
    static_budget, interactive_budget = budget_of(kind)
    lines = [
        figure(f"page.{kind}.static.raw", weight.static_raw, "B"),
        figure(f"page.{kind}.static.gzip", weight.static_gzip, "B", static_budget),
        figure(f"page.{kind}.interactive.raw", weight.interactive_raw, "B"),
        figure(f"page.{kind}.interactive.gzip", weight.interactive_gzip, "B", interactive_budget),
        figure(f"page.{kind}.charts", weight.charts, "charts"),
        figure(f"page.{kind}.requests", weight.requests, "files"),
    ]
    if "embed" in kind:
        lines.insert(0, note(f"page.{kind}", page))
    if weight.missing:
        lines.append(note(f"page.{kind}.missing", " ".join(weight.missing)))
    if weight.external:
        lines.append(note(f"page.{kind}.external", " ".join(weight.external)))
    return lines


def bench_pages(site: Path) -> list[str]:
    progress(f"page weight of {site} ...")
    lines = []
    for kind, page in page_types(site).items():
        if (site / page).is_file():
            lines += page_lines(kind, page, page_weight(site, page))
        else:
            lines.append(note(f"page.{kind}.missing", page))
    for prefix in LANGUAGE_PREFIXES:
        embeds = embed_pages(site, prefix)
        if embeds:
            weights = {page: page_weight(site, page) for page in embeds}
            heaviest = max(embeds, key=lambda p: (weights[p].interactive_gzip, p))
            lines += page_lines(f"{prefix}embed.max", heaviest, weights[heaviest])
            lines.append(figure(f"page.{prefix}embed.count", len(embeds), "pages"))
    scripts = sorted(site.rglob("*.js"))
    files = sorted(p for p in site.rglob("*") if p.is_file())
    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search*.js"))
    search = [p for p in [site / "search" / "search_index.json", *workers] if p.is_file()]
    if search:  # in page.* only where a page fetches them at start-up (search_at_start)
        lines += [figure("search.raw", sum(file_sizes(p)[0] for p in search), "B"),
                  figure("search.gzip", sum(file_sizes(p)[1] for p in search), "B"),
                  note("search", "the English search index and worker, loaded when a reader opens search "
                                 f"({SEARCH_ON_DEMAND}); counted in page.* on pages that fetch them at start-up")]
    lines += [
        figure("js.files", len(scripts), "files"),
        figure("js.raw", sum(p.stat().st_size for p in scripts), "B"),
        figure("js.gzip", sum(file_sizes(p)[1] for p in scripts), "B"),
        figure("site.files", len(files), "files"),
        figure("site.raw", sum(p.stat().st_size for p in files), "B"),
        figure("site.html_pages", sum(1 for p in files if p.suffix == ".html"), "pages"),
        figure("site.charts", len(list((site / "charts").glob("*.vg.json"))), "charts"),
    ]
    return lines
