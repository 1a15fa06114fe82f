"""Subprocesses with a time limit and peak memory, a build's ``step`` lines, and the build timings.

The clean build and the rebuild run in a temporary copy of the repository (the virtual environment
linked, not copied), so the copy starts without ``build/`` (no rendering cache) while the
repository's own ``build/`` and ``docs/`` stay untouched.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cidi import paths
from cidi.bench.report import figure, note, progress, tail

BUILD_TIMEOUT = 600  # seconds; a shared 2-core machine can take several times the budget
BUDGET_CLEAN_BUILD = 30.0  # seconds, `rm -rf build && python -m cidi.build` on 2 cores
BUDGET_REBUILD = 8.0  # seconds, the same build again after one hand-written page changed
BUDGET_TEST_FAST = 30.0  # seconds, `make test-fast` against a built site
TEST_FAST = ["-m", "pytest", "-m", "not slow and not browser", "-n", "auto", "-q", "-p", "no:cacheprovider"]
EDITED_PAGE = "docs/about.md"
EDIT = "\nThis paragraph was added by the benchmark to time a rebuild.\n"
NOT_COPIED = {".git", ".venv", "build", "__pycache__", ".pytest_cache", ".hypothesis"}
STEP_LINE = re.compile(r"^step\s+(\S+)\s+(-?\d+(?:\.\d+)?)\s+s\s*$")


def parse_steps(text: str) -> dict[str, float]:
    """The ``step <name> <seconds> s`` lines of a build's output, in order of first appearance;
    a step printed twice is summed. Any other line is ignored."""
    steps: dict[str, float] = {}
    for line in text.splitlines():
        match = STEP_LINE.match(line.strip())
        if match:
            steps[match.group(1)] = steps.get(match.group(1), 0.0) + float(match.group(2))
    return steps


@dataclass
class Run:
    returncode: int | None  # None: killed at the timeout
    stdout: str
    stderr: str
    seconds: float
    max_rss: int  # bytes, the largest resident set of the process and the children it waited for
    cpu: float = 0.0  # seconds of CPU (user and system) of the process and every child it waited for

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> str:
        status = "timed out" if self.returncode is None else f"exit {self.returncode}"
        return f"{status}: {tail(self.stderr or self.stdout)}"


def environment(extra: dict[str, str] | None = None, root: Path = paths.ROOT) -> dict[str, str]:
    """This process's environment with ``root``'s scripts first on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "scripts"), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    env.update(extra or {})
    return env


def run(command: list[str], timeout: float, env: dict[str, str] | None = None, cwd: Path = paths.ROOT) -> Run:
    """Run ``command`` in its own process group; kill the group at ``timeout`` (a build's worker
    processes included). Wall time and peak memory come from ``wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env or environment(),
                                   cwd=cwd, start_new_session=True)
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
                   seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime)


def copy_repository(target: Path, source: Path = paths.ROOT) -> Path:
    """The working tree of ``source`` in ``target``, without ``.git``, build outputs and caches;
    ``.venv`` is a link to the original (its JavaScript cache included)."""
    shutil.copytree(source, target, symlinks=True,
                    ignore=lambda folder, names: [n for n in names if n in NOT_COPIED or n.endswith(".changed")])
    if (source / ".venv").exists():
        (target / ".venv").symlink_to((source / ".venv").resolve(), target_is_directory=True)
    return target


def edit_page(root: Path) -> Path:
    """Append a paragraph to the hand-written page ``EDITED_PAGE`` under ``root`` (a copy)."""
    page = root / EDITED_PAGE
    page.write_text(page.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    return page


def build_lines(name: str, result: Run, budget: float) -> tuple[list[str], dict[str, float]]:
    steps = parse_steps(result.stdout)
    lines = [figure(f"{name}.wall", result.seconds, "s", budget)]
    lines += [figure(f"{name}.step.{step}", seconds, "s") for step, seconds in steps.items()]
    lines.append(figure(f"{name}.max_rss", result.max_rss, "B"))
    # the work, whatever the host's load: every process of the build (the drawing's Node.js ones too,
    # which their workers wait for as they exit); the wall time is at least this over the cores
    lines.append(figure(f"{name}.cpu", result.cpu, "s"))
    if not result.ok:
        lines.append(note(f"{name}.failed", result.failure()))
    return lines, steps


def bench_clean_build(repo: Path) -> tuple[list[str], dict[str, float], bool]:
    """``python -m cidi.build`` in ``repo`` (a copy without ``build/``): lines, steps, success."""
    progress(f"clean build in {repo} ...")
    result = run([sys.executable, "-m", "cidi.build"], BUILD_TIMEOUT, environment(root=repo), cwd=repo)
    lines, steps = build_lines("build", result, BUDGET_CLEAN_BUILD)
    return lines, steps, result.ok


def bench_rebuild(repo: Path) -> tuple[list[str], bool]:
    """The same build again in ``repo`` after one hand-written page changed: lines, success."""
    edit_page(repo)
    progress(f"rebuild after editing {EDITED_PAGE} ...")
    result = run([sys.executable, "-m", "cidi.build"], BUILD_TIMEOUT, environment(root=repo), cwd=repo)
    lines, _ = build_lines("build.rebuild", result, BUDGET_REBUILD)
    return [note("build.rebuild", f"the same build again in the same folder after one paragraph was "
                                  f"appended to {EDITED_PAGE}")] + lines, result.ok


def bench_test_fast(repo: Path) -> tuple[list[str], bool]:
    """``make test-fast`` (its pytest command) in ``repo``, against the site built there: lines, success."""
    progress("make test-fast ...")
    result = run([sys.executable, *TEST_FAST], BUILD_TIMEOUT, environment(root=repo), cwd=repo)
    lines = [note("tests.fast", "pytest " + " ".join(TEST_FAST[2:]) + " (make test-fast)"),
             figure("tests.fast.wall", result.seconds, "s", BUDGET_TEST_FAST)]
    if not result.ok:
        lines.append(note("tests.fast.failed", result.failure()))
    return lines, result.ok
