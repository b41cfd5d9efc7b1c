"""device.py: choosing a device, mixed precision, cuDNN tuning and RNG state; the only place that
branches on hardware.

Nothing here is CUDA-only: every function works on CPU, CUDA and Apple's MPS.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


def resolve_device(name: str = "auto") -> torch.device:
    """``"auto"`` picks CUDA, then MPS, then CPU; an explicit name that is unavailable raises."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' requested but torch.cuda.is_available() is False; use --device auto or cpu")
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise RuntimeError("device 'mps' requested but MPS is not available; use --device auto or cpu")
    if name not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unknown device {name!r}; expected auto, cpu, cuda or mps")
    return torch.device(name)


def amp_dtype(device: torch.device) -> torch.dtype | None:
    """bf16 where the GPU runs it natively (Ampere and later), else fp16; None (full precision) on CPU and MPS."""
    if device.type != "cuda":
        return None
    try:  # older GPUs (V100, T4) only emulate bf16, slower than fp16 with a loss scaler
        native = torch.cuda.is_bf16_supported(including_emulation=False)
    except TypeError:  # torch < 2.5 counted native support only
        native = torch.cuda.is_bf16_supported()
    return torch.bfloat16 if native else torch.float16


def autocast(device: torch.device, enabled: bool):
    """A mixed-precision context on CUDA when enabled; a no-op elsewhere."""
    dtype = amp_dtype(device) if enabled else None
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def grad_scaler(device: torch.device, enabled: bool) -> torch.amp.GradScaler:
    """A loss scaler, active only for fp16 (bf16 and fp32 need none)."""
    active = enabled and amp_dtype(device) == torch.float16
    return torch.amp.GradScaler(device.type if device.type == "cuda" else "cpu", enabled=active)


@contextlib.contextmanager
def cuda_tuning(device: torch.device) -> Iterator[None]:
    """cuDNN autotuning for the duration of a run on CUDA; the previous setting comes back after.

    A run feeds clips of one fixed shape, so the search for the fastest convolution algorithms is
    paid once in the first steps. The algorithms chosen may differ between processes, so CUDA
    runs agree in the last bits only. A no-op elsewhere.
    """
    if device.type != "cuda":
        yield
        return
    previous = torch.backends.cudnn.benchmark
    torch.backends.cudnn.benchmark = True
    try:
        yield
    finally:
        torch.backends.cudnn.benchmark = previous


def rng_state(device: torch.device) -> dict[str, torch.Tensor]:
    """This process's random-number state (the CPU's, and the GPU's on CUDA), for checkpoints."""
    state = {"cpu": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(state: dict[str, torch.Tensor], device: torch.device) -> None:
    """Restore what ``rng_state`` returned (a GPU state only where the run is on CUDA again)."""
    torch.set_rng_state(state["cpu"].cpu())  # a checkpoint loaded onto the GPU holds them there
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"].cpu(), device)
