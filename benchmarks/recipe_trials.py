"""Does a change of the training recipe make the quick tier steadier? Seed spread of teacher and baseline under it.

The quick-tier evidence (quick_tier_evidence.py) asks for a seed-to-seed standard deviation of at most
4 points for every role; with the kit's recipe the teacher and the baseline sit around it. This trains
the teacher and the baseline over ``--seeds`` on one generated data set with the kit's defaults
changed by ``--set key=value`` (any RunConfig field), optionally starting every run from a
"normal-light pretraining": a model trained on a well-lit generated data set of other actors
(``--pretrain-brightness``), as the paper tier starts from Kinetics-400. Appends one row per run
(the trial's name and settings, data seed, role, seed, video accuracy) to
``benchmarks/results/recipe_trials.csv`` and prints each role's mean and spread. Resumable:
finished runs in ``--work`` are kept. Compare trials on the same ``--data-seed`` and seeds.

    .venv/bin/python benchmarks/recipe_trials.py --trial lr1.5e-3 --set lr=0.0015 [--data-seed 1001] [--seeds 0-9]
    .venv/bin/python benchmarks/recipe_trials.py --trial pretrained --pretrain-brightness 0.4
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
from pathlib import Path

from common import RESULTS, ROOT, parse_settings, run_info, save_rows
from seed_spread import parse_seeds

from dlkdd_lite.config import RunConfig
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.runtime.pool import run_fits
from dlkdd_lite.train import fit

ROLES = {"teacher": {"role": "teacher"}, "baseline": {"role": "baseline"}}


def pretrain(work: Path, brightness: float, epochs: int, base: RunConfig, synth: dict) -> str:
    """Train one model on a well-lit generated data set (data seed 7: other actors than the data sets the
    evidence uses, the same actions) and return its checkpoint: the starting point of every run."""
    data = work / f"pretrain_b{brightness:g}" / "data"
    generate_dataset(data, **{**synth, "seed": 7, "brightness": brightness, "test_actors": 2}, progress=False)
    run = work / f"pretrain_b{brightness:g}" / "run"
    config = dataclasses.replace(base, role="baseline", enhancer="none", seed=0, epochs=epochs)
    fit(config, data, run, progress=False)
    return str(run / "checkpoint.pt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trial", required=True, help="a name for the recipe, stored with its rows")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="RunConfig fields to change")
    parser.add_argument("--pretrain-brightness", type=float, help="start every run from a model trained on "
                        "generated videos of this brightness (e.g. 0.4: normal light)")  # fmt: skip
    parser.add_argument("--pretrain-epochs", type=int, default=20, help="epochs of that pretraining")
    parser.add_argument("--data-seed", type=int, default=1001, help="dlkdd synth --seed of the data set")
    parser.add_argument("--seeds", type=parse_seeds, default=parse_seeds("0-9"))
    parser.add_argument("--work", default=str(ROOT / "runs" / "recipe_trials"))
    parser.add_argument("--jobs", type=int, default=2, help="runs side by side")
    parser.add_argument("--synth", default="{}", help="JSON of generate_dataset arguments (default: the kit's)")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--results", default=str(RESULTS))
    args = parser.parse_args()
    import torch

    settings, synth = parse_settings(args.set), json.loads(args.synth)
    work, base = Path(args.work), RunConfig(**{"device": args.device, **settings})
    if args.pretrain_brightness is not None:
        base = dataclasses.replace(
            base, pretrained=pretrain(work, args.pretrain_brightness, args.pretrain_epochs, base, synth)
        )
    data = work / f"data_s{args.data_seed}"
    generate_dataset(data, **{**synth, "seed": args.data_seed}, progress=False)
    runs = {(role, seed): (dataclasses.replace(base, seed=seed, **kw), work / f"{args.trial}_d{args.data_seed}" /
                           f"{role}_s{seed}") for role, kw in ROLES.items() for seed in args.seeds}  # fmt: skip
    run_fits(list(runs.values()), data, jobs=args.jobs, desc=args.trial)
    pretraining = {"pretrain_brightness": args.pretrain_brightness, "pretrain_epochs": args.pretrain_epochs}
    recipe = {**settings, **(pretraining if args.pretrain_brightness is not None else {})}
    recipe = json.dumps({**recipe, "synth": synth} if synth else recipe)
    info = run_info(torch.device("cpu"), jobs=args.jobs, trial=args.trial, recipe=recipe, data_seed=args.data_seed)
    rows = []
    for (role, seed), (_, out) in runs.items():
        accuracy = json.loads((out / "result.json").read_text(encoding="utf-8"))["video_acc1"]
        rows.append({**info, "role": role, "seed": seed, "video_acc1": round(100 * accuracy, 3)})
    save_rows(args.results, "recipe_trials.csv", rows)
    for role in ROLES:
        accs = [row["video_acc1"] for row in rows if row["role"] == role]
        print(f"{args.trial} {role}: {statistics.mean(accs):.1f} ± {statistics.stdev(accs):.2f} "
              f"({min(accs):.1f}-{max(accs):.1f}) over {len(accs)} seeds")  # fmt: skip


if __name__ == "__main__":
    main()
