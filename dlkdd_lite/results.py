"""results.py: the run folder and its record - tidy ``metrics.csv`` rows and per-video predictions.

``open_run_dir`` prepares a folder for a run (or finds it finished, or refuses another run's). Rows are
appended and flushed as training goes (``epoch, split, metric, value`` plus the run's name, role and
seed), so a crash loses nothing already written. Knows nothing about models.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pandas as pd

from dlkdd_lite.runtime.atomic import write_text_atomic

METRIC_COLUMNS = ("run", "role", "seed", "epoch", "split", "metric", "value")
CHECKPOINT = "checkpoint.pt"
RUN_FILES = (CHECKPOINT, "result.json", "metrics.csv", "predictions.csv")


def open_run_dir(out: Path, config, overwrite: bool) -> bool:
    """Prepare the folder ``out`` for a run of ``config`` (a ``RunConfig``); True when that run already finished.

    A folder holding another run (a config that differs in more than ``config.MACHINERY``) is refused
    unless ``overwrite``, which discards what is there. A setting the saved config lacks (a run made before
    the kit had it) counts as the behaviour the kit had then: its default, or its ``config.ADDED_LATER`` value.
    """
    from dlkdd_lite.config import ADDED_LATER, MACHINERY

    saved = out / "config.json"
    if saved.exists() and not overwrite:
        old = {**type(config)().to_dict(), **ADDED_LATER, **json.loads(saved.read_text(encoding="utf-8"))}
        diff = sorted(k for k, v in config.to_dict().items() if old.get(k) != v and k not in MACHINERY)
        if diff:
            raise ValueError(
                f"run folder {out} holds a run with a different config (differs in {diff}); "
                "choose another --out, or pass overwrite=True / --overwrite to start afresh"
            )
    if overwrite:
        for name in RUN_FILES:
            (out / name).unlink(missing_ok=True)
    if (out / "result.json").exists():
        return True
    out.mkdir(parents=True, exist_ok=True)
    config.save(out / "config.json")
    return False


class MetricsWriter:
    """Append tidy metric rows to ``metrics.csv``; on resume, keep only epochs before ``start_epoch``.

    Rows of an epoch that was interrupted before its checkpoint was saved are dropped, so a
    resumed run never records an epoch twice.
    """

    def __init__(self, path: str | os.PathLike, *, run: str, role: str, seed: int, start_epoch: int = 0) -> None:
        self.path, self.run, self.role, self.seed = Path(path), run, role, seed
        kept = []
        if self.path.exists() and start_epoch > 0:
            with open(self.path, newline="", encoding="utf-8") as f:
                kept = [r for r in csv.DictReader(f) if int(r["epoch"]) < start_epoch]
        lines = [",".join(METRIC_COLUMNS) + "\n"]
        lines += [",".join(str(r[c]) for c in METRIC_COLUMNS) + "\n" for r in kept]
        write_text_atomic(self.path, "".join(lines))

    def write(self, epoch: int, split: str, metrics: dict[str, float]) -> None:
        with open(self.path, "a", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            for metric, value in metrics.items():
                writer.writerow([self.run, self.role, self.seed, epoch, split, metric, f"{float(value):.6g}"])
            f.flush()


def read_metrics(run_dir: str | os.PathLike) -> pd.DataFrame:
    """The tidy metrics of one run folder."""
    path = Path(run_dir) / "metrics.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no metrics.csv in {run_dir}; is it a run folder written by `dlkdd train`?")
    return pd.read_csv(path)


def is_finished(run_dir: str | os.PathLike) -> bool:
    """Whether ``run_dir`` holds a finished run (``fit`` writes ``result.json`` last)."""
    return (Path(run_dir) / "result.json").exists()


def final_metrics(run_dir: str | os.PathLike, split: str = "test") -> dict[str, float]:
    """``{metric: value}`` of the last epoch recorded for ``split``."""
    df = read_metrics(run_dir)
    df = df[df["split"] == split]
    if df.empty:
        raise ValueError(f"{run_dir}/metrics.csv has no rows for split {split!r}")
    last = df[df["epoch"] == df["epoch"].max()]
    return dict(zip(last["metric"], last["value"].astype(float)))


def summarize_runs(runs_dir: str | os.PathLike, split: str = "test") -> pd.DataFrame:
    """One row per finished run under ``runs_dir``: its config and final ``split`` metrics.

    A run counts as finished when ``result.json`` exists (written after its last epoch). Runs that do not
    distil (teacher, baseline, two-stream) show no temperature or alpha.
    """
    rows = []
    for result in sorted(Path(runs_dir).glob("**/result.json")):
        run_dir = result.parent
        config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
        if config["role"] != "student":  # no distillation: its temperature and alpha were never used
            config.update(temperature=None, alpha=None, teacher_ckpt=None)
        rows.append({"run": run_dir.name, **config, **final_metrics(run_dir, split)})
    if not rows:
        raise FileNotFoundError(f"no finished runs (result.json) under {runs_dir}")
    return pd.DataFrame(rows)


def write_predictions(path: str | os.PathLike, rows: list[dict]) -> None:
    """Per-video predictions (``video_id, label, pred, correct``) as CSV, atomically."""
    write_text_atomic(path, pd.DataFrame(rows).to_csv(index=False))
