"""ruff keeps the code formatted and lint-clean; it runs in well under a second."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["dlkdd_lite", "tests", "benchmarks"]


def test_ruff_check():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_check_notebook_cells():
    """The cells, through the notebooks' .py pairs (notebooks/ruff.toml); not formatted, so that a cell saved
    from JupyterLab as typed passes. Fix with `ruff check --fix notebooks`, then `jupytext --sync`."""
    cmd = [sys.executable, "-m", "ruff", "check", "notebooks"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    cmd = [sys.executable, "-m", "ruff", "format", "--check", *PATHS]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
