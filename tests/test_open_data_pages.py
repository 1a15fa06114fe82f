"""What the site tells people who take the data away: the loading snippets (they run, and keep every code
as text), the Excel advice, the dataset's JSON-LD, the data card as a page, "Cite this" on every page
(one citation, the same as CITATION.cff), the versions."""
from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from cidi import paths
from cidi.citing import citation_cff
from cidi.views.reference import changelog
from cidi.write_package import read_metadata
from conftest import descriptor_of

LANGS = {"en": "", "zh": "zh/"}


def page_text(site_dir, path: str) -> str:
    return (site_dir / path / "index.html").read_text(encoding="utf-8")


def code_blocks(page: str) -> list[str]:
    """The text of every highlighted code block of a page."""
    blocks = re.findall(r'<div class="highlight"><pre>.*?<code>(.*?)</code></pre>', page, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks]


def adcode_columns(site_dir) -> set[str]:
    return {f["name"] for r in descriptor_of(site_dir / "data")["resources"] for f in r["schema"]["fields"]
            if f["name"].startswith("adcode")}


@pytest.mark.parametrize("lang", LANGS)
def test_the_pandas_snippet_runs_and_keeps_every_code_as_text(site_dir, lang):
    snippet = next(b for b in code_blocks(page_text(site_dir, LANGS[lang] + "data")) if "import pandas" in b)
    base = re.search(r'base = "([^"]+)"', snippet).group(1)
    local = snippet.replace(base, (site_dir / "data").as_posix() + "/")
    namespace: dict = {}
    exec(compile(local, "data-page-snippet", "exec"), namespace)  # noqa: S102 - our own page's snippet
    scores, pairs = namespace["scores"], namespace["pairs"]
    assert scores["adcode"].map(type).eq(str).all() and "440000" in set(scores["adcode"])
    for column in [c for c in pairs.columns if c.startswith("adcode")]:
        assert pairs[column].map(type).eq(str).all(), column
    text = namespace["text"]
    assert adcode_columns(site_dir) <= set(text), "the dtype mapping names every adcode column of the package"
    indicators = pd.read_csv(site_dir / "data" / "national-indicators.csv", dtype=text)
    assert indicators["footnote"].dropna().map(type).eq(str).all()  # "3", not 3.0


@pytest.mark.parametrize("lang", LANGS)
def test_the_polars_and_duckdb_snippets_read_every_code_column_as_text(site_dir, lang):
    blocks = code_blocks(page_text(site_dir, LANGS[lang] + "data"))
    polars = next(b for b in blocks if "import polars" in b)
    duckdb = next(b for b in blocks if "read_csv(" in b and "VARCHAR" in b)
    for column in adcode_columns(site_dir):
        assert f'"{column}": pl.String' in polars, column
        assert f"'{column}': 'VARCHAR'" in duckdb, column
    tables = {m for b in (polars, duckdb) for m in re.findall(r"([a-z-]+)\.csv", b)}
    for table in tables:  # every CSV a snippet reads gets an override for each of its code columns
        fields = [f["name"] for r in descriptor_of(site_dir / "data")["resources"] if r["path"] == f"{table}.csv"
                  for f in r["schema"]["fields"] if f["name"].startswith("adcode")]
        line = next(line for line in polars.splitlines() if f"{table}.csv" in line)
        assert all(f'"{f}": pl.String' in line for f in fields), line


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_page_tells_excel_and_wps_users_what_to_open(site_dir, lang):
    page = page_text(site_dir, LANGS[lang] + "data")
    assert 'href="../data/cidi-data.xlsx"' in page or 'href="../../data/cidi-data.xlsx"' in page
    text = re.sub(r"<[^>]+>", "", page)
    assert "WPS" in text and "UTF-8" in text and "65001" in text
    assert ("From Text/CSV" in text) if lang == "en" else ("从文本/CSV" in text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_page_describes_the_dataset_for_search_engines(site_dir, lang):
    page = page_text(site_dir, LANGS[lang] + "data")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    assert len(blocks) == 1
    ld = json.loads(blocks[0])
    descriptor = descriptor_of(site_dir / "data")
    assert ld["@type"] == "Dataset" and ld["version"] == descriptor["version"]
    assert ld["name"] == (descriptor["cidi:title_zh"] if lang == "zh" else descriptor["title"])
    assert ld["license"] == descriptor["licenses"][0]["path"]
    assert ld["creator"][0]["name"] == descriptor["contributors"][0]["title"]
    assert ld["temporalCoverage"] and ld["spatialCoverage"]["name"]
    formats = {d["encodingFormat"] for d in ld["distribution"]}
    assert {"text/csv", "application/vnd.apache.parquet", "application/zip", "application/json",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= formats
    for download in ld["distribution"]:
        name = download["contentUrl"].split("/data/", 1)[1]
        assert (site_dir / "data" / name).is_file(), name
        assert download["contentSize"] == f"{(site_dir / 'data' / name).stat().st_size} B"


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_card_is_a_page_in_each_language(site_dir, lang):
    page = page_text(site_dir, LANGS[lang] + "data/card")
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    if lang == "zh":
        assert "核验" in text and "稳健性设置" in text and "Robustness settings" not in text
    else:
        assert "Verification" in text and "Robustness settings" in text and "稳健性设置" not in text
    for resource in descriptor_of(site_dir / "data")["resources"]:
        if resource["format"] == "csv":
            assert resource["path"] in text, resource["path"]
    data_page = page_text(site_dir, LANGS[lang] + "data")
    assert 'href="card/"' in data_page or 'href="../data/card/"' in data_page or 'href="./card/"' in data_page \
        or re.search(r'href="[./]*data/card/"', data_page)


def test_every_page_ends_with_the_same_citation_as_text_and_bibtex(site_dir):
    meta = read_metadata()
    pages = [p for p in sorted(site_dir.rglob("index.html")) if "embed" not in p.relative_to(site_dir).parts
             and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")]  # redirects (provinces/xizang/) move on at once
    assert len(pages) > 90
    for page in pages:
        text = page.read_text(encoding="utf-8")
        block = re.search(r'<aside class="cidi-cite".*?</aside>', text, flags=re.S)
        assert block, page
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text).group(1)
        cite = html.unescape(block.group(0))
        assert f"version {meta['version']}" in cite or f"版本 {meta['version']}" in cite, page
        assert f"url = {{{canonical}}}" in cite, page  # BibTeX names the page cited
        assert f'version = {{{meta["version"]}}}' in cite and f'year = {{{meta["created"][:4]}}}' in cite
        assert "CITATION.cff" in cite


def test_the_repository_citation_file_is_the_generated_one(site_dir):
    generated = citation_cff(read_metadata())
    assert paths.CITATION.read_text(encoding="utf-8") == generated, "run: regenerate CITATION.cff from package.yml"
    assert (site_dir / "data" / "CITATION.cff").read_text(encoding="utf-8") == generated
    assert "date-released: 2026-11-29" in generated  # the package's created date, not the clock


def test_the_newest_changelog_entry_is_the_published_version(site_dir):
    descriptor = descriptor_of(site_dir / "data")
    newest = changelog()[0]
    assert newest["version"] == descriptor["version"]
    assert newest["date"] == descriptor["created"][:10]
    assert newest["summary_zh"] != newest["summary"]  # the Chinese page prints a Chinese summary
    assert (site_dir / "data" / "CHANGELOG.md").read_bytes() == paths.CHANGELOG.read_bytes()


def test_the_changelog_parser_reads_versions_newest_first():
    text = "# Changelog\n\n## 1.1.0 — 2027-01-02\n\nAdded a table.\n\n中文：新增一张表。\n\n## 1.0.0 — 2026-11-29\n\nFirst.\n"
    assert changelog(text) == [
        {"version": "1.1.0", "date": "2027-01-02", "summary": "Added a table.", "summary_zh": "新增一张表。"},
        {"version": "1.0.0", "date": "2026-11-29", "summary": "First.", "summary_zh": "First."}]


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_in_field_descriptions_are_text_not_elements(site_dir, lang):
    page = page_text(site_dir, LANGS[lang] + "data")
    assert not re.search(r"<(dimension|statistic|维度)>", page)
    assert ("&lt;维度&gt;" if lang == "zh" else "&lt;dimension&gt;") in page


# --- per-chart downloads ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_csv_has_a_metadata_file_that_says_what_it_is(site_dir, lang):
    charts = site_dir / LANGS[lang] / "charts"
    csvs = sorted(charts.glob("*.csv"))
    assert len(csvs) > 80
    descriptor = descriptor_of(site_dir / "data")
    for path in csvs:
        meta = json.loads(path.with_suffix(".metadata.json").read_text(encoding="utf-8"))
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert [f["name"] for f in meta["fields"]] == header, path.name
        assert meta["title"] and meta["description"] and meta["citation"] and meta["source"]
        assert meta["license"]["name"] == descriptor["licenses"][0]["name"]
        resource = meta["resource"]["path"].rsplit("/data/", 1)[1]
        assert (site_dir / "data" / resource).is_file(), meta["resource"]
        assert meta["page"].endswith(f"#chart-{path.stem}"), meta["page"]


@pytest.mark.parametrize("lang", LANGS)
def test_chart_csvs_carry_the_package_ids_and_formats(site_dir, lang):
    charts = site_dir / LANGS[lang] / "charts"
    for path in sorted(charts.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        header = text.splitlines()[0].split(",")
        assert "True" not in text and "False" not in text, path.name  # the package writes true/false
        if "province" in header:
            assert "adcode" in header, f"{path.name} names provinces but has no adcode"
    ranking = pd.read_csv(charts / "dimension-innovation-ranking.csv", dtype={"adcode": str})
    long = pd.read_csv(site_dir / "data" / "scores-long.csv", dtype={"adcode": str})
    merged = ranking.merge(long[long["dimension"] == "innovation"], on="adcode", suffixes=("", "_pkg"))
    assert len(merged) == len(ranking) == 31
    lines = (charts / "map-total.csv").read_text(encoding="utf-8").splitlines()
    beijing = next(line for line in lines if line.startswith("110000,"))
    assert ",44.70," in beijing  # the package's two decimals (Table 2 prints 44.70)
