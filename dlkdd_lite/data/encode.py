"""encode.py: writing videos (H.264 mp4) with PyAV; the only module that imports ``av``.

Used by the generator of the quick-tier data and by tests that need real files. Knows nothing
about datasets. Decoding lives in video.py.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from dlkdd_lite.runtime.atomic import atomic_path


def write_video(
    path: str | os.PathLike, frames: np.ndarray, fps: int, *, lossless: bool = False, crf: int = 20
) -> None:
    """Encode RGB frames as an H.264 ``.mp4`` with libx264, atomically.

    Args:
        path: output file; its folder is created. Written to a temporary file first and renamed,
            so an interrupted write never leaves a half file under ``path``.
        frames: uint8 (T, H, W, 3) RGB, H and W even (4:2:0 chroma needs even sizes).
        fps: frames per second, >= 1.
        lossless: ``True`` writes libx264rgb at qp 0 (bit-exact RGB round trip, for tests);
            ``False`` writes ordinary yuv420p at ``crf`` (what cameras and ARID's clips use).
        crf: x264 constant rate factor for lossy files (lower = better quality).

    The encoder runs single-threaded and without SIMD so that the same frames always give the same bytes.
    """
    import av

    path = Path(path)
    frames = np.asarray(frames)
    if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3 or frames.shape[0] < 1:
        raise ValueError(
            f"write_video({path}): expected uint8 frames (T>=1, H, W, 3), got {frames.dtype} {frames.shape}"
        )
    height, width = frames.shape[1:3]
    if height % 2 or width % 2:
        raise ValueError(f"write_video({path}): height and width must be even, got {height}x{width}")
    if int(fps) < 1:
        raise ValueError(f"write_video({path}): fps must be >= 1, got {fps}")

    with atomic_path(path) as tmp:
        # bitexact: no library version strings in the file, so the bytes do not depend on which
        # FFmpeg build (PyAV's or decord's) the process happened to load first.
        with av.open(str(tmp), mode="w", format="mp4", options={"fflags": "+bitexact"}) as container:
            codec = "libx264rgb" if lossless else "libx264"
            stream = container.add_stream(codec, rate=Fraction(int(fps), 1))
            stream.width, stream.height = width, height
            stream.pix_fmt = "rgb24" if lossless else "yuv420p"
            stream.codec_context.thread_count = 1
            stream.codec_context.options = {"flags": "+bitexact"}
            # asm=0: x264's SIMD code gave different bytes for the same frames from run to run on an
            # AVX-512 CPU (2026-11-25); plain C is deterministic, and fast enough for small clips.
            quality = {"qp": "0"} if lossless else {"crf": str(crf), "preset": "veryfast"}
            stream.options = {**quality, "x264-params": "asm=0"}
            for image in frames:
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():  # flush delayed frames
                container.mux(packet)
