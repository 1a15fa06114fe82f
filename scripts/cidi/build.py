"""The whole build: sources -> indices -> robustness -> data package -> charts -> pages -> site.

Everything is written into a temporary staging folder under ``build/``; only when every step,
the package validation included, has succeeded does the staging site replace ``build/site/``.
A failing build exits non-zero and leaves the previous ``build/site/`` exactly as it was; it
prints every problem in the sources, or one line naming the cause of any other failure (the
Python traceback only with ``--debug``), then "build stopped; <site> was left unchanged".

    python -m cidi.build [--datasets DIR] [--site DIR] [--replications N] [--no-site] [--debug]
"""
from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from cidi import paths
from cidi.caches import write_atomically
from cidi.compute_indices import compute_indices
from cidi.load_sources import SourceError, load_sources
from cidi.robustness import DEFAULT_REPLICATIONS, Settings, analyse_robustness
from cidi import write_package as package_step
from cidi.write_package import package_tables, read_metadata, validate_package, write_package

RUNNING: list[str] = []  # the steps under way, to name the one that failed


@contextmanager
def step(name: str):
    start = time.perf_counter()
    RUNNING.append(name)
    yield
    RUNNING.pop()
    print(f"step {name:<18} {time.perf_counter() - start:7.3f} s", flush=True)


def swap_into_place(staged: Path, target: Path) -> None:
    """Replace ``target`` by ``staged`` with two renames, so readers never see half a site."""
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staged.rename(target)
    shutil.rmtree(old, ignore_errors=True)


class InChild:
    """``function(*args)`` in a forked child process (it sees the parent's state, patches included);
    ``result()`` waits and raises what the child raised."""

    def __init__(self, function, *args):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        sys.stdout.flush()
        self._process = context.Process(target=self._run, args=(send, function, args), daemon=True)
        self._process.start()
        send.close()

    @staticmethod
    def _run(send, function, args) -> None:
        try:
            function(*args)
            send.send(None)
        except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
            try:
                send.send(error)
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its text then
                send.send(RuntimeError(f"{type(error).__name__}: {error}"))

    def result(self) -> None:
        try:
            error = self._receive.recv()
        except EOFError:
            self._process.join()
            error = RuntimeError(f"the child process died (exit code {self._process.exitcode})")
        self._process.join()
        if error is not None:
            raise error

    def stop(self) -> None:
        self._process.kill()
        self._process.join()


def robustness_key(scores, dimensions, settings: Settings) -> str:
    """What the robustness analysis depends on: the scores and dimensions it is given (pickled, so any
    change to a value or a name misses), its settings, its code and the installed versions."""
    import hashlib
    import pickle

    digest = hashlib.sha256(pickle.dumps((scores, dimensions, settings), protocol=5))
    for path in sorted((paths.ROOT / "scripts" / "cidi" / "robustness").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update((paths.ROOT / "requirements.lock").read_bytes())
    return digest.hexdigest()[:32]


def analyse_robustness_cached(scores, dimensions, settings: Settings, cache: Path | None):
    """:func:`~cidi.robustness.analyse_robustness`, or its result from ``cache`` (a folder, one pickle
    per key; entries no build used for a week are removed) when nothing it depends on changed."""
    import pickle

    from cidi.charts.render import prune

    if cache is None:
        return analyse_robustness(scores, dimensions, settings)
    path = cache / f"{robustness_key(scores, dimensions, settings)}.pickle"
    try:
        robust = pickle.loads(path.read_bytes())
        os.utime(path)  # used now: kept by prune()
    except Exception:  # noqa: BLE001 - none yet, or unreadable: analyse
        robust = analyse_robustness(scores, dimensions, settings)
        write_atomically(path, pickle.dumps(robust, protocol=5))
    prune(cache, {path.name})
    return robust


def validate_package_cached(folder: Path, cache: Path | None) -> None:
    """:func:`~cidi.write_package.validate_package`, skipped when a package of the same bytes passed it
    before (``cache``: a folder of one empty file per validated package, named by a hash of its files,
    the validator's code and the installed versions; a week unused and it is removed). A stand-in
    for the validator (a test's) is always called and never remembered."""
    import hashlib

    from cidi.charts.render import prune

    real = validate_package is package_step.validate_package
    if cache is None or not real:
        validate_package(folder)
        return
    digest = hashlib.sha256(Path(package_step.__file__).read_bytes() + (paths.ROOT / "requirements.lock").read_bytes())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(folder).as_posix()}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
    marker = cache / digest.hexdigest()[:32]
    if marker.is_file():
        os.utime(marker)  # used now: kept by prune()
    else:
        validate_package(folder)
        cache.mkdir(parents=True, exist_ok=True)
        marker.touch()
    prune(cache, {marker.name})


def build(datasets: Path, site: Path, settings: Settings, with_site: bool = True, png: bool = True) -> None:
    renderer = None
    if with_site:  # a cold build draws every chart: its workers start while the robustness is analysed
        from cidi.charts.render import Renderer, default_cache

        renderer = Renderer(png=png, cache=default_cache())
        if renderer.cold():
            renderer.start()
    try:
        _build(datasets, site, settings, with_site, png, renderer)
    finally:
        if renderer is not None:
            renderer.close(cancel=True)  # closed already by make_site, unless a step before it failed


def _build(datasets: Path, site: Path, settings: Settings, with_site: bool, png: bool, renderer) -> None:
    with step("load_sources"):
        sources = load_sources(datasets)
    with step("compute_indices"):
        indices = compute_indices(sources)
    with step("robustness"):
        robust = analyse_robustness_cached(indices.scores, sources.dimensions, settings, paths.cache("robustness"))
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=site.parent))
    try:
        with step("write_package"):
            tables = package_tables(indices, robust, sources)
            descriptor = write_package(staging / "data", tables, sources, indices, robust, datasets=datasets)
        if with_site:  # the validation runs beside the site step, on a core that is free while specs are built
            with step("validate_package"):  # printed twice: the start here, the wait below
                validation = InChild(validate_package_cached, staging / "data", paths.cache("validated"))
            try:
                from cidi.make_site import make_site  # the site step needs mkdocs and Node.js
                make_site(staging, sources, indices, robust, descriptor, png=png,
                          meta=read_metadata(datasets / "package.yml"), renderer=renderer)
            except BaseException:
                validation.stop()
                raise
            with step("validate_package"):
                validation.result()
        else:
            with step("validate_package"):
                validate_package_cached(staging / "data", paths.cache("validated"))
        (staging / "site" / "data").mkdir(parents=True, exist_ok=True)
        for item in (staging / "data").iterdir():  # beside the Data page (site/data/index.html)
            item.rename(staging / "site" / "data" / item.name)
        if with_site:  # the host configuration (CSP, charsets, caching), from the finished tree
            from cidi.deploy import write_headers
            write_headers(staging / "site")
        swap_into_place(staging / "site", site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# The build holds tens of thousands of objects to its end (data frames, specs, pages): with the
# default thresholds (700, 10, 10) the collector walks them all again and again. Ten times more rarely.
GC_THRESHOLDS = (7000, 10, 100)


# glibc gives large blocks (a card's 3 MB of pixels, numpy's temporaries) back to the system as they are
# freed and maps fresh zeroed pages for the next: half a million page faults in a build's workers. Kept
# instead, up to these sizes (bytes): the workers' faults fall tenfold (540,000 -> 50,000), and their
# system time with them. Set for the processes the build starts (workers, Node.js) and for this one.
MALLOC = {"MALLOC_MMAP_THRESHOLD_": 64 << 20, "MALLOC_TRIM_THRESHOLD_": 256 << 20}


def keep_freed_memory() -> None:
    """:data:`MALLOC` for this process (glibc's ``mallopt``; elsewhere nothing) and, unless set
    already, for every process it starts."""
    import ctypes
    import ctypes.util

    for name, value in MALLOC.items():
        os.environ.setdefault(name, str(value))
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, int(os.environ["MALLOC_MMAP_THRESHOLD_"]))  # M_MMAP_THRESHOLD
        libc.mallopt(-1, int(os.environ["MALLOC_TRIM_THRESHOLD_"]))  # M_TRIM_THRESHOLD
    except (OSError, AttributeError, ValueError):  # not glibc, or a value that is not a number: the defaults
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=paths.DATASETS, help="folder of the source files")
    parser.add_argument("--site", type=Path, default=paths.SITE, help="output folder (replaced on success)")
    parser.add_argument("--replications", type=int, default=DEFAULT_REPLICATIONS)
    parser.add_argument("--no-site", action="store_true", help="build the data package only")
    parser.add_argument("--no-png", action="store_true", help="skip PNG downloads (faster local iterations)")
    parser.add_argument("--debug", action="store_true", help="print the Python traceback of a failure")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gc.set_threshold(*GC_THRESHOLDS)
    keep_freed_memory()
    RUNNING.clear()
    stopped = f"build stopped; {args.site} was left unchanged"
    try:
        # absolute, so that a relative --site means the same folder to every step (mkdocs resolves
        # relative paths against mkdocs.yml, not the current folder)
        build(args.datasets, args.site.absolute(), Settings(replications=args.replications),
              with_site=not args.no_site, png=not args.no_png)
    except SourceError as error:  # the sources break rules: every problem, in plain words
        if args.debug:
            traceback.print_exc()
        print(f"error: {error}", file=sys.stderr)
        print(stopped, file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - any other failure: its cause in one line, no traceback
        if args.debug:
            traceback.print_exc()
        where = f"step {RUNNING[-1]}: " if RUNNING else ""
        cause = str(error) or "(no message)"
        print(f"error: {where}{type(error).__name__}: {cause}", file=sys.stderr)
        if not args.debug:
            print("(run again with --debug for the Python traceback)", file=sys.stderr)
        print(stopped, file=sys.stderr)
        return 1
    print(f"step {'total':<18} {time.perf_counter() - start:7.3f} s")
    print(f"built {args.site}")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # the site is written and every child process waited for: the system takes the memory back at
    # once, rather than the interpreter freeing the build's millions of objects one by one (0.5 s)
    os._exit(code)
