"""distributed.py: data-parallel training with PyTorch's own engine (DDP, launched by ``torchrun``).

Owns the process group, this process's place in it (``World``: rank, size, device), the sampler
that splits each epoch's clips between processes, and the collectives fit() needs. A plain
``python`` process is a world of one, where every collective is a no-op: fit() reads the same.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import Dataset, DistributedSampler, Subset

from dlkdd_lite.runtime.device import resolve_device


def is_main_process() -> bool:
    """True unless this is a ``torchrun`` worker of rank > 0 (also before the group exists)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank() == 0
    return int(os.environ.get("RANK", "0")) == 0


def epoch_seed(seed: int, epoch: int) -> int:
    """The seed of an epoch's shuffle: a function of (seed, epoch) only, so a resumed run repeats it."""
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


def rank_seed(seed: int, rank: int) -> int:
    """A seed for rank ``rank``'s own random draws (dropout), distinct from every epoch seed."""
    return int(np.random.SeedSequence([seed, rank, 0x5EED]).generate_state(1)[0])


@dataclass(frozen=True)
class World:
    """The processes of one run. ``size == 1`` outside ``torchrun``; collectives then return at once."""

    rank: int = 0
    size: int = 1
    device: torch.device = torch.device("cpu")
    grouped: bool = False  # in a process group (torchrun): the model trains under DDP, even alone

    @property
    def is_main(self) -> bool:
        """Rank 0: the one process that writes the run folder and shows progress bars."""
        return self.rank == 0

    def barrier(self) -> None:
        if self.size > 1:
            dist.barrier()

    def broadcast(self, obj):
        """Rank 0's ``obj`` on every rank (any picklable value)."""
        if self.size == 1:
            return obj
        box = [obj]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def gather(self, obj) -> list:
        """Every rank's ``obj``, in rank order, on every rank."""
        if self.size == 1:
            return [obj]
        out = [None] * self.size
        dist.all_gather_object(out, obj)
        return out

    def sum(self, tensor: torch.Tensor) -> torch.Tensor:
        """Element-wise sum over ranks, in place (the tensor must live on ``device``)."""
        if self.size > 1:
            dist.all_reduce(tensor)
        return tensor

    def sync_buffers(self, module: nn.Module) -> None:
        """Copy rank 0's buffers (BatchNorm statistics) to every rank.

        DDP broadcasts buffers at the start of each training forward, so after an epoch's last step
        each rank holds statistics updated by its own last batch; evaluation and the checkpoint use
        rank 0's.
        """
        if self.size > 1:
            for buffer in module.buffers():
                dist.broadcast(buffer, src=0)

    def wrap(self, model: nn.Module) -> nn.Module:
        """``model`` under DistributedDataParallel (gradients averaged across ranks at backward)."""
        if not self.grouped:
            return model
        device_ids = [self.device.index] if self.device.type == "cuda" else None
        return nn.parallel.DistributedDataParallel(model, device_ids=device_ids)

    def shard_videos(self, dataset: Dataset, num_videos: int, clips_per_video: int) -> Dataset:
        """This rank's share of an evaluation set laid out as ``video * clips_per_video + clip``.

        Whole videos go to one rank (every ``size``-th video), so a video's clips are averaged in
        one place and each video counts exactly once: no padding duplicates, unlike
        DistributedSampler. Shares may differ by one video.
        """
        if self.size == 1:
            return dataset
        videos = range(self.rank, num_videos, self.size)
        return Subset(dataset, [v * clips_per_video + c for v in videos for c in range(clips_per_video)])


@contextlib.contextmanager
def join_world(device: str = "auto") -> Iterator[World]:
    """The run's ``World``: joins the ``torchrun`` process group when launched by it.

    Reads ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` (set by ``torchrun``, also for one process); one
    device per local rank (``cuda:LOCAL_RANK``) with the NCCL backend, or the CPU with gloo. A group that
    the caller already initialised is used as it is and left open; one created here is destroyed on exit.
    """
    size = int(os.environ.get("WORLD_SIZE", "1"))
    created = False
    # torchrun's processes join a group even alone: one GPU then runs NCCL and DDP as eight would.
    launched = size > 1 or "TORCHELASTIC_RUN_ID" in os.environ
    if not launched and not (dist.is_available() and dist.is_initialized()):
        yield World(device=resolve_device(device))
        return
    if not dist.is_available():
        raise RuntimeError("launched by torchrun, but this torch build has no torch.distributed")
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    chosen = resolve_device(device)
    if chosen.type == "mps":
        raise ValueError("distributed training needs CUDA or the CPU; MPS has no DDP backend (use --device cpu)")
    if chosen.type == "cuda":
        if local_rank >= torch.cuda.device_count():
            raise ValueError(
                f"LOCAL_RANK {local_rank} but only {torch.cuda.device_count()} CUDA devices are visible; "
                "start at most one process per GPU (torchrun --nproc_per_node)"
            )
        chosen = torch.device("cuda", local_rank)
        torch.cuda.set_device(chosen)
    if not dist.is_initialized():
        backend = "nccl" if chosen.type == "cuda" else "gloo"
        dist.init_process_group(backend, device_id=chosen if chosen.type == "cuda" else None)
        created = True
    try:
        yield World(rank=dist.get_rank(), size=dist.get_world_size(), device=chosen, grouped=True)
    finally:
        if created:
            dist.destroy_process_group()


class EpochSampler(DistributedSampler):
    """One epoch's shuffled training order, split between ranks; yields ``(epoch, index)`` pairs.

    The order is a permutation drawn from ``epoch_seed(seed, epoch)``: the same whatever the number
    of worker processes, however often the loader is iterated, and after a resume. As in
    DistributedSampler the order is padded (by repeating its start) to a multiple of the world
    size and rank ``r`` takes every ``size``-th index from ``r``; so a global batch of ``size``
    ranks' batches holds the same clips as one process's batch of the whole size. Pair items with
    ``EpochView``; call ``set_epoch`` before each epoch.
    """

    def __init__(self, dataset: Dataset, *, seed: int, rank: int = 0, world_size: int = 1) -> None:
        super().__init__(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        n = len(self.dataset)
        g = torch.Generator().manual_seed(epoch_seed(self.seed, self.epoch))
        order = torch.randperm(n, generator=g).tolist()
        pad = self.total_size - n
        order += (order * math.ceil(pad / n))[:pad]
        return iter([(self.epoch, i) for i in order[self.rank : self.total_size : self.num_replicas]])


class EpochView(Dataset):
    """``view[(epoch, index)]`` is ``dataset[index]`` as drawn in ``epoch``.

    The epoch travels with each index, so worker processes that live across epochs
    (``persistent_workers``) draw the current epoch's clips: their copy of the dataset never sees
    a ``set_epoch`` called in the main process.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, key: tuple[int, int] | list[tuple[int, int]]) -> dict:
        """One ``(epoch, index)`` pair, or a list of them (one epoch) for a whole batch."""
        if isinstance(key, list):
            epochs = {epoch for epoch, _ in key}
            if len(epochs) != 1:
                raise ValueError(f"a batch must come from one epoch, got epochs {sorted(epochs)}")
            (epoch,), index = epochs, [i for _, i in key]
        else:
            epoch, index = key
        if getattr(self.dataset, "epoch", None) != epoch:
            self.dataset.set_epoch(epoch)
        return self.dataset[index]
