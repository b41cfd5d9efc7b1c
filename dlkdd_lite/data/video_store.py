"""video_store.py: whole videos (decoded, or enhanced) kept on disk as ``.npy``, keyed by content and settings.

Decoding and enhancing every video is most of the quick tier's time, and each notebook kernel or
``dlkdd train`` process would otherwise do it again. A store keeps each result once:
``<root>/<kind>-<digest of the settings>/<digest of the video file>.npy``, written atomically (an
interrupted run never leaves half a file) and read back memory-mapped. Keyed by the file's bytes, so a
regenerated or edited video is never served stale frames. Knows nothing about how frames are made.

Where: ``RunConfig.enhanced_cache`` (``dlkdd train --enhanced-cache``). ``"auto"`` (the default) is
``$DLKDD_CACHE/videos``, else ``~/.cache/dlkdd_lite/videos``, for datasets kept in memory (``cache=True``:
if the frames fit in memory they fit on disk); a folder: that folder, for every dataset; ``None``: off.
Delete the folder to reclaim the space; it is rebuilt as needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from dlkdd_lite.runtime.atomic import atomic_path, write_text_atomic
from dlkdd_lite.runtime.files import content_digest

# np.load reads a .npy header with ast.literal_eval, and CPython 3.11's AST constructor keeps its depth
# count per interpreter, not per thread: two decoding threads loading at once failed with "SystemError:
# AST constructor recursion depth mismatch" (python/cpython#106905). One load at a time; a load only
# parses the header and maps the file, so nothing waits long.
_LOAD = threading.Lock()


def default_root() -> Path:
    """``$DLKDD_CACHE/videos``, else ``~/.cache/dlkdd_lite/videos`` (``$XDG_CACHE_HOME`` respected)."""
    base = os.environ.get("DLKDD_CACHE")
    if not base:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dlkdd_lite"
    return Path(base) / "videos"


def store_root(setting: str | os.PathLike | None, in_memory: bool) -> Path | None:
    """The folder a dataset keeps whole videos in, for ``RunConfig.enhanced_cache`` = ``setting``, or None."""
    if setting is None:
        return None
    if str(setting) == "auto":
        return default_root() if in_memory else None
    return Path(setting)


class VideoStore:
    """One folder per kind and settings: ``<root>/<kind>-<digest>/<content digest>.npy`` of uint8 (T, H, W, C)."""

    def __init__(self, root: str | os.PathLike, kind: str, key: dict) -> None:
        text = json.dumps(key, sort_keys=True, default=str)
        self.folder = Path(root) / f"{kind}-{hashlib.sha1(text.encode()).hexdigest()[:12]}"
        if not (self.folder / "key.json").exists():
            write_text_atomic(self.folder / "key.json", text + "\n")  # what the folder holds

    def path(self, video: str | os.PathLike) -> Path:
        """Where the result for the video file ``video`` is (or would be) kept."""
        return self.folder / f"{content_digest(video)}.npy"

    def load_or_make(self, video: str | os.PathLike, make) -> np.ndarray:
        """The kept uint8 (T, H, W, C) array for ``video`` (memory-mapped), or ``make()``'s, kept for next time.

        A kept file that cannot be read as such an array (damaged on disk) is made again and replaced.
        """
        path = self.path(video)
        if path.exists():
            try:
                with _LOAD:
                    frames = np.load(path, mmap_mode="r")
                if frames.dtype == np.uint8 and frames.ndim == 4:
                    return frames
            except (ValueError, OSError, EOFError):
                pass
            warnings.warn(f"{path} (kept frames of {video}) is damaged; making them again", stacklevel=2)
        frames = make()
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as f:
                np.save(f, np.ascontiguousarray(frames))
        return frames
