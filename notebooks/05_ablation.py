# %% [markdown]
# # 05 · Ablation: distillation temperature and loss weight
#
# **The question.** How much do the two knobs of the distillation loss matter: the temperature $T$ that
# softens the teacher's predictions, and the weight $\alpha$ of the KD term against the labels?
#
# **What you will see.** What $T$ does to the soft targets (an interactive plot), a small grid of students
# trained live on the quick tier (or an existing sweep loaded from disk), accuracy against temperature with
# one line per $\alpha$, and a heatmap of the whole grid. $\alpha = 0$ *is* the no-KD baseline: same code,
# zero weight on the teacher.

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
TEMPERATURES = [1, 4, 16]       # the quick tier's reduced grid; the paper tier sweeps 1,2,4,8,16
ALPHAS = [0, 0.3, 0.7]          # 0 = no KD (the baseline); the paper tier sweeps 0,0.1,...,0.9,1
SEEDS = [0, 1]
EPOCHS = 30                     # as `dlkdd reproduce --tier quick`; fewer epochs separate the students less
JOBS = 2                        # cells trained at once in worker processes (each gets cpus / JOBS threads)
SWEEP_DIR = None                # an existing sweep folder to load instead of training (e.g. from `dlkdd sweep`)

# %%
import json
from pathlib import Path

import torch

from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.datasets import DarkVideoDataset
from dlkdd_lite.splits import ARID_CLASSES, find_split_file

if SWEEP_DIR:  # the teacher that sweep distilled from
    teacher_ckpt = Path(json.loads((Path(SWEEP_DIR) / "sweep.json").read_text())["teacher"])
else:
    teacher_ckpt = Path(RUNS_DIR) / "teacher" / "checkpoint.pt"  # notebook 03 trained it
teacher, teacher_config = load_model(teacher_ckpt)
print(f"teacher: {teacher_config.arch}, trained on {teacher_config.enhancer}-enhanced clips")

# %% [markdown]
# ## What the temperature does
#
# The student matches $\mathrm{softmax}(t / T)$, the teacher's logits $t$ divided by $T$. At $T = 1$ the
# teacher is confident and the targets are nearly one-hot; as $T$ grows, probability flows to the classes the
# teacher finds *similar* (the "dark knowledge"), and the entropy rises. The KD term is multiplied by $T^2$
# so its gradients keep their size as $T$ changes (Hinton et al., 2015). Move the slider:

# %%
from dlkdd_lite.widgets import temperature_explorer

test_set = DarkVideoDataset(DATA_DIR, find_split_file(DATA_DIR, teacher_config.split, "test"), train=False,
                            num_frames=teacher_config.num_frames, crop_size=teacher_config.crop_size,
                            enhancer=teacher_config.enhancer, gamma=teacher_config.gamma)
sample = test_set[0]
with torch.no_grad():
    logits = teacher(sample["enhanced"][None])[0]  # (K,)
print(f"clip {sample['video_id']}, label {ARID_CLASSES[sample['label']]}")
temperature_explorer(logits.numpy(), list(ARID_CLASSES))

# %% [markdown]
# ## The grid
#
# One student per cell (temperature × α × seed), all distilled from the same frozen teacher. Cells with
# α = 0 do not depend on the temperature, so there is one per seed. Finished cells are skipped and an
# interrupted one resumes, so re-running this cell after a crash (or a Ctrl-C) loses at most one epoch.
# `dlkdd sweep` does the same from a terminal, and `--print-commands` hands the cells to a cluster instead.

# %%
from dlkdd_lite.config import RunConfig
from dlkdd_lite.sweep import Sweep, make_cells, read_results

if SWEEP_DIR:
    results = read_results(SWEEP_DIR)
else:
    base = RunConfig(role="student", teacher_ckpt=str(teacher_ckpt), epochs=EPOCHS, eval_every=5)  # final results only
    sweep = Sweep(Path(RUNS_DIR) / "sweep", DATA_DIR, teacher_ckpt, base=base)
    cells = make_cells(TEMPERATURES, ALPHAS, SEEDS)
    print(f"{len(cells)} cells: {[c.name for c in cells]}")
    results = sweep.run(cells, jobs=JOBS)
results[results["metric"] == "video_acc1"][["run", "temperature", "alpha", "seed", "value"]]

# %% [markdown]
# ## Accuracy against temperature, and the whole grid
#
# Both figures are drawn from `results.csv` alone (tidy: one row per run and metric, with each run's config),
# so they redraw in seconds. The teacher's accuracy on enhanced clips and the no-KD baseline (α = 0, grey
# band: mean ± std over seeds) are the reference lines.

# %%
from dlkdd_lite.plots import save_figure
from dlkdd_lite.plots_ablation import grid_summary, plot_accuracy_heatmap, plot_accuracy_vs_temperature
from dlkdd_lite.results import final_metrics

teacher_acc = final_metrics(teacher_ckpt.parent)["video_acc1"]
ax = plot_accuracy_vs_temperature(results, teacher=teacher_acc, chance=1 / teacher_config.num_classes)
save_figure(ax.figure, Path(FIGURES_DIR) / "05_temperature");

# %%
ax = plot_accuracy_heatmap(results)
save_figure(ax.figure, Path(FIGURES_DIR) / "05_heatmap");

# %% [markdown]
# ## Reading it honestly
#
# Each cell is a handful of seeds on a small test set, where one video is a few points of accuracy. Before
# calling a cell "best", compare the gap with the spread over seeds in the table below.

# %%
grid_summary(results).round(1)

# %% [markdown]
# This notebook wrote `RUNS_DIR/sweep/` (`sweep.json`, `runs/<cell>/`, `results.csv`) and
# `FIGURES_DIR/05_temperature.png|pdf`, `05_heatmap.png|pdf`. Notebook 06 regenerates every figure of the
# paper's kind, this grid included.
#
# ## Exercises
# 1. Compute the entropy of the teacher's soft targets for the clip above at T = 1, 2, 4, 8, 16. How fast does
#    it approach the entropy of the uniform distribution, log K?
# 2. Which cell has the best mean accuracy, and is its lead over the no-KD baseline larger than the two
#    standard deviations of either? Use `grid_summary`.
# 3. Print the `dlkdd train` commands a cluster would run for a finer grid (T = 2, 8 added) without
#    training anything here.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
import numpy as np

from dlkdd_lite.plots_ablation import soft_targets

for temperature in (1, 2, 4, 8, 16):
    p = soft_targets(logits.numpy(), temperature)
    print(f"T = {temperature:>2}: entropy {-(p * np.log(p)).sum():.3f} (uniform: {np.log(p.size):.3f})")

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
summary = grid_summary(results)
best = summary[summary["alpha"] > 0].sort_values("mean").iloc[-1]
baseline = summary[summary["alpha"] == 0].iloc[0]
gap = best["mean"] - baseline["mean"]
noise = 2 * max(best["std"], baseline["std"]) if len(SEEDS) > 1 else float("nan")
print(f"best: T = {best['temperature']:g}, alpha = {best['alpha']:g}: {best['mean']:.1f} % vs no KD "
      f"{baseline['mean']:.1f} %: gap {gap:+.1f} points; two std: {noise:.1f}")

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
if not SWEEP_DIR:
    finer = make_cells(sorted(set(TEMPERATURES) | {2, 8}), ALPHAS, SEEDS)
    print("\n".join(sweep.commands(finer)))
