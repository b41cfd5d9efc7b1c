"""splits.py: split-list formats and resolving the clips they name; knows nothing about decoding video.

ARID v1.0 / V1.5 lists are ``<idx>\\t<label>\\t<Class>/<file>`` (github.com/xuyu0010/ARID_v1, CC BY 4.0);
Dark-48 lists are ``<class>/<file>.mp4 <label>`` with labels from ``classInd.txt`` (github.com/yzfly/Dark48).
Which folder holds which list is registry.detect_layout's business.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dlkdd_lite.data.registry import detect_layout, read_class_index
from dlkdd_lite.runtime.atomic import write_text_atomic

# ARID v1.0 class ids, from ARID_v1's mapping_table.txt (also ARID V1.5).
ARID_CLASSES: tuple[str, ...] = (
    "Drink", "Jump", "Pick", "Pour", "Push", "Run", "Sit", "Stand", "Turn", "Walk", "Wave",
)  # fmt: skip

VIDEO_EXTENSIONS = (".mp4", ".avi", ".mkv", ".webm", ".mov")


@dataclass(frozen=True)
class SplitEntry:
    """One line of a split file: the clip's path relative to the data root and its label."""

    relpath: str
    label: int

    @property
    def video_id(self) -> str:
        """Class folder and file stem, e.g. ``"Drink/Drink_11_1"``: stable across .avi/.mp4."""
        return str(Path(self.relpath).with_suffix("")).replace(os.sep, "/")


def write_split_file(path: str | os.PathLike, entries) -> None:
    """Write ``(label, relpath)`` pairs as ARID lines ``<idx>\\t<label>\\t<relpath>`` (LF), atomically."""
    lines = [f"{idx}\t{int(label)}\t{relpath}\n" for idx, (label, relpath) in enumerate(entries)]
    write_text_atomic(path, "".join(lines))


def _parse_line(line: str) -> tuple[int, str] | None:
    """``(label, relpath)`` of an ARID line (3 tab-separated fields) or a Dark-48 line (path, space, label)."""
    parts = line.strip().split("\t")
    if len(parts) == 3 and parts[1].lstrip("-").isdigit():
        return int(parts[1]), parts[2]
    parts = line.strip().rsplit(None, 1)
    if len(parts) == 2 and parts[1].lstrip("-").isdigit() and "/" in parts[0]:
        return int(parts[1]), parts[0]
    return None


def read_split_file(path: str | os.PathLike, classes: tuple[str, ...] | None = None) -> list[SplitEntry]:
    """Parse a split file in ARID's or Dark-48's format and check every label against its class folder.

    Accepts LF or CRLF endings and a missing final newline (ARID V1.5's and Dark-48's lists have them).
    ``classes`` (label id -> class folder name) defaults to the classes of the dataset folder the list
    belongs to: Dark-48's ``classInd.txt`` beside the list, or ARID's 11 classes.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: a malformed line, an unknown class, a label that disagrees with the class
            folder, or an empty list; the message names the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"split file not found: {path}")
    if classes is None:
        index = path.parent / "classInd.txt"
        classes = read_class_index(index) if index.is_file() else ARID_CLASSES
    lookup = {name: i for i, name in enumerate(classes)}
    entries = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parsed = _parse_line(line)
        if parsed is None:
            raise ValueError(
                f"{path}:{lineno}: expected '<idx>\\t<label>\\t<Class>/<file>' (ARID) or "
                f"'<class>/<file> <label>' (Dark-48), got {line!r}"
            )
        label, relpath = parsed[0], parsed[1].replace("\\", "/")
        class_name = relpath.split("/")[0]
        if class_name not in lookup:
            shown = list(classes) if len(classes) <= 12 else [*classes[:5], "...", *classes[-2:]]
            raise ValueError(f"{path}:{lineno}: unknown class {class_name!r}; expected one of {shown}")
        if label != lookup[class_name]:
            raise ValueError(
                f"{path}:{lineno}: label {label} does not match class {class_name!r} "
                f"(expected label {lookup[class_name]})"
            )
        entries.append(SplitEntry(relpath=relpath, label=label))
    if not entries:
        raise ValueError(f"split file {path} lists no clips; expected at least one line")
    return entries


def resolve_video(root: str | os.PathLike, relpath: str) -> Path | None:
    """Find the file a split line names, trying other video extensions with the same stem.

    The official ARID lists name ``.avi`` files while the released clips are ``.mp4``; ``root`` is the
    folder holding the class folders (``registry.detect_layout(dataset_root).clips_dir``).
    Returns None when no file with that stem exists. For many clips use ``resolve_videos``.
    """
    return resolve_videos(root, [relpath])[relpath]


def resolve_videos(root: str | os.PathLike, relpaths) -> dict[str, Path | None]:
    """``{relpath: file or None}``, reconciling extensions by stem (``.avi`` listed, ``.mp4``/``.MP4`` on disk).

    Lists each class folder once, so checking a whole dataset costs one directory read per class.
    """
    root, listing, out = Path(root), {}, {}
    for relpath in relpaths:
        candidate = root / relpath
        folder = candidate.parent
        if folder not in listing:
            try:
                names = os.listdir(folder)
            except OSError:
                names = []
            by_stem: dict[str, list[str]] = {}
            for name in names:
                stem, ext = os.path.splitext(name)
                if ext.lower() in VIDEO_EXTENSIONS:
                    by_stem.setdefault(stem, []).append(name)
            listing[folder] = (set(names), by_stem)
        names, by_stem = listing[folder]
        if candidate.name in names:
            out[relpath] = candidate
            continue
        options = by_stem.get(candidate.stem, [])
        best = min(options, key=lambda n: (VIDEO_EXTENSIONS.index(os.path.splitext(n)[1].lower()), n), default=None)
        out[relpath] = folder / best if best else None
    return out


def find_split_file(root: str | os.PathLike, split: int, subset: str) -> Path:
    """Locate the list of ``subset`` (train/test/other) of official split ``split`` of the dataset in ``root``.

    Works for the quick tier's ``splits/ARID_split{k}_*.txt``, ARID v1.0's ``ARID_split{k}_*.txt``,
    V1.5's ``list_cvt/split_{k}/split{k}_*.txt`` and Dark-48's ``{train,test}_split{k}.txt``, wherever
    ``dlkdd download`` or the user put them (see registry.detect_layout).
    """
    return detect_layout(root).split_file(split, subset)


LIST_FILE = re.compile(
    r"^((train|test)_split\d+|split\d+_(train|test|others?)|ARID_split\d+_(train|test|others?))\.txt$"
)
