"""kd_loss golden values (computed once with an independent NumPy formula), edge cases, gradients."""

import pytest
import torch

from dlkdd_lite.distill import ce_step, freeze, kd_loss, kd_step
from dlkdd_lite.models import build_model

STUDENT = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
TEACHER = torch.tensor([[2.0, 1.0, 0.0], [0.5, 0.5, 2.5]])
LABELS = torch.tensor([1, 2])
# T^2 * mean_batch KL(p_teacher || p_student) and mean CE, from NumPy (see the test module history).
GOLDEN = {1.0: (0.2890600460457726, 0.26512634393268697), 4.0: (0.3661493471326208, 0.26512634393268697)}


@pytest.mark.parametrize("temperature", [1.0, 4.0])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_kd_loss_golden(temperature, alpha):
    out = kd_loss(STUDENT, TEACHER, LABELS, temperature=temperature, alpha=alpha)
    kd, ce = GOLDEN[temperature]
    assert out["kd"].item() == pytest.approx(kd, rel=1e-5)
    assert out["ce"].item() == pytest.approx(ce, rel=1e-5)
    assert out["loss"].item() == pytest.approx(alpha * kd + (1 - alpha) * ce, rel=1e-5)


def test_kd_is_zero_when_student_matches_teacher():
    out = kd_loss(TEACHER.clone(), TEACHER, LABELS, temperature=3.0, alpha=1.0)
    assert out["kd"].item() == pytest.approx(0.0, abs=1e-6)


def test_gradients_reach_only_the_student():
    student_logits = STUDENT.clone().requires_grad_(True)
    teacher_logits = TEACHER.clone().requires_grad_(True)
    kd_loss(student_logits, teacher_logits, LABELS, temperature=2.0, alpha=0.5)["loss"].backward()
    assert student_logits.grad is not None and student_logits.grad.abs().sum() > 0
    assert teacher_logits.grad is None


def test_alpha_zero_is_plain_cross_entropy_gradient():
    a = STUDENT.clone().requires_grad_(True)
    b = STUDENT.clone().requires_grad_(True)
    kd_loss(a, TEACHER, LABELS, temperature=4.0, alpha=0.0)["loss"].backward()
    torch.nn.functional.cross_entropy(b, LABELS).backward()
    torch.testing.assert_close(a.grad, b.grad)


@pytest.mark.parametrize("kwargs, match", [
    (dict(temperature=0.0, alpha=0.5), "temperature"),
    (dict(temperature=-1.0, alpha=0.5), "temperature"),
    (dict(temperature=float("nan"), alpha=0.5), "temperature"),
    (dict(temperature=1.0, alpha=1.5), "alpha"),
    (dict(temperature=1.0, alpha=-0.1), "alpha"),
])  # fmt: skip
def test_kd_loss_rejects_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kd_loss(STUDENT, TEACHER, LABELS, **kwargs)


def test_kd_loss_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="logits"):
        kd_loss(STUDENT, TEACHER[:, :2], LABELS, temperature=1.0, alpha=0.5)


def test_kd_step_leaves_the_frozen_teacher_untouched():
    torch.manual_seed(0)
    student, teacher = build_model("tiny3d", 3), freeze(build_model("tiny3d", 3))
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    dark, enhanced = torch.randn(2, 3, 4, 16, 16), torch.randn(2, 3, 4, 16, 16)
    out = kd_step(student, teacher, dark, enhanced, torch.tensor([0, 2]), temperature=4.0, alpha=0.7)
    out["loss"].backward()
    assert all(p.grad is None for p in teacher.parameters())
    assert any(p.grad is not None for p in student.parameters())
    assert not teacher.training
    for k, v in teacher.state_dict().items():  # BN running stats unchanged: eval mode held
        torch.testing.assert_close(v, before[k])
    assert set(out) == {"loss", "ce", "kd", "logits", "teacher_logits"}


def test_ce_step_returns_loss_and_logits():
    model = build_model("tiny3d", 4)
    out = ce_step(model, torch.randn(2, 3, 4, 16, 16), torch.tensor([1, 3]))
    assert out["logits"].shape == (2, 4)
    assert out["loss"].item() == pytest.approx(out["ce"].item())
