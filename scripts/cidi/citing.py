"""How to cite the data, generated from one place (``datasets/package.yml``): the citation text of
every page's "Cite this" block, its BibTeX entry and ``CITATION.cff`` (published in the data package;
the repository's copy must equal it, a test checks).

Inputs: the package metadata (title, version, ``created``, contributors, licence, the report) and,
for the pages, the page's URL. Pure functions; nothing here reads the disk.
"""
from __future__ import annotations

import re

URL_PLACEHOLDER = "{url}"  # filled by the page template with the page's own address


def year(meta: dict) -> str:
    return meta["created"][:4]


def citation(meta: dict, lang: str = "en") -> str:
    """How to cite the package, its version and year filled in (package.yml types each once)."""
    text = meta["citation_zh" if lang == "zh" else "citation"].format(version=meta["version"], year=year(meta))
    return " ".join(text.split())


def report_reference(meta: dict, lang: str = "en") -> str:
    """The report the data come from: title, publisher, year."""
    r = meta["report"]
    if lang == "zh":
        return f"{r['publisher_zh']}：《{r['title_zh']}》，{r['year']}。"
    return f"{r['publisher']} ({r['year']}). {r['title']}."


def cite_text(meta: dict, lang: str = "en") -> str:
    """The citation with the address of the page it is printed on (``{url}``, filled by the template)."""
    label = "网址：" if lang == "zh" else " Available at "
    return f"{citation(meta, lang)}{label}{URL_PLACEHOLDER}"


def bibtex(meta: dict) -> str:
    """A BibTeX ``@misc`` entry of the data, the page's address as ``url``."""
    key = re.sub(r"[^a-z0-9]", "", meta["name"].lower()) + "-" + meta["version"].replace(".", "-")
    fields = [
        ("author", "{" + meta["contributors"][0]["title"] + "}"),
        ("title", meta["title"]),
        ("year", year(meta)),
        ("version", meta["version"]),
        ("howpublished", "Data set"),
        ("note", f"Data transcribed from the {meta['report']['title']} ({meta['report']['publisher']}, "
                 f"{meta['report']['year']}). Licence {meta['licenses'][0]['name']}"),
        ("url", URL_PLACEHOLDER),
    ]
    # the corporate author in braces inside quotes (BibTeX would split an unbraced name into first and last names)
    body = ",\n".join(f'  {name} = "{value}"' if name == "author" else f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def citation_cff(meta: dict) -> str:
    """``CITATION.cff`` (Citation File Format 1.2.0) of the data set."""
    r = meta["report"]
    lines = [
        "cff-version: 1.2.0",
        "message: " + _quoted("If you use this data, please cite it as below, and credit the "
                              f"{r['title']} as the source."),
        "title: " + _quoted(meta["title"]),
        f"version: {meta['version']}",
        f"date-released: {meta['created'][:10]}",
        "type: dataset",
        "authors:",
        *[f"  - name: {_quoted(c['title'])}" for c in meta["contributors"]],
        f"license: {meta['licenses'][0]['name']}",
        "keywords:",
        *[f"  - {_quoted(k)}" for k in meta["keywords"]],
        "references:",
        "  - type: report",
        f"    title: {_quoted(r['title'])}",
        "    authors:",
        f"      - name: {_quoted(r['publisher'])}",
        f"    year: {r['year']}",
    ]
    return "\n".join(lines) + "\n"
