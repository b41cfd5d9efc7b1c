"""rng.py: counter-based random numbers: uniform draws as a pure function of a key and a counter.

Owns the hashing; knows nothing about clips. A training clip's randomness (start frame, crop,
flip) is ``clip_uniforms(seed, epoch, indices, n)``: the same numbers whatever the batch, the
worker process or the order in which clips are asked for, and a whole batch's numbers come from a
few vectorised operations instead of a random generator seeded per clip (the idea of counter-based
generators such as Philox: Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio: the splitmix64 increment
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))


def _mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser (Steele, Lea, Flood 2014): a bijection of uint64 that scatters every bit.

    ``x`` is an array, never a numpy scalar: array arithmetic wraps modulo 2^64 silently, as wanted.
    """
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


def clip_uniforms(seed: int, epoch: int, indices, n: int) -> np.ndarray:
    """float64 ``(len(indices), n)`` draws in [0, 1): row i, column k is a hash of (seed, epoch, indices[i], k).

    ``seed``, ``epoch`` and the indices are non-negative integers below 2^64. Each draw has 53
    random bits; rows and columns are statistically independent (tests/test_rng.py checks the
    moments and correlations).
    """
    for name, value in (("seed", seed), ("epoch", epoch)):
        if not 0 <= value < 2**64:
            raise ValueError(f"{name} must be an integer in [0, 2^64), got {value}")
    indices = np.asarray(indices)
    if indices.ndim != 1 or (indices.size and (indices.dtype.kind not in "iu" or indices.min() < 0)):
        raise ValueError(f"indices must be a 1-D array of non-negative integers, got {indices!r}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    key = _mix(np.array([seed], dtype=np.uint64) + _GOLDEN)
    key = _mix(key + np.array([epoch], dtype=np.uint64) + _GOLDEN)  # (1,)
    rows = _mix(key + indices.astype(np.uint64)[:, None] + _GOLDEN)  # (B, 1)
    bits = _mix(rows + np.arange(1, n + 1, dtype=np.uint64) * _GOLDEN)  # (B, n)
    return (bits >> _S11) * (1.0 / 2**53)  # the top 53 bits, as a double in [0, 1)
