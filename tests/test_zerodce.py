"""Zero-DCE: the network, its curves, the four losses on hand-made images, the official weights'
names, the enhancer contract, and a short training run that lowers the loss and resumes."""

import math
import shutil

import pandas as pd
import pytest
import torch

from dlkdd_lite.data.dataset import DarkVideoDataset
from dlkdd_lite.data.splits import find_split_file
from dlkdd_lite.enhance.enhancers import build_enhancer
from dlkdd_lite.enhance.zerodce import DCENet, apply_curves, load_official_weights, load_zerodce, zerodce_enhance
from dlkdd_lite.enhance.zerodce_train import (
    colour_constancy_loss,
    dark_frames,
    exposure_loss,
    illumination_smoothness_loss,
    spatial_consistency_loss,
    train_zerodce,
)

OFFICIAL_SHAPES = {1: (32, 3), 2: (32, 32), 3: (32, 32), 4: (32, 32), 5: (32, 64), 6: (32, 64), 7: (24, 64)}


def official_state(prefix: str = "") -> dict:
    """A state dict with the names and shapes of the authors' Epoch99.pth (random values)."""
    g = torch.Generator().manual_seed(0)
    state = {}
    for k, (out_ch, in_ch) in OFFICIAL_SHAPES.items():
        state[f"{prefix}e_conv{k}.weight"] = torch.randn(out_ch, in_ch, 3, 3, generator=g) * 0.05
        state[f"{prefix}e_conv{k}.bias"] = torch.randn(out_ch, generator=g) * 0.05
    return state


def test_dce_net_has_the_papers_size_and_shapes():
    model = DCENet()
    assert sum(p.numel() for p in model.parameters()) == 79_416  # "about 79k" in the paper
    enhanced, maps = model(torch.rand(2, 3, 32, 32))
    assert enhanced.shape == (2, 3, 32, 32) and maps.shape == (2, 24, 32, 32)
    assert maps.abs().max() <= 1 and 0 <= enhanced.min() and enhanced.max() <= 1


def test_zero_curves_are_the_identity_and_positive_curves_brighten():
    x = torch.rand(1, 3, 8, 8)
    torch.testing.assert_close(apply_curves(x, torch.zeros(1, 24, 8, 8)), x)
    brighter = apply_curves(x, -torch.ones(1, 24, 8, 8))  # r = -1: x + x - x^2 >= x
    assert torch.all(brighter >= x - 1e-7) and brighter.max() <= 1
    model = DCENet()
    torch.nn.init.zeros_(model.convs[6].weight)
    torch.nn.init.zeros_(model.convs[6].bias)
    torch.testing.assert_close(model(x)[0], x)


def test_losses_on_hand_made_images():
    grey = torch.full((1, 3, 16, 16), 0.6)
    assert exposure_loss(grey).item() == pytest.approx(0.0, abs=1e-7)
    assert exposure_loss(torch.full((1, 3, 16, 16), 0.1)).item() == pytest.approx(0.25)
    assert colour_constancy_loss(grey).item() == pytest.approx(0.0, abs=1e-7)
    red = torch.zeros(1, 3, 4, 4)
    red[:, 0] = 1.0
    assert colour_constancy_loss(red).item() == pytest.approx(math.sqrt(2))
    assert colour_constancy_loss(red, form="paper").item() == pytest.approx(2.0)  # D_rg + D_rb + D_gb = 1 + 1 + 0
    assert exposure_loss(torch.full((1, 3, 16, 16), 0.1), form="paper").item() == pytest.approx(0.5)
    # one 4x4 region: its difference to each zero-padded neighbour is its own mean
    dark, bright = torch.full((1, 3, 4, 4), 0.2), torch.full((1, 3, 4, 4), 0.5)
    assert spatial_consistency_loss(dark, dark).item() == pytest.approx(0.0, abs=1e-7)
    assert spatial_consistency_loss(dark, bright).item() == pytest.approx(4 * 0.3**2)
    maps = torch.zeros(1, 24, 2, 2)
    assert illumination_smoothness_loss(maps).item() == 0.0
    maps[0, 0, 1, :] = 1.0  # one vertical step of 1 in one map: tv_h = 2 / 2, tv_w = 0
    assert illumination_smoothness_loss(maps).item() == pytest.approx(2.0)


@pytest.mark.parametrize("prefix", ["", "module."])
def test_official_weights_are_mapped_by_name(tmp_path, prefix):
    state = official_state(prefix)
    torch.save(state, tmp_path / "Epoch99.pth")
    model = DCENet()
    load_official_weights(model, tmp_path / "Epoch99.pth")
    torch.testing.assert_close(model.convs[6].weight, state[f"{prefix}e_conv7.weight"])
    torch.testing.assert_close(model.convs[0].bias, state[f"{prefix}e_conv1.bias"])
    assert isinstance(load_zerodce(tmp_path / "Epoch99.pth"), DCENet)


def test_wrong_or_absent_weights_are_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="Epoch99.pth"):
        load_official_weights(DCENet(), tmp_path / "absent.pth")
    state = official_state()
    state["e_conv7.weight"] = torch.zeros(12, 64, 3, 3)
    torch.save(state, tmp_path / "plusplus.pth")
    with pytest.raises(ValueError, match=r"e_conv7.weight has shape \(12, 64, 3, 3\)"):
        load_official_weights(DCENet(), tmp_path / "plusplus.pth")
    torch.save({**official_state(), "extra.weight": torch.zeros(1)}, tmp_path / "extra.pth")
    with pytest.raises(ValueError, match="unexpected tensor 'extra.weight'"):
        load_official_weights(DCENet(), tmp_path / "extra.pth")


def test_enhancer_contract():
    model = DCENet()
    clip = torch.randint(0, 40, (5, 16, 16, 3), dtype=torch.uint8)
    out = zerodce_enhance(clip, model)
    assert out.shape == clip.shape and out.dtype == torch.uint8
    as_float = zerodce_enhance(clip.float() / 255, model)
    assert as_float.dtype == torch.float32 and torch.allclose(as_float * 255, out.float(), atol=1.0)
    with pytest.raises(ValueError, match="uint8 frames or divide by 255"):
        zerodce_enhance(clip.float(), model)  # uint8 values passed as float
    nan = clip.float() / 255
    nan[0, 0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        zerodce_enhance(nan, model)
    with pytest.raises(ValueError, match=r"\(T, H, W, 3\)"):
        zerodce_enhance(clip.permute(0, 3, 1, 2), model)
    identity = DCENet()
    torch.nn.init.zeros_(identity.convs[6].weight)
    torch.nn.init.zeros_(identity.convs[6].bias)
    bright = torch.full((2, 8, 8, 3), 230, dtype=torch.uint8)
    assert torch.equal(zerodce_enhance(bright, identity), bright), "curves of 0 keep bright frames as they are"


def test_training_lowers_the_loss_resumes_and_feeds_the_dataset(tiny_arid, tmp_path):
    from dlkdd_lite.data import decode_cache

    decode_cache.clear_decode_cache()
    frames = dark_frames(tiny_arid, find_split_file(tiny_arid, 1, "train"), 32)
    assert frames.shape[1:] == (3, 64, 64) and frames.mean() < 0.15
    assert decode_cache._DECODED == {}, "the videos drawn from are not kept in memory afterwards"
    train_zerodce(frames, tmp_path / "z", steps=25, batch_size=4, progress=False)
    model = train_zerodce(frames, tmp_path / "z", steps=50, batch_size=4, progress=False)  # resumes at 25
    rows = pd.read_csv(tmp_path / "z" / "metrics.csv")
    loss = rows[rows.metric == "loss"].set_index("step")["value"]
    assert list(loss.index) == list(range(50)), "no step lost or repeated across the resume"
    assert loss.iloc[-5:].mean() < loss.iloc[:5].mean()
    with pytest.raises(ValueError, match="was trained with"):  # other settings never mix into this run
        train_zerodce(frames, tmp_path / "z", steps=60, batch_size=4, loss_weights="script", progress=False)
    assert zerodce_enhance(
        torch.from_numpy((frames[:4] * 255).byte().permute(0, 2, 3, 1).numpy()), model
    ).float().mean() > (frames[:4].mean() * 255)
    weights = str(tmp_path / "z" / "zerodce.pt")
    enhance = build_enhancer("zerodce", weights=weights)
    ds = DarkVideoDataset(tiny_arid, find_split_file(tiny_arid, 1, "test"), train=False, num_frames=4, crop_size=48,
                          enhancer="zerodce", enhancer_weights=weights, progress=False)  # fmt: skip
    sample = ds[0]
    assert sample["enhanced"].mean() > sample["dark"].mean()
    assert callable(enhance)


def test_a_teacher_trains_on_zerodce_clips_and_records_its_enhancer(tiny_arid, tmp_path):
    import json

    from dlkdd_lite.config import RunConfig
    from dlkdd_lite.train import fit

    frames = dark_frames(tiny_arid, find_split_file(tiny_arid, 1, "train"), 16)
    train_zerodce(frames, tmp_path / "z", steps=5, batch_size=4, progress=False)
    weights = str(tmp_path / "z" / "zerodce.pt")
    config = RunConfig(role="teacher", enhancer="zerodce", enhancer_weights=weights, epochs=1, num_frames=4,
                       crop_size=48, eval_clips=1)  # fmt: skip
    fit(config, tiny_arid, tmp_path / "teacher", progress=False)
    saved = json.loads((tmp_path / "teacher" / "config.json").read_text())
    assert (saved["enhancer"], saved["enhancer_weights"]) == ("zerodce", weights)
    assert RunConfig(role="teacher", enhancer="zerodce").enhancer_weights is None  # the kit's weights


def test_loss_weight_sets():
    from dlkdd_lite.enhance.zerodce_train import zero_reference_losses

    original = torch.full((1, 3, 16, 16), 0.1)
    enhanced, maps = torch.full((1, 3, 16, 16), 0.1), torch.zeros(1, 24, 16, 16)
    # only the exposure term is non-zero here: (0.1 - 0.6)^2 = 0.25
    # paper (the default): |0.1 - 0.6| = 0.5; script: 10 * (0.1 - 0.6)^2 = 2.5
    assert zero_reference_losses(original, enhanced, maps)["loss"].item() == pytest.approx(0.5)
    assert zero_reference_losses(original, enhanced, maps, weights="script")["loss"].item() == pytest.approx(2.5)
    with pytest.raises(ValueError, match="unknown loss weights 'cvpr'"):
        zero_reference_losses(original, enhanced, maps, weights="cvpr")


def test_dark_frames_keep_the_videos_on_disk_only_when_asked(tiny_arid, tmp_path, monkeypatch):
    from dlkdd_lite.data import decode_cache

    monkeypatch.setenv("DLKDD_CACHE", str(tmp_path / "cache"))
    split = find_split_file(tiny_arid, 1, "train")
    decode_cache.clear_decode_cache()
    first = dark_frames(tiny_arid, split, 8)
    assert not (tmp_path / "cache").exists(), "by default (a paper-tier run streams its videos) nothing is written"
    again = dark_frames(tiny_arid, split, 8, store="auto")
    kept = list((tmp_path / "cache").rglob("*.npy"))
    assert kept and torch.equal(first, again)
    assert torch.equal(dark_frames(tiny_arid, split, 8, store="auto"), first), "read back from the disk"
    dark_frames(tiny_arid, split, 8, store=str(tmp_path / "mine"))
    assert len(list((tmp_path / "mine").rglob("*.npy"))) == len(kept)
    shutil.rmtree(tmp_path / "cache")

    from dlkdd_lite.cli.main import main

    train = ["zerodce", "--data", str(tiny_arid), "--frames", "4", "--steps", "1", "--batch-size", "2", "--quiet"]
    assert main([*train, "--out", str(tmp_path / "z1")]) == 0
    assert not (tmp_path / "cache").exists(), "dlkdd zerodce writes no videos by default"
    assert main([*train, "--out", str(tmp_path / "z2"), "--enhanced-cache", str(tmp_path / "cli")]) == 0
    assert list((tmp_path / "cli").rglob("*.npy"))
