"""How much a quick-tier result depends on the seed: one role trained with the default settings over many seeds.

With 198 training clips and 66 test videos, a run's video accuracy moves by tens of points from seed to
seed; this measures by how much, so that a table over three seeds can be read with that in mind. Appends
one row per seed (and prints mean, standard deviation and range) to benchmarks/results/seed_spread.csv.
A student learns from the seed-0 teacher, trained first if ``--work`` lacks it.

    .venv/bin/python benchmarks/seed_spread.py [--role teacher] [--seeds 0-11] [--data data/quick] [--work DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from common import ROOT, add_run_arguments, run_info, save_rows, start_torch
from tqdm.auto import tqdm

from dlkdd_lite.config import RunConfig
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.experiments.sweep import parse_values
from dlkdd_lite.train import fit


def parse_seeds(text: str) -> tuple[int, ...]:
    """``"0-11"`` (a range, both ends included) or ``"0,3,5"`` -> seeds, checked as ``dlkdd sweep --seeds`` is."""
    first, dash, last = text.partition("-")
    return parse_values(list(range(int(first), int(last) + 1)) if dash else text, "seeds", int)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", choices=("teacher", "baseline", "student"), default="teacher")
    parser.add_argument("--seeds", type=parse_seeds, default=parse_seeds("0-11"), help="e.g. 0-11 or 0,3,5")
    parser.add_argument("--epochs", type=int, default=RunConfig.epochs, help="epochs per run (default: the kit's)")
    parser.add_argument("--data", default=str(ROOT / "data" / "quick"), help="generated if absent")
    parser.add_argument("--work", help="folder for the runs (default: a fresh temporary one)")
    add_run_arguments(parser)
    args = parser.parse_args()
    device, _ = start_torch(args)
    data, work = Path(args.data), Path(args.work or tempfile.mkdtemp(prefix="dlkdd_seeds_"))
    if not (data / "synth.json").exists() and not (data / "splits").exists():
        generate_dataset(data, progress=False)
    extra = {"device": args.device, "epochs": args.epochs}
    if args.role == "student":
        fit(RunConfig(role="teacher", seed=0, **extra), data, work / "teacher_s0", progress=False)
        extra["teacher_ckpt"] = str(work / "teacher_s0" / "checkpoint.pt")
    info = run_info(device, role=args.role, epochs=args.epochs, data=str(data), notes=args.notes)
    rows = []
    for seed in tqdm(args.seeds, desc=f"{args.role} seeds"):
        config = RunConfig(role=args.role, seed=seed, **extra)
        metrics = fit(config, data, work / f"{args.role}_s{seed}", progress=False)
        rows.append({**info, "seed": seed, "video_acc1": round(metrics["video_acc1"], 4)})
    save_rows(args.results, "seed_spread.csv", rows)
    accs = [row["video_acc1"] * 100 for row in rows]
    spread = f" ± {statistics.stdev(accs):.1f}" if len(accs) > 1 else ""
    print(f"{args.role}: video accuracy {statistics.mean(accs):.1f}{spread} % over {len(accs)} seeds "
          f"(range {min(accs):.1f}-{max(accs):.1f}); runs in {work}")  # fmt: skip


if __name__ == "__main__":
    main()
