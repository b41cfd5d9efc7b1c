"""presets.py: named RunConfigs for the two tiers: ``quick`` (CPU, generated data) and the paper tier per dataset.

The paper (DL-KDD, IJCAI 2025) does not publish its backbone, clip length, schedule, temperature or loss
weight, so the paper-tier values are **kit defaults**, not the authors' recipe: a torchvision R(2+1)D-18 on
16-frame 112x112 clips, close to ARID's own training setup (github.com/xuyu0010/ARID_v1) scaled to one GPU.
"""

from __future__ import annotations

import dataclasses

from dlkdd_lite.config import RunConfig

# Shared by the three real datasets. Short side 128 then a 112 crop: what `dlkdd prepare --short-side 128`
# writes, so prepared copies decode fast and nothing is resized twice.
# From Kinetics-400 weights: published ARID results near the paper's start from video pretraining (Kinetics,
# IG65M), and ARID's 2,288 training clips are few for 31 M parameters from random weights (pretrained=None).
_PAPER = dict(
    arch="r2plus1d_18", num_frames=16, frame_stride=2, sampling="dense", short_side=128, crop_size=112,
    eval_clips=3, optimizer="sgd", lr=0.01, weight_decay=5e-4, batch_size=16, epochs=30,
    cache=False, num_workers=8, amp=True, pretrained="kinetics400",
    # The kit's Zero-DCE weights were trained on 32x32 generated frames: for real video, train Zero-DCE
    # on its dark frames (`dlkdd zerodce`) and pass --enhancer zerodce --enhancer-weights.
    enhancer="gamma",
)  # fmt: skip

PRESETS: dict[str, dict] = {
    "quick": {},  # RunConfig's own defaults: tiny3d from normal-light weights, 8x28x28, AdamW lr 1e-3, Zero-DCE
    "arid": {**_PAPER, "num_classes": 11, "split": 1, "norm": "arid"},
    "arid1.5": {**_PAPER, "num_classes": 11, "split": 0, "norm": "arid1.5"},  # V1.5's splits are 0 and 1
    "dark48": {**_PAPER, "num_classes": 48, "split": 1, "norm": "imagenet", "epochs": 40},
}

NOTES = {
    "quick": "CPU in minutes on generated data; shows the effect, not the paper's numbers",
    "arid": "ARID v1.0, 3 splits; ARID's published statistics; kit defaults (the paper's recipe is not public)",
    "arid1.5": "ARID V1.5, splits 0 and 1; V1.5's published statistics; kit defaults",
    "dark48": "Dark-48, 48 classes, 3 splits; ImageNet statistics (none published); kit defaults",
}


def preset(name: str, **overrides) -> RunConfig:
    """The RunConfig of preset ``name`` (``quick``, ``arid``, ``arid1.5``, ``dark48``) with ``overrides``.

    Example: ``preset("arid", role="student", teacher_ckpt="runs/arid/teacher/checkpoint.pt")``. The
    paper-tier presets start from torchvision's Kinetics-400 weights (``pretrained="kinetics400"``,
    downloaded once into the torch hub cache: weights.resolve_pretrained); ``pretrained=None`` trains
    from scratch.
    """
    key = name.strip().lower()
    if key not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; expected one of {list(PRESETS)}")
    fields = {f.name for f in dataclasses.fields(RunConfig)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ValueError(f"unknown RunConfig fields {unknown}; expected a subset of {sorted(fields)}")
    return dataclasses.replace(RunConfig(), **{**PRESETS[key], **overrides})


def describe_presets() -> list[dict]:
    """One row per preset with the values that differ between tiers, for tables in docs and notebooks."""
    keys = ("arch", "num_classes", "split", "num_frames", "frame_stride", "short_side", "crop_size", "batch_size",
            "epochs", "optimizer", "lr", "norm", "pretrained")  # fmt: skip
    return [{"preset": name, **{k: getattr(preset(name), k) for k in keys}, "notes": NOTES[name]} for name in PRESETS]
