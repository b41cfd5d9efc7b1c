"""paper_tables.py: the paper's Table-1 shape built from the kit's results files, and the paper's own numbers.

The published numbers live in ``dlkdd_lite/resources/paper_results.csv`` with a source column; tables keep
them apart from what the kit measured, labelled, never mixed. Reads results files only.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pandas as pd

from dlkdd_lite.runtime.atomic import write_text_atomic

# (key, method, training input, inference input, deployment whose cost it pays; see cost.inference_costs)
METHODS = (
    ("baseline", "dark-only baseline", "dark", "dark", "student"),
    ("enhance_classify", "enhance then classify (the teacher, deployed)", "enhanced", "enhanced", "enhance+classify"),
    ("twostream", "two-stream dark + enhanced (late fusion)", "dark + enhanced", "dark + enhanced", "two-stream"),
    ("teacher_dark", "teacher without its enhancer", "enhanced", "dark", "student"),
    ("dlkdd", "DL-KDD student", "dark (+ teacher on enhanced)", "dark", "student"),
)
METHOD_LABELS = {key: label for key, label, *_ in METHODS}


def paper_results() -> pd.DataFrame:
    """The published DL-KDD numbers (top-1/top-5 %, per dataset) with their sources."""
    with resources.files("dlkdd_lite").joinpath("resources/paper_results.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f)


def method_table(methods: pd.DataFrame, costs: pd.DataFrame, *, metric: str = "video_acc1") -> pd.DataFrame:
    """Table 1 of the paper's shape, from the kit's measurements.

    Args:
        methods: tidy rows ``method, seed, metric, value`` (value 0-1), ``method`` a key of ``METHODS``.
        costs: rows ``deployment, params, gflops`` (``cost.inference_costs``).

    Returns:
        One row per method present: method, training input, inference input, top-1 mean and std over
        seeds (%), seeds, params (M), inference GFLOPs per clip and the multiple of one backbone's.
    """
    rows = methods[methods["metric"] == metric]
    if rows.empty:
        raise ValueError(f"no rows for metric {metric!r} in the methods table")
    cost = costs.set_index("deployment")
    missing = sorted({d for *_, d in METHODS} - set(cost.index))
    if missing:
        raise ValueError(f"the costs table lacks deployments {missing}; it has {sorted(cost.index)}")
    single = float(cost.loc["student", "gflops"])
    table = []
    for key, label, train_input, infer_input, deployment in METHODS:
        values = rows.loc[rows["method"] == key, "value"].astype(float) * 100
        if values.empty:
            continue
        gflops = float(cost.loc[deployment, "gflops"])
        table.append({
            "method": label, "training input": train_input, "inference input": infer_input,
            "top-1 (%)": round(values.mean(), 2), "std": round(values.std(), 2) if len(values) > 1 else float("nan"),
            "seeds": len(values), "params (M)": round(float(cost.loc[deployment, "params"]) / 1e6, 3),
            "GFLOPs/clip": round(gflops, 4), "× one backbone": round(gflops / single, 2),
        })  # fmt: skip
    return pd.DataFrame(table)


def paper_vs_kit(kit_top1: dict[str, float], *, kit_label: str) -> pd.DataFrame:
    """The paper's top-1 beside the kit's measured DL-KDD top-1 per dataset, never in the same column.

    Args:
        kit_top1: dataset name as in paper_results.csv (e.g. "ARID v1.0") -> the kit's top-1 (%).
        kit_label: what the kit's number is (tier, data, settings), shown in every row.
    """
    paper = paper_results()
    rows = []
    for (dataset, method), group in paper[paper["metric"] == "top1"].groupby(["dataset", "method"], sort=False):
        rows.append({"dataset": dataset, "method": method, "paper top-1 (%)": float(group["value"].iloc[0]),
                     "source (paper)": group["source"].iloc[0],
                     "kit top-1 (%), measured": kit_top1.get(dataset) if method == "DL-KDD" else None,
                     "kit run": kit_label if method == "DL-KDD" and dataset in kit_top1 else ""})  # fmt: skip
    return pd.DataFrame(rows)


def to_markdown(table: pd.DataFrame, *, title: str | None = None, note: str | None = None) -> str:
    """A GitHub-flavoured markdown table (no extra dependency); NaN and None print as '-'."""

    def cell(v) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "-"
        return f"{v:g}" if isinstance(v, float) else str(v).replace("|", "\\|")

    lines = [f"### {title}", ""] if title else []
    lines.append("| " + " | ".join(map(str, table.columns)) + " |")
    lines.append("|" + "---|" * len(table.columns))
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def write_table(table: pd.DataFrame, stem: str | os.PathLike, *, title: str, note: str | None = None) -> list[Path]:
    """Write ``stem.csv`` and ``stem.md`` atomically; returns both paths."""
    stem = Path(stem)
    csv_path, md_path = stem.with_suffix(".csv"), stem.with_suffix(".md")
    write_text_atomic(csv_path, table.to_csv(index=False))
    write_text_atomic(md_path, to_markdown(table, title=title, note=note))
    return [csv_path, md_path]
