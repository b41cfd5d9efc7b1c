# make demo   - install into .venv if needed, then run the quick tier end to end (notebooks 00-04, minutes)
# make reproduce - every figure and table of the quick tier from scratch (dlkdd reproduce, ~5 min on 2 cores),
#               then notebooks 05-06 on its results
# make test   - install into .venv if needed, then run the whole test suite
# make bench  - install into .venv if needed, then run every benchmark (BENCH_DEVICE=cuda on a GPU);
#               rows go to benchmarks/results/*.csv, see docs/performance.md
# make gpu-check - on a borrowed GPU: the paper tier's speed, memory and torchrun resume in one run under 8 min;
#               rows go to benchmarks/results/gpu_check.csv (on a CPU: a tiny version, to prove it works)
# make lab    - open JupyterLab on notebooks/
# make book   - the executed notebooks of make demo / make reproduce (build/notebooks/) as HTML pages to read
#               without running anything, worked solutions on pages of their own: build/book/index.html
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Extra pip arguments, e.g. PIP_ARGS="--extra-index-url https://download.pytorch.org/whl/cpu" for CPU-only torch.
PIP_ARGS ?=

.PHONY: demo reproduce test bench gpu-check lab book install clean-runs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e ".[test]" $(PIP_ARGS)
	# git strips notebook outputs on commit (.gitattributes); a copy outside git skips this
	git rev-parse --git-dir >/dev/null 2>&1 && $(BIN)/nbstripout --install || true
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/dlkdd synth --root data/quick
	$(BIN)/dlkdd notebooks --src notebooks --out build/notebooks --only 00 01 02 03 04

# Notebook 06 finds the runs `dlkdd reproduce` made in RUNS_DIR/reproduce-quick and only redraws;
# notebook 05 loads that sweep instead of training its own grid.
reproduce: install
	$(BIN)/dlkdd reproduce --tier quick --data data/quick --out runs/quick/reproduce-quick --figures figures
	$(BIN)/dlkdd notebooks --src notebooks --out build/notebooks --only 05 06 \
		-p SWEEP_DIR=../runs/quick/reproduce-quick/sweep

test: install
	$(BIN)/python -m pytest

BENCH_DEVICE ?= auto
bench: install
	$(BIN)/python benchmarks/decode.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/pipeline.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/kd_overhead.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/step_options.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/inference.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/zerodce.py
	$(BIN)/python benchmarks/quick_tier.py --demo-only

gpu-check: install
	$(BIN)/python benchmarks/gpu_check.py

lab: install
	$(BIN)/jupyter lab notebooks

book: install
	$(BIN)/dlkdd book --src build/notebooks --out build/book

clean-runs:
	rm -rf runs build figures/*.png figures/*.pdf figures/tables
