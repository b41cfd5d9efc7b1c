"""checks.py: check a learner's own version of the core against the library, for the notebooks' exercises.

``check("kd_loss", globals())`` finds the learner's function (``my_kd_loss``), runs it and the library's
on the same random inputs and says whether they agree; an AssertionError says how they differ. Before
the learner has written it, it says what to write and returns False, so a notebook still runs top to
bottom. Knows nothing about notebook files.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from dlkdd_lite.data.sampling import sample_frame_indices
from dlkdd_lite.distill import ce_step, kd_loss
from dlkdd_lite.enhance.enhancers import gamma_correct
from dlkdd_lite.enhance.zerodce import apply_curves
from dlkdd_lite.experiments.paper_tier import expected_minutes
from dlkdd_lite.models import build_model
from dlkdd_lite.viz.ablation import soft_targets
from dlkdd_lite.viz.paper import confusion_matrix


@dataclass(frozen=True)
class Exercise:
    name: str  # the function the learner writes
    signature: str
    library: str  # what it is checked against
    run: Callable[[Callable], str]  # raises AssertionError on a mismatch; returns what agreed


def check(exercise: str, namespace: dict) -> bool:
    """Check the learner's function for ``exercise`` (a key of ``EXERCISES``) found in ``namespace``.

    Returns True when it agrees with the library, False when it is not written yet; raises
    AssertionError when it disagrees.
    """
    spec = EXERCISES[exercise]
    fn = namespace.get(spec.name)
    if fn is None:
        print(f"Not checked yet: write `{spec.name}{spec.signature}` in the cell above, run it, then this cell.")
        return False
    agreed = spec.run(fn)
    print(f"✓ {spec.name} agrees with {spec.library}: {agreed}.")
    return True


def _close(mine, expected, what: str, atol: float = 1e-5) -> None:
    mine = torch.as_tensor(np.asarray(mine, dtype=np.float64) if not torch.is_tensor(mine) else mine).double()
    expected = torch.as_tensor(expected).double()
    assert mine.shape == expected.shape, f"{what}: shape {tuple(mine.shape)}, expected {tuple(expected.shape)}"
    worst = (mine - expected).abs().max().item() if mine.numel() else 0.0
    assert worst <= atol, f"{what}: differs by up to {worst:.3g} (expected\n{expected}\ngot\n{mine})"


def _soft_targets(fn) -> str:
    logits = torch.randn(4, 11, generator=torch.Generator().manual_seed(0)) * 3
    for temperature in (0.5, 1.0, 4.0, 16.0):
        _close(fn(logits.clone(), temperature), soft_targets(logits.numpy(), temperature), f"T = {temperature}")
    return "4 clips of 11 logits at T = 0.5, 1, 4 and 16"


def _segment_indices(fn) -> str:
    cases = [(16, 8), (30, 8), (300, 16), (9, 4), (8, 8)]
    for frames, num in cases:
        expected = sample_frame_indices(frames, num, strategy="segment", train=False)
        mine = np.asarray(fn(frames, num))
        assert mine.tolist() == expected.tolist(), f"{frames} frames, {num} samples: {mine.tolist()} != {expected}"
    return f"{len(cases)} videos, from 8 to 300 frames"


def _gamma_lut(fn) -> str:
    levels = torch.arange(256, dtype=torch.uint8)
    for gamma in (1.0, 1.8, 2.5, 0.7):
        mine = torch.as_tensor(np.asarray(fn(gamma)))
        assert mine.shape == (256,), f"gamma {gamma}: a table of 256 entries expected, got shape {tuple(mine.shape)}"
        worst = (mine.long() - gamma_correct(levels, gamma).long()).abs().max().item()
        assert worst == 0, f"gamma {gamma}: entries differ by up to {worst} levels (round, do not truncate)"
    return "all 256 levels at gamma 0.7, 1, 1.8 and 2.5"


def _apply_curves(fn) -> str:
    g = torch.Generator().manual_seed(0)
    images, maps = torch.rand(2, 3, 8, 8, generator=g), torch.rand(2, 24, 8, 8, generator=g) * 2 - 1
    _close(fn(images.clone(), maps.clone()), apply_curves(images, maps), "enhanced images")
    return "2 images of 8 x 8 pixels, random curve maps in [-1, 1]"


def _train_step(fn) -> str:
    torch.manual_seed(0)
    model = build_model("tiny3d", num_classes=5)
    clips, labels = torch.randn(4, 3, 4, 16, 16), torch.tensor([0, 1, 2, 3])  # (B, C, T, H, W), (B,)
    runs = []
    for step in ("mine", "library"):
        net = copy.deepcopy(model).train()
        optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
        torch.manual_seed(1)  # the same dropout mask in both
        if step == "mine":
            loss = fn(net, optimizer, clips, labels)
        else:
            optimizer.zero_grad()
            loss = ce_step(net, clips, labels)["loss"]
            loss.backward()
            optimizer.step()
        runs.append(
            (float(torch.as_tensor(loss).detach()), torch.cat([p.detach().flatten() for p in net.parameters()]))
        )
    (mine_loss, mine_weights), (loss, weights) = runs
    assert abs(mine_loss - loss) < 1e-5, f"the step's loss: {mine_loss:.6f}, expected {loss:.6f} (cross-entropy)"
    _close(mine_weights, weights, "weights after the step", atol=1e-6)
    return f"one SGD step of tiny3d on 4 clips: loss {loss:.4f} and every weight after the step"


def _kd_loss(fn) -> str:
    g = torch.Generator().manual_seed(0)
    student, teacher = torch.randn(8, 11, generator=g) * 2, torch.randn(8, 11, generator=g) * 2
    labels = torch.randint(0, 11, (8,), generator=g)
    for temperature, alpha in ((1.0, 0.0), (4.0, 0.7), (4.0, 1.0), (16.0, 0.5)):
        expected = kd_loss(student, teacher, labels, temperature=temperature, alpha=alpha)["loss"]
        mine = fn(student.clone(), teacher.clone(), labels, temperature, alpha)
        _close(mine, expected, f"T = {temperature}, alpha = {alpha}")
    return "8 clips, (T, alpha) = (1, 0), (4, 0.7), (4, 1) and (16, 0.5)"


def _kd_gradient(fn) -> str:
    g = torch.Generator().manual_seed(0)
    teacher, labels = torch.randn(8, 11, generator=g) * 2, torch.zeros(8, dtype=torch.long)
    for temperature in (1.0, 4.0, 16.0):
        student = (torch.randn(8, 11, generator=g) * 2).requires_grad_()
        kd_loss(student, teacher, labels, temperature=temperature, alpha=1.0)["kd"].backward()
        _close(fn(student.detach().clone(), teacher.clone(), temperature), student.grad, f"T = {temperature}")
    return "autograd's gradient of the KD term for 8 clips at T = 1, 4 and 16"


def _training_minutes(fn) -> str:
    cases = [(30, 2288, 100.0, 1.0), (30, 2288, 400.0, 1.33), (40, 7052, 250.0, 2.0), (1, 10, 5.0, 1.0)]
    for epochs, clips, rate, cost in cases:
        expected = expected_minutes(epochs, clips, step_cost=cost, clips_per_second=(rate,))[0]
        _close(fn(epochs, clips, rate, cost), expected, f"{epochs} epochs of {clips} clips at {rate} clips/s, x{cost}")
    return f"{len(cases)} runs, from 10 clips to Dark-48's 7,052"


def _confusion_matrix(fn) -> str:
    rng = np.random.default_rng(0)
    predictions = pd.DataFrame({"label": rng.integers(0, 5, 40), "pred": rng.integers(0, 5, 40)})
    predictions = predictions[predictions["label"] != 4]  # a class without test videos: its row is zeros
    _close(fn(predictions.copy(), 5), confusion_matrix(predictions, 5), "row-normalised confusion matrix")
    return "40 random predictions over 5 classes, one class without videos"


EXERCISES = {
    "soft_targets": Exercise("my_soft_targets", "(logits, temperature)", "viz.ablation.soft_targets", _soft_targets),
    "segment_indices": Exercise(
        "my_segment_indices", "(video_frames, num_frames)", "sampling.sample_frame_indices", _segment_indices
    ),
    "gamma_lut": Exercise("my_gamma_lut", "(gamma)", "enhance.gamma_correct", _gamma_lut),
    "apply_curves": Exercise("my_apply_curves", "(images, maps)", "zerodce.apply_curves", _apply_curves),
    "train_step": Exercise(
        "my_train_step", "(model, optimizer, clips, labels)", "distill.ce_step + backward + step", _train_step
    ),
    "kd_loss": Exercise(
        "my_kd_loss", "(student_logits, teacher_logits, labels, temperature, alpha)", "distill.kd_loss", _kd_loss
    ),
    "kd_gradient": Exercise(
        "my_kd_gradient", "(student_logits, teacher_logits, temperature)", "autograd on distill.kd_loss", _kd_gradient
    ),
    "training_minutes": Exercise(
        "my_training_minutes",
        "(epochs, train_clips, clips_per_second, step_cost)",
        "paper_tier.expected_minutes",
        _training_minutes,
    ),
    "confusion_matrix": Exercise(
        "my_confusion_matrix", "(predictions, num_classes)", "viz.paper.confusion_matrix", _confusion_matrix
    ),
}
