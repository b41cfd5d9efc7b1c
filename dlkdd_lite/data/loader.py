"""loader.py: a DataLoader that asks the dataset for whole batches instead of clips, one by one.

Knows nothing about what a batch holds; the dataset (dataset.py) builds it.
"""

from __future__ import annotations

from torch.utils.data import BatchSampler, DataLoader, Dataset, Sampler, SequentialSampler


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
