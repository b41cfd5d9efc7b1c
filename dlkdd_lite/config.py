"""config.py: one frozen dataclass that holds every hyperparameter of a training run.

Validation lives in ``__post_init__`` so a bad value fails before any work starts. Knows nothing
about data, models or loops; other modules read it.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path

ROLES = ("teacher", "student", "baseline", "twostream")
ARCHS = ("tiny3d", "r3d_18", "mc3_18", "r2plus1d_18")
# Per-channel RGB (mean, std) in [0, 1], chosen explicitly by RunConfig.norm. ARID v1.0's and V1.5's are
# published by ARID's authors (github.com/xuyu0010/ARID_v1, network/config.py; V1.5's unconfirmed, see
# dlkdd_lite/resources/datasets.json).
NORM_STATS = {
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    "arid": ((0.079612, 0.073888, 0.072454), (0.100459, 0.09705, 0.089911)),
    "arid1.5": ((0.0513, 0.0454, 0.0437), (0.0790, 0.0749, 0.0695)),
    "none": ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0)),
}
NORMS = tuple(NORM_STATS)
OPTIMIZERS = ("adamw", "sgd")
DEVICES = ("auto", "cpu", "cuda", "mps")
SAMPLINGS = ("dense", "segment")  # data.sampling.sample_frame_indices
# Settings that change how fast a run goes, not what it computes (beyond the last bits of floating point):
# a run may resume with different ones. eval_every changes which epochs have test rows, not the weights.
MACHINERY = (
    "device", "num_workers", "prefetch_factor", "cache", "enhanced_cache", "channels_last", "compile", "eval_every",
)  # fmt: skip
# What a student must share with its frozen teacher: the classes, and the enhanced view the teacher saw.
TEACHER_SHARED = ("num_classes", "enhancer", "gamma", "enhancer_weights", "norm")
# Settings added with a default other than the behaviour before them: the value a saved config that lacks
# one meant (results.open_run_dir). Any other missing setting counts as its default.
ADDED_LATER = {"precise_bn": 0}
ENHANCERS = ("none", "gamma", "histeq", "zerodce")  # see enhance.build_enhancer

# What each role trains on and against (DL-KDD, Chang et al. 2024):
#   teacher  - cross-entropy on the enhanced view;
#   baseline - cross-entropy on the dark view (the student without distillation);
#   student  - cross-entropy + KD on the dark view, the frozen teacher seeing the enhanced view;
#   twostream - cross-entropy on both views, one backbone each, logits averaged: the costlier
#               alternative the paper argues against (two backbones at inference, enhancement too).
ROLE_INPUT = {"teacher": "enhanced", "baseline": "dark", "student": "dark", "twostream": "both"}


@dataclass(frozen=True)
class RunConfig:
    """Hyperparameters of one run. Defaults are the quick tier (CPU, generated data, minutes).

    Make variants with ``dataclasses.replace(config, alpha=0.5)``.
    """

    role: str = "teacher"
    arch: str = "tiny3d"
    num_classes: int = 11
    split: int = 1
    # clip sampling and views
    num_frames: int = 8
    frame_stride: int = 2
    sampling: str = "dense"
    short_side: int | None = None  # resize so the short side is this many pixels (None: keep)
    crop_size: int = 28
    eval_clips: int = 3  # clips per video at evaluation; video accuracy averages their softmax
    eval_every: int = 3  # evaluate on the test split every this many epochs, and after the last
    # Precise BN (batchnorm.py): before each evaluation, BatchNorm's statistics are recomputed over up to this
    # many training batches with the current weights, instead of the moving average of training. 0: off
    precise_bn: int = 200
    # The teacher's enhancer: Zero-DCE, as in DL-KDD. Figure 3 of `dlkdd reproduce` compares teachers
    # and their students per enhancer (none, gamma, histeq, zerodce); docs/ablations.md has the numbers.
    enhancer: str = "zerodce"
    gamma: float = 1.8
    enhancer_weights: str | None = None  # Zero-DCE weights; None: the kit's (enhance.enhancer_weights_file)
    # Whole decoded and enhanced videos kept on disk between processes (data/video_store.py): "auto" = the
    # user's cache folder (~/.cache/dlkdd_lite, or $DLKDD_CACHE) when the videos are kept in memory
    # (cache=True); a folder = that folder, always; None = nothing on disk.
    enhanced_cache: str | None = "auto"
    norm: str = "imagenet"
    # distillation (student only; ignored otherwise)
    teacher_ckpt: str | None = None
    temperature: float = 4.0
    alpha: float = 0.7  # weight of the KD term; 1 - alpha weighs cross-entropy
    # Label smoothing of the cross-entropy term (Szegedy et al. 2016). 0 = plain labels. Used as a
    # control: a baseline with label_smoothing = alpha is "KD from a teacher that knows nothing".
    label_smoothing: float = 0.0
    # optimisation
    epochs: int = 10
    batch_size: int = 8
    optimizer: str = "adamw"
    lr: float = 1e-3  # fine-tuning the normal-light weights (from scratch the kit used 3e-3)
    warmup_epochs: int = 0  # epochs of linear learning-rate warm-up (from lr / (warmup_epochs + 1)) before the cosine
    weight_decay: float = 1e-4
    seed: int = 0
    # machinery
    device: str = "auto"
    amp: bool = True  # mixed precision on CUDA (bf16 where supported, else fp16 + GradScaler)
    channels_last: bool = False  # channels-last 3D memory format for model and clips (see docs/gpu.md)
    compile: bool = False  # torch.compile the trained model (first steps pay the compilation)
    num_workers: int = 0  # loader processes; when > 0 they persist across epochs
    prefetch_factor: int = 2  # batches each loader process prepares ahead (num_workers > 0)
    cache: bool = True  # decode each video once and keep its frames in memory
    # "normal-light" (the quick tier's): tiny3d's weights from well-lit generated video, shipped
    # (experiments/pretrain.py); "kinetics400" (torchvision's, downloaded once: the paper presets'); None or
    # "none": random weights; or a file
    pretrained: str | None = "normal-light"

    def __post_init__(self) -> None:
        def check(ok: bool, message: str) -> None:
            if not ok:
                raise ValueError(message)

        check(self.role in ROLES, f"unknown role {self.role!r}; expected one of {ROLES}")
        check(self.arch in ARCHS, f"unknown architecture {self.arch!r}; expected one of {ARCHS}")
        check(self.norm in NORMS, f"unknown normalisation {self.norm!r}; expected one of {NORMS}")
        check(self.optimizer in OPTIMIZERS, f"unknown optimizer {self.optimizer!r}; expected one of {OPTIMIZERS}")
        check(self.device in DEVICES, f"unknown device {self.device!r}; expected one of {DEVICES}")
        check(self.sampling in SAMPLINGS, f"unknown sampling {self.sampling!r}; expected one of {SAMPLINGS}")
        check(self.enhancer in ENHANCERS, f"unknown enhancer {self.enhancer!r}; expected one of {ENHANCERS}")
        check(
            math.isfinite(self.temperature) and self.temperature > 0, f"temperature must be > 0, got {self.temperature}"
        )
        check(0.0 <= self.alpha <= 1.0, f"alpha (the KD loss weight) must be in [0, 1], got {self.alpha}")
        check(0.0 <= self.label_smoothing < 1.0, f"label_smoothing must be in [0, 1), got {self.label_smoothing}")
        check(math.isfinite(self.gamma) and self.gamma > 0, f"gamma must be > 0 (>1 brightens), got {self.gamma}")
        for name in ("num_classes", "num_frames", "frame_stride", "crop_size", "eval_clips", "eval_every", "epochs",
                     "batch_size"):  # fmt: skip
            value = getattr(self, name)
            check(isinstance(value, int) and value >= 1, f"{name} must be an integer >= 1, got {value!r}")
        check(self.num_classes >= 2, f"num_classes must be >= 2, got {self.num_classes}")
        check(
            self.short_side is None or self.short_side >= self.crop_size,
            f"short_side ({self.short_side}) must be >= crop_size ({self.crop_size})",
        )
        check(
            isinstance(self.precise_bn, int) and self.precise_bn >= 0,
            f"precise_bn (batches) must be an integer >= 0, got {self.precise_bn!r}",
        )
        check(self.lr > 0, f"lr must be > 0, got {self.lr}")
        check(
            isinstance(self.warmup_epochs, int) and 0 <= self.warmup_epochs < self.epochs,
            f"warmup_epochs must be an integer in [0, epochs={self.epochs}), got {self.warmup_epochs!r}",
        )
        check(self.num_workers >= 0, f"num_workers must be >= 0, got {self.num_workers}")
        check(
            isinstance(self.prefetch_factor, int) and self.prefetch_factor >= 1,
            f"prefetch_factor must be an integer >= 1, got {self.prefetch_factor!r}",
        )
        if self.role == "student":
            check(bool(self.teacher_ckpt), "role 'student' needs teacher_ckpt (a teacher's checkpoint file)")

    @property
    def input_view(self) -> str:
        """Which view the trained model sees: ``"enhanced"``, ``"dark"`` or ``"both"`` (twostream)."""
        return ROLE_INPUT[self.role]

    def views(self, train: bool) -> tuple[str, ...]:
        """The views a run needs: what its model sees, plus the teacher's enhanced view in a student's training."""
        seen = ("dark", "enhanced") if self.input_view == "both" else (self.input_view,)
        return ("dark", "enhanced") if train and self.role == "student" else seen

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RunConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown config keys {unknown}; expected a subset of {sorted(known)}")
        return cls(**data)

    def save(self, path: str | Path) -> None:
        from dlkdd_lite.runtime.atomic import write_text_atomic

        write_text_atomic(path, json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> RunConfig:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
