"""Inference-cost benchmark: the deployed student vs the alternatives DL-KDD argues against.

For each tier and enhancer, ``dlkdd_lite.experiments.cost.inference_costs`` compares three deployments that all
start from uint8 dark frames and end with logits: ``student`` (one backbone on the dark clip),
``enhance+classify`` (the enhancer, then one backbone) and ``two-stream`` (the enhancer, then a
dark and an enhanced backbone, logits averaged). Reported: parameters, GFLOPs per clip (torch's
FLOP counter: a multiply-add is 2 FLOPs; elementwise work is not counted), latency per clip at
batch 1 and throughput at ``--batch`` (32 on a GPU; on a CPU 32 for the quick tier and 4 for the
paper tier, which would otherwise take minutes per repeat: say so when quoting it), each also as a
multiple of one backbone (target: the student is 1.0x). Zero-DCE's cost does not depend on its
weights, so an untrained DCE-Net stands in unless ``--zerodce-weights`` is given.

Appends one row per deployment to benchmarks/results/inference.csv.

    .venv/bin/python benchmarks/inference.py [--tiers quick paper] [--enhancers zerodce gamma] [--device auto]
"""

from __future__ import annotations

import argparse

import pandas as pd
import torch
from common import add_run_arguments, run_info, save_rows, start_torch

from dlkdd_lite.experiments.cost import inference_costs

TIERS = {
    "quick": dict(arch="tiny3d", frames=8, crop=56, batch=32, cpu_batch=32, repeats=10),
    "paper": dict(arch="r2plus1d_18", frames=16, crop=112, batch=32, cpu_batch=4, repeats=3),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiers", nargs="+", choices=tuple(TIERS), default=list(TIERS))
    parser.add_argument("--enhancers", nargs="+", choices=("zerodce", "gamma", "histeq"), default=["zerodce", "gamma"])
    parser.add_argument("--zerodce-weights", help="a Zero-DCE checkpoint (default: an untrained DCE-Net, same cost)")
    parser.add_argument("--frames", type=int, help="override the tiers' frames per clip")
    parser.add_argument("--crop", type=int, help="override the tiers' crop size")
    parser.add_argument("--batch", type=int, help="override the throughput batch size")
    parser.add_argument("--repeats", type=int, help="override the timing repeats")
    add_run_arguments(parser)
    args = parser.parse_args()
    device, amp = start_torch(args)
    rows = []
    for tier in args.tiers:
        s = dict(TIERS[tier])
        batch = args.batch or (s["batch"] if device.type == "cuda" else s["cpu_batch"])
        frames, crop, repeats = args.frames or s["frames"], args.crop or s["crop"], args.repeats or s["repeats"]
        for enhancer in args.enhancers:
            torch.manual_seed(0)
            table = inference_costs(
                s["arch"], 11, frames, crop, enhancer, args.zerodce_weights if enhancer == "zerodce" else None,
                timing=True, batch_size=batch, device=str(device), amp=amp, repeats=repeats,
            )  # fmt: skip
            student = table.iloc[0]
            ok = student["params_x"] == 1.0 and student["gflops_x"] == 1.0
            info = run_info(device, tier=tier, amp=amp, repeats=repeats, notes=args.notes)
            for record in table.to_dict("records"):
                record = {k: round(v, 6) if isinstance(v, float) else v for k, v in record.items()}
                record["device"] = info["device"]  # the CPU's model, not just "cpu"
                student_verdict = ("met" if ok else "NOT met") if record["deployment"] == "student" else ""
                rows.append({**info, **record, "measure": "inference_cost",
                             "target": "student params_x = gflops_x = 1.0", "verdict": student_verdict})  # fmt: skip
            shown = table[["deployment", "params", "gflops", "params_x", "gflops_x", "latency_ms", "latency_x",
                           "throughput", "throughput_x"]]  # fmt: skip
            print(f"\n{tier} tier: {s['arch']} on {frames}x{crop}x{crop} clips, enhancer {enhancer}, "
                  f"{info['device']}{', bf16' if amp else ''}; throughput at batch {batch}")  # fmt: skip
            with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
                print(shown.to_string(index=False))
            print(f"student vs one backbone: params {student['params_x']:.3f}x, GFLOPs {student['gflops_x']:.3f}x "
                  f"(target 1.0: {'met' if ok else 'NOT met'})")  # fmt: skip
    save_rows(args.results, "inference.csv", rows)


if __name__ == "__main__":
    main()
