"""train.py: one ``fit()`` for teacher, student, baseline and two-stream; only the step differs.

Read ``fit`` top to bottom: build (datasets, model, the teacher for a student, optimiser), loop over epochs,
one step per batch (``step``: the roles' losses come from distill.py), evaluate (with precise BatchNorm
statistics, batchnorm.py), save. Owns the run folder (``config.json``, ``metrics.csv``, ``checkpoint.pt``,
``predictions.csv``, ``result.json``) and resuming. Where and how fast it runs is runtime/'s business.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import time
from pathlib import Path

import torch

from dlkdd_lite.batchnorm import precise_batchnorm
from dlkdd_lite.checkpoint import build_run_model, load_checkpoint, load_model, save_checkpoint
from dlkdd_lite.config import TEACHER_SHARED, RunConfig
from dlkdd_lite.data.acquire.weights import resolve_pretrained
from dlkdd_lite.data.dataset import DarkVideoDataset
from dlkdd_lite.data.loader import build_loaders
from dlkdd_lite.distill import ce_step, freeze, kd_step
from dlkdd_lite.evaluate import evaluate
from dlkdd_lite.results import CHECKPOINT, MetricsWriter, final_metrics, open_run_dir, write_predictions
from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.runtime.device import autocast, grad_scaler, rng_state, set_rng_state
from dlkdd_lite.runtime.distributed import World, rank_seed
from dlkdd_lite.runtime.progress import tqdm  # in a notebook: one line per run
from dlkdd_lite.runtime.speed import run_context, speed_up


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
    the run already finished; ``overwrite=True`` discards an existing run in ``out_dir``. Under
    ``torchrun`` every process calls fit() alike, each training on its share of every batch
    (DistributedDataParallel); rank 0 alone writes the run folder. See docs/gpu.md.
    """
    out = Path(out_dir)
    if config.teacher_ckpt:  # the same teacher, however its path was written, is the same run
        config = dataclasses.replace(config, teacher_ckpt=str(Path(config.teacher_ckpt).resolve()))
    with run_context(config) as world:
        progress = progress and world.is_main
        if start_run(out, config, world, overwrite=overwrite, progress=progress):
            return final_metrics(out)  # finished before
        # 1. Build: the data, the model (and a student's frozen teacher), the optimiser; resume if we can.
        torch.manual_seed(config.seed)
        train_set, test_set = build_datasets(config, data_root, progress=progress)
        train_loader, sampler, test_loader = build_loaders(config, train_set, test_set, world)
        teacher = load_teacher(config, world.device) if config.role == "student" else None
        resuming = (out / CHECKPOINT).exists()  # then the checkpoint's weights replace the pretrained ones
        net = build_run_model(config, pretrained=None if resuming else config.pretrained).to(world.device)
        if world.rank > 0:  # DDP copies rank 0's weights; dropout masks should differ, as the clips do
            torch.manual_seed(rank_seed(config.seed, world.rank))
        model, teacher = speed_up(config, world, net, teacher, train_set)  # `net` is what is evaluated and saved
        optimizer, scheduler, scaler = build_optimizer(config, net, world.device)
        start = resume(out / CHECKPOINT, net, optimizer, scheduler, scaler, config, world) if resuming else 0
        writer = MetricsWriter(out / "metrics.csv", run=out.name, role=config.role, seed=config.seed,
                               start_epoch=start) if world.is_main else None  # fmt: skip

        # 2. Loop: an epoch of steps, then (every eval_every epochs) an evaluation, then a checkpoint.
        metrics, predictions = {}, []
        epochs = tqdm(range(start, config.epochs), desc=f"{out.name} ({config.role}, seed {config.seed})",
                      disable=not progress, initial=start, total=config.epochs, unit="epochs")  # fmt: skip
        for epoch in epochs:
            sampler.set_epoch(epoch)
            began = time.perf_counter()
            train_metrics = train_epoch(model, teacher, train_loader, optimizer, scaler, config, world, progress)
            scheduler.step()
            train_metrics.update(seconds=time.perf_counter() - began, lr=optimizer.param_groups[0]["lr"])
            evaluated = (epoch + 1) % config.eval_every == 0 or epoch + 1 == config.epochs
            if evaluated:  # draws nothing from torch's RNG, so eval_every does not change the dropout masks
                recompute_batchnorm(net, train_loader, config, world, progress)  # precise BN statistics
                metrics, predictions = evaluate_run(net, test_loader, test_set, config, world, progress)
            log_epoch(writer, epochs, epoch, train_metrics, metrics if evaluated else None)
            save_epoch(out / CHECKPOINT, epoch, net, optimizer, scheduler, scaler, config, world)  # after the rows
            world.barrier()

        # 3. Save the results: per-video predictions and the final metrics.
        if not predictions:  # resumed a run whose last epoch was done but not marked finished
            metrics, predictions = evaluate_run(net, test_loader, test_set, config, world, progress)
        finish(out, metrics, predictions, train_set.skipped + test_set.skipped, world)
        return metrics


def step(model, teacher, batch: dict, labels: torch.Tensor, config: RunConfig, device) -> dict[str, torch.Tensor]:
    """One batch's forward and loss: ``{"loss", "ce", "logits"}`` (+ ``"kd"`` for the student).

    The student sees the dark view and learns from the frozen teacher's view of the enhanced clip
    (``kd_step``); every other role is trained with cross-entropy on the view(s) it sees (``ce_step``).
    """
    clips = model_inputs(batch, config, device)  # the view(s) config.views names
    if teacher is not None:
        dark, enhanced = clips
        return kd_step(model, teacher, dark, enhanced, labels, temperature=config.temperature, alpha=config.alpha)
    return ce_step(model, clips, labels, label_smoothing=config.label_smoothing)


def model_inputs(batch: dict, config: RunConfig, device, train: bool = True) -> tuple[torch.Tensor, ...]:
    """The clips of ``batch`` the run needs in training, or its model takes (``config.views``), on ``device``."""
    fmt = torch.channels_last_3d if config.channels_last else torch.preserve_format
    return tuple(batch[name].to(device, non_blocking=True, memory_format=fmt) for name in config.views(train))


def train_epoch(
    model, teacher, loader, optimizer, scaler, config: RunConfig, world: World, progress: bool
) -> dict[str, float]:
    """One pass over the training batches: forward and loss (``step``), backward, update.

    Returns the epoch's means over clips: ``loss``, ``ce``, ``kd`` (a student's) and ``clip_acc1``.
    """
    model.train()
    device = world.device
    sums = EpochSums(device)
    # iter() first: given the loader itself, tqdm.auto would build (and drop) an iterator of its own.
    for batch in tqdm(iter(loader), total=len(loader), desc="train", disable=not progress, leave=False):
        labels = batch["label"].to(device, non_blocking=True)
        with autocast(device, config.amp):
            out = step(model, teacher, batch, labels, config, device)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(out["loss"]).backward()
        scaler.step(optimizer)
        scaler.update()
        clips = labels.numel()
        for name in ("loss", "ce", "kd"):
            if name in out:
                sums.add(name, out[name].detach(), weight=clips)
        sums.add("correct", (out["logits"].argmax(1) == labels).sum())
        sums.add("clips", clips)
    totals = sums.total(world)
    means = {name: totals[name] / totals["clips"] for name in ("loss", "ce", "kd") if name in totals}
    return {**means, "clip_acc1": totals["correct"] / totals["clips"]}


class EpochSums:
    """Named running sums that stay on the device, read once per epoch: a ``.item()`` per step would
    stall the GPU's queue. float64 (MPS has none) keeps them equal to Python sums of each step's value."""

    def __init__(self, device: torch.device) -> None:
        self.device, self.sums = device, {}
        self.dtype = torch.float32 if device.type == "mps" else torch.float64

    def add(self, name: str, value, weight: int = 1) -> None:
        """Add ``value * weight``: a tensor on the device, or a Python number (summed on the host, exactly)."""
        value = value.to(self.dtype) if torch.is_tensor(value) else value
        self.sums[name] = self.sums.get(name, 0) + value * weight

    def total(self, world: World) -> dict[str, float]:
        """``{name: sum}`` over the batches of every process."""
        names = list(self.sums)
        sums = [torch.as_tensor(self.sums[n], dtype=self.dtype, device=self.device) for n in names]
        return dict(zip(names, world.sum(torch.stack(sums)).tolist()))


def build_datasets(
    config: RunConfig, data_root: str | os.PathLike, *, views: tuple[str, ...] | None = None, progress: bool = True
) -> tuple[DarkVideoDataset, DarkVideoDataset]:
    """``(train, test)`` datasets of ``data_root``'s official split ``config.split`` (``DarkVideoDataset.from_config``).

    Each holds only the views ``config``'s role needs (``config.views``); pass ``views`` to choose
    others, e.g. ``("dark",)`` to evaluate a teacher on dark clips.
    """
    train = DarkVideoDataset.from_config(config, data_root, "train", views=views, progress=progress)
    test = DarkVideoDataset.from_config(config, data_root, "test", views=views, progress=progress)
    if len(train.classes) != config.num_classes:  # else a device-side assert deep inside the loss
        raise ValueError(
            f"{data_root} has {len(train.classes)} classes but the run has num_classes={config.num_classes}; "
            f"set --num-classes {len(train.classes)} (or use the dataset's preset, e.g. --preset dark48)"
        )
    return train, test


def load_teacher(config: RunConfig, device: torch.device) -> torch.nn.Module:
    """The frozen teacher of a student's run, checked to agree with the student's data settings."""
    teacher, teacher_config = load_model(config.teacher_ckpt, device)
    for key in TEACHER_SHARED:
        if getattr(teacher_config, key) != getattr(config, key):
            raise ValueError(
                f"teacher {config.teacher_ckpt} was trained with {key}={getattr(teacher_config, key)!r} "
                f"but this student uses {key}={getattr(config, key)!r}; they must agree"
            )
    if teacher_config.role != "teacher":
        raise ValueError(f"{config.teacher_ckpt} is a {teacher_config.role!r} checkpoint, expected a teacher")
    return freeze(teacher)


def build_optimizer(config: RunConfig, net: torch.nn.Module, device: torch.device):
    """``(optimizer, scheduler, scaler)``: AdamW (or SGD with momentum), cosine decay over the epochs (after
    ``warmup_epochs`` of linear warm-up, none by default), and the loss scaler mixed precision needs on CUDA
    (inactive otherwise)."""
    if config.optimizer == "sgd":
        optimizer = torch.optim.SGD(net.parameters(), lr=config.lr, momentum=0.9, weight_decay=config.weight_decay)
    else:
        optimizer = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs - config.warmup_epochs)
    if config.warmup_epochs:  # lr/(w+1), 2 lr/(w+1), ... for w epochs, then the cosine from lr
        warmup = torch.optim.lr_scheduler.LinearLR(
            optimizer, start_factor=1 / (config.warmup_epochs + 1), total_iters=config.warmup_epochs
        )
        scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, scheduler], [config.warmup_epochs])
    return optimizer, scheduler, grad_scaler(device, config.amp)


def recompute_batchnorm(net, train_loader, config: RunConfig, world: World, progress: bool) -> None:
    """Precise BN (batchnorm.py) over up to ``config.precise_bn`` batches of this epoch's training clips, kept in
    the checkpoint (a student's teacher uses them). Under torchrun: each process's share; rank 0's are used."""
    if not config.precise_bn:
        return
    n = min(len(train_loader), config.precise_bn)
    batches = tqdm(itertools.islice(iter(train_loader), n), total=n, desc="precise BN", disable=not progress,
                   leave=False)  # fmt: skip
    with autocast(world.device, config.amp):
        precise_batchnorm(net, (model_inputs(batch, config, world.device, train=False) for batch in batches), n)


def evaluate_run(net, loader, test_set, config: RunConfig, world: World, progress: bool):
    """``(metrics, predictions)`` on the test split, predictions in the split list's order."""
    world.sync_buffers(net)
    fmt = torch.channels_last_3d if config.channels_last else torch.preserve_format
    metrics, predictions = evaluate(net, loader, view=config.input_view, device=world.device, amp=config.amp,
                                    progress=progress, memory_format=fmt, gather=world.gather)  # fmt: skip
    order = {video_id: i for i, (_, _, video_id) in enumerate(test_set.videos)}
    predictions.sort(key=lambda row: order[row["video_id"]])  # gathered rank by rank
    return metrics, predictions


def start_run(out: Path, config: RunConfig, world: World, *, overwrite: bool, progress: bool) -> bool:
    """Rank 0 opens the run folder (``results.open_run_dir``) and, for a run starting afresh, fetches its
    pretrained weights (the others then read them from the cache); every process learns what it found,
    or its error. True when the run there already finished."""
    found: bool | Exception | None = None
    if world.is_main:
        try:
            found = open_run_dir(out, config, overwrite)
            if not found and not (out / CHECKPOINT).exists():
                resolve_pretrained(config.arch, config.pretrained, progress=progress)
        except (ValueError, OSError) as err:
            found = err
    found = world.broadcast(found)
    if isinstance(found, Exception):
        raise found
    return found


def log_epoch(writer: MetricsWriter | None, bar, epoch: int, train: dict, test: dict | None) -> None:
    """The epoch's rows in ``metrics.csv`` (rank 0's ``writer``) and its numbers beside the progress bar."""
    if writer is not None:
        writer.write(epoch, "train", train)
        if test is not None:
            writer.write(epoch, "test", test)
    shown = {f"test {k}": f"{test[k]:.3f}" for k in ("clip_acc1", "video_acc1") if k in (test or {})}
    bar.set_postfix({"loss": f"{train['loss']:.3f}", **shown})


def finish(out: Path, metrics: dict, predictions: list[dict], skipped: list[str], world: World) -> None:
    """``predictions.csv`` and ``result.json``, written by rank 0 once the run is done."""
    if world.is_main:
        write_predictions(out / "predictions.csv", predictions)
        result = {**metrics, "skipped_videos": len(skipped)}
        write_text_atomic(out / "result.json", json.dumps(result, indent=2) + "\n")
    world.barrier()


def save_epoch(path: Path, epoch: int, net, optimizer, scheduler, scaler, config: RunConfig, world: World) -> None:
    """Checkpoint after ``epoch``: weights, optimiser, schedule, loss scale and every process's RNG."""
    rng = world.gather(rng_state(world.device))
    if world.is_main:
        save_checkpoint(path, {
            "config": config.to_dict(), "model": net.state_dict(), "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(), "scaler": scaler.state_dict(), "epoch": epoch, "rng_ranks": rng,
        })  # fmt: skip


def resume(path: Path, net, optimizer, scheduler, scaler, config: RunConfig, world: World) -> int:
    """Load the checkpoint at ``path`` into the run; return the epoch to start from."""
    state = load_checkpoint(path, map_location=world.device)
    net.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    scaler.load_state_dict(state["scaler"])
    ranks = state["rng_ranks"]  # dropout draws continue as if never interrupted
    if len(ranks) == world.size:
        set_rng_state(ranks[world.rank], world.device)
    elif world.rank == 0:  # resumed with another number of processes: rank 0 continues its own draws
        set_rng_state(ranks[0], world.device)
    else:
        torch.manual_seed(rank_seed(config.seed + state["epoch"] + 1, world.rank))
    return state["epoch"] + 1
