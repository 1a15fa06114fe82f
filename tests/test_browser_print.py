"""Printing a province page, or saving it as PDF: one A4 page of profile, without the site's chrome.

Chromium prints with the print stylesheet (``docs/assets/css/cidi-print.css``); the page is laid out at
the width of A4 less its margins (182 mm, 688 CSS px) to see what the paper shows.
"""
from __future__ import annotations

import re

import pytest

from browsing import PAGE_TYPES, open_page

pytestmark = pytest.mark.browser

A4_TEXT_WIDTH = 688  # CSS px: 210 mm less 2 x 14 mm of margin, at 96 px an inch
PROVINCES = {"en": PAGE_TYPES["province"], "zh": PAGE_TYPES["zh-province"],
             "zh-long-name": "zh/provinces/inner-mongolia/"}  # 内蒙古自治区: the longest heading and lead
SOURCE = {"en": ("Report on China Internet Development 2017", "CC BY 4.0"),
          "zh": ("《中国互联网发展报告2017》", "CC BY 4.0")}
CHROME = (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search",
          ".md-footer__inner", ".cidi-embed", ".cidi-chart__links", ".cidi-cite", ".cidi-pager")


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("which", sorted(PROVINCES))
def test_a_province_page_prints_on_one_a4_page(chromium, server, which):
    with open_page(chromium, server, PROVINCES[which]) as (page, watch, response):
        assert response.ok
        pdf = page.pdf(format="A4")  # the print stylesheet: Chromium prints with media "print"
        assert pdf_pages(pdf) == 1, f"{PROVINCES[which]} prints on {pdf_pages(pdf)} A4 pages"

        page.set_viewport_size({"width": A4_TEXT_WIDTH, "height": 1000})
        page.emulate_media(media="print")
        shown = [selector for selector in CHROME if any(e.is_visible() for e in page.locator(selector).all())]
        assert shown == [], f"printed: {shown}"
        foot = page.locator(".md-copyright")
        assert foot.is_visible()
        source, licence = SOURCE["zh" if which.startswith("zh") else "en"]
        assert source in foot.inner_text() and licence in foot.inner_text()

        # legible: the scores table at 8 pt or more, the profile chart at 85 % of its size or more
        table = page.locator(".md-typeset table").first
        assert table.is_visible()
        size = float(table.locator("td").first.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
        assert size >= 8 * 96 / 72, f"table text {size} px"
        chart = page.locator('figure[data-chart$="-profile"] img')
        drawn, natural = chart.evaluate("i => [i.getBoundingClientRect().width, i.naturalWidth]")
        assert natural > 0 and drawn >= 0.85 * natural, f"profile chart drawn {drawn} px of {natural}"
        assert watch.problems() == []
