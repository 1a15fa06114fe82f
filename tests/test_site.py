"""The built site (``build/site``), read as files: pages, numbers, metadata, links, downloads, charts.

No browser: pages are parsed with the standard library's ``html.parser``. ``make test`` builds the
site first; run ``make build`` before ``pytest tests/test_site.py`` on its own.
"""
from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from cidi.redirects import aliases
from cidi.views import SiteData, chart_ids, page_urls
from cidi.write_package import read_metadata
from htmlevents import replay
from pagetext import visible_runs

NOT_ASSESSED_SLUGS = {"hong-kong", "macao", "taiwan"}
DOWNLOAD_SUFFIXES = (".csv", ".parquet", ".zip", ".json", ".png", ".svg", ".yml")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LEFTOVER_VALUE = re.compile(r"(?<![\w-])(nan|NaN|None)(?![\w-])")
LEFTOVER_JINJA = ("{{", "{%", "}}", "%}")


# --- parsing ---------------------------------------------------------------------------------------------

class Page(HTMLParser):
    """What the tests need from one HTML page: elements, ids, text, tables, chart figures."""

    def __init__(self, source: str, replayed: bool = True):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []  # outside <script> and <style>
        self.tables: list[list[list[str]]] = []
        self.figures: list[dict] = []
        self.title: str | None = None
        self.html_lang: str | None = None
        self._stack: list[str] = []
        self._skip = 0  # inside <script>/<style>
        self._in_title = False
        self._cell: list[str] | None = None
        self._figure: dict | None = None
        self._figure_depth = 0
        self._details_depth = 0
        if replayed:
            replay(self, source)
        else:
            self.feed(source)
            self.close()

    # elements
    def handle_starttag(self, tag, attrs):
        attributes = {k: (v if v is not None else "") for k, v in attrs}
        self.elements.append((tag, attributes))
        for key in ("id", "name"):
            if key in attributes and tag != "meta" and tag not in ("input", "form", "button", "select", "textarea"):
                self.ids.add(attributes[key])
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "title" and self.title is None:
            self._in_title, self.title = True, ""
        classes = attributes.get("class", "").split()
        if tag == "figure" and "cidi-chart" in classes:
            self._figure = {"attrs": attributes, "imgs": [], "figcaption": "", "data_tables": 0, "has_details": False}
            self._figure_depth = len(self._stack) + 1
            self.figures.append(self._figure)
        if self._figure is not None:
            if tag == "img":
                self._figure["imgs"].append(attributes)
            if tag == "figcaption":
                self._figure["figcaption_open"] = True
            if tag == "details" and "cidi-chart__data" in classes:
                self._figure["has_details"] = True
                self._details_depth = len(self._stack) + 1
            if tag == "table" and self._details_depth:
                self._figure["data_tables"] += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        if tag not in VOID:
            self._stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if self._figure is not None and tag == "figcaption":
            self._figure["figcaption_open"] = False
        # pop to the matching tag (html.parser does not fix up unclosed elements)
        if tag in self._stack:
            while self._stack:
                closed = self._stack.pop()
                depth = len(self._stack) + 1
                if closed == "details" and depth == self._details_depth:
                    self._details_depth = 0
                if closed == "figure" and depth == self._figure_depth:
                    self._figure, self._figure_depth = None, 0
                if closed == tag:
                    break

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._in_title:
            self.title += data
        if self._cell is not None:
            self._cell.append(data)
        if self._figure is not None and self._figure.get("figcaption_open"):
            self._figure["figcaption"] += data

    # queries
    def meta(self, key: str, value: str) -> list[str]:
        return [a.get("content", "") for t, a in self.elements if t == "meta" and a.get(key) == value]

    def table_with(self, *headings: str) -> list[list[str]]:
        for table in self.tables:
            if table and all(h in table[0] for h in headings):
                return table
        raise AssertionError(f"no table with the headings {headings}")


_pages: dict[Path, Page] = {}


def parse(path: Path) -> Page:
    if path not in _pages:
        _pages[path] = Page(path.read_text(encoding="utf-8"))
    return _pages[path]


def number(value: float, digits: int = 2) -> str:
    """The site's number format (cidi.make_pages.number)."""
    return f"{float(value):,.{digits}f}"


# --- fixtures ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def html_files(site_dir) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


@pytest.fixture(scope="session")
def scores(site_dir) -> pd.DataFrame:
    return pd.read_csv(site_dir / "data" / "scores.csv", dtype={"adcode": str})


@pytest.fixture(scope="session")
def scores_long(site_dir) -> pd.DataFrame:
    return pd.read_csv(site_dir / "data" / "scores-long.csv", dtype={"adcode": str})


@pytest.fixture(scope="session")
def dimensions(site_dir) -> pd.DataFrame:
    return pd.read_csv(site_dir / "data" / "dimensions.csv").sort_values("order")


def rel(site_dir: Path, path: Path) -> str:
    return path.relative_to(site_dir).as_posix()


def resolve(site_dir: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file an internal link points to and its fragment; None for external or non-file links."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:", "data:", "tel:")):
        return None
    path = unquote(parts.path)
    if not path:
        target = page
    elif path.startswith("/"):
        target = site_dir / path.lstrip("/")
    else:
        target = page.parent / path
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.resolve(), unquote(parts.fragment)


# --- the pages --------------------------------------------------------------------------------------------

def expected_pages(sources, indices) -> set[str]:
    """Every page of one language, from the view declarations: each page, and an embed page per chart."""
    data = SiteData(sources, indices, robust=None, descriptor={}, meta=read_metadata())
    pages = {"404.html"} | {f"{url}index.html" for url in page_urls(data)}
    return pages | {f"embed/{chart}/index.html" for chart in chart_ids(data)}


def test_the_site_has_exactly_the_expected_pages(site_dir, html_files, sources, indices):
    expected = expected_pages(sources, indices)
    expected |= {f"zh/{page}" for page in expected}  # the Chinese twin of every page (tests/test_i18n.py)
    built = {rel(site_dir, p) for p in html_files}
    assessed = set(sources.provinces.loc[sources.provinces["assessed"], "slug"])
    assert {p.split("/")[1] for p in expected if re.fullmatch(r"provinces/[^/]+/index\.html", p)} == assessed
    redirects = {f"provinces/{other}/index.html" for other in aliases(sources.provinces)}  # provinces/xizang/ -> tibet
    expected |= redirects | {f"zh/{page}" for page in redirects}
    assert sorted(expected - built) == [], "pages missing"
    assert sorted(built - expected) == [], "pages nobody asked for"
    assert (site_dir / "sitemap.xml").is_file()
    search = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert {d["location"].split("#")[0] for d in search["docs"]} >= {"", "provinces/guangdong/", "data/"}


def test_no_page_for_regions_not_assessed(site_dir, sources):
    not_assessed = set(sources.provinces.loc[~sources.provinces["assessed"], "slug"])
    assert not_assessed == NOT_ASSESSED_SLUGS
    for slug in sorted(not_assessed):
        assert not (site_dir / "provinces" / slug).exists(), slug
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert not re.search(r"/provinces/(hong-kong|macao|taiwan)/", sitemap)


def test_sitemap_lists_every_generated_page(site_dir, sources, indices):
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    locations = {urlsplit(u).path.lstrip("/") for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)}
    wanted = {p[: -len("index.html")] for p in expected_pages(sources, indices)
              if p.endswith("index.html") and not p.startswith("embed/")}
    assert sorted(wanted - locations) == []


# --- the numbers ------------------------------------------------------------------------------------------

def test_each_province_page_shows_its_total_rank_and_dimension_scores(site_dir, scores, scores_long, dimensions):
    assert len(scores) == 31
    for row in scores.to_dict("records"):
        page = parse(site_dir / "provinces" / row["slug"] / "index.html")
        assert page.title.startswith(row["province"]), page.title
        table = page.table_with("Dimension", "Score", "Attainment")
        header, body = table[0], {r[0]: r for r in table[1:]}
        score_col, rank_col = header.index("Score"), next(i for i, h in enumerate(header) if h.startswith("Rank"))
        long = scores_long[scores_long["adcode"] == row["adcode"]].set_index("dimension")
        for d in dimensions.to_dict("records"):
            cells = body[d["name_en"]]
            assert cells[score_col] == number(row[d["id"]]), (row["slug"], d["id"], cells)
            assert cells[rank_col] == str(long.loc[d["id"], "rank"]), (row["slug"], d["id"], cells)
        total = body["Total"]
        # e.g. Guangdong: "45.19", rank "1"
        assert total[score_col] == number(row["total"]), (row["slug"], total)
        assert total[rank_col] == str(row["rank"]), (row["slug"], total)
        text = " ".join(" ".join(page.text).split())
        assert f"Rank {row['rank']} of 31" in text
        assert f"{row['rank']} of 31 Rank in 2017" in text  # the key fact
        assert f"{number(row['total'])} Total score (of 100)" in text


def test_guangdong_page_shows_the_published_numbers(site_dir):
    """Hand-checked against Table 2 of the report: Guangdong, rank 1, 45.19 points."""
    page = parse(site_dir / "provinces" / "guangdong" / "index.html")
    table = page.table_with("Dimension", "Score")
    rows = {r[0]: r[1] for r in table[1:]}
    assert rows["Total"] == "45.19"
    assert rows["Infrastructure construction"] == "5.75"
    assert rows["Internet application"] == "16.27"


def test_leader_key_fact_shows_its_lead(site_dir, scores):
    leader, second = scores.sort_values("rank").iloc[0], scores.sort_values("rank").iloc[1]
    text = " ".join(" ".join(parse(site_dir / "provinces" / leader["slug"] / "index.html").text).split())
    lead = number(leader["total"] - second["total"])
    assert f"{lead} Points ahead of {second['province']}" in text, "the big number should be the lead"


def test_each_dimension_page_shows_its_weight_and_top_province(site_dir, dimensions, scores_long):
    for d in dimensions.to_dict("records"):
        page = parse(site_dir / "dimensions" / d["id"] / "index.html")
        text = " ".join(" ".join(page.text).split())
        assert f"{d['weight']} % Weight in the index" in text, d["id"]
        rows = scores_long[scores_long["dimension"] == d["id"]].sort_values(["rank", "province"])
        top = rows.iloc[0]
        assert f"{number(top['score'])} Highest: {top['province']}" in text, d["id"]
        top_five = page.table_with("Top 5", "Score")
        assert top_five[1][0] == f"1. {top['province']}", top_five[1]
        assert top_five[1][1] == number(top["score"])
        assert page.title.startswith(d["name_en"])


def test_dimensions_index_lists_every_weight(site_dir, dimensions):
    table = parse(site_dir / "dimensions" / "index.html").table_with("Dimension", "Weight")
    weight_col = table[0].index("Weight")
    assert {r[0]: r[weight_col] for r in table[1:]} == {d["name_en"]: f"{d['weight']} %"
                                                        for d in dimensions.to_dict("records")}


# --- no template leftovers, metadata ---------------------------------------------------------------------

def test_no_template_leftovers_or_missing_values(site_dir, html_files):
    problems = []
    for path in html_files:
        page = parse(path)
        text = " ".join(page.text)
        attributes = [f"{k}={v}" for _, attrs in page.elements for k, v in attrs.items()]
        for where, chunk in [("text", text)] + [("attribute", a) for a in attributes]:
            if m := LEFTOVER_VALUE.search(chunk):
                problems.append(f"{rel(site_dir, path)}: {where} has {m.group(0)!r}: …{chunk[max(0, m.start() - 60):m.end() + 40]}…")
            for token in LEFTOVER_JINJA:
                if token in chunk:
                    i = chunk.index(token)
                    problems.append(f"{rel(site_dir, path)}: {where} has {token!r}: …{chunk[max(0, i - 60):i + 40]}…")
    assert problems == [], "\n".join(problems[:30])


def test_every_page_has_title_description_and_open_graph(site_dir, html_files):
    problems = []
    for path in html_files:
        page, name = parse(path), rel(site_dir, path)
        if not (page.html_lang in ("zh", "zh-Hans") if name.startswith("zh/") else page.html_lang == "en"):
            problems.append(f"{name}: html lang={page.html_lang!r}")
        if not (page.title or "").strip():
            problems.append(f"{name}: no <title>")
        if not any(c.strip() for c in page.meta("name", "description")):
            problems.append(f"{name}: no meta description")
        if "noindex" in " ".join(page.meta("name", "robots")):
            continue  # chart embeds are for iframes, not for sharing
        for prop in ("og:title", "og:description"):
            if not any(c.strip() for c in page.meta("property", prop)):
                problems.append(f"{name}: no {prop}")
    assert problems == [], "\n".join(problems)


def icon_problems(site_dir: Path, pages: list[Path]) -> list[str]:
    """Pages without a <link rel=icon> to an existing file (browsers then ask for /favicon.ico: a 404)."""
    problems = []
    for path in pages:
        icons = [a.get("href", "") for t, a in parse(path).elements
                 if t == "link" and "icon" in a.get("rel", "").split()]
        targets = [resolve(site_dir, path, href) for href in icons]
        if not icons or not all(t is not None and t[0].is_file() for t in targets):
            problems.append(f"{rel(site_dir, path)}: icon links {icons}")
    return problems


def test_every_page_declares_an_icon(site_dir, html_files):
    pages = [p for p in html_files if not rel(site_dir, p).startswith("embed/")]
    assert icon_problems(site_dir, pages) == []


def test_embed_pages_declare_an_icon(site_dir, html_files):
    pages = [p for p in html_files if rel(site_dir, p).startswith("embed/")]
    assert pages, "no embed pages"
    assert icon_problems(site_dir, pages) == []


def test_every_share_image_exists(site_dir, html_files):
    """og:image is absolute (site_url + path); the picture behind it is in the site."""
    images = {}
    for path in html_files:
        for url in parse(path).meta("property", "og:image"):
            images[rel(site_dir, path)] = url
    assert {"index.html", "provinces/guangdong/index.html", "regions/index.html"} <= set(images)
    missing = [f"{page}: {url}" for page, url in images.items()
               if not urlsplit(url).scheme or not (site_dir / unquote(urlsplit(url).path).lstrip("/")).is_file()]
    assert missing == []


def test_page_descriptions_are_specific(site_dir, scores):
    """Generated pages describe themselves, not the site (the fallback is the site description)."""
    for row in scores.to_dict("records"):
        page = parse(site_dir / "provinces" / row["slug"] / "index.html")
        [description] = page.meta("name", "description")
        assert description.startswith(f"{row['province']} ranks {row['rank']} of 31"), description
        assert page.meta("property", "og:description") == [description]


# --- links and downloads ----------------------------------------------------------------------------------

def internal_links(site_dir: Path, html_files: list[Path]):
    for path in html_files:
        for tag, attrs in parse(path).elements:
            for key in ("href", "src"):
                url = attrs.get(key)
                if url is None or url == "#" or (tag == "link" and attrs.get("rel") == "canonical" and url.startswith("http")):
                    continue
                target = resolve(site_dir, path, url)
                if target is not None:
                    yield path, tag, url, target


def test_every_internal_link_resolves(site_dir, html_files):
    broken, anchors = [], []
    checked = 0
    for path, tag, url, (target, fragment) in internal_links(site_dir, html_files):
        checked += 1
        if not target.is_file():
            broken.append(f"{rel(site_dir, path)}: <{tag}> {url}")
        elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
            anchors.append(f"{rel(site_dir, path)}: <{tag}> {url} (no id {fragment!r} in {rel(site_dir, target)})")
    assert checked > 1000
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(broken[:40])
    assert anchors == [], f"{len(anchors)} missing anchors:\n" + "\n".join(anchors[:40])


def test_every_download_link_points_to_a_file(site_dir, html_files):
    downloads, missing = set(), []
    for path, tag, url, (target, _) in internal_links(site_dir, html_files):
        if tag == "a" and urlsplit(url).path.endswith(DOWNLOAD_SUFFIXES):
            downloads.add(target)
            if not target.is_file() or target.stat().st_size == 0:
                missing.append(f"{rel(site_dir, path)}: {url}")
    assert missing == []
    names = {rel(site_dir, t) for t in downloads}
    # the data page links every table; a province page its own rows
    assert {"data/scores.csv", "data/scores.parquet", "data/cidi-data.zip", "data/datapackage.json",
            "provinces/guangdong/cidi-guangdong.csv", "charts/map-total.png", "charts/map-total.svg"} <= names


def test_province_csv_is_the_province_rows_of_scores_long(site_dir, scores):
    long = (site_dir / "data" / "scores-long.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    for row in scores.to_dict("records"):
        mine = (site_dir / "provinces" / row["slug"] / f"cidi-{row['slug']}.csv").read_text(encoding="utf-8")
        expected = [long[0]] + [line for line in long[1:] if line.startswith(row["adcode"] + ",")]
        assert mine.splitlines(keepends=True) == expected, row["slug"]


def test_sha256sums_match_the_data_files(site_dir):
    data = site_dir / "data"
    listed = {}
    for line in (data / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    for name, digest in listed.items():
        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == digest, name
    files = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}
    # the Data page (data/index.html) and the data card page live beside the package; they are the site's
    assert files - set(listed) == {"SHA256SUMS", "index.html", "card/index.html"}


# --- nothing loaded from another host ---------------------------------------------------------------------

EXTERNAL_HOSTS = re.compile(r"fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com|api\.github\.com|cdnjs")
RESOURCE_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "apple-touch-icon", "manifest",
                 "preconnect", "dns-prefetch"}


def test_no_resource_is_loaded_from_another_host(site_dir, html_files):
    problems = []
    for path in html_files:
        source = path.read_text(encoding="utf-8")
        name = rel(site_dir, path)
        if re.search(r"""\ssrc\s*=\s*["']?(https?:)?//""", source):
            problems.append(f"{name}: src= to another host")
        for tag, attrs in parse(path).elements:
            if tag == "link" and RESOURCE_RELS & set(attrs.get("rel", "").split()) and \
                    re.match(r"(https?:)?//", attrs.get("href", "")):
                problems.append(f"{name}: <link rel={attrs['rel']}> {attrs['href']}")
            if tag == "script" and re.match(r"(https?:)?//", attrs.get("src", "")):
                problems.append(f"{name}: <script src={attrs['src']}>")
        if m := EXTERNAL_HOSTS.search(source):
            problems.append(f"{name}: mentions {m.group(0)}")
        # the theme fetches repository facts from api.github.com only when repo_url adds this component
        if 'data-md-component="source"' in source:
            problems.append(f"{name}: repository widget (calls api.github.com)")
    for path in sorted(site_dir.rglob("*.css")):
        source = path.read_text(encoding="utf-8")
        if re.search(r"""url\(\s*["']?(https?:)?//|@import\s+(url\()?["']?(https?:)?//""", source) or EXTERNAL_HOSTS.search(source):
            problems.append(f"{rel(site_dir, path)}: loads from another host")
    for path in sorted(site_dir.rglob("*.js")):
        if path.parent.name == "javascripts" or path.parent.parent.name == "javascripts":
            continue  # the theme's own bundle names api.github.com for the repository widget (checked above)
        if m := EXTERNAL_HOSTS.search(path.read_text(encoding="utf-8")):
            problems.append(f"{rel(site_dir, path)}: mentions {m.group(0)}")
    assert problems == [], "\n".join(problems)


# --- charts -----------------------------------------------------------------------------------------------

def test_every_chart_figure_is_complete(site_dir, html_files):
    problems, figures, static = [], 0, 0
    for path in html_files:
        name = rel(site_dir, path)
        for fig in parse(path).figures:
            figures += 1
            label = f"{name} #{fig['attrs'].get('id')}"
            imgs = fig["imgs"]
            if not imgs:
                problems.append(f"{label}: no <img>")
            for img in imgs:
                if not img.get("alt", "").strip():
                    problems.append(f"{label}: <img> without alt")
                target = resolve(site_dir, path, img.get("src", ""))
                if target is None or target[0].suffix != ".svg" or not target[0].is_file():
                    problems.append(f"{label}: <img src={img.get('src')!r}> is not an existing SVG")
            if not fig["figcaption"].strip():
                problems.append(f"{label}: no figcaption")
            if not (fig["has_details"] and fig["data_tables"]):
                problems.append(f"{label}: no <details class=cidi-chart__data> with a <table>")
            if "data-spec" not in fig["attrs"] and "data-vega" not in fig["attrs"]:
                static += 1  # a chart that stays a picture (no interactive version)
                continue
            spec = resolve(site_dir, path, fig["attrs"].get("data-spec", ""))
            if spec is None or not spec[0].name.endswith(".vg.json") or not spec[0].is_file():
                problems.append(f"{label}: data-spec {fig['attrs'].get('data-spec')!r} does not exist")
            else:
                try:
                    json.loads(spec[0].read_text(encoding="utf-8"))
                except ValueError as error:
                    problems.append(f"{label}: data-spec is not JSON: {error}")
            vega = resolve(site_dir, path, fig["attrs"].get("data-vega", ""))
            if vega is None or not vega[0].is_file():
                problems.append(f"{label}: data-vega {fig['attrs'].get('data-vega')!r} does not exist")
    assert figures >= 31 * 2 + 6 * 3, f"only {figures} chart figures"
    assert static < figures / 2, f"{static} of {figures} charts have no interactive version"
    assert problems == [], "\n".join(problems[:40])
    # the home page's charts are interactive
    assert all("data-spec" in f["attrs"] for f in parse(site_dir / "index.html").figures)


def test_every_page_with_a_chart_shows_it(site_dir, scores, dimensions):
    expectations = {"index.html": ["map-total", "ranking-stacked"], "regions/index.html": ["regions-total"],
                    "dimensions/index.html": ["correlations"],
                    "methodology/robustness/index.html": ["rank-intervals", "dimension-importance", "weight-free-order"]}
    for slug in scores["slug"]:
        expectations[f"provinces/{slug}/index.html"] = [f"province-{slug}-profile", f"province-{slug}-locator",
                                                         f"province-{slug}-ranks"]
    for d in dimensions["id"]:
        expectations[f"dimensions/{d}/index.html"] = [f"dimension-{d}-{k}" for k in ("ranking", "map", "distribution")]
    for page, charts in expectations.items():
        shown = [f["attrs"].get("data-chart") for f in parse(site_dir / page).figures]
        assert set(charts) <= set(shown), (page, shown)


# --- the strict build -------------------------------------------------------------------------------------

def tiny_docs(folder: Path, index: str) -> Path:
    docs = folder / "docs"
    (docs / "assets" / "css").mkdir(parents=True)
    (docs / "assets" / "js").mkdir(parents=True)
    (docs / "assets" / "css" / "cidi.css").write_text("", encoding="utf-8")
    (docs / "assets" / "js" / "cidi.js").write_text("", encoding="utf-8")
    (docs / "index.md").write_text(index, encoding="utf-8")
    return docs


def test_mkdocs_build_builds_a_clean_page(tmp_path):
    from cidi.make_site import mkdocs_build

    docs = tiny_docs(tmp_path, "# Home\n\nNo links here.\n")
    mkdocs_build(docs, tmp_path / "site", nav=[{"Home": "index.md"}])
    assert (tmp_path / "site" / "index.html").is_file()


def test_mkdocs_build_fails_on_a_broken_link(tmp_path):
    from cidi.make_site import mkdocs_build

    docs = tiny_docs(tmp_path, "# Home\n\nSee [the missing page](missing.md).\n")
    with pytest.raises(RuntimeError, match="missing.md"):
        mkdocs_build(docs, tmp_path / "site", nav=[{"Home": "index.md"}])


def test_a_replayed_page_reads_as_a_fed_one(site_dir):
    """The tests read pages from one recorded tokenisation (htmlevents): it must give each parser the
    elements, tables, text and visible runs that feeding it the page gives."""
    for url in ("provinces/guangdong/index.html", "zh/methodology/index.html", "embed/correlations/index.html"):
        text = (site_dir / url).read_text(encoding="utf-8")
        fed, replayed = Page(text, replayed=False), Page(text)
        assert (fed.elements, fed.ids, fed.text, fed.tables, fed.figures, fed.title) == (
            replayed.elements, replayed.ids, replayed.text, replayed.tables, replayed.figures, replayed.title), url
        assert visible_runs(text, replayed=False) == visible_runs(text), url
