"""arid.py: stand-in clips of ARID's size (320x240, 30 fps), as an extracted ARID archive, for rehearsals.

Owns ``arid_sized_frames`` (a lit gradient with a moving blob, filmed through synth.darken) and
``write_arid_archive`` (clips named as ARID's, with ARID's split-1 lists cut down to them). The scenes hold no
action: they time the paper tier's input pipeline and check that its steps connect, never accuracy. The quick
tier's learnable data is synth.py's.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from dlkdd_lite.data.encode import write_video
from dlkdd_lite.data.synth.generate import darken

ARID_SIZE = (240, 320)  # (H, W) of ARID v1.0's clips
ARID_FPS = 30


def arid_sized_frames(num_frames: int, *, rng: np.random.Generator, phase: float = 0.0) -> np.ndarray:
    """A dark 320x240 scene: uint8 ``(T, H, W, 3)``, a blob of light moving over a lit gradient.

    Filmed a second (30 frames) at a time through ``synth.darken`` (shot and read noise, a dim lamp, as
    ARID's cameras), which keeps memory small for long clips. ``phase`` shifts the blob's path.
    """
    h, w = ARID_SIZE
    t = np.arange(num_frames, dtype=np.float32)[:, None, None] / ARID_FPS
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    colour = np.array([1.0, 0.85, 0.7], dtype=np.float32)
    chunks = []
    for start in range(0, num_frames, ARID_FPS):
        tt = t[start : start + ARID_FPS]
        cx, cy = w / 2 + 100 * np.sin(tt * 1.3 + phase), h / 2 + 60 * np.cos(tt * 0.9)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * 30.0**2))  # (t, H, W)
        lit = 0.3 + 0.3 * (xx / w)[None] + 0.4 * blob
        chunks.append(darken(np.clip(lit[..., None] * colour, 0, 1).astype(np.float32), rng=rng))
    return np.concatenate(chunks)


def _write(job: tuple[str, int, float, int]) -> None:
    path, num_frames, phase, seed = job
    write_video(path, arid_sized_frames(num_frames, rng=np.random.default_rng(seed), phase=phase), ARID_FPS)


def _pick(lists: Path, subset: str, per_class: int, classes: int) -> list:
    """The first ``per_class`` entries of each of the first ``classes`` classes in ARID's split-1 ``subset`` list."""
    from dlkdd_lite.data.splits import read_split_file

    taken: dict[int, int] = {}
    chosen = []
    for entry in read_split_file(lists / f"ARID_split1_{subset}.txt"):
        if entry.label < classes and taken.get(entry.label, 0) < per_class:
            taken[entry.label] = taken.get(entry.label, 0) + 1
            chosen.append(entry)
    return chosen


def write_arid_archive(
    root: str | os.PathLike,
    *,
    train_per_class: int = 1,
    test_per_class: int = 1,
    classes: int = 11,
    seconds: float = 3.0,
    seed: int = 0,
    workers: int | None = None,
) -> dict:
    """Write what an ARID v1.0 download extracts to, in small: ``root/clips_v1/<Class>/<Class>_<a>_<b>.mp4``
    (320x240, 30 fps, ``seconds`` long; the first clips of each class in ARID's split-1 lists, under their
    released names) and ``root/list_cvt/ARID_split1_{train,test}.txt``: ARID's lists cut down to those clips.
    ``classes`` limits the clips to ARID's first classes (the label set stays ARID's 11).

    ``dlkdd download arid --root DIR --archive ROOT --lists ROOT/list_cvt`` installs it as a real download.
    Existing clips are kept; ``workers`` processes encode in parallel (default: up to 4).

    Returns:
        ``{"root", "clips": {"train": n, "test": n}, "lists"}``.
    """
    from dlkdd_lite.data.acquire.lists import install_lists
    from dlkdd_lite.data.registry import get_dataset
    from dlkdd_lite.data.splits import write_split_file

    root = Path(root)
    with tempfile.TemporaryDirectory() as tmp:
        install_lists(get_dataset("arid"), tmp)  # the official lists the package ships
        chosen = {subset: _pick(Path(tmp), subset, per_class, classes)
                  for subset, per_class in (("train", train_per_class), ("test", test_per_class))}  # fmt: skip
    for subset, entries in chosen.items():
        write_split_file(root / "list_cvt" / f"ARID_split1_{subset}.txt", [(e.label, e.relpath) for e in entries])
    jobs = []
    for i, e in enumerate(chosen["train"] + chosen["test"]):  # clip i's frames depend on (seed, i) only
        path = (root / "clips_v1" / e.relpath).with_suffix(".mp4")  # the lists name .avi, the release .mp4
        if not path.exists():
            jobs.append(
                (
                    str(path),
                    round(seconds * ARID_FPS),
                    float(i),
                    int(np.random.SeedSequence([seed, i]).generate_state(1)[0]),
                )
            )
    workers = min(workers or min(4, os.cpu_count() or 1), max(1, len(jobs)))
    if workers > 1:  # spawn, not fork: a worker forked from a notebook kernel would copy its memory
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_write, jobs))
    else:
        for job in jobs:
            _write(job)
    return {"root": str(root), "clips": {k: len(v) for k, v in chosen.items()}, "lists": str(root / "list_cvt")}
