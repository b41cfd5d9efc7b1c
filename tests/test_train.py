"""fit(): the run folder's record, checkpoints, resuming after a killed process, the KD student,
loader workers, the GPU-tier options on the CPU, and the two-stream model."""

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import torch

from dlkdd_lite.checkpoint import load_checkpoint, load_model
from dlkdd_lite.config import RunConfig
from dlkdd_lite.models import build_model, count_parameters
from dlkdd_lite.results import summarize_runs
from dlkdd_lite.train import fit
from dlkdd_lite.twostream import TwoStream

FAST = dict(num_frames=4, crop_size=48, batch_size=8, eval_clips=2, epochs=2)


@pytest.fixture(scope="module")
def teacher_run(tiny_arid, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "teacher"
    metrics = fit(RunConfig(role="teacher", **FAST), tiny_arid, out, progress=False)
    return out, metrics


def test_run_folder_is_self_describing(teacher_run):
    out, metrics = teacher_run
    assert {p.name for p in out.iterdir()} >= {
        "config.json",
        "metrics.csv",
        "checkpoint.pt",
        "predictions.csv",
        "result.json",
    }
    rows = pd.read_csv(out / "metrics.csv")
    assert list(rows.columns) == ["run", "role", "seed", "epoch", "split", "metric", "value"]
    assert set(rows["metric"]) >= {"loss", "clip_acc1", "video_acc1"}
    assert sorted(rows["epoch"].unique()) == [0, 1]
    last = rows[(rows.epoch == 1) & (rows.split == "test")].set_index("metric")["value"]
    assert last["video_acc1"] == pytest.approx(metrics["video_acc1"], abs=1e-5)
    assert 0.0 <= metrics["clip_acc1"] <= 1.0
    predictions = pd.read_csv(out / "predictions.csv")
    assert len(predictions) == 11 and predictions["correct"].mean() == pytest.approx(metrics["video_acc1"])


def test_checkpoint_carries_its_config_and_loads_weights_only(teacher_run):
    out, _ = teacher_run
    state = load_checkpoint(out / "checkpoint.pt")  # uses weights_only=True
    assert state["config"]["role"] == "teacher" and state["epoch"] == 1
    model, config = load_model(out / "checkpoint.pt")
    assert config == RunConfig.load(out / "config.json")
    assert not model.training


def test_finished_run_is_not_redone(teacher_run, tiny_arid):
    out, metrics = teacher_run
    stamp = (out / "checkpoint.pt").stat().st_mtime_ns
    again = fit(RunConfig(role="teacher", **FAST), tiny_arid, out, progress=False)
    assert again == pytest.approx(metrics, abs=1e-5)
    assert (out / "checkpoint.pt").stat().st_mtime_ns == stamp


def test_a_different_config_in_the_same_folder_is_refused(teacher_run, tiny_arid):
    out, _ = teacher_run
    with pytest.raises(ValueError, match=r"different config \(differs in \['lr'\]\)"):
        fit(RunConfig(role="teacher", lr=0.1, **FAST), tiny_arid, out, progress=False)


def saved_without(run: Path, setting: str, where: Path) -> Path:
    """A copy of the run folder ``run`` at ``where`` whose config.json lacks ``setting``: a run made before it."""
    shutil.copytree(run, where)
    saved = json.loads((where / "config.json").read_text())
    del saved[setting]
    (where / "config.json").write_text(json.dumps(saved))
    return where


def test_a_run_saved_before_a_setting_existed_counts_it_as_its_default(teacher_run, tiny_arid, tmp_path):
    """config.json of a run made before the kit had ``warmup_epochs``: the finished run is still found, and
    a config asking for a warm-up is still refused."""
    out, metrics = teacher_run
    old = saved_without(out, "warmup_epochs", tmp_path / "old")
    assert fit(RunConfig(role="teacher", **FAST), tiny_arid, old, progress=False) == pytest.approx(metrics, abs=1e-5)
    with pytest.raises(ValueError, match=r"differs in \['warmup_epochs'\]"):
        fit(RunConfig(role="teacher", warmup_epochs=1, **FAST), tiny_arid, old, progress=False)


def test_a_run_saved_before_precise_bn_counts_as_one_without_it(teacher_run, tiny_arid, tmp_path):
    """precise_bn's default changed what a run computes, so a saved config without it means 0 (ADDED_LATER)."""
    out, metrics = teacher_run
    old = saved_without(out, "precise_bn", tmp_path / "old")
    with pytest.raises(ValueError, match=r"differs in \['precise_bn'\]"):
        fit(RunConfig(role="teacher", **FAST), tiny_arid, old, progress=False)
    again = fit(RunConfig(role="teacher", precise_bn=0, **FAST), tiny_arid, old, progress=False)
    assert again == pytest.approx(metrics, abs=1e-5)


def test_precise_bn_changes_batchnorms_statistics_and_nothing_that_is_learned(teacher_run, tiny_arid, tmp_path):
    """The saved statistics are the average over the last epoch's training clips with the final weights;
    the weights are those of the same run with the moving average kept (precise_bn=0)."""
    from dlkdd_lite.batchnorm import precise_batchnorm
    from dlkdd_lite.data.loader import build_loaders
    from dlkdd_lite.runtime.distributed import join_world
    from dlkdd_lite.train import build_datasets

    out, _ = teacher_run
    fit(RunConfig(role="teacher", precise_bn=0, **FAST), tiny_arid, tmp_path / "moving", progress=False)
    precise = load_checkpoint(out / "checkpoint.pt")["model"]
    moving = load_checkpoint(tmp_path / "moving" / "checkpoint.pt")["model"]
    stats = [k for k in precise if k.endswith(("running_mean", "running_var"))]
    assert stats and all(torch.equal(precise[k], moving[k]) for k in precise if k not in stats and "tracked" not in k)
    assert not any(torch.allclose(precise[k], moving[k]) for k in stats)

    model, config = load_model(out / "checkpoint.pt")
    with join_world("cpu") as world:
        train_set, test_set = build_datasets(config, tiny_arid, progress=False)
        loader, sampler, _ = build_loaders(config, train_set, test_set, world)
        sampler.set_epoch(config.epochs - 1)
        precise_batchnorm(model, ((batch["enhanced"],) for batch in loader), config.precise_bn)
    again = model.state_dict()
    assert all(torch.allclose(again[k], precise[k], atol=1e-5) for k in stats)


def test_student_learns_from_the_frozen_teacher(teacher_run, tiny_arid, tmp_path):
    teacher_out, _ = teacher_run
    config = RunConfig(role="student", teacher_ckpt=str(teacher_out / "checkpoint.pt"), alpha=0.5, **FAST)
    fit(config, tiny_arid, tmp_path / "student", progress=False)
    rows = pd.read_csv(tmp_path / "student" / "metrics.csv")
    train = rows[rows.split == "train"].pivot(index="epoch", columns="metric", values="value")
    assert (train["kd"] > 0).all()
    assert train["loss"].to_numpy() == pytest.approx((0.5 * train["kd"] + 0.5 * train["ce"]).to_numpy(), rel=1e-3)
    summary = summarize_runs(tmp_path)
    assert list(summary["role"]) == ["student"] and "video_acc1" in summary


def test_eval_every_skips_evaluations_but_not_what_is_learned(teacher_run, tiny_arid, tmp_path):
    """Evaluating every 2nd epoch (and after the last) changes metrics.csv's test rows, not the weights."""
    teacher_out, _ = teacher_run
    config = RunConfig(role="student", teacher_ckpt=str(teacher_out / "checkpoint.pt"), **{**FAST, "epochs": 3})
    every = fit(config, tiny_arid, tmp_path / "every", progress=False)
    sparse = RunConfig(**{**config.to_dict(), "eval_every": 2})
    assert fit(sparse, tiny_arid, tmp_path / "sparse", progress=False) == every
    a = load_checkpoint(tmp_path / "every" / "checkpoint.pt")["model"]
    b = load_checkpoint(tmp_path / "sparse" / "checkpoint.pt")["model"]
    assert all(torch.equal(a[key], b[key]) for key in a)
    rows = pd.read_csv(tmp_path / "sparse" / "metrics.csv")
    assert sorted(set(rows[rows.split == "test"].epoch)) == [1, 2]
    assert sorted(set(rows[rows.split == "train"].epoch)) == [0, 1, 2]
    with pytest.raises(ValueError, match="eval_every must be an integer >= 1"):
        RunConfig(eval_every=0)


def test_student_refuses_a_mismatched_teacher(teacher_run, tiny_arid, tmp_path):
    teacher_out, _ = teacher_run
    config = RunConfig(role="student", teacher_ckpt=str(teacher_out / "checkpoint.pt"), gamma=2.5, **FAST)
    with pytest.raises(ValueError, match="gamma=1.8 but this student uses gamma=2.5"):
        fit(config, tiny_arid, tmp_path / "s", progress=False)


def test_killed_run_resumes_with_no_lost_or_repeated_epoch(tiny_arid, tmp_path):
    """A real `dlkdd train` process is killed after its first epoch; fit() then finishes the run,
    and the result equals an uninterrupted run's, weight for weight."""
    args = ["--num-frames", "4", "--crop-size", "48", "--batch-size", "8", "--eval-clips", "2", "--epochs", "4"]
    out = tmp_path / "killed"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "dlkdd_lite.cli", "train", "--role", "baseline", "--data", str(tiny_arid),
           "--out", str(out), "--quiet", "--device", "cpu", *args]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and not (out / "checkpoint.pt").exists():
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    state = load_checkpoint(out / "checkpoint.pt")
    assert state["epoch"] < 3, "the process must be killed before it finished"
    assert not (out / "result.json").exists()

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the killed process, so that both runs do the same arithmetic
    try:
        config = RunConfig(
            role="baseline", device="cpu", num_frames=4, crop_size=48, batch_size=8, eval_clips=2, epochs=4
        )
        resumed = fit(config, tiny_arid, out, progress=False)
        fresh = fit(config, tiny_arid, tmp_path / "fresh", progress=False)
    finally:
        torch.set_num_threads(threads)
    rows = pd.read_csv(out / "metrics.csv")
    counts = rows.groupby(["epoch", "split", "metric"]).size()
    assert sorted(rows["epoch"].unique()) == [0, 1, 2, 3] and (counts == 1).all()
    assert resumed == pytest.approx(fresh, abs=1e-6)
    a, b = (
        load_checkpoint(out / "checkpoint.pt")["model"],
        load_checkpoint(tmp_path / "fresh" / "checkpoint.pt")["model"],
    )
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-5, atol=1e-6)
    assert json.loads((out / "result.json").read_text())["skipped_videos"] == 0


def test_loader_workers_do_not_change_what_a_run_computes(teacher_run, tiny_arid, tmp_path):
    """Persistent workers with prefetching draw the same clips, epoch after epoch, as the main
    process does: the weights come out equal, and the run may resume with other machinery."""
    out, metrics = teacher_run
    config = RunConfig(role="teacher", num_workers=2, prefetch_factor=3, **FAST)
    assert fit(config, tiny_arid, tmp_path / "workers", progress=False) == metrics
    a, b = load_checkpoint(out / "checkpoint.pt")["model"], load_checkpoint(tmp_path / "workers" / "checkpoint.pt")
    for key in a:
        assert torch.equal(a[key], b["model"][key]), key
    # num_workers, prefetch_factor, channels_last and compile change speed, not results.
    again = RunConfig(role="teacher", num_workers=1, channels_last=True, compile=True, **FAST)
    assert fit(again, tiny_arid, tmp_path / "workers", progress=False) == pytest.approx(metrics, rel=1e-5)


def test_two_stream_trains_on_both_views_and_reloads(tiny_arid, tmp_path):
    """The two-stream role, trained here in the channels-last memory format (allowed on the CPU)."""
    config = RunConfig(role="twostream", channels_last=True, **{**FAST, "epochs": 1})
    metrics = fit(config, tiny_arid, tmp_path / "twostream", progress=False)
    state = load_checkpoint(tmp_path / "twostream" / "checkpoint.pt")
    weight = state["model"]["dark_model.features.0.weight"]  # (O, C, T, H, W)
    assert weight.is_contiguous(memory_format=torch.channels_last_3d)
    model, saved = load_model(tmp_path / "twostream" / "checkpoint.pt")
    assert saved.role == "twostream" and saved.input_view == "both" and isinstance(model, TwoStream)
    assert count_parameters(model) == 2 * count_parameters(build_model("tiny3d", 11))
    rows = pd.read_csv(tmp_path / "twostream" / "metrics.csv")
    assert set(rows[rows.split == "train"]["metric"]) == {"loss", "ce", "clip_acc1", "seconds", "lr"}
    predictions = pd.read_csv(tmp_path / "twostream" / "predictions.csv")
    assert len(predictions) == 11 and predictions["correct"].mean() == pytest.approx(metrics["video_acc1"])
    with pytest.raises(ValueError, match="same shape"):
        model(torch.randn(1, 3, 4, 48, 48), torch.randn(1, 3, 4, 40, 40))


def test_warm_up_rises_linearly_then_follows_the_cosine_and_resumes_mid_warm_up():
    """``warmup_epochs`` epochs from lr / (w + 1) up to lr, then the cosine over the remaining epochs; the
    scheduler's state (saved in every checkpoint) carries a run through a resume inside the warm-up."""
    from dlkdd_lite.train import build_optimizer

    def lrs(config, epochs, state=None):
        optimizer, scheduler, _ = build_optimizer(config, torch.nn.Linear(2, 2), torch.device("cpu"))
        if state is not None:
            optimizer.load_state_dict(state[0]), scheduler.load_state_dict(state[1])
        seen = []
        for _ in range(epochs):
            seen.append(optimizer.param_groups[0]["lr"])
            optimizer.step(), scheduler.step()
        return seen, (optimizer.state_dict(), scheduler.state_dict())

    config = RunConfig(lr=0.003, epochs=6, warmup_epochs=2)
    whole, _ = lrs(config, 6)
    cosine = [0.003 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(4)]
    assert whole == pytest.approx([0.001, 0.002, *cosine])
    first, state = lrs(config, 1)
    rest, _ = lrs(config, 5, state)
    assert first + rest == pytest.approx(whole)
    assert lrs(RunConfig(lr=0.003, epochs=4), 4)[0] == pytest.approx([0.003 * (1 + math.cos(math.pi * e / 4)) / 2
                                                                        for e in range(4)])  # fmt: skip
    with pytest.raises(ValueError, match=r"warmup_epochs must be an integer in \[0, epochs=6\), got 6"):
        RunConfig(epochs=6, warmup_epochs=6)
