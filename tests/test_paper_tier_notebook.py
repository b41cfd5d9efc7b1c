"""Notebook 07 on a CPU: without the data it stops at the download cell, saying where to ask for the link and
which parameter to set; with an archive it downloads, verifies and prepares, then stops at the first cell that
needs a GPU; with ALLOW_CPU and tiny overrides it runs to the paper table (a rehearsal of the GPU steps).
The generic notebook test (test_notebooks.py) leaves 07 to this file."""

from pathlib import Path

import nbformat
import pytest
import torch
from nbclient.exceptions import CellExecutionError

from dlkdd_lite.data.synth.arid import write_arid_archive
from dlkdd_lite.tutorial.notebooks import run_notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "07_paper_tier.ipynb"
TINY = {
    "arch": "tiny3d",
    "epochs": 1,
    "batch_size": 2,
    "num_frames": 4,
    "crop_size": 32,
    "eval_clips": 1,
    "num_workers": 0,
}


def run(tmp_path: Path, name: str, **parameters) -> tuple[list, Exception | None]:
    """Execute notebook 07 with ``parameters`` (folders under ``tmp_path``); its code cells and the error, if any."""
    folders = {"DATA_DIR": str(tmp_path / "data"), "RUNS_DIR": str(tmp_path / "runs"),
               "FIGURES_DIR": str(tmp_path / "figures")}  # fmt: skip
    out = tmp_path / f"{name}.ipynb"
    error = None
    try:
        run_notebook(NOTEBOOK, out, parameters={**folders, **parameters}, cwd=NOTEBOOK.parent, timeout=300)
    except CellExecutionError as err:
        error = err
    return [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"], error


def stopped_at(cells: list) -> tuple[int, dict]:
    """The index of the one cell that failed and its error output; every cell before it ran, none after."""
    failed = [i for i, c in enumerate(cells) if any(o.output_type == "error" for o in c.outputs)]
    assert len(failed) == 1, f"expected one stopped cell, got {failed}"
    (i,) = failed
    assert all(c.execution_count is not None for c in cells[:i]) and all(
        c.execution_count is None for c in cells[i + 1 :]
    )
    return i, next(o for o in cells[i].outputs if o.output_type == "error")


def test_without_data_it_stops_at_the_download_cell_and_says_what_to_do(tmp_path):
    cells, error = run(tmp_path, "no_data")
    assert error is not None
    i, stop = stopped_at(cells)
    assert "require_source(" in cells[i].source
    assert stop.ename == "NotebookStop" and stop.traceback == [f"NotebookStop: {stop.evalue}"], "no traceback"
    assert f"no ARID v1.0 in {tmp_path / 'data' / 'arid'}" in stop.evalue
    assert "xuyu0014@e.ntu.edu.sg" in stop.evalue and "URL = '<the link>'" in stop.evalue
    shown = "".join(o.get("text", "") for c in cells[:i] for o in c.outputs)
    assert "Write to the first author" in shown and "teacher, 30 epochs x 2,288 training clips: about 3-11 min" in shown
    assert "✓ my_training_minutes agrees with paper_tier.expected_minutes" in shown, "exercise 1's check ran"
    assert not (tmp_path / "data").exists(), "nothing written before the data is there"


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the stop on a machine without a GPU")
def test_with_an_archive_it_prepares_then_stops_for_a_gpu_or_rehearses_on_the_cpu(tmp_path):
    archive = write_arid_archive(tmp_path / "ARID_v1", classes=2, train_per_class=2, test_per_class=1, seconds=0.6)
    source = {"ARCHIVE": archive["root"], "LISTS": archive["lists"], "SHORT_SIDE": 64}
    cells, error = run(tmp_path, "no_gpu", **source)
    i, stop = stopped_at(cells)
    assert "require_gpu(" in cells[i].source and stop.ename == "NotebookStop" and "no CUDA GPU" in stop.evalue
    assert (tmp_path / "data" / "arid-s64" / "dataset.json").is_file(), "downloaded, verified and prepared first"

    cells, error = run(tmp_path, "rehearsal", **source, ALLOW_CPU=True, OVERRIDES=TINY, PRETRAINED=None,
                       ZERODCE_STEPS=2)  # fmt: skip
    assert error is None, error
    for run_dir in ("zerodce", "teacher", "student", "baseline"):  # baseline: exercise 2's worked solution
        assert (tmp_path / "runs" / "arid" / run_dir).is_dir()
    table = (tmp_path / "figures" / "tables" / "paper_vs_kit_arid.md").read_text()
    assert "| ARID v1.0 | DL-KDD | 97.64 |" in table and "kit defaults" in table
    shown = "".join(o.get("text", "") for c in cells for o in c.outputs)
    assert "DL-KDD student (dark clip only, one backbone)" in shown and "2 test videos, one seed" in shown


def test_the_stops_say_what_to_do_next(tmp_path):
    from dlkdd_lite.data.registry import write_manifest
    from dlkdd_lite.experiments.paper_tier import NotebookStop, require_source, require_verified

    assert require_source(tmp_path / "arid", "arid", url="https://example.org/ARID.zip", archive=None) == "download"
    write_manifest(tmp_path / "arid", {"dataset": "arid", "complete": False, "sources": []})
    with pytest.raises(NotebookStop, match="did not finish. Set URL .* resumes where it stopped"):
        require_source(tmp_path / "arid", "arid", url=None, archive=None)
    write_manifest(tmp_path / "arid", {"dataset": "arid", "complete": True, "sources": []})
    assert require_source(tmp_path / "arid", "arid", url=None, archive=None) == "installed"
    require_verified({"missing": 0, "unreadable": 0, "root": str(tmp_path)})
    with pytest.raises(NotebookStop, match="3 listed clips are missing and 1 unreadable"):
        require_verified({"missing": 3, "unreadable": 1, "root": str(tmp_path)})
