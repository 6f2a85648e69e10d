# coachkit: two commands for a fresh machine.
#   make lab    create the environment if needed and open the lessons in JupyterLab
#   make test   create the environment if needed and run every test
# Also: make app (the lessons as an app, no code shown), make bench (the benchmark table).

# As root (a container, a fresh cloud machine) both pass JupyterLab's --allow-root by themselves.
# Extra options go to JupyterLab or Voila: make app ARGS="--port 8870 --no-browser"

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
ARGS   ?=
# The kit's bytecode, written once as pip writes it for an installed package (an editable install leaves it
# to the first import, which never writes it where PYTHONDONTWRITEBYTECODE is set): every kernel that
# imports the kit would otherwise compile it again. Quick when nothing changed; a read-only checkout (a shared
# install) only misses the speed-up.
COMPILE = @$(PY) -m compileall -q coachkit >/dev/null 2>&1 || true

.PHONY: lab app test lint bench clean env dev

env: $(STAMP)
dev: $(DEV)

# What the lessons need, only (re)installed when pyproject.toml changes; the venv is made on first use.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(COMPILE)
	@touch $(STAMP)

# The test and benchmark tools, only for make test / lint / bench.
$(DEV): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(DEV)

lab: $(STAMP)
	$(COMPILE)
	$(VENV)/bin/coachkit lab $(ARGS)

app: $(STAMP)
	$(COMPILE)
	$(VENV)/bin/coachkit app $(ARGS)

lint: $(DEV)
	$(VENV)/bin/ruff check coachkit tests benchmarks tools conftest.py

# The tests run with no network but loopback (tools/offline: a network namespace with only lo up), after
# the environment is installed (that needs the package registry).
test: lint
	$(COMPILE)
	tools/offline $(PY) -m pytest
	tools/offline $(PY) -m pytest --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

bench: $(DEV)
	$(COMPILE)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info
