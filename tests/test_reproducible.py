"""Building twice gives a byte-identical site: no clock, no random order, no machine paths."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cidi import paths
from conftest import tree_digest

# Files allowed to differ between two builds, with the reason. Empty: nothing may differ.
ALLOWED_TO_DIFFER: dict[str, str] = {}


@pytest.mark.slow
def test_a_second_build_is_byte_identical(site_dir, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT / "scripts"), "PYTHONHASHSEED": "12345",
           "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CIDI_SITE_URL", None)
    subprocess.run([sys.executable, "-m", "cidi.build", "--site", str(tmp_path / "site")], check=True, env=env,
                   cwd=tmp_path, capture_output=True, text=True)
    first, second = tree_digest(site_dir), tree_digest(tmp_path / "site")
    assert sorted(first) == sorted(second), "the two builds have different files"
    differ = sorted(name for name in first if first[name] != second[name] and name not in ALLOWED_TO_DIFFER)
    assert not differ, f"{len(differ)} files differ between two builds, e.g. {differ[:10]}"
