"""Other spellings of a province's address: ``provinces/xizang/`` reaches ``provinces/tibet/``.

The report prints Tibet as "Xizang (Tibet)"; a reader may type either name into the address bar. Each
other spelling (the name outside the brackets, of the report's name and of the English name) gets a
static page in the staging docs with a meta refresh, a canonical link and a visible link, in the page's
language. Nothing here is in the navigation, the sitemap or the search index.
"""
from __future__ import annotations

import html
import re
from pathlib import Path


def slug_of(name: str) -> str:
    """"Xizang (Tibet)" -> "xizang"; "Inner Mongolia" -> "inner-mongolia" (the brackets are left out)."""
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"\(.*?\)", "", name).lower()).strip("-")


def aliases(provinces) -> dict[str, str]:
    """Other slug -> canonical slug, for every assessed province whose names spell another address."""
    out = {}
    for p in provinces.to_dict("records"):
        for name in (p.get("name_in_report"), p.get("name_en")):
            if isinstance(name, str) and name and slug_of(name) != p["slug"]:
                out[slug_of(name)] = p["slug"]
    return dict(sorted(out.items()))


def redirect_page(target_rel: str, canonical: str, name: str, L) -> str:
    return (f'<!doctype html>\n<html lang="{L.html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{html.escape(name)}</title>\n<meta http-equiv="refresh" content="0; url={target_rel}">\n'
            f'<meta name="description" content="{html.escape(L.t("redirect.description", name=name))}">\n'
            f'<link rel="icon" href="../../assets/images/favicon.png">\n'
            f'<link rel="canonical" href="{html.escape(canonical)}">\n<meta name="robots" content="noindex">\n'
            f'</head>\n<body>\n<p>{L.t("redirect.text", link=f"<a href={chr(34)}{target_rel}{chr(34)}>{html.escape(name)}</a>")}</p>\n'
            f'</body>\n</html>\n')


def write_redirects(data, L, staging_docs: Path) -> list[str]:
    """Write ``provinces/<other>/index.html`` for each alias; return the site-relative paths written."""
    written = []
    for other, slug in aliases(data.sources.provinces).items():
        p = data.by_slug.get(slug)
        if p is None:
            continue
        target = staging_docs / "provinces" / other / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        canonical = f"{data.base_url}{L.prefix}provinces/{slug}/"
        target.write_text(redirect_page(f"../{slug}/", canonical, L.province_full(p["province"]), L), encoding="utf-8")
        written.append(f"{L.prefix}provinces/{other}/")
    return written
