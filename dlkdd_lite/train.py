"""train.py: one ``fit()`` for teacher, student, baseline and two-stream; only the step differs.

Owns the epoch loop, the loaders, resuming and the run folder (``config.json``, ``metrics.csv``,
``checkpoint.pt``, ``predictions.csv``, ``result.json``). The objective lives in distill.py, the
multi-process plumbing (``torchrun``) in distributed.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader

from dlkdd_lite.checkpoint import build_run_model, load_checkpoint, load_model, save_checkpoint
from dlkdd_lite.config import RunConfig
from dlkdd_lite.data.acquire.weights import resolve_pretrained
from dlkdd_lite.data.dataset import DarkVideoDataset
from dlkdd_lite.data.loader import batch_loader
from dlkdd_lite.distill import ce_step, freeze, kd_step
from dlkdd_lite.evaluate import evaluate
from dlkdd_lite.results import MetricsWriter, final_metrics, write_predictions
from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.runtime.device import autocast, cuda_tuning, grad_scaler, rng_state, set_rng_state, tune_cpu_allocator
from dlkdd_lite.runtime.distributed import EpochSampler, EpochView, World, join_world, rank_seed
from dlkdd_lite.runtime.progress import tqdm  # in a notebook: one line per run
from dlkdd_lite.runtime.teacher_memo import TeacherMemo, checkpoint_identity

CHECKPOINT = "checkpoint.pt"
# Settings that change how fast a run goes, not what it computes (beyond the last bits of floating
# point): a run may resume with different ones.
# eval_every changes which epochs metrics.csv has test rows for, not the weights.
MACHINERY = (
    "device", "num_workers", "prefetch_factor", "cache", "enhanced_cache", "channels_last", "compile", "eval_every",
)  # fmt: skip


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


def build_loaders(
    config: RunConfig, train_set: DarkVideoDataset, test_set: DarkVideoDataset, world: World
) -> tuple[DataLoader, EpochSampler, DataLoader]:
    """The training loader (with its sampler, for ``set_epoch``) and this process's evaluation loader.

    ``config.batch_size`` is the global batch: each of the ``world.size`` processes loads an equal
    share of it, so a run computes the same on one GPU as on eight (up to BatchNorm statistics,
    which each process gathers from its own share).
    """
    if config.batch_size % world.size:
        raise ValueError(
            f"batch_size {config.batch_size} is the global batch and must divide evenly between the "
            f"{world.size} processes; choose a multiple of {world.size}"
        )
    batch_size = config.batch_size // world.size
    common = dict(num_workers=config.num_workers, pin_memory=world.device.type == "cuda")
    if config.num_workers > 0:  # start the workers once, each keeping prefetch_factor batches ready
        common.update(persistent_workers=True, prefetch_factor=config.prefetch_factor)
    sampler = EpochSampler(train_set, seed=config.seed, rank=world.rank, world_size=world.size)
    if config.num_workers == 0 and world.device.type == "cpu":  # batches built here and used synchronously,
        train_set.reuse_buffers = 2  # each before the next but one is asked for: warm memory (DarkVideoDataset)
    # Batches built whole by the dataset (batch_loader); their own generators: the loaders never
    # draw from torch's global RNG, which feeds dropout.
    train = batch_loader(EpochView(train_set), batch_size, sampler=sampler, drop_last=len(sampler) > batch_size,
                         generator=torch.Generator().manual_seed(config.seed), **common)  # fmt: skip
    shard = world.shard_videos(test_set, len(test_set.videos), test_set.num_clips)
    test = batch_loader(shard, batch_size, generator=torch.Generator().manual_seed(config.seed), **common)
    return train, sampler, test


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

    Under ``torchrun`` every process calls fit() alike (so ``dlkdd train`` runs unchanged): they
    train one model with DistributedDataParallel, each on its share of every batch, evaluate
    their shares of the test videos and gather the predictions; rank 0 alone writes the run
    folder and shows progress. See docs/gpu.md.
    """
    out = Path(out_dir)
    if config.teacher_ckpt:  # the same teacher, however its path was written, is the same run
        config = dataclasses.replace(config, teacher_ckpt=str(Path(config.teacher_ckpt).resolve()))
    with join_world(config.device) as world, cuda_tuning(world.device):
        if world.device.type == "cpu":
            tune_cpu_allocator()  # batches reuse freed memory instead of page-faulting it in each step
        return _fit(config, data_root, out, world, progress=progress and world.is_main, overwrite=overwrite)


def _open_run_dir(out: Path, config: RunConfig, overwrite: bool) -> bool:
    """Prepare ``out`` for this run; True when the run there already finished."""
    _check_run_dir(out, config, overwrite)
    if overwrite:
        for name in (CHECKPOINT, "result.json", "metrics.csv", "predictions.csv"):
            (out / name).unlink(missing_ok=True)
    if (out / "result.json").exists():
        return True
    out.mkdir(parents=True, exist_ok=True)
    config.save(out / "config.json")
    return False


def _fit(config: RunConfig, data_root, out: Path, world: World, *, progress: bool, overwrite: bool) -> dict:
    # Rank 0 alone touches the folder; the others learn what it found there, or its error.
    found: bool | Exception | None = None
    if world.is_main:
        try:
            found = _open_run_dir(out, config, overwrite)
            if not found and not (out / CHECKPOINT).exists():  # downloaded by this process alone; the
                resolve_pretrained(config.arch, config.pretrained, progress=progress)  # others read the cache
        except (ValueError, OSError) as err:
            found = err
    found = world.broadcast(found)
    if isinstance(found, Exception):
        raise found
    if found:
        return final_metrics(out)

    device = world.device
    torch.manual_seed(config.seed)
    train_set, test_set = build_datasets(config, data_root, progress=progress)
    train_loader, sampler, test_loader = build_loaders(config, train_set, test_set, world)
    teacher = _load_teacher(config, device) if config.role == "student" else None
    if teacher is not None and device.type == "cpu" and not config.compile:  # sweeps reuse its logits
        teacher = TeacherMemo(teacher, checkpoint_identity(config.teacher_ckpt))
    resuming = (out / CHECKPOINT).exists()  # then the checkpoint's weights replace the pretrained ones
    net = build_run_model(config, pretrained=None if resuming else config.pretrained).to(device)
    if world.rank > 0:  # DDP copies rank 0's weights; dropout masks should differ, as the clips do
        torch.manual_seed(rank_seed(config.seed, world.rank))
    if config.channels_last:
        net = net.to(memory_format=torch.channels_last_3d)
        teacher = teacher.to(memory_format=torch.channels_last_3d) if teacher is not None else None
    if config.optimizer == "sgd":
        optimizer = torch.optim.SGD(net.parameters(), lr=config.lr, momentum=0.9, weight_decay=config.weight_decay)
    else:
        optimizer = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)
    scaler = grad_scaler(device, config.amp)

    start_epoch = 0
    if resuming:
        state = load_checkpoint(out / CHECKPOINT, map_location=device)
        net.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        scaler.load_state_dict(state["scaler"])
        _restore_rng(state, config, world)  # dropout draws continue as if never interrupted
        start_epoch = state["epoch"] + 1
    model = world.wrap(net)  # what trains; `net` is what is evaluated and saved
    if config.compile:
        model = torch.compile(model)
        teacher = torch.compile(teacher) if teacher is not None else None
    writer = None
    if world.is_main:
        writer = MetricsWriter(
            out / "metrics.csv", run=out.name, role=config.role, seed=config.seed, start_epoch=start_epoch
        )

    metrics, predictions = {}, []
    epochs = tqdm(range(start_epoch, config.epochs), desc=f"{out.name} ({config.role}, seed {config.seed})",
                  disable=not progress, initial=start_epoch, total=config.epochs, unit="epochs")  # fmt: skip
    for epoch in epochs:
        sampler.set_epoch(epoch)
        start = time.perf_counter()
        train_metrics = _train_epoch(model, teacher, train_loader, optimizer, scaler, config, world, progress)
        scheduler.step()
        train_metrics["seconds"] = time.perf_counter() - start
        train_metrics["lr"] = optimizer.param_groups[0]["lr"]
        evaluated = (epoch + 1) % config.eval_every == 0 or epoch + 1 == config.epochs
        if evaluated:  # draws nothing from torch's RNG, so eval_every does not change the dropout masks
            metrics, predictions = _evaluate(net, test_loader, test_set, config, world, progress)
        rng = world.gather(rng_state(device))
        if world.is_main:
            writer.write(epoch, "train", train_metrics)
            if evaluated:
                writer.write(epoch, "test", metrics)
            save_checkpoint(out / CHECKPOINT, {
                "config": config.to_dict(), "model": net.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "scaler": scaler.state_dict(), "epoch": epoch,
                "rng_ranks": rng,
            })  # fmt: skip
            shown = {f"test {k}": f"{metrics[k]:.3f}" for k in ("clip_acc1", "video_acc1") if k in metrics}
            epochs.set_postfix({"loss": f"{train_metrics['loss']:.3f}", **shown})
        world.barrier()

    if not predictions:  # resumed a run whose last epoch was done but not marked finished
        metrics, predictions = _evaluate(net, test_loader, test_set, config, world, progress)
    if world.is_main:
        write_predictions(out / "predictions.csv", predictions)
        skipped = len(train_set.skipped) + len(test_set.skipped)
        write_text_atomic(out / "result.json", json.dumps({**metrics, "skipped_videos": skipped}, indent=2) + "\n")
    world.barrier()
    return metrics


def _restore_rng(state: dict, config: RunConfig, world: World) -> None:
    ranks = state["rng_ranks"]
    if len(ranks) == world.size:
        set_rng_state(ranks[world.rank], world.device)
    elif world.rank == 0:  # resumed with another number of processes: rank 0 continues its own draws
        set_rng_state(ranks[0], world.device)
    else:
        torch.manual_seed(rank_seed(config.seed + state["epoch"] + 1, world.rank))


def _evaluate(net, loader, test_set, config: RunConfig, world: World, progress: bool):
    world.sync_buffers(net)
    metrics, predictions = evaluate(
        net, loader, view=config.input_view, device=world.device, amp=config.amp, progress=progress,
        memory_format=_memory_format(config), gather=world.gather,
    )  # fmt: skip
    order = {video_id: i for i, (_, _, video_id) in enumerate(test_set.videos)}
    predictions.sort(key=lambda row: order[row["video_id"]])  # gathered rank by rank
    return metrics, predictions


def _memory_format(config: RunConfig) -> torch.memory_format:
    return torch.channels_last_3d if config.channels_last else torch.preserve_format


def _step(model, teacher, batch: dict, labels: torch.Tensor, config: RunConfig, device) -> dict[str, torch.Tensor]:
    """One batch's forward: ``{"loss", "ce", "logits"}`` (+ ``"kd"`` for the student)."""
    fmt = _memory_format(config)
    view = lambda name: batch[name].to(device, non_blocking=True, memory_format=fmt)  # (B, C, T, H, W)
    if teacher is not None:
        return kd_step(model, teacher, view("dark"), view("enhanced"), labels,
                       temperature=config.temperature, alpha=config.alpha)  # fmt: skip
    clips = (view("dark"), view("enhanced")) if config.input_view == "both" else view(config.input_view)
    return ce_step(model, clips, labels, label_smoothing=config.label_smoothing)


def _train_epoch(
    model, teacher, loader, optimizer, scaler, config: RunConfig, world: World, progress: bool
) -> dict[str, float]:
    model.train()
    device = world.device
    # Sums stay on the device, read once per epoch: a .item() per step would stall the GPU queue.
    # float64 (MPS has none) keeps them equal to Python-float sums of each step's .item().
    totals = torch.zeros(5, dtype=torch.float32 if device.type == "mps" else torch.float64, device=device)
    zero = torch.zeros((), device=device)
    # iter() first: given the loader itself, tqdm.auto would build (and drop) an iterator of its own.
    for batch in tqdm(iter(loader), total=len(loader), desc="train", disable=not progress, leave=False):
        labels = batch["label"].to(device, non_blocking=True)
        with autocast(device, config.amp):
            out = _step(model, teacher, batch, labels, config, device)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(out["loss"]).backward()
        scaler.step(optimizer)
        scaler.update()
        correct = (out["logits"].argmax(1) == labels).sum()
        step = torch.stack([out["loss"].detach(), out["ce"].detach(), out.get("kd", zero).detach()])
        totals[:3] += step.to(totals.dtype) * labels.numel()
        totals[3] += correct
        totals[4] += labels.numel()
    loss, ce, kd, correct, seen = world.sum(totals).tolist()
    result = {"loss": loss / seen, "ce": ce / seen}
    if teacher is not None:
        result["kd"] = kd / seen
    result["clip_acc1"] = correct / seen
    return result
