"""Quick-tier benchmark: wall time and peak memory of the demo, and accuracy over seeds.

Runs what `make demo` runs (after installation) in a fresh working folder: `dlkdd synth`, then
every notebook via `dlkdd notebooks`, sampling the resident memory of the whole process tree
(the kernels included). Then trains two more teacher seeds so teacher, no-KD baseline and KD
student are each reported over the same seeds. Appends rows to benchmarks/results/*.csv.

    .venv/bin/python benchmarks/quick_tier.py [--work DIR] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from common import append_rows, cpu_flags, require_fresh

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEMO_NOTEBOOKS = ("00", "01", "02", "03", "04")  # what `make demo` runs (05-06 are `make reproduce`)
SAMPLE_EVERY_S = 1.0  # seconds between two readings of the memory of the demo's processes


def _memory(process: psutil.Process) -> int:
    # PSS (proportional set size) splits shared pages between the processes that map them: plain RSS
    # would count torch's libraries once per process, and a worker forked from a kernel twice.
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return process.memory_info().rss


def run_with_peak_memory(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``cmd``; return (seconds, peak memory in GiB of it and all its descendants, summed PSS)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd)
    peak, parent = 0, psutil.Process(proc.pid)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            try:
                procs = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(_memory(p) for p in procs if p.is_running()))
            except psutil.Error:
                pass
            # Reading a process's PSS (its smaps) takes about 20 ms with torch loaded: every 0.2 s, with two
            # kernels up, that took a third of a core from the demo it measured. Memory moves slower than this.
            time.sleep(SAMPLE_EVERY_S)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    done.set()
    thread.join()
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    return time.perf_counter() - start, peak / 2**30


def machine() -> dict:
    import torch

    return {
        "date": datetime.date.today().isoformat(), "machine": platform.machine(), "cpus": psutil.cpu_count(),
        "python": platform.python_version(), "torch": torch.__version__, "device": "cpu",
        "load1": round(os.getloadavg()[0], 2), "cpu_flags": cpu_flags(),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", help="working folder (default: a fresh temporary one)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--skip-demo", action="store_true", help="reuse the demo already run in --work")
    parser.add_argument("--demo-only", action="store_true", help="time the demo; train no extra seeds")
    parser.add_argument("--notes", default="", help="free text stored with the demo's row")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="dlkdd_bench_"))
    info = machine()
    if not args.skip_demo:
        require_fresh(work, ("data", "runs", "build"), " (or pass --skip-demo to reuse that run)")
        if (work / "notebooks").exists():
            shutil.rmtree(work / "notebooks")
        shutil.copytree(ROOT / "notebooks", work / "notebooks")
        dlkdd = str(Path(sys.executable).parent / "dlkdd")
        synth_s, synth_gib = run_with_peak_memory([dlkdd, "synth", "--root", "data/quick"], work)
        # The copied notebooks read the committed evidence (notebook 04) from the repository, as make demo does.
        cmd = [dlkdd, "notebooks", "--src", "notebooks", "--out", "build/notebooks", "--only", *DEMO_NOTEBOOKS,
               "-p", f"EVIDENCE_DIR={ROOT / 'benchmarks' / 'results'}"]  # fmt: skip
        nb_s, nb_gib = run_with_peak_memory(cmd, work)
        total = round(synth_s + nb_s, 1)
        demo = {**info, "synth_s": round(synth_s, 1), "notebooks_s": round(nb_s, 1), "total_s": total,
                "peak_pss_gib": round(max(synth_gib, nb_gib), 2), "notes": args.notes}  # fmt: skip
        append_rows(RESULTS / "quick_tier_demo.csv", [demo])
        print(f"make demo (after install): {demo['total_s']} s (target <= 300), ", end="")
        print(f"peak memory {demo['peak_pss_gib']} GiB summed PSS (target <= 3)")

    if args.demo_only:
        return
    # The seeds the demo did not run (it trains one teacher and two seeds of baseline and student),
    # so that all three roles are reported over the same seeds, with the demo's settings.
    from dlkdd_lite.config import RunConfig
    from dlkdd_lite.results import summarize_runs
    from dlkdd_lite.train import fit

    runs, data = work / "runs" / "quick", work / "data" / "quick"
    teacher_ckpt = str(runs / "teacher" / "checkpoint.pt")
    for seed in args.seeds:
        if seed != 0:
            fit(RunConfig(role="teacher", seed=seed), data, runs / f"teacher_s{seed}", progress=False)
        fit(RunConfig(role="baseline", seed=seed), data, runs / f"baseline_s{seed}", progress=False)
        fit(
            RunConfig(role="student", seed=seed, teacher_ckpt=teacher_ckpt),
            data,
            runs / f"student_s{seed}",
            progress=False,
        )
    summary = summarize_runs(runs)
    summary = summary[summary["run"].str.fullmatch(r"teacher(_s\d+)?|(baseline|student)_s\d+")]  # no exercise runs
    rows = []
    for role, group in summary.groupby("role"):
        acc = group["video_acc1"] * 100
        rows.append({**info, "role": role, "n_seeds": len(group), "video_acc1_mean": round(acc.mean(), 2),
                     "video_acc1_std": round(acc.std(ddof=1), 2) if len(group) > 1 else "",
                     "per_seed": " ".join(f"{a:.1f}" for a in acc)})  # fmt: skip
    append_rows(RESULTS / "quick_tier_accuracy.csv", rows)
    for row in rows:
        print(f"{row['role']:>9}: video acc {row['video_acc1_mean']:.1f} ± {row['video_acc1_std'] or 0} % "
              f"over {row['n_seeds']} seeds ({row['per_seed']})")  # fmt: skip
    means = {r["role"]: r["video_acc1_mean"] for r in rows}
    if {"student", "baseline"} <= means.keys():
        print(f"KD student / baseline accuracy ratio: {means['student'] / max(means['baseline'], 1e-9):.3f}")
    print(f"work folder: {work}")


if __name__ == "__main__":
    main()
