"""enhancers.py: low-light enhancement of clips (gamma correction, histogram equalisation).

Pure functions on clips before normalisation; knows nothing about models or files.
Works on uint8 clips (any layout; gamma via a lookup table) and float clips in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch

from dlkdd_lite.config import ENHANCERS


def gamma_correct(clip: torch.Tensor, gamma: float = 1.8) -> torch.Tensor:
    """Gamma intensity correction, ``out = in ** (1 / gamma)``: gamma > 1 brightens.

    The convention of dark-video work (DarkLight's GIC, Chen et al. 2021, default 1.8 here).

    Args:
        clip: uint8 tensor (values 0-255) or float tensor in [0, 1], any shape
            (e.g. (T, H, W, C) decoded or (C, T, H, W)).
        gamma: a finite number > 0; 1 is the identity.

    Returns:
        A tensor of the same shape and dtype. uint8 goes through a 256-entry lookup table
        (rounded), so it is as fast as indexing.
    """
    gamma = float(gamma)
    if not (gamma > 0 and gamma < float("inf")):
        raise ValueError(f"gamma must be a finite number > 0 (1 = unchanged, >1 brightens), got {gamma}")
    if clip.dtype == torch.uint8:
        levels = torch.arange(256, dtype=torch.float64, device=clip.device) / 255.0
        lut = torch.round(levels.pow(1.0 / gamma) * 255.0).to(torch.uint8)
        return lut[clip.long()]
    if not clip.is_floating_point():
        raise TypeError(f"gamma_correct expects a uint8 or float clip, got dtype {clip.dtype}")
    if clip.numel() and (clip.min() < 0 or clip.max() > 1):
        raise ValueError(
            f"float clips must lie in [0, 1], got range [{clip.min():.3f}, {clip.max():.3f}]; "
            "divide uint8 frames by 255 first"
        )
    return clip.clamp_min(0).pow(1.0 / gamma)


def histogram_equalize(clip: torch.Tensor) -> torch.Tensor:
    """Global histogram equalisation over the whole clip, per colour channel.

    One lookup table per channel built from the clip's histogram (not per frame, so brightness does
    not flicker from frame to frame). A contrasting enhancer to gamma: it stretches the levels that
    are frequent, so it also stretches the noise floor of a dark video.

    Args:
        clip: uint8 (T, H, W, C), as decoded. Float clips in [0, 1] are quantised to uint8 first and
            returned as float in [0, 1].

    Returns:
        Same shape and dtype as the input.
    """
    if clip.ndim != 4 or clip.shape[-1] not in (1, 3):
        raise ValueError(f"histogram_equalize expects (T, H, W, C) with C in (1, 3), got {tuple(clip.shape)}")
    as_float = clip.is_floating_point()
    if as_float:
        clip = (clip.clamp(0, 1) * 255).round().to(torch.uint8)
    elif clip.dtype != torch.uint8:
        raise TypeError(f"histogram_equalize expects uint8 or float, got {clip.dtype}")
    channels = []
    for c in range(clip.shape[-1]):
        values = clip[..., c].reshape(-1).long()
        hist = torch.bincount(values, minlength=256).double()
        cdf = hist.cumsum(0)
        cdf_min = cdf[hist > 0][0]
        denom = (cdf[-1] - cdf_min).clamp_min(1)
        lut = ((cdf - cdf_min) / denom * 255).round().clamp(0, 255).to(torch.uint8)
        channels.append(lut[values].reshape(clip.shape[:-1]))
    out = torch.stack(channels, dim=-1)
    return out.float() / 255 if as_float else out


def build_enhancer(
    name: str, *, gamma: float = 1.8, weights: str | None = None
) -> Callable[[torch.Tensor], torch.Tensor]:
    """Return ``clip -> clip`` for ``name`` in ``ENHANCERS`` (``"none"`` is the identity).

    ``"zerodce"`` takes ``weights``: a checkpoint written by ``dlkdd zerodce`` or the authors'
    ``Epoch99.pth`` (see zerodce.py); without, the kit's shipped quick-tier weights
    (``enhancer_weights_file``). Nothing is downloaded.
    """
    # Module-level functions and partials (not lambdas) so datasets pickle into spawned workers.
    if name == "none":
        return _identity
    if name == "gamma":
        gamma_correct(torch.zeros(1), gamma)  # validate now, not on the first batch
        return partial(gamma_correct, gamma=gamma)
    if name == "histeq":
        return histogram_equalize
    if name == "zerodce":
        from dlkdd_lite.enhance.zerodce import load_zerodce, zerodce_enhance

        return partial(zerodce_enhance, model=load_zerodce(enhancer_weights_file(name, weights)))
    raise ValueError(f"unknown enhancer {name!r}; expected one of {ENHANCERS}")


def enhancer_weights_file(name: str, weights: str | None) -> str | None:
    """The weights file enhancer ``name`` uses: ``weights`` when given; for ``"zerodce"`` without weights,
    the kit's own (``dlkdd_lite/resources/zerodce_quick.pt``: DCE-Net at width 16 trained by ``dlkdd zerodce``
    on generated quick-tier frames; for real video, train on its dark frames: docs/datasets.md)."""
    if weights or name != "zerodce":
        return weights or None
    from importlib import resources

    return str(resources.files("dlkdd_lite").joinpath("resources", "zerodce_quick.pt"))


def _identity(clip: torch.Tensor) -> torch.Tensor:
    return clip
