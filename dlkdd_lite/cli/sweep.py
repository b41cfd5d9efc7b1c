"""sweep.py: the ``dlkdd sweep`` and ``dlkdd reproduce`` subcommands (parsing only; the work is
sweep.py and reproduce.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path

PAPER_DATASETS = ("arid", "arid1.5", "dark48")  # registry names; their titles match paper_results.csv


def _add_sweep(sub) -> None:
    p = sub.add_parser("sweep", help="KD students over a temperature x alpha x seed grid sharing one frozen teacher")
    p.add_argument("--data", required=True, help="dataset root")
    p.add_argument("--teacher", required=True, help="the teacher's checkpoint.pt")
    p.add_argument("--temperatures", default="1,2,4,8,16", help="comma-separated, each > 0")
    p.add_argument("--alphas", default="0,0.1,0.3,0.5,0.7,0.9,1", help="comma-separated in [0, 1]; 0 = no KD")
    p.add_argument("--seeds", default="0,1,2", help="comma-separated integers")
    p.add_argument("--out", required=True, help="sweep folder: sweep.json, runs/<cell>/, results.csv")
    p.add_argument("--jobs", type=int, default=1, help="cells trained at once, in worker processes")
    p.add_argument("--config", help="a config.json for the students (default: the teacher's)")
    p.add_argument("--epochs", type=int, help="override the students' epochs")
    p.add_argument("--print-commands", action="store_true",
                   help="print one `dlkdd train` command per unfinished cell (for Slurm etc.) and exit")  # fmt: skip
    p.add_argument("--quiet", action="store_true")


def _add_reproduce(sub) -> None:
    p = sub.add_parser("reproduce", help="regenerate every figure and table from scratch for a tier")
    p.add_argument("--tier", required=True, choices=("quick", "paper"))
    p.add_argument("--data", help="dataset root (quick: data/quick, generated when absent)")
    p.add_argument("--dataset", choices=PAPER_DATASETS, help="paper tier: which dataset --data holds")
    p.add_argument("--out", help="results folder (default runs/reproduce/<tier>[-<dataset>])")
    p.add_argument("--figures", default="figures", help="figures folder (tables go to <figures>/tables)")
    p.add_argument("--epochs", type=int, help="quick tier: epochs per run (default: the kit's, RunConfig.epochs)")
    p.add_argument("--seeds", help="comma-separated seeds (default: quick 0,1; paper 0,1,2)")
    p.add_argument("--temperatures", help="comma-separated (default: quick 1,4,16; paper 1,2,4,8,16)")
    p.add_argument("--alphas", help="comma-separated in [0, 1] (default: quick 0,0.3,0.7; paper 0,0.1,...,1)")
    p.add_argument(
        "--teacher-inputs", help="enhancers of the teacher-input ablation (default: none,gamma,histeq,zerodce)"
    )
    p.add_argument("--jobs", type=int, help="runs trained at once, in worker processes (default: quick "
                   "min(2, CPUs), one thread each; paper 1)")  # fmt: skip
    p.add_argument("--quiet", action="store_true")


def _run_sweep(args) -> None:
    import dataclasses

    from dlkdd_lite.config import RunConfig
    from dlkdd_lite.experiments.sweep import Sweep, make_cells, parse_values

    temperatures = parse_values(args.temperatures, "temperatures")
    alphas = parse_values(args.alphas, "alphas")
    seeds = parse_values(args.seeds, "seeds", int)
    if args.jobs is not None and args.jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {args.jobs}")
    base = None
    if args.config or args.epochs:
        from dlkdd_lite.checkpoint import load_checkpoint

        base = RunConfig.load(args.config) if args.config else RunConfig.from_dict(
            load_checkpoint(args.teacher)["config"])  # fmt: skip
        if args.epochs:
            base = dataclasses.replace(base, epochs=args.epochs)
    sweep = Sweep(args.out, args.data, args.teacher, base=base)
    cells = make_cells(temperatures, alphas, seeds)
    if args.print_commands:
        print("\n".join(sweep.commands(cells)))
        return
    start = time.perf_counter()
    results = sweep.run(cells, jobs=args.jobs, progress=not args.quiet)
    print(json.dumps({"out": args.out, "cells": len(cells), "runs_in_results": int(results["run"].nunique()),
                      "seconds": round(time.perf_counter() - start, 1),
                      "results": str(Path(args.out) / "results.csv")}, indent=2))  # fmt: skip


def _run_reproduce(args) -> None:
    from dlkdd_lite.experiments.reproduce import Reproduction, paper_plan, quick_plan
    from dlkdd_lite.viz.figures import build_figures

    if args.jobs is not None and args.jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {args.jobs}")
    start = time.perf_counter()
    if args.tier == "quick":
        plan = quick_plan(epochs=args.epochs, jobs=args.jobs)
        data = Path(args.data or "data/quick")
        if not data.exists() or not any(data.iterdir()):  # the quick tier's data is generated
            from dlkdd_lite.data.synth.generate import generate_dataset

            generate_dataset(data, progress=not args.quiet)
        out = Path(args.out or "runs/reproduce/quick")
        label, paper_dataset = f"quick tier, generated data, tiny3d, {plan.base.epochs} epochs", None
    else:
        if not args.data or not args.dataset:
            raise ValueError("--tier paper needs --data DIR and --dataset (arid, arid1.5 or dark48)")
        plan, data = paper_plan(args.dataset, jobs=args.jobs or 1), Path(args.data)
        out = Path(args.out or f"runs/reproduce/paper-{args.dataset}")
        label = f"paper tier, {plan.base.arch}, {plan.base.num_frames}x{plan.base.crop_size}², {plan.base.epochs} ep"
        from dlkdd_lite.data.registry import get_dataset

        paper_dataset = get_dataset(args.dataset).title
    plan = _override_grid(plan, args)
    Reproduction(plan, data, out, progress=not args.quiet).run()
    written = build_figures(out, args.figures, data_root=data, headline=plan.headline,
                            main_enhancer=plan.main_enhancer, kit_label=label, paper_dataset=paper_dataset)  # fmt: skip
    print(json.dumps({"tier": args.tier, "out": str(out), "seconds": round(time.perf_counter() - start, 1),
                      "written": [str(p) for p in written]}, indent=2))  # fmt: skip


def _override_grid(plan, args):
    import dataclasses

    from dlkdd_lite.config import ENHANCERS
    from dlkdd_lite.experiments.sweep import parse_values

    changes = {}
    for name, kind in (("seeds", int), ("temperatures", float), ("alphas", float)):
        if getattr(args, name):
            changes[name] = parse_values(getattr(args, name), name, kind)
    if args.teacher_inputs:
        inputs = tuple(e.strip() for e in args.teacher_inputs.split(",") if e.strip())
        unknown = sorted(set(inputs) - set(ENHANCERS))
        if unknown or plan.main_enhancer not in inputs:
            raise ValueError(f"--teacher-inputs {args.teacher_inputs!r}: expected enhancers from {ENHANCERS}, "
                             f"including the sweep teacher's {plan.main_enhancer!r}")  # fmt: skip
        changes["teacher_inputs"] = inputs
    plan = dataclasses.replace(plan, **changes)
    if plan.headline[0] not in plan.temperatures or plan.headline[1] not in plan.alphas or 0.0 not in plan.alphas:
        raise ValueError(f"the grid must hold alpha 0 (the no-KD baseline) and the headline student (temperature "
                         f"{plan.headline[0]:g}, alpha {plan.headline[1]:g}) that the comparisons use")  # fmt: skip
    return plan


def register(sub) -> dict:
    """Add ``sweep`` and ``reproduce`` to the ``dlkdd`` subparsers; returns their runners."""
    _add_sweep(sub)
    _add_reproduce(sub)
    return {"sweep": _run_sweep, "reproduce": _run_reproduce}
