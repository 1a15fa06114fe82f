"""The site in a real browser (headless Debian Chromium through Playwright), served from 127.0.0.1.

Every page type loads without console errors, failed requests or requests to any other host, and
shows its charts; a chart becomes interactive on hover with Vega served by the site itself; tables
sort; the keyboard reaches the navigation and the charts' data tables.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from browsing import PAGE_TYPES, open_page

pytestmark = pytest.mark.browser

CHART_IMAGES_LOADED = """async () => {
  const figures = Array.from(document.querySelectorAll("figure.cidi-chart"));
  const report = [];
  for (const figure of figures) {
    const img = figure.querySelector("img");
    if (!img) { report.push({id: figure.id, ok: figure.dataset.state === "interactive", why: "no img"}); continue; }
    img.scrollIntoView({block: "center"});
    const deadline = Date.now() + 5000;
    while (!(img.complete && img.naturalWidth > 0) && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 25));
    }
    report.push({id: figure.id, ok: img.complete && img.naturalWidth > 0, src: img.currentSrc || img.src});
  }
  return report;
}"""


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_loads_cleanly_and_shows_its_charts(chromium, server, kind):
    with open_page(chromium, server, PAGE_TYPES[kind]) as (page, watch, response):
        assert response.status == 200
        assert page.title()
        if kind == "explore":  # its chart turns interactive by itself and states the leader
            page.wait_for_selector("#cidi-explorer figure[data-state='interactive']", timeout=15000)
            assert re.search(r"leads with \d+\.\d\d points", page.locator(".cidi-explorer__status").inner_text())
        charts = page.evaluate(CHART_IMAGES_LOADED)
        page.wait_for_load_state("networkidle")
        not_loaded = [c for c in charts if not c["ok"]]
        assert not_loaded == [], f"chart images not loaded: {not_loaded}"
        if kind in ("home", "province", "dimension", "regions", "robustness"):
            assert charts, f"{kind}: no chart"
        problems = watch.problems()
        if kind.removeprefix("zh-") in ("charts", "explore", "embed"):
            # whether Chromium asks for /favicon.ico before the page is closed is a race; a missing icon link is
            # caught deterministically by test_site.py::test_embed_pages_declare_an_icon
            problems = [p for p in problems if not p.endswith("/favicon.ico)")]
        assert problems == [], "\n".join(problems)


def test_missing_page_gets_a_404_and_the_404_page_works(chromium, server):
    with open_page(chromium, server, "does-not-exist/") as (page, watch, response):
        assert response.status == 404
        # the server's bare error page has no icon link, so the browser also asks for /favicon.ico
        others = [p for p in watch.problems() if not re.search(r"/does-not-exist/|/favicon\.ico", p)]
        assert others == []
        assert any("/does-not-exist/: HTTP 404" in p for p in watch.failed)
    with open_page(chromium, server, "404.html") as (page, watch, response):
        assert response.status == 200
        assert "404" in page.locator("article").inner_text()
        assert page.locator("link[rel=stylesheet]").count() >= 1
        styled = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
        assert styled in ("sticky", "fixed"), "the 404 page's stylesheet did not load"
        assert watch.problems() == [], "\n".join(watch.problems())


def test_hovering_a_chart_makes_it_interactive(chromium, server):
    with open_page(chromium, server, "") as (page, watch, _):
        figure = page.locator("figure.cidi-chart").first
        assert figure.get_attribute("data-state") is None  # Vega is not loaded until needed
        assert not any(u.endswith("vega.min.js") for u in watch.requests)
        figure.scroll_into_view_if_needed()
        figure.hover()
        page.wait_for_selector("figure.cidi-chart[data-state='interactive']", timeout=15000)
        assert figure.get_attribute("data-state") == "interactive"
        svg = figure.locator(".cidi-chart__vega svg")
        assert svg.count() == 1
        assert svg.evaluate("s => s.querySelectorAll('*').length") > 40
        assert svg.get_attribute("aria-label"), "the interactive chart keeps the picture's text alternative"
        vega = [u for u in watch.requests if urlsplit(u).path.endswith("/assets/js/vega.min.js")]
        assert vega and all(urlsplit(u).netloc == urlsplit(server).netloc for u in vega), watch.requests

        tooltip = page.locator(".cidi-tooltip")
        marks = figure.locator(".cidi-chart__vega svg g.role-mark path, .cidi-chart__vega svg g.role-mark rect")
        shown = None
        for i in range(min(marks.count(), 60)):
            box = marks.nth(i).bounding_box()
            if not box or box["width"] < 4 or box["height"] < 4:
                continue
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            if tooltip.count() and tooltip.is_visible():
                shown = tooltip.inner_text()
                if re.search(r"\d", shown):
                    break
        assert shown and re.search(r"\d+(\.\d+)?", shown), f"no tooltip with a number (last: {shown!r})"
        assert watch.problems() == [], "\n".join(watch.problems())


def numeric(text: str) -> float | None:
    """The value of a cell of the national figures' Value column ("over 751,000,000" -> 751000000)."""
    text = re.sub(r"^(over|about)\s+", "", text.strip())
    if not re.fullmatch(r"[\d.,]+", text):
        return None
    return float(text.replace(",", ""))


def test_national_figures_sort_by_value(chromium, server):
    with open_page(chromium, server, "national-figures/") as (page, watch, _):
        table = page.locator(".cidi-sortable table")
        header = table.locator("thead th", has_text=re.compile(r"^\s*Value\s*$"))
        assert header.count() == 1
        column = table.locator("thead th").evaluate_all("ths => ths.map(th => th.textContent.trim())").index("Value")
        read = lambda: table.locator("tbody tr").evaluate_all(  # noqa: E731
            f"rows => rows.map(r => r.cells[{column}].textContent.trim())")
        before = read()
        header.locator("button").click()
        after = read()
        assert header.get_attribute("aria-sort") == "ascending"
        assert after != before and sorted(after) == sorted(before)
        numbers = [n for n in map(numeric, after) if n is not None]
        assert len(numbers) > len(after) / 2
        assert numbers == sorted(numbers), "ascending by value"
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "descending"
        assert [n for n in map(numeric, read()) if n is not None] == sorted(numbers, reverse=True)
        assert watch.problems() == []


def test_keyboard_reaches_navigation_and_chart_data(chromium, server):
    with open_page(chromium, server, "") as (page, watch, _):
        seen_nav = False
        summary = None
        for _ in range(150):
            page.keyboard.press("Tab")
            focus = page.evaluate("""() => {
              const el = document.activeElement;
              return {
                nav: el.matches('.md-search__input, .md-tabs__link, .md-nav__link, .md-header__button.md-logo'),
                summary: el.matches('.cidi-chart__data > summary'),
              };
            }""")
            seen_nav = seen_nav or focus["nav"]
            if focus["summary"]:
                summary = True
                break
        assert seen_nav, "Tab never reached the search input or a navigation link"
        assert summary, "Tab never reached a 'Data behind the chart' summary"
        assert page.evaluate("document.activeElement.textContent.trim()") == "Data behind the chart"
        assert page.evaluate("document.activeElement.parentElement.open") is False
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.parentElement.open") is True
        assert page.locator(".cidi-chart__data[open] table").first.is_visible()
        assert watch.problems() == []
