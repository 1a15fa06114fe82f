"""Step 1: read and validate the hand-transcribed sources in ``datasets/``.

Inputs: ``datasets/*.csv``, ``datasets/provinces.topo.json`` and one ``*.provenance.yml`` sidecar
per source. Output: a :class:`Sources` bundle of pandas DataFrames, or a :class:`SourceError`
naming the file, row, column, value and rule that was broken. Nothing is written to disk here.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
import yaml

from cidi import paths

REGIONS = ("East", "Central", "West", "Northeast")
SCORE_TOLERANCE_CENTS = 2  # |sum of the six dimension scores - published total| <= 0.02
NUMBER = re.compile(r"-?\d+(\.\d+)?")
TWO_DECIMALS = re.compile(r"-?\d+\.\d{2}")
PRINTED = "must be written with exactly two decimals, as printed in the report"


class SourceError(ValueError):
    """A source file breaks a rule. The message names file, row, column, value and rule."""

    def __init__(self, file: Path | str, rule: str, row: int | None = None,
                 column: str | None = None, value: object = None, key: str | None = None):
        self.file, self.row, self.column, self.value, self.rule = file, row, column, value, rule
        name = Path(file).name
        where = [f"datasets/{name}"]
        if row is not None:
            # row 1 is the first data row; the file line adds the header line
            where.append(f"row {row}" + (f" ({key})" if key else "") + f" [line {row + 1}]")
        if column is not None:
            where.append(f"column '{column}'")
        if value is not None:
            where.append(f"value {value!r}")
        super().__init__(", ".join(where) + f": {rule}")


@dataclass(frozen=True)
class Column:
    """How one source column is read: ``kind`` is text, integer, number, boolean or enum."""

    name: str
    kind: str = "text"
    required: bool = True
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    unique: bool = False
    pattern_rule: str | None = None  # plain-words rule for the pattern, used in the error message


@dataclass(frozen=True)
class Sources:
    dimensions: pd.DataFrame
    provinces: pd.DataFrame
    scores: pd.DataFrame
    national_indicators: pd.DataFrame
    province_mentions: pd.DataFrame
    topojson: dict
    provenance: dict[str, dict]


def _read_text(path: Path) -> str:
    if not path.exists():
        raise SourceError(path, "file is missing")
    raw = path.read_bytes()
    if not raw.strip():
        raise SourceError(path, "file is empty" + (" (a header row and data rows are required)" if path.suffix == ".csv" else ""))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise SourceError(path, "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(path, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); "
                                "save it as UTF-8") from None
    if "\r" in text:
        raise SourceError(path, "file has Windows (CRLF) or CR line endings; use LF")
    return text


def read_table(path: Path, columns: list[Column], key_column: str | None = None) -> pd.DataFrame:
    """Read a source CSV strictly: exact header, no stray whitespace, typed and constrained cells."""
    text = _read_text(path)
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    expected = [c.name for c in columns]
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing:
        raise SourceError(path, f"missing column(s) {missing}; expected columns {expected}", row=None,
                          column=missing[0])
    if extra:
        raise SourceError(path, f"unexpected column(s) {extra}; expected columns {expected}", column=extra[0])
    if header != expected:
        raise SourceError(path, f"columns are out of order: {header}; expected {expected}")
    if not body:
        raise SourceError(path, "file has a header but no data rows")
    records, seen = [], {c.name: {} for c in columns if c.unique}
    for number, cells in enumerate(body, start=1):
        if len(cells) != len(header):
            raise SourceError(path, f"row has {len(cells)} cells; the header has {len(header)}", row=number)
        key = cells[expected.index(key_column)] if key_column else None
        record = {}
        for column, cell in zip(columns, cells):
            record[column.name] = _cell(path, number, key, column, cell)
            if column.unique and cell:
                if cell in seen[column.name]:
                    raise SourceError(path, f"duplicate value; it already appears in row {seen[column.name][cell]}"
                                      f" (values in '{column.name}' must be unique)",
                                      row=number, column=column.name, value=cell, key=key)
                seen[column.name][cell] = number
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=expected)
    for column in columns:
        if column.kind == "number":
            frame[column.name] = frame[column.name].astype("float64")
        elif column.kind == "integer":
            frame[column.name] = frame[column.name].astype("Int64" if not column.required else "int64")
    return frame


def _cell(path: Path, row: int, key: str | None, column: Column, cell: str):
    def fail(rule: str):
        raise SourceError(path, rule, row=row, column=column.name, value=cell, key=key)

    if cell != cell.strip():
        fail("leading or trailing whitespace")
    if cell == "":
        if column.required:
            fail("value is required")
        return None
    if column.kind == "integer" and not re.fullmatch(r"-?\d+", cell):
        fail("must be an integer")
    if column.kind == "number" and not NUMBER.fullmatch(cell):
        fail("must be a decimal number (digits with an optional '.' and decimals, no thousands separator)")
    if column.kind == "boolean" and cell not in ("true", "false"):
        fail("must be true or false")
    if column.pattern and not re.fullmatch(column.pattern, cell):
        fail(column.pattern_rule or f"does not match the pattern {column.pattern}")
    if column.choices and cell not in column.choices:
        fail(f"must be one of {list(column.choices)}")
    if column.kind == "integer":
        return int(cell)
    if column.kind == "number":
        return float(cell)
    if column.kind == "boolean":
        return cell == "true"
    return cell


def _cents(text: str) -> int:
    return int((Decimal(text) * 100).to_integral_value())


def read_dimensions(path: Path) -> pd.DataFrame:
    columns = [
        Column("id", pattern=r"[a-z]+(_[a-z]+)*", unique=True), Column("order", "integer", unique=True),
        Column("weight", "integer"), Column("name_en", unique=True), Column("short_name_en", unique=True),
        Column("name_zh", unique=True), Column("name_in_report"), Column("key_factors"),
        Column("key_factors_zh"), Column("measures"), Column("measures_zh"),
    ]
    frame = read_table(path, columns, key_column="id")
    for row, (dim, weight) in enumerate(zip(frame["id"], frame["weight"]), start=1):
        if not 0 < weight <= 100:
            raise SourceError(path, "weight must be a whole percentage between 1 and 100", row=row,
                              column="weight", value=str(weight), key=dim)
    if frame["weight"].sum() != 100:
        raise SourceError(path, f"weights must sum to 100; they sum to {frame['weight'].sum()}", column="weight",
                          value=" + ".join(str(w) for w in frame["weight"]))
    if sorted(frame["order"]) != list(range(1, len(frame) + 1)):
        raise SourceError(path, f"order must number the dimensions 1..{len(frame)}", column="order")
    return frame.sort_values("order").reset_index(drop=True)


def read_provinces(path: Path) -> pd.DataFrame:
    columns = [
        Column("adcode", pattern=r"\d{6}", unique=True), Column("iso_3166_2", pattern=r"CN-[A-Z]{2}", unique=True),
        Column("name_en", unique=True), Column("name_zh", unique=True), Column("short_name_zh", unique=True),
        Column("name_in_report", required=False, unique=True), Column("slug", pattern=r"[a-z]+(-[a-z]+)*", unique=True),
        Column("division_type", choices=("province", "autonomous_region", "municipality",
                                          "special_administrative_region")),
        Column("nbs_region", required=False, choices=REGIONS), Column("assessed", "boolean"),
    ]
    frame = read_table(path, columns, key_column="adcode")
    for row, record in enumerate(frame.itertuples(index=False), start=1):
        if record.assessed and (pd.isna(record.nbs_region) or pd.isna(record.name_in_report)):
            raise SourceError(path, "an assessed province needs nbs_region and name_in_report", row=row,
                              column="nbs_region", value="", key=record.adcode)
        if not record.assessed and not pd.isna(record.nbs_region):
            raise SourceError(path, "a division the report does not assess has no NBS region", row=row,
                              column="nbs_region", value=record.nbs_region, key=record.adcode)
    return frame


def read_scores(path: Path, dimensions: pd.DataFrame, provinces: pd.DataFrame) -> pd.DataFrame:
    """Table 2 with the checks of the methodology: ranges, totals within 0.02, ranks ordered by totals."""
    dims = list(dimensions["id"])
    maximum = dict(zip(dimensions["id"], dimensions["weight"]))
    columns = ([Column("rank", "integer", unique=True), Column("province", unique=True),
                Column("adcode", pattern=r"\d{6}", unique=True)]
               + [Column(d, "number", pattern=TWO_DECIMALS.pattern, pattern_rule=PRINTED) for d in dims]
               + [Column("total", "number", pattern=TWO_DECIMALS.pattern, pattern_rule=PRINTED)])
    frame = read_table(path, columns, key_column="province")
    # exact decimal arithmetic on the printed text, so 0.02 is 2 cents, not a float
    text = list(csv.DictReader(io.StringIO(_read_text(path))))
    assessed = provinces[provinces["assessed"]].set_index("adcode")
    known = provinces.set_index("adcode")
    for row, record in enumerate(text, start=1):
        key = record["province"]

        def fail(column: str, rule: str, value=None):
            raise SourceError(path, rule, row=row, column=column,
                              value=record[column] if value is None else value, key=key)

        code = record["adcode"]
        if code not in known.index:
            fail("adcode", "unknown province code (not in datasets/provinces.csv)")
        if code not in assessed.index:
            fail("adcode", f"{known.loc[code, 'name_en']} is not assessed by the report and cannot have scores")
        if assessed.loc[code, "name_in_report"] != record["province"]:
            fail("province", f"name does not match adcode {code} "
                             f"(datasets/provinces.csv prints it as {assessed.loc[code, 'name_in_report']!r})")
        for dim in dims:
            value = Decimal(record[dim])
            if not 0 <= value <= maximum[dim]:
                fail(dim, f"score must lie between 0 and the dimension's maximum {maximum[dim]} "
                          f"(its weight in points)")
        if not 0 <= Decimal(record["total"]) <= 100:
            fail("total", "total must lie between 0 and 100")
        components = sum(_cents(record[d]) for d in dims)
        if abs(components - _cents(record["total"])) > SCORE_TOLERANCE_CENTS:
            fail("total", f"total does not match its components: the six dimension scores add up to "
                          f"{components / 100:.2f}, a difference of {abs(components - _cents(record['total'])) / 100:.2f} "
                          f"(tolerance {SCORE_TOLERANCE_CENTS / 100:.2f})")
    missing = sorted(set(assessed.index) - set(frame["adcode"]))
    if missing:
        names = [assessed.loc[c, "name_en"] for c in missing]
        raise SourceError(path, f"missing province(s) {names}: every assessed province needs one row",
                          column="adcode", value=", ".join(missing))
    n = len(frame)
    if sorted(frame["rank"]) != list(range(1, n + 1)):
        raise SourceError(path, f"published ranks must be 1..{n}, each once", column="rank",
                          value=", ".join(str(r) for r in sorted(frame["rank"])))
    by_rank = sorted(range(n), key=lambda i: frame["rank"][i])
    for upper, lower in zip(by_rank, by_rank[1:]):
        if _cents(text[lower]["total"]) > _cents(text[upper]["total"]):
            raise SourceError(path, f"rank is not consistent with the totals: rank {frame['rank'][lower]} has a "
                                    f"higher total than rank {frame['rank'][upper]} ({frame['province'][upper]}, "
                                    f"{text[upper]['total']})",
                              row=lower + 1, column="rank", value=text[lower]["rank"], key=frame["province"][lower])
    return frame


def read_national_indicators(path: Path, dimensions: pd.DataFrame) -> pd.DataFrame:
    topics = tuple(dimensions["id"]) + ("international", "index")
    columns = [
        Column("id", pattern=r"[a-z0-9]+(_[a-z0-9]+)*", unique=True), Column("topic", choices=topics),
        Column("description"), Column("description_zh"), Column("value", "number"),
        Column("qualifier", required=False, choices=("at_least", "approximately")), Column("unit"),
        Column("unit_zh"), Column("reference_date", pattern=r"\d{4}(-\d{2}){0,2}"),
        Column("footnote", required=False, pattern=r"[1-9]\d*"), Column("source"), Column("source_zh"),
        Column("line", "integer"), Column("quote"),
        Column("flag", required=False, choices=("implausible", "ambiguous", "garbled")),
        Column("note", required=False), Column("note_zh", required=False),
    ]
    frame = read_table(path, columns, key_column="id")
    for row, record in enumerate(frame.itertuples(index=False), start=1):
        if not pd.isna(record.flag) and pd.isna(record.note):
            raise SourceError(path, "a flagged figure needs a note giving the reason", row=row, column="note",
                              value="", key=record.id)
        if pd.isna(record.note) != pd.isna(record.note_zh):
            if pd.isna(record.note_zh):
                raise SourceError(path, "a note needs its Chinese translation in note_zh", row=row,
                                  column="note_zh", value="", key=record.id)
            raise SourceError(path, "note_zh must be empty when note is empty (it translates the note)", row=row,
                              column="note_zh", value=record.note_zh, key=record.id)
    return frame


def read_province_mentions(path: Path, dimensions: pd.DataFrame, provinces: pd.DataFrame) -> pd.DataFrame:
    columns = [
        Column("mention_id", pattern=r"[a-z_]+-\d{2}-[a-z]{2}", unique=True), Column("adcode", pattern=r"\d{6}"),
        Column("dimension", choices=tuple(dimensions["id"])), Column("summary"), Column("summary_zh"),
        Column("section"), Column("section_zh"), Column("line", "integer"),
    ]
    frame = read_table(path, columns, key_column="mention_id")
    assessed = set(provinces.loc[provinces["assessed"], "adcode"])
    for row, code in enumerate(frame["adcode"], start=1):
        if code not in assessed:
            raise SourceError(path, "unknown or not assessed province code", row=row, column="adcode", value=code,
                              key=frame["mention_id"][row - 1])
    return frame


def read_topojson(path: Path, provinces: pd.DataFrame) -> dict:
    try:
        topo = json.loads(_read_text(path))
        geometries = topo["objects"]["provinces"]["geometries"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise SourceError(path, f"not a TopoJSON file with an object 'provinces' ({exc})") from None
    codes = [g.get("properties", {}).get("adcode") for g in geometries]
    for code in provinces["adcode"]:
        if codes.count(code) != 1:
            raise SourceError(path, f"needs exactly one geometry for adcode {code}; found {codes.count(code)}",
                              column="properties.adcode", value=code)
    return topo


def read_provenance(source: Path) -> dict:
    sidecar = paths.provenance_of(source)
    if not sidecar.exists():
        raise SourceError(source, f"provenance sidecar {sidecar.name} is missing; every source needs one")
    try:
        meta = yaml.safe_load(_read_text(sidecar))
    except yaml.YAMLError as exc:
        raise SourceError(sidecar, f"not valid YAML ({' '.join(str(exc).split())})") from None
    for field in ("file", "title", "source", "transcription", "known_issues"):
        if field not in (meta or {}):
            raise SourceError(sidecar, f"provenance sidecar lacks the field '{field}'", column=field)
    if meta["file"] != source.name:
        raise SourceError(sidecar, f"provenance sidecar describes {meta['file']!r}, not {source.name!r}",
                          column="file", value=meta["file"])
    return meta


def load_sources(folder: Path = paths.DATASETS) -> Sources:
    """Read every source in ``folder`` and validate it; raise :class:`SourceError` on the first violation."""
    provenance = {name: read_provenance(folder / name) for name in paths.SOURCE_FILES}
    dimensions = read_dimensions(folder / "dimensions.csv")
    provinces = read_provinces(folder / "provinces.csv")
    return Sources(
        dimensions=dimensions,
        provinces=provinces,
        scores=read_scores(folder / "scores.csv", dimensions, provinces),
        national_indicators=read_national_indicators(folder / "national-indicators.csv", dimensions),
        province_mentions=read_province_mentions(folder / "province-mentions.csv", dimensions, provinces),
        topojson=read_topojson(folder / "provinces.topo.json", provinces),
        provenance=provenance,
    )
