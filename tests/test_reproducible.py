"""Building twice gives a byte-identical site: no clock, no random order, no machine paths, no cache effects."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cidi.bench.run import copy_repository
from conftest import tree_digest

# Files allowed to differ between two builds, with the reason. Empty: nothing may differ.
ALLOWED_TO_DIFFER: dict[str, str] = {}


@pytest.mark.slow
def test_a_second_build_is_byte_identical(site_dir, tmp_path):
    """The second build runs in a copy of the repository in another folder (machine paths would show),
    with another hash seed (set and dict order would show), without build/ and with empty caches:
    a cold build equals the one ``make build`` made, whether that one rendered its charts or took them
    from the cache."""
    repo = copy_repository(tmp_path / "repo")
    env = {**os.environ, "PYTHONPATH": str(repo / "scripts"), "PYTHONHASHSEED": "12345",
           "NO_MKDOCS_2_WARNING": "1", "CIDI_CACHE": str(tmp_path / "cache")}
    env.pop("CIDI_SITE_URL", None)
    result = subprocess.run([sys.executable, "-m", "cidi.build"], env=env, cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = tree_digest(site_dir), tree_digest(repo / "build" / "site")
    assert sorted(first) == sorted(second), "the two builds have different files"
    differ = sorted(name for name in first if first[name] != second[name] and name not in ALLOWED_TO_DIFFER)
    assert not differ, f"{len(differ)} files differ between two builds, e.g. {differ[:10]}"

    # A rebuild after editing one English page: the Chinese site comes from the site cache unchanged,
    # the English one is built again, converting only the edited page, and shows the edit.
    page = repo / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added by the test.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "cidi.build"], env=env, cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "site.zh: taken from the cache" in result.stdout and "site.en: taken from the cache" not in result.stdout
    assert "pages: 1 of " in result.stdout, "the English pages that did not change were converted again"
    # ... and the generated pages (made from the views) come from the cold build's cache: its key is the warm one's
    assert "texts.en: 1 of " in result.stdout and "texts.zh: 0 of " in result.stdout, result.stdout[-2000:]
    third = tree_digest(repo / "build" / "site")
    assert "A sentence added by the test." in (repo / "build" / "site" / "about" / "index.html").read_text("utf-8")
    zh_changed = [name for name in second if name.startswith("zh/") and second[name] != third.get(name)]
    assert not zh_changed, f"the Chinese site changed after an English edit: {zh_changed[:5]}"
