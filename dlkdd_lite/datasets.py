"""datasets.py: a dark-video dataset (ARID v1.0, V1.5, Dark-48, generated) yielding dark and enhanced views.

Owns split lists -> decoded frames -> aligned (dark, enhanced) tensors. Knows nothing about
models or training loops. Both views always come from the same frame indices and the same crop.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import BatchSampler, DataLoader, Dataset, Sampler, SequentialSampler, get_worker_info

from dlkdd_lite.decode_cache import decode_size, decode_whole, enhance_whole, file_key
from dlkdd_lite.enhance import build_enhancer, enhancer_weights_file
from dlkdd_lite.enhanced_cache import EnhancedCache
from dlkdd_lite.progress import tqdm
from dlkdd_lite.registry import detect_layout, read_class_index
from dlkdd_lite.rng import clip_uniforms
from dlkdd_lite.sampling import sample_frame_indices
from dlkdd_lite.splits import read_split_file, resolve_videos
from dlkdd_lite.video import VideoReadError, read_clip, video_num_frames

# Per-channel RGB statistics in [0, 1], chosen explicitly by RunConfig.norm. ARID v1.0's and V1.5's are
# published by ARID's authors (github.com/xuyu0010/ARID_v1, network/config.py; V1.5's unconfirmed, see
# dlkdd_lite/data/datasets.json).
NORM_STATS = {
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    "arid": ((0.079612, 0.073888, 0.072454), (0.100459, 0.09705, 0.089911)),
    "arid1.5": ((0.0513, 0.0454, 0.0437), (0.0790, 0.0749, 0.0695)),
    "none": ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0)),
}


def _as_slice(indices: np.ndarray) -> slice | np.ndarray:
    """Evenly spaced increasing frame numbers as a slice (indexing then makes a view, not a copy)."""
    step = int(indices[1] - indices[0]) if len(indices) > 1 else 1
    if step > 0 and np.array_equal(indices, indices[0] + step * np.arange(len(indices))):
        return slice(int(indices[0]), int(indices[-1]) + 1, step)
    return indices


class DarkVideoDataset(Dataset):
    """Clips of a dataset folder (``<clips>/<Class>/<file>`` plus a split list), any of the kit's layouts.

    ``root`` is the dataset folder; where its clips are and which classes it has come from
    ``registry.detect_layout`` (the manifest ``dlkdd download`` writes, or the files). ``classes``
    overrides the label ids (default: ``classInd.txt`` beside the list, else the dataset's).
    ``norm`` picks the statistics explicitly: ``"arid"``/``"arid1.5"`` (published by ARID's
    authors), ``"imagenet"`` or ``"none"``.

    Each sample is ``{"dark": (C, T, H, W) float, "enhanced": (C, T, H, W) float, "label": int,
    "video_id": str}``: both views normalised with the same statistics, taken from the same
    frames and crop. ``views`` keeps only some of them (e.g. ``("dark",)`` for a model that sees
    only dark clips): the others are neither enhanced, copied nor normalised. A list of indices
    gives a whole batch (``batch_loader``). In training mode one random clip per video is drawn
    (temporal jitter, random crop, horizontal flip); in evaluation mode every video yields
    ``num_clips`` evenly spaced clips with a centre crop, so that video-level accuracy can average them.

    Randomness is a pure function of (seed, epoch, index): the same clip comes out whatever the
    number of worker processes. Call ``set_epoch`` once per epoch.

    With ``cache=True`` every video is decoded and enhanced once per process (shared by all
    datasets, see ``decode_cache.clear_decode_cache``); use ``cache=False`` for datasets that do not fit in
    memory. ``enhanced_cache`` (a folder) keeps enhanced whole videos on disk, keyed by the
    enhancer's configuration, for expensive enhancers: computed once, then memory-mapped.

    ``reuse_buffers = n`` (an attribute, 0 by default) writes whole batches built in this process into
    a ring of ``n`` buffers instead of fresh memory, so batch k's tensors are overwritten by batch
    k + n. A training loop that is done with each batch before it asks for the next but one can use
    it (``fit`` does, with ``n = 2``, on the CPU without worker processes): fresh memory is cold, and
    writing a batch into it took 2-3 times as long as into a buffer used two steps before.
    """

    def __init__(
        self,
        root: str | os.PathLike,
        split_file: str | os.PathLike,
        *,
        train: bool,
        num_frames: int = 8,
        frame_stride: int = 2,
        sampling: str = "dense",
        crop_size: int = 56,
        short_side: int | None = None,
        num_clips: int = 1,
        enhancer: str = "gamma",
        gamma: float = 1.8,
        enhancer_weights: str | None = None,
        enhanced_cache: str | os.PathLike | None = None,
        norm: str = "imagenet",
        classes: tuple[str, ...] | None = None,
        cache: bool = True,
        seed: int = 0,
        progress: bool = True,
        views: tuple[str, ...] = ("dark", "enhanced"),
    ) -> None:
        if not views or not set(views) <= {"dark", "enhanced"}:
            raise ValueError(f"views must be a non-empty subset of ('dark', 'enhanced'), got {views!r}")
        self.views = tuple(v for v in ("dark", "enhanced") if v in views)
        if norm not in NORM_STATS:
            raise ValueError(f"unknown normalisation {norm!r}; expected one of {tuple(NORM_STATS)}")
        self.root, self.train = Path(root), train
        layout = detect_layout(root)
        self.clips_dir = layout.clips_dir
        if classes is None:
            index = Path(split_file).parent / "classInd.txt"
            classes = read_class_index(index) if index.is_file() else layout.classes
        self.num_frames, self.frame_stride, self.sampling = num_frames, frame_stride, sampling
        self.crop_size, self.short_side = crop_size, short_side
        self.num_clips = 1 if train else num_clips
        self.enhance, self.disk, enhancer_key = None, None, None  # set up only where a view is enhanced
        if "enhanced" in self.views:
            self.enhance = build_enhancer(enhancer, gamma=gamma, weights=enhancer_weights)
            weights_file = enhancer_weights_file(enhancer, enhancer_weights)
            weights_key = file_key(weights_file) if weights_file else None
            # short_side's frames come scaled by the decoder: a cache of frames resized otherwise is not reused
            enhancer_key = (enhancer, gamma, weights_key, short_side, "decoder" if short_side else None)
            if enhanced_cache is not None:
                keys = ("enhancer", "gamma", "weights", "short_side", "scaled_by")
                self.disk = EnhancedCache(enhanced_cache, dict(zip(keys, enhancer_key)))
        mean, std = NORM_STATS[norm]
        self.mean = torch.tensor(mean).view(3, 1, 1, 1)  # (C, 1, 1, 1)
        self.std = torch.tensor(std).view(3, 1, 1, 1)
        # [0, 255] -> normalised in one multiply-add: (x / 255 - mean) / std = x * scale + shift
        self.scale, self.shift = 1 / (255 * self.std), -self.mean / self.std  # (C, 1, 1, 1)
        self.classes, self.seed, self.epoch = classes, seed, 0
        self._draws_key, self._draws_table = None, None  # the training draws of (seed, epoch), see _draws
        self.reuse_buffers, self._rings = 0, {}  # see the class docstring and _batch_buffers
        self._sizes: dict[int, tuple[int, int] | None] = {}  # per video: decode_size, when streaming

        entries = read_split_file(split_file, classes)
        resolved = resolve_videos(self.clips_dir, [e.relpath for e in entries])
        paths = [resolved[e.relpath] for e in entries]
        missing = [e.relpath for e, p in zip(entries, paths) if p is None]
        if missing:
            raise FileNotFoundError(
                f"{len(missing)} of {len(entries)} clips listed in {split_file} are not under "
                f"{self.clips_dir}, e.g. {missing[:3]}; expected <clips>/<Class>/<file> "
                f"(`dlkdd verify NAME --root {self.root}` lists what is missing)"
            )
        self.videos: list[tuple[Path, int, str]] = []  # (path, label, video_id)
        self.frames: list[np.ndarray] = []  # decoded videos when cached, (T, H, W, C) uint8
        self.enhanced: list[np.ndarray] = []  # their enhanced versions, likewise
        self.lengths: list[int] = []
        self.skipped: list[str] = []
        desc = f"{'decoding' if cache else 'probing'} {Path(split_file).name}"
        for entry, path in zip(tqdm(entries, desc=desc, disable=not progress, leave=False), paths):
            try:
                if cache:
                    frames = decode_whole(path, short_side)
                    if self.enhance is not None:  # the enhancer's work only where a view needs it
                        self.enhanced.append(
                            enhance_whole(path, frames, self.enhance, enhancer_key, self.disk, entry.video_id)
                        )
                    self.frames.append(frames)
                    self.lengths.append(frames.shape[0])
                else:
                    self.lengths.append(video_num_frames(path))
            except VideoReadError as err:
                self.skipped.append(str(path))
                warnings.warn(f"skipping unreadable video: {err}", stacklevel=2)
                continue
            self.videos.append((path, entry.label, entry.video_id))
        if self.skipped:
            warnings.warn(
                f"{len(self.skipped)} of {len(entries)} videos in {split_file} were unreadable and skipped",
                stacklevel=2,
            )
        if not self.videos:
            raise ValueError(f"no readable videos in {split_file} under {self.root}")

    def __len__(self) -> int:
        return len(self.videos) * self.num_clips

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    @property
    def labels(self) -> list[int]:
        return [label for _, label, _ in self.videos]

    def __getitem__(self, index: int | list[int]) -> dict:
        """One sample, or with a list of indices one batch: ``{view: (B, C, T, H, W), "label": (B,)
        int64, "video_id": [str] * B}``, what ``default_collate`` makes of those samples, value for value
        (see ``batch_loader``)."""
        batch = list(index) if isinstance(index, list) else [index]
        x = self._batch_buffers(len(batch), reuse=isinstance(index, list))  # {view: (B, C, T, S, S)}
        labels, video_ids = [], []
        draws = self._draws(batch)
        for i, item in enumerate(batch):
            label, video_id = self._fill(item, [x[view][i] for view in self.views], None if draws is None else draws[i])
            labels.append(label)
            video_ids.append(video_id)
        if isinstance(index, list):
            return {**x, "label": torch.tensor(labels, dtype=torch.int64), "video_id": video_ids}
        return {**{view: clips[0] for view, clips in x.items()}, "label": labels[0], "video_id": video_ids[0]}

    def _batch_buffers(self, size: int, *, reuse: bool) -> dict[str, torch.Tensor]:
        """Float tensors ``(size, C, T, S, S)``, one per view: fresh, or the oldest of a ring when
        ``reuse`` and ``self.reuse_buffers`` allow it in this process (never in a worker process, whose
        batches travel to the main process through shared memory)."""
        shape = (size, 3, self.num_frames, self.crop_size, self.crop_size)
        if not (reuse and self.reuse_buffers > 0 and get_worker_info() is None):
            return {view: torch.empty(shape) for view in self.views}
        ring = self._rings.setdefault(shape, [])
        if len(ring) < self.reuse_buffers:
            ring.append({view: torch.empty(shape) for view in self.views})
        else:
            ring.append(ring.pop(0))  # the oldest, now the newest
        return ring[-1]

    def _draws(self, batch: list[int]) -> np.ndarray | None:
        """The clips' uniform draws in training (rows: crop top, left, flip, then the frame sampling's), else None.

        A pure function of (seed, epoch, index) (``rng.clip_uniforms``), computed for every clip at the
        epoch's first batch: one vectorised call per epoch instead of a few per batch.
        """
        if not self.train:
            return None
        if self._draws_key != (self.seed, self.epoch):
            self._draws_table = clip_uniforms(self.seed, self.epoch, np.arange(len(self)), 3 + self.num_frames)
            self._draws_key = (self.seed, self.epoch)
        return self._draws_table[batch]

    def _fill(self, index: int, outs: list[torch.Tensor], draws: np.ndarray | None) -> tuple[int, str]:
        """Write clip ``index``'s views, normalised, into ``outs`` (each (C, T, S, S)); its label and id.

        ``draws``: the clip's uniform numbers in training (crop top, left, flip, then the frames'), else None.
        """
        video, clip_index = divmod(index, self.num_clips)
        path, label, video_id = self.videos[video]
        indices = sample_frame_indices(
            self.lengths[video], self.num_frames, frame_stride=self.frame_stride,
            strategy=self.sampling, train=self.train, clip_index=clip_index,
            num_clips=self.num_clips, draws=None if draws is None else draws[3:],
        )  # fmt: skip
        if self.frames:  # views precomputed: one crop window for all, only the crop is copied
            top, left, flip = self._crop_box(*self.frames[video].shape[1:3], draws)
            size = self.crop_size
            window = (slice(None), _as_slice(indices), slice(top, top + size), slice(left, left + size))
            source = {"dark": self.frames, "enhanced": self.enhanced}
            for out, view in zip(outs, self.views):
                crop = torch.from_numpy(source[view][video].transpose(3, 0, 1, 2)[window])  # (C, T, S, S) uint8
                self._normalise(crop.flip(-1) if flip else crop, out)  # flipped along W
            return label, video_id
        if video not in self._sizes:
            self._sizes[video] = decode_size(path, self.short_side)
        frames = torch.from_numpy(read_clip(path, indices, size=self._sizes[video]))  # (T, H, W, C) uint8
        if self.disk is not None:  # enhanced whole videos from disk
            make = lambda: self.enhance(torch.from_numpy(read_clip(path, size=self._sizes[video]))).numpy()  # noqa: E731
            whole = self.disk.load_or_make(video_id, make)
            both = torch.cat([frames, torch.from_numpy(np.asarray(whole[indices]))])  # (2T, H, W, C)
            dark, enhanced = self._crop(both, draws).chunk(2)
        else:
            dark = self._crop(frames, draws)
            enhanced = self.enhance(dark) if self.enhance is not None else None
        views = {"dark": dark, "enhanced": enhanced}
        for out, view in zip(outs, self.views):
            self._normalise(views[view].permute(3, 0, 1, 2), out)  # (C, T, S, S)
        return label, video_id

    def _crop_box(self, h: int, w: int, draws: np.ndarray | None) -> tuple[int, int, bool]:
        """(top, left, flip) of the crop shared by both views: from ``draws[:3]`` in training, centred otherwise."""
        size = self.crop_size
        if h < size or w < size:
            raise ValueError(f"frames {h}x{w} are smaller than crop_size {size}; set short_side >= crop_size")
        if draws is None:
            return (h - size) // 2, (w - size) // 2, False
        top = min(int(draws[0] * (h - size + 1)), h - size)  # uniform in [0, h - size]
        left = min(int(draws[1] * (w - size + 1)), w - size)
        return top, left, bool(draws[2] < 0.5)

    def _crop(self, frames: torch.Tensor, draws: np.ndarray | None) -> torch.Tensor:
        """One crop (and in training one flip) for the whole clip, shared by both views."""
        top, left, flip = self._crop_box(frames.shape[1], frames.shape[2], draws)
        frames = frames[:, top : top + self.crop_size, left : left + self.crop_size]
        return frames.flip(2) if flip else frames  # (T, H, W, C): W is dim 2

    def _normalise(self, clip: torch.Tensor, out: torch.Tensor) -> None:
        """(C, T, H, W) in [0, 255], uint8 or float -> ``out``, float, normalised: one multiply-add.

        Clip by clip, while the clip is still in the CPU's cache: the conversion to float is part of the
        multiply, and the add reads what was just written (a pass over the whole batch afterwards
        would read it back from memory).
        """
        torch.mul(clip, self.scale, out=out).add_(self.shift)


def batch_loader(
    dataset: Dataset, batch_size: int, *, sampler: Sampler | None = None, drop_last: bool = False, **kwargs
) -> DataLoader:
    """A DataLoader that asks ``dataset`` for whole batches (``dataset[[i, j, ...]]``) instead of clips.

    It yields what ``DataLoader(dataset, batch_size, sampler=sampler, drop_last=drop_last)`` yields,
    without the per-clip tensors and the collation copy: the dataset writes each clip straight
    into its batch (PyTorch's "disable automatic batching" mode). ``dataset`` is a
    ``DarkVideoDataset`` or a wrapper that passes lists of indices through (``Subset``,
    ``EpochView``). ``kwargs`` go to the DataLoader (workers, pinned memory, generator, ...).
    """
    sampler = SequentialSampler(dataset) if sampler is None else sampler
    kwargs.setdefault("collate_fn", _as_built)
    return DataLoader(dataset, batch_size=None, sampler=BatchSampler(sampler, batch_size, drop_last), **kwargs)


def _as_built(batch: dict) -> dict:
    """The batch as the dataset built it: already tensors, so the DataLoader's per-item conversion is skipped."""
    return batch
