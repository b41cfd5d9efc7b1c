"""Input-pipeline benchmark: is the DataLoader the bottleneck of training?

Three throughputs in clips/s, measured in one run on the same model, optimiser and settings:

- ``model_only``: training steps (forward, backward, AdamW) on up to 8 batches already on the device;
- ``end_to_end``: the same steps fed by the DataLoader over the training split, built as training
  builds it (``datasets.batch_loader``: decode cache, frame sampling, shared crop and flip, the
  role's views written straight into the batch, normalisation, copy to the device; on the CPU
  without workers, two reused batch buffers, as ``fit`` has);
- ``loader_only``: the DataLoader alone, no step (the pipeline's own capacity).

Target: end_to_end >= 0.9 x model_only. ``model_only`` and ``end_to_end`` are timed in turns for
``--rounds`` rounds; each round's ratio compares two runs a second apart, and the median of those
ratios is the result, so the machine's drift in speed (10-20 % on a shared VM) hits both sides alike.

Tiers (``--tier auto``: paper on a GPU, else quick): ``quick`` (tiny3d, 8x56x56, batch 8, no
workers, 2 threads: the CPU quick tier) and ``paper`` (r2plus1d_18, 16x112x112, batch 32, worker
processes, pinned memory, prefetch, persistent workers, bf16 on a GPU; quick-tier frames are
resized to a short side of 128). Every setting can be overridden. ``--role`` picks the step and the
views the loader builds, as ``dlkdd train`` does: ``teacher`` (CE on the enhanced view, which alone is
built) or ``student`` (the KD step: student on the dark view, a frozen teacher of the same
architecture on the enhanced view; both views built). Appends rows to benchmarks/results/pipeline.csv.

    .venv/bin/python benchmarks/pipeline.py [--tier auto|quick|paper] [--role teacher|student] [--epochs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import torch
from common import ROOT, add_run_arguments, run_info, save_rows, start_torch, synchronize, verdict
from torch.utils.data import DataLoader, RandomSampler
from tqdm.auto import tqdm

from dlkdd_lite.data.dataset import DarkVideoDataset
from dlkdd_lite.data.decode_cache import clear_decode_cache
from dlkdd_lite.data.loader import batch_loader
from dlkdd_lite.data.splits import find_split_file
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.distill import ce_step, freeze, kd_step
from dlkdd_lite.models import build_model
from dlkdd_lite.runtime.device import autocast, grad_scaler

TARGET = 0.9
TIERS = {
    "quick": dict(arch="tiny3d", frames=8, crop=56, batch=8, workers=0, short_side=None),
    "paper": dict(arch="r2plus1d_18", frames=16, crop=112, batch=32, workers=min(8, os.cpu_count() or 1),
                  short_side=128),
}  # fmt: skip


ROLE_VIEWS = {"teacher": ("enhanced",), "student": ("dark", "enhanced")}


def make_step(model, optimizer, device: torch.device, amp: bool, teacher=None):
    """One training step as train.py takes it, on a tuple of views; returns the loss.

    Without ``teacher``: CE on ``(enhanced,)``. With it: the KD step on ``(dark, enhanced)``.
    """
    scaler = grad_scaler(device, amp)

    def step(views: tuple[torch.Tensor, ...], labels: torch.Tensor) -> float:
        with autocast(device, amp):
            if teacher is None:
                out = ce_step(model, views[0], labels)
            else:
                out = kd_step(model, teacher, *views, labels, temperature=4.0, alpha=0.7)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(out["loss"]).backward()
        scaler.step(optimizer)
        scaler.update()
        return out["loss"].item()  # the training loop reads the loss every step, which waits for the GPU

    return step


def model_only(step, batches: list[tuple[tuple, torch.Tensor]], device: torch.device, steps: int) -> float:
    """clips/s of ``steps`` steps cycling over ``batches`` (views, labels) already on the device.

    Several batches, not one: a model fitted to a single batch drives its loss to zero, and the
    tiny gradients that follow (subnormal floats) slow CPUs down, which would flatter the pipeline.
    """
    synchronize(device)
    start = time.perf_counter()
    for i in range(steps):
        step(*batches[i % len(batches)])
    synchronize(device)
    return steps * len(batches[0][1]) / (time.perf_counter() - start)


def to_device(batch: dict, views: tuple[str, ...], device: torch.device) -> tuple[tuple, torch.Tensor]:
    """A loader batch as ``((view, ...), labels)`` on ``device``."""
    clips = tuple(batch[v].to(device, non_blocking=True) for v in views)  # each (B, C, T, H, W)
    return clips, batch["label"].to(device, non_blocking=True)


def end_to_end(step, loader: DataLoader, device: torch.device, epochs: int, *, train: bool = True) -> float:
    """clips/s over ``epochs`` epochs of ``loader``, with (``train``) or without a step per batch."""
    seen = 0
    synchronize(device)
    start = time.perf_counter()
    for epoch in range(epochs):
        loader.dataset.set_epoch(epoch)
        for batch in tqdm(loader, desc=f"epoch {epoch}", leave=False):
            clips, labels = to_device(batch, loader.dataset.views, device)
            if train:
                step(clips, labels)
            seen += len(labels)
    synchronize(device)
    return seen / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", choices=("auto", *TIERS), default="auto", help="auto: paper on CUDA, else quick")
    parser.add_argument("--data", default=str(ROOT / "data" / "quick"),
                        help="ARID-layout data (the quick tier's is generated if absent)")  # fmt: skip
    for name in ("arch", "frames", "crop", "batch", "workers", "short_side"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=str if name == "arch" else int, default=None,
                            help="override the tier's setting")  # fmt: skip
    parser.add_argument("--role", choices=tuple(ROLE_VIEWS), default="teacher",
                        help="teacher: CE on the enhanced view; student: KD step, both views")  # fmt: skip
    parser.add_argument("--epochs", type=int, default=2, help="epochs per timed round (after one warm-up epoch)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of (model only, end to end); median ratio kept")
    parser.add_argument("--no-cache", action="store_true", help="decode every sample from disk (no decode cache)")
    add_run_arguments(parser)
    args = parser.parse_args()
    device, amp = start_torch(args)
    if args.tier == "auto":
        args.tier = "paper" if device.type == "cuda" else "quick"
    settings = {**TIERS[args.tier], **{k: v for k, v in vars(args).items() if k in TIERS["quick"] and v is not None}}
    torch.manual_seed(0)

    data = Path(args.data)
    if not (data / "synth.json").exists() and not (data / "splits").exists():
        generate_dataset(data, progress=False)
    clear_decode_cache()
    start = time.perf_counter()
    dataset = DarkVideoDataset(data, find_split_file(data, 1, "train"), train=True, num_frames=settings["frames"],
                               crop_size=settings["crop"], short_side=settings["short_side"],
                               views=ROLE_VIEWS[args.role], cache=not args.no_cache, enhancer="gamma",
                               enhanced_cache=None)  # fmt: skip
    fill_s = time.perf_counter() - start
    workers = settings["workers"]
    if workers == 0 and device.type == "cpu":  # as fit() does: batches written into two reused buffers
        dataset.reuse_buffers = 2
    loader = batch_loader(dataset, settings["batch"], sampler=RandomSampler(dataset), drop_last=True,
                          num_workers=workers, pin_memory=device.type == "cuda", persistent_workers=workers > 0,
                          prefetch_factor=4 if workers > 0 else None)  # fmt: skip
    if len(loader) == 0:
        raise SystemExit(f"{len(dataset)} training clips under {data} make no full batch of {settings['batch']}")
    model = build_model(settings["arch"], len(dataset.classes)).to(device).train()
    teacher = None
    if args.role == "student":  # a frozen teacher of the same architecture (its weights do not change the cost)
        teacher = freeze(build_model(settings["arch"], len(dataset.classes)).to(device))
    step = make_step(model, torch.optim.AdamW(model.parameters(), lr=1e-3), device, amp, teacher)
    batches = []  # a few batches held on the device, for the model-only steps
    for batch in loader:  # copies: the loader may write later batches into the same memory
        batches.append(to_device({k: v.clone() if torch.is_tensor(v) else v for k, v in batch.items()},
                                 dataset.views, device))  # fmt: skip
        if len(batches) == 8:
            break

    end_to_end(step, loader, device, 1)  # warm-up: workers start, allocator and autotuner settle
    model_runs, e2e_runs = [], []
    for _ in tqdm(range(args.rounds), desc="rounds", leave=False):  # in turns, so load changes hit both
        model_runs.append(model_only(step, batches, device, args.epochs * len(loader)))
        e2e_runs.append(end_to_end(step, loader, device, args.epochs))
    loader_only = end_to_end(step, loader, device, args.epochs, train=False)
    model_cps, e2e = statistics.median(model_runs), statistics.median(e2e_runs)
    ratios = [e / m for m, e in zip(model_runs, e2e_runs)]  # paired: the two runs of one round
    ratio = statistics.median(ratios)
    info = run_info(device, tier=args.tier, role=args.role, **settings, amp=amp,
                    cache=not args.no_cache, epochs=args.epochs, rounds=args.rounds, notes=args.notes)  # fmt: skip
    row = {**info, "measure": "end_to_end_vs_model_only", "train_clips": len(dataset),
           "cache_fill_s": round(fill_s, 2), "model_only_cps": round(model_cps, 2),
           "model_only_spread": round((max(model_runs) - min(model_runs)) / model_cps, 3),
           "end_to_end_cps": round(e2e, 2),
           "loader_only_cps": round(loader_only, 2), "ratio_min": round(min(ratios), 3),
           "ratio_max": round(max(ratios), 3), "value": round(ratio, 3), "target": f">= {TARGET}",
           "verdict": verdict(ratio, TARGET, at_least=True)}  # fmt: skip
    size = f"{settings['frames']}x{settings['crop']}x{settings['crop']}"
    print(f"{args.tier} tier, {args.role} ({settings['arch']}, {size}, batch "
          f"{settings['batch']}, {workers} workers, {info['device']}): model only {model_cps:.1f} clips/s "
          f"(range {min(model_runs):.1f}-{max(model_runs):.1f}), end to end {e2e:.1f} clips/s, loader alone "
          f"{loader_only:.1f} clips/s; end-to-end / model-only = {ratio:.3f}x (median of {len(ratios)} rounds, "
          f"range {min(ratios):.3f}-{max(ratios):.3f}) "
          f"(target >= {TARGET}: {row['verdict']}); decode cache filled in {fill_s:.1f} s")  # fmt: skip
    save_rows(args.results, "pipeline.csv", [row])


if __name__ == "__main__":
    main()
