"""Scaling: the data pipeline on synthetic datasets of 31, 300 and 3,000 regions, and estimates.

Each size is a ``--no-site`` build in a subprocess with a time limit; the robustness step's
replications are lowered where it would need more than ``MEMORY_BUDGET``; growth exponents between
sizes. ``estimate.*``: the site steps extrapolated from the clean build's per-chart and per-page
cost (estimates, labelled as such).

The subprocesses are ``python -m cidi.bench.scale build|robustness DATASETS ...`` (see :func:`main`).
"""
from __future__ import annotations

import argparse
import math
import shutil
import sys
from pathlib import Path

from cidi.bench.report import figure, note, progress, tail
from cidi.bench.run import parse_steps, run
from cidi.bench.synthetic import ISO_RELAXED, ISO_TWO_LETTER, synthetic_datasets
from cidi.robustness import CHUNK, DEFAULT_REPLICATIONS

SIZES = (31, 300, 3000)
SCALE_TIMEOUT = 60  # seconds per synthetic size; a step still running then is reported as such
MEMORY_BUDGET = 4 * 10**9  # bytes the robustness step may use in the scaling runs (24 GB, 2 cores)
PIPELINE_STEPS = ("load_sources", "compute_indices", "robustness", "write_package", "validate_package")
SITE_STEPS_PER_CHART = ("render_charts", "make_pages", "cards")  # a chart has its social card


def robustness_peak_bytes(regions: int, replications: int, chunk: int = CHUNK) -> int:
    """Largest allocation of the robustness step: the (block x n x n) boolean comparison in
    ``ranks`` and ``dominance`` (1 byte each), plus the int16 rank draws (R x n) and the
    pairwise table (n^2 rows of about 48 bytes)."""
    return min(chunk, replications) * regions**2 + 2 * replications * regions + 48 * regions**2


def replications_within(regions: int, budget: int, default: int, chunk: int = CHUNK) -> int:
    """``default`` if the robustness step fits ``budget`` bytes, else the largest round number that does
    (one significant digit: 444 -> 400)."""
    if robustness_peak_bytes(regions, default, chunk) <= budget:
        return default
    best = 0
    for replications in sorted({m * 10**e for e in range(6) for m in range(1, 10)}):
        if replications < default and robustness_peak_bytes(regions, replications, chunk) <= budget:
            best = replications
    return best


def exponent(a: int, ta: float, b: int, tb: float) -> float:
    """k in t_b / t_a = (b / a)^k: 1 linear, 2 quadratic."""
    return math.log(tb / ta) / math.log(b / a)


def growth(times: dict[int, dict[str, float]], replications: dict[int, int]) -> list[str]:
    """Observed growth exponent of each step between consecutive sizes; the robustness step per
    replication (sizes may run different numbers). Steps under 5 ms are left out: timer noise."""
    lines = []
    sizes = sorted(times)
    for a, b in zip(sizes, sizes[1:]):
        for step in PIPELINE_STEPS + ("total",):
            ta, tb = times[a].get(step), times[b].get(step)
            if not (ta and tb and ta >= 0.005):
                continue
            if step == "robustness":
                ta, tb = ta / replications[a], tb / replications[b]
                step = "robustness_per_replication"
            lines.append(figure(f"scale.growth.{step}.{a}-{b}", exponent(a, ta, b, tb), "exponent"))
    return lines


def child(task: str, datasets: Path, replications: int, site: Path | None = None) -> list[str]:
    """The command line of a scaling subprocess (see :func:`main`)."""
    command = [sys.executable, "-m", "cidi.bench.scale", task, str(datasets), "--replications", str(replications)]
    return command + (["--site", str(site)] if site else [])


def bench_scaling(sizes: tuple[int, ...], work: Path) -> list[str]:
    """The ``--no-site`` build at each size, in a subprocess with a time limit. When it stops
    early, the robustness step is measured on its own (it only needs the loaded sources)."""
    lines, measured, replications_at = [], {}, {}
    overhead = math.inf  # interpreter start and imports: the wall time of a finished run outside its steps
    for regions in sizes:
        progress(f"data pipeline at {regions} regions ...")
        name = f"scale.{regions}"
        folder = work / f"scale-{regions}"
        datasets = folder / "datasets"
        relaxed = synthetic_datasets(datasets, regions)
        default = DEFAULT_REPLICATIONS
        replications = replications_at[regions] = replications_within(regions, MEMORY_BUDGET, default)
        result = run(child("build", datasets, replications, folder / "site"), SCALE_TIMEOUT)
        steps = measured[regions] = parse_steps(result.stdout)
        if replications != default:
            lines.append(note(f"{name}.replications",
                              f"{replications} instead of {default}: at {default} the robustness step would "
                              f"need about {robustness_peak_bytes(regions, default) / 1e9:.0f} GB "
                              f"(> {MEMORY_BUDGET / 1e9:.0f} GB); 1000 would need about "
                              f"{robustness_peak_bytes(regions, 1000) / 1e9:.0f} GB"))
        if relaxed:
            lines.append(note(f"{name}.iso", f"{regions} regions cannot have unique {ISO_TWO_LETTER} codes; "
                                             f"their package.yml checks {ISO_RELAXED} instead"))
        lines.append(figure(f"{name}.replications", replications, "replications"))
        lines.append(figure(f"{name}.wall", result.seconds, "s"))
        lines += [figure(f"{name}.step.{step}", seconds, "s") for step, seconds in steps.items()]
        lines.append(figure(f"{name}.max_rss", result.max_rss, "B"))
        if result.ok and "total" in steps:
            overhead = min(overhead, result.seconds - steps["total"])
        elif result.returncode is None:
            running = next((s for s in PIPELINE_STEPS if s not in steps), "?")
            lines.append(figure(f"{name}.step.{running}.at_least",
                                result.seconds - sum(steps.values()) - (0 if overhead == math.inf else overhead), "s"))
            lines.append(note(f"{name}.timeout", f"stopped after {SCALE_TIMEOUT} s in step {running}"))
            if "robustness" not in steps:
                probe = run(child("robustness", datasets, replications), SCALE_TIMEOUT)
                alone = parse_steps(probe.stdout)
                if "robustness" in alone:
                    steps["robustness"] = alone["robustness"]
                    lines.append(figure(f"{name}.alone.robustness", alone["robustness"], "s"))
                    lines.append(figure(f"{name}.alone.max_rss", probe.max_rss, "B"))
                    lines.append(note(f"{name}.alone", "the robustness step measured on its own, after load_sources"))
                else:
                    lines.append(note(f"{name}.alone.failed", tail(probe.stderr or probe.stdout)))
            missed = [s for s in PIPELINE_STEPS[PIPELINE_STEPS.index(running) + 1:] if s not in steps]
            if missed:
                lines.append(note(f"{name}.not_reached", " ".join(missed)))
        else:
            lines.append(note(f"{name}.failed", result.failure()))
        shutil.rmtree(folder, ignore_errors=True)
    return lines + growth(measured, replications_at)


def step_seconds(steps: dict[str, float], name: str) -> float:
    """A step's time summed over its per-language parts: ``render_charts`` is ``render_charts.en`` + ``.zh``."""
    return sum(seconds for step, seconds in steps.items() if step == name or step.startswith(f"{name}."))


def site_estimate(steps: dict[str, float], site: Path, sizes: tuple[int, ...]) -> list[str]:
    """Estimated site steps at N regions, from the measured build: (render_charts + make_pages + cards)
    per chart x charts at N, plus mkdocs_build per page x pages at N, both languages. Per-region
    charts and pages are those named after a province slug (province pages, their charts and embeds)."""
    if not all(step_seconds(steps, s) for s in SITE_STEPS_PER_CHART) or not (site / "charts").is_dir():
        return [note("estimate", "no site build to estimate from")]
    charts = sorted(p.name for p in [*site.glob("charts/*.vg.json"), *site.glob("*/charts/*.vg.json")])
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    slugs = [p.name for p in (site / "provinces").iterdir() if p.is_dir()]
    n = len(slugs)
    per_region_charts = sum(1 for c in charts if any(c.startswith(f"province-{s}-") for s in slugs)) / n
    per_region_pages = sum(1 for p in pages if any(f"/{s}/" in f"/{p}" or f"province-{s}-" in p
                                                   for s in slugs)) / n
    per_chart = sum(step_seconds(steps, s) for s in SITE_STEPS_PER_CHART) / len(charts)
    per_page = step_seconds(steps, "mkdocs_build") / len(pages)
    lines = [figure("estimate.site.seconds_per_chart", per_chart, "s"),
             figure("estimate.site.seconds_per_page", per_page, "s"),
             figure("estimate.site.charts_per_region", per_region_charts, "charts/region"),
             figure("estimate.site.pages_per_region", per_region_pages, "pages/region")]
    for regions in sizes:
        charts_at = len(charts) + per_region_charts * (regions - n)
        pages_at = len(pages) + per_region_pages * (regions - n)
        lines.append(figure(f"estimate.site.{regions}", per_chart * charts_at + per_page * pages_at, "s"))
    lines.append(note("estimate", "ESTIMATES, not measurements: site steps (render_charts + make_pages + cards + "
                                  "mkdocs_build) extrapolated linearly from the full build; a lower bound "
                                  "for steps that grow faster than the number of charts and pages"))
    return lines


def robustness_alone(datasets: Path, replications: int) -> int:
    """load_sources, then the robustness step alone on the published scores table (it needs
    nothing from compute_indices), as ``step`` lines."""
    from cidi.build import step
    from cidi.load_sources import load_sources
    from cidi.robustness import Settings, analyse_robustness

    with step("load_sources"):
        sources = load_sources(datasets)
    with step("robustness"):
        analyse_robustness(sources.scores, sources.dimensions, Settings(replications=replications))
    return 0


def main(argv: list[str] | None = None) -> int:
    """A scaling subprocess: ``build`` (``cidi.build --no-site``) or ``robustness`` (that step alone)."""
    parser = argparse.ArgumentParser(prog="python -m cidi.bench.scale", description=main.__doc__)
    parser.add_argument("task", choices=("build", "robustness"))
    parser.add_argument("datasets", type=Path)
    parser.add_argument("--replications", type=int, required=True)
    parser.add_argument("--site", type=Path, help="output folder of the build")
    args = parser.parse_args(argv)
    if args.task == "robustness":
        return robustness_alone(args.datasets, args.replications)
    from cidi.build import main as build_main

    return build_main(["--no-site", "--datasets", str(args.datasets), "--site", str(args.site),
                       "--replications", str(args.replications)])


if __name__ == "__main__":
    sys.exit(main())
