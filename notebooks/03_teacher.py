# %% [markdown]
# # 03 · Train the teacher on enhanced clips
#
# **The question.** How well does a network recognise the actions when it sees gamma-enhanced clips?
#
# **What you will learn.** The kit's one training loop, `fit()`, which trains teacher, baseline and student
# (only the step differs); the run folder it writes; training curves and per-class accuracy read from the
# results files; and what happens when the enhanced-trained teacher is shown *dark* clips.

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
TIER = "quick"                  # or a paper-tier preset: "arid", "arid1.5", "dark48" (a GPU; DATA_DIR must hold it)
EPOCHS = None                   # None: the tier's default (quick: 30)
SEED = 0

# %%
from pathlib import Path

import pandas as pd
from torch.utils.data import DataLoader

from dlkdd_lite.presets import preset
from dlkdd_lite.registry import detect_layout
from dlkdd_lite.train import fit

# One parameter switches tiers: the preset holds the architecture, clip size, optimiser and epochs.
config = preset(TIER, role="teacher", seed=SEED, **({"epochs": EPOCHS} if EPOCHS else {}))
CLASSES = detect_layout(DATA_DIR).classes
config

# %% [markdown]
# ## Train
# `fit()` decodes each video once into memory, trains, evaluates on the test split after every epoch, and
# writes the run folder as it goes. Re-running the cell returns at once (the run is finished); if training is
# interrupted, the next call resumes from the last completed epoch.

# %%
teacher_dir = Path(RUNS_DIR) / "teacher"
metrics = fit(config, DATA_DIR, teacher_dir)
metrics

# %%
sorted(p.name for p in teacher_dir.iterdir())

# %% [markdown]
# ## Curves, from `metrics.csv` only
# Tidy rows: `run, role, seed, epoch, split, metric, value`.

# %%
from IPython.display import display

from dlkdd_lite.plots import plot_training_curves
from dlkdd_lite.results import read_metrics

rows = read_metrics(teacher_dir)
display(rows.tail(4))
plot_training_curves(rows, metric="video_acc1");

# %% [markdown]
# ## Per class
# Video-level predictions (the softmax averaged over evenly spaced clips of each test video) are in `predictions.csv`.

# %%
predictions = pd.read_csv(teacher_dir / "predictions.csv")
predictions["class"] = [CLASSES[i] for i in predictions["label"]]
predictions.groupby("class")["correct"].mean().rename("video accuracy").to_frame().T.round(2)

# %% [markdown]
# ## The teacher in the dark
# The teacher never saw dark clips. Evaluate it on the *dark* view of the test set:

# %%
from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.device import resolve_device
from dlkdd_lite.evaluate import evaluate
from dlkdd_lite.train import build_datasets

device = resolve_device("auto")
teacher, teacher_config = load_model(teacher_dir / "checkpoint.pt", device)
_, test_set = build_datasets(teacher_config, DATA_DIR, views=("dark",))  # the test split's dark clips
loader = DataLoader(test_set, batch_size=teacher_config.batch_size)
on_dark, _ = evaluate(teacher, loader, view="dark", device=device)
print(f"teacher video accuracy: enhanced {metrics['video_acc1']:.1%}, dark {on_dark['video_acc1']:.1%}")

# %% [markdown]
# A model trained on one light level is usually worse on another: to run on dark video directly we need a model
# that *learned* on dark video. That is the student of notebook 04, which keeps this teacher's knowledge.
#
# ## What this notebook wrote
# `RUNS_DIR/teacher/`: `config.json`, `metrics.csv`, `checkpoint.pt` (the teacher 04 loads), `predictions.csv`,
# `result.json`. Next: **04_student**.
#
# ## Exercises
# 1. Which two classes does the teacher confuse most? (Hint: `pd.crosstab` on `predictions.csv`.)
# 2. Train a teacher on *histogram-equalised* clips for 3 epochs (`enhancer="histeq"`) in another run folder
#    and compare its curve with the gamma teacher's first 3 epochs.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
confusion = pd.crosstab(predictions["class"], [CLASSES[i] for i in predictions["pred"]])
mistakes = confusion.stack()
mistakes = mistakes[[a != b for a, b in mistakes.index]].sort_values(ascending=False)
mistakes.head(3)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
import dataclasses

histeq = dataclasses.replace(config, enhancer="histeq", epochs=3)
fit(histeq, DATA_DIR, Path(RUNS_DIR) / "exercises" / "teacher_histeq")
both = pd.concat([rows[rows["epoch"] < 3], read_metrics(Path(RUNS_DIR) / "exercises" / "teacher_histeq")])
plot_training_curves(both, metric="video_acc1");
