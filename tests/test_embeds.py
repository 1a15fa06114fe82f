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


def tags(text: str, name: str) -> list[dict]:
    parser = Tags()
    parser.feed(text)
    return [attrs for tag, attrs in parser.tags if tag == name]


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
    alts = {a["src"].removesuffix(".svg"): a["alt"] for a in tags(page, "img") if a.get("src", "").endswith(".svg")}
    assert alts == {chart: facts["alt"] for chart, facts in charts.items()}
