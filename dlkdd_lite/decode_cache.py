"""decode_cache.py: whole videos decoded (and enhanced) once per process and kept in memory for datasets.

Owns the in-memory cache, decoding at a short side (the decoder scales) and the channel-planar layout
that lets a dataset copy a crop out in the model's layout. Knows nothing about clips, labels or batches.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from dlkdd_lite.video import read_clip, video_frame_size

# Decoded videos shared by every cached dataset in this process, keyed by file identity and size:
# notebook 04 trains six models on the same clips, and decoding dominates the quick tier's time.
# Each is a (T, H, W, C) view of channel-planar memory (C, T, H, W): a clip's crop then comes out
# in the model's layout in one copy (see planar).
_DECODED: dict[tuple, np.ndarray] = {}


def clear_decode_cache() -> None:
    """Forget the decoded videos kept by datasets built with ``cache=True``."""
    _DECODED.clear()


def file_key(path: str | os.PathLike) -> tuple:
    """A file's identity for the caches: resolved path, size and modification time (a rewritten file is new)."""
    stat = Path(path).stat()
    return str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns


def decode_whole(path: Path, short_side: int | None) -> np.ndarray:
    """Every frame of ``path`` (at ``short_side``), decoded once per process: uint8 (T, H, W, C), planar."""
    key = (*file_key(path), short_side)
    if key not in _DECODED:
        _DECODED[key] = planar(read_clip(path, size=decode_size(path, short_side)))
    return _DECODED[key]


def planar(frames: np.ndarray) -> np.ndarray:
    """uint8 (T, H, W, C) -> the same values as a (T, H, W, C) view of C-contiguous (C, T, H, W) memory."""
    return np.ascontiguousarray(np.moveaxis(frames, -1, 0)).transpose(1, 2, 3, 0)


def enhance_whole(path: Path, frames: np.ndarray, enhance, enhancer_key: tuple, disk, video_id: str) -> np.ndarray:
    # Whole videos are enhanced once: Zero-DCE is costly, and it sees whole frames as it would in use.
    key = (*file_key(path), enhancer_key)
    if key not in _DECODED:
        make = lambda: enhance(torch.from_numpy(np.asarray(frames))).numpy()  # noqa: E731
        _DECODED[key] = planar(np.asarray(disk.load_or_make(video_id, make) if disk is not None else make()))
    return _DECODED[key]


def short_side_size(h: int, w: int, short_side: int) -> tuple[int, int]:
    """``(H', W')``: ``(h, w)`` scaled so that the shorter side is ``short_side`` pixels."""
    scale = short_side / min(h, w)
    return max(short_side, round(h * scale)), max(short_side, round(w * scale))


def decode_size(path: Path, short_side: int | None) -> tuple[int, int] | None:
    """The ``size`` to decode ``path`` at for ``short_side`` (``read_clip``: the decoder scales the
    frames, about twice as fast as decoding them whole and resizing), or None to keep its own."""
    if short_side is None:
        return None
    h, w = video_frame_size(path)
    size = short_side_size(h, w, short_side)
    return None if size == (h, w) else size


def resize_short_side(frames: torch.Tensor, short_side: int) -> torch.Tensor:
    """uint8 (T, H, W, C) -> uint8 (T, H', W', C) with min(H', W') = short_side (bilinear, antialiased).

    For frames already decoded (``dlkdd prepare``); datasets let the decoder scale (``decode_size``).
    """
    t, h, w, c = frames.shape
    size = short_side_size(h, w, short_side)
    if size == (h, w):
        return frames
    x = frames.permute(0, 3, 1, 2).float()  # (T, C, H, W)
    x = F.interpolate(x, size=size, mode="bilinear", antialias=True, align_corners=False)
    return x.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous()
