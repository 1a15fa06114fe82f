"""load_sources: one broken input per validation rule, each asserting the exact error message.

The corpus is made in code: a fixture copies ``datasets/`` into a temporary folder and one helper
call breaks one thing (the Excel and WPS cases too: BOM + CRLF, GBK bytes, semicolons, ``Jun-17``).
Messages name a file as the folder was given; ``error_of`` writes the temporary folder as
``datasets/``. Then: files saved by Windows editors load as if clean and publish the same bytes;
several broken files give every problem in one report; the rules come from the folder's own
``package.yml``. The last tests run the real command line on broken copies and check that a
previously built site is left byte for byte as it was.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cidi import paths
from cidi.build import build
from cidi.load_sources import SourceError, load_sources
from cidi.robustness import Settings

DIMS = ["infrastructure", "innovation", "digital_economy", "internet_application", "cyber_security",
        "cyberspace_regulation"]
SCORE_COLUMNS = ["rank", "province", "adcode", *DIMS, "total"]
PROVINCE_COLUMNS = ["adcode", "iso_3166_2", "name_en", "name_zh", "short_name_zh", "name_in_report", "slug",
                    "division_type", "nbs_region", "assessed"]


# --- the corpus helpers ---------------------------------------------------------------------

@pytest.fixture
def datasets(tmp_path) -> Path:
    """A writable copy of datasets/ (copyfile, so a read-only file becomes writable)."""
    folder = tmp_path / "datasets"
    shutil.copytree(paths.DATASETS, folder, copy_function=shutil.copyfile)
    return folder


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def set_cell(folder: Path, file: str, key: tuple[str, str], column: str, value: str) -> None:
    """Set one cell, found by (key column, key value) and column name."""
    rows = read_rows(folder / file)
    header = rows[0]
    matches = [r for r in rows[1:] if r[header.index(key[0])] == key[1]]
    assert len(matches) == 1, f"{file}: no single row with {key}"
    matches[0][header.index(column)] = value
    write_rows(folder / file, rows)


def drop_column(folder: Path, file: str, column: str) -> None:
    rows = read_rows(folder / file)
    index = rows[0].index(column)
    write_rows(folder / file, [r[:index] + r[index + 1:] for r in rows])


def add_column(folder: Path, file: str, column: str, value: str = "") -> None:
    rows = read_rows(folder / file)
    write_rows(folder / file, [rows[0] + [column]] + [r + [value] for r in rows[1:]])


def edit_rows(folder: Path, file: str, change) -> None:
    """Apply ``change(rows)`` (header included) and write the file back."""
    rows = read_rows(folder / file)
    change(rows)
    write_rows(folder / file, rows)


def replace_text(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{file}: {old!r} is not unique"
    path.write_text(text.replace(old, new), encoding="utf-8", newline="")


def error_of(folder: Path) -> str:
    """The report of loading ``folder``, with the folder written as ``datasets`` (its own name)."""
    with pytest.raises(SourceError) as caught:
        load_sources(folder)
    return str(caught.value).replace(f"{folder.as_posix()}/", "datasets/")


WINDOWS_EDITS = {  # what Windows editors add that nobody sees: each alone, then as Excel's "CSV UTF-8" writes them
    "bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "blank-lines-at-the-end": lambda text: (text + "\n  \n\n").encode("utf-8"),
    "bom-crlf-blank-lines": lambda text: b"\xef\xbb\xbf" + (text + "\n\n").replace("\n", "\r\n").encode("utf-8"),
}


def save_as_windows(folder: Path, edit: str = "bom-crlf-blank-lines") -> None:
    """Rewrite every file of ``folder`` (CSV, sidecars, package.yml) with ``WINDOWS_EDITS[edit]``."""
    for path in sorted(folder.iterdir()):
        path.write_bytes(WINDOWS_EDITS[edit](path.read_text(encoding="utf-8")))


def encode(folder: Path, file: str, encoding: str) -> None:
    path = folder / file
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def replace_in_file(folder: Path, file: str, old: str, new: str) -> None:
    """Replace every occurrence (at least one) of ``old``."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file}: {old!r} not found"
    path.write_text(text.replace(old, new), encoding="utf-8", newline="")


# --- the corpus: (id, how to break the copy, the exact message) -----------------------------

def ranks_after(old: int, new: int) -> str:
    return ", ".join(str(r) for r in sorted([r for r in range(1, 32) if r != old] + [new]))


def hong_kong_row(rows):
    rows.append(["32", "Hong Kong", "810000", "5.00", "2.00", "2.00", "9.00", "3.00", "3.00", "24.00"])


def latin1_scores(folder: Path) -> None:
    # a spreadsheet saved as Latin-1 with the no-break space that PDF copy-paste leaves in "Xizang (Tibet)"
    path = folder / "scores.csv"
    text = path.read_text(encoding="utf-8").replace("Xizang (Tibet)", "Xizang\u00a0(Tibet)")
    path.write_bytes(text.encode("latin-1"))


def edit_neighbours(folder: Path, old: str, new: str) -> None:
    """Edit the land-neighbour list in the tile layout's sidecar (one text replacement)."""
    path = folder / "tile-layout.provenance.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SAVE_CSV_UTF8 = "in Excel choose Save as › CSV UTF-8; in WPS choose UTF-8"
UNITS = ("addresses, billion participants, billion subscribers, billion transactions, blocks, count, Gbps, km, "
         "million, million addresses, million complaints, million domain names, million persons, million ports, "
         "million subscribers, percent, persons, rank, RMB billion, RMB trillion, score, TB, Tbps, times")
AS_TEXT = "format the column as Text"

CASES = [
    # --- file level ---
    ("empty-file", lambda d: (d / "scores.csv").write_bytes(b""),
     "datasets/scores.csv: file is empty (a header row and data rows are required)"),
    ("header-only", lambda d: (d / "scores.csv").write_text(",".join(SCORE_COLUMNS) + "\n", encoding="utf-8"),
     "datasets/scores.csv: file has a header but no data rows"),
    ("missing-file", lambda d: (d / "provinces.csv").unlink(),
     "datasets/provinces.csv: file is missing"),
    ("latin-1", latin1_scores,
     f"datasets/scores.csv: file is not valid UTF-8 (byte 0xa0 on line 30); {SAVE_CSV_UTF8}"),
    # Excel's plain "CSV" on Chinese Windows; line 2 is Beijing, the first line with Chinese characters
    ("gbk", lambda d: encode(d, "provinces.csv", "gbk"),
     "datasets/provinces.csv: file is saved in a Chinese Windows encoding (GBK), not UTF-8 (first on line 2); "
     f"{SAVE_CSV_UTF8}"),
    ("gbk-sidecar", lambda d: encode(d, "provinces.provenance.yml", "gb18030"),
     "datasets/provinces.provenance.yml: file is saved in a Chinese Windows encoding (GBK), not UTF-8 "
     "(first on line 2); save it as UTF-8 in your text editor"),
    ("utf-16", lambda d: encode(d, "scores.csv", "utf-16"),  # Excel's "Unicode Text"
     f"datasets/scores.csv: file is saved as UTF-16 (Excel calls it Unicode Text); {SAVE_CSV_UTF8}"),
    # --- header ---
    ("missing-column", lambda d: drop_column(d, "scores.csv", "cyber_security"),
     "datasets/scores.csv, line 1 (header): missing column 'cyber_security' (expected after 'internet_application'). "
     "The header reads: rank,province,adcode,infrastructure,innovation,digital_economy,internet_application,"
     "cyberspace_regulation,total"),
    ("extra-column", lambda d: add_column(d, "provinces.csv", "population"),
     "datasets/provinces.csv, line 1 (header): unexpected column 'population' (column 11). The header reads: "
     f"{','.join(PROVINCE_COLUMNS)},population"),
    ("columns-out-of-order",
     lambda d: edit_rows(d, "scores.csv", lambda rows: [r.insert(0, r.pop(1)) for r in rows]),
     "datasets/scores.csv, line 1 (header): columns are out of order. The header reads: "
     f"{','.join([SCORE_COLUMNS[1], SCORE_COLUMNS[0], *SCORE_COLUMNS[2:]])}"),
    ("renamed-column", lambda d: replace_text(d, "scores.csv", ",total\n", ",Total score\n"),
     "datasets/scores.csv, line 1 (header): found 'Total score' where 'total' was expected. "
     f"The header reads: {','.join(SCORE_COLUMNS[:-1])},Total score"),
    ("column-name-with-a-space", lambda d: replace_text(d, "scores.csv", ",total\n", ",total \n"),
     "datasets/scores.csv, line 1 (header): found 'total ' where 'total' was expected (a space before or after "
     f"the name). The header reads: {','.join(SCORE_COLUMNS)} "),
    # a cell typed to the right of the table: Excel writes one more, empty, column on every line
    ("stray-empty-column", lambda d: add_column(d, "scores.csv", ""),
     "datasets/scores.csv, line 1 (header): column 11 (after 'total') has no name: an empty column; delete it. "
     f"The header reads: {','.join(SCORE_COLUMNS)},"),
    ("column-twice", lambda d: add_column(d, "scores.csv", "rank", "1"),
     "datasets/scores.csv, line 1 (header): column 'rank' appears 2 times. "
     f"The header reads: {','.join(SCORE_COLUMNS)},rank"),
    # Excel in a European locale separates with the Windows list separator
    ("semicolons", lambda d: (d / "scores.csv").write_text(
        (d / "scores.csv").read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8"),
     "datasets/scores.csv, line 1 (header): the columns are separated by semicolons (;), not commas: the header "
     f"reads {';'.join(SCORE_COLUMNS)!r}; Excel uses the Windows list separator: set it to a comma (Region › "
     "Additional settings › List separator) or replace the separators in a text editor, and save again as CSV UTF-8"),
    ("short-row", lambda d: edit_rows(d, "scores.csv", lambda rows: rows[5].pop()),
     "datasets/scores.csv, row 5 [line 6]: row has 9 cells; the header has 10"),
    ("unquoted-comma", lambda d: replace_text(d, "scores.csv", "\n6,Fujian,", "\n6,Fujian, China,"),
     "datasets/scores.csv, row 6 [line 7]: row has 11 cells; the header has 10 "
     "(a value that holds a comma must be in double quotes)"),
    ("quote-never-closed", lambda d: replace_text(d, "scores.csv", "\n6,Fujian,", '\n6,"Fujian,'),
     "datasets/scores.csv, row 6 [line 7]: row has 2 cells; the header has 10 (a double quote opens a value "
     "that is never closed, so the lines after it were read as part of this row)"),
    ("empty-row-in-the-middle", lambda d: replace_text(d, "scores.csv", "\n6,Fujian,", "\n\n6,Fujian,"),
     "datasets/scores.csv, row 6 [line 7]: empty row; delete it"),
    # --- cells ---
    ("non-numeric-score", lambda d: set_cell(d, "scores.csv", ("province", "Guangdong"), "infrastructure", "n/a"),
     "datasets/scores.csv, row 1 (Guangdong) [line 2], column 'infrastructure', value 'n/a': "
     "must be a decimal number (digits with an optional '.' and decimals, no thousands separator)"),
    ("thousands-separator", lambda d: set_cell(d, "national-indicators.csv", ("id", "invention_patents_valid"),
                                                "value", "227,365"),
     "datasets/national-indicators.csv, row 19 (invention_patents_valid) [line 20], column 'value', "
     "value '227,365': must be a decimal number (digits with an optional '.' and decimals, no thousands separator)"),
    ("scientific-notation", lambda d: set_cell(d, "national-indicators.csv", ("id", "invention_patents_valid"),
                                                "value", "2.27E+05"),
     "datasets/national-indicators.csv, row 19 (invention_patents_valid) [line 20], column 'value', "
     "value '2.27E+05': must be a decimal number (digits with an optional '.' and decimals, no thousands separator); "
     "Excel may have written it in scientific notation (format the column as Number)"),
    ("full-width-digits", lambda d: set_cell(d, "scores.csv", ("province", "Guangdong"), "infrastructure", "５．７５"),
     "datasets/scores.csv, row 1 (Guangdong) [line 2], column 'infrastructure', value '５．７５': "
     "full-width characters, typed with a Chinese input method: type 5.75 with half-width characters"),
    ("full-width-code", lambda d: set_cell(d, "scores.csv", ("province", "Beijing"), "adcode", "１１００００"),
     "datasets/scores.csv, row 2 (Beijing) [line 3], column 'adcode', value '１１００００': "
     "full-width characters, typed with a Chinese input method: type 110000 with half-width characters"),
    ("negative-score", lambda d: set_cell(d, "scores.csv", ("province", "Beijing"), "innovation", "-5.68"),
     "datasets/scores.csv, row 2 (Beijing) [line 3], column 'innovation', value '-5.68': "
     "score must lie between 0 and the dimension's maximum 16 (its weight in points)"),
    ("over-maximum-score", lambda d: set_cell(d, "scores.csv", ("province", "Yunnan"), "cyberspace_regulation",
                                              "12.40"),
     "datasets/scores.csv, row 28 (Yunnan) [line 29], column 'cyberspace_regulation', value '12.40': "
     "score must lie between 0 and the dimension's maximum 12 (its weight in points)"),
    ("one-decimal", lambda d: set_cell(d, "scores.csv", ("province", "Fujian"), "cyberspace_regulation", "3.0"),
     "datasets/scores.csv, row 6 (Fujian) [line 7], column 'cyberspace_regulation', value '3.0': "
     "must be written with exactly two decimals, as printed in the report, such as 3.00; "
     "Excel drops zeros at the end: give the column 2 decimal places"),
    ("no-decimals", lambda d: set_cell(d, "scores.csv", ("province", "Fujian"), "total", "33"),
     "datasets/scores.csv, row 6 (Fujian) [line 7], column 'total', value '33': "
     "must be written with exactly two decimals, as printed in the report, such as 33.00; "
     "Excel drops zeros at the end: give the column 2 decimal places"),
    ("three-decimals", lambda d: set_cell(d, "scores.csv", ("province", "Fujian"), "total", "33.001"),
     "datasets/scores.csv, row 6 (Fujian) [line 7], column 'total', value '33.001': "
     "must be written with exactly two decimals, as printed in the report, such as 33.00"),
    ("stray-whitespace", lambda d: set_cell(d, "scores.csv", ("province", "Beijing"), "innovation", " 5.68"),
     "datasets/scores.csv, row 2 (Beijing) [line 3], column 'innovation', value ' 5.68': "
     "leading or trailing whitespace"),
    ("empty-required-cell", lambda d: set_cell(d, "scores.csv", ("province", "Gansu"), "adcode", ""),
     "datasets/scores.csv, row 31 (Gansu) [line 32], column 'adcode', value '': value is required"),
    ("adcode-not-six-digits", lambda d: set_cell(d, "provinces.csv", ("adcode", "110000"), "adcode", "11000"),
     "datasets/provinces.csv, row 1 (11000) [line 2], column 'adcode', value '11000': "
     "must be six digits, such as 110000"),
    ("adcode-excel-number", lambda d: set_cell(d, "scores.csv", ("province", "Beijing"), "adcode", "110000.0"),
     "datasets/scores.csv, row 2 (Beijing) [line 3], column 'adcode', value '110000.0': must be six digits, "
     f"such as 110000, typed as text; Excel may have turned it into a number ({AS_TEXT})"),
    ("date-excel-month", lambda d: set_cell(d, "national-indicators.csv", ("id", "internet_users"),
                                            "reference_date", "Jun-17"),
     "datasets/national-indicators.csv, row 50 (internet_users) [line 51], column 'reference_date', value 'Jun-17': "
     "must be a year or year-month such as 2017 or 2017-06 (or a day, 2017-06-30); "
     f"Excel may have turned it into a date ({AS_TEXT})"),
    ("date-wps-chinese", lambda d: set_cell(d, "national-indicators.csv", ("id", "internet_users"),
                                            "reference_date", "2017年6月"),
     "datasets/national-indicators.csv, row 50 (internet_users) [line 51], column 'reference_date', "
     "value '2017年6月': must be a year or year-month such as 2017 or 2017-06 (or a day, 2017-06-30); "
     f"Excel may have turned it into a date ({AS_TEXT})"),
    ("date-no-such-month", lambda d: set_cell(d, "national-indicators.csv", ("id", "internet_users"),
                                              "reference_date", "2017-13"),
     "datasets/national-indicators.csv, row 50 (internet_users) [line 51], column 'reference_date', "
     "value '2017-13': must be a year or year-month such as 2017 or 2017-06 (or a day, 2017-06-30)"),
    ("whole-number", lambda d: set_cell(d, "national-indicators.csv", ("id", "internet_users"), "line", "61a"),
     "datasets/national-indicators.csv, row 50 (internet_users) [line 51], column 'line', value '61a': "
     "must be a whole number, such as 12"),
    ("boolean", lambda d: set_cell(d, "provinces.csv", ("adcode", "110000"), "assessed", "yes"),
     "datasets/provinces.csv, row 1 (110000) [line 2], column 'assessed', value 'yes': must be true or false"),
    ("boolean-excel-upper-case", lambda d: set_cell(d, "provinces.csv", ("adcode", "110000"), "assessed", "TRUE"),
     "datasets/provinces.csv, row 1 (110000) [line 2], column 'assessed', value 'TRUE': "
     "must be true or false (in lower case; Excel writes TRUE and FALSE)"),
    ("enum", lambda d: set_cell(d, "provinces.csv", ("adcode", "110000"), "nbs_region", "Middle"),
     "datasets/provinces.csv, row 1 (110000) [line 2], column 'nbs_region', value 'Middle': "
     "must be one of: East, Central, West, Northeast"),
    ("enum-close-to-a-choice", lambda d: set_cell(d, "provinces.csv", ("adcode", "110000"), "nbs_region", "east"),
     "datasets/provinces.csv, row 1 (110000) [line 2], column 'nbs_region', value 'east': "
     "must be one of: East, Central, West, Northeast (did you mean 'East'?)"),
    ("slug-pattern", lambda d: set_cell(d, "provinces.csv", ("adcode", "150000"), "slug", "Inner Mongolia"),
     "datasets/provinces.csv, row 5 (150000) [line 6], column 'slug', value 'Inner Mongolia': "
     "must be lower-case words joined by hyphens, such as beijing or inner-mongolia"),
    # --- provinces ---
    ("assessed-without-region", lambda d: set_cell(d, "provinces.csv", ("adcode", "120000"), "nbs_region", ""),
     "datasets/provinces.csv, row 2 (120000) [line 3], column 'nbs_region', value '': "
     "an assessed province needs nbs_region and name_in_report"),
    ("not-assessed-with-region", lambda d: set_cell(d, "provinces.csv", ("adcode", "810000"), "nbs_region", "East"),
     "datasets/provinces.csv, row 33 (810000) [line 34], column 'nbs_region', value 'East': "
     "a division the report does not assess has no NBS region"),
    ("duplicate-slug", lambda d: set_cell(d, "provinces.csv", ("adcode", "610000"), "slug", "shanxi"),
     "datasets/provinces.csv, row 27 (610000) [line 28], column 'slug', value 'shanxi': "
     "duplicate value; it already appears in row 4 (140000) (values in 'slug' must be unique)"),
    # --- dimensions ---
    ("weights-not-100", lambda d: set_cell(d, "dimensions.csv", ("id", "cyber_security"), "weight", "14"),
     "datasets/dimensions.csv, column 'weight', value '18 + 16 + 16 + 25 + 14 + 12': "
     "weights must sum to 100; they sum to 101"),
    ("weight-zero", lambda d: set_cell(d, "dimensions.csv", ("id", "cyber_security"), "weight", "0"),
     "datasets/dimensions.csv, row 5 (cyber_security) [line 6], column 'weight', value '0': "
     "must lie between 1 and 100"),
    ("order-gap", lambda d: set_cell(d, "dimensions.csv", ("id", "cyberspace_regulation"), "order", "7"),
     "datasets/dimensions.csv, column 'order': order must number the dimensions 1..6"),
    # --- scores ---
    ("duplicate-province",
     lambda d: edit_rows(d, "scores.csv", lambda rows: rows[3].__setitem__(slice(1, 3), ["Beijing", "110000"])),
     "2 problems in 1 file:\n"
     "  datasets/scores.csv, row 3 (Beijing) [line 4], column 'province', value 'Beijing': "
     "duplicate value; it already appears in row 2 (Beijing) (values in 'province' must be unique)\n"
     "  datasets/scores.csv, row 3 (Beijing) [line 4], column 'adcode', value '110000': "
     "duplicate value; it already appears in row 2 (Beijing) (values in 'adcode' must be unique)"),
    # the Shaanxi row (610000, rank 13) typed with Shanxi's name: blamed on the Shaanxi row, not on
    # Shanxi's own row 18, which is right
    ("shaanxi-typed-shanxi", lambda d: set_cell(d, "scores.csv", ("adcode", "610000"), "province", "Shanxi"),
     "datasets/scores.csv, row 13 (Shanxi) [line 14], column 'province', value 'Shanxi': "
     "name does not match adcode 610000 (datasets/provinces.csv prints it as 'Shaanxi')"),
    ("shaanxi-code-on-shanxi", lambda d: set_cell(d, "scores.csv", ("province", "Shanxi"), "adcode", "610000"),
     "datasets/scores.csv, row 18 (Shanxi) [line 19], column 'province', value 'Shanxi': "
     "name does not match adcode 610000 (datasets/provinces.csv prints it as 'Shaanxi')"),
    ("unknown-province-code", lambda d: set_cell(d, "scores.csv", ("province", "Hebei"), "adcode", "130001"),
     "datasets/scores.csv, row 19 (Hebei) [line 20], column 'adcode', value '130001': "
     "unknown province code (not in datasets/provinces.csv)"),
    ("not-assessed-with-scores", lambda d: edit_rows(d, "scores.csv", hong_kong_row),
     "datasets/scores.csv, row 32 (Hong Kong) [line 33], column 'adcode', value '810000': "
     "Hong Kong is not assessed by the report and cannot have scores"),
    ("name-does-not-match-code", lambda d: set_cell(d, "scores.csv", ("province", "Xizang (Tibet)"), "province",
                                                    "Tibet"),
     "datasets/scores.csv, row 29 (Tibet) [line 30], column 'province', value 'Tibet': "
     "name does not match adcode 540000 (datasets/provinces.csv prints it as 'Xizang (Tibet)')"),
    ("total-over-100", lambda d: set_cell(d, "scores.csv", ("province", "Guangdong"), "total", "145.19"),
     "datasets/scores.csv, row 1 (Guangdong) [line 2], column 'total', value '145.19': "
     "must lie between 0 and 100"),
    # Guangdong: 5.75 + 7.69 + 7.65 + 16.27 + 3.83 + 3.99 = 45.18; printed 45.22 is 0.04 off (> 0.02)
    ("total-does-not-add-up", lambda d: set_cell(d, "scores.csv", ("province", "Guangdong"), "total", "45.22"),
     "datasets/scores.csv, row 1 (Guangdong) [line 2], column 'total', value '45.22': "
     "total does not match its components: the six dimension scores add up to 45.18, a difference of 0.04 "
     "(tolerance 0.02)"),
    # just outside the tolerance: 45.21 - 45.18 = 0.03
    ("total-off-by-003", lambda d: set_cell(d, "scores.csv", ("province", "Guangdong"), "total", "45.21"),
     "datasets/scores.csv, row 1 (Guangdong) [line 2], column 'total', value '45.21': "
     "total does not match its components: the six dimension scores add up to 45.18, a difference of 0.03 "
     "(tolerance 0.02)"),
    # Shaanxi 28.07 and Hunan 28.06 swap ranks: rank 14 (Shaanxi) now has a higher total than rank 13 (Hunan)
    ("ranks-inconsistent-with-totals", lambda d: (
        set_cell(d, "scores.csv", ("province", "Shaanxi"), "rank", "14"),
        set_cell(d, "scores.csv", ("province", "Hunan"), "rank", "13")),
     "datasets/scores.csv, row 13 (Shaanxi) [line 14], column 'rank', value '14': "
     "rank is not consistent with the totals: rank 14 has a higher total than rank 13 (Hunan, 28.06)"),
    ("rank-not-a-permutation", lambda d: set_cell(d, "scores.csv", ("province", "Gansu"), "rank", "32"),
     f"datasets/scores.csv, column 'rank', value '{ranks_after(31, 32)}': published ranks must be 1..31, each once"),
    ("duplicate-rank", lambda d: set_cell(d, "scores.csv", ("province", "Gansu"), "rank", "30"),
     "datasets/scores.csv, row 31 (Gansu) [line 32], column 'rank', value '30': "
     "duplicate value; it already appears in row 30 (Jilin) (values in 'rank' must be unique)"),
    ("missing-province-row", lambda d: edit_rows(d, "scores.csv", lambda rows: rows.pop()),
     "datasets/scores.csv, column 'adcode', value '620000': "
     "missing province(s) ['Gansu']: every assessed province needs one row"),
    # --- provenance sidecars and package.yml ---
    ("missing-sidecar", lambda d: (d / "scores.provenance.yml").unlink(),
     "datasets/scores.csv: provenance sidecar scores.provenance.yml is missing; every source needs one"),
    ("invalid-yaml", lambda d: replace_text(d, "scores.provenance.yml", "\ntitle: ", "\n  title: "),
     "datasets/scores.provenance.yml, line 2, column 8: not valid YAML: a colon and a space (': ') where no new key "
     "can start; put a value that holds ': ' in double quotes, or check the indentation of this line "
     "(the line reads 'title: Internet Development Index scores of 31 provinces')"),
    ("yaml-tab", lambda d: replace_text(d, "scores.provenance.yml", "\n  title: Report", "\n\ttitle: Report"),
     "datasets/scores.provenance.yml, line 4, column 1: not valid YAML: a tab character; indent with spaces "
     "(the line reads 'title: Report on China Internet Development 2017')"),
    ("sidecar-lacks-field",
     lambda d: replace_text(d, "dimensions.provenance.yml", "\nknown_issues:\n", "\nissues:\n"),
     "datasets/dimensions.provenance.yml, column 'known_issues': provenance sidecar lacks the field 'known_issues'"),
    ("sidecar-describes-another-file",
     lambda d: replace_text(d, "provinces.provenance.yml", "file: provinces.csv\n", "file: scores.csv\n"),
     "datasets/provinces.provenance.yml, column 'file', value 'scores.csv': "
     "provenance sidecar describes 'scores.csv', not 'provinces.csv'"),
    # a colon typed into the title: PyYAML reads "title: China ... 2017" and then a second key
    ("package-yml-colon-in-title",
     lambda d: replace_text(d, "package.yml", "Index 2017 — open data\n", "Index 2017: open data\n"),
     "datasets/package.yml, line 14, column 45: not valid YAML: a colon and a space (': ') where no new key can "
     "start; put a value that holds ': ' in double quotes, or check the indentation of this line "
     "(the line reads 'title: China Internet Development Index 2017: open data')"),
    ("package-yml-pattern-without-rule",
     lambda d: replace_text(d, "package.yml", ' rule: "CN- and two capital letters, such as CN-BJ",', ""),
     "datasets/package.yml, value 'CN-[A-Z]{2}': resource 'provinces', field 'iso_3166_2': a pattern needs a "
     "'rule' beside it, the pattern in plain words with an example (it is what the error message says)"),
    ("package-yml-without-a-resource",
     lambda d: replace_text(d, "package.yml", "\n  province-mentions:\n", "\n  mentions:\n"),
     "datasets/package.yml: needs the resource 'province-mentions' with its fields under 'resources:' "
     "(the rules of a source come from there)"),
    ("package-yml-missing", lambda d: (d / "package.yml").unlink(),
     "datasets/package.yml: file is missing"),
    # --- national indicators, units and province mentions ---
    ("flag-without-note", lambda d: set_cell(d, "national-indicators.csv", ("id", "cdn_peak_reserve_bandwidth"),
                                             "note", ""),
     "datasets/national-indicators.csv, row 9 (cdn_peak_reserve_bandwidth) [line 10], column 'note', value '': "
     "a flagged figure needs a note giving the reason"),
    ("note-without-chinese", lambda d: set_cell(d, "national-indicators.csv", ("id", "cdn_nodes"), "note_zh", ""),
     "datasets/national-indicators.csv, row 3 (cdn_nodes) [line 4], column 'note_zh', value '': "
     "a note needs its Chinese translation in note_zh"),
    ("chinese-note-without-note",
     lambda d: set_cell(d, "national-indicators.csv", ("id", "backbone_bandwidth"), "note_zh", "骨干网带宽"),
     "datasets/national-indicators.csv, row 1 (backbone_bandwidth) [line 2], column 'note_zh', value '骨干网带宽': "
     "note_zh must be empty when note is empty (it translates the note)"),
    ("source-without-chinese", lambda d: set_cell(d, "national-indicators.csv", ("id", "websites"), "source_zh", ""),
     "datasets/national-indicators.csv, row 51 (websites) [line 52], column 'source_zh', value '': value is required"),
    ("unknown-flag", lambda d: set_cell(d, "national-indicators.csv", ("id", "websites"), "flag", "suspicious"),
     "datasets/national-indicators.csv, row 51 (websites) [line 52], column 'flag', value 'suspicious': "
     "must be one of: implausible, ambiguous, garbled"),
    ("unknown-topic", lambda d: set_cell(d, "national-indicators.csv", ("id", "websites"), "topic", "internet"),
     "datasets/national-indicators.csv, row 51 (websites) [line 52], column 'topic', value 'internet': "
     f"must be one of: {', '.join(DIMS)}, international, index (did you mean 'international'?)"),
    ("unit-typo", lambda d: set_cell(d, "national-indicators.csv", ("id", "villages_broadband_share"), "unit",
                                     "precent"),
     "datasets/national-indicators.csv, row 8 (villages_broadband_share) [line 9], column 'unit', value 'precent': "
     f"unknown unit (did you mean 'percent'?); the units in datasets/units.csv are: {UNITS} "
     "(add a new unit there first)"),
    ("unit-zh-not-of-the-unit", lambda d: set_cell(d, "national-indicators.csv", ("id", "villages_broadband_share"),
                                                   "unit_zh", "百分比"),
     "datasets/national-indicators.csv, row 8 (villages_broadband_share) [line 9], column 'unit_zh', "
     "value '百分比': not a Chinese form of the unit 'percent' in datasets/units.csv; it lists: %"),
    ("value-base-not-value-times-factor",  # 739 million ports are 739 × 1,000,000 = 739,000,000 ports, not 73,900,000
     lambda d: set_cell(d, "national-indicators.csv", ("id", "broadband_access_ports"), "value_base", "73900000"),
     "datasets/national-indicators.csv, row 2 (broadband_access_ports) [line 3], column 'value_base', "
     "value '73900000': must be value × the factor of 'million ports' in datasets/units.csv: "
     "739 × 1000000 = 739000000"),
    ("unit-factor-not-positive", lambda d: set_cell(d, "units.csv", ("unit", "km"), "factor", "0"),
     "datasets/units.csv, row 19 (km) [line 20], column 'factor', value '0': factor must be greater than 0"),
    ("unit-twice", lambda d: edit_rows(d, "units.csv", lambda rows: rows.append(rows[1])),
     "datasets/units.csv, row 32 (Gbps) [line 33], column 'unit_zh', value 'Gbps': "
     "duplicate unit; row 1 already has 'Gbps' with 'Gbps'"),
    ("units-missing", lambda d: (d / "units.csv").unlink(),
     "datasets/units.csv: file is missing"),
    ("mention-unknown-adcode", lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-fj"),
                                                  "adcode", "359999"),
     "datasets/province-mentions.csv, row 1 (infrastructure-01-fj) [line 2], column 'adcode', value '359999': "
     "unknown or not assessed province code"),
    ("mention-not-assessed", lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-gd"),
                                                "adcode", "810000"),
     "datasets/province-mentions.csv, row 2 (infrastructure-01-gd) [line 3], column 'adcode', value '810000': "
     "unknown or not assessed province code"),
    # the pattern comes from provinces.adcode through the foreign key
    ("mention-adcode-pattern", lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-gd"),
                                                  "adcode", "44000"),
     "datasets/province-mentions.csv, row 2 (infrastructure-01-gd) [line 3], column 'adcode', value '44000': "
     "must be six digits, such as 110000"),
    ("mention-unknown-dimension",
     lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-gd"), "dimension", "economy"),
     "datasets/province-mentions.csv, row 2 (infrastructure-01-gd) [line 3], column 'dimension', value 'economy': "
     f"must be one of: {', '.join(DIMS)} (did you mean 'digital_economy'?)"),
    ("mention-section-without-chinese",
     lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-gd"), "section_zh", ""),
     "datasets/province-mentions.csv, row 2 (infrastructure-01-gd) [line 3], column 'section_zh', value '': "
     "value is required"),
    # --- tile layout ---
    # Beijing is at column 4, row 1 and Tianjin at column 5, row 2 in tile-layout.csv
    ("tiles-missing-division", lambda d: edit_rows(d, "tile-layout.csv", lambda rows: rows.pop(1)),
     "datasets/tile-layout.csv, column 'adcode', value '110000': missing division(s) ['Beijing']: every one of the "
     "34 divisions in datasets/provinces.csv needs one tile"),
    ("tiles-unknown-division", lambda d: set_cell(d, "tile-layout.csv", ("adcode", "110000"), "adcode", "110001"),
     "datasets/tile-layout.csv, row 1 (110001) [line 2], column 'adcode', value '110001': "
     "unknown division code (not in datasets/provinces.csv)"),
    ("tiles-division-twice",
     lambda d: edit_rows(d, "tile-layout.csv", lambda rows: rows.append(["110000", "0", "0", "Beijing 2"])),
     "datasets/tile-layout.csv, row 35 (110000) [line 36], column 'adcode', value '110000': "
     "duplicate value; it already appears in row 1 (110000) (values in 'adcode' must be unique)"),
    ("tiles-shared-cell", lambda d: set_cell(d, "tile-layout.csv", ("adcode", "120000"), "column", "4"),
     "datasets/tile-layout.csv, row 3 (130000) [line 4], column 'row', value '2': cell (column 4, row 2) is already "
     "taken by row 2 (adcode 120000); every division needs its own cell"),
    ("tiles-fractional-cell", lambda d: set_cell(d, "tile-layout.csv", ("adcode", "110000"), "column", "4.5"),
     "datasets/tile-layout.csv, row 1 (110000) [line 2], column 'column', value '4.5': "
     "must be a whole number, such as 12"),
    ("tiles-negative-cell", lambda d: set_cell(d, "tile-layout.csv", ("adcode", "110000"), "row", "-1"),
     "datasets/tile-layout.csv, row 1 (110000) [line 2], column 'row', value '-1': must be at least 0"),
    ("tiles-neighbour-one-way", lambda d: edit_neighbours(d, '"120000": ["110000", "130000"]', '"120000": ["130000"]'),
     "datasets/tile-layout.provenance.yml, column 'land_neighbours', value '120000': 110000 lists 120000 as a "
     "neighbour, but 120000 does not list 110000; list every pair from both sides"),
    ("tiles-neighbour-unknown", lambda d: edit_neighbours(d, '"810000": ["440000"]', '"810000": ["440000", "440001"]'),
     "datasets/tile-layout.provenance.yml, column 'land_neighbours', value '440001': "
     "unknown division code among the neighbours of 810000"),
    ("tiles-neighbours-missing-division", lambda d: edit_neighbours(d, '  "710000": []', '  # Taiwan left out'),
     "datasets/tile-layout.provenance.yml, column 'land_neighbours', value '710000': division missing from "
     "land_neighbours (list it, with [] if it has no land neighbour)"),
]


@pytest.mark.parametrize("breaks, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_broken_input_gives_one_exact_message(datasets, breaks, message):
    breaks(datasets)
    assert error_of(datasets) == message


def test_the_corpus_copy_is_valid_before_it_is_broken(datasets):
    # rewriting every CSV through the helpers must not itself break anything
    for name in ("dimensions.csv", "provinces.csv", "scores.csv", "national-indicators.csv",
                 "province-mentions.csv"):
        edit_rows(datasets, name, lambda rows: None)
    loaded = load_sources(datasets)
    assert len(loaded.scores) == 31 and len(loaded.provinces) == 34


def test_a_total_exactly_at_the_tolerance_is_accepted(datasets):
    # Guangdong's components add up to 45.18: a printed 45.20 is 0.02 off, the largest residual allowed
    set_cell(datasets, "scores.csv", ("province", "Guangdong"), "total", "45.20")
    assert load_sources(datasets).scores["total"].iloc[0] == 45.20


def test_the_error_names_file_row_column_value_and_rule(datasets):
    set_cell(datasets, "scores.csv", ("province", "Guangdong"), "infrastructure", "n/a")
    with pytest.raises(SourceError) as caught:
        load_sources(datasets)
    error = caught.value
    assert (Path(error.file).name, error.row, error.column, error.value) == (
        "scores.csv", 1, "infrastructure", "n/a")
    assert error.rule.startswith("must be a decimal number")


def test_the_real_sources_load(sources):
    assert len(sources.scores) == 31
    assert len(sources.provinces) == 34
    assert sources.dimensions["weight"].sum() == 100
    assert set(sources.provenance) == set(paths.SOURCE_FILES)


def test_a_missing_datasets_folder(tmp_path):
    assert error_of(tmp_path / "nowhere") == f"{(tmp_path / 'nowhere').as_posix()}: the datasets folder does not exist"


# --- files saved by Excel, WPS or Notepad ----------------------------------------------------

def assert_same_sources(a, b) -> None:
    for name in ("dimensions", "provinces", "scores", "national_indicators", "province_mentions", "units"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(a.tiles, b.tiles)
    assert (a.provenance, a.provenance_text) == (b.provenance, b.provenance_text)


@pytest.mark.parametrize("edit", list(WINDOWS_EDITS))
def test_files_saved_by_windows_editors_load_as_if_clean(datasets, edit):
    save_as_windows(datasets, edit)
    assert (datasets / "scores.csv").read_bytes() != (paths.DATASETS / "scores.csv").read_bytes()
    assert_same_sources(load_sources(datasets), load_sources(paths.DATASETS))


def test_trailing_rows_of_empty_cells_are_ignored(datasets):
    # Excel writes a row of separators for a row that was formatted but left empty
    path = datasets / "scores.csv"
    path.write_text(path.read_text(encoding="utf-8") + ",,,,,,,,,\n,,,,,,,,,\n\n", encoding="utf-8")
    assert_same_sources(load_sources(datasets), load_sources(paths.DATASETS))


# --- every problem at once -------------------------------------------------------------------

def test_every_problem_of_several_files_is_listed_in_one_report(datasets):
    set_cell(datasets, "scores.csv", ("province", "Guangdong"), "infrastructure", "n/a")
    set_cell(datasets, "scores.csv", ("province", "Gansu"), "total", "22.3")
    set_cell(datasets, "provinces.csv", ("adcode", "110000"), "nbs_region", "North")
    set_cell(datasets, "national-indicators.csv", ("id", "villages_broadband_share"), "unit", "precent")
    replace_text(datasets, "dimensions.provenance.yml", "\nknown_issues:\n", "\nissues:\n")
    assert error_of(datasets) == (
        "5 problems in 4 files:\n"
        "  datasets/dimensions.provenance.yml, column 'known_issues': provenance sidecar lacks the field "
        "'known_issues'\n"
        "  datasets/provinces.csv, row 1 (110000) [line 2], column 'nbs_region', value 'North': "
        "must be one of: East, Central, West, Northeast (did you mean 'Northeast'?)\n"
        "  datasets/scores.csv, row 1 (Guangdong) [line 2], column 'infrastructure', value 'n/a': "
        "must be a decimal number (digits with an optional '.' and decimals, no thousands separator)\n"
        "  datasets/scores.csv, row 31 (Gansu) [line 32], column 'total', value '22.3': must be written with "
        "exactly two decimals, as printed in the report, such as 22.30; Excel drops zeros at the end: "
        "give the column 2 decimal places\n"
        "  datasets/national-indicators.csv, row 8 (villages_broadband_share) [line 9], column 'unit', "
        f"value 'precent': unknown unit (did you mean 'percent'?); the units in datasets/units.csv are: {UNITS} "
        "(add a new unit there first)")


def test_a_long_list_is_cut_after_ten_problems_per_file(datasets):
    # Excel turns each of the 17 dates 2017-06 into Jun-17
    replace_in_file(datasets, "national-indicators.csv", ",2017-06,", ",Jun-17,")
    with pytest.raises(SourceError) as caught:
        load_sources(datasets)
    lines = str(caught.value).replace(f"{datasets.as_posix()}/", "datasets/").split("\n")
    assert len(caught.value.problems) == 17
    assert lines[0] == "17 problems in 1 file:"
    assert len(lines) == 1 + 10 + 1
    assert all("value 'Jun-17': must be a year or year-month" in line for line in lines[1:11])
    assert lines[-1] == "  datasets/national-indicators.csv: and 7 more"


# --- the rules come from the folder's own package.yml ----------------------------------------

def test_the_score_tolerance_is_the_bound_of_the_published_residual(datasets):
    # scores.residual is published within +-0.02; with +-0.01 the two provinces 0.02 off are refused
    # (Qinghai and Inner Mongolia, scores.provenance.yml)
    replace_text(datasets, "package.yml", "constraints: {required: true, minimum: -0.02, maximum: 0.02}",
                 "constraints: {required: true, minimum: -0.01, maximum: 0.01}")
    message = error_of(datasets)
    assert message.startswith("2 problems in 1 file:\n")
    assert message.count("(tolerance 0.01)") == 2


def test_choices_and_patterns_come_from_package_yml(datasets):
    replace_text(datasets, "package.yml", "enum: [East, Central, West, Northeast]}, title_zh: \"国家统计局区域\", "
                 "description_zh: \"国家统计局四大区域划分",
                 "enum: [East, Central, West, Northeast, North]}, title_zh: \"国家统计局区域\", "
                 "description_zh: \"国家统计局四大区域划分")
    replace_text(datasets, "package.yml", 'pattern: "CN-[A-Z]{2}"', 'pattern: "CN-[A-Z0-9]{1,3}"')
    set_cell(datasets, "provinces.csv", ("adcode", "110000"), "nbs_region", "North")
    set_cell(datasets, "provinces.csv", ("adcode", "110000"), "iso_3166_2", "CN-11")
    loaded = load_sources(datasets)
    assert loaded.provinces.loc[0, ["nbs_region", "iso_3166_2"]].tolist() == ["North", "CN-11"]


# --- file names as given ---------------------------------------------------------------------

def test_messages_name_files_under_the_folder_as_given(datasets, monkeypatch):
    set_cell(datasets, "scores.csv", ("province", "Guangdong"), "infrastructure", "n/a")
    work = datasets.parent / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with pytest.raises(SourceError) as caught:
        load_sources(Path("../datasets"))
    assert str(caught.value).startswith("../datasets/scores.csv, row 1 (Guangdong) [line 2], column 'infrastructure'")
    with pytest.raises(SourceError) as caught:  # an absolute folder outside the current one stays absolute
        load_sources(datasets)
    assert str(caught.value).startswith(f"{datasets.as_posix()}/scores.csv, row 1 (Guangdong)")


# --- the real command line on broken copies ----------------------------------------------------

def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory) -> Path:
    """A site built from the good data, which a failed build must leave alone."""
    import cidi.build

    site = tmp_path_factory.mktemp("previous") / "site"
    with pytest.MonkeyPatch.context() as patch:  # validated by test_package.py (5 s)
        patch.setattr(cidi.build, "validate_package", lambda folder: None)
        build(paths.DATASETS, site, Settings(replications=200), with_site=False)
    return site


def run_cli(datasets: Path | str, site: Path | str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT / "scripts")}
    return subprocess.run([sys.executable, "-m", "cidi.build", "--no-site", "--datasets", str(datasets),
                           "--site", str(site), "--replications", "200"],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


CLI_CASES = {case[0]: case for case in CASES if case[0] in
             ("non-numeric-score", "missing-sidecar", "tiles-shared-cell", "gbk", "semicolons",
              "package-yml-colon-in-title", "duplicate-province")}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CLI_CASES))
def test_a_failed_build_exits_1_and_leaves_the_previous_site_unchanged(datasets, previous_site, case):
    _, breaks, message = CLI_CASES[case]
    breaks(datasets)
    before = tree_digest(previous_site)
    siblings = sorted(p.name for p in previous_site.parent.iterdir())
    result = run_cli("datasets", previous_site, cwd=datasets.parent)  # relative: messages say datasets/...
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"error: {message}\nbuild stopped; {previous_site} was left unchanged\n"
    assert "Traceback" not in result.stderr
    assert tree_digest(previous_site) == before
    assert sorted(p.name for p in previous_site.parent.iterdir()) == siblings  # no staging folder left behind


def test_a_failure_after_staging_leaves_the_previous_site_unchanged(previous_site, monkeypatch):
    # a failure in a later step (here the package validation) must also leave the old site alone
    import cidi.build

    def broken(folder):
        raise ValueError("the data package is not valid")

    monkeypatch.setattr(cidi.build, "validate_package", broken)
    before = tree_digest(previous_site)
    siblings = sorted(p.name for p in previous_site.parent.iterdir())
    with pytest.raises(ValueError, match="the data package is not valid"):
        cidi.build.build(paths.DATASETS, previous_site, Settings(replications=200), with_site=False)
    assert tree_digest(previous_site) == before
    assert sorted(p.name for p in previous_site.parent.iterdir()) == siblings


@pytest.mark.slow
def test_relative_paths_work_from_any_folder(datasets):
    # run from a folder beside the sources: --datasets and --site relative to it
    work = datasets.parent / "work"
    work.mkdir()
    result = run_cli("../datasets", "out/site", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "out" / "site" / "data" / "datapackage.json").is_file()
    set_cell(datasets, "scores.csv", ("province", "Guangdong"), "infrastructure", "n/a")
    result = run_cli("../datasets", "out/site", cwd=work)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ../datasets/scores.csv, row 1 (Guangdong) [line 2], column 'infrastructure'")
    assert result.stderr.endswith("\nbuild stopped; out/site was left unchanged\n")


def test_the_build_is_given_an_absolute_site(monkeypatch, tmp_path):
    # the site step runs mkdocs, which would resolve a relative site folder against mkdocs.yml
    import cidi.build

    given = []
    monkeypatch.setattr(cidi.build, "build", lambda datasets, site, *args, **kwargs: given.append(site))
    monkeypatch.chdir(tmp_path)
    assert cidi.build.main(["--site", "out/site"]) == 0
    assert given == [tmp_path / "out" / "site"]


@pytest.mark.slow  # builds the whole package again: seconds
def test_a_package_built_from_files_saved_by_excel_is_byte_identical(datasets, previous_site, tmp_path):
    save_as_windows(datasets)
    site = tmp_path / "from-excel" / "site"
    build(datasets, site, Settings(replications=200), with_site=False)
    assert tree_digest(site) == tree_digest(previous_site)


def test_a_failure_after_loading_names_its_cause_without_a_traceback(previous_site, monkeypatch, capsys):
    import cidi.build

    def broken(folder):
        raise ValueError("the data package is not valid")

    monkeypatch.setattr(cidi.build, "validate_package", broken)
    before = tree_digest(previous_site)
    assert cidi.build.main(["--no-site", "--site", str(previous_site), "--replications", "200"]) == 1
    assert capsys.readouterr().err == (
        "error: step validate_package: ValueError: the data package is not valid\n"
        "(run again with --debug for the Python traceback)\n"
        f"build stopped; {previous_site} was left unchanged\n")
    assert tree_digest(previous_site) == before
    assert cidi.build.main(["--no-site", "--site", str(previous_site), "--replications", "200", "--debug"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n") and "ValueError: the data package is not valid" in err
    assert err.endswith(f"build stopped; {previous_site} was left unchanged\n")
