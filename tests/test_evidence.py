"""Paired differences over seeds and test videos: the bootstrap interval, the summary's targets, the figure."""

import numpy as np
import pandas as pd
import pytest

from dlkdd_lite.experiments.evidence import bits_array, correct_bits, paired_bootstrap, pooled_bootstrap, summarise
from dlkdd_lite.viz.evidence import plot_evidence


def test_identical_runs_differ_by_nothing_and_opposites_by_everything():
    a = np.random.default_rng(0).integers(0, 2, (5, 40))
    assert paired_bootstrap(a, a, n_boot=200) == {"diff": 0.0, "low": 0.0, "high": 0.0}
    ones, zeros = np.ones((3, 10)), np.zeros((3, 10))
    assert paired_bootstrap(ones, zeros, n_boot=200) == {"diff": 100.0, "low": 100.0, "high": 100.0}


def test_the_interval_covers_the_difference_and_narrows_with_more_videos():
    rng = np.random.default_rng(1)
    widths = []
    for videos in (60, 600):
        b = rng.random((10, videos)) < 0.5
        a = rng.random((10, videos)) < 0.6  # 10 points better on average
        ci = paired_bootstrap(a, b, n_boot=2000)
        assert ci["low"] < ci["diff"] < ci["high"] and ci["low"] < 10 < ci["high"]
        widths.append(ci["high"] - ci["low"])
    assert widths[1] < widths[0] / 2


def test_seed_to_seed_variation_widens_the_interval():
    """Two arms that tie on average but swing with the seed: the interval must span 0."""
    rng = np.random.default_rng(2)
    swing = np.repeat(rng.choice([-0.3, 0.3], 6)[:, None], 300, axis=1)
    b = rng.random((6, 300)) < 0.5
    a = rng.random((6, 300)) < 0.5 + swing
    ci = paired_bootstrap(a, b, n_boot=2000)
    assert ci["low"] < 0 < ci["high"]


def test_pooled_bootstrap_weighs_data_sets_equally_and_checks_shapes():
    first = (np.ones((2, 10)), np.zeros((2, 10)))  # +100
    second = (np.zeros((2, 50)), np.zeros((2, 50)))  # 0
    assert pooled_bootstrap([first, second], n_boot=100)["diff"] == 50.0
    with pytest.raises(ValueError, match="equal \\(seeds, videos\\) arrays"):
        paired_bootstrap(np.ones((2, 3)), np.ones((2, 4)))


def test_bits_round_trip_and_refuse_different_test_sets():
    assert correct_bits([1, 0, 0, 1]) == "1001"
    assert bits_array(["1001", "0110"]).tolist() == [[1, 0, 0, 1], [0, 1, 1, 0]]
    with pytest.raises(ValueError, match="different numbers of videos"):
        bits_array(["10", "101"])


def _runs(gain: float, seeds=range(10), videos=300) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    level = {"baseline": 0.5, "teacher": 0.5 + gain, "student": 0.5 + gain, "dark_teacher": 0.5,
             "dark_student": 0.5, "label_smoothing": 0.5}  # fmt: skip
    rows = []
    for data_seed in (7, 8):
        for seed in seeds:
            for arm, p in level.items():
                correct = rng.random(videos) < p
                rows.append({"data_seed": data_seed, "seed": seed, "arm": arm, "test_videos": videos,
                             "video_acc1": 100 * correct.mean(), "correct": correct_bits(correct)})  # fmt: skip
    return pd.DataFrame(rows)


def test_summary_meets_the_targets_only_when_the_effect_is_there(tmp_path):
    strong = summarise(_runs(0.2), n_boot=500)
    diffs = strong[strong["kind"] == "difference"].set_index(["scope", "name"])
    assert set(strong["scope"]) == {"7", "8", "all"}
    assert diffs.loc[("all", "student - baseline"), "met"] and diffs.loc[("all", "teacher - baseline"), "met"]
    assert diffs.loc[("all", "student - baseline"), "n_videos"] == 600
    assert diffs.loc[("7", "student - baseline"), "wins"] == 10
    none = summarise(_runs(0.0), n_boot=500)
    assert not none[none["kind"] == "difference"]["met"].any()
    fig = plot_evidence(_runs(0.2), strong, tmp_path / "evidence")
    assert (tmp_path / "evidence.png").stat().st_size > 10_000 and len(fig.axes) == 2


def test_arms_trained_with_different_seeds_are_not_paired():
    runs = _runs(0.1)
    runs = runs[~((runs["arm"] == "student") & (runs["seed"] == 3))]
    with pytest.raises(ValueError, match="different seeds"):
        summarise(runs, n_boot=10)


@pytest.mark.parametrize(
    ("folder", "marker", "page"),
    [
        ("", "evidence", "README.md"),
        ("evidence_check_2101", "evidence-check-2101", "README.md"),
        ("evidence_check_2201", "evidence-check-2201", "README.md"),
        ("evidence_check_2301", "evidence-check-2301", "README.md"),
        ("evidence_epochs15", "evidence-epochs15", "docs/evidence.md"),
        ("evidence_epochs15_check_2101", "evidence-epochs15-check-2101", "docs/evidence.md"),
        ("evidence_epochs15_check_2201", "evidence-epochs15-check-2201", "docs/evidence.md"),
        ("evidence_epochs10_check_2201", "evidence-epochs10", "docs/evidence.md"),
        ("evidence_epochs15_precise_check_2201", "evidence-epochs15-precise", "docs/evidence.md"),
        ("evidence_from_scratch", "evidence-from-scratch", "docs/evidence.md"),
        ("evidence_norm_arid", "evidence-norm-arid", "docs/evidence.md"),
        ("evidence_pretrained", "evidence-pretrained", "docs/evidence.md"),
        ("evidence_pretrained_lr1e-3", "evidence-pretrained-lr", "docs/evidence.md"),
        ("evidence_pretrained_lr1e-3_check", "evidence-pretrained-check", "docs/evidence.md"),
        ("evidence_pretrained_actors24_T8_check", "evidence-t8-check", "docs/evidence.md"),
        ("evidence_epochs25_check_2201", "evidence-epochs25", "docs/evidence.md"),
    ],
)
def test_the_docs_and_the_committed_summary_show_the_committed_runs(folder, marker, page):
    """The page's tables = quick_tier_evidence.md = the summary recomputed from the per-run rows."""
    from pathlib import Path

    from dlkdd_lite.experiments.evidence import evidence_markdown, evidence_synth, read_evidence

    root = Path(__file__).resolve().parents[1]
    results = root / "benchmarks" / "results" / folder
    runs, _ = read_evidence(results)
    table = evidence_markdown(summarise(runs), evidence_synth(runs))
    assert (results / "quick_tier_evidence.md").read_text(encoding="utf-8") == table
    text = (root / page).read_text(encoding="utf-8")
    block = text.split(f"<!-- {marker}:start -->")[1].split(f"<!-- {marker}:end -->")[0]
    assert block.strip() == table.strip()


def test_the_tables_name_the_generator_arguments_of_the_runs():
    from dlkdd_lite.experiments.evidence import evidence_markdown, evidence_synth, synth_flags

    runs = _runs(0.2)
    assert evidence_synth(runs) == {}  # rows from before the column: the kit's defaults
    runs["synth"] = '{"actors": 24, "test_actors": 10}'
    assert evidence_synth(runs) == {"actors": 24, "test_actors": 10}
    assert synth_flags(evidence_synth(runs)) == " --actors 24 --test-actors 10"
    table = evidence_markdown(summarise(runs, n_boot=100), evidence_synth(runs))
    assert "(`dlkdd synth --seed 7 / 8 --actors 24 --test-actors 10`)" in table
    runs.loc[runs.index[0], "synth"] = "{}"
    with pytest.raises(ValueError, match="different generator arguments"):
        evidence_synth(runs)


def test_the_readmes_evidence_ran_with_the_kits_defaults():
    """The README's first table is the evidence for what its commands do: every setting and generator
    argument its rows name is the default of RunConfig or of generate_dataset (change a default, run the
    evidence again)."""
    import inspect
    import json
    from pathlib import Path

    from dlkdd_lite.config import RunConfig
    from dlkdd_lite.data.synth.generate import generate_dataset
    from dlkdd_lite.experiments.evidence import evidence_synth, read_evidence

    results = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
    defaults = {k: p.default for k, p in inspect.signature(generate_dataset).parameters.items()}
    for folder in ("", "evidence_check_2101", "evidence_check_2201", "evidence_check_2301"):
        runs, _ = read_evidence(results / folder)
        for key, value in evidence_synth(runs).items():
            assert defaults[key] == value, (folder, key)
        (settings,) = runs["settings"].unique()
        for key, value in json.loads(settings).items():
            assert getattr(RunConfig(), key) == value, (folder, key)
        assert (runs["epochs"] == RunConfig().epochs).all()


def test_the_precise_bn_table_in_the_docs_is_the_committed_check():
    """docs/evidence.md's table of saved against precise BatchNorm statistics = precise_bn_check.csv's means
    and sds per data set and arm."""
    import re
    from pathlib import Path

    import pandas as pd

    root = Path(__file__).resolve().parents[1]
    checked = pd.read_csv(root / "benchmarks" / "results" / "evidence_epochs10_check_2201" / "precise_bn_check.csv")
    stats = checked.groupby(["data_seed", "arm"])[["video_acc1_saved", "video_acc1_precise"]].agg(["mean", "std"])
    text = (root / "docs" / "evidence.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (\w+) \| ([\d.]+) \(([\d.]+)\) \| ([\d.]+) \(([\d.]+)\) \|$", text, re.M)
    assert len(rows) == len(stats) == 6
    for seed, arm, *numbers in rows:
        row = stats.loc[(int(seed), arm)]
        expected = [row[("video_acc1_saved", "mean")], row[("video_acc1_saved", "std")],
                    row[("video_acc1_precise", "mean")], row[("video_acc1_precise", "std")]]  # fmt: skip
        assert [float(n) for n in numbers] == [round(x, 1) for x in expected], (seed, arm)
