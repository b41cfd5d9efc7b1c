"""A rehearsal of the paper tier on the CPU, small: ARID-sized (320x240) generated clips in ARID's layout ->
`dlkdd download` -> `verify` -> `prepare` -> Zero-DCE -> `--preset arid` teacher (Zero-DCE enhancer, pretrained
weights from a file) -> KD student -> `evaluate` -> the paper-vs-kit table. It checks that the pieces connect,
not accuracy: a few clips, one epoch, two batches of two, 8-frame clips (the preset's 16 cost ~2 s a clip here)."""

import json

import torch

from dlkdd_lite.checkpoint import load_checkpoint
from dlkdd_lite.cli.main import main
from dlkdd_lite.data.registry import read_manifest
from dlkdd_lite.data.synth.arid import write_arid_archive
from dlkdd_lite.data.video import read_clip
from dlkdd_lite.experiments.paper_tier import compare_with_paper
from dlkdd_lite.models import build_model

# Shrinks --preset arid for a CPU; its backbone, crop, short side, normalisation and optimiser stay.
TINY = ["--epochs", "1", "--batch-size", "2", "--num-frames", "8", "--eval-clips", "1", "--num-workers", "0",
        "--device", "cpu", "--quiet"]  # fmt: skip


def dlkdd(capsys, *argv) -> str:
    """Run ``dlkdd argv`` in this process; its stdout, failing with its stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_paper_path_connects_from_archive_to_the_paper_table(tmp_path, capsys):
    archive = write_arid_archive(tmp_path / "ARID_v1", classes=2, train_per_class=2, test_per_class=1, seconds=1.0)
    assert archive["clips"] == {"train": 4, "test": 2}
    data, prepared, runs = tmp_path / "data" / "arid", tmp_path / "data" / "arid-s128", tmp_path / "runs"
    dlkdd(capsys, "download", "arid", "--root", data, "--archive", archive["root"], "--lists", archive["lists"],
          "--quiet")  # fmt: skip
    assert read_manifest(data)["clips"] == 6 and read_clip(next((data / "clips").glob("*/*.mp4"))).shape[1:] == (
        240, 320, 3)  # fmt: skip
    dlkdd(capsys, "verify", "arid", "--root", data, "--allow-missing", "--quiet")
    report = json.loads((data / "verify.json").read_text())
    assert (report["listed"], report["present"], report["unreadable"]) == (6, 6, 0)
    dlkdd(capsys, "prepare", "arid", "--root", data, "--out", prepared, "--workers", "1", "--quiet")
    assert read_clip(next((prepared / "clips").glob("*/*.mp4"))).shape[1:] == (128, 170, 3)
    dlkdd(capsys, "zerodce", "--data", prepared, "--out", runs / "zerodce", "--frames", "4", "--steps", "2",
          "--batch-size", "2", "--patch-size", "32", "--device", "cpu", "--quiet")  # fmt: skip

    kinetics = tmp_path / "kinetics.pt"  # stands in for torchvision's Kinetics-400 file (same names and shapes)
    torch.save({k: v.half() for k, v in build_model("r2plus1d_18", 400).state_dict().items()}, kinetics)
    common = ["--preset", "arid", "--data", prepared, "--enhancer", "zerodce", "--enhancer-weights",
              runs / "zerodce" / "zerodce.pt", "--pretrained", kinetics, *TINY]  # fmt: skip
    dlkdd(capsys, "train", "--role", "teacher", "--out", runs / "teacher", *common)
    dlkdd(capsys, "train", "--role", "student", "--out", runs / "student", "--teacher",
          runs / "teacher" / "checkpoint.pt", *common)  # fmt: skip
    student = json.loads((runs / "student" / "config.json").read_text())
    assert (student["arch"], student["crop_size"], student["short_side"], student["norm"]) == (
        "r2plus1d_18", 112, 128, "arid")  # the preset's  # fmt: skip
    assert student["enhancer"] == "zerodce" and student["pretrained"] == str(kinetics)
    assert load_checkpoint(runs / "student" / "checkpoint.pt")["epoch"] == 0
    metrics = (runs / "student" / "metrics.csv").read_text()
    assert ",train,kd," in metrics and ",test,video_acc1," in metrics, "the KD step ran and the student was evaluated"

    out = dlkdd(capsys, "evaluate", "--ckpt", runs / "student" / "checkpoint.pt", "--data", prepared, "--quiet")
    evaluated = json.loads(out)
    result = json.loads((runs / "student" / "result.json").read_text())
    assert evaluated["video_acc1"] == result["video_acc1"] and "ARID_split1_test.txt" in evaluated["split_file"]

    table = compare_with_paper(runs / "student", "arid", tmp_path / "figures" / "paper_vs_kit")
    row = table[(table["dataset"] == "ARID v1.0") & (table["method"] == "DL-KDD")].iloc[0]
    assert row["paper top-1 (%)"] == 97.64 and row["kit top-1 (%), measured"] == round(100 * result["video_acc1"], 2)
    assert "r2plus1d_18" in row["kit run"] and "kit defaults" in row["kit run"]
    assert "| ARID v1.0 | DL-KDD | 97.64 |" in (tmp_path / "figures" / "paper_vs_kit.md").read_text()
