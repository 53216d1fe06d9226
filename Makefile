# The two commands of the README. Each sets up what it needs on a fresh machine (a virtual
# environment with the pinned dependencies) and then runs.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint eval browser-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,fast]'
	touch $(STAMP)

## browser-deps: Debian's chromium and playwright-core (from npm) for the browser test
browser-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	@command -v rapper >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils)
	@test -d tests/browser/node_modules/playwright-core || (cd tests/browser && npm ci --no-audit --no-fund --silent)

## run: build graph/ from corpus/ if it is out of date, and serve it on http://127.0.0.1:8000
run: $(STAMP)
	$(VENV)/bin/kg build --check --quiet || $(VENV)/bin/kg build
	$(VENV)/bin/kg serve

## eval: score the builder on the development set (tests/fixtures/devset/), built in memory with corpus/
## (the gold's conflict and agree rows compare the news texts with the seeds): recall, misses, precision
eval: $(STAMP)
	$(VENV)/bin/kg eval tests/fixtures/devset/gold.tsv --corpus corpus --corpus tests/fixtures/devset
	$(VENV)/bin/kg eval tests/fixtures/owndev/gold.tsv --corpus tests/fixtures/owndev

## test: run the whole test suite
test: $(STAMP) browser-deps
	$(PY) -m pytest -q

## lint: ruff and mypy --strict on src/ (CI runs it before the tests)
lint: $(STAMP)
	$(VENV)/bin/ruff check src
	$(VENV)/bin/mypy
