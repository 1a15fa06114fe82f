"""Embeds a newsroom can use (issue 17): the look the embedder picks (?theme=light|dark|auto,
?transparent=1), CMSs that strip scripts (AMP's resize message, an oEmbed answer per chart with its
discovery links, an image code for newsletters), and descriptions where a screen reader meets the chart.

The file tests read the built site; the browser tests paste the codes into a plain "news site" served
from another origin, as a journalist would, and look at what its reader sees.
"""
from __future__ import annotations

import functools
import html
import json
import re
import struct
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browsing import open_page
from htmlevents import replay

LANGS = {"en": "", "zh": "zh/"}  # language -> folder of its site
OEMBED_TYPE = "application/json+oembed"


class Tags(HTMLParser):
    """Every start tag of a page, as (tag, attributes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


@functools.lru_cache(maxsize=None)
def start_tags(text: str) -> tuple[tuple[str, dict], ...]:
    """A page's start tags, parsed once however many tests and helpers look at that page."""
    parser = Tags()
    replay(parser, text, close=False)
    return tuple(parser.tags)


def tags(text: str, name: str) -> list[dict]:
    return [dict(attrs) for tag, attrs in start_tags(text) if tag == name]


def oembed_links(page: str) -> list[dict]:
    """The page's oEmbed discovery links; ``rel`` is a list of words, as browsers and CMSs read it."""
    return [a for a in tags(page, "link") if "alternate" in a.get("rel", "").split() and a.get("type") == OEMBED_TYPE]


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


@functools.cache
def embeds(site: Path, lang: str) -> dict[str, dict]:
    """Chart id -> what the site says of it: its oEmbed answer, description, title and page."""
    charts = {}
    for folder in sorted((site / LANGS[lang] / "embed").iterdir()):
        page = (folder / "index.html").read_text(encoding="utf-8")
        canonical = next(a["href"] for a in tags(page, "link") if a.get("rel") == "canonical")
        charts[folder.name] = {
            "oembed": json.loads((folder / "oembed.json").read_text(encoding="utf-8")),
            "alt": next(a["content"] for a in tags(page, "meta") if a.get("name") == "description"),
            "page": canonical.removeprefix("../../").split("#")[0], "embed_page": page}
    return charts


def local(site: Path, url: str) -> Path:
    """The built file an absolute URL of the site names (the site's root is the English provider_url)."""
    root = embeds(site, "en")["map-total"]["oembed"]["provider_url"]
    assert url.startswith(root), (url, root)
    path = url[len(root):].split("#")[0].split("?")[0]
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


def codes(site: Path, lang: str, kind: str) -> dict[str, str]:
    """Chart id -> the code in the catalogue's embed box of that kind ("code" or "image"), as copied."""
    page = (site / LANGS[lang] / "charts" / "index.html").read_text(encoding="utf-8")
    return {chart: html.unescape(code) for chart, code in
            re.findall(rf'class="cidi-embed__{kind}" data-embed-id="([^"]+)"><code>(.*?)</code>', page, re.S)}


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_has_an_oembed_answer_with_its_embed_code(site_dir, lang):
    """A CMS given the chart's address gets the same code the embed box shows, pointing at the chart's
    embed page, with a thumbnail that exists at the size it states."""
    charts = embeds(site_dir, lang)
    box = codes(site_dir, lang, "code")
    assert len(charts) >= 80 and set(charts) == set(box), "an oEmbed answer for every chart of the catalogue"
    for chart, facts in charts.items():
        answer = facts["oembed"]
        assert answer["version"] == "1.0" and answer["type"] == "rich", chart
        assert isinstance(answer["width"], int) and isinstance(answer["height"], int) and answer["height"] > 100
        assert answer["html"] == box[chart], f"{chart}: the oEmbed html is the embed code"
        src = html.unescape(re.search(r'<iframe src="([^"]+)"', answer["html"]).group(1))
        assert local(site_dir, src) == site_dir / LANGS[lang] / "embed" / chart / "index.html"
        assert re.search(rf'height="{answer["height"]}"', answer["html"]), "the stated height is the iframe's"
        assert answer["title"] and answer["title"] in facts["embed_page"]
        assert answer["provider_name"] == ("CIDI 中国互联网发展指数" if lang == "zh" else "CIDI — China Internet Development Index")
        assert local(site_dir, answer["provider_url"]).is_file()
        thumbnail = local(site_dir, answer["thumbnail_url"])
        assert png_size(thumbnail) == (answer["thumbnail_width"], answer["thumbnail_height"]), chart


@pytest.mark.parametrize("lang", LANGS)
def test_embed_pages_and_chart_pages_name_the_charts_oembed_answer(site_dir, lang):
    """Discovery: the embed page and the site page that shows the chart link its oembed.json."""
    charts = embeds(site_dir, lang)
    pages: dict[str, list[dict]] = {}
    for chart, facts in charts.items():
        answer = local(site_dir, oembed_links(facts["embed_page"])[0]["href"])
        assert answer == site_dir / LANGS[lang] / "embed" / chart / "oembed.json", chart
        assert oembed_links(facts["embed_page"])[0]["title"] == facts["oembed"]["title"]
        if facts["page"] not in pages:
            pages[facts["page"]] = oembed_links((site_dir / LANGS[lang] / facts["page"] / "index.html").read_text(encoding="utf-8"))
        named = {local(site_dir, link["href"]): link["title"] for link in pages[facts["page"]]}
        assert named.get(answer) == facts["oembed"]["title"], f"{facts['page']} shows {chart} but does not name its answer"
    assert not oembed_links((site_dir / LANGS[lang] / "charts" / "index.html").read_text(encoding="utf-8")), \
        "the catalogue shows every chart: a CMS would pick its first at random"


@pytest.mark.parametrize("lang", LANGS)
def test_image_code_shows_the_png_with_its_description_and_links_to_the_chart(site_dir, lang):
    charts = embeds(site_dir, lang)
    images = codes(site_dir, lang, "image")
    assert set(images) == set(charts)
    for chart, code in images.items():
        (img,) = tags(code, "img")
        link = tags(code, "a")[0]
        assert img["alt"] == charts[chart]["alt"], f"{chart}: the image's alternative text is the chart's description"
        assert local(site_dir, img["src"]) == site_dir / LANGS[lang] / "charts" / f"{chart}.png"
        assert local(site_dir, img["src"]).is_file()
        assert int(img["width"]) <= 600, "fits a newsletter"
        assert local(site_dir, link["href"]) == site_dir / LANGS[lang] / charts[chart]["page"] / "index.html"
        assert "CC BY 4.0" in code and ("来源" if lang == "zh" else "Source") in code, "the credit travels with it"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_thumbnails_are_described_not_just_titled(site_dir, lang):
    charts = embeds(site_dir, lang)
    page = (site_dir / LANGS[lang] / "charts" / "index.html").read_text(encoding="utf-8")
    alts = {a["src"].removesuffix(".svg").removesuffix(".narrow"): a["alt"] for a in tags(page, "img") if a.get("src", "").endswith(".svg")}
    assert alts == {chart: facts["alt"] for chart, facts in charts.items()}


# -- in a browser: the codes pasted into someone else's page ----------------------------------------

LIGHT_HOST, DARK_HOST = (253, 246, 227), (24, 24, 27)  # the news sites' page colours: cream, and a dark theme's
LOOKS = {  # name -> (query the embed box writes, reader's colour scheme, chart drawn dark, news site's background)
    "light": ("", "dark", False, LIGHT_HOST),  # light by default, even for a reader in dark mode
    "dark": ("?theme=dark", "light", True, DARK_HOST),
    "auto-dark": ("?theme=auto", "dark", True, DARK_HOST),
    "auto-light": ("?theme=auto", "light", False, LIGHT_HOST),
    "transparent": ("?transparent=1", "light", False, LIGHT_HOST),
    "transparent-dark": ("?theme=dark&amp;transparent=1", "dark", True, DARK_HOST),
    "dark-zh": ("?theme=dark", "light", True, DARK_HOST),  # the Chinese embed code
}


def news_site(folder: Path, server: str, site: Path, chart: str, query: str, background: tuple, lang: str = "en") -> str:
    """An article page with the catalogue's embed code for ``chart`` pasted in (its host the test
    server's, its address carrying ``query``), recording the messages the page receives."""
    code = codes(site, lang, "code")[chart]
    code = re.sub(r'src="[^"]*/embed/([^/"]+)/"',
                  lambda m: f'src="{server}/{LANGS[lang]}embed/{m.group(1)}/{query}"', code)
    name = f"{chart}-{len(list(folder.iterdir()))}.html"
    (folder / name).write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Article</title><link rel=icon href=data:,>"
        "<script>window.received = []; addEventListener('message', function (e) { received.push(e.data); });</script>"
        f"</head><body style='margin:0;padding:16px;background:rgb{background};width:700px'>"
        f"<h1>Article</h1>{code}<p id=after>After the chart.</p></body></html>", encoding="utf-8")
    return name


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    """The news site: another origin (its own port) serving the article pages."""
    folder = tmp_path_factory.mktemp("newsroom")
    handler = functools.partial(type("Quiet", (SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}),
                                directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def luminance(css: str) -> float:
    """WCAG relative luminance of a computed CSS colour (rgb()/rgba())."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    return sum(k * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for k, c in zip((0.2126, 0.7152, 0.0722), (r, g, b)))


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def pixel(page, x: float, y: float) -> tuple[int, int, int]:
    """The colour the reader sees at (x, y): a 1-pixel screenshot, decoded (any PNG filter leaves a
    single first pixel as it is)."""
    import zlib

    png = page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    chunks, at = {}, 8
    while at < len(png):
        length = struct.unpack(">I", png[at:at + 4])[0]
        chunks.setdefault(png[at + 4:at + 8], b"")
        chunks[png[at + 4:at + 8]] += png[at + 8:at + 8 + length]
        at += 12 + length
    return tuple(zlib.decompress(chunks[b"IDAT"])[1:4])


COLOURS = """() => {
    const css = (el, prop) => el && getComputedStyle(el)[prop];
    const svg = document.querySelector('#chart svg');
    const label = svg.querySelector('.role-legend-label text, .role-axis-label text');
    const html = document.documentElement;
    return {page: css(document.body, 'backgroundColor'), root: css(html, 'backgroundColor'),
            chart: css(svg.querySelector(':scope > rect'), 'fill'), card: css(document.getElementById('chart'), 'backgroundColor'),
            heading: css(document.querySelector('h1'), 'color'), source: css(document.querySelector('footer'), 'color'),
            label: css(label, 'fill'),
            height: Math.ceil(html.getBoundingClientRect().height), scroll: html.scrollWidth - html.clientWidth,
            footer: Math.ceil(document.querySelector('footer').getBoundingClientRect().bottom)};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("look", LOOKS)
def test_the_embedders_look_is_what_the_reader_sees(chromium, server, site_dir, newsroom, look):
    """Pasted into a news site: the theme the code asks for, whatever the reader's own setting
    (dark: light text on dark, the chart's labels too), the host's background through a transparent
    embed, readable contrast, nothing cut off, and the AMP resize message posted with the height."""
    query, scheme, dark, host_background = LOOKS[look]
    folder, host = newsroom
    name = news_site(folder, server, site_dir, "map-total", query, host_background, "zh" if look.endswith("-zh") else "en")
    context = chromium.new_context(viewport={"width": 760, "height": 900}, color_scheme=scheme, service_workers="block")
    try:
        page = context.new_page()
        page.goto(host + name, wait_until="networkidle")
        page.wait_for_function("() => document.querySelector('iframe').style.height !== ''", timeout=10000)
        frame = page.frames[1]
        assert ("/zh/embed/" in frame.url) == look.endswith("-zh"), frame.url
        seen = frame.evaluate(COLOURS)
        box = page.locator("iframe").bounding_box()
        page_bg = seen["chart"] if "transparent" not in look else f"rgb{host_background}"
        for text in ("heading", "source", "label"):
            assert (luminance(seen[text]) > 0.5) == dark, f"{look}: {text} is {seen[text]}"
            assert contrast(seen[text], page_bg) >= 4.5, f"{look}: {text} {seen[text]} on {page_bg}"
        if "transparent" in look:
            assert seen["page"] == seen["root"] == seen["card"] == "rgba(0, 0, 0, 0)", seen
            assert seen["chart"] in ("transparent", "rgba(0, 0, 0, 0)"), seen
            assert pixel(page, box["x"] + box["width"] - 30, box["y"] + 5) == host_background, "the host shows through"
        else:
            assert seen["page"] == seen["card"] == seen["chart"], "one background, the chart's card included"
            assert (luminance(seen["chart"]) < 0.1) == dark, f"{look}: the background is {seen['chart']}"
            top_right = pixel(page, box["x"] + box["width"] - 30, box["y"] + 5)
            assert contrast(f"rgb{top_right}", seen["chart"]) < 1.05, "the reader sees the theme's background"
        assert abs(box["height"] - seen["height"]) <= 2 and seen["footer"] <= box["height"], "nothing cut off"
        assert seen["scroll"] <= 0, "no sideways scrolling"
        amp = [m for m in page.evaluate("received") if isinstance(m, dict) and m.get("sentinel") == "amp"]
        assert amp and amp[-1]["type"] == "embed-size" and abs(amp[-1]["height"] - seen["height"]) <= 2, amp
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_without_scripts_the_embed_is_light_whatever_the_readers_setting(chromium, server, lang):
    """A host that blocks the iframe's scripts, or a reader without them: the light theme, not a
    half-dark page (the query cannot be read, so the default holds)."""
    context = chromium.new_context(java_script_enabled=False, color_scheme="dark", service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{server}/{LANGS[lang]}embed/province-guangdong-profile/?theme=dark", wait_until="networkidle")
        # the page runs no script; Playwright reads the computed colours from its own isolated world
        body = page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
        heading = page.locator("h1").evaluate("h => getComputedStyle(h).color")
        label = page.locator("#chart svg .role-axis-label text").first.evaluate("t => getComputedStyle(t).fill")
    finally:
        context.close()
    assert body == "rgb(255, 255, 255)" and luminance(heading) < 0.05 and luminance(label) < 0.05, (body, heading, label)


@pytest.mark.browser
@pytest.mark.parametrize("chart", ["correlations", "explorer", "dimension-innovation-ranking"])
def test_the_interactive_chart_is_drawn_dark_too(chromium, server, chart):
    """The chart Vega draws when the reader points at it keeps the dark theme: background, axis
    labels and the ink of labels beside marks (ink on coloured cells keeps its contrast)."""
    with open_page(chromium, server, f"embed/{chart}/?theme=dark") as (page, watch, _):
        page.hover("#chart")
        page.wait_for_selector('#chart[data-state="interactive"]', timeout=15000)
        seen = page.evaluate("""() => {
            const svg = document.querySelector('#chart .vega svg');
            const bg = getComputedStyle(document.body).backgroundColor;
            const fills = [...svg.querySelectorAll('.role-axis-label text, .role-legend-label text')].map(t => getComputedStyle(t).fill);
            const halos = [...svg.querySelectorAll('text[stroke="#ffffff"]')].map(t => getComputedStyle(t).stroke);
            return {bg, fills, halos, label: svg.getAttribute('aria-label'), root: getComputedStyle(svg).backgroundColor};
        }""")
        assert all(contrast(halo, seen["bg"]) < 1.05 for halo in seen["halos"]), "a label's halo is the dark background"
        assert luminance(seen["bg"]) < 0.1 and seen["fills"], seen
        assert all(contrast(fill, seen["bg"]) >= 4.5 for fill in seen["fills"]), seen["fills"]
        assert contrast(seen["root"], seen["bg"]) < 1.05, "no white card in the dark page"
        assert seen["label"], "the drawn chart keeps its name for screen readers"
        assert not watch.problems(), watch.problems()


@pytest.mark.browser
@pytest.mark.parametrize("chart", ["map-total", "correlations"])
def test_dark_embeds_have_no_serious_accessibility_violations(chromium, server, chart):
    from test_accessibility import blocking_violations, describe

    with open_page(chromium, server, f"embed/{chart}/?theme=auto", color_scheme="dark") as (page, _, _response):
        violations = blocking_violations(page)
    assert violations == [], describe(violations)


@pytest.mark.browser
def test_the_embed_box_writes_the_chosen_look_into_the_code(chromium, server):
    with open_page(chromium, server, "charts/") as (page, watch, _):
        box = page.locator("details.cidi-embed").filter(has=page.locator('[data-embed-id="map-total"]')).first
        box.locator("summary").click()
        assert box.locator(".cidi-embed__look").is_visible(), "the choices show where scripts run"
        code = box.locator(".cidi-embed__code code")
        assert re.search(r'src="[^"]*/embed/map-total/" ', code.inner_text()), "light by default: no query"
        box.locator('input[value="dark"]').check()
        box.locator('input[name="transparent"]').check()
        assert f'src="{server}/embed/map-total/?theme=dark&amp;transparent=1" ' in code.inner_text()
        assert box.locator(".cidi-embed__preview").get_attribute("href").endswith("embed/map-total/?theme=dark&transparent=1")
        box.locator('input[value="auto"]').check()
        box.locator('input[name="transparent"]').uncheck()
        assert f'src="{server}/embed/map-total/?theme=auto" ' in code.inner_text()
        image = box.locator(".cidi-embed__image code").inner_text()
        assert f'src="{server}/charts/map-total.png"' in image, "the image code names the host the reader is on"
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        box.locator(".cidi-copy-image").click()
        page.wait_for_function("() => document.querySelector('.cidi-copy-image').textContent === 'Copied'")
        assert page.evaluate("navigator.clipboard.readText()") == image, "the button copies the image code"
        assert not watch.problems(), watch.problems()


def mark_labels(site: Path):
    """(file, label) of every chart mark a screen reader can reach, in the site's SVGs and embed pages."""
    files = [*site.glob("charts/*.svg"), *site.glob("zh/charts/*.svg"), *site.glob("embed/*/index.html"),
             *site.glob("zh/embed/*/index.html")]
    for path in files:
        for label in re.findall(r'aria-label="([^"]*)" role="graphics-symbol"', path.read_text(encoding="utf-8")):
            yield path.relative_to(site).as_posix(), html.unescape(label)


def test_mark_labels_name_each_value_once_and_formatted(site_dir):
    """A screen reader hears "Dimension: Infrastructure; Attainment %: 31.9", not the field's name
    ("dimension_name: Infrastructure") or the raw number ("31.9444444444") as well, and no six-decimal
    percentages ("18.000000%")."""
    wrong = []
    for path, label in mark_labels(site_dir):
        pairs = dict(part.split(": ", 1) for part in label.split("; ") if ": " in part)
        values = [v for k, v in pairs.items() if not re.fullmatch(r"[a-z][a-z0-9_]*", k)]
        repeated = [k for k, v in pairs.items() if re.fullmatch(r"[a-z][a-z0-9_]*", k) and v in values]
        if "dimension_name" in label or re.search(r"\d\.\d{3,}|\.\d*0000", label) or repeated:
            wrong.append(f"{path}: {label}")
    assert not wrong, f"{len(wrong)} labels, e.g.\n" + "\n".join(wrong[:5])


RAW_PAIR = re.compile(r"(?:^|[;；] ?)[a-z][a-z0-9_]*[:：] ?")  # a field's name as a label's key: "dimension_name: "
LIVE_CHARTS = ["province-anhui-profile", "province-beijing-ranks", "correlations", "ranking-stacked",
               "weight-free-order", "rank-intervals", "dimension-importance", "map-total", "explorer"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("chart", LIVE_CHARTS)
def test_the_live_chart_says_what_its_picture_says(chromium, server, site_dir, lang, chart):
    """Once Vega draws the chart, a screen reader hears each mark as the static picture names it (display
    names, numbers formatted once, no "order: 0" or "rank2"), and a tap's tooltip prints the same values."""
    static = (site_dir / LANGS[lang] / "embed" / chart / "index.html").read_text(encoding="utf-8")
    wide = static.split('class="layout layout--narrow"')[0]
    pictured = {html.unescape(label) for label in re.findall(r'aria-label="([^"]*)" role="graphics-symbol"', wide)}
    with open_page(chromium, server, f"{LANGS[lang]}embed/{chart}/") as (page, watch, _):
        page.hover("#chart")
        page.wait_for_selector('#chart[data-state="interactive"]', timeout=15000)
        drawn = page.evaluate("document.querySelector('#chart .vega svg').outerHTML")  # Vega writes both the same way
        live = [html.unescape(label) for label in re.findall(r'aria-label="([^"]*)" role="graphics-symbol"', drawn)]
        # a tap on the largest mark (the others may be a few pixels wide, under a label)
        x, y = page.evaluate("""() => {
            const marks = [...document.querySelectorAll('#chart .vega svg .role-mark [role=graphics-symbol]')];
            const area = e => { const b = e.getBoundingClientRect(); return b.width * b.height; };
            const b = marks.reduce((a, e) => area(e) > area(a) ? e : a).getBoundingClientRect();
            return [b.x + b.width / 2, b.y + b.height / 2];
        }""")
        page.mouse.click(x, y)
        page.wait_for_selector(".tip:not([hidden])", timeout=5000)
        tip = page.locator(".tip").inner_text()
        assert not watch.problems(), watch.problems()
    assert live and set(live) == pictured, sorted(set(live) ^ pictured)[:4]
    wrong = [label for label in live if RAW_PAIR.search(label) or re.search(r"\d\.\d{3,}|null|undefined|NaN", label)]
    assert not wrong, wrong[:3]
    assert tip and not re.search(r"\d\.\d{3,}|null|undefined|NaN", tip), tip


def test_a_marks_tooltip_and_label_come_from_the_one_formatter(sources):
    """Inline rows get the tooltip's texts and the label beside them; "%" alone is a share to one decimal,
    a missing number is "n/a", an empty list "none"; values the browser computes get an expression;
    a mark without a tooltip is hidden from screen readers."""
    from cidi.charts.aria import describe_marks
    from cidi.i18n import Lang

    L = Lang("en", sources)
    tooltip = [{"field": "province", "type": "nominal", "title": "Province"},
               {"field": "share", "type": "quantitative", "format": "%", "title": "Share"},
               {"field": "score", "type": "quantitative", "format": ".2f", "title": "Score"},
               {"field": "ahead", "type": "nominal", "title": "Ahead of"}]
    spec = {"datasets": {"d": [{"province": "Anhui", "share": 0.1068, "score": 5.225, "ahead": ""},
                               {"province": "Taiwan", "share": 0.5, "score": None, "ahead": "Gansu"}]},
            "layer": [{"data": {"name": "d"}, "mark": "bar", "encoding": {"tooltip": tooltip}},
                      {"data": {"name": "d"}, "mark": "text", "encoding": {"text": {"field": "province"}}},
                      {"data": {"name": "d"}, "transform": [{"calculate": "datum.score * 2", "as": "double"}],
                       "mark": "rule", "encoding": {"tooltip": [{"field": "double", "type": "quantitative",
                                                                  "format": ".1f", "title": "Twice"}]}}]}
    out = describe_marks(spec, L)
    bar, text, rule = out["layer"]
    rows = out["datasets"]["d"]
    texts = bar["encoding"]["tooltip"]
    assert [t["title"] for t in texts] == ["Province", "Share", "Score", "Ahead of"]
    assert [[row[t["field"]] for t in texts] for row in rows] == [
        ["Anhui", "10.7 %", "5.23", "none"], ["Taiwan", "50.0 %", "n/a", "Gansu"]]  # 5.23: half away from zero, not d3's 5.22
    assert texts[0]["field"] == "province", "a name prints as it is: not copied"
    label = bar["encoding"]["description"]["value"]["expr"]
    assert label == ('"Province: " + \'\' + datum["province"] + "; " + "Share: " + \'\' + datum["_t0_1"] + "; " + '
                     '"Score: " + \'\' + datum["_t0_2"] + "; " + "Ahead of: " + \'\' + datum["_t0_3"]')
    assert text["mark"] == {"type": "text", "aria": False}
    assert rule["encoding"]["description"] == {"value": {"expr": "\"Twice: \" + format(datum[\"double\"], \".1f\")"}}


def test_an_embeds_line_counts_are_those_of_wrapping_at_every_width():
    """The fixed iframe height wraps each text only where its line count changes (greedy wrapping takes no
    more lines when wider): the counts must be those of wrapping at every width, English and Chinese."""
    from cidi.charts.narrow import wrap
    from cidi.make_embeds import line_counts

    texts = ["How the 31 provinces score on each of the six dimensions, ranked by their total",
             "各省份在六个分项上的得分，按总分排序（满分100）：北京、上海、广东领先，西部省份在网络安全上差距最大",
             ["Two paragraphs, the first short.", "The second one long enough to wrap at a phone's width twice"]]
    widths = list(range(60, 800, 3))
    for text in texts:
        counts = line_counts(text, 15.4, widths)
        assert counts == {w: len(wrap(text, 15.4, w)) for w in widths}
        assert len(set(counts.values())) > 2, "the text should wrap differently across the widths"
