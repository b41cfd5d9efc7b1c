# %% [markdown]
# # 00 · A tour of DL-KDD and a set-up check
#
# **The question.** How do you recognise actions in *dark* video without paying for image enhancement at
# inference time?
#
# **What you will see here.** The idea of DL-KDD (Chang, Chen & Tseng, 2024) in one picture and one formula,
# a check that your installation works, and where the kit puts things. Then notebooks 01 → 04 walk the whole
# pipeline on a small generated dataset that runs on a laptop CPU in minutes.

# %% [markdown]
# ## The idea
#
# ```
#  training                                              inference
#  ────────                                              ─────────
#  dark clip ──► enhance (gamma) ──► TEACHER ──► soft targets
#      │                                            │ KL (weight α, temperature T)
#      └──────────────────────────────► STUDENT ◄───┘ + cross-entropy with the label     dark clip ──► STUDENT ──► action
# ```
#
# 1. A **teacher** learns from *enhanced* clips (brighter, easier to see).
# 2. A **student** learns from the *original dark* clips, with two targets: the label and the teacher's
#    temperature-softened predictions on the enhanced view of the *same* clip.
# 3. At test time only the student runs, on dark video: one backbone, no enhancement module.
#
# The student's loss (Hinton et al., 2015), with student logits $s$, teacher logits $t$, label $y$:
#
# $$\mathcal{L} = \alpha\, T^2\, \mathrm{KL}\big(\mathrm{softmax}(t/T)\,\|\,\mathrm{softmax}(s/T)\big) + (1-\alpha)\,\mathrm{CE}(s, y)$$
#
# $\alpha = 0$ is a student trained without distillation: our **baseline**.

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF

# %% [markdown]
# ## Set-up check
# Versions of what the kit relies on, and the device it will train on (`auto` picks CUDA, then Apple's MPS, then the CPU).

# %%
import platform

import decord
import numpy as np
import torch  # before decord: see the README's note on decord2
import torchvision

import dlkdd_lite
from dlkdd_lite.device import resolve_device

print(f"python       {platform.python_version()}")
print(f"torch        {torch.__version__} (threads: {torch.get_num_threads()})")
print(f"torchvision  {torchvision.__version__}")
print(f"decord       {decord.__version__}")
print(f"numpy        {np.__version__}")
print(f"dlkdd_lite   {dlkdd_lite.__version__}")
print(f"device       {resolve_device('auto')}")

# %% [markdown]
# ## Where things go
#
# | folder | what | written by |
# |---|---|---|
# | `data/quick/` | generated dark videos in ARID's layout | notebook 01 / `dlkdd synth` |
# | `runs/quick/` | one folder per training run | notebooks 03, 04 / `dlkdd train` |
# | `figures/` | figures as PNG and PDF | notebooks 02, 04 |
# | `build/notebooks/` | executed copies of these notebooks | `make demo` |
#
# **Two tiers, one code path.** The *quick* tier (this one) uses generated data, the 0.3 M-parameter `tiny3d`
# network and 8-frame 56×56 clips on a CPU. The *paper* tier runs the same functions on ARID, ARID V1.5 or
# Dark-48 with torchvision's `r2plus1d_18` on a GPU (the real-data notebook comes with the datasets work).

# %% [markdown]
# ## A first look at a model
# A video model maps a batch of clips `(B, C, T, H, W)` to logits `(B, classes)`.

# %%
import time

from dlkdd_lite.models import build_model, count_parameters

model = build_model("tiny3d", num_classes=11)
clips = torch.randn(2, 3, 8, 56, 56)  # (B, C, T, H, W)
start = time.perf_counter()
with torch.no_grad():
    logits = model(clips)
print(f"tiny3d: {count_parameters(model):,} parameters; logits {tuple(logits.shape)}; "
      f"forward of 2 clips in {1000 * (time.perf_counter() - start):.1f} ms")

# %% [markdown]
# ## What this notebook wrote
# Nothing. Next: **01_data** generates the dark videos that notebooks 02-04 use.
#
# ## Exercises
# 1. Build `r2plus1d_18` with `build_model` and compare its parameter count with `tiny3d`'s.
# 2. Time the `tiny3d` forward pass for a batch of 16 clips. How many clips per second is that?

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
big = build_model("r2plus1d_18", num_classes=11)
print(f"r2plus1d_18 has {count_parameters(big) / count_parameters(model):.0f}x the parameters of tiny3d")

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
batch = torch.randn(16, 3, 8, 56, 56)
with torch.no_grad():
    start = time.perf_counter()
    model(batch)
print(f"{16 / (time.perf_counter() - start):.0f} clips/s (forward only)")
