"""The site in English and Simplified Chinese: every page has its twin, no English UI text leaks
into a Chinese page, Chinese search finds Chinese words, and both versions show the same numbers."""
from __future__ import annotations

import json
import re

import pytest

from cidi.i18n import LANGS, Lang, read_catalogue
from cidi.make_pages import missing_translations

from pagetext import visible_runs


def pages(root) -> set[str]:
    """Site-relative paths of the HTML pages of one language (embeds included, the other language excluded)."""
    out = set()
    for path in root.rglob("index.html"):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith(("zh/", "data/README")):
            out.add(rel)
    return out


def text_runs(path) -> list[tuple[str, str]]:
    """Visible text runs of a page outside inline SVGs, with their language."""
    return visible_runs(path.read_text(encoding="utf-8"), svg=False, attributes=False)


def test_every_english_page_has_a_chinese_twin_and_the_reverse(site_dir):
    english, chinese = pages(site_dir), pages(site_dir / "zh")
    assert english == chinese, (sorted(english - chinese)[:10], sorted(chinese - english)[:10])
    charts = len(list((site_dir / "charts").glob("*.vl.json")))
    assert len(english) > 31 + 6 + charts  # provinces, dimensions, an embed page per chart, and the rest


def test_html_lang_and_the_language_switch_keep_the_reader_on_the_same_page(site_dir):
    for rel in ["index.html", "provinces/shaanxi/index.html", "dimensions/innovation/index.html", "data/index.html"]:
        en = (site_dir / rel).read_text(encoding="utf-8")
        zh = (site_dir / "zh" / rel).read_text(encoding="utf-8")
        assert re.search(r'<html[^>]* lang="en"', en) and re.search(r'<html[^>]* lang="zh', zh), rel
        switch_en = re.search(r'class="md-header__button cidi-lang-switch" href="([^"]+)"', en).group(1)
        switch_zh = re.search(r'class="md-header__button cidi-lang-switch" href="([^"]+)"', zh).group(1)
        target_en = (site_dir / rel).parent / switch_en
        target_zh = (site_dir / "zh" / rel).parent / switch_zh
        assert (target_en / "index.html").resolve() == (site_dir / "zh" / rel).resolve(), (rel, switch_en)
        assert (target_zh / "index.html").resolve() == (site_dir / rel).resolve(), (rel, switch_zh)


def test_sitemaps_pair_every_page_with_its_twin(site_dir):
    for sitemap in (site_dir / "sitemap.xml", site_dir / "zh" / "sitemap.xml"):
        text = sitemap.read_text(encoding="utf-8")
        urls = re.findall(r"<loc>([^<]+)</loc>", text)
        assert len(re.findall(r'hreflang="zh-Hans"', text)) == len(urls) == len(re.findall(r'hreflang="en"', text))


def test_the_catalogue_has_every_message_in_both_languages():
    catalogue = read_catalogue()
    incomplete = sorted(key for key, texts in catalogue.items() if any(not texts.get(lang) for lang in LANGS))
    assert not incomplete, f"messages without a translation: {incomplete}"
    placeholders = {key: [set(re.findall(r"\{(\w+)\}", texts[lang])) for lang in LANGS] for key, texts in catalogue.items()}
    assert not [k for k, (en, zh) in placeholders.items() if en != zh], "both languages fill the same placeholders"


def test_hand_written_pages_are_translated():
    # The list of what is missing (falls back to English with a note); empty when the site is fully bilingual.
    assert missing_translations("zh") == [], f"pages without a Chinese version: {missing_translations('zh')}"


def test_no_english_ui_text_leaks_into_chinese_pages(site_dir):
    """Every English catalogue message longer than one word must be absent from the Chinese pages'
    Chinese text (data in English is marked lang="en")."""
    english = sorted({texts["en"] for texts in read_catalogue().values()
                      if " " in texts["en"] and "{" not in texts["en"] and len(texts["en"]) > 8}, key=len, reverse=True)
    leaks = {}
    for path in sorted((site_dir / "zh").rglob("index.html")):
        rel = path.relative_to(site_dir).as_posix()
        if "/embed/" in rel:
            continue
        for lang, run in text_runs(path):
            if lang.startswith("zh"):
                found = [e for e in english if e in run]
                if found:
                    leaks.setdefault(rel, set()).update(found)
    assert not leaks, {k: sorted(v)[:3] for k, v in list(leaks.items())[:5]}


@pytest.mark.parametrize("rel", ["provinces/guangdong/index.html", "provinces/tibet/index.html",
                                 "dimensions/cyber_security/index.html", "regions/index.html"])
def test_the_numbers_on_both_versions_of_a_page_are_identical(site_dir, rel):
    def numbers(path):
        main = path.read_text(encoding="utf-8")
        main = main[main.index('<article'):main.index('</article>')]
        main = re.sub(r"<(script|svg|pre|code)\b.*?</\1>", " ", main, flags=re.S)
        main = re.sub(r"<[^>]+>", " ", main)
        return sorted(re.findall(r"\d+\.\d+", main))

    assert numbers(site_dir / rel) == numbers(site_dir / "zh" / rel)


def test_chinese_charts_embeds_and_images_exist_for_every_chart(site_dir):
    english = sorted(p.name for p in (site_dir / "charts").glob("*.vl.json"))
    assert english == sorted(p.name for p in (site_dir / "zh" / "charts").glob("*.vl.json"))
    for name in english:
        chart = name[: -len(".vl.json")]
        for suffix in ("svg", "png", "csv", "vg.json", "embed.svg"):
            assert (site_dir / "zh" / "charts" / f"{chart}.{suffix}").is_file(), (chart, suffix)
        assert (site_dir / "zh" / "embed" / chart / "index.html").is_file()
    spec = json.loads((site_dir / "zh" / "charts" / "ranking-stacked.vl.json").read_text(encoding="utf-8"))
    assert "广东" in json.dumps(spec, ensure_ascii=False) and "来源" in json.dumps(spec, ensure_ascii=False)
    embed = (site_dir / "zh" / "embed" / "map-total" / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-Hans"' in embed and "来源" in embed
    assert 'data-vega="../../../assets/js/vega.min.js"' in embed, "one copy of Vega, served from the site root"


def test_chinese_embed_codes_point_at_chinese_embed_pages(site_dir):
    page = (site_dir / "zh" / "index.html").read_text(encoding="utf-8")
    for chart_id in re.findall(r'data-embed-id="([^"]+)"', page):
        assert (site_dir / "zh" / "embed" / chart_id / "index.html").is_file()
    assert "/zh/embed/" in page


@pytest.mark.browser
@pytest.mark.parametrize("query, expected", [("互联网", "zh/"), ("发展指数", "zh/"), ("广东", "zh/provinces/guangdong/")])
def test_chinese_search_finds_its_pages(chromium, server, query, expected):
    """Typed into the Chinese site's search box, Chinese words find their pages (jieba segments the index)."""
    page = chromium.new_page()
    try:
        page.goto(f"{server}/zh/", wait_until="networkidle")
        for _ in range(20):  # the search index loads in a worker; a query typed before it is ready finds nothing
            page.fill(".md-search__input", query)
            page.keyboard.press("End")  # the theme searches on key events, as a reader's typing (or IME) sends them
            page.wait_for_timeout(500)
            if page.locator(".md-search-result__item a").count():
                break
        hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.getAttribute('href'))")
        paths = [href.split(server + "/", 1)[-1].split("?")[0] for href in hrefs]
        assert any(path.startswith(expected) for path in paths), (query, paths[:5])
        assert all(path.startswith("zh/") for path in paths), "the Chinese search stays on the Chinese site"
    finally:
        page.close()


def test_english_search_still_works_on_english_pages(site_dir):
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en"]
    assert any("Guangdong" in doc["title"] for doc in index["docs"])


def test_lang_class_formats_ranks_the_chinese_way(sources):
    assert Lang("zh", sources).rank(1) == "第1名" and Lang("en", sources).rank(1) == "rank 1"
    assert Lang("zh", sources).province("Guangdong") == "广东"
    assert Lang("zh", sources).region("West") == "西部"
    assert Lang("zh", sources).dim_full("cyberspace_regulation") == "网络管理"
