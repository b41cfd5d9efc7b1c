"""The `dlkdd` command, run as a real process: help, synth, train, evaluate, and clear errors."""

import dataclasses
import json
import subprocess
import sys

import pytest

from dlkdd_lite.checkpoint import build_run_model, save_checkpoint
from dlkdd_lite.cli.main import build_parser
from dlkdd_lite.config import RunConfig


def dlkdd(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "dlkdd_lite.cli", *map(str, args)], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"dlkdd {args} failed ({result.returncode}):\n{result.stderr}")
    return result


def test_help_lists_every_command():
    out = dlkdd("--help").stdout
    for command in ("synth", "train", "evaluate", "notebooks"):
        assert command in out
    train_help = dlkdd("train", "--help").stdout
    for flag in ("--temperature", "--channels-last", "--compile", "--prefetch-factor", "twostream"):
        assert flag in train_help


def test_gpu_tier_flags_reach_the_run_config():
    args = build_parser().parse_args(["train", "--role", "twostream", "--data", "d", "--out", "o",
                                      "--channels-last", "--compile", "--prefetch-factor", "3",
                                      "--precise-bn", "0"])  # fmt: skip
    fields = {f.name for f in dataclasses.fields(RunConfig)}
    given = {k: v for k, v in vars(args).items() if k in fields and v is not None}
    assert given == {"role": "twostream", "channels_last": True, "compile": True, "prefetch_factor": 3,
                     "precise_bn": 0}  # fmt: skip
    plain = build_parser().parse_args(["train", "--role", "teacher", "--data", "d", "--out", "o"])
    assert plain.channels_last is None and plain.compile is None, "unset flags leave a --config's values"


def test_evaluate_refuses_a_view_the_model_cannot_take(tmp_path):
    config = RunConfig(role="twostream")
    save_checkpoint(tmp_path / "ts.pt", {"config": config.to_dict(), "model": build_run_model(config).state_dict()})
    result = dlkdd("evaluate", "--ckpt", tmp_path / "ts.pt", "--data", tmp_path, "--view", "dark", check=False)
    assert result.returncode == 2 and "holds a 'twostream' model" in result.stderr


def test_synth_train_evaluate_end_to_end(tmp_path):
    data = tmp_path / "data"
    dlkdd("synth", "--root", data, "--actors", 2, "--test-actors", 1, "--clips-per-actor", 1,
          "--num-frames", 12, "--size", 64)  # fmt: skip
    assert (data / "splits" / "ARID_split1_train.txt").is_file()
    fast = ["--num-frames", 4, "--crop-size", 40, "--epochs", 1, "--batch-size", 8, "--eval-clips", 1, "--quiet"]
    dlkdd("train", "--role", "teacher", "--data", data, "--out", tmp_path / "teacher", *fast)
    teacher = tmp_path / "teacher" / "checkpoint.pt"
    result = dlkdd("train", "--role", "student", "--data", data, "--out", tmp_path / "student",
                   "--teacher", teacher, "--temperature", 2, "--alpha", 0.5, *fast)  # fmt: skip
    printed = json.loads(result.stdout)
    assert set(printed) >= {"loss", "clip_acc1", "video_acc1"}
    config = json.loads((tmp_path / "student" / "config.json").read_text())
    assert (config["role"], config["temperature"], config["alpha"]) == ("student", 2.0, 0.5)
    evaluated = json.loads(dlkdd("evaluate", "--ckpt", tmp_path / "student" / "checkpoint.pt", "--data", data,
                                 "--predictions", tmp_path / "pred.csv", "--quiet").stdout)  # fmt: skip
    assert evaluated["video_acc1"] == pytest.approx(printed["video_acc1"], abs=1e-6)
    assert (tmp_path / "pred.csv").read_text().startswith("video_id,label,pred,correct")


@pytest.mark.parametrize("args, message", [
    (["--role", "student", "--alpha", "0.5"], "needs teacher_ckpt"),
    (["--role", "teacher", "--alpha", "2"], "alpha (the KD loss weight) must be in [0, 1], got 2.0"),
    (["--role", "teacher", "--temperature", "-1"], "temperature must be > 0, got -1.0"),
    (["--role", "teacher", "--gamma", "0"], "gamma must be > 0"),
])  # fmt: skip
def test_invalid_values_exit_2_with_the_value_named(tmp_path, args, message):
    result = dlkdd("train", "--data", tmp_path, "--out", tmp_path / "run", *args, check=False)
    assert result.returncode == 2 and message in result.stderr


def test_unknown_architecture_is_rejected_by_the_parser(tmp_path):
    result = dlkdd(
        "train", "--role", "teacher", "--data", tmp_path, "--out", tmp_path / "r", "--arch", "vgg", check=False
    )
    assert result.returncode == 2 and "invalid choice: 'vgg'" in result.stderr


def test_missing_data_is_explained(tmp_path):
    result = dlkdd("train", "--role", "teacher", "--data", tmp_path / "nowhere", "--out", tmp_path / "r", check=False)
    assert result.returncode == 2 and "ARID_split1_train.txt" in result.stderr and "dlkdd synth" in result.stderr


def test_train_preset_flag_and_class_count_check(tiny_arid, tmp_path, capsys):
    from dlkdd_lite.cli.main import main

    code = main(["train", "--role", "teacher", "--data", str(tiny_arid), "--out", str(tmp_path / "t"),
                 "--preset", "dark48", "--pretrained", "none", "--quiet"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "has 11 classes but the run has num_classes=48" in err
    saved = json.loads((tmp_path / "t" / "config.json").read_text())
    assert (saved["arch"], saved["num_classes"], saved["role"]) == ("r2plus1d_18", 48, "teacher")  # preset applied


def test_train_keeps_decoded_videos_in_the_cache_folder_unless_told_none(tiny_arid, tmp_path):
    import os

    fast = ["--num-frames", 4, "--crop-size", 40, "--epochs", 1, "--eval-clips", 1, "--quiet", "--enhancer", "gamma"]
    for setting, kept in ((None, True), ("none", False)):
        cache = tmp_path / f"cache-{setting}"
        extra = ["--enhanced-cache", setting] if setting else []
        result = subprocess.run(
            [sys.executable, "-m", "dlkdd_lite.cli", "train", "--role", "teacher", "--data", str(tiny_arid),
             "--out", str(tmp_path / f"run-{setting}"), *map(str, fast), *extra],
            capture_output=True, text=True, env={**os.environ, "DLKDD_CACHE": str(cache)},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        saved = json.loads((tmp_path / f"run-{setting}" / "config.json").read_text())
        assert saved["enhanced_cache"] == ("auto" if kept else None)
        stored = sorted(p.parent.name.split("-")[0] for p in cache.glob("videos/*/*.npy"))
        assert (set(stored) == {"dark", "gamma"}) if kept else stored == []
