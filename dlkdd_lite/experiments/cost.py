"""cost.py: what a deployed classifier costs at inference: parameters, FLOPs, latency, throughput.

Compares the distilled student (one backbone on the dark clip) with the alternatives DL-KDD argues
against: enhance-then-classify and the two-stream dark+enhanced model. Knows nothing about training.

FLOPs are counted by ``torch.utils.flop_counter.FlopCounterMode``, which counts matrix products and
convolutions only, a multiply-add as 2 FLOPs; GFLOPs here = FLOPs / 1e9. Not counted: elementwise
work (normalisation, batch norm, ReLU, pooling, softmax), lookup tables (gamma correction),
histograms (histeq) and Zero-DCE's curve application (8 x 4 elementwise ops per value).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from functools import partial

import pandas as pd
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from dlkdd_lite.config import ENHANCERS
from dlkdd_lite.models import build_model
from dlkdd_lite.runtime.device import autocast, resolve_device
from dlkdd_lite.twostream import build_twostream

DEPLOYMENTS = ("student", "enhance+classify", "two-stream")
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def count_params(model: nn.Module) -> int:
    """All parameters, trainable or frozen (a frozen network still has to be stored and run)."""
    return sum(p.numel() for p in model.parameters())


def count_flops(fn: Callable[[], object]) -> int:
    """FLOPs that ``fn()`` performs, as ``FlopCounterMode`` counts them (see the module docstring).

    ``fn`` runs once under ``torch.inference_mode``.
    """
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())


def median_seconds(fn: Callable[[], object], *, device: torch.device, warmup: int = 2, repeats: int = 10) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs after ``warmup`` runs, under inference mode.

    On CUDA the device is synchronised before each clock read, so queued kernels are counted.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats >= 1 and warmup >= 0, got repeats={repeats}, warmup={warmup}")

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    times = []
    with torch.inference_mode():
        for i in range(warmup + repeats):
            sync()
            start = time.perf_counter()
            fn()
            sync()
            if i >= warmup:
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_inference_enhancer(
    name: str, *, weights: str | os.PathLike | None = None, gamma: float = 1.8
) -> tuple[Callable[[torch.Tensor], torch.Tensor], nn.Module | None]:
    """``(enhance, network)``: ``enhance`` maps a uint8 clip (T, H, W, C) to one of the same shape;
    ``network`` is the enhancer's ``nn.Module`` (Zero-DCE's DCE-Net) or None for gamma and histeq.

    ``"zerodce"`` without ``weights`` uses an untrained DCE-Net: weights change neither its FLOPs nor
    its speed, so cost can be measured before Zero-DCE is trained.
    """
    from dlkdd_lite.enhance.enhancers import build_enhancer

    if name not in ENHANCERS or name == "none":
        raise ValueError(f"unknown enhancer {name!r} for a deployment; expected one of {ENHANCERS[1:]}")
    if name != "zerodce":
        return build_enhancer(name, gamma=gamma), None
    from dlkdd_lite.enhance.zerodce import DCENet, load_zerodce, zerodce_enhance

    network = load_zerodce(weights) if weights else DCENet().eval().requires_grad_(False)
    return partial(zerodce_enhance, model=network), network


def _to_input(frames: torch.Tensor) -> torch.Tensor:
    """uint8 (B, T, H, W, C) -> normalised float (B, C, T, H, W), as data/dataset.py prepares clips."""
    mean = torch.tensor(IMAGENET_MEAN, device=frames.device).view(1, 3, 1, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=frames.device).view(1, 3, 1, 1, 1)
    return (frames.permute(0, 4, 1, 2, 3).float() / 255 - mean) / std  # (B, C, T, H, W)


def _enhance_batch(enhance: Callable, frames: torch.Tensor) -> torch.Tensor:
    # Clip by clip: histogram equalisation is defined per clip, and it is how a deployment sees video.
    return torch.stack([enhance(clip) for clip in frames])  # (B, T, H, W, C)


def deployment_fn(
    deployment: str, models: dict[str, nn.Module], enhance: Callable | None
) -> Callable[[torch.Tensor], torch.Tensor]:
    """``frames -> logits`` for one deployment: uint8 dark frames (B, T, H, W, C) -> logits (B, K).

    ``models`` holds ``"backbone"`` (student and enhance+classify) and ``"two_stream"``.
    """
    if deployment == "student":
        return lambda frames: models["backbone"](_to_input(frames))
    if deployment == "enhance+classify":
        return lambda frames: models["backbone"](_to_input(_enhance_batch(enhance, frames)))
    if deployment == "two-stream":
        return lambda frames: models["two_stream"](_to_input(frames), _to_input(_enhance_batch(enhance, frames)))
    raise ValueError(f"unknown deployment {deployment!r}; expected one of {DEPLOYMENTS}")


def inference_costs(
    arch: str,
    num_classes: int,
    num_frames: int,
    crop_size: int,
    enhancer: str,
    enhancer_weights: str | os.PathLike | None = None,
    *,
    gamma: float = 1.8,
    timing: bool = False,
    batch_size: int = 32,
    device: str = "cpu",
    amp: bool = True,
    repeats: int = 10,
    warmup: int = 2,
) -> pd.DataFrame:
    """One row per deployment (``DEPLOYMENTS``) of ``arch`` on clips of ``num_frames`` x ``crop_size``².

    Every deployment starts from the same uint8 dark frames (B, T, H, W, C) at the model's input
    size and ends with logits; the enhancer runs on those frames (enhancing full 320x240 ARID frames
    instead would multiply Zero-DCE's cost by 320*240 / crop_size²).

    Columns: ``deployment, arch, enhancer, num_frames, crop_size, params, gflops`` (per clip, batch
    1), ``enhancer_params, enhancer_gflops`` and the multiples of one backbone ``params_x,
    gflops_x`` (the backbone is built and counted separately, so the student's 1.0 is measured).
    With ``timing``: ``latency_ms`` (batch 1), ``throughput`` (clips/s at ``batch_size``),
    ``latency_x`` (multiple of the student's latency: > 1 is slower) and ``throughput_x`` (the
    student's throughput divided by this one's: > 1 is slower), ``batch_size``, ``device``.
    ``amp`` uses bf16/fp16 autocast on CUDA for the timings (FLOP counts do not depend on it).
    """
    torch_device = resolve_device(device)
    enhance, enhancer_net = build_inference_enhancer(enhancer, weights=enhancer_weights, gamma=gamma)
    backbone = build_model(arch, num_classes).eval().requires_grad_(False)
    reference = build_model(arch, num_classes).eval()  # the "single backbone" the multiples refer to
    models = {"backbone": backbone, "two_stream": build_twostream(arch, num_classes).eval().requires_grad_(False)}
    clip = torch.randint(0, 40, (1, num_frames, crop_size, crop_size, 3), dtype=torch.uint8)  # dark (B, T, H, W, C)

    ref_params = count_params(reference)
    ref_flops = count_flops(lambda: reference(_to_input(clip)))
    enhancer_params = count_params(enhancer_net) if enhancer_net is not None else 0
    enhancer_flops = count_flops(lambda: _enhance_batch(enhance, clip))
    params = {
        "student": count_params(backbone),
        "enhance+classify": count_params(backbone) + enhancer_params,
        "two-stream": count_params(models["two_stream"]) + enhancer_params,
    }
    rows = []
    for name in DEPLOYMENTS:
        flops = count_flops(partial(deployment_fn(name, models, enhance), clip))
        rows.append({
            "deployment": name, "arch": arch, "enhancer": enhancer, "num_frames": num_frames, "crop_size": crop_size,
            "params": params[name], "gflops": flops / 1e9,
            "enhancer_params": 0 if name == "student" else enhancer_params,
            "enhancer_gflops": 0.0 if name == "student" else enhancer_flops / 1e9,
            "params_x": params[name] / ref_params, "gflops_x": flops / ref_flops,
        })  # fmt: skip
    table = pd.DataFrame(rows)
    if timing:
        table = _add_timings(table, models, enhance, enhancer_net, clip, torch_device, amp, batch_size, repeats, warmup)
    return table


def _add_timings(table, models, enhance, enhancer_net, clip, device, amp, batch_size, repeats, warmup) -> pd.DataFrame:
    for model in models.values():
        model.to(device)
    if enhancer_net is not None:
        enhancer_net.to(device)
    batch = clip.repeat(batch_size, 1, 1, 1, 1).to(device)  # (N, T, H, W, C)
    single = clip.to(device)
    latency, throughput = [], []
    for name in table["deployment"]:
        fn = deployment_fn(name, models, enhance)

        def run(frames: torch.Tensor, fn=fn) -> None:
            with autocast(device, amp):
                fn(frames)

        latency.append(median_seconds(partial(run, single), device=device, warmup=warmup, repeats=repeats))
        seconds = median_seconds(partial(run, batch), device=device, warmup=warmup, repeats=max(1, repeats // 2))
        throughput.append(batch_size / seconds)
    table = table.assign(latency_ms=[s * 1000 for s in latency], throughput=throughput)
    table["latency_x"] = table["latency_ms"] / table["latency_ms"].iloc[0]
    table["throughput_x"] = table["throughput"].iloc[0] / table["throughput"]
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    return table.assign(batch_size=batch_size, device=name)
