"""registry.py: what the real datasets are (data/datasets.json) and how to recognise one on disk.

Owns the registry (classes, splits, list names, expected counts, sources, terms), the dataset folder's
manifest (``dataset.json``, written last by ``dlkdd download``) and ``detect_layout``: where a folder's
clips and split lists are. Knows nothing about downloading or decoding.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dlkdd_lite.runtime.atomic import write_text_atomic

MANIFEST = "dataset.json"
ARID_LIST_NAMES = {
    "train": ("ARID_split{split}_train.txt",),
    "test": ("ARID_split{split}_test.txt",),
    "other": ("ARID_split{split}_other.txt", "ARID_split{split}_others.txt"),
}
# How each dataset's list files are named, for recognising a folder that has no manifest.
_LIST_PATTERNS = {
    "arid": re.compile(r"^ARID_split\d+_(train|test|others?)\.txt$"),
    "arid1.5": re.compile(r"^split\d+_(train|test|others?)\.txt$"),
    "dark48": re.compile(r"^(train|test)_split\d+\.txt$"),
}


@dataclass(frozen=True)
class DatasetInfo:
    """One registry entry; ``raw`` keeps every field of datasets.json (terms, citation, steps)."""

    name: str
    title: str
    classes: tuple[str, ...]
    splits: tuple[int, ...]
    subsets: tuple[str, ...]
    list_names: dict[str, tuple[str, ...]]
    list_format: str
    norm: str
    raw: dict

    @property
    def expected_clips(self) -> int:
        return int(self.raw["expected"]["clips"])

    def expected_count(self, split: int, subset: str) -> int | None:
        return self.raw["expected"]["splits"].get(str(split), {}).get(subset)


@functools.cache
def load_registry() -> dict[str, DatasetInfo]:
    """The datasets of ``dlkdd_lite/resources/datasets.json`` by name (``arid``, ``arid1.5``, ``dark48``)."""
    text = resources.files("dlkdd_lite").joinpath("resources", "datasets.json").read_text(encoding="utf-8")
    entries = json.loads(text)["datasets"]
    return {
        name: DatasetInfo(
            name=name,
            title=e["title"],
            classes=tuple(e["classes"]),
            splits=tuple(e["splits"]),
            subsets=tuple(e["subsets"]),
            list_names={k: tuple(v) for k, v in e["list_names"].items()},
            list_format=e["list_format"],
            norm=e["norm"],
            raw=e,
        )  # fmt: skip
        for name, e in entries.items()
    }


def get_dataset(name: str) -> DatasetInfo:
    """The registry entry for ``name`` or one of its aliases (case-insensitive)."""
    registry = load_registry()
    key = name.strip().lower()
    for info in registry.values():
        if key == info.name or key in info.raw.get("aliases", []):
            return info
    raise ValueError(f"unknown dataset {name!r}; expected one of {sorted(registry)}")


def read_manifest(root: str | os.PathLike) -> dict | None:
    """The ``dataset.json`` that ``dlkdd download`` writes into a dataset folder, or None."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} is not valid JSON ({err}); delete it and run `dlkdd download` again") from err
    if not isinstance(manifest, dict) or "dataset" not in manifest:
        raise ValueError(f"{path} has no 'dataset' field; expected a manifest written by `dlkdd download`")
    return manifest


def write_manifest(root: str | os.PathLike, manifest: dict) -> None:
    write_text_atomic(Path(root) / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def start_manifest(root: Path, info) -> dict:
    """``root``'s manifest, or a new incomplete one; refuses a folder holding other files or another dataset."""
    manifest = read_manifest(root)
    if manifest is None and not root.is_dir():
        return {"dataset": info.name, "title": info.title, "clips_dir": "clips", "lists_dir": "splits",
                "complete": False, "sources": []}  # fmt: skip
    if manifest is not None:
        if manifest["dataset"] != info.name:
            raise ValueError(
                f"{root} already holds dataset {manifest['dataset']!r} (see {root / 'dataset.json'}); "
                f"choose another --root for {info.name}"
            )
        return manifest
    ours = ("downloads", ".splits-staging")
    foreign = sorted(p.name for p in root.iterdir() if p.name not in ours and not p.name.startswith(".extract-"))
    if foreign:
        raise ValueError(
            f"{root} already holds files ({', '.join(foreign[:3])}...) but no dataset.json, so they were not put "
            "there by `dlkdd download`; nothing was changed. Choose a new folder for --root; to import clips you "
            "extracted yourself, pass their folder with --archive (it is copied, not moved)"
        )
    return {"dataset": info.name, "title": info.title, "clips_dir": "clips", "lists_dir": "splits",
            "complete": False, "sources": []}  # fmt: skip


def read_class_index(path: str | os.PathLike) -> tuple[str, ...]:
    """Class names of a ``classInd.txt`` (``<idx>\\t<name>`` or ``<idx> <name>``, ids 0..K-1)."""
    rows = {}
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split(None, 1)
        if not parts:
            continue
        if len(parts) != 2 or not parts[0].isdigit():
            raise ValueError(f"{path}:{lineno}: expected '<idx>\\t<class name>', got {line!r}")
        rows[int(parts[0])] = parts[1].strip()
    if sorted(rows) != list(range(len(rows))) or not rows:
        raise ValueError(f"{path}: class ids must be 0..K-1 without gaps, got {sorted(rows)[:5]}...")
    return tuple(rows[i] for i in range(len(rows)))


@dataclass(frozen=True)
class Layout:
    """Where a dataset folder keeps its clips and split lists.

    ``dataset`` is a registry name, or ``"quick"`` for the generated quick-tier data.
    """

    dataset: str
    root: Path
    clips_dir: Path
    classes: tuple[str, ...]
    list_dirs: tuple[Path, ...]
    list_names: dict[str, tuple[str, ...]]
    splits: tuple[int, ...] | None = None  # None: any split number

    def split_file(self, split: int, subset: str) -> Path:
        """The list of ``subset`` (train/test/other) of official split ``split``."""
        if self.splits is not None and split not in self.splits:
            raise ValueError(f"{self.dataset} has splits {list(self.splits)}; got split {split}")
        if subset not in self.list_names:
            raise ValueError(f"{self.dataset} has lists {sorted(self.list_names)}; got {subset!r}")
        names = [pattern.format(split=split) for pattern in self.list_names[subset]]
        for folder in self.list_dirs:
            for candidate in (folder, folder / f"split_{split}"):
                for name in names:
                    if (candidate / name).is_file():
                        return candidate / name
        looked = ", ".join(str(d) for d in self.list_dirs)
        hint = (
            f"generate quick-tier data with `dlkdd synth --root {self.root}`, get a real dataset with "
            f"`dlkdd download NAME --root {self.root}` (see `dlkdd datasets`), or pass the list explicitly"
        )
        raise FileNotFoundError(f"no split file {names[0]} under {self.root} (looked in {looked}); {hint}")


def _walk_dirs(root: Path, max_depth: int):
    """Folders under ``root`` (itself included) down to ``max_depth``, shallowest first, hidden ones skipped."""
    level = [root]
    for _ in range(max_depth + 1):
        yield from level
        level = sorted(c for d in level for c in _subdirs(d))


def _subdirs(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []


def find_clip_dir(folder: str | os.PathLike, classes: tuple[str, ...], max_depth: int = 4) -> Path | None:
    """The folder whose subfolders are class names (most matches, then shallowest), or None."""
    wanted, best, best_hits = set(classes), None, 0
    for candidate in _walk_dirs(Path(folder), max_depth):
        hits = sum(p.name in wanted for p in _subdirs(candidate))
        if hits > best_hits:
            best, best_hits = candidate, hits
    return best


def _dataset_classes(info: DatasetInfo, list_dirs) -> tuple[str, ...]:
    index = info.raw.get("class_index")
    for folder in list_dirs if index else ():
        if (Path(folder) / index).is_file():
            return read_class_index(Path(folder) / index)
    return info.classes


def detect_layout(root: str | os.PathLike) -> Layout:
    """Recognise a dataset folder: its manifest, the quick tier's ``synth.json``, or its list files.

    Without a manifest the list files' names tell the dataset (``ARID_split1_train.txt``: ARID v1.0,
    ``split0_train.txt``: V1.5, ``train_split1.txt``: Dark-48) and the clips are the folder whose
    subfolders are class names. A folder with none of these is read as ARID's layout.
    """
    root = Path(root)
    manifest = read_manifest(root)
    if manifest is not None:
        info = get_dataset(manifest["dataset"])
        list_dirs = (root / manifest.get("lists_dir", "splits"),)
        return Layout(info.name, root, root / manifest.get("clips_dir", "clips"), _dataset_classes(info, list_dirs),
                      list_dirs, info.list_names, info.splits)  # fmt: skip
    arid = get_dataset("arid")
    plain = (root, root / "splits", root / "list_cvt")
    if (root / "synth.json").is_file() or not root.is_dir():
        return Layout("quick" if root.is_dir() else "arid", root, root, arid.classes, plain, ARID_LIST_NAMES)
    found: dict[str, list[Path]] = {}
    for folder in _walk_dirs(root, 3):
        names = [p.name for p in folder.glob("*.txt")]
        for dataset, pattern in _LIST_PATTERNS.items():
            if any(pattern.match(n) for n in names):
                # list_cvt/split_0/ holds V1.5's lists: search its parent, which also finds split_1/
                found.setdefault(dataset, []).append(folder.parent if folder.name.startswith("split_") else folder)
    dataset = next((d for d in ("dark48", "arid1.5", "arid") if d in found), None)
    if dataset is None:
        clips = find_clip_dir(root, arid.classes) or root
        return Layout("arid", root, clips, arid.classes, plain, ARID_LIST_NAMES)
    info = get_dataset(dataset)
    list_dirs = tuple(dict.fromkeys(found[dataset]))
    classes = _dataset_classes(info, list_dirs)
    return Layout(info.name, root, find_clip_dir(root, classes) or root, classes, list_dirs, info.list_names,
                  info.splits)  # fmt: skip


def dataset_status(name: str, root: str | os.PathLike) -> str:
    """One line on ``root``'s copy of dataset ``name``: absent, partial, downloaded or verified."""
    root = Path(root)
    if not root.is_dir():
        return "not downloaded"
    manifest = read_manifest(root)
    if manifest is None:
        return "files but no dataset.json (not installed by `dlkdd download`)" if any(root.iterdir()) else "empty"
    if manifest["dataset"] != get_dataset(name).name:
        return f"holds {manifest['dataset']!r}, not {name!r}"
    if not manifest.get("complete"):
        return "incomplete: a download or extraction stopped; run the same `dlkdd download` again to finish it"
    clips = manifest.get("clips", "?")
    report = root / "verify.json"
    if not report.is_file():
        return f"downloaded ({clips} clips), not verified: run `dlkdd verify {name} --root {root}`"
    summary = json.loads(report.read_text(encoding="utf-8"))
    missing, unreadable = summary.get("missing", 0), summary.get("unreadable", 0)
    if missing or unreadable:
        return f"verified: {missing} listed clips missing, {unreadable} unreadable"
    return f"verified: all {summary.get('listed', '?')} listed clips present and readable"
