"""RunConfig validation and the model factory."""

import dataclasses

import pytest
import torch

from dlkdd_lite.config import RunConfig
from dlkdd_lite.models import build_model, count_parameters


@pytest.mark.parametrize("kwargs, match", [
    (dict(alpha=1.5), r"alpha .* must be in \[0, 1\], got 1.5"),
    (dict(temperature=0), "temperature must be > 0, got 0"),
    (dict(arch="resnet50"), "unknown architecture 'resnet50'; expected one of"),
    (dict(role="student"), "needs teacher_ckpt"),
    (dict(role="coach"), "unknown role 'coach'"),
    (dict(gamma=-1.0), "gamma must be > 0"),
    (dict(epochs=0), "epochs must be an integer >= 1"),
    (dict(short_side=32, crop_size=56), "short_side"),
    (dict(prefetch_factor=0), "prefetch_factor must be an integer >= 1, got 0"),
])  # fmt: skip
def test_invalid_configs_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RunConfig(**kwargs)


def test_config_round_trips_through_json(tmp_path):
    config = dataclasses.replace(RunConfig(), role="student", teacher_ckpt="t.pt", alpha=0.3)
    config.save(tmp_path / "config.json")
    assert RunConfig.load(tmp_path / "config.json") == config
    assert config.input_view == "dark" and RunConfig().input_view == "enhanced"
    assert RunConfig(role="twostream").input_view == "both"
    with pytest.raises(ValueError, match="unknown config keys"):
        RunConfig.from_dict({"alpha": 0.5, "beta": 1})


def test_tiny3d_is_small_and_maps_clips_to_logits():
    model = build_model("tiny3d", 11)
    assert 200_000 < count_parameters(model) < 400_000
    assert model(torch.randn(2, 3, 8, 56, 56)).shape == (2, 11)
    with pytest.raises(ValueError, match=r"\(B, 3, T, H, W\)"):
        model(torch.randn(2, 8, 3, 56, 56))  # a wrong permute fails loudly


@pytest.mark.parametrize("arch", ["r3d_18", "mc3_18", "r2plus1d_18"])
def test_torchvision_backbones_build_without_downloading(arch):
    model = build_model(arch, 11)
    assert model.fc.out_features == 11


def test_pretrained_weights_load_from_a_local_file(tmp_path):
    source = build_model("tiny3d", 5)
    torch.save(source.state_dict(), tmp_path / "w.pt")
    model = build_model("tiny3d", 11, pretrained=tmp_path / "w.pt")  # head differs: skipped
    torch.testing.assert_close(model.features[0].weight, source.features[0].weight)
    with pytest.raises(FileNotFoundError, match="pretrained weights not found: .*absent.pt; expected a state-dict"):
        build_model("tiny3d", 11, pretrained=tmp_path / "absent.pt")
    torch.save({"unrelated": torch.zeros(3)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="does not look like weights"):
        build_model("tiny3d", 11, pretrained=tmp_path / "other.pt")
