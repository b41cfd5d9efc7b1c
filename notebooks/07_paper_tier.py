# %% [markdown]
# # 07 · The paper tier on a GPU: from ARID's download link to the paper's table
#
# **The question.** Trained on real dark video at the paper tier, how close does the kit's DL-KDD student
# come to the top-1 accuracy the paper reports?
#
# **What you will see.** The dataset's terms and where to ask for it; its download (or the archive you
# have), a check of every listed clip, and a copy re-encoded at short side 128; Zero-DCE trained on the
# dataset's dark frames; the Zero-DCE teacher and the DL-KDD student, R(2+1)D-18 from Kinetics-400 weights
# on 16 × 112 × 112 clips; and the student's accuracy beside the paper's table, in separate columns.
#
# **Runtime.** On one GPU, for ARID v1.0: the download (the archive's size over your link), `prepare`
# (minutes on the CPU, once), Zero-DCE (minutes), then the teacher and the student, each about 3-15 minutes
# of training at 400-100 clips/s, plus their evaluations. These are estimates from docs/ablations.md's
# arithmetic, printed below for your dataset; no GPU has measured them yet (`make gpu-check` will). Every
# long step resumes where it stopped when its cell runs again. Without the data, or without a GPU, the
# notebook stops at the first cell that needs them and says what to do: up to there it takes about 5 s on
# a 2-core CPU (measured 2026-12-01).

# %% tags=["parameters"]
DATASET = "arid"                # "arid" (ARID v1.0), "arid1.5" (ARID V1.5) or "dark48" (Dark-48)
DATA_DIR = "../data"            # the dataset goes to DATA_DIR/<DATASET>, its prepared copy beside it
RUNS_DIR = "../runs/paper"      # run folders: RUNS_DIR/<DATASET>/zerodce, teacher, student
FIGURES_DIR = "../figures"      # the comparison: FIGURES_DIR/tables/paper_vs_kit_<DATASET>.csv and .md
URL = None                      # the download link the dataset's authors sent you (Google Drive, OneDrive, https)
ARCHIVE = None                  # or the archive you downloaded (zip, tar, tar.gz), or its extracted folder
SHA256 = None                   # the archive's sha256, if you were given one (checked)
LISTS = None                    # a folder holding the split lists, instead of the dataset's official source
SHORT_SIDE = 128                # `prepare` re-encodes the clips to this short side (the presets read 128)
PRETRAINED = "kinetics400"      # torchvision's Kinetics-400 weights (downloaded once), a state-dict file, or None
ZERODCE_STEPS = 2000            # Zero-DCE's training steps on the dataset's dark frames
TEMPERATURE = 4.0
ALPHA = 0.7                     # weight of the KD term; 1 - ALPHA weighs cross-entropy
SEED = 0
OVERRIDES = {}                  # RunConfig fields changed for teacher and student, e.g. {"epochs": 10}
ALLOW_CPU = False               # True: run the GPU steps on a CPU anyway (a rehearsal, with tiny OVERRIDES)

# %%
import dataclasses
from pathlib import Path

import pandas as pd
from IPython.display import display

from dlkdd_lite.data.registry import get_dataset
from dlkdd_lite.experiments.paper_tier import dataset_card, describe_expected, expected_minutes
from dlkdd_lite.experiments.reproduce import STEP_COST, Reproduction, paper_plan
from dlkdd_lite.presets import preset

info = get_dataset(DATASET)
data_root = Path(DATA_DIR) / info.name  # what the download installs
prepared = Path(DATA_DIR) / f"{info.name}-s{SHORT_SIDE}"  # what the models train on
runs = Path(RUNS_DIR) / info.name
# The dataset's preset: kit defaults, since the paper does not publish its backbone, clips or schedule.
base = preset(info.name, role="teacher", pretrained=PRETRAINED, seed=SEED, **OVERRIDES)
# The steps `dlkdd reproduce --tier paper` takes for its Zero-DCE teacher, one run each here.
plan = dataclasses.replace(paper_plan(info.name), base=base, zerodce_steps=ZERODCE_STEPS)
shown = ("arch", "pretrained", "num_frames", "crop_size", "short_side", "batch_size", "epochs", "optimizer", "lr")
pd.DataFrame([{k: getattr(base, k) for k in shown}], index=[DATASET])

# %% [markdown]
# ## 1 · The dataset, its terms, and where to ask for it
# ARID and its successors are not on a public mirror: their authors send a download link on request, with the
# terms of use. The split lists of ARID v1.0 ship with the kit (CC BY 4.0); the clips come only from the
# authors. Cite the dataset's paper with any result.

# %%
print(dataset_card(DATASET))

# %% [markdown]
# ## 2 · What each long step will cost
# A training run passes over the training clips once per epoch; a KD student also runs the frozen teacher's
# forward pass on every clip (about 1.33 × a teacher's step; `benchmarks/kd_overhead.py` measures it). At a
# teacher's training throughput of 100 to 400 clips per second on one GPU (docs/ablations.md; assumed until
# a GPU run measures it):

# %%
train_clips = info.expected_count(base.split, "train")
for role in ("teacher", "student"):
    minutes = expected_minutes(base.epochs, train_clips, step_cost=STEP_COST[role])
    print(describe_expected(f"{role}, {base.epochs} epochs x {train_clips:,} training clips", minutes))

# %% [markdown]
# **Exercise 1 · Budget the runs (core).** Write `my_training_minutes(epochs, train_clips, clips_per_second,
# step_cost)`: the minutes a run spends training (evaluation excluded) when a teacher's step trains
# `clips_per_second` clips a second and this run's step costs `step_cost` times as much. Then use it: how
# many epochs of the student fit in one hour at 150 clips/s on this dataset? The next cell checks your
# function against `paper_tier.expected_minutes`.

# %% tags=["exercise-1"]
# your code here

# %% tags=["check-1"]
from dlkdd_lite.tutorial.checks import check

check("training_minutes", globals())

# %% [markdown]
# ## 3 · Download, verify, prepare
# The next cell is the first that needs the data. With `URL` (the link you were sent) or `ARCHIVE` (a file
# you downloaded) in the parameters it downloads, resuming an interrupted download, checks the archive and
# installs the clips and the official split lists into `DATA_DIR/<DATASET>`; once installed it does nothing.

# %%
from dlkdd_lite.data.acquire.download import download_dataset
from dlkdd_lite.experiments.paper_tier import require_source

status = require_source(data_root, info.name, url=URL, archive=ARCHIVE)  # stops here without a link or archive
if status == "download":
    archives = [ARCHIVE] if ARCHIVE else []
    download_dataset(info.name, data_root, url=URL, archives=archives, sha256=SHA256, lists=LISTS)
print(f"{info.title} is installed in {data_root}")

# %% [markdown]
# Every clip the official lists name should be on disk and decodable (the first and last frame of each are
# decoded):

# %%
from dlkdd_lite.data.acquire.verify import format_report, verify_dataset
from dlkdd_lite.experiments.paper_tier import require_verified

report = verify_dataset(data_root, info.name)
print(format_report(report))
require_verified(report)

# %% [markdown]
# ARID's clips are 320 × 240; the models read 112 × 112 crops of frames scaled to a short side of 128.
# Re-encoding every clip at that size once, on the CPU, lets the loader decode four to five times fewer
# pixels every epoch (docs/datasets.md). The originals are kept; an interrupted run keeps the clips it wrote.

# %%
from dlkdd_lite.data.acquire.prepare import prepare_dataset

summary = prepare_dataset(data_root, prepared, short_side=SHORT_SIDE, name=info.name)
{k: summary[k] for k in ("out", "clips", "encoded", "kept")} | {"failed": len(summary["failed"])}

# %% [markdown]
# ## 4 · The GPU
# From here on every step trains a network. The next cell stops without a CUDA GPU (unless `ALLOW_CPU`).
# On a GPU machine, copy `DATA_DIR` (the dataset and its prepared copy) over and run the notebook there: the
# steps above find their results and return at once.

# %%
import torch

from dlkdd_lite.experiments.paper_tier import require_gpu

device = require_gpu(ALLOW_CPU)
print(torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU (ALLOW_CPU: a rehearsal)")

# %% [markdown]
# ## 5 · Zero-DCE, the teacher's enhancer
# Zero-DCE (Guo et al. 2020) learns brightening curves from dark frames alone, no bright references. It is
# trained on 512 frames of the training videos, for `ZERODCE_STEPS` steps: minutes on a GPU. Its
# checkpoint is saved every 25 steps; a rerun resumes, a finished one returns at once.

# %%
reproduction = Reproduction(plan, prepared, runs)
zerodce_weights = reproduction.zerodce_weights()  # RUNS_DIR/<DATASET>/zerodce/zerodce.pt
zerodce_weights

# %% [markdown]
# ## 6 · The teacher: R(2+1)D-18 on Zero-DCE-enhanced clips
# Each video is enhanced once and kept on disk (`enhanced_cache`), for the teacher and later the student's
# teacher. `fit()` saves a checkpoint after every epoch: if the session dies, run this cell again and it
# resumes from the last epoch; a finished run returns its result at once.

# %%
from dlkdd_lite.train import fit

teacher_config = dataclasses.replace(reproduction.teacher_config("zerodce"), seed=SEED)
teacher_minutes = expected_minutes(teacher_config.epochs, train_clips, step_cost=STEP_COST["teacher"])
print(describe_expected("this teacher", teacher_minutes))
teacher_metrics = fit(teacher_config, prepared, runs / "teacher")

# %% [markdown]
# ## 7 · The DL-KDD student on dark clips
# The student sees only the dark clip; the frozen teacher sees the Zero-DCE-enhanced view of the same frames
# and crop, and the student learns from its softened predictions (temperature `TEMPERATURE`, weight `ALPHA`)
# as well as from the labels. It resumes like the teacher.

# %%
student_config = dataclasses.replace(teacher_config, role="student", temperature=TEMPERATURE, alpha=ALPHA,
                                     teacher_ckpt=str(runs / "teacher" / "checkpoint.pt"))  # fmt: skip
student_minutes = expected_minutes(student_config.epochs, train_clips, step_cost=STEP_COST["student"])
print(describe_expected("this student", student_minutes))
student_metrics = fit(student_config, prepared, runs / "student")

# %% [markdown]
# ## 8 · Beside the paper's table
# The paper's numbers come from its own tables (`dlkdd_lite/resources/paper_results.csv` names each source); the
# kit's is this student's video top-1 on the test list of split `base.split`, one seed. They stand in separate
# columns: the kit runs kit defaults, not the authors' recipe, which is not public.

# %%
from dlkdd_lite.experiments.paper_tier import compare_with_paper

table = compare_with_paper(runs / "student", info.name, Path(FIGURES_DIR) / "tables" / f"paper_vs_kit_{info.name}")
display(table[table["dataset"] == info.title])
videos = len(pd.read_csv(runs / "student" / "predictions.csv"))
print(f"teacher (Zero-DCE, then R(2+1)D-18 on the enhanced clip): {teacher_metrics['video_acc1']:.1%}; "
      f"DL-KDD student (dark clip only, one backbone): {student_metrics['video_acc1']:.1%}; "
      f"{videos} test videos, one seed: one video is {100 / videos:.2f} points.")  # fmt: skip

# %% [markdown]
# **Exercise 2 · Does distillation help here?** Train the no-KD baseline: the student's settings with
# `role="baseline"` (cross-entropy on the dark clips, no teacher) in `runs / "baseline"`, and put its video
# top-1 beside the student's. It is a third run as long as the teacher's.

# %% tags=["exercise-2"]
# your code here

# %% [markdown]
# **Exercise 3 · Why might the kit's number differ from the paper's?** Name three reasons, from what this
# notebook shows and from what the paper does not publish (docs/ablations.md, `presets.py`).

# %% [markdown] tags=["exercise-3"]
# *Your answer here.*

# %% [markdown]
# ## Summary
# - From a download link (or an archive) to the paper's table in cells that each call the library: download,
#   verify, prepare, Zero-DCE, teacher, student, comparison. Every long step resumes when run again.
# - The student runs on dark clips alone, with one backbone: its inference costs what the no-KD baseline's
#   does, and less than the teacher with its enhancer (notebook 06 and `benchmarks/inference.py` count it).
#
# **Limits.** One seed on one split: the difference between two runs can be a few points (count the test
# videos above), so a claim that A beats B needs several seeds and a paired comparison (notebooks 04 and 06).
# The recipe is the kit's (R(2+1)D-18 from Kinetics-400, 16 × 112 × 112 clips, SGD, 30 epochs), not the
# authors', which is not public; the GPU times printed are arithmetic until `make gpu-check` has measured a
# GPU.
#
# **This notebook wrote** `DATA_DIR/<DATASET>` (the dataset, `dataset.json`, `verify.json`),
# `DATA_DIR/<DATASET>-s128` (the prepared copy), `RUNS_DIR/<DATASET>/` (`zerodce/`, `enhanced_cache/`,
# `teacher/`, `student/`: run folders with `config.json`, `metrics.csv`, `checkpoint.pt`, `predictions.csv`,
# `result.json`) and `FIGURES_DIR/tables/paper_vs_kit_<DATASET>.csv` and `.md`. `dlkdd reproduce --tier
# paper --dataset <DATASET>` trains the whole grid of the paper's ablations from the same prepared copy.
#
# **References.** Chang, Chen & Tseng (2024), DL-KDD, arXiv:2406.02468 · Xu et al. (2020), ARID,
# arXiv:2006.03876 · Guo et al. (2020), Zero-DCE, CVPR, arXiv:2001.06826 · Tran et al. (2018), R(2+1)D, CVPR,
# arXiv:1711.11248 · Kay et al. (2017), Kinetics, arXiv:1705.06950 · Hinton, Vinyals & Dean (2015),
# knowledge distillation, arXiv:1503.02531.
