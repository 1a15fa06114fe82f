"""Step 7: charts + pages + ``mkdocs build --strict`` into ``<staging>/site``.

Inputs: the staging folder (holding the written data package in ``data/``), sources, indices,
robustness results and the package descriptor. Output: ``<staging>/site`` (the data package is
moved into ``site/data/`` by :mod:`cidi.build`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from contextlib import contextmanager, nullcontext
from pathlib import Path

from cidi import cards, paths
from cidi.caches import TextCache, empty, write_atomically
from cidi.fetch_js import installed_files
from cidi.i18n import LANGS
from cidi.load_sources import parse_yaml
from cidi.charts.aria import localize_files
from cidi.charts.render import Renderer, default_cache, write_chart_files
from cidi.make_embeds import write_embed_pages
from cidi.make_pages import make_pages
from cidi.views import SiteData, make_charts_cached
from cidi.write_package import read_metadata

THEME = paths.ROOT / "scripts" / "cidi" / "theme"


class _Collect(logging.Handler):
    """Collect MkDocs warnings so a strict build can report them all."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def site_url() -> str:
    """The public base URL: CIDI_SITE_URL when set (deployments), else mkdocs.yml's site_url."""
    return os.environ.get("CIDI_SITE_URL") or parse_yaml(paths.MKDOCS_YML.read_text(encoding="utf-8"))["site_url"]


class MarkdownCache:
    """MkDocs' Markdown-to-HTML step (``Page.render``) of each page, kept from the last build of a
    language in one file: a rebuild converts only the pages whose Markdown, place or surroundings
    changed. The key holds everything the conversion reads: the page's Markdown (after the hooks),
    its paths, the paths of every file of the site (links are resolved and checked against them),
    the Markdown and validation settings and the installed versions. The file is written only after
    a build without warnings, so a page whose links warned is converted, and warns, again."""

    def __init__(self, path: Path):
        import pickle

        self.path = path
        try:
            self.old: dict[str, bytes] = pickle.loads(path.read_bytes())
        except Exception:  # noqa: BLE001 - none yet, or from another version: convert every page
            self.old = {}
        self.new: dict[str, bytes] = {}
        self._digests: dict[int, str] = {}
        self.converted = 0

    def _settings(self, config, files) -> str:
        if id(files) not in self._digests:
            named = lambda value: f"{type(value).__module__}.{getattr(value, '__qualname__', type(value).__qualname__)}"
            digest = hashlib.sha256(json.dumps(
                [[[f.src_uri, f.dest_uri, f.url] for f in sorted(files, key=lambda f: f.src_uri)],
                 config["markdown_extensions"], config["mdx_configs"], config["validation"],
                 config["use_directory_urls"], config["site_url"]],
                sort_keys=True, ensure_ascii=False, default=named).encode())
            digest.update((paths.ROOT / "requirements.lock").read_bytes())
            self._digests[id(files)] = digest.hexdigest()
        return self._digests[id(files)]

    def key(self, page, config, files) -> str:
        return hashlib.sha256(json.dumps([page.markdown, page.file.src_uri, page.file.dest_uri, page.file.url,
                                          self._settings(config, files)], ensure_ascii=False).encode()).hexdigest()

    @contextmanager
    def installed(self, bytecode: Path | None = None):
        """``Page.render`` and the theme's search entries of a page answered from the cache while the
        block runs; with ``bytecode`` (a folder), the theme's templates compiled once, not every build."""
        import pickle

        from mkdocs.structure.pages import Page

        original, cache = Page.render, self

        def render(page, config, files):
            key = cache.key(page, config, files)
            if key not in cache.old:
                original(page, config, files)
                links = page.links_to_anchors
                cache.old[key] = pickle.dumps(
                    (page.content, page.toc, page._title_from_render, page.present_anchor_ids,
                     None if links is None else {f.src_uri: anchors for f, anchors in links.items()}), protocol=5)
                cache.converted += 1
            cache.new[key] = cache.old[key]
            content, toc, title, anchors, links = pickle.loads(cache.new[key])
            page.content, page.toc, page._title_from_render, page.present_anchor_ids = content, toc, title, anchors
            if links is not None:
                page.links_to_anchors = {files.get_file_from_path(src): value for src, value in links.items()}

        Page.render = render
        try:
            with self._search_entries(), _theme_bytecode(bytecode):
                yield self
        finally:
            Page.render = original

    @contextmanager
    def _search_entries(self):
        """The search plugin's entries of a page (its HTML parsed into sections, Chinese segmented by
        jieba, which takes 1.5 s to load) from the cache when everything they are made of is unchanged."""
        import pickle

        try:
            from material.plugins.search import plugin as search
        except ImportError:  # another theme: nothing to cache
            yield
            return
        original, cache = search.SearchIndex.add_entry_from_context, self

        def toc_of(items) -> list:
            return [[item.id, item.url, item.title, item.level, toc_of(item.children)] for item in items]

        def add_entry_from_context(index, page):
            key = "search:" + hashlib.sha256(json.dumps(
                [page.content, page.url, str(page.title), page.meta, toc_of(page.toc), search.jieba is not None],
                sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
            if key not in cache.old:
                before = len(index.entries)
                original(index, page)
                cache.old[key] = pickle.dumps(index.entries[before:], protocol=5)
            else:
                index.entries.extend(pickle.loads(cache.old[key]))
            cache.new[key] = cache.old[key]

        search.SearchIndex.add_entry_from_context = add_entry_from_context
        try:
            yield
        finally:
            search.SearchIndex.add_entry_from_context = original

    def save(self) -> None:
        import pickle

        write_atomically(self.path, pickle.dumps(self.new, protocol=5))  # this build's pages only: it does not grow


@contextmanager
def _theme_bytecode(folder: Path | None):
    """The theme's Jinja templates compiled once into ``folder`` (Jinja checks each against its source),
    not again by every build: the same templates, so the same pages."""
    if folder is None:
        yield
        return
    import jinja2
    from mkdocs.theme import Theme

    original = Theme.get_env

    def get_env(theme):
        env = original(theme)
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        return env

    Theme.get_env = get_env
    try:
        yield
    finally:
        Theme.get_env = original


@contextmanager
def _linked_copies(docs: Path):
    """MkDocs' copies of the files under ``docs`` (the staged pages' charts, embed pages, assets) made
    as hard links: the staged files are never written again, and the site's files are never written
    in place (see :func:`link_tree`). Files from elsewhere (the theme's) are copied."""
    from mkdocs.structure.files import File

    original, root = File.copy_file, str(docs.absolute()) + os.sep

    def copy_file(file, dirty: bool = False) -> None:
        if file._content is None and file.abs_src_path and file.abs_src_path.startswith(root) and not dirty:
            os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
            link_or_copy(file.abs_src_path, file.abs_dest_path)
        else:
            original(file, dirty)

    File.copy_file = copy_file
    try:
        yield
    finally:
        File.copy_file = original


def mkdocs_build(docs: Path, site: Path, nav: list, created: str | None = None,
                 config_file: Path = paths.MKDOCS_YML, extra: dict | None = None, url: str | None = None,
                 pages: Path | None = None) -> None:
    """``mkdocs build --strict`` of ``docs`` into ``site``; any warning fails the build.

    The sitemap's dates come from SOURCE_DATE_EPOCH, set to the package's ``created`` date, never
    the clock. ``pages``: a file keeping the pages' HTML for the next build (:class:`MarkdownCache`).
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
    markdown = MarkdownCache(pages) if pages is not None else None
    try:
        config = load_config(str(config_file), **overrides)
        with (markdown.installed(pages.parent / "jinja") if markdown is not None else nullcontext()), \
                _linked_copies(docs):
            build(config)
    except SystemExit as exc:  # mkdocs aborts a strict build with warnings this way
        raise RuntimeError("mkdocs build --strict failed:\n  " + "\n  ".join(collector.messages)) from exc
    finally:
        logger.removeHandler(collector)
    if collector.messages:
        raise RuntimeError("mkdocs build --strict warned:\n  " + "\n  ".join(collector.messages))
    if markdown is not None:
        markdown.save()
        pages_built = sum(not key.startswith("search:") for key in markdown.new)  # not the search entries
        print(f"pages: {markdown.converted} of {pages_built} converted from Markdown "
              f"({pages_built - markdown.converted} taken from the cache)", flush=True)


def chart_downloader(data, lang: str):
    """chart -> (CSV, metadata JSON) in the package's format (cidi.chart_data), for one language's charts."""
    from functools import partial

    from cidi.chart_data import chart_downloads
    from cidi.write_package import expand_fields

    decimals = {name: {f: spec["decimals"] for f, spec in expand_fields(r["fields"], data.sources.dimensions).items()
                       if "decimals" in spec}
                for name, r in data.meta["resources"].items()}
    return partial(chart_downloads, descriptor=data.descriptor, meta=data.meta, provinces=data.sources.provinces,
                   base_url=data.base_url + data.lang(lang).prefix, decimals=decimals)


def repository_url() -> str | None:
    """The project's repository, when the build knows it: CIDI_REPOSITORY_URL, or GitHub Actions' own
    variables (the Pages workflow); a local build links none rather than guess."""
    if os.environ.get("CIDI_REPOSITORY_URL"):
        return os.environ["CIDI_REPOSITORY_URL"]
    if os.environ.get("GITHUB_SERVER_URL") and os.environ.get("GITHUB_REPOSITORY"):
        return f"{os.environ['GITHUB_SERVER_URL']}/{os.environ['GITHUB_REPOSITORY']}"
    return None


def cite_block(meta: dict, L) -> dict:
    """What the "Cite this" block under every page prints (theme partials/cite.html)."""
    from cidi import citing

    return {"heading": L.t("cite.heading"), "text": citing.cite_text(meta, L.code), "bibtex": citing.bibtex(meta),
            "source_label": L.t("cite.source_label"), "report": citing.report_reference(meta, L.code),
            "repository": repository_url(), "repository_label": L.t("cite.repository"),
            "package_root": "../" * L.prefix.count("/")}  # the data package is at the English site's root


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


SITE_CACHE = "sites"  # under the cache root (paths.cache): the last MkDocs output of each language
PAGE_CACHE = "pages"  # the pages' HTML of each language's last build (MarkdownCache)


def site_key(lang: str, docs: Path, config_file: Path, overrides: list) -> str:
    """What a language's MkDocs output depends on: every file of its staged docs, the configuration
    files and their hooks, the theme overrides, the installed versions (the lock file) and what the
    build passes in."""
    digest = hashlib.sha256(json.dumps([lang, overrides], sort_keys=True, ensure_ascii=False).encode())
    hooks = [paths.ROOT / hook for config in (paths.MKDOCS_YML, config_file)
             for hook in parse_yaml(config.read_text(encoding="utf-8")).get("hooks", [])]
    files = [*sorted(p for p in docs.rglob("*") if p.is_file()), paths.MKDOCS_YML, config_file, *hooks,
             *sorted(p for p in THEME.rglob("*") if p.is_file()), paths.ROOT / "requirements.lock"]
    for path in files:
        digest.update(f"{path.relative_to(docs) if path.is_relative_to(docs) else path}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def link_or_copy(src: str, dst: str) -> None:
    """``dst`` as a hard link to ``src``; a copy on another file system, or where ``dst`` exists already."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def link_tree(source: Path, target: Path) -> None:
    """``target`` (which may exist) as a copy of ``source`` made of hard links (a copy where links are not possible).
    The built files are never written again in place, so the copies may share them."""
    shutil.copytree(source, target, copy_function=link_or_copy, dirs_exist_ok=True)


STAGED_CACHE = "staged"  # each language's generated pages (make_pages.PageCache), chart files and embed pages


def staged_key(data, lang: str, files: dict[str, dict[str, bytes]], package: Path) -> str:
    """What a language's generated pages, chart files and embed pages depend on (the hand-written pages'
    own sources aside: :class:`~cidi.make_pages.PageCache` adds them): the data (pickled, so any change
    to a value or a name misses), the package's metadata, descriptor, checksums and README (pages
    print them), the charts' rendered files (pages print their sizes), the site's address and
    repository, every file of the build's code, templates and catalogue, the files the pages quote
    and the installed versions."""
    import pickle

    digest = hashlib.sha256(json.dumps([lang, data.base_url, repository_url(), data.meta, data.descriptor],
                                       sort_keys=True, ensure_ascii=False, default=str).encode())
    for part in (data.sources, data.indices, data.robust):  # apart: pickled together, the objects a fresh analysis
        digest.update(pickle.dumps(part, protocol=5))  # shares with the indices are pickled once, a cached one's twice
    for name in ("SHA256SUMS", "README.md"):
        digest.update((package / name).read_bytes() if (package / name).is_file() else b"-")
    for chart_id in sorted(files):
        for suffix in sorted(files[chart_id]):
            digest.update(f"{chart_id}.{suffix}\0".encode() + hashlib.sha256(files[chart_id][suffix]).digest())
    code = paths.ROOT / "scripts"
    for path in [*sorted(p for p in code.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                         and "bench" not in p.relative_to(code).parts),
                 paths.CHANGELOG, paths.LICENSE_DATA, paths.CITATION, paths.ROOT / "requirements.lock"]:
        digest.update(f"{path.relative_to(paths.ROOT)}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def write_chart_and_embed_files(data, lang: str, charts, files: dict[str, dict[str, bytes]], docs: Path,
                                cache: Path | None, key: str) -> None:
    """Each chart's files (``charts/``: SVGs, specs, CSV and metadata) and embed page (``embed/``) in
    ``docs``, linked from ``cache`` (a folder, one entry per language: the latest) when ``key``
    (:func:`staged_key`) is unchanged."""
    L = data.lang(lang)

    def write(folder: Path) -> None:
        write_embed_pages(charts, files, folder, L, data.base_url)
        write_chart_files(charts, files, folder / "charts", downloads=chart_downloader(data, lang))

    if cache is None:
        write(docs)
        return
    entry = cache / f"{lang}-{key}"
    if not entry.is_dir():
        temporary = cache / f".{entry.name}-{os.getpid()}"
        shutil.rmtree(temporary, ignore_errors=True)
        write(temporary)
        for old in cache.glob(f"{lang}-*"):  # one entry per language: the latest
            shutil.rmtree(old, ignore_errors=True)
        try:
            temporary.rename(entry)
        except OSError:  # another build stored the same entry meanwhile
            shutil.rmtree(temporary, ignore_errors=True)
    link_tree(entry, docs)


def draw_cards_cached(deck, data, L, files: dict[str, dict[str, bytes]], cache: Path | None, pool,
                      svgs: TextCache | None) -> cards.Drawing:
    """:func:`cidi.cards.draw_cards`, each card's SVG (what its PNG and cache key are made from) taken
    from ``svgs`` (keyed by :func:`staged_key` and the card's name) when nothing it depends on changed."""
    if svgs is None:
        return cards.draw_cards(deck, data, L, files, cache, pool)

    def svg(card) -> str:
        return cards.card_svg(card, data, L, files[card.chart]["embed.svg"].decode("utf-8") if card.chart else None)

    items = [(card, svgs.text(svgs.key(card.name), lambda: svg(card))) for card in deck.cards]
    svgs.save()
    return cards.Drawing(deck, items, L, cache, pool)


def mkdocs_step(lang: str, docs: Path, target: Path, nav: list, created: str, extra: dict, url: str,
                cache: Path | None = None) -> None:
    """One language's ``mkdocs build``, or its output from ``cache`` when nothing it depends on changed
    (a rebuild after editing an English page builds the Chinese site from the cache, and back)."""
    from cidi.build import step

    config_file = paths.MKDOCS_YML if lang == "en" else paths.ROOT / f"mkdocs.{lang}.yml"
    with step(f"mkdocs_build.{lang}"):
        entry = None
        if cache is not None:
            entry = cache / f"{lang}-{site_key(lang, docs, config_file, [nav, created, extra, url])}"
            if entry.is_dir():
                link_tree(entry, target)
                print(f"site.{lang}: taken from the cache", flush=True)
                return
        mkdocs_build(docs, target, nav, created, extra=extra, url=url, config_file=config_file,
                     pages=None if cache is None else cache.parent / PAGE_CACHE / f"{lang}.pickle")
        if entry is not None:
            for old in cache.glob(f"{lang}-*"):  # one entry per language: the latest
                shutil.rmtree(old, ignore_errors=True)
            temporary = cache / f".{entry.name}-{os.getpid()}"
            link_tree(target, temporary)
            temporary.rename(entry)


def load_segmenter() -> None:
    """jieba's dictionary (the search index segments Chinese text, in both sites), loaded in this process:
    a child forked after it shares it instead of loading it again (0.6 s each)."""
    try:
        import jieba
    except ImportError:  # no Chinese segmentation installed: the search plugin does without
        return
    jieba.initialize()


def make_site(staging: Path, sources, indices, robust, descriptor: dict, *, png: bool = True,
              meta: dict | None = None, renderer: Renderer | None = None) -> None:
    """Both languages: English at the site root, Chinese under zh/. Same views, same data. ``renderer``: the
    one to draw with (its workers perhaps started already; closed here), else a new one."""
    from cidi.build import InChild, step

    base = site_url()
    data = SiteData(sources, indices, robust, descriptor, meta or read_metadata(), staging / "data", base_url=base)
    sites: list = []  # MkDocs builds running in child processes
    drawings: dict = {}  # the social cards of each language (cidi.cards), drawn by the chart workers
    try:
        with renderer or Renderer(png=png, cache=default_cache()) as renderer:
            rendering = {}
            card_cache, site_cache = paths.cache("cards"), paths.cache(SITE_CACHE)
            for lang in LANGS:  # the workers draw one language's charts while the next one's are built
                with step(f"make_charts.{lang}"):  # the first language's charts are drawn as they are made
                    charts = make_charts_cached(data, lang, paths.cache("specs"),
                                                on_chart=(lambda c: renderer.submit([c])) if lang == LANGS[0] else None)
                with step(f"render_charts.{lang}"):  # printed 3 times: the cache look-up, the waits for drawings, PNGs
                    rendering[lang] = renderer.submit(charts)
            for lang in LANGS:  # ... and the last ones while the first language's pages are written
                docs = staging / f"docs-{lang}"
                with step(f"render_charts.{lang}"):  # the wait for what is not drawn yet
                    charts, files = rendering[lang].charts, localize_files(rendering[lang].result(), lang)
                print(f"charts.{lang}: {rendering[lang].rendered} of {len(charts)} rendered, the others taken from "
                      "the cache", flush=True)
                staged = paths.cache(STAGED_CACHE)  # the key of what the cards and pages are made of
                key = staged_key(data, lang, files, staging / "data") if staged is not None else ""
                with step(f"cards.{lang}"):  # printed twice: the cards' drawings started, and written
                    deck = cards.deck(data, lang, charts)
                    cards.attach(deck, charts, base + data.lang(lang).prefix, data.lang(lang))  # the embed pages' tags
                    svgs = None if staged is None else TextCache(staged / f"{lang}-cards.pickle", key)
                    drawings[lang] = draw_cards_cached(deck, data, data.lang(lang), files, card_cache, renderer.pool, svgs)
                with step(f"make_pages.{lang}"):
                    nav = make_pages(data, lang, charts, docs, None if staged is None else staged / f"{lang}.pickle", key)
                    write_chart_and_embed_files(data, lang, charts, files, docs, staged, key)
                    if lang == "en":  # the browser library is served once, from the site root
                        js = docs / "assets" / "js"
                        for name, path in installed_files().items():
                            shutil.copyfile(path, js / name)
                args = (lang, docs, staging / ("site" if lang == "en" else f"site-{lang}"), nav, descriptor["created"],
                        {**language_switch(lang, base), "cidi_cite": cite_block(data.meta, data.lang(lang)),
                         "cidi_cards": deck.tags()},
                        base + data.lang(lang).prefix, site_cache)
                if lang != LANGS[-1]:  # on the other core, while the next language's pages are written
                    if empty(site_cache):
                        load_segmenter()  # no site cached: both MkDocs builds segment, the child and this process
                    sites.append(InChild(mkdocs_step, *args))
                else:
                    mkdocs_step(*args)
            for child in sites:
                with step("mkdocs_build.wait"):
                    child.result()
            for lang in LANGS:  # the PNGs last: no page waits for them, and MkDocs need not copy them
                with step(f"render_charts.{lang}"):
                    pngs = rendering[lang].pngs()
                charts_folder = staging / ("site" if lang == "en" else f"site-{lang}") / "charts"
                for chart_id, png in pngs.items():
                    (charts_folder / f"{chart_id}.png").write_bytes(png)
                with step(f"cards.{lang}"):
                    size = drawings[lang].write(charts_folder.parent / "cards")
                print(f"cards.{lang}: {drawings[lang].drawn} of {len(drawings[lang].deck.cards)} drawn, "
                      f"{size / 1e6:.1f} MB", flush=True)
            renderer.prune()
            cards.prune_cache(drawings.values(), card_cache)
    except BaseException:
        for child in sites:  # a failed build does not leave a child writing into the staging folder
            child.stop()
        raise
    for lang in LANGS[1:]:
        (staging / f"site-{lang}").rename(staging / "site" / lang)
