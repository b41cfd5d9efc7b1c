# %% [markdown]
# # 00 · A tour of DL-KDD and a set-up check
#
# **The question.** How do you recognise actions in *dark* video without paying for image enhancement at
# inference time?
#
# **What you will see.** The idea of DL-KDD (Chang, Chen & Tseng, 2024) in one picture and one formula, a
# check that your installation works, where the kit puts things, a first video model, and the
# temperature-softened softmax that distillation is built on. Notebooks 01 → 04 then walk the whole
# pipeline on a small generated dataset that runs on a laptop CPU in minutes.
#
# **Runtime.** About 10 s, worked solutions included (measured 2026-12-01 on a 2-core CPU with AVX-512 that
# other jobs were sharing, so an idle one may be faster; a CPU without AVX-512 takes about 2.5 times as
# long).

# %% [markdown]
# ## The idea
#
# ```
#  training                                                   inference
#  ────────                                                   ─────────
#  dark clip ──► enhance (Zero-DCE) ──► TEACHER ──► soft targets
#      │                                                 │ KL (weight α, temperature T)
#      └───────────────────────────────────► STUDENT ◄───┘ + cross-entropy with the label
#                                                                  dark clip ──► STUDENT ──► action
# ```
#
# 1. A **teacher** learns from *enhanced* clips (brighter, easier to see). DL-KDD enhances with Zero-DCE,
#    a small network that learns to brighten dark frames (notebook 02b).
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
# Versions of what the kit relies on, and the device it will train on (`auto` picks CUDA, then Apple's
# MPS, then the CPU).

# %%
import platform

import numpy as np
import torch
import torchvision

import decord  # isort: skip  (after torch: decord first crashes CUDA builds of torch, see the README)
import dlkdd_lite
from dlkdd_lite.runtime.device import resolve_device

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
# | `runs/quick/` | one folder per training run (and Zero-DCE's weights) | notebooks 02b-05 / `dlkdd train` |
# | `figures/` | figures as PNG and PDF, tables as CSV and markdown | notebooks 02-06 |
# | `build/notebooks/` | executed copies of these notebooks, and `solutions/` | `make demo`, `make reproduce` |
# | `build/book/` | the same as HTML pages | `make book` |
#
# **Two tiers, one code path.** The *quick* tier (this one) uses generated data, the 0.3 M-parameter
# `tiny3d` network and 8-frame 56×56 clips on a CPU. The *paper* tier runs the same functions on ARID,
# ARID V1.5 or Dark-48 with torchvision's `r2plus1d_18` on a GPU: notebook 01 shows how to get the data,
# `docs/gpu.md` how to train on it.

# %% [markdown]
# ## A first look at a model
# A video model maps a batch of clips `(B, C, T, H, W)` (batch, colour channels, time, height, width) to
# one logit per class, `(B, classes)`.

# %%
import time

from dlkdd_lite.models import build_model, count_parameters

model = build_model("tiny3d", num_classes=11).eval()
clips = torch.randn(2, 3, 8, 56, 56)  # (B, C, T, H, W)
start = time.perf_counter()
with torch.no_grad():
    logits = model(clips)  # (B, K)
print(f"tiny3d: {count_parameters(model):,} parameters; logits {tuple(logits.shape)}; "
      f"forward of 2 clips in {1000 * (time.perf_counter() - start):.1f} ms")

# %% [markdown]
# ## Soft targets: the softmax at a temperature
# The student is asked to match $\mathrm{softmax}(t / T)$: the teacher's logits divided by a
# temperature $T$ before the softmax. Here is what $T$ does to one made-up set of logits for five classes:

# %%
example = torch.tensor([4.0, 2.0, 1.0, 0.0, -1.0])  # logits for five classes
for temperature in (1, 4, 16):
    p = torch.softmax(example / temperature, dim=0)
    print(f"T = {temperature:>2}: {np.round(p.numpy(), 3)}  (largest {p.max():.2f})")

# %% [markdown]
# At $T = 1$ the largest class takes most of the mass; as $T$ grows the distribution flattens and the
# *order* of the other classes (what the teacher thinks the clip resembles) becomes visible. Notebook 04
# shows a real teacher's soft targets, notebook 05 what the temperature does to the students.
#
# ## Exercises
# Each exercise has an empty cell for you. The worked solutions are in `solutions/00_tour.py`, and
# executed in the book (`make book`: `build/book/solutions/00_tour.html`).

# %% [markdown]
# **Exercise 1 · The temperature softmax (core).** Write `my_soft_targets(logits, temperature)`: the
# softmax of `logits / temperature` over the last axis, for a tensor of shape `(..., K)`, using only
# `exp`, `max` and `sum` (no `torch.softmax`). Why subtract the largest logit first? The cell after
# yours checks your function against the library's `soft_targets`.

# %% tags=["exercise-1"]
# your code here

# %% tags=["check-1"]
from dlkdd_lite.tutorial.checks import check

check("soft_targets", globals());

# %% [markdown]
# **Exercise 2 · A bigger backbone.** Build `r2plus1d_18` (the paper tier's network) with `build_model`
# and compare its parameter count with `tiny3d`'s.

# %% tags=["exercise-2"]
# your code here

# %% [markdown]
# **Exercise 3 · Throughput.** Time the `tiny3d` forward pass for a batch of 16 clips. How many clips per
# second is that on your machine?

# %% tags=["exercise-3"]
# your code here

# %% [markdown]
# ## Summary
# - DL-KDD trains a teacher on enhanced clips and distils it into a student that sees only dark clips;
#   at inference the student runs alone, at one backbone's cost.
# - The student's loss mixes cross-entropy with the label and a temperature-softened KL to the
#   teacher, weighted by $\alpha$; $\alpha = 0$ is the baseline.
# - The temperature flattens the teacher's distribution and exposes how it ranks the wrong classes.
#
# **Limits.** This notebook only checks the set-up and states the method; nothing is trained or measured
# yet, and the forward-pass time above is one measurement on this machine.
#
# **This notebook wrote** nothing. **Next:** 01_data generates the dark videos that notebooks 02-06 use.
#
# **References.** Chang, Chen & Tseng (2024), *DL-KDD: Dual-Light Knowledge Distillation for Action
# Recognition in the Dark*, arXiv:2406.02468 · Xu et al. (2020), *ARID: A New Dataset for Recognizing Action
# in the Dark*, arXiv:2006.03876 · Guo et al. (2020), *Zero-Reference Deep Curve Estimation for Low-Light
# Image Enhancement* (Zero-DCE), CVPR, arXiv:2001.06826 · Hinton, Vinyals & Dean (2015), *Distilling the
# Knowledge in a Neural Network*, arXiv:1503.02531.
