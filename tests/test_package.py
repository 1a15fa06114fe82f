"""The published data package: valid, complete, checksummed, exact bytes, deterministic."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cidi import paths
from cidi.build import build
from cidi.robustness import Settings
from conftest import DIMENSION_IDS, descriptor_of, tree_digest

NOT_ASSESSED = {"710000": ("Taiwan", "台湾"), "810000": ("Hong Kong", "香港"), "820000": ("Macao", "澳门")}
PER_PROVINCE = ["scores", "scores-long", "rank-uncertainty", "pairwise-dominance", "rank-without-dimension",
                "alternative-rankings", "rounding-pairs"]


def csv_resources(folder: Path) -> list[dict]:
    return [r for r in descriptor_of(folder)["resources"] if r["format"] == "csv"]


def read_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- validity and completeness ----------------------------------------------------------------

def test_frictionless_validates_the_package(package_report):
    report = package_report
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == 46  # 23 tables, each as CSV and Parquet


def test_every_table_has_a_csv_and_a_parquet_resource(package_dir):
    resources = descriptor_of(package_dir)["resources"]
    names = [r["name"] for r in resources if r["format"] == "csv"]
    assert len(names) == 23
    assert [r["name"] for r in resources if r["format"] == "parquet"] == [f"{n}-parquet" for n in names]
    for resource in resources:
        assert (package_dir / resource["path"]).is_file()
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*(-parquet)?", resource["name"])  # kebab-case


def as_python(values, kind: str) -> list:
    """Cast a column to plain Python values, None for missing."""
    out = []
    for value in values:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out.append(None)
        elif kind == "integer":
            out.append(int(value))
        elif kind == "number":
            out.append(float(value))
        elif kind == "boolean":
            out.append({"true": True, "false": False}.get(value, value) if isinstance(value, str) else bool(value))
        else:
            out.append(str(value))
    return out


@pytest.mark.parametrize("name", ["provinces", "dimensions", "scores", "scores-long", "region-summary",
                                  "dimension-statistics", "correlations", "rounding-pairs", "national-indicators",
                                  "province-mentions", "rank-uncertainty", "pairwise-dominance",
                                  "rank-without-dimension", "alternative-rankings", "dimension-importance",
                                  "rank-bounds", "weight-free-order", "rank-tiers", "rank-sensitivity", "switching-points",
                                  "rank-distribution", "rounding-sensitivity", "dimension-coherence"])
def test_csv_and_parquet_have_the_same_rows(package_dir, name):
    fields = next(r for r in csv_resources(package_dir) if r["name"] == name)["schema"]["fields"]
    text_columns = {f["name"]: str for f in fields if f["type"] in ("string", "boolean")}
    from_csv = pd.read_csv(package_dir / f"{name}.csv", dtype=text_columns, keep_default_na=False, na_values=[""])
    from_parquet = pd.read_parquet(package_dir / f"{name}.parquet")
    assert list(from_csv.columns) == list(from_parquet.columns) == [f["name"] for f in fields]
    assert len(from_csv) == len(from_parquet) > 0
    for field in fields:
        a = as_python(from_csv[field["name"]], field["type"])
        b = as_python(from_parquet[field["name"]], field["type"])
        if field["type"] == "number":  # missing in the same rows (switching-points.factor), equal elsewhere
            assert [x is None for x in a] == [x is None for x in b], field["name"]
            a, b = [x for x in a if x is not None], [x for x in b if x is not None]
            assert a == pytest.approx(b, rel=1e-12, abs=1e-12, nan_ok=False), field["name"]
        else:
            assert a == b, field["name"]


def test_parquet_column_types_follow_the_schema(package_dir):
    import pyarrow.parquet as pq

    arrow = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool"}
    for resource in csv_resources(package_dir):
        schema = pq.read_schema(package_dir / resource["path"].replace(".csv", ".parquet"))
        assert {f.name: str(f.type) for f in schema} == {
            f["name"]: arrow[f["type"]] for f in resource["schema"]["fields"]}, resource["name"]


def test_sha256sums_matches_every_file_and_lists_every_file(package_dir):
    listed = {}
    for line in (package_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = tree_digest(package_dir)
    del on_disk["SHA256SUMS"]  # a checksum file cannot list itself
    assert listed == on_disk
    assert list(listed) == sorted(listed)


def test_csv_resources_declare_their_bytes_and_hash(package_dir):
    for resource in csv_resources(package_dir):
        data = (package_dir / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"


def test_the_zip_holds_every_file_with_the_same_bytes(package_dir):
    with zipfile.ZipFile(package_dir / "cidi-data.zip") as archive:
        inside = {i.filename: hashlib.sha256(archive.read(i)).hexdigest() for i in archive.infolist()}
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}  # no wall clock
        sums = archive.read("SHA256SUMS").decode("utf-8")
    on_disk = tree_digest(package_dir)
    del on_disk["SHA256SUMS"], on_disk["cidi-data.zip"]
    del inside["SHA256SUMS"]  # the zip's own: every file inside but itself (the folder's lists the zip too)
    assert inside == on_disk
    assert "datapackage.json" in inside and "LICENSE.txt" in inside and "CITATION.cff" in inside  # at the root
    assert sums == "".join(f"{digest}  {name}\n" for name, digest in sorted(inside.items()))


def test_the_provenance_of_every_source_is_published(package_dir):
    for source in paths.SOURCE_FILES:
        sidecar = paths.provenance_of(paths.DATASETS / source)
        assert (package_dir / "provenance" / sidecar.name).read_bytes() == sidecar.read_bytes()


# --- exact bytes ------------------------------------------------------------------------------

def test_first_lines_of_scores_csv_exact_bytes(package_dir):
    # Table 2 of the report: Guangdong 5.75 7.69 7.65 16.27 3.83 3.99, total 45.19, rank 1;
    # Beijing 6.66 5.68 5.51 18.93 3.57 4.35, total 44.70, rank 2 (printed "44.70", trailing zero kept).
    # Computed columns: Guangdong 5.75 + 7.69 + 7.65 + 16.27 + 3.83 + 3.99 = 45.18, residual 45.19 - 45.18
    # = 0.01; the median of the 31 totals is Hainan's 27.62, so 45.19 - 27.62 = 17.57 and 44.70 - 27.62
    # = 17.08; Beijing is 45.19 - 44.70 = 0.49 behind the leader.
    golden = (
        b"adcode,iso_3166_2,province,province_zh,slug,region,region_zh,infrastructure,innovation,digital_economy,"
        b"internet_application,cyber_security,cyberspace_regulation,total,rank,recomputed_total,residual,"
        b"recomputed_rank,gap_to_leader,gap_to_median,strongest_dimension,weakest_dimension\n"
        + "440000,CN-GD,Guangdong,广东省,guangdong,East,东部,5.75,7.69,7.65,16.27,3.83,3.99,45.19,1,45.18,0.01,1,"
          "0.00,17.57,innovation,cyber_security\n".encode("utf-8")
        + "110000,CN-BJ,Beijing,北京市,beijing,East,东部,6.66,5.68,5.51,18.93,3.57,4.35,44.70,2,44.70,0.00,2,"
          "0.49,17.08,internet_application,cyber_security\n".encode("utf-8")
    )
    data = (package_dir / "scores.csv").read_bytes()
    assert data[:len(golden)] == golden


def test_scores_csv_keeps_the_printed_values(package_dir):
    # every printed cell of datasets/scores.csv reappears unchanged (e.g. "14.60", "3.00")
    source = {row["adcode"]: row for row in csv.DictReader(io.StringIO(
        (paths.DATASETS / "scores.csv").read_text(encoding="utf-8")))}
    published = {row["adcode"]: row for row in csv.DictReader(io.StringIO(
        (package_dir / "scores.csv").read_text(encoding="utf-8")))}
    assert source.keys() == published.keys()
    columns = [*DIMENSION_IDS, "total", "rank"]
    for code, row in source.items():
        assert [published[code][c] for c in columns] == [row[c] for c in columns], code


def test_no_missing_value_markers_or_negative_zeros_in_any_csv(package_dir):
    bad = re.compile(r"nan|NaN|None|NULL|null|-0(\.0+)?|inf|-inf")
    for resource in csv_resources(package_dir):
        for number, row in enumerate(read_cells(package_dir / resource["path"])):
            for cell in row:
                assert not bad.fullmatch(cell), f"{resource['path']} line {number + 1}: {cell!r}"


def test_csvs_are_utf8_without_bom_with_lf_line_endings(package_dir):
    for resource in csv_resources(package_dir):
        data = (package_dir / resource["path"]).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), resource["path"]
        assert b"\r" not in data, resource["path"]
        assert data.endswith(b"\n") and not data.endswith(b"\n\n"), resource["path"]
        data.decode("utf-8")
        assert resource["encoding"] == "utf-8" and resource["dialect"]["lineTerminator"] == "\n"


def test_adcode_stays_six_digit_text(package_dir):
    for resource in csv_resources(package_dir):
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        codes = [c for c in fields if c in ("adcode", "adcode_a", "adcode_b")]
        rows = list(csv.DictReader(io.StringIO((package_dir / resource["path"]).read_text(encoding="utf-8"))))
        for column in codes:
            assert fields[column]["type"] == "string", (resource["name"], column)
            assert all(re.fullmatch(r"\d{6}", row[column]) for row in rows), (resource["name"], column)
        parquet = pd.read_parquet(package_dir / resource["path"].replace(".csv", ".parquet"), columns=codes or None)
        for column in codes:
            assert all(isinstance(v, str) and len(v) == 6 for v in parquet[column]), (resource["name"], column)


def test_hong_kong_macao_and_taiwan_are_never_scored(package_dir):
    for name in PER_PROVINCE:
        text = (package_dir / f"{name}.csv").read_text(encoding="utf-8")
        for code, names in NOT_ASSESSED.items():
            for token in (code, *names):
                assert token not in text, f"{name}.csv mentions {token}"
    # but they are listed, not assessed, in the reference table (so that maps can draw them)
    provinces = {row["adcode"]: row for row in csv.DictReader(io.StringIO(
        (package_dir / "provinces.csv").read_text(encoding="utf-8")))}
    for code in NOT_ASSESSED:
        assert provinces[code]["assessed"] == "false" and provinces[code]["nbs_region"] == ""


def test_per_province_tables_cover_the_31_assessed_provinces(package_dir, sources):
    assessed = set(sources.provinces.loc[sources.provinces["assessed"], "adcode"])
    for name in ("scores", "scores-long", "rank-uncertainty", "alternative-rankings", "rank-without-dimension"):
        codes = {row["adcode"] for row in csv.DictReader(io.StringIO(
            (package_dir / f"{name}.csv").read_text(encoding="utf-8")))}
        assert codes == assessed, name


# --- datapackage.json -------------------------------------------------------------------------

def test_datapackage_json_has_sorted_keys_and_no_nan(package_dir):
    text = (package_dir / "datapackage.json").read_text(encoding="utf-8")

    def refuse(constant):
        raise AssertionError(f"datapackage.json contains {constant}")

    descriptor = json.loads(text, parse_constant=refuse)
    assert text == json.dumps(descriptor, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_datapackage_json_created_comes_from_the_metadata(package_dir):
    meta = yaml.safe_load(paths.PACKAGE_META.read_text(encoding="utf-8"))
    descriptor = descriptor_of(package_dir)
    assert descriptor["created"] == meta["created"] == "2026-11-29T00:00:00Z"
    assert descriptor["version"] == meta["version"]


def test_datapackage_json_records_the_verification_and_robustness_settings(package_dir, indices, robust):
    descriptor = descriptor_of(package_dir)
    assert descriptor["cidi:verification"] == indices.verification
    settings = robust.settings  # the defaults, which the package fixture builds with
    assert descriptor["cidi:robustness"] == {
        "replications": settings.replications, "weight_spread": settings.spread, "seed": settings.seed,
        "geometric_share": settings.geometric_share, "rank_rule": "1 = best; ties take the lowest (best) rank",
        "mean_abs_rank_shift": robust.mean_abs_rank_shift,  # same seed, same figure
        "realised_weight_ratio": robust.realised_weights, "tier_level": robust.tier_level,
        "geometric_draws": robust.geometric_draws,
        "conditional_on": descriptor["cidi:robustness"]["conditional_on"]}
    # the drawn weights leave the nominal x 0.75 to 1.25 after the rescaling, and the package says so
    assert descriptor["cidi:robustness"]["realised_weight_ratio"]["max"] > 1 + settings.spread
    assert "floor" in descriptor["cidi:robustness"]["conditional_on"]


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_a_number_is_never_written_as_negative_zero(value, decimals):
    from cidi.write_package import format_cell

    text = format_cell(value, {"type": "number", "decimals": decimals})
    assert not re.fullmatch(r"-0(\.0+)?", text)
    assert float(text) == pytest.approx(value, abs=0.5 * 10 ** -decimals + 1e-9)


# --- the data card ----------------------------------------------------------------------------

def test_the_data_card_lists_every_csv_resource_with_its_rows(package_dir):
    card = (package_dir / "README.md").read_text(encoding="utf-8")
    for resource in csv_resources(package_dir):
        rows = len(read_cells(package_dir / resource["path"])) - 1
        assert f"| `{resource['path']}` | {rows} |" in card, resource["path"]
    assert "{{" not in card and "{%" not in card
    assert not re.search(r"\b(nan|NaN|None)\b", card)  # whole words: "provenance" contains "nan"


# --- determinism ------------------------------------------------------------------------------

@pytest.mark.slow
def test_building_twice_gives_byte_identical_trees(package_dir, tmp_path):
    # The second build runs through the command line in a fresh process with another hash seed,
    # so set or dict order that depends on PYTHONHASHSEED would show up as a difference.
    site = tmp_path / "again" / "site"
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT / "scripts"), "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-m", "cidi.build", "--no-site", "--site", str(site)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    first, second = tree_digest(package_dir), tree_digest(site / "data")
    assert "cidi-data.zip" in first
    assert first == second
    assert sorted(p.name for p in site.iterdir()) == ["data"]  # --no-site: the data package only
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]  # no staging folder left behind


def test_the_package_publishes_the_provenance_of_the_folder_it_was_built_from(tmp_path, monkeypatch):
    datasets = tmp_path / "datasets"
    shutil.copytree(paths.DATASETS, datasets, copy_function=shutil.copyfile)
    sidecar = datasets / "scores.provenance.yml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(
        "known_issues:\n", "known_issues:\n  - A second transcription pass is pending.\n", 1), encoding="utf-8")
    site = tmp_path / "site"
    import cidi.build

    monkeypatch.setattr(cidi.build, "validate_package", lambda folder: None)  # validated elsewhere; saves 1.5 s
    build(datasets, site, Settings(replications=100), with_site=False)
    assert (site / "data" / "provenance" / sidecar.name).read_bytes() == sidecar.read_bytes()
