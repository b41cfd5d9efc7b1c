"""figures.py: draw every figure and table of a reproduction from its results files, in seconds.

Reads ``<out>/sweep/results.csv``, ``methods.csv``, ``teacher_inputs.csv``, ``costs.csv``, the
main teacher's and the headline student's ``predictions.csv`` (and, for the frame panel, the videos);
never a model. Writes PNG + PDF figures and CSV + markdown tables into the figures folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from dlkdd_lite.experiments.paper_tables import method_table, paper_results, paper_vs_kit, write_table
from dlkdd_lite.viz.plots import save_figure

FIGURES = {
    "fig1_temperature": "student accuracy vs temperature, one line per alpha (mean ± std over seeds)",
    "fig2_heatmap": "student accuracy over temperature x alpha (mean over seeds)",
    "fig3_teacher_input": "teacher-input ablation: dark / gamma / histeq / Zero-DCE teachers and their students",
    "fig4_table1": "Table 1 of the paper's shape (tables/table1.md, .csv)",
    "fig5_accuracy_vs_cost": "accuracy vs inference GFLOPs per clip",
    "fig6_confusion": "per-class accuracy and confusion matrices, teacher vs student",
    "fig7_dark_vs_enhanced": "dark vs enhanced frames for several classes",
}


def _save(fig, stem: Path) -> list[Path]:
    """Write ``fig`` as PNG + PDF and close it (figures are files here, not notebook output)."""
    import matplotlib.pyplot as plt

    paths = save_figure(fig, stem)
    plt.close(fig)
    return paths


def build_figures(
    out: str | os.PathLike,
    figures_dir: str | os.PathLike,
    *,
    data_root: str | os.PathLike | None = None,
    headline: tuple[float, float] = (4.0, 0.7),
    main_enhancer: str = "gamma",
    kit_label: str = "",
    paper_dataset: str | None = None,
    classes: list[str] | None = None,
) -> list[Path]:
    """Draw figures 1-7 and the tables from the results under ``out``; returns the files written.

    Args:
        out: a reproduction folder (``reproduce.Reproduction.out``).
        figures_dir: where figures go; tables go to ``figures_dir/tables``.
        data_root: the videos, for the frame panel (figure 7); skipped when None.
        headline: (temperature, alpha) of the student shown in the confusion matrices.
        main_enhancer: the enhancer of the sweep's teacher.
        kit_label: describes the kit's measured numbers in the paper-vs-kit table.
        paper_dataset: the paper's name of the dataset measured ("ARID v1.0", "ARID V1.5", "Dark-48"),
            or None (generated data): the kit's number then sits beside none of the paper's.
        classes: class names (default: ARID's when there are 11 classes, else numbers).
    """
    from dlkdd_lite.experiments.sweep import Cell, cell_dir, read_results
    from dlkdd_lite.results import final_metrics
    from dlkdd_lite.viz.paper import plot_accuracy_vs_cost, plot_confusions

    out, figures_dir = Path(out), Path(figures_dir)
    results = read_results(out / "sweep")
    teacher_dir = out / "teachers" / main_enhancer
    teacher = final_metrics(teacher_dir)["video_acc1"]
    num_classes = int(results["num_classes"].iloc[0])
    written = _ablation_figures(results, out / "teacher_inputs.csv", teacher, num_classes, figures_dir)

    table = method_table(pd.read_csv(out / "methods.csv"), pd.read_csv(out / "costs.csv"))
    written += _write_tables(table, figures_dir / "tables", kit_label, paper_dataset)
    written += _save(plot_accuracy_vs_cost(table).figure, figures_dir / "fig5_accuracy_vs_cost")

    if classes is None:
        classes = _default_classes(num_classes)
    temperature, alpha = headline
    student_dir = cell_dir(out / "sweep", Cell(temperature, alpha, 0))
    predictions = {"teacher (enhanced)": pd.read_csv(teacher_dir / "predictions.csv"),
                   "DL-KDD student (dark)": pd.read_csv(student_dir / "predictions.csv")}  # fmt: skip
    written += _save(plot_confusions(predictions, classes), figures_dir / "fig6_confusion")
    if data_root is not None:
        written += _save(_frames_panel(Path(data_root), results, classes), figures_dir / "fig7_dark_vs_enhanced")
    return written


def _ablation_figures(
    results: pd.DataFrame, teacher_inputs: Path, teacher: float, num_classes: int, figures_dir: Path
) -> list[Path]:
    """Figures 1-3: accuracy vs temperature (with the teacher's and chance), the heatmap, teacher inputs."""
    from dlkdd_lite.viz.ablation import plot_accuracy_heatmap, plot_accuracy_vs_temperature, plot_teacher_inputs

    ax = plot_accuracy_vs_temperature(results, teacher=teacher, chance=1 / num_classes)
    written = _save(ax.figure, figures_dir / "fig1_temperature")
    written += _save(plot_accuracy_heatmap(results).figure, figures_dir / "fig2_heatmap")
    ax = plot_teacher_inputs(pd.read_csv(teacher_inputs))
    written += _save(ax.figure, figures_dir / "fig3_teacher_input")
    return written


def _write_tables(table: pd.DataFrame, tables_dir: Path, kit_label: str, paper_dataset: str | None) -> list[Path]:
    """Table 1 (the kit's methods, measured), the paper's numbers beside the kit's, and the published numbers."""
    note = (
        f"Measured by this kit ({kit_label}). GFLOPs counted with torch's FLOP counter (a multiply-add is 2 FLOPs); "
        "elementwise enhancers such as gamma count as 0. Not the paper's numbers: see paper_vs_kit.md."
    )
    written = write_table(table, tables_dir / "table1", title="Table 1 (kit, measured)", note=note)
    dlkdd = table.loc[table["method"] == "DL-KDD student", "top-1 (%)"]
    kit = {}  # the kit's number sits beside the paper's only for the dataset it was measured on
    if paper_dataset and not dlkdd.empty:
        kit[paper_dataset] = float(dlkdd.iloc[0])
    source = "Paper numbers from dlkdd_lite/resources/paper_results.csv (sources in its last column)."
    written += write_table(paper_vs_kit(kit, kit_label=kit_label), tables_dir / "paper_vs_kit",
                           title="DL-KDD: the paper's numbers and the kit's", note=source)  # fmt: skip
    written += write_table(paper_results(), tables_dir / "paper_results", title="Published numbers")
    return written


def _default_classes(num_classes: int) -> list[str]:
    """ARID's class names when there are 11 classes, else the class numbers as strings."""
    from dlkdd_lite.data.splits import ARID_CLASSES

    return list(ARID_CLASSES) if num_classes == len(ARID_CLASSES) else [str(i) for i in range(num_classes)]


def _frames_panel(data_root: Path, results: pd.DataFrame, classes: list[str], per_panel: int = 6):
    """Figure 7 from the first test video of up to ``per_panel`` classes: dark, gamma and histeq views."""
    import torch

    from dlkdd_lite.data.splits import find_split_file, read_split_file, resolve_video
    from dlkdd_lite.data.video import read_clip
    from dlkdd_lite.enhance.enhancers import gamma_correct, histogram_equalize
    from dlkdd_lite.viz.paper import plot_dark_vs_enhanced_panel

    gamma = float(results["gamma"].iloc[0]) if "gamma" in results.columns else 1.8
    split = int(results["split"].iloc[0]) if "split" in results.columns else 1
    first: dict[int, str] = {}
    for entry in read_split_file(find_split_file(data_root, split, "test")):
        first.setdefault(entry.label, entry.relpath)
    clips = {}
    for label in sorted(first)[:: max(1, len(first) // per_panel)][:per_panel]:
        clip = torch.from_numpy(read_clip(resolve_video(data_root, first[label])))  # (T, H, W, C) uint8
        clips[classes[label]] = {"dark": clip.numpy(), f"gamma {gamma:g}": gamma_correct(clip, gamma).numpy(),
                                 "histeq": histogram_equalize(clip).numpy()}  # fmt: skip
    return plot_dark_vs_enhanced_panel(clips)
