"""video.py: decoding. The only module that imports decord (the ``decord2`` distribution).

Owns turning a video file into uint8 frames; knows nothing about labels, sampling or tensors'
later life. To swap the decoder (PyAV, torchcodec, ...), change only this file.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np


class VideoReadError(RuntimeError):
    """A video file is missing, cannot be opened or cannot return the frames asked for."""


def _open(path: Path, size: tuple[int, int] | None = None):
    # torch must be loaded before decord: decord2 3.4 imported first makes torch's CPU kernels
    # crash (segfault, with "[NVBLAS] CPU Blas library need to be provided") on CUDA builds of
    # torch. Imported here, not at module level, so that importing dlkdd_lite loads no decoder.
    import torch  # noqa: F401, I001  (order matters, see above)
    import decord

    if not path.is_file():
        raise VideoReadError(f"video not found: {path}")
    try:
        # num_threads=1: clips are small and DataLoader workers already run in parallel. A size makes
        # decord scale each frame as it is decoded (FFmpeg's scale filter: bicubic by default).
        height, width = size if size is not None else (-1, -1)
        return decord.VideoReader(str(path), num_threads=1, width=width, height=height)
    except Exception as err:  # decord raises its own DECORDError for damaged files
        raise VideoReadError(f"cannot decode video {path}: {err}") from err


def video_num_frames(path: str | os.PathLike) -> int:
    """Number of frames decord reports for ``path``."""
    return len(_open(Path(path)))


def video_fps(path: str | os.PathLike) -> float:
    """The average frame rate the container reports (0.0 when it reports none)."""
    return float(_open(Path(path)).get_avg_fps())


def video_frame_size(path: str | os.PathLike) -> tuple[int, int]:
    """``(height, width)`` of the video's frames, from the container's header (nothing is decoded)."""
    import av

    path = Path(path)
    if not path.is_file():
        raise VideoReadError(f"video not found: {path}")
    try:
        with av.open(str(path)) as container:
            codec = container.streams.video[0].codec_context
            return codec.height, codec.width
    except Exception as err:
        raise VideoReadError(f"cannot read the frame size of {path}: {err}") from err


# Frame widths decord failed on in this process (each warned about once).
_PYAV_WIDTHS: set[int] = set()


def read_clip(path: str | os.PathLike, indices=None, *, size: tuple[int, int] | None = None) -> np.ndarray:
    """Decode the frames ``indices`` (all frames when None) of a video.

    Args:
        path: a video file decodable by FFmpeg (mp4, avi, ...).
        indices: frame numbers in ``[0, num_frames)``; repeats and any order are allowed.
        size: ``(height, width)`` to decode at: the decoder scales each frame (FFmpeg's bicubic
            scaler), which costs less than decoding full frames and resizing them afterwards.

    Returns:
        uint8 numpy array (T, H, W, C) with C = 3 (RGB), exactly what decord returns.

    Raises:
        VideoReadError: the file is missing, damaged, or an index is out of range.
    """
    path = Path(path)
    if size is not None and (len(size) != 2 or min(size) < 1):
        raise ValueError(f"size must be (height, width) in pixels, got {size!r}")
    reader = _open(path, None if size is None else (int(size[0]), int(size[1])))
    n = len(reader)
    if indices is None:
        indices = range(n)
    indices = [int(i) for i in indices]
    if not indices:
        raise ValueError(f"no frame indices given for {path}; expected at least one")
    bad = [i for i in indices if not 0 <= i < n]
    if bad:
        raise VideoReadError(f"frame indices {bad[:5]} out of range for {path} ({n} frames)")
    try:
        frames = reader.get_batch(indices).asnumpy()
    except Exception as err:
        # decord2 3.4 fails on some frame widths (16, 32, 48, 96 px seen) on CPUs with AVX-512
        # ("DECORDArrayCopyFromTo: The size must exactly match"); PyAV decodes them.
        try:
            frames = _read_with_pyav(path, indices, size)
        except Exception as fallback:
            raise VideoReadError(
                f"cannot decode frames {indices[:5]}... of {path}: {err}; PyAV failed too: {fallback}"
            ) from err
        width = frames.shape[2]
        if width not in _PYAV_WIDTHS:  # once per width and process: every video of that width fails alike
            _PYAV_WIDTHS.add(width)
            warnings.warn(f"decord could not decode {path} ({str(err).splitlines()[0][:120]}); decoding "
                          f"{width}-pixel-wide videos with PyAV (said once per width)", stacklevel=2)  # fmt: skip
    assert frames.dtype == np.uint8 and frames.ndim == 4, frames.shape  # (T, H, W, C)
    return frames


def _read_with_pyav(path: Path, indices: list[int], size: tuple[int, int] | None = None) -> np.ndarray:
    """Frames ``indices`` decoded with PyAV (in order, the whole video up to the last one), RGB uint8,
    scaled to ``size`` (height, width) with FFmpeg's bicubic scaler, as decord scales."""
    import av
    from av.video.reformatter import VideoReformatter

    scale = {} if size is None else {"height": size[0], "width": size[1], "interpolation": "BICUBIC"}
    # One converter for the whole video: frame.to_ndarray(format=...) builds FFmpeg's scaler anew for
    # every frame, which took two thirds of the time on small videos (same pixels either way, tested).
    rgb = VideoReformatter()
    wanted, last, frames = set(indices), max(indices), {}
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number in wanted:
                frames[number] = rgb.reformat(frame, format="rgb24", **scale).to_ndarray()  # (H, W, 3)
            if number >= last:
                break
    missing = sorted(wanted - set(frames))
    if missing:
        raise VideoReadError(f"PyAV decoded no frame {missing[:5]} of {path}")
    return np.stack([frames[i] for i in indices])
