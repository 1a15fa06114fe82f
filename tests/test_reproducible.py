"""Building twice gives a byte-identical site: no clock, no random order, no machine paths."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from cidi import paths

# Files allowed to differ between two builds, with the reason. Empty: nothing may differ.
ALLOWED_TO_DIFFER: dict[str, str] = {}


def tree(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_a_second_build_is_byte_identical(site_dir, tmp_path):
    """The second build renders every chart afresh (an empty chart cache): a cold build equals the
    one ``make build`` made, whether that one rendered its charts or took them from the cache."""
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT / "scripts"), "PYTHONHASHSEED": "12345",
           "NO_MKDOCS_2_WARNING": "1", "CIDI_CHART_CACHE": str(tmp_path / "chart-cache")}
    env.pop("CIDI_SITE_URL", None)
    subprocess.run([sys.executable, "-m", "cidi.build", "--site", str(tmp_path / "site")], check=True, env=env,
                   cwd=tmp_path, capture_output=True, text=True)
    first, second = tree(site_dir), tree(tmp_path / "site")
    assert sorted(first) == sorted(second), "the two builds have different files"
    differ = sorted(name for name in first if first[name] != second[name] and name not in ALLOWED_TO_DIFFER)
    assert not differ, f"{len(differ)} files differ between two builds, e.g. {differ[:10]}"
