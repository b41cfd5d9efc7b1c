"""zerodce_train.py: zero-reference training of DCE-Net on the dark frames of a dataset.

The four non-reference losses of Zero-DCE (Guo et al., CVPR 2020) as the paper writes them (the
default, ``"paper"``: Eq. 5-8, ``spatial + exposure + 0.5 * colour + 20 * smoothness`` with an absolute
exposure distance; on the quick tier 300 steps reach a mean brightness of 0.53) or as the authors'
training script computes them (``"script"``: squared exposure distance, another colour form and
``200 * smoothness + spatial + 5 * colour + 10 * exposure``; the released Epoch99.pth was trained so),
and a resumable loop that writes ``zerodce.pt`` and a tidy ``metrics.csv``. The network is in zerodce.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from dlkdd_lite.enhance.zerodce import DCENet
from dlkdd_lite.runtime.atomic import save_atomic, write_text_atomic
from dlkdd_lite.runtime.progress import tqdm

# Two sets of loss weights (and forms, see colour_constancy_loss and exposure_loss): the paper's text
# (Eq. 8: W_col = 0.5, W_tvA = 20) and the authors' training script (lowlight_train.py), with which the
# released Epoch99.pth was trained.
LOSS_WEIGHTS = {
    "paper": {"smoothness": 20.0, "spatial": 1.0, "colour": 0.5, "exposure": 1.0},
    "script": {"smoothness": 200.0, "spatial": 1.0, "colour": 5.0, "exposure": 10.0},
}


def colour_constancy_loss(enhanced: torch.Tensor, *, form: str = "script") -> torch.Tensor:
    """Grey-world prior: the mean R, G and B of each image should agree.

    With ``D_pq = (mean_p - mean_q)^2``: ``sqrt(D_rg^2 + D_rb^2 + D_gb^2)`` as the authors' script
    (``form="script"``), or ``D_rg + D_rb + D_gb`` as the paper's Eq. 6 (``"paper"``); batch-averaged.
    """
    mr, mg, mb = enhanced.mean(dim=(2, 3)).unbind(1)  # (N,) each
    d_rg, d_rb, d_gb = (mr - mg) ** 2, (mr - mb) ** 2, (mb - mg) ** 2
    if form == "paper":
        return (d_rg + d_rb + d_gb).mean()
    return torch.sqrt(d_rg**2 + d_rb**2 + d_gb**2).mean()


def exposure_loss(enhanced: torch.Tensor, *, patch: int = 16, level: float = 0.6, form: str = "script") -> torch.Tensor:
    """Distance of 16x16-patch mean intensities (over channels) from ``level``, averaged: squared as the
    authors' script (``form="script"``), absolute as the paper's Eq. 5 (``"paper"``)."""
    gap = F.avg_pool2d(enhanced.mean(1, keepdim=True), patch) - level
    return (gap.abs() if form == "paper" else gap**2).mean()


_NEIGHBOURS = torch.tensor(
    [
        [[0, 0, 0], [-1, 1, 0], [0, 0, 0]],  # left
        [[0, 0, 0], [0, 1, -1], [0, 0, 0]],  # right
        [[0, -1, 0], [0, 1, 0], [0, 0, 0]],  # up
        [[0, 0, 0], [0, 1, 0], [0, -1, 0]],  # down
    ],
    dtype=torch.float32,
).unsqueeze(1)  # fmt: skip  (4, 1, 3, 3)


def spatial_consistency_loss(original: torch.Tensor, enhanced: torch.Tensor) -> torch.Tensor:
    """Keep the contrast between neighbouring 4x4 regions: the differences to the four neighbours
    (zero padding at the border, as the authors' code) of the enhanced image should equal the
    original's. Summed over directions, averaged over regions and batch.
    """
    kernels = _NEIGHBOURS.to(original)
    d_org = F.conv2d(F.avg_pool2d(original.mean(1, keepdim=True), 4), kernels, padding=1)
    d_enh = F.conv2d(F.avg_pool2d(enhanced.mean(1, keepdim=True), 4), kernels, padding=1)
    return ((d_org - d_enh) ** 2).sum(1).mean()


def illumination_smoothness_loss(maps: torch.Tensor) -> torch.Tensor:
    """Total variation of the curve maps (as the authors' ``L_TV``): neighbouring pixels should
    be enhanced alike, so curves follow illumination and not noise.
    """
    n, _, h, w = maps.shape
    tv_h = ((maps[:, :, 1:] - maps[:, :, :-1]) ** 2).sum() / ((h - 1) * w)
    tv_w = ((maps[:, :, :, 1:] - maps[:, :, :, :-1]) ** 2).sum() / (h * (w - 1))
    return 2 * (tv_h + tv_w) / n


def zero_reference_losses(
    original: torch.Tensor, enhanced: torch.Tensor, maps: torch.Tensor, *, weights: str = "paper"
) -> dict:
    """The four losses and their weighted total ``"loss"``.

    ``weights="script"``: the authors' training script, weights and forms; ``"paper"``: the paper's text,
    its Eq. 5-8 (absolute exposure distance, summed squared colour differences, W_col 0.5, W_tvA 20).
    """
    if weights not in LOSS_WEIGHTS:
        raise ValueError(f"unknown loss weights {weights!r}; expected one of {tuple(LOSS_WEIGHTS)}")
    losses = {
        "smoothness": illumination_smoothness_loss(maps),
        "spatial": spatial_consistency_loss(original, enhanced),
        "colour": colour_constancy_loss(enhanced, form=weights),
        "exposure": exposure_loss(enhanced, form=weights),
    }
    losses["loss"] = sum(LOSS_WEIGHTS[weights][k] * v for k, v in losses.items())
    return losses


def dark_frames(
    root: str | os.PathLike, split_file: str | os.PathLike, count: int, *, seed: int = 0, store: str | None = None
) -> torch.Tensor:
    """``count`` random frames of the videos a split list names, float (count, 3, H, W) in [0, 1].

    The videos are decoded as datasets decode them. ``store`` keeps them on disk for a training that
    follows and keeps its videos in memory (``RunConfig.enhanced_cache``'s settings: ``"auto"``, a folder;
    None, the default: nothing written). Pass it only then: a data set that streams from its files
    (the paper tier) would never read them back.
    """
    from dlkdd_lite.data.decode_cache import dark_store, decode_all
    from dlkdd_lite.data.registry import detect_layout
    from dlkdd_lite.data.splits import read_split_file, resolve_videos
    from dlkdd_lite.data.video_store import store_root

    found = resolve_videos(detect_layout(root).clips_dir, [e.relpath for e in read_split_file(split_file)])
    paths = list(found.values())
    missing = [p for p in paths if p is None]
    if missing:
        raise FileNotFoundError(f"{len(missing)} clips listed in {split_file} are not under {root}")
    rng = np.random.default_rng(seed)
    chosen = sorted(set(rng.choice(len(paths), size=min(count, len(paths)), replace=False).tolist()))
    store_at = dark_store(store_root(store, True), None)
    videos = list(decode_all([paths[i] for i in chosen], None, store_at, keep=False))  # not pinned in memory
    errors = [v for v in videos if isinstance(v, Exception)]
    if errors:
        raise errors[0]
    return frames_from_videos(videos, count, seed=seed)


def frames_from_videos(videos: list[np.ndarray], count: int, *, seed: int = 0) -> torch.Tensor:
    """``count`` random frames from decoded uint8 videos (T, H, W, C) -> float (count, 3, H, W) in [0, 1]."""
    rng = np.random.default_rng(seed)
    picks = [videos[i][rng.integers(len(videos[i]))] for i in rng.integers(len(videos), size=count)]
    return torch.from_numpy(np.stack(picks)).permute(0, 3, 1, 2).float() / 255


def train_zerodce(
    frames: torch.Tensor,
    out_dir: str | os.PathLike,
    *,
    steps: int = 300,
    batch_size: int = 8,
    patch_size: int | None = 32,
    loss_weights: str = "paper",
    lr: float = 1e-3,
    weight_decay: float = 1e-4,
    grad_clip: float = 0.1,
    seed: int = 0,
    width: int = 32,
    device: str | torch.device = "cpu",
    progress: bool = True,
) -> DCENet:
    """Train DCE-Net on dark ``frames`` (N, 3, H, W) in [0, 1] with the zero-reference losses.

    Each step trains on ``batch_size`` random ``patch_size`` crops (multiples of 16, for the
    exposure loss's 16x16 patches; None: whole frames): small patches keep CPU training to seconds.
    Writes ``out_dir/zerodce.pt`` (weights, optimiser, step) every 25 steps and at the end, and
    ``out_dir/metrics.csv`` (``step, metric, value``). Re-running resumes from the checkpoint;
    a finished run returns at once. Adam with gradient-norm clipping, as the authors' script
    (their learning rate 1e-4 suits 200 epochs on a GPU; 1e-3 converges within minutes on a CPU).
    ``width`` is DCE-Net's filters per layer (the paper's 32; the quick tier ships 16, see ``DCENet``).
    """
    patch = _check_frames(frames, patch_size)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    model = DCENet(width=width).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    checkpoint = out / "zerodce.pt"
    settings = {"loss_weights": loss_weights, "batch_size": batch_size, "patch": patch, "lr": lr, "seed": seed,
                "width": width}  # fmt: skip
    start, rows = _resume(checkpoint, model, optimizer, settings, device) if checkpoint.exists() else (0, [])

    model.train()
    for step in tqdm(range(start, steps), desc="Zero-DCE", initial=start, total=steps, disable=not progress):
        top, left = (int(torch.randint(d - patch + 1, (1,))) for d in frames.shape[-2:])
        batch = frames[torch.randint(len(frames), (batch_size,)), :, top : top + patch, left : left + patch].to(device)
        enhanced, maps = model(batch)
        losses = zero_reference_losses(batch, enhanced, maps, weights=loss_weights)
        optimizer.zero_grad(set_to_none=True)
        losses["loss"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        optimizer.step()
        rows += [(step, name, value.item()) for name, value in losses.items()]
        if (step + 1) % 25 == 0 or step + 1 == steps:
            _save(out, model, optimizer, step + 1, rows, settings)
    return model.eval()


def _check_frames(frames: torch.Tensor, patch_size: int | None) -> int:
    """The crop size to train on (``patch_size``, or None: the frames' short side), after checking both."""
    if frames.ndim != 4 or frames.shape[1] != 3 or not frames.is_floating_point():
        raise ValueError(f"frames must be float (N, 3, H, W) in [0, 1], got {frames.dtype} {tuple(frames.shape)}")
    if torch.isnan(frames).any() or frames.min() < 0 or frames.max() > 1:
        raise ValueError("frames must be finite and in [0, 1]")
    size = min(frames.shape[-2:])
    patch = size if patch_size is None else patch_size
    if patch % 16 or patch > size:
        raise ValueError(f"patch_size must be a multiple of 16 and <= the frame size {size}, got {patch_size}")
    return patch


def _resume(checkpoint: Path, model: DCENet, optimizer, settings: dict, device) -> tuple[int, list[tuple]]:
    """Load ``checkpoint`` into ``model``, ``optimizer`` and torch's RNG; return its step and metric rows."""
    state = torch.load(checkpoint, map_location=device, weights_only=True)
    old = state.get("settings", settings)
    if old != settings:  # resuming with other settings would train a mixture of two runs
        raise ValueError(f"{checkpoint} was trained with {old}, not {settings}; choose another folder")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    torch.set_rng_state(state["rng"])
    return state["step"], [tuple(r) for r in state["rows"]]


def _save(out: Path, model: DCENet, optimizer, step: int, rows: list[tuple], settings: dict) -> None:
    """Write ``out/zerodce.pt`` (weights, optimiser, step, rows, RNG, settings) and ``out/metrics.csv``."""
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
             "rows": [list(r) for r in rows], "rng": torch.get_rng_state(), "settings": settings}  # fmt: skip
    save_atomic(out / "zerodce.pt", lambda tmp: torch.save(state, tmp))
    write_text_atomic(out / "metrics.csv", "step,metric,value\n" + "".join(f"{s},{m},{v:.6g}\n" for s, m, v in rows))
