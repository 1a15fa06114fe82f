"""What a reader does with the interactive parts, in a real browser: an embed code pasted into someone
else's page (the explorer's sliders, shared URL and stamp: ``test_browser_explorer.py``)."""
from __future__ import annotations

import html
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.browser


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
