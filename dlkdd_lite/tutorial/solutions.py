"""solutions.py: the notebooks' exercises and their worked solutions, kept apart.

In a notebook, exercise N is a question (a markdown cell), then the learner's cell, tagged ``exercise-N``
and empty but for ``# your code here``, then optionally a cell tagged ``check-N`` that checks the
learner's code (``checks.check``). The worked solution lives in ``solutions/<notebook>.py`` beside it
(py:percent), in cells tagged ``solution-N``. For execution the solutions are filled in; the executed
notebook is then split into two editions: the learner's (exercise cells empty again, checks without
output) and a solutions notebook (each question with its solution and check, outputs included). So no
reader sees an answer under its question. Knows nothing about what the notebooks teach.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import nbformat

TAG = re.compile(r"^(exercise|solution|check)-(\d+)$")
# What a learner's cell holds before the learner writes in it: code, or a written answer.
LEARNER_SOURCES = {"code": "# your code here", "markdown": "*Your answer here.*"}


def solutions_path(notebook: str | os.PathLike) -> Path:
    """Where the worked solutions of ``notebook`` live: ``solutions/<stem>.py`` in its folder."""
    notebook = Path(notebook)
    return notebook.parent / "solutions" / f"{notebook.stem}.py"


def cell_role(cell) -> tuple[str, int] | None:
    """``("exercise" | "solution" | "check", N)`` from a cell's tags, or None for any other cell."""
    for tag in cell.get("metadata", {}).get("tags", []):
        match = TAG.match(tag)
        if match:
            return match.group(1), int(match.group(2))
    return None


def numbered(cells, role: str) -> dict[int, list]:
    """The cells tagged ``<role>-N``, grouped by N in order of appearance."""
    groups: dict[int, list] = {}
    for cell in cells:
        found = cell_role(cell)
        if found and found[0] == role:
            groups.setdefault(found[1], []).append(cell)
    return groups


def read_solutions(path: str | os.PathLike) -> dict[int, list]:
    """The ``solution-N`` cells of a solutions file (py:percent, or .ipynb), grouped by N."""
    import jupytext

    solutions = numbered(jupytext.read(path).cells, "solution")
    if not solutions:
        raise ValueError(f"{path}: no cells tagged solution-N")
    return solutions


def fill_in(nb, solutions: dict[int, list]):
    """A copy of ``nb`` with each ``exercise-N`` cell replaced by the cells of solution N."""
    exercises = numbered(nb.cells, "exercise")
    if set(exercises) != set(solutions):
        raise ValueError(f"exercises {sorted(exercises)} but solutions {sorted(solutions)}: they must match")
    filled = copy.deepcopy(nb)
    cells = []
    for cell in filled.cells:
        found = cell_role(cell)
        if found and found[0] == "exercise":
            cells.extend(_fresh(c) for c in solutions[found[1]])
        else:
            cells.append(cell)
    filled.cells = cells
    return filled


def learner_edition(executed, original):
    """``executed`` (solutions filled in) as the learner sees it: exercise cells empty, checks without output."""
    learner_cells = numbered(original.cells, "exercise")
    edition = copy.deepcopy(executed)
    cells, placed = [], set()
    for cell in edition.cells:
        found = cell_role(cell)
        if found and found[0] == "solution":
            if found[1] not in placed:
                cells.extend(copy.deepcopy(learner_cells[found[1]]))
                placed.add(found[1])
            continue
        if found and found[0] == "check":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    edition.cells = cells
    return edition


def solutions_edition(executed, original, title: str):
    """A notebook of the worked solutions: per exercise its question, solution and check, with outputs."""
    questions = _questions(original)
    solutions = numbered(executed.cells, "solution")
    checks = numbered(executed.cells, "check")
    intro = (
        f"# {title}: worked solutions\n\nThe exercises of `{title}`, each with its worked solution as "
        "executed (the learner's notebook keeps its exercise cells empty). Try them there first."
    )
    cells = [nbformat.v4.new_markdown_cell(intro)]
    for n in sorted(solutions):
        if n in questions:
            cells.append(copy.deepcopy(questions[n]))
        cells.extend(copy.deepcopy(solutions[n]) + copy.deepcopy(checks.get(n, [])))
    return nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(executed.metadata))


def _questions(nb) -> dict[int, object]:
    """Exercise N's question: the markdown cell just before its learner cell."""
    questions = {}
    for before, cell in zip(nb.cells, nb.cells[1:]):
        found = cell_role(cell)
        if found and found[0] == "exercise" and before.cell_type == "markdown":
            questions.setdefault(found[1], before)
    return questions


def _fresh(cell):
    """A copy of a cell as a notebook cell of its own (new id, no outputs yet)."""
    make = nbformat.v4.new_code_cell if cell.cell_type == "code" else nbformat.v4.new_markdown_cell
    return make(cell.source, metadata=copy.deepcopy(cell.metadata))
