"""Data-parallel training: `dlkdd train` under torchrun with two CPU processes (gloo), as a user runs it.

The run folder is written once, every test video counts once, and a run killed after its first
epoch resumes under torchrun to the same weights as an uninterrupted one. Also the samplers that
split the work between processes.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import torch
from torch.utils.data import DataLoader

from dlkdd_lite.checkpoint import load_checkpoint, load_model
from dlkdd_lite.data.splits import read_split_file
from dlkdd_lite.evaluate import evaluate
from dlkdd_lite.runtime.distributed import EpochSampler, World
from dlkdd_lite.train import build_datasets

ARGS = ["--role", "baseline", "--device", "cpu", "--num-frames", "4", "--crop-size", "48", "--batch-size", "8",
        "--eval-clips", "2", "--epochs", "2", "--quiet"]  # fmt: skip


def torchrun(data, out, **popen):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "dlkdd_lite.cli", "train", "--data", str(data), "--out", str(out), *ARGS]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


@pytest.fixture(scope="module")
def ddp_run(tiny_arid, tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp") / "baseline"
    proc = torchrun(tiny_arid, out)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    return out, stdout


def test_two_processes_write_one_run_folder(ddp_run, tiny_arid):
    out, stdout = ddp_run
    assert stdout.count('"video_acc1"') == 1, "only rank 0 reports"
    result = json.loads((out / "result.json").read_text())
    rows = pd.read_csv(out / "metrics.csv")
    assert sorted(rows["epoch"].unique()) == [0, 1]
    assert (rows.groupby(["epoch", "split", "metric"]).size() == 1).all(), "each epoch recorded once, not per rank"
    last = rows[(rows.epoch == 1) & (rows.split == "test")].set_index("metric")["value"]
    assert last["video_acc1"] == pytest.approx(result["video_acc1"], abs=1e-5)

    predictions = pd.read_csv(out / "predictions.csv")
    test_videos = [e.video_id for e in read_split_file(tiny_arid / "splits" / "ARID_split1_test.txt")]
    assert sorted(predictions["video_id"]) == sorted(test_videos), "every test video exactly once"
    assert predictions["correct"].mean() == pytest.approx(result["video_acc1"])

    state = load_checkpoint(out / "checkpoint.pt")
    assert state["epoch"] == 1 and len(state["rng_ranks"]) == 2
    assert not any(key.startswith("module.") for key in state["model"]), "saved without the DDP wrapper"
    model, config = load_model(out / "checkpoint.pt")
    assert config.role == "baseline" and not model.training


def test_gathered_predictions_match_a_single_process_evaluation(ddp_run, tiny_arid):
    """Ranks evaluate different videos with rank 0's weights and statistics: the gathered
    predictions are those of the saved checkpoint evaluated in one process."""
    out, _ = ddp_run
    model, config = load_model(out / "checkpoint.pt")
    _, test_set = build_datasets(config, tiny_arid, progress=False)
    _, predictions = evaluate(model, DataLoader(test_set, batch_size=8), view="dark", device=torch.device("cpu"))
    single = pd.DataFrame(predictions).set_index("video_id").sort_index()
    gathered = pd.read_csv(out / "predictions.csv").set_index("video_id").sort_index()
    pd.testing.assert_frame_equal(single[["label", "pred", "correct"]], gathered[["label", "pred", "correct"]])
    assert single["confidence"].to_numpy() == pytest.approx(gathered["confidence"].to_numpy(), abs=1e-5)


def test_killed_ddp_run_resumes_to_the_uninterrupted_weights(ddp_run, tiny_arid, tmp_path):
    reference, _ = ddp_run
    out = tmp_path / "baseline"
    proc = torchrun(tiny_arid, out)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None and not (out / "checkpoint.pt").exists():
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)  # torchrun passes it to its workers and stops
    proc.communicate(timeout=60)
    assert load_checkpoint(out / "checkpoint.pt")["epoch"] == 0, "killed after its first epoch"
    assert not (out / "result.json").exists()

    resumed = torchrun(tiny_arid, out)
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    rows = pd.read_csv(out / "metrics.csv")
    assert (rows.groupby(["epoch", "split", "metric"]).size() == 1).all()
    expected = pd.read_csv(reference / "metrics.csv")
    keep = lambda df: df[df.metric != "seconds"].reset_index(drop=True)[["epoch", "split", "metric", "value"]]
    pd.testing.assert_frame_equal(keep(rows), keep(expected))
    a, b = load_checkpoint(out / "checkpoint.pt")["model"], load_checkpoint(reference / "checkpoint.pt")["model"]
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n, world", [(22, 2), (11, 3), (2, 4)])
def test_epoch_sampler_splits_one_order_between_ranks(n, world):
    data = list(range(n))
    single = [i for _, i in EpochSampler(data, seed=7)]
    assert sorted(single) == data and single == [i for _, i in EpochSampler(data, seed=7)], "a pure function"
    shards = []
    for rank in range(world):
        sampler = EpochSampler(data, seed=7, rank=rank, world_size=world)
        shards.append([i for _, i in sampler])
        assert len(shards[-1]) == len(sampler)
    interleaved = [shards[k % world][k // world] for k in range(world * len(shards[0]))]
    assert interleaved[:n] == single, "rank r takes every world-th clip of the one-process order"
    assert set(interleaved[n:]) <= set(single), "padding repeats clips, as DistributedSampler does"
    sampler = EpochSampler(data, seed=7)
    sampler.set_epoch(1)
    assert [e for e, _ in sampler] == [1] * n
    assert n < 10 or [i for _, i in sampler] != single, "another epoch, another order"


def test_evaluation_shards_hold_whole_videos_once():
    clips_per_video, videos = 3, 7
    data = list(range(videos * clips_per_video))
    shards = [list(World(rank=r, size=3).shard_videos(data, videos, clips_per_video)) for r in range(3)]
    assert sorted(sum(shards, [])) == data
    for shard in shards:
        assert {i // clips_per_video for i in shard} == {i // clips_per_video for i in shard[::clips_per_video]}
        assert len(shard) % clips_per_video == 0


def test_one_torchrun_process_still_joins_a_group_and_trains_under_ddp(monkeypatch):
    """`torchrun --nproc_per_node 1` (one GPU): NCCL and DDP run as they would on eight (gloo here)."""
    import socket

    import torch.distributed as dist

    from dlkdd_lite.runtime.distributed import join_world

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"TORCHELASTIC_RUN_ID": "test", "RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "1",
           "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with join_world("cpu") as world:
        assert world.grouped and world.size == 1 and dist.get_backend() == "gloo"
        assert isinstance(world.wrap(torch.nn.Linear(2, 2)), torch.nn.parallel.DistributedDataParallel)
    assert not dist.is_initialized()
    monkeypatch.delenv("TORCHELASTIC_RUN_ID")
    with join_world("cpu") as world:  # a plain process: a world of one, no group
        assert not world.grouped and not dist.is_initialized()
