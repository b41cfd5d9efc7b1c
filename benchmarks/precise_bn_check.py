"""Are seed-to-seed differences in BatchNorm's statistics or in the weights? Finished runs, evaluated both ways.

For every finished run of an evidence work folder (``benchmarks/quick_tier_evidence.py --work W``), loads its
checkpoint and evaluates it on its test split twice: with the BatchNorm statistics it was saved with, and
after recomputing them over one pass of its training clips with its own weights (precise BN,
``dlkdd_lite/batchnorm.py``; the epoch's clips of the run's last epoch). Weights are never changed. Writes one
row per run (``video_acc1_saved``, ``video_acc1_precise``) to ``precise_bn_check.csv`` in ``--results`` and
prints each arm's mean and sd over seeds both ways. Runs trained with ``precise_bn`` > 0 already hold precise
statistics; this is for runs that did not. A few seconds per run.

    .venv/bin/python benchmarks/precise_bn_check.py --work runs/evidence --data-seeds 2201 [--arms student,baseline]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import pandas as pd
import torch
from common import RESULTS, run_info
from seed_spread import parse_seeds

from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.data.loader import build_loaders
from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.runtime.distributed import join_world
from dlkdd_lite.train import build_datasets, evaluate_run, recompute_batchnorm


def check_run(run: Path, data: Path, world) -> dict:
    """``{"video_acc1_saved", "video_acc1_precise", "batches"}`` (accuracies in %) of one finished run."""
    net, config = load_model(run / "checkpoint.pt", world.device)
    train_set, test_set = build_datasets(config, data, views=config.views(train=False), progress=False)
    train_loader, sampler, test_loader = build_loaders(config, train_set, test_set, world)
    saved, _ = evaluate_run(net, test_loader, test_set, config, world, progress=False)
    sampler.set_epoch(config.epochs - 1)  # the clips of the run's last epoch, every batch
    batches = len(train_loader)
    recompute_batchnorm(net, train_loader, dataclasses.replace(config, precise_bn=batches), world, progress=False)
    precise, _ = evaluate_run(net, test_loader, test_set, config, world, progress=False)
    return {"video_acc1_saved": round(100 * saved["video_acc1"], 3),
            "video_acc1_precise": round(100 * precise["video_acc1"], 3), "batches": batches}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", required=True, help="an evidence work folder (data_s<D>/, runs_s<D>/)")
    parser.add_argument("--data-seeds", type=parse_seeds, required=True)
    parser.add_argument("--arms", default="teacher,baseline,student", help="comma-separated arms to check")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--notes", default="", help="free text stored with the rows")
    args = parser.parse_args()
    arms, work, rows = args.arms.split(","), Path(args.work), []
    with join_world("cpu") as world:
        for data_seed in args.data_seeds:
            data, runs = work / f"data_s{data_seed}", work / f"runs_s{data_seed}"
            if not runs.is_dir():
                raise SystemExit(f"{runs} does not exist: give the --work folder of an evidence run")
            for run in sorted(runs.glob("*/result.json")):
                arm, seed = run.parent.name.rsplit("_s", 1)
                if arm not in arms:
                    continue
                trained = json.loads((run.parent / "config.json").read_text())
                row = {"data_seed": data_seed, "arm": arm, "seed": int(seed), "epochs": trained["epochs"],
                       "precise_bn_in_training": trained.get("precise_bn", 0)}  # fmt: skip
                rows.append({**row, **check_run(run.parent, data, world)})
                print(f"{data_seed} {arm} seed {seed}: {rows[-1]['video_acc1_saved']:.1f} saved, "
                      f"{rows[-1]['video_acc1_precise']:.1f} precise")  # fmt: skip
    if not rows:
        raise SystemExit(f"no finished runs of arms {arms} in {work}")
    table = pd.DataFrame([{**run_info(torch.device("cpu"), notes=args.notes), **row} for row in rows])
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    write_text_atomic(results / "precise_bn_check.csv", table.to_csv(index=False))
    stats = table.groupby(["data_seed", "arm"])[["video_acc1_saved", "video_acc1_precise"]].agg(["mean", "std"])
    print(stats.round(1).to_string())
    print(f"written to {results / 'precise_bn_check.csv'}")


if __name__ == "__main__":
    main()
