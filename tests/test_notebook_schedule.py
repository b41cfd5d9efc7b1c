"""Notebooks run side by side (`dlkdd notebooks --jobs 2`, what `make demo` does): each after those it reads from."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from dlkdd_lite.tutorial.notebooks import run_all

DEMO = [Path(f"{n}_x.ipynb") for n in ("00", "01", "02", "02b", "03", "04")]


def recording(fail: str | None = None, seconds: float = 0.05):
    """A ``run`` that records when each notebook started and ended (and fails on number ``fail``)."""
    events, lock = [], threading.Lock()

    def run(nb: Path) -> None:
        number = nb.name.split("_")[0]
        with lock:
            events.append(("start", number, time.perf_counter()))
        time.sleep(seconds)
        with lock:
            events.append(("end", number, time.perf_counter()))
        if number == fail:
            raise RuntimeError(f"{number} failed")

    return run, events


def test_side_by_side_each_waits_for_what_it_reads():
    run, events = recording()
    run_all(DEMO, run, jobs=2)
    at = {(kind, n): t for kind, n, t in events}
    assert {n for _, n, _ in events} == {"00", "01", "02", "02b", "03", "04"}
    for later, earlier in (("02", "01"), ("02b", "01"), ("03", "01"), ("04", "03")):
        assert at[("start", later)] >= at[("end", earlier)], f"{later} started before {earlier} ended"
    assert at[("start", "01")] < at[("end", "00")], "00 and 01 need nothing: they run together"
    busy = max(sum(1 for k, n, t in events if k == "start" and t <= moment) -
               sum(1 for k, n, t in events if k == "end" and t <= moment) for _, _, moment in events)  # fmt: skip
    assert busy == 2


def test_one_job_keeps_the_order_and_a_failure_stops_what_has_not_started():
    run, events = recording()
    run_all(DEMO, run, jobs=1)
    assert [n for kind, n, _ in events if kind == "start"] == ["00", "01", "02", "02b", "03", "04"]
    run, events = recording(fail="03")
    with pytest.raises(RuntimeError, match="03 failed"):
        run_all(DEMO, run, jobs=2)
    assert "04" not in {n for _, n, _ in events}, "04 needs 03's teacher"


def test_dlkdd_notebooks_jobs_runs_each_in_a_process_of_its_own(tmp_path):
    src = tmp_path / "nbs"
    src.mkdir()
    for number in ("00", "01"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("VALUE = 1", metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell(f"print('notebook {number}', VALUE * 2)")]  # fmt: skip
        nbformat.write(nb, src / f"{number}_tiny.ipynb")
    cmd = [sys.executable, "-m", "dlkdd_lite.cli", "notebooks", "--src", str(src), "--out", str(tmp_path / "out"),
           "--jobs", "2", "-p", "VALUE=21"]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    for number in ("00", "01"):
        executed = nbformat.read(tmp_path / "out" / f"{number}_tiny.ipynb", as_version=4)
        assert executed.cells[-1].outputs[0]["text"] == f"notebook {number} 42\n"
