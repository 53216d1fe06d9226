# The two commands of the README. Each sets up what it needs on a fresh machine (a virtual
# environment with the pinned dependencies) and then runs.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,fast]'
	touch $(STAMP)

## run: build graph/ from corpus/ (only when it is out of date) and show what it holds
run: $(STAMP)
	$(VENV)/bin/kg build --check --quiet || $(VENV)/bin/kg build
	$(VENV)/bin/kg stats

## test: run the whole test suite
test: $(STAMP)
	$(PY) -m pytest -q
