# %% [markdown]
# # 02b · Zero-DCE: an enhancer that learns from dark frames alone
#
# **The question.** Can a network learn to brighten dark frames without ever seeing a well-lit reference?
#
# **What you will learn.** Zero-DCE (Guo et al., CVPR 2020), the enhancer DL-KDD's teacher uses: a small CNN
# (DCE-Net, about 79 k parameters) predicts, for every pixel, eight quadratic curves
# $LE(x) = x + r\,(x^2 - x)$ that are applied one after another. It trains with four *non-reference* losses:
# spatial consistency, exposure control (16×16 patches towards 0.6), colour constancy and illumination
# smoothness. You will train it on the quick tier's dark frames, watch the losses and the curve maps, and
# compare it with gamma correction and histogram equalisation.

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
ZERODCE_STEPS = 300             # optimisation steps (about 15 s on a laptop CPU with 32x32 patches)
ZERODCE_FRAMES = 512            # random dark training frames drawn from the training videos

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch

from dlkdd_lite.splits import find_split_file
from dlkdd_lite.zerodce_train import dark_frames, train_zerodce

frames = dark_frames(DATA_DIR, find_split_file(DATA_DIR, 1, "train"), ZERODCE_FRAMES)
print(f"{len(frames)} dark frames {tuple(frames.shape[1:])}, mean {frames.mean():.3f}")

# %% [markdown]
# ## Train
# Resumable like everything else: re-running the cell continues from `zerodce.pt`.

# %%
zerodce_dir = Path(RUNS_DIR) / "zerodce"
model = train_zerodce(frames, zerodce_dir, steps=ZERODCE_STEPS)
losses = pd.read_csv(zerodce_dir / "metrics.csv")
losses.pivot(index="step", columns="metric", values="value").rolling(10, min_periods=1).mean().plot(
    subplots=True, figsize=(7, 6), title="zero-reference losses (rolling mean of 10 steps)", legend=False)
plt.tight_layout();

# %% [markdown]
# ## Curve maps
# Where DCE-Net brightens: the mean magnitude of its eight curve maps per pixel. A negative $r$ lifts dark levels.

# %%
image = frames[:1]  # (1, 3, H, W)
with torch.no_grad():
    enhanced, maps = model(image)
fig, axes = plt.subplots(1, 3, figsize=(8, 2.8))
axes[0].imshow(image[0].permute(1, 2, 0) ** (1 / 2.5))
axes[0].set_title("dark (gamma 2.5 for display)")
axes[1].imshow(enhanced[0].permute(1, 2, 0))
axes[1].set_title("Zero-DCE")
im = axes[2].imshow(maps[0].abs().mean(0), cmap="magma")
axes[2].set_title("mean |r| over 8 curves")
fig.colorbar(im, ax=axes[2])
for ax in axes:
    ax.set(xticks=[], yticks=[])

# %% [markdown]
# ## Four enhancers side by side

# %%
from dlkdd_lite.enhance import build_enhancer
from dlkdd_lite.plots import save_figure
from dlkdd_lite.video import read_clip
from dlkdd_lite.viz import channel_histograms, frame_grid

clip = torch.from_numpy(read_clip(Path(DATA_DIR) / "Drink" / "Drink_1_1.mp4"))
weights = str(zerodce_dir / "zerodce.pt")
enhancers = {"gamma": build_enhancer("gamma"), "histeq": build_enhancer("histeq"),
             "zerodce": build_enhancer("zerodce", weights=weights)}
views = {"dark": clip.numpy(), **{name: fn(clip).numpy() for name, fn in enhancers.items()}}
fig = frame_grid(views, title="Drink: dark, gamma 1.8, histogram equalisation, Zero-DCE")
save_figure(fig, Path(FIGURES_DIR) / "02b_zerodce")
fig

# %%
channel_histograms(views);

# %% [markdown]
# ## No-reference numbers
# Mean brightness, the share of clipped (saturated) values, and a noise estimate (Immerkaer's method). Brighter is not free: every enhancer also amplifies the sensor noise.

# %%
from dlkdd_lite.quality import quality_stats

pd.DataFrame({name: quality_stats(view) for name, view in views.items()}).T.round(4)

# %% [markdown]
# ## Explore
# Pick an enhancer and a frame (static grid when run headless).

# %%
from dlkdd_lite.widgets import enhancer_explorer

enhancer_explorer(clip.numpy(), enhancers)

# %% [markdown]
# ## A teacher on Zero-DCE clips
# The teacher's enhancer is part of its configuration, recorded in its run folder:
#
# ```python
# RunConfig(role="teacher", enhancer="zerodce", enhancer_weights=weights)
# ```
#
# or `dlkdd train --role teacher --enhancer zerodce --enhancer-weights runs/quick/zerodce/zerodce.pt ...`.
# The dataset enhances each whole video once and keeps it in memory, so Zero-DCE's cost is paid once per video.
# A student distilled from such a teacher must name the same enhancer (its enhanced view feeds the teacher).
#
# ## What this notebook wrote
# `RUNS_DIR/zerodce/zerodce.pt` and `metrics.csv`; `FIGURES_DIR/02b_zerodce.png` / `.pdf`. Next: **03_teacher**.
#
# ## Exercises
# 1. Does Zero-DCE meet the kit's target on the test clips: mean brightness in 0.4-0.6 with at most 1 % clipped values?
# 2. Set every curve map to zero by zeroing DCE-Net's last layer. What does the enhancer do now, and why?

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
from dlkdd_lite.splits import read_split_file

test = read_split_file(find_split_file(DATA_DIR, 1, "test"))
stats = pd.DataFrame([quality_stats(enhancers["zerodce"](torch.from_numpy(read_clip(Path(DATA_DIR) / e.relpath))))
                      for e in test[:: max(len(test) // 12, 1)]])
print(stats[["mean_brightness", "clipped_fraction"]].describe().loc[["mean", "min", "max"]].round(3))

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
import copy

from dlkdd_lite.zerodce import zerodce_enhance

flat = copy.deepcopy(model)
torch.nn.init.zeros_(flat.convs[6].weight)
torch.nn.init.zeros_(flat.convs[6].bias)
print("unchanged:", torch.equal(zerodce_enhance(clip, flat), clip), "- r = tanh(0) = 0, and x + 0 * (x^2 - x) = x")
