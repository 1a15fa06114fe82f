"""What a screen reader hears of a chart: each mark's label, written into the spec from the one
formatter (:func:`describe_marks`, the same words in the static SVG and the live Vega view), and Vega's
own words in Chinese on Chinese charts.

Vega names each title element in English ("Title text '各维度之间的相关性'"); the axes and legends of
the Chinese charts are not described at all (``aria: false`` in their spec, charts/specs.py), and
:func:`localize_files` rewrites the rest once a chart is drawn.
"""
from __future__ import annotations

import json
import re

from cidi.formatting import Formatter, decimal_text

ZH_PHRASES = ((re.compile(r'aria-label="Title text &#39;(.*?)&#39;"|aria-label="Title text \'(.*?)\'"'), "标题："),
              (re.compile(r'aria-label="Subtitle text &#39;(.*?)&#39;"|aria-label="Subtitle text \'(.*?)\'"'), "副标题："))
ZH_ROLES = {"title": "标题", "subtitle": "副标题", "group mark container": "图形组", "axis": "坐标轴", "legend": "图例"}
ROLE = re.compile(r'aria-roledescription="([^"]*)"')


def localize_svg(svg: str) -> str:
    for pattern, word in ZH_PHRASES:
        svg = pattern.sub(lambda m: f'aria-label="{word}{m.group(1) if m.group(1) is not None else m.group(2)}"', svg)
    return ROLE.sub(lambda m: f'aria-roledescription="{ZH_ROLES.get(m.group(1), m.group(1))}"', svg)


def localize_files(files: dict[str, dict[str, bytes]], lang: str) -> dict[str, dict[str, bytes]]:
    """Each chart's SVGs with Vega's English ARIA words in the page's language (Chinese); the marks'
    labels come from the spec (:func:`describe_marks`). The render cache stays language-blind."""
    if lang != "zh":
        return files
    return {chart: {suffix: localize_svg(data.decode()).encode() if suffix.endswith("svg") else data
                    for suffix, data in parts.items()} for chart, parts in files.items()}


# --- what the marks say, written into the spec ------------------------------------------------------
# Vega-Lite's own label of a mark lists every encoding under its field's name ("dimension_name",
# "order: 0", "rank2") with the numbers unformatted, and its tooltips format with d3 ("10.680000%" for
# a bare "%"). So each mark with a tooltip gets its tooltip's values as text from the one formatter
# (new fields beside the data) and a description (its label) joining the same pairs; a mark whose
# values the browser computes (the explorer's sliders) gets a description expression of its tooltip;
# a mark without a tooltip is decoration (what it shows is in another mark's label and the data
# table) and is hidden from screen readers.

SEPARATORS = {"en": (": ", "; "), "zh": ("：", "；")}
KEEPS_FIELDS = {"filter"}  # transforms after which every row still has the fields it had


def tooltip_text(value, entry: dict, f: Formatter, na: str, none: str) -> str:
    """One tooltip value as the page prints it: the entry's d3 format read as the formatter's kind;
    ``na`` for a missing number (not assessed), ``none`` for an empty list."""
    if value is None or (isinstance(value, float) and value != value):
        return na
    if value == "":
        return none
    if entry.get("type") != "quantitative" or isinstance(value, str):
        return str(value)
    spec = entry.get("format", "")
    if spec.endswith("%"):  # a fraction shown in per cent ("%" alone is d3's six decimals)
        return f.share(value, int(spec[1:-1]) if spec[1:-1] else 1)
    match = re.fullmatch(r"\.(\d)f", spec)
    if match:
        return decimal_text(value, int(match.group(1)))
    if spec == "d" or float(value).is_integer():
        return f.rank(value)
    return f.score(value)


def _rows_keep_fields(transforms: list[dict], fields: set[str]) -> bool:
    return all(next(iter(t)) in KEEPS_FIELDS or (set(t) == {"calculate", "as"} and t["as"] not in fields)
               for t in transforms)


def _expression(tooltip: list[dict], separators: tuple[str, str]) -> str:
    """A Vega expression of the mark's label from its tooltip (values computed in the browser)."""
    key, gap = separators

    def pair(entry: dict) -> str:
        field = f"datum[{json.dumps(entry['field'])}]"
        value = (f"format({field}, {json.dumps(entry['format'])})" if entry.get("type") == "quantitative"
                 and entry.get("format") else f"'' + {field}")
        return f"{json.dumps(entry.get('title', entry['field']) + key, ensure_ascii=False)} + {value}"

    return f" + {json.dumps(gap, ensure_ascii=False)} + ".join(pair(entry) for entry in tooltip)


def describe_marks(spec: dict, L) -> dict:
    """``spec`` (a finished Vega-Lite spec, its rows in ``datasets``) with every mark's tooltip text and
    label as described above. The rows gain columns ``_t<mark>_<i>``: a tooltip's texts, where they differ
    from the field's own strings; the label is an expression joining them."""
    f, na, none, separators = L.f, L.t("chart.tiles.na"), L.t("word.none"), SEPARATORS[L.code]
    datasets = spec.get("datasets", {})
    counter = [0]

    def rows_of(data) -> list[dict] | None:
        if not isinstance(data, dict):
            return None
        if "name" in data:
            return datasets.get(data["name"])
        return data.get("values") if isinstance(data.get("values"), list) else None

    def unit(node: dict, data, transforms: list[dict]) -> None:
        mark = node["mark"] if isinstance(node["mark"], dict) else {"type": node["mark"]}
        encoding = node.setdefault("encoding", {})
        tooltip = encoding.get("tooltip")
        if not isinstance(tooltip, list) or not tooltip:
            if mark.get("aria") is not False and "description" not in encoding:
                node["mark"] = {**mark, "aria": False}
            return
        rows = rows_of(data)
        fields = {entry["field"] for entry in tooltip}
        if rows and all(fields <= row.keys() for row in rows) and _rows_keep_fields(transforms, fields):
            k = counter[0]
            counter[0] += 1
            texts = []
            for i, entry in enumerate(tooltip):
                name, field = f"_t{k}_{i}", entry["field"]
                printed = [tooltip_text(row[field], entry, f, na, none) for row in rows]
                same = [key for key in rows[0] if all(row.get(key) == text for row, text in zip(rows, printed))]
                if same:  # a name prints as it is, a value may be printed already (a bar's label): no second copy
                    name = field if field in same else same[0]
                else:
                    for row, text in zip(rows, printed):
                        row[name] = text
                texts.append({"field": name, "type": "nominal", "title": entry.get("title", field)})
            encoding["tooltip"] = texts
            if "description" not in encoding:  # the label: the same texts, joined in the browser
                encoding["description"] = {"value": {"expr": _expression(texts, separators)}}
        elif "description" not in encoding:
            encoding["description"] = {"value": {"expr": _expression(tooltip, separators)}}

    def walk(node, data, transforms: list[dict]) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child, data, transforms)
            return
        if not isinstance(node, dict):
            return
        data = node.get("data", data)
        transforms = ([] if "data" in node else transforms) + node.get("transform", [])
        if "mark" in node:
            unit(node, data, transforms)
        for key in ("layer", "vconcat", "hconcat", "concat"):
            if key in node:
                walk(node[key], data, transforms)

    # each dataset's rows copied once: a mark's new columns must not reach the rows of another chart
    for name in list(datasets):
        datasets[name] = [dict(row) for row in datasets[name]]
    walk(spec, spec.get("data"), [])
    return spec
