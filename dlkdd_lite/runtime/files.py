"""files.py: a file's identity, for the caches that must notice when a file changes.

``file_key`` is cheap (path, size, modification time: the same file in the same place); ``content_digest``
reads the bytes (the same content anywhere, e.g. a regenerated dataset that came out identical).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_DIGESTS: dict[tuple, str] = {}  # file_key -> content digest, so each file is read once per process


def file_key(path: str | os.PathLike) -> tuple:
    """A file's identity: resolved path, size and modification time (a rewritten file is new)."""
    stat = Path(path).stat()
    return str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns


def content_digest(path: str | os.PathLike) -> str:
    """The first 20 hex digits of the SHA-1 of the file's bytes (read once per process and file_key)."""
    key = file_key(path)
    if key not in _DIGESTS:
        digest = hashlib.sha1()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        _DIGESTS[key] = digest.hexdigest()[:20]
    return _DIGESTS[key]
