"""The benchmark's helpers: step lines, the repository copy, page weight, synthetic datasets, memory guard.

Fast: nothing here builds the site or runs a benchmark.
"""
from __future__ import annotations

import re

import pytest

from cidi import paths
from cidi.bench import pages, report, run, scale, synthetic
from cidi.load_sources import SourceError, load_sources


def test_parse_steps_reads_step_lines_and_ignores_the_rest():
    output = (
        "step load_sources         0.085 s\n"
        "Building prefix dict from the default dictionary ...\n"
        "step robustness           1.500 s\n"
        "step make_charts          3.863 s\n"
        "step robustness           0.250 s\n"  # printed twice: summed, 1.5 + 0.25 = 1.75
        "stepping stones 2 s\n"
        "step total               45.850 s\n"
        "built /tmp/site\n"
    )
    assert run.parse_steps(output) == {"load_sources": 0.085, "robustness": 1.75, "make_charts": 3.863,
                                         "total": 45.85}
    assert list(run.parse_steps(output)) == ["load_sources", "robustness", "make_charts", "total"]
    assert run.parse_steps("") == {}


@pytest.mark.parametrize("page, href, expected", [
    ("provinces/guangdong/index.html", "../../assets/css/cidi.css", "assets/css/cidi.css"),
    ("provinces/guangdong/index.html", "../../charts/a.svg?v=2#top", "charts/a.svg"),
    ("provinces/guangdong/index.html", "cidi-guangdong.csv", "provinces/guangdong/cidi-guangdong.csv"),
    ("provinces/guangdong/index.html", "../", "provinces/index.html"),
    ("provinces/guangdong/index.html", "/assets/js/vega.min.js", "assets/js/vega.min.js"),
    ("index.html", "charts/map-total.svg", "charts/map-total.svg"),
    ("index.html", "./", "index.html"),
    ("embed/map-total/index.html", "../../assets/js/cidi-embed.js", "assets/js/cidi-embed.js"),
    ("index.html", "https://cdn.example.org/vega.js", None),
    ("index.html", "//cdn.example.org/vega.js", None),
    ("index.html", "data:image/svg+xml;base64,AAAA", None),
])
def test_resolve_relative_urls_against_the_page(page, href, expected):
    assert pages.resolve(page, href) == expected


def test_page_weight_counts_first_view_then_charts(tmp_path):
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "charts").mkdir()
    files = {
        "a.css": b"body{color:red}" * 10,  # 150 B
        "b.js": b"var x=1;" * 20,  # 160 B
        "charts/c.svg": b"<svg></svg>",  # 11 B
        "v.js": b"vega();" * 100,  # 700 B
        "charts/c.vg.json": b'{"marks":[]}',  # 12 B
        "icon.png": b"not counted",
    }
    for name, data in files.items():
        (site / name).write_bytes(data)
    html = (
        '<html><head><link rel="stylesheet" href="../a.css"><link rel="icon" href="../icon.png">'
        '<link rel="preload stylesheet" href="../a.css">'  # the same file twice: counted once
        '<script src="../b.js"></script><script src="https://cdn.example.org/x.js"></script></head><body>'
        '<figure class="cidi-chart" data-spec="../charts/c.vg.json" data-vega="../v.js">'
        '<img src="../charts/c.svg" alt=""></figure><img src="../missing.png"></body></html>'
    ).encode()
    (site / "sub" / "index.html").write_bytes(html)

    weight = pages.page_weight(site, "sub/index.html")

    gz = pages.gzip_size
    first_view = ["a.css", "b.js", "charts/c.svg"]
    assert weight.static_raw == len(html) + 150 + 160 + 11
    assert weight.static_gzip == gz(html) + sum(gz(files[f]) for f in first_view)
    assert weight.interactive_raw == weight.static_raw + 700 + 12
    assert weight.interactive_gzip == weight.static_gzip + gz(files["v.js"]) + gz(files["charts/c.vg.json"])
    assert weight.requests == 4  # the page, a.css, b.js, c.svg
    assert weight.charts == 1
    assert weight.missing == ["missing.png"]
    assert weight.external == ["https://cdn.example.org/x.js"]


def test_page_weight_falls_back_to_the_site_vega_when_a_figure_names_none(tmp_path):
    (tmp_path / "assets" / "js").mkdir(parents=True)
    (tmp_path / "assets" / "js" / "vega.min.js").write_bytes(b"x" * 1000)
    (tmp_path / "s.vg.json").write_bytes(b"{}")
    html = b'<figure class="cidi-chart" data-spec="s.vg.json"></figure>'
    (tmp_path / "index.html").write_bytes(html)
    weight = pages.page_weight(tmp_path, "index.html")
    assert weight.interactive_raw - weight.static_raw == 1000 + 2


def test_figure_lines_carry_budget_and_verdict():
    assert report.figure("build.wall", 45.8504, "s") == "bench build.wall 45.850 s"
    assert report.figure("robustness.x", 0.5, "s", 2.0) == "bench robustness.x 0.500 s budget 2.0 s PASS"
    assert report.figure("page.p.gzip", 100_001, "B", 100_000) == "bench page.p.gzip 100001 B budget 100000 B OVER"
    assert report.note("n", "two\n words") == "note n two words"


def test_letters_and_iso_codes():
    assert synthetic.letters(0, 3) == "aaa"
    assert synthetic.letters(27, 3) == "abb"  # 27 = 1 x 26 + 1
    with pytest.raises(ValueError):
        synthetic.letters(26**2, 2)
    taken = {"CN-AA", "CN-BJ"}
    assert synthetic.two_letter_capacity(taken) == 26 * 26 - 2
    codes = synthetic.iso_codes(700, taken)
    assert len(set(codes)) == 700 and not set(codes) & taken
    assert codes[:2] == ["CN-AB", "CN-AC"]
    assert codes[673:675] == ["CN-ZZ", "CN-AAA"]  # 676 - 2 = 674 two-letter codes (0..673), then three letters
    assert all(re.fullmatch(synthetic.ISO_RELAXED, c) for c in codes)


def test_synthetic_datasets_are_accepted_by_load_sources(tmp_path):
    relaxed = synthetic.synthetic_datasets(tmp_path / "datasets", 50)
    assert relaxed is False
    sources = load_sources(tmp_path / "datasets")
    assert len(sources.scores) == 50
    assert sorted(sources.scores["rank"]) == list(range(1, 51))
    assert sources.provinces["assessed"].sum() == 50
    made = sources.provinces[sources.provinces["adcode"].str.startswith("9")]
    assert len(made) == 19  # 50 - the 31 real provinces
    assert set(made["adcode"]) <= set(sources.tiles["adcode"])  # every made-up region has a tile
    real = load_sources()
    assert set(real.scores["adcode"]) <= set(sources.scores["adcode"])


def test_synthetic_datasets_need_at_least_the_real_provinces(tmp_path):
    with pytest.raises(ValueError, match="31 assessed"):
        synthetic.synthetic_datasets(tmp_path / "datasets", 30)


def test_beyond_two_letter_codes_the_synthetic_package_yml_relaxes_the_pattern(tmp_path):
    # 34 real divisions use 34 of the 676 two-letter codes: 31 + 642 = 673 regions fit, 700 do not
    assert synthetic.synthetic_datasets(tmp_path / "datasets", 700) is True
    from cidi import write_package

    meta_path = tmp_path / "datasets" / "package.yml"
    meta = write_package.read_metadata(meta_path)
    assert meta["resources"]["provinces"]["fields"]["iso_3166_2"]["constraints"]["pattern"] == synthetic.ISO_RELAXED
    # load_sources takes its rules from the folder's own package.yml: the relaxed folder loads as it is
    assert len(load_sources(tmp_path / "datasets").scores) == 700
    # with the two-letter pattern put back, the same regions are refused
    meta_path.write_text(meta_path.read_text(encoding="utf-8").replace(f'"{synthetic.ISO_RELAXED}"',
                                                                       f'"{synthetic.ISO_TWO_LETTER}"'), encoding="utf-8")
    with pytest.raises(SourceError, match="iso_3166_2"):
        load_sources(tmp_path / "datasets")


def test_robustness_memory_guard():
    # 31 provinces: 5,000 x 31 x 31 = 4.8 MB per block, far below 4 GB: the default stands
    assert scale.replications_within(31, scale.MEMORY_BUDGET, 10_000) == 10_000
    # 3,000 regions: each replication compares 3,000 x 3,000 = 9 MB; 300 fit in 4 GB, 400 do not
    assert scale.replications_within(3000, scale.MEMORY_BUDGET, 10_000) == 300
    assert scale.robustness_peak_bytes(3000, 300) <= scale.MEMORY_BUDGET < scale.robustness_peak_bytes(3000, 400)
    assert scale.robustness_peak_bytes(3000, 10_000) > 40 * 10**9


def test_scaling_subprocess_command_lines(tmp_path):
    command = scale.child("build", tmp_path / "d", 300, tmp_path / "s")
    assert command[1:] == ["-m", "cidi.bench.scale", "build", str(tmp_path / "d"), "--replications", "300",
                           "--site", str(tmp_path / "s")]
    assert scale.child("robustness", tmp_path / "d", 10)[3:] == ["robustness", str(tmp_path / "d"),
                                                                 "--replications", "10"]


def test_site_steps_add_up_over_both_languages():
    steps = {"render_charts.en": 1.5, "render_charts.zh": 2.0, "render_charts_extra": 9.0, "make_pages": 0.5}
    assert scale.step_seconds(steps, "render_charts") == 3.5  # 1.5 + 2.0; another step's name is not a part
    assert scale.step_seconds(steps, "make_pages") == 0.5
    assert scale.step_seconds(steps, "mkdocs_build") == 0


def test_the_repository_copy_leaves_out_build_outputs_and_links_the_environment(tmp_path):
    source = tmp_path / "repo"
    for name in ("docs/about.md", "build/site/index.html", ".git", "scripts/cidi/__pycache__/x.pyc",
                 "tests/snapshots/page.md.changed", "tests/snapshots/page.md"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text("x", encoding="utf-8")
    (source / ".venv" / "bin").mkdir(parents=True)

    copy = run.copy_repository(tmp_path / "copy", source)

    files = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert files == ["docs/about.md", "tests/snapshots/page.md"]
    assert (copy / ".venv").is_symlink() and (copy / ".venv").resolve() == (source / ".venv").resolve()
    assert not (copy / "build").exists()


def test_editing_a_page_changes_only_the_copy(tmp_path):
    copy = tmp_path / "copy"
    (copy / "docs").mkdir(parents=True)
    (copy / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    run.edit_page(copy)
    assert (copy / "docs" / "about.md").read_text(encoding="utf-8") == "# About\n" + run.EDIT
    assert run.EDITED_PAGE == "docs/about.md" and (paths.ROOT / run.EDITED_PAGE).is_file()


def test_build_lines_carry_the_budget_and_each_step(tmp_path):
    result = run.Run(0, "step load_sources 0.100 s\nstep total 9.500 s\n", "", 10.25, 2048, 17.5)
    lines, steps = run.build_lines("build.rebuild", result, run.BUDGET_REBUILD)
    assert lines == ["bench build.rebuild.wall 10.250 s budget 8.0 s OVER",
                     "bench build.rebuild.step.load_sources 0.100 s", "bench build.rebuild.step.total 9.500 s",
                     "bench build.rebuild.max_rss 2048 B", "bench build.rebuild.cpu 17.500 s"]
    assert steps == {"load_sources": 0.1, "total": 9.5}
    failed, _ = run.build_lines("build", run.Run(None, "", "one\ntwo\n", 300.0, 0), run.BUDGET_CLEAN_BUILD)
    assert failed[-1] == "note build.failed timed out: one | two"


def test_every_page_type_has_a_budget_in_both_languages(tmp_path):
    (tmp_path / "embed" / "map-total").mkdir(parents=True)
    (tmp_path / "embed" / "map-total" / "index.html").write_text("", encoding="utf-8")
    types = pages.page_types(tmp_path)
    assert types["zh.province"] == "zh/provinces/guangdong/index.html"
    assert types["embed"] == "embed/map-total/index.html"
    assert types["zh.embed"] == "zh/embed/map-total/index.html"  # none built: the page a test will miss
    assert len(types) == 2 * (len(pages.PAGES) + 1)
    assert {kind: pages.budget_of(kind) for kind in types}  # no KeyError
    assert pages.budget_of("zh.embed.max") == pages.PAGE_BUDGETS["embed"]

