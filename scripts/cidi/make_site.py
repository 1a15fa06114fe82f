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
from cidi.i18n import LANGS
from cidi.charts.aria import localize_files
from cidi.charts.render import Renderer, default_cache, write_chart_files
from cidi.make_embeds import write_embed_pages
from cidi.make_pages import make_pages
from cidi.views import SiteData, make_charts_cached
from cidi.write_package import read_metadata


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


def mkdocs_build(docs: Path, site: Path, nav: list, created: str | None = None,
                 config_file: Path = paths.MKDOCS_YML, extra: dict | None = None, url: str | None = None) -> None:
    """``mkdocs build --strict`` of ``docs`` into ``site``; any warning fails the build.

    The sitemap's dates come from SOURCE_DATE_EPOCH, set to the package's ``created`` date, never
    the clock.
    """
    from datetime import datetime

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    created = created or read_metadata()["created"]
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()))
    overrides = {"docs_dir": str(docs), "site_dir": str(site), "nav": nav, "strict": True}
    overrides["site_url"] = url or site_url()
    if extra is not None:
        overrides["extra"] = extra
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_file), **overrides)
        build(config)
    except SystemExit as exc:  # mkdocs aborts a strict build with warnings this way
        raise RuntimeError("mkdocs build --strict failed:\n  " + "\n  ".join(collector.messages)) from exc
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        raise RuntimeError("mkdocs build --strict warned:\n  " + "\n  ".join(collector.messages))


def language_switch(lang: str, base: str) -> dict:
    """``extra`` for the theme: the link to the same page in the other language, and hreflang URLs."""
    other = "zh" if lang == "en" else "en"
    return {
        "alternate": True,  # makes the theme's header include our partials/alternate.html
        "cidi_twin": {"lang": "zh-Hans" if other == "zh" else "en", "name": "中文" if other == "zh" else "English",
                      "prefix": "zh/" if lang == "en" else "../"},
        "cidi_hreflang": {"en": base, "zh-Hans": base + "zh/"},
        "cidi_self": lang,
    }


def make_site(staging: Path, sources, indices, robust, descriptor: dict, *, png: bool = True,
              meta: dict | None = None) -> None:
    """Both languages: English at the site root, Chinese under zh/. Same views, same data."""
    from cidi.build import step

    base = site_url()
    data = SiteData(sources, indices, robust, descriptor, meta or read_metadata(), staging / "data", base_url=base)
    with Renderer(png=png, cache=default_cache()) as renderer:
        rendering = {}
        for lang in LANGS:  # the workers draw one language's charts while the next one's are built
            with step(f"make_charts.{lang}"):
                charts = make_charts_cached(data, lang, None if renderer.cache is None else renderer.cache.parent / "specs")
            with step(f"render_charts.{lang}"):  # printed 3 times: the cache look-up, the waits for drawings, PNGs
                rendering[lang] = renderer.submit(charts)
        for lang in LANGS:  # ... and the last ones while the first language's pages are written
            docs = staging / f"docs-{lang}"
            with step(f"render_charts.{lang}"):  # the wait for what is not drawn yet
                charts, files = rendering[lang].charts, localize_files(rendering[lang].result(), lang)
            print(f"charts.{lang}: {rendering[lang].rendered} of {len(charts)} rendered, the others taken from "
                  "the cache", flush=True)
            with step(f"make_pages.{lang}"):
                nav = make_pages(data, lang, charts, docs)
                write_embed_pages(charts, files, docs, data.lang(lang))
                write_chart_files(charts, files, docs / "charts")
                if lang == "en":  # the browser library is served once, from the site root
                    js = docs / "assets" / "js"
                    for name, path in installed_files().items():
                        shutil.copyfile(path, js / name)
            with step(f"mkdocs_build.{lang}"):
                target = staging / ("site" if lang == "en" else f"site-{lang}")
                mkdocs_build(docs, target, nav, descriptor["created"],
                             config_file=paths.MKDOCS_YML if lang == "en" else paths.ROOT / f"mkdocs.{lang}.yml",
                             extra=language_switch(lang, base), url=base + data.lang(lang).prefix)
        for lang in LANGS:  # the PNGs last: no page waits for them, and MkDocs need not copy them
            with step(f"render_charts.{lang}"):
                pngs = rendering[lang].pngs()
            charts_folder = staging / ("site" if lang == "en" else f"site-{lang}") / "charts"
            for chart_id, png in pngs.items():
                (charts_folder / f"{chart_id}.png").write_bytes(png)
    for lang in LANGS[1:]:
        (staging / f"site-{lang}").rename(staging / "site" / lang)
