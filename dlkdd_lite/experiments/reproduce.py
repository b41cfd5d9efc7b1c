"""reproduce.py: ``dlkdd reproduce`` - every figure and table of the kit, from scratch, for one tier.

Owns the plan of a tier (data, teachers, sweep grid, comparison runs) and the order of its steps;
each step is skipped when its results exist, so a re-run only rebuilds the figures. Training is
train.fit, the grid is sweep.py, drawing is figures.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dlkdd_lite.config import RunConfig
from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.runtime.progress import tqdm

TIERS = ("quick", "paper")


@dataclass(frozen=True)
class Plan:
    """What a tier trains. ``base`` is the teachers' config; students, baselines and two-stream
    runs change only the role, the distillation settings and the seed."""

    tier: str
    base: RunConfig
    temperatures: tuple[float, ...]
    alphas: tuple[float, ...]
    seeds: tuple[int, ...]
    headline: tuple[float, float]  # (temperature, alpha) of the student in the comparisons
    main_enhancer: str  # the sweep teacher's enhancer
    teacher_inputs: tuple[str, ...] = ("none", "gamma", "histeq", "zerodce")
    zerodce_steps: int | None = None  # train Zero-DCE on the data this long; None: the kit's weights
    jobs: int = 1


def quick_plan(*, epochs: int | None = None, jobs: int | None = None) -> Plan:
    """The quick tier on a 2-core CPU: the kit's defaults (tiny3d, the kit's Zero-DCE teacher), a reduced
    grid that still spans both axes, three seeds.

    Runs evaluate only after their last epoch: the figures use final results only. ``jobs`` (default:
    min(2, CPUs)) runs train side by side, one thread each, which trains more clips per second than one
    run with all threads (``pool.run_fits``)."""
    jobs = jobs or min(2, os.cpu_count() or 1)
    epochs = epochs or RunConfig.epochs
    base = RunConfig(role="teacher", epochs=epochs, eval_every=epochs)
    return Plan("quick", base, temperatures=(1.0, 4.0, 16.0), alphas=(0.0, 0.3, 0.7), seeds=(0, 1, 2),
                headline=(4.0, 0.7), main_enhancer="zerodce", jobs=jobs)  # fmt: skip


def paper_plan(dataset: str, *, jobs: int = 1) -> Plan:
    """The paper tier: the dataset's preset (kit defaults: the paper's recipe is not public), the
    issue's full grid (5 temperatures x 7 alphas x 3 seeds) and a Zero-DCE teacher, as in the paper."""
    from dlkdd_lite.presets import preset

    base = dataclasses.replace(preset(dataset), role="teacher")
    return Plan("paper", base, temperatures=(1.0, 2.0, 4.0, 8.0, 16.0), alphas=(0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0),
                seeds=(0, 1, 2), headline=(4.0, 0.7), main_enhancer="zerodce", zerodce_steps=2000,
                jobs=jobs)  # fmt: skip


def planned_runs(plan: Plan) -> dict[str, int]:
    """How many training runs of each kind a plan makes (for docs and time estimates)."""
    from dlkdd_lite.experiments.sweep import make_cells

    cells = len(make_cells(plan.temperatures, plan.alphas, plan.seeds))
    return {"teachers": len(plan.teacher_inputs), "sweep students": cells,
            "teacher-input students": (len(plan.teacher_inputs) - 1) * len(plan.seeds),
            "two-stream (2 backbones each)": len(plan.seeds)}  # fmt: skip


# Training cost of one clip relative to a teacher's step: a KD student adds the frozen teacher's forward
# pass (about a third of a forward+backward; benchmarks/kd_overhead.py measures it), two-stream has two
# backbones. Assumptions for planning, not measurements.
STEP_COST = {"teacher": 1.0, "student": 1.33, "twostream": 2.0}


def gpu_hours(plan: Plan, train_clips: int, clips_per_second: float) -> float:
    """Rough hours of training for a plan: every run's epochs x ``train_clips`` at ``clips_per_second``
    (a teacher's training throughput on the GPU, e.g. from benchmarks/pipeline.py), evaluation excluded."""
    runs = planned_runs(plan)
    students = runs["sweep students"] + runs["teacher-input students"]
    units = runs["teachers"] * STEP_COST["teacher"] + students * STEP_COST["student"]
    units += runs["two-stream (2 backbones each)"] * STEP_COST["twostream"]
    return units * plan.base.epochs * train_clips / clips_per_second / 3600


class Reproduction:
    """The run folders of one tier under ``out`` and the steps that fill them."""

    def __init__(self, plan: Plan, data_root: str | os.PathLike, out: str | os.PathLike, *, progress: bool = True):
        self.plan, self.data, self.out, self.progress = plan, Path(data_root), Path(out), progress

    # -- steps ------------------------------------------------------------------------------------
    def zerodce_weights(self) -> str | None:
        """Zero-DCE trained on the data (``plan.zerodce_steps``), or None for the kit's shipped weights."""
        from dlkdd_lite.data.splits import find_split_file
        from dlkdd_lite.enhance.zerodce_train import dark_frames, train_zerodce
        from dlkdd_lite.runtime.device import resolve_device

        if self.plan.zerodce_steps is None:
            return None
        out = self.out / "zerodce"
        if not (out / "done.json").exists():
            base = self.plan.base  # its datasets read the decoded videos back when they keep them in memory
            store = base.enhanced_cache if base.cache else None
            frames = dark_frames(self.data, find_split_file(self.data, base.split, "train"), 512, store=store)
            train_zerodce(frames, out, steps=self.plan.zerodce_steps, device=resolve_device(self.plan.base.device),
                          progress=self.progress)  # fmt: skip
            write_text_atomic(out / "done.json", json.dumps({"steps": self.plan.zerodce_steps}) + "\n")
        return str((out / "zerodce.pt").resolve())

    def teacher_config(self, enhancer: str) -> RunConfig:
        weights = self.zerodce_weights() if enhancer == "zerodce" else None
        base = self.plan.base
        config = dataclasses.replace(base, role="teacher", enhancer=enhancer, enhancer_weights=weights, seed=0)
        if enhancer == "zerodce":  # costly: each video enhanced once, on disk, shared by all runs and processes
            config = dataclasses.replace(config, enhanced_cache=str((self.out / "enhanced_cache").resolve()))
        return config

    def teacher_dir(self, enhancer: str) -> Path:
        return self.out / "teachers" / enhancer

    def teacher(self, enhancer: str) -> Path:
        """The teacher that saw ``enhancer``, trained here unless finished."""
        from dlkdd_lite.train import fit

        fit(self.teacher_config(enhancer), self.data, self.teacher_dir(enhancer), progress=self.progress)
        return self.teacher_dir(enhancer)

    def sweep(self):
        """The temperature x alpha sweep distilled from the main teacher (its folder; trains nothing)."""
        from dlkdd_lite.experiments.sweep import Sweep

        teacher = self.teacher_dir(self.plan.main_enhancer) / "checkpoint.pt"
        return Sweep(self.out / "sweep", self.data, teacher, base=self.teacher_config(self.plan.main_enhancer))

    def student(self, enhancer: str, seed: int) -> Path:
        """Run folder of the headline KD student of the teacher that saw ``enhancer``."""
        from dlkdd_lite.experiments.sweep import Cell, cell_dir

        if enhancer == self.plan.main_enhancer:  # trained by the sweep
            return cell_dir(self.out / "sweep", Cell(*self.plan.headline, seed))
        return self.out / "teacher_inputs" / f"student_{enhancer}_s{seed}"

    def student_config(self, enhancer: str, seed: int) -> RunConfig:
        """The headline student of a teacher other than the sweep's."""
        temperature, alpha = self.plan.headline
        teacher = str(self.teacher_dir(enhancer) / "checkpoint.pt")
        return dataclasses.replace(self.teacher_config(enhancer), role="student", seed=seed, temperature=temperature,
                                   alpha=alpha, teacher_ckpt=teacher)  # fmt: skip

    def twostream(self, seed: int) -> Path:
        return self.out / "twostream" / f"s{seed}"

    def twostream_config(self, seed: int) -> RunConfig:
        return dataclasses.replace(self.teacher_config(self.plan.main_enhancer), role="twostream", seed=seed)

    def train_teachers(self) -> None:
        """One teacher per teacher input (``plan.jobs`` at a time)."""
        from dlkdd_lite.runtime.pool import run_fits

        runs = [(self.teacher_config(e), self.teacher_dir(e)) for e in self.plan.teacher_inputs]
        run_fits(runs, self.data, jobs=self.plan.jobs, progress=self.progress, desc="teachers")

    def train_students(self) -> None:
        """The sweep's cells, the other teachers' students and the two-stream runs, ``plan.jobs`` at a
        time in one pool (none waits for another), then the sweep's ``results.csv``."""
        from dlkdd_lite.experiments.sweep import collect_results, make_cells
        from dlkdd_lite.runtime.pool import run_fits

        sweep = self.sweep()
        cells = make_cells(self.plan.temperatures, self.plan.alphas, self.plan.seeds)
        runs = [(sweep.config(c), sweep.run_dir(c)) for c in cells]
        others = [e for e in self.plan.teacher_inputs if e != self.plan.main_enhancer]
        runs += [(self.student_config(e, s), self.student(e, s)) for e in others for s in self.plan.seeds]
        runs += [(self.twostream_config(s), self.twostream(s)) for s in self.plan.seeds]
        run_fits(runs, self.data, jobs=self.plan.jobs, progress=self.progress, desc="students and two-stream")
        collect_results(sweep.out)

    def teacher_on_dark(self) -> Path:
        """The main teacher evaluated on dark clips (its enhancer removed): ``eval_dark.json``."""
        from dlkdd_lite.checkpoint import load_model
        from dlkdd_lite.data.loader import batch_loader
        from dlkdd_lite.evaluate import evaluate
        from dlkdd_lite.results import write_predictions
        from dlkdd_lite.runtime.device import resolve_device
        from dlkdd_lite.train import build_datasets

        run = self.teacher(self.plan.main_enhancer)
        if not (run / "eval_dark.json").exists():
            device = resolve_device(self.plan.base.device)
            model, config = load_model(run / "checkpoint.pt", device)
            _, test = build_datasets(config, self.data, views=("dark",), progress=self.progress)
            loader = batch_loader(test, config.batch_size)
            metrics, predictions = evaluate(model, loader, view="dark", device=device, progress=self.progress)
            write_predictions(run / "predictions_dark.csv", predictions)
            write_text_atomic(run / "eval_dark.json", json.dumps(metrics, indent=2) + "\n")
        return run / "eval_dark.json"

    def costs(self) -> Path:
        from dlkdd_lite.enhance.enhancers import enhancer_weights_file
        from dlkdd_lite.experiments.cost import inference_costs

        path = self.out / "costs.csv"
        if not path.exists():
            base = self.plan.base
            weights = self.zerodce_weights() if self.plan.main_enhancer == "zerodce" else None
            weights = enhancer_weights_file(self.plan.main_enhancer, weights)
            table = inference_costs(base.arch, base.num_classes, base.num_frames, base.crop_size,
                                    self.plan.main_enhancer, enhancer_weights=weights)  # fmt: skip
            write_text_atomic(path, table.to_csv(index=False))
        return path

    # -- the tidy tables the figures read ------------------------------------------------------------
    def write_tables(self) -> None:
        """``methods.csv`` and ``teacher_inputs.csv``: tidy rows (who, seed, metric, value)."""
        from dlkdd_lite.experiments.sweep import Cell, cell_dir
        from dlkdd_lite.results import final_metrics

        sweep = self.out / "sweep"
        temperature, alpha = self.plan.headline
        rows, inputs = [], []

        def add(table: list, metrics: dict, **keys) -> None:
            table += [{**keys, "metric": m, "value": v} for m, v in metrics.items() if m in ("clip_acc1", "video_acc1")]

        main = self.out / "teachers" / self.plan.main_enhancer
        add(rows, final_metrics(main), method="enhance_classify", seed=0)
        add(rows, json.loads((main / "eval_dark.json").read_text(encoding="utf-8")), method="teacher_dark", seed=0)
        for seed in self.plan.seeds:
            add(rows, final_metrics(cell_dir(sweep, Cell(temperature, 0.0, seed))), method="baseline", seed=seed)
            add(rows, final_metrics(cell_dir(sweep, Cell(temperature, alpha, seed))), method="dlkdd", seed=seed)
            add(rows, final_metrics(self.out / "twostream" / f"s{seed}"), method="twostream", seed=seed)
        for enhancer in self.plan.teacher_inputs:
            add(inputs, final_metrics(self.out / "teachers" / enhancer), enhancer=enhancer, role="teacher", seed=0)
            for seed in self.plan.seeds:
                add(inputs, final_metrics(self.student(enhancer, seed)), enhancer=enhancer, role="student", seed=seed)
        write_text_atomic(self.out / "methods.csv", pd.DataFrame(rows).to_csv(index=False))
        write_text_atomic(self.out / "teacher_inputs.csv", pd.DataFrame(inputs).to_csv(index=False))

    def run(self) -> None:
        """Every step in order; finished steps are skipped, so a re-run only redraws."""
        steps = []
        if self.plan.zerodce_steps is not None and "zerodce" in (*self.plan.teacher_inputs, self.plan.main_enhancer):
            steps += [("Zero-DCE", self.zerodce_weights)]
        steps += [("teachers", self.train_teachers), ("students and two-stream", self.train_students),
                  ("teacher on dark clips", self.teacher_on_dark), ("inference costs", self.costs),
                  ("tables", self.write_tables)]  # fmt: skip
        bar = tqdm(steps, desc=f"reproduce ({self.plan.tier})", unit="step", disable=not self.progress)
        for name, step in bar:
            bar.set_postfix_str(name)
            step()
