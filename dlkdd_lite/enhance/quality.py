"""quality.py: no-reference numbers for comparing enhancers: brightness, clipping, noise.

Pure functions of uint8 clips (T, H, W, C); knows nothing about how the clips were made.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

# Immerkaer (1996), "Fast Noise Variance Estimation": a Laplacian-difference kernel that cancels
# smooth image structure, so what remains is mostly noise.
_IMMERKAER = torch.tensor([[1.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 1.0]])


def quality_stats(clip) -> dict[str, float]:
    """``{"mean_brightness", "clipped_fraction", "noise_sigma"}`` of a uint8 clip (T, H, W, C).

    mean_brightness: mean pixel value in [0, 1]; clipped_fraction: share of pixel values at 255;
    noise_sigma: Immerkaer's estimate of the noise standard deviation of the luminance, in [0, 1] units.
    """
    clip = torch.as_tensor(np.asarray(clip))
    if clip.dtype != torch.uint8 or clip.ndim != 4:
        raise ValueError(f"quality_stats expects a uint8 clip (T, H, W, C), got {clip.dtype} {tuple(clip.shape)}")
    x = clip.float() / 255
    luma = x.mean(-1, keepdim=True).permute(0, 3, 1, 2)  # (T, 1, H, W)
    response = F.conv2d(luma, _IMMERKAER.view(1, 1, 3, 3))
    h, w = luma.shape[-2:]
    sigma = float(np.sqrt(np.pi / 2) * response.abs().sum().item() / (6 * (w - 2) * (h - 2) * luma.shape[0]))
    return {
        "mean_brightness": x.mean().item(),
        "clipped_fraction": (clip == 255).float().mean().item(),
        "noise_sigma": sigma,
    }
