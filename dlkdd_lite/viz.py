"""viz.py: pictures of clips - frame grids and per-channel histograms of dark and enhanced frames.

Takes decoded uint8 clips (T, H, W, C); knows nothing about files or models.
"""

from __future__ import annotations

import numpy as np


def frame_grid(views: dict[str, np.ndarray], frames: list[int] | None = None, *, title: str | None = None):
    """Rows = views (e.g. dark, gamma, histeq), columns = frames; returns the figure.

    Args:
        views: name -> uint8 (T, H, W, C) clip; all of the same T.
        frames: frame numbers to show (default: 4 evenly spaced).
    """
    import matplotlib.pyplot as plt

    first = next(iter(views.values()))
    if frames is None:
        frames = np.linspace(0, first.shape[0] - 1, 4).round().astype(int).tolist()
    fig, axes = plt.subplots(len(views), len(frames), figsize=(1.8 * len(frames), 1.9 * len(views)), squeeze=False)
    for r, (name, clip) in enumerate(views.items()):
        clip = np.asarray(clip)
        if clip.dtype != np.uint8 or clip.ndim != 4:
            raise ValueError(f"view {name!r}: expected uint8 (T, H, W, C), got {clip.dtype} {clip.shape}")
        for c, t in enumerate(frames):
            ax = axes[r, c]
            ax.imshow(clip[t])
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(f"{name}\nmean {clip.mean() / 255:.2f}", fontsize=8)
            if r == 0:
                ax.set_title(f"frame {t}", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def channel_histograms(views: dict[str, np.ndarray], *, bins: int = 64):
    """One panel per view: the R, G and B histograms of all its pixels (log counts)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(views), figsize=(3.2 * len(views), 2.6), squeeze=False, sharey=True)
    for ax, (name, clip) in zip(axes[0], views.items()):
        for ch, colour in enumerate(("red", "green", "blue")):
            ax.hist(
                np.asarray(clip)[..., ch].ravel(),
                bins=bins,
                range=(0, 255),
                histtype="step",
                color=colour,
                label=colour[0].upper(),
            )
        ax.set(title=name, xlabel="pixel value", xlim=(0, 255), yscale="log")
    axes[0, 0].set_ylabel("count")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig
