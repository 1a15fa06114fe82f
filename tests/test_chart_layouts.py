"""Charts drawn for the width they are shown at (issues 13 and 17): every chart has a narrow layout
for a phone, no wider than a 360-px screen's column, whose text is never below 12 px; the embed
code's fixed height holds the whole embed page at every width a CMS may give it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cidi.charts.narrow import text_width, wrap

SVG_WIDTH = re.compile(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"')
FONT_SIZE = re.compile(r'font-size="([\d.]+)(?:px)?"')


def narrow_files(site_dir: Path, lang: str) -> list[Path]:
    folder = site_dir / "charts" if lang == "en" else site_dir / lang / "charts"
    files = sorted(p for p in folder.glob("*.narrow.svg") if not p.name.endswith(".embed.narrow.svg"))
    assert len(files) > 80, "a narrow layout of every chart"
    return files


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_narrow_layout_fits_a_phone_and_prints_no_text_below_12_px(site_dir, lang):
    too_wide, too_small = [], []
    for path in narrow_files(site_dir, lang):
        for suffix in ("narrow.svg", "embed.narrow.svg"):
            svg = path.with_name(path.name.replace("narrow.svg", suffix)).read_text(encoding="utf-8")
            width = float(SVG_WIDTH.search(svg).group(1))
            if width > 340:
                too_wide.append(f"{path.name.replace('narrow.svg', suffix)}: {width:g} px")
            sizes = [float(s) for s in FONT_SIZE.findall(svg)]
            assert sizes, f"{path.name}: no text found"
            if min(sizes) < 12:
                too_small.append(f"{path.name}: {min(sizes):g} px")
    assert not too_wide, f"narrow layouts wider than 340 px: {too_wide}"
    assert not too_small, f"narrow layouts with text below 12 px: {too_small}"


def test_narrow_layouts_use_the_width_they_are_given(site_dir):
    """A narrow layout fills its 320 px (not a wide chart shrunk): at least 300 px wide."""
    narrow = [float(SVG_WIDTH.search(p.read_text(encoding="utf-8")).group(1)) for p in narrow_files(site_dir, "en")]
    assert min(narrow) >= 300, min(narrow)


def test_site_pages_choose_the_layout_without_script(site_dir):
    page = (site_dir / "dimensions" / "innovation" / "index.html").read_text(encoding="utf-8")
    picture = re.search(r'<picture><source media="\(max-width: (\d+)px\)" srcset="([^"]+)" width="(\d+)" '
                        r'height="(\d+)"><img src="([^"]+)"[^>]* width="(\d+)" height="(\d+)"', page)
    assert picture, "a <picture> with the narrow drawing for narrow screens"
    below, narrow, _w, _h, wide, width, _h2 = picture.groups()
    assert narrow.endswith(".narrow.svg") and wide.endswith(".svg") and not wide.endswith("narrow.svg")
    # the wide drawing shows only where its 12-px text keeps at least 11 px in the page's column
    assert 12 * (int(below) + 1 - 32) / int(width) >= 11 - 0.1


def test_wrap_breaks_latin_at_spaces_and_chinese_between_characters():
    lines = wrap("Total score of every province, placed roughly as on a map", 12, 120)
    assert " ".join(lines) == "Total score of every province, placed roughly as on a map"
    assert all(text_width(line, 12) <= 120 for line in lines) and len(lines) > 1
    zh = wrap("每个省份一个方格，大致按地图位置排列。灰色：未评估。", 12, 100)
    assert "".join(zh) == "每个省份一个方格，大致按地图位置排列。灰色：未评估。"
    assert not any(line.startswith(("，", "。", "：")) for line in zh), "no line opens with a punctuation mark"
