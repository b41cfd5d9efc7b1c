"""paper_tier.py: what notebook 07 checks and reports around the paper tier's steps.

Owns the stops (no data, no GPU: a clear message at the cell that needs them), the dataset's terms and where
to ask for it, the expected GPU time of a long step, and a finished student beside the paper's table. The
steps themselves are the library's: download/verify/prepare, zerodce_train, train.fit.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pandas as pd

# Training clips/s of a teacher (r2plus1d_18, 16x112x112, bf16) that the estimates span, as in
# docs/ablations.md's table: assumptions until `make gpu-check` has measured a GPU (docs/performance.md).
ASSUMED_CLIPS_PER_SECOND = (100.0, 400.0)


class NotebookStop(Exception):
    """Stops a notebook at the cell that needs what is missing, with a message instead of a traceback."""

    def _render_traceback_(self) -> list[str]:
        # IPython's hook for exceptions that draw themselves: the user reads the message, not our stack.
        return [f"{type(self).__name__}: {self}"]


def dataset_card(name: str) -> str:
    """The dataset's title, size, terms, how to get it and its citation, as text for a notebook."""
    from dlkdd_lite.data.registry import get_dataset

    info = get_dataset(name)
    raw = info.raw
    lines = [f"{info.title}: {len(info.classes)} classes, {info.expected_clips} clips, splits {list(info.splits)}",
             f"homepage: {raw['homepage']}", f"terms: {raw['license']}", "how to get it:"]  # fmt: skip
    lines += [textwrap.fill(step, 100, initial_indent="  - ", subsequent_indent="    ") for step in raw["obtain"]]
    return "\n".join(lines + ["cite:", textwrap.indent(raw["citation"], "  ")])


def require_source(root: str | os.PathLike, name: str, *, url: str | None, archive: str | None) -> str:
    """``"installed"`` when ``root`` holds a finished download of ``name``, ``"download"`` when a link or an
    archive is given; else stop, saying where to ask for the link and which parameter to set."""
    from dlkdd_lite.data.registry import get_dataset, read_manifest

    manifest = read_manifest(root) if Path(root).is_dir() else None
    if manifest is not None and manifest.get("complete"):
        return "installed"
    if url or archive:
        return "download"
    info = get_dataset(name)
    if manifest is not None:
        raise NotebookStop(
            f"the download of {info.title} into {root} did not finish. Set URL (or ARCHIVE) in the parameters cell "
            "as in the run that started it, and run the notebook again: the download resumes where it stopped."
        )
    raise NotebookStop(
        f"no {info.title} in {root}, and the parameters give neither URL nor ARCHIVE. This cell is the first that "
        f"needs the data. {info.raw['obtain'][0]} Then set URL = '<the link>' (or ARCHIVE = '<the file you "
        "downloaded>') in the parameters cell and run the notebook again: finished steps are skipped."
    )


def require_verified(report: dict) -> None:
    """Stop when ``verify_dataset``'s report counts listed clips missing or unreadable: training would fail."""
    if report["missing"] or report["unreadable"]:
        raise NotebookStop(
            f"{report['missing']} listed clips are missing and {report['unreadable']} unreadable in {report['root']} "
            f"(the report above names them; all of it in {Path(report['root']) / 'verify.json'}). Run the download "
            "cell again to finish an interrupted download, or download the archive afresh."
        )


def require_gpu(allow_cpu: bool = False):
    """The CUDA device the paper tier trains on; stop when there is none (``allow_cpu``: the CPU, for a rehearsal)."""
    import torch

    if torch.cuda.is_available():
        return torch.device("cuda")
    if allow_cpu:
        return torch.device("cpu")
    raise NotebookStop(
        "no CUDA GPU visible (torch.cuda.is_available() is False), and this cell is the first that needs one: it "
        "trains R(2+1)D-18 on 16x112x112 clips, about 2 days per run on a 2-core CPU (docs/performance.md). Run "
        "the notebook on a machine with a GPU (the steps above are skipped there once their results are copied "
        "over), or set ALLOW_CPU = True with tiny OVERRIDES for a rehearsal of the steps."
    )


def expected_minutes(epochs: int, clips: int, *, step_cost: float = 1.0,
                     clips_per_second: tuple[float, ...] = ASSUMED_CLIPS_PER_SECOND) -> list[float]:  # fmt: skip
    """Minutes of training for ``epochs`` passes over ``clips`` at each rate, ``step_cost`` x a teacher's step
    (a KD student: the frozen teacher's forward too; see reproduce.STEP_COST). Evaluation excluded."""
    return [epochs * clips * step_cost / rate / 60 for rate in clips_per_second]


def describe_expected(what: str, minutes: list[float], rates: tuple[float, ...] = ASSUMED_CLIPS_PER_SECOND) -> str:
    """One line: ``what: about 11-46 min on one GPU (at 400-100 teacher clips/s; arithmetic, not measured)``."""
    low, high = min(minutes), max(minutes)
    return (
        f"{what}: about {low:.0f}-{high:.0f} min on one GPU (at {max(rates):g}-{min(rates):g} teacher clips/s, "
        "docs/ablations.md; arithmetic, not a measurement). Interrupted? Run the cell again: it resumes."
    )


def compare_with_paper(student_run: str | os.PathLike, dataset: str, out_stem: str | os.PathLike) -> pd.DataFrame:
    """The paper's top-1 beside this student's measured video top-1 (``paper_tables.paper_vs_kit``).

    Reads ``student_run``'s ``config.json`` and ``result.json`` only; writes ``out_stem.csv`` and ``.md``.
    """
    from dlkdd_lite.config import RunConfig
    from dlkdd_lite.data.registry import get_dataset
    from dlkdd_lite.experiments.paper_tables import paper_vs_kit, write_table
    from dlkdd_lite.results import final_metrics

    config = RunConfig.load(Path(student_run) / "config.json")
    top1 = round(100 * final_metrics(student_run)["video_acc1"], 2)
    label = (f"paper tier, {config.arch} from {config.pretrained or 'scratch'}, {config.num_frames}x{config.crop_size}"
             f"x{config.crop_size}, {config.epochs} epochs, split {config.split}, T={config.temperature:g}, "
             f"alpha={config.alpha:g}, seed {config.seed}; kit defaults, not the paper's recipe")  # fmt: skip
    table = paper_vs_kit({get_dataset(dataset).title: top1}, kit_label=label)
    write_table(table, out_stem, title="The paper's top-1 and the kit's, measured", note=label)
    return table
