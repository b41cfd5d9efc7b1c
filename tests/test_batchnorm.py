"""Precise BatchNorm statistics (batchnorm.py): the average over batches, nothing else changed."""

import pytest
import torch
from torch import nn

from dlkdd_lite.batchnorm import precise_batchnorm


def batches(n: int, seed: int = 0) -> list[tuple[torch.Tensor]]:
    """Clips (B=4, C=3, T=2, 5, 5) whose channels' levels differ from batch to batch."""
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(4, 3, 2, 5, 5, generator=g) * (1 + i) + 3 * i,) for i in range(n)]


def test_running_statistics_become_the_plain_average_of_the_batches():
    bn = nn.BatchNorm3d(3)
    model = nn.Sequential(bn, nn.Dropout(0.5))
    data = batches(5)
    assert precise_batchnorm(model, data, max_batches=3) == 3  # only the first three
    used = torch.stack([x.transpose(0, 1).reshape(3, -1) for (x,) in data[:3]])  # (batches, C, values)
    assert torch.allclose(bn.running_mean, used.mean(2).mean(0), atol=1e-5)
    assert torch.allclose(bn.running_var, used.var(2, unbiased=True).mean(0), atol=1e-4)
    # The moving average of training, by contrast, leans on the last batches it saw.
    moving = nn.BatchNorm3d(3).train()
    for (x,) in data[:3]:
        moving(x)
    assert not torch.allclose(moving.running_mean, bn.running_mean, atol=0.1)


def test_only_the_statistics_change_and_no_random_number_is_drawn():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv3d(3, 4, 1), nn.BatchNorm3d(4), nn.ReLU(), nn.Dropout(0.5)).train()
    model[3].eval()  # a submodule's own mode is kept as well
    weights = {k: v.clone() for k, v in model.state_dict().items() if "running" not in k and "tracked" not in k}
    rng = torch.get_rng_state()
    precise_batchnorm(model, batches(2), max_batches=200)
    assert torch.equal(torch.get_rng_state(), rng), "dropout must stay off: it would shift every later mask"
    assert all(torch.equal(model.state_dict()[k], v) for k, v in weights.items())
    assert model[1].momentum == 0.1 and model.training and model[1].training and not model[3].training


def test_nothing_to_do_without_batchnorm_or_batches_asked_and_an_error_without_batches():
    linear = nn.Linear(3, 2)
    assert precise_batchnorm(linear, [(torch.ones(1, 3),)], max_batches=10) == 0
    bn = nn.BatchNorm1d(2)
    bn.running_mean.fill_(5.0)
    assert precise_batchnorm(bn, [(torch.ones(4, 2),)], max_batches=0) == 0
    assert bn.running_mean.tolist() == [5.0, 5.0], "max_batches=0 keeps the moving average"
    with pytest.raises(ValueError, match="at least one batch"):
        precise_batchnorm(bn, [], max_batches=10)


def test_a_model_of_two_inputs_gets_both():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.BatchNorm1d(2), nn.BatchNorm1d(2)

        def forward(self, x, y):
            return self.a(x) + self.b(y)

    model = Two()
    precise_batchnorm(model, [(torch.zeros(4, 2), torch.full((4, 2), 7.0))], max_batches=1)
    assert model.a.running_mean.tolist() == [0.0, 0.0] and model.b.running_mean.tolist() == [7.0, 7.0]
