"""The benchmark: build times, robustness against its budget, page weight and pipeline scaling.

    python -m cidi.bench [--sizes 31,300,3000] [--site DIR]      (``make bench``)

Inputs: the repository (``datasets/``, ``docs/`` and the build scripts), only read. Every build runs
in a subprocess, in a temporary copy of the repository or into a temporary folder, so ``build/``,
``docs/`` and ``datasets/`` are never touched. Output, on stdout, one figure per line in a fixed
order, after a short header::

    header <name> <value>
    bench <name> <value> <unit> [budget <limit> <unit> PASS|OVER]
    note <name> <text>

Seconds have three decimals, sizes are whole bytes (1 kB = 1000 B), gzip is level 6 per file
(as a web server compresses each response). Progress goes to stderr. Budgets are reported,
never enforced here; the page-weight budgets are also tests (``tests/test_budgets.py``).

Sections, in this order, one module each:

1. ``build.*`` (:mod:`.run`): a clean build (no ``build/`` folder, the environment present), each
   step's time and ``build.cpu``, the CPU seconds of all its processes (Node.js included): the wall
   time is at least that over the cores, and it moves less than the wall time on a busy host;
   ``tests.fast.*``: `make test-fast` against that site; then ``build.rebuild.*``: the
   same build again after one hand-written page changed.
2. ``robustness.*`` (:mod:`.robustness`): the robustness step on one core.
3. ``page.*``, ``search.*``, ``js.*``, ``site.*`` (:mod:`.pages`): what a first view of each page
   type downloads, then with its interactive charts; all JavaScript; the whole site.
4. ``scale.*`` (:mod:`.scale`, on datasets from :mod:`.synthetic`): the data pipeline on 31, 300
   and 3,000 regions; ``estimate.*``: the site steps extrapolated from the clean build.
"""
