"""`make gpu-check` at its CPU size: every section runs and leaves rows naming the device, in a temporary folder.
On a CPU the script measures nothing worth quoting (tiny3d, 4x32x32 clips); this proves it works for the day
a GPU runs it at the paper tier."""

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gpu_check_runs_every_section_on_the_cpu(tmp_path):
    cmd = [sys.executable, str(ROOT / "benchmarks" / "gpu_check.py"), "--device", "cpu", "--results", str(tmp_path),
           "--work", str(tmp_path / "work"), "--notes", "test"]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "gpu-check done" in result.stdout
    rows = list(csv.DictReader(open(tmp_path / "gpu_check.csv", newline="")))
    assert all(r["device"].startswith("cpu (") and r["scale"] == "tiny" and r["value"] for r in rows), rows
    assert not any(r.get("error") or r.get("skipped") for r in rows)
    found = {(r["section"], r["variant"]) for r in rows}
    assert {("train_step", "fp32"), ("train_step", "amp"), ("train_step", "amp+channels_last"),
            ("compile", "amp+compile"), ("kd", "amp"), ("inference", "student"), ("inference", "enhance+classify"),
            ("inference", "two-stream"), ("torchrun", "gloo")} <= found  # fmt: skip
    assert {r["section"] for r in rows} == {"train_step", "pipeline", "kd", "inference", "torchrun",
                                            "pipeline_original", "compile"}  # fmt: skip
    (torchrun,) = [r for r in rows if r["section"] == "torchrun"]
    assert torchrun["value"] == "1" and torchrun["killed_after_epoch"] == "0" and torchrun["interrupted"] == "True"
    assert len(list(csv.DictReader(open(tmp_path / "pipeline.csv")))) == 2, "pipeline.py's own rows, beside"
    report = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report.py"), "--results", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert report.stdout.count("| gpu-check: ") == len(rows), report.stdout


def test_a_section_that_would_end_past_the_budget_is_skipped_with_a_row(tmp_path):
    cmd = [sys.executable, str(ROOT / "benchmarks" / "gpu_check.py"), "--device", "cpu", "--results", str(tmp_path),
           "--sections", "kd", "torchrun", "--budget", "0"]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = list(csv.DictReader(open(tmp_path / "gpu_check.csv", newline="")))
    assert [(r["section"], r["skipped"].split(":")[0]) for r in rows] == [
        ("kd", "time budget"),
        ("torchrun", "time budget"),
    ]
