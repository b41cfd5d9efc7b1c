# %% [markdown]
# # 06 · Regenerate the paper's figures and tables
#
# **The question.** Does the whole DL-KDD story hold up when every piece is rebuilt from scratch: the
# distillation ablations, what the teacher should see, and the accuracy the student buys at what inference
# cost?
#
# **What you will see.** One call that trains (or finds) everything a tier needs, then seven figures and the
# tables, all drawn from results files: re-running the notebook with results present only redraws, in seconds.
# The paper's published numbers sit beside the kit's, labelled; they are never mixed.

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
TIER = "quick"                  # "quick": CPU, generated data, minutes; "paper": GPU, a real dataset
DATASET = None                  # paper tier: "arid", "arid1.5" or "dark48" (DATA_DIR must hold it)
EPOCHS = 30                     # quick tier: epochs of every run
SEEDS = [0, 1]
TEMPERATURES = [1, 4, 16]
ALPHAS = [0, 0.3, 0.7]
ZERODCE_STEPS = 300

# %%
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

# %% [markdown]
# ## Train, or find, everything
#
# Zero-DCE, one teacher per input (dark, gamma, histogram equalisation, Zero-DCE), the sweep, one KD student
# per teacher, the two-stream model, the teacher evaluated without its enhancer, and the inference costs.
# Each step is skipped when its results exist.

# %%
Reproduction(plan, DATA_DIR, out).run()

# %%
from dlkdd_lite.figures import FIGURES, build_figures

label = f"{TIER} tier, {plan.base.arch}, {plan.base.epochs} epochs, seeds {list(plan.seeds)}"
written = build_figures(out, FIGURES_DIR, data_root=DATA_DIR, headline=plan.headline,
                        main_enhancer=plan.main_enhancer, kit_label=label)
for stem, what in FIGURES.items():
    print(f"{stem}: {what}")

# %% [markdown]
# ## Figures 1-2: temperature and loss weight

# %%
display(Image(Path(FIGURES_DIR) / "fig1_temperature.png", width=520), Image(Path(FIGURES_DIR) / "fig2_heatmap.png", width=420))

# %% [markdown]
# ## Figure 3: what should the teacher see?
#
# A teacher that sees dark clips teaches what the student could learn alone; an enhanced view gives it
# something to pass on. The student always sees dark video.

# %%
display(Image(Path(FIGURES_DIR) / "fig3_teacher_input.png", width=560))

# %% [markdown]
# ## Table 1 and figure 5: accuracy against inference cost
#
# The paper's argument: enhancing at inference, or running two streams, costs extra compute per clip; the
# DL-KDD student runs one backbone on the dark clip.

# %%
display(Markdown((Path(FIGURES_DIR) / "tables" / "table1.md").read_text()))
display(Image(Path(FIGURES_DIR) / "fig5_accuracy_vs_cost.png", width=520))

# %% [markdown]
# ## Figure 6: where the student still errs, and figure 7: the two views

# %%
display(Image(Path(FIGURES_DIR) / "fig6_confusion.png", width=760), Image(Path(FIGURES_DIR) / "fig7_dark_vs_enhanced.png", width=620))

# %% [markdown]
# ## The paper's numbers
#
# Published results with their sources. On the quick tier the kit's numbers come from generated data and
# cannot be compared with them; on the paper tier the kit's DL-KDD top-1 appears in its own column.

# %%
display(Markdown((Path(FIGURES_DIR) / "tables" / "paper_vs_kit.md").read_text()))

# %% [markdown]
# This notebook wrote `RUNS_DIR/reproduce-<tier>/` (all run folders, `methods.csv`, `teacher_inputs.csv`,
# `costs.csv`, `sweep/results.csv`) and into `FIGURES_DIR`: `fig1`-`fig7` (PNG and PDF) and `tables/`
# (`table1`, `paper_vs_kit`, `paper_results`, as CSV and markdown). `dlkdd reproduce --tier quick` does the same
# from a terminal.
#
# ## Exercises
# 1. From `table1.csv`, how many times the DL-KDD student's inference GFLOPs does each other method need, and
#    how many accuracy points does each buy over the student?
# 2. Redraw figure 1 with 95 % bootstrap confidence intervals instead of ± std (seaborn's
#    `errorbar=("ci", 95)`), from `sweep/results.csv` alone.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
table = pd.read_csv(Path(FIGURES_DIR) / "tables" / "table1.csv").set_index("method")
student = table.loc["DL-KDD student"]
pd.DataFrame({"× student GFLOPs": table["GFLOPs/clip"] / student["GFLOPs/clip"],
              "points vs student": table["top-1 (%)"] - student["top-1 (%)"]}).round(2)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
import seaborn as sns

from dlkdd_lite.sweep import read_results

rows = read_results(out / "sweep")
rows = rows[(rows["metric"] == "video_acc1") & (rows["alpha"] > 0)].assign(acc=lambda d: d["value"] * 100)
ax = sns.lineplot(data=rows, x="temperature", y="acc", hue="alpha", marker="o", errorbar=("ci", 95), seed=0)
ax.set(xscale="log", ylabel="student video_acc1 (%)", title="95 % bootstrap CI over seeds");
