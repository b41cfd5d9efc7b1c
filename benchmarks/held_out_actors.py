"""Why do generated data sets differ? The evidence's per-video results, per held-out actor.

The generated data sets hold out whole actors for testing (``--test-actors``: 10 of 24 by default; 5 of 12
before 2026-12-02), as ARID's splits hold out subjects, and each actor keeps one look and one room in all its
clips. A data set's accuracy, and the teacher's lead over the baseline, are then an average over a handful of
actors, and the lead can differ a great deal from one actor to the next. Reads ``quick_tier_evidence.csv``
(0/1 per test video for every run) and each data set's split list (``<work>/data_s<D>``, generated again if
absent); for each data set, arm and test actor writes the actor's videos and its accuracy averaged over the
seeds to ``held_out_actors.csv`` in ``--results``, and prints the teacher's lead per actor, the spread of
those leads over actors and what that spread alone gives a data set's lead (spread / sqrt(test actors)).
Trains nothing: seconds.

    .venv/bin/python benchmarks/held_out_actors.py [--evidence benchmarks/results/quick_tier_evidence.csv]
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from spread_sources import evidence_data, read_evidence_rows, test_entries

from dlkdd_lite.experiments.evidence import seed_bits
from dlkdd_lite.runtime.atomic import write_text_atomic


def actor_of(video_id: str) -> int:
    """The actor of a generated video, ``"Drink/Drink_11_2"`` -> 11 (``<Class>_<actor>_<clip>``)."""
    parts = video_id.rsplit("/", 1)[-1].split("_")
    if len(parts) < 3 or not parts[-2].isdigit():
        raise ValueError(f"{video_id!r} is not a generated video's id (<Class>/<Class>_<actor>_<clip>)")
    return int(parts[-2])


def per_actor(correct: np.ndarray, actors: list[int]) -> dict[int, tuple[int, float]]:
    """``{actor: (videos, accuracy %)}``: the mean over seeds (rows of ``correct``) and the actor's videos."""
    actors = np.asarray(actors)
    if correct.shape[1] != len(actors):
        raise ValueError(f"{correct.shape[1]} results per run but {len(actors)} video actors")
    return {int(a): (int((actors == a).sum()), 100.0 * float(correct[:, actors == a].mean()))
            for a in np.unique(actors)}  # fmt: skip


def leads(table: pd.DataFrame) -> pd.DataFrame:
    """Teacher, baseline and the teacher's lead per data set and actor, from ``held_out_actors.csv``'s rows."""
    wide = table.pivot_table(index=["data_seed", "actor"], columns="arm", values="video_acc1")
    return wide[["teacher", "baseline"]].assign(lead=wide["teacher"] - wide["baseline"])


def main() -> None:
    args, runs, synth = read_evidence_rows(__doc__)
    rows = []
    for data_seed, part in runs.groupby("data_seed"):
        entries = test_entries(evidence_data(args.work, data_seed, synth), len(part["correct"].iloc[0]))
        actors = [actor_of(entry.video_id) for entry in entries]
        for arm, arm_runs in part.groupby("arm", sort=False):
            correct = seed_bits(arm_runs)
            for actor, (videos, accuracy) in per_actor(correct, actors).items():
                rows.append({"data_seed": data_seed, "arm": arm, "actor": actor, "videos": videos,
                             "seeds": len(correct), "video_acc1": round(accuracy, 3)})  # fmt: skip
    table = pd.DataFrame(rows)
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    write_text_atomic(results / "held_out_actors.csv", table.to_csv(index=False))
    wide = leads(table)
    print(wide.round(1).to_string())
    per_set = wide.groupby("data_seed").size()
    if len(wide) > 1:
        sd = float(wide["lead"].std(ddof=1))
        print(f"the teacher's lead over {len(wide)} test actors: mean {wide['lead'].mean():.1f}, sd {sd:.1f} "
              f"points; over {per_set.iloc[0]} test actors a data set's lead varies by about "
              f"{sd / math.sqrt(per_set.iloc[0]):.1f} from the actors drawn alone")  # fmt: skip
    print(f"written to {results / 'held_out_actors.csv'}")


if __name__ == "__main__":
    main()
