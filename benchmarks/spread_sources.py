"""Where does the quick tier's seed-to-seed spread come from? The evidence's per-video results, taken apart.

Reads ``quick_tier_evidence.csv`` (0/1 per test video for every run, written by quick_tier_evidence.py)
and, for each data set and arm, splits the spread of video accuracy over the training seeds
(``dlkdd_lite.experiments.spread``): the test set's floor (videos right or wrong independently), what
single classes won or lost would give, and the share of the variance that comes from whole seeds being
ahead or behind in most classes at once. The classes of the test videos come from each data set's split
list (``<work>/data_s<D>``, generated again if absent, with the rows' ``synth`` arguments or ``--synth``). Writes
``spread_sources.csv`` to ``--results`` and prints it. Trains nothing: seconds.

    .venv/bin/python benchmarks/spread_sources.py [--evidence benchmarks/results/quick_tier_evidence.csv]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from common import RESULTS, ROOT

from dlkdd_lite.data.splits import SplitEntry, find_split_file, read_split_file
from dlkdd_lite.data.synth.generate import generate_dataset
from dlkdd_lite.experiments.evidence import evidence_synth, read_runs, seed_bits
from dlkdd_lite.experiments.spread import spread_sources
from dlkdd_lite.runtime.atomic import write_text_atomic


def test_entries(data: Path, videos: int) -> list[SplitEntry]:
    """The test videos of ``data``'s split 1 in ``video_id`` order (the order of the evidence's 0/1 strings)."""
    path = find_split_file(data, 1, "test")
    entries = sorted(read_split_file(path), key=lambda entry: entry.video_id)
    if len(entries) != videos:
        raise SystemExit(f"{path} lists {len(entries)} test videos but the evidence scored {videos}; "
                         f"expected the data set the evidence was run on (same --synth)")  # fmt: skip
    return entries


def class_of_test_videos(data: Path, videos: int) -> list[int]:
    """The label of each test video of ``data``'s split 1, in ``video_id`` order (the evidence's order)."""
    return [entry.label for entry in test_entries(data, videos)]


def evidence_data(work: str | Path, data_seed: int, synth: dict) -> Path:
    """``<work>/data_s<D>``, the data set the evidence was run on: generated again if absent."""
    data = Path(work) / f"data_s{data_seed}"
    if not data.exists():
        generate_dataset(data, seed=int(data_seed), **synth)
    return data


def read_evidence_rows(description: str) -> tuple[argparse.Namespace, pd.DataFrame, dict]:
    """The options of a script that reads the evidence's per-video rows (``--evidence``, ``--work``, ``--synth``,
    ``--results``), parsed; the rows; and the generator arguments of their data sets."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evidence", default=str(RESULTS / "quick_tier_evidence.csv"))
    parser.add_argument("--work", default=str(ROOT / "runs" / "evidence"), help="where the data sets are (or go)")
    parser.add_argument("--synth", help="JSON of generate_dataset arguments (default: the rows' synth column)")
    parser.add_argument("--results", default=str(RESULTS))
    args = parser.parse_args()
    runs = read_runs(args.evidence)
    return args, runs, json.loads(args.synth) if args.synth else evidence_synth(runs)


def main() -> None:
    args, runs, synth = read_evidence_rows(__doc__)
    rows = []
    for data_seed, part in runs.groupby("data_seed"):
        data = evidence_data(args.work, data_seed, synth)
        classes = class_of_test_videos(data, len(part["correct"].iloc[0]))
        for arm, arm_runs in part.groupby("arm", sort=False):
            parts = spread_sources(seed_bits(arm_runs), classes)
            rows.append({"data_seed": data_seed, "arm": arm, **parts})
    table = pd.DataFrame(rows).round(3)
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    write_text_atomic(results / "spread_sources.csv", table.to_csv(index=False))
    print(table.to_string(index=False))
    print(f"written to {results / 'spread_sources.csv'}")


if __name__ == "__main__":
    main()
