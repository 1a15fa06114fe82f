"""Golden files: one view's data, one chart spec and ``datapackage.json``, compared byte for byte.

On a mismatch the new output is written beside the snapshot as ``<name>.changed`` (gitignored) so the
difference can be read with ``diff``; the test fails. To accept a change, run
``UPDATE_SNAPSHOTS=1 make test-fast`` (refused under ``CI=true``, where snapshots are never written).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cidi.charts import specs
from cidi.views import SiteData, provinces
from cidi.write_package import read_metadata

SNAPSHOTS = Path(__file__).with_name("snapshots")


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    changed = path.with_name(path.name + ".changed")
    in_ci = os.environ.get("CI") == "true"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" and not in_ci:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.unlink(missing_ok=True)
        return
    if not path.is_file():
        changed.parent.mkdir(parents=True, exist_ok=True)
        changed.write_text(text, encoding="utf-8")
        pytest.fail(f"no snapshot {path.name}: review {changed.name} and run UPDATE_SNAPSHOTS=1 to accept it")
    if path.read_text(encoding="utf-8") != text:
        changed.write_text(text, encoding="utf-8")
        pytest.fail(f"{path.name} differs from its snapshot: diff {path} {changed}")
    changed.unlink(missing_ok=True)


def dumps(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"


@pytest.fixture(scope="module")
def data(sources, indices, robust, package_dir) -> SiteData:
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    return SiteData(sources, indices, robust, descriptor, read_metadata(), package_dir)


def test_province_view_snapshot(data):
    """Everything the Chinese Guangdong page prints, as the view returns it."""
    assert_snapshot("view-province-guangdong.zh.json", dumps(provinces.province_context(data, {"slug": "guangdong"},
                                                                                          data.lang("zh"))))


def test_chart_spec_snapshot(data):
    chart = specs.dimension_ranking(data, {"dim": "innovation"}, data.lang("en"), "dimension-innovation-ranking")
    assert_snapshot("dimension-innovation-ranking.vl.json", dumps(chart.spec))


def test_datapackage_snapshot(package_dir):
    assert_snapshot("datapackage.json", (package_dir / "datapackage.json").read_text(encoding="utf-8"))


def test_the_version_is_one_fact(package_dir):
    """package.yml types the data version; pyproject.toml and CITATION.cff (read by other tools as they are)
    must say the same, and the citations are filled from it."""
    import re
    import tomllib

    from cidi import paths

    version = read_metadata()["version"]
    assert tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"] == version
    assert re.search(r"^version: (\S+)$", (paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"), re.M).group(1) == version
    card = (package_dir / "README.md").read_text(encoding="utf-8")
    assert f"version {version}." in card and f"版本 {version}。" in card and "{version}" not in card
