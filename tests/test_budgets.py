"""Page-weight budgets on the built site (``build/site``), both languages.

Bytes are deterministic, so the budgets are tests; timings stay in ``make bench``. One page of each
type of the benchmark's page list (``cidi.bench.pages.PAGES``) and every embed page must stay within
``PAGE_BUDGETS``: gzip bytes of the first view (HTML, stylesheets, scripts, images) and with the
interactive charts (plus Vega and the page's specs), as ``make bench`` reports them.
"""
from __future__ import annotations

import pytest

from cidi.bench.pages import LANGUAGE_PREFIXES, PAGES, budget_of, embed_pages, page_types, page_weight

KINDS = [f"{prefix}{kind}" for prefix in LANGUAGE_PREFIXES for kind in [*PAGES, "embed"]]


def over_budget(site, kind: str, page: str) -> list[str]:
    weight = page_weight(site, page)
    static, interactive = budget_of(kind)
    problems = [f"{page}: asks for {target}, which is not in the site" for target in weight.missing]
    problems += [f"{page}: loads {href} from another host" for href in weight.external]
    if weight.static_gzip > static:
        problems.append(f"{page}: first view {weight.static_gzip:,} B gzip > budget {static:,} B")
    if weight.interactive_gzip > interactive:
        problems.append(f"{page}: with its charts {weight.interactive_gzip:,} B gzip > budget {interactive:,} B")
    return problems


@pytest.mark.parametrize("kind", KINDS)
def test_each_page_type_is_within_its_budget(site_dir, kind):
    page = page_types(site_dir)[kind]
    assert (site_dir / page).is_file(), f"{page} is missing"
    assert over_budget(site_dir, kind, page) == []


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES, ids=["en", "zh"])
def test_every_embed_page_is_within_the_embed_budget(site_dir, prefix):
    embeds = embed_pages(site_dir, prefix)
    charts = site_dir / LANGUAGE_PREFIXES[prefix] / "charts"
    assert len(embeds) == len(list(charts.glob("*.embed.svg"))), "an embed page per chart"
    assert [problem for page in embeds for problem in over_budget(site_dir, f"{prefix}embed", page)] == []
