"""frames.py: pictures of clips - frame grids, per-channel histograms, and where an enhancer sends each level.

Takes decoded uint8 clips (T, H, W, C); knows nothing about files or models.
"""

from __future__ import annotations

import numpy as np


def frame_grid(
    views: dict[str, np.ndarray], frames: list[int] | None = None, *, title: str | None = None, panel: float = 1.3
):
    """Rows = views (e.g. dark, gamma, histeq), columns = frames; returns the figure.

    Args:
        views: name -> uint8 (T, H, W, C) clip; all of the same T.
        frames: frame numbers to show (default: 4 evenly spaced).
        panel: width of one frame in inches (the saved notebook grows with its square).
    """
    import matplotlib.pyplot as plt

    first = next(iter(views.values()))
    if frames is None:
        frames = np.linspace(0, first.shape[0] - 1, 4).round().astype(int).tolist()
    size = (panel * len(frames) + 0.4, (panel + 0.1) * len(views) + 0.4)
    # constrained layout: the title clears the frame labels
    fig, axes = plt.subplots(len(views), len(frames), figsize=size, squeeze=False, layout="constrained")
    for r, (name, clip) in enumerate(views.items()):
        clip = _check_view(name, clip)
        for c, t in enumerate(frames):
            ax = axes[r, c]
            ax.imshow(clip[t])
            ax.set(xticks=[], yticks=[])
            if c == 0:
                ax.set_ylabel(f"{name}\nmean {clip.mean() / 255:.2f}", fontsize=8)
            if r == 0:
                ax.set_title(f"frame {t}", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def frame_row(views: dict[str, np.ndarray], frame: int | None = None, *, title: str | None = None):
    """One frame (default: the middle one) of each view side by side, named; returns the figure."""
    import matplotlib.pyplot as plt

    first = next(iter(views.values()))
    frame = first.shape[0] // 2 if frame is None else frame
    fig, axes = plt.subplots(1, len(views), figsize=(1.9 * len(views), 2.3), squeeze=False, layout="constrained")
    for ax, (name, clip) in zip(axes[0], views.items()):
        clip = _check_view(name, clip)
        ax.imshow(clip[frame])
        ax.set(xticks=[], yticks=[])
        ax.set_title(f"{name}\nmean {clip.mean() / 255:.2f}", fontsize=8)
    fig.suptitle(title or f"frame {frame}", fontsize=10)
    return fig


def _check_view(name: str, clip) -> np.ndarray:
    clip = np.asarray(clip)
    if clip.dtype != np.uint8 or clip.ndim != 4:
        raise ValueError(f"view {name!r}: expected uint8 (T, H, W, C), got {clip.dtype} {clip.shape}")
    return clip


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
        ax.set(title=name, xlabel="pixel value (0-255)", xlim=(0, 255), yscale="log")
    axes[0, 0].set_ylabel("pixels (log scale)")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_level_mapping(dark: np.ndarray, views: dict[str, np.ndarray], *, max_level: int = 96):
    """Where each enhancer sends each input level: one panel per view, a 2-D histogram of
    (dark level, enhanced level) over all pixels of a clip.

    A global curve (gamma, histogram equalisation) draws a thin line: every pixel of one input level
    gets the same output. A spatially varying enhancer (Zero-DCE) draws a band. ``dark`` and each view
    are uint8 (T, H, W, C) clips of the same frames; the x axis stops at ``max_level``, where dark clips end.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    fig, axes = plt.subplots(1, len(views), figsize=(3.1 * len(views), 3.1), layout="constrained", squeeze=False)
    x = np.asarray(dark).reshape(-1)
    for ax, (name, view) in zip(axes[0], views.items()):
        y = np.asarray(view).reshape(-1)
        keep = x <= max_level
        *_, image = ax.hist2d(x[keep], y[keep], bins=[max_level + 1, 128], range=[[0, max_level + 1], [0, 256]],
                              cmap="viridis", norm=LogNorm())  # fmt: skip
        ax.set(title=name, xlabel="dark pixel value (0-255)", ylabel="enhanced pixel value (0-255)")
    fig.colorbar(image, ax=axes[0, -1], label="pixels (log scale)")
    fig.suptitle("Where each enhancer sends each dark level (all pixels of one clip)", fontsize=10)
    return fig
