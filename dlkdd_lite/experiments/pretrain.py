"""pretrain.py: the quick tier's normal-light pretraining, its small stand-in for Kinetics-400.

The paper's backbones start from weights learned on normally lit video of many actions (Kinetics-400): the
enhanced view looks like that video, the dark view does not. The quick tier does the same at its size: a
``tiny3d`` trained on well-lit generated videos (brightness 0.4 against the task's 0.035) of other actors
(data seed 7) and six of ARID's eleven actions; the other five it meets first in the task, as ARID has
actions Kinetics lacks. A run starts from these weights with ``RunConfig.pretrained = "normal-light"``
(``dlkdd train --pretrained normal-light``; the kit ships them, ``resources/tiny3d_normal_light.pt``), and
``pretrain`` (``dlkdd pretrain``) makes them again, byte for byte on the machine that made them.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from dlkdd_lite.checkpoint import load_checkpoint
from dlkdd_lite.config import RunConfig
from dlkdd_lite.data.acquire.weights import NORMAL_LIGHT_FILE
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.results import CHECKPOINT
from dlkdd_lite.runtime.atomic import atomic_path
from dlkdd_lite.train import fit

# The generated normal-light data set: the quick tier's generator with these settings, every one of them
# written out so that the shipped weights stay what they are when the generator's defaults change.
NORMAL_LIGHT_DATA = {"seed": 7, "actors": 12, "test_actors": 2, "clips_per_actor": 6, "num_frames": 32,
                     "size": 32, "fps": 15, "brightness": 0.4,
                     "classes": ("Drink", "Pick", "Push", "Sit", "Turn", "Wave")}  # fmt: skip
EPOCHS = 20
LR = 3e-3  # the learning rate the shipped weights were trained at (written out, as the data's settings are)


def pretrain_config(*, epochs: int = EPOCHS, seed: int = 0) -> RunConfig:
    """The pretraining run: a tiny3d classifying the normal-light actions, from random weights."""
    classes = len(NORMAL_LIGHT_DATA["classes"])
    return RunConfig(role="baseline", enhancer="none", num_classes=classes, epochs=epochs, seed=seed, lr=LR,
                     pretrained=None, precise_bn=0)  # fmt: skip


def pretrain(
    out: str | os.PathLike, *, epochs: int = EPOCHS, seed: int = 0, data: dict | None = None, progress: bool = True
) -> Path:
    """Generate the normal-light data set in ``out/data``, train on it in ``out/run`` and write the network's
    weights (a state dict) to ``out/tiny3d_normal_light.pt``; return that path.

    Resumable as every run is (the data set and the run pick up where they stopped). ``data`` overrides
    ``NORMAL_LIGHT_DATA``'s generator settings (a smaller set for a test, say).
    """
    out = Path(out)
    generate_dataset(out / "data", **{**NORMAL_LIGHT_DATA, **(data or {})}, progress=progress)
    fit(pretrain_config(epochs=epochs, seed=seed), out / "data", out / "run", progress=progress)
    weights = out / NORMAL_LIGHT_FILE
    with atomic_path(weights) as tmp:
        torch.save(load_checkpoint(out / "run" / CHECKPOINT)["model"], tmp)
    return weights
