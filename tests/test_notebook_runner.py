"""`dlkdd notebooks`: notebooks in turn, each in a fresh kernel started (and warmed) while the one before runs."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from dlkdd_lite.cli.main import main
from dlkdd_lite.tutorial.notebooks import run_notebooks


def write_notebook(path: Path, *sources: str) -> Path:
    cells = [nbformat.v4.new_code_cell("N = 1", metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def kernels_of_this_process() -> list[int]:
    """Kernel processes started by this test process and still running."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(stat[1]) == os.getpid() and b"ipykernel" in cmdline and stat[0] != "Z":
            found.append(int(entry.name))
    return found


def test_each_notebook_gets_a_fresh_warm_kernel_in_its_folder(tmp_path, capsys):
    src = tmp_path / "nbs"
    src.mkdir()
    probe = "import os, sys\nprint('torch' in sys.modules, os.getcwd(), os.environ.get('DLKDD_HEADLESS'), N)"
    write_notebook(src / "01_a.ipynb", probe, "x = 41")
    write_notebook(src / "02_b.ipynb", probe, "print(globals().get('x'))")
    assert main(["notebooks", "--src", str(src), "--out", str(tmp_path / "out"), "-p", "N=5"]) == 0
    assert "01_a.ipynb done in" in capsys.readouterr().out
    for name in ("01_a", "02_b"):
        nb = nbformat.read(tmp_path / "out" / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "the warm-up is not counted"
        # torch imported before the first cell: the kernel warmed up while the notebook before ran
        assert code[2].outputs[0]["text"] == f"True {src} 1 5\n"
    second = nbformat.read(tmp_path / "out" / "02_b.ipynb", as_version=4)
    assert second.cells[-1].outputs[0]["text"] == "None\n", "nothing carries over from the notebook before"
    assert kernels_of_this_process() == []


def test_a_failing_notebook_stops_the_run_and_leaves_no_kernel_behind(tmp_path):
    paths = [write_notebook(tmp_path / "01_ok.ipynb", "pass"), write_notebook(tmp_path / "02_bad.ipynb", "1 / 0"),
             write_notebook(tmp_path / "03_never.ipynb", "pass")]  # fmt: skip
    done = []
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        for out, _ in run_notebooks(paths, tmp_path / "out"):
            done.append(out.name)
    assert done == ["01_ok.ipynb"] and not (tmp_path / "out" / "03_never.ipynb").exists()
    assert (tmp_path / "out" / "02_bad.ipynb").exists(), "the failed notebook's partial output is kept"
    assert kernels_of_this_process() == []
