"""evaluate.py: clip-level and video-level accuracy of a model on a dataset.

Video accuracy averages the softmax of all clips of a video (as torchvision's video reference
does). Knows nothing about training or files.
"""

from __future__ import annotations

from collections import defaultdict

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from dlkdd_lite.device import autocast


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: DataLoader,
    *,
    view: str,
    device: torch.device,
    amp: bool = False,
    progress: bool = True,
) -> tuple[dict[str, float], list[dict]]:
    """Evaluate ``model`` on ``view`` (``"dark"`` or ``"enhanced"``) of every batch.

    Returns:
        ``({"loss", "clip_acc1", "video_acc1"}, predictions)`` with one prediction dict per video:
        ``{"video_id", "label", "pred", "correct", "confidence"}``.
    """
    if view not in ("dark", "enhanced"):
        raise ValueError(f"view must be 'dark' or 'enhanced', got {view!r}")
    model.eval()
    loss_sum, clip_correct, clips = 0.0, 0, 0
    prob_sum: dict[str, torch.Tensor] = defaultdict(lambda: 0)
    labels_of: dict[str, int] = {}
    for batch in tqdm(loader, desc="eval", disable=not progress, leave=False):
        inputs = batch[view].to(device, non_blocking=True)
        labels = batch["label"].to(device, non_blocking=True)
        with autocast(device, amp):
            logits = model(inputs).float()  # (B, K)
        loss_sum += F.cross_entropy(logits, labels, reduction="sum").item()
        clip_correct += (logits.argmax(1) == labels).sum().item()
        clips += labels.numel()
        probs = logits.softmax(1).cpu()
        for video_id, label, p in zip(batch["video_id"], batch["label"].tolist(), probs):
            prob_sum[video_id] = prob_sum[video_id] + p
            labels_of[video_id] = label
    if clips == 0:
        raise ValueError("evaluation loader yielded no clips")
    predictions = []
    for video_id, p in prob_sum.items():
        p = p / p.sum()
        pred = int(p.argmax())
        predictions.append({
            "video_id": video_id, "label": labels_of[video_id], "pred": pred,
            "correct": int(pred == labels_of[video_id]), "confidence": round(float(p[pred]), 6),
        })  # fmt: skip
    video_acc = sum(r["correct"] for r in predictions) / len(predictions)
    metrics = {"loss": loss_sum / clips, "clip_acc1": clip_correct / clips, "video_acc1": video_acc}
    return metrics, predictions
