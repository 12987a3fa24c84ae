# Two commands for a newcomer: `make lab` and `make test`. Everything runs from .venv/,
# built from requirements.txt the first time and again only when the pins change.
#
# The Python it is built with (tools/venv.sh): PYTHON if given (make test PYTHON=python3.12),
# else python3 if it is 3.11, 3.12 or 3.13, else the newest of python3.13, python3.12, python3.11.
# A .venv/ made with an unsupported Python, or with another one than PYTHON asks for, is rebuilt.
PYTHON ?=
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
# Jupyter's own paths (silences a deprecation notice); no debugger file checks in kernels.
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Strict nbval (every stored output compared) on the reference platform, re-execution and asserts
# elsewhere; STRICT=1 or STRICT=0 decides by hand (tools/nbval_mode.py, README).
# `$(NBVAL_MODE) pytest ... $$mode` stops if the mode cannot be decided (a bad STRICT, say).
NBVAL_MODE = mode=$$($(BIN)/python tools/nbval_mode.py) &&
NBVAL = $$mode --nbval-current-env $(PARALLEL)
# Test files and notebooks in JOBS processes (a notebook's cells stay together, in order): about a
# quarter faster on two cores. Each process holds TensorFlow (up to 2 GB with a notebook's workers):
# JOBS=1 on a machine short of memory.
JOBS ?= 2
PARALLEL = $(if $(filter 1,$(JOBS)),,-n $(JOBS) --dist loadscope)
# jupyter refuses to start as root (in a Docker container, say) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
# A kernel whose tab was closed is shut down after an hour idle (one holds 650-780 MB); kernels
# with an open tab are never culled. LAB_ARGS passes more options: LAB_ARGS="--ip=0.0.0.0 --port=8890".
# A cull option in LAB_ARGS replaces ours (jupyter refuses an option given twice).
LAB_ARGS ?=
CULL ?= $(if $(findstring cull_,$(LAB_ARGS)),,--MappingKernelManager.cull_idle_timeout=3600 \
	--MappingKernelManager.cull_interval=300)
# The course's JupyterLab settings (no "get Jupyter news?" prompt over the first notebook, no
# update check), installed where this environment's JupyterLab reads its overrides.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# Long sums in an order no CPU uses (helpers.perturb_arithmetic: weight gradients over more than 400
# windows summed in other blocks): a stored digit that changes would change on some reader's CPU.
PERTURBED_ENV := HELPERS_PERTURB_ARITHMETIC=1
# A machine unlike the default: oneDNN ops requested and its AVX-512 kernels allowed (setup_notebook
# must turn both back), one thread per TensorFlow pool, and the arithmetic perturbed. The stored
# outputs must pass strict nbval here too.
PORTABILITY_ENV := TF_ENABLE_ONEDNN_OPTS=1 ONEDNN_MAX_CPU_ISA=AVX512_CORE \
	TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 $(PERTURBED_ENV)
EXECUTE := $(BIN)/jupyter nbconvert --execute --ExecutePreprocessor.timeout=600 \
	--ExecutePreprocessor.kernel_name=python3
# Consecutive prints of a cell stored as one output, as JupyterLab saves them.
COALESCE := --Exporter.preprocessors=nbconvert.preprocessors.CoalesceStreamsPreprocessor \
	--CoalesceStreamsPreprocessor.enabled=True

.PHONY: help venv setup lab test unit nbval nbval-perturbed nbval-portability run refresh restore lint \
	bench platforms clean

# A plain `make` lists the targets; `make lab` and `make test` are the two a reader needs.
help:
	@echo "make lab      open JupyterLab on notebooks/ (builds .venv/ the first time)"
	@echo "make test     the unit tests, then every notebook re-executed and checked"
	@echo "make refresh  re-execute the notebooks in place (after changing one, or helpers)"
	@echo "make restore  put the notebooks back as committed"
	@echo "make run      execute every notebook into build/, with HTML"
	@echo "other targets: setup unit nbval nbval-perturbed nbval-portability lint bench platforms clean"

# Runs first wherever .venv/ is used: stops at once without a supported Python, and removes a
# .venv/ that cannot be kept, so the stamp below rebuilds it.
venv:
	@sh tools/venv.sh check $(VENV) "$(PYTHON)"

setup: venv $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || "$$(sh tools/venv.sh find "$(PYTHON)")" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

lab: venv $(STAMP) $(LAB_OVERRIDES)
	$(BIN)/jupyter lab $(ALLOW_ROOT) $(CULL) $(LAB_ARGS) notebooks/

$(LAB_OVERRIDES): tools/jupyterlab-overrides.json $(STAMP)
	mkdir -p $(dir $@)
	cp tools/jupyterlab-overrides.json $@

test: venv $(STAMP)
	$(NBVAL_MODE) $(BIN)/python -m pytest tests helpers tools notebooks $(NBVAL)

unit: venv $(STAMP)
	$(BIN)/python -m pytest $(PARALLEL)

nbval: venv $(STAMP)
	$(NBVAL_MODE) $(BIN)/python -m pytest notebooks $(NBVAL)

nbval-perturbed: venv $(STAMP)
	$(NBVAL_MODE) $(PERTURBED_ENV) $(BIN)/python -m pytest notebooks $(NBVAL)

nbval-portability: venv $(STAMP)
	$(NBVAL_MODE) $(PORTABILITY_ENV) $(BIN)/python -m pytest notebooks $(NBVAL)

run: venv $(STAMP)
	mkdir -p build
	$(EXECUTE) --to notebook --output-dir build $(NOTEBOOKS)
	$(BIN)/jupyter nbconvert --to html --template classic --output-dir build build/*.ipynb

refresh: venv $(STAMP)
	$(EXECUTE) --ExecutePreprocessor.record_timing=False $(COALESCE) --to notebook --inplace $(NOTEBOOKS)

# Put the notebooks back as committed (after running them in JupyterLab, which saves outputs).
# Refused while JupyterLab serves them: an open notebook would offer to overwrite the restored file.
restore: venv $(STAMP)
	$(BIN)/python tools/lab_running.py
	git checkout HEAD -- notebooks/

lint: venv $(STAMP)
	$(BIN)/ruff check helpers tests tools notebooks benchmarks
	$(BIN)/ruff format --check helpers tests tools notebooks benchmarks

# The posts' recipes against ours, and notebook wall times: writes benchmarks/results.{md,png}.
# BENCH_ARGS=--quick for a smoke run.
bench: venv $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Resolves requirements.txt for every platform x Python 3.11-3.13 against the package index
# (needs the network; not part of `make test`) and prints the table the README shows.
platforms: venv $(STAMP)
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/python tools/resolve_platforms.py

clean:
	rm -rf build $(VENV)
