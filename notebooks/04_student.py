# %% [markdown]
# # 04 · Distil the student and compare
#
# **The question.** Does a student trained on dark clips do better with the teacher's soft targets than
# without them?
#
# **What you will see.** What soft targets look like and what the temperature does to them; the KD loss;
# a baseline (no KD) and a DL-KDD student trained on the same dark clips for each seed; a comparison with
# the teacher that says how many seeds and test videos it rests on; the kit's committed evidence over
# many seeds, with paired confidence intervals, and on other data sets, one pair used nowhere before; how
# BatchNorm's statistics decide a run's score; and what the evidence looked like when every run started
# from random weights.
#
# **Runtime.** About 25 s with one seed (two training runs, side by side), worked solutions included; each
# further seed adds two more runs (measured 2026-12-02 on an idle 2-core CPU with AVX-512, the clips read
# from disk where notebook 03 kept them; a CPU without AVX-512 takes about 2.5 times as long).

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
TIER = "quick"                  # or a paper-tier preset: "arid", "arid1.5", "dark48" (a GPU; DATA_DIR must hold it)
EPOCHS = None                   # None: the tier's default
SEEDS = [0]                     # one baseline and one student per seed, trained live (the evidence below has 10)
EVIDENCE_DIR = "../benchmarks/results"  # the kit's committed multi-seed results (benchmarks/quick_tier_evidence.py)
TEMPERATURE = 4.0
ALPHA = 0.7                     # weight of the KD term; 1 - ALPHA weighs cross-entropy
JOBS = 2                        # runs trained side by side in worker processes; 1: one after another, here

# %%
import dataclasses
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.data.registry import detect_layout
from dlkdd_lite.presets import preset
from dlkdd_lite.train import build_datasets

teacher_ckpt = Path(RUNS_DIR) / "teacher" / "checkpoint.pt"  # notebook 03 trained it
teacher, teacher_config = load_model(teacher_ckpt)
CLASSES = detect_layout(DATA_DIR).classes
tier = {"epochs": EPOCHS} if EPOCHS else {}  # else the preset's

# %% [markdown]
# ## Soft targets
# The teacher's softmax on one enhanced test clip, at T = 1 and at T = `TEMPERATURE`. A higher temperature
# shows which *wrong* classes the teacher finds similar: information a one-hot label does not carry.

# %%
from dlkdd_lite.viz.ablation import plot_soft_targets, soft_targets

_, test_set = build_datasets(dataclasses.replace(teacher_config, cache=False), DATA_DIR)  # decodes one video
sample = test_set[0]
with torch.no_grad():
    logits = teacher(sample["enhanced"][None])[0]  # (K,)
ax = plot_soft_targets(logits.numpy(), (1.0, TEMPERATURE), list(CLASSES))
ax.set_title(f"teacher's soft targets for test clip {sample['video_id']} (true action: {CLASSES[sample['label']]})",
             fontsize=9)
plt.show()
for temperature in (1.0, TEMPERATURE):
    p = soft_targets(logits.numpy(), temperature)
    print(f"T = {temperature:g}: largest probability {p.max():.2f} ({CLASSES[p.argmax()]}), "
          f"smallest {p.min():.3f}; uniform would be {1 / len(CLASSES):.3f}")

# %% [markdown]
# Read the numbers, not a rule of thumb: a small teacher trained on a few hundred clips is often far from
# confident even at T = 1, and the temperature flattens its targets further.
#
# ## The loss
# `kd_loss` returns the total and both parts, so they can be logged.

# %%
from dlkdd_lite.distill import kd_loss

student_logits = torch.zeros(1, len(CLASSES))  # an untrained student: uniform predictions
kd_loss(student_logits, logits[None], torch.tensor([sample["label"]]), temperature=TEMPERATURE, alpha=ALPHA)

# %% [markdown]
# ## Train baseline and student for each seed
# Same data, same network, same epochs; the only difference is the loss. `run_fits` calls `fit` for each
# run, as notebook 03 did for the teacher, `JOBS` of them side by side in worker processes: a network this
# small keeps one CPU core busy, not two, so two one-thread runs side by side finish sooner than two
# two-thread runs one after the other (about 20 against 25 s here). One bar counts the runs; with `JOBS = 1`
# they run here one after another, each with its bar over epochs (use 1 for the paper tier on one GPU).
# Finished runs are skipped.

# %%
from dlkdd_lite.runtime.pool import run_fits

runs = []
for seed in SEEDS:
    baseline = preset(TIER, role="baseline", seed=seed, **tier)
    student = preset(TIER, role="student", seed=seed, teacher_ckpt=str(teacher_ckpt), temperature=TEMPERATURE,
                     alpha=ALPHA, **tier)
    runs += [(baseline, Path(RUNS_DIR) / f"baseline_s{seed}"), (student, Path(RUNS_DIR) / f"student_s{seed}")]
run_fits(runs, DATA_DIR, jobs=JOBS)

# %% [markdown]
# ## Compare
# Built from the run folders' results files only.

# %%
from dlkdd_lite.results import summarize_runs
from dlkdd_lite.viz.plots import plot_role_comparison, role_table, save_figure

summary = summarize_runs(RUNS_DIR)
summary = summary[summary["run"].isin(["teacher"] + [f"{r}_s{s}" for r in ("baseline", "student") for s in SEEDS])]
summary.to_csv(Path(RUNS_DIR) / "summary.csv", index=False)
role_table(summary)

# %%
fig, ax = plt.subplots(figsize=(5.5, 3.8))
plot_role_comparison(summary, ax=ax)
save_figure(fig, Path(FIGURES_DIR) / "04_comparison")
plt.show()

# %% [markdown]
# The student and the baseline of one seed share everything but the loss, so compare them seed by seed:

# %%
import pandas as pd
from IPython.display import display

accuracy = summary.set_index("run")["video_acc1"] * 100
paired = pd.DataFrame({"baseline": [accuracy[f"baseline_s{s}"] for s in SEEDS],
                       "student": [accuracy[f"student_s{s}"] for s in SEEDS]}, index=pd.Index(SEEDS, name="seed"))
paired["student - baseline"] = paired["student"] - paired["baseline"]
display(paired.round(1))
videos = len(pd.read_csv(Path(RUNS_DIR) / f"student_s{SEEDS[0]}" / "predictions.csv"))
gaps = paired["student - baseline"]
print(f"student - baseline: {gaps.mean():+.1f} points on average over {len(SEEDS)} seed(s), "
      f"from {gaps.min():+.1f} to {gaps.max():+.1f}; teacher (one run, enhanced clips): {accuracy['teacher']:.1f} %.")
print(f"{videos} test videos: one video is {100 / videos:.1f} points. With {len(SEEDS)} seed(s), a gap smaller "
      "than the spread between seeds is not evidence either way.")

# %% [markdown]
# ## One seed is an anecdote: the kit's evidence
# A seed decides the initial weights and the order of the clips, and with them a point or two of accuracy
# either way. So the kit trained every role with these defaults over 10 seeds on each of 2 generated data
# sets that no default uses, plus two controls: a student distilled from a teacher that saw the *dark*
# view, and a baseline with label smoothing at the same alpha (a "teacher" that knows nothing). That takes
# about 12-14 minutes on 2 cores, so it is not run here: the cell reads its committed results
# (`benchmarks/results/quick_tier_evidence*.csv`; regenerate them with
# `.venv/bin/python benchmarks/quick_tier_evidence.py`). Your seed above is one more draw: compare it
# with the dots.

# %%
from IPython.display import Markdown

from dlkdd_lite.experiments.evidence import evidence_markdown, evidence_synth, pooled_differences, read_evidence
from dlkdd_lite.viz.evidence import plot_evidence

runs, evidence = read_evidence(EVIDENCE_DIR)
plot_evidence(runs, evidence)
plt.show()
display(Markdown(evidence_markdown(evidence, evidence_synth(runs))))
pooled = pooled_differences(evidence)
control = pooled.loc["student - dark_student"]
verdict = ("the enhanced view adds to what soft targets as such give" if control["low"] > 0
           else "here the enhanced view's share cannot be told from chance")
print(f"DL-KDD student - student of a dark-view teacher: {control['mean']:+.1f} points (95 % CI "
      f"{control['low']:+.1f} to {control['high']:+.1f}), ahead in {int(control['wins'])} of "
      f"{int(control['n_seeds'] * control['n_data_sets'])} paired seeds: {verdict}.")

# %% [markdown]
# The teacher sees better on the enhanced view, the student inherits part of that, and the controls say
# the inheritance is the enhanced view's: a student of a dark-view teacher, or label smoothing, does no
# better than the baseline. Every run starts from weights learned in normal light (notebook 03), which suit
# the enhanced view better than the dark one, as Kinetics-400 weights do in the paper.
#
# ### On other data sets
# The kit's recipe was chosen on generated data sets 1000-1007, and its schedule and BatchNorm statistics
# (below) on 2201/2202. The same commands ran on three more pairs of data sets, each with its own training
# seeds: 2101/2102, 2201/2202 (where the changes were found, so no check of them) and 2301/2302 (used
# nowhere before, run once after the defaults were chosen). The student's gain over the baseline, per data
# set, with its 95 % interval (over seeds and test videos) and the seeds it won:

# %%
checks = {"evidence": (runs, evidence)} | {f"check {d}": read_evidence(Path(EVIDENCE_DIR) / f"evidence_check_{d}")
                                           for d in (2101, 2201, 2301)}  # fmt: skip
for name, (runs_c, summary_c) in list(checks.items())[1:]:
    display(Markdown(f"**{name}**\n\n" + evidence_markdown(summary_c, evidence_synth(runs_c))))
gains = pd.concat([summary_c[(summary_c["name"] == "student - baseline") & (summary_c["scope"] != "all")]
                   .assign(evidence=name) for name, (_, summary_c) in checks.items()])  # fmt: skip
gains = gains.rename(columns={"scope": "data set"}).set_index(["evidence", "data set"])
display(gains[["mean", "low", "high", "wins", "n_seeds"]].round(1))
print(f"student - baseline over {len(gains)} data sets: from {gains['mean'].min():+.1f} to "
      f"{gains['mean'].max():+.1f} points, mean {gains['mean'].mean():+.1f}")

# %% [markdown]
# The direction and the size hold on every data set: the teacher leads by 14-22 points, the student gains
# 4.8-10.6, and on the pair used nowhere before as on the others. Data sets still differ, because each holds out
# a few actors whose clips share a look and a room (docs/evidence.md, "Data sets that differ less"): two
# data sets are a small sample of data sets, as one seed is of seeds. And the schedule matters: trained for
# 25 epochs instead of 15, the baseline catches up with the teacher and the student gains nothing
# (docs/evidence.md, "Training longer"): at this scale the dark view is slower to learn, not empty. The kit
# trains 10 epochs, where the enhanced view's head start is wider than at 15.
#
# ### Why seeds differ
# How much of a run's score is the test set, and how much the network? `benchmarks/spread_sources.py` takes
# the spread above apart from the same per-video rows: `sd` is what the 10 seeds show;
# `sd_videos_independent` what they would show if each test video were right or wrong on its own (the
# test set's floor); `sd_classes_independent` what they would show if each class were won or lost on its
# own; `seedwide_share` is the rest, as a share of the variance: seeds ahead, or behind, in most classes at
# once (`dlkdd_lite/experiments/spread.py` defines them).

# %%
spread = pd.read_csv(Path(EVIDENCE_DIR) / "spread_sources.csv")
spread = spread[spread["arm"].isin(["teacher", "baseline", "student"])].set_index(["data_seed", "arm"])
display(spread.drop(columns=["seeds", "test_videos"]).round(2))
worst = spread["sd"].idxmax()
print(f"widest spread: {worst[1]} on data set {worst[0]}, sd {spread['sd'].max():.1f} points; the floor of its "
      f"{spread['test_videos'].iloc[0]} test videos is {spread.loc[worst, 'sd_videos_independent']:.1f}, and "
      f"{spread.loc[worst, 'seedwide_share']:.0%} of its variance is seed-wide")

# %% [markdown]
# The runs sit close to the test set's floor: 330 videos put about 1.1-1.6 points under any spread, and
# what the seeds add beyond it is small. Runs that start from the same learned weights move at the same pace.
#
# ### BatchNorm's statistics
# Part of that steadiness is how the runs are evaluated. `fit()` recomputes BatchNorm's statistics before
# every evaluation (precise BN, notebook 03). Before the kit did, the same evidence (10 epochs, data sets
# 2201/2202; `evidence_epochs10_check_2201/`) evaluated each run with the moving averages training left
# behind. `benchmarks/precise_bn_check.py` evaluated those saved runs twice, with the statistics they were
# saved with and with precise ones, their weights unchanged:

# %%
checked = pd.read_csv(Path(EVIDENCE_DIR) / "evidence_epochs10_check_2201" / "precise_bn_check.csv")
both = checked.groupby(["data_seed", "arm"])[["video_acc1_saved", "video_acc1_precise"]].agg(["mean", "std"])
display(both.round(1))
moved = (checked["video_acc1_precise"] - checked["video_acc1_saved"]).abs()
print(f"{len(checked)} runs: precise statistics moved a run's test accuracy by {moved.median():.1f} points "
      f"(median), at most {moved.max():.1f}")

# %% [markdown]
# On data set 2201 the students' sd over seeds was 8.0 points with the saved statistics and 1.2 with
# precise ones: the students that had scored 49-59 % had learned as much as the rest; their statistics had
# not caught up with their weights. Trained and evaluated with precise statistics, the student's gain on
# those data sets is +7.1 points in 20 of 20 seeds (the second check above), where it was +4.5 in 17.
#
# ### Where the recipe comes from: training from random weights
# Before the kit started every run from the normal-light weights, it trained every run from random
# weights (at lr 3e-3, on data sets of 12 actors). The same evidence, and the same again with the dark
# clips normalised by ARID's published statistics instead of ImageNet's (`norm` in the config):

# %%
history = {"from random weights": "evidence_from_scratch",
           "from random weights, ARID's statistics": "evidence_norm_arid"}  # fmt: skip
for name, folder in history.items():
    runs_h, summary_h = read_evidence(Path(EVIDENCE_DIR) / folder)
    display(Markdown(f"**{name}**\n\n" + evidence_markdown(summary_h, evidence_synth(runs_h))))
    spread_h = summary_h[(summary_h["kind"] == "arm") & (summary_h["scope"] != "all")]
    lead = pooled_differences(summary_h).loc["teacher - baseline"]
    print(f"{name}: teacher - baseline {lead['mean']:+.1f} points (95 % CI {lead['low']:+.1f} to "
          f"{lead['high']:+.1f}); widest sd over seeds {spread_h['sd'].max():.1f} points")

# %% [markdown]
# From random weights the teacher led by more, but three things made that evidence weak. The spread over
# seeds reached 4-6 points: runs still learning, at different paces, when the schedule ends. Part of the
# student's gain was soft targets as such: the dark-view teacher's student gained too. And the lead rested
# on a detail of normalisation: with ImageNet's statistics the dark clips sit near -1.8 with a spread of
# about 0.1, and every convolution pads the clip's borders with zeros, a step far larger than anything
# inside the clip, so the first layer mostly sees the border (docs/ablations.md measures it). With ARID's
# statistics the baseline learned the dark clips as well as the teacher learned the enhanced ones, and the
# teacher no longer led. The paper's backbones start from Kinetics-400 weights, which fix the normalisation
# to normal light; the kit's normal-light weights do the same at this scale, and with them the teacher's
# lead is the one the paper argues for: features learned in normal light suit the enhanced view.
# docs/evidence.md has every step of the search, with its tables.
#
# **At inference** only the student runs, on dark video: the same network as the baseline, so the same
# cost. Enhance-then-classify would add the enhancer to every clip, and a two-stream model would run two
# backbones (notebook 06 measures both).
#
# ## Exercises
# Each exercise has an empty cell for you; the worked solutions are in `solutions/04_student.py`, and
# executed in the book (`make book`).
#
# **Exercise 1 · The KD loss (core).** Write `my_kd_loss(student_logits, teacher_logits, labels,
# temperature, alpha)` returning the scalar
# $\alpha\,T^2\,\mathrm{KL}(\mathrm{softmax}(t/T)\,\|\,\mathrm{softmax}(s/T)) + (1-\alpha)\,\mathrm{CE}(s, y)$,
# with the KL summed over classes and averaged over the batch. Logits are `(B, K)`, labels `(B,)`. Use
# `log_softmax` rather than the log of a softmax. The next cell checks it against `distill.kd_loss`.

# %% tags=["exercise-1"]
# your code here

# %% tags=["check-1"]
from dlkdd_lite.tutorial.checks import check

check("kd_loss", globals());

# %% [markdown]
# **Exercise 2 · KD versus label smoothing.** Label smoothing trains on the target
# $(1-\varepsilon)\,\text{one-hot} + \varepsilon\,\text{uniform}$. Show numerically that the KD loss with a
# teacher that knows nothing (all its logits equal) at T = 1 is label smoothing with $\varepsilon = \alpha$,
# up to a constant (`F.cross_entropy(..., label_smoothing=...)` does label smoothing). Which constant, and
# what does a real teacher give the student that label smoothing does not?

# %% tags=["exercise-2"]
# your code here

# %% [markdown]
# **Exercise 3 · Can a student beat its teacher?** Look at the comparison above. Give reasons why a
# student can score higher than the teacher it learns from (several apply here).

# %% [markdown] tags=["exercise-3"]
# *Your answer here.*

# %% [markdown]
# **Exercise 4 · No labels at all.** Train one student with `alpha=1.0` (distillation only) for 3 epochs.
# Can it learn without ever seeing a label?

# %% tags=["exercise-4"]
# your code here

# %% [markdown]
# ## Summary
# - The student learns from dark clips with the label and the teacher's temperature-softened predictions
#   on the enhanced view; the baseline from the label alone. The table and figure above compare them seed
#   by seed, with the number of seeds and test videos they rest on.
# - At inference the student costs exactly what the baseline costs.
#
# **Limits.** The runs trained here are one draw each; the kit's committed evidence above (many seeds, two
# generated data sets, paired intervals) is what a claim can rest on, and it is evidence about generated
# data, not ARID. The students all learn from one teacher (seed 0). The student's gain depends on the data
# set (about 2.5 to 6.5 points over six of them); from random weights the teacher's lead rested on how the
# dark clips are normalised (the sections above).
#
# **This notebook wrote** `RUNS_DIR/baseline_s*/`, `RUNS_DIR/student_s*/`, `RUNS_DIR/summary.csv`, and
# `FIGURES_DIR/04_comparison.png` and `.pdf`. **Next:** 05_ablation varies the temperature and α.
#
# **References.** Chang, Chen & Tseng (2024), DL-KDD, arXiv:2406.02468 · Xu et al. (2020), ARID,
# arXiv:2006.03876 · Guo et al. (2020), Zero-DCE, CVPR, arXiv:2001.06826 · Hinton, Vinyals & Dean (2015),
# *Distilling the Knowledge in a Neural Network*, arXiv:1503.02531 · Müller, Kornblith & Hinton (2019),
# *When Does Label Smoothing Help?*, NeurIPS, arXiv:1906.02629 · Yuan et al. (2020), *Revisiting Knowledge
# Distillation via Label Smoothing Regularization*, CVPR, arXiv:1909.11723 · Furlanello et al. (2018),
# *Born-Again Neural Networks*, ICML, arXiv:1805.04770.
