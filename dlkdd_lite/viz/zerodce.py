"""zerodce.py: figures of what Zero-DCE learns (notebook 02b): its training losses, read from its
``metrics.csv``, and its curve maps on one frame. Takes results files and tensors; trains nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

# metrics.csv name -> (panel title, what the loss measures); zerodce_train.zero_reference_losses computes them.
ZERODCE_LOSSES = {
    "loss": ("total", "the weighted sum it minimises"),
    "exposure": ("exposure", "16 x 16 patches' mean vs 0.6"),
    "spatial": ("spatial consistency", "local contrast vs the input's"),
    "colour": ("colour constancy", "gaps between channel means"),
    "smoothness": ("illumination smoothness", "total variation of the curve maps"),
}


def plot_zerodce_losses(metrics: pd.DataFrame, *, window: int = 10):
    """One named panel per zero-reference loss over training steps (rolling mean of ``window`` steps).

    ``metrics`` is Zero-DCE's ``metrics.csv`` (``step, metric, value``). Returns the figure.
    """
    import matplotlib.pyplot as plt

    wide = metrics.pivot(index="step", columns="metric", values="value").rolling(window, min_periods=1).mean()
    names = [n for n in ZERODCE_LOSSES if n in wide.columns]
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names), 2.7), layout="constrained")
    for ax, name in zip(np.atleast_1d(axes), names):
        title, meaning = ZERODCE_LOSSES[name]
        ax.plot(wide.index, wide[name], color="black" if name == "loss" else "tab:blue")
        ax.set_title(f"{title}\n({meaning})", fontsize=8)
        ax.set(xlabel="training step", ylabel="loss (no unit)")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Zero-DCE's zero-reference losses while training (rolling mean over {window} steps)", fontsize=10)
    return fig


def plot_curve_maps(dark: torch.Tensor, enhanced: torch.Tensor, maps: torch.Tensor, *, display_gamma: float = 2.5):
    """Three named panels for one frame: the dark input, Zero-DCE's output, and how hard it pushes where.

    Args:
        dark, enhanced: float (3, H, W) in [0, 1].
        maps: float (24, H, W), DCE-Net's eight curve maps r (three channels each) in [-1, 1].
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2), layout="constrained")
    axes[0].imshow(dark.permute(1, 2, 0).pow(1 / display_gamma).numpy())  # (H, W, C)
    axes[0].set_title(f"dark input\n(shown brightened by gamma {display_gamma})", fontsize=9)
    axes[1].imshow(enhanced.permute(1, 2, 0).clamp(0, 1).numpy())
    axes[1].set_title("Zero-DCE output\n(as is)", fontsize=9)
    strength = maps.abs().mean(0).numpy()  # (H, W)
    image = axes[2].imshow(strength, cmap="magma")
    axes[2].set_title("curve strength\nmean |r| over the 8 curves", fontsize=9)
    fig.colorbar(image, ax=axes[2], shrink=0.85, label="mean |r| (0: unchanged)")
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    return fig
