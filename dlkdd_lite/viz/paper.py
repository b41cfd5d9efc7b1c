"""paper.py: the comparison figures - accuracy vs inference cost, confusion matrices teacher vs
student, and a figure-1-style panel of dark vs enhanced frames.

Built from results files (the Table-1 frame, predictions.csv) or decoded clips; never from models.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def plot_accuracy_vs_cost(table: pd.DataFrame, *, ax=None):
    """Top-1 (%) vs inference GFLOPs per clip, one labelled point per method (``paper_tables.method_table``)."""
    import matplotlib.pyplot as plt

    for column in ("method", "top-1 (%)", "GFLOPs/clip"):
        if column not in table.columns:
            raise ValueError(f"the method table has no column {column!r}; build it with paper_tables.method_table")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.6, 3.6))
    markers = "osD^v<>"
    for i, row in enumerate(table.itertuples(index=False)):
        top1, gflops, std = row[table.columns.get_loc("top-1 (%)")], row[table.columns.get_loc("GFLOPs/clip")], 0.0
        if "std" in table.columns and row[table.columns.get_loc("std")] == row[table.columns.get_loc("std")]:
            std = row[table.columns.get_loc("std")]
        ax.errorbar(gflops, top1, yerr=std, marker=markers[i % len(markers)], markersize=8, capsize=3,
                    linestyle="none", label=row[0])  # fmt: skip
    ax.set(
        xlabel="inference GFLOPs per clip",
        ylabel="top-1 video accuracy (%)",
        ylim=(0, 100),
        title="Accuracy vs inference cost\n(error bars: ± 1 std over the seeds in Table 1; none for one run)",
    )
    ax.title.set_fontsize(9)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    return ax


def confusion_matrix(predictions: pd.DataFrame, num_classes: int) -> np.ndarray:
    """Row-normalised confusion matrix (rows: true class, columns: predicted) from ``predictions.csv`` rows."""
    for column in ("label", "pred"):
        if column not in predictions.columns:
            raise ValueError(f"predictions have no column {column!r}; expected video_id, label, pred, correct")
    counts = np.zeros((num_classes, num_classes))
    np.add.at(counts, (predictions["label"].to_numpy(int), predictions["pred"].to_numpy(int)), 1)
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def plot_confusions(predictions: dict[str, pd.DataFrame], classes: list[str]):
    """Per-class accuracy bars and one confusion matrix per model (e.g. teacher vs student)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    k = len(classes)
    fig, axes = plt.subplots(1, 1 + len(predictions), figsize=(4.2 + 4.0 * len(predictions), 4.0))
    per_class = []
    for name, rows in predictions.items():
        matrix = confusion_matrix(rows, k)
        per_class.append(pd.DataFrame({"class": classes, "accuracy (%)": np.diag(matrix) * 100, "model": name}))
    bars = pd.concat(per_class, ignore_index=True)
    sns.barplot(data=bars, y="class", x="accuracy (%)", hue="model", orient="h", ax=axes[0])
    axes[0].set(xlim=(0, 100), title="per-class accuracy")
    axes[0].legend(fontsize=7)
    for ax, (name, rows) in zip(axes[1:], predictions.items()):
        matrix = confusion_matrix(rows, k)
        sns.heatmap(matrix * 100, vmin=0, vmax=100, cmap="Blues", square=True, cbar=False, annot=k <= 12,
                    fmt=".0f", annot_kws={"fontsize": 6}, ax=ax)  # fmt: skip
        ticks = classes if k <= 24 else [""] * k
        ax.set_xticks(np.arange(k) + 0.5, ticks, rotation=90, fontsize=6)
        ax.set_yticks(np.arange(k) + 0.5, ticks, rotation=0, fontsize=6)
        ax.set(xlabel="predicted", ylabel="true", title=f"{name} (% of each true class)")
    fig.tight_layout()
    return fig


def plot_dark_vs_enhanced_panel(clips: dict[str, dict[str, np.ndarray]], *, frame: int | None = None):
    """A figure-1-style panel: one column per class, rows dark and each enhanced view.

    Args:
        clips: class name -> {view name -> uint8 (T, H, W, C) clip}; every class has the same views.
        frame: which frame to show (default: the middle one).
    """
    import matplotlib.pyplot as plt

    names = list(clips)
    views = list(next(iter(clips.values())))
    fig, axes = plt.subplots(len(views), len(names), figsize=(1.6 * len(names), 1.7 * len(views)), squeeze=False)
    for c, name in enumerate(names):
        for r, view in enumerate(views):
            clip = np.asarray(clips[name][view])
            if clip.dtype != np.uint8 or clip.ndim != 4:
                raise ValueError(f"{name}/{view}: expected uint8 (T, H, W, C), got {clip.dtype} {clip.shape}")
            ax = axes[r, c]
            ax.imshow(clip[clip.shape[0] // 2 if frame is None else frame])
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(name, fontsize=8)
            if c == 0:
                ax.set_ylabel(view, fontsize=8)
    fig.suptitle("The same frames, as recorded (dark) and enhanced", fontsize=10)
    fig.tight_layout()
    return fig
