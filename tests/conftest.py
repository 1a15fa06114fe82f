"""Shared fixtures: the real sources, their indices and robustness, and one built data package.

Each fixture is session-scoped and built once; the package build (about 1 s) runs without the site
step, so these tests never depend on the site code, and without the build's own validation step
(5 s): ``test_package.py::test_frictionless_validates_the_package`` validates the same folder.

The site tests read the site ``make build`` wrote (``site_dir``); the browser tests load it from a
local HTTP server (``server``) in one headless Chromium shared by the session (``chromium``).

Helpers shared by several test modules (import them: ``from conftest import tree_digest``):
``tree_digest``, ``descriptor_of`` and ``DIMENSION_IDS``, read straight from ``datasets/dimensions.csv``
(not through the loader under test).

Markers (``pyproject.toml``): ``browser`` for every test that uses Chromium (enforced at collection
below) and ``slow`` for the full rebuilds; ``make test-fast`` runs everything else.
"""
from __future__ import annotations

import csv
import functools
import gc
import hashlib
import json
import os
import shutil
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cidi import paths
from cidi.build import GC_THRESHOLDS, build
from cidi.compute_indices import compute_indices
from cidi.load_sources import load_sources
from cidi.robustness import Settings, analyse_robustness


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def descriptor_of(folder: Path) -> dict:
    """The ``datapackage.json`` of a package folder."""
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _dimension_ids() -> list[str]:
    with (paths.DATASETS / "dimensions.csv").open(encoding="utf-8", newline="") as handle:
        return [row["id"] for row in sorted(csv.DictReader(handle), key=lambda row: int(row["order"]))]


DIMENSION_IDS = _dimension_ids()  # in the methodology's order: infrastructure ... cyberspace_regulation

BROWSER_FIXTURES = {"chromium", "server"}

# The tests hold millions of small objects for the whole session (every page's parse, the data
# frames): with the default thresholds the collector walks them all again and again, and once more
# at exit (a third of make test-fast's time). Collected as rarely as the build collects.
gc.set_threshold(*GC_THRESHOLDS)


def pytest_collection_modifyitems(config, items):
    """A test that drives the browser must say so, or ``make test-fast`` would start Chromium."""
    unmarked = [item.nodeid for item in items
                if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("browser")]
    if unmarked:
        raise pytest.UsageError("tests using the browser without @pytest.mark.browser: " + ", ".join(unmarked))


@pytest.fixture(scope="session")
def sources():
    return load_sources()


@pytest.fixture(scope="session")
def indices(sources):
    return compute_indices(sources)


@pytest.fixture(scope="session")
def robust(indices, sources):
    """The analysis with the default settings, from the build's cache when the build made it from the
    same scores, settings and code (``cidi.build.analyse_robustness_cached``)."""
    from cidi.build import analyse_robustness_cached

    return analyse_robustness_cached(indices.scores, sources.dimensions, Settings(), paths.cache("robustness"))


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory) -> Path:
    """The data package built from ``datasets/`` with the default settings: ``<site>/data``."""
    import cidi.build

    site = tmp_path_factory.mktemp("package") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cidi.build, "validate_package", lambda folder: None)
        build(paths.DATASETS, site, Settings(), with_site=False)
    return site / "data"


@pytest.fixture(scope="session")
def package_report(package_dir):
    """Frictionless' report on ``package_dir`` (validated once for the tests that read it)."""
    from frictionless import validate

    return validate(str(package_dir / "datapackage.json"))


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site, ``build/site`` (``make test`` builds it first)."""
    if not (paths.SITE / "index.html").is_file():
        pytest.fail(f"{paths.SITE / 'index.html'} is missing: run `make build` first", pytrace=False)
    return paths.SITE


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serving(folder: Path, handler_class=_QuietHandler):
    """Serve ``folder`` on 127.0.0.1 (a free port) from a background thread; yields the base URL."""
    handler = functools.partial(handler_class, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def server(site_dir):
    """Serve the built site on 127.0.0.1 (a free port) from a background thread; yields the base URL."""
    with serving(site_dir) as base:
        yield base


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole session, driven by Playwright (never `playwright install`)."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        message = "install Debian's chromium: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
