"""The quick tier's defaults: the kit's shipped Zero-DCE enhancer, and the label-smoothing control."""

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from dlkdd_lite.config import RunConfig
from dlkdd_lite.distill import ce_step
from dlkdd_lite.enhance.enhancers import build_enhancer, enhancer_weights_file
from dlkdd_lite.enhance.zerodce import DCENet, load_zerodce


def test_the_default_teacher_enhances_with_the_kits_zerodce():
    config = RunConfig()
    assert (config.enhancer, config.enhancer_weights) == ("zerodce", None)
    path = enhancer_weights_file("zerodce", None)
    assert Path(path).is_file() and Path(path).stat().st_size < 200_000  # small enough to ship
    assert enhancer_weights_file("zerodce", "mine.pt") == "mine.pt" and enhancer_weights_file("gamma", None) is None
    model = load_zerodce(path)
    assert model.convs[0].out_channels == 16  # the quick tier's DCE-Net at half the paper's width
    assert not model.training and not any(p.requires_grad for p in model.parameters())


def test_the_kits_zerodce_brightens_dark_frames_spatially_unlike_gamma():
    """Zero-DCE's curves depend on the pixel's neighbourhood: the same dark level comes out differently
    in a dark and in a bright surround. Gamma maps a level to one value wherever it is."""
    clip = torch.full((2, 32, 32, 3), 6, dtype=torch.uint8)
    clip[:, :, 16:] = 60  # a brighter right half
    for name, spatial in (("zerodce", True), ("gamma", False)):
        out = build_enhancer(name)(clip)
        assert out.dtype == torch.uint8 and out.shape == clip.shape
        assert out.float().mean() > clip.float().mean()
        probe = clip.clone()
        probe[:, 8, 20] = 6  # a dark pixel inside the bright half
        out = build_enhancer(name)(probe)
        differs = int(out[0, 8, 20, 0]) != int(out[0, 8, 4, 0])  # same input level, other surround
        assert differs == spatial, name


def test_zerodce_weights_of_any_width_load(tmp_path):
    for width in (8, 32):
        torch.save({"model": DCENet(width=width).state_dict()}, tmp_path / f"w{width}.pt")
        assert load_zerodce(tmp_path / f"w{width}.pt").convs[0].out_channels == width


def test_label_smoothing_is_ce_with_a_uniform_target_mixed_in():
    torch.manual_seed(0)
    logits, labels = torch.randn(6, 11), torch.randint(0, 11, (6,))
    model = lambda clips: clips  # noqa: E731 - the "clips" are the logits
    alpha = 0.7
    out = ce_step(model, logits, labels, label_smoothing=alpha)
    uniform = -F.log_softmax(logits, 1).mean(1).mean()  # CE against the uniform distribution
    expected = (1 - alpha) * F.cross_entropy(logits, labels) + alpha * uniform
    assert torch.allclose(out["loss"], expected, atol=1e-6)
    assert torch.equal(ce_step(model, logits, labels)["loss"], F.cross_entropy(logits, labels))
    with pytest.raises(ValueError, match="label_smoothing must be in \\[0, 1\\), got 1.0"):
        RunConfig(label_smoothing=1.0)
