"""splits.py: ARID's class list and split-file format (``<idx>\\t<label>\\t<Class>/<file>``).

Reads and writes split lists and resolves the files they name; knows nothing about decoding video.
Format and class ids follow the official lists of github.com/xuyu0010/ARID_v1 (CC BY 4.0).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dlkdd_lite.atomic import write_text_atomic

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


def read_split_file(path: str | os.PathLike, classes: tuple[str, ...] = ARID_CLASSES) -> list[SplitEntry]:
    """Parse an ARID-format split file and check every label against its class folder.

    Accepts LF or CRLF endings and a missing final newline (ARID V1.5's lists have both).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: a malformed line, an unknown class, a label that disagrees with the class
            folder, or an empty list; the message names the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"split file not found: {path}")
    entries = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.strip().split("\t")
        if len(parts) != 3 or not parts[1].lstrip("-").isdigit():
            raise ValueError(f"{path}:{lineno}: expected '<idx>\\t<label>\\t<Class>/<file>', got {line!r}")
        label, relpath = int(parts[1]), parts[2].replace("\\", "/")
        class_name = relpath.split("/")[0]
        if class_name not in classes:
            raise ValueError(f"{path}:{lineno}: unknown class {class_name!r}; expected one of {list(classes)}")
        if label != classes.index(class_name):
            raise ValueError(
                f"{path}:{lineno}: label {label} does not match class {class_name!r} "
                f"(expected label {classes.index(class_name)})"
            )
        entries.append(SplitEntry(relpath=relpath, label=label))
    if not entries:
        raise ValueError(f"split file {path} lists no clips; expected at least one line")
    return entries


def resolve_video(root: str | os.PathLike, relpath: str) -> Path | None:
    """Find the file a split line names, trying other video extensions with the same stem.

    The official ARID lists name ``.avi`` files while the released clips are ``.mp4``.
    Returns None when no file with that stem exists.
    """
    candidate = Path(root) / relpath
    if candidate.is_file():
        return candidate
    for ext in VIDEO_EXTENSIONS:
        other = candidate.with_suffix(ext)
        if other.is_file():
            return other
    return None


def find_split_file(root: str | os.PathLike, split: int, subset: str) -> Path:
    """Locate ``ARID_split{split}_{subset}.txt`` in ``root``, ``root/splits`` or ``root/list_cvt``."""
    name = f"ARID_split{split}_{subset}.txt"
    for folder in (Path(root), Path(root) / "splits", Path(root) / "list_cvt"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(
        f"no split file {name} under {root} (looked in ., splits/ and list_cvt/); "
        f"generate quick-tier data with `dlkdd synth --root {root}` or pass the list explicitly"
    )
