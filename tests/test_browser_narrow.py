"""Charts read on a phone and on a desktop (issues 13 and 17), in a real browser: on one page of every
page type with charts, in both languages, at 360 x 800 (a phone: mobile, touch) and 1280 x 900, the
smallest chart text shown is at least 11 CSS px and each chart fills its frame; a tap on a bar shows
its value; an embed page from 320 to 820 px keeps its text at full size and, without its script,
fits inside the height its embed code gives the iframe."""
from __future__ import annotations

import html
import re
from contextlib import contextmanager

import pytest

pytestmark = pytest.mark.browser

PAGES = {"home": "", "province": "provinces/guangdong/", "dimension": "dimensions/infrastructure/",
         "national-figures": "national-figures/", "regions": "regions/", "robustness": "methodology/robustness/",
         "explorer": "explore/", "charts": "charts/"}
SCREENS = {"phone": {"viewport": {"width": 360, "height": 800}, "is_mobile": True, "has_touch": True},
           "desktop": {"viewport": {"width": 1280, "height": 900}}}

# Every chart picture and every interactive chart on the page: the smallest text as shown (CSS px),
# and the drawing's width against its frame's. An <img> SVG's text is its font-size times the shown
# width over the SVG's own width (read from the file the browser chose); a Vega chart's text is
# measured on its text elements.
MEASURE = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('.cidi-chart__frame img, .cidi-catalogue-item img')) {
    img.loading = 'eager';
    if (!img.complete) await new Promise(r => { img.onload = img.onerror = r; });
    const box = img.getBoundingClientRect();
    if (!box.width) continue;
    const svg = await (await fetch(img.currentSrc)).text();
    const natural = Number(/<svg[^>]* width="([\\d.]+)"/.exec(svg)[1]);
    const sizes = [...svg.matchAll(/font-size="([\\d.]+)/g)].map(m => Number(m[1]));
    const frame = img.closest('.cidi-chart__frame');
    out.push({src: img.currentSrc.split('/').pop(), text: Math.min(...sizes) * box.width / natural,
              fill: frame ? box.width / frame.clientWidth : 1});
  }
  for (const svg of document.querySelectorAll('.cidi-chart__vega svg')) {
    const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
      .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    const frame = svg.closest('.cidi-chart__frame');
    out.push({src: 'vega:' + svg.closest('figure').dataset.chart + ':' + svg.closest('figure').dataset.layout,
              text: Math.min(...sizes), fill: svg.getBoundingClientRect().width / frame.clientWidth});
  }
  return out;
}"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["", "zh/"])
@pytest.mark.parametrize("kind", PAGES)
def test_chart_text_is_legible_and_charts_fill_their_frame(chromium, server, kind, lang, screen):
    context = chromium.new_context(**SCREENS[screen], service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{server}/{lang}{PAGES[kind]}", wait_until="networkidle")
        if kind == "explorer":  # the explorer draws its interactive chart at once
            page.wait_for_selector('.cidi-chart[data-state="interactive"]', timeout=20000)
        charts = page.evaluate(MEASURE)
        if kind != "national-figures":  # the one page type without a chart
            assert charts, "no chart found"
        small = [f"{c['src']}: {c['text']:.1f} px" for c in charts if c["text"] < 11]
        assert not small, f"chart text below 11 CSS px: {small}"
        narrow = [f"{c['src']}: {c['fill']:.0%}" for c in charts if c["fill"] < 0.9]
        assert not narrow, f"charts using less than 90 % of their frame: {narrow}"
        if screen == "phone":
            assert all("narrow" in c["src"] for c in charts), "a phone is shown the narrow layouts"
    finally:
        context.close()


def tooltip_text(page) -> str | None:
    tip = page.locator(".cidi-tooltip")
    return tip.inner_text() if tip.count() and tip.is_visible() else None


@contextmanager
def phone_page(chromium, url: str):
    """A page at phone size (360 x 800, touch) with ``url`` loaded, in a context closed afterwards."""
    context = chromium.new_context(**SCREENS["phone"], service_workers="block")
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        yield page
    finally:
        context.close()


def tap_middle(page, locator) -> None:
    """Scroll ``locator`` to the middle of the screen and tap its centre."""
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    box = locator.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_a_tap_on_a_bar_shows_its_value_and_a_tap_elsewhere_hides_it(chromium, server, lang):
    with phone_page(chromium, f"{server}/{lang}dimensions/infrastructure/") as page:
        figure = page.locator("#chart-dimension-infrastructure-ranking")
        tap_middle(page, figure.locator(".cidi-chart__frame"))  # upgrades the chart
        page.wait_for_selector('#chart-dimension-infrastructure-ranking[data-state="interactive"]', timeout=20000)
        bars = figure.locator(".cidi-chart__vega .mark-rect path")
        assert bars.count() == 31
        texts = []
        for i in (0, 30):  # the top bar, then the last one: the tooltip moves and changes
            bars.nth(i).evaluate("e => e.scrollIntoView({block: 'center'})")
            bar = bars.nth(i).bounding_box()
            page.touchscreen.tap(bar["x"] + min(bar["width"] / 2, 6), bar["y"] + bar["height"] / 2)
            page.wait_for_timeout(200)
            texts.append(tooltip_text(page))
            assert texts[-1] and re.search(r"\d+\.\d\d", texts[-1]), f"a tap on bar {i} shows no value: {texts[-1]}"
        assert texts[0] != texts[1], "the second tap shows the other bar's value"
        page.locator("h1").evaluate("e => e.scrollIntoView({block: 'center'})")
        heading = page.locator("h1").bounding_box()
        page.touchscreen.tap(heading["x"] + 5, heading["y"] + 5)
        page.wait_for_timeout(200)
        assert tooltip_text(page) is None, "a tap outside the chart hides the tooltip"


EMBEDS = ["map-total", "dimension-innovation-ranking", "ranking-stacked", "province-guangdong-profile", "explorer",
          "regions-total"]


def embed_code_height(site_dir, lang: str, chart_id: str) -> int:
    catalogue = (site_dir / lang / "charts" / "index.html").read_text(encoding="utf-8")
    code = html.unescape(re.search(rf'data-embed-id="{chart_id}"><code>(.*?)</code>', catalogue, re.S).group(1))
    return int(re.search(r'height="(\d+)"', code).group(1))


@pytest.mark.parametrize("lang", ["", "zh/"])
@pytest.mark.parametrize("chart_id", EMBEDS)
def test_an_embed_keeps_full_size_text_and_fits_its_code_height_without_script(chromium, server, site_dir,
                                                                               lang, chart_id):
    fixed = embed_code_height(site_dir, lang, chart_id)
    for width in (320, 375, 700, 820):
        context = chromium.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(f"{server}/{lang}embed/{chart_id}/", wait_until="load")
            shown = page.evaluate("""() => {
                const svg = [...document.querySelectorAll('#chart svg')].find(s => s.getBoundingClientRect().width);
                const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
                return {count: [...document.querySelectorAll('#chart svg')].filter(s => s.getBoundingClientRect().width).length,
                        scale: svg.getBoundingClientRect().width / Number(svg.getAttribute('width')),
                        text: Math.min(...sizes), height: Math.ceil(document.documentElement.getBoundingClientRect().height),
                        overflow: document.documentElement.scrollWidth - innerWidth};
            }""")
            assert shown["count"] == 1, f"{width} px: one layout shows"
            assert shown["scale"] >= 0.995, f"{width} px: the chart is shrunk to {shown['scale']:.0%}"
            assert shown["text"] >= 11.9, f"{width} px: text at {shown['text']:.1f} px"
            assert shown["overflow"] <= 0, f"{width} px: the page scrolls sideways"
            assert shown["height"] <= fixed, f"{width} px: the page is {shown['height']} px, the code's height {fixed}"
        finally:
            context.close()


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_one_tap_on_a_tile_of_the_home_map_opens_that_province(chromium, server, lang):
    """The home page's map is a picture until Vega draws it: the tap that draws it follows the tile's link."""
    with phone_page(chromium, f"{server}/{lang}") as page:
        # the middle of the map is a province tile (central China), never a gap or Taiwan
        with page.expect_navigation(timeout=20000):
            tap_middle(page, page.locator("#chart-map-total .cidi-chart__frame"))
        assert re.search(rf"/{lang}provinces/[a-z]+/$", page.url), f"the tap led to {page.url}"
        assert page.locator("h1").count() == 1
