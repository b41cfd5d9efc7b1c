# %% [markdown]
# # 02 · Dark versus enhanced
#
# **The question.** What does enhancement do to a dark clip, and what does it cost?
#
# **What you will learn.** Gamma correction (`out = in^(1/γ)`, γ > 1 brightens) and histogram equalisation,
# side by side; what they do to the pixel histograms (and to the noise); an interactive explorer; and the
# sample the dataset hands to the models: a *dark* and an *enhanced* view of the same frames and crop.

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
GAMMA = 1.8                     # the teacher's enhancement (DarkLight's default)
CLASSES = ["Walk", "Run", "Drink", "Pour"]

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from dlkdd_lite.enhance import gamma_correct, histogram_equalize
from dlkdd_lite.plots import save_figure
from dlkdd_lite.video import read_clip
from dlkdd_lite.viz import channel_histograms, frame_grid

root = Path(DATA_DIR)
clips = {name: torch.from_numpy(read_clip(root / name / f"{name}_1_1.mp4")) for name in CLASSES}

# %% [markdown]
# ## The gamma curve
# Dark levels are stretched a lot, bright ones hardly at all.

# %%
x = torch.linspace(0, 1, 256)
fig, ax = plt.subplots(figsize=(4, 3))
for g in (1.0, 1.8, 2.5, 4.0):
    ax.plot(x, gamma_correct(x, g), label=f"gamma {g}")
ax.axvspan(0, 0.15, color="grey", alpha=0.2, label="where dark video lives")
ax.set(xlabel="input level", ylabel="output level", title="out = in^(1/gamma)")
ax.legend(fontsize=8);

# %% [markdown]
# ## Side by side

# %%
clip = clips[CLASSES[0]]
views = {"dark": clip.numpy(), f"gamma {GAMMA}": gamma_correct(clip, GAMMA).numpy(), "histeq": histogram_equalize(clip).numpy()}
fig = frame_grid(views, title=f"{CLASSES[0]}: dark vs enhanced")
save_figure(fig, Path(FIGURES_DIR) / "02_dark_vs_enhanced")
fig

# %% [markdown]
# ## Histograms
# Enhancement moves the mass of the histogram up. It cannot add information: the dark clip's few levels are spread apart, gaps and noise included.

# %%
channel_histograms(views);

# %%
for name, view in views.items():
    v = torch.from_numpy(view).float() / 255
    noise = (v[1:] - v[:-1]).std().item()  # frame-to-frame change: mostly sensor noise here
    print(f"{name:>10}: mean {v.mean():.3f}, distinct levels {len(torch.unique(torch.from_numpy(view)))}, "
          f"frame-to-frame std {noise:.3f}")

# %% [markdown]
# ## Explore
# Drag the sliders (in JupyterLab). When this notebook runs headless (tests, `make demo`), the explorer draws a static grid instead.

# %%
from dlkdd_lite.widgets import gamma_explorer

gamma_explorer(clips[CLASSES[1]].numpy())

# %% [markdown]
# ## What the models receive
# The dataset returns both views, cut from **the same frames and the same crop**, normalised, as `(C, T, H, W)`.

# %%
from dlkdd_lite.datasets import DarkVideoDataset

dataset = DarkVideoDataset(root, root / "splits" / "ARID_split1_train.txt", train=True, gamma=GAMMA)
sample = dataset[0]
{key: (tuple(v.shape), v.dtype) if torch.is_tensor(v) else v for key, v in sample.items()}

# %% [markdown]
# ## What this notebook wrote
# `FIGURES_DIR/02_dark_vs_enhanced.png` and `.pdf`. Next: **02b_zerodce** (a learned enhancer), then
# **03_teacher**, which trains a model on the enhanced view.
#
# ## Exercises
# 1. Which gamma brings the mean pixel of the dark `Walk` clip to about 0.4?
# 2. Show that gamma correction is monotone (it never swaps the order of two levels) but histogram
#    equalisation of two *different* clips can map the same input level to different outputs.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
for g in np.arange(1.0, 6.01, 0.25):
    if gamma_correct(clips["Walk"], float(g)).float().mean() / 255 >= 0.4:
        print(f"gamma {g:.2f} gives mean {gamma_correct(clips['Walk'], float(g)).float().mean() / 255:.3f}")
        break

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
levels = torch.arange(256, dtype=torch.uint8)
assert torch.all(gamma_correct(levels, GAMMA).diff() >= 0)
a, b = clips[CLASSES[0]], clips[CLASSES[1]]
level = 10
out_a = histogram_equalize(a)[a == level]
out_b = histogram_equalize(b)[b == level]
print(f"level {level} -> {out_a[:1].tolist()} in one clip, {out_b[:1].tolist()} in the other")
