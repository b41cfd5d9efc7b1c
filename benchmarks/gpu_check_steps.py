"""The measurements of gpu_check.py, one function per section; each returns rows for gpu_check.csv.

They reuse the other benchmarks' parts (step_options.build_steps, kd_overhead.bench_tier, pipeline.py as a
process, cost.inference_costs), so a GPU figure here and a CPU figure there measure the same thing.
Imported by gpu_check.py as ``gpu_check_steps`` (benchmarks run as scripts, with this folder on the path).
"""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
from common import ROOT, interleaved_medians
from kd_overhead import bench_tier
from step_options import build_steps

from dlkdd_lite.experiments.cost import inference_costs
from dlkdd_lite.runtime.device import amp_dtype

# name -> (step_options option, autocast on): the plain step in fp32 and in mixed precision, then the options.
TRAIN_VARIANTS = {"fp32": ("eager", False), "amp": ("eager", True), "amp+channels_last": ("channels_last", True)}
COMPILE_VARIANTS = {"amp": ("eager", True), "amp+compile": ("compile", True)}


@contextlib.contextmanager
def gpu_memory(device: torch.device, into: dict):
    """``into["peak_gpu_mem_gib"]``: the most GPU memory the block allocated beyond what was held before it
    (blank on a CPU)."""
    if device.type != "cuda":
        into["peak_gpu_mem_gib"] = ""
        yield into
        return
    torch.cuda.synchronize(device)
    before = torch.cuda.memory_allocated(device)
    torch.cuda.reset_peak_memory_stats(device)
    yield into
    torch.cuda.synchronize(device)
    into["peak_gpu_mem_gib"] = round((torch.cuda.max_memory_allocated(device) - before) / 2**30, 3)


def precision(device: torch.device, amp: bool) -> str:
    """What autocast runs in: ``bfloat16``, ``float16`` or ``float32`` (no autocast on a CPU)."""
    dtype = amp_dtype(device) if amp else None
    return str(dtype or torch.float32).removeprefix("torch.")


def train_step_rows(s: dict, device: torch.device, variants: dict, backend: str) -> list[dict]:
    """clips/s of a CE training step (forward, backward, AdamW) in each of ``variants``, timed in turns;
    ``speedup`` is over the first variant."""
    steps, extra = {}, {}
    for name, (option, amp) in variants.items():
        with gpu_memory(device, {}) as memory:
            built, first = build_steps(s, [option], device, amp, backend)
        steps[name] = built[option]
        extra[name] = {"precision": precision(device, amp), "first_step_s": round(first[option], 2), **memory}
    medians = interleaved_medians(steps, device, reps=s["reps"], warmup=s["warmup"])
    base = medians[next(iter(medians))]
    return [{"measure": "train_step", "variant": name, "value": round(s["batch"] / seconds, 2), "unit": "clips/s",
             "step_s": round(seconds, 5), "speedup": round(base / seconds, 3), "compile_backend": backend,
             **extra[name]} for name, seconds in medians.items()]  # fmt: skip


def kd_rows(s: dict, device: torch.device) -> list[dict]:
    """A KD step (student + frozen teacher) vs a CE step, in mixed precision."""
    with gpu_memory(device, {}) as memory:
        medians = bench_tier(s, device, True, s["reps"], s["warmup"])
    return [{"measure": "kd_step_vs_ce_step", "variant": "amp", "precision": precision(device, True),
             "value": round(medians["kd"] / medians["ce"], 3), "unit": "x", "ce_step_s": round(medians["ce"], 5),
             "kd_step_s": round(medians["kd"], 5), "teacher_forward_s": round(medians["teacher_forward"], 5),
             **memory}]  # fmt: skip


def inference_rows(s: dict, device: torch.device) -> list[dict]:
    """Latency (batch 1) and throughput (batch ``infer_batch``) of the three deployments, Zero-DCE as enhancer."""
    with gpu_memory(device, {}) as memory:
        table = inference_costs(s["arch"], 11, s["frames"], s["crop"], "zerodce", timing=True, repeats=s["reps"],
                                batch_size=s["infer_batch"], device=str(device), amp=True)  # fmt: skip
    return [{"measure": "inference", "variant": r["deployment"], "precision": precision(device, True),
             "value": round(r["throughput"], 2), "unit": f"clips/s at batch {s['infer_batch']}",
             "latency_ms": round(r["latency_ms"], 3), "gflops": round(r["gflops"], 3), **memory}
            for r in table.to_dict("records")]  # fmt: skip


def pipeline_rows(s: dict, device: torch.device, data: Path, variant: str, results: Path) -> list[dict]:
    """benchmarks/pipeline.py (its own process, its row in ``results``/pipeline.csv) on ``data``: training
    fed by ``workers`` loader processes (pinned memory, prefetch, persistent) vs on batches already there."""
    tier = "quick" if s["arch"] == "tiny3d" else "paper"  # how pipeline.csv labels the row
    cmd = [sys.executable, str(ROOT / "benchmarks" / "pipeline.py"), "--tier", tier, "--data", str(data),
           "--device", device.type, "--arch", s["arch"], "--frames", str(s["frames"]), "--crop", str(s["crop"]),
           "--batch", str(s["batch"]), "--workers", str(s["workers"]), "--short-side", "128",
           "--epochs", str(s["epochs"]), "--rounds", str(s["rounds"]), "--no-cache", "--results", str(results),
           "--notes", f"gpu-check: ARID-sized generated clips, {variant}"]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    with open(results / "pipeline.csv", newline="", encoding="utf-8") as f:
        row = list(csv.DictReader(f))[-1]
    return [{"measure": "end_to_end_vs_model_only", "variant": f"{variant}, {s['workers']} workers",
             "precision": precision(device, True), "value": row["value"], "unit": "x",
             **{k: row[k] for k in ("end_to_end_cps", "model_only_cps", "loader_only_cps")}}]  # fmt: skip


def _torchrun(s: dict, device: torch.device, data: Path, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "1",
           "-m", "dlkdd_lite.cli", "train", "--preset", "arid", "--role", "teacher", "--pretrained", "none",
           "--data", str(data), "--out", str(out), "--device", device.type, "--epochs", "3", "--arch", s["arch"],
           "--batch-size", str(s["batch"]), "--num-frames", str(s["frames"]), "--crop-size", str(s["crop"]),
           "--eval-clips", "1", "--num-workers", str(s["workers"]), "--quiet"]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def torchrun_rows(s: dict, device: torch.device, data: Path, work: Path) -> list[dict]:
    """A one-process ``torchrun`` run (NCCL on CUDA, gloo on a CPU) killed once its first epoch's checkpoint is
    saved, then run again: ``value`` 1 when it resumed (epoch 0's rows kept as they were) and finished."""
    from dlkdd_lite.checkpoint import load_checkpoint

    out = work / "torchrun_teacher"
    start = time.perf_counter()
    first = _torchrun(s, device, data, out)
    while first.poll() is None and not (out / "checkpoint.pt").exists():
        time.sleep(0.01)
    first.send_signal(signal.SIGTERM)  # torchrun passes it on to its worker
    _, err = first.communicate(timeout=120)
    if not (out / "checkpoint.pt").exists():
        raise RuntimeError(
            f"the torchrun run ended (code {first.returncode}) before its first checkpoint:\n{err[-2000:]}"
        )
    killed_at = load_checkpoint(out / "checkpoint.pt")["epoch"]
    interrupted = not (out / "result.json").exists()
    before = [r for r in (out / "metrics.csv").read_text().splitlines() if ",0,train," in r]
    first_s = time.perf_counter() - start
    second = _torchrun(s, device, data, out)
    _, err = second.communicate(timeout=600)
    if second.returncode != 0:
        raise RuntimeError(f"the resumed torchrun run failed (code {second.returncode}):\n{err[-2000:]}")
    after = [r for r in (out / "metrics.csv").read_text().splitlines() if ",0,train," in r]
    resumed = interrupted and before == after and load_checkpoint(out / "checkpoint.pt")["epoch"] == 2
    return [{"measure": "torchrun_kill_and_resume", "variant": "nccl" if device.type == "cuda" else "gloo",
             "value": int(resumed), "unit": "1 = resumed", "killed_after_epoch": killed_at,
             "interrupted": interrupted, "first_run_s": round(first_s, 1),
             "resumed_run_s": round(time.perf_counter() - start - first_s, 1)}]  # fmt: skip
