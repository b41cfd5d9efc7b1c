"""evaluate.py: clip-level and video-level accuracy of a model on a dataset.

Video accuracy averages the softmax of all clips of a video (as torchvision's video reference
does). Several processes may each evaluate a share of the videos and gather their sums. Knows
nothing about training or files.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from dlkdd_lite.runtime.device import autocast
from dlkdd_lite.runtime.progress import tqdm

VIEWS = ("dark", "enhanced", "both")


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: DataLoader,
    *,
    view: str,
    device: torch.device,
    amp: bool = False,
    progress: bool = True,
    memory_format: torch.memory_format = torch.preserve_format,
    gather: Callable[[dict], list[dict]] | None = None,
) -> tuple[dict[str, float], list[dict]]:
    """Evaluate ``model`` on ``view`` of every batch: ``"dark"``, ``"enhanced"``, or ``"both"`` for
    a two-stream model called as ``model(dark, enhanced)``.

    Args:
        memory_format: of the clips fed to the model (``torch.channels_last_3d`` to match a model
            converted to it).
        gather: for data-parallel evaluation, a function from this process's partial sums to
            every process's (e.g. ``World.gather``); each process then evaluates its own videos, a
            video's clips all in one process, and all return the same totals.

    Returns:
        ``({"loss", "clip_acc1", "video_acc1"}, predictions)`` with one prediction dict per video:
        ``{"video_id", "label", "pred", "correct", "confidence"}``.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    model.eval()
    part = {"loss": 0.0, "correct": 0, "clips": 0, "videos": {}}  # videos: {video_id: [prob sum, label]}
    names = ("dark", "enhanced") if view == "both" else (view,)
    # iter() first: given the loader itself, tqdm.auto would build (and drop) an iterator of its own.
    for batch in tqdm(iter(loader), total=len(loader), desc="eval", disable=not progress, leave=False):
        inputs = [batch[name].to(device, non_blocking=True, memory_format=memory_format) for name in names]
        labels = batch["label"].to(device, non_blocking=True)
        with autocast(device, amp):
            logits = model(*inputs).float()  # (B, K)
        part["loss"] += F.cross_entropy(logits, labels, reduction="sum").item()
        part["correct"] += (logits.argmax(1) == labels).sum().item()
        part["clips"] += labels.numel()
        probs = logits.softmax(1).cpu()
        for video_id, label, p in zip(batch["video_id"], batch["label"].tolist(), probs):
            entry = part["videos"].setdefault(video_id, [0, label])
            entry[0] = entry[0] + p
    return _summarize(gather(part) if gather is not None else [part])


def _summarize(parts: list[dict]) -> tuple[dict[str, float], list[dict]]:
    clips = sum(part["clips"] for part in parts)
    if clips == 0:
        raise ValueError("evaluation loader yielded no clips")
    predictions = []
    for video_id, (p, label) in ((k, v) for part in parts for k, v in part["videos"].items()):
        p = p / p.sum()
        pred = int(p.argmax())
        predictions.append({
            "video_id": video_id, "label": label, "pred": pred,
            "correct": int(pred == label), "confidence": round(float(p[pred]), 6),
        })  # fmt: skip
    video_acc = sum(r["correct"] for r in predictions) / len(predictions)
    loss = sum(part["loss"] for part in parts) / clips
    return {
        "loss": loss,
        "clip_acc1": sum(part["correct"] for part in parts) / clips,
        "video_acc1": video_acc,
    }, predictions
