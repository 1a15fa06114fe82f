"""Deployment: the host configuration shipped with the site, and the deployment build (``make dist``).

``headers_file(site)`` is the ``_headers`` file (Netlify and Cloudflare Pages format) written at the site
root by every build: the Content-Security-Policy, ``X-Content-Type-Options``, ``Referrer-Policy``, a
UTF-8 charset for the text files people open in a browser (the data card ``README.md``, CSV, JSON),
long cache lifetimes for the theme's fingerprinted files only, and ``Access-Control-Allow-Origin: *`` on
what other sites read from a script: the data package, the charts' data and specs, and the embed
folders (their ``oembed.json``, which a CMS's editor fetches from the browser, and the iframe pages).

``python -m cidi.deploy`` (``make dist``) builds the site for a public address: it refuses to run
without a ``CIDI_SITE_URL`` that names a real host, builds ``build/site`` (as ``make build`` does, with
that address) and fails if any file of the output still names a local host.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

from cidi import paths

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
TEXT_TYPES = {".csv": "text/csv", ".md": "text/markdown", ".json": "application/json", ".cff": "text/plain",
              ".yml": "text/plain", "": "text/plain"}  # "": SHA256SUMS
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$")  # the theme's bundle.a5f9d56c.min.js ...
OPEN_TO_ALL = {"Access-Control-Allow-Origin": "*"}  # public open data: any site may fetch it
SHARED = ("data/*", "charts/*", "zh/charts/*", "embed/*", "zh/embed/*")  # the folders other sites read
LONG_CACHE = "public, max-age=31536000, immutable"
LOCAL_HOSTS = re.compile(r"(?i)\b(?:https?:)?//(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\])(?=[:/\"'\s]|$)")


def headers_file(site: Path) -> str:
    """The ``_headers`` rules for the built ``site`` (paths from the site root; one splat at most per rule)."""
    blocks = [("/*", SECURITY_HEADERS)]
    data = site / "data"
    for path in sorted(p for p in data.rglob("*") if p.is_file() and p.suffix in TEXT_TYPES):
        if path.name == "index.html" or path.parent.name == "card":
            continue
        blocks.append((f"/{path.relative_to(site).as_posix()}",
                       {"Content-Type": f"{TEXT_TYPES[path.suffix]}; charset=utf-8"}))
    for prefix in ("", "zh/"):
        for suffix in (".csv", ".json"):
            blocks.append((f"/{prefix}charts/*{suffix}", {"Content-Type": f"{TEXT_TYPES[suffix]}; charset=utf-8"}))
    blocks += [(f"/{folder}", OPEN_TO_ALL) for folder in SHARED]
    for path in sorted(p for p in site.rglob("*") if p.is_file() and FINGERPRINTED.search(p.name)):
        blocks.append((f"/{path.relative_to(site).as_posix()}", {"Cache-Control": LONG_CACHE}))
    lines = ["# Netlify and Cloudflare Pages read this file (written by scripts/cidi/deploy.py; see the README)."]
    for pattern, headers in blocks:
        lines.append(pattern)
        lines += [f"  {name}: {value}" for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def write_headers(site: Path) -> None:
    (site / "_headers").write_text(headers_file(site), encoding="utf-8")


def check_site_url(url: str | None) -> str:
    """The deployment address, or SystemExit naming what is wrong with it."""
    if not url:
        raise SystemExit("make dist: set CIDI_SITE_URL to the site's public address, e.g. "
                         "CIDI_SITE_URL=https://cidi.example.org/ make dist")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SystemExit(f"make dist: CIDI_SITE_URL={url!r} is not an http(s) address with a host")
    host = parsed.hostname
    if (host in ("localhost", "0.0.0.0", "::1", "::") or host.startswith("127.") or host.endswith((".localhost", ".local"))
            or "." not in host):
        raise SystemExit(f"make dist: CIDI_SITE_URL={url!r} names a local host; give the public address")
    return url if url.endswith("/") else url + "/"


def local_hosts_in(folder: Path) -> list[str]:
    """Every text file under ``folder`` that names a local host (relative path: first match)."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix in (".png", ".parquet", ".zip", ".xlsx", ".ico", ".woff", ".woff2"):
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        match = LOCAL_HOSTS.search(text)
        if match:
            found.append(f"{path.relative_to(folder).as_posix()}: {match.group(0)}")
    return found


def main(argv: list[str] | None = None) -> int:
    url = check_site_url(os.environ.get("CIDI_SITE_URL"))
    os.environ["CIDI_SITE_URL"] = url
    from cidi import build

    site = paths.SITE
    code = build.main(["--site", str(site), *(argv if argv is not None else sys.argv[1:])])
    if code:
        return code
    local = local_hosts_in(site)
    if local:
        print("make dist: the output names a local host:\n  " + "\n  ".join(local[:20]), file=sys.stderr)
        return 1
    print(f"make dist: {site} is ready to publish at {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
