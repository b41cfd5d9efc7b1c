"""Distillation-overhead benchmark: a KD training step vs a plain cross-entropy step.

Both steps train the same architecture on the same batches already in memory (forward, backward,
AdamW): the CE step is ``distill.ce_step`` (the no-KD baseline), the KD step is
``distill.kd_step`` (the student on the dark view plus the frozen teacher's forward on the
enhanced view, without gradients). Steps are timed in turns (CE, KD, CE, KD, ...), median of
``--reps``. Target: KD step <= 1.4x the CE step. The teacher's forward alone is reported too: the
overhead should be about ``teacher forward / CE step``.

Tiers: ``quick`` (tiny3d, 8x56x56, batch 8) and ``paper`` (r2plus1d_18, 16x112x112; batch 32 on
a GPU with bf16, batch 2 on a CPU so that it runs in about a minute: say so when quoting it).
Appends rows to benchmarks/results/kd_overhead.csv.

    .venv/bin/python benchmarks/kd_overhead.py [--tiers quick paper] [--device auto] [--reps 10]
"""

from __future__ import annotations

import argparse

import torch
from common import add_run_arguments, interleaved_medians, run_info, save_rows, start_torch, tier_label, verdict

from dlkdd_lite.distill import ce_step, freeze, kd_step
from dlkdd_lite.models import build_model
from dlkdd_lite.runtime.device import autocast, grad_scaler

TARGET = 1.4
TIERS = {
    "quick": dict(arch="tiny3d", frames=8, crop=56, batch=8),
    "paper": dict(arch="r2plus1d_18", frames=16, crop=112, batch=32),
}
CPU_PAPER_BATCH = 2  # r2plus1d_18 at 16x112x112 takes seconds per clip on a CPU


def make_train_step(model, device: torch.device, amp: bool, forward):
    """``() -> None``: one optimisation step of ``model`` whose loss dict ``forward(i)`` returns."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scaler = grad_scaler(device, amp)
    calls = 0

    def step() -> None:
        nonlocal calls
        with autocast(device, amp):
            out = forward(calls)
        calls += 1
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(out["loss"]).backward()
        scaler.step(optimizer)
        scaler.update()
        out["loss"].item()

    return step


def bench_tier(settings: dict, device: torch.device, amp: bool, reps: int, warmup: int, num_classes: int = 11) -> dict:
    """Median seconds of a CE step, a KD step and a teacher forward at ``settings``."""
    torch.manual_seed(0)
    shape = (settings["batch"], 3, settings["frames"], settings["crop"], settings["crop"])  # (B, C, T, H, W)
    # A few different batches: one batch seen over and over is fitted exactly, and the tiny gradients
    # that follow (subnormal floats) slow CPUs down.
    batches = [(torch.randn(shape, device=device), torch.randn(shape, device=device),
                torch.randint(0, num_classes, (settings["batch"],), device=device)) for _ in range(4)]  # fmt: skip
    baseline = build_model(settings["arch"], num_classes).to(device).train()
    student = build_model(settings["arch"], num_classes).to(device).train()
    student.load_state_dict(baseline.state_dict())
    teacher = freeze(build_model(settings["arch"], num_classes).to(device))

    def ce_forward(i: int) -> dict:
        dark, _, labels = batches[i % len(batches)]
        return ce_step(baseline, dark, labels)

    def kd_forward(i: int) -> dict:
        dark, enhanced, labels = batches[i % len(batches)]
        return kd_step(student, teacher, dark, enhanced, labels, temperature=4.0, alpha=0.7)

    def teacher_forward() -> None:
        with torch.inference_mode(), autocast(device, amp):
            teacher(batches[0][1])

    return interleaved_medians({
        "ce": make_train_step(baseline, device, amp, ce_forward),
        "kd": make_train_step(student, device, amp, kd_forward),
        "teacher_forward": teacher_forward,
    }, device, reps=reps, warmup=warmup)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiers", nargs="+", choices=tuple(TIERS), default=list(TIERS))
    parser.add_argument("--frames", type=int, help="override the tiers' frames per clip")
    parser.add_argument("--crop", type=int, help="override the tiers' crop size")
    parser.add_argument("--batch", type=int, help="override the tiers' batch size")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps of each kind first")
    add_run_arguments(parser)
    args = parser.parse_args()
    device, amp = start_torch(args)
    rows = []
    for tier in args.tiers:
        settings = dict(TIERS[tier])
        if tier == "paper" and device.type != "cuda":
            settings["batch"] = CPU_PAPER_BATCH
        settings.update({k: getattr(args, k) for k in ("frames", "crop", "batch") if getattr(args, k) is not None})
        info = run_info(device, tier=tier, **settings, amp=amp, reps=args.reps, notes=args.notes)
        medians = bench_tier(settings, device, amp, args.reps, args.warmup)
        ratio = medians["kd"] / medians["ce"]
        rows.append({**info, "measure": "kd_step_vs_ce_step", "ce_step_s": round(medians["ce"], 5),
                     "kd_step_s": round(medians["kd"], 5), "teacher_forward_s": round(medians["teacher_forward"], 5),
                     "ce_clips_per_s": round(settings["batch"] / medians["ce"], 2),
                     "kd_clips_per_s": round(settings["batch"] / medians["kd"], 2),
                     "value": round(ratio, 3), "target": f"<= {TARGET}",
                     "verdict": verdict(ratio, TARGET, at_least=False)})  # fmt: skip
        print(f"{tier_label(tier, settings, info['device'], amp)}: CE step {medians['ce'] * 1e3:.1f} ms, "
              f"KD step {medians['kd'] * 1e3:.1f} ms, teacher forward {medians['teacher_forward'] * 1e3:.1f} ms; "
              f"KD / CE = {ratio:.3f}x (target <= {TARGET}: {rows[-1]['verdict']})")  # fmt: skip
    save_rows(args.results, "kd_overhead.csv", rows)


if __name__ == "__main__":
    main()
