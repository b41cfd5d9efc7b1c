"""install.py: moving an extracted archive's clips into a dataset folder, after checking them against its lists.

Owns finding the class folders in an unpacked tree, refusing a tree that holds none of the listed clips,
and the atomic move; knows nothing about archive formats (archive.py) or HTTP (fetch.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from dlkdd_lite.data.registry import find_clip_dir
from dlkdd_lite.data.splits import LIST_FILE, VIDEO_EXTENSIONS, read_split_file


def count_clips(folder: str | os.PathLike) -> int:
    """Video files in ``folder``'s subfolders (``<Class>/<file>``)."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.glob("*/*") if p.suffix.lower() in VIDEO_EXTENSIONS and p.is_file())


def check_matches_lists(tree: Path, lists_dir: Path, classes: tuple[str, ...], archive: Path) -> None:
    """Refuse an extracted archive whose class folders hold none of the clips the lists in ``lists_dir`` name.

    Matched by folder and file stem, so the lists' ``.avi`` names match released ``.mp4`` clips.
    """
    source = find_clip_dir(tree, classes)
    if source is None:
        raise ValueError(
            f"no class folders ({', '.join(classes[:4])}, ...) anywhere in {archive}; expected "
            "<Class>/<file>.mp4 at some depth. Is this the right dataset?"
        )
    on_disk = {(p.parent.name, p.stem) for p in source.glob("*/*")}
    listed = [e for p in sorted(lists_dir.glob("*.txt")) if LIST_FILE.match(p.name)
              for e in read_split_file(p, classes)]  # fmt: skip
    if not any((e.relpath.split("/")[0], Path(e.relpath).stem) in on_disk for e in listed):
        raise ValueError(
            f"the class folders in {archive} ({source}) hold none of the {len(listed)} clips the official lists "
            f"name (e.g. {listed[0].relpath}); is this the right dataset's archive?"
        )


def install_clips(tree: str | os.PathLike, clips_dir: str | os.PathLike, classes: tuple[str, ...]) -> dict:
    """Move the class folders found anywhere in ``tree`` to ``clips_dir`` (``<clips_dir>/<Class>/<file>``).

    A new ``clips_dir`` appears in one rename, so it is never half there. When it already exists
    (a second archive of the same dataset), files are added one rename each and files already
    there are kept, never overwritten.

    Returns:
        ``{"source": folder used, "added": n, "kept": n}``.

    Raises:
        ValueError: no folder in ``tree`` has subfolders named after the classes.
    """
    tree, clips_dir = Path(tree), Path(clips_dir)
    source = find_clip_dir(tree, classes)
    if source is None:
        shown = ", ".join(classes[:4])
        raise ValueError(
            f"no class folders ({shown}, ...) anywhere in the archive; expected <Class>/<file>.mp4 at some depth"
        )
    class_dirs = [p for p in source.iterdir() if p.is_dir() and p.name in classes]
    if not clips_dir.exists():
        staged = tree / ".clips-staged"  # inside the extraction folder: not yet visible in the dataset
        staged.mkdir()
        for folder in class_dirs:
            os.replace(folder, staged / folder.name)
        clips_dir.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, clips_dir)  # the one step that makes the clips appear
        return {"source": str(source), "added": count_clips(clips_dir), "kept": 0}
    added = kept = 0
    for folder in class_dirs:
        (clips_dir / folder.name).mkdir(exist_ok=True)
        for path in folder.iterdir():
            target = clips_dir / folder.name / path.name
            if target.exists():
                kept += 1
            elif path.is_file():
                os.replace(path, target)
                added += 1
    return {"source": str(source), "added": added, "kept": kept}
