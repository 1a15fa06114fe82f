"""The build's caches give the same bytes as the work they save, and never hide a warning."""
from __future__ import annotations

import pytest

from cidi.make_site import mkdocs_build

CREATED = "2026-01-01T00:00:00Z"


def small_site(root):
    docs = root / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the notes](notes.md#second).\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n",
                                   encoding="utf-8")
    (docs / "notes.md").write_text("# Notes\n\n## First\n\ntext\n\n## Second\n\nmore\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text("site_name: Test\ntheme: mkdocs\nmarkdown_extensions:\n  - tables\n  - toc:\n"
                      "      permalink: true\nvalidation:\n  links:\n    anchors: warn\n", encoding="utf-8")
    return docs, config


def tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(docs, config, site, pages):
    mkdocs_build(docs, site, ["index.md", "notes.md"], CREATED, config_file=config,
                 url="https://example.org/", pages=pages)


def test_pages_from_the_markdown_cache_are_the_bytes_a_conversion_gives(tmp_path, capsys):
    docs, config = small_site(tmp_path)
    pages = tmp_path / "cache" / "en.pickle"
    build(docs, config, tmp_path / "plain", None)
    build(docs, config, tmp_path / "cold", pages)
    assert "pages: 2 of 2 converted" in capsys.readouterr().out
    build(docs, config, tmp_path / "warm", pages)
    assert "pages: 0 of 2 converted" in capsys.readouterr().out, "an unchanged page was converted again"
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold") == tree(tmp_path / "plain")

    (docs / "notes.md").write_text("# Notes\n\n## Second\n\nchanged\n", encoding="utf-8")
    build(docs, config, tmp_path / "edited", pages)
    assert "pages: 1 of 2 converted" in capsys.readouterr().out
    assert "changed" in (tmp_path / "edited" / "notes" / "index.html").read_text("utf-8")
    assert tree(tmp_path / "edited") == (build(docs, config, tmp_path / "fresh", None) or tree(tmp_path / "fresh"))


def test_a_page_whose_link_warned_warns_again_from_the_cache(tmp_path):
    """A strict build fails on a broken link every time, not only the first time (the cache is kept
    only from builds without warnings)."""
    docs, config = small_site(tmp_path)
    pages = tmp_path / "cache" / "en.pickle"
    build(docs, config, tmp_path / "first", pages)
    (docs / "index.md").write_text("# Home\n\nSee [the gone page](gone.md).\n", encoding="utf-8")
    for attempt in ("second", "third"):
        with pytest.raises(RuntimeError, match="gone.md"):
            build(docs, config, tmp_path / attempt, pages)


