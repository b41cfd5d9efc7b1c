"""The quick tier's normal-light pretraining: its data (a subset of the actions), the run, the shipped weights."""

import json

import pytest
import torch

from dlkdd_lite.cli.main import main
from dlkdd_lite.config import RunConfig
from dlkdd_lite.data.acquire.weights import normal_light_weights_file, resolve_pretrained
from dlkdd_lite.data.splits import read_split_file
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.experiments.pretrain import NORMAL_LIGHT_DATA, pretrain, pretrain_config
from dlkdd_lite.models import build_model

TINY = dict(actors=3, test_actors=1, clips_per_actor=1, num_frames=8, size=32)


def test_a_subset_of_actions_is_labelled_in_its_order_and_keeps_the_full_sets_clips(tmp_path):
    full = generate_dataset(tmp_path / "full", progress=False, **TINY)
    some = generate_dataset(tmp_path / "some", classes=("Wave", "Drink"), progress=False, **TINY)
    assert some["clips"] == {"train": 4, "test": 2} and full["clips"] == {"train": 22, "test": 11}
    assert (tmp_path / "some" / "splits" / "classInd.txt").read_text() == "0\tWave\n1\tDrink\n"
    entries = read_split_file(tmp_path / "some" / "splits" / "ARID_split1_train.txt")
    assert {(e.relpath.split("/")[0], e.label) for e in entries} == {("Wave", 0), ("Drink", 1)}
    for rel in ("Wave/Wave_1_1.mp4", "Drink/Drink_3_1.mp4"):
        assert (tmp_path / "some" / rel).read_bytes() == (tmp_path / "full" / rel).read_bytes()
    assert json.loads((tmp_path / "some" / "synth.json").read_text())["classes"] == ["Wave", "Drink"]
    assert not (tmp_path / "full" / "splits" / "classInd.txt").exists()
    with pytest.raises(ValueError, match=r"other parameters \(classes differ"):
        generate_dataset(tmp_path / "full", classes=("Wave", "Drink"), **TINY)
    with pytest.raises(ValueError, match="classes must be two or more distinct names"):
        generate_dataset(tmp_path / "bad", classes=("Wave", "Dance"), **TINY)


def test_pretrain_writes_weights_every_run_can_start_from_and_resumes(tmp_path, capsys):
    weights = pretrain(tmp_path, epochs=1, data=TINY, progress=False)
    state = torch.load(weights, weights_only=True)
    assert state["head.1.weight"].shape == (len(NORMAL_LIGHT_DATA["classes"]), 128)
    model = build_model("tiny3d", 11, pretrained=weights)  # another head: the task's 11 actions
    assert torch.equal(model.state_dict()["features.0.weight"], state["features.0.weight"])
    stamp = (tmp_path / "run" / "checkpoint.pt").stat().st_mtime_ns
    assert pretrain(tmp_path, epochs=1, data=TINY, progress=False) == weights  # resumes: the run had finished
    assert (tmp_path / "run" / "checkpoint.pt").stat().st_mtime_ns == stamp
    assert torch.equal(torch.load(weights, weights_only=True)["features.0.weight"], state["features.0.weight"])
    assert main(["pretrain", "--out", str(tmp_path), "--quiet"]) == 2  # the kit's data set is not this small one
    assert "already holds a generated dataset with other parameters" in capsys.readouterr().err
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["pretrained"] is None and config["num_classes"] == 6, "the pretraining itself starts from scratch"


def test_the_kits_weights_are_named_normal_light_for_tiny3d_and_refused_for_other_backbones(
    tiny_arid, tmp_path, capsys
):
    assert RunConfig(pretrained="normal-light").pretrained == "normal-light" and pretrain_config().pretrained is None
    shipped = normal_light_weights_file()
    assert resolve_pretrained("tiny3d", "normal-light") == shipped and shipped.is_file()
    state = torch.load(shipped, weights_only=True)
    model = build_model("tiny3d", 11, pretrained="normal-light")
    assert all(torch.equal(model.state_dict()[k], v) for k, v in state.items() if not k.startswith("head."))
    with pytest.raises(ValueError, match="the normal-light weights are the quick tier's tiny3d's.*kinetics400"):
        resolve_pretrained("r3d_18", "normal-light")
    main(["train", "--role", "baseline", "--data", str(tiny_arid), "--out", str(tmp_path / "run"), "--epochs", "1",
          "--quiet"])  # fmt: skip
    assert json.loads((tmp_path / "run" / "config.json").read_text())["pretrained"] == "normal-light", "the default"
    # another backbone without a preset must say which weights it starts from: the default is tiny3d's
    assert main(["train", "--role", "baseline", "--arch", "r3d_18", "--data", str(tiny_arid), "--out",
                 str(tmp_path / "r3d"), "--epochs", "1", "--quiet"]) == 2  # fmt: skip
    assert "for 'r3d_18' choose pretrained 'kinetics400'" in capsys.readouterr().err


def test_the_normal_light_data_and_recipe_do_not_follow_the_kits_defaults():
    """The shipped weights were made with these settings: every generator argument that shapes the data, and
    the learning rate, are written out, so that a change of the quick tier's defaults leaves them as they are."""
    import inspect

    shaping = set(inspect.signature(generate_dataset).parameters) - {"root", "workers", "progress"}
    assert shaping == set(NORMAL_LIGHT_DATA), f"pin {shaping - set(NORMAL_LIGHT_DATA)} in NORMAL_LIGHT_DATA"
    assert NORMAL_LIGHT_DATA["brightness"] == 0.4 and NORMAL_LIGHT_DATA["actors"] == 12
    config = pretrain_config()
    assert (config.lr, config.epochs, config.pretrained, config.arch) == (3e-3, 20, None, "tiny3d")
