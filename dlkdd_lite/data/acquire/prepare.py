"""prepare.py: a smaller copy of a dataset (clips re-encoded to a short side, e.g. 128 px) for fast training.

Owns ``prepare_dataset``: decode -> resize -> H.264 into a new dataset folder with the same lists and a
manifest saying where it came from. The originals are never touched. Parallel and resumable.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from dlkdd_lite.data.registry import detect_layout, get_dataset, read_manifest, write_manifest
from dlkdd_lite.data.splits import resolve_videos
from dlkdd_lite.runtime.progress import tqdm

FRAMES_PER_READ = 64  # decode long videos in pieces: a 600-frame 720p clip would need 1.6 GB at once


def _fps(path: Path) -> float:
    from dlkdd_lite.data.video import video_fps

    return video_fps(path) or 30.0


def shrink_clip(src: str | os.PathLike, dest: str | os.PathLike, short_side: int, crf: int = 18) -> str | None:
    """Re-encode ``src`` with its short side ``short_side`` px (even sizes) to ``dest``; None or the error."""
    import numpy as np
    import torch

    from dlkdd_lite.data.decode_cache import resize_short_side
    from dlkdd_lite.data.encode import write_video
    from dlkdd_lite.data.video import VideoReadError, read_clip, video_num_frames

    src = Path(src)
    try:
        n, fps = video_num_frames(src), _fps(src)
        pieces = []
        for start in range(0, n, FRAMES_PER_READ):
            frames = torch.from_numpy(read_clip(src, range(start, min(n, start + FRAMES_PER_READ))))
            small = resize_short_side(frames, short_side)  # (T, H', W', C) uint8
            pieces.append(small[:, : small.shape[1] // 2 * 2, : small.shape[2] // 2 * 2].numpy())  # H.264: even
        write_video(dest, np.concatenate(pieces), fps=max(1, round(fps)), crf=crf)
    except (VideoReadError, ValueError) as err:
        return str(err)
    return None


def _job(args: tuple) -> str | None:
    return shrink_clip(*args)


def _check_request(root: Path, out: Path, dataset: str, name: str | None, short_side: int) -> None:
    """Refuse generated data, a dataset other than ``name``, a bad ``short_side`` and ``out`` = ``root``."""
    if dataset == "quick":
        raise ValueError(f"{root} holds generated quick-tier data, which is small already; prepare is for real data")
    if name is not None and get_dataset(name).name != dataset:
        raise ValueError(f"{root} holds {dataset!r}, not {name!r}")
    if short_side < 16 or short_side % 2:
        raise ValueError(f"short_side must be an even number of pixels >= 16, got {short_side}")
    if out.resolve() == root.resolve():
        raise ValueError(f"--out must differ from --root ({root}): the originals are kept")


def _check_out(out: Path, wanted: dict) -> None:
    """Refuse an ``out`` prepared with settings other than ``wanted``, or holding files but no manifest."""
    old = read_manifest(out)
    if old is not None and {k: old.get(k) for k in wanted} != wanted:
        raise ValueError(f"{out} was prepared with other settings ({ {k: old.get(k) for k in wanted} }); "
                         "choose another --out")  # fmt: skip
    if old is None and out.exists() and any(out.iterdir()):
        raise ValueError(f"{out} already holds files but no dataset.json; choose an empty or new --out")


def _run_jobs(jobs: list[tuple], workers: int | None, desc: str, progress: bool) -> dict[str, str]:
    """Re-encode every job (default: up to 4 processes); ``{source path: error}`` for those that failed."""
    workers = min(workers or min(4, os.cpu_count() or 1), max(1, len(jobs)))
    bar = tqdm(total=len(jobs), desc=desc, disable=not progress)
    failed = {}
    if workers > 1:  # spawn, not fork: a worker forked from a notebook would copy torch and its threads
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for job, err in zip(jobs, pool.map(_job, jobs)):
                failed.update({job[0]: err} if err else {})
                bar.update()
    else:
        for job in jobs:
            err = _job(job)
            failed.update({job[0]: err} if err else {})
            bar.update()
    bar.close()
    return failed


def prepare_dataset(
    root: str | os.PathLike,
    out: str | os.PathLike | None = None,
    *,
    short_side: int = 128,
    name: str | None = None,
    workers: int | None = None,
    crf: int = 18,
    progress: bool = True,
) -> dict:
    """Write ``out`` (default ``<root>-s<short_side>``): every listed clip re-encoded smaller, same lists.

    Resumable: clips already in ``out`` are kept (each is written atomically); an ``out`` prepared
    from another folder or with another size is refused. Unreadable clips are skipped and named.

    Returns:
        ``{"root", "out", "short_side", "clips", "encoded", "kept", "failed": {path: error}}``.
    """
    root = Path(root)
    out = Path(out) if out else root.with_name(f"{root.name}-s{short_side}")
    layout = detect_layout(root)
    _check_request(root, out, layout.dataset, name, short_side)
    info = get_dataset(layout.dataset)
    wanted = {"prepared_from": str(root.resolve()), "short_side": short_side, "crf": crf}
    _check_out(out, wanted)

    from dlkdd_lite.data.acquire.verify import _lists
    from dlkdd_lite.data.splits import read_split_file

    lists = [path for _, _, path in _lists(layout, info) if path is not None]
    (out / "splits").mkdir(parents=True, exist_ok=True)
    index = info.raw.get("class_index")
    for path in lists + ([p / index for p in layout.list_dirs if (p / index).is_file()][:1] if index else []):
        shutil.copyfile(path, out / "splits" / path.name)
    write_manifest(out, {"dataset": info.name, "title": info.title, "clips_dir": "clips", "lists_dir": "splits",
                         "complete": False, "sources": [], **wanted})  # fmt: skip
    relpaths = sorted({e.relpath for path in lists for e in read_split_file(path, layout.classes)})
    jobs, kept = [], 0
    for relpath, src in resolve_videos(layout.clips_dir, relpaths).items():
        dest = (out / "clips" / relpath).with_suffix(".mp4")
        if dest.exists():
            kept += 1
        elif src is not None:
            jobs.append((str(src), str(dest), short_side, crf))
    failed = _run_jobs(jobs, workers, f"re-encoding to {short_side}px", progress)
    clips = sum(1 for _ in (out / "clips").glob("*/*.mp4"))
    write_manifest(out, {**read_manifest(out), "complete": not failed, "clips": clips})
    return {"root": str(root), "out": str(out), "short_side": short_side, "clips": clips,
            "encoded": len(jobs) - len(failed), "kept": kept, "failed": failed}  # fmt: skip
