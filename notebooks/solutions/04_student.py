# %% [markdown]
# # 04 · Worked solutions
# The solutions to the exercises of `04_student.ipynb`. `dlkdd notebooks` (and the tests) run each in place
# of its empty exercise cell, then write the executed solutions apart. A cell tagged `solution-N` belongs
# to exercise N.

# %% tags=["solution-1"]
import torch.nn.functional as F


def my_kd_loss(student_logits, teacher_logits, labels, temperature, alpha):
    """alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(s, y); KL summed over classes,
    averaged over the batch."""
    log_p_student = F.log_softmax(student_logits / temperature, dim=1)  # (B, K)
    log_p_teacher = F.log_softmax(teacher_logits.detach() / temperature, dim=1)  # no gradient to the teacher
    kl = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).sum(dim=1).mean()
    return alpha * temperature**2 * kl + (1 - alpha) * F.cross_entropy(student_logits, labels)


# %% [markdown] tags=["solution-1"]
# `log_softmax` computes $z - \log\sum e^{z}$ in one stable step; `softmax(...).log()` underflows to
# $\log 0 = -\infty$ for a class with a very small probability, and the KL becomes `nan`.

# %% tags=["solution-2"]
import math

import torch.nn.functional as F

g = torch.Generator().manual_seed(0)
s, y, k = torch.randn(8, len(CLASSES), generator=g), torch.randint(0, len(CLASSES), (8,), generator=g), len(CLASSES)
know_nothing = torch.zeros(8, k)  # equal logits: a uniform teacher
for alpha in (0.1, 0.5, 0.9):
    kd = kd_loss(s, know_nothing, y, temperature=1.0, alpha=alpha)["loss"]
    smoothing = F.cross_entropy(s, y, label_smoothing=alpha)
    print(f"alpha {alpha}: KD with a uniform teacher {kd:.4f}; label smoothing - alpha log K "
          f"{smoothing - alpha * math.log(k):.4f}")

# %% [markdown] tags=["solution-2"]
# With a uniform teacher $u$ at $T = 1$: $\mathrm{KL}(u \,\|\, p_s) = \mathrm{CE}(u, p_s) - \log K$, so the KD loss is
# $(1-\alpha)\,\mathrm{CE}(y, p_s) + \alpha\,\mathrm{CE}(u, p_s) - \alpha \log K$: label smoothing with
# $\varepsilon = \alpha$, minus the constant $\alpha \log K$, which changes no gradient (Yuan et al., 2020).
# A real teacher differs in what it spreads: label smoothing gives every wrong class the same share, the
# teacher gives more to the classes *this clip* resembles ("Drink" looks like "Pour"), differently for
# every clip. That per-clip similarity is what distillation adds; label smoothing is only its regularising
# part. (Müller et al., 2019, found that teachers trained *with* label smoothing distil worse, because
# smoothing erases those similarities.)

# %% [markdown] tags=["solution-3"]
# Several reasons, and on this data the last one matters as much as the others:
#
# - **Different inputs, different tests.** The teacher is scored on enhanced clips, the student on dark
#   ones; they are not the same exam.
# - **The labels still count.** With $\alpha < 1$ the student also fits the true labels, so where the
#   teacher's top class is wrong the label can overrule it.
# - **Soft targets carry more than the teacher's top-1.** Even when the teacher's first guess is wrong, its
#   ranking of the other classes is information; and matching a smooth target regularises a small network
#   trained on a few hundred clips, like label smoothing with a per-clip prior (exercise 2). Students of
#   the same size as their teacher often beat it (Furlanello et al., 2018, "born-again" networks).
# - **Noise.** One teacher run and one student run can swap places by chance: a seed moves accuracy by a
#   few points either way (the evidence's spread over seeds), and the teacher here is a single seed.

# %% tags=["solution-4"]
from dlkdd_lite.train import fit

pure_kd = preset(TIER, role="student", teacher_ckpt=str(teacher_ckpt), temperature=TEMPERATURE, alpha=1.0, epochs=3)
result = fit(pure_kd, DATA_DIR, Path(RUNS_DIR) / "exercises" / "student_alpha1")
print(f"alpha = 1, 3 epochs: video accuracy {result['video_acc1']:.1%}; chance is {1 / len(CLASSES):.1%}")

# %% [markdown] tags=["solution-4"]
# If the printed accuracy is clearly above chance, the soft targets alone carried class information: the
# teacher's predictions stand in for the labels. With 3 epochs on a small test set, "clearly" means by more
# than a few videos; compare with the baseline's first epochs in its `metrics.csv`.
