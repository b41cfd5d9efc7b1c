# %% [markdown]
# # 02 · Worked solutions
# The solutions to the exercises of `02_dark_vs_enhanced.ipynb`. `dlkdd notebooks` (and the tests) run each
# in place of its empty exercise cell, then write the executed solutions apart. A cell tagged
# `solution-N` belongs to exercise N.

# %% tags=["solution-1"]
import torch


def my_gamma_lut(gamma):
    """uint8 (256,): entry v is round(255 * (v / 255) ** (1 / gamma))."""
    levels = torch.arange(256, dtype=torch.float64) / 255  # float64: float32 rounds a few entries the other way
    return torch.round(levels.pow(1 / gamma) * 255).to(torch.uint8)


# %% tags=["solution-1"]
table = my_gamma_lut(GAMMA)
print(f"dark levels 0-10 become {table[:11].tolist()}")
print(f"applied to the Walk clip: mean {table[clips['Walk'].long()].float().mean() / 255:.3f}")

# %% tags=["solution-2"]
import numpy as np

for g in np.arange(1.0, 6.01, 0.25):
    mean = gamma_correct(clips["Walk"], float(g)).float().mean() / 255
    if mean >= 0.4:
        print(f"gamma {g:.2f} gives mean {mean:.3f}")
        break

# %% tags=["solution-3"]
levels = torch.arange(256, dtype=torch.uint8)
assert torch.all(gamma_correct(levels, GAMMA).diff() >= 0), "gamma swapped two levels"
a, b = clips[CLASSES[0]], clips[CLASSES[1]]
level = 10
out_a = histogram_equalize(a)[a == level]
out_b = histogram_equalize(b)[b == level]
print(f"gamma is monotone; histeq sends level {level} to {out_a[:1].tolist()} in {CLASSES[0]} "
      f"and to {out_b[:1].tolist()} in {CLASSES[1]}")

# %% [markdown] tags=["solution-3"]
# Histogram equalisation builds its table from each clip's own histogram, so the same dark value means a
# different input to the network in different clips. Within one clip it is still a global curve (the thin
# line above); across clips it adds a per-clip normalisation of contrast, which the dataset's mean and
# standard deviation do only partly.
