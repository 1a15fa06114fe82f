"""The site on a phone (360 x 800, touch) and on a desktop (1280 x 900), in both languages.

- No page of any type scrolls sideways as a whole.
- Every table's column headers are on screen at 360 px, or the table is stacked (each row a card whose cells
  show their column's name); at 1280 px no table is clipped by its scrolling wrapper.
- "Show all columns" under a table with priority columns brings back the hidden ones, and hides them again.
- The home page's province finder reaches a province by keyboard from an English prefix ("guang") and a
  Chinese name ("广东").
- The search index is not downloaded before a reader opens search; once opened, a search for a province
  name lists its page.
- axe finds nothing serious on the home, a province page and /provinces/ at 360 px.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from browsing import PAGE_TYPES, Watch
from test_accessibility import blocking_violations, describe

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 800}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SCREENS = {"360": PHONE, "1280": DESKTOP}
KINDS = [kind for kind in PAGE_TYPES if kind.removeprefix("zh-") != "embed"]


@contextmanager
def open_on(browser, base: str, path: str, screen: dict, wait: str = "load"):
    """A fresh context with the given screen; yields (page, watch) once ``path`` has loaded."""
    context = browser.new_context(**screen, service_workers="block")
    try:
        page = context.new_page()
        watch = Watch(page, base)
        page.goto(f"{base}/{path}", wait_until=wait)
        yield page, watch
    finally:
        context.close()


# Per table of the content: the header cells outside the viewport, whether the table is stacked (its header
# row hidden, each data cell showing its column's name before it) and how far its scrolling wrapper is clipped.
TABLES = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('.md-content table')].filter(t => !t.closest('details:not([open])')).map(t => {
    const stacked = getComputedStyle(t).display === 'block' && !!t.querySelector('td[data-label]')
      && [...t.querySelectorAll('td[data-label]:not(:first-child)')].every(td =>
           getComputedStyle(td, '::before').content === JSON.stringify(td.dataset.label))
      && t.querySelector('thead').getBoundingClientRect().height <= 1;
    const outside = [...t.querySelectorAll('thead th')].filter(th => {
      const r = th.getBoundingClientRect();
      return r.width > 0 && (r.left < -0.5 || r.right > width + 0.5);
    }).map(th => th.textContent.trim());
    const wrap = t.closest('.md-typeset__scrollwrap');
    return {head: t.querySelector('th') ? t.querySelector('th').textContent.trim() : '', stacked, outside,
            clipped: wrap ? wrap.scrollWidth - wrap.clientWidth : 0};
  });
}"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_page_scrolls_sideways_and_every_table_fits(chromium, server, kind, screen):
    with open_on(chromium, server, PAGE_TYPES[kind], SCREENS[screen]) as (page, _):
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        tables = page.evaluate(TABLES)
    assert overflow <= 0, f"{PAGE_TYPES[kind]} at {screen} px scrolls sideways by {overflow} px"
    if screen == "360":
        assert [t for t in tables if t["outside"] and not t["stacked"]] == []
    else:
        assert [t for t in tables if t["clipped"] > 0] == []


@pytest.mark.parametrize("kind", ["provinces", "province", "zh-provinces", "zh-province"])
def test_show_all_columns_brings_back_the_hidden_columns(chromium, server, kind):
    with open_on(chromium, server, PAGE_TYPES[kind], PHONE) as (page, _):
        table = page.locator(".cidi-table--priority").first
        visible = "t => [...t.querySelectorAll('thead th')].filter(th => th.offsetWidth > 0).length"
        all_columns = table.locator("thead th").count()
        few = table.evaluate(visible)
        assert 2 <= few < all_columns, "on a phone the table starts with its priority columns only"
        more = table.locator(".cidi-table__more")
        assert more.get_attribute("aria-expanded") == "false"
        more.tap()
        assert table.evaluate(visible) == all_columns
        assert more.get_attribute("aria-expanded") == "true"
        more.tap()
        assert table.evaluate(visible) == few


def test_province_tables_keep_their_key_column_on_a_phone(chromium, server):
    """The values a reader comes for: Total on /provinces/, "Rank of 31" on a province page."""
    for kind, column in (("provinces", "Total"), ("province", "Rank of 31"), ("zh-provinces", "总分")):
        with open_on(chromium, server, PAGE_TYPES[kind], PHONE) as (page, _):
            shown = page.locator(".cidi-table--priority").first.evaluate(
                "t => [...t.querySelectorAll('thead th')].filter(th => th.offsetWidth > 0).map(th => th.textContent.trim())")
        assert column in shown, f"{PAGE_TYPES[kind]}: {shown}"


def test_the_chart_catalogue_fits_a_phone_with_an_embed_box_open(chromium, server):
    with open_on(chromium, server, PAGE_TYPES["charts"], PHONE) as (page, _):
        page.evaluate("() => document.querySelectorAll('.cidi-catalogue-item details').forEach(d => { d.open = true; })")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"/charts/ scrolls sideways by {overflow} px with its embed boxes open"


@pytest.mark.parametrize("home", ["", "zh/"], ids=["en", "zh"])
@pytest.mark.parametrize("typed", ["guang", "广东"])
def test_the_finder_reaches_a_province_by_keyboard(chromium, server, home, typed):
    with open_on(chromium, server, home, PHONE) as (page, watch):
        finder = page.locator("#cidi-finder-input")
        assert finder.get_attribute("role") == "combobox"
        finder.focus()
        page.keyboard.type(typed)
        options = page.locator("#cidi-finder-options [role=option]")
        names = options.all_inner_texts()
        assert names and ("Guangdong" in names[0] or "广东" in names[0]), names
        if typed == "guang":  # Guangxi answers to it too
            assert len(names) == 2 and finder.get_attribute("aria-expanded") == "true"
        page.keyboard.press("ArrowDown")
        assert finder.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
        assert options.first.get_attribute("aria-selected") == "true"
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/{home}provinces/guangdong/")
        assert watch.problems() == []


def test_the_finder_without_javascript_lists_the_provinces(chromium, server):
    """The field keeps the browser's suggestions (a datalist of all 31) and its button leads to /provinces/."""
    context = chromium.new_context(**PHONE, java_script_enabled=False, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{server}/", wait_until="load")
        assert page.locator("#cidi-finder-list option").count() == 31
        assert page.locator("#cidi-finder-input").get_attribute("list") == "cidi-finder-list"
        page.locator(".cidi-finder__go").click()
        page.wait_for_url("**/provinces/?q=")
    finally:
        context.close()


SEARCH_INDEX = "search/search_index.json"


@pytest.mark.parametrize("kind, query", [("province", "Guangdong"), ("zh-province", "广东")])
def test_search_loads_its_index_only_when_opened_and_then_finds_a_province(chromium, server, kind, query):
    with open_on(chromium, server, PAGE_TYPES[kind], PHONE, wait="networkidle") as (page, watch):
        page.wait_for_timeout(300)
        assert not [url for url in watch.requests if SEARCH_INDEX in url or "/workers/search." in url], \
            "the search index or worker loaded before search was opened"
        page.locator("label.md-header__button[for='__search']").tap()
        field = page.locator("input[data-md-component='search-query']")
        field.fill(query)
        page.keyboard.press("End")  # the theme searches on keyup
        result = page.locator(".md-search-result__item a[href*='provinces/guangdong/']").first
        result.wait_for(timeout=15000)
        assert [url for url in watch.requests if url.endswith(SEARCH_INDEX)], "search worked without its index?"
        assert watch.problems() == []


@pytest.mark.parametrize("kind", ["home", "province", "provinces"])
def test_no_serious_accessibility_violations_on_a_phone(chromium, server, kind):
    with open_on(chromium, server, PAGE_TYPES[kind], PHONE, wait="networkidle") as (page, _):
        violations = blocking_violations(page)
    assert violations == [], f"{PAGE_TYPES[kind] or 'home'} (360 px):\n{describe(violations)}"
