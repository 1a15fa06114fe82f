"""Accessibility: axe-core (shipped inside axe-playwright-python, works offline) on every page type.

No violation of impact "serious" or "critical", in the light scheme and, for the home and one province
page, in the dark scheme. The theme's two defaults that axe flags are fixed in ``scripts/cidi/theme/``
(the search dialog's accessible name) and ``docs/assets/css/cidi.css`` (footer contrast).
"""
from __future__ import annotations

import json

import pytest

from browsing import PAGE_TYPES, open_page

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


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


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_serious_violations(chromium, server, kind):
    with open_page(chromium, server, PAGE_TYPES[kind]) as (page, _, _response):
        violations = blocking_violations(page)
    assert violations == [], f"{PAGE_TYPES[kind] or 'home'}:\n{describe(violations)}"


@pytest.mark.parametrize("kind", ["home", "province"])
def test_no_serious_violations_in_dark_mode(chromium, server, kind):
    with open_page(chromium, server, PAGE_TYPES[kind], color_scheme="dark") as (page, _, _response):
        page.emulate_media(color_scheme="dark")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate", "dark scheme not applied"
        violations = blocking_violations(page)
    assert violations == [], f"{PAGE_TYPES[kind] or 'home'} (dark):\n{describe(violations)}"
