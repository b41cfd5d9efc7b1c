"""`dlkdd reproduce` on a tiny plan: every step, every figure and table, then a re-run that only redraws."""

import json
import time

import pandas as pd
import pytest

from dlkdd_lite.config import RunConfig
from dlkdd_lite.experiments.reproduce import Plan, Reproduction, gpu_hours, paper_plan, planned_runs, quick_plan
from dlkdd_lite.viz.figures import FIGURES, build_figures

FAST = dict(num_frames=4, crop_size=48, batch_size=8, eval_clips=1, epochs=1)


@pytest.fixture(scope="module")
def reproduced(tiny_arid, tmp_path_factory):
    root = tmp_path_factory.mktemp("reproduce")
    plan = Plan("quick", RunConfig(role="teacher", **FAST), temperatures=(1.0, 4.0), alphas=(0.0, 0.7), seeds=(0,),
                headline=(4.0, 0.7), main_enhancer="gamma", zerodce_steps=5, jobs=2)  # fmt: skip
    Reproduction(plan, tiny_arid, root / "out", progress=False).run()
    written = build_figures(root / "out", root / "figures", data_root=tiny_arid, kit_label="test")
    return root, plan, written


def test_every_step_leaves_its_results(reproduced):
    root, plan, _ = reproduced
    out = root / "out"
    for enhancer in plan.teacher_inputs:
        assert (out / "teachers" / enhancer / "result.json").is_file()
    assert json.loads((out / "teachers" / "zerodce" / "config.json").read_text())["enhancer_weights"].endswith(".pt")
    assert list((out / "enhanced_cache").glob("zerodce-*/*.npy")), "Zero-DCE's videos are enhanced once, on disk"
    methods = pd.read_csv(out / "methods.csv")
    assert set(methods["method"]) == {"baseline", "enhance_classify", "twostream", "teacher_dark", "dlkdd"}
    inputs = pd.read_csv(out / "teacher_inputs.csv")
    assert set(inputs["enhancer"]) == set(plan.teacher_inputs) and set(inputs["role"]) == {"teacher", "student"}
    costs = pd.read_csv(out / "costs.csv").set_index("deployment")
    assert costs.loc["two-stream", "params"] == 2 * costs.loc["student", "params"]
    assert json.loads((out / "twostream" / "s0" / "config.json").read_text())["role"] == "twostream"
    assert (out / "teachers" / "gamma" / "eval_dark.json").is_file()


def test_every_figure_and_table_is_written(reproduced):
    root, _, written = reproduced
    names = {p.name for p in written}
    for stem in FIGURES:
        if stem != "fig4_table1":
            assert {f"{stem}.png", f"{stem}.pdf"} <= names, stem
    for table in ("table1", "paper_vs_kit", "paper_results"):
        assert {f"{table}.csv", f"{table}.md"} <= names
    assert all(p.stat().st_size > 0 for p in written)
    table1 = pd.read_csv(root / "figures" / "tables" / "table1.csv").set_index("method")
    assert table1.loc["DL-KDD student", "× one backbone"] == 1.0
    assert table1.loc["two-stream dark + enhanced (late fusion)", "× one backbone"] == pytest.approx(2.0, rel=0.05)


def test_rerun_only_redraws_and_figures_are_byte_stable(reproduced, tiny_arid):
    root, plan, written = reproduced
    before = {p: p.read_bytes() for p in written if p.suffix in (".pdf", ".csv", ".md")}
    stamps = {p: p.stat().st_mtime_ns for p in (root / "out").glob("**/checkpoint.pt")}
    start = time.perf_counter()
    Reproduction(plan, tiny_arid, root / "out", progress=False).run()
    build_figures(root / "out", root / "figures", data_root=tiny_arid, kit_label="test")
    assert time.perf_counter() - start < 60  # generous: the point is that nothing trains
    assert {p: p.stat().st_mtime_ns for p in (root / "out").glob("**/checkpoint.pt")} == stamps
    assert {p: p.read_bytes() for p in before} == before


def test_plans():
    quick = quick_plan()
    assert len(quick.temperatures) > 1 and len([a for a in quick.alphas if a > 0]) > 1  # both axes
    assert 0.0 in quick.alphas and quick.headline[1] in quick.alphas and quick.headline[0] in quick.temperatures
    assert planned_runs(quick)["sweep students"] == (1 + 3 * 2) * 3
    assert quick.main_enhancer == "zerodce" and quick.zerodce_steps is None  # the kit's shipped Zero-DCE
    paper = paper_plan("arid")
    assert paper.base.arch in ("r2plus1d_18", "r3d_18") and paper.main_enhancer == "zerodce"
    assert planned_runs(paper)["sweep students"] == (1 + 5 * 6) * 3
    hours = gpu_hours(paper, train_clips=2288, clips_per_second=100)
    runs = 4 * 1.0 + ((1 + 5 * 6) * 3 + 3 * 3) * 1.33 + 3 * 2.0
    assert hours == pytest.approx(runs * paper.base.epochs * 2288 / 100 / 3600)


def test_paper_tier_without_data_is_a_clear_error(tmp_path, capsys):
    from dlkdd_lite.cli.main import main

    assert main(["reproduce", "--tier", "paper", "--out", str(tmp_path / "o")]) == 2
    assert "--data" in capsys.readouterr().err


def test_reproduce_benchmark_runs_at_a_tiny_size(tiny_arid, tmp_path):
    import csv
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "reproduce_quick.py"
    cmd = [sys.executable, str(script), "--work", str(tmp_path / "work"), "--data", str(tiny_arid), "--epochs", "1",
           "--seeds", "0", "--temperatures", "4", "--alphas", "0,0.7", "--teacher-inputs", "zerodce",
           "--results", str(tmp_path)]  # fmt: skip
    (tmp_path / "work").mkdir()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ratio to target" in result.stdout
    row = next(csv.DictReader(open(tmp_path / "reproduce_quick.csv")))
    assert int(row["figures"]) == 6 and float(row["rerun_s"]) < float(row["from_scratch_s"])
