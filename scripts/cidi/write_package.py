"""Step 4: write the Frictionless data package (CSV + Parquet, Table Schemas, checksums, zip).

Inputs: the computed tables (``cidi.compute_indices``, ``cidi.robustness``), the sources'
provenance and ``datasets/package.yml``. Output: a folder (``<staging>/data``) holding
``datapackage.json`` (Data Package v2), one ``.csv`` and one ``.parquet`` per table, the data card
``README.md``, the provenance sidecars, the data licence (``LICENSE.txt``, the CC BY 4.0 legal code from
``LICENSE-DATA``), ``CITATION.cff`` and ``CHANGELOG.md``, one Excel workbook of every table (``cidi-data.xlsx``, for
Excel and WPS users: a CSV without a byte-order mark opens as mojibake there), ``SHA256SUMS`` and
``cidi-data.zip`` (the package with ``datapackage.json`` at its root, so ``frictionless`` opens the
zip directly, and its own ``SHA256SUMS``). Everything is deterministic: fixed float formats, sorted
keys, a ``created`` date from the metadata, fixed zip timestamps (the workbook's too).

The package is bilingual: the package, every resource and every field carry a Chinese title and
description (``title_zh``/``description_zh`` in package.yml, published as ``cidi:title_zh`` and
``cidi:description_zh``), and every English province or region column has a Chinese companion
column (``province_zh``, ``region_zh``...), added here at publication time (``add_companions``).
"""
from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cidi import paths
from cidi.citing import citation, citation_cff  # noqa: F401  (citation: re-exported for the views)
from cidi.data_card import data_card
from cidi.load_sources import parse_yaml

ZIP_NAME = "cidi-data.zip"
XLSX_NAME = "cidi-data.xlsx"
LICENSE_NAME = "LICENSE.txt"
CITATION_NAME = "CITATION.cff"
CHANGELOG_NAME = "CHANGELOG.md"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
ZH_KEYS = {"title_zh": "cidi:title_zh", "description_zh": "cidi:description_zh"}
UNPUBLISHED = {"decimals", "companion", "rule"}  # package.yml keys that steer the writing (or loading) only
FIELD_KEYS = {"type", "title", "description", "title_zh", "description_zh", "unit", "constraints"} | UNPUBLISHED
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}


def read_metadata(path: Path = paths.PACKAGE_META) -> dict:
    return parse_yaml(path.read_text(encoding="utf-8"))


def expand_fields(fields: dict, dimensions: pd.DataFrame) -> dict:
    """Replace the ``$dimensions`` placeholder by one field per dimension (from dimensions.csv)."""
    out = {}
    for name, spec in fields.items():
        if name != "$dimensions":
            out[name] = spec
            continue
        for dim in dimensions.itertuples(index=False):
            out[dim.id] = {**spec, "title": f"{dim.name_en} (max {dim.weight})",
                           "title_zh": f"{dim.name_zh}（满分{dim.weight}）",
                           "constraints": {"required": True, "minimum": 0, "maximum": int(dim.weight)}}
    return out


def check_fields(fields: dict, name: str) -> None:
    """Refuse unknown field keys: an unquoted comma in a YAML flow mapping splits a description
    into stray keys (``description: East, Central`` gives ``{"description": "East", "Central": None}``)."""
    for column, spec in fields.items():
        unknown = sorted(set(spec) - FIELD_KEYS)
        if unknown:
            raise ValueError(f"package.yml: resource {name}, field {column}: unknown keys {unknown} "
                             "(quote a description that holds a comma)")
        missing = sorted({"title", "description", "title_zh", "description_zh"} - set(spec))
        if missing:
            raise ValueError(f"package.yml: resource {name}, field {column}: missing {missing}")


def published(spec: dict) -> dict:
    """A package.yml entry as published: steering keys dropped, Chinese keys namespaced."""
    return {ZH_KEYS.get(k, k): v for k, v in spec.items() if k not in UNPUBLISHED}


def add_companions(frame: pd.DataFrame, fields: dict, provinces: pd.DataFrame, name: str) -> pd.DataFrame:
    """Add the Chinese companion columns that ``fields`` declare (``companion:`` in package.yml).

    ``{of: province, key: adcode}`` takes ``provinces.name_zh`` of the row's code; ``{of: region,
    names: {East: 东部, ...}}`` translates the English value. The computing steps publish English
    names only, so the companions are added here, before ``conform``. A companion the frame already
    holds (``scores.province_zh``) is checked instead of added. An English column or a code without a
    Chinese name stops the build.
    """
    out = frame.copy()
    names_of_code = provinces.set_index("adcode")["name_zh"]
    for column, spec in fields.items():
        if "companion" not in spec:
            continue
        companion = spec["companion"]
        if companion["of"] not in frame.columns:
            raise ValueError(f"resource {name}: {column} accompanies {companion['of']!r}, which the table lacks")
        if "key" in companion:
            values = frame[companion["key"]].map(names_of_code)
            source = frame[companion["key"]]
        else:
            values = frame[companion["of"]].map(companion["names"])
            source = frame[companion["of"]]
        unknown = sorted(set(source[values.isna()]))
        if unknown:
            raise ValueError(f"resource {name}: no Chinese name for {unknown} (column {column})")
        if column in frame.columns:
            differ = frame[column].ne(values)
            if differ.any():
                raise ValueError(f"resource {name}: {column} differs from its Chinese names in rows "
                                 f"{list(frame.index[differ][:5])}")
        out[column] = values
    return out


def table_schema(resource: dict, fields: dict) -> dict:
    schema = {
        "$schema": SCHEMA_PROFILE,
        "fields": [{"name": name, **published(spec)} for name, spec in fields.items()],
        "missingValues": [""],
        "primaryKey": resource["primaryKey"],
    }
    if "foreignKeys" in resource:
        schema["foreignKeys"] = copy.deepcopy(resource["foreignKeys"])
    return schema


def format_cell(value, spec: dict) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if spec["type"] == "number" and "decimals" in spec:
        text = f"{float(value):.{spec['decimals']}f}"
        return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text  # no "-0.00"
    if spec["type"] == "number":
        return repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(float(value))
    if spec["type"] == "integer":
        return str(int(value))
    if spec["type"] == "boolean":
        return "true" if value else "false"
    return str(value)


def conform(frame: pd.DataFrame, fields: dict, name: str) -> pd.DataFrame:
    """Columns in schema order, numbers rounded to their published decimals."""
    missing = [f for f in fields if f not in frame.columns]
    extra = [c for c in frame.columns if c not in fields]
    if missing or extra:
        raise ValueError(f"resource {name}: columns {list(frame.columns)} do not match its schema "
                         f"(missing {missing}, extra {extra})")
    out = frame[list(fields)].copy()
    for column, spec in fields.items():
        if spec["type"] == "number" and "decimals" in spec:
            out[column] = out[column].astype(float).round(spec["decimals"]) + 0.0  # + 0.0 turns -0.0 into 0.0
    return out


def csv_text(frame: pd.DataFrame, fields: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(fields))
    for row in frame.itertuples(index=False):
        writer.writerow([format_cell(v, fields[c]) for c, v in zip(fields, row)])
    return buffer.getvalue()


def parquet_table(frame: pd.DataFrame, fields: dict) -> pa.Table:
    arrays = []
    for column, spec in fields.items():
        values = [None if (not isinstance(v, str) and pd.isna(v)) else v for v in frame[column].tolist()]
        arrays.append(pa.array(values, type=ARROW_TYPES[spec["type"]]))
    return pa.Table.from_arrays(arrays, names=list(fields))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sha256sums(folder: Path, files: list[Path]) -> str:
    """``sha256sum -c`` input for ``files`` (paths relative to ``folder``, sorted)."""
    return "".join(f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n"
                   for p in sorted(files, key=lambda p: p.relative_to(folder).as_posix()))


def write_zip(folder: Path, files: list[Path], target: Path) -> None:
    """The package as a zip with ``datapackage.json`` at its root (frictionless opens such a zip
    directly) and a ``SHA256SUMS`` of the files inside."""
    entries = {file.relative_to(folder).as_posix(): file.read_bytes() for file in files}
    entries["SHA256SUMS"] = sha256sums(folder, files).encode("utf-8")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name])


README_SHEET = "README"
FIELDS_SHEET = "fields"


def workbook_readme(descriptor: dict, tables: dict[str, tuple[pd.DataFrame, dict]], cite: str, cite_zh: str) -> list:
    """The README sheet's rows (English, Chinese side by side): what the workbook is and one row per sheet."""
    licence = descriptor["licenses"][0]
    rows = [
        [descriptor["title"], descriptor["cidi:title_zh"]],
        [f"Version {descriptor['version']}", f"版本 {descriptor['version']}"],
        [descriptor["description"], descriptor["cidi:description_zh"]],
        [f"Licence: {licence['title']} ({licence['path']})", f"许可协议：{licence['cidi:title_zh']}（{licence['path']}）"],
        [f"Cite as: {cite}", f"引用格式：{cite_zh}"],
        ["One sheet per table of the data package, with the same rows and columns as its CSV file. Numbers are "
         "numbers, rounded as in the CSV; codes (adcode) and dates are text; an empty cell is a missing value. "
         f"The sheet '{FIELDS_SHEET}' describes every column.",
         "每张数据表一个工作表，行和列与对应的 CSV 文件相同。数值以数字保存，舍入方式与 CSV 相同；代码（adcode）和日期以文本保存；"
         f"空单元格表示缺失值。工作表“{FIELDS_SHEET}”说明每一列。"],
        [],
        ["Sheet / 工作表", "Table", "数据表", "Rows / 行数", "Description", "说明"],
    ]
    resources = {r["name"]: r for r in descriptor["resources"] if r["format"] == "csv"}
    for name, (frame, _) in tables.items():
        r = resources[name]
        rows.append([name, r["title"], r["cidi:title_zh"], len(frame), r["description"], r["cidi:description_zh"]])
    return rows


def workbook_fields(descriptor: dict) -> list:
    rows = [["table", "field", "type", "unit", "title", "标题", "description", "说明"]]
    for r in descriptor["resources"]:
        if r["format"] != "csv":
            continue
        for f in r["schema"]["fields"]:
            rows.append([r["name"], f["name"], f["type"], f.get("unit", ""), f["title"], f["cidi:title_zh"],
                         f["description"], f["cidi:description_zh"]])
    return rows


def write_workbook(target: Path, tables: dict[str, tuple[pd.DataFrame, dict]], descriptor: dict,
                   cite: str, cite_zh: str) -> None:
    """One ``.xlsx`` of the whole package: a README sheet (English and Chinese), a sheet per table (its CSV's
    rows and columns; numbers as numbers with the CSV's decimals, text as text, header row frozen) and a
    ``fields`` sheet. Byte-identical across builds: XlsxWriter dates its zip entries 1980-01-01 and the
    document properties carry the package's ``created`` date, never the clock."""
    from datetime import datetime

    import xlsxwriter

    created = datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00")).replace(tzinfo=None)
    workbook = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "nan_inf_to_errors": False})
    workbook.set_properties({"title": descriptor["title"], "subject": descriptor["cidi:title_zh"],
                             "author": descriptor["contributors"][0]["title"], "created": created,
                             "comments": cite, "keywords": ", ".join(descriptor["keywords"])})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    text = workbook.add_format({"num_format": "@"})
    number_formats = {}

    def number_format(decimals: int | None):
        key = "General" if decimals is None else ("0" if decimals == 0 else "0." + "0" * decimals)
        if key not in number_formats:
            number_formats[key] = workbook.add_format({"num_format": key})
        return number_formats[key]

    def plain_sheet(name: str, rows: list, header_row: int, widths: list[int]):
        sheet = workbook.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(i, j, value, bold if i == header_row or i == 0 else wrap)
                else:
                    sheet.write_number(i, j, value)
        for j, width in enumerate(widths):
            sheet.set_column(j, j, width)
        sheet.freeze_panes(header_row + 1, 0)
        return sheet

    plain_sheet(README_SHEET, workbook_readme(descriptor, tables, cite, cite_zh), 7, [24, 40, 30, 12, 60, 60])
    for name, (frame, fields) in tables.items():
        sheet = workbook.add_worksheet(name)
        columns = list(fields)
        for j, column in enumerate(columns):
            sheet.write_string(0, j, column, bold)
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            for j, (column, value) in enumerate(zip(columns, row)):
                spec = fields[column]
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    continue  # a missing value is an empty cell, as in the CSV
                if spec["type"] == "string":
                    sheet.write_string(i, j, str(value), text)
                elif spec["type"] == "boolean":
                    sheet.write_boolean(i, j, bool(value))
                elif spec["type"] == "integer":
                    sheet.write_number(i, j, int(value), number_format(0))
                else:
                    sheet.write_number(i, j, float(value), number_format(spec.get("decimals")))
        for j, column in enumerate(columns):  # widths from the longest cell (CJK characters count twice)
            cells = [column] + [format_cell(v, fields[column]) for v in frame[column].tolist()]
            width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in cell) for cell in cells)
            sheet.set_column(j, j, min(max(width + 2, 8), 60))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(frame), len(columns) - 1)
    plain_sheet(FIELDS_SHEET, workbook_fields(descriptor), 0, [22, 24, 9, 10, 30, 24, 60, 60])
    workbook.close()


def package_tables(indices, robust, sources) -> dict[str, pd.DataFrame]:
    """The published tables, keyed by resource name, in publication order."""
    return {
        "provinces": sources.provinces,
        "dimensions": sources.dimensions,
        "scores": indices.scores,
        "scores-long": indices.scores_long,
        "region-summary": indices.region_summary,
        "dimension-statistics": indices.dimension_statistics,
        "correlations": indices.correlations,
        "rounding-pairs": indices.rounding_pairs,
        "national-indicators": sources.national_indicators,
        "province-mentions": sources.province_mentions,
        "rank-uncertainty": robust.rank_uncertainty,
        "pairwise-dominance": robust.pairwise_dominance,
        "rank-without-dimension": robust.rank_without_dimension,
        "alternative-rankings": robust.alternative_rankings,
        "dimension-importance": robust.dimension_importance,
        "rank-bounds": robust.rank_bounds,
        "weight-free-order": robust.weight_free_order,
        "rank-tiers": robust.rank_tiers,
        "rank-sensitivity": robust.rank_sensitivity,
        "switching-points": robust.switching_points,
        "rank-distribution": robust.rank_distribution,
        "rounding-sensitivity": robust.rounding_sensitivity,
        "dimension-coherence": robust.dimension_coherence,
    }


def write_package(target: Path, tables: dict[str, pd.DataFrame], sources, indices, robust,
                  meta: dict | None = None, datasets: Path = paths.DATASETS) -> dict:
    """Write the package into ``target`` (created empty) and return the descriptor."""
    meta = meta or read_metadata(datasets / "package.yml")
    target.mkdir(parents=True, exist_ok=False)
    licenses = [published(licence) for licence in meta["licenses"]]
    resources = []
    written = {}  # resource -> (rows as published, fields), for the workbook
    for name, frame in tables.items():
        spec = meta["resources"][name]
        fields = expand_fields(spec["fields"], sources.dimensions)
        check_fields(fields, name)
        data = conform(add_companions(frame, fields, sources.provinces, name), fields, name)
        schema = table_schema(spec, fields)
        written[name] = (data, fields)
        csv_path = target / f"{name}.csv"
        csv_path.write_text(csv_text(data, fields), encoding="utf-8", newline="")
        pq.write_table(parquet_table(data, fields), target / f"{name}.parquet", compression="zstd",
                       store_schema=False, write_statistics=True)
        common = {"title": spec["title"], "description": " ".join(spec["description"].split()),
                  "cidi:title_zh": spec["title_zh"], "cidi:description_zh": spec["description_zh"],
                  "type": "table", "schema": schema, "licenses": licenses}
        resources.append({"name": name, "path": csv_path.name, "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8", "bytes": csv_path.stat().st_size,
                          "hash": f"sha256:{sha256(csv_path)}", **common,
                          "dialect": {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                                      "delimiter": ",", "lineTerminator": "\n", "header": True}})
        parquet_schema = copy.deepcopy(schema)
        for key in parquet_schema.get("foreignKeys", []):
            key["reference"]["resource"] += "-parquet"
        resources.append({"name": f"{name}-parquet", "path": f"{name}.parquet", "format": "parquet",
                          "mediatype": "application/vnd.apache.parquet", **common, "schema": parquet_schema,
                          "title": f"{spec['title']} (Parquet)", "cidi:title_zh": f"{spec['title_zh']}（Parquet）"})
    provenance_dir = target / "provenance"
    provenance_dir.mkdir()
    for source in paths.SOURCE_FILES:
        sidecar = paths.provenance_of(datasets / source)
        if source in sources.provenance_text:  # as read: a BOM or CRLF from a Windows editor is not published
            (provenance_dir / sidecar.name).write_text(sources.provenance_text[source], encoding="utf-8", newline="")
        else:
            shutil.copyfile(sidecar, provenance_dir / sidecar.name)
    descriptor = {
        "$schema": PROFILE,
        "name": meta["name"], "title": meta["title"], "version": meta["version"], "created": meta["created"],
        "description": " ".join(meta["description"].split()), "keywords": meta["keywords"],
        "cidi:title_zh": meta["title_zh"], "cidi:description_zh": meta["description_zh"],
        "licenses": licenses, "sources": [published(s) for s in meta["sources"]],
        "contributors": [published(c) for c in meta["contributors"]],
        "resources": resources,
        "cidi:verification": indices.verification,
        "cidi:robustness": {
            "replications": robust.settings.replications, "weight_spread": robust.settings.spread,
            "seed": robust.settings.seed, "geometric_share": robust.settings.geometric_share,
            "rank_rule": "1 = best; ties take the lowest (best) rank",
            "mean_abs_rank_shift": robust.mean_abs_rank_shift,
            "realised_weight_ratio": robust.realised_weights,
            "tier_level": robust.tier_level,
            "geometric_draws": robust.geometric_draws,
            "conditional_on": "the report's six dimension scores; normalisation, indicator weights and data errors "
                              "could not be varied (no indicator data are published), so the intervals are a floor",
        },
        "cidi:national_score": national_score(sources.national_indicators),
    }
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                             encoding="utf-8")

    rows = {name: len(frame) for name, frame in tables.items()}
    province_zh = dict(zip(tables["scores"]["province"], tables["scores"]["province_zh"]))
    (target / "README.md").write_text(data_card(descriptor, rows, citation(meta), citation(meta, "zh"), province_zh),
                                      encoding="utf-8")
    shutil.copyfile(paths.LICENSE_DATA, target / LICENSE_NAME)
    shutil.copyfile(paths.CHANGELOG, target / CHANGELOG_NAME)
    (target / CITATION_NAME).write_text(citation_cff(meta), encoding="utf-8")
    write_workbook(target / XLSX_NAME, written, descriptor, citation(meta), citation(meta, "zh"))
    files = sorted(p for p in target.rglob("*") if p.is_file())
    write_zip(target, files, target / ZIP_NAME)
    files.append(target / ZIP_NAME)
    (target / "SHA256SUMS").write_text(sha256sums(target, files), encoding="utf-8")
    return descriptor


NATIONAL_SCORE_ID = "national_index_score"


def national_score(indicators: pd.DataFrame) -> dict:
    """China's index score, taken from its row in national-indicators.csv (the one place it is typed)."""
    row = indicators.loc[indicators["id"] == NATIONAL_SCORE_ID].iloc[0]
    return {"value": float(row["value"]), "id": NATIONAL_SCORE_ID,
            "source": f"national-indicators.csv, id {NATIONAL_SCORE_ID} (report line {int(row['line'])})",
            "note": "China's score; the report does not explain how the provincial scores relate to it."}


def validate_package(folder: Path) -> None:
    """Validate with frictionless (schemas, constraints, keys, CSV hashes) and our own SHA256SUMS."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(folder / "datapackage.json")).validate()
    if not report.valid:
        errors = [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors][:10]
        errors += [f"{e.type}: {e.message}" for e in report.errors][:10]
        raise ValueError("the data package is not valid:\n  " + "\n  ".join(errors))
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        if sha256(folder / name) != digest:
            raise ValueError(f"SHA256SUMS: {name} does not match its checksum")
