# %% [markdown]
# # 02b · Zero-DCE: an enhancer that learns from dark frames alone
#
# **The question.** Can a network learn to brighten dark frames without ever seeing a well-lit reference,
# and how does what it does differ from a global curve such as gamma?
#
# **What you will see.** Zero-DCE (Guo et al., CVPR 2020), the enhancer of DL-KDD's teacher: a small CNN
# (DCE-Net: 79 k parameters in the paper, 24 k at the 16 filters per layer the kit uses on 32×32 frames) predicts, for every pixel, eight quadratic curves
# $LE(x) = x + r\,(x^2 - x)$ that are applied one after another. It trains with four *non-reference*
# losses: spatial consistency, exposure control (16×16 patches towards 0.6), colour constancy and
# illumination smoothness. You will train it on the quick tier's dark frames, read its losses and curve
# maps, and see that, unlike gamma, it brightens the same dark level differently in different places.
#
# **Runtime.** About 25 s, worked solutions included: decoding the training videos (kept on disk for notebook
# 03) and training Zero-DCE (measured 2026-12-01 on an idle 2-core CPU with AVX-512; a CPU without AVX-512
# takes about 2.5 times as long).

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
ZERODCE_STEPS = 300             # optimisation steps on 32x32 patches
ZERODCE_WIDTH = 16              # filters per layer: the kit's quick-tier enhancer (the paper's DCE-Net has 32)
ZERODCE_FRAMES = 512            # random dark training frames drawn from the training videos

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch

from dlkdd_lite.data.splits import find_split_file
from dlkdd_lite.enhance.zerodce_train import dark_frames, train_zerodce

# store="auto": the decoded videos stay on disk (~/.cache/dlkdd_lite), where notebook 03's teacher finds them
frames = dark_frames(DATA_DIR, find_split_file(DATA_DIR, 1, "train"), ZERODCE_FRAMES, store="auto")  # (N, 3, H, W)
print(f"{len(frames)} dark frames {tuple(frames.shape[1:])}, mean {frames.mean():.3f}")

# %% [markdown]
# ## Train
# Resumable like everything else: re-running the cell continues from `zerodce.pt`, or returns at once
# when it is done.

# %%
from dlkdd_lite.viz.zerodce import plot_zerodce_losses

zerodce_dir = Path(RUNS_DIR) / "zerodce"
model = train_zerodce(frames, zerodce_dir, steps=ZERODCE_STEPS, width=ZERODCE_WIDTH)  # how the kit's weights were made
losses = pd.read_csv(zerodce_dir / "metrics.csv")
plot_zerodce_losses(losses)
plt.show()
steps = losses["step"].max() + 1
window = max(steps // 10, 1)
early = losses[losses["step"] < window].groupby("metric")["value"].mean()
late = losses[losses["step"] >= steps - window].groupby("metric")["value"].mean()
pd.DataFrame({f"first {window} steps": early, f"last {window} steps": late,
              "change": (late - early).map(lambda d: "fell" if d < 0 else "rose")}).round(4)

# %% [markdown]
# The losses pull against each other. *Exposure* measures how far 16×16 patches are from a mid-grey of
# 0.6; it is what makes the network brighten. *Spatial consistency* (local contrast against the input's)
# and *colour constancy* (the balance of the channel means) measure side effects: brightening changes
# contrast and can amplify a colour cast, so they may rise while exposure falls. *Illumination smoothness*
# keeps the curves from varying from pixel to pixel, so they follow the light rather than the noise. The
# total, which the training minimises, falls; the table above says what each did in this run.
#
# ## Curve maps
# Where DCE-Net brightens: the mean magnitude of its eight curve maps at each pixel. A negative $r$ lifts
# dark levels; $r = 0$ leaves a pixel as it is.

# %%
from dlkdd_lite.viz.zerodce import plot_curve_maps

image = frames[:1]  # (1, 3, H, W)
with torch.no_grad():
    enhanced, maps = model(image)  # (1, 3, H, W), (1, 24, H, W)
plot_curve_maps(image[0], enhanced[0], maps[0])
plt.show()

# %% [markdown]
# ## Three enhancers side by side

# %%
from dlkdd_lite.data.video import read_clip
from dlkdd_lite.enhance.enhancers import build_enhancer
from dlkdd_lite.viz.frames import frame_grid
from dlkdd_lite.viz.plots import save_figure

clip = torch.from_numpy(read_clip(Path(DATA_DIR) / "Drink" / "Drink_1_1.mp4"))  # uint8 (T, H, W, C)
weights = str(zerodce_dir / "zerodce.pt")
enhancers = {"gamma 1.8": build_enhancer("gamma", gamma=1.8), "histeq": build_enhancer("histeq"),
             "Zero-DCE": build_enhancer("zerodce", weights=weights)}
views = {"dark": clip.numpy(), **{name: fn(clip).numpy() for name, fn in enhancers.items()}}
fig = frame_grid(views, title="Drink: dark, gamma 1.8, histogram equalisation, Zero-DCE")
save_figure(fig, Path(FIGURES_DIR) / "02b_zerodce")
plt.show()

# %% [markdown]
# ## Not a global curve
# Notebook 02 plotted enhanced against dark value over all pixels of a clip: gamma and histogram
# equalisation draw thin lines (histogram equalisation one per colour channel), since every pixel of one
# dark level gets the same output. Zero-DCE draws a
# band: its curves at a pixel depend on a 15 × 15 neighbourhood (seven 3 × 3 convolutions), so the same
# dark level comes out brighter in one place than in another.

# %%
import numpy as np

from dlkdd_lite.viz.frames import plot_level_mapping

plot_level_mapping(views["dark"], {k: v for k, v in views.items() if k != "dark"})
plt.show()
dark_values = views["dark"][..., 1].reshape(-1)  # the green channel: one curve per channel for histeq
level = int(np.median(dark_values))  # the clip's median dark level
for name in enhancers:
    out = views[name][..., 1].reshape(-1)[dark_values == level]
    print(f"{name:>9}: the {len(out):,} green values at dark level {level} come out at {out.min()}-{out.max()} "
          f"(middle half {np.percentile(out, 25):.0f}-{np.percentile(out, 75):.0f})")

# %% [markdown]
# That is why DL-KDD's teacher sees Zero-DCE clips rather than gamma-corrected ones (notebook 02 explains
# what a network can learn away); notebook 03 trains that teacher.
#
# ## No-reference numbers
# Mean brightness, the share of clipped (saturated) values, and a noise estimate (Immerkaer's method).
# Brighter is not free: every enhancer also amplifies the sensor noise.

# %%
from dlkdd_lite.enhance.quality import quality_stats

pd.DataFrame({name: quality_stats(view) for name, view in views.items()}).T.round(4)

# %% [markdown]
# ## Explore
# Pick an enhancer and a frame (a static grid when run headless).

# %%
from dlkdd_lite.viz.widgets import enhancer_explorer

enhancer_explorer(clip.numpy(), enhancers)

# %% [markdown]
# ## A teacher on Zero-DCE clips
# The teacher's enhancer is part of its configuration and is recorded in its run folder:
#
# ```python
# RunConfig(role="teacher", enhancer="zerodce", enhancer_weights=weights)
# ```
#
# or `dlkdd train --role teacher --enhancer zerodce --enhancer-weights runs/quick/zerodce/zerodce.pt ...`.
# Without `enhancer_weights`, a Zero-DCE run uses the kit's own weights, trained the same way by
# `dlkdd zerodce --width 16` on another generated data set (seed 7) and shipped with the package: the quick
# tier's teacher in notebook 03 uses those, so it does not depend on how long this notebook trained. The dataset enhances each whole video once and keeps it, so Zero-DCE's cost is
# paid once per video, not per epoch. A student distilled from such a teacher names the same enhancer: its
# enhanced view feeds the teacher.
#
# ## Exercises
# Each exercise has an empty cell for you; the worked solutions are in `solutions/02b_zerodce.py`, and
# executed in the book (`make book`).
#
# **Exercise 1 · The curves (core).** DCE-Net only predicts the curve maps `r`; enhancing is eight
# applications of $x \leftarrow x + r_n\,(x^2 - x)$, each with its own three maps (one per colour).
# Write `my_apply_curves(images, maps)` for images `(N, 3, H, W)` in [0, 1] and maps `(N, 24, H, W)`:
# maps 0-2 are the first curve's R, G, B, maps 3-5 the second's, and so on. The next cell checks it against
# the library's `apply_curves`. Why does the output stay in [0, 1] for any r in [-1, 1]?

# %% tags=["exercise-1"]
# your code here

# %% tags=["check-1"]
from dlkdd_lite.tutorial.checks import check

check("apply_curves", globals());

# %% [markdown]
# **Exercise 2 · On target?** Does Zero-DCE meet the kit's target on the test clips: mean brightness in
# 0.4-0.6 with at most 1 % clipped values?

# %% tags=["exercise-2"]
# your code here

# %% [markdown]
# **Exercise 3 · No curve.** Set every curve map to zero by zeroing DCE-Net's last layer. What does the
# enhancer do now, and why?

# %% tags=["exercise-3"]
# your code here

# %% [markdown]
# ## Summary
# - Zero-DCE learns to brighten from dark frames alone, with four losses that need no reference image;
#   some of them rise while the total falls.
# - It brightens with curves that vary from pixel to pixel, so unlike gamma or histogram equalisation the
#   same dark level comes out differently in different places: not something a per-pixel curve undoes.
#
# **Limits.** The network here trains for a few hundred steps on small patches of generated frames; the
# authors train on real photographs of many exposures. The numbers above are one clip's.
#
# **This notebook wrote** `RUNS_DIR/zerodce/zerodce.pt` and `metrics.csv`; `FIGURES_DIR/02b_zerodce.png`
# and `.pdf`. **Next:** 03_teacher trains the teacher on enhanced clips.
#
# **References.** Chang, Chen & Tseng (2024), DL-KDD, arXiv:2406.02468 · Xu et al. (2020), ARID,
# arXiv:2006.03876 · Guo et al. (2020), *Zero-Reference Deep Curve Estimation for Low-Light Image
# Enhancement*, CVPR, arXiv:2001.06826 · Hinton, Vinyals & Dean (2015), knowledge distillation,
# arXiv:1503.02531 · Immerkær (1996), *Fast Noise Variance Estimation*, CVIU 64(2).
