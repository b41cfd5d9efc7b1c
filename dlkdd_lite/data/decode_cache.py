"""decode_cache.py: whole videos decoded (and enhanced) once, kept in memory for datasets and on disk between processes.

Owns the in-memory cache, the disk stores' use (video_store.py), decoding at a short side (the decoder
scales), decoding several videos at once, and the channel-planar layout that lets a dataset copy a crop
out in the model's layout. Knows nothing about clips, labels or batches.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from dlkdd_lite.data.video import VideoReadError, read_clip, video_frame_size
from dlkdd_lite.data.video_store import VideoStore
from dlkdd_lite.runtime.files import file_key

# Decoded videos shared by every cached dataset in this process, keyed by file identity and settings:
# notebook 04 trains several models on the same clips. Each is a (T, H, W, C) view of channel-planar
# memory (C, T, H, W): a clip's crop then comes out in the model's layout in one copy (see planar).
_DECODED: dict[tuple, np.ndarray] = {}
# Videos decoded (and enhanced) side by side, each in a thread of its own.
DECODE_THREADS = min(4, os.cpu_count() or 1)


def clear_decode_cache() -> None:
    """Forget the decoded videos kept in memory by datasets built with ``cache=True`` (the disk keeps its own)."""
    _DECODED.clear()


def decode_whole(
    path: Path, short_side: int | None, store: VideoStore | None = None, *, keep: bool = True
) -> np.ndarray:
    """Every frame of ``path`` (at ``short_side``), decoded once per process (once at all with a ``store``):
    uint8 (T, H, W, C), planar. ``keep=False`` does not keep them in this process's memory."""
    key = (*file_key(path), short_side)
    if key in _DECODED:
        return _DECODED[key]
    decode = lambda: read_clip(path, size=decode_size(path, short_side))  # noqa: E731
    frames = planar(np.asarray(store.load_or_make(path, decode) if store is not None else decode()))
    if keep:
        _DECODED[key] = frames
    return frames


def enhance_whole(path: Path, frames: np.ndarray, enhance, enhancer_key: tuple, store: VideoStore | None) -> np.ndarray:
    """``enhance`` applied to the whole decoded video ``frames`` of ``path``, once per process (once at all
    with a ``store``): Zero-DCE is costly, and it sees whole frames as it would in use."""
    key = (*file_key(path), enhancer_key)
    if key not in _DECODED:
        make = lambda: enhance(torch.from_numpy(np.asarray(frames))).numpy()  # noqa: E731
        _DECODED[key] = planar(np.asarray(store.load_or_make(path, make) if store is not None else make()))
    return _DECODED[key]


def dark_store(root: Path | None, short_side: int | None) -> VideoStore | None:
    """The disk store of decoded videos at ``short_side`` under ``root`` (None: no store)."""
    if root is None:
        return None
    return VideoStore(root, "dark", scaling_key(short_side))


def scaling_key(short_side: int | None) -> dict:
    """How frames at ``short_side`` were made, for the stores' keys: frames the decoder scaled are not
    the same as frames resized afterwards, so a store of the one is never read as the other."""
    return {"short_side": short_side, "scaled_by": "decoder" if short_side else None}


def decode_all(
    paths: list[Path], short_side: int | None, store: VideoStore | None, *, keep: bool = True, then=None
) -> Iterator[object]:
    """``decode_whole`` of each path, in order, ``DECODE_THREADS`` at a time; an unreadable video yields
    its ``VideoReadError`` instead of frames. With ``then``, each yields ``then(path, frames)``, run in
    the decoding thread: the enhancer, one torch thread per video (two small videos enhanced side by side
    on two threads took 0.6x the time of one after the other with two threads each; same pixels)."""

    def one(path: Path):
        try:
            frames = decode_whole(path, short_side, store, keep=keep)
        except VideoReadError as err:
            return err
        return frames if then is None else then(path, frames)

    threads = torch.get_num_threads()
    try:
        with ThreadPoolExecutor(DECODE_THREADS) as pool:
            if then is not None:
                torch.set_num_threads(1)  # one per video, restored however the consumer stops reading
            # a bounded window ahead of the consumer: at most a few decoded videos wait in memory
            window = DECODE_THREADS * 4
            pending = [pool.submit(one, p) for p in paths[:window]]
            for i in range(len(paths)):
                if i + window < len(paths):
                    pending.append(pool.submit(one, paths[i + window]))
                yield pending[i].result()
                pending[i] = None
    finally:
        torch.set_num_threads(threads)


def planar(frames: np.ndarray) -> np.ndarray:
    """uint8 (T, H, W, C) -> the same values as a (T, H, W, C) view of C-contiguous (C, T, H, W) memory."""
    return np.ascontiguousarray(np.moveaxis(frames, -1, 0)).transpose(1, 2, 3, 0)


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
