"""Decoding benchmark: the kit's clip reader vs a bare decord call, and PyAV for reference.

On the same files and the same frame indices, three readers return uint8 (T, H, W, C) frames:

- ``kit``: ``dlkdd_lite.data.video.read_clip(path, indices)`` (decord, one decoding thread);
- ``decord``: ``decord.VideoReader(path, num_threads=1).get_batch(indices).asnumpy()``, the same
  call without the kit's checks; target: kit >= 0.95x its speed. ``decord_auto`` (decord's own
  thread count) is reported beside it;
- ``pyav``: PyAV decoding the stream in order up to the last index wanted.

Two sets of files: generated quick-tier clips (64x64, 15 fps, 32 frames; ``--data``, generated when
absent) and ARID-sized clips (320x240, 30 fps, 3-10 s, a dark moving scene through the kit's camera
model, H.264) written to a temporary folder. Two reads: a 16-frame clip (stride 2, random start,
as training reads) and the whole video (what the in-memory decode cache reads). Decoding runs on
the CPU whatever ``--device`` says.

Then, on the ARID-sized clips, decoding at a short side (``--short-side``, the paper tier's 128): the
decoder scaling each frame (``read_clip(path, size=...)``, what datasets do) vs decoding full frames
and resizing them afterwards (``decode_cache.resize_short_side``); ``value`` is the speed-up.
Appends rows to benchmarks/results/decode.csv.

    .venv/bin/python benchmarks/decode.py [--quick-clips 24 --arid-clips 4 --reps 8]
"""

from __future__ import annotations

import argparse
import tempfile
from functools import partial
from pathlib import Path

import av
import numpy as np
import torch
from common import ROOT, add_run_arguments, interleaved_medians, run_info, save_rows, verdict
from tqdm.auto import tqdm

from dlkdd_lite.data.decode_cache import decode_size, resize_short_side
from dlkdd_lite.data.encode import write_video
from dlkdd_lite.data.sampling import sample_frame_indices
from dlkdd_lite.data.synth.arid import arid_sized_frames
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.data.video import read_clip, video_num_frames
from dlkdd_lite.runtime.device import resolve_device

TARGET = 0.95


def write_arid_sized_clips(folder: Path, count: int, *, seed: int = 0) -> list[Path]:
    """``count`` dark 320x240 clips at 30 fps, 3 to 10 s long (``data.synth.arid.arid_sized_frames``: a lit gradient
    with a moving blob, filmed through ``synth.darken``, as ARID's cameras), encoded as H.264."""
    rng = np.random.default_rng(seed)
    paths = []
    for i, seconds in enumerate(np.linspace(3, 10, count)):
        path = folder / f"arid_sized_{i}.mp4"
        write_video(path, arid_sized_frames(round(seconds * 30), rng=rng, phase=i), fps=30)
        paths.append(path)
    return paths


def read_decord(path: Path, indices: list[int] | None, threads: int) -> np.ndarray:
    import decord  # after torch (imported above): decord2 imported first crashes CUDA builds of torch

    reader = decord.VideoReader(str(path), num_threads=threads)
    return reader.get_batch(indices if indices is not None else list(range(len(reader)))).asnumpy()


def read_pyav(path: Path, indices: list[int] | None) -> np.ndarray:
    """Decode in order up to the last index wanted; keep the wanted frames (repeats allowed)."""
    with av.open(str(path)) as container:
        frames = {}
        last = max(indices) if indices is not None else None
        for n, frame in enumerate(container.decode(video=0)):
            if indices is None or n in indices:
                frames[n] = frame.to_ndarray(format="rgb24")
            if last is not None and n >= last:
                break
    order = indices if indices is not None else sorted(frames)
    return np.stack([frames[i] for i in order])  # (T, H, W, C)


def bench_files(paths: list[Path], mode: str, reps: int, device) -> dict:
    """Summed median seconds per reader over ``paths`` for ``mode`` ("clip16" or "whole")."""
    totals = {"kit": 0.0, "decord": 0.0, "decord_auto": 0.0, "pyav": 0.0}
    frames = 0
    g = torch.Generator().manual_seed(0)
    for path in tqdm(paths, desc=f"decoding ({mode})", leave=False):
        n = video_num_frames(path)
        indices = None
        if mode == "clip16":
            indices = [int(i) for i in sample_frame_indices(n, 16, frame_stride=2, generator=g)]
        kit = read_clip(path, indices)
        if not np.array_equal(kit, read_decord(path, indices, 1)):
            raise RuntimeError(f"kit and bare decord disagree on {path}: the comparison would be unfair")
        if read_pyav(path, indices).shape != kit.shape:
            raise RuntimeError(f"PyAV returned another shape than decord for {path}")
        frames += len(kit)
        # The pair under test is timed in turns on its own: PyAV's and decord's worker threads left
        # winding down would slow whichever reader ran next.
        medians = interleaved_medians(
            {"kit": partial(read_clip, path, indices), "decord": partial(read_decord, path, indices, 1)},
            device,
            reps=reps,
        )
        medians |= interleaved_medians(
            {"decord_auto": partial(read_decord, path, indices, 0), "pyav": partial(read_pyav, path, indices)},
            device,
            reps=reps,
        )
        for name, seconds in medians.items():
            totals[name] += seconds
    return {"frames": frames, **totals}


def decode_then_resize(path: Path, short_side: int) -> np.ndarray:
    return resize_short_side(torch.from_numpy(read_clip(path)), short_side).numpy()


def bench_scaling(paths: list[Path], short_side: int, reps: int, device) -> dict:
    """Summed median seconds over ``paths`` of whole videos at ``short_side``: decoder-scaled vs resized after."""
    totals, frames = {"scaled": 0.0, "resized": 0.0}, 0
    for path in tqdm(paths, desc=f"decoding at short side {short_side}", leave=False):
        scaled = partial(read_clip, path, size=decode_size(path, short_side))
        resized = partial(decode_then_resize, path, short_side)
        shape = scaled().shape
        if shape != resized().shape:
            raise RuntimeError(f"the two ways gave frames of different sizes for {path}")
        frames += shape[0]
        for name, seconds in interleaved_medians({"scaled": scaled, "resized": resized}, device, reps=reps).items():
            totals[name] += seconds
    return {"frames": frames, **totals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "data" / "quick"),
                        help="quick-tier data (generated if absent)")  # fmt: skip
    parser.add_argument("--quick-clips", type=int, default=24, help="how many quick-tier files to read")
    parser.add_argument("--arid-clips", type=int, default=4, help="how many ARID-sized files to write and read")
    parser.add_argument("--reps", type=int, default=8, help="timed reads per file and reader (medians kept)")
    parser.add_argument("--short-side", type=int, default=128, help="short side for the decoder-scaling comparison")
    add_run_arguments(parser, threads=False)
    args = parser.parse_args()
    device = resolve_device(args.device)
    cpu = torch.device("cpu")  # decoding is CPU work; the row records the CPU
    info = run_info(cpu, requested_device=str(device), reps=args.reps, notes=args.notes)

    data = Path(args.data)
    if not (data / "synth.json").exists() and not (data / "splits").exists():
        generate_dataset(data, progress=False)
    every = sorted(data.glob("*/*.mp4"))
    quick = every[:: max(1, len(every) // max(1, args.quick_clips))][: args.quick_clips]  # spread over classes
    if not quick:
        raise SystemExit(f"no .mp4 files under {data}/<Class>/; expected an ARID-layout folder")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        arid = write_arid_sized_clips(Path(tmp), args.arid_clips)
        sets = {"generated 64x64 15fps": quick, "arid-sized 320x240 30fps 3-10s": arid}
        for name, paths in sets.items():
            for mode in ("clip16", "whole"):
                r = bench_files(paths, mode, args.reps, cpu)
                ratio = r["decord"] / r["kit"]
                rows.append({**info, "measure": "reader_vs_decord", "files": name, "n_files": len(paths),
                             "read": mode, "frames": r["frames"], "kit_s": round(r["kit"], 5),
                             "decord_s": round(r["decord"], 5), "decord_auto_s": round(r["decord_auto"], 5),
                             "pyav_s": round(r["pyav"], 5), "kit_fps": round(r["frames"] / r["kit"], 1),
                             "value": round(ratio, 3), "target": f">= {TARGET}",
                             "verdict": verdict(ratio, TARGET, at_least=True),
                             "pyav_vs_kit": round(r["pyav"] / r["kit"], 3)})  # fmt: skip
                print(f"{name}, {mode} ({r['frames']} frames in {len(paths)} files): kit {r['kit'] * 1e3:.1f} ms, "
                      f"bare decord {r['decord'] * 1e3:.1f} ms (auto threads {r['decord_auto'] * 1e3:.1f}), "
                      f"PyAV {r['pyav'] * 1e3:.1f} ms; kit speed / decord = {ratio:.3f}x "
                      f"(target >= {TARGET}: {rows[-1]['verdict']}); PyAV takes {rows[-1]['pyav_vs_kit']:.2f}x "
                      "the kit's time")  # fmt: skip
        r = bench_scaling(arid, args.short_side, args.reps, cpu)
        speedup = r["resized"] / r["scaled"]
        rows.append({**info, "measure": "decoder_scaling_vs_resize", "files": "arid-sized 320x240 30fps 3-10s",
                     "n_files": len(arid), "read": f"whole, short side {args.short_side}", "frames": r["frames"],
                     "scaled_s": round(r["scaled"], 5), "resized_s": round(r["resized"], 5),
                     "value": round(speedup, 3)})  # fmt: skip
        print(
            f"whole ARID-sized videos at short side {args.short_side}: scaled by the decoder "
            f"{r['scaled'] * 1e3:.1f} ms, decoded then resized {r['resized'] * 1e3:.1f} ms: {speedup:.2f}x faster"
        )
    save_rows(args.results, "decode.csv", rows)


if __name__ == "__main__":
    main()
