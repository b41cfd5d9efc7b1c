"""Every notebook, executed top to bottom on a tiny quick tier (worked solutions included); the committed
copies are stripped, well formed and exactly what tools/make_notebooks.py writes. Notebooks that later
work adds to notebooks/ are found by ``list_notebooks`` and run too."""

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

from dlkdd_lite.notebooks import list_notebooks, run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = list_notebooks(NOTEBOOK_DIR)
RUN_FILES = ["config.json", "metrics.csv", "checkpoint.pt", "predictions.csv", "result.json"]
# What each notebook promises to write, relative to the tmp workspace (data/, runs/, figures/).
PROMISES = {
    "01_data": ["data/splits/ARID_split1_train.txt", "data/splits/ARID_split1_test.txt", "data/synth.json"],
    "02_dark_vs_enhanced": ["figures/02_dark_vs_enhanced.png", "figures/02_dark_vs_enhanced.pdf"],
    "02b_zerodce": ["runs/zerodce/zerodce.pt", "runs/zerodce/metrics.csv", "figures/02b_zerodce.png"],
    "03_teacher": [f"runs/teacher/{name}" for name in RUN_FILES],
    "04_student": ["runs/summary.csv", "runs/baseline_s0/result.json", "runs/student_s0/result.json",
                   "figures/04_comparison.png", "figures/04_comparison.pdf"],
}  # fmt: skip


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """One tmp folder shared by the notebooks of this module, so 02-04 use the data and runs of 01 and 03."""
    root = tmp_path_factory.mktemp("quick_tier")
    parameters = {
        "DATA_DIR": str(root / "data"), "RUNS_DIR": str(root / "runs"), "FIGURES_DIR": str(root / "figures"),
        "SYNTH": dict(seed=0, actors=3, test_actors=1, clips_per_actor=1, num_frames=16, size=64),
        "EPOCHS": 1, "SEEDS": [0], "ZERODCE_STEPS": 10, "ZERODCE_FRAMES": 32,
    }  # fmt: skip
    return root, parameters


def test_notebooks_are_found():
    names = [nb.stem for nb in NOTEBOOKS]
    core = ["00_tour", "01_data", "02_dark_vs_enhanced", "03_teacher", "04_student"]
    assert [name for name in names if name in core] == core, "the five core notebooks, in learning order"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_committed_notebook_is_stripped_and_well_formed(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), f"{path.name}: strip the outputs"
    assert sum("parameters" in tags(c) for c in code) == 1, f"{path.name}: exactly one parameters cell"
    solutions = [c for c in code if "solution" in tags(c)]
    assert len(solutions) >= 2, f"{path.name}: at least two worked solutions"
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") for c in solutions), "solutions start collapsed"
    assert nb.cells[0].cell_type == "markdown" and "question" in nb.cells[0].source.lower()
    assert any("## Exercises" in c.source for c in nb.cells if c.cell_type == "markdown")
    assert "sys.path" not in "".join(c.source for c in code), "import the installed package"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_executes_on_the_quick_tier(path, workspace):
    """Run in file order (pytest keeps it): 01 makes the data that 02-04 use, 03 the teacher of 04."""
    root, parameters = workspace
    out = root / "executed" / path.name
    run_notebook(path, out, parameters=parameters, cwd=NOTEBOOK_DIR, timeout=600)
    executed = nbformat.read(out, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert len(outputs) >= 3, "the notebook shows something"
    assert all(c.execution_count is not None for c in code), "every cell ran, worked solutions included"
    for promised in PROMISES.get(path.stem, []):
        assert (root / promised).is_file(), f"{path.name} should write {promised}"
    if path.stem == "04_student":
        summary = (root / "runs" / "summary.csv").read_text().splitlines()
        assert len(summary) == 1 + 3 and "video_acc1" in summary[0]  # teacher + baseline + student
        assert json.loads((root / "runs" / "student_s0" / "config.json").read_text())["alpha"] == 0.7


def load_builder(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    return builder


def test_committed_notebooks_match_their_builder():
    """Notebooks are generated from Python: 00-04 by tools/make_notebooks.py, any others by the older
    tools/build_notebooks.py. Edit the cells there, then rebuild."""
    owners = {name: "make_notebooks" for name in load_builder("make_notebooks").NOTEBOOKS}
    if (ROOT / "tools" / "build_notebooks.py").exists():
        owners = {**{name: "build_notebooks" for name in load_builder("build_notebooks").NOTEBOOKS}, **owners}
    builders = {name: load_builder(name) for name in set(owners.values())}
    for name, owner in owners.items():
        cells = builders[owner].NOTEBOOKS[name]
        committed = nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4).cells
        assert [c.source for c in committed] == [c.source for c in cells], f"{name}.ipynb: run tools/{owner}.py"
        assert [c.metadata for c in committed] == [c.metadata for c in cells], f"{name}.ipynb: cell metadata differ"
