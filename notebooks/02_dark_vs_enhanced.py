# %% [markdown]
# # 02 · Dark versus enhanced
#
# **The question.** What does enhancement do to a dark clip, what does it cost, and what can it add that a
# network could not work out from the dark clip itself?
#
# **What you will see.** Gamma correction (`out = in^(1/γ)`, γ > 1 brightens) and histogram equalisation
# side by side; what they do to the pixel histograms and to the noise; why a global brightness curve such
# as gamma is something a network can learn away, which is why DL-KDD's teacher uses a learned enhancer
# (Zero-DCE, notebook 02b); an interactive explorer; and the sample the dataset hands to the models: a
# *dark* and an *enhanced* view of the same frames and crop.
#
# **Runtime.** About 10 s, worked solutions included (measured 2026-12-01 on a 2-core CPU with AVX-512 that
# other jobs were sharing, so an idle one may be faster; a CPU without AVX-512 takes about 2.5 times as
# long).

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
GAMMA = 1.8                     # DarkLight's default gamma (Chen et al., 2021)
CLASSES = ["Walk", "Run", "Drink", "Pour"]

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from dlkdd_lite.data.video import read_clip
from dlkdd_lite.enhance.enhancers import gamma_correct, histogram_equalize
from dlkdd_lite.viz.frames import channel_histograms, frame_grid, plot_level_mapping
from dlkdd_lite.viz.plots import save_figure

root = Path(DATA_DIR)
clips = {name: torch.from_numpy(read_clip(root / name / f"{name}_1_1.mp4")) for name in CLASSES}

# %% [markdown]
# ## The gamma curve
# Dark levels are stretched a lot, bright ones hardly at all.

# %%
x = torch.linspace(0, 1, 256)
fig, ax = plt.subplots(figsize=(4.5, 3.2))
for g in (1.0, GAMMA, 2.5, 4.0):
    ax.plot(x, gamma_correct(x, g), label=f"gamma {g}")
ax.axvspan(0, 0.15, color="grey", alpha=0.2, label="where dark video lives")
ax.set(xlabel="dark pixel value (fraction of full scale)", ylabel="enhanced value (fraction of full scale)",
       title="gamma correction: out = in^(1/gamma)")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Side by side

# %%
clip = clips[CLASSES[0]]
views = {"dark": clip.numpy(), f"gamma {GAMMA}": gamma_correct(clip, GAMMA).numpy(),
         "histeq": histogram_equalize(clip).numpy()}
fig = frame_grid(views, title=f"{CLASSES[0]}: dark, gamma-corrected and histogram-equalised")
save_figure(fig, Path(FIGURES_DIR) / "02_dark_vs_enhanced")
plt.show()

# %% [markdown]
# ## Histograms
# Enhancement moves the mass of the histogram up. It cannot add information: the dark clip's few levels
# are spread apart, gaps and noise included.

# %%
channel_histograms(views)
plt.show()
for name, view in views.items():
    v = torch.from_numpy(view).float() / 255
    noise = (v[1:] - v[:-1]).std().item()  # frame-to-frame change: mostly sensor noise here
    levels = len(torch.unique(torch.from_numpy(view[..., 1])))  # one channel: histeq has a table per channel
    print(f"{name:>10}: mean {v.mean():.3f}, distinct green levels {levels}, "
          f"frame-to-frame std {noise:.3f}")

# %% [markdown]
# The enhanced views have no more distinct levels in a channel than the dark one (a lookup table can merge
# levels, never create them), and their frame-to-frame noise grows with their brightness.
#
# ## What can a network learn away?
# Gamma and histogram equalisation are *global curves*: every pixel with the same dark value gets the same
# enhanced value, wherever it is. Plotting enhanced against dark value over all pixels of the clip draws
# thin lines (histogram equalisation has one table per colour channel):

# %%
plot_level_mapping(views["dark"], {k: v for k, v in views.items() if k != "dark"})
plt.show()

# %% [markdown]
# A network sees such a curve as a small change of its input. Normalisation (subtracting a mean and
# dividing by a standard deviation; batch normalisation does it inside the network) can remove a
# brightness *gain* completely, and what remains of gamma is one fixed, smooth, monotone function of the
# pixel value, which a first layer can approximate. One way to see it: standardise each view (zero mean,
# unit standard deviation) and correlate it with the standardised dark clip, pixel by pixel.

# %%
def standardise(view) -> torch.Tensor:
    v = torch.as_tensor(view).double()
    return ((v - v.mean()) / v.std()).flatten()


dark_std = standardise(views["dark"])
comparisons = {"3x brighter (a gain)": 3 * clip.double(), **{k: v for k, v in views.items() if k != "dark"}}
for name, view in comparisons.items():
    r = torch.corrcoef(torch.stack([dark_std, standardise(view)]))[0, 1]
    print(f"{name:>22}: correlation with the dark clip after standardising {r:.3f}")

# %% [markdown]
# A gain correlates perfectly once standardised: the network cannot even see it. Gamma's curve leaves the
# standardised clip almost unchanged. Histogram equalisation bends it more (its correlation is lower), but
# it too only relabels the levels: pixels keep their order, and equal dark values stay equal. What such
# curves show a teacher, the student could in principle see in the dark clip: the same pixels, in the
# same order, with the same noise. An enhancer that looks at each pixel's
# *neighbourhood* and brightens different places differently is another matter: its output is no longer a
# function of the pixel value alone, so no per-pixel curve undoes it. Zero-DCE (notebook 02b) is such an
# enhancer, and DL-KDD's teacher uses it. Whether it makes a better teacher *here* is measured, not argued:
# notebook 06's figure 3 trains one teacher per enhancer.
#
# One caveat to "the network can learn it away" comes at the end of this notebook: what the models
# actually receive.
#
# ## Explore
# Drag the sliders (in JupyterLab). When this notebook runs headless (tests, `make demo`), the explorer
# draws a static grid instead.

# %%
from dlkdd_lite.viz.widgets import gamma_explorer

gamma_explorer(clips[CLASSES[1]].numpy())

# %% [markdown]
# ## What the models receive
# The dataset returns the views a run needs (a teacher: the enhanced one; a student in training: both), cut
# from **the same frames and the same crop**, normalised, as `(C, T, H, W)`. Here both views are asked for:

# %%
from dlkdd_lite.data.dataset import DarkVideoDataset
from dlkdd_lite.presets import preset

config = preset("quick", role="teacher", enhancer="gamma", gamma=GAMMA, cache=False)  # cache=False: decode
dataset = DarkVideoDataset.from_config(config, root, "train", views=("dark", "enhanced"))  # only the clip asked for
sample = dataset[0]
{key: (tuple(v.shape), v.dtype) if torch.is_tensor(v) else v for key, v in sample.items()}

# %% [markdown]
# The dataset normalises with *fixed* statistics (`config.norm`: ImageNet's, as ARID's authors' code does
# and as networks pretrained on normally lit video expect), not with each clip's own. Where does each view
# land, and how large is the step a convolution meets at the clip's border, where it pads with zeros?

# %%
print(f"normalised with {config.norm!r} statistics:")
for view in ("dark", "enhanced"):
    x = sample[view]
    print(f"{view:>9}: mean {x.mean():+.2f}, spread (sd) {x.std():.2f}; "
          f"the zero padding at its border is a step of {abs(x.mean()) / x.std():.0f} spreads")

# %% [markdown]
# The dark clip sits far below zero with a small spread, so at its border the first layer of a network
# meets a step many times larger than anything inside the clip. Gamma lifts the clip part of the way;
# Zero-DCE, the teacher's enhancer (notebook 02b), brings it near zero, with a step smaller than its
# spread. Normalised with statistics of dark video (`norm="arid"`, ARID's published ones) the dark clip
# would sit near zero too. Notebook 04 shows what this one setting does to the comparison of teacher and
# baseline.
#
# ## Exercises
# Each exercise has an empty cell for you; the worked solutions are in `solutions/02_dark_vs_enhanced.py`,
# and executed in the book (`make book`).
#
# **Exercise 1 · The gamma lookup table (core).** A uint8 clip has only 256 possible values, so gamma
# correction is done once per value, in a table, and applied by indexing. Write `my_gamma_lut(gamma)`
# returning the 256-entry uint8 table of `round(255 · (v / 255)^(1/gamma))` for v = 0 … 255, then apply it
# to a clip with `table[clip.long()]`. The next cell checks it against `gamma_correct`.

# %% tags=["exercise-1"]
# your code here

# %% tags=["check-1"]
from dlkdd_lite.tutorial.checks import check

check("gamma_lut", globals());

# %% [markdown]
# **Exercise 2 · How much gamma?** Which gamma brings the mean pixel of the dark `Walk` clip to about 0.4?

# %% tags=["exercise-2"]
# your code here

# %% [markdown]
# **Exercise 3 · Global, but per clip.** Show that gamma correction is monotone (it never swaps the order
# of two levels), and that histogram equalisation of two *different* clips can map the same input level to
# different outputs. What does that mean for a network that sees histogram-equalised clips?

# %% tags=["exercise-3"]
# your code here

# %% [markdown]
# ## Summary
# - Gamma correction and histogram equalisation brighten dark clips but add no information: no new
#   levels, and the noise grows with the brightness.
# - Both are global curves of the pixel value; after standardisation a network sees a gain not at all and
#   gamma as a small fixed distortion, which is why DL-KDD's teacher uses a learned, spatially varying
#   enhancer (02b).
# - The dataset hands the models a dark and an enhanced view of the same frames and crop.
#
# **Limits.** The correlations are one clip's; "a network can learn it away" is an argument about what
# the input contains, not a measurement of accuracy. Measured on the quick tier's data (notebook 06,
# figure 3; one teacher per enhancer), the Zero-DCE teacher did best (84 % against gamma's 77 % and
# histogram equalisation's 75 %, on 2026-12-02); from random weights, before the kit started from
# normal-light ones, a gamma teacher had done as well: a curve that adds no information can still make a
# small network's training easier.
#
# **This notebook wrote** `FIGURES_DIR/02_dark_vs_enhanced.png` and `.pdf`. **Next:** 02b_zerodce trains
# the learned enhancer, then 03_teacher trains a model on the enhanced view.
#
# **References.** Chang, Chen & Tseng (2024), DL-KDD, arXiv:2406.02468 · Xu et al. (2020), ARID,
# arXiv:2006.03876 · Guo et al. (2020), Zero-DCE, CVPR, arXiv:2001.06826 · Hinton, Vinyals & Dean (2015),
# knowledge distillation, arXiv:1503.02531 · Chen et al. (2021), *DarkLight Networks for Action
# Recognition in the Dark*, CVPR workshops (gamma 1.8).
