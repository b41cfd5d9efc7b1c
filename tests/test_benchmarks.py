"""Benchmarks are not timed tests: each is run once at a tiny size to prove it works end to end."""

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_zerodce_benchmark_runs_and_appends_rows(tiny_arid, tmp_path):
    cmd = [sys.executable, str(ROOT / "benchmarks" / "zerodce.py"), "--data", str(tiny_arid), "--frames", "4",
           "--size", "32", "--reps", "1", "--steps", "5", "--results", str(tmp_path)]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ratio" in result.stdout and "mean brightness" in result.stdout
    rows = list(csv.DictReader(open(tmp_path / "zerodce.csv")))
    assert [r["measure"] for r in rows] == [
        "enhance_vs_tiny3d_forward", "enhance_vs_r2plus1d_18_forward", "mean_brightness_after", "clipped_fraction_after"
    ]  # fmt: skip
    assert all(float(r["value"]) >= 0 for r in rows)
