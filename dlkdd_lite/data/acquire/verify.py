"""verify.py: is every clip a dataset's official lists name on disk and decodable?

Owns ``verify_dataset`` (per split and list: listed, present, missing, unreadable; the report written
to ``<root>/verify.json``) and its printed summary. Knows nothing about training or downloading.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dlkdd_lite.data.registry import detect_layout, get_dataset, read_manifest
from dlkdd_lite.data.splits import VIDEO_EXTENSIONS, read_split_file, resolve_videos
from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.runtime.progress import tqdm

REPORT = "verify.json"


def probe_clip(path: str | os.PathLike) -> str | None:
    """None when the decoder opens ``path`` and returns its first and last frames, else the error."""
    from dlkdd_lite.data.video import VideoReadError, read_clip, video_num_frames

    try:
        n = video_num_frames(path)
        if n < 1:
            return "no frames"
        read_clip(path, sorted({0, n - 1}))
    except (VideoReadError, ValueError) as err:
        return str(err)
    return None


def _lists(layout, info) -> list[tuple[int, str, Path | None]]:
    """``(split, subset, list file or None)`` for every list the dataset should have."""
    splits, subsets = (info.splits, info.subsets) if info else ((1,), ("train", "test"))
    out = []
    for split in splits:
        for subset in subsets:
            try:
                out.append((split, subset, layout.split_file(split, subset)))
            except FileNotFoundError:
                out.append((split, subset, None))
    return out


def verify_dataset(
    root: str | os.PathLike,
    name: str | None = None,
    *,
    probe: bool = True,
    workers: int | None = None,
    progress: bool = True,
) -> dict:
    """Check the dataset folder ``root`` against its official lists and write ``root/verify.json``.

    Args:
        root: the dataset folder (as given to ``dlkdd download --root``).
        name: the dataset it should hold (``arid``, ``arid1.5``, ``dark48``); default: recognised.
        probe: decode each present clip's first and last frame (``False``: only check files exist).
        workers: threads probing clips in parallel (default: up to 4).

    Returns:
        ``{"dataset", "root", "listed", "present", "missing", "unreadable", "extra", "splits": [...],
        "missing_files": [...], "unreadable_files": {...}, "lists_missing": [...]}``: totals count
        distinct clips; each ``splits`` row has the same counts for one list plus its expected size.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {root}; get one with `dlkdd download`")
    layout = detect_layout(root)
    if name is not None and get_dataset(name).name != layout.dataset:
        raise ValueError(f"{root} holds {layout.dataset!r} (by its manifest or files), not {name!r}")
    info = get_dataset(layout.dataset) if layout.dataset != "quick" else None
    lists = _lists(layout, info)
    entries = {(s, sub): read_split_file(path, layout.classes) for s, sub, path in lists if path is not None}
    paths = resolve_videos(layout.clips_dir, sorted({e.relpath for rows in entries.values() for e in rows}))
    present = sorted({p for p in paths.values() if p is not None})
    errors = _probe_clips(present, workers, progress, layout.dataset) if probe and present else {}
    rows = _split_rows(lists, entries, paths, errors, info)
    listed_files = {p for p in paths.values() if p is not None}
    on_disk = {p for p in layout.clips_dir.glob("*/*") if p.suffix.lower() in VIDEO_EXTENSIONS}
    manifest = read_manifest(root)
    report = {
        "dataset": layout.dataset, "root": str(root), "clips_dir": str(layout.clips_dir), "probed": probe,
        "download_complete": None if manifest is None else bool(manifest.get("complete")),
        "listed": len(paths), "present": len(present), "missing": sum(p is None for p in paths.values()),
        "unreadable": len(errors), "extra": len(on_disk - listed_files), "splits": rows,
        "lists_missing": [f"split {s} {sub}" for s, sub, path in lists if path is None],
        "missing_files": sorted(r for r, p in paths.items() if p is None),
        "unreadable_files": {str(p): e for p, e in sorted(errors.items())},
    }  # fmt: skip
    write_text_atomic(root / REPORT, json.dumps(report, indent=2) + "\n")
    return report


def _probe_clips(present: list[Path], workers: int | None, progress: bool, dataset: str) -> dict[Path, str]:
    """``{path: error}`` for the clips of ``present`` that do not decode, probed by threads (default: up to 4)."""
    with ThreadPoolExecutor(workers or min(4, os.cpu_count() or 1)) as pool:
        results = tqdm(pool.map(probe_clip, present), total=len(present), desc=f"probing {dataset}",
                       disable=not progress)  # fmt: skip
        return {path: err for path, err in zip(present, results) if err is not None}


def _split_rows(lists: list, entries: dict, paths: dict, errors: dict[Path, str], info) -> list[dict]:
    """The report's ``splits`` rows: listed, expected, present, missing and unreadable clips of each list."""
    rows = []
    for split, subset, path in lists:
        listed = entries.get((split, subset), [])
        found = [paths[e.relpath] for e in listed if paths[e.relpath] is not None]
        rows.append({
            "split": split, "subset": subset, "list": str(path) if path else None, "listed": len(listed),
            "expected": info.expected_count(split, subset) if info else None, "present": len(found),
            "missing": len(listed) - len(found), "unreadable": sum(p in errors for p in found),
        })  # fmt: skip
    return rows


def format_report(report: dict) -> str:
    """The report as a table, one row per list, with the totals and the first missing files."""
    header = f"{'split':>5} {'list':<6} {'listed':>7} {'expected':>8} {'present':>8} {'missing':>8} {'unreadable':>10}"
    lines = [f"{report['dataset']} at {report['root']} (clips in {report['clips_dir']})", header]
    for row in report["splits"]:
        expected = "" if row["expected"] is None else row["expected"]
        lines.append(f"{row['split']:>5} {row['subset']:<6} {row['listed']:>7} {expected:>8} {row['present']:>8} "
                     f"{row['missing']:>8} {row['unreadable']:>10}")  # fmt: skip
    checked = "present and decodable" if report["probed"] else "present (files only, not decoded)"
    lines.append(
        f"distinct clips: {report['listed']} listed, {report['present']} {checked}, {report['missing']} missing, "
        f"{report['unreadable']} unreadable; {report['extra']} clips on disk in no list"
    )
    if report.get("download_complete") is False:
        lines.append("the download into this folder did not finish: run the same `dlkdd download` again")
    if report["lists_missing"]:
        lines.append(f"lists not found: {', '.join(report['lists_missing'])}")
    if report["missing_files"]:
        lines.append(f"missing, e.g.: {', '.join(report['missing_files'][:5])}")
    for path, err in list(report["unreadable_files"].items())[:5]:
        lines.append(f"unreadable: {path}: {err}")
    lines.append(f"report: {Path(report['root']) / REPORT}")
    return "\n".join(lines)
