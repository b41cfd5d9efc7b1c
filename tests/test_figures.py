"""Ablation and comparison figures and tables from small hand-made results tables: files written,
non-empty, byte-identical when redrawn; paper numbers never mixed with the kit's."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from dlkdd_lite.experiments.paper_tables import METHODS, method_table, paper_results, paper_vs_kit, to_markdown  # noqa: E402
from dlkdd_lite.viz.ablation import (  # noqa: E402
    grid_summary,
    plot_accuracy_heatmap,
    plot_accuracy_vs_temperature,
    plot_teacher_inputs,
)
from dlkdd_lite.viz.paper import (  # noqa: E402
    confusion_matrix,
    plot_accuracy_vs_cost,
    plot_confusions,
    plot_dark_vs_enhanced_panel,
)
from dlkdd_lite.viz.plots import save_figure  # noqa: E402


@pytest.fixture()
def results():
    rows = []
    for seed in (0, 1):
        rows.append({"run": f"a0_s{seed}", "temperature": 1.0, "alpha": 0.0, "seed": seed, "metric": "video_acc1",
                     "value": 0.30 + 0.02 * seed, "num_classes": 11})  # fmt: skip
        for t in (1.0, 4.0, 16.0):
            for a in (0.3, 0.7):
                rows.append({"run": f"T{t:g}_a{a:g}_s{seed}", "temperature": t, "alpha": a, "seed": seed,
                             "metric": "video_acc1", "value": 0.4 + a / 10 + t / 100 + seed / 50,
                             "num_classes": 11})  # fmt: skip
    return pd.DataFrame(rows)


def test_grid_summary_spreads_the_no_kd_baseline_over_temperatures(results):
    summary = grid_summary(results)
    baseline = summary[summary["alpha"] == 0]
    assert sorted(baseline["temperature"]) == [1.0, 4.0, 16.0]
    assert baseline["mean"].tolist() == pytest.approx([31.0] * 3) and (baseline["count"] == 2).all()
    one = summary[(summary["alpha"] == 0.7) & (summary["temperature"] == 4.0)].iloc[0]
    assert one["mean"] == pytest.approx(100 * (0.4 + 0.07 + 0.04 + 0.01)) and one["count"] == 2
    with pytest.raises(ValueError, match="no rows for metric 'top5'"):
        grid_summary(results, "top5")


def _draw_twice(tmp_path, draw):
    out = []
    for i in range(2):
        fig = draw()
        fig = getattr(fig, "figure", fig)
        paths = save_figure(fig, tmp_path / f"fig{i}")
        plt.close(fig)
        out.append([p.read_bytes() for p in paths])
    assert all(len(b) > 1000 for b in out[0])
    assert out[0][1] == out[1][1], "PDF not byte-stable"
    return out


def test_ablation_figures_are_written_and_byte_stable(results, tmp_path):
    _draw_twice(tmp_path / "t", lambda: plot_accuracy_vs_temperature(results, teacher=0.6, chance=1 / 11))
    _draw_twice(tmp_path / "h", lambda: plot_accuracy_heatmap(results))
    inputs = pd.DataFrame([
        {"enhancer": e, "role": r, "seed": s, "metric": "video_acc1", "value": v}
        for e, v in (("none", 0.3), ("gamma", 0.5), ("histeq", 0.45), ("zerodce", 0.55))
        for r, s in (("teacher", 0), ("student", 0), ("student", 1))
    ])  # fmt: skip
    _draw_twice(tmp_path / "i", lambda: plot_teacher_inputs(inputs))
    ax = plot_teacher_inputs(inputs)
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "Zero-DCE"
    plt.close(ax.figure)


@pytest.fixture()
def method_rows():
    rows = [{"method": key, "seed": s, "metric": "video_acc1", "value": 0.3 + 0.1 * i + 0.01 * s}
            for i, (key, *_rest) in enumerate(METHODS) for s in (0, 1)]  # fmt: skip
    costs = pd.DataFrame({"deployment": ["student", "enhance+classify", "two-stream"],
                          "params": [300_000, 380_000, 680_000], "gflops": [0.1, 0.3, 0.5]})  # fmt: skip
    return pd.DataFrame(rows), costs


def test_method_table_has_the_papers_shape(method_rows):
    table = method_table(*method_rows)
    assert list(table["method"]) == [label for _, label, *_ in METHODS]
    assert list(table.columns[:3]) == ["method", "training input", "inference input"]
    dlkdd = table.set_index("method").loc["DL-KDD student"]
    assert dlkdd["inference input"] == "dark" and dlkdd["× one backbone"] == 1.0 and dlkdd["seeds"] == 2
    assert dlkdd["top-1 (%)"] == pytest.approx(100 * (0.3 + 0.4 + 0.005))
    assert table.set_index("method").loc["two-stream dark + enhanced (late fusion)", "× one backbone"] == 5.0
    with pytest.raises(ValueError, match="lacks deployments"):
        method_table(method_rows[0], method_rows[1].iloc[:1])


def test_comparison_figures(method_rows, tmp_path):
    table = method_table(*method_rows)
    _draw_twice(tmp_path / "c", lambda: plot_accuracy_vs_cost(table))
    predictions = pd.DataFrame({"video_id": list("abcd"), "label": [0, 0, 1, 2], "pred": [0, 1, 1, 2]})
    matrix = confusion_matrix(predictions, 3)
    assert np.allclose(matrix, [[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]])
    _draw_twice(tmp_path / "m", lambda: plot_confusions({"teacher": predictions, "student": predictions}, list("xyz")))
    clip = np.zeros((4, 8, 8, 3), np.uint8)
    _draw_twice(tmp_path / "p", lambda: plot_dark_vs_enhanced_panel({"Drink": {"dark": clip, "gamma": clip + 9}}))
    with pytest.raises(ValueError, match="expected uint8"):
        plot_dark_vs_enhanced_panel({"Drink": {"dark": clip.astype(float)}})


def test_paper_numbers_keep_their_sources_and_stay_apart_from_the_kits():
    paper = paper_results()
    assert paper["source"].str.len().min() > 10
    from dlkdd_lite.data.registry import get_dataset

    # `dlkdd reproduce --dataset NAME` files the kit's number under the registry's title
    assert {get_dataset(n).title for n in ("arid", "arid1.5", "dark48")} <= set(paper["dataset"])
    top1 = paper[(paper["metric"] == "top1") & (paper["method"] == "DL-KDD")].set_index("dataset")["value"]
    assert top1.to_dict() == {"ARID v1.0": 97.64, "ARID V1.5": 88.12, "Dark-48": 52.26}
    table = paper_vs_kit({"ARID v1.0": 61.0}, kit_label="paper tier, r2plus1d_18")
    arid = table[(table["dataset"] == "ARID v1.0") & (table["method"] == "DL-KDD")].iloc[0]
    assert arid["paper top-1 (%)"] == 97.64 and arid["kit top-1 (%), measured"] == 61.0
    others = table[(table["dataset"] != "ARID v1.0") | (table["method"] != "DL-KDD")]
    assert others["kit top-1 (%), measured"].isna().all()
    text = to_markdown(table, title="t", note="n")
    assert text.startswith("### t") and "| ARID v1.0 | DL-KDD | 97.64 |" in text and text.rstrip().endswith("n")
