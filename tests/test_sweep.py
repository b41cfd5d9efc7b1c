"""The temperature x alpha sweep: grid validation, skip and resume (a killed process), the results table
rebuilt from run folders, printed commands that really train, parallel workers, and clear errors."""

import dataclasses
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from dlkdd_lite.config import RunConfig
from dlkdd_lite.experiments.sweep import Cell, Sweep, collect_results, make_cells, parse_values, read_results
from dlkdd_lite.train import fit

FAST = dict(num_frames=4, crop_size=48, batch_size=8, eval_clips=1, epochs=1)


@pytest.fixture(scope="module")
def teacher(tiny_arid, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep_teacher") / "teacher"
    fit(RunConfig(role="teacher", **FAST), tiny_arid, out, progress=False)
    return out / "checkpoint.pt"


@pytest.mark.parametrize(
    ("text", "name", "kind", "message"),
    [
        ("", "temperatures", float, "empty"),
        ("1,2,2", "temperatures", float, "duplicate"),
        ("0,1", "temperatures", float, "> 0"),
        ("-1", "temperatures", float, "> 0"),
        ("0.5,1.5", "alphas", float, "outside [0, 1]"),
        ("a,b", "alphas", float, "expected float"),
        ("0,1.5", "seeds", int, "expected int"),
        ("nan", "temperatures", float, "finite"),
    ],
)
def test_invalid_grids_are_refused(text, name, kind, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")) as err:
        parse_values(text, name, kind)
    assert name in str(err.value)


def test_grid_parsing_and_alpha0_cells_are_shared_across_temperatures():
    assert parse_values("1, 2,4", "temperatures") == (1.0, 2.0, 4.0)
    cells = make_cells((1.0, 4.0), (0.0, 0.5), (0, 1))
    names = [c.name for c in cells]
    assert names == ["a0_s0", "a0_s1", "T1_a0.5_s0", "T1_a0.5_s1", "T4_a0.5_s0", "T4_a0.5_s1"]
    assert Cell(4.0, 0.0, 0).name == Cell(1.0, 0.0, 0).name  # alpha = 0 ignores the temperature


def test_sweep_runs_skips_finished_cells_and_rebuilds_results(tiny_arid, teacher, tmp_path):
    sweep = Sweep(tmp_path / "sweep", tiny_arid, teacher)
    cells = make_cells((1.0, 4.0), (0.0, 0.7), (0,))
    results = sweep.run(cells, progress=False)
    assert sorted(results["run"].unique()) == ["T1_a0.7_s0", "T4_a0.7_s0", "a0_s0"]
    assert set(results["metric"]) == {"loss", "clip_acc1", "video_acc1"} and len(results) == 9
    one = results[(results["run"] == "T4_a0.7_s0") & (results["metric"] == "video_acc1")].iloc[0]
    assert (one["temperature"], one["alpha"], one["seed"], one["role"]) == (4.0, 0.7, 0, "student")
    assert one["enhancer"] == "zerodce" and one["teacher_ckpt"] == str(teacher.resolve())

    stamps = {c.name: (sweep.run_dir(c) / "checkpoint.pt").stat().st_mtime_ns for c in cells}
    (tmp_path / "sweep" / "results.csv").unlink()
    again = Sweep(tmp_path / "sweep", tiny_arid, teacher).run(cells, progress=False)
    assert {c.name: (sweep.run_dir(c) / "checkpoint.pt").stat().st_mtime_ns for c in cells} == stamps
    pd.testing.assert_frame_equal(again, read_results(tmp_path / "sweep"))
    pd.testing.assert_frame_equal(again.sort_values(["run", "metric"], ignore_index=True),
                                  results.sort_values(["run", "metric"], ignore_index=True))  # fmt: skip
    # An unfinished run folder is not in the table.
    (sweep.run_dir(cells[0]) / "result.json").unlink()
    assert "a0_s0" not in set(collect_results(tmp_path / "sweep")["run"])


def test_printed_commands_train_the_unfinished_cells(tiny_arid, teacher, tmp_path):
    sweep = Sweep(tmp_path / "sweep", tiny_arid, teacher)
    cells = make_cells((2.0,), (0.5,), (0, 1))
    sweep.run(cells[:1], progress=False)
    commands = sweep.commands(cells)
    assert len(commands) == 1 and "--seed 1" in commands[0] and "--temperature 2" in commands[0]
    args = shlex.split(commands[0])
    assert args[:2] == ["dlkdd", "train"]
    subprocess.run([sys.executable, "-m", "dlkdd_lite.cli", *args[1:]], check=True, capture_output=True)
    assert sweep.is_done(cells[1]) and sweep.commands(cells) == []
    config = RunConfig.load(sweep.run_dir(cells[1]) / "config.json")
    assert config == dataclasses.replace(sweep.config(cells[1]), teacher_ckpt=config.teacher_ckpt)


def test_parallel_workers(tiny_arid, teacher, tmp_path):
    results = Sweep(tmp_path / "sweep", tiny_arid, teacher).run(make_cells((1.0,), (0.3, 0.9), (0,)), jobs=2,
                                                                  progress=False)  # fmt: skip
    assert sorted(results["run"].unique()) == ["T1_a0.3_s0", "T1_a0.9_s0"]


def test_killed_sweep_loses_at_most_the_cell_in_flight(tiny_arid, teacher, tmp_path):
    out = tmp_path / "sweep"
    cmd = [sys.executable, "-m", "dlkdd_lite.cli", "sweep", "--data", str(tiny_arid), "--teacher", str(teacher),
           "--temperatures", "2", "--alphas", "0.5,0.9", "--seeds", "0", "--epochs", "3", "--out", str(out),
           "--quiet"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    second = out / "runs" / "T2_a0.9_s0" / "checkpoint.pt"
    deadline = time.monotonic() + 120
    while not second.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first = out / "runs" / "T2_a0.5_s0"
    assert (first / "result.json").exists() and second.exists() and not (second.parent / "result.json").exists()
    stamp = (first / "checkpoint.pt").stat().st_mtime_ns

    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (first / "checkpoint.pt").stat().st_mtime_ns == stamp  # finished cell not redone
    metrics = pd.read_csv(second.parent / "metrics.csv")
    train_rows = metrics[(metrics["split"] == "train") & (metrics["metric"] == "loss")]
    assert train_rows["epoch"].tolist() == [0, 1, 2]  # resumed, no epoch twice
    assert sorted(read_results(out)["run"].unique()) == ["T2_a0.5_s0", "T2_a0.9_s0"]


def test_teacher_of_another_class_count_is_refused(tiny_arid, tmp_path):
    from dlkdd_lite.checkpoint import build_run_model, save_checkpoint

    # fit() itself refuses a 12-class run on 11-class data, so write such a teacher's checkpoint directly
    config = RunConfig(role="teacher", num_classes=12, **FAST)
    save_checkpoint(
        tmp_path / "teacher12.pt", {"config": config.to_dict(), "model": build_run_model(config).state_dict()}
    )
    with pytest.raises(ValueError, match="has 12 classes"):
        Sweep(tmp_path / "sweep", tiny_arid, tmp_path / "teacher12.pt")


def test_a_student_checkpoint_is_not_a_teacher(tiny_arid, teacher, tmp_path):
    sweep = Sweep(tmp_path / "sweep", tiny_arid, teacher)
    sweep.run(make_cells((1.0,), (0.5,), (0,)), progress=False)
    student = sweep.run_dir(Cell(1.0, 0.5, 0)) / "checkpoint.pt"
    with pytest.raises(ValueError, match="'student' checkpoint"):
        Sweep(tmp_path / "other", tiny_arid, student)


def test_results_folder_of_another_data_set_is_refused(tiny_arid, teacher, tmp_path):
    Sweep(tmp_path / "sweep", tiny_arid, teacher)
    other = tmp_path / "other_data"
    shutil.copytree(tiny_arid, other)
    train_list = other / "splits" / "ARID_split1_train.txt"
    train_list.write_text("".join(train_list.read_text().splitlines(keepends=True)[:-1]))
    with pytest.raises(ValueError, match="another data set"):
        Sweep(tmp_path / "sweep", other, teacher)
    cli = subprocess.run([sys.executable, "-m", "dlkdd_lite.cli", "sweep", "--data", str(other), "--teacher",
                          str(teacher), "--out", str(tmp_path / "sweep")], capture_output=True, text=True)  # fmt: skip
    assert cli.returncode == 2 and "another data set" in cli.stderr


def test_cli_rejects_bad_grids(tiny_arid, teacher, tmp_path):
    from dlkdd_lite.cli.main import main

    base = ["sweep", "--data", str(tiny_arid), "--teacher", str(teacher), "--out", str(tmp_path / "s")]
    assert main([*base, "--temperatures", "0,1"]) == 2
    assert main([*base, "--alphas", "0.5,0.5"]) == 2
    assert main([*base, "--seeds", ""]) == 2
    assert not (tmp_path / "s").exists()


def test_teacher_logits_are_reused_across_cells_and_change_nothing(tiny_arid, teacher, tmp_path):
    import torch

    from dlkdd_lite.checkpoint import load_checkpoint
    from dlkdd_lite.runtime.teacher_memo import clear_teacher_memo, teacher_memo_stats

    student = RunConfig(role="student", teacher_ckpt=str(teacher), **FAST)
    clear_teacher_memo()
    fit(dataclasses.replace(student, temperature=1.0), tiny_arid, tmp_path / "first", progress=False)
    seen = teacher_memo_stats()
    assert seen["misses"] > 0 and seen["hits"] == 0
    fit(dataclasses.replace(student, temperature=8.0), tiny_arid, tmp_path / "reused", progress=False)
    assert teacher_memo_stats()["hits"] == seen["misses"]  # the same seed: every training batch seen before
    clear_teacher_memo()
    fit(dataclasses.replace(student, temperature=8.0), tiny_arid, tmp_path / "fresh", progress=False)
    reused, fresh = (load_checkpoint(tmp_path / name / "checkpoint.pt")["model"] for name in ("reused", "fresh"))
    assert all(torch.equal(reused[k], fresh[k]) for k in fresh)
