"""The robustness step on one core, against its budgets.

``simulate_ranks`` + ``dominance`` at 100,000 replications and the whole robustness step at the
default 10,000, best of 3, in a subprocess pinned to one CPU with OMP/OPENBLAS/MKL_NUM_THREADS=1
(``python -m cidi.bench.robustness`` prints ``probe <name> <value>`` lines).
"""
from __future__ import annotations

import os
import sys
import time

from cidi import paths
from cidi.bench.report import figure, note, progress, tail
from cidi.bench.run import environment, run

REPEATS = 3
BUDGET_SIMULATE_100K = 2.0  # seconds, simulate_ranks + dominance, 100,000 replications, 31 provinces
BUDGET_ROBUSTNESS_STEP = 2.0  # seconds, the whole step at the default settings (Monte Carlo, milp bounds, Sobol')
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}


def probe() -> int:
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
    result = run([sys.executable, "-m", "cidi.bench.robustness"], 120, environment(ONE_CORE))
    found = dict(line.split()[1:3] for line in result.stdout.splitlines() if line.startswith("probe "))
    if not result.ok or "step_10k" not in found:
        return [note("robustness.failed", tail(result.stderr or result.stdout))]
    return [
        figure("robustness.simulate_dominance_100k", float(found["simulate_dominance_100k"]), "s",
               BUDGET_SIMULATE_100K),
        figure("robustness.step_10k", float(found["step_10k"]), "s", BUDGET_ROBUSTNESS_STEP),
        note("robustness.setup", f"{found['provinces']} provinces, best of {REPEATS}, "
                                 f"{found['cpus_used']} CPU, {'/'.join(sorted(ONE_CORE))}=1"),
    ]


if __name__ == "__main__":
    sys.exit(probe())
