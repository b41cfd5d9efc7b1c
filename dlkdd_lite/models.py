"""models.py: one factory for every video classifier the kit trains.

A tiny 3D CNN for the CPU quick tier and torchvision's R3D-18, MC3-18 and R(2+1)D-18 for the
paper tier. Knows nothing about losses or data. Which weights file a ``pretrained`` setting names, and
its download, belong to weights.py.
"""

from __future__ import annotations

import os

import torch
from torch import nn

from dlkdd_lite.config import ARCHS
from dlkdd_lite.data.acquire.weights import resolve_pretrained


class TinyC3D(nn.Module):
    """A ~0.3 M-parameter 3D CNN that trains in seconds per epoch on a CPU at 8x56x56.

    Four conv-BN-ReLU blocks; the first keeps time and halves space (early frames matter for
    motion), the rest halve all three axes; global average pooling and a linear head.
    """

    def __init__(self, num_classes: int, width: int = 16, dropout: float = 0.3) -> None:
        super().__init__()
        chans = [3, width, 2 * width, 4 * width, 8 * width]
        strides = [(1, 2, 2), (2, 2, 2), (2, 2, 2), (2, 2, 2)]
        blocks = []
        for c_in, c_out, stride in zip(chans[:-1], chans[1:], strides):
            blocks += [
                nn.Conv3d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=False),
                nn.BatchNorm3d(c_out),
                nn.ReLU(inplace=True),
            ]
        self.features = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(chans[-1], num_classes))

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        """clips (B, C, T, H, W) float -> logits (B, num_classes)."""
        if clips.ndim != 5 or clips.shape[1] != 3:
            raise ValueError(f"expected clips (B, 3, T, H, W), got {tuple(clips.shape)}")
        x = self.features(clips)  # (B, 8w, T', H', W')
        return self.head(x.mean(dim=(2, 3, 4)))  # (B, K)


def build_model(arch: str, num_classes: int, *, pretrained: str | os.PathLike | None = None) -> nn.Module:
    """Build ``arch`` with a ``num_classes``-way head.

    Args:
        arch: one of ``ARCHS``.
        num_classes: size of the classifier head.
        pretrained: None or ``"none"`` (random weights), ``"kinetics400"`` for torchvision's
            Kinetics-400 weights (downloaded once into the torch hub cache; see
            ``weights.resolve_pretrained``), or a local file with a state dict for the same architecture.
            The final layer is dropped when its shape differs. Loaded with ``weights_only=True``.
    """
    if arch not in ARCHS:
        raise ValueError(f"unknown architecture {arch!r}; expected one of {ARCHS}")
    if arch == "tiny3d":
        model: nn.Module = TinyC3D(num_classes)
    else:
        from torchvision.models import video as tv_video

        model = getattr(tv_video, arch)(weights=None, num_classes=num_classes)
    path = resolve_pretrained(arch, pretrained)
    if path is not None:
        load_pretrained(model, path)
    return model


def load_pretrained(model: nn.Module, path: str | os.PathLike) -> None:
    """Copy matching weights from a local state-dict file into ``model`` (head skipped on mismatch)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"pretrained weights not found: {path}; expected a state-dict file there")
    state = torch.load(path, map_location="cpu", weights_only=True)
    state = state.get("model", state) if isinstance(state, dict) else state
    own = model.state_dict()
    matched = {k: v for k, v in state.items() if k in own and own[k].shape == v.shape}
    missing = [k for k in own if k not in matched]
    if len(matched) < len(own) // 2:
        raise ValueError(
            f"{path} does not look like weights for this architecture: only {len(matched)} of "
            f"{len(own)} tensors match by name and shape"
        )
    model.load_state_dict(matched, strict=False)
    if any(not k.startswith(("fc.", "head.")) for k in missing):
        raise ValueError(f"{path} lacks weights for {[k for k in missing][:5]}")


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
