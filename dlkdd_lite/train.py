"""train.py: one ``fit()`` for teacher, student and baseline; only the step differs.

Owns the epoch loop, resuming and the run folder (``config.json``, ``metrics.csv``,
``checkpoint.pt``, ``predictions.csv``, ``result.json``). The objective lives in distill.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from dlkdd_lite.atomic import write_text_atomic
from dlkdd_lite.checkpoint import load_checkpoint, load_model, save_checkpoint
from dlkdd_lite.config import RunConfig
from dlkdd_lite.datasets import DarkVideoDataset
from dlkdd_lite.device import autocast, grad_scaler, resolve_device
from dlkdd_lite.distill import ce_step, freeze, kd_step
from dlkdd_lite.evaluate import evaluate
from dlkdd_lite.models import build_model
from dlkdd_lite.results import MetricsWriter, final_metrics, write_predictions
from dlkdd_lite.splits import find_split_file

CHECKPOINT = "checkpoint.pt"
MACHINERY = ("device", "num_workers", "cache", "enhanced_cache")


def build_datasets(config: RunConfig, data_root: str | os.PathLike, *, progress: bool = True):
    """``(train, test)`` datasets of ``data_root``'s official split ``config.split``."""
    common = dict(
        num_frames=config.num_frames, frame_stride=config.frame_stride, sampling=config.sampling,
        crop_size=config.crop_size, short_side=config.short_side, enhancer=config.enhancer,
        enhancer_weights=config.enhancer_weights, enhanced_cache=config.enhanced_cache,
        gamma=config.gamma, norm=config.norm, cache=config.cache, seed=config.seed, progress=progress,
    )  # fmt: skip
    train = DarkVideoDataset(data_root, find_split_file(data_root, config.split, "train"), train=True, **common)
    test = DarkVideoDataset(
        data_root, find_split_file(data_root, config.split, "test"), train=False, num_clips=config.eval_clips, **common
    )
    return train, test


def _load_teacher(config: RunConfig, device: torch.device):
    teacher, teacher_config = load_model(config.teacher_ckpt, device)
    for key in ("num_classes", "enhancer", "gamma", "enhancer_weights", "norm"):
        if getattr(teacher_config, key) != getattr(config, key):
            raise ValueError(
                f"teacher {config.teacher_ckpt} was trained with {key}={getattr(teacher_config, key)!r} "
                f"but this student uses {key}={getattr(config, key)!r}; they must agree"
            )
    if teacher_config.role != "teacher":
        raise ValueError(f"{config.teacher_ckpt} is a {teacher_config.role!r} checkpoint, expected a teacher")
    return freeze(teacher)


def _check_run_dir(out: Path, config: RunConfig, overwrite: bool) -> None:
    saved = out / "config.json"
    if not saved.exists() or overwrite:
        return
    old = json.loads(saved.read_text(encoding="utf-8"))
    # Where a run executes does not change what it computes, so it may resume elsewhere.
    diff = sorted(k for k, v in config.to_dict().items() if old.get(k) != v and k not in MACHINERY)
    if diff:
        raise ValueError(
            f"run folder {out} holds a run with a different config (differs in {diff}); "
            "choose another --out, or pass overwrite=True / --overwrite to start afresh"
        )


def fit(
    config: RunConfig,
    data_root: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    progress: bool = True,
    overwrite: bool = False,
) -> dict[str, float]:
    """Train one run and return its final test metrics (``loss``, ``clip_acc1``, ``video_acc1``).

    Resumes from ``out_dir/checkpoint.pt`` when it exists (same config), and returns at once when
    the run already finished. ``overwrite=True`` discards an existing run in ``out_dir``.
    """
    out = Path(out_dir)
    if config.teacher_ckpt:  # the same teacher, however its path was written, is the same run
        config = dataclasses.replace(config, teacher_ckpt=str(Path(config.teacher_ckpt).resolve()))
    _check_run_dir(out, config, overwrite)
    if overwrite:
        for name in (CHECKPOINT, "result.json", "metrics.csv", "predictions.csv"):
            (out / name).unlink(missing_ok=True)
    if (out / "result.json").exists():
        return final_metrics(out)
    out.mkdir(parents=True, exist_ok=True)
    config.save(out / "config.json")

    device = resolve_device(config.device)
    torch.manual_seed(config.seed)
    train_set, test_set = build_datasets(config, data_root, progress=progress)
    teacher = _load_teacher(config, device) if config.role == "student" else None
    model = build_model(config.arch, config.num_classes, pretrained=config.pretrained).to(device)
    if config.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9, weight_decay=config.weight_decay)
    else:
        optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)
    scaler = grad_scaler(device, config.amp)

    start_epoch = 0
    if (out / CHECKPOINT).exists():
        state = load_checkpoint(out / CHECKPOINT, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        scaler.load_state_dict(state["scaler"])
        torch.set_rng_state(state["rng"])  # dropout draws continue as if never interrupted
        start_epoch = state["epoch"] + 1
    writer = MetricsWriter(
        out / "metrics.csv", run=out.name, role=config.role, seed=config.seed, start_epoch=start_epoch
    )
    loader_kw = dict(batch_size=config.batch_size, num_workers=config.num_workers, pin_memory=device.type == "cuda")
    test_loader = DataLoader(test_set, shuffle=False, **loader_kw)

    metrics, predictions = {}, []
    epochs = tqdm(range(start_epoch, config.epochs), desc=f"{config.role} {out.name}", disable=not progress,
                  initial=start_epoch, total=config.epochs)  # fmt: skip
    for epoch in epochs:
        train_set.set_epoch(epoch)
        order = torch.Generator().manual_seed(int(np.random.SeedSequence([config.seed, epoch]).generate_state(1)[0]))
        loader = DataLoader(
            train_set, shuffle=True, generator=order, drop_last=len(train_set) > config.batch_size, **loader_kw
        )
        start = time.perf_counter()
        train_metrics = _train_epoch(model, teacher, loader, optimizer, scaler, config, device, progress)
        scheduler.step()
        train_metrics["seconds"] = time.perf_counter() - start
        train_metrics["lr"] = optimizer.param_groups[0]["lr"]
        metrics, predictions = evaluate(model, test_loader, view=config.input_view, device=device,
                                        amp=config.amp, progress=progress)  # fmt: skip
        writer.write(epoch, "train", train_metrics)
        writer.write(epoch, "test", metrics)
        save_checkpoint(out / CHECKPOINT, {
            "config": config.to_dict(), "model": model.state_dict(), "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(), "scaler": scaler.state_dict(), "epoch": epoch,
            "rng": torch.get_rng_state(),
        })  # fmt: skip
        epochs.set_postfix(loss=f"{train_metrics['loss']:.3f}", video_acc1=f"{metrics['video_acc1']:.3f}")

    if predictions:
        write_predictions(out / "predictions.csv", predictions)
    else:  # resumed a run whose last epoch was done but not marked finished
        model.eval()
        metrics, predictions = evaluate(model, test_loader, view=config.input_view, device=device,
                                        amp=config.amp, progress=progress)  # fmt: skip
        write_predictions(out / "predictions.csv", predictions)
    skipped = len(train_set.skipped) + len(test_set.skipped)
    write_text_atomic(out / "result.json", json.dumps({**metrics, "skipped_videos": skipped}, indent=2) + "\n")
    return metrics


def _train_epoch(
    model, teacher, loader, optimizer, scaler, config: RunConfig, device, progress: bool
) -> dict[str, float]:
    model.train()
    sums = {"loss": 0.0, "ce": 0.0, "kd": 0.0}
    correct = seen = 0
    for batch in tqdm(loader, desc="train", disable=not progress, leave=False):
        labels = batch["label"].to(device, non_blocking=True)
        with autocast(device, config.amp):
            if teacher is None:
                out = ce_step(model, batch[config.input_view].to(device, non_blocking=True), labels)
            else:
                out = kd_step(model, teacher, batch["dark"].to(device, non_blocking=True),
                              batch["enhanced"].to(device, non_blocking=True), labels,
                              temperature=config.temperature, alpha=config.alpha)  # fmt: skip
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(out["loss"]).backward()
        scaler.step(optimizer)
        scaler.update()
        n = labels.numel()
        for key in sums:
            if key in out:
                sums[key] += out[key].item() * n
        correct += (out["logits"].argmax(1) == labels).sum().item()
        seen += n
    result = {key: value / seen for key, value in sums.items() if key != "kd" or teacher is not None}
    result["clip_acc1"] = correct / seen
    return result
