# %% [markdown]
# # 02b · Worked solutions
# The solutions to the exercises of `02b_zerodce.ipynb`. `dlkdd notebooks` (and the tests) run each in
# place of its empty exercise cell, then write the executed solutions apart. A cell tagged `solution-N`
# belongs to exercise N.

# %% tags=["solution-1"]
import torch


def my_apply_curves(images, maps):
    """Eight quadratic curves, one after another: x <- x + r_n * (x^2 - x), r_n = maps[:, 3n:3n+3]."""
    x = images  # (N, 3, H, W)
    for n in range(maps.shape[1] // 3):
        r = maps[:, 3 * n : 3 * n + 3]  # (N, 3, H, W): this curve's R, G, B maps
        x = x + r * (x * x - x)
    return x


# %% [markdown] tags=["solution-1"]
# Each step is $f(x) = x + r(x^2 - x) = (1 - r)\,x + r\,x^2$. For $r \in [-1, 1]$: $f(0) = 0$, $f(1) = 1$,
# and $f'(x) = 1 - r + 2rx \ge 0$ on [0, 1] (it is linear in $x$, and $1 + r \ge 0$ at $x = 1$,
# $1 - r \ge 0$ at $x = 0$). So every step maps [0, 1] onto itself without changing the order of levels,
# and so do eight. Negative $r$ bends the curve upwards: dark levels rise.

# %% tags=["solution-2"]
from dlkdd_lite.data.splits import read_split_file

test = read_split_file(find_split_file(DATA_DIR, 1, "test"))
sample = test[:: max(len(test) // 12, 1)]  # about a dozen test clips, evenly over the list
stats = pd.DataFrame([quality_stats(enhancers["Zero-DCE"](torch.from_numpy(read_clip(Path(DATA_DIR) / e.relpath))))
                      for e in sample])
print(f"{len(sample)} test clips:")
print(stats[["mean_brightness", "clipped_fraction"]].describe().loc[["mean", "min", "max"]].round(3))
on_target = stats["mean_brightness"].between(0.4, 0.6) & (stats["clipped_fraction"] <= 0.01)
print(f"on target: {on_target.sum()} of {len(stats)}")

# %% tags=["solution-3"]
import copy

from dlkdd_lite.enhance.zerodce import zerodce_enhance

flat = copy.deepcopy(model)
torch.nn.init.zeros_(flat.convs[6].weight)
torch.nn.init.zeros_(flat.convs[6].bias)
print("unchanged:", torch.equal(zerodce_enhance(clip, flat), clip))

# %% [markdown] tags=["solution-3"]
# The last layer's output goes through tanh: with zero weights and bias every map is $r = \tanh(0) = 0$,
# and $x + 0 \cdot (x^2 - x) = x$. The enhancer is the identity (up to the uint8 round trip, which here
# gives back exactly the same values).
