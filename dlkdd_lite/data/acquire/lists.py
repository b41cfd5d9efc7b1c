"""lists.py: installing a dataset's official split lists into its folder: shipped, found in an archive, or fetched.

Owns where each dataset's lists come from (the registry says) and checking them before anything is
written; reading and resolving lists is splits.py's business.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from dlkdd_lite.data.acquire.fetch import fetch_url
from dlkdd_lite.data.registry import read_class_index
from dlkdd_lite.data.splits import LIST_FILE, read_split_file


def _lists_in(folder: Path, class_index: str | None) -> dict[str, bytes]:
    """Split lists (and the class index) anywhere under ``folder``, shallowest first; ``ref/`` skipped."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*.txt"), key=lambda p: len(p.parts)):
        if "ref" not in path.relative_to(folder).parts[:-1] and (
            LIST_FILE.match(path.name) or path.name == class_index
        ):
            found.setdefault(path.name, path.read_bytes())
    return found


def _shipped_lists(file: str) -> dict[str, bytes]:
    shipped = json.loads(resources.files("dlkdd_lite").joinpath("resources", file).read_text(encoding="utf-8"))
    files = {name: entry["text"].encode("utf-8") for name, entry in shipped["files"].items()}
    for name, entry in shipped["files"].items():
        if hashlib.sha256(files[name]).hexdigest() != entry["sha256"]:
            raise ValueError(f"shipped list {name} does not match its sha256; reinstall dlkdd_lite")
    return files


def install_lists(info, dest: str | os.PathLike, *, source: str | None = None, tree=None) -> dict[str, str]:
    """Put dataset ``info``'s official split lists into the folder ``dest``; return ``{file: sha256}``.

    ARID v1.0: the verbatim copies shipped in the package (CC BY 4.0). V1.5: found in the extracted
    archive ``tree`` (its ``list_cvt/split_{0,1}/``). Dark-48: fetched from the registry's URL pinned
    to a commit and sha256-checked. ``source`` overrides all of these: a folder holding the lists, or
    a URL they sit under. Every list is parsed before anything is written, and written atomically.

    Raises:
        ValueError / FileNotFoundError: lists not found, not matching their checksum, or malformed.
    """
    dest, spec, index = Path(dest), info.raw["lists"], info.raw.get("class_index")
    if source is not None and re.match(r"^https?://", source):
        files = _fetch_lists(spec, source, pinned=False)
    elif source is not None:
        if not Path(source).is_dir():
            raise FileNotFoundError(f"lists folder not found: {source}; expected the folder holding the split lists")
        files = _lists_in(Path(source), index)
    elif spec["source"] == "package":
        files = _shipped_lists(spec["file"])
    elif spec["source"] == "url":
        files = _fetch_lists(spec, spec["base_url"], pinned=True)
    else:
        files = _lists_in(Path(tree), index) if tree is not None else {}
    first = [info.list_names["train"][0].format(split=s) for s in info.splits]
    if not any(name in files for name in first) or (index and index not in files):
        raise FileNotFoundError(
            f"no {info.title} split lists found (looked for {first[0]}{' and ' + index if index else ''} in "
            f"{source or spec.get('where', 'the archive')}); pass the folder that holds them with --lists"
        )
    staging = dest.parent / f".{dest.name}-staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        classes = read_class_index(staging / index) if index else info.classes
        for name in files:
            if LIST_FILE.match(name):
                read_split_file(staging / name, classes)
        dest.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.replace(staging / name, dest / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}


def _fetch_lists(spec: dict, base_url: str, *, pinned: bool) -> dict[str, bytes]:
    """Dark-48's lists from ``base_url``; sha256-checked against the registry when it is the pinned URL."""
    if "files" not in spec:
        raise ValueError(f"these lists cannot be fetched from {base_url}; pass the folder that holds them with --lists")
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, sha256 in spec["files"].items():
            url = base_url.rstrip("/") + "/" + name
            try:
                fetch_url(url, Path(tmp) / name, sha256=sha256 if pinned else None, retries=3, progress=False)
            except ValueError as err:
                if "checksum mismatch" not in str(err):
                    raise
                raise ValueError(
                    f"{url} is not the file pinned in the registry (its sha256 differs); nothing was installed. "
                    "If you have the lists, pass their folder with --lists"
                ) from err
            files[name] = (Path(tmp) / name).read_bytes()
    return files
