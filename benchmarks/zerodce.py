"""Zero-DCE benchmark: its cost against the teacher's own forward pass, and what it does to brightness.

1. Cost: enhancing one clip of ``--frames`` x ``--size`` x ``--size`` (default 16 x 112 x 112) with
   DCE-Net vs one forward pass of the teacher on the same clip, for tiny3d (quick tier) and
   r2plus1d_18 (paper tier); target: enhancement <= 2x the teacher. Median of ``--reps`` runs.
2. Brightness: Zero-DCE trained on the quick tier's dark training frames (``dlkdd zerodce``
   defaults), then applied to the test clips; target: mean brightness in 0.4-0.6 with <= 1 %
   clipped values.

Appends rows to benchmarks/results/zerodce.csv (or ``--results``).

    .venv/bin/python benchmarks/zerodce.py [--data data/quick] [--frames 16 --size 112 --reps 5]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from common import save_rows

from dlkdd_lite.data.splits import find_split_file, read_split_file, resolve_video
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.data.video import read_clip
from dlkdd_lite.enhance.quality import quality_stats
from dlkdd_lite.enhance.zerodce import DCENet, zerodce_enhance
from dlkdd_lite.enhance.zerodce_train import dark_frames, train_zerodce
from dlkdd_lite.models import build_model

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(fn, reps: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "data" / "quick"), help="quick-tier data (generated if absent)")
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--size", type=int, default=112)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--steps", type=int, default=300, help="Zero-DCE training steps")
    parser.add_argument("--results", default=str(ROOT / "benchmarks" / "results"))
    args = parser.parse_args()
    torch.manual_seed(0)
    info = {"date": datetime.date.today().isoformat(), "machine": platform.machine(),
            "threads": torch.get_num_threads(), "torch": torch.__version__, "device": "cpu"}  # fmt: skip

    clip = torch.randint(0, 40, (args.frames, args.size, args.size, 3), dtype=torch.uint8)  # (T, H, W, C)
    batch = clip.permute(3, 0, 1, 2)[None].float() / 255  # (1, C, T, H, W)
    dce = DCENet().eval()
    enhance_s = median_seconds(lambda: zerodce_enhance(clip, dce), args.reps)
    rows = []
    for arch in ("tiny3d", "r2plus1d_18"):
        teacher = build_model(arch, 11).eval()
        with torch.no_grad():
            teacher_s = median_seconds(lambda teacher=teacher: teacher(batch), args.reps)
        ratio = enhance_s / teacher_s
        rows.append({**info, "measure": f"enhance_vs_{arch}_forward", "clip": f"{args.frames}x{args.size}x{args.size}",
                     "enhance_s": round(enhance_s, 4), "teacher_s": round(teacher_s, 4), "value": round(ratio, 3),
                     "target": "<= 2"})  # fmt: skip
        print(f"Zero-DCE on a {args.frames}x{args.size}x{args.size} clip: {enhance_s * 1000:.0f} ms; "
              f"{arch} forward: {teacher_s * 1000:.0f} ms; ratio {ratio:.2f}x (target <= 2x)")  # fmt: skip

    data = Path(args.data)
    if not (data / "synth.json").exists() and not (data / "splits").exists():
        generate_dataset(data, progress=False)
    frames = dark_frames(data, find_split_file(data, 1, "train"), 512)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        model = train_zerodce(frames, tmp, steps=args.steps, progress=False)
        train_s = time.perf_counter() - start
    test = [resolve_video(data, e.relpath) for e in read_split_file(find_split_file(data, 1, "test"))]
    stats = [quality_stats(zerodce_enhance(torch.from_numpy(read_clip(p)), model)) for p in test]
    dark = [quality_stats(read_clip(p)) for p in test[:10]]
    brightness = float(np.mean([s["mean_brightness"] for s in stats]))
    clipped = float(np.mean([s["clipped_fraction"] for s in stats]))
    print(f"Zero-DCE trained {args.steps} steps in {train_s:.0f} s; on {len(test)} test clips: mean brightness "
          f"{brightness:.3f} (dark {np.mean([s['mean_brightness'] for s in dark]):.3f}; target 0.4-0.6), "
          f"clipped {clipped:.2%} (target <= 1 %)")  # fmt: skip
    rows.append({**info, "measure": "mean_brightness_after", "clip": str(data.name), "enhance_s": "",
                 "teacher_s": round(train_s, 1), "value": round(brightness, 4), "target": "0.4-0.6"})  # fmt: skip
    rows.append({**info, "measure": "clipped_fraction_after", "clip": str(data.name), "enhance_s": "",
                 "teacher_s": "", "value": round(clipped, 5), "target": "<= 0.01"})  # fmt: skip
    save_rows(args.results, "zerodce.csv", rows)


if __name__ == "__main__":
    main()
