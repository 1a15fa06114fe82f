"""The benchmark: build times, robustness against its budget, page weight and pipeline scaling.

    python -m cidi.bench [--sizes 31,300,3000] [--site DIR]      (``make bench``)

Inputs: the repository (``datasets/`` and the build scripts), only read. Every build runs in a
subprocess into a fresh temporary folder, so ``build/site/`` and ``datasets/`` are never touched.
Output, on stdout, one figure per line in a fixed order, after a short header::

    header <name> <value>
    bench <name> <value> <unit> [budget <limit> <unit> PASS|OVER]
    note <name> <text>

Seconds have three decimals, sizes are whole bytes (1 kB = 1000 B), gzip is level 6 per file
(as a web server compresses each response). Progress goes to stderr.

Sections, in this order:

1. ``build.*``: wall time of a clean full build and each step's time (its ``step`` lines).
2. ``robustness.*``: ``simulate_ranks`` + ``dominance`` at 100,000 replications and the whole
   robustness step at the default 10,000, on one core (a subprocess pinned to one CPU with
   OMP/OPENBLAS/MKL_NUM_THREADS=1), best of 3.
3. ``page.*``, ``js.*``, ``site.*``: what a first view of each page type downloads without
   interaction (the HTML, its stylesheets, scripts and images), then with the interactive
   charts (Vega and the page's Vega specs); all JavaScript; the whole site.
4. ``scale.*``: the data pipeline (``--no-site``) on synthetic datasets of 31, 300 and 3,000
   regions (the real sources plus made-up regions), each size in a subprocess with a time limit;
   the robustness step's replications lowered where it would need more than 4 GB; growth
   exponents between sizes. ``estimate.*``: the site steps extrapolated from the full build's
   per-chart and per-page cost (estimates, labelled as such).

The real datasets cannot describe 3,000 regions as they stand: ISO codes are CN-[A-Z]{2} (676
codes) and the package schemas bound ranks by 31. The scaling subprocesses alone widen both for
the synthetic folder (see :func:`scaled_process`); the project's rules are not changed.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import gzip
import io
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from cidi import paths

FORMAT_VERSION = 1
GZIP_LEVEL = 6
KB = 1000
REPEATS = 3
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}

BUDGET_SIMULATE_100K = 2.0  # seconds, simulate_ranks + dominance, 100,000 replications, 31 provinces
BUDGET_ROBUSTNESS_STEP = 3.0  # seconds, the whole step at the default settings
PAGE_BUDGETS = {  # page type -> (first view, with interactive charts), compressed bytes
    "province": (100 * KB, 300 * KB),
    "zh.province": (100 * KB, 300 * KB),
    "embed": (60 * KB, 250 * KB),
    "zh.embed": (60 * KB, 250 * KB),
    "embed.max": (60 * KB, 250 * KB),
}
# page type -> site path; explore/ and embed/ are measured when the site has them
PAGES = {
    "home": "index.html",
    "province": "provinces/guangdong/index.html",
    "dimension": "dimensions/innovation/index.html",
    "methodology": "methodology/index.html",
    "data": "data/index.html",
    "explore": "explore/index.html",
    "zh.home": "zh/index.html",
    "zh.province": "zh/provinces/guangdong/index.html",
    "zh.embed": "zh/embed/map-total/index.html",
}
EMBED_PREFERRED = "map-total"  # the headline map: the chart most likely to be embedded, and a heavy one

SIZES = (31, 300, 3000)
SCALE_TIMEOUT = 60  # seconds per synthetic size; a step still running then is reported as such
BUILD_TIMEOUT = 300
MEMORY_BUDGET = 4 * 10**9  # bytes the robustness step may use in the scaling runs (24 GB, 2 cores)
DEFAULT_CHUNK = 5_000
SYNTHETIC_SEED = 20171204
SYNTHETIC_ADCODE_BASE = 900_000  # real adcodes (GB/T 2260) stop at 820000
ISO_TWO_LETTER = r"CN-[A-Z]{2}"
ISO_RELAXED = r"CN-[A-Z0-9]{1,3}"  # the shape ISO 3166-2 allows: up to three alphanumerics
STEP_LINE = re.compile(r"^step\s+(\S+)\s+(-?\d+(?:\.\d+)?)\s+s\s*$")


# ---------------------------------------------------------------- output lines


def figure(name: str, value: float | int, unit: str, budget: float | int | None = None) -> str:
    """One ``bench`` line; with a budget, ``PASS`` when the value is within it (<=), else ``OVER``."""
    line = f"bench {name} {_number(value, unit)} {unit}"
    if budget is not None:
        limit = f"{budget:.1f}" if unit == "s" else _number(budget, unit)
        line += f" budget {limit} {unit} {'PASS' if value <= budget else 'OVER'}"
    return line


def _number(value: float | int, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f}"
    return str(int(value)) if unit in ("B", "files", "charts", "pages", "replications") else f"{value:.2f}"


def note(name: str, text: str) -> str:
    return f"note {name} {' '.join(str(text).split())}"


def emit(lines: list[str]) -> None:
    for line in lines:
        print(line, flush=True)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- build step lines


def parse_steps(text: str) -> dict[str, float]:
    """The ``step <name> <seconds> s`` lines of a build's output, in order of first appearance;
    a step printed twice is summed. Any other line is ignored."""
    steps: dict[str, float] = {}
    for line in text.splitlines():
        match = STEP_LINE.match(line.strip())
        if match:
            steps[match.group(1)] = steps.get(match.group(1), 0.0) + float(match.group(2))
    return steps


# ---------------------------------------------------------------- subprocesses


@dataclass
class Run:
    returncode: int | None  # None: killed at the timeout
    stdout: str
    stderr: str
    seconds: float
    max_rss: int  # bytes, the largest resident set of the process and the children it waited for

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(paths.ROOT / "scripts"), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    env.update(extra or {})
    return env


def run(command: list[str], timeout: float, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` in its own process group; kill the group at ``timeout`` (a build's worker
    processes included). Wall time and peak memory come from ``wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env or environment(),
                                   cwd=paths.ROOT, start_new_session=True)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                _, _, usage = os.wait4(process.pid, 0)
                status = None
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        code = None if status is None else os.waitstatus_to_exitcode(status)
        process.returncode = -signal.SIGKILL if code is None else code  # reaped above: Popen must not wait
        out.seek(0)
        err.seek(0)
        return Run(code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   seconds, usage.ru_maxrss * 1024)


def tail(text: str, lines: int = 5) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


# ---------------------------------------------------------------- 1. the full build


def bench_build(site: Path) -> tuple[list[str], dict[str, float], bool]:
    progress(f"clean full build into {site} ...")
    result = run([sys.executable, "-m", "cidi.build", "--site", str(site)], BUILD_TIMEOUT)
    steps = parse_steps(result.stdout)
    lines = [figure("build.wall", result.seconds, "s")]
    lines += [figure(f"build.step.{name}", seconds, "s") for name, seconds in steps.items()]
    lines.append(figure("build.max_rss", result.max_rss, "B"))
    if not result.ok:
        status = "timed out" if result.returncode is None else f"exit {result.returncode}"
        lines.append(note("build.failed", f"{status}: {tail(result.stderr or result.stdout)}"))
    return lines, steps, result.ok


# ---------------------------------------------------------------- 2. robustness on one core


def probe_robustness() -> int:
    """(Runs in the one-core subprocess.) Best-of-3 timings, as ``probe <name> <seconds>`` lines."""
    from cidi.compute_indices import compute_indices
    from cidi.load_sources import load_sources
    from cidi.robustness import Settings, analyse_robustness, attainment_matrix, dominance, simulate_ranks

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sources = load_sources(paths.DATASETS)
    indices = compute_indices(sources)
    provinces = indices.scores.sort_values("rank").reset_index(drop=True)
    attain, weights = attainment_matrix(provinces, sources.dimensions)

    def best(task) -> float:
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            task()
            times.append(time.perf_counter() - start)
        return min(times)

    big = Settings(replications=100_000)
    print(f"probe provinces {attain.shape[0]}")
    print(f"probe simulate_dominance_100k {best(lambda: dominance(simulate_ranks(attain, weights, big))):.6f}")
    print(f"probe step_10k {best(lambda: analyse_robustness(indices.scores, sources.dimensions, Settings())):.6f}")
    print(f"probe cpus_used {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else 0}")
    return 0


def bench_robustness() -> list[str]:
    progress("robustness on one core, best of 3 ...")
    result = run([sys.executable, "-m", "cidi.bench", "--probe-robustness"], 120, environment(ONE_CORE))
    probe = dict(line.split()[1:3] for line in result.stdout.splitlines() if line.startswith("probe "))
    if not result.ok or "step_10k" not in probe:
        return [note("robustness.failed", tail(result.stderr or result.stdout))]
    return [
        figure("robustness.simulate_dominance_100k", float(probe["simulate_dominance_100k"]), "s",
               BUDGET_SIMULATE_100K),
        figure("robustness.step_10k", float(probe["step_10k"]), "s", BUDGET_ROBUSTNESS_STEP),
        note("robustness.setup", f"{probe['provinces']} provinces, best of {REPEATS}, "
                                 f"{probe['cpus_used']} CPU, {'/'.join(sorted(ONE_CORE))}=1"),
    ]


# ---------------------------------------------------------------- 3. page weight


class _Assets(HTMLParser):
    """What a page asks for: first view (stylesheets, scripts, images) and its interactive charts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.static: list[str] = []
        self.specs: list[str] = []
        self.vega: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v for k, v in attrs if v is not None}
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split() and a.get("href"):
            self.static.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            self.static.append(a["src"])
        if tag == "figure" and a.get("data-spec"):  # figure.cidi-chart on pages, figure#chart on embeds
            self.specs.append(a["data-spec"])
            if a.get("data-vega"):
                self.vega.append(a["data-vega"])


def resolve(page: str, href: str) -> str | None:
    """The site path ``href`` points at from the page at site path ``page`` (a file such as
    ``provinces/guangdong/index.html``); ``None`` for other origins and ``data:`` URLs."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    target = urlsplit(urljoin("/" + page, href)).path
    target = str(PurePosixPath(target)).lstrip("/") if target not in ("", "/") else ""
    if target == "" or href.split("?")[0].split("#")[0].endswith("/"):
        target = f"{target}/index.html".lstrip("/")
    return target


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


@dataclass
class Weight:
    static_raw: int = 0
    static_gzip: int = 0
    interactive_raw: int = 0
    interactive_gzip: int = 0
    requests: int = 0
    charts: int = 0
    missing: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


def page_weight(site: Path, page: str) -> Weight:
    """Bytes of the page and everything its first view loads (each file once), raw and gzipped;
    then with its interactive charts (Vega plus one Vega spec per chart)."""
    html = (site / page).read_bytes()
    parser = _Assets()
    parser.feed(html.decode("utf-8"))
    weight = Weight(charts=len(parser.specs))

    def add(hrefs: list[str], seen: set[str]) -> tuple[int, int]:
        raw = packed = 0
        for href in hrefs:
            target = resolve(page, href)
            if target is None:
                weight.external.append(href)
            elif target not in seen:
                seen.add(target)
                if not (site / target).is_file():
                    weight.missing.append(target)
                    continue
                data = (site / target).read_bytes()
                raw, packed = raw + len(data), packed + gzip_size(data)
        return raw, packed

    seen = {page}
    raw, packed = add(parser.static, seen)
    weight.static_raw, weight.static_gzip = len(html) + raw, gzip_size(html) + packed
    weight.requests = len(seen) - len(weight.missing)  # files fetched on first view, the page included
    vega = parser.vega or (["/assets/js/vega.min.js"] if parser.specs else [])
    raw, packed = add(vega + parser.specs, seen)
    weight.interactive_raw, weight.interactive_gzip = weight.static_raw + raw, weight.static_gzip + packed
    return weight


def page_lines(kind: str, page: str, weight: Weight) -> list[str]:
    static_budget, interactive_budget = PAGE_BUDGETS.get(kind, (None, None))
    lines = [
        figure(f"page.{kind}.static.raw", weight.static_raw, "B"),
        figure(f"page.{kind}.static.gzip", weight.static_gzip, "B", static_budget),
        figure(f"page.{kind}.interactive.raw", weight.interactive_raw, "B"),
        figure(f"page.{kind}.interactive.gzip", weight.interactive_gzip, "B", interactive_budget),
        figure(f"page.{kind}.charts", weight.charts, "charts"),
        figure(f"page.{kind}.requests", weight.requests, "files"),
    ]
    if kind.startswith("embed"):
        lines.insert(0, note(f"page.{kind}", page))
    if weight.missing:
        lines.append(note(f"page.{kind}.missing", " ".join(weight.missing)))
    if weight.external:
        lines.append(note(f"page.{kind}.external", " ".join(weight.external)))
    return lines


def embed_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "embed").glob("*/index.html"))


def bench_pages(site: Path) -> list[str]:
    progress(f"page weight of {site} ...")
    lines = []
    for kind, page in PAGES.items():
        if (site / page).is_file():
            lines += page_lines(kind, page, page_weight(site, page))
        elif kind != "explore":
            lines.append(note(f"page.{kind}.missing", page))
    embeds = embed_pages(site)
    if embeds:
        preferred = f"embed/{EMBED_PREFERRED}/index.html"
        chosen = preferred if preferred in embeds else embeds[0]
        lines += page_lines("embed", chosen, page_weight(site, chosen))
        weights = {page: page_weight(site, page) for page in embeds}
        heaviest = max(embeds, key=lambda p: (weights[p].interactive_gzip, p))
        lines += page_lines("embed.max", heaviest, weights[heaviest])
        lines.append(figure("page.embed.count", len(embeds), "pages"))
    scripts = sorted(site.rglob("*.js"))
    files = sorted(p for p in site.rglob("*") if p.is_file())
    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search*.js"))
    search = [p for p in [site / "search" / "search_index.json", *workers] if p.is_file()]
    if search:  # not in page.*: the theme's bundle fetches them at start-up, outside the HTML
        lines += [figure("search.raw", sum(p.stat().st_size for p in search), "B"),
                  figure("search.gzip", sum(gzip_size(p.read_bytes()) for p in search), "B"),
                  note("search", "the search index and worker, which the theme's bundle requests at start-up "
                                 "on pages with the search form; not included in page.*")]
    lines += [
        figure("js.files", len(scripts), "files"),
        figure("js.raw", sum(p.stat().st_size for p in scripts), "B"),
        figure("js.gzip", sum(gzip_size(p.read_bytes()) for p in scripts), "B"),
        figure("site.files", len(files), "files"),
        figure("site.raw", sum(p.stat().st_size for p in files), "B"),
        figure("site.html_pages", sum(1 for p in files if p.suffix == ".html"), "pages"),
        figure("site.charts", len(list((site / "charts").glob("*.vg.json"))), "charts"),
    ]
    return lines


# ---------------------------------------------------------------- 4. scaling: synthetic datasets


def letters(number: int, width: int) -> str:
    """``number`` written in base 26 with ``width`` letters a-z: letters(27, 3) == 'abb'."""
    out = []
    for _ in range(width):
        number, digit = divmod(number, 26)
        out.append(chr(ord("a") + digit))
    if number:
        raise ValueError(f"{width} letters cannot number that many regions")
    return "".join(reversed(out))


def iso_codes(count: int, taken: set[str]) -> list[str]:
    """``count`` unused codes: two letters (CN-AA..CN-ZZ) while they last, then three letters."""
    two = [f"CN-{letters(i, 2).upper()}" for i in range(26**2)]
    three = [f"CN-{letters(i, 3).upper()}" for i in range(26**3)]
    free = [c for c in two + three if c not in taken]
    if count > len(free):
        raise ValueError(f"cannot make {count} ISO codes")
    return free[:count]


def two_letter_capacity(taken: set[str]) -> int:
    """How many more divisions fit the two-letter pattern CN-[A-Z]{2}: 26 x 26 less those in use."""
    return 26**2 - sum(1 for code in taken if re.fullmatch(ISO_TWO_LETTER, code))


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _cents(text: str) -> int:
    whole, _, decimals = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((decimals + "00")[:2]))


def synthetic_datasets(target: Path, regions: int, source: Path = paths.DATASETS,
                       seed: int = SYNTHETIC_SEED) -> bool:
    """Write into ``target`` a copy of ``source`` scaled to ``regions`` assessed regions: the real
    ones, unchanged, plus made-up ones with valid codes, names, slugs, scores and a map shape
    (the arcs of an existing province). Returns whether the ISO codes needed three letters.

    Synthetic scores: attainment a = base + noise, base ~ U(0.15, 0.55), noise ~ U(-0.1, 0.1)
    per dimension, clipped to [0.01, 0.99]; score = a x weight rounded to cents; total = the exact
    sum of the six printed scores; ranks 1..N by total (ties in file order).
    """
    shutil.copytree(source, target, copy_function=shutil.copyfile)  # copyfile: not the read-only mode
    header, provinces = _read_csv(target / "provinces.csv")
    assessed = [p for p in provinces if p["assessed"] == "true"]
    extra = regions - len(assessed)
    if extra < 0:
        raise ValueError(f"the real sources already have {len(assessed)} assessed regions; ask for more")
    taken = {p["iso_3166_2"] for p in provinces}
    codes = iso_codes(extra, taken)
    width = 3
    while 26**width < extra:
        width += 1
    regions_cycle = ("East", "Central", "West", "Northeast")
    made = []
    for i, iso in enumerate(codes):
        name = f"Synthetic region {i + 1:05d}"
        made.append({"adcode": str(SYNTHETIC_ADCODE_BASE + i + 1), "iso_3166_2": iso, "name_en": name,
                     "name_zh": f"合成地区{i + 1:05d}", "short_name_zh": f"合成{i + 1:05d}",
                     "name_in_report": name, "slug": f"synthetic-{letters(i, width)}",
                     "division_type": "province", "nbs_region": regions_cycle[i % 4], "assessed": "true"})
    _write_csv(target / "provinces.csv", header, provinces + made)

    _, dimensions = _read_csv(target / "dimensions.csv")
    weights = {d["id"]: int(d["weight"]) for d in dimensions}
    score_header, scores = _read_csv(target / "scores.csv")
    rng = random.Random(seed)
    for region in made:
        base = rng.uniform(0.15, 0.55)
        row = {"province": region["name_in_report"], "adcode": region["adcode"]}
        cents = 0
        for dim, weight in weights.items():
            attain = min(0.99, max(0.01, base + rng.uniform(-0.1, 0.1)))
            value = round(attain * weight * 100)
            cents += value
            row[dim] = f"{value // 100}.{value % 100:02d}"
        row["total"] = f"{cents // 100}.{cents % 100:02d}"
        scores.append(row)
    order = sorted(range(len(scores)), key=lambda i: (-_cents(scores[i]["total"]), i))
    _write_csv(target / "scores.csv", score_header,
               [{**scores[i], "rank": str(rank)} for rank, i in enumerate(order, start=1)])

    meta = target / "package.yml"
    if meta.exists():  # the ISO pattern is two letters: too few codes for thousands of regions
        text = meta.read_text(encoding="utf-8")
        if extra > two_letter_capacity(taken):
            text = text.replace(f'"{ISO_TWO_LETTER}"', f'"{ISO_RELAXED}"')
        meta.write_text(text, encoding="utf-8")

    topo_path = target / "provinces.topo.json"
    topo = json.loads(topo_path.read_text(encoding="utf-8"))
    geometries = topo["objects"]["provinces"]["geometries"]
    template = next(g for g in geometries if g["properties"]["adcode"] == assessed[0]["adcode"])
    for region in made:
        geometries.append({"type": template["type"], "arcs": template["arcs"],
                           "properties": {k: region[k] for k in ("adcode", "iso_3166_2", "name_en", "name_zh")}})
    topo_path.write_text(json.dumps(topo, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return extra > two_letter_capacity(taken)


def robustness_peak_bytes(regions: int, replications: int, chunk: int = DEFAULT_CHUNK) -> int:
    """Largest allocation of the robustness step: the (block x n x n) boolean comparison in
    ``ranks`` and ``dominance`` (1 byte each), plus the int16 rank draws (R x n) and the
    pairwise table (n^2 rows of about 48 bytes)."""
    return min(chunk, replications) * regions**2 + 2 * replications * regions + 48 * regions**2


def replications_within(regions: int, budget: int, default: int, chunk: int = DEFAULT_CHUNK) -> int:
    """``default`` if the robustness step fits ``budget`` bytes, else the largest round number that does
    (one significant digit: 444 -> 400)."""
    if robustness_peak_bytes(regions, default, chunk) <= budget:
        return default
    best = 0
    for replications in sorted({m * 10**e for e in range(6) for m in range(1, 10)}):
        if replications < default and robustness_peak_bytes(regions, replications, chunk) <= budget:
            best = replications
    return best


def scaled_process(datasets: Path, relaxed: bool) -> None:
    """(Scaling subprocesses only.) With ``relaxed``, ``iso_3166_2`` is checked against
    ISO_RELAXED instead of CN-[A-Z]{2} (26 x 26 two-letter codes cannot name 3,000 regions).
    The package schemas already come from the synthetic folder's ``package.yml``. Nothing changes
    on disk."""
    from cidi import load_sources

    if relaxed:
        cell = load_sources._cell

        def relaxed_cell(path, row, key, column, value):
            if column.name == "iso_3166_2":
                column = dataclasses.replace(column, pattern=ISO_RELAXED)
            return cell(path, row, key, column, value)

        load_sources._cell = relaxed_cell


def probe_scale_robustness(datasets: Path, replications: int, relaxed: bool) -> int:
    """(Runs in a subprocess.) load_sources, then the robustness step alone on the published
    scores table (it needs nothing from compute_indices), as ``step`` lines."""
    from cidi.build import step
    from cidi.load_sources import load_sources
    from cidi.robustness import Settings, analyse_robustness

    scaled_process(datasets, relaxed)
    with step("load_sources"):
        sources = load_sources(datasets)
    with step("robustness"):
        analyse_robustness(sources.scores, sources.dimensions, Settings(replications=replications))
    return 0


PIPELINE_STEPS = ("load_sources", "compute_indices", "robustness", "write_package", "validate_package")


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


def bench_scaling(sizes: tuple[int, ...], work: Path) -> list[str]:
    """The ``--no-site`` build at each size, in a subprocess with a time limit. When it stops
    early, the robustness step is measured on its own (it only needs the loaded sources)."""
    from cidi import robustness

    chunk = getattr(robustness, "CHUNK", DEFAULT_CHUNK)
    default = robustness.DEFAULT_REPLICATIONS
    lines, measured, replications_at = [], {}, {}
    overhead = math.inf  # interpreter start and imports: the wall time of a finished run outside its steps
    for regions in sizes:
        progress(f"data pipeline at {regions} regions ...")
        name = f"scale.{regions}"
        folder = work / f"scale-{regions}"
        datasets = folder / "datasets"
        relaxed = synthetic_datasets(datasets, regions)
        replications = replications_at[regions] = replications_within(regions, MEMORY_BUDGET, default, chunk)
        mode = "relaxed" if relaxed else "strict"
        result = run([sys.executable, "-m", "cidi.bench", "--build-scaled", str(datasets), mode, "--no-site",
                      "--datasets", str(datasets), "--site", str(folder / "site"),
                      "--replications", str(replications)], SCALE_TIMEOUT)
        steps = measured[regions] = parse_steps(result.stdout)
        if replications != default:
            lines.append(note(f"{name}.replications",
                              f"{replications} instead of {default}: at {default} the robustness step would "
                              f"need about {robustness_peak_bytes(regions, default, chunk) / 1e9:.0f} GB "
                              f"(> {MEMORY_BUDGET / 1e9:.0f} GB); 1000 would need about "
                              f"{robustness_peak_bytes(regions, 1000, chunk) / 1e9:.0f} GB"))
        if relaxed:
            lines.append(note(f"{name}.iso", f"{regions} regions cannot have unique {ISO_TWO_LETTER} codes; "
                                             f"this run checks {ISO_RELAXED} instead"))
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
                probe = run([sys.executable, "-m", "cidi.bench", "--probe-scale-robustness", str(datasets),
                             str(replications), mode], SCALE_TIMEOUT)
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
            lines.append(note(f"{name}.failed", f"exit {result.returncode}: {tail(result.stderr or result.stdout)}"))
        shutil.rmtree(folder, ignore_errors=True)
    return lines + growth(measured, replications_at)


SITE_STEPS_PER_CHART = ("render_charts", "make_pages")


def site_estimate(steps: dict[str, float], site: Path, sizes: tuple[int, ...]) -> list[str]:
    """Estimated site steps at N regions, from the measured build: (render_charts + make_pages)
    per chart x charts at N, plus mkdocs_build per page x pages at N. Per-region charts and pages
    are those named after a province slug (province pages, their charts and embeds)."""
    if not all(s in steps for s in SITE_STEPS_PER_CHART) or not (site / "charts").is_dir():
        return [note("estimate", "no site build to estimate from")]
    charts = sorted(p.name for p in (site / "charts").glob("*.vg.json"))
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    slugs = [p.name for p in (site / "provinces").iterdir() if p.is_dir()]
    n = len(slugs)
    per_region_charts = sum(1 for c in charts if any(c.startswith(f"province-{s}-") for s in slugs)) / n
    per_region_pages = sum(1 for p in pages if any(f"/{s}/" in f"/{p}" or f"province-{s}-" in p
                                                   for s in slugs)) / n
    per_chart = sum(steps[s] for s in SITE_STEPS_PER_CHART) / len(charts)
    per_page = steps.get("mkdocs_build", 0.0) / len(pages)
    lines = [figure("estimate.site.seconds_per_chart", per_chart, "s"),
             figure("estimate.site.seconds_per_page", per_page, "s"),
             figure("estimate.site.charts_per_region", per_region_charts, "charts/region"),
             figure("estimate.site.pages_per_region", per_region_pages, "pages/region")]
    for regions in sizes:
        charts_at = len(charts) + per_region_charts * (regions - n)
        pages_at = len(pages) + per_region_pages * (regions - n)
        lines.append(figure(f"estimate.site.{regions}", per_chart * charts_at + per_page * pages_at, "s"))
    lines.append(note("estimate", "ESTIMATES, not measurements: site steps (render_charts + make_pages + "
                                  "mkdocs_build) extrapolated linearly from the full build; a lower bound "
                                  "for steps that grow faster than the number of charts and pages"))
    return lines


# ---------------------------------------------------------------- header and main


def header() -> list[str]:
    import numpy
    import pandas

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        memory = int(match.group(1)) * 1024 if match else 0
    return [f"header format {FORMAT_VERSION}", f"header cpus {cpus}",
            f"header python {platform.python_version()}", f"header numpy {numpy.__version__}",
            f"header pandas {pandas.__version__}", f"header memory_bytes {memory}",
            f"header machine {platform.machine()} {platform.system()}"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # the benchmark's own subprocesses
    if argv[:1] == ["--probe-robustness"]:
        return probe_robustness()
    if argv[:1] == ["--probe-scale-robustness"]:  # DATASETS REPLICATIONS relaxed|strict
        return probe_scale_robustness(Path(argv[1]), int(argv[2]), argv[3] == "relaxed")
    if argv[:1] == ["--build-scaled"]:  # DATASETS relaxed|strict, then the arguments of cidi.build
        scaled_process(Path(argv[1]), argv[2] == "relaxed")
        from cidi.build import main as build_main
        return build_main(argv[3:])

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="synthetic region counts (at least 31)")
    parser.add_argument("--site", type=Path, help="measure the page weight of this built site (skips the build)")
    args = parser.parse_args(argv)

    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    start = time.perf_counter()
    emit(header())
    ok = True
    with tempfile.TemporaryDirectory(prefix="cidi-bench-") as tmp:
        work = Path(tmp)
        steps: dict[str, float] = {}
        site = args.site
        if site is None:
            site = work / "build" / "site"
            lines, steps, ok = bench_build(site)
            emit(lines)
        emit(bench_robustness())
        if (site / "index.html").is_file():
            emit(bench_pages(site))
        else:
            emit([note("page", f"no site at {site}")])
        emit(bench_scaling(sizes, work))
        emit(site_estimate(steps, site, sizes))
    emit([figure("bench.wall", time.perf_counter() - start, "s")])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
