# %% [markdown]
# # 03 · Train the teacher on enhanced clips
#
# **The question.** How well does a network recognise the actions when it sees enhanced clips, and how
# does it do on the dark clips it never saw?
#
# **What you will see.** The kit's one training loop, `fit()`, which trains teacher, baseline and student
# (only the step differs); the run folder it writes; training curves and per-class accuracy read from the
# results files; and the enhanced-trained teacher shown *dark* clips.
#
# **Runtime.** About 30-40 s, worked solutions included: preparing the clips (each video is decoded and enhanced
# by Zero-DCE once, then kept on disk for the next notebooks) and training; run again, it finds the finished
# run (measured 2026-12-01 and 02 on idle 2-core CPUs with AVX-512; a CPU without AVX-512 takes about 2.5
# times as long).

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
TIER = "quick"                  # or a paper-tier preset: "arid", "arid1.5", "dark48" (a GPU; DATA_DIR must hold it)
EPOCHS = None                   # None: the tier's default
SEED = 0

# %% [markdown]
# ## The teacher's configuration
# One parameter switches tiers: the preset holds the architecture, clip size, optimiser, epochs and the
# teacher's enhancer. DL-KDD's teacher sees Zero-DCE clips (notebook 02b; notebook 02 says why a global
# curve such as gamma adds no information a network could not work out itself, though it may still ease
# training). The line below says what this tier's teacher sees; notebook 06 (figure 3) trains one teacher
# per enhancer and compares them.
#
# It also says where the weights start. The paper's backbones start from weights learned on Kinetics-400,
# normally lit video of many actions; the quick tier's stand-in is `normal-light`: the tiny network trained
# on well-lit generated videos of six of the eleven actions, with other actors (`dlkdd pretrain` made the
# weights the kit ships). Every role starts from them and is fine-tuned at a small learning rate. Features
# learned in normal light suit the enhanced view, which looks like what they were learned on, better than
# the dark one: that is the paper's argument for its teacher (notebook 04 measures it).

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from torch.utils.data import DataLoader

from dlkdd_lite.data.registry import detect_layout
from dlkdd_lite.enhance.enhancers import enhancer_weights_file
from dlkdd_lite.presets import preset
from dlkdd_lite.train import fit

config = preset(TIER, role="teacher", seed=SEED, **({"epochs": EPOCHS} if EPOCHS else {}))
CLASSES = detect_layout(DATA_DIR).classes
weights = enhancer_weights_file(config.enhancer, config.enhancer_weights)
enhancer = {"gamma": f"gamma {config.gamma}", "zerodce": f"Zero-DCE, weights {Path(weights or '').name}"}
print(f"teacher: {config.arch} from {config.pretrained or 'random'} weights, {config.epochs} epochs at lr "
      f"{config.lr:g}, seed {config.seed}, sees clips enhanced by {enhancer.get(config.enhancer, config.enhancer)}")
config

# %% [markdown]
# ## Train
# `fit()` decodes each video once into memory, trains, evaluates on the test split, and writes the run
# folder as it goes; here it prints one line for the run. Re-running the cell returns at once (the run is
# finished); if training is interrupted, the next call resumes from the last completed epoch.
#
# Before each evaluation `fit()` recomputes BatchNorm's statistics (the mean and variance each BatchNorm
# layer normalises with at test time) over the epoch's training clips with the current weights: "precise
# BN" (`dlkdd_lite/batchnorm.py`). The moving averages kept during training lag behind the weights, and at
# batch 8 they moved a run's test accuracy by up to 21 points; notebook 04 shows the evidence.

# %%
teacher_dir = Path(RUNS_DIR) / "teacher"
metrics = fit(config, DATA_DIR, teacher_dir)  # the final test metrics, also in result.json

# %%
sorted(p.name for p in teacher_dir.iterdir())

# %% [markdown]
# ## Curves, from `metrics.csv` only
# Tidy rows: `run, role, seed, epoch, split, metric, value`. The axis spans 0-100 % with chance marked,
# so noise around chance does not look like progress.

# %%
from dlkdd_lite.results import read_metrics
from dlkdd_lite.viz.plots import plot_training_curves

rows = read_metrics(teacher_dir)
display(rows.tail(4))
plot_training_curves(rows, metric="video_acc1", chance=1 / len(CLASSES))
plt.show()

# %% [markdown]
# ## Per action
# Video-level predictions (the softmax averaged over evenly spaced clips of each test video) are in
# `predictions.csv`.

# %%
predictions = pd.read_csv(teacher_dir / "predictions.csv")
predictions["class"] = [CLASSES[i] for i in predictions["label"]]
per_class = predictions.groupby("class")["correct"].agg(["mean", "size"])
sizes = sorted({per_class["size"].min(), per_class["size"].max()})
print(f"{len(predictions)} test videos, {'-'.join(map(str, sizes))} per action: "
      f"one video is {100 / len(predictions):.1f} points of overall accuracy")
per_class.rename(columns={"mean": "video accuracy", "size": "videos"}).T.round(2)

# %% [markdown]
# ## The teacher in the dark
# The teacher never saw dark clips. Evaluate it on the *dark* view of the same test videos:

# %%
from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.evaluate import evaluate
from dlkdd_lite.runtime.device import resolve_device
from dlkdd_lite.train import build_datasets

device = resolve_device("auto")
teacher, teacher_config = load_model(teacher_dir / "checkpoint.pt", device)
_, test_set = build_datasets(teacher_config, DATA_DIR, views=("dark",))  # the test split's dark clips
loader = DataLoader(test_set, batch_size=teacher_config.batch_size)
on_dark, _ = evaluate(teacher, loader, view="dark", device=device)
print(f"teacher video accuracy on {len(predictions)} test videos: enhanced {metrics['video_acc1']:.1%}, "
      f"dark {on_dark['video_acc1']:.1%}")

# %% [markdown]
# A model trained on one kind of input is usually worse on another; how much worse here, the two numbers
# above say. To run on dark video directly we need a model that *learned* on dark video: the student of
# notebook 04, which keeps this teacher's knowledge.
#
# ## Exercises
# Each exercise has an empty cell for you; the worked solutions are in `solutions/03_teacher.py`, and
# executed in the book (`make book`).
#
# **Exercise 1 · A training step (core).** Inside `fit()`, every batch goes through one step: forward,
# loss, gradients, update (`distill.ce_step` computes the teacher's loss; `train.train_epoch` does the
# rest). Write `my_train_step(model, optimizer, clips, labels)` that does one such step with the
# cross-entropy loss and returns the loss. Clips are `(B, C, T, H, W)`, labels `(B,)`. The next cell runs
# it and the library's step from the same weights and compares the weights after.

# %% tags=["exercise-1"]
# your code here

# %% tags=["check-1"]
from dlkdd_lite.tutorial.checks import check

check("train_step", globals());

# %% [markdown]
# **Exercise 2 · Confusions.** Which two actions does the teacher confuse most? (Hint: `pd.crosstab` on
# `predictions.csv`.)

# %% tags=["exercise-2"]
# your code here

# %% [markdown]
# **Exercise 3 · Another enhancer.** Train a teacher on *histogram-equalised* clips for 3 epochs
# (`enhancer="histeq"`) in another run folder, and plot its curve with this teacher's first 3 epochs. What
# can three epochs tell you?

# %% tags=["exercise-3"]
# your code here

# %% [markdown]
# ## Summary
# - One `fit()` trains every role: here a teacher on enhanced clips, with its configuration, metrics,
#   checkpoint and per-video predictions in its run folder.
# - The teacher's accuracy on enhanced and on dark clips are printed above; a teacher alone does not
#   solve dark video, which is what the student of notebook 04 is for.
#
# **Limits.** One teacher, one seed, a small generated test set (one video is the number of points
# printed above). From the normal-light weights the teacher varies by a point or two from seed to seed
# (notebook 04 shows the kit's evidence over 20 seeds); from random weights it varied by 4 or more, and a
# single run said little.
#
# **This notebook wrote** `RUNS_DIR/teacher/`: `config.json`, `metrics.csv`, `checkpoint.pt` (the teacher
# notebook 04 loads), `predictions.csv`, `result.json`. **Next:** 04_student distils it into a student.
#
# **References.** Chang, Chen & Tseng (2024), DL-KDD, arXiv:2406.02468 · Xu et al. (2020), ARID,
# arXiv:2006.03876 · Guo et al. (2020), Zero-DCE, CVPR, arXiv:2001.06826 · Hinton, Vinyals & Dean (2015),
# knowledge distillation, arXiv:1503.02531.
