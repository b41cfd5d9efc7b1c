"""pool.py: train several runs, one after another in this process or side by side in worker processes.

Owns the worker processes (spawned, each with its share of the CPU threads) and the progress bar over
runs. What a run is belongs to train.fit; which runs to make belongs to sweep.py and reproduce.py.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from pathlib import Path

from dlkdd_lite.config import RunConfig
from dlkdd_lite.data.acquire.weights import resolve_pretrained
from dlkdd_lite.results import is_finished
from dlkdd_lite.runtime.progress import tqdm


def run_fits(
    runs: list[tuple[RunConfig, str | os.PathLike]],
    data_root: str | os.PathLike,
    *,
    jobs: int = 1,
    progress: bool = True,
    desc: str = "runs",
) -> None:
    """``fit(config, data_root, out)`` for every unfinished ``(config, out)`` in ``runs``.

    With ``jobs > 1`` the runs go to that many spawned worker processes, each with
    ``cpus // jobs`` torch threads, in the order given. On a small CPU this is the faster way:
    a tiny model's operations are too small to keep two threads busy, so two single-threaded runs
    side by side train about 1.7x the clips of one run with two threads (2-core machine, tiny3d).
    Each worker decodes every video once and keeps it for all its runs. If a run fails, the runs
    not yet started are cancelled and the error is raised; finished runs stay finished.
    The progress bar counts the runs finished before as done.
    """
    todo = [(config, out) for config, out in runs if not is_finished(out)]
    bar = tqdm(total=len(runs), initial=len(runs) - len(todo), desc=desc, unit="run", disable=not progress)
    try:
        if jobs <= 1:
            for config, out in todo:
                _run(config.to_dict(), str(data_root), str(out))
                bar.update()
            return
        for arch, pretrained in {(config.arch, config.pretrained) for config, _ in todo}:
            resolve_pretrained(arch, pretrained, progress=progress)  # downloaded here once, not by each worker
        threads = max(1, (os.cpu_count() or 1) // jobs)
        context = multiprocessing.get_context("spawn")  # no forked torch/decoder state
        with cf.ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(threads,)) as pool:
            futures = [pool.submit(_run, config.to_dict(), str(data_root), str(Path(out))) for config, out in todo]
            try:
                for future in cf.as_completed(futures):
                    future.result()
                    bar.update()
            except BaseException:
                pool.shutdown(cancel_futures=True)
                raise
    finally:
        bar.close()


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _run(config: dict, data_root: str, out: str) -> dict[str, float]:
    from dlkdd_lite.train import fit

    return fit(RunConfig.from_dict(config), data_root, out, progress=False)
