"""Page weight: what the browser fetches for a page before the first interaction, raw and gzipped.

First view: the HTML, its stylesheets, scripts and images (each file once). With the interactive
charts: plus Vega and one Vega spec per chart. The search index, which the theme's bundle fetches
on its own, is reported apart (``search.*``).
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from cidi.bench.report import KB, figure, note, progress

GZIP_LEVEL = 6
PAGE_BUDGETS = {  # page type -> (first view, with interactive charts), compressed bytes
    "province": (100 * KB, 300 * KB),
    "zh.province": (100 * KB, 300 * KB),
    "embed": (60 * KB, 250 * KB),
    "zh.embed": (60 * KB, 250 * KB),
    "embed.max": (60 * KB, 250 * KB),
}
# page type -> site path; explore/ and embed/ are measured when the site has them
PAGES = {
    "home": "index.html",
    "province": "provinces/guangdong/index.html",
    "dimension": "dimensions/innovation/index.html",
    "methodology": "methodology/index.html",
    "data": "data/index.html",
    "explore": "explore/index.html",
    "zh.home": "zh/index.html",
    "zh.province": "zh/provinces/guangdong/index.html",
    "zh.embed": "zh/embed/map-total/index.html",
}
EMBED_PREFERRED = "map-total"  # the headline map: the chart most likely to be embedded, and a heavy one


class _Assets(HTMLParser):
    """What a page asks for: first view (stylesheets, scripts, images) and its interactive charts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.static: list[str] = []
        self.specs: list[str] = []
        self.vega: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v for k, v in attrs if v is not None}
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split() and a.get("href"):
            self.static.append(a["href"])
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
                data = (site / target).read_bytes()
                raw, packed = raw + len(data), packed + gzip_size(data)
        return raw, packed

    seen = {page}
    raw, packed = add(parser.static, seen)
    weight.static_raw, weight.static_gzip = len(html) + raw, gzip_size(html) + packed
    weight.requests = len(seen) - len(weight.missing)  # files fetched on first view, the page included
    vega = parser.vega or (["/assets/js/vega.min.js"] if parser.specs else [])
    raw, packed = add(vega + parser.specs, seen)
    weight.interactive_raw, weight.interactive_gzip = weight.static_raw + raw, weight.static_gzip + packed
    return weight


def embed_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "embed").glob("*/index.html"))


def page_lines(kind: str, page: str, weight: Weight) -> list[str]:
    static_budget, interactive_budget = PAGE_BUDGETS.get(kind, (None, None))
    lines = [
        figure(f"page.{kind}.static.raw", weight.static_raw, "B"),
        figure(f"page.{kind}.static.gzip", weight.static_gzip, "B", static_budget),
        figure(f"page.{kind}.interactive.raw", weight.interactive_raw, "B"),
        figure(f"page.{kind}.interactive.gzip", weight.interactive_gzip, "B", interactive_budget),
        figure(f"page.{kind}.charts", weight.charts, "charts"),
        figure(f"page.{kind}.requests", weight.requests, "files"),
    ]
    if kind.startswith("embed"):
        lines.insert(0, note(f"page.{kind}", page))
    if weight.missing:
        lines.append(note(f"page.{kind}.missing", " ".join(weight.missing)))
    if weight.external:
        lines.append(note(f"page.{kind}.external", " ".join(weight.external)))
    return lines


def bench_pages(site: Path) -> list[str]:
    progress(f"page weight of {site} ...")
    lines = []
    for kind, page in PAGES.items():
        if (site / page).is_file():
            lines += page_lines(kind, page, page_weight(site, page))
        elif kind != "explore":
            lines.append(note(f"page.{kind}.missing", page))
    embeds = embed_pages(site)
    if embeds:
        preferred = f"embed/{EMBED_PREFERRED}/index.html"
        chosen = preferred if preferred in embeds else embeds[0]
        lines += page_lines("embed", chosen, page_weight(site, chosen))
        weights = {page: page_weight(site, page) for page in embeds}
        heaviest = max(embeds, key=lambda p: (weights[p].interactive_gzip, p))
        lines += page_lines("embed.max", heaviest, weights[heaviest])
        lines.append(figure("page.embed.count", len(embeds), "pages"))
    scripts = sorted(site.rglob("*.js"))
    files = sorted(p for p in site.rglob("*") if p.is_file())
    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search*.js"))
    search = [p for p in [site / "search" / "search_index.json", *workers] if p.is_file()]
    if search:  # not in page.*: the theme's bundle fetches them at start-up, outside the HTML
        lines += [figure("search.raw", sum(p.stat().st_size for p in search), "B"),
                  figure("search.gzip", sum(gzip_size(p.read_bytes()) for p in search), "B"),
                  note("search", "the search index and worker, which the theme's bundle requests at start-up "
                                 "on pages with the search form; not included in page.*")]
    lines += [
        figure("js.files", len(scripts), "files"),
        figure("js.raw", sum(p.stat().st_size for p in scripts), "B"),
        figure("js.gzip", sum(gzip_size(p.read_bytes()) for p in scripts), "B"),
        figure("site.files", len(files), "files"),
        figure("site.raw", sum(p.stat().st_size for p in files), "B"),
        figure("site.html_pages", sum(1 for p in files if p.suffix == ".html"), "pages"),
        figure("site.charts", len(list((site / "charts").glob("*.vg.json"))), "charts"),
    ]
    return lines
