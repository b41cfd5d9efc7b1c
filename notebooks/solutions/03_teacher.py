# %% [markdown]
# # 03 · Worked solutions
# The solutions to the exercises of `03_teacher.ipynb`. `dlkdd notebooks` (and the tests) run each in place
# of its empty exercise cell, then write the executed solutions apart. A cell tagged `solution-N` belongs
# to exercise N.

# %% tags=["solution-1"]
import torch.nn.functional as F


def my_train_step(model, optimizer, clips, labels):
    """One optimisation step with cross-entropy: returns the batch's loss (before the update)."""
    logits = model(clips)  # (B, K)
    loss = F.cross_entropy(logits, labels)
    optimizer.zero_grad()  # gradients add up in .grad: clear the last step's
    loss.backward()
    optimizer.step()
    return loss.item()


# %% tags=["solution-2"]
confusion = pd.crosstab(predictions["class"], [CLASSES[i] for i in predictions["pred"]])
mistakes = confusion.stack()
mistakes = mistakes[[true != predicted for true, predicted in mistakes.index]].sort_values(ascending=False)
mistakes.rename_axis(["true action", "predicted"]).rename("videos").head(3)

# %% tags=["solution-3"]
import dataclasses

histeq = dataclasses.replace(config, enhancer="histeq", enhancer_weights=None, epochs=3)
fit(histeq, DATA_DIR, Path(RUNS_DIR) / "exercises" / "teacher_histeq")
both = pd.concat([rows[rows["epoch"] < 3], read_metrics(Path(RUNS_DIR) / "exercises" / "teacher_histeq")])
plot_training_curves(both, metric="video_acc1", chance=1 / len(CLASSES))
plt.show()

# %% [markdown] tags=["solution-3"]
# Very little. After three epochs both teachers are barely trained (compare the curves with the chance
# line), and the two runs also differ in their random draws; a few points between them is within what a
# different seed would change. Notebook 06 (figure 3) compares teachers per enhancer after full training,
# over several seeds.
