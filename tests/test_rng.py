"""Counter-based draws: a pure function of (seed, epoch, index, k), uniform on [0, 1), rows independent."""

import numpy as np
import pytest

from dlkdd_lite.data.rng import clip_uniforms


def test_draws_are_a_pure_function_of_seed_epoch_and_index():
    whole = clip_uniforms(3, 7, np.arange(100), 5)
    assert whole.shape == (100, 5) and whole.dtype == np.float64
    picked = [42, 3, 99, 3]
    assert np.array_equal(clip_uniforms(3, 7, picked, 5), whole[picked]), "same rows whatever the batch"
    assert np.array_equal(clip_uniforms(3, 7, [42], 2), whole[[42], :2]), "fewer columns: a prefix"
    for other in (clip_uniforms(4, 7, np.arange(100), 5), clip_uniforms(3, 8, np.arange(100), 5)):
        assert not np.any(other == whole), "another seed or epoch gives other draws"


def test_draws_are_uniform_and_uncorrelated():
    u = clip_uniforms(0, 0, np.arange(20_000), 4)  # 80,000 draws
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    counts, _ = np.histogram(u, bins=10, range=(0, 1))
    chi2 = ((counts - 8000) ** 2 / 8000).sum()
    assert chi2 < 27.9, f"chi-square {chi2:.1f} over 9 degrees of freedom (p = 0.001 at 27.9)"
    corr = np.corrcoef(np.concatenate([u, np.roll(u, 1, axis=0)], axis=1).T)
    off_diagonal = corr[~np.eye(8, dtype=bool)]
    assert np.abs(off_diagonal).max() < 0.03, "columns, and neighbouring rows, are uncorrelated"
    # consecutive seeds and epochs (the usual case) are unrelated too
    a, b = clip_uniforms(0, 0, np.arange(5000), 1), clip_uniforms(1, 0, np.arange(5000), 1)
    c = clip_uniforms(0, 1, np.arange(5000), 1)
    assert abs(np.corrcoef(a[:, 0], b[:, 0])[0, 1]) < 0.05 and abs(np.corrcoef(a[:, 0], c[:, 0])[0, 1]) < 0.05


@pytest.mark.parametrize("args, match", [
    ((-1, 0, [0], 1), "seed"),
    ((0, 2**64, [0], 1), "epoch"),
    ((0, 0, [-1], 1), "indices"),
    ((0, 0, [[0, 1]], 1), "indices"),
    ((0, 0, [0.5], 1), "indices"),
    ((0, 0, [0], 0), "n must be"),
])  # fmt: skip
def test_bad_arguments_are_named(args, match):
    with pytest.raises(ValueError, match=match):
        clip_uniforms(*args)
