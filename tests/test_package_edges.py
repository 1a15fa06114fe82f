"""The package at its edges, where people meet it: the Excel workbook, the zip opened as a package,
foreign keys on every province-keyed table, the licence and citation shipped with the data."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from cidi import paths
from conftest import descriptor_of

XLSX = "cidi-data.xlsx"


def csv_resources(folder: Path) -> list[dict]:
    return [r for r in descriptor_of(folder)["resources"] if r["format"] == "csv"]


def read_csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- the workbook ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workbook(package_dir):
    from openpyxl import load_workbook

    return load_workbook(package_dir / XLSX)  # not read-only: freeze panes are read from the sheet view


def test_the_workbook_has_a_readme_a_sheet_per_table_and_a_fields_sheet(workbook, package_dir):
    names = [r["name"] for r in csv_resources(package_dir)]
    assert workbook.sheetnames == ["README", *names, "fields"]
    readme = [[c for c in row if c is not None] for row in workbook["README"].iter_rows(values_only=True)]
    assert readme[0] == ["China Internet Development Index 2017 — open data", "2017年中国互联网发展指数——开放数据"]
    listed = {row[0]: row for row in readme if row and row[0] in names}
    for name in names:  # each sheet named with its English and Chinese title and its number of rows
        rows = len(read_csv_cells(package_dir / f"{name}.csv")) - 1
        assert listed[name][3] == rows, name
    assert workbook.properties.created.isoformat().startswith(descriptor_of(package_dir)["created"][:10])


def test_every_sheet_holds_its_csv_cell_for_cell_with_numbers_as_numbers_and_codes_as_text(workbook, package_dir):
    for resource in csv_resources(package_dir):
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        cells = read_csv_cells(package_dir / resource["path"])
        sheet = list(workbook[resource["name"]].iter_rows(values_only=True))
        assert list(sheet[0]) == cells[0], resource["name"]
        assert len(sheet) == len(cells), resource["name"]
        for row_number, (got, want) in enumerate(zip(sheet[1:], cells[1:]), start=2):
            for column, value, text in zip(cells[0], got, want):
                where = f"{resource['name']} row {row_number} {column}"
                if text == "":
                    assert value is None, where
                elif types[column] == "string":
                    assert isinstance(value, str) and value == text, where  # adcode 440000 stays the text '440000'
                elif types[column] == "boolean":
                    assert value is {"true": True, "false": False}[text], where
                else:
                    assert isinstance(value, (int, float)) and not isinstance(value, bool), where
                    assert value == float(text), where


def test_the_header_row_is_frozen_and_numbers_keep_the_csv_decimals(workbook):
    sheet = workbook["scores"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    beijing = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "110000")
    total = beijing[header.index("total")]
    assert total.value == 44.7 and total.number_format == "0.00"  # printed "44.70" in Table 2
    assert beijing[header.index("province_zh")].value == "北京市"


def test_pandas_reads_the_workbook_with_chinese_intact_and_adcode_as_text(package_dir):
    # pandas infers types from cell text whatever the cell type (openpyxl sees text), so codes need dtype=str
    sheets = pd.read_excel(package_dir / XLSX, sheet_name=None, dtype={"adcode": str})
    scores = sheets["scores"]
    assert scores.loc[scores["adcode"] == "440000", "province_zh"].item() == "广东省"
    canonical = pd.read_csv(package_dir / "scores.csv", dtype={"adcode": str})
    pd.testing.assert_frame_equal(scores, canonical, check_dtype=False)


# --- the zip -----------------------------------------------------------------------------------

@pytest.mark.slow  # frictionless in a subprocess over the zip: seconds
def test_frictionless_opens_and_validates_the_zip_directly(package_dir, tmp_path):
    zipped = tmp_path / "cidi-data.zip"
    shutil.copyfile(package_dir / "cidi-data.zip", zipped)
    result = subprocess.run([str(Path(sys.executable).with_name("frictionless")), "validate", "--json", zipped.name],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    report = json.loads(result.stdout)
    assert report["valid"], result.stdout[:2000]
    assert report["stats"]["tasks"] == len(descriptor_of(package_dir)["resources"])  # every table, CSV and Parquet


def test_the_zip_carries_the_licence_text_and_the_citation(package_dir):
    with zipfile.ZipFile(package_dir / "cidi-data.zip") as archive:
        licence = archive.read("LICENSE.txt").decode("utf-8")
        citation = archive.read("CITATION.cff").decode("utf-8")
    assert licence.startswith("Attribution 4.0 International")
    assert "Section 1 -- Definitions." in licence
    assert citation == paths.CITATION.read_text(encoding="utf-8")


# --- foreign keys ------------------------------------------------------------------------------

def test_every_column_holding_a_province_code_has_a_foreign_key_to_provinces(package_dir):
    for resource in descriptor_of(package_dir)["resources"]:
        if resource["name"] in ("provinces", "provinces-parquet"):
            continue
        keyed = {tuple(k["fields"]): k["reference"] for k in resource["schema"].get("foreignKeys", [])}
        for field in resource["schema"]["fields"]:
            if field["name"].startswith("adcode"):
                reference = keyed.get((field["name"],))
                assert reference is not None, f"{resource['name']}.{field['name']} has no foreign key"
                assert reference["fields"] == ["adcode"]
                assert reference["resource"] == ("provinces-parquet" if resource["format"] == "parquet" else "provinces")


def tampered(package_dir: Path, tmp_path: Path, resource: str, column: str, value: str) -> Path:
    """A copy of the package with one cell of ``resource``'s CSV changed (hashes dropped, so only the keys can object)."""
    folder = tmp_path / "pkg"
    shutil.copytree(package_dir, folder)
    descriptor = descriptor_of(folder)
    for r in descriptor["resources"]:
        r.pop("hash", None)
        r.pop("bytes", None)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    cells = read_csv_cells(folder / f"{resource}.csv")
    cells[1][cells[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(cells)
    (folder / f"{resource}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return folder


@pytest.mark.parametrize("resource, column, value", [
    ("pairwise-dominance", "adcode_a", "999999"),
    ("pairwise-dominance", "adcode_b", "999999"),
    ("rank-without-dimension", "adcode", "999999"),
    ("rank-without-dimension", "dropped_dimension", "foo"),
    ("rounding-pairs", "adcode_b", "999999"),
    ("alternative-rankings", "adcode", "999999"),
    ("dimension-importance", "dimension", "foo"),
])
def test_a_tampered_key_fails_validation(package_dir, tmp_path, resource, column, value):
    from frictionless import Package, system

    folder = tampered(package_dir, tmp_path, resource, column, value)
    with system.use_context(trusted=True):
        report = Package(str(folder / "datapackage.json")).get_resource(resource).validate()
    assert not report.valid
    assert report.flatten(["rowNumber", "type"]) == [[2, "foreign-key"]]
