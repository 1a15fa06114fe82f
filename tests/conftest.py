"""Shared fixtures: the real sources, their indices and robustness, and one built data package.

Each fixture is session-scoped and built once; the package build (about 1.5 s, mostly the
frictionless validation) runs without the site step, so these tests never depend on the site code.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from cidi import paths
from cidi.build import build
from cidi.compute_indices import compute_indices
from cidi.load_sources import load_sources
from cidi.robustness import Settings, analyse_robustness


@pytest.fixture(scope="session")
def sources():
    return load_sources()


@pytest.fixture(scope="session")
def indices(sources):
    return compute_indices(sources)


@pytest.fixture(scope="session")
def robust(indices, sources):
    return analyse_robustness(indices.scores, sources.dimensions, Settings())


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory) -> Path:
    """The data package built from ``datasets/`` with the default settings: ``<site>/data``."""
    site = tmp_path_factory.mktemp("package") / "site"
    build(paths.DATASETS, site, Settings(), with_site=False)
    return site / "data"
