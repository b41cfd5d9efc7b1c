"""Every notebook, executed top to bottom on a tiny quick tier (worked solutions included), and the
committed copies are stripped. Notebooks that later work adds to notebooks/ are run too."""

import json
import subprocess
from pathlib import Path

import nbformat
import pytest

from dlkdd_lite.notebooks import list_notebooks, run_notebook

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = list_notebooks(NOTEBOOK_DIR)
# 07 needs a real dataset and a GPU: tests/test_paper_tier_notebook.py runs it to where it stops, and rehearses it.
QUICK_TIER = [nb for nb in NOTEBOOKS if nb.stem != "07_paper_tier"]
# What each notebook promises to write, relative to the injected folders.
PROMISES = {
    "01_data": ["data/splits/ARID_split1_train.txt", "data/synth.json"],
    "02_dark_vs_enhanced": ["figures/02_dark_vs_enhanced.png", "figures/02_dark_vs_enhanced.pdf"],
    "02b_zerodce": ["runs/zerodce/zerodce.pt", "runs/zerodce/metrics.csv", "figures/02b_zerodce.png"],
    "03_teacher": ["runs/teacher/result.json", "runs/teacher/checkpoint.pt"],
    "04_student": ["runs/summary.csv", "runs/student_s0/result.json", "runs/baseline_s0/result.json",
                   "figures/04_comparison.png"],
    "05_ablation": ["runs/sweep/results.csv", "figures/05_temperature.png", "figures/05_heatmap.pdf"],
    "06_paper_figures": ["runs/reproduce-quick/methods.csv", "figures/fig1_temperature.pdf",
                         "figures/fig3_teacher_input.png", "figures/fig5_accuracy_vs_cost.png",
                         "figures/fig6_confusion.png", "figures/fig7_dark_vs_enhanced.png",
                         "figures/tables/table1.md", "figures/tables/paper_vs_kit.csv"],
}  # fmt: skip


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("quick_tier")
    parameters = {
        "DATA_DIR": str(root / "data"), "RUNS_DIR": str(root / "runs"), "FIGURES_DIR": str(root / "figures"),
        "SYNTH": dict(seed=0, actors=3, test_actors=1, clips_per_actor=1, num_frames=16, size=64),
        "EPOCHS": 2, "SEEDS": [0], "ZERODCE_STEPS": 10, "ZERODCE_FRAMES": 32,
        "TEMPERATURES": [1, 4], "ALPHAS": [0, 0.7],
    }  # fmt: skip
    return root, parameters


def test_notebooks_are_found():
    names = [nb.stem for nb in NOTEBOOKS]
    assert names[:8] == [
        "00_tour",
        "01_data",
        "02_dark_vs_enhanced",
        "02b_zerodce",
        "03_teacher",
        "04_student",
        "05_ablation",
        "06_paper_figures",
    ]


def _git_strips(path: Path) -> bool:
    """Whether git strips outputs when ``path`` is staged: nbstripout registered as its clean filter, so a
    notebook saved with outputs in JupyterLab is still committed without them."""
    run = lambda *args: subprocess.run(["git", *args], cwd=path.parent, capture_output=True, text=True).stdout
    return run("check-attr", "filter", "--", path.name).strip().endswith(": nbstripout") and bool(
        run("config", "--get", "filter.nbstripout.clean").strip()
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_committed_notebook_is_stripped_and_well_formed(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    stripped = all(not c.outputs and c.execution_count is None for c in code)
    assert stripped or _git_strips(path), f"{path.name} has outputs: strip them, or `make install` (nbstripout)"
    tags = [c.metadata.get("tags", []) for c in code]
    assert sum("parameters" in t for t in tags) == 1, f"{path.name}: exactly one parameters cell"
    assert sum("solution" in t for t in tags) >= 2, f"{path.name}: at least two worked solutions"
    assert nb.cells[0].cell_type == "markdown" and "question" in nb.cells[0].source.lower()
    assert "sys.path" not in "".join(c.source for c in code), "import the installed package"


@pytest.mark.parametrize("path", QUICK_TIER, ids=[nb.stem for nb in QUICK_TIER])
def test_notebook_executes_on_the_quick_tier(path, workspace):
    """Module-scoped workspace, run in file order: 01 makes the data that 02-04 use."""
    root, parameters = workspace
    out = root / "executed" / path.name
    run_notebook(path, out, parameters=parameters, cwd=NOTEBOOK_DIR, timeout=600)
    executed = nbformat.read(out, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert len(outputs) >= 3, "the notebook shows something"
    for promised in PROMISES.get(path.stem, []):
        assert (root / promised).is_file(), f"{path.name} should write {promised}"
    if path.stem == "04_student":
        summary = (root / "runs" / "summary.csv").read_text().splitlines()
        assert len(summary) == 1 + 3 and "video_acc1" in summary[0]  # teacher + baseline + student
        assert json.loads((root / "runs" / "student_s0" / "config.json").read_text())["alpha"] == 0.7


def test_each_notebook_is_paired_with_its_text_source():
    """notebooks/jupytext.toml pairs NN_name.ipynb with NN_name.py (py:percent); an edit to either, saved in
    JupyterLab with jupytext (`make lab`) or followed by `jupytext --sync notebooks/*.ipynb`, updates both."""
    import jupytext

    texts = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]*_*.py"))
    assert [p.stem for p in texts] == [p.stem for p in NOTEBOOKS], "every notebook has a .py pair, and only they"
    for path in NOTEBOOKS:
        ipynb = nbformat.read(path, as_version=4).cells
        text = jupytext.read(path.with_suffix(".py")).cells
        summary = lambda cells: [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in cells]
        assert summary(ipynb) == summary(text), f"{path.name} and its .py differ: jupytext --sync notebooks/*.ipynb"
