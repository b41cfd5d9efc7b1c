"""sweep.py: a grid of KD-student runs over temperature x alpha x seed that share one frozen teacher.

Owns the grid (validation, cell names, run folders under ``<out>/runs``), the sweep's identity file
(``sweep.json``: data set and teacher), running unfinished cells in this process or in worker
processes, the commands a cluster scheduler can run instead, and the tidy ``results.csv`` rebuilt
from the run folders. Training itself is ``train.fit``; figures are viz/ablation.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dlkdd_lite.config import TEACHER_SHARED, RunConfig
from dlkdd_lite.results import is_finished
from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.runtime.pool import run_fits

RUNS = "runs"
# What a sweep's results are keyed on; the other config columns ride along in results.csv.
GRID_COLUMNS = ("temperature", "alpha", "seed")
RESULT_COLUMNS = ("run", *GRID_COLUMNS, "metric", "value")


def parse_values(text: str | list, name: str, kind: type = float) -> tuple:
    """``"1,2,4"`` (or a list) -> ``(1.0, 2.0, 4.0)``, validated for the grid axis ``name``.

    Raises:
        ValueError: an empty list, a value that is not a number, a duplicate, a temperature <= 0,
            an alpha outside [0, 1] or a negative seed; the message names the axis and the value.
    """
    items = [t.strip() for t in text.split(",")] if isinstance(text, str) else list(text)
    items = [t for t in items if t != ""]
    if not items:
        raise ValueError(f"--{name}: empty list; expected comma-separated values such as 1,2,4")
    try:
        values = [kind(t) for t in items]
    except (TypeError, ValueError):
        raise ValueError(f"--{name}: expected {kind.__name__} values, got {text!r}") from None
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"--{name}: duplicate values {duplicates} in {text!r}; list each value once")
    for v in values:
        if not math.isfinite(v):
            raise ValueError(f"--{name}: {v} is not a finite number")
        if name == "temperatures" and v <= 0:
            raise ValueError(f"--temperatures: {v} is not > 0; the softmax temperature must be positive")
        if name == "alphas" and not 0.0 <= v <= 1.0:
            raise ValueError(f"--alphas: {v} is outside [0, 1]; alpha weighs the KD term against cross-entropy")
        if name == "seeds" and v < 0:
            raise ValueError(f"--seeds: {v} is negative; seeds are integers >= 0")
    return tuple(values)


@dataclass(frozen=True)
class Cell:
    """One student run of the grid. ``alpha == 0`` is the no-KD baseline: its temperature is moot."""

    temperature: float
    alpha: float
    seed: int

    @property
    def name(self) -> str:
        if self.alpha == 0:
            return f"a0_s{self.seed}"
        return f"T{self.temperature:g}_a{self.alpha:g}_s{self.seed}"


def make_cells(temperatures, alphas, seeds) -> list[Cell]:
    """The grid's cells, alpha-major. Cells with ``alpha == 0`` train the same model at every
    temperature (the KD term has weight 0), so there is one of them per seed, not one per temperature."""
    cells: dict[str, Cell] = {}
    for alpha in alphas:
        for temperature in temperatures:
            for seed in seeds:
                cell = Cell(float(temperatures[0] if alpha == 0 else temperature), float(alpha), int(seed))
                cells.setdefault(cell.name, cell)
    return list(cells.values())


def cell_dir(sweep_dir: str | os.PathLike, cell: Cell) -> Path:
    """The run folder of ``cell`` in the sweep folder ``sweep_dir``."""
    return Path(sweep_dir) / RUNS / cell.name


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class Sweep:
    """A sweep folder: ``sweep.json``, ``student_base.json``, ``runs/<cell>/`` and ``results.csv``.

    Args:
        out: the sweep folder (created).
        data_root: the dataset every cell trains on.
        teacher_ckpt: the frozen teacher's checkpoint, shared by all cells.
        base: the student's settings (epochs, batch, ...); defaults to the teacher's config. The keys a
            student must share with its teacher (classes, enhancer, normalisation) always come from it.

    Raises:
        ValueError: the teacher is not a teacher, its class count differs from the data's, or ``out``
            holds a sweep of another data set or teacher.
    """

    def __init__(
        self,
        out: str | os.PathLike,
        data_root: str | os.PathLike,
        teacher_ckpt: str | os.PathLike,
        base: RunConfig | None = None,
    ) -> None:
        from dlkdd_lite.checkpoint import load_checkpoint

        self.out, self.data_root = Path(out), Path(data_root).resolve()
        self.teacher_ckpt = Path(teacher_ckpt).resolve()
        teacher = RunConfig.from_dict(load_checkpoint(self.teacher_ckpt)["config"])
        if teacher.role != "teacher":
            raise ValueError(f"{teacher_ckpt} is a {teacher.role!r} checkpoint; a sweep needs a teacher's")
        base = base or teacher
        shared = {k: getattr(teacher, k) for k in TEACHER_SHARED}
        self.base = dataclasses.replace(base, role="student", teacher_ckpt=str(self.teacher_ckpt), **shared)
        self._check_identity(teacher)
        self.base.save(self.out / "student_base.json")

    def _check_identity(self, teacher: RunConfig) -> None:
        from dlkdd_lite.data.splits import find_split_file, read_split_file

        lists = [find_split_file(self.data_root, self.base.split, s) for s in ("train", "test")]
        labels = {e.label for e in read_split_file(lists[0])}
        if max(labels) >= teacher.num_classes or len(labels) != teacher.num_classes:
            raise ValueError(
                f"teacher {self.teacher_ckpt} has {teacher.num_classes} classes but {lists[0]} lists "
                f"{len(labels)} (labels {min(labels)}..{max(labels)}); use a teacher trained on this data set"
            )
        identity = {"data": str(self.data_root), "data_fingerprint": _fingerprint(lists), "split": self.base.split,
                    "teacher": str(self.teacher_ckpt)}  # fmt: skip
        path = self.out / "sweep.json"
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("data_fingerprint") != identity["data_fingerprint"] or old.get("split") != identity["split"]:
                raise ValueError(
                    f"{self.out} holds a sweep of another data set ({old.get('data')}, split {old.get('split')}, "
                    f"lists {old.get('data_fingerprint')}); this one is {identity['data']} split "
                    f"{identity['split']} (lists {identity['data_fingerprint']}): choose another --out"
                )
            if old.get("teacher") != identity["teacher"]:
                raise ValueError(
                    f"{self.out} holds a sweep distilled from teacher {old.get('teacher')}, not "
                    f"{identity['teacher']}: choose another --out"
                )
        write_text_atomic(path, json.dumps(identity, indent=2) + "\n")

    def run_dir(self, cell: Cell) -> Path:
        return cell_dir(self.out, cell)

    def config(self, cell: Cell) -> RunConfig:
        return dataclasses.replace(self.base, temperature=cell.temperature, alpha=cell.alpha, seed=cell.seed)

    def is_done(self, cell: Cell) -> bool:
        return is_finished(self.run_dir(cell))

    def commands(self, cells: list[Cell]) -> list[str]:
        """One ``dlkdd train`` command per unfinished cell, e.g. for a Slurm job array."""
        lines, out = [], self.out.resolve()  # absolute: a scheduler runs them from anywhere
        for cell in cells:
            if self.is_done(cell):
                continue
            args = ["dlkdd", "train", "--role", "student", "--config", out / "student_base.json",
                    "--data", self.data_root, "--teacher", self.teacher_ckpt,
                    "--temperature", f"{cell.temperature:g}", "--alpha", f"{cell.alpha:g}", "--seed", cell.seed,
                    "--out", cell_dir(out, cell), "--quiet"]  # fmt: skip
            lines.append(shlex.join(str(a) for a in args))
        return lines

    def run(self, cells: list[Cell], *, jobs: int = 1, progress: bool = True) -> pd.DataFrame:
        """Train every unfinished cell, then rebuild and return ``results.csv``.

        Finished cells are skipped; an interrupted cell resumes from its last epoch (``fit``). With
        ``jobs > 1`` cells run in that many worker processes (``pool.run_fits``).
        """
        run_fits([(self.config(c), self.run_dir(c)) for c in cells], self.data_root, jobs=jobs, progress=progress,
                 desc="sweep cells")  # fmt: skip
        return collect_results(self.out)


def collect_results(out: str | os.PathLike) -> pd.DataFrame:
    """Rebuild ``<out>/results.csv`` from the finished run folders and return it.

    Tidy: one row per run and final test metric (``run, temperature, alpha, seed, metric, value``)
    joined with that run's config. Written atomically, so an interrupted sweep never leaves a
    half table; unfinished runs are not in it.
    """
    from dlkdd_lite.results import final_metrics

    out = Path(out)
    rows = []
    for result in sorted((out / RUNS).glob("*/result.json")):
        run_dir = result.parent
        config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
        context = {k: v for k, v in config.items() if k not in GRID_COLUMNS}
        for metric, value in final_metrics(run_dir).items():
            rows.append({"run": run_dir.name, **{k: config[k] for k in GRID_COLUMNS}, "metric": metric,
                         "value": value, **context})  # fmt: skip
    table = pd.DataFrame(rows, columns=list(RESULT_COLUMNS) if not rows else None)
    write_text_atomic(out / "results.csv", table.to_csv(index=False))
    return read_results(out)  # as a reader of the file sees it (e.g. None -> NaN)


def read_results(path: str | os.PathLike) -> pd.DataFrame:
    """A sweep's ``results.csv`` (or the folder holding it), checked for the tidy columns."""
    path = Path(path)
    if path.is_dir():
        path = path / "results.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no sweep results at {path}; run `dlkdd sweep ... --out {path.parent}` first")
    table = pd.read_csv(path)
    missing = [c for c in RESULT_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path} is not a sweep results table: missing columns {missing}")
    return table
