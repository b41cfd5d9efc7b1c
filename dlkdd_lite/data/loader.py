"""loader.py: the loaders of a run: whole batches asked of the dataset, shared out between processes.

``batch_loader`` is a DataLoader that asks the dataset for whole batches instead of clips one by one;
``build_loaders`` makes a run's training and evaluation loaders from its config. Knows nothing about
what a batch holds; the dataset (dataset.py) builds it.
"""

from __future__ import annotations

import torch
from torch.utils.data import BatchSampler, DataLoader, Dataset, Sampler, SequentialSampler

from dlkdd_lite.config import RunConfig
from dlkdd_lite.runtime.distributed import EpochSampler, EpochView, World


def batch_loader(
    dataset: Dataset, batch_size: int, *, sampler: Sampler | None = None, drop_last: bool = False, **kwargs
) -> DataLoader:
    """A DataLoader that asks ``dataset`` for whole batches (``dataset[[i, j, ...]]``) instead of clips.

    It yields what ``DataLoader(dataset, batch_size, sampler=sampler, drop_last=drop_last)`` yields,
    without the per-clip tensors and the collation copy: the dataset writes each clip straight
    into its batch (PyTorch's "disable automatic batching" mode). ``dataset`` is a
    ``DarkVideoDataset`` or a wrapper that passes lists of indices through (``Subset``,
    ``EpochView``). ``kwargs`` go to the DataLoader (workers, pinned memory, generator, ...).
    """
    sampler = SequentialSampler(dataset) if sampler is None else sampler
    kwargs.setdefault("collate_fn", _as_built)
    return DataLoader(dataset, batch_size=None, sampler=BatchSampler(sampler, batch_size, drop_last), **kwargs)


def _as_built(batch: dict) -> dict:
    """The batch as the dataset built it: already tensors, so the DataLoader's per-item conversion is skipped."""
    return batch


def build_loaders(
    config: RunConfig, train_set: Dataset, test_set: Dataset, world: World
) -> tuple[DataLoader, EpochSampler, DataLoader]:
    """The training loader (with its sampler, for ``set_epoch``) and this process's evaluation loader.

    ``config.batch_size`` is the global batch: each of the ``world.size`` processes loads an equal
    share of it, so a run computes the same on one GPU as on eight (up to BatchNorm statistics,
    which each process gathers from its own share).
    """
    if config.batch_size % world.size:
        raise ValueError(
            f"batch_size {config.batch_size} is the global batch and must divide evenly between the "
            f"{world.size} processes; choose a multiple of {world.size}"
        )
    batch_size = config.batch_size // world.size
    common = dict(num_workers=config.num_workers, pin_memory=world.device.type == "cuda")
    if config.num_workers > 0:  # start the workers once, each keeping prefetch_factor batches ready
        common.update(persistent_workers=True, prefetch_factor=config.prefetch_factor)
    sampler = EpochSampler(train_set, seed=config.seed, rank=world.rank, world_size=world.size)
    # Batches built whole by the dataset (batch_loader); their own generators: the loaders never
    # draw from torch's global RNG, which feeds dropout.
    train = batch_loader(EpochView(train_set), batch_size, sampler=sampler, drop_last=len(sampler) > batch_size,
                         generator=torch.Generator().manual_seed(config.seed), **common)  # fmt: skip
    shard = world.shard_videos(test_set, len(test_set.videos), test_set.num_clips)
    test = batch_loader(shard, batch_size, generator=torch.Generator().manual_seed(config.seed), **common)
    return train, sampler, test
