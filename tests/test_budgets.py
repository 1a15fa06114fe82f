"""Page-weight budgets on the built site (``build/site``), both languages.

Bytes are deterministic, so the budgets are tests; timings stay in ``make bench``. One page of each
type of the benchmark's page list (``cidi.bench.pages.PAGES``) and every embed page must stay within
``PAGE_BUDGETS``: gzip bytes of the first view (HTML, stylesheets, scripts, images) and with the
interactive charts (plus Vega and the page's specs), as ``make bench`` reports them. The first view counts
the search index and worker wherever the theme would fetch them at start-up (a page without
``assets/js/search-on-demand.js``), so the province page's 100 kB and the home page's 120 kB are what a
phone downloads before the reader does anything.
"""
from __future__ import annotations

import pytest

from cidi.bench.pages import (LANGUAGE_PREFIXES, PAGES, SEARCH_ON_DEMAND, budget_of, embed_pages, gzip_size,
                              page_types, page_weight)

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


@pytest.mark.parametrize("defers", [False, True], ids=["search at start-up", "search on demand"])
def test_the_first_view_counts_the_search_index_unless_search_loads_on_demand(tmp_path, defers):
    files = {"zh/search/search_index.json": b'{"docs":[]}' * 50,  # 550 B
             "zh/assets/javascripts/workers/search.1a2b.min.js": b"onmessage=f;" * 10,  # 120 B
             "zh/assets/javascripts/workers/search.1a2b.min.js.map": b"{}",  # not fetched
             "zh/assets/javascripts/bundle.9f.min.js": b"bundle();" * 10,  # 90 B
             "zh/assets/css/site.css": b"@font-face{src:url(../fonts/f.woff2)}body{background:url('data:x')}",
             "zh/assets/fonts/f.woff2": b"\x00" * 300,  # a font the stylesheet names: fetched before interaction
             SEARCH_ON_DEMAND.replace("assets/", "zh/assets/", 1): b"defer();"}
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    on_demand = '<script src="../assets/js/search-on-demand.js"></script>' if defers else ""
    html = ('<link rel="stylesheet" href="../assets/css/site.css"><form name="search"></form>'
            f'{on_demand}<script src="../assets/javascripts/bundle.9f.min.js"></script>').encode()
    (tmp_path / "zh" / "p").mkdir(parents=True)
    (tmp_path / "zh" / "p" / "index.html").write_bytes(html)

    weight = page_weight(tmp_path, "zh/p/index.html")

    fetched = ["zh/assets/css/site.css", "zh/assets/fonts/f.woff2", "zh/assets/javascripts/bundle.9f.min.js"]
    fetched += ["zh/assets/js/search-on-demand.js"] if defers else [
        "zh/search/search_index.json", "zh/assets/javascripts/workers/search.1a2b.min.js"]
    assert weight.missing == [] and weight.requests == 1 + len(fetched)
    assert weight.static_gzip == gzip_size(html) + sum(gzip_size(files[f]) for f in fetched)


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES, ids=["en", "zh"])
def test_a_phone_downloads_at_most_100_kb_for_a_province_and_120_kb_for_the_home_page(site_dir, prefix):
    folder = LANGUAGE_PREFIXES[prefix]
    for kind, limit in (("province", 100_000), ("home", 120_000)):
        weight = page_weight(site_dir, folder + PAGES[kind])
        assert weight.static_gzip <= limit, f"{folder}{PAGES[kind]}: {weight.static_gzip:,} B gzip before any interaction"
