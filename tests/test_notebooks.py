"""Every notebook, executed top to bottom on a tiny quick tier (worked solutions included), and the
committed copies are stripped. Notebooks that later work adds to notebooks/ are run too."""

import ast
import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from dlkdd_lite.tutorial.book import build_book
from dlkdd_lite.tutorial.notebooks import list_notebooks, run_notebook
from dlkdd_lite.tutorial.solutions import LEARNER_SOURCES, cell_role, fill_in, numbered, read_solutions, solutions_path

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
    first, last = nb.cells[0].source.lower(), nb.cells[-1].source.lower()
    assert nb.cells[0].cell_type == "markdown" and "question" in first and "runtime" in first, "opening cell"
    assert all(word in last for word in ("summary", "limits", "references")), f"{path.name}: closing cell"
    assert "sys.path" not in "".join(c.source for c in code), "import the installed package"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_exercises_have_an_empty_learner_cell_and_a_worked_solution(path):
    """Exercise N: a question that names it, the learner's cell (``exercise-N``, empty), and a ``solution-N``
    in solutions/<notebook>.py; at least one exercise per notebook has its code checked (``check-N``)."""
    nb = nbformat.read(path, as_version=4)
    exercises = numbered(nb.cells, "exercise")
    assert len(exercises) >= 2, f"{path.name}: at least two exercises"
    for n, cells in exercises.items():
        assert [c.source for c in cells] == [LEARNER_SOURCES[cells[0].cell_type]], f"exercise {n}: keep it empty"
        question = nb.cells[nb.cells.index(cells[0]) - 1]
        assert question.cell_type == "markdown" and f"Exercise {n}" in question.source, f"exercise {n}: question"
    checks = numbered(nb.cells, "check")
    assert checks and set(checks) <= set(exercises), f"{path.name}: at least one exercise checks core code"
    assert set(read_solutions(solutions_path(path))) == set(exercises), f"{path.name}: one solution per exercise"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_the_notebook_runs_without_the_solutions(path):
    """What a solution defines is not used by the notebook's own cells after it (a check cell skips
    without it), so the learner's notebook runs top to bottom with its exercise cells empty."""
    nb = fill_in(nbformat.read(path, as_version=4), read_solutions(solutions_path(path)))
    defined: set[str] = set()
    for cell in nb.cells:
        role = cell_role(cell)
        if cell.cell_type != "code" or (role and role[0] == "check"):
            continue
        tree = ast.parse(_without_magics(cell.source))
        if role and role[0] == "solution":
            defined |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            defined |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
            defined |= {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
                        if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}  # fmt: skip
        else:
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            assert not used & defined, f"{path.name}: a notebook cell uses {sorted(used & defined)} from a solution"


def _without_magics(source: str) -> str:
    """A cell's source without IPython's magics and shell escapes, so that ``ast`` can read it."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


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
    _check_reads_well_saved(out)
    _check_editions(out, out.parent / "solutions" / out.name)


def _check_reads_well_saved(out: Path) -> None:
    """Executed notebooks stay under 1 MB, with no progress widgets or text bars, each figure once."""
    assert out.stat().st_size < 1_000_000, f"{out.name}: {out.stat().st_size / 1e6:.2f} MB executed"
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert "widgets" not in nb.metadata and not [o for o in outputs if "application/vnd.jupyter.widget-view+json"
                                                   in o.get("data", {})], f"{out.name}: a widget was saved"  # fmt: skip
    texts = [o.get("text", "") for o in outputs] + [o.get("data", {}).get("text/plain", "") for o in outputs]
    assert not [t for t in texts if re.search(r"\d+%\|", t)], f"{out.name}: a progress bar was saved"
    images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == len(set(images)), f"{out.name}: a figure is shown twice"


def _check_editions(learner: Path, solutions: Path) -> None:
    """The learner's copy keeps its exercise cells empty; the worked solutions ran, apart."""
    nb = nbformat.read(learner, as_version=4)
    for n, cells in numbered(nb.cells, "exercise").items():
        assert all(c.source in LEARNER_SOURCES.values() and not c.get("outputs") for c in cells), f"exercise {n}"
    assert not numbered(nb.cells, "solution"), f"{learner.name}: a solution in the learner's copy"
    worked = nbformat.read(solutions, as_version=4)
    code = [c for c in worked.cells if c.cell_type == "code"]
    assert code and not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert any(c.outputs for c in code), f"{solutions.name}: the solutions show nothing"


def test_the_book_builds_from_the_executed_notebooks(workspace, tmp_path):
    """`make book`: HTML pages of the executed notebooks (the copies executed above, or, run alone, the
    committed ones), their worked solutions, and an index."""
    root, _ = workspace
    executed = root / "executed"
    src = executed if list_notebooks(executed) else NOTEBOOK_DIR
    pages = build_book(src, tmp_path / "book")
    index = (tmp_path / "book" / "index.html").read_text()
    assert pages[0].name == "index.html"
    for notebook in list_notebooks(src):
        assert f'href="{notebook.stem}.html"' in index and (tmp_path / "book" / f"{notebook.stem}.html").is_file()
        if src == executed:
            assert (tmp_path / "book" / "solutions" / f"{notebook.stem}.html").is_file()


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
