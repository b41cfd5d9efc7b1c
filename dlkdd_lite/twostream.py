"""twostream.py: the two-stream dark+enhanced late-fusion classifier that DL-KDD argues against.

One backbone sees the dark clip, another the enhanced clip of the same frames and crop; their
logits are averaged. It needs both views (so an enhancer) and two backbones at inference time,
which is the cost the distilled student avoids. Knows nothing about losses, data or enhancement.
"""

from __future__ import annotations

import os

import torch
from torch import nn

from dlkdd_lite.models import build_model


class TwoStream(nn.Module):
    """Late fusion of two independent backbones: ``logits = (dark_model(dark) + enhanced_model(enhanced)) / 2``.

    Averaging logits (rather than probabilities) keeps the output a plain logit tensor, so the
    same cross-entropy and accuracy code serves it as serves one backbone.
    """

    def __init__(self, dark_model: nn.Module, enhanced_model: nn.Module) -> None:
        super().__init__()
        if dark_model is enhanced_model:
            raise ValueError("TwoStream needs two separate backbones; got the same module twice")
        self.dark_model = dark_model
        self.enhanced_model = enhanced_model

    def forward(self, dark: torch.Tensor, enhanced: torch.Tensor) -> torch.Tensor:
        """dark (B, C, T, H, W), enhanced (B, C, T, H, W) of the same frames -> logits (B, K)."""
        if dark.shape != enhanced.shape:
            raise ValueError(
                f"dark and enhanced clips must have the same shape (B, C, T, H, W); got "
                f"{tuple(dark.shape)} and {tuple(enhanced.shape)}"
            )
        dark_logits = self.dark_model(dark)  # (B, K)
        enhanced_logits = self.enhanced_model(enhanced)  # (B, K)
        if dark_logits.shape != enhanced_logits.shape:
            raise ValueError(
                f"the two streams disagree on the number of classes: {tuple(dark_logits.shape)} "
                f"vs {tuple(enhanced_logits.shape)}"
            )
        return (dark_logits + enhanced_logits) / 2


def build_twostream(arch: str, num_classes: int, *, pretrained: str | os.PathLike | None = None) -> TwoStream:
    """Two ``arch`` backbones (see ``models.build_model``) with ``num_classes``-way heads, fused late.

    ``pretrained`` (a local state-dict file) initialises both streams alike; they then train apart.
    """
    return TwoStream(
        build_model(arch, num_classes, pretrained=pretrained),
        build_model(arch, num_classes, pretrained=pretrained),
    )
