"""batchnorm.py: precise BatchNorm statistics, recomputed with the weights as they are before an evaluation.

In training every BatchNorm layer normalises with the batch's own mean and variance and keeps a moving
average of them (momentum 0.1) for evaluation. That average mixes batches seen under weights that kept
changing and, at batch 8, rests mostly on the last few dozen batches: two runs that learned the same can
score points apart at test time. "Precise BN" (Wu and Johnson 2021, "Rethinking 'Batch' in BatchNorm",
section 3; SlowFast's and pycls's ``PreciseBN``; ``torch.optim.swa_utils.update_bn`` does the same for SWA)
replaces it by the plain average over many training batches with the current weights. Only the statistics
change: no weight, and no draw from torch's random numbers (dropout stays off). Knows nothing about files,
roles or loaders.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import torch
from torch import nn


@torch.no_grad()
def precise_batchnorm(model: nn.Module, batches: Iterable[tuple[torch.Tensor, ...]], max_batches: int) -> int:
    """Set every BatchNorm layer's running mean and variance of ``model`` to their average over the first
    ``max_batches`` of ``batches`` (each a tuple of the model's inputs: ``model(*inputs)``); return how many
    batches were used. A model without BatchNorm, or ``max_batches=0``, is left as it is.
    """
    layers = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not layers or max_batches <= 0:
        return 0
    momenta = [layer.momentum for layer in layers]
    mode = {m: m.training for m in model.modules()}
    model.eval()  # dropout off: no random numbers drawn
    for layer in layers:
        layer.train()  # normalise with the batch's statistics, as in training, and record them
        layer.reset_running_stats()
        layer.momentum = None  # None: the running statistics become the cumulative average
    used = 0
    try:
        for inputs in itertools.islice(batches, max_batches):
            model(*inputs)
            used += 1
    finally:
        for layer, momentum in zip(layers, momenta):
            layer.momentum = momentum
        for m, training in mode.items():
            m.train(training)
    if used == 0:
        raise ValueError("precise BatchNorm statistics need at least one batch; the loader yielded none")
    return used
