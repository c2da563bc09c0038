# chainrule: `make demo` and `make test` set up a fresh machine (virtualenv, packages, Graphviz).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: demo test bench lint dot chromium venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Each extra set is installed once per change of pyproject.toml.
$(VENV)/.demo-installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[train,data,plot,gif]'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@ $(VENV)/.demo-installed

$(VENV)/.bench-installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[bench,train]'
	touch $@

venv: $(VENV)/.test-installed

dot:
	@bash scripts/ensure-dot.sh || true

chromium:
	@bash scripts/ensure-chromium.sh || true

demo: $(VENV)/.demo-installed dot
	$(PY) examples/demo.py

test: $(VENV)/.test-installed dot chromium lint
	$(PY) -m pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check autograd nn tests examples bench scripts
	$(BIN)/ruff format --check autograd nn tests examples bench scripts
	$(BIN)/mypy

# Options for python -m bench, e.g. make bench BENCH_ARGS="--skip pytorch --plot"
BENCH_ARGS ?=

bench: $(VENV)/.bench-installed
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache
