"""ablation.py: the distillation ablations drawn from a sweep's ``results.csv``.

Accuracy vs temperature (one line per alpha), the temperature x alpha heatmap, and the
teacher-input ablation. Reads tidy results tables only, never models; knows nothing about training.
"""

from __future__ import annotations

import pandas as pd

from dlkdd_lite.viz.plots import metric_label

PERCENT = 100.0


def grid_summary(results: pd.DataFrame, metric: str = "video_acc1") -> pd.DataFrame:
    """Mean, std and count over seeds of ``metric`` (in %) per (temperature, alpha).

    ``alpha == 0`` runs (the no-KD baseline, where temperature is moot) are repeated at every
    temperature of the grid so that lines and heatmaps cover the whole grid.
    """
    rows = results[results["metric"] == metric]
    if rows.empty:
        have = sorted(results["metric"].unique()) if "metric" in results else []
        raise ValueError(f"no rows for metric {metric!r} in the results table; it has {have}")
    rows = rows.assign(value=rows["value"].astype(float) * PERCENT)
    kd, baseline = rows[rows["alpha"] > 0], rows[rows["alpha"] == 0]
    temperatures = sorted(kd["temperature"].unique()) or sorted(baseline["temperature"].unique())
    expanded = [baseline.assign(temperature=t) for t in temperatures] if not baseline.empty else []
    rows = pd.concat([kd, *expanded], ignore_index=True)
    summary = rows.groupby(["temperature", "alpha"])["value"].agg(["mean", "std", "count"]).reset_index()
    return summary.sort_values(["alpha", "temperature"], ignore_index=True)


def plot_accuracy_vs_temperature(
    results: pd.DataFrame,
    *,
    teacher: float | None = None,
    metric: str = "video_acc1",
    chance: float | None = None,
    ax=None,
):
    """Student accuracy vs temperature, one line per alpha > 0, mean ± std over seeds.

    Args:
        results: a sweep's tidy results (``sweep.read_results``).
        teacher: the teacher's accuracy (0-1) on its own enhanced input: a dashed reference line.
        chance: 1 / number of classes (0-1), drawn as a dotted line when given.
    The no-KD baseline (alpha = 0) is a grey band: its mean ± std.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    summary = grid_summary(results, metric)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 3.4))
    kd = summary[summary["alpha"] > 0]
    alphas = sorted(kd["alpha"].unique())
    colours = sns.color_palette("viridis", n_colors=max(len(alphas), 1))
    for colour, alpha in zip(colours, alphas):
        line = kd[kd["alpha"] == alpha]
        ax.errorbar(line["temperature"], line["mean"], yerr=line["std"].fillna(0), marker="o", capsize=3,
                    color=colour, label=f"α = {alpha:g}")  # fmt: skip
    baseline = summary[summary["alpha"] == 0].drop_duplicates("alpha")
    if not baseline.empty:
        mean, std = float(baseline["mean"].iloc[0]), float(baseline["std"].fillna(0).iloc[0])
        ax.axhspan(mean - std, mean + std, color="grey", alpha=0.2, linewidth=0)
        ax.axhline(mean, color="grey", linewidth=1.5, label="no KD (α = 0)")
    if teacher is not None:
        ax.axhline(teacher * PERCENT, color="black", linestyle="--", linewidth=1.2, label="teacher (enhanced)")
    if chance is not None:
        ax.axhline(chance * PERCENT, color="grey", linestyle=":", linewidth=1, label="chance")
    temperatures = sorted(summary["temperature"].unique())
    if len(temperatures) > 1 and min(temperatures) > 0:
        ax.set_xscale("log", base=2)
    ax.set_xticks(temperatures, [f"{t:g}" for t in temperatures])
    n = int(summary["count"].min())
    ax.set(
        xlabel="temperature T",
        ylabel=f"student's test {metric_label(metric)}",
        title=f"Students by temperature: mean of {n} seed(s) per point;\nerror bars and grey band: ± 1 std over seeds",
        ylim=(0, 100),  # the whole scale: a zoomed axis makes a few videos' difference look like a trend
    )
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="best")
    return ax


def plot_accuracy_heatmap(results: pd.DataFrame, *, metric: str = "video_acc1", ax=None):
    """Mean over seeds of the student's ``metric`` (%) on the temperature x alpha grid, annotated."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    summary = grid_summary(results, metric)
    table = summary.pivot(index="temperature", columns="alpha", values="mean").sort_index(ascending=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.8 * table.shape[1], 0.9 + 0.55 * table.shape[0]))
    sns.heatmap(table, annot=True, fmt=".1f", cmap="viridis", cbar_kws={"label": f"test {metric_label(metric)}"}, ax=ax)
    ax.set_xticks(ax.get_xticks(), [f"{a:g}" for a in table.columns])
    ax.set_yticks(ax.get_yticks(), [f"{t:g}" for t in table.index], rotation=0)
    n = int(summary["count"].min())
    ax.set(
        xlabel="α (weight of the KD term)",
        ylabel="temperature T",
        title=f"student's test {metric_label(metric)}, mean of {n} seed(s)",
    )
    return ax


TEACHER_INPUT_ORDER = ("none", "gamma", "histeq", "zerodce")
TEACHER_INPUT_LABELS = {"none": "dark\n(no enhancement)", "gamma": "gamma", "histeq": "histogram eq.",
                        "zerodce": "Zero-DCE"}  # fmt: skip


def plot_teacher_inputs(table: pd.DataFrame, *, metric: str = "video_acc1", ax=None):
    """Teacher-input ablation: per enhancer the teacher's accuracy and its KD student's, mean ± std.

    Args:
        table: tidy rows with columns ``enhancer``, ``role`` ("teacher" or "student"), ``seed``,
            ``metric`` and ``value`` (0-1), e.g. ``reproduce.teacher_input_results``.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    rows = table[table["metric"] == metric]
    if rows.empty:
        raise ValueError(f"no rows for metric {metric!r} in the teacher-input table")
    rows = rows.assign(value=rows["value"].astype(float) * PERCENT)
    seeds = rows.groupby("role")["seed"].nunique()
    runs = int(seeds.get("student", seeds.max()))
    teachers = "one run" if seeds.get("teacher", 1) == 1 else f"{seeds['teacher']} runs"
    order = [e for e in TEACHER_INPUT_ORDER if e in set(rows["enhancer"])]
    order += sorted(set(rows["enhancer"]) - set(order))
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 + 1.3 * len(order), 3.4))
    roles = {"teacher": "teacher (sees its enhancer's output)", "student": "KD student (sees dark video)"}
    data = rows.assign(who=rows["role"].map(roles))
    sns.barplot(data=data, x="enhancer", y="value", hue="who", order=order, hue_order=list(roles.values()),
                errorbar="sd", capsize=0.1, palette=["#fdae6b", "#6baed6"], edgecolor="black", ax=ax)  # fmt: skip
    ax.set_xticks(range(len(order)), [TEACHER_INPUT_LABELS.get(e, e) for e in order])
    ax.set(
        xlabel="teacher's input",
        ylabel=f"test {metric_label(metric)}",
        ylim=(0, 100),
        title=f"What the teacher sees: bars mean, error bars ± 1 std over {runs} seed(s)\n(a teacher is {teachers})",
    )
    ax.title.set_fontsize(9)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    return ax


def soft_targets(logits, temperature: float):
    """``softmax(logits / temperature)`` as a NumPy array (the KD targets; Hinton et al. 2015)."""
    import numpy as np

    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def plot_soft_targets(logits, temperatures=(1.0, 4.0, 16.0), classes: list[str] | None = None, *, ax=None):
    """Bars of ``softmax(logits / T)`` for each temperature: higher T spreads mass onto the wrong classes."""
    import matplotlib.pyplot as plt
    import numpy as np

    logits = np.asarray(logits, dtype=np.float64).ravel()
    classes = classes or [str(i) for i in range(logits.size)]
    if len(classes) != logits.size:
        raise ValueError(f"{len(classes)} class names for {logits.size} logits")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.0))
    width = 0.8 / len(temperatures)
    for i, temperature in enumerate(temperatures):
        p = soft_targets(logits, temperature)
        entropy = float(-(p * np.log(p + 1e-12)).sum())
        ax.bar(np.arange(logits.size) + (i - (len(temperatures) - 1) / 2) * width, p, width,
               label=f"T = {temperature:g} (entropy {entropy:.2f})")  # fmt: skip
    ax.set_xticks(range(logits.size), classes, rotation=45, ha="right", fontsize=7)
    ax.set(ylabel="probability", ylim=(0, 1), title="the teacher's soft targets softmax(logits / T)")
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)
    return ax
