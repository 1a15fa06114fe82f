"""Every path the project uses, derived from the repository root (never from the working directory)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
DOCS = ROOT / "docs"
BUILD = ROOT / "build"
SITE = BUILD / "site"
CACHE = BUILD / "cache"  # the build's caches, one folder each (see cache()); never published
MKDOCS_YML = ROOT / "mkdocs.yml"
PACKAGE_META = DATASETS / "package.yml"
JS_LOCK = ROOT / "scripts" / "js.lock.json"
JS_CACHE = ROOT / ".venv" / "js-cache"
NODE_PACKAGES = ROOT / "scripts" / "node"  # package.json and package-lock.json of the build's Node.js packages
NODE_MODULES = ROOT / ".venv" / "node" / "node_modules"  # where make installs them (npm ci)
TEMPLATES = ROOT / "scripts" / "cidi" / "templates"
LICENSE_DATA = ROOT / "LICENSE-DATA"  # CC BY 4.0 legal code, published inside the data package
CITATION = ROOT / "CITATION.cff"
CHANGELOG = ROOT / "CHANGELOG.md"

SOURCE_FILES = (
    "dimensions.csv",
    "provinces.csv",
    "scores.csv",
    "national-indicators.csv",
    "province-mentions.csv",
    "tile-layout.csv",
    "units.csv",
)


def cache(name: str) -> Path | None:
    """The folder of one of the build's caches (``specs``, ``charts``, ``cards``, ``robustness``, ``validated``,
    ``staged``, ``pages``, ``sites``: the README lists them): ``$CIDI_CACHE/<name>``, ``build/cache/<name>``
    when CIDI_CACHE is unset, None (no caching) when it is ``off``. Read at each call, so a caller can point a
    whole build elsewhere."""
    root = os.environ.get("CIDI_CACHE", "")
    if root == "off":
        return None
    return (Path(root).absolute() if root else CACHE) / name


def provenance_of(source: Path) -> Path:
    """The provenance sidecar of a source file: ``scores.csv`` -> ``scores.provenance.yml``."""
    return source.with_name(f"{source.stem}.provenance.yml")
