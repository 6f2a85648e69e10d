# coachkit: two commands for a fresh machine.
#   make lab    create the environment if needed and open the lessons in JupyterLab
#   make test   create the environment if needed and run every test
# Also: make app (the lessons as an app, no code shown), make bench (the benchmark table).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: lab app test lint bench clean env

env: $(STAMP)

# (Re)install when pyproject.toml changes; the venv is created on first use.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/coachkit lab

app: $(STAMP)
	$(VENV)/bin/coachkit app

lint: $(STAMP)
	$(VENV)/bin/ruff check coachkit tests benchmarks tools conftest.py

# The tests run with no network but loopback (tools/offline: a network namespace with only lo up), after
# the environment is installed (that needs the package registry).
test: lint
	tools/offline $(PY) -m pytest
	tools/offline $(PY) -m pytest --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info
