# %% [markdown]
# # 04 · Distil the student and compare
#
# **The question.** Does a student trained on dark clips do better with the teacher's soft targets than
# without them?
#
# **What you will learn.** What soft targets look like and what the temperature does to them; the KD loss;
# and an honest comparison of the no-KD baseline, the DL-KDD student and the teacher, over several seeds.

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
TIER = "quick"                  # or a paper-tier preset: "arid", "arid1.5", "dark48" (a GPU; DATA_DIR must hold it)
EPOCHS = None                   # None: the tier's default (quick: 30)
SEEDS = [0, 1]                  # two seeds keep `make demo` within 5 minutes; the benchmark runs three
TEMPERATURE = 4.0
ALPHA = 0.7                     # weight of the KD term; 1 - ALPHA weighs cross-entropy

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.presets import preset
from dlkdd_lite.registry import detect_layout
from dlkdd_lite.train import build_datasets

teacher_ckpt = Path(RUNS_DIR) / "teacher" / "checkpoint.pt"  # notebook 03 trained it
teacher, teacher_config = load_model(teacher_ckpt)
CLASSES = detect_layout(DATA_DIR).classes
tier = dict(seed=0, **({"epochs": EPOCHS} if EPOCHS else {}))

# %% [markdown]
# ## Soft targets
# The teacher's softmax on one enhanced test clip, at T = 1 and at T = `TEMPERATURE`. A higher temperature reveals which *wrong* classes the teacher finds similar: information a one-hot label does not carry.

# %%
_, test_set = build_datasets(teacher_config, DATA_DIR)
sample = test_set[0]
with torch.no_grad():
    logits = teacher(sample["enhanced"][None])[0]  # (K,)
fig, ax = plt.subplots(figsize=(7, 2.6))
width = 0.4
for i, temperature in enumerate((1.0, TEMPERATURE)):
    ax.bar(torch.arange(len(CLASSES)) + i * width, (logits / temperature).softmax(0), width, label=f"T = {temperature}")
ax.set_xticks(torch.arange(len(CLASSES)) + width / 2, CLASSES, rotation=45)
ax.set(title=f"teacher on {sample['video_id']} (label {CLASSES[sample['label']]})", ylabel="probability")
ax.legend();

# %% [markdown]
# ## The loss
# `kd_loss` returns the total and both parts, so they can be logged.

# %%
from dlkdd_lite.distill import kd_loss

student_logits = torch.zeros(1, len(CLASSES))  # an untrained student: uniform predictions
kd_loss(student_logits, logits[None], torch.tensor([sample["label"]]), temperature=TEMPERATURE, alpha=ALPHA)

# %% [markdown]
# ## Train baseline and student for each seed
# Same data, same network, same epochs; the only difference is the loss. Finished runs are skipped.

# %%
from dlkdd_lite.train import fit

for seed in SEEDS:
    baseline = preset(TIER, role="baseline", **{**tier, "seed": seed})
    fit(baseline, DATA_DIR, Path(RUNS_DIR) / f"baseline_s{seed}")
    student = preset(TIER, role="student", teacher_ckpt=str(teacher_ckpt), temperature=TEMPERATURE, alpha=ALPHA,
                     **{**tier, "seed": seed})
    fit(student, DATA_DIR, Path(RUNS_DIR) / f"student_s{seed}")

# %% [markdown]
# ## Compare
# Built from the run folders' results files only.

# %%
from dlkdd_lite.plots import plot_role_comparison, role_table, save_figure
from dlkdd_lite.results import summarize_runs

summary = summarize_runs(RUNS_DIR)
summary = summary[summary["run"].isin(["teacher"] + [f"{r}_s{s}" for r in ("baseline", "student") for s in SEEDS])]
summary.to_csv(Path(RUNS_DIR) / "summary.csv", index=False)
role_table(summary)

# %%
fig, ax = plt.subplots(figsize=(5, 3.4))
plot_role_comparison(summary, ax=ax)
save_figure(fig, Path(FIGURES_DIR) / "04_comparison");

# %%
mean = summary.groupby("role")["video_acc1"].mean() * 100
n = len(SEEDS)
print(f"KD student - baseline: {mean['student'] - mean['baseline']:+.1f} points of video accuracy (mean over {n} seed(s)); "
      f"teacher on enhanced clips: {mean['teacher']:.1f} %.")
print("With few seeds and a small test set (one video is several points), differences of a few points can be noise.")

# %% [markdown]
# **At inference** only the student runs, on dark video: the same `tiny3d` as the baseline, so the same cost.
# Enhance-then-classify would add the enhancer to every clip, and a two-stream model would run two backbones.
#
# ## What this notebook wrote
# `RUNS_DIR/baseline_s*/`, `RUNS_DIR/student_s*/`, `RUNS_DIR/summary.csv`, and `FIGURES_DIR/04_comparison.png` / `.pdf`.
#
# ## Exercises
# 1. Plot the student's `kd` and `ce` training losses per epoch for seed 0, from `metrics.csv`.
# 2. Train one student with `alpha=1.0` (distillation only, no labels) for 3 epochs. Can it learn without ever seeing a label?

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
from dlkdd_lite.results import read_metrics

rows = read_metrics(Path(RUNS_DIR) / f"student_s{SEEDS[0]}")
losses = rows[(rows["split"] == "train") & rows["metric"].isin(["kd", "ce"])]
losses.pivot(index="epoch", columns="metric", values="value").plot(figsize=(5, 3), title="student training losses");

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
pure_kd = preset(TIER, role="student", teacher_ckpt=str(teacher_ckpt), temperature=TEMPERATURE, alpha=1.0, epochs=3)
print(fit(pure_kd, DATA_DIR, Path(RUNS_DIR) / "exercises" / "student_alpha1"))
print(f"Above chance (1/{len(CLASSES)}) means the soft targets alone carry the class information.")
