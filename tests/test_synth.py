"""The generated dataset: ARID's layout and list format, determinism, resuming, darkness, bad input."""

import json
import re

import numpy as np
import pytest

from dlkdd_lite.data.encode import write_video
from dlkdd_lite.data.splits import ARID_CLASSES, read_split_file
from dlkdd_lite.data.synth.generate import darken, generate_dataset, render_clip
from dlkdd_lite.data.video import read_clip

TINY = dict(actors=3, test_actors=1, clips_per_actor=1, num_frames=8, size=32, progress=False)


def test_layout_and_split_files(tiny_arid):
    lines = (tiny_arid / "splits" / "ARID_split1_train.txt").read_text().splitlines()
    assert len(lines) == 22 and all(re.fullmatch(r"\d+\t\d+\t[A-Z][a-z]+/[A-Z][a-z]+_\d+_\d+\.mp4", x) for x in lines)
    assert lines[0] == "0\t0\tDrink/Drink_1_1.mp4"
    test = read_split_file(tiny_arid / "splits" / "ARID_split1_test.txt")
    assert {e.relpath.split("_")[1] for e in test} == {"3"}, "the last actor is held out for testing"
    assert sorted(p.name for p in tiny_arid.iterdir() if p.is_dir() and p.name != "splits") == sorted(ARID_CLASSES)
    manifest = json.loads((tiny_arid / "synth.json").read_text())
    assert manifest["params"]["actors"] == 3 and manifest["classes"] == list(ARID_CLASSES)


def test_clips_decode_dark_like_arid(tiny_arid):
    clip = read_clip(tiny_arid / "Walk" / "Walk_1_1.mp4")
    assert clip.shape == (16, 64, 64, 3) and clip.dtype == np.uint8
    means = [read_clip(p).mean() / 255 for p in sorted(tiny_arid.glob("*/*_1_1.mp4"))]
    brightness = json.loads((tiny_arid / "synth.json").read_text())["params"]["brightness"]
    assert 0.75 * brightness < np.mean(means) < 1.25 * brightness, "the mean pixel is the brightness asked for"


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    runs = (("a", 1, 1), ("b", 1, 2), ("c", 2, 2))  # (folder, seed, worker processes)
    a, b, c = (generate_dataset(tmp_path / n, seed=s, workers=w, **TINY) for n, s, w in runs)
    for rel in ("Run/Run_1_1.mp4", "Sit/Sit_3_1.mp4"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
        assert (tmp_path / "a" / rel).read_bytes() != (tmp_path / "c" / rel).read_bytes()
    assert a["clips"] == {"train": 22, "test": 11}


def test_resume_regenerates_only_what_is_missing(tmp_path):
    generate_dataset(tmp_path, **TINY)
    victim, other = tmp_path / "Wave" / "Wave_2_1.mp4", tmp_path / "Jump" / "Jump_1_1.mp4"
    original, stamp = victim.read_bytes(), other.stat().st_mtime_ns
    victim.unlink()
    generate_dataset(tmp_path, **TINY)
    assert victim.read_bytes() == original and other.stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("**/*.tmp")), "no temporary files left behind"


def test_other_parameters_in_the_same_root_are_refused(tmp_path):
    generate_dataset(tmp_path, **TINY)
    with pytest.raises(ValueError, match=r"other parameters \(num_frames differ"):
        generate_dataset(tmp_path, **{**TINY, "num_frames": 9})


def test_each_class_moves_differently():
    rng = np.random.default_rng(0)
    clips = {name: render_clip(name, rng=np.random.default_rng(1), num_frames=16, size=64) for name in ARID_CLASSES}
    motion = {name: np.abs(np.diff(c, axis=0)).mean() for name, c in clips.items()}
    assert motion["Run"] > motion["Walk"] > 0, "running moves more pixels per frame than walking"
    flat = np.stack([c.reshape(-1) for c in clips.values()])
    distances = np.linalg.norm(flat[:, None] - flat[None], axis=-1)
    assert (distances + np.eye(len(flat)) * 1e9).min() > 1.0, "no two classes render the same clip"
    dark = darken(clips["Walk"], rng=rng, brightness=0.075)
    assert dark.dtype == np.uint8 and abs(dark.mean() / 255 - 0.075) < 0.03


@pytest.mark.parametrize("kwargs, match", [
    (dict(size=50), "size must be a multiple of 16"),
    (dict(size=48), "decord2 mis-decodes"),
    (dict(num_frames=4), "num_frames must be >= 8"),
    (dict(actors=3, test_actors=3), r"test_actors must be in \[1, actors=3\)"),
    (dict(brightness=1.5), r"brightness must be in \(0, 1\)"),
])  # fmt: skip
def test_invalid_arguments_are_named(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        generate_dataset(tmp_path, **{**TINY, **kwargs})
    with pytest.raises(ValueError, match="unknown class 'Dance'"):
        render_clip("Dance", rng=np.random.default_rng(0), num_frames=8, size=32)


def test_write_video_checks_its_input_and_is_deterministic(tmp_path):
    frames = np.random.default_rng(0).integers(0, 256, (6, 32, 64, 3), dtype=np.uint8)
    write_video(tmp_path / "a.mp4", frames, 10)
    write_video(tmp_path / "b.mp4", frames, 10)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()
    assert read_clip(tmp_path / "a.mp4").shape == frames.shape
    for bad, match in [(frames.astype(np.float32), "uint8"), (frames[:, :31], "even"), (frames[0], r"\(T>=1")]:
        with pytest.raises(ValueError, match=match):
            write_video(tmp_path / "c.mp4", bad, 10)
    assert not (tmp_path / "c.mp4").exists()
