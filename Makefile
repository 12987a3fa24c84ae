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
# jupyter refuses to start as root (in a Docker container, say) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
# A machine unlike the default: oneDNN ops requested and its AVX-512 kernels allowed (setup_notebook
# must turn both back), one thread per TensorFlow pool. The stored outputs must pass strict nbval here too.
PORTABILITY_ENV := TF_ENABLE_ONEDNN_OPTS=1 ONEDNN_MAX_CPU_ISA=AVX512_CORE \
	TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
EXECUTE := $(BIN)/jupyter nbconvert --execute --ExecutePreprocessor.timeout=600 \
	--ExecutePreprocessor.kernel_name=python3

.PHONY: setup lab test unit nbval nbval-portability run refresh restore lint bench clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab $(ALLOW_ROOT) notebooks/

test: $(STAMP)
	$(BIN)/python -m pytest tests helpers notebooks $(NBVAL)

unit: $(STAMP)
	$(BIN)/python -m pytest

nbval: $(STAMP)
	$(BIN)/python -m pytest notebooks $(NBVAL)

nbval-portability: $(STAMP)
	$(PORTABILITY_ENV) $(BIN)/python -m pytest notebooks $(NBVAL)

run: $(STAMP)
	mkdir -p build
	$(EXECUTE) --to notebook --output-dir build $(NOTEBOOKS)
	$(BIN)/jupyter nbconvert --to html --template classic --output-dir build build/*.ipynb

refresh: $(STAMP)
	$(EXECUTE) --ExecutePreprocessor.record_timing=False --to notebook --inplace $(NOTEBOOKS)

# Put the notebooks back as committed (after running them in JupyterLab, which saves outputs).
restore:
	git checkout HEAD -- notebooks/

lint: $(STAMP)
	$(BIN)/ruff check helpers tests notebooks benchmarks
	$(BIN)/ruff format --check helpers tests notebooks benchmarks

# The posts' recipes against ours, and notebook wall times: writes benchmarks/results.{md,png}.
# BENCH_ARGS=--quick for a smoke run.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf build $(VENV)
