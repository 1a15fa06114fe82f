"""The text a reader sees or hears on a built page, with the language each run is marked as.

Not a test module; ``test_zh_copy.py`` and ``test_i18n.py`` import it (pytest puts ``tests/`` on ``sys.path``).
"""
from __future__ import annotations

from html.parser import HTMLParser

from htmlevents import replay


class Visible(HTMLParser):
    """Text a reader sees or hears: text runs outside script/style/code/pre, and the title, alt,
    aria-label and placeholder attributes, each with the language it is marked as."""

    SKIP = {"script", "style", "code", "pre"}
    VOID = {"meta", "link", "img", "br", "input", "hr", "source", "path", "rect", "wbr", "col"}
    ATTRS = ("title", "alt", "aria-label", "placeholder")

    def __init__(self, root_lang: str = "", svg: bool = True, attributes: bool = True):
        super().__init__(convert_charrefs=True)
        self.skip = self.SKIP | (set() if svg else {"svg"})
        self.attributes = self.ATTRS if attributes else ()
        self.stack: list[tuple[str, str | None]] = []
        self.runs: list[tuple[str, str]] = []
        self.root_lang = root_lang

    def lang(self, own: str | None = None) -> str:
        langs = [lang for _, lang in self.stack if lang]
        return own or (langs[-1] if langs else self.root_lang)

    def _attribute_runs(self, attrs: dict) -> None:
        for name in self.attributes:
            if attrs.get(name):
                self.runs.append((self.lang(attrs.get("lang")), attrs[name]))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.root_lang = attrs.get("lang", self.root_lang)
        self._attribute_runs(attrs)
        if tag not in self.VOID and not tag.endswith("/"):
            self.stack.append((tag, attrs.get("lang")))

    def handle_startendtag(self, tag, attrs):
        self._attribute_runs(dict(attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and not any(tag in self.skip for tag, _ in self.stack):
            self.runs.append((self.lang(), data.strip()))


def visible_runs(text: str, root_lang: str = "", svg: bool = True, attributes: bool = True,
                 replayed: bool = True) -> list[tuple[str, str]]:
    """``svg``: with the text drawn in inline SVGs; ``attributes``: with title, alt, aria-label and
    placeholder; ``replayed``: from the page's recorded tokenisation (:mod:`htmlevents`), else fed."""
    parser = Visible(root_lang, svg, attributes)
    if replayed:
        replay(parser, text, close=False)
    else:
        parser.feed(text)
    return parser.runs
