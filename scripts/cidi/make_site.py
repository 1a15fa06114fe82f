"""Step 7: charts + pages + ``mkdocs build --strict`` into ``<staging>/site``.

Inputs: the staging folder (holding the written data package in ``data/``), sources, indices,
robustness results and the package descriptor. Output: ``<staging>/site`` (the data package is
moved into ``site/data/`` by :mod:`cidi.build`).
"""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from cidi import paths
from cidi.fetch_js import installed_files
from cidi.make_charts import make_charts, render_charts
from cidi.make_embeds import write_embed_pages
from cidi.make_pages import Site, make_pages


class _Collect(logging.Handler):
    """Collect MkDocs warnings so a strict build can report them all."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def site_url() -> str:
    """The public base URL: CIDI_SITE_URL when set (deployments), else mkdocs.yml's site_url."""
    import yaml

    return os.environ.get("CIDI_SITE_URL") or yaml.safe_load(paths.MKDOCS_YML.read_text(encoding="utf-8"))["site_url"]


def mkdocs_build(docs: Path, site: Path, nav: list, created: str = "2026-11-29T00:00:00Z") -> None:
    """``mkdocs build --strict`` of ``docs`` into ``site``; any warning fails the build.

    The sitemap's dates come from SOURCE_DATE_EPOCH, set to the package's ``created`` date, never
    the clock.
    """
    from datetime import datetime

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()))
    overrides = {"docs_dir": str(docs), "site_dir": str(site), "nav": nav, "strict": True}
    overrides["site_url"] = site_url()
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(paths.MKDOCS_YML), **overrides)
        build(config)
    except SystemExit as exc:  # mkdocs aborts a strict build with warnings this way
        raise RuntimeError("mkdocs build --strict failed:\n  " + "\n  ".join(collector.messages)) from exc
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        raise RuntimeError("mkdocs build --strict warned:\n  " + "\n  ".join(collector.messages))


def make_site(staging: Path, sources, indices, robust, descriptor: dict, *, png: bool = True) -> None:
    from cidi.build import step

    docs = staging / "docs"
    with step("make_charts"):
        charts = make_charts(sources, indices, robust)
    with step("render_charts"):
        render_charts(charts, staging / "charts", png=png)
    with step("make_pages"):
        site = Site(sources, indices, robust, charts, descriptor, staging / "data", base_url=site_url())
        nav = make_pages(site, docs)
        write_embed_pages(charts, staging / "charts", docs)
        shutil.copytree(staging / "charts", docs / "charts", dirs_exist_ok=True)
        js = docs / "assets" / "js"
        js.mkdir(parents=True, exist_ok=True)
        for name, path in installed_files().items():
            shutil.copyfile(path, js / name)
    with step("mkdocs_build"):
        mkdocs_build(docs, staging / "site", nav, descriptor["created"])
