# %% [markdown]
# # 06 · Worked solutions
# The solutions to the exercises of `06_paper_figures.ipynb`. `dlkdd notebooks` (and the tests) run each in
# place of its empty exercise cell, then write the executed solutions apart. A cell tagged `solution-N`
# belongs to exercise N.

# %% tags=["solution-1"]
table = pd.read_csv(figures / "tables" / "table1.csv").set_index("method")
student = table.loc["DL-KDD student"]
pd.DataFrame({"x student's GFLOPs": table["GFLOPs/clip"] / student["GFLOPs/clip"],
              "points vs student": table["top-1 (%)"] - student["top-1 (%)"]}).round(2)

# %% tags=["solution-2"]
import numpy as np


def my_confusion_matrix(predictions, num_classes):
    """Row-normalised: entry (i, j) = share of class i's videos predicted as j; zeros for an empty class."""
    counts = np.zeros((num_classes, num_classes))
    for label, pred in zip(predictions["label"], predictions["pred"]):
        counts[label, pred] += 1
    totals = counts.sum(axis=1, keepdims=True)  # videos per true class
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


# %% tags=["solution-3"]
from dlkdd_lite.experiments.sweep import Cell, cell_dir

temperature, alpha = plan.headline
seed = plan.seeds[0]
read = lambda run: pd.read_csv(run / "predictions.csv").set_index("video_id")["correct"].astype(bool)
baseline = read(cell_dir(out / "sweep", Cell(temperature, 0.0, seed)))
dlkdd = read(cell_dir(out / "sweep", Cell(temperature, alpha, seed)))
pairs = pd.crosstab(baseline.rename("baseline right"), dlkdd.reindex(baseline.index).rename("student right"))
pairs = pairs.reindex(index=[False, True], columns=[False, True], fill_value=0)  # a count of 0 still shows
print(f"seed {seed}, {len(baseline)} test videos: only the student right {int(pairs.loc[False, True])}, "
      f"only the baseline right {int(pairs.loc[True, False])}")
pairs

# %% [markdown] tags=["solution-3"]
# The videos both get right, or both get wrong, say nothing about which model is better; only the two
# off-diagonal counts do. Two accuracies that differ by four points can hide "the student is right on 4
# videos the baseline misses and wrong on none" (a consistent gain) or "right on 10 more and wrong on 6
# more" (a reshuffle). McNemar's test asks whether the split of those discordant videos could be a coin
# flip: with few of them, it usually could. Pairing on the same videos, and likewise on the same seed, is
# what makes a small test set tell something.
