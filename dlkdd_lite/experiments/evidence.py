"""evidence.py: is "A beats B" real? Paired differences between roles over seeds and test videos.

Each run is scored per test video (``predictions.csv``: 1 if the video was classified right). Two roles
trained with the same seeds on the same data are compared pairwise: seed with seed, video with video.
A bootstrap that resamples both seeds and videos gives a confidence interval that counts both sources
of chance: which seeds trained the models, and which videos happened to be in the test set.
Knows nothing about training; reads only results.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd


def paired_bootstrap(
    a: np.ndarray, b: np.ndarray, *, n_boot: int = 10_000, level: float = 0.95, seed: int = 0
) -> dict[str, float]:
    """Mean difference ``a - b`` in accuracy (points, 0-100) with a paired bootstrap interval.

    Args:
        a, b: (S, V) arrays of 0/1: run ``s`` (one training seed) right or wrong on test video ``v``.
            Row ``s`` of ``a`` and of ``b`` share a seed; column ``v`` is the same video in both.
        n_boot: bootstrap resamples; each draws S seeds and V videos with replacement.
        level: coverage of the percentile interval.
        seed: of the resampling, so that a summary is the same each time it is made.

    Returns:
        ``{"diff", "low", "high"}`` in percentage points.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2 or a.size == 0:
        raise ValueError(f"a and b must be equal (seeds, videos) arrays, got {a.shape} and {b.shape}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return pooled_bootstrap([(a, b)], n_boot=n_boot, level=level, seed=seed)


def pooled_bootstrap(
    pairs: list[tuple[np.ndarray, np.ndarray]], *, n_boot: int = 10_000, level: float = 0.95, seed: int = 0
) -> dict[str, float]:
    """``paired_bootstrap`` over several data sets at once: the mean of their mean differences.

    Each data set (one ``(a, b)`` pair, its own test videos) is resampled on its own, and the
    replicates are averaged with equal weight per data set (a stratified bootstrap).
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    rng = np.random.default_rng(seed)
    boot = np.zeros(n_boot)
    means = []
    for a, b in pairs:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape or a.ndim != 2 or a.size == 0:
            raise ValueError(f"a and b must be equal (seeds, videos) arrays, got {a.shape} and {b.shape}")
        diff = a - b  # (S, V)
        n_seeds, n_videos = diff.shape
        # The mean of diff[seeds][:, videos] is w @ diff @ u / (S V), with w and u how often each seed
        # and each video was drawn: one small product per resample instead of an (S, V) copy.
        w = rng.multinomial(n_seeds, np.full(n_seeds, 1 / n_seeds), size=n_boot)  # (B, S)
        u = rng.multinomial(n_videos, np.full(n_videos, 1 / n_videos), size=n_boot)  # (B, V)
        boot += np.einsum("bs,sv,bv->b", w, diff, u) / (n_seeds * n_videos) * 100 / len(pairs)  # (B,)
        means.append(diff.mean() * 100)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail])
    return {"diff": float(np.mean(means)), "low": float(low), "high": float(high)}


def correct_bits(correct) -> str:
    """0/1 per video as a compact string ('0110...'), the form results files keep it in."""
    return "".join("1" if int(c) else "0" for c in correct)


def bits_array(bits: list[str]) -> np.ndarray:
    """Strings from ``correct_bits`` (one per run, same videos in the same order) -> (runs, videos) 0/1."""
    lengths = {len(s) for s in bits}
    if len(lengths) != 1:
        raise ValueError(f"runs scored different numbers of videos: {sorted(lengths)}; expected one test set")
    return np.array([[c == "1" for c in s] for s in bits], dtype=np.float64)


def seed_bits(runs: pd.DataFrame) -> np.ndarray:
    """One arm's rows of the evidence -> (seeds, videos) 0/1, the seeds in ascending order."""
    return bits_array(runs.sort_values("seed")["correct"].tolist())


# What the quick tier must show (issue #14): comparisons, minimum mean difference, share of seeds won.
COMPARISONS = (
    ("teacher", "baseline", 8.0, 0.0),
    ("student", "baseline", 5.0, 0.9),
    ("student", "dark_student", 0.0, 0.0),
    ("student", "label_smoothing", 0.0, 0.0),
)
ROLES = ("teacher", "baseline", "student")  # the roles whose spread and ceiling are held to targets
MAX_SD, MAX_ACC = 4.0, 95.0


def summarise(runs: pd.DataFrame, *, n_boot: int = 10_000) -> pd.DataFrame:
    """Per data set and pooled: each arm's accuracy over seeds, and the paired differences.

    Args:
        runs: one row per run with ``data_seed, seed, arm, video_acc1`` (%) and ``correct`` (``correct_bits``).

    Returns:
        Tidy rows: ``scope`` (a data seed or ``"all"``), ``kind`` (``arm`` or ``difference``), ``name``,
        ``n_data_sets, n_seeds, n_videos, mean, sd, min, max`` (arms; differences: per-seed differences),
        ``low, high`` (95 % paired bootstrap over seeds and videos), ``wins`` (seeds where A beat B),
        ``target`` and ``met``.
    """
    rows = []
    every = sorted(runs["data_seed"].unique())
    for scope, data_seeds in [(str(d), [d]) for d in every] + [("all", every)]:
        part = runs[runs["data_seed"].isin(data_seeds)]
        common = {"scope": scope, "n_data_sets": len(data_seeds), "n_seeds": part["seed"].nunique(),
                  "n_videos": int(part.groupby("data_seed")["test_videos"].first().sum())}  # fmt: skip
        for arm, group in part.groupby("arm", sort=False):
            acc = group["video_acc1"]
            sd = float(acc.groupby(group["data_seed"]).std(ddof=1).max()) if len(acc) > 1 else float("nan")
            row = {**common, "kind": "arm", "name": arm, "mean": acc.mean(), "sd": sd, "min": acc.min(),
                   "max": acc.max()}  # fmt: skip
            if arm in ROLES:
                row["target"] = f"sd <= {MAX_SD:g} and mean <= {MAX_ACC:g}"
                row["met"] = bool(sd <= MAX_SD and acc.mean() <= MAX_ACC)
            rows.append(row)
        for a, b, least, share in COMPARISONS:
            rows.append({**common, **_difference(part, a, b, least, share, n_boot)})
    return pd.DataFrame(rows)


def _difference(part: pd.DataFrame, a: str, b: str, least: float, share: float, n_boot: int) -> dict:
    pairs, per_seed = [], []
    for _, data in part.groupby("data_seed"):
        ra = data[data["arm"] == a].set_index("seed").sort_index()
        rb = data[data["arm"] == b].set_index("seed").sort_index()
        if list(ra.index) != list(rb.index):
            raise ValueError(
                f"arms {a} and {b} were trained with different seeds: {list(ra.index)} vs {list(rb.index)}"
            )
        pairs.append((bits_array(list(ra["correct"])), bits_array(list(rb["correct"]))))
        per_seed += list(ra["video_acc1"] - rb["video_acc1"])
    ci = pooled_bootstrap(pairs, n_boot=n_boot)
    per_seed = pd.Series(per_seed, dtype=float)
    wins = int((per_seed > 0).sum())
    met = ci["diff"] >= least and ci["low"] > 0 and wins >= share * len(per_seed)
    target = f"mean >= {least:g} and CI above 0" + (f" and wins >= {share:.0%} of seeds" if share else "")
    return {"kind": "difference", "name": f"{a} - {b}", "mean": ci["diff"], "sd": per_seed.std(ddof=1),
            "min": per_seed.min(), "max": per_seed.max(), "low": ci["low"], "high": ci["high"], "wins": wins,
            "target": target, "met": bool(met)}  # fmt: skip


ARM_WORDS = {
    "teacher": "teacher (Zero-DCE-enhanced view)", "baseline": "baseline (dark view, no KD)",
    "student": "DL-KDD student (dark view, KD)", "dark_teacher": "control: teacher trained on the dark view",
    "dark_student": "control: student of the dark-view teacher", "label_smoothing": "control: label smoothing = alpha",
}  # fmt: skip


def pooled_differences(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary's paired differences pooled over data sets, one row per comparison, indexed by its name
    (``"teacher - baseline"``, ...)."""
    return summary[(summary["scope"] == "all") & (summary["kind"] == "difference")].set_index("name")


def synth_flags(synth: dict | None) -> str:
    """``dlkdd synth`` options for generate_dataset arguments: ``{"test_actors": 10}`` -> ``" --test-actors 10"``."""
    return "".join(f" --{key.replace('_', '-')} {value}" for key, value in (synth or {}).items())


def evidence_markdown(summary: pd.DataFrame, synth: dict | None = None) -> str:
    """The summary as the two Markdown tables the README and the notebooks show (pooled over data sets).

    ``synth``: the generate_dataset arguments the data sets were made with, when not the kit's defaults.
    """
    pooled = summary[summary["scope"] == "all"]
    first = pooled.iloc[0]
    scopes = [s for s in summary["scope"].unique() if s != "all"]
    command = f"dlkdd synth --seed {' / '.join(scopes)}{synth_flags(synth)}"
    lines = [f"{int(first['n_seeds'])} training seeds on each of {int(first['n_data_sets'])} generated data sets "
             f"(`{command}`), {int(first['n_videos']) // len(scopes)} test videos each "
             f"(one video = {100 * len(scopes) / int(first['n_videos']):.1f} points):", "",
             "| arm | video accuracy, mean (%) | sd over seeds (larger of the data sets) | range |",
             "|---|---|---|---|"]  # fmt: skip
    for row in pooled[pooled["kind"] == "arm"].itertuples():
        lines.append(f"| {ARM_WORDS.get(row.name, row.name)} | {row.mean:.1f} | {row.sd:.1f} | "
                     f"{row.min:.1f}-{row.max:.1f} |")  # fmt: skip
    lines += ["", "| paired difference | mean (points) | 95 % CI (seeds x videos) | seeds won | target | met |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for row in pooled[pooled["kind"] == "difference"].itertuples():
        total = int(row.n_seeds) * int(row.n_data_sets)
        lines.append(f"| {row.name} | {row.mean:+.1f} | {row.low:+.1f} to {row.high:+.1f} | {int(row.wins)}/{total} | "
                     f"{row.target} | {'yes' if row.met else 'no'} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def evidence_synth(runs: pd.DataFrame) -> dict:
    """The generate_dataset arguments the runs' data sets were made with (``{}``, or rows without the
    ``synth`` column: the kit's defaults on the day in the rows' ``date``)."""
    if "synth" not in runs:
        return {}
    values = runs["synth"].fillna("{}").unique()
    if len(values) != 1:
        raise ValueError(f"the runs mix data sets made with different generator arguments: {sorted(values)}")
    return json.loads(values[0])


def read_runs(path: str | os.PathLike) -> pd.DataFrame:
    """The per-run rows of ``quick_tier_evidence.csv`` (``correct`` kept as bits, not read as numbers)."""
    return pd.read_csv(path, dtype={"correct": str})


def read_evidence(results: str | os.PathLike) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(runs, summary)`` from the folder ``benchmarks/quick_tier_evidence.py`` wrote them to."""
    results = Path(results)
    summary = pd.read_csv(results / "quick_tier_evidence_summary.csv", dtype={"scope": str})
    return read_runs(results / "quick_tier_evidence.csv"), summary
