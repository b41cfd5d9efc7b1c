"""Does the quick tier show DL-KDD's effect, over seeds and data sets? The evidence behind every "A beats B".

For each generated data set (``dlkdd synth --seed D``, the kit's defaults otherwise) and each training
seed, trains with the kit's defaults, as the README's commands do:

    teacher          the enhanced view (the kit's Zero-DCE), cross-entropy
    baseline         the dark view, cross-entropy: the student without distillation
    student          DL-KDD: the dark view, cross-entropy + KD from that seed's teacher
    dark_teacher     control: a teacher trained on the dark view (enhancer none)
    dark_student     control: a student distilled from the dark teacher (same temperature and alpha)
    label_smoothing  control: a baseline with label smoothing = alpha ("KD from a teacher that knows nothing")

Writes ``quick_tier_evidence.csv`` (one row per run, with 0/1 per test video) and
``quick_tier_evidence_summary.csv`` (per data set and pooled: each arm's mean and spread; paired
differences with 95 % bootstrap intervals over seeds and test videos; the issue's targets, met or not)
and ``quick_tier_evidence.md`` (the tables the README shows; a test holds the README to them) to
``--results``, and the figure ``quick_tier_evidence.png`` to ``--figures``. Resumable: finished runs
in ``--work`` are kept. ``--jobs`` runs side by side (one thread each).

    .venv/bin/python benchmarks/quick_tier_evidence.py [--data-seeds 1000,1001] [--seeds 0-9] [--jobs 2]

``--set KEY=VALUE`` changes the recipe for every run (e.g. ``--set norm=arid``) and ``--synth JSON`` the
generated data sets (generate_dataset's arguments, e.g. ``'{"actors": 24}'``; stored in the rows' ``synth``
column and named in the tables); give such a run its own ``--work``, ``--results`` and ``--figures`` so the
kit's evidence is not overwritten.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import time
from pathlib import Path

import pandas as pd
from common import RESULTS, ROOT, parse_settings, run_info
from seed_spread import parse_seeds

from dlkdd_lite.config import RunConfig
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.experiments.evidence import correct_bits, evidence_markdown, summarise
from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.runtime.pool import run_fits
from dlkdd_lite.viz.evidence import plot_evidence

# The recipe's settings and the generator's arguments every row names, whatever the defaults were then (and
# any --set / --synth besides): a later change of a default leaves the rows right.
RECIPE = ("pretrained", "lr", "temperature", "alpha", "precise_bn")
SYNTH = ("actors", "test_actors", "clips_per_actor")


def arms(base: RunConfig, seed: int, work: Path) -> dict[str, RunConfig]:
    """The six runs of one training seed, keyed by arm; students name their teacher's checkpoint."""
    run = lambda **kw: dataclasses.replace(base, seed=seed, **kw)  # noqa: E731
    ckpt = lambda arm: str(work / f"{arm}_s{seed}" / "checkpoint.pt")  # noqa: E731
    return {
        "teacher": run(role="teacher"),
        "baseline": run(role="baseline"),
        "student": run(role="student", teacher_ckpt=ckpt("teacher")),
        "dark_teacher": run(role="teacher", enhancer="none"),
        "dark_student": run(role="student", enhancer="none", teacher_ckpt=ckpt("dark_teacher")),
        "label_smoothing": run(role="baseline", label_smoothing=base.alpha),
    }


def train_all(data: Path, work: Path, seeds, base: RunConfig, jobs: int) -> None:
    """Teachers, baselines and the label-smoothing control first (independent), then the students."""
    plans = {seed: arms(base, seed, work) for seed in seeds}
    first = [(c, work / f"{arm}_s{seed}") for seed, p in plans.items() for arm, c in p.items() if c.role != "student"]
    then = [(c, work / f"{arm}_s{seed}") for seed, p in plans.items() for arm, c in p.items() if c.role == "student"]
    run_fits(first, data, jobs=jobs, desc=f"{data.name}: teachers and baselines")
    run_fits(then, data, jobs=jobs, desc=f"{data.name}: students")


def collect(work: Path, data_seed: int, seeds, base: RunConfig) -> list[dict]:
    """One row per run: accuracy and 0/1 per test video (videos in ``video_id`` order)."""
    rows = []
    for seed in seeds:
        for arm in arms(base, seed, work):
            run = work / f"{arm}_s{seed}"
            predictions = pd.read_csv(run / "predictions.csv").sort_values("video_id")
            result = json.loads((run / "result.json").read_text(encoding="utf-8"))
            rows.append({"data_seed": data_seed, "seed": seed, "arm": arm, "test_videos": len(predictions),
                         "video_acc1": round(100 * result["video_acc1"], 3),
                         "correct": correct_bits(predictions["correct"])})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-seeds", type=parse_seeds, default=parse_seeds("1000,1001"),
                        help="dlkdd synth --seed of each generated data set")  # fmt: skip
    parser.add_argument("--seeds", type=parse_seeds, default=parse_seeds("0-9"), help="training seeds, e.g. 0-9")
    parser.add_argument("--work", default=str(ROOT / "runs" / "evidence"), help="data sets and runs (resumable)")
    parser.add_argument("--jobs", type=int, default=2, help="runs side by side")
    parser.add_argument("--epochs", type=int, default=RunConfig.epochs, help="epochs per run (default: the kit's)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                        help="RunConfig fields to change in every run, e.g. norm=arid")  # fmt: skip
    parser.add_argument("--synth", default="{}", help="JSON of generate_dataset arguments (default: the kit's)")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--figures", default=str(ROOT / "figures"))
    parser.add_argument("--notes", default="", help="free text stored with the rows")
    args = parser.parse_args()
    if args.jobs < 1:
        raise SystemExit(f"--jobs must be >= 1, got {args.jobs}")
    import torch

    settings, synth = parse_settings(args.set), json.loads(args.synth)
    work, base = Path(args.work), RunConfig(**{"epochs": args.epochs, **settings})
    start, rows = time.perf_counter(), []
    for data_seed in args.data_seeds:
        data = work / f"data_s{data_seed}"
        generate_dataset(data, seed=data_seed, **synth)
        train_all(data, work / f"runs_s{data_seed}", args.seeds, base, args.jobs)
        rows += collect(work / f"runs_s{data_seed}", data_seed, args.seeds, base)
    hours = round((time.perf_counter() - start) / 3600, 3)
    settings = {**{key: getattr(base, key) for key in RECIPE}, **settings}  # written out: defaults change
    generator = inspect.signature(generate_dataset).parameters
    synth = {**{key: generator[key].default for key in SYNTH}, **synth}
    info = run_info(torch.device("cpu"), jobs=args.jobs, epochs=base.epochs, settings=json.dumps(settings),
                    synth=json.dumps(synth), hours=hours, notes=args.notes)  # fmt: skip
    runs = pd.DataFrame([{**info, **row} for row in rows])
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    write_text_atomic(results / "quick_tier_evidence.csv", runs.to_csv(index=False))
    summary = summarise(runs)
    write_text_atomic(results / "quick_tier_evidence_summary.csv", summary.to_csv(index=False))
    write_text_atomic(results / "quick_tier_evidence.md", evidence_markdown(summary, synth))  # the README's tables
    figure = Path(args.figures) / "quick_tier_evidence"
    plot_evidence(runs, summary, figure)
    print(summary.drop(columns=["n_boot"], errors="ignore").to_string(index=False))
    print(f"rows in {results}; figure {figure}.png and .pdf")


if __name__ == "__main__":
    main()
