"""The data page and the about page (hand-written prose; package facts from here)."""
from __future__ import annotations

from cidi.views import View
from cidi.write_package import ZIP_NAME, citation

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
                   "description": ((fld.get("cidi:title_zh", fld["title"]) + "：" + fld.get("cidi:description_zh", fld["description"]))
                                   if L.zh else f"{fld['title']}: {fld['description']}").replace("|", "\\|"),
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
    return {"n_tables": L.f.count(len(tables)), "tables": tables, "version": d["version"],
            "licence": licence.get("cidi:title_zh", licence["title"]) if L.zh else licence["title"],
            "zip": ZIP_NAME, "zip_size": L.f.size(files[ZIP_NAME]["bytes"], 0),
            "title": d.get("cidi:title_zh", d["title"]) if L.zh else d["title"], "base_url": data.base_url,
            "citation": citation(data.meta, L.code)}


def about_context(data, key, L) -> dict:
    return {"n": L.f.count(data.n), "version": data.descriptor["version"]}


DATA = View(name="data", path="data/index.md", template="data/index.md", context=data_context, hand_written=True,
            nav_title=lambda data, key, L: L.t("nav.data"))
ABOUT = View(name="about", path="about.md", template="about.md", context=about_context, hand_written=True,
             nav_title=lambda data, key, L: L.t("nav.about"))
