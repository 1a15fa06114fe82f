"""load_sources: one broken input per validation rule, each asserting the exact error message.

The corpus is made in code: a fixture copies ``datasets/`` into a temporary folder and one helper
call breaks one thing. The last tests run the real command line on three broken copies and check
that a previously built site is left byte for byte as it was.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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
    """A writable copy of datasets/ (copyfile, so the read-only TopoJSON becomes writable)."""
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
    with pytest.raises(SourceError) as caught:
        load_sources(folder)
    return str(caught.value)


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


def drop_geometry(folder: Path, adcode: str) -> None:
    path = folder / "provinces.topo.json"
    topo = json.loads(path.read_text(encoding="utf-8"))
    geometries = topo["objects"]["provinces"]["geometries"]
    topo["objects"]["provinces"]["geometries"] = [g for g in geometries if g["properties"]["adcode"] != adcode]
    path.write_text(json.dumps(topo), encoding="utf-8")


CASES = [
    # --- file level ---
    ("empty-file", lambda d: (d / "scores.csv").write_bytes(b""),
     "datasets/scores.csv: file is empty (a header row and data rows are required)"),
    ("header-only", lambda d: (d / "scores.csv").write_text(",".join(SCORE_COLUMNS) + "\n", encoding="utf-8"),
     "datasets/scores.csv: file has a header but no data rows"),
    ("missing-file", lambda d: (d / "provinces.csv").unlink(),
     "datasets/provinces.csv: file is missing"),
    ("latin-1", latin1_scores,
     "datasets/scores.csv: file is not valid UTF-8 (byte 0xa0 on line 30); save it as UTF-8"),
    ("utf-8-bom", lambda d: (d / "scores.csv").write_bytes(b"\xef\xbb\xbf" + (d / "scores.csv").read_bytes()),
     "datasets/scores.csv: file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM"),
    ("crlf", lambda d: (d / "scores.csv").write_bytes((d / "scores.csv").read_bytes().replace(b"\n", b"\r\n")),
     "datasets/scores.csv: file has Windows (CRLF) or CR line endings; use LF"),
    # --- header ---
    ("missing-column", lambda d: drop_column(d, "scores.csv", "cyber_security"),
     f"datasets/scores.csv, column 'cyber_security': missing column(s) ['cyber_security']; "
     f"expected columns {SCORE_COLUMNS}"),
    ("extra-column", lambda d: add_column(d, "provinces.csv", "population"),
     f"datasets/provinces.csv, column 'population': unexpected column(s) ['population']; "
     f"expected columns {PROVINCE_COLUMNS}"),
    ("columns-out-of-order",
     lambda d: edit_rows(d, "scores.csv", lambda rows: [r.insert(0, r.pop(1)) for r in rows]),
     f"datasets/scores.csv: columns are out of order: {[SCORE_COLUMNS[1], SCORE_COLUMNS[0], *SCORE_COLUMNS[2:]]}; "
     f"expected {SCORE_COLUMNS}"),
    ("short-row", lambda d: edit_rows(d, "scores.csv", lambda rows: rows[5].pop()),
     "datasets/scores.csv, row 5 [line 6]: row has 9 cells; the header has 10"),
    # --- cells ---
    ("non-numeric-score", lambda d: set_cell(d, "scores.csv", ("province", "Guangdong"), "infrastructure", "n/a"),
     "datasets/scores.csv, row 1 (Guangdong) [line 2], column 'infrastructure', value 'n/a': "
     "must be a decimal number (digits with an optional '.' and decimals, no thousands separator)"),
    ("thousands-separator", lambda d: set_cell(d, "national-indicators.csv", ("id", "invention_patents_valid"),
                                                "value", "227,365"),
     "datasets/national-indicators.csv, row 19 (invention_patents_valid) [line 20], column 'value', "
     "value '227,365': must be a decimal number (digits with an optional '.' and decimals, no thousands separator)"),
    ("negative-score", lambda d: set_cell(d, "scores.csv", ("province", "Beijing"), "innovation", "-5.68"),
     "datasets/scores.csv, row 2 (Beijing) [line 3], column 'innovation', value '-5.68': "
     "score must lie between 0 and the dimension's maximum 16 (its weight in points)"),
    ("over-maximum-score", lambda d: set_cell(d, "scores.csv", ("province", "Yunnan"), "cyberspace_regulation",
                                              "12.40"),
     "datasets/scores.csv, row 28 (Yunnan) [line 29], column 'cyberspace_regulation', value '12.40': "
     "score must lie between 0 and the dimension's maximum 12 (its weight in points)"),
    ("one-decimal", lambda d: set_cell(d, "scores.csv", ("province", "Fujian"), "cyberspace_regulation", "3.0"),
     "datasets/scores.csv, row 6 (Fujian) [line 7], column 'cyberspace_regulation', value '3.0': "
     "must be written with exactly two decimals, as printed in the report"),
    ("no-decimals", lambda d: set_cell(d, "scores.csv", ("province", "Fujian"), "total", "33"),
     "datasets/scores.csv, row 6 (Fujian) [line 7], column 'total', value '33': "
     "must be written with exactly two decimals, as printed in the report"),
    ("stray-whitespace", lambda d: set_cell(d, "scores.csv", ("province", "Beijing"), "innovation", " 5.68"),
     "datasets/scores.csv, row 2 (Beijing) [line 3], column 'innovation', value ' 5.68': "
     "leading or trailing whitespace"),
    ("empty-required-cell", lambda d: set_cell(d, "scores.csv", ("province", "Gansu"), "adcode", ""),
     "datasets/scores.csv, row 31 (Gansu) [line 32], column 'adcode', value '': value is required"),
    ("adcode-not-six-digits", lambda d: set_cell(d, "provinces.csv", ("adcode", "110000"), "adcode", "11000"),
     "datasets/provinces.csv, row 1 (11000) [line 2], column 'adcode', value '11000': "
     "does not match the pattern \\d{6}"),
    ("boolean", lambda d: set_cell(d, "provinces.csv", ("adcode", "110000"), "assessed", "yes"),
     "datasets/provinces.csv, row 1 (110000) [line 2], column 'assessed', value 'yes': must be true or false"),
    ("enum", lambda d: set_cell(d, "provinces.csv", ("adcode", "110000"), "nbs_region", "North"),
     "datasets/provinces.csv, row 1 (110000) [line 2], column 'nbs_region', value 'North': "
     "must be one of ['East', 'Central', 'West', 'Northeast']"),
    # --- provinces ---
    ("assessed-without-region", lambda d: set_cell(d, "provinces.csv", ("adcode", "120000"), "nbs_region", ""),
     "datasets/provinces.csv, row 2 (120000) [line 3], column 'nbs_region', value '': "
     "an assessed province needs nbs_region and name_in_report"),
    ("not-assessed-with-region", lambda d: set_cell(d, "provinces.csv", ("adcode", "810000"), "nbs_region", "East"),
     "datasets/provinces.csv, row 33 (810000) [line 34], column 'nbs_region', value 'East': "
     "a division the report does not assess has no NBS region"),
    ("duplicate-slug", lambda d: set_cell(d, "provinces.csv", ("adcode", "610000"), "slug", "shanxi"),
     "datasets/provinces.csv, row 27 (610000) [line 28], column 'slug', value 'shanxi': "
     "duplicate value; it already appears in row 4 (values in 'slug' must be unique)"),
    # --- dimensions ---
    ("weights-not-100", lambda d: set_cell(d, "dimensions.csv", ("id", "cyber_security"), "weight", "14"),
     "datasets/dimensions.csv, column 'weight', value '18 + 16 + 16 + 25 + 14 + 12': "
     "weights must sum to 100; they sum to 101"),
    ("weight-zero", lambda d: set_cell(d, "dimensions.csv", ("id", "cyber_security"), "weight", "0"),
     "datasets/dimensions.csv, row 5 (cyber_security) [line 6], column 'weight', value '0': "
     "weight must be a whole percentage between 1 and 100"),
    ("order-gap", lambda d: set_cell(d, "dimensions.csv", ("id", "cyberspace_regulation"), "order", "7"),
     "datasets/dimensions.csv, column 'order': order must number the dimensions 1..6"),
    # --- scores ---
    ("duplicate-province",
     lambda d: edit_rows(d, "scores.csv", lambda rows: rows[3].__setitem__(slice(1, 3), ["Beijing", "110000"])),
     "datasets/scores.csv, row 3 (Beijing) [line 4], column 'province', value 'Beijing': "
     "duplicate value; it already appears in row 2 (values in 'province' must be unique)"),
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
     "total must lie between 0 and 100"),
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
     "duplicate value; it already appears in row 30 (values in 'rank' must be unique)"),
    ("missing-province-row", lambda d: edit_rows(d, "scores.csv", lambda rows: rows.pop()),
     "datasets/scores.csv, column 'adcode', value '620000': "
     "missing province(s) ['Gansu']: every assessed province needs one row"),
    # --- provenance sidecars ---
    ("missing-sidecar", lambda d: (d / "scores.provenance.yml").unlink(),
     "datasets/scores.csv: provenance sidecar scores.provenance.yml is missing; every source needs one"),
    ("invalid-yaml", lambda d: replace_text(d, "scores.provenance.yml", "\ntitle: ", "\n  title: "),
     "datasets/scores.provenance.yml: not valid YAML (mapping values are not allowed here in \"<unicode string>\", "
     "line 2, column 8: title: Internet Development Index sco ... ^)"),  # PyYAML elides the long line
    ("sidecar-lacks-field",
     lambda d: replace_text(d, "dimensions.provenance.yml", "\nknown_issues:\n", "\nissues:\n"),
     "datasets/dimensions.provenance.yml, column 'known_issues': provenance sidecar lacks the field 'known_issues'"),
    ("sidecar-describes-another-file",
     lambda d: replace_text(d, "provinces.provenance.yml", "file: provinces.csv\n", "file: scores.csv\n"),
     "datasets/provinces.provenance.yml, column 'file', value 'scores.csv': "
     "provenance sidecar describes 'scores.csv', not 'provinces.csv'"),
    # --- national indicators and province mentions ---
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
     "must be one of ['implausible', 'ambiguous', 'garbled']"),
    ("mention-unknown-adcode", lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-fj"),
                                                  "adcode", "359999"),
     "datasets/province-mentions.csv, row 1 (infrastructure-01-fj) [line 2], column 'adcode', value '359999': "
     "unknown or not assessed province code"),
    ("mention-not-assessed", lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-gd"),
                                                "adcode", "810000"),
     "datasets/province-mentions.csv, row 2 (infrastructure-01-gd) [line 3], column 'adcode', value '810000': "
     "unknown or not assessed province code"),
    ("mention-unknown-dimension",
     lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-gd"), "dimension", "economy"),
     "datasets/province-mentions.csv, row 2 (infrastructure-01-gd) [line 3], column 'dimension', value 'economy': "
     f"must be one of {DIMS}"),
    ("mention-section-without-chinese",
     lambda d: set_cell(d, "province-mentions.csv", ("mention_id", "infrastructure-01-gd"), "section_zh", ""),
     "datasets/province-mentions.csv, row 2 (infrastructure-01-gd) [line 3], column 'section_zh', value '': "
     "value is required"),
    # --- boundaries ---
    ("topojson-missing-geometry", lambda d: drop_geometry(d, "540000"),
     "datasets/provinces.topo.json, column 'properties.adcode', value '540000': "
     "needs exactly one geometry for adcode 540000; found 0"),
    ("topojson-not-topojson", lambda d: (d / "provinces.topo.json").write_text('{"type": "Topology"}\n'),
     "datasets/provinces.topo.json: not a TopoJSON file with an object 'provinces' ('objects')"),
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


# --- the real command line on broken copies ----------------------------------------------------

def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory) -> Path:
    """A site built from the good data, which a failed build must leave alone."""
    site = tmp_path_factory.mktemp("previous") / "site"
    build(paths.DATASETS, site, Settings(replications=200), with_site=False)
    return site


def run_cli(datasets: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT / "scripts")}
    return subprocess.run([sys.executable, "-m", "cidi.build", "--no-site", "--datasets", str(datasets),
                           "--site", str(site), "--replications", "200"],
                          capture_output=True, text=True, env=env, cwd=datasets.parent, timeout=120)


CLI_CASES = {case[0]: case for case in CASES if case[0] in
             ("non-numeric-score", "missing-sidecar", "topojson-missing-geometry")}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CLI_CASES))
def test_a_failed_build_exits_1_and_leaves_the_previous_site_unchanged(datasets, previous_site, case):
    _, breaks, message = CLI_CASES[case]
    breaks(datasets)
    before = tree_digest(previous_site)
    siblings = sorted(p.name for p in previous_site.parent.iterdir())
    result = run_cli(datasets, previous_site)
    assert result.returncode == 1, result.stderr
    assert f"error: {message}\n" in result.stderr
    assert f"build stopped; {previous_site} was left unchanged" in result.stderr
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
