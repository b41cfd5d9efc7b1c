"""`dlkdd reproduce --tier quick` from scratch: wall time and peak memory (target: within 15 minutes on a
2-core CPU), then the re-run with results present (target: seconds, figures only).

Runs in a fresh working folder (generated data, runs, figures), as a newcomer would after installing.
Appends a row to benchmarks/results/reproduce_quick.csv.

    .venv/bin/python benchmarks/reproduce_quick.py [--work DIR] [--epochs 30] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import torch
from common import RESULTS, append_rows, require_fresh, run_info
from quick_tier import run_with_peak_memory

TARGET_S = 15 * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", help="working folder (default: a fresh temporary one)")
    parser.add_argument("--epochs", type=int, help="epochs per run (default: the quick tier's)")
    parser.add_argument("--jobs", type=int, help="runs at once (default: the quick tier's, min(2, CPUs))")
    parser.add_argument("--data", help="use this dataset (default: generate the quick tier's in --work)")
    for name in ("seeds", "temperatures", "alphas", "teacher-inputs"):
        parser.add_argument(f"--{name}", help=f"comma-separated {name} (default: the quick tier's)")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--notes", default="", help="free text stored with the row")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="dlkdd_reproduce_"))
    require_fresh(work, ("runs", "figures") if args.data else ("data", "runs", "figures"))
    work.mkdir(parents=True, exist_ok=True)
    data = str(Path(args.data).resolve()) if args.data else "data/quick"
    cmd = [str(Path(sys.executable).parent / "dlkdd"), "reproduce", "--tier", "quick", "--data", data,
           "--out", "runs/reproduce/quick", "--figures", "figures", "--quiet"]  # fmt: skip
    if args.epochs:
        cmd += ["--epochs", str(args.epochs)]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    for name in ("seeds", "temperatures", "alphas", "teacher_inputs"):
        if getattr(args, name):
            cmd += [f"--{name.replace('_', '-')}", getattr(args, name)]
    options = " ".join(cmd[cmd.index("--quiet") + 1 :]) or "quick-tier defaults"
    info = run_info(torch.device("cpu"), options=options, jobs=args.jobs or min(2, os.cpu_count() or 1),
                    data=args.data or "generated",
                    notes=args.notes)  # fmt: skip
    first_s, peak_gib = run_with_peak_memory(cmd, work)
    again_s, _ = run_with_peak_memory(cmd, work)
    figures = sorted(p.name for p in (work / "figures").glob("*.pdf"))
    row = {**info, "from_scratch_s": round(first_s, 1), "rerun_s": round(again_s, 1),
           "peak_pss_gib": round(peak_gib, 2), "figures": len(figures), "target_s": TARGET_S}  # fmt: skip
    append_rows(Path(args.results) / "reproduce_quick.csv", [row])
    verdict = "met" if first_s <= TARGET_S else "NOT met"
    print(f"dlkdd reproduce --tier quick: {first_s:.0f} s from scratch (target <= {TARGET_S} s: {verdict}), "
          f"re-run {again_s:.1f} s, peak memory {peak_gib:.2f} GiB summed PSS, {len(figures)} PDF figures; "
          f"ratio to target {first_s / TARGET_S:.2f}; load at start {info['load1']}")  # fmt: skip
    print(f"work folder: {work}")


if __name__ == "__main__":
    main()
