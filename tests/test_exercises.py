"""checks.py and solutions.py: the learner's code checked against the library; worked solutions kept apart
from the learner's notebook, filled in to execute it, and split out again."""

import functools
import re
from pathlib import Path

import jupytext
import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlkdd_lite.tutorial.checks import EXERCISES, check
from dlkdd_lite.tutorial.solutions import (
    cell_role,
    fill_in,
    learner_edition,
    numbered,
    solutions_edition,
    solutions_path,
)

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"


@functools.cache
def _worked_functions() -> dict:
    """The learner's functions (``my_*``) as the worked solutions in notebooks/solutions/ define them."""
    found = {}
    for path in sorted(SOLUTIONS.glob("*.py")):
        for cell in jupytext.read(path).cells:
            if cell.cell_type == "code" and re.search(r"^def my_\w+", cell.source, re.M):
                namespace: dict = {}
                exec(compile(cell.source, str(path), "exec"), namespace)  # each such cell imports what it uses
                found.update({name: fn for name, fn in namespace.items() if name.startswith("my_")})
    return found


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_the_worked_solution_passes_its_check(exercise, capsys):
    worked = _worked_functions()
    capsys.readouterr()  # what the solution cells print
    assert check(exercise, worked) is True
    assert capsys.readouterr().out.startswith(f"✓ {EXERCISES[exercise].name} agrees with")


def test_an_unwritten_exercise_is_skipped_with_what_to_write(capsys):
    assert check("kd_loss", {}) is False
    assert "my_kd_loss(student_logits, teacher_logits, labels, temperature, alpha)" in capsys.readouterr().out


def _softmax(x, temperature):
    return torch.as_tensor(x).div(temperature).softmax(-1)


WRONG = {
    "soft_targets": lambda logits, temperature: torch.softmax(logits, -1),  # forgot the temperature
    "segment_indices": lambda frames, num: (np.arange(num) * frames // num),  # first frame of each segment
    "gamma_lut": lambda gamma: ((np.arange(256) / 255) ** (1 / gamma) * 255).astype(np.uint8),  # truncates
    "apply_curves": lambda images, maps: images + maps[:, :3] * (images**2 - images),  # one curve of eight
    "train_step": lambda model, optimizer, clips, labels: F.cross_entropy(model(clips), labels),  # no update
    "kd_loss": lambda s, t, y, temperature, alpha: alpha * F.kl_div(  # no T²
        F.log_softmax(s / temperature, 1), _softmax(t, temperature), reduction="batchmean"
    ) + (1 - alpha) * F.cross_entropy(s, y),
    "kd_gradient": lambda s, t, temperature: (_softmax(s, temperature) - _softmax(t, temperature)) / len(s),
    "training_minutes": lambda epochs, clips, rate, cost: epochs * clips / rate / 60,  # forgot the step's cost
    "confusion_matrix": lambda predictions, k: np.histogram2d(
        predictions["label"], predictions["pred"], bins=k, range=[[0, k], [0, k]]
    )[0],  # counts, not shares of each true class
}  # fmt: skip


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_a_wrong_answer_fails_its_check_and_says_how(exercise):
    with pytest.raises(AssertionError, match=r"\S"):
        check(exercise, {EXERCISES[exercise].name: WRONG[exercise]})


def _notebook():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(cells=[
        md("# 09 · A lesson"),
        code("x = 1"),
        md("**Exercise 1.** Write `my_double`."),
        code("# your code here", metadata={"tags": ["exercise-1"]}),
        code("print(my_double(x) if 'my_double' in globals() else 'skip')", metadata={"tags": ["check-1"]}),
        md("**Exercise 2.** Why?"),
        md("*Your answer here.*", metadata={"tags": ["exercise-2"]}),
    ])  # fmt: skip


def _solutions():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return {
        1: [code("def my_double(v):\n    return 2 * v", metadata={"tags": ["solution-1"]})],
        2: [md("Because.", metadata={"tags": ["solution-2"]}), code("2 + 2", metadata={"tags": ["solution-2"]})],
    }


def test_solutions_are_filled_in_then_split_into_two_editions():
    original = _notebook()
    filled = fill_in(original, _solutions())
    assert [cell_role(c) for c in filled.cells if cell_role(c)] == [
        ("solution", 1), ("check", 1), ("solution", 2), ("solution", 2)
    ]  # fmt: skip
    assert numbered(original.cells, "exercise")[1][0].source == "# your code here"  # the original is untouched
    for cell in filled.cells:  # as if executed
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="out\n")]
    learner = learner_edition(filled, original)
    assert [c.source for c in learner.cells] == [c.source for c in original.cells]
    check_cell = learner.cells[4]
    assert check_cell.outputs == [] and learner.cells[1].outputs  # the check's result would give the answer away
    worked = solutions_edition(filled, original, title="09_lesson")
    sources = [c.source for c in worked.cells]
    assert sources[1:] == ["**Exercise 1.** Write `my_double`.", "def my_double(v):\n    return 2 * v",
                           sources[3], "**Exercise 2.** Why?", "Because.", "2 + 2"]  # fmt: skip
    assert all(c.outputs for c in worked.cells if c.cell_type == "code")


def test_exercises_and_solutions_must_match():
    with pytest.raises(ValueError, match=r"exercises \[1, 2\] but solutions \[1\]"):
        fill_in(_notebook(), {1: _solutions()[1]})


def test_solutions_live_beside_the_notebook():
    assert solutions_path("notebooks/04_student.ipynb") == Path("notebooks/solutions/04_student.py")
