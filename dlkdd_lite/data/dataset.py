"""dataset.py: a dark-video dataset (ARID v1.0, V1.5, Dark-48, generated) yielding dark and enhanced views.

Owns split lists -> decoded frames -> aligned (dark, enhanced) tensors. Knows nothing about
models or training loops. Both views always come from the same frame indices and the same crop.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset, get_worker_info

from dlkdd_lite.config import NORM_STATS, RunConfig
from dlkdd_lite.data.clips import crop_box, crop_flip
from dlkdd_lite.data.decode_cache import dark_store, decode_all, decode_size, enhance_whole, scaling_key
from dlkdd_lite.data.registry import detect_layout, read_class_index
from dlkdd_lite.data.rng import clip_uniforms
from dlkdd_lite.data.sampling import sample_frame_indices
from dlkdd_lite.data.splits import find_split_file, read_split_file, resolve_videos
from dlkdd_lite.data.video import VideoReadError, read_clip, video_num_frames
from dlkdd_lite.data.video_store import VideoStore, store_root
from dlkdd_lite.enhance.enhancers import build_enhancer, enhancer_weights_file
from dlkdd_lite.runtime.files import content_digest, file_key
from dlkdd_lite.runtime.progress import tqdm

# The RunConfig fields that decide what a dataset's clips are (from_config passes them through).
CLIP_SETTINGS = ("num_frames", "frame_stride", "sampling", "crop_size", "short_side", "enhancer", "gamma",
                 "enhancer_weights", "enhanced_cache", "norm", "cache", "seed")  # fmt: skip
_DEFAULT = RunConfig()  # the constructor's defaults are the kit's, from one place


class DarkVideoDataset(Dataset):
    """Clips of a dataset folder (``<clips>/<Class>/<file>`` plus a split list), any of the kit's layouts.

    Build one from a run's configuration with ``DarkVideoDataset.from_config(config, root, "train")``.
    ``root`` is the dataset folder; where its clips are and which classes it has come from
    ``registry.detect_layout``. ``classes`` overrides the label ids (default: ``classInd.txt`` beside
    the list, else the dataset's). ``norm`` picks the statistics (``config.NORM_STATS``).

    Each sample is ``{"dark": (C, T, H, W) float, "enhanced": (C, T, H, W) float, "label": int,
    "video_id": str}``: both views normalised alike, taken from the same frames and crop. ``views``
    keeps only some of them: the others are neither enhanced, copied nor normalised. A list of indices
    gives a whole batch (``loader.batch_loader``). In training mode one random clip per video is drawn
    (temporal jitter, random crop, horizontal flip); in evaluation mode every video yields
    ``num_clips`` evenly spaced clips with a centre crop, so that video-level accuracy can average them.
    Randomness is a pure function of (seed, epoch, index): the same clip comes out whatever the
    number of worker processes. Call ``set_epoch`` once per epoch.

    With ``cache=True`` every video is decoded and enhanced once per process and kept in memory (shared
    by all datasets, see ``decode_cache``); ``cache=False`` streams clips from the files, for datasets
    that do not fit in memory. ``enhanced_cache`` keeps whole decoded and enhanced videos on disk, so
    the next process reads them instead of decoding and enhancing again (``video_store``).

    ``reuse_buffers = n`` (an attribute, 0 by default) writes whole batches built in this process into
    a ring of ``n`` buffers, so batch k's tensors are overwritten by batch k + n: for a loop that is
    done with each batch before it asks for the next but one (``fit`` on the CPU). Fresh memory is cold;
    writing a batch into it took 2-3 times as long as into a buffer used two steps before.
    """

    def __init__(self, root: str | os.PathLike, split_file: str | os.PathLike, *, train: bool,
                 num_frames: int = _DEFAULT.num_frames, frame_stride: int = _DEFAULT.frame_stride,
                 sampling: str = _DEFAULT.sampling, crop_size: int = _DEFAULT.crop_size,
                 short_side: int | None = _DEFAULT.short_side, num_clips: int = 1, enhancer: str = _DEFAULT.enhancer,
                 gamma: float = _DEFAULT.gamma, enhancer_weights: str | None = _DEFAULT.enhancer_weights,
                 enhanced_cache: str | os.PathLike | None = _DEFAULT.enhanced_cache, norm: str = _DEFAULT.norm,
                 classes: tuple[str, ...] | None = None, cache: bool = _DEFAULT.cache, seed: int = _DEFAULT.seed,
                 progress: bool = True, views: tuple[str, ...] = ("dark", "enhanced")) -> None:  # fmt: skip
        if not views or not set(views) <= {"dark", "enhanced"}:
            raise ValueError(f"views must be a non-empty subset of ('dark', 'enhanced'), got {views!r}")
        if norm not in NORM_STATS:
            raise ValueError(f"unknown normalisation {norm!r}; expected one of {tuple(NORM_STATS)}")
        self.views = tuple(v for v in ("dark", "enhanced") if v in views)
        layout = detect_layout(root)
        self.root, self.train, self.clips_dir = Path(root), train, layout.clips_dir
        if classes is None:
            index = Path(split_file).parent / "classInd.txt"
            classes = read_class_index(index) if index.is_file() else layout.classes
        self.classes, self.seed, self.epoch = classes, seed, 0
        self.num_frames, self.frame_stride, self.sampling = num_frames, frame_stride, sampling
        self.crop_size, self.short_side, self.num_clips = crop_size, short_side, 1 if train else num_clips
        self.stores = self._open_stores(store_root(enhanced_cache, cache), cache, enhancer, gamma, enhancer_weights)
        mean, std = (torch.tensor(v).view(3, 1, 1, 1) for v in NORM_STATS[norm])  # (C, 1, 1, 1)
        # [0, 255] -> normalised in one multiply-add: (x / 255 - mean) / std = x * scale + shift
        self.scale, self.shift = 1 / (255 * std), -mean / std
        self._draws_key, self._draws_table = None, None  # the training draws of (seed, epoch), see _draws
        self.reuse_buffers, self._rings = 0, {}  # see the class docstring and _batch_buffers
        self._sizes: dict[int, tuple[int, int] | None] = {}  # per video: decode_size, when streaming
        self._load(split_file, cache, progress)

    @classmethod
    def from_config(cls, config: RunConfig, root: str | os.PathLike, subset: str, *, train: bool | None = None,
                    views: tuple[str, ...] | None = None, progress: bool = True) -> DarkVideoDataset:  # fmt: skip
        """The clips of ``root``'s official split ``config.split``, list ``subset`` (``"train"``, ``"test"``, ...),
        as a run with ``config`` sees them: in training mode for ``"train"`` (or as ``train`` says), else
        ``config.eval_clips`` clips per video; the views the role needs (``config.views``) unless ``views``
        says which. Training, evaluation, sweeps and notebooks all build their datasets here."""
        train = subset == "train" if train is None else train
        return cls(root, find_split_file(root, config.split, subset), train=train, num_clips=config.eval_clips,
                   views=views or config.views(train), progress=progress,
                   **{name: getattr(config, name) for name in CLIP_SETTINGS})  # fmt: skip

    def _open_stores(self, root: Path | None, cache: bool, enhancer: str, gamma: float, weights: str | None) -> dict:
        """Set up the enhancer (only where a view is enhanced) and the disk stores, ``{view: VideoStore}``:
        decoded videos where they are kept in memory too, enhanced ones where a view is enhanced."""
        self.enhance, self.enhancer_key = None, None
        scaled = scaling_key(self.short_side)
        if "enhanced" in self.views:
            self.enhance = build_enhancer(enhancer, gamma=gamma, weights=weights)
            weights_file = enhancer_weights_file(enhancer, weights)
            self.enhancer_key = (enhancer, gamma, file_key(weights_file) if weights_file else None, *scaled.values())
        if root is None:
            return {}
        stores = {"dark": dark_store(root, self.short_side)} if cache else {}
        if self.enhance is not None:
            weights_id = content_digest(weights_file) if weights_file else None  # the weights, wherever they are
            stores["enhanced"] = VideoStore(root, enhancer, {"gamma": gamma, "weights": weights_id, **scaled})
        return stores

    def _load(self, split_file: str | os.PathLike, cache: bool, progress: bool) -> None:
        """Find the listed videos; with ``cache``, decode (and enhance) them all now, else only count frames."""
        entries = read_split_file(split_file, self.classes)
        resolved = resolve_videos(self.clips_dir, [e.relpath for e in entries])
        paths = [resolved[e.relpath] for e in entries]
        missing = [e.relpath for e, p in zip(entries, paths) if p is None]
        if missing:
            raise FileNotFoundError(
                f"{len(missing)} of {len(entries)} clips listed in {split_file} are not under {self.clips_dir}, "
                f"e.g. {missing[:3]}; expected <clips>/<Class>/<file> (`dlkdd verify NAME --root {self.root}` "
                "lists what is missing)"
            )
        self.videos: list[tuple[Path, int, str]] = []  # (path, label, video_id)
        self.frames: list[np.ndarray] = []  # decoded videos when cached, (T, H, W, C) uint8
        self.enhanced: list[np.ndarray] = []  # their enhanced versions, likewise
        self.lengths, self.skipped = [], []
        dark = self.stores.get("dark")
        decoded = decode_all(paths, self.short_side, dark, then=self._with_enhanced) if cache else iter(())
        desc = f"{'decoding' if cache else 'probing'} {Path(split_file).name}"
        with contextlib.closing(decoded) if cache else contextlib.nullcontext():  # torch's threads restored now
            for entry, path in zip(tqdm(entries, desc=desc, disable=not progress, leave=False), paths):
                item = next(decoded, None)  # (frames, enhanced) with the cache, else None
                try:
                    if isinstance(item, Exception):
                        raise item
                    frames, enhanced = item if item is not None else (None, None)
                    if enhanced is not None:
                        self.enhanced.append(enhanced)
                    self.lengths.append(frames.shape[0] if frames is not None else video_num_frames(path))
                except VideoReadError as err:
                    self.skipped.append(str(path))
                    warnings.warn(f"skipping unreadable video: {err}", stacklevel=3)
                    continue
                self.frames += [] if frames is None else [frames]
                self.videos.append((path, entry.label, entry.video_id))
        if self.skipped:
            warnings.warn(f"{len(self.skipped)} of {len(entries)} videos in {split_file} were unreadable and "
                          "skipped", stacklevel=3)  # fmt: skip
        if not self.videos:
            raise ValueError(f"no readable videos in {split_file} under {self.root}")

    def _with_enhanced(self, path: Path, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """``(frames, their enhanced version)``, None for the latter where no view is enhanced."""
        if self.enhance is None:
            return frames, None
        return frames, enhance_whole(path, frames, self.enhance, self.enhancer_key, self.stores.get("enhanced"))

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
        (see ``loader.batch_loader``)."""
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
        views = self._cached_views if self.frames else self._streamed_views
        clips = views(video, indices, draws)
        for out, view in zip(outs, self.views):
            self._normalise(clips[view].permute(3, 0, 1, 2), out)  # (T, S, S, C) -> (C, T, S, S)
        return label, video_id

    def _cached_views(self, video: int, indices: np.ndarray, draws: np.ndarray | None) -> dict[str, torch.Tensor]:
        """The clip's views, cropped out of the videos kept in memory (views of them where possible)."""
        box = crop_box(*self.frames[video].shape[1:3], self.crop_size, draws)
        source = {"dark": self.frames, "enhanced": self.enhanced}
        return {view: crop_flip(source[view][video], indices, box, self.crop_size) for view in self.views}

    def _streamed_views(self, video: int, indices: np.ndarray, draws: np.ndarray | None) -> dict[str, torch.Tensor]:
        """The clip's views, decoded from the file now; enhanced whole videos come from the disk store if any."""
        path = self.videos[video][0]
        if video not in self._sizes:
            self._sizes[video] = decode_size(path, self.short_side)
        frames = read_clip(path, indices, size=self._sizes[video])  # (T, H, W, C) uint8
        box = crop_box(*frames.shape[1:3], self.crop_size, draws)
        views = {"dark": crop_flip(frames, slice(None), box, self.crop_size)}
        if "enhanced" in self.views and "enhanced" in self.stores:  # the whole video enhanced, kept on disk
            whole = lambda: self.enhance(torch.from_numpy(read_clip(path, size=self._sizes[video]))).numpy()  # noqa: E731
            enhanced = np.asarray(self.stores["enhanced"].load_or_make(path, whole)[indices])
            views["enhanced"] = crop_flip(enhanced, slice(None), box, self.crop_size)
        elif "enhanced" in self.views:  # enhanced here: the crop only
            views["enhanced"] = self.enhance(views["dark"])
        return views

    def _normalise(self, clip: torch.Tensor, out: torch.Tensor) -> None:
        """(C, T, H, W) in [0, 255], uint8 or float -> ``out``, float, normalised: one multiply-add.

        Clip by clip, while the clip is still in the CPU's cache: the conversion to float is part of the
        multiply, and the add reads what was just written (a pass over the whole batch afterwards
        would read it back from memory).
        """
        torch.mul(clip, self.scale, out=out).add_(self.shift)
