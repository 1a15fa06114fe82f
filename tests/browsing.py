"""Helpers for the browser tests: the page types to visit and a recorder of what a page did on the network.

Not a test module; ``test_browser.py`` and ``test_accessibility.py`` import it (pytest puts ``tests/`` on
``sys.path``). The browser and the server are fixtures in ``conftest.py``.
"""
from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlsplit

from cidi.bench.pages import EMBED_PREFERRED, PAGES

# One page of each type (path under the site root), from the view declarations, and its Chinese twin.
# A missing page fails its tests.
PAGE_TYPES = {kind: path.removesuffix("index.html") for kind, path in PAGES.items()}
PAGE_TYPES["embed"] = f"embed/{EMBED_PREFERRED}/"
PAGE_TYPES |= {f"zh-{kind}": f"zh/{path}" for kind, path in list(PAGE_TYPES.items())}


class Watch:
    """Console errors, failed requests and requests to other hosts, recorded while a page is open."""

    def __init__(self, page, base: str):
        self.host = urlsplit(base).netloc
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.method} {r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.request.method} {r.url}: HTTP {r.status}"))

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def _request(self, request):
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.netloc != self.host:
            self.foreign.append(request.url)

    def problems(self) -> list[str]:
        return ([f"console: {m}" for m in self.console_errors] + [f"failed: {m}" for m in self.failed]
                + [f"other host: {m}" for m in self.foreign])


@contextmanager
def open_page(browser, base: str, path: str = "", *, color_scheme: str = "light", wait: str = "networkidle"):
    """A fresh context and page; yields (page, watch, response) after ``path`` has loaded."""
    context = browser.new_context(color_scheme=color_scheme, viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    try:
        page = context.new_page()
        watch = Watch(page, base)
        response = page.goto(f"{base}/{path}", wait_until=wait)
        yield page, watch, response
    finally:
        context.close()
