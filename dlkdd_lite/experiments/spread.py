"""spread.py: where a role's seed-to-seed spread comes from: the test set, single classes, or whole seeds.

A run's video accuracy differs from training seed to training seed. Given each run's 0/1 per test video
(as the evidence stores them), three standard deviations of accuracy over the seeds tell the sources apart:

- ``sd``: what the seeds show.
- ``sd_videos_independent``: what they would show if every test video were right or wrong on its own, at its
  own rate over the seeds. This is the test set's share: the floor a finite test set puts under any spread.
- ``sd_classes_independent``: what they would show if each class's accuracy varied as it does, but
  independently of the other classes.

``seedwide_share = 1 - sd_classes_independent**2 / sd**2`` is the share of the variance that comes from seeds
that are ahead, or behind, in most classes at once (a model that learned faster or slower); it is negative
when classes trade off against one another (a seed that wins one class loses another). Reads only results.
"""

from __future__ import annotations

import math

import numpy as np


def spread_sources(correct, classes) -> dict[str, float]:
    """The spread of accuracy over seeds and its parts (module docstring), in points (0-100).

    Args:
        correct: (S, V) 0/1: run ``s`` (one training seed) right or wrong on test video ``v``; S >= 2.
        classes: (V,) the class of each test video (any labels).

    Returns:
        ``{"seeds", "test_videos", "sd", "sd_videos_independent", "sd_classes_independent", "seedwide_share"}``;
        ``seedwide_share`` is NaN when the seeds do not differ at all.
    """
    correct = np.asarray(correct, dtype=float)
    classes = np.asarray(classes)
    if correct.ndim != 2 or correct.shape[0] < 2 or not np.isin(correct, (0, 1)).all():
        raise ValueError(f"expected a (seeds >= 2, videos) array of 0/1, got shape {correct.shape}")
    seeds, videos = correct.shape
    if classes.shape != (videos,):
        raise ValueError(f"expected one class per test video ({videos}), got shape {classes.shape}")
    variance = np.var(100 * correct.mean(axis=1), ddof=1)
    rate = correct.mean(axis=0)  # each video's rate of being right over the seeds
    videos_variance = (rate * (1 - rate) * seeds / (seeds - 1)).sum() * (100 / videos) ** 2  # unbiased per video
    classes_variance = 0.0
    for label in np.unique(classes):
        members = classes == label
        weight = members.sum() / videos
        classes_variance += weight**2 * np.var(100 * correct[:, members].mean(axis=1), ddof=1)
    return {
        "seeds": seeds,
        "test_videos": videos,
        "sd": math.sqrt(variance),
        "sd_videos_independent": math.sqrt(videos_variance),
        "sd_classes_independent": math.sqrt(classes_variance),
        "seedwide_share": 1 - classes_variance / variance if variance > 0 else math.nan,
    }
