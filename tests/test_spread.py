"""Where the seed spread comes from (experiments/spread.py): hand-computed cases."""

import math

import numpy as np
import pytest

from dlkdd_lite.experiments.spread import spread_sources


def test_identical_seeds_have_no_spread_and_no_share():
    correct = np.array([[1, 0, 1, 1], [1, 0, 1, 1]])
    parts = spread_sources(correct, ["a", "a", "b", "b"])
    assert parts["sd"] == parts["sd_videos_independent"] == parts["sd_classes_independent"] == 0
    assert math.isnan(parts["seedwide_share"]) and (parts["seeds"], parts["test_videos"]) == (2, 4)


def test_a_seed_right_everywhere_and_one_wrong_everywhere_is_all_seedwide():
    """Accuracies 100 and 0: sd 70.7. Every video right at rate 1/2 (unbiased p(1-p) over 2 seeds: 1/2), so
    the floor is 100 * sqrt(V / 2) / V; each of K equal classes has variance 5000, weighted by 1/K^2."""
    videos, k = 12, 3
    correct = np.array([np.ones(videos), np.zeros(videos)])
    parts = spread_sources(correct, np.repeat(np.arange(k), videos // k))
    assert parts["sd"] == pytest.approx(math.sqrt(5000))
    assert parts["sd_videos_independent"] == pytest.approx(100 * math.sqrt(videos / 2) / videos)
    assert parts["sd_classes_independent"] == pytest.approx(math.sqrt(5000 / k))
    assert parts["seedwide_share"] == pytest.approx(1 - 1 / k)


def test_classes_that_trade_off_give_a_negative_share():
    """Seed A wins class 0 only, B class 1 only, C both: accuracies 50, 50, 100 (variance 833.3); each class
    (100, 0, 100) has variance 3333.3, weighted 1/4 each: 1666.7, twice what the seeds show."""
    classes = [0, 0, 1, 1]
    correct = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]])
    parts = spread_sources(correct, classes)
    assert parts["sd"] ** 2 == pytest.approx(2500 / 3)
    assert parts["sd_classes_independent"] ** 2 == pytest.approx(5000 / 3)
    assert parts["seedwide_share"] == pytest.approx(-1.0)


def test_independent_videos_sit_at_the_floor():
    """Videos right or wrong by independent coin flips: the spread the seeds show matches the floor."""
    rng = np.random.default_rng(0)
    correct = rng.random((4000, 300)) < np.linspace(0.1, 0.9, 300)
    parts = spread_sources(correct, np.repeat(np.arange(10), 30))
    assert parts["sd"] == pytest.approx(parts["sd_videos_independent"], rel=0.05)
    assert parts["sd"] == pytest.approx(parts["sd_classes_independent"], rel=0.05)


@pytest.mark.parametrize(
    ("correct", "classes", "message"),
    [([[1, 0, 1]], [0, 0, 1], "seeds >= 2"), ([[1, 2], [0, 1]], [0, 1], "0/1"), ([[1, 0], [0, 1]], [0], "one class")],
)
def test_bad_input_is_named(correct, classes, message):
    with pytest.raises(ValueError, match=message):
        spread_sources(np.array(correct), np.array(classes))
