# CIDI: `make build` then `make test` on a fresh machine. `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export PYTHONPATH := $(CURDIR)/scripts
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0

INPUTS := $(shell find datasets scripts docs -type f -not -path "*/__pycache__/*" -not -path "scripts/cidi/bench/*" 2>/dev/null) mkdocs.yml mkdocs.zh.yml requirements.lock

.DEFAULT_GOAL := help
.PHONY: help build test test-fast serve bench clean lock dist

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock scripts/js.lock.json scripts/node/package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m cidi.fetch_js
	@command -v npm >/dev/null || { echo "make: the chart drawing needs Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	mkdir -p $(VENV)/node && cp scripts/node/package.json scripts/node/package-lock.json scripts/node/.npmrc $(VENV)/node/
	cd $(VENV)/node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

build: $(STAMP) ## Set up .venv from the lock file if missing, build the data package and the site into build/site/
	$(PY) -m cidi.build
	@touch build/.stamp

build/.stamp: $(STAMP) $(INPUTS)
	$(PY) -m cidi.build
	@touch $@

test: $(STAMP) build/.stamp ## Run the whole test suite against the built site (builds first if inputs changed)
	$(PY) -m pytest -n auto

test-fast: $(STAMP) build/.stamp ## The inner loop: every test but the browser and full-rebuild ones (markers browser, slow), on every core
	$(PY) -m pytest -m "not slow and not browser" -n auto

serve: $(STAMP) build/.stamp ## Serve build/site/ on http://127.0.0.1:$(PORT)/
	$(PY) -m http.server --directory build/site --bind 127.0.0.1 $(PORT)

dist: $(STAMP) ## Build build/site/ for deployment: needs CIDI_SITE_URL=https://your.host/ (refuses a local one)
	$(PY) -m cidi.deploy

bench: $(STAMP) ## Print build and rebuild times, page and script sizes, robustness and scaling figures, against budgets
	$(PY) -m cidi.bench

clean: ## Remove build outputs (keeps .venv)
	rm -rf build .pytest_cache .hypothesis
	find . -name __pycache__ -type d -not -path './.venv/*' -prune -exec rm -rf {} +

lock: ## Regenerate requirements.lock from requirements.in (in a scratch venv)
	rm -rf /tmp/cidi-lock && $(PYTHON) -m venv /tmp/cidi-lock
	/tmp/cidi-lock/bin/pip install --quiet -r requirements.in
	/tmp/cidi-lock/bin/pip freeze --exclude-editable | sort -f > requirements.lock
