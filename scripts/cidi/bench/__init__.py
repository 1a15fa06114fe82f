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

Sections, in this order, one module each:

1. ``build.*`` (:mod:`.run`): wall time of a clean full build and each step's time.
2. ``robustness.*`` (:mod:`.robustness`): the robustness step on one core.
3. ``page.*``, ``search.*``, ``js.*``, ``site.*`` (:mod:`.pages`): what a first view of each page
   type downloads, then with its interactive charts; all JavaScript; the whole site.
4. ``scale.*`` (:mod:`.scale`, on datasets from :mod:`.synthetic`): the data pipeline on 31, 300
   and 3,000 regions; ``estimate.*``: the site steps extrapolated from the full build.
"""
