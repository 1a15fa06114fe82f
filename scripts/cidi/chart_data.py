"""Per-chart downloads made like the package: each chart's CSV uses the package's ids and formatting,
and a metadata JSON beside it says what the file is (as Our World in Data's ``<chart>.metadata.json``).

Inputs: a chart (its data frame, title, alt text, page), the package descriptor and metadata, the
provinces table (to add ``adcode`` where a chart lists provinces by name only). Outputs (strings):
``<chart>.csv`` (the package's ``adcode``, the package's decimals for every column the package
defines, ``true``/``false``, LF line ends) and ``<chart>.metadata.json`` (title, description, page,
source, licence, citation, the package resource it comes from, fields with types and units).
Pure; the caller writes the files.
"""
from __future__ import annotations

import json

import pandas as pd

from cidi.citing import citation, report_reference
from cidi.write_package import csv_text


def name_to_code(provinces: pd.DataFrame) -> dict[str, str]:
    """Every name a chart may print for a province (English, full and short Chinese) -> its adcode."""
    out = {}
    for column in ("name_en", "name_zh", "short_name_zh"):
        out.update(dict(zip(provinces[column], provinces["adcode"])))
    return out


def package_fields(descriptor: dict, decimals: dict[str, dict[str, int]]) -> dict[str, dict[str, dict]]:
    """resource name -> field name -> the field as published, with its CSV decimals (not published)."""
    out = {}
    for r in descriptor["resources"]:
        if r["format"] == "csv":
            out[r["name"]] = {f["name"]: {**f, **({"decimals": decimals[r["name"]][f["name"]]}
                                                  if f["name"] in decimals.get(r["name"], {}) else {})}
                              for f in r["schema"]["fields"]}
    return out


def source_resource(columns: list[str], fields: dict[str, dict[str, dict]]) -> str:
    """The package table a chart's columns come from: the one that defines most of them (first on ties)."""
    return max(fields, key=lambda name: sum(c in fields[name] for c in columns))


def column_spec(column: str, values: pd.Series, own: dict[str, dict], everywhere: dict[str, dict]) -> dict:
    """How a chart column is written: as its package field (the source table's, else any table's), or
    from its values (booleans true/false, whole numbers as integers, other numbers as they are)."""
    spec = own.get(column) or everywhere.get(column)
    if spec is not None and spec["type"] in ("integer", "number") and not pd.api.types.is_numeric_dtype(values):
        spec = None  # the same name, another meaning (a label column): written as it is
    if spec is not None and spec["type"] == "integer" and not values.dropna().astype(float).map(float.is_integer).all():
        spec = {**spec, "type": "number"}
    if spec is not None:
        return spec
    if pd.api.types.is_bool_dtype(values):
        return {"name": column, "type": "boolean"}
    if pd.api.types.is_integer_dtype(values):
        return {"name": column, "type": "integer"}
    if pd.api.types.is_float_dtype(values):
        return {"name": column, "type": "number"}
    return {"name": column, "type": "string"}


def chart_downloads(chart, descriptor: dict, meta: dict, provinces: pd.DataFrame, base_url: str,
                    decimals: dict[str, dict[str, int]]) -> tuple[str, str]:
    """The chart's CSV text and its metadata JSON text."""
    frame = chart.data.copy()
    if "adcode" not in frame.columns and "province" in frame.columns:
        codes = frame["province"].map(name_to_code(provinces))
        if codes.notna().all():  # the package's id beside the display name
            frame.insert(0, "adcode", codes)
    fields = package_fields(descriptor, decimals)
    resource = source_resource(list(frame.columns), fields)
    everywhere: dict[str, dict] = {}
    for table in fields.values():
        for name, spec in table.items():
            everywhere.setdefault(name, spec)
    specs = {c: column_spec(c, frame[c], fields[resource], everywhere) for c in frame.columns}
    if chart.lang == "zh" and "province" in specs:  # the Chinese charts print the short Chinese name
        specs["province"] = {"name": "province", "type": "string", "title": "Province (short Chinese name)",
                             "cidi:title_zh": "省份", "description": "Short Chinese name, as the chart prints it.",
                             "cidi:description_zh": "省份简称（与图表中显示的名称相同）。"}
    for column, spec in specs.items():
        if spec["type"] == "number" and "decimals" in spec:
            frame[column] = frame[column].astype(float).round(spec["decimals"]) + 0.0
    text = csv_text(frame, specs)
    package = next(r for r in descriptor["resources"] if r["name"] == resource)
    licence = descriptor["licenses"][0]
    lang = chart.lang
    metadata = {
        "id": chart.id, "title": chart.title, "subtitle": chart.subtitle, "description": chart.alt,
        "language": "zh-Hans" if lang == "zh" else "en",
        "page": f"{base_url}{chart.page}#chart-{chart.id}",
        "source": report_reference(meta, lang), "license": {"name": licence["name"], "path": licence["path"]},
        "citation": citation(meta, lang), "version": descriptor["version"],
        "resource": {"name": resource, "title": package["cidi:title_zh"] if lang == "zh" else package["title"],
                     "path": f"{base_url.split('zh/')[0] if lang == 'zh' else base_url}data/{package['path']}"},
        "fields": [{"name": c, "type": s["type"],
                    **({"title": s["cidi:title_zh"] if lang == "zh" else s["title"]} if "title" in s else {}),
                    **({"unit": s["unit"]} if s.get("unit") else {}),
                    **({"description": s["cidi:description_zh"] if lang == "zh" else s["description"]}
                       if "description" in s else {})}
                   for c, s in specs.items()],
    }
    return text, json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
