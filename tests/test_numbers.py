"""Every printed number is the package's value through the one formatter (cidi.formatting).

These tests read the built site as a reader meets it, in both languages: the tables of every page
type (each column is a known field), the key facts and lead sentences, the captions' claims, and the
text and aria-labels inside the static SVG charts. Each expected value is computed here from the
published CSV files of the data package and formatted with :class:`cidi.formatting.Formatter`; a
number rounded twice, printed from another source, or truncated fails.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from cidi.formatting import MINUS, Formatter
from test_site import parse

LANGS = {"en": "", "zh": "zh/"}
NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def package(site_dir) -> dict[str, pd.DataFrame]:
    data = site_dir / "data"
    read = lambda name: pd.read_csv(data / f"{name}.csv", dtype={"adcode": str, "adcode_a": str, "adcode_b": str})  # noqa: E731
    return {name: read(name) for name in ("scores", "scores-long", "dimensions", "dimension-statistics", "region-summary",
                                          "correlations", "rank-without-dimension", "rank-uncertainty",
                                          "rank-bounds", "rank-tiers", "dimension-importance", "switching-points")}


def page_of(site_dir: Path, lang: str, url: str):
    return parse(site_dir / LANGS[lang] / url / "index.html")


def flat(page) -> str:
    return " ".join(" ".join(page.text).split())


def table(page, first_heading: str) -> tuple[list[str], list[list[str]]]:
    for t in page.tables:
        if t and t[0] and t[0][0] == first_heading:
            return t[0], t[1:]
    raise AssertionError(f"no table whose first heading is {first_heading!r}")


HEADINGS = {  # the first heading of the tables below, per language
    "en": {"dimension": "Dimension", "statistic": "Statistic", "rank": "Rank", "left_out": "Dimension left out"},
    "zh": {"dimension": "维度", "statistic": "统计量", "rank": "排名", "left_out": "去掉的维度"},
}


def test_the_formatter_rounds_once_half_away_from_zero():
    f = Formatter("en")
    assert f.score(2.345) == "2.35" and f.score(-2.345) == f"{MINUS}2.35"  # half away from zero
    assert f.score(40.15) == "40.15"  # the decimal that was typed, not the binary 40.1499…
    assert f.pct(5.22 / 13 * 100) == "40.2 %"  # Anhui, cyber security: 40.154 %
    assert f.pct(40.15) == "40.2 %"  # what f"{40.15:.1f}" printed as 40.1
    assert f.gap(36.256, 25.545) == "10.71"  # 36.26 − 25.55 as printed, not round(10.711) = 10.71 by luck
    assert f.gap(36.255, 25.545) == "10.71" and f.score(36.255 - 25.545) == "10.71"
    assert f.gap(0.125, 0.114) == "0.02"  # 0.13 − 0.11, where the exact difference 0.011 would print 0.01
    assert f.corr(-0.2649) == f"{MINUS}0.26" and f.signed(0.0) == "0.00" and f.signed(-0.01) == f"{MINUS}0.01"
    assert Formatter("zh").pct(40.154) == "40.2%"
    assert f.share(0.2165) == "21.7 %" and f.count(10000) == "10,000" and f.figure(7.39) == "7.39"
    assert f.figure(100.0) == "100" and f.size(2048) == "2.0 KB"
    assert f.score(306.54 / 12) == "25.55"  # exactly 25.545 (the float is 25.544999…): half away from zero


@pytest.mark.parametrize("lang", LANGS)
def test_province_tables_print_package_values_once_rounded(site_dir, package, lang):
    f = Formatter(lang)
    long, stats, regions = package["scores-long"], package["dimension-statistics"], package["region-summary"]
    weights = dict(zip(package["dimensions"]["id"], package["dimensions"]["weight"]))
    median = stats.set_index("measure")["median"]
    region_mean = regions.set_index(["region", "measure"])["mean"]
    for p in package["scores"].to_dict("records"):
        page = page_of(site_dir, lang, f"provinces/{p['slug']}")
        header, rows = table(page, HEADINGS[lang]["dimension"])
        mine = long[long["adcode"] == p["adcode"]]
        assert len(rows) == len(weights) + 1
        for row, d in zip(rows, mine.to_dict("records")):
            expected = [f.score(d["score"]), f.count(weights[d["dimension"]]),
                        f.pct(Decimal(str(d["score"])) / Decimal(weights[d["dimension"]]) * 100), f.rank(d["rank"]),
                        f.score(median[d["dimension"]]), f.score(region_mean[(p["region"], d["dimension"])])]
            assert row[1:] == expected, (lang, p["slug"], d["dimension"], row)
        total = [c.strip("*") for c in rows[-1][1:]]
        assert total == [f.score(p["total"]), "100", f.pct(p["total"]), f.rank(p["rank"]), f.score(median["total"]),
                         f.score(region_mean[(p["region"], "total")])], (lang, p["slug"])


def test_anhui_cyber_security_attainment_is_rounded_once(site_dir, package):
    """5.22 of 13 is 40.154 %: the page says 40.2 %, not the 40.1 % of rounding 40.15 again."""
    anhui = package["scores"].set_index("province").loc["Anhui"]
    header, rows = table(page_of(site_dir, "en", f"provinces/{anhui['slug']}"), "Dimension")
    cyber = next(r for r in rows if r[0] == "Cyber security")
    assert cyber[1:4] == ["5.22", "13", "40.2 %"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_mean_prints_the_same_wherever_it_appears(site_dir, package, lang):
    """The national mean of a dimension: the dimension page's key fact and the regions page's national column."""
    f = Formatter(lang)
    stats = package["dimension-statistics"].set_index("measure")
    header, rows = table(page_of(site_dir, lang, "regions"), HEADINGS[lang]["dimension"])
    national = {r[0].strip("*"): r[-1].strip("*") for r in rows}
    for d in package["dimensions"].to_dict("records"):
        name = d["name_zh"] if lang == "zh" else d["name_en"]
        expected = f.score(stats.loc[d["id"], "mean"])
        assert national[name] == expected, (lang, d["id"])
        text = flat(page_of(site_dir, lang, f"dimensions/{d['id']}"))
        assert re.search(rf"(?<![\d.]){re.escape(expected)}(?![\d.])", text), (lang, d["id"], expected)
        _, stat_rows = table(page_of(site_dir, lang, f"dimensions/{d['id']}"), HEADINGS[lang]["statistic"])
        assert [r[1] for r in stat_rows[:5]] == [f.stat(stats.loc[d["id"], m]) for m in ("mean", "median", "sd", "cv", "gini")]


def test_a_gap_is_the_difference_of_the_printed_figures(site_dir, package):
    """Home: "the East averages 36.26 points, the West 25.55 — a gap of 10.71" (not 10.72 from unrounded means)."""
    text = flat(page_of(site_dir, "en", ""))
    m = re.search(r"averages ([\d.]+) points, the \w+ ([\d.]+) — a gap of ([\d.]+)", text)
    assert m, text[:400]
    high, low, gap = (Decimal(x) for x in m.groups())
    assert high - low == gap
    means = package["region-summary"].query("measure == 'total' and region != 'National'")["mean"]
    assert str(high) == Formatter().score(means.max()) and str(low) == Formatter().score(means.min())


@pytest.mark.parametrize("lang", LANGS)
def test_rank_changes_are_measured_from_the_rank_the_page_shows(site_dir, package, lang):
    """Hunan is printed 14th (its recomputed total ties 13th): "left out" changes count from 14."""
    drop = package["rank-without-dimension"]
    for p in package["scores"].to_dict("records"):
        page = page_of(site_dir, lang, f"provinces/{p['slug']}")
        header, rows = table(page, HEADINGS[lang]["left_out"])
        assert str(p["rank"]) in header[2], header  # the baseline is named: "Change from rank 14"
        mine = drop[drop["adcode"] == p["adcode"]]
        for row, r in zip(rows, mine.to_dict("records")):
            change = p["rank"] - r["rank"]
            assert row[1] == str(r["rank"])
            digits = re.findall(r"\d+", row[2])
            assert (digits == [str(abs(change))]) if change else not digits, (lang, p["slug"], row, change)
    hunan = package["scores"].set_index("province").loc["Hunan"]
    assert hunan["rank"] == 14 and hunan["recomputed_rank"] == 13


@pytest.mark.parametrize("lang", LANGS)
def test_ranking_tables_print_totals_and_ranks(site_dir, package, lang):
    f = Formatter(lang)
    header, rows = table(page_of(site_dir, lang, "provinces"), HEADINGS[lang]["rank"])
    expected = package["scores"].sort_values("rank")
    assert [(r[0], r[4]) for r in rows] == [(f.rank(p["rank"]), f.score(p["total"])) for p in expected.to_dict("records")]


def svg_texts(svg: str) -> list[str]:
    return [m for m in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_svg_text_keeps_every_digit_of_the_correlations(site_dir, package):
    """The heatmap prints r to two decimals (0.69, 0.94, −0.26), never cut to one (0.6, 0.9, −0.2)."""
    for lang in LANGS:
        svg = (site_dir / LANGS[lang] / "charts" / "correlations.svg").read_text(encoding="utf-8")
        corr = pd.read_csv(site_dir / LANGS[lang] / "charts" / "correlations.csv")
        printed = {t.replace("-", MINUS) for t in svg_texts(svg) if NUMBER.fullmatch(t)}
        expected = {Formatter(lang).corr(r) for r in corr["r"]}
        assert expected <= printed, sorted(expected - printed)[:10]


def test_svg_aria_labels_keep_their_printed_values(site_dir, package):
    """A screen reader hears "45.19" for Guangdong's bar, not "45.1": every number in the labels is a score
    of the package, at most with a trailing zero dropped (Vega prints 14.60 as 14.6 where no format is set)."""
    svg = (site_dir / "charts" / "ranking-stacked.svg").read_text(encoding="utf-8")
    labels = " ".join(x for x in re.findall(r'aria-label="([^"]*)"', svg) if "; " in x)  # the marks' "field: value; …"
    f = Formatter()
    scores = {Decimal(f.score(v)) for v in list(package["scores"]["total"]) + list(package["scores-long"]["score"])}
    found = {Decimal(x) for x in re.findall(r"\d+\.\d+", labels)}
    assert {Decimal(f.score(t)) for t in package["scores"]["total"]} <= found
    assert found <= scores, sorted(found - scores)[:5]


@pytest.mark.parametrize("lang", LANGS)
def test_correlation_caption_calls_the_smallest_the_weakest(site_dir, package, lang):
    f = Formatter(lang)
    corr = package["correlations"].query("method == 'pearson' and measure_a != 'total' and measure_b != 'total'")
    corr = corr[corr["measure_a"] < corr["measure_b"]]
    weakest = corr.loc[corr["r"].abs().idxmin()]
    page = page_of(site_dir, lang, "dimensions")
    caption = next(fig["figcaption"] for fig in page.figures if fig["attrs"]["data-chart"] == "correlations")
    r_values = [x.replace("-", MINUS) for x in re.findall(r"r = ([−-]?\d\.\d\d)", caption)]
    assert r_values[1] == f.corr(weakest["r"]), caption  # the second pair named is the weakest


def test_no_sentence_that_a_reader_would_trip_over(site_dir):
    """Plural of one, "0.00 above", "most provinces … (the middle half)"."""
    problems = []
    for path in sorted(site_dir.rglob("*.html")):
        text = flat(parse(path))
        for pattern in (r"(?<![\d.])1 provinces", r"0\.00 (above|below)", r"most provinces lie between", r"\b1 do\b"):
            if m := re.search(pattern, text):
                problems.append(f"{path.relative_to(site_dir)}: …{text[max(0, m.start() - 40):m.end() + 40]}…")
    assert problems == [], "\n".join(problems[:10])


@pytest.mark.parametrize("lang", LANGS)
def test_dimension_pages_print_their_tables_from_the_package(site_dir, package, lang):
    f = Formatter(lang)
    long, corr = package["scores-long"], package["correlations"]
    weights = dict(zip(package["dimensions"]["id"], package["dimensions"]["weight"]))
    pearson = corr[corr["method"] == "pearson"].set_index(["measure_a", "measure_b"])["r"]
    spearman = corr[corr["method"] == "spearman"].set_index(["measure_a", "measure_b"])["r"]
    for d in package["dimensions"]["id"]:
        page = page_of(site_dir, lang, f"dimensions/{d}")
        rows = long[long["dimension"] == d].sort_values(["rank", "adcode"])
        tops = [t for t in page.tables if len(t) == 6 and len(t[0]) == 3]  # the top and bottom five
        assert len(tops) == 2, (lang, d)
        for printed, expected in ((tops[0][1:], rows.head(5)), (tops[1][1:], rows.tail(5))):
            assert [r[1:] for r in printed] == [[f.score(s), f.pct(Decimal(str(s)) / Decimal(weights[d]) * 100)]
                                                for s in expected["score"]], (lang, d)
        corr_rows = next(t for t in page.tables if len(t[0]) == 3 and t is not tops[0] and t is not tops[1])[1:]
        others = [o for o in weights if o != d] + ["total"]
        assert [r[1:] for r in corr_rows] == [[f.corr(pearson[(d, o)]), f.corr(spearman[(d, o)])] for o in others]


def printable(package: dict[str, pd.DataFrame], f: Formatter) -> set[str]:
    """Every way a package value may legitimately be printed: each number in each kind, and the gaps
    between two totals or two means (differences of printed figures)."""
    out: set[str] = set()
    for frame in package.values():
        for column in frame.select_dtypes("number").columns:
            for value in frame[column].dropna():
                out |= {f.score(value), f.corr(value), f.stat(value), f.rank(value) if float(value).is_integer() else "",
                        f.pct(value).rstrip(" %"), f.share(value).rstrip(" %")}
    totals = list(package["scores"]["total"]) + list(package["region-summary"]["mean"])
    out |= {f.gap(a, b) for a in totals for b in totals}
    return out


def test_every_number_in_a_caption_is_a_package_value(site_dir, package):
    """Alt texts and captions (the same sentences): each number is a package value in one of the formats."""
    for lang in LANGS:
        f = Formatter(lang)
        allowed = printable(package, f)
        problems = []
        for path in sorted((site_dir / LANGS[lang]).rglob("index.html")):
            if lang == "en" and path.relative_to(site_dir).parts[0] == "zh":
                continue
            for fig in parse(path).figures:
                for number in re.findall(r"(?<![\w.])[−-]?\d+\.\d+", fig["figcaption"]):
                    if number.replace("-", MINUS) not in allowed:
                        problems.append(f"{path.relative_to(site_dir)} {fig['attrs']['data-chart']}: {number}")
        assert problems == [], (lang, problems[:10])


# --- robustness (issue 15) ----------------------------------------------------------------------------

def span_of(f, first, last) -> str:
    return f.rank(first) if first == last else f"{f.rank(first)}–{f.rank(last)}"


@pytest.mark.parametrize("lang", LANGS)
def test_province_pages_state_the_exact_bounds_and_the_tier(site_dir, package, lang):
    """"Anhui ranks between 11 and 19 (exact bounds ...: 11–17 with the arithmetic mean, 11–19 with the
    geometric mean). It is in the tier of ranks 11–26": from rank-bounds and rank-tiers."""
    f = Formatter(lang)
    bounds = package["rank-bounds"].set_index("adcode")
    tiers = package["rank-tiers"].set_index("adcode")
    for p in package["scores"].to_dict("records"):
        text = flat(page_of(site_dir, lang, f"provinces/{p['slug']}"))
        b, t = bounds.loc[p["adcode"]], tiers.loc[p["adcode"]]
        a = span_of(f, b["best_rank_arithmetic"], b["worst_rank_arithmetic"])
        g = span_of(f, b["best_rank_geometric"], b["worst_rank_geometric"])
        if b["best_rank"] == b["worst_rank"]:
            expected = [f"ranks {f.rank(b['best_rank'])} (an exact result" if lang == "en" else f"都排在第{b['best_rank']}名（这是精确结果"]
        elif lang == "en":
            expected = [f"ranks between {b['best_rank']} and {b['worst_rank']} (exact bounds",
                        f"{a} with the arithmetic mean", f"{g} with the geometric mean"]
        else:
            expected = [f"第{b['best_rank']}名至第{b['worst_rank']}名之间", f"算术平均下为第{a}名", f"几何平均下为第{g}名"]
        tier = span_of(f, t["tier_first_rank"], t["tier_last_rank"])
        if t["tier_first_rank"] == t["tier_last_rank"]:
            expected.append(f"a tier of its own (rank {tier})" if lang == "en" else f"单独构成一个梯队（第{tier}名）")
        else:
            expected.append(f"the tier of ranks {tier}" if lang == "en" else f"属于第{tier}名这一梯队")
        if lang == "zh":  # bold splits the text into pieces, which flat() joins with spaces
            text, expected = text.replace(" ", ""), [piece.replace(" ", "") for piece in expected]
        for piece in expected:
            assert piece in text, (lang, p["slug"], piece)


@pytest.mark.parametrize("lang", LANGS)
def test_the_robustness_page_prints_bounds_and_correlation_intervals_from_the_package(site_dir, package, lang):
    f = Formatter(lang)
    page = page_of(site_dir, lang, "methodology/robustness")
    heading = {"en": "Official rank", "zh": "官方排名"}[lang]
    exact = next(t for t in page.tables if t[0][0] == heading and len(t[0]) == 6)
    bounds = package["rank-bounds"].sort_values("published_rank")
    assert [row[2] for row in exact[1:]] == [span_of(f, b, w) for b, w in zip(bounds["best_rank"], bounds["worst_rank"])]
    imp = package["dimension-importance"]
    corr_heading = {"en": "Correlation with total", "zh": "与总分的相关系数"}[lang]
    rows = next(t for t in page.tables if len(t[0]) == 5 and t[0][2] == corr_heading)[1:]
    for row, r in zip(rows, imp.to_dict("records")):
        for value in (r["correlation_with_total"], r["correlation_low"], r["correlation_high"]):
            assert f.corr(value) in row[2], (row, value)
        assert row[4] == f.share(r["correlation_importance"])
