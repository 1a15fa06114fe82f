"""Accessibility: axe-core (shipped inside axe-playwright-python, works offline) on every page type.

No violation of impact "serious" or "critical": in the light scheme on every page type, in the dark
scheme on the home, a province and the data page, and on a phone-sized screen with every <details>
open (data tables that scroll sideways must be reachable by keyboard). The Chinese pages share the
English templates and stylesheets; of them, the home and a province page are checked (lang
attributes, CJK line wrapping). The theme's defaults that axe
flags are fixed in ``scripts/cidi/theme/`` (search dialog name, scrolling tables) and
``docs/assets/css/cidi.css`` (contrast of footer, tabs, small print, code, dark buttons; link underlines).
"""
from __future__ import annotations

import json

import pytest

from browsing import PAGE_TYPES, open_page

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
CHECKED = [kind for kind in PAGE_TYPES if not kind.startswith("zh-")] + ["zh-home", "zh-province"]


def blocking_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes) {v.get('helpUrl', '')}")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", CHECKED)
def test_no_serious_violations(chromium, server, kind):
    with open_page(chromium, server, PAGE_TYPES[kind]) as (page, _, _response):
        if kind == "explore":  # the explorer's chart turns interactive by itself; check it in that state
            page.wait_for_selector("#cidi-explorer figure[data-state='interactive']", timeout=15000)
        violations = blocking_violations(page)
    assert violations == [], f"{PAGE_TYPES[kind] or 'home'}:\n{describe(violations)}"


@pytest.mark.parametrize("kind", ["home", "province", "data"])
def test_no_serious_violations_in_dark_mode(chromium, server, kind):
    with open_page(chromium, server, PAGE_TYPES[kind], color_scheme="dark") as (page, _, _response):
        page.emulate_media(color_scheme="dark")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate", "dark scheme not applied"
        violations = blocking_violations(page)
    assert violations == [], f"{PAGE_TYPES[kind] or 'home'} (dark):\n{describe(violations)}"


@pytest.mark.parametrize("kind", ["province", "methodology"])
def test_no_serious_violations_on_a_phone_with_tables_open(chromium, server, kind):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{server}/{PAGE_TYPES[kind]}", wait_until="networkidle")
        opened = page.evaluate("() => { const all = document.querySelectorAll('details'); "
                               "all.forEach(d => { d.open = true; }); return all.length; }")
        if kind == "province":
            assert opened >= 2
        page.wait_for_timeout(50)  # the toggle events re-check which tables scroll
        violations = blocking_violations(page)
    finally:
        context.close()
    assert violations == [], f"{PAGE_TYPES[kind]} (390 px, details open):\n{describe(violations)}"
