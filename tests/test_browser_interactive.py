"""What a reader does with the interactive parts, in a real browser: the explorer's sliders, its
shared URL and stamp, and an embed code pasted into someone else's page."""
from __future__ import annotations

import html
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from browsing import open_page

pytestmark = pytest.mark.browser


def bars(page) -> list[dict]:
    """The explorer's ranking as the browser computed it: [{province, custom, custom_rank, rank}]."""
    return page.evaluate("""() => {
        const view = document.querySelector('#cidi-explorer .cidi-chart').cidiView;
        for (let i = 0; i < 10; i++) {
            let rows; try { rows = view.data('data_' + i); } catch (e) { continue; }
            if (rows && rows.length && 'custom_rank' in rows[0])
                return rows.map(r => ({province: r.province, custom: r.custom, custom_rank: r.custom_rank, rank: r.rank}));
        }
        return [];
    }""")


def open_explorer(chromium, server, query: str = ""):
    context = open_page(chromium, server, f"explore/{query}")
    page, watch, _ = context.__enter__()
    page.wait_for_selector('#cidi-explorer figure[data-state="interactive"]', timeout=15000)
    page.wait_for_function("() => document.querySelector('.cidi-explorer__status').textContent.length > 0")
    return context, page, watch


def test_explorer_at_official_weights_reproduces_the_published_scores(chromium, server, site_dir):
    scores = pd.read_csv(site_dir / "data" / "scores.csv", dtype={"adcode": str}).set_index("province")
    context, page, watch = open_explorer(chromium, server)
    try:
        rows = bars(page)
        assert len(rows) == len(scores)
        for row in rows:
            assert row["custom"] == pytest.approx(scores.loc[row["province"], "recomputed_total"], abs=1e-6)
        assert page.locator(".cidi-explorer__stamp").is_hidden(), "no stamp at the official weights"
        assert "w=" not in page.url
        assert not watch.problems(), watch.problems()
    finally:
        context.__exit__(None, None, None)


def test_moving_a_slider_changes_the_ranking_the_url_and_stamps_the_view(chromium, server):
    context, page, watch = open_explorer(chromium, server)
    try:
        before = [r["province"] for r in sorted(bars(page), key=lambda r: -r["custom"])]
        slider = page.locator("input[type=range][name='w_internet_application']")
        if not slider.count():
            slider = page.locator(".vega-bind input[type=range]").nth(3)
        slider.fill("0")  # Internet application weight to zero
        page.wait_for_function("() => location.search.includes('w=')")
        after = [r["province"] for r in sorted(bars(page), key=lambda r: -r["custom"])]
        assert after != before, "the ranking changes when a weight changes"
        assert re.search(r"w=18(%2C|,)16(%2C|,)16(%2C|,)0(%2C|,)13(%2C|,)12", page.url), page.url
        assert page.locator(".cidi-explorer__stamp").is_visible()
        assert "With your weights" in page.inner_text(".cidi-explorer__status")
        drawn = page.locator("#cidi-explorer svg text", has_text="Custom weights — not the official index")
        assert drawn.count() >= 1, "the stamp is drawn inside the chart, so exports carry it"
        page.click('[data-action="reset"]')
        page.wait_for_function("() => !location.search.includes('w=')")
        assert [r["province"] for r in sorted(bars(page), key=lambda r: -r["custom"])] == before
        assert not watch.problems(), watch.problems()
    finally:
        context.__exit__(None, None, None)


def test_a_shared_link_restores_the_weights(chromium, server):
    context, page, _ = open_explorer(chromium, server, "?w=30,16,16,10,13,12")
    try:
        assert page.locator(".cidi-explorer__stamp").is_visible()
        values = page.eval_on_selector_all(".vega-bind input[type=range]", "els => els.map(e => Number(e.value))")
        assert values == [30, 16, 16, 10, 13, 12]
    finally:
        context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def host_page(tmp_path_factory, site_dir, server):
    """Someone else's site (another port) with our embed code pasted in, as a journalist would."""
    catalogue = (site_dir / "charts" / "index.html").read_text(encoding="utf-8")
    code = html.unescape(re.search(r'data-embed-id="map-total"><code>(.*?)</code>', catalogue, re.S).group(1))
    code = re.sub(r'src="[^"]*/embed/', f'src="{server}/embed/', code)
    folder = tmp_path_factory.mktemp("host")
    (folder / "index.html").write_text(f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Article</title>"
                                       f"<link rel=icon href=data:,></head><body style='margin:0;width:360px'>"
                                       f"<h1>Article</h1>{code}<p id=after>After the chart.</p></body></html>",
                                       encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(folder)))
    httpd.RequestHandlerClass.log_message = lambda *args: None
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", code
    httpd.shutdown()


def test_pasted_embed_code_sizes_its_iframe_to_the_chart(chromium, host_page):
    url, code = host_page
    fixed = int(re.search(r'height="(\d+)"', code).group(1))
    page = chromium.new_page(viewport={"width": 360, "height": 800})
    try:
        page.goto(url, wait_until="networkidle")
        frame = page.locator("iframe")
        page.wait_for_function("() => document.querySelector('iframe').style.height !== ''", timeout=10000)
        inner = page.frames[1].evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)")
        height = frame.bounding_box()["height"]
        assert abs(height - inner) <= 2, (height, inner)
        assert height != fixed, "the height came from the embed page, not the fixed fallback"
        assert page.frames[1].locator("#chart svg:visible").count() == 1, "one layout of the chart shows"
        assert page.locator("#after").bounding_box()["y"] >= height
    finally:
        page.close()


@pytest.mark.parametrize("chart_id", ["map-total", "correlations"])
def test_embed_on_a_phone_redraws_the_chart_at_the_screen_width(chromium, server, chart_id):
    """At 320 px the embed shows the chart's narrow layout, drawn for that width, before and after
    it turns interactive, instead of shrinking a wide picture: its labels keep their size."""
    page = chromium.new_page(viewport={"width": 320, "height": 800})
    try:
        page.goto(f"{server}/embed/{chart_id}/")
        measure = """(selector) => {
            const svg = [...document.querySelectorAll(selector)].find(s => s.getBoundingClientRect().width > 0);
            return [Number(svg.getAttribute('width')), svg.getBoundingClientRect().width];
        }"""
        for selector in ("#chart .layout svg", "#chart .vega svg"):
            if selector.endswith(".vega svg"):
                page.hover("#chart")
                page.wait_for_selector('#chart[data-state="interactive"]', timeout=15000)
                page.wait_for_timeout(300)
            drawn, shown = page.evaluate(measure, selector)
            # text keeps at least 90 % of its size (a 640-px chart shrunk to 296 px would keep 46 %)
            assert shown / drawn >= 0.9, f"{selector}: drawn {drawn} px wide but shown in {shown} px: the text shrinks"
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    finally:
        page.close()
