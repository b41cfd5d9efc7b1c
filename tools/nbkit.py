"""Cell helpers shared by the notebook builders in tools/ (build_notebooks.py, nb_ablation.py)."""

from __future__ import annotations

from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell

ROOT = Path(__file__).resolve().parents[1]
PATHS = """DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF"""


def md(text: str):
    return new_markdown_cell(text.strip())


def code(text: str, *tags: str):
    cell = new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    if "solution" in tags:
        cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def params(text: str):
    return code(text, "parameters")


def solution(text: str):
    return code("# Worked solution (collapsed in JupyterLab: click the bar to expand)\n" + text.strip(), "solution")
