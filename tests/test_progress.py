"""progress.py: tqdm in a terminal; in a notebook, one line per bar that ends as a summary."""

import io

import pytest
from tqdm import tqdm as terminal_tqdm

from dlkdd_lite.runtime import progress


class RecordingBar(progress.LineBar):
    """A LineBar that records what it would show instead of calling IPython's display."""

    def _show(self, text: str) -> None:
        self.shown = [*getattr(self, "shown", []), text]
        self._handle = True


def test_outside_a_kernel_it_is_tqdm():
    bar = progress.tqdm(range(3), file=io.StringIO())
    assert type(bar) is terminal_tqdm and sum(bar) == 3


def test_in_a_notebook_bars_that_clear_themselves_are_not_drawn(monkeypatch):
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    monkeypatch.setattr(progress, "LineBar", RecordingBar)
    inner = progress.tqdm(range(4), leave=False)
    assert inner.disable and list(inner) == [0, 1, 2, 3]
    assert isinstance(progress.tqdm(range(2)), RecordingBar)


def test_a_line_bar_updates_one_line_and_ends_with_its_summary():
    bar = RecordingBar(range(3), desc="student_s0 (student, seed 0)", unit="epochs", mininterval=0)
    for _ in bar:
        bar.set_postfix({"loss": "0.412", "test video_acc1": "0.636"})
    assert len(bar.shown) >= 3 and "3/3" in bar.shown[-2]
    assert bar.shown[-1].startswith("student_s0 (student, seed 0): 3/3 epochs in 0 s, loss=0.412")
    assert bar.shown[-1].endswith("test video_acc1=0.636")


def test_a_disabled_line_bar_shows_nothing():
    bar = RecordingBar(range(2), disable=True)
    assert list(bar) == [0, 1] and not hasattr(bar, "shown")


def test_a_summary_counts_in_words():
    bar = RecordingBar(range(4), desc="teachers", unit="run")
    list(bar)
    assert bar.shown[-1] == "teachers: 4/4 runs in 0 s"


@pytest.mark.parametrize(("seconds", "text"), [(0.4, "0 s"), (48.2, "48 s"), (192, "3 min 12 s")])
def test_seconds_text(seconds, text):
    assert progress.seconds_text(seconds) == text
