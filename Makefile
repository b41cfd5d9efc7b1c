# make demo   - install into .venv if needed, then run the quick tier end to end
# make test   - install into .venv if needed, then run the whole test suite
# make bench  - install into .venv if needed, then run every benchmark (BENCH_DEVICE=cuda on a GPU);
#               rows go to benchmarks/results/*.csv, see docs/performance.md
# make lab    - open JupyterLab on notebooks/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Extra pip arguments, e.g. PIP_ARGS="--extra-index-url https://download.pytorch.org/whl/cpu" for CPU-only torch.
PIP_ARGS ?=

.PHONY: demo test bench lab install clean-runs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e ".[test]" $(PIP_ARGS)
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/dlkdd synth --root data/quick
	$(BIN)/dlkdd notebooks --src notebooks --out build/notebooks

test: install
	$(BIN)/python -m pytest

BENCH_DEVICE ?= auto
bench: install
	$(BIN)/python benchmarks/decode.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/pipeline.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/kd_overhead.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/inference.py --device $(BENCH_DEVICE)
	$(BIN)/python benchmarks/zerodce.py
	$(BIN)/python benchmarks/quick_tier.py --demo-only

lab: install
	$(BIN)/jupyter lab notebooks

clean-runs:
	rm -rf runs build figures/*.png figures/*.pdf
