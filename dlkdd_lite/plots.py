"""plots.py: figures built only from results files (metrics.csv, result.json), never from models.

So a figure notebook re-runs in seconds without a GPU. Knows nothing about training.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pandas as pd

ROLE_ORDER = ("baseline", "student", "teacher")
ROLE_LABELS = {
    "baseline": "baseline\n(dark, no KD)",
    "student": "DL-KDD student\n(dark, KD)",
    "teacher": "teacher\n(enhanced)",
}


def save_figure(fig, stem: str | os.PathLike) -> list[Path]:
    """Save ``fig`` as ``stem.png`` and ``stem.pdf`` at 300 dpi; PDFs are byte-stable (no dates)."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".pdf")]
    with matplotlib.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42}):  # embed TrueType fonts
        fig.savefig(paths[0], dpi=300, bbox_inches="tight", metadata={"Software": None})
        fig.savefig(
            paths[1],
            dpi=300,
            bbox_inches="tight",
            metadata={"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
        )
    return paths


def plot_training_curves(metrics: pd.DataFrame, *, metric: str = "video_acc1", split: str = "test", ax=None):
    """One line per run of ``metric`` over epochs, from tidy metrics rows (``read_metrics``)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    rows = metrics[(metrics["metric"] == metric) & (metrics["split"] == split)]
    if rows.empty:
        raise ValueError(
            f"no rows with metric={metric!r} and split={split!r}; have {sorted(metrics['metric'].unique())}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    sns.lineplot(data=rows, x="epoch", y="value", hue="run", marker="o", ax=ax)
    ax.set(xlabel="epoch", ylabel=f"{split} {metric}", title=f"{split} {metric} per epoch")
    ax.grid(alpha=0.3)
    return ax


def plot_role_comparison(summary: pd.DataFrame, *, metric: str = "video_acc1", ax=None):
    """Bar chart of ``metric`` per role: mean ± std over seeds, one dot per seed.

    ``summary`` is ``results.summarize_runs(...)``: one row per run with ``role`` and ``metric``.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if metric not in summary.columns:
        raise ValueError(f"summary has no column {metric!r}; columns are {list(summary.columns)}")
    order = [r for r in ROLE_ORDER if r in set(summary["role"])]
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.4))
    data = summary.assign(value=summary[metric] * 100)
    sns.barplot(data=data, x="role", y="value", order=order, errorbar="sd", capsize=0.15,
                color="#9ecae1", edgecolor="black", ax=ax)  # fmt: skip
    # No jitter: seaborn draws it from the global NumPy RNG, which would make figures differ run to run.
    sns.stripplot(data=data, x="role", y="value", order=order, color="black", size=4, jitter=False, ax=ax)
    if "num_classes" in summary.columns:
        chance = 100 / summary["num_classes"].iloc[0]
        ax.axhline(chance, color="grey", linestyle="--", linewidth=1)
        ax.text(len(order) - 0.5, chance + 1, "chance", color="grey", fontsize=8, ha="right", va="bottom")
    ax.set_xticks(range(len(order)), [ROLE_LABELS.get(r, r) for r in order])
    ax.set(xlabel="", ylabel=f"{metric} (%)", ylim=(0, 100))
    ax.set_title(f"{metric}: mean ± std over seeds (n = {data.groupby('role').size().min()})")
    ax.grid(axis="y", alpha=0.3)
    return ax


def role_table(summary: pd.DataFrame, metrics: tuple[str, ...] = ("clip_acc1", "video_acc1")) -> pd.DataFrame:
    """Mean, std and number of seeds per role, in percent: the table notebook 04 prints."""
    table = summary.groupby("role")[list(metrics)].agg(["mean", "std", "count"]) * 100
    for m in metrics:
        table[(m, "count")] = table[(m, "count")] // 100
    order = [r for r in ROLE_ORDER if r in table.index]
    return table.loc[order].round(2)
