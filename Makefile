# Two commands for a newcomer: `make lab` and `make test`. Everything runs from .venv/,
# built from requirements.txt the first time and again only when the pins change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
# Jupyter's own paths (silences a deprecation notice); no debugger file checks in kernels.
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
NBVAL := --nbval --nbval-current-env
EXECUTE := $(BIN)/jupyter nbconvert --execute --ExecutePreprocessor.timeout=600 \
	--ExecutePreprocessor.kernel_name=python3

.PHONY: setup lab test unit nbval run refresh lint bench clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

test: $(STAMP)
	$(BIN)/python -m pytest tests helpers notebooks $(NBVAL)

unit: $(STAMP)
	$(BIN)/python -m pytest

nbval: $(STAMP)
	$(BIN)/python -m pytest notebooks $(NBVAL)

run: $(STAMP)
	mkdir -p build
	$(EXECUTE) --to notebook --output-dir build $(NOTEBOOKS)
	$(BIN)/jupyter nbconvert --to html --output-dir build build/*.ipynb

refresh: $(STAMP)
	$(EXECUTE) --ExecutePreprocessor.record_timing=False --to notebook --inplace $(NOTEBOOKS)

lint: $(STAMP)
	$(BIN)/ruff check helpers tests notebooks benchmarks
	$(BIN)/ruff format --check helpers tests notebooks benchmarks

# The posts' recipes against ours, and notebook wall times: writes benchmarks/results.{md,png}.
# BENCH_ARGS=--quick for a smoke run.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf build $(VENV)
