"""The data page and the about page (hand-written prose; package facts from here)."""
from __future__ import annotations

import html
import json
import re

from cidi import paths
from cidi.citing import report_reference

from cidi.views import View
from cidi.write_package import XLSX_NAME, ZIP_NAME, citation

TYPES_ZH = {"string": "文本", "number": "数值", "integer": "整数", "boolean": "布尔值"}
UNITS_ZH = {"points": "分", "percent": "百分比"}
CONSTRAINTS_ZH = {"required": "必填", "unique": "唯一", "pattern": "格式", "minimum": "最小值", "maximum": "最大值",
                  "enum": "取值"}


def constraint_text(constraints: dict, L) -> str:
    parts = []
    for k, v in constraints.items():
        name = CONSTRAINTS_ZH.get(k, k) if L.zh else k
        if v is True:
            parts.append(name)
        elif isinstance(v, list):
            parts.append(f"{name} {', '.join(str(x) for x in v)}")
        else:
            parts.append(f"{name} {v}")
    return ("；" if L.zh else "; ").join(parts)


def data_context(data, key, L) -> dict:
    d = data.descriptor
    files = data.files
    tables = []
    for r in (r for r in d["resources"] if r["format"] == "csv"):
        fields = [{"name": fld["name"], "type": TYPES_ZH.get(fld["type"], fld["type"]) if L.zh else fld["type"],
                   "unit": (UNITS_ZH.get(fld.get("unit"), fld.get("unit", "")) if L.zh else fld.get("unit", "")),
                   # escaped: "<dimension>-<statement number>" would otherwise become unknown HTML elements
                   "description": html.escape((fld.get("cidi:title_zh", fld["title"]) + "：" + fld.get("cidi:description_zh", fld["description"]))
                                              if L.zh else f"{fld['title']}: {fld['description']}", quote=False).replace("|", "\\|"),
                   "constraints": constraint_text(fld.get("constraints", {}), L)} for fld in r["schema"]["fields"]]
        keys = [{"fields": ", ".join(k["fields"]), "resource": k["reference"]["resource"]}
                for k in r["schema"].get("foreignKeys", [])]
        tables.append({"name": r["name"], "path": r["path"], "title": r.get("cidi:title_zh", r["title"]) if L.zh else r["title"],
                       "description": r.get("cidi:description_zh", r["description"]) if L.zh else r["description"],
                       "csv_size": L.f.size(files[r["path"]]["bytes"]),
                       "parquet": f"{r['name']}.parquet", "parquet_size": L.f.size(files[f"{r['name']}.parquet"]["bytes"]),
                       "primary_key": ", ".join(r["schema"]["primaryKey"]), "foreign_keys": keys,
                       "n_fields": L.f.count(len(fields)), "fields": fields, "sha256": files[r["path"]]["sha256"]})
    licence = d["licenses"][0]
    text_columns = text_like_columns(d)
    return {"n_tables": L.f.count(len(tables)), "tables": tables, "version": d["version"],
            "xlsx": XLSX_NAME, "xlsx_size": L.f.size(files[XLSX_NAME]["bytes"], 0),
            "pandas_dtypes": "{" + ", ".join(f'"{c}": str' for c in text_columns) + "}",
            "polars_pairs": ", ".join(f'"{c}": pl.String' for c in text_columns if c.startswith("adcode_")),
            "duckdb_pairs": ", ".join(f"'{c}': 'VARCHAR'" for c in text_columns if c.startswith("adcode_")),
            "pair_table": next(r["path"] for r in d["resources"] if r["format"] == "csv"
                               and any(f["name"] == "adcode_a" for f in r["schema"]["fields"])),
            "jsonld": dataset_jsonld(data, L), "report": report_reference(data.meta, L.code),
            "changes": [{**c, "date": L.f.date(c["date"])} for c in changelog()],
            "licence": licence.get("cidi:title_zh", licence["title"]) if L.zh else licence["title"],
            "zip": ZIP_NAME, "zip_size": L.f.size(files[ZIP_NAME]["bytes"], 0),
            "title": d.get("cidi:title_zh", d["title"]) if L.zh else d["title"], "base_url": data.base_url,
            "citation": citation(data.meta, L.code)}


CHANGE = re.compile(r"^## (\S+) — (\d{4}-\d{2}-\d{2})\n\n(.*?)(?=\n## |\Z)", re.M | re.S)


def changelog(text: str | None = None) -> list[dict]:
    """The versions in CHANGELOG.md, newest first: version, date, first paragraph (one line)."""
    text = paths.CHANGELOG.read_text(encoding="utf-8") if text is None else text
    out = []
    for version, date, body in CHANGE.findall(text):
        paragraphs = [" ".join(p.split()) for p in body.strip().split("\n\n")]
        zh = [p.removeprefix("中文：") for p in paragraphs if p.startswith("中文：")]
        out.append({"version": version, "date": date, "summary": paragraphs[0], "summary_zh": zh[0] if zh else paragraphs[0]})
    return out


def text_like_columns(descriptor: dict) -> list[str]:
    """Text columns that every CSV reader guesses as numbers (codes such as 440000, footnote labels such as 3)."""
    names = dict.fromkeys(f["name"] for r in descriptor["resources"] if r["format"] == "csv"
                          for f in r["schema"]["fields"]
                          if f["type"] == "string" and (f["name"].startswith("adcode") or f["name"] == "footnote"))
    return list(names)


MEDIA_TYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


def dataset_jsonld(data, L) -> str:
    """schema.org ``Dataset`` of the package (what dataset search engines read), as the text of a
    ``<script type="application/ld+json">`` (not executed, so the CSP does not apply): from datapackage.json."""
    d, meta, base = data.descriptor, data.meta, data.base_url.rstrip("/") + "/"
    files = data.files
    report = meta["report"]
    zh = L.zh

    def download(name: str, media: str, title: str) -> dict:
        return {"@type": "DataDownload", "name": title, "encodingFormat": media,
                "contentUrl": f"{base}data/{name}", "contentSize": f"{files[name]['bytes']} B"}

    distribution = [download(ZIP_NAME, "application/zip", "cidi-data.zip (datapackage.json, CSV, Parquet, xlsx)"),
                    download(XLSX_NAME, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", XLSX_NAME),
                    download("datapackage.json", "application/json", "datapackage.json (Frictionless Data Package v2)")]
    distribution += [download(r["path"], MEDIA_TYPES[r["format"]], r["path"]) for r in d["resources"]]
    ld = {
        "@context": "https://schema.org", "@type": "Dataset",
        "name": d["cidi:title_zh"] if zh else d["title"],
        "alternateName": d["title"] if zh else d["cidi:title_zh"],
        "description": d["cidi:description_zh"] if zh else d["description"],
        "url": f"{base}{L.prefix}data/", "version": d["version"], "datePublished": d["created"][:10],
        "inLanguage": ["en", "zh-Hans"], "keywords": d["keywords"], "isAccessibleForFree": True,
        "license": d["licenses"][0]["path"],
        "creator": [{"@type": "Organization", "name": c["title"]} for c in d["contributors"]],
        "citation": citation(meta, L.code),
        "isBasedOn": {"@type": "Report", "name": report["title_zh"] if zh else report["title"],
                      "publisher": {"@type": "Organization", "name": report["publisher_zh"] if zh else report["publisher"]},
                      "datePublished": str(report["year"])},
        "temporalCoverage": str(report["year"]),
        "spatialCoverage": {"@type": "Place", "name": "中国" if zh else "China"},
        "variableMeasured": [{"@type": "PropertyValue", "name": f["name"],
                              "description": f["cidi:title_zh"] if zh else f["title"],
                              **({"unitText": f["unit"]} if f.get("unit") else {})}
                             for r in d["resources"] if r["name"] == "scores" for f in r["schema"]["fields"]],
        "distribution": distribution,
    }
    return json.dumps(ld, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


def about_context(data, key, L) -> dict:
    return {"n": L.f.count(data.n), "version": data.descriptor["version"]}


def card_context(data, key, L) -> dict:
    """The data card (the package's README.md) as a page: its English half on the English site, its
    Chinese half on the Chinese one (the Markdown file, sent by many servers without a charset, shows
    its Chinese as mojibake)."""
    text = data.data_card
    english, chinese = text.split("\n## 中文说明\n", 1)
    if L.zh:
        body = re.sub(r"^### ", "## ", chinese.strip(), flags=re.M)
        title = f"{data.descriptor['cidi:title_zh']}：{L.t('nav.data_card')}"
    else:
        lines = english.strip().splitlines()
        body = "\n".join(line for line in lines[1:] if "(#中文说明)" not in line).strip()
        title = f"{data.descriptor['title']}: {L.t('nav.data_card')}"
    return {"title": title, "body": body, "description": L.t("card.description")}


DATA = View(name="data", path="data/index.md", template="data/index.md", context=data_context, hand_written=True,
            section="nav.data", nav_title=lambda data, key, L: L.t("nav.data_downloads"))
CARD = View(name="data-card", path="data/card.md", template="data-card.md.j2", context=card_context,
            section="nav.data", nav_title=lambda data, key, L: L.t("nav.data_card"))
ABOUT = View(name="about", path="about.md", template="about.md", context=about_context, hand_written=True,
             nav_title=lambda data, key, L: L.t("nav.about"))
