"""distill.py: the KD objective and the step functions of teacher, baseline and student.

Pure functions of models, logits and batches; knows nothing about files, loaders or epochs.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def kd_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor,
    *,
    temperature: float,
    alpha: float,
) -> dict[str, torch.Tensor]:
    """Knowledge-distillation loss of Hinton, Vinyals and Dean (2015), "Distilling the Knowledge
    in a Neural Network", as used by DL-KDD for the dark-video student.

    ``kd   = temperature**2 * KL(softmax(teacher_logits / T) || softmax(student_logits / T))``
    (KL averaged over the batch, ``reduction="batchmean"``; the T² keeps the gradient scale of
    the soft term independent of T),
    ``ce   = CrossEntropy(student_logits, labels)``,
    ``loss = alpha * kd + (1 - alpha) * ce``.

    ``alpha`` weighs the distillation term (papers differ: here alpha = 0 is plain cross-entropy,
    the no-KD baseline, and alpha = 1 is pure distillation). The teacher's logits are detached,
    so no gradient ever reaches the teacher.

    Args:
        student_logits: float (B, K).
        teacher_logits: float (B, K), same shape.
        labels: int64 (B,) in [0, K).
        temperature: > 0; higher values soften both distributions.
        alpha: in [0, 1].

    Returns:
        ``{"loss", "ce", "kd"}``, scalar tensors.
    """
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    if student_logits.shape != teacher_logits.shape or student_logits.ndim != 2:
        raise ValueError(
            f"student and teacher logits must both be (B, K); got {tuple(student_logits.shape)} "
            f"and {tuple(teacher_logits.shape)}"
        )
    teacher_logits = teacher_logits.detach().float()
    student_logits_f = student_logits.float()
    log_p_student = F.log_softmax(student_logits_f / temperature, dim=1)
    log_p_teacher = F.log_softmax(teacher_logits / temperature, dim=1)
    kd = F.kl_div(log_p_student, log_p_teacher, reduction="batchmean", log_target=True)
    kd = kd * temperature**2
    ce = F.cross_entropy(student_logits_f, labels)
    return {"loss": alpha * kd + (1.0 - alpha) * ce, "ce": ce, "kd": kd}


def ce_step(
    model: nn.Module,
    clips: torch.Tensor | tuple[torch.Tensor, ...],
    labels: torch.Tensor,
    *,
    label_smoothing: float = 0.0,
) -> dict[str, torch.Tensor]:
    """Forward one batch of a teacher, baseline or two-stream model: ``{"loss", "ce", "logits"}``.

    ``clips`` is one (B, C, T, H, W) batch, or a tuple of them for a model of several inputs
    (two-stream: ``(dark, enhanced)``).
    """
    logits = model(*clips) if isinstance(clips, tuple) else model(clips)  # (B, K)
    ce = F.cross_entropy(logits.float(), labels, label_smoothing=label_smoothing)
    return {"loss": ce, "ce": ce, "logits": logits}


def kd_step(
    student: nn.Module,
    teacher: nn.Module,
    dark: torch.Tensor,
    enhanced: torch.Tensor,
    labels: torch.Tensor,
    *,
    temperature: float,
    alpha: float,
) -> dict[str, torch.Tensor]:
    """Forward one batch of DL-KDD: the student sees the dark clip, the frozen teacher the
    enhanced view of the same frames and crop. Returns ``{"loss", "ce", "kd", "logits",
    "teacher_logits"}``.
    """
    with torch.no_grad():
        teacher_logits = teacher(enhanced)  # (B, K), no graph kept
    student_logits = student(dark)  # (B, K)
    losses = kd_loss(student_logits, teacher_logits, labels, temperature=temperature, alpha=alpha)
    return {**losses, "logits": student_logits, "teacher_logits": teacher_logits}


def freeze(model: nn.Module) -> nn.Module:
    """Put a teacher in inference mode for good: ``eval()`` and no parameter needs gradients."""
    model.eval()
    model.requires_grad_(False)
    return model
