"""Results files and the figures built from them; widgets' headless fallback; parameter injection."""

import json

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest

from dlkdd_lite.enhance.enhancers import build_enhancer
from dlkdd_lite.results import MetricsWriter, final_metrics, read_metrics, summarize_runs
from dlkdd_lite.tutorial.notebooks import inject_parameters
from dlkdd_lite.viz.frames import channel_histograms, frame_grid, frame_row
from dlkdd_lite.viz.plots import plot_role_comparison, plot_training_curves, role_table, save_figure
from dlkdd_lite.viz.widgets import enhancer_explorer, gamma_explorer

matplotlib.use("Agg")


def fake_run(folder, role, seed, accs):
    """A run folder as fit() leaves it, with given per-epoch test video accuracies."""
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"role": role, "seed": seed}))
    writer = MetricsWriter(folder / "metrics.csv", run=folder.name, role=role, seed=seed)
    for epoch, acc in enumerate(accs):
        writer.write(epoch, "train", {"loss": 1.0 / (epoch + 1)})
        writer.write(epoch, "test", {"video_acc1": acc, "clip_acc1": acc - 0.05})
    (folder / "result.json").write_text("{}")


@pytest.fixture
def runs(tmp_path):
    for seed, accs in enumerate([(0.3, 0.5), (0.4, 0.6), (0.2, 0.7)]):
        fake_run(tmp_path / f"baseline_s{seed}", "baseline", seed, accs)
        fake_run(tmp_path / f"student_s{seed}", "student", seed, [a + 0.1 for a in accs])
    fake_run(tmp_path / "teacher", "teacher", 0, (0.6, 0.9))
    return tmp_path


def test_metrics_writer_drops_epochs_after_a_resume_point(tmp_path):
    fake_run(tmp_path / "r", "teacher", 0, (0.1, 0.2, 0.3))
    MetricsWriter(tmp_path / "r" / "metrics.csv", run="r", role="teacher", seed=0, start_epoch=2)
    assert sorted(read_metrics(tmp_path / "r")["epoch"].unique()) == [0, 1]
    assert final_metrics(tmp_path / "r")["video_acc1"] == pytest.approx(0.2)


def test_summary_and_role_table(runs):
    summary = summarize_runs(runs)
    assert len(summary) == 7 and set(summary["role"]) == {"baseline", "student", "teacher"}
    assert summary.loc[summary["role"] != "student", ["temperature", "alpha"]].isna().all().all()  # no KD used
    table = role_table(summary)
    assert list(table.index) == ["baseline", "student", "teacher"]
    assert table.loc["baseline", ("video_acc1", "mean")] == pytest.approx(60.0)
    assert table.loc["student", ("video_acc1", "std")] == pytest.approx(10.0)
    assert table.loc["teacher", ("video_acc1", "count")] == 1
    with pytest.raises(FileNotFoundError, match="no finished runs"):
        summarize_runs(runs / "baseline_s0" / "nothing")


def test_figures_are_written_and_pdfs_are_byte_stable(runs, tmp_path):
    import matplotlib.pyplot as plt

    summary = summarize_runs(runs)
    stems = []
    for i in range(2):
        fig, axes = plt.subplots(1, 2, figsize=(9, 3))
        plot_role_comparison(summary, ax=axes[0])
        metrics = pd.concat([read_metrics(runs / n) for n in ("teacher", "student_s0")])
        plot_training_curves(metrics, ax=axes[1])
        stems.append(save_figure(fig, tmp_path / f"figs{i}" / "comparison"))
        plt.close(fig)
    (png, pdf), (_, pdf2) = stems
    assert png.stat().st_size > 10_000 and pdf.read_bytes()[:4] == b"%PDF"
    assert pdf.read_bytes() == pdf2.read_bytes()
    with pytest.raises(ValueError, match="no rows with metric='top5'"):
        plot_training_curves(metrics, metric="top5")


def test_viz_and_headless_gamma_explorer():
    import matplotlib.pyplot as plt

    clip = np.random.default_rng(0).integers(0, 40, (6, 16, 16, 3), dtype=np.uint8)
    plt.close("all")
    assert len(frame_grid({"dark": clip, "again": clip}).axes) == 8
    assert len(frame_row({"dark": clip, "again": clip}).axes) == 2
    assert len(channel_histograms({"dark": clip}).axes) == 1
    plt.close("all")
    static = gamma_explorer(clip, headless=True)
    assert len(static.axes) == 3  # the middle frame at three gammas
    assert not plt.get_fignums(), "closed: the notebook shows it once, as the cell's value"
    interactive = gamma_explorer(clip, headless=False)
    assert type(interactive).__name__ == "VBox"
    with pytest.raises(ValueError, match="uint8"):
        gamma_explorer(clip.astype(np.float32))
    enhancers = {"gamma": build_enhancer("gamma"), "histeq": build_enhancer("histeq")}
    assert len(enhancer_explorer(clip, enhancers, headless=True).axes) == 3  # dark + two enhancers, one frame
    assert type(enhancer_explorer(clip, enhancers, headless=False)).__name__ == "VBox"


def test_parameters_are_injected_after_the_tagged_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t"),
                nbformat.v4.new_code_cell("EPOCHS = 12", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(EPOCHS)")]  # fmt: skip
    inject_parameters(nb, {"EPOCHS": 1, "DATA_DIR": "/tmp/x"})
    assert nb.cells[2].source.endswith("EPOCHS = 1\nDATA_DIR = '/tmp/x'\n")
    assert nb.cells[2].metadata["tags"] == ["injected-parameters"]
    nb.cells.pop(1)
    with pytest.raises(ValueError, match="no cell tagged 'parameters'"):
        inject_parameters(nb, {})
