"""Vega's own words inside a Chinese chart's SVG, in Chinese.

Vega names each title element in English ("Title text '各维度之间的相关性'"); the axes and legends of
the Chinese charts are not described at all (``aria: false`` in their spec, charts/specs.py). The
chart's files are rewritten once they are drawn, so the render cache stays language-blind.
"""
from __future__ import annotations

import re

ZH_PHRASES = ((re.compile(r'aria-label="Title text &#39;(.*?)&#39;"|aria-label="Title text \'(.*?)\'"'), "标题："),
              (re.compile(r'aria-label="Subtitle text &#39;(.*?)&#39;"|aria-label="Subtitle text \'(.*?)\'"'), "副标题："))
ZH_ROLES = {"title": "标题", "subtitle": "副标题", "group mark container": "图形组", "axis": "坐标轴", "legend": "图例"}
ROLE = re.compile(r'aria-roledescription="([^"]*)"')


def localize_svg(svg: str) -> str:
    for pattern, word in ZH_PHRASES:
        svg = pattern.sub(lambda m: f'aria-label="{word}{m.group(1) if m.group(1) is not None else m.group(2)}"', svg)
    return ROLE.sub(lambda m: f'aria-roledescription="{ZH_ROLES.get(m.group(1), m.group(1))}"', svg)


def localize_files(files: dict[str, dict[str, bytes]], lang: str) -> dict[str, dict[str, bytes]]:
    """Each chart's SVG and embed SVG with Vega's English ARIA words in the page's language."""
    if lang != "zh":
        return files
    return {chart: {suffix: localize_svg(data.decode()).encode() if suffix.endswith("svg") else data
                    for suffix, data in parts.items()} for chart, parts in files.items()}
