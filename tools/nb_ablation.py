"""Notebooks 05 (ablation of temperature and loss weight) and 06 (the paper's figures and tables)."""

from __future__ import annotations

from nbkit import PATHS, code, md, params, solution

NOTEBOOKS: dict[str, list] = {}

NOTEBOOKS["05_ablation"] = [
    md("""
# 05 · Ablation: distillation temperature and loss weight

**The question.** How much do the two knobs of the distillation loss matter: the temperature $T$ that
softens the teacher's predictions, and the weight $\\alpha$ of the KD term against the labels?

**What you will see.** What $T$ does to the soft targets (an interactive plot), a small grid of students
trained live on the quick tier (or an existing sweep loaded from disk), accuracy against temperature with
one line per $\\alpha$, and a heatmap of the whole grid. $\\alpha = 0$ *is* the no-KD baseline: same code,
zero weight on the teacher.
"""),
    params(
        PATHS
        + """
TEMPERATURES = [1, 4, 16]       # the quick tier's reduced grid; the paper tier sweeps 1,2,4,8,16
ALPHAS = [0, 0.3, 0.7]          # 0 = no KD (the baseline); the paper tier sweeps 0,0.1,...,0.9,1
SEEDS = [0, 1]
EPOCHS = 30                     # as `dlkdd reproduce --tier quick`; fewer epochs separate the students less
JOBS = 2                        # cells trained at once in worker processes (each gets cpus / JOBS threads)
SWEEP_DIR = None                # an existing sweep folder to load instead of training (e.g. from `dlkdd sweep`)"""
    ),
    code("""
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
"""),
    md(r"""
## What the temperature does

The student matches $\mathrm{softmax}(t / T)$, the teacher's logits $t$ divided by $T$. At $T = 1$ the
teacher is confident and the targets are nearly one-hot; as $T$ grows, probability flows to the classes the
teacher finds *similar* (the "dark knowledge"), and the entropy rises. The KD term is multiplied by $T^2$
so its gradients keep their size as $T$ changes (Hinton et al., 2015). Move the slider:
"""),
    code("""
from dlkdd_lite.widgets import temperature_explorer

test_set = DarkVideoDataset(DATA_DIR, find_split_file(DATA_DIR, teacher_config.split, "test"), train=False,
                            num_frames=teacher_config.num_frames, crop_size=teacher_config.crop_size,
                            enhancer=teacher_config.enhancer, gamma=teacher_config.gamma)
sample = test_set[0]
with torch.no_grad():
    logits = teacher(sample["enhanced"][None])[0]  # (K,)
print(f"clip {sample['video_id']}, label {ARID_CLASSES[sample['label']]}")
temperature_explorer(logits.numpy(), list(ARID_CLASSES))
"""),
    md("""
## The grid

One student per cell (temperature × α × seed), all distilled from the same frozen teacher. Cells with
α = 0 do not depend on the temperature, so there is one per seed. Finished cells are skipped and an
interrupted one resumes, so re-running this cell after a crash (or a Ctrl-C) loses at most one epoch.
`dlkdd sweep` does the same from a terminal, and `--print-commands` hands the cells to a cluster instead.
"""),
    code("""
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
"""),
    md("""
## Accuracy against temperature, and the whole grid

Both figures are drawn from `results.csv` alone (tidy: one row per run and metric, with each run's config),
so they redraw in seconds. The teacher's accuracy on enhanced clips and the no-KD baseline (α = 0, grey
band: mean ± std over seeds) are the reference lines.
"""),
    code("""
from dlkdd_lite.plots import save_figure
from dlkdd_lite.plots_ablation import grid_summary, plot_accuracy_heatmap, plot_accuracy_vs_temperature
from dlkdd_lite.results import final_metrics

teacher_acc = final_metrics(teacher_ckpt.parent)["video_acc1"]
ax = plot_accuracy_vs_temperature(results, teacher=teacher_acc, chance=1 / teacher_config.num_classes)
save_figure(ax.figure, Path(FIGURES_DIR) / "05_temperature");
"""),
    code("""
ax = plot_accuracy_heatmap(results)
save_figure(ax.figure, Path(FIGURES_DIR) / "05_heatmap");
"""),
    md("""
## Reading it honestly

Each cell is a handful of seeds on a small test set, where one video is a few points of accuracy. Before
calling a cell "best", compare the gap with the spread over seeds in the table below.
"""),
    code("""
grid_summary(results).round(1)
"""),
    md("""
This notebook wrote `RUNS_DIR/sweep/` (`sweep.json`, `runs/<cell>/`, `results.csv`) and
`FIGURES_DIR/05_temperature.png|pdf`, `05_heatmap.png|pdf`. Notebook 06 regenerates every figure of the
paper's kind, this grid included.

## Exercises
1. Compute the entropy of the teacher's soft targets for the clip above at T = 1, 2, 4, 8, 16. How fast does
   it approach the entropy of the uniform distribution, log K?
2. Which cell has the best mean accuracy, and is its lead over the no-KD baseline larger than the two
   standard deviations of either? Use `grid_summary`.
3. Print the `dlkdd train` commands a cluster would run for a finer grid (T = 2, 8 added) without
   training anything here.
"""),
    solution("""
import numpy as np

from dlkdd_lite.plots_ablation import soft_targets

for temperature in (1, 2, 4, 8, 16):
    p = soft_targets(logits.numpy(), temperature)
    print(f"T = {temperature:>2}: entropy {-(p * np.log(p)).sum():.3f} (uniform: {np.log(p.size):.3f})")
"""),
    solution("""
summary = grid_summary(results)
best = summary[summary["alpha"] > 0].sort_values("mean").iloc[-1]
baseline = summary[summary["alpha"] == 0].iloc[0]
gap = best["mean"] - baseline["mean"]
noise = 2 * max(best["std"], baseline["std"]) if len(SEEDS) > 1 else float("nan")
print(f"best: T = {best['temperature']:g}, alpha = {best['alpha']:g}: {best['mean']:.1f} % vs no KD "
      f"{baseline['mean']:.1f} %: gap {gap:+.1f} points; two std: {noise:.1f}")
"""),
    solution("""
if not SWEEP_DIR:
    finer = make_cells(sorted(set(TEMPERATURES) | {2, 8}), ALPHAS, SEEDS)
    print("\\n".join(sweep.commands(finer)))
"""),
]

NOTEBOOKS["06_paper_figures"] = [
    md("""
# 06 · Regenerate the paper's figures and tables

**The question.** Does the whole DL-KDD story hold up when every piece is rebuilt from scratch: the
distillation ablations, what the teacher should see, and the accuracy the student buys at what inference
cost?

**What you will see.** One call that trains (or finds) everything a tier needs, then seven figures and the
tables, all drawn from results files: re-running the notebook with results present only redraws, in seconds.
The paper's published numbers sit beside the kit's, labelled; they are never mixed.
"""),
    params(
        PATHS
        + """
TIER = "quick"                  # "quick": CPU, generated data, minutes; "paper": GPU, a real dataset
DATASET = None                  # paper tier: "arid", "arid1.5" or "dark48" (DATA_DIR must hold it)
EPOCHS = 30                     # quick tier: epochs of every run
SEEDS = [0, 1]
TEMPERATURES = [1, 4, 16]
ALPHAS = [0, 0.3, 0.7]
ZERODCE_STEPS = 300"""
    ),
    code("""
import dataclasses
from pathlib import Path

import pandas as pd
from IPython.display import Image, Markdown, display

from dlkdd_lite.reproduce import Reproduction, paper_plan, planned_runs, quick_plan

if TIER == "quick":
    plan = dataclasses.replace(quick_plan(epochs=EPOCHS), seeds=tuple(SEEDS), temperatures=tuple(TEMPERATURES),
                               alphas=tuple(ALPHAS), zerodce_steps=ZERODCE_STEPS)
else:
    plan = paper_plan(DATASET)
out = Path(RUNS_DIR) / f"reproduce-{TIER}"
print(plan.base)
planned_runs(plan)
"""),
    md("""
## Train, or find, everything

Zero-DCE, one teacher per input (dark, gamma, histogram equalisation, Zero-DCE), the sweep, one KD student
per teacher, the two-stream model, the teacher evaluated without its enhancer, and the inference costs.
Each step is skipped when its results exist.
"""),
    code("""
Reproduction(plan, DATA_DIR, out).run()
"""),
    code("""
from dlkdd_lite.figures import FIGURES, build_figures

label = f"{TIER} tier, {plan.base.arch}, {plan.base.epochs} epochs, seeds {list(plan.seeds)}"
written = build_figures(out, FIGURES_DIR, data_root=DATA_DIR, headline=plan.headline,
                        main_enhancer=plan.main_enhancer, kit_label=label)
for stem, what in FIGURES.items():
    print(f"{stem}: {what}")
"""),
    md("## Figures 1-2: temperature and loss weight"),
    code("""
display(Image(Path(FIGURES_DIR) / "fig1_temperature.png", width=520), Image(Path(FIGURES_DIR) / "fig2_heatmap.png", width=420))
"""),
    md("""
## Figure 3: what should the teacher see?

A teacher that sees dark clips teaches what the student could learn alone; an enhanced view gives it
something to pass on. The student always sees dark video.
"""),
    code("""
display(Image(Path(FIGURES_DIR) / "fig3_teacher_input.png", width=560))
"""),
    md("""
## Table 1 and figure 5: accuracy against inference cost

The paper's argument: enhancing at inference, or running two streams, costs extra compute per clip; the
DL-KDD student runs one backbone on the dark clip.
"""),
    code("""
display(Markdown((Path(FIGURES_DIR) / "tables" / "table1.md").read_text()))
display(Image(Path(FIGURES_DIR) / "fig5_accuracy_vs_cost.png", width=520))
"""),
    md("## Figure 6: where the student still errs, and figure 7: the two views"),
    code("""
display(Image(Path(FIGURES_DIR) / "fig6_confusion.png", width=760), Image(Path(FIGURES_DIR) / "fig7_dark_vs_enhanced.png", width=620))
"""),
    md("""
## The paper's numbers

Published results with their sources. On the quick tier the kit's numbers come from generated data and
cannot be compared with them; on the paper tier the kit's DL-KDD top-1 appears in its own column.
"""),
    code("""
display(Markdown((Path(FIGURES_DIR) / "tables" / "paper_vs_kit.md").read_text()))
"""),
    md("""
This notebook wrote `RUNS_DIR/reproduce-<tier>/` (all run folders, `methods.csv`, `teacher_inputs.csv`,
`costs.csv`, `sweep/results.csv`) and into `FIGURES_DIR`: `fig1`-`fig7` (PNG and PDF) and `tables/`
(`table1`, `paper_vs_kit`, `paper_results`, as CSV and markdown). `dlkdd reproduce --tier quick` does the same
from a terminal.

## Exercises
1. From `table1.csv`, how many times the DL-KDD student's inference GFLOPs does each other method need, and
   how many accuracy points does each buy over the student?
2. Redraw figure 1 with 95 % bootstrap confidence intervals instead of ± std (seaborn's
   `errorbar=("ci", 95)`), from `sweep/results.csv` alone.
"""),
    solution("""
table = pd.read_csv(Path(FIGURES_DIR) / "tables" / "table1.csv").set_index("method")
student = table.loc["DL-KDD student"]
pd.DataFrame({"× student GFLOPs": table["GFLOPs/clip"] / student["GFLOPs/clip"],
              "points vs student": table["top-1 (%)"] - student["top-1 (%)"]}).round(2)
"""),
    solution("""
import seaborn as sns

from dlkdd_lite.plots_ablation import grid_summary
from dlkdd_lite.sweep import read_results

rows = read_results(out / "sweep")
rows = rows[(rows["metric"] == "video_acc1") & (rows["alpha"] > 0)].assign(acc=lambda d: d["value"] * 100)
ax = sns.lineplot(data=rows, x="temperature", y="acc", hue="alpha", marker="o", errorbar=("ci", 95), seed=0)
ax.set(xscale="log", ylabel="student video_acc1 (%)", title="95 % bootstrap CI over seeds");
"""),
]
