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
# Metric names in results files -> words for axes.
METRIC_LABELS = {"video_acc1": "video accuracy", "clip_acc1": "clip accuracy", "loss": "loss", "ce": "cross-entropy",
                 "kd": "KD term"}  # fmt: skip


def metric_label(metric: str) -> str:
    """``"video_acc1"`` -> ``"video accuracy (%)"``: a results column as an axis label, in words with its unit."""
    words = METRIC_LABELS.get(metric, metric)
    return f"{words} (%)" if metric.endswith("acc1") else words


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


def preview_figure(path: str | os.PathLike, *, width: int = 640):
    """A saved PNG scaled down to ``width`` pixels, as an IPython image: a notebook shows the figure without
    embedding the 300-dpi file, so the executed notebook stays small. Encoded as PNG, or as JPEG when that
    is smaller (figures of video frames compress badly as PNG)."""
    from io import BytesIO

    from IPython.display import Image
    from PIL import Image as PILImage

    encoded = {}
    with PILImage.open(path) as image:
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), PILImage.Resampling.LANCZOS)
        for fmt, options in (("png", {"optimize": True}), ("jpeg", {"quality": 90})):
            buffer = BytesIO()
            image.convert("RGB").save(buffer, format=fmt.upper(), **options)
            encoded[fmt] = buffer.getvalue()
    fmt = min(encoded, key=lambda f: len(encoded[f]))
    return Image(data=encoded[fmt], format=fmt, width=min(width, image.width))


def plot_training_curves(
    metrics: pd.DataFrame, *, metric: str = "video_acc1", split: str = "test", chance: float | None = None, ax=None
):
    """One line per run of ``metric`` over epochs, from tidy metrics rows (``read_metrics``).

    Accuracies are drawn in percent on the full 0-100 axis (a zoomed axis makes noise look like a trend),
    with a dashed line at ``chance`` (a fraction, e.g. 1 / classes) when given.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    rows = metrics[(metrics["metric"] == metric) & (metrics["split"] == split)]
    if rows.empty:
        raise ValueError(
            f"no rows with metric={metric!r} and split={split!r}; have {sorted(metrics['metric'].unique())}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    percent = metric.endswith("acc1")
    rows = rows.assign(value=rows["value"] * (100 if percent else 1), epoch=rows["epoch"] + 1)
    sns.lineplot(data=rows, x="epoch", y="value", hue="run", marker="o", ax=ax)
    if chance is not None and percent:
        ax.axhline(100 * chance, color="grey", linestyle="--", linewidth=1, label="chance")
    words = f"{split} {METRIC_LABELS.get(metric, metric)}"
    ax.set(xlabel="epochs trained", ylabel=f"{split} {metric_label(metric)}", title=f"{words} per epoch")
    if percent:
        ax.set_ylim(0, 100)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def plot_role_comparison(summary: pd.DataFrame, *, metric: str = "video_acc1", ax=None):
    """Bar chart of ``metric`` per role: mean ± std over seeds, one dot per seed, n per role under its name.

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
    counts = data.groupby("role").size()
    ax.set_xticks(range(len(order)), [f"{ROLE_LABELS.get(r, r)}\nn = {counts[r]}" for r in order])
    ax.set(xlabel="", ylabel=f"test {metric_label(metric)}", ylim=(0, 100))
    ax.set_title("bars: mean over seeds; error bars: ± 1 std\n(none for a single run); dots: single runs", fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    return ax


def role_table(summary: pd.DataFrame, metrics: tuple[str, ...] = ("clip_acc1", "video_acc1")) -> pd.DataFrame:
    """Mean, std and number of seeds per role, in percent: the table notebook 04 prints."""
    table = summary.groupby("role")[list(metrics)].agg(["mean", "std", "count"]) * 100
    for m in metrics:
        table[(m, "count")] = table[(m, "count")] // 100
    order = [r for r in ROLE_ORDER if r in table.index]
    return table.loc[order].round(2)
