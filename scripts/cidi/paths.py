"""Every path the project uses, derived from the repository root (never from the working directory)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
DOCS = ROOT / "docs"
BUILD = ROOT / "build"
SITE = BUILD / "site"
MKDOCS_YML = ROOT / "mkdocs.yml"
PACKAGE_META = DATASETS / "package.yml"
JS_LOCK = ROOT / "scripts" / "js.lock.json"
JS_CACHE = ROOT / ".venv" / "js-cache"
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


def provenance_of(source: Path) -> Path:
    """The provenance sidecar of a source file: ``scores.csv`` -> ``scores.provenance.yml``."""
    return source.with_name(f"{source.stem}.provenance.yml")
