"""zerodce.py: Zero-DCE, the low-light enhancer of DL-KDD's teacher (Guo et al., CVPR 2020,
"Zero-Reference Deep Curve Estimation for Low-Light Image Enhancement").

The network (DCE-Net), its clip-in/clip-out enhancer and the mapping of the authors' released
weights. Training and its losses live in zerodce_train.py. Nothing is downloaded.
"""

from __future__ import annotations

import os
import re

import torch
import torch.nn.functional as F
from torch import nn

ITERATIONS = 8  # curve applications LE(x) = x + r * (x^2 - x)


class DCENet(nn.Module):
    """Seven 3x3 convolutions of 32 filters with symmetric skip concatenations (1-7, 2-6, 3-5);
    the last gives 24 channels = 8 RGB curve maps in [-1, 1] (tanh). About 79 k parameters.

    ``width`` sets the filters per layer: the paper's 32, or 16 for the quick tier's shipped weights
    (about 20 k parameters, a quarter of the arithmetic; the same curves and losses).
    """

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        ins = [3, width, width, width, 2 * width, 2 * width, 2 * width]
        outs = [width] * 6 + [3 * ITERATIONS]
        self.convs = nn.ModuleList(nn.Conv2d(i, o, 3, padding=1) for i, o in zip(ins, outs))

    def curves(self, images: torch.Tensor) -> torch.Tensor:
        """images (N, 3, H, W) in [0, 1] -> curve maps (N, 24, H, W) in [-1, 1]."""
        x1 = F.relu(self.convs[0](images))
        x2 = F.relu(self.convs[1](x1))
        x3 = F.relu(self.convs[2](x2))
        x4 = F.relu(self.convs[3](x3))
        x5 = F.relu(self.convs[4](torch.cat([x3, x4], 1)))
        x6 = F.relu(self.convs[5](torch.cat([x2, x5], 1)))
        return torch.tanh(self.convs[6](torch.cat([x1, x6], 1)))

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """images (N, 3, H, W) in [0, 1] -> (enhanced (N, 3, H, W) in [0, 1], curve maps (N, 24, H, W))."""
        if images.ndim != 4 or images.shape[1] != 3:
            raise ValueError(f"DCENet expects images (N, 3, H, W), got {tuple(images.shape)}")
        maps = self.curves(images)
        return apply_curves(images, maps), maps


def apply_curves(images: torch.Tensor, maps: torch.Tensor) -> torch.Tensor:
    """Apply the 8 quadratic light-enhancement curves: ``x <- x + r_n * (x^2 - x)``.

    With r in [-1, 1] each step maps [0, 1] onto itself monotonically, so the output stays in
    [0, 1] and the order of intensities is kept. Curve maps of 0 leave the images unchanged.
    """
    x = images
    for r in torch.split(maps, 3, dim=1):
        x = x + r * (x * x - x)
    return x


def load_official_weights(model: DCENet, path: str | os.PathLike) -> None:
    """Load the authors' released ``Epoch99.pth`` (names ``e_conv1.weight`` ... ``e_conv7.bias``,
    possibly with a ``module.`` prefix from DataParallel) into ``model``.

    Raises:
        FileNotFoundError: with where to get the file; nothing is downloaded.
        ValueError: names or shapes that do not fit DCE-Net, naming the offending tensor.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"Zero-DCE weights not found at {path}. Download Epoch99.pth from the authors' repository "
            "(github.com/Li-Chongyi/Zero-DCE, Zero-DCE_code/snapshots/) and pass its path; "
            "or train Zero-DCE on your dark frames with dlkdd_lite.enhance.zerodce_train"
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(map_official_names(state, model))


def load_zerodce(path: str | os.PathLike) -> DCENet:
    """A DCE-Net in eval mode from ``path``: a ``dlkdd zerodce`` checkpoint or the official weights."""
    if not os.path.isfile(path):
        load_official_weights(DCENet(), path)  # raises the explanatory FileNotFoundError
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "model" in state:  # our own training checkpoint, of any width
        model = DCENet(width=state["model"]["convs.0.weight"].shape[0])
        model.load_state_dict(state["model"])
    else:
        model = DCENet()
        model.load_state_dict(map_official_names(state, model))
    return model.eval().requires_grad_(False)


def map_official_names(state: dict[str, torch.Tensor], model: DCENet) -> dict[str, torch.Tensor]:
    """Rename an official state dict (``[module.]e_conv{k}.{weight,bias}``) to this module's names."""
    own = model.state_dict()
    mapped = {}
    for name, tensor in state.items():
        match = re.fullmatch(r"(?:module\.)?e_conv([1-7])\.(weight|bias)", name)
        if match is None:
            raise ValueError(f"unexpected tensor {name!r} in Zero-DCE weights; expected e_conv1..7 weight/bias")
        ours = f"convs.{int(match.group(1)) - 1}.{match.group(2)}"
        if tuple(tensor.shape) != tuple(own[ours].shape):
            raise ValueError(
                f"{name} has shape {tuple(tensor.shape)}, DCE-Net expects {tuple(own[ours].shape)}: "
                "these are not Zero-DCE weights (Zero-DCE++ uses another network)"
            )
        mapped[ours] = tensor
    missing = sorted(set(own) - set(mapped))
    if missing:
        raise ValueError(f"Zero-DCE weights lack {missing}")
    return mapped


@torch.no_grad()
def zerodce_enhance(clip: torch.Tensor, model: DCENet, *, batch_frames: int = 64) -> torch.Tensor:
    """Enhance every frame of a clip with a (trained) DCE-Net, like ``gamma_correct``: clip in, clip out.

    Args:
        clip: uint8 (T, H, W, C) as decoded, or float (T, H, W, C) in [0, 1]; on any device (the
            model is used on the clip's device).
        model: a DCENet; run in eval mode without gradients.
        batch_frames: frames per forward pass (memory bound).

    Returns:
        The same shape and dtype: uint8 rounded, or float in [0, 1].

    Frames that are already bright go through the same curves: a model trained on dark frames has
    learned to lift levels, so it brightens them further (towards saturation, never past 1); check
    with ``quality.quality_stats``. A model whose curve maps are 0 returns frames unchanged.

    Raises:
        ValueError: wrong layout, NaNs, or floats outside [0, 1] (uint8 data passed as float).
    """
    if clip.ndim != 4 or clip.shape[-1] != 3:
        raise ValueError(f"zerodce_enhance expects a clip (T, H, W, 3), got {tuple(clip.shape)}")
    as_uint8 = clip.dtype == torch.uint8
    if not as_uint8 and not clip.is_floating_point():
        raise TypeError(f"zerodce_enhance expects uint8 or float frames, got {clip.dtype}")
    x = clip.float() / 255 if as_uint8 else clip.float()
    if torch.isnan(x).any():
        raise ValueError("zerodce_enhance got NaN pixels")
    if not as_uint8 and (x.min() < 0 or x.max() > 1):
        raise ValueError(
            f"float frames must lie in [0, 1], got [{x.min():.3f}, {x.max():.3f}]: pass uint8 frames or divide by 255"
        )
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    images = x.permute(0, 3, 1, 2).to(device)  # (T, C, H, W)
    out = torch.cat([model(images[i : i + batch_frames])[0] for i in range(0, len(images), batch_frames)])
    model.train(was_training)
    out = out.clamp(0, 1).permute(0, 2, 3, 1).to(clip.device)  # (T, H, W, C)
    return (out * 255).round().to(torch.uint8) if as_uint8 else out.to(clip.dtype)
