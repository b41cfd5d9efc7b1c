"""Invariants of the enhancers: identity at gamma 1, range and dtype kept, monotone, LUT = float path."""

import pytest
import torch

from dlkdd_lite.enhance.enhancers import build_enhancer, gamma_correct, histogram_equalize


def test_gamma_one_is_identity_for_uint8_and_float():
    clip = torch.randint(0, 256, (4, 8, 8, 3), dtype=torch.uint8)
    assert torch.equal(gamma_correct(clip, 1.0), clip)
    x = torch.rand(3, 4, 8, 8)
    torch.testing.assert_close(gamma_correct(x, 1.0), x)


def test_gamma_brightens_monotonically_and_keeps_range():
    levels = torch.arange(256, dtype=torch.uint8)
    out = gamma_correct(levels, 1.8)
    assert out.dtype == torch.uint8
    assert torch.all(out[1:] >= out[:-1]), "monotone"
    assert torch.all(out >= levels), "gamma > 1 never darkens"
    assert out[0] == 0 and out[255] == 255
    assert gamma_correct(levels, 0.5).le(levels).all(), "gamma < 1 darkens"


def test_uint8_lookup_matches_float_formula():
    clip = torch.randint(0, 256, (2, 5, 5, 3), dtype=torch.uint8)
    expected = torch.round((clip.double() / 255).pow(1 / 1.8) * 255).to(torch.uint8)
    assert torch.equal(gamma_correct(clip, 1.8), expected)
    # the DarkLight convention: out = in ** (1 / gamma)
    assert gamma_correct(torch.tensor([0.25]), 2.0).item() == pytest.approx(0.5)


@pytest.mark.parametrize("gamma", [0, -1, float("inf"), float("nan")])
def test_gamma_rejects_invalid_values(gamma):
    with pytest.raises(ValueError, match="gamma"):
        gamma_correct(torch.zeros(2), gamma)


def test_gamma_rejects_float_out_of_range_and_int_dtypes():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        gamma_correct(torch.tensor([0.0, 255.0]), 1.8)
    with pytest.raises(TypeError, match="dtype"):
        gamma_correct(torch.zeros(3, dtype=torch.int32), 1.8)


def test_histogram_equalize_spreads_a_dark_clip_and_keeps_shape():
    torch.manual_seed(0)
    clip = torch.randint(0, 30, (4, 16, 16, 3), dtype=torch.uint8)
    out = histogram_equalize(clip)
    assert out.shape == clip.shape and out.dtype == torch.uint8
    assert out.max() == 255 and out.float().mean() > clip.float().mean() * 3
    # monotone per channel: a brighter input pixel never maps to a darker output pixel
    for c in range(3):
        order = clip[..., c].flatten().argsort()
        assert torch.all(out[..., c].flatten()[order].diff() >= 0)
    as_float = histogram_equalize(clip.float() / 255)
    assert as_float.is_floating_point() and 0 <= as_float.min() and as_float.max() <= 1


def test_histogram_equalize_rejects_bad_layout():
    with pytest.raises(ValueError, match="T, H, W, C"):
        histogram_equalize(torch.zeros(3, 4, 8, 8, dtype=torch.uint8))


def test_build_enhancer_names():
    clip = torch.randint(0, 256, (2, 4, 4, 3), dtype=torch.uint8)
    assert torch.equal(build_enhancer("none")(clip), clip)
    assert torch.equal(build_enhancer("gamma", gamma=2.2)(clip), gamma_correct(clip, 2.2))
    assert torch.equal(build_enhancer("histeq")(clip), histogram_equalize(clip))
    with pytest.raises(ValueError, match="unknown enhancer 'retinex'"):
        build_enhancer("retinex")
    assert build_enhancer("zerodce")(clip).shape == clip.shape  # without weights: the kit's (test_quick_defaults)
    with pytest.raises(ValueError, match="gamma"):
        build_enhancer("gamma", gamma=-2)
