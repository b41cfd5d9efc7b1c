"""sampling.py: which frames of a video make a clip.

Pure functions of frame counts and random draws (uniform numbers, or a torch generator); knows nothing
about files or decoding.
"""

from __future__ import annotations

import numpy as np
import torch

from dlkdd_lite.config import SAMPLINGS as STRATEGIES  # "dense", "segment"


def sample_frame_indices(
    video_frames: int,
    num_frames: int,
    *,
    frame_stride: int = 1,
    strategy: str = "dense",
    train: bool = True,
    clip_index: int = 0,
    num_clips: int = 1,
    generator: torch.Generator | None = None,
    draws: np.ndarray | None = None,
) -> np.ndarray:
    """Pick ``num_frames`` frame numbers from a video of ``video_frames`` frames.

    Two strategies, as in the action-recognition literature:

    - ``"dense"`` (C3D/R(2+1)D style): ``num_frames`` frames ``frame_stride`` apart. Training picks a
      random start (temporal jitter); evaluation places ``num_clips`` windows evenly over the video
      and returns window ``clip_index`` (the torchvision reference's uniform clip sampling).
    - ``"segment"`` (TSN style): the video is cut into ``num_frames`` equal segments and one frame
      is taken from each: a random one in training, the middle one in evaluation
      (``clip_index`` shifts it within the segment when ``num_clips > 1``).

    Videos shorter than a window are looped, so the result always has ``num_frames`` entries.

    Training's randomness comes from ``draws``, uniform numbers in [0, 1) (the start takes the first,
    the segment offsets the first ``num_frames``; ``rng.clip_uniforms`` makes them for datasets), or
    else from ``generator`` (torch's default generator when both are None).

    Returns:
        int64 array (num_frames,) with values in ``[0, video_frames)``, non-decreasing unless looped.
    """
    if video_frames < 1:
        raise ValueError(f"video_frames must be >= 1, got {video_frames}")
    if num_frames < 1 or frame_stride < 1:
        raise ValueError(f"num_frames and frame_stride must be >= 1, got {num_frames}, {frame_stride}")
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown sampling strategy {strategy!r}; expected one of {STRATEGIES}")
    if not 0 <= clip_index < num_clips:
        raise ValueError(f"clip_index {clip_index} not in [0, num_clips={num_clips})")

    need = num_frames if strategy == "segment" else 1  # uniform draws a training clip takes
    if train and draws is None:
        draws = torch.rand(need, generator=generator, dtype=torch.float64).numpy()
    if train and len(draws) < need:
        raise ValueError(f"{strategy} sampling of {num_frames} frames takes {need} draws, got {len(draws)}")

    if strategy == "dense":
        indices = _dense_indices(video_frames, num_frames, frame_stride, train, clip_index, num_clips, draws)
    else:
        indices = _segment_indices(video_frames, num_frames, train, clip_index, num_clips, draws)
    return np.mod(indices.astype(np.int64), video_frames)  # loop short videos


def _dense_indices(
    video_frames: int, num_frames: int, frame_stride: int, train: bool, clip_index: int, num_clips: int, draws
) -> np.ndarray:
    """``num_frames`` frames ``frame_stride`` apart from a random start (train) or window ``clip_index``."""
    span = (num_frames - 1) * frame_stride + 1
    slack = max(video_frames - span, 0)
    if train:
        start = min(int(draws[0] * (slack + 1)), slack)  # uniform in [0, slack]
    else:
        start = round(slack * (clip_index + 0.5) / num_clips) if num_clips > 1 else slack // 2
    return start + np.arange(num_frames) * frame_stride


def _segment_indices(
    video_frames: int, num_frames: int, train: bool, clip_index: int, num_clips: int, draws
) -> np.ndarray:
    """One frame from each of ``num_frames`` equal segments: at the draws (train) or the middle (shifted)."""
    edges = np.linspace(0, video_frames, num_frames + 1)
    if train:
        offsets = np.asarray(draws[:num_frames])
    else:
        offsets = np.full(num_frames, (clip_index + 0.5) / num_clips)
    return np.floor(edges[:-1] + offsets * (edges[1:] - edges[:-1]))  # float, not yet looped
