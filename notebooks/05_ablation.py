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
#
# **Runtime.** Worked solutions included: about 7 s when it loads the sweep `make reproduce` made
# (`SWEEP_DIR`, as `make reproduce` runs it); about 2.5 minutes when it trains the default grid itself (14
# students, two at a time) (measured 2026-12-01 on a 2-core CPU with AVX-512 that other jobs were sharing,
# so an idle one may be faster; a CPU without AVX-512 takes about 2.5 times as long).

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
TEMPERATURES = [1, 4, 16]       # the quick tier's reduced grid; the paper tier sweeps 1,2,4,8,16
ALPHAS = [0, 0.3, 0.7]          # 0 = no KD (the baseline); the paper tier sweeps 0,0.1,...,0.9,1
SEEDS = [0, 1]
EPOCHS = None                   # None: the tier's default, as `dlkdd reproduce --tier quick` trains
JOBS = 2                        # cells trained at once in worker processes (each gets cpus / JOBS threads)
SWEEP_DIR = None                # an existing sweep folder to load instead of training (e.g. from `dlkdd sweep`)

# %%
import dataclasses
import json
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.data.splits import ARID_CLASSES
from dlkdd_lite.train import build_datasets

if SWEEP_DIR:  # the teacher that sweep distilled from
    teacher_ckpt = Path(json.loads((Path(SWEEP_DIR) / "sweep.json").read_text())["teacher"])
else:
    teacher_ckpt = Path(RUNS_DIR) / "teacher" / "checkpoint.pt"  # notebook 03 trained it
teacher, teacher_config = load_model(teacher_ckpt)
print(f"teacher: {teacher_config.arch}, trained on {teacher_config.enhancer}-enhanced clips")

# %% [markdown]
# ## What the temperature does
#
# The student matches $\mathrm{softmax}(t / T)$, the teacher's logits $t$ divided by $T$. As $T$ grows,
# probability flows from the teacher's top class to the classes it finds *similar* (the "dark knowledge"),
# and the entropy of the targets rises towards that of the uniform distribution, $\log K$. The KD term is
# multiplied by $T^2$ (exercises 1 and 2 show why). Move the slider (a static figure when run headless):

# %%
from dlkdd_lite.viz.ablation import soft_targets
from dlkdd_lite.viz.widgets import temperature_explorer

_, test_set = build_datasets(dataclasses.replace(teacher_config, cache=False), DATA_DIR)  # decodes one video
sample = test_set[0]
with torch.no_grad():
    logits = teacher(sample["enhanced"][None])[0]  # (K,)
p = soft_targets(logits.numpy(), 1.0)
print(f"clip {sample['video_id']}, true action {ARID_CLASSES[sample['label']]}; at T = 1 the teacher gives "
      f"{p.max():.2f} to {ARID_CLASSES[p.argmax()]} (uniform: {1 / p.size:.2f})")
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
from dlkdd_lite.experiments.sweep import Sweep, make_cells, read_results

if SWEEP_DIR:
    results = read_results(SWEEP_DIR)
else:
    epochs = EPOCHS or RunConfig.epochs
    base = RunConfig(role="student", teacher_ckpt=str(teacher_ckpt), epochs=epochs, eval_every=epochs)  # final results only
    sweep = Sweep(Path(RUNS_DIR) / "sweep", DATA_DIR, teacher_ckpt, base=base)
    cells = make_cells(TEMPERATURES, ALPHAS, SEEDS)
    print(f"{len(cells)} cells: {[c.name for c in cells]}")
    results = sweep.run(cells, jobs=JOBS)
results[results["metric"] == "video_acc1"][["run", "temperature", "alpha", "seed", "value"]]

# %% [markdown]
# ## Accuracy against temperature, and the whole grid
#
# Both figures are drawn from `results.csv` alone (tidy: one row per run and metric, with each run's
# config), so they redraw in seconds. The teacher's accuracy on enhanced clips and the no-KD baseline
# (α = 0, grey band) are the reference lines.

# %%
from dlkdd_lite.results import final_metrics
from dlkdd_lite.viz.ablation import grid_summary, plot_accuracy_heatmap, plot_accuracy_vs_temperature
from dlkdd_lite.viz.plots import save_figure

teacher_acc = final_metrics(teacher_ckpt.parent)["video_acc1"]
ax = plot_accuracy_vs_temperature(results, teacher=teacher_acc, chance=1 / teacher_config.num_classes)
save_figure(ax.figure, Path(FIGURES_DIR) / "05_temperature")
plt.show()

# %%
ax = plot_accuracy_heatmap(results)
save_figure(ax.figure, Path(FIGURES_DIR) / "05_heatmap")
plt.show()

# %% [markdown]
# ## Reading it honestly
#
# Each cell is a handful of seeds on a small test set. Before calling a cell "best", compare its gap to the
# no-KD baseline with the spread over seeds in the table below.

# %%
import pandas as pd

sweep_dir = Path(SWEEP_DIR) if SWEEP_DIR else Path(RUNS_DIR) / "sweep"
videos = len(pd.read_csv(sweep_dir / "runs" / results["run"].iloc[0] / "predictions.csv"))
print(f"{videos} test videos: one video is {100 / videos:.1f} points; std is over seeds (count per cell below)")
grid_summary(results).round(1)

# %% [markdown]
# ## Exercises
# Each exercise has an empty cell for you; the worked solutions are in `solutions/05_ablation.py`, and
# executed in the book (`make book`).
#
# **Exercise 1 · The KD gradient (core).** Write `my_kd_gradient(student_logits, teacher_logits,
# temperature)`: the gradient of the KD term $T^2\,\mathrm{KL}(\mathrm{softmax}(t/T)\,\|\,\mathrm{softmax}(s/T))$
# (averaged over a batch of $B$ clips) with respect to the student's logits $s$, by hand: a `(B, K)` tensor,
# no autograd. Hint: the gradient of $\mathrm{KL}(q \,\|\, \mathrm{softmax}(z))$ with respect to $z$ is
# $\mathrm{softmax}(z) - q$; then apply the chain rule for $z = s / T$. The next cell checks it against
# autograd on `distill.kd_loss`.

# %% tags=["exercise-1"]
# your code here

# %% tags=["check-1"]
from dlkdd_lite.tutorial.checks import check

check("kd_gradient", globals());

# %% [markdown]
# **Exercise 2 · Why $T^2$?** Using your gradient (or autograd), measure the size of the gradient of the KL
# term with and without the factor $T^2$, for T = 1, 2, 4, 8, 16, on the teacher's logits above and a
# student's. What would happen to the balance between the KD term and the cross-entropy if the $T^2$ were
# left out?

# %% tags=["exercise-2"]
# your code here

# %% [markdown]
# **Exercise 3 · As T grows.** Compute the entropy of the teacher's soft targets for the clip above at
# T = 1, 2, 4, 8, 16 and compare it with $\log K$. What do the soft targets become as $T \to \infty$, and
# what does the KD term then ask of the student?

# %% tags=["exercise-3"]
# your code here

# %% [markdown]
# **Exercise 4 · The best cell?** Which cell has the best mean accuracy, and is its lead over the no-KD
# baseline larger than the spread over seeds? Use `grid_summary`.

# %% tags=["exercise-4"]
# your code here

# %% [markdown]
# ## Summary
# - The temperature flattens the teacher's targets towards uniform; the $T^2$ keeps the KD term's
#   gradients the same size whatever $T$.
# - The grid above shows how the students' accuracy moves with $T$ and $\alpha$ on this data, with the
#   spread over seeds beside each mean.
#
# **Limits.** A reduced grid (three temperatures, three weights), few seeds and a small generated test set:
# differences between neighbouring cells are often within one or two videos. The paper tier sweeps the full
# grid on ARID.
#
# **This notebook wrote** `RUNS_DIR/sweep/` (`sweep.json`, `runs/<cell>/`, `results.csv`) and
# `FIGURES_DIR/05_temperature.png|pdf`, `05_heatmap.png|pdf` (when it trained the grid; with `SWEEP_DIR` it
# reads that sweep and writes only the figures). **Next:** 06_paper_figures regenerates every figure of
# the paper's kind, this grid included.
#
# **References.** Chang, Chen & Tseng (2024), DL-KDD, arXiv:2406.02468 · Xu et al. (2020), ARID,
# arXiv:2006.03876 · Guo et al. (2020), Zero-DCE, CVPR, arXiv:2001.06826 · Hinton, Vinyals & Dean (2015),
# *Distilling the Knowledge in a Neural Network*, arXiv:1503.02531 (section 2: the $T^2$ and the
# high-temperature limit).
