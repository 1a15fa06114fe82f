"""Step 1: read and validate the hand-transcribed sources of a datasets folder.

Inputs: the folder's ``*.csv`` sources, one ``*.provenance.yml`` sidecar
per source, and its ``package.yml``: the field constraints there (type, required, unique, enum,
minimum/maximum, decimals, a pattern with its ``rule`` in plain words) are the rules each source
column is checked against, so the published Table Schemas and this loader state every rule once.
Output: a :class:`Sources` bundle of pandas DataFrames, or one :class:`SourceError` listing every
problem found, each naming file, row and line, column, the value as typed and the rule in plain
words. Nothing is written to disk here.

Files saved by Excel or WPS read as if clean: a UTF-8 byte-order mark, CRLF or CR line endings and
blank lines (or rows of empty cells) at the end are ignored, because nobody sees them in an editor.
What a spreadsheet changes visibly (a Chinese Windows encoding, semicolons, full-width digits,
numbers and dates Excel re-typed) is reported with the way to fix it and never silently changed,
so that a source keeps one spelling of each value.
"""
from __future__ import annotations

import copy
import functools

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from cidi import paths

MAX_LISTED = 10  # problems listed per file; the rest are counted ("and 5 more")
TOPICS_BEYOND_DIMENSIONS = ("international", "index")  # national-indicators.topic: a dimension id or these
KINDS = {"string": "text", "integer": "integer", "number": "number", "boolean": "boolean"}
NUMBER = re.compile(r"-?\d+(\.\d+)?")
FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")  # what a Chinese input method types for ASCII
EXCEL_NUMBER = re.compile(r"-?\d+\.0+|-?\d(\.\d+)?[eE][+-]?\d+")  # 110000.0, 1.1E+05
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
EXCEL_DATE = re.compile(rf"(?i)(\d{{1,2}}[- /])?({MONTHS})[a-z]*([- /]\d{{2,4}})?|\d{{1,4}}/\d{{1,2}}(/\d{{1,4}})?"
                        r"|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}年\d{1,2}月(\d{1,2}日)?")  # Jun-17, 2017/6/1, 2017年6月
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}
SAVE_CSV_UTF8 = "in Excel choose Save as › CSV UTF-8; in WPS choose UTF-8"
SAVE_UTF8 = "save it as UTF-8 in your text editor"


# --- problems --------------------------------------------------------------------------------

@dataclass
class Problem:
    """One broken rule, and where: ``row`` counts data rows (1 = first), ``line`` the file's lines."""

    file: str
    rule: str
    row: int | None = None
    line: int | None = None
    column: str | None = None
    value: object = None
    key: str | None = None
    position: int | None = None  # the character column of a YAML error

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" ({self.key})" if self.key else "")
                         + (f" [line {self.line}]" if self.line is not None else ""))
        elif self.line is not None:
            where.append(f"line {self.line}" + (f" ({self.key})" if self.key else ""))
        if self.position is not None:
            where.append(f"column {self.position}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return ", ".join(where) + f": {self.rule}"


class Problems(list):
    def add(self, file: str, rule: str, **where) -> None:
        self.append(Problem(file, rule, **where))


def report(problems: list[Problem]) -> str:
    """One problem as one line; several grouped by file, at most MAX_LISTED each."""
    if len(problems) == 1:
        return str(problems[0])
    files = list(dict.fromkeys(p.file for p in problems))
    lines = [f"{len(problems)} problems in {len(files)} file{'s' if len(files) > 1 else ''}:"]
    for file in files:
        mine = sorted((p for p in problems if p.file == file), key=lambda p: (p.row is not None, p.row or 0))
        lines += [f"  {p}" for p in mine[:MAX_LISTED]]
        if len(mine) > MAX_LISTED:
            lines.append(f"  {file}: and {len(mine) - MAX_LISTED} more")
    return "\n".join(lines)


class SourceError(ValueError):
    """The sources break rules. ``problems`` lists them all; ``file``, ``row``, ``column``, ``value``
    and ``rule`` are those of the first."""

    def __init__(self, file: Path | str | None = None, rule: str | None = None, row: int | None = None,
                 column: str | None = None, value: object = None, key: str | None = None, *,
                 problems: list[Problem] | None = None):
        self.problems = list(problems) if problems else [Problem(str(file), rule, row=row, column=column,
                                                                 value=value, key=key)]
        first = self.problems[0]
        self.file, self.row, self.column, self.value, self.rule = first.file, first.row, first.column, first.value, first.rule
        super().__init__(report(self.problems))


def shown(path: Path) -> str:
    """A path as the person running the build can open it: relative to the current folder when
    it lies inside it, else as given (for messages only)."""
    path = Path(path)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


# --- columns and their rules -----------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """How one source column is read: ``kind`` is text, integer, number or boolean."""

    name: str
    kind: str = "text"
    required: bool = True
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    unique: bool = False
    pattern_rule: str | None = None  # the pattern in plain words with an example, for the message
    minimum: float | None = None
    maximum: float | None = None
    decimals: int | None = None  # a number must be written with exactly this many decimals


class Rules:
    """The input rules of one datasets folder, read from its ``package.yml``."""

    def __init__(self, meta: dict, file: str, problems: Problems):
        self.meta, self.file, self.problems = meta, file, problems

    def _fields(self, resource: str) -> dict | None:
        spec = (self.meta.get("resources") or {}).get(resource) if isinstance(self.meta, dict) else None
        if not isinstance(spec, dict) or not isinstance(spec.get("fields"), dict):
            self.problems.add(self.file, f"needs the resource '{resource}' with its fields under 'resources:' "
                                         "(the rules of a source come from there)")
            return None
        return spec["fields"]

    def _spec(self, resource: str, name: str) -> dict | None:
        fields = self._fields(resource)
        if fields is None:
            return None
        spec = fields.get(name)
        if not isinstance(spec, dict):
            self.problems.add(self.file, f"resource '{resource}' has no field '{name}' "
                                         f"(a column of its source file)")
            return None
        return spec

    def _inherited(self, resource: str, name: str) -> dict:
        """The pattern and rule of the field a foreign key points to (scores.adcode -> provinces.adcode)."""
        for key in self.meta["resources"][resource].get("foreignKeys", []):
            if name in key["fields"]:
                target = key["reference"]
                spec = self._spec(target["resource"], target["fields"][key["fields"].index(name)]) or {}
                return {"pattern": (spec.get("constraints") or {}).get("pattern"), "rule": spec.get("rule")}
        return {}

    def column(self, resource: str, name: str, spec: dict | None = None) -> Column | None:
        spec = spec if spec is not None else self._spec(resource, name)
        if spec is None:
            return None
        place = f"resource '{resource}', field '{name}'"
        kind = KINDS.get(spec.get("type"))
        if kind is None:
            self.problems.add(self.file, f"{place}: type must be one of {', '.join(KINDS)}", value=spec.get("type"))
            return None
        constraints = dict(spec.get("constraints") or {})
        inherited = self._inherited(resource, name) if "pattern" not in constraints else {}
        pattern = constraints.get("pattern", inherited.get("pattern"))
        rule = spec.get("rule", inherited.get("rule"))
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError):
                self.problems.add(self.file, f"{place}: the pattern is not a valid regular expression", value=pattern)
                return None
            if not rule and "pattern" in constraints:  # an inherited pattern is reported at its own field
                self.problems.add(self.file, f"{place}: a pattern needs a 'rule' beside it, the pattern in plain words "
                                             "with an example (it is what the error message says)", value=pattern)
                return None
        return Column(name, kind, required=bool(constraints.get("required")), pattern=pattern,
                      choices=tuple(constraints.get("enum") or ()), unique=bool(constraints.get("unique")),
                      pattern_rule=rule or "like the values of the field its foreign key refers to",
                      minimum=constraints.get("minimum"), maximum=constraints.get("maximum"),
                      decimals=spec.get("decimals") if kind == "number" else None)

    def columns(self, resource: str, names: list[str] | None = None, dimensions: list[str] = ()) -> list[Column] | None:
        """The columns of a source file in file order (default: the resource's field order); the
        placeholder ``$dimensions`` stands for one score column per dimension."""
        fields = self._fields(resource)
        if fields is None:
            return None
        out = []
        for name in names or list(fields):
            if name == "$dimensions":
                spec = self._spec(resource, name)
                made = [self.column(resource, d, {**spec, "constraints": {"required": True}}) if spec else None
                        for d in dimensions]
            else:
                made = [self.column(resource, name)]
            if None in made:
                return None
            out += made
        return out

    def score_tolerance_cents(self) -> int | None:
        """|published total - sum of the six printed scores| may reach the bounds of scores.residual."""
        spec = self._spec("scores", "residual")
        constraints = (spec or {}).get("constraints") or {}
        low, high = constraints.get("minimum"), constraints.get("maximum")
        if not isinstance(low, (int, float)) or not isinstance(high, (int, float)) or low != -high:
            if spec is not None:
                self.problems.add(self.file, "resource 'scores', field 'residual' needs constraints minimum and maximum "
                                             "of opposite sign (the tolerance of a total against its components)")
            return None
        return _cents(str(high))


# --- text, CSV and YAML ----------------------------------------------------------------------

def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text with the invisible differences of Windows editors removed: a UTF-8
    byte-order mark, CRLF or CR line endings, blank lines at the end. None (and a problem) when the
    file is missing, empty or not UTF-8."""
    name, advice = shown(path), SAVE_CSV_UTF8 if path.suffix == ".csv" else SAVE_UTF8
    if not path.is_file():
        problems.add(name, "file is missing")
        return None
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):  # Excel's "CSV UTF-8" and Notepad write one
        raw = raw[3:]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        problems.add(name, f"file is saved as UTF-16 (Excel calls it Unicode Text); {advice}")
        return None
    if not raw.strip():
        problems.add(name, "file is empty" + (" (a header row and data rows are required)" if path.suffix == ".csv" else ""))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            problems.add(name, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); {advice}")
        else:
            problems.add(name, f"file is saved in a Chinese Windows encoding (GBK), not UTF-8 (first on line {line}); "
                               f"{advice}")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"(\n[ \t]*)+\Z", "\n", text)


FAST_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 0.03 s for package.yml instead of 0.2 s
YAML_PROBLEMS = {
    "mapping values are not allowed here": "a colon and a space (': ') where no new key can start; put a value "
                                           "that holds ': ' in double quotes, or check the indentation of this line",
    "could not find expected ':'": "a line that is not 'key: value'; check for a missing ':' or an unclosed quote",
    "found character '\\t' that cannot start any token": "a tab character; indent with spaces",
    "found unexpected end of stream": "a quoted value that is never closed",
    "found undefined alias": "an alias (*name) whose anchor (&name) is not defined above it",
}


@functools.lru_cache(maxsize=64)
def _parse_yaml(text: str):
    """Parse once per distinct text: a build reads eight YAML files, the tests load the sources hundreds of times."""
    return yaml.load(text, Loader=FAST_YAML)


def parse_yaml(text: str):
    """YAML text parsed with libyaml where installed (a copy: callers may change what they get).
    Every YAML file the build reads goes through here; PyYAML's own parser is seven times slower."""
    return copy.deepcopy(_parse_yaml(text))


def read_yaml(path: Path, problems: Problems) -> tuple[dict, str] | None:
    """A YAML mapping and its text, or None (and a problem naming line and column in plain words)."""
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        try:
            data = parse_yaml(text)
        except yaml.YAMLError:  # read again by PyYAML itself, whose messages YAML_PROBLEMS words plainly
            data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or ""
        plain = next((words for start, words in YAML_PROBLEMS.items() if problem.startswith(start)), problem)
        where = {"line": mark.line + 1, "position": mark.column + 1} if mark else {}
        lines = text.split("\n")
        quoted = f" (the line reads {lines[mark.line].strip()!r})" if mark and mark.line < len(lines) else ""
        problems.add(shown(path), f"not valid YAML: {plain}{quoted}", **where)
        return None
    except yaml.YAMLError as exc:
        problems.add(shown(path), f"not valid YAML ({' '.join(str(exc).split())})")
        return None
    if not isinstance(data, dict):
        problems.add(shown(path), "must be a YAML mapping ('key: value' lines)")
        return None
    return data, text


@dataclass
class Table:
    """A source CSV as read: parsed values (None where a cell broke a rule) and the text as typed."""

    file: str
    columns: list[Column]
    frame: pd.DataFrame
    text: list[dict[str, str]]
    lines: list[int]
    keys: list[str | None]
    bad: set[tuple[int, str]]  # (row index, column) of every cell that broke a rule

    def ok(self, i: int, *columns: str) -> bool:
        return not any((i, c) in self.bad for c in columns)

    def column_ok(self, column: str) -> bool:
        return not any(c == column for _, c in self.bad)

    def where(self, i: int, column: str | None = None, value: object = None) -> dict:
        return {"row": i + 1, "line": self.lines[i], "key": self.keys[i], "column": column,
                "value": self.text[i].get(column, "") if value is None and column else value}

    def fail(self, problems: Problems, i: int, column: str, rule: str, value: object = None) -> None:
        problems.add(self.file, rule, **self.where(i, column, value))
        self.bad.add((i, column))


SEPARATORS = {";": "semicolons (;)", "\t": "tabs"}
WRONG_SEPARATOR = "the columns are separated by"


def header_mistakes(header: list[str], expected: list[str], first_line: str) -> list[str]:
    """What is wrong with a header, in plain words; [] when it is exactly ``expected``."""
    if header == expected:
        return []
    for sep, name in SEPARATORS.items():
        if len(header) < len(expected) and sum(c.strip() in expected for c in first_line.split(sep)) >= 2:
            return [f"{WRONG_SEPARATOR} {name}, not commas: the header reads {first_line!r}; "
                    "Excel uses the Windows list separator: set it to a comma (Region › Additional settings › "
                    "List separator) or replace the separators in a text editor, and save again as CSV UTF-8"]
    mistakes = []
    for number, name in enumerate(header, start=1):
        if not name.strip():
            after = f" (after '{header[number - 2]}')" if number > 1 else ""
            mistakes.append(f"column {number}{after} has no name: an empty column; delete it")
    named = [c for c in header if c.strip()]
    for name in dict.fromkeys(named):
        if named.count(name) > 1:
            mistakes.append(f"column '{name}' appears {named.count(name)} times")
    missing = [c for c in expected if c not in header]
    extra = [c for c in dict.fromkeys(named) if c not in expected]
    for found, wanted in zip(header, expected):  # a renamed column: same place, other name
        if found in extra and wanted in missing:
            hint = (" (a space before or after the name)" if found.strip() == wanted
                    else " (names are lower case)" if found.lower() == wanted else "")
            mistakes.append(f"found '{found}' where '{wanted}' was expected{hint}")
            extra.remove(found)
            missing.remove(wanted)
    for name in missing:
        before = expected[expected.index(name) - 1] if expected.index(name) else None
        mistakes.append(f"missing column '{name}'" + (f" (expected after '{before}')" if before else " (expected first)"))
    for name in extra:
        mistakes.append(f"unexpected column '{name}' (column {header.index(name) + 1})")
    if not mistakes:
        mistakes.append("columns are out of order")
    return mistakes


def read_table(path: Path, columns: list[Column], key_column: str | None, problems: Problems,
               defer_unique: tuple[str, ...] = ()) -> Table | None:
    """Read a source CSV and check every cell; None when the header does not allow reading the rows.

    Unique columns in ``defer_unique`` are left to the caller, which knows which row to blame."""
    text = read_text(path, problems)
    if text is None:
        return None
    name = shown(path)
    reader = csv.reader(io.StringIO(text))
    records, start = [], 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.add(name, f"cannot be read as CSV ({exc}); is a double quote never closed?", line=start)
        return None
    while records and not any(c.strip() for c in records[-1][1]):  # blank lines, rows of empty cells
        records.pop()
    expected = [c.name for c in columns]
    header = records[0][1] if records else []
    first_line = text.split("\n", 1)[0]
    mistakes = header_mistakes(header, expected, first_line)
    if mistakes:
        shown_header = "" if mistakes[0].startswith(WRONG_SEPARATOR) else f". The header reads: {first_line}"
        problems.add(name, "; ".join(mistakes) + shown_header, line=1, key="header")
    readable = all(header.count(c) == 1 for c in expected)
    if not readable:
        return None
    body = records[1:]
    if not body:
        problems.add(name, "file has a header but no data rows")
        return None
    index = {c: header.index(c) for c in expected}
    table = Table(name, columns, pd.DataFrame(), [], [line for line, _ in body], [], set())
    rows = []
    for i, (line, cells) in enumerate(body):
        key = cells[index[key_column]] if key_column and len(cells) == len(header) else None
        table.keys.append(key)
        table.text.append(dict(zip(expected, (cells[index[c]] for c in expected))) if len(cells) == len(header) else {})
        record = dict.fromkeys(expected)
        if not any(c.strip() for c in cells):
            problems.add(name, "empty row; delete it", row=i + 1, line=line)
            table.bad.update((i, c) for c in expected)
        elif len(cells) != len(header):
            hint = (" (a double quote opens a value that is never closed, so the lines after it were read as "
                    "part of this row)" if any("\n" in c for c in cells)
                    else " (a value that holds a comma must be in double quotes)" if len(cells) > len(header) else "")
            problems.add(name, f"row has {len(cells)} cells; the header has {len(header)}{hint}", row=i + 1, line=line)
            table.bad.update((i, c) for c in expected)
        else:
            for column in columns:
                try:
                    record[column.name] = _cell(name, i + 1, key, column, cells[index[column.name]])
                except SourceError as error:
                    for problem in error.problems:
                        problem.line = line
                        problems.append(problem)
                    table.bad.add((i, column.name))
        rows.append(record)
    for column in columns:
        if column.unique and column.name not in defer_unique:
            report_duplicates(table, column.name, range(len(body)), problems)
    frame = pd.DataFrame.from_records(rows, columns=expected)
    for column in columns:
        if column.kind == "number":
            frame[column.name] = frame[column.name].astype("float64")
        elif column.kind == "integer":
            whole = column.required and frame[column.name].notna().all()
            frame[column.name] = frame[column.name].astype("int64" if whole else "Int64")
    table.frame = frame
    return table


def report_duplicates(table: Table, column: str, rows, problems: Problems) -> None:
    """A value of a unique column seen again: blamed on the later row, naming the earlier one."""
    seen: dict[str, int] = {}
    for i in rows:
        value = table.text[i].get(column, "")
        if not value or not table.ok(i, column):
            continue
        if value in seen:
            first = seen[value]
            other = f"row {first + 1}" + (f" ({table.keys[first]})" if table.keys[first] else "")
            table.fail(problems, i, column, f"duplicate value; it already appears in {other} "
                                            f"(values in '{column}' must be unique)")
        else:
            seen[value] = i


def _suggest(value: str, choices) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    lower = [c for c in choices if c.lower() == value.lower()]
    return f" (did you mean '{(lower or close)[0]}'?)" if lower or close else ""


def _cell(path: str, row: int, key: str | None, column: Column, cell: str):
    """The value of one cell, or a SourceError naming the rule it breaks in plain words."""
    def fail(rule: str):
        raise SourceError(path, rule, row=row, column=column.name, value=cell, key=key)

    if cell != cell.strip():
        fail("leading or trailing whitespace")
    if cell == "":
        if column.required:
            fail("value is required")
        return None
    strict = column.kind != "text" or column.pattern or column.choices
    if strict and FULL_WIDTH.search(cell):
        fail(f"full-width characters, typed with a Chinese input method: type {unicodedata.normalize('NFKC', cell)} "
             "with half-width characters")
    date = "; Excel may have turned it into a date (format the column as Text)" if EXCEL_DATE.fullmatch(cell) else ""
    if column.kind == "integer" and not re.fullmatch(r"-?\d+", cell):
        fail("must be a whole number, such as 12" + date)
    if column.kind == "number" and not NUMBER.fullmatch(cell):
        scientific = re.fullmatch(r"-?\d+(\.\d+)?[eE][+-]?\d+", cell)
        fail("must be a decimal number (digits with an optional '.' and decimals, no thousands separator)"
             + ("; Excel may have written it in scientific notation (format the column as Number)" if scientific
                else date))
    if column.kind == "boolean" and cell not in ("true", "false"):
        fail("must be true or false" + (" (in lower case; Excel writes TRUE and FALSE)"
                                        if cell.lower() in ("true", "false") else ""))
    if column.decimals is not None and len(cell.partition(".")[2]) != column.decimals:
        example = Decimal(cell).quantize(Decimal(1).scaleb(-column.decimals))
        fewer = len(cell.partition(".")[2]) < column.decimals
        fail(f"must be written with exactly {NUMBER_WORDS.get(column.decimals, column.decimals)} decimals, as printed "
             f"in the report, such as {example}"
             + (f"; Excel drops zeros at the end: give the column {column.decimals} decimal places" if fewer else ""))
    if column.pattern and not re.fullmatch(column.pattern, cell):
        fail(f"must be {column.pattern_rule}"
             + (", typed as text; Excel may have turned it into a number (format the column as Text)"
                if EXCEL_NUMBER.fullmatch(cell) else date))
    if column.choices and cell not in column.choices:
        fail(f"must be one of: {', '.join(column.choices)}" + _suggest(cell, column.choices))
    value = {"integer": int, "number": float, "boolean": lambda c: c == "true"}.get(column.kind, str)(cell)
    low, high = column.minimum, column.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        fail(f"must lie between {low} and {high}" if low is not None and high is not None
             else f"must be at least {low}" if low is not None else f"must be at most {high}")
    return value


def _cents(text: str) -> int:
    return int((Decimal(text) * 100).to_integral_value())


# --- the sources -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Sources:
    dimensions: pd.DataFrame
    provinces: pd.DataFrame
    scores: pd.DataFrame
    national_indicators: pd.DataFrame
    province_mentions: pd.DataFrame
    tiles: pd.DataFrame  # the tile map's grid (tile-layout.csv)
    provenance: dict[str, dict]
    provenance_text: dict[str, str] = field(default_factory=dict)  # each sidecar as read (no BOM, LF)
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    score_tolerance: float | None = None  # |total - sum of the scores| allowed for rounding (package.yml, scores.residual)
    regions: tuple[str, ...] = ()  # the NBS regions in package.yml order (the enum of provinces.nbs_region)


def read_dimensions(path: Path, rules: Rules, problems: Problems) -> Table | None:
    columns = rules.columns("dimensions")
    table = columns and read_table(path, columns, "id", problems)
    if not table:
        return None
    frame = table.frame
    if table.column_ok("weight") and frame["weight"].sum() != 100:
        problems.add(table.file, f"weights must sum to 100; they sum to {frame['weight'].sum()}", column="weight",
                     value=" + ".join(str(w) for w in frame["weight"]))
    if table.column_ok("order") and sorted(frame["order"]) != list(range(1, len(frame) + 1)):
        problems.add(table.file, f"order must number the dimensions 1..{len(frame)}", column="order")
    return table


def read_provinces(path: Path, rules: Rules, problems: Problems) -> Table | None:
    columns = rules.columns("provinces")
    table = columns and read_table(path, columns, "adcode", problems)
    if not table:
        return None
    for i, record in enumerate(table.frame.itertuples(index=False)):
        if not table.ok(i, "assessed", "nbs_region", "name_in_report"):
            continue
        if record.assessed and (pd.isna(record.nbs_region) or pd.isna(record.name_in_report)):
            table.fail(problems, i, "nbs_region", "an assessed province needs nbs_region and name_in_report")
        if not record.assessed and not pd.isna(record.nbs_region):
            table.fail(problems, i, "nbs_region", "a division the report does not assess has no NBS region")
    return table


def usable(table: Table | None, *columns: str) -> pd.DataFrame | None:
    """A table other files may be checked against: read, and these columns without a problem."""
    return table.frame if table is not None and all(table.column_ok(c) for c in columns) else None


def read_scores(path: Path, rules: Rules, problems: Problems, dimensions: pd.DataFrame | None,
                provinces: pd.DataFrame | None, provinces_file: str) -> Table | None:
    """Table 2 with the checks of the methodology: ranges, totals against components, ranks against totals."""
    if dimensions is None:  # the score columns are the dimensions: check scores.csv once they read
        return None
    dims = list(dimensions["id"])
    maximum = dict(zip(dimensions["id"], dimensions["weight"]))
    columns = rules.columns("scores", ["rank", "province", "adcode", "$dimensions", "total"], dims)
    tolerance = rules.score_tolerance_cents()
    table = columns and read_table(path, columns, "province", problems, defer_unique=("province", "adcode"))
    if not table:
        return None
    consistent = []  # rows whose name and code agree: the rows a duplicate is blamed against
    code_trouble = not table.column_ok("adcode")
    known = provinces.set_index("adcode") if provinces is not None else None
    for i, record in enumerate(table.text):
        if not record:
            continue
        code = record["adcode"]
        if known is not None and table.ok(i, "adcode"):
            if code not in known.index:
                table.fail(problems, i, "adcode", f"unknown province code (not in {provinces_file})")
                code_trouble = True
            elif not known.loc[code, "assessed"]:
                table.fail(problems, i, "adcode",
                           f"{known.loc[code, 'name_en']} is not assessed by the report and cannot have scores")
                code_trouble = True
            elif table.ok(i, "province") and known.loc[code, "name_in_report"] != record["province"]:
                table.fail(problems, i, "province", f"name does not match adcode {code} "
                                                    f"({provinces_file} prints it as {known.loc[code, 'name_in_report']!r})")
                code_trouble = True  # which province the row is, is in doubt
            else:
                consistent.append(i)
        for dim in dims:
            if table.ok(i, dim) and not 0 <= Decimal(record[dim]) <= maximum[dim]:
                table.fail(problems, i, dim, f"score must lie between 0 and the dimension's maximum {maximum[dim]} "
                                             f"(its weight in points)")
        if tolerance is not None and table.ok(i, *dims, "total"):
            components = sum(_cents(record[d]) for d in dims)
            difference = abs(components - _cents(record["total"]))
            if difference > tolerance:
                table.fail(problems, i, "total", f"total does not match its components: the six dimension scores add "
                                                 f"up to {components / 100:.2f}, a difference of {difference / 100:.2f} "
                                                 f"(tolerance {tolerance / 100:.2f})")
    if provinces is None:
        consistent = range(len(table.text))
    for column in ("province", "adcode"):
        before = len(problems)
        report_duplicates(table, column, consistent, problems)
        code_trouble |= column == "adcode" and len(problems) > before
    frame = table.frame
    if provinces is not None and not code_trouble:
        assessed = provinces[provinces["assessed"].astype(bool)].set_index("adcode")
        missing = sorted(set(assessed.index) - set(frame["adcode"]))
        if missing:
            names = [assessed.loc[c, "name_en"] for c in missing]
            problems.add(table.file, f"missing province(s) {names}: every assessed province needs one row",
                         column="adcode", value=", ".join(missing))
    n = len(frame)
    if code_trouble or not table.column_ok("rank"):  # ranks are judged once every row is an assessed province
        return table
    if sorted(frame["rank"]) != list(range(1, n + 1)):
        problems.add(table.file, f"published ranks must be 1..{n}, each once", column="rank",
                     value=", ".join(str(r) for r in sorted(frame["rank"])))
    elif table.column_ok("total"):
        by_rank = sorted(range(n), key=lambda i: frame["rank"][i])
        for upper, lower in zip(by_rank, by_rank[1:]):
            if _cents(table.text[lower]["total"]) > _cents(table.text[upper]["total"]):
                table.fail(problems, lower, "rank", f"rank is not consistent with the totals: rank {frame['rank'][lower]} "
                                                    f"has a higher total than rank {frame['rank'][upper]} "
                                                    f"({frame['province'][upper]}, {table.text[upper]['total']})")
    return table


def read_units(path: Path, problems: Problems) -> Table | None:
    """The unit vocabulary: each unit in English and Chinese, with its base unit and factor."""
    columns = [Column("unit"), Column("unit_zh"), Column("base_unit"), Column("base_unit_zh"),
               Column("factor", "number")]
    table = read_table(path, columns, "unit", problems)
    if not table:
        return None
    seen = {}
    for i, record in enumerate(table.text):
        if not record:
            continue
        pair = (record["unit"], record["unit_zh"])
        if pair in seen:
            table.fail(problems, i, "unit_zh", f"duplicate unit; row {seen[pair] + 1} already has "
                                               f"{pair[0]!r} with {pair[1]!r}")
        seen.setdefault(pair, i)
        if table.ok(i, "factor") and not Decimal(record["factor"]) > 0:
            table.fail(problems, i, "factor", "factor must be greater than 0")
    return table


def _exact(value) -> Decimal:
    """A number of a source file as an exact decimal (a cell's text, or a float read from one)."""
    return Decimal(value) if isinstance(value, str) else Decimal(format(float(value), ".12g"))


def read_national_indicators(path: Path, rules: Rules, problems: Problems, dimensions: pd.DataFrame | None,
                             units: pd.DataFrame | None, units_file: str,
                             checked_factors: bool = True) -> Table | None:
    columns = rules.columns("national-indicators")
    if columns and dimensions is not None:
        topics = tuple(dimensions["id"]) + TOPICS_BEYOND_DIMENSIONS
        columns = [replace(c, choices=topics) if c.name == "topic" else c for c in columns]
    table = columns and read_table(path, columns, "id", problems)
    if not table:
        return None
    vocabulary: dict[str, list[str]] = {}
    factors: dict[tuple[str, str], float] = {}
    for unit, unit_zh, factor in (zip(units["unit"], units["unit_zh"], units["factor"]) if units is not None else ()):
        vocabulary.setdefault(unit, []).append(unit_zh)
        if checked_factors:  # value_base is judged only against factors that passed their own check
            factors[(unit, unit_zh)] = factor
    for i, record in enumerate(table.frame.itertuples(index=False)):
        if not table.text[i]:
            continue
        if table.ok(i, "flag", "note") and not pd.isna(record.flag) and pd.isna(record.note):
            table.fail(problems, i, "note", "a flagged figure needs a note giving the reason")
        if table.ok(i, "note", "note_zh") and pd.isna(record.note) != pd.isna(record.note_zh):
            if pd.isna(record.note_zh):
                table.fail(problems, i, "note_zh", "a note needs its Chinese translation in note_zh")
            else:
                table.fail(problems, i, "note_zh", "note_zh must be empty when note is empty (it translates the note)")
        if units is None or not table.ok(i, "unit", "unit_zh"):
            continue
        if record.unit not in vocabulary:
            table.fail(problems, i, "unit", f"unknown unit{_suggest(record.unit, vocabulary)}; the units in "
                                            f"{units_file} are: {', '.join(sorted(vocabulary, key=str.lower))} "
                                            f"(add a new unit there first)")
        elif record.unit_zh not in vocabulary[record.unit]:
            table.fail(problems, i, "unit_zh", f"not a Chinese form of the unit {record.unit!r} in {units_file}; "
                                               f"it lists: {', '.join(vocabulary[record.unit])}")
        elif table.ok(i, "value", "value_base") and not pd.isna(factor := factors.get((record.unit, record.unit_zh), float("nan"))):
            expected = _exact(table.text[i]["value"]) * _exact(factor)
            if _exact(table.text[i]["value_base"]) != expected:
                table.fail(problems, i, "value_base", f"must be value × the factor of {record.unit!r} in {units_file}: "
                                                      f"{table.text[i]['value']} × {_exact(factor):f} = {expected.normalize():f}")
    return table


def read_province_mentions(path: Path, rules: Rules, problems: Problems, dimensions: pd.DataFrame | None,
                           provinces: pd.DataFrame | None) -> Table | None:
    columns = rules.columns("province-mentions")
    if columns and dimensions is not None:
        columns = [replace(c, choices=tuple(dimensions["id"])) if c.name == "dimension" else c for c in columns]
    table = columns and read_table(path, columns, "mention_id", problems)
    if not table or provinces is None:
        return table
    assessed = set(provinces.loc[provinces["assessed"].astype(bool), "adcode"])
    for i, code in enumerate(table.frame["adcode"]):
        if table.ok(i, "adcode") and code not in assessed:
            table.fail(problems, i, "adcode", "unknown or not assessed province code")
    return table


def read_tile_layout(path: Path, problems: Problems, provinces: pd.DataFrame | None,
                     provinces_file: str) -> Table | None:
    """The tile map's grid: each division of ``provinces`` once, at a cell (whole numbers) no other takes."""
    columns = [Column("adcode", pattern="[0-9]{6}", pattern_rule="six digits, such as 110000", unique=True),
               Column("column", "integer", minimum=0), Column("row", "integer", minimum=0),
               Column("label_en", unique=True)]
    table = read_table(path, columns, "adcode", problems)
    if not table:
        return None
    known = set(provinces["adcode"]) if provinces is not None else None
    taken: dict[tuple[int, int], int] = {}
    for i, record in enumerate(table.text):
        if not record:
            continue
        if known is not None and table.ok(i, "adcode") and record["adcode"] not in known:
            table.fail(problems, i, "adcode", f"unknown division code (not in {provinces_file})")
        if table.ok(i, "column", "row"):
            cell = (int(record["column"]), int(record["row"]))
            if cell in taken:
                first = taken[cell]
                table.fail(problems, i, "row", f"cell (column {cell[0]}, row {cell[1]}) is already taken by row "
                                               f"{first + 1} (adcode {table.text[first]['adcode']}); every division "
                                               f"needs its own cell")
            taken.setdefault(cell, i)
    if known is not None and table.column_ok("adcode"):
        missing = sorted(known - set(table.frame["adcode"]))
        if missing:
            names = dict(zip(provinces["adcode"], provinces["name_en"]))
            problems.add(table.file, f"missing division(s) {[names[c] for c in missing]}: every one of the "
                                     f"{len(known)} divisions in {provinces_file} needs one tile",
                         column="adcode", value=", ".join(missing))
    return table


def check_land_neighbours(meta: dict, sidecar: str, provinces: pd.DataFrame | None) -> list[Problem]:
    """The real land neighbours listed in the tile layout's sidecar: every division, known codes, each pair both ways."""
    listed = meta.get("land_neighbours")
    if not isinstance(listed, dict):
        return [Problem(sidecar, "needs land_neighbours: each division's code with the list of codes it shares a "
                                 "land boundary with", column="land_neighbours")]
    found = []
    known = set(provinces["adcode"]) if provinces is not None else set(listed)
    for code in sorted(known - set(listed)):
        found.append(Problem(sidecar, "division missing from land_neighbours (list it, with [] if it has no land "
                                      "neighbour)", column="land_neighbours", value=code))
    for code, neighbours in listed.items():
        if code not in known:
            found.append(Problem(sidecar, "unknown division code", column="land_neighbours", value=code))
            continue
        for other in neighbours or []:
            if other not in known:
                found.append(Problem(sidecar, f"unknown division code among the neighbours of {code}",
                                     column="land_neighbours", value=other))
            elif code not in (listed.get(other) or []):
                found.append(Problem(sidecar, f"{code} lists {other} as a neighbour, but {other} does not list "
                                              f"{code}; list every pair from both sides", column="land_neighbours",
                                     value=other))
    return found


def read_provenance(source: Path, problems: Problems) -> tuple[dict, str] | None:
    sidecar = paths.provenance_of(source)
    if not sidecar.exists():
        problems.add(shown(source), f"provenance sidecar {sidecar.name} is missing; every source needs one")
        return None
    read = read_yaml(sidecar, problems)
    if read is None:
        return None
    meta, text = read
    for name in ("file", "title", "source", "transcription", "known_issues"):
        if name not in meta:
            problems.add(shown(sidecar), f"provenance sidecar lacks the field '{name}'", column=name)
    if "file" in meta and meta["file"] != source.name:
        problems.add(shown(sidecar), f"provenance sidecar describes {meta['file']!r}, not {source.name!r}",
                     column="file", value=meta["file"])
    return meta, text


def load_sources(folder: Path = paths.DATASETS) -> Sources:
    """Read every source in ``folder`` and check it completely; raise one :class:`SourceError`
    listing every problem found."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(shown(folder), "the datasets folder does not exist")
    problems = Problems()
    package = read_yaml(folder / "package.yml", problems)
    provenance = {name: read_provenance(folder / name, problems) for name in paths.SOURCE_FILES}
    if package is None:
        raise SourceError(problems=problems)
    rules = Rules(package[0], shown(folder / "package.yml"), problems)
    dimensions = read_dimensions(folder / "dimensions.csv", rules, problems)
    provinces = read_provinces(folder / "provinces.csv", rules, problems)
    units = read_units(folder / "units.csv", problems)
    dims = usable(dimensions, "id", "weight")
    if dims is not None and dimensions.column_ok("order"):
        dims = dims.sort_values("order")  # the score columns follow Table 1's order
    places = usable(provinces, "adcode", "assessed", "name_en", "name_in_report")
    scores = read_scores(folder / "scores.csv", rules, problems, dims, places, shown(folder / "provinces.csv"))
    national = read_national_indicators(folder / "national-indicators.csv", rules, problems, dims,
                                        usable(units, "unit", "unit_zh"), shown(folder / "units.csv"),
                                        checked_factors=usable(units, "factor") is not None)
    mentions = read_province_mentions(folder / "province-mentions.csv", rules, problems, dims, places)
    tiles = read_tile_layout(folder / "tile-layout.csv", problems, usable(provinces, "adcode", "name_en"),
                             shown(folder / "provinces.csv"))
    if provenance.get("tile-layout.csv") is not None:
        for problem in check_land_neighbours(provenance["tile-layout.csv"][0],
                                             shown(paths.provenance_of(folder / "tile-layout.csv")),
                                             usable(provinces, "adcode")):
            problems.append(problem)
    if problems:
        raise SourceError(problems=problems)
    tolerance = rules.score_tolerance_cents()
    return Sources(
        dimensions=dimensions.frame.sort_values("order").reset_index(drop=True),
        provinces=provinces.frame,
        scores=scores.frame,
        national_indicators=national.frame,
        province_mentions=mentions.frame,
        tiles=tiles.frame,
        provenance={name: read[0] for name, read in provenance.items()},
        provenance_text={name: read[1] for name, read in provenance.items()},
        units=units.frame,
        score_tolerance=None if tolerance is None else tolerance / 100,
        regions=tuple((rules._spec("provinces", "nbs_region") or {}).get("constraints", {}).get("enum") or ()),
    )
