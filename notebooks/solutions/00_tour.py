# %% [markdown]
# # 00 · Worked solutions
# The solutions to the exercises of `00_tour.ipynb`. `dlkdd notebooks` (and the tests) run each in place
# of its empty exercise cell, then write the executed solutions apart (`build/notebooks/solutions/`).
# A cell tagged `solution-N` belongs to exercise N.

# %% tags=["solution-1"]
import torch


def my_soft_targets(logits, temperature):
    """softmax(logits / temperature) over the last axis, for logits (..., K)."""
    z = torch.as_tensor(logits, dtype=torch.float64) / temperature
    z = z - z.max(dim=-1, keepdim=True).values  # exp(800) overflows; shifting all logits leaves the softmax unchanged
    e = z.exp()
    return e / e.sum(dim=-1, keepdim=True)


print(my_soft_targets(torch.tensor([1000.0, 999.0]), 1.0))  # without the shift: nan

# %% [markdown] tags=["solution-1"]
# Subtracting the largest logit multiplies numerator and denominator by the same $e^{-\max}$, so the
# result is unchanged, but no `exp` overflows: the largest term becomes $e^0 = 1$.

# %% tags=["solution-2"]
big = build_model("r2plus1d_18", num_classes=11)
print(f"r2plus1d_18: {count_parameters(big):,} parameters, "
      f"{count_parameters(big) / count_parameters(model):.0f}x tiny3d's")

# %% tags=["solution-3"]
batch = torch.randn(16, 3, 8, 56, 56)  # (B, C, T, H, W)
with torch.no_grad():
    model(batch)  # a first call pays one-off costs (memory allocation), so time the second
    start = time.perf_counter()
    model(batch)
print(f"{16 / (time.perf_counter() - start):.0f} clips/s (forward only, batch of 16)")
