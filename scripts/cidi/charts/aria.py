"""What a screen reader hears of a chart's SVG: Vega's own words in Chinese on Chinese charts, and
each mark's label with display names and numbers printed once.

Vega names each title element in English ("Title text '各维度之间的相关性'"); the axes and legends of
the Chinese charts are not described at all (``aria: false`` in their spec, charts/specs.py). A mark's
label is Vega-Lite's list of its encodings and then its tooltip, so it repeats values under raw field
names ("dimension_name: Infrastructure") and unformatted ("Attainment (% ...): 31.9444444444" before
"Attainment %: 31.9"); the repeats are dropped and a number left unformatted goes through the one
formatter. The chart's files are rewritten once they are drawn, so the render cache stays language-blind.
"""
from __future__ import annotations

import re

from cidi.formatting import Formatter, rounded

ZH_PHRASES = ((re.compile(r'aria-label="Title text &#39;(.*?)&#39;"|aria-label="Title text \'(.*?)\'"'), "标题："),
              (re.compile(r'aria-label="Subtitle text &#39;(.*?)&#39;"|aria-label="Subtitle text \'(.*?)\'"'), "副标题："))
ZH_ROLES = {"title": "标题", "subtitle": "副标题", "group mark container": "图形组", "axis": "坐标轴", "legend": "图例"}
ROLE = re.compile(r'aria-roledescription="([^"]*)"')


def localize_svg(svg: str) -> str:
    for pattern, word in ZH_PHRASES:
        svg = pattern.sub(lambda m: f'aria-label="{word}{m.group(1) if m.group(1) is not None else m.group(2)}"', svg)
    return ROLE.sub(lambda m: f'aria-roledescription="{ZH_ROLES.get(m.group(1), m.group(1))}"', svg)


MARK_LABEL = re.compile(r'aria-label="([^"]*)"(?= role="graphics-symbol")')
RAW_KEY = re.compile(r"^[a-z][a-z0-9_]*$")  # a field's name, not a title: dimension_name, mean, a
NUMBER = re.compile(r"^[-\u2212]?\d+(?:\.(\d+))?$")
D3_PERCENT = re.compile(r"^([-\u2212]?\d+(?:\.\d+)?)%$")  # d3's "%" without a precision: 18.000000%
FIRST_WORD = re.compile(r"^[^\s(（]+")


def _number(value: str) -> tuple[float, int] | None:
    """A label value's number and its decimals, if it is a bare number."""
    match = NUMBER.match(value)
    return (float(value.replace("\u2212", "-")), len(match.group(1) or "")) if match else None


def _repeats(value: str, other: str) -> bool:
    """``value`` says what ``other`` says (a number: ``other`` is it rounded)."""
    if value == other:
        return True
    a, b = _number(value), _number(other)
    if a is None or b is None:
        return False
    return float(rounded(a[0], b[1])) == b[0] if a[1] >= b[1] else a[0] == b[0]


def _first_word(key: str) -> str:
    match = FIRST_WORD.match(key)
    return match.group(0).lower() if match else key


def mark_label(label: str, f: Formatter) -> str:
    """One mark's label: a raw field's pair dropped where a titled pair says the same, an axis title's
    pair dropped where a later pair of the same name says it formatted, the rest formatted once."""
    pairs = [part.split(": ", 1) for part in label.split("; ")]
    if len(pairs) < 2 or any(len(pair) != 2 for pair in pairs):
        return label
    kept = []
    for i, (key, value) in enumerate(pairs):
        others = pairs[:i] + pairs[i + 1:]
        if RAW_KEY.match(key) and any(not RAW_KEY.match(k) and _repeats(value, v) for k, v in others):
            continue
        if any(_repeats(value, v) and not RAW_KEY.match(k) and k != key and _first_word(k) == _first_word(key)
               for k, v in pairs[i + 1:]):
            continue
        percent, number = D3_PERCENT.match(value), _number(value)
        if percent:
            value = f.pct(float(percent.group(1).replace("\u2212", "-")))
        elif number is not None and number[1] > 2:
            value = f.corr(number[0]) if _first_word(key[::-1])[::-1].lower() == "r" else f.score(number[0])
        kept.append(f"{key}: {value}")
    return "; ".join(kept)


def label_marks(svg: str, f: Formatter) -> str:
    return MARK_LABEL.sub(lambda m: f'aria-label="{mark_label(m.group(1), f)}"', svg)


def localize_files(files: dict[str, dict[str, bytes]], lang: str) -> dict[str, dict[str, bytes]]:
    """Each chart's SVG and embed SVG with its marks' labels cleaned and Vega's English ARIA words in
    the page's language."""
    f = Formatter(lang)

    def svg(text: str) -> str:
        text = label_marks(text, f)
        return localize_svg(text) if lang == "zh" else text

    return {chart: {suffix: svg(data.decode()).encode() if suffix.endswith("svg") else data
                    for suffix, data in parts.items()} for chart, parts in files.items()}
