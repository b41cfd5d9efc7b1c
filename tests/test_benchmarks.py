"""Benchmarks are not timed tests: each is run once at a tiny size to prove it works end to end."""

import csv
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

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


def run_benchmark(name: str, *args: str, device: bool = True) -> str:
    """Run ``benchmarks/<name>.py`` with ``args`` (and ``--device cpu`` for scripts that train or time) and
    return its stdout; fail with its stderr."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *(["--device", "cpu"] if device else []), *args]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def load_benchmark(name: str):
    """``benchmarks/<name>.py`` imported as a module, to test its functions (``benchmarks/`` is on the path
    while it loads, as when the script runs, so its ``from common import ...`` resolves)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return module


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_append_rows_is_atomic_and_merges_columns(tmp_path):
    common = load_benchmark("common")
    path = tmp_path / "r.csv"
    common.append_rows(path, [{"a": 1, "b": 2}])
    common.append_rows(path, [{"a": 3, "c": 4}])  # a new column joins; old rows get an empty cell
    assert read_rows(path) == [{"a": "1", "b": "2", "c": ""}, {"a": "3", "b": "", "c": "4"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]  # no temporary file left behind
    assert common.verdict(0.96, 0.95, at_least=True) == "met"
    assert common.verdict(1.5, 1.4, at_least=False) == "NOT met"
    common.require_fresh(tmp_path, ("runs", "data"))  # neither is there
    (tmp_path / "runs").mkdir()
    with pytest.raises(SystemExit, match=f"{tmp_path} already holds runs/"):  # a "from scratch" timing would reuse it
        common.require_fresh(tmp_path, ("runs", "data"))


def test_decode_benchmark_runs(tiny_arid, tmp_path):
    out = run_benchmark("decode", "--data", str(tiny_arid), "--quick-clips", "2", "--arid-clips", "1", "--reps", "1",
                        "--results", str(tmp_path))  # fmt: skip
    assert "kit speed / decord" in out and "PyAV" in out
    rows = read_rows(tmp_path / "decode.csv")
    assert [(r["files"].split()[0], r["read"]) for r in rows] == [
        ("generated", "clip16"), ("generated", "whole"), ("arid-sized", "clip16"), ("arid-sized", "whole"),
        ("arid-sized", "whole, short side 128"),
    ]  # fmt: skip
    assert rows[2]["frames"] == "16" and rows[3]["frames"] == "90" == rows[4]["frames"]  # one 3 s clip at 30 fps
    assert all(float(r["value"]) > 0 and float(r["pyav_s"]) > 0 for r in rows[:4])
    assert rows[4]["measure"] == "decoder_scaling_vs_resize" and float(rows[4]["scaled_s"]) > 0
    report = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report.py"), "--results", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert report.stdout.count("| reader vs bare decord |") == 4, report.stdout
    assert report.stdout.count("| decoder scaling vs decode + resize |") == 1, report.stdout


@pytest.mark.parametrize("role", ["teacher", "student"])
def test_pipeline_benchmark_runs(tiny_arid, tmp_path, role):
    out = run_benchmark("pipeline", "--data", str(tiny_arid), "--frames", "4", "--crop", "32", "--batch", "4",
                        "--epochs", "1", "--rounds", "1", "--role", role, "--results", str(tmp_path))  # fmt: skip
    assert "end-to-end / model-only" in out and f"quick tier, {role}" in out
    (row,) = read_rows(tmp_path / "pipeline.csv")
    assert row["tier"] == "quick" and row["arch"] == "tiny3d" and row["batch"] == "4" and row["role"] == role
    assert row["train_clips"] == "22" and row["device"].startswith("cpu")
    e2e, model = float(row["end_to_end_cps"]), float(row["model_only_cps"])
    rounding = e2e / model * (0.005 / e2e + 0.005 / model) + 5e-4  # the row keeps clips/s to 2 decimals
    assert float(row["value"]) == pytest.approx(e2e / model, abs=rounding)
    report = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report.py"), "--results", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert f"| end-to-end vs model-only training | quick, {role}: tiny3d 4x32x32" in report.stdout, report.stdout


def test_kd_overhead_benchmark_runs(tmp_path):
    out = run_benchmark("kd_overhead", "--frames", "2", "--crop", "16", "--batch", "2", "--reps", "1", "--warmup",
                        "0", "--results", str(tmp_path))  # fmt: skip
    assert out.count("KD / CE") == 2
    rows = read_rows(tmp_path / "kd_overhead.csv")
    assert [(r["tier"], r["arch"]) for r in rows] == [("quick", "tiny3d"), ("paper", "r2plus1d_18")]
    assert all(float(r["kd_step_s"]) > 0 and float(r["teacher_forward_s"]) > 0 for r in rows)
    report = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report.py"), "--results", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert report.returncode == 0, report.stderr[-3000:]
    assert report.stdout.count("| KD step vs CE step |") == 2


def test_inference_benchmark_runs(tmp_path):
    out = run_benchmark("inference", "--tiers", "quick", "--enhancers", "gamma", "zerodce", "--frames", "4",
                        "--crop", "32", "--batch", "2", "--repeats", "1", "--results", str(tmp_path))  # fmt: skip
    assert out.count("target 1.0: met") == 2
    rows = read_rows(tmp_path / "inference.csv")
    assert [(r["enhancer"], r["deployment"]) for r in rows] == [
        (e, d) for e in ("gamma", "zerodce") for d in ("student", "enhance+classify", "two-stream")
    ]
    assert [float(r["gflops_x"]) for r in rows[:3]] == [1.0, 1.0, 2.0]  # gamma: a lookup table, no FLOPs
    assert float(rows[4]["gflops_x"]) > 2 and float(rows[5]["params_x"]) > 2  # Zero-DCE adds convolutions


def test_seed_spread_benchmark_runs(tiny_arid, tmp_path):
    out = run_benchmark("seed_spread", "--role", "student", "--seeds", "0-1", "--epochs", "1", "--data", str(tiny_arid),
                        "--work", str(tmp_path / "runs"), "--results", str(tmp_path))  # fmt: skip
    assert "student: video accuracy" in out and "over 2 seeds" in out
    rows = read_rows(tmp_path / "seed_spread.csv")
    assert [r["seed"] for r in rows] == ["0", "1"] and all(0 <= float(r["video_acc1"]) <= 1 for r in rows)
    assert (tmp_path / "runs" / "teacher_s0" / "checkpoint.pt").exists(), "a student's teacher is trained first"


def test_step_options_benchmark_runs(tmp_path):
    out = run_benchmark("step_options", "--frames", "2", "--crop", "16", "--batch", "2", "--reps", "1", "--warmup",
                        "0", "--compile-backend", "eager", "--results", str(tmp_path))  # fmt: skip
    assert out.count("gain over eager") == 3
    rows = read_rows(tmp_path / "step_options.csv")
    assert [r["option"] for r in rows] == ["eager", "channels_last", "compile"]
    assert float(rows[0]["gain"]) == 1.0 and all(float(r["step_s"]) > 0 for r in rows)
    report = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report.py"), "--results", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert report.stdout.count("| step option vs plain step |") == 2, report.stdout


def test_quick_tier_evidence_runs_resumes_and_writes_its_tables(tmp_path):
    """Tiny: one data set of 33 videos, two seeds, one epoch, a recipe change (--set); then a re-run that
    trains nothing."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / "quick_tier_evidence.py"), "--data-seeds", "5", "--seeds", "0,1",
           "--epochs", "1", "--set", "norm=arid", "--jobs", "2",
           "--synth", '{"actors": 3, "test_actors": 2, "clips_per_actor": 1}',
           "--work", str(tmp_path / "work"), "--results", str(tmp_path / "results"),
           "--figures", str(tmp_path / "figures")]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    runs = read_rows(tmp_path / "results" / "quick_tier_evidence.csv")
    arms = {"teacher", "baseline", "student", "dark_teacher", "dark_student", "label_smoothing"}
    assert {r["arm"] for r in runs} == arms and len(runs) == 12
    assert all(len(r["correct"]) == int(r["test_videos"]) == 22 and r["cpu_flags"] for r in runs)
    recipe = {"pretrained": "normal-light", "lr": 0.001, "temperature": 4.0, "alpha": 0.7, "precise_bn": 200}
    assert [json.loads(r["settings"]) for r in runs] == [{**recipe, "norm": "arid"}] * 12  # the defaults written out
    assert {r["synth"] for r in runs} == {'{"actors": 3, "test_actors": 2, "clips_per_actor": 1}'}
    student = json.loads((tmp_path / "work" / "runs_s5" / "student_s1" / "config.json").read_text())
    assert student["teacher_ckpt"].endswith("teacher_s1/checkpoint.pt")  # paired: each seed's own teacher
    assert student["norm"] == "arid" and student["epochs"] == 1
    control = json.loads((tmp_path / "work" / "runs_s5" / "dark_student_s0" / "config.json").read_text())
    assert control["enhancer"] == "none" and control["teacher_ckpt"].endswith("dark_teacher_s0/checkpoint.pt")
    smoothing = json.loads((tmp_path / "work" / "runs_s5" / "label_smoothing_s0" / "config.json").read_text())
    assert smoothing["label_smoothing"] == smoothing["alpha"] and smoothing["role"] == "baseline"
    summary = read_rows(tmp_path / "results" / "quick_tier_evidence_summary.csv")
    assert {r["name"] for r in summary if r["kind"] == "difference"} >= {"teacher - baseline", "student - baseline"}
    assert "| paired difference |" in (tmp_path / "results" / "quick_tier_evidence.md").read_text()
    assert (tmp_path / "figures" / "quick_tier_evidence.png").stat().st_size > 10_000
    evidence = ["--evidence", str(tmp_path / "results" / "quick_tier_evidence.csv"), "--results", str(tmp_path)]
    shutil.rmtree(tmp_path / "work" / "data_s5")  # made again from the rows' synth column
    run_benchmark("spread_sources", *evidence, "--work", str(tmp_path / "work"), device=False)
    parts = read_rows(tmp_path / "spread_sources.csv")
    assert {r["arm"] for r in parts} == arms and all(r["seeds"] == "2" and r["test_videos"] == "22" for r in parts)
    teacher = next(r for r in parts if r["arm"] == "teacher")
    accuracies = [float(r["video_acc1"]) for r in runs if r["arm"] == "teacher"]
    assert float(teacher["sd"]) == pytest.approx(abs(accuracies[0] - accuracies[1]) / 2**0.5, abs=1e-3)
    run_benchmark("held_out_actors", *evidence, "--work", str(tmp_path / "work"), device=False)
    by_actor = read_rows(tmp_path / "held_out_actors.csv")  # actors 2 and 3 are held out, 11 videos each
    assert {(r["arm"], r["actor"], r["videos"], r["seeds"]) for r in by_actor} == {
        (arm, actor, "11", "2") for arm in arms for actor in ("2", "3")}  # fmt: skip
    for row in by_actor:  # videos in video_id order: Class/Class_2_1 before Class/Class_3_1 for each class
        bits = [r["correct"] for r in runs if r["arm"] == row["arm"]]
        mine = [b[k] == "1" for b in bits for k in range(22) if k % 2 == int(row["actor"]) - 2]
        assert float(row["video_acc1"]) == pytest.approx(100 * sum(mine) / len(mine), abs=1e-3)
    # The runs kept precise BatchNorm statistics of their last epoch's clips: recomputed, the same accuracy.
    run_benchmark("precise_bn_check", "--work", str(tmp_path / "work"), "--data-seeds", "5", "--arms",
                  "teacher,baseline", "--results", str(tmp_path), device=False)  # fmt: skip
    checked = read_rows(tmp_path / "precise_bn_check.csv")
    assert sorted((r["arm"], r["seed"]) for r in checked) == [("baseline", "0"), ("baseline", "1"),
                                                              ("teacher", "0"), ("teacher", "1")]  # fmt: skip
    for row in checked:
        scored = next(r for r in runs if (r["arm"], r["seed"]) == (row["arm"], row["seed"]))["video_acc1"]
        assert float(row["video_acc1_saved"]) == pytest.approx(float(scored), abs=1e-3)
        assert float(row["video_acc1_precise"]) == pytest.approx(float(scored), abs=1e-3)
        assert row["precise_bn_in_training"] == "200" and int(row["batches"]) > 0
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "work").glob("**/checkpoint.pt")}
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "work").glob("**/checkpoint.pt")} == stamps


def test_recipe_trials_pretrains_trains_both_roles_and_resumes(tmp_path):
    """Tiny: 33 videos, two seeds, one epoch, from a one-epoch normal-light pretraining; then a re-run."""
    args = ["--trial", "tiny", "--set", "epochs=1", "eval_clips=1", "--pretrain-brightness", "0.4",
            "--pretrain-epochs", "1", "--seeds", "0,1", "--jobs", "1", "--work", str(tmp_path / "w"),
            "--results", str(tmp_path), "--synth", '{"actors": 3, "test_actors": 1, "clips_per_actor": 1}']  # fmt: skip
    out = run_benchmark("recipe_trials", *args)
    assert "tiny teacher:" in out and "tiny baseline:" in out and "over 2 seeds" in out
    rows = read_rows(tmp_path / "recipe_trials.csv")
    assert [(r["role"], r["seed"]) for r in rows] == [("teacher", "0"), ("teacher", "1"), ("baseline", "0"),
                                                      ("baseline", "1")]  # fmt: skip
    synth = {"actors": 3, "test_actors": 1, "clips_per_actor": 1}
    assert json.loads(rows[0]["recipe"]) == {"epochs": 1, "eval_clips": 1, "pretrain_brightness": 0.4,
                                             "pretrain_epochs": 1, "synth": synth}  # fmt: skip
    run = json.loads((tmp_path / "w" / "tiny_d1001" / "baseline_s1" / "config.json").read_text())
    assert run["pretrained"] == str(tmp_path / "w" / "pretrain_b0.4" / "run" / "checkpoint.pt")
    started = (tmp_path / "w" / "tiny_d1001" / "teacher_s0" / "result.json").stat().st_mtime_ns
    run_benchmark("recipe_trials", *args)  # every run finished: nothing trains again
    assert (tmp_path / "w" / "tiny_d1001" / "teacher_s0" / "result.json").stat().st_mtime_ns == started
    assert len(read_rows(tmp_path / "recipe_trials.csv")) == 8
    with pytest.raises(AssertionError, match="RunConfig field"):
        run_benchmark("recipe_trials", "--trial", "bad", "--set", "learning_rate=1")


def test_spread_sources_refuses_a_data_set_the_evidence_was_not_run_on(tiny_arid):
    script = load_benchmark("spread_sources")
    assert script.class_of_test_videos(tiny_arid, 11) == list(range(11))  # one test video per class, in order
    with pytest.raises(SystemExit, match=r"lists 11 test videos but the evidence scored 330"):
        script.class_of_test_videos(tiny_arid, 330)


def test_held_out_actors_reads_the_actor_from_a_generated_video_id():
    script = load_benchmark("held_out_actors")
    assert script.actor_of("Drink/Drink_11_2") == 11 and script.actor_of("Pour_3_1") == 3
    with pytest.raises(ValueError, match="not a generated video's id"):
        script.actor_of("Drink/clip_a")
    correct = np.array([[1, 0, 1, 1], [0, 0, 1, 1]])
    assert script.per_actor(correct, [4, 5, 4, 5]) == {4: (2, 75.0), 5: (2, 50.0)}
    with pytest.raises(ValueError, match="3 video actors"):
        script.per_actor(correct, [4, 5, 4])
