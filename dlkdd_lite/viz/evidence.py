"""evidence.py: the quick tier's evidence figure, drawn only from the evidence results files.

Left: each arm's video accuracy, one dot per training seed. Right: the paired differences that carry the
claims (teacher vs baseline, DL-KDD student vs baseline and vs the two controls), one dot per seed, with
the mean and its 95 % bootstrap interval over seeds and test videos. Knows nothing about training.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from dlkdd_lite.experiments.evidence import pooled_differences
from dlkdd_lite.viz.plots import save_figure

ARM_LABELS = {
    "teacher": "teacher\n(enhanced)", "baseline": "baseline\n(dark, no KD)", "student": "DL-KDD\nstudent",
    "dark_teacher": "control:\ndark teacher", "dark_student": "control: student\nof dark teacher",
    "label_smoothing": "control:\nlabel smoothing",
}  # fmt: skip
DIFF_LABELS = {
    "teacher - baseline": "teacher\n− baseline", "student - baseline": "student\n− baseline",
    "student - dark_student": "student − student\nof dark teacher",
    "student - label_smoothing": "student −\nlabel smoothing",
}  # fmt: skip


def plot_evidence(runs: pd.DataFrame, summary: pd.DataFrame, stem: str | os.PathLike | None = None):
    """The figure from ``quick_tier_evidence.csv`` rows (``runs``) and its summary; saved to ``stem``.png/.pdf
    when given. Returns the figure."""
    import matplotlib.pyplot as plt

    data_seeds = sorted(runs["data_seed"].unique())
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": [1.2, 1]})
    markers = dict(zip(data_seeds, "os^Dv"))
    rng = np.random.default_rng(0)  # jitter only, so that dots of equal value stay visible
    arms = [a for a in ARM_LABELS if a in set(runs["arm"])]
    for x, arm in enumerate(arms):
        for d in data_seeds:
            acc = runs[(runs["arm"] == arm) & (runs["data_seed"] == d)]["video_acc1"]
            axes[0].scatter(x + rng.uniform(-0.15, 0.15, len(acc)), acc, s=14, alpha=0.7, marker=markers[d],
                            color=f"C{data_seeds.index(d)}", label=f"data set {d}" if x == 0 else None)  # fmt: skip
        mean = runs[runs["arm"] == arm]["video_acc1"].mean()
        axes[0].hlines(mean, x - 0.3, x + 0.3, color="black", lw=2)
    axes[0].set_xticks(range(len(arms)), [ARM_LABELS[a] for a in arms], fontsize=8)
    axes[0].set_ylabel("video accuracy (%)")
    axes[0].set_ylim(0, 100)
    axes[0].axhline(100 / 11, color="grey", ls=":", lw=1, label="chance (11 classes)")
    axes[0].set_title("Each arm: one dot per training seed (bar: mean)")
    axes[0].legend(fontsize=8, loc="lower left")

    pooled = pooled_differences(summary)
    for x, row in enumerate(pooled.itertuples()):
        a, b = row.Index.split(" - ")
        for d in data_seeds:
            part = runs[runs["data_seed"] == d]
            diff = (part[part["arm"] == a].set_index("seed")["video_acc1"]
                    - part[part["arm"] == b].set_index("seed")["video_acc1"])  # fmt: skip
            axes[1].scatter(x + rng.uniform(-0.15, 0.15, len(diff)), diff, s=14, alpha=0.6, marker=markers[d],
                            color=f"C{data_seeds.index(d)}")  # fmt: skip
        axes[1].errorbar(x + 0.3, row.mean, yerr=[[row.mean - row.low], [row.high - row.mean]], fmt="o",
                         color="black", capsize=4)  # fmt: skip
    axes[1].axhline(0, color="grey", lw=1)
    axes[1].set_xticks(range(len(pooled)), [DIFF_LABELS.get(n, n) for n in pooled.index], fontsize=8)
    axes[1].set_ylabel("difference in video accuracy (points)")
    n_seeds, n_videos = int(pooled["n_seeds"].iloc[0]), int(pooled["n_videos"].iloc[0])
    axes[1].set_title(f"Paired differences (black: mean, 95 % bootstrap CI over {n_seeds} seeds\n"
                      f"x {len(data_seeds)} data sets and {n_videos} test videos)", fontsize=10)  # fmt: skip
    fig.tight_layout()
    if stem is not None:
        save_figure(fig, Path(stem))
    return fig
