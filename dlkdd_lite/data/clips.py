"""clips.py: where a clip's crop goes, and taking it out of decoded frames: one routine for every path.

Pure functions of frame arrays and uniform draws; both views of a clip go through ``crop_flip`` with
the same box, so they stay aligned pixel for pixel. Knows nothing about files or datasets.
"""

from __future__ import annotations

import numpy as np
import torch


def crop_box(h: int, w: int, size: int, draws: np.ndarray | None) -> tuple[int, int, bool]:
    """``(top, left, flip)`` of a ``size`` x ``size`` crop of ``h`` x ``w`` frames: from the uniform numbers
    ``draws[:3]`` in training (any position, flip with probability 1/2), centred and unflipped otherwise."""
    if h < size or w < size:
        raise ValueError(f"frames {h}x{w} are smaller than crop_size {size}; set short_side >= crop_size")
    if draws is None:
        return (h - size) // 2, (w - size) // 2, False
    top = min(int(draws[0] * (h - size + 1)), h - size)  # uniform in [0, h - size]
    left = min(int(draws[1] * (w - size + 1)), w - size)
    return top, left, bool(draws[2] < 0.5)


def crop_flip(frames: np.ndarray, indices, box: tuple[int, int, bool], size: int) -> torch.Tensor:
    """uint8 (T', S, S, C): frames ``indices`` of ``frames`` (T, H, W, C), cropped at ``box``, flipped along W
    when it says so. A view of ``frames`` where it can be (slice indices, no flip), else a copy."""
    top, left, flip = box
    clip = torch.from_numpy(frames[as_slice(indices), top : top + size, left : left + size])
    return clip.flip(2) if flip else clip


def as_slice(indices) -> slice | np.ndarray:
    """Evenly spaced increasing frame numbers as a slice (indexing then makes a view, not a copy)."""
    if isinstance(indices, slice):
        return indices
    indices = np.asarray(indices)
    step = int(indices[1] - indices[0]) if len(indices) > 1 else 1
    if step > 0 and np.array_equal(indices, indices[0] + step * np.arange(len(indices))):
        return slice(int(indices[0]), int(indices[-1]) + 1, step)
    return indices
