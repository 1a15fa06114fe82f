"""The benchmark's output lines: ``bench`` figures (with a budget verdict), ``note``s, progress on stderr."""
from __future__ import annotations

import sys

KB = 1000
COUNT_UNITS = ("B", "files", "charts", "pages", "replications")


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
    return str(int(value)) if unit in COUNT_UNITS else f"{value:.2f}"


def note(name: str, text: str) -> str:
    return f"note {name} {' '.join(str(text).split())}"


def emit(lines: list[str]) -> None:
    for line in lines:
        print(line, flush=True)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def tail(text: str, lines: int = 5) -> str:
    """The last lines of a subprocess's output, on one line (for a ``note``)."""
    return " | ".join(text.strip().splitlines()[-lines:])
