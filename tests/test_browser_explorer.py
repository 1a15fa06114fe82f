"""The explorer ("Build your own index") as a reader uses it, in a real browser: the official weights move
nothing, the sliders work from the keyboard and stay in view with the top of the ranking while they move
(phone and desktop), the map legend survives slider moves and shared links, and a custom view's embed code
reproduces its weights in someone else's page."""
from __future__ import annotations

import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from browsing import open_page

from cidi.charts import tiles
from cidi.charts.model import MUTED

pytestmark = pytest.mark.browser

LANGS = [pytest.param("", id="en"), pytest.param("zh/", id="zh")]
SLIDERS = "#cidi-explorer .cidi-explorer__sliders input[type=range]"


def bars(page) -> list[dict]:
    """The explorer's ranking as the browser computed it: [{province, custom, custom_rank, rank, move}]."""
    return page.evaluate("""() => {
        const view = document.querySelector('#cidi-explorer .cidi-chart').cidiView;
        for (let i = 0; i < 10; i++) {
            let rows; try { rows = view.data('data_' + i); } catch (e) { continue; }
            if (rows && rows.length && 'custom_rank' in rows[0])
                return rows.map(r => ({province: r.province, custom: r.custom, custom_rank: r.custom_rank,
                                       rank: r.rank, move: r.move}));
        }
        return [];
    }""")


def by_custom_rank(page) -> list[str]:
    return [r["province"] for r in sorted(bars(page), key=lambda r: r["custom_rank"])]


def drawn_bars(page) -> list[dict]:
    """The ranking's bars as drawn (the first rect marks of the chart): fill and box in the viewport, top first."""
    return page.evaluate("""() => {
        const group = document.querySelector('#cidi-explorer svg g.mark-rect.role-mark');
        return [...group.querySelectorAll('path')].map(p => {
            const box = p.getBoundingClientRect();
            return {fill: p.getAttribute('fill'), top: box.top, bottom: box.bottom, height: box.height};
        }).sort((a, b) => a.top - b.top);
    }""")


def wait_ready(page):
    page.wait_for_selector('#cidi-explorer[data-ready="true"]', timeout=15000)
    page.wait_for_function("() => document.querySelector('.cidi-explorer__status').textContent.length > 0")


def open_explorer(chromium, server, query: str = "", prefix: str = ""):
    context = open_page(chromium, server, f"{prefix}explore/{query}")
    page, watch, _ = context.__enter__()
    wait_ready(page)
    return context, page, watch


def tab_to_slider(page, limit: int = 80) -> str:
    """Press Tab until a slider has focus (as a keyboard user would); returns its accessible name."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate("""() => { const e = document.activeElement;
            return e && e.matches('input[type=range]') ? (e.labels[0] || {}).textContent || '' : null; }""")
        if name is not None:
            return name
    raise AssertionError(f"no slider reached in {limit} Tab presses")


@pytest.mark.parametrize("prefix", LANGS)
def test_at_the_official_weights_every_province_keeps_its_published_rank(chromium, server, site_dir, prefix):
    # Shaanxi (published 13th, 28.07) and Hunan (14th, 28.06) both sum to 28.07 from their printed scores:
    # the tie is broken by the published rank, so neither is coloured "higher" or "lower".
    scores = pd.read_csv(site_dir / "data" / "scores.csv", dtype={"adcode": str})
    context, page, watch = open_explorer(chromium, server, prefix=prefix)
    try:
        rows = bars(page)
        assert len(rows) == len(scores) == 31
        assert [r["custom_rank"] for r in rows if r["custom_rank"] != r["rank"]] == []
        assert len({r["move"] for r in rows}) == 1, "one legend class (same) for all 31"
        fills = {b["fill"] for b in drawn_bars(page)}
        assert fills == {MUTED}, f"bars coloured as moved at the official weights: {fills}"
        ranking = by_custom_rank(page)
        status = page.inner_text(".cidi-explorer__status")
        assert ranking[0] in status and ranking[-1] in status
        assert page.locator(".cidi-explorer__stamp").is_hidden(), "no stamp at the official weights"
        assert "w=" not in page.url
        if not prefix:
            totals = scores.set_index("province")["recomputed_total"]
            for row in rows:
                assert row["custom"] == pytest.approx(totals[row["province"]], abs=1e-6)
        assert not watch.problems(), watch.problems()
    finally:
        context.__exit__(None, None, None)


def test_moving_a_slider_changes_the_ranking_the_url_and_stamps_the_view(chromium, server):
    context, page, watch = open_explorer(chromium, server)
    try:
        before = by_custom_rank(page)
        page.locator(f"{SLIDERS}[name='w_internet_application']").fill("0")  # Internet application weight to zero
        page.wait_for_function("() => location.search.includes('w=')")
        after = by_custom_rank(page)
        assert after != before, "the ranking changes when a weight changes"
        assert "w=18,16,16,0,13,12" in page.url, page.url  # readable: the commas are not escaped
        assert page.locator(".cidi-explorer__stamp").is_visible()
        assert "With your weights" in page.inner_text(".cidi-explorer__status")
        assert after[0] in page.inner_text(".cidi-explorer__status")
        drawn = page.locator("#cidi-explorer svg text", has_text="Custom weights — not the official index")
        assert drawn.count() >= 1, "the stamp is drawn inside the chart, so exports carry it"
        page.click('[data-action="reset"]')
        page.wait_for_function("() => !location.search.includes('w=')")
        assert by_custom_rank(page) == before
        assert not watch.problems(), watch.problems()
    finally:
        context.__exit__(None, None, None)


def test_a_shared_link_restores_the_weights(chromium, server):
    context, page, _ = open_explorer(chromium, server, "?w=30,16,16,10,13,12")
    try:
        assert page.locator(".cidi-explorer__stamp").is_visible()
        values = page.eval_on_selector_all(SLIDERS, "els => els.map(e => Number(e.value))")
        assert values == [30, 16, 16, 10, 13, 12]
    finally:
        context.__exit__(None, None, None)


@pytest.mark.parametrize("prefix", LANGS)
def test_tab_reaches_a_labelled_slider_and_arrow_keys_update_the_ranking(chromium, server, prefix):
    context, page, watch = open_explorer(chromium, server, prefix=prefix)
    try:
        before, status = by_custom_rank(page), page.inner_text(".cidi-explorer__status")
        name = tab_to_slider(page)
        assert name.strip(), "the slider has a visible label"
        ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
        assert ring[0] != "none" and ring[1] >= 2, f"no visible focus ring: {ring}"
        start = int(page.evaluate("() => document.activeElement.value"))
        for _ in range(20):
            page.keyboard.press("ArrowRight")
        assert int(page.evaluate("() => document.activeElement.value")) == start + 20
        page.wait_for_function("() => location.search.includes('w=')")
        assert by_custom_rank(page) != before, "the ranking follows the keyboard"
        assert page.inner_text(".cidi-explorer__status") != status
        assert not watch.problems(), watch.problems()
    finally:
        context.__exit__(None, None, None)


@pytest.mark.parametrize("width, height, mobile", [(360, 800, True), (1280, 900, False)], ids=["phone", "desktop"])
@pytest.mark.parametrize("prefix", LANGS)
def test_the_slider_and_the_first_bar_stay_in_view_while_the_slider_moves(chromium, server, width, height, mobile,
                                                                           prefix):
    context = chromium.new_context(viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile,
                                   service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{server}/{prefix}explore/", wait_until="networkidle")
        wait_ready(page)
        tab_to_slider(page)
        for step in range(8):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(60)
            slider = page.evaluate("() => { const b = document.activeElement.getBoundingClientRect();"
                                   " return {top: b.top, bottom: b.bottom, left: b.left, right: b.right}; }")
            panel = page.locator(".cidi-explorer__panel").bounding_box()
            first = drawn_bars(page)[0]
            assert 0 <= slider["top"] and slider["bottom"] <= height and 0 <= slider["left"] and slider["right"] <= width
            assert first["height"] > 0 and first["bottom"] <= height, (step, first)
            # not hidden under the panel, which a narrow screen sticks above the chart (a wide one puts it beside)
            above = panel["x"] < width / 2
            assert first["top"] >= (panel["y"] + panel["height"] if above else 0) - 1, (step, first, panel)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    finally:
        context.close()


LEGEND_BANDS = """() => {
    const legend = [...document.querySelectorAll('#cidi-explorer svg g.role-legend')]
        .find(g => g.querySelector('.role-legend-band'));
    return [...legend.querySelectorAll('.role-legend-band path')].map(p => {
        const box = p.getBoundingClientRect();
        return {fill: p.getAttribute('fill'), painted: getComputedStyle(p).fill, width: box.width, height: box.height};
    });
}"""

FOREIGN_REFS = """() => [...document.querySelectorAll('#cidi-explorer svg *')].flatMap(e =>
    ['fill', 'stroke', 'clip-path', 'mask', 'filter'].map(a => e.getAttribute(a))
        .filter(v => v && v.includes('url(') && !(/^url\\(["']?#/.test(v) && document.getElementById(v.match(/#([^)"']+)/)[1]))))"""


def assert_legend_drawn(page):
    bands = page.evaluate(LEGEND_BANDS)
    colours = [b["fill"] for b in bands if b["fill"]]
    assert colours == tiles.class_colours(len(colours)) and len(colours) >= 3, bands
    assert all(b["width"] > 0 and b["height"] > 0 and b["painted"].startswith("rgb") for b in bands if b["fill"]), bands
    assert page.evaluate(FOREIGN_REFS) == [], "paint or clip references to another address draw nothing"


@pytest.mark.parametrize("prefix", LANGS)
def test_the_map_legend_is_drawn_after_a_move_and_from_a_shared_link(chromium, server, prefix):
    context, page, watch = open_explorer(chromium, server, "?w=28,16,16,5,13,12", prefix=prefix)
    try:
        assert_legend_drawn(page)
        # Vega paints gradients as url(<the page address>#id); the explorer rewrites the address. A gradient
        # drawn the way Vega draws one must still resolve after the next move.
        page.evaluate("""() => {
            const svg = document.querySelector('#cidi-explorer svg'), ns = 'http://www.w3.org/2000/svg';
            const defs = svg.querySelector('defs') || svg.insertBefore(document.createElementNS(ns, 'defs'), svg.firstChild);
            const g = document.createElementNS(ns, 'linearGradient'); g.id = 'test_gradient';
            defs.appendChild(g);
            const rect = document.createElementNS(ns, 'rect'); rect.id = 'test_painted';
            rect.setAttribute('fill', 'url(' + location.href + '#test_gradient)');
            svg.appendChild(rect);
        }""")
        page.locator(f"{SLIDERS}[name='w_infrastructure']").fill("40")
        page.wait_for_function("() => location.search.includes('w=40,')")
        assert page.get_attribute("#test_painted", "fill") == "url(#test_gradient)"
        assert_legend_drawn(page)
        page.click('[data-action="reset"]')
        page.wait_for_function("() => !location.search.includes('w=')")
        assert_legend_drawn(page)
        assert not watch.problems(), watch.problems()
    finally:
        context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    """Someone else's site (another port) into which a test pastes an embed code, as a journalist would."""
    folder = tmp_path_factory.mktemp("article")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(folder)))
    httpd.RequestHandlerClass.log_message = lambda *args: None
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def embed_leader(frame) -> str:
    """The top label of the embedded ranking (the y axis that names every province)."""
    return frame.evaluate("""() => {
        const axes = [...document.querySelectorAll('#chart svg g.role-axis')];
        const labels = axes.map(a => [...a.querySelectorAll('.role-axis-label text')])
            .find(texts => texts.length >= 31);
        return labels.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0].textContent;
    }""")


@pytest.mark.parametrize("prefix", LANGS)
def test_the_embed_code_of_a_custom_view_shows_its_weights_and_leader(chromium, server, article, prefix):
    folder, url = article
    context, page, watch = open_explorer(chromium, server, prefix=prefix)
    try:
        page.locator(f"{SLIDERS}[name='w_cyber_security']").fill("50")
        page.locator(f"{SLIDERS}[name='w_digital_economy']").fill("0")
        page.wait_for_function("() => location.search.includes('w=18,16,0,25,50,12')")
        leader = by_custom_rank(page)[0]
        code = page.text_content("#cidi-explorer .cidi-embed__code code")  # the box is closed: its text, not what shows
        assert re.search(r'src="[^"]*/embed/explorer/\?w=18,16,0,25,50,12"', code), code
        preview = page.get_attribute("#cidi-explorer .cidi-embed a[href*='embed/']", "href")
        assert preview.endswith("?w=18,16,0,25,50,12"), preview
    finally:
        context.__exit__(None, None, None)
    name = f"{prefix.strip('/') or 'en'}.html"
    (folder / name).write_text(f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Article</title>"
                               f"<link rel=icon href=data:,></head><body><h1>Article</h1>{code}</body></html>",
                               encoding="utf-8")
    host = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        host.goto(url + name, wait_until="networkidle")
        frame = host.frame_locator("iframe")
        frame.locator('#chart[data-state="interactive"]').wait_for(timeout=15000)
        embedded = host.frames[1]
        values = embedded.eval_on_selector_all("input[type=range]", "els => els.map(e => Number(e.value))")
        assert values == [18, 16, 0, 25, 50, 12]
        assert embed_leader(embedded) == leader
        stamp = embedded.locator("#chart svg text", has_text=re.compile("Custom weights|自定义权重"))
        assert stamp.count() >= 1 and stamp.first.evaluate("e => getComputedStyle(e).opacity !== '0' && e.getAttribute('opacity') !== '0'")
    finally:
        host.close()


@pytest.mark.parametrize("width", [820, 375])
def test_the_embedded_explorer_is_interactive_without_a_pointer(chromium, server, width):
    """A keyboard reader never points at the embed: its sliders are there from the start and Tab reaches them.
    They sit above the chart, on the article's first screen: a reader who drags one sees the bars move
    just below it (the iframe is as tall as the chart, so the article scrolls, never the embed)."""
    page = chromium.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(f"{server}/embed/explorer/", wait_until="networkidle")
        page.wait_for_selector('#chart[data-state="interactive"]', timeout=15000)
        boxes = page.evaluate("""() => {
            const box = e => e.getBoundingClientRect();
            const sliders = [...document.querySelectorAll('#chart input[type=range]')].map(box);
            return {sliders: sliders.map(b => [b.top, b.bottom, b.left, b.right]), chart: box(document.querySelector('#chart .vega svg')).top,
                    group: document.querySelector('#chart [role=group]').getAttribute('aria-label')};
        }""")
        assert len(boxes["sliders"]) == 6, boxes
        assert max(bottom for _, bottom, _, _ in boxes["sliders"]) <= boxes["chart"] < 800, boxes
        assert all(right <= width and right - left >= 150 for _, _, left, right in boxes["sliders"]), "each slider wide enough to drag"
        assert boxes["group"] == "Weights of the six dimensions"
        tab_to_slider(page, limit=10)
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("prefix", LANGS)
def test_no_serious_accessibility_violations_on_a_phone_with_custom_weights(chromium, server, prefix, scheme):
    from test_accessibility import blocking_violations, describe

    context = chromium.new_context(viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True,
                                   color_scheme=scheme, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{server}/{prefix}explore/?w=30,16,16,10,13,12", wait_until="networkidle")
        wait_ready(page)
        assert page.locator(".cidi-explorer__stamp").is_visible()
        violations = blocking_violations(page)
    finally:
        context.close()
    assert violations == [], describe(violations)
