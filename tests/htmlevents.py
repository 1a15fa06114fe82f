"""One tokenisation of a page's HTML, replayed to every parser that reads it.

The tests read each built page with several :class:`html.parser.HTMLParser` subclasses (the page's
elements and tables, its start tags, the text a reader sees). Tokenising is most of their time, and
the same text always gives the same calls, so it is done once per text and process: ``replay(parser,
text)`` gives ``parser`` exactly the ``handle_*`` calls ``parser.feed(text)`` (and ``close()``,
when ``close`` is true) would give it. Not a test module (pytest puts ``tests/`` on ``sys.path``).
"""
from __future__ import annotations

import gc
import hashlib
from html.parser import HTMLParser

CALLBACKS = ("starttag", "startendtag", "endtag", "data", "comment", "decl", "pi", "charref", "entityref")


class Recorder(HTMLParser):
    """Records each callback with its arguments, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []
        for name in CALLBACKS:
            setattr(self, f"handle_{name}", lambda *args, _name=name: self.events.append((_name, args)))
        self.unknown_decl = lambda data: self.events.append(("unknown_decl", (data,)))


_tokens: dict[bytes, tuple[list[tuple], list[tuple]]] = {}


def events(text: str) -> tuple[list[tuple], list[tuple]]:
    """The calls ``feed(text)`` makes, and those ``close()`` makes after it."""
    key = hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()
    if key not in _tokens:
        recorder = Recorder()
        recorder.feed(text)
        fed = len(recorder.events)
        recorder.close()
        _tokens[key] = recorder.events[:fed], recorder.events[fed:]
        gc.freeze()  # kept to the end: the collector need not go through them again (nor at exit)
    return _tokens[key]


def replay(parser: HTMLParser, text: str, close: bool = True) -> None:
    """Give ``parser`` (made with ``convert_charrefs=True``) the calls feeding it ``text`` would."""
    assert parser.convert_charrefs, "the recorded calls are those of convert_charrefs=True"
    fed, closed = events(text)
    for name, args in fed + closed if close else fed:
        if name == "unknown_decl":
            parser.unknown_decl(*args)
        else:
            getattr(parser, f"handle_{name}")(*args)
