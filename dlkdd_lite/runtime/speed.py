"""speed.py: everything that makes a run faster without changing what it computes, switched on in one place.

``fit()`` runs inside ``run_context(config)`` and passes what it built through ``speed_up`` once; its loop,
its step and the losses never mention any of this. Each setting is explained where it is implemented.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from dlkdd_lite.config import RunConfig
from dlkdd_lite.runtime.device import cuda_tuning, tune_cpu_allocator
from dlkdd_lite.runtime.distributed import World, join_world
from dlkdd_lite.runtime.files import file_key
from dlkdd_lite.runtime.teacher_memo import TeacherMemo


@contextlib.contextmanager
def run_context(config: RunConfig) -> Iterator[World]:
    """The run's ``World`` (torchrun's processes, or this one alone) with the process-wide settings:
    cuDNN autotuning on CUDA (``device.cuda_tuning``), glibc's allocator tuned on the CPU, so that
    batches reuse freed memory instead of page-faulting it in at each step (``device.tune_cpu_allocator``)."""
    with join_world(config.device) as world, cuda_tuning(world.device):
        if world.device.type == "cpu":
            tune_cpu_allocator()
        yield world


def speed_up(
    config: RunConfig, world: World, net: nn.Module, teacher: nn.Module | None, train_set
) -> tuple[nn.Module, nn.Module | None]:
    """``(model, teacher)`` to train with and to ask, set up for speed; ``net`` stays what is evaluated and saved.

    - CPU without loader processes: the training set writes each batch into one of two reused buffers
      (``DarkVideoDataset.reuse_buffers``; fresh memory is cold).
    - CPU: the frozen teacher remembers its logits for clips it saw before (``TeacherMemo``: a sweep's
      cells that share a seed show it the same clips).
    - ``channels_last``: the channels-last 3D memory format for the models (faster convolutions on GPUs).
    - several processes: DistributedDataParallel (``World.wrap``); ``compile``: ``torch.compile``.
    """
    if config.num_workers == 0 and world.device.type == "cpu":  # batches used synchronously, one at a time
        train_set.reuse_buffers = 2
    if teacher is not None and world.device.type == "cpu" and not config.compile:
        teacher = TeacherMemo(teacher, file_key(config.teacher_ckpt))
    if config.channels_last:  # in place: the optimiser keeps the same parameters
        net = net.to(memory_format=torch.channels_last_3d)
        teacher = teacher.to(memory_format=torch.channels_last_3d) if teacher is not None else None
    model = world.wrap(net)
    if config.compile:
        model = torch.compile(model)
        teacher = torch.compile(teacher) if teacher is not None else None
    return model, teacher
