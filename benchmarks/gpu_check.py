"""GPU check: the paper tier's speed on the GPU a session has borrowed, in one command under 8 minutes.

    make gpu-check        # = .venv/bin/python benchmarks/gpu_check.py

On CUDA, at the paper tier (r2plus1d_18, 16x112x112, batch 32), one section after another:

1. ``train_step``: training clips/s of the CE step in fp32, in mixed precision (bf16 where native) and with
   channels-last;
2. ``pipeline``: end-to-end vs model-only training, 8 loader workers (pinned memory, prefetch, persistent),
   on ARID-sized generated clips (320x240, 30 fps, 3 s; 88 clips listed 6 times) prepared at short side 128
   (benchmarks/pipeline.py, which also appends its own row to pipeline.csv);
3. ``kd``: a KD step vs a CE step;
4. ``inference``: latency (batch 1) and throughput (batch 32) of student / enhance+classify / two-stream;
5. ``torchrun``: a one-process ``torchrun`` (NCCL) training run, killed after its first epoch, resumed;
6. ``pipeline_original``: the pipeline again on the 320x240 originals, decoded at short side 128;
7. ``compile``: the mixed-precision step with and without ``torch.compile`` (inductor; its first step,
   the compilation, is reported apart).

Every row records the device's name, the settings, the peak GPU memory the measurement took and the
section. Rows are appended to benchmarks/results/gpu_check.csv after each section, so a session that ends
early keeps what was measured; a section that might end after ``--budget`` seconds (ALLOWANCE) is skipped
(a row says so). On a CPU the same sections run at a tiny size (tiny3d on 4x32x32 clips, batch 2, gloo,
compile backend eager), ``scale=tiny``: the test suite's proof that the script works, not a measurement.
On a borrowed machine without the kit installed, see docs/performance.md ("When a GPU is there").
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import tempfile
import time
import traceback
from pathlib import Path

import gpu_check_steps as steps
from common import add_run_arguments, run_info, save_rows, start_torch

SCALES = {
    "paper": dict(arch="r2plus1d_18", frames=16, crop=112, batch=32, infer_batch=32, workers=8, reps=20, warmup=3,
                  epochs=2, rounds=3, classes=11, train_per_class=8, test_per_class=2, seconds=3.0, repeat=6,
                  data_workers=None),
    # The CPU's proof that every section runs: tiny3d, whose steps take milliseconds here (r2plus1d_18's take seconds).
    "tiny": dict(arch="tiny3d", frames=4, crop=32, batch=2, infer_batch=2, workers=1, reps=2, warmup=1,
                 epochs=1, rounds=1, classes=2, train_per_class=2, test_per_class=1, seconds=1.0, repeat=1,
                 data_workers=1),
}  # fmt: skip
SECTIONS = ("train_step", "pipeline", "kd", "inference", "torchrun", "pipeline_original", "compile")
# Seconds a section may take at the paper tier on one GPU (guesses until measured: pipeline's include making
# the clips, which it is the first to need; compile's, inductor compiling R(2+1)D-18's forward and backward).
# A section starts only if it can end within --budget.
ALLOWANCE = {"train_step": 40, "pipeline": 80, "kd": 20, "inference": 30, "torchrun": 60, "pipeline_original": 45,
             "compile": 150}  # fmt: skip


def make_data(s: dict, work: Path) -> dict[str, Path]:
    """ARID-sized clips written as an ARID archive, installed with ``dlkdd download``'s code and prepared at
    short side 128, as a user's ARID would be: ``{"original": root, "prepared": root}``."""
    from dlkdd_lite.data.acquire.download import download_dataset
    from dlkdd_lite.data.acquire.prepare import prepare_dataset
    from dlkdd_lite.data.synth.arid import write_arid_archive

    workers = s["data_workers"] or os.cpu_count() or 1
    archive = write_arid_archive(work / "ARID_v1", classes=s["classes"], train_per_class=s["train_per_class"],
                                 test_per_class=s["test_per_class"], seconds=s["seconds"], workers=workers)  # fmt: skip
    original = work / "arid"
    download_dataset("arid", original, archives=[archive["root"]], lists=archive["lists"], progress=False)
    repeat_train_list(original, s["repeat"])  # before prepare, which copies the lists
    prepared = work / "arid-s128"
    prepare_dataset(original, prepared, short_side=128, workers=workers, progress=False)
    return {"original": original, "prepared": prepared}


def repeat_train_list(root: Path, times: int) -> None:
    """List each training clip ``times`` times: epochs long enough to keep 8 loader workers busy, without
    encoding hundreds of clips. Each listing is a sample of its own (random start and crop, decoded afresh)."""
    from dlkdd_lite.data.splits import find_split_file, read_split_file, write_split_file

    path = find_split_file(root, 1, "train")
    write_split_file(path, [(e.label, e.relpath) for e in read_split_file(path)] * times)


def run_section(name: str, s: dict, device, data, work: Path, results: Path, backend: str) -> list[dict]:
    """The rows of section ``name`` (see the module docstring); ``data()`` makes the clips when first asked."""
    if name == "train_step":
        return steps.train_step_rows(s, device, steps.TRAIN_VARIANTS, backend)
    if name == "compile":
        return steps.train_step_rows(s, device, steps.COMPILE_VARIANTS, backend)
    if name in ("pipeline", "pipeline_original"):
        variant = "prepared at short side 128" if name == "pipeline" else "320x240 originals, decoded at 128"
        return steps.pipeline_rows(s, device, data()["prepared" if name == "pipeline" else "original"], variant,
                                   results)  # fmt: skip
    if name == "kd":
        return steps.kd_rows(s, device)
    if name == "inference":
        return steps.inference_rows(s, device)
    if name == "torchrun":
        return steps.torchrun_rows(s, device, data()["prepared"], work)
    raise ValueError(f"unknown section {name!r}; expected one of {SECTIONS}")


def run_sections(args, scale: str, device, info: dict, work: Path, start: float) -> list[str]:
    """Each section in turn, its rows appended as soon as it ends; returns the names of those that failed."""
    s, failed = SCALES[scale], []
    backend = "inductor" if device.type == "cuda" else "eager"  # inductor on a CPU needs a C++ compiler, and minutes
    data = functools.cache(lambda: make_data(s, work))
    for name in args.sections:
        began = time.perf_counter() - start
        allowance = ALLOWANCE[name] if scale == "paper" else 0
        if began + allowance > args.budget:
            rows = [{"measure": name, "skipped": f"time budget: {began:.0f} s spent, {allowance} s needed, "
                                                 f"{args.budget:.0f} s allowed"}]  # fmt: skip
        else:
            try:
                rows = run_section(name, s, device, data, work, Path(args.results), backend)
            except Exception as err:  # one failed section must not lose the others' rows
                failed.append(name)
                traceback.print_exc()
                rows = [{"measure": name, "error": f"{type(err).__name__}: {err}"[:500]}]
        seconds = round(time.perf_counter() - start - began, 1)
        save_rows(args.results, "gpu_check.csv", [{**info, "section": name, "section_s": seconds, **r} for r in rows])
        for r in rows:
            shown = r.get("skipped") or r.get("error") or f"{r['value']} {r['unit']}"
            print(f"  {name}: {r.get('variant', '')} {shown} ({seconds} s)", flush=True)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("auto", *SCALES), default="auto", help="auto: paper on CUDA, else tiny")
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--budget", type=float, default=450.0,
                        help="seconds; a section that might end later is skipped (default: 7.5 minutes)")  # fmt: skip
    parser.add_argument("--work", help="folder for the generated data and runs (default: a temporary one, removed)")
    add_run_arguments(parser)
    args = parser.parse_args()
    start = time.perf_counter()
    device, _ = start_torch(args)
    scale = ("paper" if device.type == "cuda" else "tiny") if args.scale == "auto" else args.scale
    s = SCALES[scale]
    info = run_info(device, scale=scale, **{k: s[k] for k in ("arch", "frames", "crop", "batch", "workers")},
                    notes=args.notes)  # fmt: skip
    print(f"gpu-check on {info['device']}, scale {scale}, budget {args.budget:.0f} s", flush=True)
    work = Path(args.work or tempfile.mkdtemp(prefix="gpu_check_"))
    try:
        failed = run_sections(args, scale, device, info, work, start)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"gpu-check done in {time.perf_counter() - start:.0f} s", flush=True)
    if failed:
        raise SystemExit(f"sections failed: {', '.join(failed)} (their errors are in the rows and above)")


if __name__ == "__main__":
    main()
