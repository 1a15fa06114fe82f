"""``python -m cidi.bench``: every section of the benchmark, in order (see :mod:`cidi.bench`)."""
from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

from cidi.bench import __doc__ as about
from cidi.bench.pages import bench_pages
from cidi.bench.report import emit, figure, note
from cidi.bench.robustness import bench_robustness
from cidi.bench.run import bench_clean_build, bench_rebuild, bench_test_fast, copy_repository
from cidi.bench.scale import SIZES, bench_scaling, site_estimate

FORMAT_VERSION = 1


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
    parser = argparse.ArgumentParser(prog="python -m cidi.bench", description=about.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="synthetic region counts (at least 31)")
    parser.add_argument("--site", type=Path, help="measure the page weight of this built site (skips the builds)")
    args = parser.parse_args(argv)

    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    start = time.perf_counter()
    emit(header())
    ok = True
    with tempfile.TemporaryDirectory(prefix="cidi-bench-") as tmp:
        work = Path(tmp)
        steps: dict[str, float] = {}
        site = args.site
        pages: list[str] = []
        if site is None:
            repo = copy_repository(work / "repo")
            site = repo / "build" / "site"
            lines, steps, ok = bench_clean_build(repo)
            emit(lines)
            if ok:
                pages = bench_pages(site)  # before the rebuild changes a page
                lines, ok = bench_test_fast(repo)
                emit(lines)
                lines, rebuilt = bench_rebuild(repo)
                ok = ok and rebuilt
                emit(lines)
        emit(bench_robustness())
        if not pages and (site / "index.html").is_file():
            pages = bench_pages(site)
        emit(pages or [note("page", f"no site at {site}")])
        emit(bench_scaling(sizes, work))
        emit(site_estimate(steps, site, sizes))
    emit([figure("bench.wall", time.perf_counter() - start, "s")])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
