"""generate.py: the quick tier's generated dark-video dataset, written in ARID v1.0's layout.

Well-lit procedural renders (scene.py, motion.py) -> a physical low-light camera model ->
H.264 mp4 files, split lists and ``synth.json``. Knows nothing about training.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from dlkdd_lite import __version__
from dlkdd_lite.data.encode import write_video
from dlkdd_lite.data.splits import ARID_CLASSES, write_split_file
from dlkdd_lite.data.synth.motion import action_poses
from dlkdd_lite.data.synth.scene import ActorStyle, render_background, render_pose
from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.runtime.progress import tqdm

# Frame widths that decord2 3.4 decodes wrongly (it pads rows); found by a scan of 16..200 pixels.
DECORD_BAD_WIDTHS = (16, 24, 48, 72)


def render_clip(
    class_name: str, *, rng: np.random.Generator, num_frames: int, size: int, actor: ActorStyle | None = None
) -> np.ndarray:
    """A well-lit clip of ``class_name``: float32 (T, H, W, 3) in [0, 1], H = W = ``size``."""
    if class_name not in ARID_CLASSES:
        raise ValueError(f"unknown class {class_name!r}; expected one of {list(ARID_CLASSES)}")
    actor = actor or ActorStyle.random(rng)
    background = render_background(actor, size, np.random.default_rng(rng.integers(2**32)))
    poses = action_poses(class_name, num_frames, size, actor.height, rng)
    return np.stack([render_pose(background, pose, actor) for pose in poses]).astype(np.float32)


def darken(
    clip: np.ndarray,
    *,
    rng: np.random.Generator,
    brightness: float = 0.075,
    full_well: float = 300.0,
    read_noise: float = 2.0,
) -> np.ndarray:
    """Film a lit clip with a dim light and a small sensor: uint8 (T, H, W, 3).

    The model, in order:

    1. Illumination: ambient light plus one dim lamp (a Gaussian glow at a random place) and
       lens vignetting, so part of the frame is darker than the rest, as in ARID.
    2. Exposure: the scene is scaled so that the mean output is ``brightness`` of full scale
       (ARID v1.0's mean pixel is about 0.07-0.08).
    3. Photon shot noise: a pixel that would read ``v`` of full scale collects
       Poisson(``v * full_well``) electrons, so noise is relatively worse where it is darker.
    4. Read noise: Gaussian, ``read_noise`` electrons.
    5. Gain and 8-bit quantisation: ``round(electrons / full_well * 255)`` clipped to [0, 255].
    """
    if not 0.0 < brightness < 1.0:
        raise ValueError(f"brightness must be in (0, 1) of full scale, got {brightness}")
    t, h, w, _ = clip.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / max(h, w)
    lamp_x, lamp_y = rng.uniform(0.0, 1.0), rng.uniform(0.0, 0.5)
    lamp = np.exp(-((xx - lamp_x) ** 2 + (yy - lamp_y) ** 2) / (2 * rng.uniform(0.12, 0.25) ** 2))
    vignette = 1.0 - 0.6 * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2)
    # A bright, compact lamp over weak ambient light: a high dynamic range, so the exposure that
    # suits the whole frame leaves the actor a few levels above black (as in ARID's clips).
    light = (rng.uniform(0.2, 0.35) + rng.uniform(0.6, 1.5) * lamp) * vignette  # (H, W)
    scene = clip * light[None, :, :, None]
    exposure = brightness * rng.uniform(0.85, 1.15) / max(float(scene.mean()), 1e-6)
    electrons = rng.poisson(np.clip(scene * exposure, 0.0, 1.0) * full_well).astype(np.float32)
    electrons += rng.normal(0.0, read_noise, electrons.shape).astype(np.float32)
    return np.clip(np.round(electrons / full_well * 255.0), 0, 255).astype(np.uint8)


def _clip_rng(seed: int, *keys: int) -> np.random.Generator:
    # One independent stream per clip: generation order and resuming never change a clip.
    return np.random.default_rng(np.random.SeedSequence([seed, *keys]))


def _write_clip(job: tuple, params: dict) -> None:
    """Render, darken and encode one clip (runs in a worker process)."""
    path, name, actor, clip_id = job
    seed = params["seed"]
    style = ActorStyle.random(_clip_rng(seed, 1_000_000 + actor))  # shared by all clips of the actor
    rng = _clip_rng(seed, ARID_CLASSES.index(name), actor, clip_id)  # a clip is the same in any subset of classes
    lit = render_clip(name, rng=rng, num_frames=params["num_frames"], size=params["size"], actor=style)
    write_video(path, darken(lit, rng=rng, brightness=params["brightness"]), params["fps"])


def _check(params: dict) -> None:
    def need(ok: bool, message: str) -> None:
        if not ok:
            raise ValueError(message)

    size = params["size"]
    need(size >= 32 and size % 16 == 0, f"size must be a multiple of 16 and >= 32, got {size}")
    need(size not in DECORD_BAD_WIDTHS, f"size {size} is a width decord2 mis-decodes; use 32, 64, 80, 96 or 112")
    need(params["num_frames"] >= 8, f"num_frames must be >= 8, got {params['num_frames']}")
    need(
        params["actors"] >= 2,
        f"actors must be >= 2 (at least one for training, one for testing), got {params['actors']}",
    )
    need(1 <= params["test_actors"] < params["actors"],
         f"test_actors must be in [1, actors={params['actors']}), got {params['test_actors']}")  # fmt: skip
    need(params["clips_per_actor"] >= 1, f"clips_per_actor must be >= 1, got {params['clips_per_actor']}")
    need(params["fps"] >= 1, f"fps must be >= 1, got {params['fps']}")
    need(0.0 < params["brightness"] < 1.0, f"brightness must be in (0, 1), got {params['brightness']}")
    chosen = params.get("classes", ARID_CLASSES)
    need(len(chosen) >= 2 and len(set(chosen)) == len(chosen) and set(chosen) <= set(ARID_CLASSES),
         f"classes must be two or more distinct names of {list(ARID_CLASSES)}, got {chosen}")  # fmt: skip


def _write_manifest(root: Path, params: dict) -> None:
    """Write ``root/synth.json``; refuse a root already generated with other parameters."""
    manifest = root / "synth.json"
    if manifest.exists():
        old = json.loads(manifest.read_text(encoding="utf-8"))["params"]
        diff = sorted(k for k in params if old.get(k) != params[k])
        if diff:
            raise ValueError(
                f"{root} already holds a generated dataset with other parameters ({', '.join(diff)} differ: "
                f"{ {k: old.get(k) for k in diff} } there); choose another --root or delete it"
            )
    root.mkdir(parents=True, exist_ok=True)
    classes = list(params.get("classes", ARID_CLASSES))
    write_text_atomic(manifest, json.dumps({"params": params, "classes": classes, "version": __version__,
                                            "generator": "dlkdd_lite.data.synth"}, indent=2) + "\n")  # fmt: skip


def _write_clips(todo: list[tuple], params: dict, workers: int | None, bar) -> None:
    """Write every clip of ``todo``, in ``workers`` processes (default: up to 2, or os.cpu_count())."""
    workers = min(workers or min(2, os.cpu_count() or 1), max(len(todo), 1))
    if workers > 1:
        # spawn, not fork: a worker forked from a notebook kernel would copy its memory (torch etc.)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for _ in pool.map(_write_clip, todo, [params] * len(todo)):
                bar.update()
    else:
        for job in todo:
            _write_clip(job, params)
            bar.update()


def generate_dataset(
    root: str | os.PathLike,
    *,
    seed: int = 0,
    actors: int = 24,
    test_actors: int = 10,
    clips_per_actor: int = 3,
    num_frames: int = 32,
    size: int = 32,
    fps: int = 15,
    brightness: float = 0.035,
    classes: tuple[str, ...] | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> dict:
    """Write the dataset: ``<root>/<Class>/<Class>_<actor>_<clip>.mp4``, ``<root>/splits/ARID_split1_
    {train,test}.txt`` (the last ``test_actors`` actors are held out for testing, as ARID's splits
    hold out subjects) and ``<root>/synth.json``.

    The defaults are the quick tier's: 24 actors of 3 clips per class, 10 of them held out, so 462 training
    and 330 test videos (one test video is 0.3 points of accuracy; many actors, so that a data set's
    difficulty does not hang on the few drawn: benchmarks/held_out_actors.py) of 32x32 pixels, darker than
    ARID's average (0.035 of full scale against about 0.075) so that at this small size the dark view is
    hard to learn from while keeping the action (measured in benchmarks/quick_tier_evidence.py).

    Deterministic for a seed (same bytes, whatever ``workers``), idempotent and resumable:
    existing clips are kept, and a root generated with other parameters is refused rather than
    mixed. ``workers`` processes render in parallel (default: up to 2, or os.cpu_count()).
    ``classes`` (names of ARID's actions) makes a data set of those actions only, labelled 0..K-1 in that
    order (``splits/classInd.txt`` says so); each of its clips is the clip the full set has for that seed.

    Returns:
        A summary: root, parameters, clips per split.
    """
    root = Path(root)
    params = dict(seed=seed, actors=actors, test_actors=test_actors, clips_per_actor=clips_per_actor,
                  num_frames=num_frames, size=size, fps=fps, brightness=brightness)  # fmt: skip
    if classes is not None:  # recorded only when given, so data sets of all classes keep their manifests
        params["classes"] = list(classes)
    _check(params)
    _write_manifest(root, params)

    jobs = [(label, name, a, c) for label, name in enumerate(params.get("classes", ARID_CLASSES))
            for a in range(1, actors + 1) for c in range(1, clips_per_actor + 1)]  # fmt: skip
    splits = {"train": [], "test": []}
    todo = []
    for label, name, a, c in jobs:
        relpath = f"{name}/{name}_{a}_{c}.mp4"
        splits["test" if a > actors - test_actors else "train"].append((label, relpath))
        if not (root / relpath).exists():
            todo.append((root / relpath, name, a, c))
    bar = tqdm(total=len(jobs), initial=len(jobs) - len(todo), desc=f"generating {root.name}", disable=not progress)
    _write_clips(todo, params, workers, bar)
    bar.close()
    for subset, entries in splits.items():
        write_split_file(root / "splits" / f"ARID_split1_{subset}.txt", entries)
    if classes is not None:  # the readers' class list (splits.read_split_file), as Dark-48 keeps it
        write_text_atomic(root / "splits" / "classInd.txt", "".join(f"{i}\t{c}\n" for i, c in enumerate(classes)))
    return {"root": str(root), "params": params, "clips": {k: len(v) for k, v in splits.items()}}
