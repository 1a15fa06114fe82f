"""Install the browser libraries the site serves (no CDN at view time, no Node.js needed).

Reads ``scripts/js.lock.json`` (package, pinned version, registry tarball, SRI integrity), downloads
each tarball from the npm registry once, checks its sha512 integrity, and extracts the listed files
into ``.venv/js-cache/<name>-<version>/``. A file listed under ``classic_script`` is an ES module
(``vega-interpreter``) turned into a plain script that takes its imports from, and adds its exports to,
a global the site already loads (``window.vega``): no import map, which a strict Content-Security-Policy
would have to allow as an inline script. ``python -m cidi.fetch_js`` is run by ``make`` when the
environment is set up; the build copies the files from the cache into the site.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

from cidi import paths


def read_lock(path: Path = paths.JS_LOCK) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def cache_dir(name: str, entry: dict) -> Path:
    return paths.JS_CACHE / f"{name}-{entry['version']}"


def check_integrity(data: bytes, integrity: str, name: str) -> None:
    algorithm, expected = integrity.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"fetch_js: {name}: integrity mismatch ({algorithm} {actual} != {expected}); refusing to install")


IMPORT = re.compile(r"^import \{([^}]*)\} from '[^']+';\n", re.M)
EXPORT = re.compile(r"^export \{([^}]*)\};\n", re.M)


def classic_script(source: str, imports_from: str, exports_to: str) -> str:
    """An ES module with named imports and one export list as a plain script (an IIFE): imports read from
    ``window[imports_from]``, exports set on ``window[exports_to]``. Fails on any other module syntax."""
    imports, exports = IMPORT.findall(source), EXPORT.findall(source)
    if len(exports) != 1:
        raise SystemExit(f"fetch_js: expected one export list, found {len(exports)}")
    body = EXPORT.sub("", IMPORT.sub("", source))
    body = re.sub(r"^//# sourceMappingURL=.*\n?", "", body, flags=re.M)
    if re.search(r"^\s*(import|export)\b", body, re.M):
        raise SystemExit("fetch_js: module syntax left after the conversion to a plain script")
    head = "".join(f"var {{{names.strip()}}} = window.{imports_from};\n" for names in imports)
    tail = "".join(f"window.{exports_to}.{part.split(' as ')[-1].strip()} = {part.split(' as ')[0].strip()};\n"
                   for part in exports[0].split(","))
    return f"(function () {{\n\"use strict\";\n{head}{body}{tail}}})();\n"


def fetch(name: str, entry: dict) -> Path:
    target = cache_dir(name, entry)
    if all((target / out).exists() for out in entry["files"].values()):
        return target
    with urllib.request.urlopen(entry["tarball"], timeout=120) as response:
        data = response.read()
    check_integrity(data, entry["integrity"], name)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member, out in entry["files"].items():
            content = archive.extractfile(member).read()
            if member in entry.get("classic_script", {}):
                content = classic_script(content.decode("utf-8"), **entry["classic_script"][member]).encode("utf-8")
            (target / out).write_bytes(content)
    return target


def installed_files() -> dict[str, Path]:
    """Site file name -> cached file, for every locked library; fails if one is not installed."""
    files = {}
    for name, entry in read_lock().items():
        for out in entry["files"].values():
            path = cache_dir(name, entry) / out
            if not path.exists():
                raise SystemExit(f"{path} is missing: run `make .venv/.installed` (or python -m cidi.fetch_js)")
            files[out] = path
    return files


def main() -> int:
    for name, entry in read_lock().items():
        print(f"fetch_js: {name}@{entry['version']} -> {fetch(name, entry)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
