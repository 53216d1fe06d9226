# The two commands of the README. Each sets up what it needs on a fresh machine (a virtual
# environment with the pinned dependencies) and then runs.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test browser-deps

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

## test: run the whole test suite
test: $(STAMP) browser-deps
	$(PY) -m pytest -q
