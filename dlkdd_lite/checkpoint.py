"""checkpoint.py: saving and loading run state; a checkpoint carries its own config.

Loading rebuilds the model through the same factory, with ``torch.load(weights_only=True)``.
Knows nothing about data or loops.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from dlkdd_lite.config import RunConfig
from dlkdd_lite.models import build_model
from dlkdd_lite.runtime.atomic import save_atomic


def save_checkpoint(path: str | os.PathLike, state: dict) -> None:
    """Write ``state`` (must hold ``"config"`` and ``"model"``) atomically."""
    if "config" not in state or "model" not in state:
        raise ValueError("a checkpoint must hold 'config' and 'model'")
    save_atomic(path, lambda tmp: torch.save(state, tmp))


def load_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict:
    """Read a checkpoint written by ``save_checkpoint`` (tensors and plain data only)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:
        raise ValueError(f"cannot read checkpoint {path}: {err}") from err
    if not isinstance(state, dict) or "config" not in state or "model" not in state:
        raise ValueError(f"{path} is not a dlkdd checkpoint (expected a dict with 'config' and 'model')")
    return state


def build_run_model(config: RunConfig, *, pretrained: str | os.PathLike | None = None) -> nn.Module:
    """The model a run of ``config`` trains: one backbone of ``config.arch``, or two for role
    ``"twostream"`` (called as ``model(dark, enhanced)``)."""
    if config.role == "twostream":
        from dlkdd_lite.twostream import build_twostream

        return build_twostream(config.arch, config.num_classes, pretrained=pretrained)
    return build_model(config.arch, config.num_classes, pretrained=pretrained)


def load_model(path: str | os.PathLike, device: str | torch.device = "cpu") -> tuple[nn.Module, RunConfig]:
    """Rebuild the model saved in a checkpoint; returns ``(model in eval mode, its config)``."""
    state = load_checkpoint(path, map_location=device)
    config = RunConfig.from_dict(state["config"])
    model = build_run_model(config)
    model.load_state_dict(state["model"])
    return model.to(device).eval(), config
