# %% [markdown]
# # 05 · Worked solutions
# The solutions to the exercises of `05_ablation.ipynb`. `dlkdd notebooks` (and the tests) run each in place
# of its empty exercise cell, then write the executed solutions apart. A cell tagged `solution-N` belongs
# to exercise N.

# %% tags=["solution-1"]
import torch


def my_kd_gradient(student_logits, teacher_logits, temperature):
    """d/ds of T^2 * KL(softmax(t/T) || softmax(s/T)), averaged over the batch: (B, K)."""
    p_student = torch.softmax(student_logits / temperature, dim=1)  # (B, K)
    p_teacher = torch.softmax(teacher_logits / temperature, dim=1)
    # KL's gradient in z = s / T is p_student - p_teacher; dz/ds = 1 / T; times T^2; mean over B clips.
    return temperature * (p_student - p_teacher) / len(student_logits)


# %% tags=["solution-2"]
g = torch.Generator().manual_seed(0)
teacher_logits = logits[None]  # (1, K), the teacher's on the clip above
student_logits = torch.randn(1, len(logits), generator=g)  # an untrained student's
label = torch.tensor([int(teacher_logits.argmax())])
ce_grad = (torch.softmax(student_logits, 1) - torch.nn.functional.one_hot(label, len(logits))).norm()
print(f"cross-entropy's gradient: {ce_grad:.3f} at any T")
for temperature in (1, 2, 4, 8, 16):
    with_t2 = my_kd_gradient(student_logits, teacher_logits, temperature).norm()
    print(f"T = {temperature:>2}: KD gradient with T^2 {with_t2:.3f}, without {with_t2 / temperature**2:.5f}")

# %% [markdown] tags=["solution-2"]
# The KL between two softened distributions has gradients that shrink like $1/T^2$ once $T$ is large
# (one $1/T$ from the chain rule, one because the softened probabilities differ by about $1/T$). Multiplying
# by $T^2$ undoes both, so the KD term's gradient stays about the same size as $T$ changes and stays
# comparable with the cross-entropy's (Hinton et al., 2015, section 2). Without it, at $T = 16$ the KD term
# would pull hundreds of times more weakly, and $\alpha$ would mean something different at every
# temperature: a sweep over $T$ would really be a sweep over the weight of the teacher.

# %% tags=["solution-3"]
import numpy as np

for temperature in (1, 2, 4, 8, 16):
    q = soft_targets(logits.numpy(), temperature)
    print(f"T = {temperature:>2}: entropy {-(q * np.log(q)).sum():.3f} (log K = {np.log(q.size):.3f})")
centred = lambda z: z - z.mean(dim=1, keepdim=True)
high = my_kd_gradient(student_logits, teacher_logits, 1000.0)
matching = (centred(student_logits) - centred(teacher_logits)) / len(logits)  # (s - t) / K, centred
print(f"at T = 1000 the KD gradient and (s - t) / K differ by at most {(high - matching).abs().max():.1e}")

# %% [markdown] tags=["solution-3"]
# The entropy rises towards $\log K$: at high temperature the targets become uniform, and the differences
# between classes shrink like $1/T$. But the KD term does not vanish: with the $T^2$, its gradient tends to
# $((s - \bar s) - (t - \bar t)) / K$, the gradient of a squared error between the (centred) logits. In the
# high-temperature limit distillation *is* logit matching (Hinton et al., 2015, section 2.1; Ba & Caruana,
# 2014): the student is asked to copy every logit of the teacher, including the very negative ones that
# a low temperature ignores.

# %% tags=["solution-4"]
summary = grid_summary(results)
best = summary[summary["alpha"] > 0].sort_values("mean").iloc[-1]
baseline = summary[summary["alpha"] == 0].iloc[0]
gap = best["mean"] - baseline["mean"]
spread = max(best["std"], baseline["std"])
print(f"best: T = {best['temperature']:g}, alpha = {best['alpha']:g}: {best['mean']:.1f} % vs no KD "
      f"{baseline['mean']:.1f} %: gap {gap:+.1f} points over {int(best['count'])} seed(s); "
      f"larger std of the two: {spread:.1f} points; one video: {100 / videos:.1f} points")

# %% [markdown] tags=["solution-4"]
# Compare the gap with the spread printed above. With two seeds a standard deviation is itself very
# uncertain, and the best of several cells is chosen *because* it came out high, so its lead is biased
# upwards (the winner's curse). A lead of less than about two standard deviations, or of a couple of
# videos, is not evidence that this cell is better; more seeds, or a paired comparison on the same test
# videos, would be.
