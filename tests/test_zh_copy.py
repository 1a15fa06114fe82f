"""Chinese written for Chinese readers (issue 14): the 2017 edition's terms, 万 and 亿, dates as
2017年6月, no English left on Chinese pages and SVGs, Xizang (Tibet) under both names, the theme's
search finding each page first in both languages, and a language switch that keeps the reader's view."""
from __future__ import annotations

import csv
import functools
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from cidi import paths
from cidi.formatting import Formatter

from pagetext import visible_runs

ZH, EN = Formatter("zh"), Formatter("en")
TERMS_2017 = ["基础设施建设", "创新能力", "数字经济发展", "互联网应用", "网络安全", "网络管理"]
LATER_TERMS = ["信息基础设施建设", "网络治理"]  # the 2018-on editions' names


# -- the formatter ------------------------------------------------------------------------------
@pytest.mark.parametrize("base, factor, zh, en", [
    (739_000_000, 1, "7.39亿", "739,000,000"),      # 739 million ports, counted in 亿
    (1_360_000_000, 1, "13.6亿", "1,360,000,000"),  # 1.36 billion subscribers
    (135_500_000_000, 1, "1355亿", "135,500,000,000"),  # RMB 135.5 billion
    (514_000, 1, "51.4万", "514,000"),
    (20_610_000, 1, "2061万", "20,610,000"),
    (2_494_500_000_000_000, 1, "2494.5万亿", "2,494,500,000,000,000"),
    (118_725, 1, "118,725", "118,725"),             # 11.8725万 would add digits a reader must parse: kept whole
    (2400, 1, "2400", "2,400"),                     # below 10,000 Chinese writes no separator
    (739_000_000, 1_000_000, "739", "739"),         # in the printed unit: the report's digits
    (7_974_779_000_000, 1_000_000_000, "7,974.779", "7,974.779"),  # 7974.779 Gbps stays in Gbps
])
def test_amounts_are_written_in_wan_and_yi_in_chinese_and_as_printed_in_english(base, factor, zh, en):
    assert ZH.amount(base, factor) == zh and EN.amount(base, factor) == en


def test_dates_read_as_chinese_dates():
    assert [ZH.date(d) for d in ("2017-06", "2016-12", "2017", "2017-06-30")] == \
        ["2017年6月", "2016年12月", "2017年", "2017年6月30日"]
    assert EN.date("2017-06") == "2017-06"


def national_rows() -> list[dict]:
    with (paths.DATASETS / "national-indicators.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_english_prints_every_national_figure_with_the_reports_digits_from_the_base_value():
    with (paths.DATASETS / "units.csv").open(encoding="utf-8", newline="") as handle:
        factor = {(u["unit"], u["unit_zh"]): u["factor"] for u in csv.DictReader(handle)}
    for r in national_rows():
        assert EN.amount(Decimal(r["value_base"]), Decimal(factor[(r["unit"], r["unit_zh"])])) == EN.figure(r["value"]), r["id"]


# -- the built site -----------------------------------------------------------------------------
def zh_pages(site_dir):
    return sorted(p for p in (site_dir / "zh").rglob("*.html"))


@functools.lru_cache(maxsize=None)
def page_runs(path) -> tuple[tuple[str, str], ...]:
    """A page's visible runs, parsed once for the tests below that read every Chinese page."""
    return tuple(visible_runs(path.read_text(encoding="utf-8")))


def test_no_chinese_page_prints_bai_wan_shi_yi_or_iso_dates(site_dir):
    iso = re.compile(r"(?<![\d-])(19|20)\d\d-(0[1-9]|1[0-2])(-\d\d)?(?![\d-])")
    found = {}
    for path in zh_pages(site_dir):
        for lang, run in page_runs(path):
            if lang.startswith("zh") and (re.search("百万|十亿", run) or iso.search(run)):
                found.setdefault(path.relative_to(site_dir).as_posix(), []).append(run[:60])
    assert not found, dict(list(found.items())[:5])
    page = (site_dir / "zh" / "national-figures" / "index.html").read_text(encoding="utf-8")
    for shown in ("7.39亿", "13.6亿", "1355亿", "51.4万", "2017年6月", "超过20亿", "4000万", "2061万"):
        assert shown in page, shown


def test_the_2017_terms_are_used_everywhere_and_the_later_ones_nowhere(site_dir):
    with (paths.DATASETS / "dimensions.csv").open(encoding="utf-8", newline="") as handle:
        assert [r["name_zh"] for r in sorted(csv.DictReader(handle), key=lambda r: int(r["order"]))] == TERMS_2017
    provenance = yaml.safe_load((paths.DATASETS / "dimensions.provenance.yml").read_text(encoding="utf-8"))
    cited = provenance["sources_zh"]
    assert {"光明日报" in s["publisher"] for s in cited} == {True, False} and all(s["url"] and s["date"] for s in cited)
    assert all(all(term in s["says"] for term in TERMS_2017) for s in cited)
    leaks = [p.relative_to(site_dir).as_posix() for p in sorted(site_dir.rglob("*"))
             if p.suffix in {".html", ".json", ".csv", ".svg", ".md", ".yml"} and p.is_file()
             and "provenance" not in p.parts  # the provenance names the later terms to say why they are not used
             and any(term in p.read_text(encoding="utf-8", errors="ignore") for term in LATER_TERMS)]
    assert not leaks, leaks[:10]
    page = (site_dir / "zh" / "dimensions" / "index.html").read_text(encoding="utf-8")
    assert all(term in page for term in TERMS_2017)


# Phrases of the native reader's review (reviews/2026-12/reader-zh.md) that an editor rewrote.
TRANSLATIONESE = ["中位省份", "达成度", "的比例为0.0%", "的比例为100.0%", "未被评估", "领先北京的分数", "落后第一名的分数",
                  "）（在90%", "抽取", "作为经过核验的开放数据发布", "在多大程度上取决于", "离可能的最佳值",
                  "在没有明确记录的衔接方法的情况下", "原文以英文单词印作", "参考日期设为报告年份", "统计上并列",
                  "排名有多稳健？：", "提交一个issue", "维度统计的是什么。", "各维度的方向并不一致。", "Pearson"]


def test_the_reviewed_sentences_are_rewritten(site_dir):
    found = {}
    for path in zh_pages(site_dir):
        text = " ".join(run for lang, run in page_runs(path) if lang.startswith("zh"))
        hits = [phrase for phrase in TRANSLATIONESE if phrase in text]
        if hits:
            found[path.relative_to(site_dir).as_posix()] = hits
    assert not found, dict(list(found.items())[:5])
    guangdong = (site_dir / "zh" / "provinces" / "guangdong" / "index.html").read_text(encoding="utf-8")
    assert "领先第2名北京" in guangdong and "排名都在<strong>第1名</strong>至<strong>第2名</strong>之间" in guangdong  # exact bounds
    assert "报告未对香港、澳门和台湾进行评估" in (site_dir / "zh" / "methodology" / "index.html").read_text(encoding="utf-8")


# Latin script a Chinese page may print: names in the report's English, units, acronyms, code, files.
ALLOWED_WORDS = {
    "CIDI", "CC", "BY", "RMB", "CNNIC", "GDP", "PCT", "WIPO", "CCID", "CDN", "IPv4", "IPv6", "CN", "ISO", "GB", "T",
    "Tbps", "Gbps", "Mbps", "TB", "FTTH", "G", "PNG", "SVG", "CSV", "JSON", "Vega", "Lite", "Vega-Lite", "Parquet",
    "MkDocs", "Material", "for", "Frictionless", "Table", "Schema", "SHA", "zip", "README", "Issue", "iframe",
    "JRC", "OECD", "Natural", "Earth", "MIT", "BSD-3-Clause", "R", "DuckDB", "pandas", "frictionless", "r", "n",
    "z", "Cov", "Var", "x", "English", "BDS", "GitHub", "Spearman", "Mbps", "ZTE", "MIIT", "NBS", "Wi-Fi", "Tibet",
    "Xizang", "HTML", "ρ", "WPS", "Excel", "PBOC", "km", "UTF-8", "SHA-256", "ddof", "Key", "assessment", "factors",
    "Specification",  # Table 1's column headings, as the data page's field descriptions quote them
    # software, methods and file types the robustness and data pages name (as Chinese texts name them)
    "Sobol", "Saltelli", "Fisher", "SciPy", "HiGHS", "SALib", "milp", "COINr", "tanh", "atanh", "Unicode", "BibTeX",
    "Microsoft", "Windows", "Mac", "polars", "xlsx", "CC-BY-4.0",
}
FILE_OR_CODE = re.compile(r"^([\w.-]+\.(csv|parquet|json|yml|md|txt|zip|png|svg|cff)|[a-z0-9]+([_:-][a-z0-9]+)+|\.CN"
                          r"|[a-z]|[a-z]\d|x_[a-z]|[A-Z]+(-[A-Z]+)+|\d+-\d:CN|[a-z]-[a-z]_?)$")  # file names, ids, cidi:keys, formulas, YYYY-MM


def code_values() -> set[str]:
    """Field names and code values of the data package (its enums and patterns), which the data page
    quotes in the field descriptions, in Chinese as in English."""
    meta = yaml.safe_load((paths.DATASETS / "package.yml").read_text(encoding="utf-8-sig"))
    words = set()
    for resource in meta["resources"].values():
        for name, field in (resource.get("fields") or {}).items():
            words.add(name)
            constraints = field.get("constraints") or {}
            words.update(str(v) for v in constraints.get("enum") or [])
            words.update(re.findall(r"[A-Za-z]+", str(constraints.get("pattern") or "")))
    words.update(meta["resources"])  # resource names
    # topics beyond the dimensions; the robustness factors' and tiers' code values
    return words | {"National", "true", "false", "index", "international", "aggregation", "all"}


def english_names() -> set[str]:
    words = set()
    for name in ("provinces.csv", "dimensions.csv"):
        with (paths.DATASETS / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in ("name_en", "name_in_report", "short_name_en", "slug"):
                    words.update(re.findall(r"[A-Za-z][A-Za-z'-]*", row.get(column) or ""))
    return words


def chart_fields(site_dir) -> set[str]:
    """Column names of the charts' data (the CSV headers, English by design, as the about page says):
    Vega names a mark's fields by them in the per-mark descriptions inside an SVG, and prints null for
    a region the report does not assess."""
    fields = {"null", "text"}  # and the text channel of a mark that prints a constant
    for path in (site_dir / "zh" / "charts").glob("*.csv"):
        fields.update(path.read_text(encoding="utf-8").split("\n", 1)[0].split(","))
    for path in (site_dir / "zh" / "charts").glob("*.vl.json"):  # fields a chart derives (order, rank)
        fields.update(re.findall(r'"(?:field|as)": ?"([a-z_][a-z0-9_]*)"', path.read_text(encoding="utf-8")))
    return fields


def latin_words(run: str) -> list[str]:
    run = re.sub(r"https?://\S+", " ", run)  # an address printed as text (the citation's) is code
    tokens = re.findall(r"[A-Za-z0-9_.:'-]*[A-Za-z][A-Za-z0-9_.:'-]*", run)
    return [t.strip(".:'-") for t in tokens if t.strip(".:'-")]


def test_no_latin_script_ui_text_on_chinese_pages_and_svgs(site_dir):
    """Every Chinese page (embeds and the 404 included) and every Chinese SVG: the text a reader sees
    or hears is Chinese, except text marked lang="en" and the allow-list (report's English names,
    units, acronyms, file names and chart ids). Fails on "Permanent link", "Pearson r", "X-axis titled"."""
    allowed = ALLOWED_WORDS | english_names() | code_values() | chart_fields(site_dir)
    leaks: dict[str, set[str]] = {}
    files = zh_pages(site_dir) + sorted((site_dir / "zh" / "charts").glob("*.svg"))
    assert len(files) > 200
    for path in files:
        if path.suffix == ".svg":
            text = re.sub(r"<metadata>.*?</metadata>", "", path.read_text(encoding="utf-8"), flags=re.S)  # source and licence, machine-read
        runs = visible_runs(text, "zh-Hans") if path.suffix == ".svg" else page_runs(path)
        for lang, run in runs:
            if not lang.startswith("zh"):
                continue
            bad = {w for w in latin_words(run) if w not in allowed and not FILE_OR_CODE.match(w)
                   and not re.fullmatch(r"[A-Z0-9]+|\d+[A-Za-z]?", w)}
            if bad:
                leaks.setdefault(path.relative_to(site_dir).as_posix(), set()).update(bad)
    assert not leaks, {k: sorted(v)[:8] for k, v in list(leaks.items())[:40]}


def test_the_theme_speaks_chinese_on_chinese_pages(site_dir):
    page = (site_dir / "zh" / "methodology" / "index.html").read_text(encoding="utf-8")
    assert "切换到深色模式" in page and 'title="本节链接"' in page
    assert "Switch to" not in page and "Permanent link" not in page
    en = yaml.safe_load((paths.ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    zh = yaml.safe_load((paths.ROOT / "mkdocs.zh.yml").read_text(encoding="utf-8"))

    def without_titles(config):  # the repeated lists may differ from the English ones only in their titles
        text = repr(config).replace("切换到深色模式", "Switch to dark mode").replace("切换到浅色模式", "Switch to light mode")
        return text.replace(", 'permalink_title': '本节链接'", "")
    assert without_titles(zh["theme"]["palette"]) == without_titles(en["theme"]["palette"])
    assert without_titles(zh["markdown_extensions"]) == without_titles(en["markdown_extensions"])


def test_the_404_pages_speak_their_language_and_lead_back(site_dir):
    zh = (site_dir / "zh" / "404.html").read_text(encoding="utf-8")
    assert "找不到这个页面" in zh and "返回中文首页" in zh and "Not found" not in zh
    root = (site_dir / "404.html").read_text(encoding="utf-8")
    switch = re.search(r'class="md-header__button cidi-lang-switch" href="([^"]+)"', root).group(1)
    assert not switch.startswith("//"), "a link to //zh/ is the host 'zh'"
    assert switch == "/zh/" and "返回中文首页" in root


def test_xizang_is_named_as_the_report_prints_it_and_both_addresses_reach_it(site_dir):
    en = (site_dir / "provinces" / "tibet" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in en and re.search(r"<h1[^>]*>Xizang \(Tibet\)", en)
    assert "Xizang (Tibet)" in (site_dir / "provinces" / "index.html").read_text(encoding="utf-8")
    for prefix in ("", "zh/"):
        alias = (site_dir / prefix / "provinces" / "xizang" / "index.html").read_text(encoding="utf-8")
        assert 'http-equiv="refresh" content="0; url=../tibet/"' in alias
        assert re.search(rf'<link rel="canonical" href="[^"]*/{prefix}provinces/tibet/">', alias)
        assert '<a href="../tibet/">' in alias
    assert "西藏自治区" in (site_dir / "zh" / "provinces" / "xizang" / "index.html").read_text(encoding="utf-8")


# -- in the browser -----------------------------------------------------------------------------
def search(page, server, lang_root: str, query: str) -> list[str]:
    page.goto(f"{server}/{lang_root}", wait_until="networkidle")
    paths_found: list[str] = []
    for _ in range(20):  # the index loads in a worker; a query typed before it is ready finds nothing
        page.fill(".md-search__input", query)
        page.keyboard.press("End")  # the theme searches on key events, as typing (or an IME) sends them
        page.wait_for_timeout(400)
        hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
        if hrefs:
            paths_found = [h.split(server + "/", 1)[-1].split("#")[0].split("?")[0] for h in hrefs]
            break
    return paths_found


SEARCHES = {
    "zh/": [("网络安全", "zh/dimensions/cyber_security/"), ("发展指数", "zh/"), ("广东", "zh/provinces/guangdong/"),
            ("西藏", "zh/provinces/tibet/"), ("Xizang", "zh/provinces/tibet/"),
            ("基础设施建设", "zh/dimensions/infrastructure/"), ("网络管理", "zh/dimensions/cyberspace_regulation/"),
            ("全国数据", "zh/national-figures/"), ("自定义指数", "zh/explore/"), ("稳健性", "zh/methodology/robustness/")],
    "": [("Xizang", "provinces/tibet/"), ("Tibet", "provinces/tibet/"), ("西藏", "provinces/tibet/"),
         ("广东", "provinces/guangdong/"), ("fiber", "dimensions/infrastructure/"),
         ("cyber security", "dimensions/cyber_security/"), ("Guangdong", "provinces/guangdong/"),
         ("national figures", "national-figures/"), ("robustness", "methodology/robustness/"),
         ("Internet Development Index", "")],
}


@pytest.mark.browser
@pytest.mark.parametrize("root", ["zh/", ""], ids=["zh", "en"])
def test_search_finds_each_querys_page_first(chromium, server, root):
    """Ten queries per language, typed into the theme's own search box: the first result is the page."""
    page = chromium.new_page()
    try:
        misses = {}
        for query, expected in SEARCHES[root]:
            found = search(page, server, root, query)
            if not found or found[0] != expected:
                misses[query] = found[:3]
        assert not misses, misses
    finally:
        page.close()


@pytest.mark.browser
def test_the_language_switch_keeps_the_weights_and_the_anchor(chromium, server):
    page = chromium.new_page()
    try:
        page.goto(f"{server}/zh/explore/?w=30,10,10,20,20,10#chart-explorer", wait_until="networkidle")
        page.click("a.cidi-lang-switch")
        page.wait_for_load_state("networkidle")
        url = urlsplit(page.url)  # the explorer writes the address back with its own escaping (%2C)
        assert (url.path, parse_qs(url.query)["w"], url.fragment) == ("/explore/", ["30,10,10,20,20,10"], "chart-explorer")
        page.goto(f"{server}/provinces/guangdong/#scores-by-dimension", wait_until="networkidle")
        page.click("a.cidi-lang-switch")
        page.wait_for_load_state("networkidle")
        assert page.url == f"{server}/zh/provinces/guangdong/#scores-by-dimension"
    finally:
        page.close()
