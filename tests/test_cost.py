"""Inference cost: FLOP counts checked by hand, the two-stream model's exact 2x, deployments' multiples."""

import pytest
import torch
from torch import nn

from dlkdd_lite.experiments.cost import (
    DEPLOYMENTS,
    build_inference_enhancer,
    count_flops,
    count_params,
    inference_costs,
    median_seconds,
)
from dlkdd_lite.models import build_model
from dlkdd_lite.twostream import TwoStream, build_twostream


def test_conv3d_flops_by_hand():
    conv = nn.Conv3d(3, 4, kernel_size=3, padding=1, bias=False)
    x = torch.zeros(2, 3, 4, 8, 8)  # (B, C, T, H, W)
    # each of the 2*4*4*8*8 outputs is a sum of 3*3*3*3 products: one multiply-add = 2 FLOPs
    assert count_flops(lambda: conv(x)) == 2 * (2 * 4 * 4 * 8 * 8) * (3 * 27)
    strided = nn.Conv3d(3, 4, kernel_size=3, stride=(1, 2, 2), padding=1, bias=False)
    assert count_flops(lambda: strided(x)) == 2 * (2 * 4 * 4 * 4 * 4) * (3 * 27)
    linear = nn.Linear(16, 5)
    assert count_flops(lambda: linear(torch.zeros(3, 16))) == 2 * 3 * 16 * 5


def test_twostream_output_shape_and_fusion():
    torch.manual_seed(0)
    model = build_twostream("tiny3d", 7).eval()
    dark, enhanced = torch.randn(2, 3, 4, 32, 32), torch.randn(2, 3, 4, 32, 32)
    with torch.no_grad():
        logits = model(dark, enhanced)
        expected = (model.dark_model(dark) + model.enhanced_model(enhanced)) / 2
    assert logits.shape == (2, 7)
    torch.testing.assert_close(logits, expected)
    assert not torch.equal(model.dark_model.head[1].weight, model.enhanced_model.head[1].weight)


def test_twostream_rejects_bad_input():
    model = build_twostream("tiny3d", 5)
    with pytest.raises(ValueError, match="same shape"):
        model(torch.randn(1, 3, 4, 32, 32), torch.randn(1, 3, 4, 16, 16))
    backbone = build_model("tiny3d", 5)
    with pytest.raises(ValueError, match="two separate backbones"):
        TwoStream(backbone, backbone)
    with pytest.raises(ValueError, match="number of classes"):
        TwoStream(build_model("tiny3d", 5), build_model("tiny3d", 6))(torch.randn(1, 3, 4, 32, 32),
                                                                        torch.randn(1, 3, 4, 32, 32))  # fmt: skip


@pytest.mark.parametrize("arch", ["tiny3d", "r3d_18"])
def test_twostream_costs_exactly_two_backbones(arch):
    single, double = build_model(arch, 11).eval(), build_twostream(arch, 11).eval()
    assert count_params(double) == 2 * count_params(single)
    x = torch.zeros(1, 3, 4, 32, 32)
    flops = count_flops(lambda: single(x))
    assert flops > 0 and count_flops(lambda: double(x, x)) == 2 * flops


def test_inference_costs_multiples_with_gamma():
    table = inference_costs("tiny3d", 11, 4, 32, "gamma").set_index("deployment")
    assert list(table.index) == list(DEPLOYMENTS)
    assert table.loc["student", "params_x"] == 1.0 and table.loc["student", "gflops_x"] == 1.0
    # a lookup table costs no counted FLOPs and has no parameters
    assert table.loc["enhance+classify", "gflops_x"] == 1.0 and table.loc["enhance+classify", "params_x"] == 1.0
    assert table.loc["two-stream", "gflops_x"] == 2.0 and table.loc["two-stream", "params_x"] == 2.0


def test_inference_costs_counts_zerodce_by_hand():
    frames, size = 4, 32
    table = inference_costs("tiny3d", 11, frames, size, "zerodce").set_index("deployment")
    # DCE-Net: 3x3 convolutions 3->32, 3 x 32->32, 2 x 64->32, 64->24 on every pixel of every frame
    macs_per_pixel = 9 * (3 * 32 + 3 * 32 * 32 + 2 * 64 * 32 + 64 * 24)
    enhancer_gflops = 2 * macs_per_pixel * frames * size * size / 1e9
    assert table.loc["enhance+classify", "enhancer_gflops"] == pytest.approx(enhancer_gflops, rel=1e-12)
    student = table.loc["student", "gflops"]
    assert table.loc["enhance+classify", "gflops"] == pytest.approx(student + enhancer_gflops, rel=1e-12)
    assert table.loc["two-stream", "gflops"] == pytest.approx(2 * student + enhancer_gflops, rel=1e-12)
    assert table.loc["enhance+classify", "params"] - table.loc["student", "params"] == 79_416  # DCE-Net


def test_inference_costs_timing_columns():
    table = inference_costs("tiny3d", 5, 4, 32, "histeq", timing=True, batch_size=2, repeats=1, warmup=0)
    assert (table["latency_ms"] > 0).all() and (table["throughput"] > 0).all()
    assert table["latency_x"].iloc[0] == 1.0 and table["throughput_x"].iloc[0] == 1.0
    assert set(table["batch_size"]) == {2} and set(table["device"]) == {"cpu"}


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="'none'"):
        build_inference_enhancer("none")
    with pytest.raises(ValueError, match="repeats"):
        median_seconds(lambda: None, device=torch.device("cpu"), repeats=0)
    with pytest.raises(ValueError, match="unknown architecture"):
        inference_costs("resnet50", 11, 4, 32, "gamma")
