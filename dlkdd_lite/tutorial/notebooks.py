"""notebooks.py: execute the tutorial notebooks top to bottom, with parameters, headless.

Papermill-style: the cell tagged ``parameters`` holds the defaults; values given here are
written into a new cell right after it. The worked solutions (solutions.py) are filled in and run
too, then written apart from the learner's copy. Several notebooks in a row (``run_notebooks``)
each get a fresh kernel, started while the one before runs. Knows nothing about what the notebooks do.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.tutorial.solutions import fill_in, learner_edition, read_solutions, solutions_edition, solutions_path


def inject_parameters(nb: nbformat.NotebookNode, parameters: dict) -> None:
    """Insert ``NAME = value`` lines after the cell tagged ``parameters`` (error if none)."""
    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if index is None:
        raise ValueError("notebook has no cell tagged 'parameters'")
    if not parameters:
        return
    source = "# Parameters injected by dlkdd_lite.tutorial.notebooks\n" + "".join(
        f"{name} = {value!r}\n" for name, value in parameters.items()
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(index + 1, cell)


# What a kernel started ahead imports before its notebook's first cell (no output, no execution count):
# about 3.5 of the 4 s a notebook's kernel took to start and import these, on 2 cores. torch._dynamo: every
# torch optimiser's constructor imports it (Optimizer._patch_step_function), 1.2 s the first time.
WARM_IMPORTS = ("import torch, numpy, pandas", "import matplotlib.pyplot", "import torch._dynamo")


def start_kernel(cwd: str | os.PathLike) -> AsyncKernelManager:
    """A Python kernel starting in ``cwd`` and importing ``WARM_IMPORTS``; pass it to ``run_notebook``."""
    os.environ["DLKDD_HEADLESS"] = "1"  # the kernel inherits it: explorers in viz.widgets draw static figures
    km = AsyncKernelManager(kernel_name="python3")
    lines = [f"--IPKernelApp.exec_lines={line}" for line in WARM_IMPORTS]
    run_sync(km.start_kernel)(cwd=str(cwd), extra_arguments=lines)
    return km


def run_notebooks(
    paths: list[str | os.PathLike], out_dir: str | os.PathLike, *, parameters: dict | None = None
) -> Iterator[tuple[Path, float]]:
    """``run_notebook`` of each path in turn, each in a fresh kernel started while the one before runs
    (it has its imports done by then); yields ``(executed copy, seconds)`` as each finishes."""
    paths = [Path(p) for p in paths]
    km = start_kernel(paths[0].parent) if paths else None
    try:
        for i, path in enumerate(paths):
            current, km = km, start_kernel(paths[i + 1].parent) if i + 1 < len(paths) else None
            out = Path(out_dir) / path.name
            yield out, run_notebook(path, out, parameters=parameters, kernel=current)
    finally:
        if km is not None:  # a notebook failed: the kernel started for the next one goes too
            run_sync(km.shutdown_kernel)(now=True)


def run_notebook(
    path: str | os.PathLike,
    out_path: str | os.PathLike | None = None,
    *,
    parameters: dict | None = None,
    cwd: str | os.PathLike | None = None,
    timeout: int = 900,
    solutions: bool = True,
    kernel: AsyncKernelManager | None = None,
) -> float:
    """Execute a notebook; write the executed copy to ``out_path``; return the seconds taken.

    Cells run in ``cwd`` (default: the notebook's own folder, as in JupyterLab). With ``solutions``
    and a solutions file beside the notebook (``solutions/<stem>.py``), the worked solutions run in
    place of the empty exercise cells; ``out_path`` then gets the learner's edition and
    ``solutions/<name>`` beside it the worked solutions. A failing cell raises
    ``nbclient.exceptions.CellExecutionError`` naming the cell; the partial output, solutions
    included, is still written to ``out_path`` so it can be inspected. ``kernel``: one from
    ``start_kernel`` (already in ``cwd``); by default ``start_kernel(cwd)``. Shut down afterwards.
    """
    path = Path(path)
    original = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(original)
    inject_parameters(nb, parameters or {})
    worked = solutions_path(path)
    worked = read_solutions(worked) if solutions and worked.is_file() else None
    if worked:
        nb = fill_in(nb, worked)
    start = time.perf_counter()
    cwd = cwd or path.parent
    kernel = kernel or start_kernel(cwd)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", km=kernel,
                            resources={"metadata": {"path": str(cwd)}})  # fmt: skip
    try:
        client.execute()
    except BaseException:
        if out_path is not None:
            write_text_atomic(out_path, nbformat.writes(nb))
        raise
    finally:  # nbclient shuts down only the kernels (and their clients) it started itself
        if client.kc is not None:
            client.kc.stop_channels()
        run_sync(kernel.shutdown_kernel)(now=True)
    if out_path is not None:
        out_path = Path(out_path)
        write_text_atomic(out_path, nbformat.writes(learner_edition(nb, original) if worked else nb))
        if worked:
            edition = solutions_edition(nb, original, title=path.stem)
            write_text_atomic(out_path.parent / "solutions" / out_path.name, nbformat.writes(edition))
    return time.perf_counter() - start


def list_notebooks(folder: str | os.PathLike) -> list[Path]:
    """The numbered notebooks of ``folder`` (``NN_*.ipynb``) in learning order."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]*_*.ipynb"))
