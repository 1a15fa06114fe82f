"""Charts a journalist can embed, download and cite: every chart has its embed page, PNG, SVG,
specs and CSV; the CSV rows are the data package's; the images carry source and licence."""
from __future__ import annotations

import html
import json
import re
import struct
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from altair.vegalite.v6.schema import load_schema

from cidi import paths
from cidi.charts.model import LICENCE, SOURCE
from cidi.charts.render import bare_spec, png_with_text
from cidi.charts.specs import custom_score_expr
from pngs import texts

SUFFIXES = ("svg", "png", "vl.json", "vg.json", "csv", "narrow.svg", "narrow.vg.json", "embed.svg", "embed.vg.json",
            "embed.narrow.svg", "embed.narrow.vg.json")


def catalogue(site_dir: Path) -> list[str]:
    page = (site_dir / "charts" / "index.html").read_text(encoding="utf-8")
    return re.findall(r'class="cidi-catalogue-item" id="([^"]+)"', page)


@pytest.fixture(scope="module")
def chart_ids(site_dir):
    ids = catalogue(site_dir)
    assert len(ids) > 80, "the catalogue should list every chart"
    return ids


@pytest.fixture(scope="module")
def package(site_dir):
    data = site_dir / "data"
    return {name: pd.read_csv(data / f"{name}.csv", dtype={"adcode": str})
            for name in ("scores", "scores-long", "rank-uncertainty")}


def test_catalogue_lists_every_chart_file_and_every_page_chart(site_dir, chart_ids):
    on_disk = {p.name[: -len(".vl.json")] for p in (site_dir / "charts").glob("*.vl.json")}
    assert set(chart_ids) == on_disk
    shown = set()
    for page in site_dir.rglob("index.html"):
        shown |= set(re.findall(r'figure class="cidi-chart" id="chart-([^"]+)"', page.read_text(encoding="utf-8")))
    assert shown == set(chart_ids), "every chart in the catalogue is shown on a page, and only those"


def test_every_chart_has_embed_page_images_specs_and_csv(site_dir, chart_ids):
    for chart_id in chart_ids:
        for suffix in SUFFIXES:
            path = site_dir / "charts" / f"{chart_id}.{suffix}"
            assert path.is_file() and path.stat().st_size > 0, path
        embed = site_dir / "embed" / chart_id / "index.html"
        assert embed.is_file(), embed


def test_specs_are_valid_vega_lite_and_deterministic(site_dir, chart_ids):
    schema = load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)  # built once: jsonschema.validate rebuilds it
    for chart_id in chart_ids[::7]:  # a sample: full validation is slow
        spec = json.loads((site_dir / "charts" / f"{chart_id}.vl.json").read_text(encoding="utf-8"))
        validator.validate(spec)
    for chart_id in chart_ids:
        text = (site_dir / "charts" / f"{chart_id}.vl.json").read_text(encoding="utf-8")
        assert not re.search(r'"param_\d+"', text), f"{chart_id}: unnamed Altair parameter (order-dependent)"
        spec = json.loads(text)
        assert spec["description"], chart_id
        source = spec["title"]["text"]  # one line, or a narrow chart's lines (the tile maps)
        assert " ".join([source] if isinstance(source, str) else source).startswith(
            "Source: Report on China Internet Development 2017"), chart_id


def test_images_carry_title_source_and_licence(site_dir, chart_ids):
    for chart_id in chart_ids:
        svg = (site_dir / "charts" / f"{chart_id}.svg").read_text(encoding="utf-8")
        assert "<title>" in svg and "<desc>" in svg and f"<metadata>{html.escape(SOURCE)}" in svg, chart_id
        drawn = html.unescape(" ".join(re.findall(r"<(?:text|tspan)[^>]*>([^<]*)</(?:text|tspan)>", svg)))
        assert "Source: Report on China Internet Development 2017" in drawn and "CC BY 4.0" in drawn, chart_id
        text = texts((site_dir / "charts" / f"{chart_id}.png").read_bytes())
        assert text["Source"] == SOURCE and text["Copyright"] == LICENCE and text["Title"], chart_id


def test_png_text_chunks_have_valid_crc():
    import vl_convert as vlc

    png = vlc.vegalite_to_png({"mark": "point", "data": {"values": [{"a": 1}]},
                               "encoding": {"x": {"field": "a", "type": "quantitative"}}})
    tagged = png_with_text(png, {"Title": "广东 leads"})
    assert texts(tagged)["Title"] == "广东 leads"  # texts() checks every chunk's CRC


def test_chart_csvs_equal_the_data_package(site_dir, package):
    charts = site_dir / "charts"
    scores, long, unc = package["scores"], package["scores-long"], package["rank-uncertainty"]

    stacked = pd.read_csv(charts / "ranking-stacked.csv")
    merged = stacked.merge(long, on=["province", "dimension"], suffixes=("", "_pkg"))
    assert len(merged) == len(long) == len(stacked)
    assert (merged["score"] == merged["score_pkg"]).all()

    mapped = pd.read_csv(charts / "map-total.csv", dtype={"adcode": str}).set_index("adcode").sort_index()
    expected = scores.set_index("adcode").sort_index()
    assert (mapped["total"] == expected["total"]).all() and (mapped["rank"] == expected["rank"]).all()

    for path in charts.glob("dimension-*-ranking.csv"):
        dim = path.name[len("dimension-"):-len("-ranking.csv")]
        rows = pd.read_csv(path).merge(long[long["dimension"] == dim], on="province", suffixes=("", "_pkg"))
        assert len(rows) == 31
        assert (rows["score"] == rows["score_pkg"]).all() and (rows["rank"] == rows["rank_pkg"]).all()

    for path in charts.glob("province-*-profile.csv"):
        rows = pd.read_csv(path, dtype={"adcode": str}).merge(long, on=["adcode", "dimension"], suffixes=("", "_pkg"))
        assert len(rows) == len(long)
        for column in ("score", "attainment", "rank"):
            assert (rows[column] == rows[f"{column}_pkg"]).all(), (path.name, column)

    intervals = pd.read_csv(charts / "rank-intervals.csv").merge(unc, on="province", suffixes=("", "_pkg"))
    assert len(intervals) == 31
    for column in ("rank_p05", "rank_p95", "median_rank"):
        assert (intervals[column] == intervals[f"{column}_pkg"]).all()


def test_embed_codes_point_at_existing_embed_pages(site_dir):
    pages = [site_dir / "index.html", site_dir / "provinces" / "beijing" / "index.html", site_dir / "charts" / "index.html"]
    for page in pages:
        codes = re.findall(r'class="cidi-embed__code" data-embed-id="([^"]+)"><code>(.*?)</code>',
                           page.read_text(encoding="utf-8"), re.S)
        assert codes, page
        for chart_id, code in codes:
            code = html.unescape(code)
            src = re.search(r'<iframe src="([^"]+)" title="([^"]+)"', code)
            assert src and src.group(1).endswith(f"/embed/{chart_id}/"), code
            assert (site_dir / "embed" / chart_id / "index.html").is_file()
            assert "postMessage" not in code and "cidi-embed-height" in code  # the listener, not the sender
            assert re.search(r'height="\d+"', code), "a fixed height for hosts that strip scripts"


def test_embed_page_shows_the_chart_before_scripts_and_credits_the_source(site_dir):
    page = (site_dir / "embed" / "map-total" / "index.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<img" not in page, "the static SVG is inline, visible before any script runs"
    assert "Source: Report on China Internet Development 2017" in page and "CC BY 4.0" in page
    assert 'href="../../#chart-map-total"' in page, "links back to the chart on its page"
    assert 'href="../../assets/css/cidi-embed.css"' in page and "<style" not in page and " style=" not in page  # CSP
    assert "prefers-color-scheme: dark" in (site_dir / "assets" / "css" / "cidi-embed.css").read_text(encoding="utf-8")
    fetched = re.sub(r'<link rel="alternate" type="application/json\+oembed"[^>]*>', "", page)  # named, not loaded
    assert not re.search(r'(src|href)="https?://(?!creativecommons.org)', fetched), "loads nothing from other hosts"


def test_bare_spec_drops_titles_and_narrows():
    spec = {"vconcat": [{"title": "T", "width": 600, "mark": "bar"}], "title": "Source", "config": {}}
    bare = bare_spec(spec, scale=0.5)
    assert "title" not in bare and "title" not in bare["vconcat"][0]
    assert bare["vconcat"][0]["width"] == 300
    assert spec["vconcat"][0]["width"] == 600, "the original spec is untouched"


def test_explorer_formula_at_official_weights_gives_the_sum_of_the_printed_scores(sources, indices):
    # Translate the Vega expression to Python: w_x -> weight, datum.s_x -> score, a ? b : c -> b if a else c.
    dims = list(sources.dimensions["id"])
    weights = dict(zip(sources.dimensions["id"], sources.dimensions["weight"]))
    expr = custom_score_expr({d: int(weights[d]) for d in dims})
    condition, rest = expr.split(" ? ", 1)
    value, otherwise = rest.rsplit(" : ", 1)
    for row in indices.scores.itertuples(index=False):
        env = {f"w_{d}": weights[d] for d in dims} | {f"s_{d}": getattr(row, d) for d in dims}
        python = (f"({value.replace('datum.', '')}) if ({condition}) else ({otherwise})")
        assert eval(python, {}, env) == pytest.approx(row.recomputed_total, abs=1e-9)  # noqa: S307 - our own expression


def test_chinese_province_names_render_in_png():
    """With CJK fonts installed (fonts-noto-cjk, see .ci/run), Chinese glyphs are drawn, not tofu
    boxes: two different names then give different images. Without the fonts both are the same."""
    import vl_convert as vlc

    def png(text: str) -> bytes:
        return vlc.vegalite_to_png({"data": {"values": [{"t": text}]}, "mark": {"type": "text", "fontSize": 40},
                                    "encoding": {"text": {"field": "t"}}, "width": 200, "height": 60})

    assert png("北京") != png("广东"), "Chinese glyphs do not render: install fonts-noto-cjk"


@pytest.mark.slow  # resvg draws each chart's text itself too, as slowly as the build no longer does: seconds
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pngs_drawn_with_text_as_outlines_look_as_resvg_draws_the_text(site_dir, lang):
    """The PNGs and cards are rasterised with each text replaced by its glyph outlines (in Node.js, by
    resvg-js: cidi.charts.render.rasterise), three times faster than resvg drawing the text. Every label must land
    where resvg puts it (anchors start, middle and end; tspan lines; kerning; bold): the two images may
    differ only in the antialiasing of edge pixels, by less than 96 of 255 (80 at most when measured). Text
    moved by a quarter of a pixel makes thousands of pixels differ by more."""
    import vl_convert as vlc

    from cidi.charts.render import rasterise
    from pngs import rgba

    folder = site_dir / ("zh/charts" if lang == "zh" else "charts")
    # labels at every anchor, haloed labels (the ranking's), lines of tspans (the narrow source line)
    names = ["dimension-cyber_security-map", "dimension-cyber_security-ranking", "ranking-stacked.narrow"]
    for name in names + (["province-hunan-profile"] if lang == "zh" else []):  # zh: a title with Chinese and Latin
        svg = (folder / f"{name}.svg").read_text(encoding="utf-8")
        text, outlines = rgba(vlc.svg_to_png(svg, scale=2)), rasterise(svg, 2).astype(int)
        assert text.shape == outlines.shape, name
        difference = abs(text - outlines).max(axis=2)
        assert difference.max() < 96 and difference.mean() < 0.1, f"{lang} {name}: the text moved"
        assert (outlines != 255).any(axis=2).sum() > 0.6 * (text != 255).any(axis=2).sum(), f"{lang} {name}: text missing"


def test_a_chinese_name_in_an_english_title_is_drawn_in_the_chinese_sans_at_its_weight():
    """English chart titles name a province in Chinese, which the English face lacks: resvg fell back to the
    first face with the glyphs, a regular serif in a bold sans title. The outlines take Noto Sans CJK SC
    at the title's weight: the very glyphs of the Chinese charts."""
    from cidi.charts.model import FONT
    from cidi.charts.render import vega_svg

    def outline(font: str, weight: str) -> str:
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="30" font-size="20px" '
               f'font-family="{font}" font-weight="{weight}">浙江</text></svg>')
        return re.search(r' d="([^"]+)"', vega_svg().outline(svg)).group(1)

    assert outline(FONT["en"], "bold") == outline(FONT["zh"], "bold") != outline(FONT["zh"], "normal")
    assert outline(FONT["en"], "600") == outline(FONT["zh"], "bold")  # 600 takes the bold face, as CSS does
    assert outline(FONT["en"], "normal") == outline(FONT["zh"], "normal")


def test_text_the_outlines_cannot_draw_stops_with_its_attribute_named():
    """A text attribute the outline drawing does not apply (letter-spacing, a list of x positions) would
    draw a PNG unlike its SVG: the drawing stops and names it instead."""
    from cidi.charts.render import vega_svg

    with pytest.raises(RuntimeError, match="letter-spacing"):
        vega_svg().outline('<svg xmlns="http://www.w3.org/2000/svg"><text letter-spacing="2">A</text></svg>')
    with pytest.raises(RuntimeError, match="dx"):
        vega_svg().outline('<svg xmlns="http://www.w3.org/2000/svg"><text><tspan dx="1 2">AB</tspan></text></svg>')


def test_without_node_the_build_says_what_to_install(monkeypatch):
    """A machine without Node.js gets one sentence naming what is missing and how to install it."""
    from cidi.charts import render

    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match=r"Node\.js .*apt-get install nodejs npm"):
        render.VegaSVG()


def test_node_measures_text_as_vl_convert_does():
    """A label's width sets where its axis title goes: the offset must be the one vl-convert
    computes, to a thousandth of a pixel (both round in 32-bit floats, not always alike), for both
    fonts, their weights (600 takes the bold face), kerned pairs and Chinese mixed with Latin."""
    import vl_convert as vlc

    from cidi.charts.model import FONT
    from cidi.charts.render import vega_svg

    def probe(text: str, font: str, weight, size: float) -> str:
        spec = {"width": 100, "height": 100, "padding": 0,
                "scales": [{"name": "y", "type": "band", "domain": [text], "range": "height"}],
                "axes": [{"orient": "left", "scale": "y", "labelFont": font, "labelFontSize": size,
                          "labelFontWeight": weight, "labelLimit": 0, "ticks": False, "domain": False,
                          "labelPadding": 0, "title": "T", "titlePadding": 0, "titleFont": font}]}
        return json.dumps(spec)

    def offset(svg: str) -> float:
        return float(re.search(r'role-axis-title.*?translate\(([-\d.e]+),', svg).group(1))

    cases = [(text, FONT[lang], weight, size) for lang, texts in
             (("en", ["AVAWAY To", "Inner Mongolia 12.34%", "10%"]), ("zh", ["内蒙古自治区 10%", "排名（1 = 最好）"]))
             for text in texts for weight in ("normal", 600, "bold") for size in (11, 12.5, 16)]
    for case in cases:
        spec = probe(*case)
        assert offset(vega_svg().draw(spec)) == pytest.approx(offset(vlc.vega_to_svg(spec)), abs=1e-3), case


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_svgs_drawn_in_node_are_those_vl_convert_draws(site_dir, lang):
    """The SVGs are drawn by Vega in Node.js with text measured by fontkit (cidi.charts.render.VegaSVG);
    the PNGs by vl-convert from them. Were the two to measure text differently, a label would overrun
    its place in the PNG, or a layout fitted to 640 px be drawn wider. So both draw the same files
    (to the decimals published) for the charts with the most text: a map, a profile, the ranking."""
    import vl_convert as vlc

    from cidi.charts.render import VEGA_BASE_URL, slim_svg, vega_svg

    folder = site_dir / ("zh/charts" if lang == "zh" else "charts")
    for name in ("dimension-cyber_security-map", "province-hunan-profile", "ranking-stacked", "ranking-stacked.narrow"):
        vega = (folder / f"{name}.vg.json").read_text(encoding="utf-8")
        node = slim_svg(vega_svg().draw(vega))
        assert node == slim_svg(vlc.vega_to_svg(vega).replace(VEGA_BASE_URL, 'xlink:href="')), f"{lang} {name}"
        assert 'font-family="' in node


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_layout_measured_without_drawing_is_as_wide_as_its_drawing(site_dir, lang):
    """A layout is fitted to its width from a measure of its untitled twin, which is laid out but not
    drawn (cidi.charts.render.VegaSVG.measure): that width must be the drawing's, to the pixel fraction,
    or a published chart comes out a pixel off its width."""
    from cidi.charts.narrow import narrow_spec, wide_spec
    from cidi.charts.render import bare_spec, vega_svg

    folder = site_dir / ("zh/charts" if lang == "zh" else "charts")
    for name in ("dimension-cyber_security-map", "province-hunan-profile", "ranking-stacked", "correlations"):
        spec = json.loads((folder / f"{name}.vl.json").read_text(encoding="utf-8"))
        for layout in (spec, bare_spec(wide_spec(spec), columns=None), bare_spec(narrow_spec(spec), columns=None)):
            svg = vega_svg().compile_and_draw(layout)[1]
            width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
            assert vega_svg().measure(layout) == width, f"{lang} {name}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_vega_lite_compiled_in_node_is_what_vl_convert_compiles(site_dir, lang):
    """The build compiles Vega-Lite in Node.js (the Vega-Lite of scripts/node/package-lock.json):
    the Vega specs published and drawn must be those vl-convert's bundled Vega-Lite gives."""
    import vl_convert as vlc

    from cidi.charts.render import vega_svg

    folder = site_dir / ("zh/charts" if lang == "zh" else "charts")
    for name in ("dimension-cyber_security-map", "province-hunan-profile", "ranking-stacked", "correlations"):
        spec = json.loads((folder / f"{name}.vl.json").read_text(encoding="utf-8"))
        assert vega_svg().compile_and_draw(spec)[0] == vlc.vegalite_to_vega(spec), f"{lang} {name}"


def test_province_chart_titles_carry_the_chinese_name(site_dir, sources):
    zh = sources.provinces.set_index("slug")["short_name_zh"]
    spec = json.loads((site_dir / "charts" / "province-beijing-profile.vl.json").read_text(encoding="utf-8"))
    assert zh["beijing"] in spec["vconcat"][0]["title"]["text"]


def test_the_chart_cache_forgets_entries_no_build_used_for_a_week(tmp_path):
    import os

    from cidi.charts.render import KEEP_UNUSED, prune

    now = 1_000_000_000.0
    for name, age in (("used-old", 2 * KEEP_UNUSED), ("unused-old", 2 * KEEP_UNUSED), ("unused-new", 60),
                      (".being-written", 2 * KEEP_UNUSED)):
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (now - age, now - age))
    assert prune(tmp_path, {"used-old"}, now=now) == ["unused-old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".being-written", "unused-new", "used-old"]


def test_svg_gradient_ids_do_not_depend_on_render_order():
    from cidi.charts.render import stable_ids

    first = '<linearGradient id="gradient_7"/><path fill="url(#gradient_7)"/><g id="gradient_9"/>'
    again = '<linearGradient id="gradient_2"/><path fill="url(#gradient_2)"/><g id="gradient_3"/>'
    assert stable_ids(first) == stable_ids(again)
    assert stable_ids(first).count("gradient_1") == 2 and "gradient_2" in stable_ids(first)


def drawn_texts(svg: str) -> list[str]:
    """The texts of the chart's text marks (the heatmap's cell values), as drawn."""
    groups = re.findall(r'<g class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', svg)
    return [html.unescape(t) for group in groups for t in re.findall(r"<text[^>]*>([^<]*)</text>", group)]


def aria_labels(svg: str) -> list[str]:
    return [html.unescape(label) for label in re.findall(r'aria-label="([^"]*)"', svg)]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("variant", ["svg", "embed.svg"])
def test_correlation_heatmap_svg_prints_every_r_to_two_decimals(site_dir, lang, variant):
    """Regression: slimming the SVG once cut its labels to one decimal (0.6 for r = 0.69, 0.9 for 0.94,
    -0.2 for -0.26). The cells print r as the one formatter gives it, so the SVG shows exactly those strings."""
    from cidi.formatting import Formatter

    charts = site_dir / "charts" if lang == "en" else site_dir / lang / "charts"
    spec = json.loads((charts / "correlations.vl.json").read_text(encoding="utf-8"))
    assert spec["vconcat"][0]["layer"][1]["encoding"]["text"]["field"] == "r_text"
    expected = sorted(Formatter(lang).corr(r) for r in pd.read_csv(charts / "correlations.csv")["r"])
    svg = (charts / f"correlations.{variant}").read_text(encoding="utf-8")
    assert sorted(drawn_texts(svg)) == expected
    assert "0.94" in expected and "0.69" in expected and "\u22120.26" in expected  # the reported cases


@pytest.mark.parametrize("variant", ["svg", "embed.svg"])
def test_svg_aria_labels_keep_the_printed_values(site_dir, variant):
    """Regression: screen readers heard "45.1" for a total of 45.19. Each bar's aria-label carries its
    values as the tooltip prints them (two decimals, the one formatter)."""
    from cidi.formatting import Formatter

    score = Formatter("en").score
    charts = site_dir / "charts"
    stacked = pd.read_csv(charts / "ranking-stacked.csv")
    labels = "\n".join(aria_labels((charts / f"ranking-stacked.{variant}").read_text(encoding="utf-8")))
    for row in stacked.itertuples(index=False):
        pattern = rf"Province: {re.escape(row.province)}; Dimension: [^;]+; Score: {score(row.score)}; Total: {score(row.total)};"
        assert re.search(pattern, labels), row
    assert re.search(r"Province: Guangdong; Dimension: Internet application; Score: \d+\.\d\d; Total: 45.19; Rank: 1", labels)
    for path in charts.glob("dimension-*-ranking.csv"):
        labels = "\n".join(aria_labels((charts / f"{path.stem}.{variant}").read_text(encoding="utf-8")))
        for row in pd.read_csv(path).itertuples(index=False):
            assert f"Province: {row.province}; Score: {score(row.score)};" in labels, (path.name, row)


def test_slim_svg_cuts_geometry_and_keeps_text():
    from cidi.charts.render import slim_svg

    svg = ('<svg width="320.456" height="200"><path aria-label="Total: 45.19; r: \u22120.26" '
           'd="M1.234,5.678L9.87,6.54Z" opacity="0.55" transform="translate(3.14159,2.71828)"/>'
           '<text x="2.25" transform="rotate(-90.123)">0.69 of 12.345</text><title>r = 0.94</title></svg>')
    assert slim_svg(svg) == (
        '<svg width="320.4" height="200"><path aria-label="Total: 45.19; r: \u22120.26" '
        'd="M1.2,5.6L9.8,6.5Z" opacity="0.55" transform="translate(3.1,2.7)"/>'
        '<text x="2.2" transform="rotate(-90.1)">0.69 of 12.345</text><title>r = 0.94</title></svg>')


def test_long_paths_go_to_whole_pixels_without_repeated_points():
    from cidi.charts.render import LONG_PATH, slim_svg, whole_pixel_path

    # L1.9,2.1 -> L1,2 repeats the M point and L3.7,4.9 -> L3,4 the one before it: both go
    assert whole_pixel_path("M1.5,2.5L1.9,2.1L3.2,4L3.7,4.9L5,6Zm0.5,0.5L0.1,0.2") == "M1,2L3,4L5,6Zm0,0L0,0"
    long = "M0,0" + "L10.5,20.5" * LONG_PATH
    assert slim_svg(f'<path d="{long}"/>') == '<path d="M0,0L10,20"/>'


def published_chart(site_dir: Path, chart_id: str):
    """A chart as the build rendered it, rebuilt from its published files: spec, title, alt text, data."""
    from cidi.charts import Chart

    charts = site_dir / "charts"
    svg = (charts / f"{chart_id}.svg").read_text(encoding="utf-8")
    title, alt = (html.unescape(re.search(f"<{tag}>([^<]*)</{tag}>", svg).group(1)) for tag in ("title", "desc"))
    return Chart(id=chart_id, group="", title=title, subtitle="", alt=alt, page="",
                 data=pd.read_csv(charts / f"{chart_id}.csv", dtype=str, keep_default_na=False),
                 spec=json.loads((charts / f"{chart_id}.vl.json").read_text(encoding="utf-8")))


@pytest.mark.slow  # renders charts into an empty cache: seconds
def test_a_warm_cache_gives_the_published_files_without_rendering(site_dir, tmp_path, monkeypatch):
    """Cold: rendered into an empty cache, the files equal the published ones byte for byte. Warm:
    the same files again, and no worker is started (a pool would fail here)."""
    from cidi.charts import render
    from cidi.charts.aria import localize_files

    ids = ["correlations", "map-total", "dimension-innovation-ranking"]  # gradient ids, a map, bars
    cache = tmp_path / "cache"
    monkeypatch.setattr(render, "WORKER_NICENESS", 0)  # the other tests run beside it: a niced worker would wait for them
    drawn = [published_chart(site_dir, i) for i in ids]
    cold = render.render_charts(drawn, tmp_path / "cold", workers=1, cache=cache)
    keys = {render.cache_key(render.render_job(c, True), render.dumps(c.spec)) for c in drawn}
    assert {p.name for p in cache.iterdir()} == keys  # an entry a chart
    published = localize_files(cold, "en")  # as the build writes them (Vega's ARIA words in the page's language)
    for chart_id in ids:
        for suffix in render.LAYOUTS + ("png",):
            assert published[chart_id][suffix] == (site_dir / "charts" / f"{chart_id}.{suffix}").read_bytes(), \
                f"{chart_id}.{suffix}: a fresh render differs from the build's"

    class NoPool:
        def __init__(self, *args, **kwargs):
            raise AssertionError("a cached chart was rendered again")

    monkeypatch.setattr(render, "ProcessPoolExecutor", NoPool)
    charts = [published_chart(site_dir, i) for i in ids]
    warm = render.render_charts(charts, tmp_path / "warm", cache=cache)
    assert warm == cold
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")
    assert (charts[0].width, charts[0].height) == render.svg_size(cold["correlations"]["svg"]), "sizes from the cache"
    assert (charts[0].embed_width, charts[0].embed_height) == render.svg_size(cold["correlations"]["embed.svg"])
    assert (charts[0].narrow_width, charts[0].narrow_height) == render.svg_size(cold["correlations"]["narrow.svg"])


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_cache_key_covers_every_input_and_the_renderer(monkeypatch):
    from cidi.charts import render

    spec = {"mark": "bar", "data": {"values": [{"a": 1}]}}
    job = (spec, "Title", "Alt text", "png", "Source", "Licence")
    key = render.cache_key(job, render.dumps(spec))
    changed = [((dict(spec, mark="point"),) + job[1:], render.dumps(dict(spec, mark="point")))]
    for i in range(1, len(job)):
        changed.append((job[:i] + (job[i] + "!",) + job[i + 1:], render.dumps(spec)))
    keys = {render.cache_key(j, vl) for j, vl in changed}
    assert key not in keys and len(keys) == len(changed)
    monkeypatch.setattr(render, "renderer_fingerprint", lambda: "another resvg-js, font or render.py")
    assert render.cache_key(job, render.dumps(spec)) != key
    assert render.CACHE.parent.parent == paths.BUILD and paths.SITE not in render.CACHE.parents


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bar_end_value_stays_legible_where_the_median_line_passes(site_dir, lang):
    """Regression: the dashed median line ran through the values printed at the bars' ends ("2¦18"). Each value
    is drawn over a halo of the background's colour, after the line, in every layout."""
    charts = site_dir / "charts" if lang == "en" else site_dir / lang / "charts"
    for variant in ("svg", "narrow.svg", "embed.svg", "embed.narrow.svg"):
        svg = (charts / f"dimension-innovation-ranking.{variant}").read_text(encoding="utf-8")
        rule = svg.index('class="mark-rule role-mark')
        texts = re.findall(r'<g class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', svg[rule:])
        assert len(texts) == 2, variant  # the halos, then the values, both after the line
        halos, values = ([(m.group(1), m.group(2)) for m in re.finditer(r'<text([^>]*)>([^<]*)</text>', t)] for t in texts)
        assert [v for _, v in halos] == [v for _, v in values] and len(values) == 31, variant
        assert all('stroke="#ffffff"' in attrs and 'stroke-width="6"' in attrs for attrs, _ in halos), variant
        assert not any("stroke=" in attrs for attrs, _ in values), variant


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_png_downloads_are_palette_images_that_keep_the_pixels_resvg_draws(site_dir, lang):
    """The 2x PNGs are palette images (a seventh of the RGBA size) of what resvg draws: the palette keeps every
    pixel of a ranking, a tile map and a profile but a few antialiased edge pixels (under 0.2 %), and shifts
    none as far as a colour of the chart. The correlation heatmap's gradient legend has more colours than a
    palette holds (its dark end was drawn grey): that PNG is RGB, every pixel kept."""
    import numpy as np

    from cidi.charts.render import compact_png, rasterise, svg_size
    from pngs import first_chunks, rgba

    folder = site_dir / ("zh/charts" if lang == "zh" else "charts")
    for name, kind in (("dimension-cyber_security-ranking", 3), ("map-total", 3), ("province-hunan-profile", 3),
                       ("correlations", 2)):
        svg = (folder / f"{name}.svg").read_text(encoding="utf-8")
        header = first_chunks((folder / f"{name}.png").read_bytes())[b"IHDR"]
        assert header[9] == kind, f"{name}: colour type {header[9]}, not {kind}"
        assert struct.unpack(">II", header[:8]) == tuple(2 * n for n in svg_size(svg.encode())), name
        drawn = rasterise(svg, 2)
        shown = rgba(compact_png(drawn))
        same = (drawn == shown).all(axis=2)
        assert same.mean() >= (0.998 if kind == 3 else 1.0), f"{lang} {name}: {1 - same.mean():.2%} of the pixels changed"
        off = np.abs(drawn.astype(int) - shown).max(axis=2)
        assert off.max() < 96 and (off > 24).mean() < 0.002, f"{lang} {name}: colours changed visibly"
