"""Subprocesses with a time limit and peak memory, a build's ``step`` lines, and the build timing."""
from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cidi import paths
from cidi.bench.report import figure, note, progress, tail

BUILD_TIMEOUT = 300  # seconds
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
                   seconds, usage.ru_maxrss * 1024)


def bench_build(site: Path) -> tuple[list[str], dict[str, float], bool]:
    """A clean full build into ``site`` (a temporary folder): lines, steps, success."""
    progress(f"clean full build into {site} ...")
    result = run([sys.executable, "-m", "cidi.build", "--site", str(site)], BUILD_TIMEOUT)
    steps = parse_steps(result.stdout)
    lines = [figure("build.wall", result.seconds, "s")]
    lines += [figure(f"build.step.{name}", seconds, "s") for name, seconds in steps.items()]
    lines.append(figure("build.max_rss", result.max_rss, "B"))
    if not result.ok:
        lines.append(note("build.failed", result.failure()))
    return lines, steps, result.ok
