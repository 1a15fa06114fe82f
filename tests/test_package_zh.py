"""The bilingual data package: Chinese titles and descriptions, Chinese companion columns, the
Chinese section of the data card."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from cidi.write_package import add_companions, check_fields

CJK = re.compile(r"[\u4e00-\u9fff]")
REGIONS_ZH = {"East": "东部", "Central": "中部", "West": "西部", "Northeast": "东北", "National": "全国"}
# English province-name column -> the code column that identifies the province
PROVINCE_COLUMNS = {"province": "adcode", "province_a": "adcode_a", "province_b": "adcode_b",
                    "province_above": "adcode_above", "province_below": "adcode_below",
                    "province_upper": "adcode_upper", "province_lower": "adcode_lower"}
WITH_PROVINCE_NAMES = {"scores", "scores-long", "rank-uncertainty", "pairwise-dominance", "rank-without-dimension",
                       "alternative-rankings", "rounding-pairs", "rank-bounds", "weight-free-order", "rank-tiers",
                       "rank-sensitivity", "switching-points", "rank-distribution", "rounding-sensitivity"}


def descriptor_of(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def rows_of(folder: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / f"{name}.csv").read_text(encoding="utf-8"))))


def is_chinese(text) -> bool:
    return isinstance(text, str) and text.strip() != "" and bool(CJK.search(text))


def section(card: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = card.index(f"\n{heading}\n") + len(heading) + 2
    ends = [m.start() for m in re.finditer(r"\n#{1,%d} " % len(level), card[start:])]
    return card[start:start + ends[0]] if ends else card[start:]


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)


# --- Chinese metadata -------------------------------------------------------------------------

def test_the_package_its_resources_and_sources_have_chinese_titles_and_descriptions(package_dir):
    descriptor = descriptor_of(package_dir)
    assert is_chinese(descriptor["cidi:title_zh"]) and is_chinese(descriptor["cidi:description_zh"])
    for source in descriptor["sources"]:
        assert is_chinese(source["cidi:title_zh"]) and is_chinese(source["cidi:description_zh"])
    for resource in descriptor["resources"]:
        assert is_chinese(resource["cidi:title_zh"]), resource["name"]
        assert is_chinese(resource["cidi:description_zh"]), resource["name"]
        assert is_chinese(resource["licenses"][0]["cidi:title_zh"]), resource["name"]


def test_every_field_has_a_chinese_title_and_description(package_dir):
    checked = 0
    for resource in descriptor_of(package_dir)["resources"]:
        for field in resource["schema"]["fields"]:
            where = f"{resource['name']}.{field['name']}"
            assert is_chinese(field.get("cidi:title_zh")), where
            assert is_chinese(field.get("cidi:description_zh")), where
            assert field["title"] and field["description"], where  # and the English ones stay
            # steering keys and the unprefixed package.yml keys are not published
            assert not {"title_zh", "description_zh", "decimals", "companion"} & set(field), where
            checked += 1
    assert checked > 2 * 150  # every field of 15 tables, CSV and Parquet


def test_every_english_description_is_one_string(package_dir):
    # an unquoted comma in a YAML flow mapping would split a description into stray keys
    allowed = {"name", "type", "title", "description", "unit", "constraints", "cidi:title_zh",
               "cidi:description_zh"}
    for resource in descriptor_of(package_dir)["resources"]:
        for field in resource["schema"]["fields"]:
            assert set(field) <= allowed, (resource["name"], field["name"], set(field) - allowed)


def test_dimension_score_columns_take_their_chinese_title_from_dimensions_csv(package_dir, sources):
    fields = {f["name"]: f for f in next(r for r in descriptor_of(package_dir)["resources"]
                                         if r["name"] == "scores")["schema"]["fields"]}
    assert fields["infrastructure"]["cidi:title_zh"] == "基础设施建设（满分18）"
    for dim in sources.dimensions.itertuples(index=False):
        assert fields[dim.id]["cidi:title_zh"] == f"{dim.name_zh}（满分{dim.weight}）"


# --- Chinese companion columns ----------------------------------------------------------------

def test_every_english_province_column_has_its_chinese_twin(package_dir):
    names_zh = {row["adcode"]: row["name_zh"] for row in rows_of(package_dir, "provinces")}
    seen = set()
    for resource in descriptor_of(package_dir)["resources"]:
        if resource["format"] != "csv":
            continue
        columns = [f["name"] for f in resource["schema"]["fields"]]
        rows = rows_of(package_dir, resource["name"])
        for column, code in PROVINCE_COLUMNS.items():
            if column not in columns:
                continue
            seen.add(resource["name"])
            twin = f"{column}_zh"
            assert columns.index(twin) == columns.index(column) + 1, (resource["name"], twin)  # right beside it
            for row in rows:
                assert row[twin] == names_zh[row[code]], (resource["name"], row[code])
    assert seen == WITH_PROVINCE_NAMES


def test_region_columns_have_their_chinese_twin(package_dir):
    for name in ("scores", "region-summary"):
        rows = rows_of(package_dir, name)
        assert list(rows[0])[list(rows[0]).index("region") + 1] == "region_zh"
        assert all(row["region_zh"] == REGIONS_ZH[row["region"]] for row in rows), name
    assert {row["region_zh"] for row in rows_of(package_dir, "region-summary")} == set(REGIONS_ZH.values())


def test_the_parquet_twins_carry_the_chinese_columns(package_dir):
    for name in WITH_PROVINCE_NAMES:
        frame = pd.read_parquet(package_dir / f"{name}.parquet")
        assert any(c.endswith("_zh") for c in frame.columns), name
        for column in frame.columns:
            if column.endswith("_zh"):
                assert frame[column].map(is_chinese).all(), (name, column)


# tiny fixtures: two provinces, one region name each
PROVINCES = pd.DataFrame({"adcode": ["110000", "440000"], "name_zh": ["北京市", "广东省"]})
FIELDS = {
    "adcode": {"type": "string"},
    "province": {"type": "string"},
    "province_zh": {"type": "string", "companion": {"of": "province", "key": "adcode"}},
    "region": {"type": "string"},
    "region_zh": {"type": "string", "companion": {"of": "region", "names": {"East": "东部"}}},
}


def test_add_companions_maps_codes_and_region_names():
    frame = pd.DataFrame({"adcode": ["440000", "110000"], "province": ["Guangdong", "Beijing"],
                          "region": ["East", "East"]})
    out = add_companions(frame, FIELDS, PROVINCES, "toy")
    assert out["province_zh"].tolist() == ["广东省", "北京市"]
    assert out["region_zh"].tolist() == ["东部", "东部"]
    assert list(frame.columns) == ["adcode", "province", "region"]  # the input is left alone


def test_add_companions_checks_a_chinese_column_the_table_already_has():
    frame = pd.DataFrame({"adcode": ["440000"], "province": ["Guangdong"], "province_zh": ["广东省"],
                          "region": ["East"]})
    assert add_companions(frame, FIELDS, PROVINCES, "toy")["province_zh"].tolist() == ["广东省"]
    with pytest.raises(ValueError) as error:
        add_companions(frame.assign(province_zh=["北京市"]), FIELDS, PROVINCES, "toy")
    assert str(error.value) == "resource toy: province_zh differs from its Chinese names in rows [0]"


def test_add_companions_refuses_a_code_without_a_chinese_name():
    frame = pd.DataFrame({"adcode": ["999999"], "province": ["Nowhere"], "region": ["East"]})
    with pytest.raises(ValueError) as error:
        add_companions(frame, FIELDS, PROVINCES, "toy")
    assert str(error.value) == "resource toy: no Chinese name for ['999999'] (column province_zh)"


def test_add_companions_refuses_a_region_without_a_chinese_name():
    frame = pd.DataFrame({"adcode": ["110000"], "province": ["Beijing"], "region": ["Atlantis"]})
    with pytest.raises(ValueError) as error:
        add_companions(frame, FIELDS, PROVINCES, "toy")
    assert str(error.value) == "resource toy: no Chinese name for ['Atlantis'] (column region_zh)"


def test_check_fields_refuses_a_description_split_by_a_comma():
    # `{description: East, Central}` in YAML flow style is {"description": "East", "Central": None}
    spec = {"type": "string", "title": "Region", "description": "East", "Central": None,
            "title_zh": "区域", "description_zh": "东部或中部。"}
    with pytest.raises(ValueError) as error:
        check_fields({"region": spec}, "toy")
    assert str(error.value) == ("package.yml: resource toy, field region: unknown keys ['Central'] "
                                "(quote a description that holds a comma)")


def test_check_fields_refuses_a_field_without_chinese_text():
    with pytest.raises(ValueError) as error:
        check_fields({"region": {"type": "string", "title": "Region", "description": "NBS region."}}, "toy")
    assert str(error.value) == ("package.yml: resource toy, field region: missing "
                                "['description_zh', 'title_zh']")


# --- validity -----------------------------------------------------------------------------------

def test_the_bilingual_package_still_validates(package_report):
    report = package_report
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


# --- the data card ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def card(package_dir) -> tuple[str, str]:
    """(English part, Chinese part) of the data card."""
    text = (package_dir / "README.md").read_text(encoding="utf-8")
    assert text.count("\n## 中文说明\n") == 1
    english, chinese = text.split("\n## 中文说明\n")
    return english, "\n## 中文说明\n" + chinese


def test_the_chinese_section_lists_every_table_with_its_rows_and_chinese_title(package_dir, card):
    _, chinese = card
    for resource in descriptor_of(package_dir)["resources"]:
        if resource["format"] == "csv":
            rows = len(rows_of(package_dir, resource["name"]))
            assert f"| `{resource['path']}` | {rows} | **{resource['cidi:title_zh']}**：" in chinese, resource["path"]
    assert descriptor_of(package_dir)["cidi:description_zh"] in chinese


@pytest.mark.parametrize("english_heading, chinese_heading", [("## Verification", "### 核验"),
                                                              ("## Robustness settings", "### 稳健性设置"),
                                                              ("## Caveats", "### 注意事项")])
def test_the_chinese_section_states_the_same_numbers(card, english_heading, chinese_heading):
    english, chinese = card
    en, zh = section(english, english_heading), section(chinese, chinese_heading)
    assert numbers(en) and numbers(zh) == numbers(en)
    assert is_chinese(zh)


def test_the_chinese_verification_names_the_provinces_in_chinese(package_dir, card):
    descriptor = descriptor_of(package_dir)
    names_zh = {row["province"]: row["province_zh"] for row in rows_of(package_dir, "scores")}
    expected = "、".join(names_zh[p] for p in descriptor["cidi:verification"]["largest_residual_provinces"])
    assert f"残差最大的省份：{expected}）" in section(card[1], "### 核验")
    assert "公布的排名与公布的总分一致。" in section(card[1], "### 核验")  # ranks_match_published_totals


def test_the_chinese_section_has_the_load_snippets_source_and_citation(package_dir, card):
    english, chinese = card
    snippets = re.findall(r"```.*?```", english, flags=re.S)
    assert len(snippets) == 4 and re.findall(r"```.*?```", chinese, flags=re.S) == snippets
    assert descriptor_of(package_dir)["sources"][0]["cidi:title_zh"] in section(chinese, "### 来源与引用")
    assert descriptor_of(package_dir)["version"] in section(chinese, "### 来源与引用")


def test_chinese_paragraphs_are_not_broken_across_lines(card):
    # a line break inside Chinese text renders as a stray space between characters
    lines = card[1].splitlines()
    for line, following in zip(lines, lines[1:]):
        if CJK.search(line) and not line.startswith(("|", "#")):
            assert following == "" or following.startswith(("- ", "|", "#")), line


def test_no_template_leftovers_in_the_chinese_section(card):
    assert "{{" not in card[1] and "{%" not in card[1]
    assert not re.search(r"\b(nan|NaN|None)\b", card[1])
