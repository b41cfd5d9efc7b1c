"""enhanced_cache.py: enhanced videos kept on disk, keyed by the enhancer's configuration.

For expensive enhancers (Zero-DCE) on datasets that do not fit in memory: each video is enhanced
once, saved as ``.npy`` (atomically, so an interrupted run never leaves a half file) and read back
memory-mapped. Knows nothing about how the enhancement is computed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from dlkdd_lite.atomic import atomic_path, write_text_atomic


class EnhancedCache:
    """One folder per enhancer configuration: ``<root>/<enhancer>-<digest>/<Class>__<file>.npy``."""

    def __init__(self, root: str | os.PathLike, key: dict) -> None:
        text = json.dumps(key, sort_keys=True, default=str)
        digest = hashlib.sha1(text.encode()).hexdigest()[:12]
        self.folder = Path(root) / f"{key.get('enhancer', 'enhanced')}-{digest}"
        if not (self.folder / "key.json").exists():
            write_text_atomic(self.folder / "key.json", text + "\n")  # what the folder holds

    def path(self, video_id: str) -> Path:
        return self.folder / (video_id.replace("/", "__") + ".npy")

    def load(self, video_id: str) -> np.ndarray | None:
        """The cached uint8 (T, H, W, C) video, memory-mapped, or None when not cached yet."""
        path = self.path(video_id)
        return np.load(path, mmap_mode="r") if path.exists() else None

    def load_or_make(self, video_id: str, make) -> np.ndarray:
        """The cached video, or ``make()``'s (uint8 (T, H, W, C)), saved for next time."""
        video = self.load(video_id)
        if video is None:
            video = make()
            self.save(video_id, video)
        return video

    def save(self, video_id: str, video: np.ndarray) -> None:
        with atomic_path(self.path(video_id)) as tmp:
            with open(tmp, "wb") as f:
                np.save(f, np.ascontiguousarray(video))
