"""The site under the strict Content-Security-Policy it ships with (``_headers``), in a real browser.

A small server adds the policy to every response, as Netlify or Cloudflare Pages would from
``_headers``; a page fails on any violation (``securitypolicyviolation`` events and console reports)
and on the things a reader would miss: charts that stay static, a search that finds nothing, an
explorer that does not move, a palette toggle that does nothing.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from browsing import PAGE_TYPES, Watch
from conftest import _QuietHandler as QuietHandler
from conftest import serving

from cidi.deploy import CSP

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`));
"""


class _CSPHandler(QuietHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()


@pytest.fixture(scope="module")
def csp_server(site_dir):
    with serving(site_dir, _CSPHandler) as base:
        yield base


@contextmanager
def csp_page(browser, base: str, path: str):
    """A fresh page that records policy violations from its first script on; yields (page, watch, response)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.add_init_script(RECORD_VIOLATIONS)
    try:
        page = context.new_page()
        watch = Watch(page, base)
        response = page.goto(f"{base}/{path}", wait_until="networkidle")
        yield page, watch, response
    finally:
        context.close()


def violations(page, watch) -> list[str]:
    reported = page.evaluate("window.__csp || []")
    console = [m for m in watch.console_errors if "Content Security Policy" in m or "Content-Security-Policy" in m]
    return reported + console


def test_the_shipped_headers_file_sends_exactly_this_policy(site_dir):
    headers = (site_dir / "_headers").read_text(encoding="utf-8")
    assert f"/*\n  Content-Security-Policy: {CSP}\n" in headers
    assert "unsafe" not in headers


@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_no_page_type_breaks_the_policy_and_its_charts_turn_interactive(chromium, csp_server, kind):
    with csp_page(chromium, csp_server, PAGE_TYPES[kind]) as (page, watch, response):
        assert response.status == 200
        assert response.headers["content-security-policy"] == CSP
        charts = page.locator("figure[data-spec]")
        if charts.count():  # point at the first chart: Vega and its expression interpreter load, no eval needed
            charts.first.scroll_into_view_if_needed()
            charts.first.hover()
            page.wait_for_selector('figure[data-spec][data-state="interactive"]', timeout=20000)
            assert page.locator("figure[data-spec]").first.locator("svg").count() >= 1
        page.wait_for_timeout(200)
        assert violations(page, watch) == [], violations(page, watch)
        assert not [p for p in watch.problems() if "favicon" not in p], watch.problems()


@pytest.mark.parametrize("prefix, query", [("", "Guangdong"), ("zh/", "广东")])
def test_search_finds_results_under_the_policy(chromium, csp_server, prefix, query):
    with csp_page(chromium, csp_server, prefix) as (page, watch, _):
        page.locator("input.md-search__input").click()
        page.keyboard.type(query)
        page.keyboard.press("End")  # the theme searches on key events (typed CJK text sends none)
        page.wait_for_selector(".md-search-result__item", timeout=20000)
        assert page.locator(".md-search-result__item").count() >= 1
        assert violations(page, watch) == []


def test_the_explorer_moves_under_the_policy(chromium, csp_server):
    with csp_page(chromium, csp_server, "explore/") as (page, watch, _):
        page.wait_for_selector('#cidi-explorer figure[data-state="interactive"]', timeout=20000)
        page.locator(".vega-bind input[type=range]").nth(3).fill("0")
        page.wait_for_function("() => location.search.includes('w=')", timeout=10000)
        assert page.locator(".cidi-explorer__stamp").is_visible()
        assert violations(page, watch) == []


def test_the_palette_toggle_works_under_the_policy(chromium, csp_server):
    with csp_page(chromium, csp_server, "") as (page, watch, _):
        before = page.get_attribute("body", "data-md-color-scheme")
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') !== {before!r}")
        page.reload(wait_until="networkidle")  # the choice is stored (the theme's __md_set, now from a file)
        assert page.get_attribute("body", "data-md-color-scheme") != before
        assert violations(page, watch) == []
