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
    with another hash seed (set and dict order would show), without build/ and with an empty chart cache:
    a cold build equals the one ``make build`` made, whether that one rendered its charts or took them
    from the cache."""
    repo = copy_repository(tmp_path / "repo")
    env = {**os.environ, "PYTHONPATH": str(repo / "scripts"), "PYTHONHASHSEED": "12345",
           "NO_MKDOCS_2_WARNING": "1", "CIDI_CHART_CACHE": str(tmp_path / "chart-cache")}
    env.pop("CIDI_SITE_URL", None)
    result = subprocess.run([sys.executable, "-m", "cidi.build"], env=env, cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = tree_digest(site_dir), tree_digest(repo / "build" / "site")
    assert sorted(first) == sorted(second), "the two builds have different files"
    differ = sorted(name for name in first if first[name] != second[name] and name not in ALLOWED_TO_DIFFER)
    assert not differ, f"{len(differ)} files differ between two builds, e.g. {differ[:10]}"
