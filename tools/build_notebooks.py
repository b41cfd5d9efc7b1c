"""Build notebooks/NN_*.ipynb from the cell sources below (stripped: no outputs).

The notebooks are the product; this script keeps them easy to edit and review as Python.
Run: .venv/bin/python tools/build_notebooks.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is a folder of scripts, not a package
from nbkit import PATHS, ROOT, code, md, params, solution  # noqa: E402

NOTEBOOKS = {}

NOTEBOOKS["00_tour"] = [
    md("""
# 00 · A tour of DL-KDD and a set-up check

**The question.** How do you recognise actions in *dark* video without paying for image enhancement at
inference time?

**What you will see here.** The idea of DL-KDD (Chang, Chen & Tseng, 2024) in one picture and one formula,
a check that your installation works, and where the kit puts things. Then notebooks 01 → 04 walk the whole
pipeline on a small generated dataset that runs on a laptop CPU in minutes.
"""),
    md(r"""
## The idea

```
 training                                              inference
 ────────                                              ─────────
 dark clip ──► enhance (gamma) ──► TEACHER ──► soft targets
     │                                            │ KL (weight α, temperature T)
     └──────────────────────────────► STUDENT ◄───┘ + cross-entropy with the label     dark clip ──► STUDENT ──► action
```

1. A **teacher** learns from *enhanced* clips (brighter, easier to see).
2. A **student** learns from the *original dark* clips, with two targets: the label and the teacher's
   temperature-softened predictions on the enhanced view of the *same* clip.
3. At test time only the student runs, on dark video: one backbone, no enhancement module.

The student's loss (Hinton et al., 2015), with student logits $s$, teacher logits $t$, label $y$:

$$\mathcal{L} = \alpha\, T^2\, \mathrm{KL}\big(\mathrm{softmax}(t/T)\,\|\,\mathrm{softmax}(s/T)\big) + (1-\alpha)\,\mathrm{CE}(s, y)$$

$\alpha = 0$ is a student trained without distillation: our **baseline**.
"""),
    params(PATHS),
    md(
        "## Set-up check\nVersions of what the kit relies on, and the device it will train on (`auto` picks CUDA, then Apple's MPS, then the CPU)."
    ),
    code("""
import platform

import torch  # before decord: see the README's note on decord2
import decord
import numpy as np
import torchvision

import dlkdd_lite
from dlkdd_lite.device import resolve_device

print(f"python       {platform.python_version()}")
print(f"torch        {torch.__version__} (threads: {torch.get_num_threads()})")
print(f"torchvision  {torchvision.__version__}")
print(f"decord       {decord.__version__}")
print(f"numpy        {np.__version__}")
print(f"dlkdd_lite   {dlkdd_lite.__version__}")
print(f"device       {resolve_device('auto')}")
"""),
    md("""
## Where things go

| folder | what | written by |
|---|---|---|
| `data/quick/` | generated dark videos in ARID's layout | notebook 01 / `dlkdd synth` |
| `runs/quick/` | one folder per training run | notebooks 03, 04 / `dlkdd train` |
| `figures/` | figures as PNG and PDF | notebooks 02, 04 |
| `build/notebooks/` | executed copies of these notebooks | `make demo` |

**Two tiers, one code path.** The *quick* tier (this one) uses generated data, the 0.3 M-parameter `tiny3d`
network and 8-frame 56×56 clips on a CPU. The *paper* tier runs the same functions on ARID, ARID V1.5 or
Dark-48 with torchvision's `r2plus1d_18` on a GPU (the real-data notebook comes with the datasets work).
"""),
    md("## A first look at a model\nA video model maps a batch of clips `(B, C, T, H, W)` to logits `(B, classes)`."),
    code("""
import time

from dlkdd_lite.models import build_model, count_parameters

model = build_model("tiny3d", num_classes=11)
clips = torch.randn(2, 3, 8, 56, 56)  # (B, C, T, H, W)
start = time.perf_counter()
with torch.no_grad():
    logits = model(clips)
print(f"tiny3d: {count_parameters(model):,} parameters; logits {tuple(logits.shape)}; "
      f"forward of 2 clips in {1000 * (time.perf_counter() - start):.1f} ms")
"""),
    md("""
## What this notebook wrote
Nothing. Next: **01_data** generates the dark videos that notebooks 02-04 use.

## Exercises
1. Build `r2plus1d_18` with `build_model` and compare its parameter count with `tiny3d`'s.
2. Time the `tiny3d` forward pass for a batch of 16 clips. How many clips per second is that?
"""),
    solution("""
big = build_model("r2plus1d_18", num_classes=11)
print(f"r2plus1d_18 has {count_parameters(big) / count_parameters(model):.0f}x the parameters of tiny3d")
"""),
    solution("""
batch = torch.randn(16, 3, 8, 56, 56)
with torch.no_grad():
    start = time.perf_counter()
    model(batch)
print(f"{16 / (time.perf_counter() - start):.0f} clips/s (forward only)")
"""),
]

NOTEBOOKS["01_data"] = [
    md("""
# 01 · Dark videos in ARID's layout

**The question.** What does a dark-video action dataset look like on disk and on screen?

**What you will learn.** ARID's folder layout and split-file format (the same the real datasets use), how
the kit generates a small dataset that mimics it, and how dark these clips really are.
The generator renders ARID v1.0's 11 actions as a figure moving in a room, then films it with a simulated
low-light camera (dim, uneven light; photon and read noise; 8-bit quantisation; H.264 encoding).
"""),
    params(
        PATHS
        + """
SYNTH = dict(seed=0)            # generator knobs: actors, test_actors, clips_per_actor, num_frames, size, ...
REAL_DATASET = "arid"           # the real dataset to look at: "arid", "arid1.5" or "dark48"
REAL_ROOT = "../data/arid"      # its folder (what `dlkdd download --root` and `dlkdd train --data` take)
REAL_URL = ""                   # paste the link ARID's authors sent you (Google Drive, OneDrive, https); "" skips
REAL_ARCHIVE = ""               # or the archive you downloaded yourself (zip, tar.gz; Dark-48 from Baidu); "" skips"""
    ),
    md("## Generate\nIdempotent: running it again keeps what is there. Same seed, same bytes."),
    code("""
from pathlib import Path

from dlkdd_lite.synth import generate_dataset

summary = generate_dataset(DATA_DIR, **SYNTH)
summary
"""),
    md(
        "## The layout\n`<root>/<Class>/<Class>_<actor>_<clip>.mp4`, exactly as ARID's released clips. The split lists sit in `splits/`."
    ),
    code("""
root = Path(DATA_DIR)
for folder in sorted(p for p in root.iterdir() if p.is_dir())[:3]:
    files = sorted(folder.iterdir())
    print(f"{folder.name}/  ({len(files)} files)  e.g. {', '.join(f.name for f in files[:3])}")
print()
print("".join((root / "splits" / "ARID_split1_train.txt").read_text().splitlines(keepends=True)[:4]))
"""),
    md(
        "Each line is `<index>\\t<label>\\t<Class>/<file>`, with ARID's label ids (0 Drink … 10 Wave). The test split holds out whole actors, as ARID holds out subjects."
    ),
    code("""
import pandas as pd

from dlkdd_lite.splits import ARID_CLASSES, read_split_file

rows = [{"split": subset, "class": e.relpath.split("/")[0]}
        for subset in ("train", "test")
        for e in read_split_file(root / "splits" / f"ARID_split1_{subset}.txt")]
counts = pd.DataFrame(rows).value_counts().unstack("split").reindex(ARID_CLASSES)
counts.plot.bar(figsize=(7, 2.5), title="clips per class and split")
counts.T
"""),
    md(
        "## Decode a clip\n`read_clip` is the kit's only door to the decoder (decord). It returns `uint8 (T, H, W, C)`."
    ),
    code("""
import numpy as np

from dlkdd_lite.video import read_clip

clip = read_clip(root / "Walk" / "Walk_1_1.mp4")
print(clip.shape, clip.dtype, f"mean pixel {clip.mean() / 255:.3f} of full scale")
"""),
    md(
        "## How dark?\nARID v1.0's mean pixel is about 0.08 of full scale (its authors publish RGB means of 0.080, 0.074, 0.072). Ours:"
    ),
    code("""
from dlkdd_lite.viz import frame_grid

dark = {name: read_clip(root / name / f"{name}_1_1.mp4") for name in ARID_CLASSES}
means = pd.Series({name: c.mean() / 255 for name, c in dark.items()}, name="mean pixel")
print(f"mean pixel over classes: {means.mean():.3f}  (ARID v1.0: about 0.075)")
frame_grid({name: dark[name] for name in ("Walk", "Run", "Sit", "Stand")}, title="dark frames as recorded")
"""),
    md(
        "Hard to see anything. Notebook 02 is about making these frames visible. A quick preview with a strong gamma, one row per class:"
    ),
    code("""
from dlkdd_lite.enhance import gamma_correct
import torch

preview = {name: gamma_correct(torch.from_numpy(c), 2.5).numpy() for name, c in dark.items()}
frame_grid(preview, frames=[0, 5, 10, 15], title="the same clips, gamma 2.5 (for display only)")
"""),
    md("""
## Real data: ARID, ARID V1.5, Dark-48
The paper tier uses the real datasets, and none has a public download link:

- **ARID v1.0 / V1.5**: write to ARID's first author (xuyu0014@e.ntu.edu.sg, as github.com/xuyu0010/ARID_v1
  says) asking for the download link, for research. The link usually comes as a Google Drive or OneDrive share.
- **Dark-48**: download the archive from the Baidu Netdisk link in github.com/yzfly/Dark48 (browser or Baidu's
  client), then give its path.

Paste the link into `REAL_URL` (or the file's path into `REAL_ARCHIVE`) in the parameters cell and run the
cells below: the download resumes if interrupted, the archive is checked and unpacked safely, and the official
split lists are installed beside the clips (ARID's ship with the kit; Dark-48's are fetched from GitHub, pinned).
The same from a terminal: `dlkdd download arid --root data/arid --url '<link>'`, then `dlkdd verify arid --root data/arid`.
Without a link or archive, nothing is downloaded and the notebooks use the generated data. More: `docs/datasets.md`.
"""),
    code("""
from dlkdd_lite.registry import dataset_status, get_dataset, load_registry

pd.DataFrame([{"name": name, "dataset": info.title, "classes": len(info.classes), "clips": info.expected_clips,
               "splits": list(info.splits), "lists": info.raw["lists"]["source"]}
              for name, info in load_registry().items()]).set_index("name")
"""),
    code("""
from dlkdd_lite.download import download_dataset

info = get_dataset(REAL_DATASET)
if REAL_URL or REAL_ARCHIVE:
    manifest = download_dataset(REAL_DATASET, REAL_ROOT, url=REAL_URL or None,
                                archives=[REAL_ARCHIVE] if REAL_ARCHIVE else [])
    print(f"{info.title}: {manifest['status']}, {manifest['clips']} clips in {REAL_ROOT}")
else:
    print(f"No link or archive given for {info.title}. How to get it:")
    for step in info.raw["obtain"]:
        print("  -", step)
print(f"status of {REAL_ROOT}: {dataset_status(REAL_DATASET, REAL_ROOT)}")
"""),
    md(
        "`verify` counts, for every official list, the clips present, missing and (when decoding is on) unreadable, and writes `verify.json` into the dataset folder. Then a look at real dark clips, if there are any."
    ),
    code("""
from dlkdd_lite.registry import detect_layout
from dlkdd_lite.verify import format_report, verify_dataset
from dlkdd_lite.video import video_num_frames

real = Path(REAL_ROOT)
if (real / "dataset.json").is_file():
    print(format_report(verify_dataset(real, REAL_DATASET, probe=False)))
    layout = detect_layout(real)
    picks = [next(iter(sorted((layout.clips_dir / name).glob("*"))), None) for name in layout.classes[:4]]
    real_clips = {p.parent.name: read_clip(p, np.linspace(0, video_num_frames(p) - 1, 4).round().astype(int))
                  for p in picks if p is not None}
    frame_grid(real_clips, title=f"{info.title}: real dark frames, 4 evenly spaced per clip")
    frame_grid({k: gamma_correct(torch.from_numpy(c), 2.5).numpy() for k, c in real_clips.items()},
               title="the same, gamma 2.5 (for display only)")
else:
    print(f"No {info.title} in {real} (no dataset.json there): falling back to the generated data in {DATA_DIR}, "
          "which every later notebook uses by default. Set REAL_URL or REAL_ARCHIVE above to get the real one.")
"""),
    md("""
## What this notebook wrote
`DATA_DIR`: the clips, `splits/ARID_split1_{train,test}.txt` and `synth.json`; with a link or archive given,
`REAL_ROOT` too: `clips/`, `splits/`, `dataset.json` and `verify.json`. Next: **02_dark_vs_enhanced**.

## Exercises
1. Which class has the darkest clips on average, and why might that be (think of where the lamp is)?
2. Generate a second, *darker* dataset (`brightness=0.03`) with 2 actors and 1 clip each in another folder,
   and compare its mean pixel with the default's.
"""),
    solution("""
print(means.sort_values().head(3))
print("The lamp's position is random per clip; classes whose clips put the actor far from it look darker.")
"""),
    solution("""
darker_root = Path(DATA_DIR).parent / "quick_darker"
generate_dataset(darker_root, seed=0, actors=2, test_actors=1, clips_per_actor=1, num_frames=16, brightness=0.03)
darker = read_clip(darker_root / "Walk" / "Walk_1_1.mp4")
print(f"mean pixel: default {clip.mean() / 255:.3f}, darker {darker.mean() / 255:.3f}")
"""),
]

NOTEBOOKS["02_dark_vs_enhanced"] = [
    md("""
# 02 · Dark versus enhanced

**The question.** What does enhancement do to a dark clip, and what does it cost?

**What you will learn.** Gamma correction (`out = in^(1/γ)`, γ > 1 brightens) and histogram equalisation,
side by side; what they do to the pixel histograms (and to the noise); an interactive explorer; and the
sample the dataset hands to the models: a *dark* and an *enhanced* view of the same frames and crop.
"""),
    params(
        PATHS
        + """
GAMMA = 1.8                     # the teacher's enhancement (DarkLight's default)
CLASSES = ["Walk", "Run", "Drink", "Pour"]"""
    ),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from dlkdd_lite.enhance import gamma_correct, histogram_equalize
from dlkdd_lite.plots import save_figure
from dlkdd_lite.video import read_clip
from dlkdd_lite.viz import channel_histograms, frame_grid

root = Path(DATA_DIR)
clips = {name: torch.from_numpy(read_clip(root / name / f"{name}_1_1.mp4")) for name in CLASSES}
"""),
    md("## The gamma curve\nDark levels are stretched a lot, bright ones hardly at all."),
    code("""
x = torch.linspace(0, 1, 256)
fig, ax = plt.subplots(figsize=(4, 3))
for g in (1.0, 1.8, 2.5, 4.0):
    ax.plot(x, gamma_correct(x, g), label=f"gamma {g}")
ax.axvspan(0, 0.15, color="grey", alpha=0.2, label="where dark video lives")
ax.set(xlabel="input level", ylabel="output level", title="out = in^(1/gamma)")
ax.legend(fontsize=8);
"""),
    md("## Side by side"),
    code("""
clip = clips[CLASSES[0]]
views = {"dark": clip.numpy(), f"gamma {GAMMA}": gamma_correct(clip, GAMMA).numpy(), "histeq": histogram_equalize(clip).numpy()}
fig = frame_grid(views, title=f"{CLASSES[0]}: dark vs enhanced")
save_figure(fig, Path(FIGURES_DIR) / "02_dark_vs_enhanced")
fig
"""),
    md(
        "## Histograms\nEnhancement moves the mass of the histogram up. It cannot add information: the dark clip's few levels are spread apart, gaps and noise included."
    ),
    code("""
channel_histograms(views);
"""),
    code("""
for name, view in views.items():
    v = torch.from_numpy(view).float() / 255
    noise = (v[1:] - v[:-1]).std().item()  # frame-to-frame change: mostly sensor noise here
    print(f"{name:>10}: mean {v.mean():.3f}, distinct levels {len(torch.unique(torch.from_numpy(view)))}, "
          f"frame-to-frame std {noise:.3f}")
"""),
    md(
        "## Explore\nDrag the sliders (in JupyterLab). When this notebook runs headless (tests, `make demo`), the explorer draws a static grid instead."
    ),
    code("""
from dlkdd_lite.widgets import gamma_explorer

gamma_explorer(clips[CLASSES[1]].numpy())
"""),
    md(
        "## What the models receive\nThe dataset returns both views, cut from **the same frames and the same crop**, normalised, as `(C, T, H, W)`."
    ),
    code("""
from dlkdd_lite.datasets import DarkVideoDataset

dataset = DarkVideoDataset(root, root / "splits" / "ARID_split1_train.txt", train=True, gamma=GAMMA)
sample = dataset[0]
{key: (tuple(v.shape), v.dtype) if torch.is_tensor(v) else v for key, v in sample.items()}
"""),
    md("""
## What this notebook wrote
`FIGURES_DIR/02_dark_vs_enhanced.png` and `.pdf`. Next: **02b_zerodce** (a learned enhancer), then
**03_teacher**, which trains a model on the enhanced view.

## Exercises
1. Which gamma brings the mean pixel of the dark `Walk` clip to about 0.4?
2. Show that gamma correction is monotone (it never swaps the order of two levels) but histogram
   equalisation of two *different* clips can map the same input level to different outputs.
"""),
    solution("""
for g in np.arange(1.0, 6.01, 0.25):
    if gamma_correct(clips["Walk"], float(g)).float().mean() / 255 >= 0.4:
        print(f"gamma {g:.2f} gives mean {gamma_correct(clips['Walk'], float(g)).float().mean() / 255:.3f}")
        break
"""),
    solution("""
levels = torch.arange(256, dtype=torch.uint8)
assert torch.all(gamma_correct(levels, GAMMA).diff() >= 0)
a, b = clips[CLASSES[0]], clips[CLASSES[1]]
level = 10
out_a = histogram_equalize(a)[a == level]
out_b = histogram_equalize(b)[b == level]
print(f"level {level} -> {out_a[:1].tolist()} in one clip, {out_b[:1].tolist()} in the other")
"""),
]

NOTEBOOKS["02b_zerodce"] = [
    md(r"""
# 02b · Zero-DCE: an enhancer that learns from dark frames alone

**The question.** Can a network learn to brighten dark frames without ever seeing a well-lit reference?

**What you will learn.** Zero-DCE (Guo et al., CVPR 2020), the enhancer DL-KDD's teacher uses: a small CNN
(DCE-Net, about 79 k parameters) predicts, for every pixel, eight quadratic curves
$LE(x) = x + r\,(x^2 - x)$ that are applied one after another. It trains with four *non-reference* losses:
spatial consistency, exposure control (16×16 patches towards 0.6), colour constancy and illumination
smoothness. You will train it on the quick tier's dark frames, watch the losses and the curve maps, and
compare it with gamma correction and histogram equalisation.
"""),
    params(
        PATHS
        + """
ZERODCE_STEPS = 300             # optimisation steps (about 15 s on a laptop CPU with 32x32 patches)
ZERODCE_FRAMES = 512            # random dark training frames drawn from the training videos"""
    ),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch

from dlkdd_lite.splits import find_split_file
from dlkdd_lite.zerodce_train import dark_frames, train_zerodce

frames = dark_frames(DATA_DIR, find_split_file(DATA_DIR, 1, "train"), ZERODCE_FRAMES)
print(f"{len(frames)} dark frames {tuple(frames.shape[1:])}, mean {frames.mean():.3f}")
"""),
    md("## Train\nResumable like everything else: re-running the cell continues from `zerodce.pt`."),
    code("""
zerodce_dir = Path(RUNS_DIR) / "zerodce"
model = train_zerodce(frames, zerodce_dir, steps=ZERODCE_STEPS)
losses = pd.read_csv(zerodce_dir / "metrics.csv")
losses.pivot(index="step", columns="metric", values="value").rolling(10, min_periods=1).mean().plot(
    subplots=True, figsize=(7, 6), title="zero-reference losses (rolling mean of 10 steps)", legend=False)
plt.tight_layout();
"""),
    md(
        "## Curve maps\nWhere DCE-Net brightens: the mean magnitude of its eight curve maps per pixel. A negative $r$ lifts dark levels."
    ),
    code("""
image = frames[:1]  # (1, 3, H, W)
with torch.no_grad():
    enhanced, maps = model(image)
fig, axes = plt.subplots(1, 3, figsize=(8, 2.8))
axes[0].imshow(image[0].permute(1, 2, 0) ** (1 / 2.5)); axes[0].set_title("dark (gamma 2.5 for display)")
axes[1].imshow(enhanced[0].permute(1, 2, 0)); axes[1].set_title("Zero-DCE")
im = axes[2].imshow(maps[0].abs().mean(0), cmap="magma"); axes[2].set_title("mean |r| over 8 curves")
fig.colorbar(im, ax=axes[2])
for ax in axes:
    ax.set(xticks=[], yticks=[])
"""),
    md("## Four enhancers side by side"),
    code("""
from dlkdd_lite.enhance import build_enhancer
from dlkdd_lite.plots import save_figure
from dlkdd_lite.video import read_clip
from dlkdd_lite.viz import channel_histograms, frame_grid

clip = torch.from_numpy(read_clip(Path(DATA_DIR) / "Drink" / "Drink_1_1.mp4"))
weights = str(zerodce_dir / "zerodce.pt")
enhancers = {"gamma": build_enhancer("gamma"), "histeq": build_enhancer("histeq"),
             "zerodce": build_enhancer("zerodce", weights=weights)}
views = {"dark": clip.numpy(), **{name: fn(clip).numpy() for name, fn in enhancers.items()}}
fig = frame_grid(views, title="Drink: dark, gamma 1.8, histogram equalisation, Zero-DCE")
save_figure(fig, Path(FIGURES_DIR) / "02b_zerodce")
fig
"""),
    code("""
channel_histograms(views);
"""),
    md(
        "## No-reference numbers\nMean brightness, the share of clipped (saturated) values, and a noise estimate (Immerkaer's method). Brighter is not free: every enhancer also amplifies the sensor noise."
    ),
    code("""
from dlkdd_lite.quality import quality_stats

pd.DataFrame({name: quality_stats(view) for name, view in views.items()}).T.round(4)
"""),
    md("## Explore\nPick an enhancer and a frame (static grid when run headless)."),
    code("""
from dlkdd_lite.widgets import enhancer_explorer

enhancer_explorer(clip.numpy(), enhancers)
"""),
    md("""
## A teacher on Zero-DCE clips
The teacher's enhancer is part of its configuration, recorded in its run folder:

```python
RunConfig(role="teacher", enhancer="zerodce", enhancer_weights=weights)
```

or `dlkdd train --role teacher --enhancer zerodce --enhancer-weights runs/quick/zerodce/zerodce.pt ...`.
The dataset enhances each whole video once and keeps it in memory, so Zero-DCE's cost is paid once per video.
A student distilled from such a teacher must name the same enhancer (its enhanced view feeds the teacher).

## What this notebook wrote
`RUNS_DIR/zerodce/zerodce.pt` and `metrics.csv`; `FIGURES_DIR/02b_zerodce.png` / `.pdf`. Next: **03_teacher**.

## Exercises
1. Does Zero-DCE meet the kit's target on the test clips: mean brightness in 0.4-0.6 with at most 1 % clipped values?
2. Set every curve map to zero by zeroing DCE-Net's last layer. What does the enhancer do now, and why?
"""),
    solution("""
from dlkdd_lite.splits import read_split_file

test = read_split_file(find_split_file(DATA_DIR, 1, "test"))
stats = pd.DataFrame([quality_stats(enhancers["zerodce"](torch.from_numpy(read_clip(Path(DATA_DIR) / e.relpath))))
                      for e in test[:: max(len(test) // 12, 1)]])
print(stats[["mean_brightness", "clipped_fraction"]].describe().loc[["mean", "min", "max"]].round(3))
"""),
    solution("""
import copy

from dlkdd_lite.zerodce import zerodce_enhance

flat = copy.deepcopy(model)
torch.nn.init.zeros_(flat.convs[6].weight)
torch.nn.init.zeros_(flat.convs[6].bias)
print("unchanged:", torch.equal(zerodce_enhance(clip, flat), clip), "- r = tanh(0) = 0, and x + 0 * (x^2 - x) = x")
"""),
]

NOTEBOOKS["03_teacher"] = [
    md("""
# 03 · Train the teacher on enhanced clips

**The question.** How well does a network recognise the actions when it sees gamma-enhanced clips?

**What you will learn.** The kit's one training loop, `fit()`, which trains teacher, baseline and student
(only the step differs); the run folder it writes; training curves and per-class accuracy read from the
results files; and what happens when the enhanced-trained teacher is shown *dark* clips.
"""),
    params(
        PATHS
        + """
TIER = "quick"                  # or a paper-tier preset: "arid", "arid1.5", "dark48" (a GPU; DATA_DIR must hold it)
EPOCHS = None                   # None: the tier's default (quick: 30)
SEED = 0"""
    ),
    code("""
from pathlib import Path

import pandas as pd
import torch
from torch.utils.data import DataLoader

from dlkdd_lite.presets import preset
from dlkdd_lite.registry import detect_layout
from dlkdd_lite.train import fit

# One parameter switches tiers: the preset holds the architecture, clip size, optimiser and epochs.
config = preset(TIER, role="teacher", seed=SEED, **({"epochs": EPOCHS} if EPOCHS else {}))
CLASSES = detect_layout(DATA_DIR).classes
config
"""),
    md("""
## Train
`fit()` decodes each video once into memory, trains, evaluates on the test split after every epoch, and
writes the run folder as it goes. Re-running the cell returns at once (the run is finished); if training is
interrupted, the next call resumes from the last completed epoch.
"""),
    code("""
teacher_dir = Path(RUNS_DIR) / "teacher"
metrics = fit(config, DATA_DIR, teacher_dir)
metrics
"""),
    code("""
sorted(p.name for p in teacher_dir.iterdir())
"""),
    md("## Curves, from `metrics.csv` only\nTidy rows: `run, role, seed, epoch, split, metric, value`."),
    code("""
from dlkdd_lite.plots import plot_training_curves
from dlkdd_lite.results import read_metrics

rows = read_metrics(teacher_dir)
display(rows.tail(4))
plot_training_curves(rows, metric="video_acc1");
"""),
    md(
        "## Per class\nVideo-level predictions (the softmax averaged over evenly spaced clips of each test video) are in `predictions.csv`."
    ),
    code("""
predictions = pd.read_csv(teacher_dir / "predictions.csv")
predictions["class"] = [CLASSES[i] for i in predictions["label"]]
predictions.groupby("class")["correct"].mean().rename("video accuracy").to_frame().T.round(2)
"""),
    md("## The teacher in the dark\nThe teacher never saw dark clips. Evaluate it on the *dark* view of the test set:"),
    code("""
from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.device import resolve_device
from dlkdd_lite.evaluate import evaluate
from dlkdd_lite.train import build_datasets

device = resolve_device("auto")
teacher, teacher_config = load_model(teacher_dir / "checkpoint.pt", device)
_, test_set = build_datasets(teacher_config, DATA_DIR, views=("dark",))  # the test split's dark clips
loader = DataLoader(test_set, batch_size=teacher_config.batch_size)
on_dark, _ = evaluate(teacher, loader, view="dark", device=device)
print(f"teacher video accuracy: enhanced {metrics['video_acc1']:.1%}, dark {on_dark['video_acc1']:.1%}")
"""),
    md("""
A model trained on one light level is usually worse on another: to run on dark video directly we need a model
that *learned* on dark video. That is the student of notebook 04, which keeps this teacher's knowledge.

## What this notebook wrote
`RUNS_DIR/teacher/`: `config.json`, `metrics.csv`, `checkpoint.pt` (the teacher 04 loads), `predictions.csv`,
`result.json`. Next: **04_student**.

## Exercises
1. Which two classes does the teacher confuse most? (Hint: `pd.crosstab` on `predictions.csv`.)
2. Train a teacher on *histogram-equalised* clips for 3 epochs (`enhancer="histeq"`) in another run folder
   and compare its curve with the gamma teacher's first 3 epochs.
"""),
    solution("""
confusion = pd.crosstab(predictions["class"], [CLASSES[i] for i in predictions["pred"]])
mistakes = confusion.stack()
mistakes = mistakes[[a != b for a, b in mistakes.index]].sort_values(ascending=False)
mistakes.head(3)
"""),
    solution("""
import dataclasses

histeq = dataclasses.replace(config, enhancer="histeq", epochs=3)
fit(histeq, DATA_DIR, Path(RUNS_DIR) / "exercises" / "teacher_histeq")
both = pd.concat([rows[rows["epoch"] < 3], read_metrics(Path(RUNS_DIR) / "exercises" / "teacher_histeq")])
plot_training_curves(both, metric="video_acc1");
"""),
]

NOTEBOOKS["04_student"] = [
    md("""
# 04 · Distil the student and compare

**The question.** Does a student trained on dark clips do better with the teacher's soft targets than
without them?

**What you will learn.** What soft targets look like and what the temperature does to them; the KD loss;
and an honest comparison of the no-KD baseline, the DL-KDD student and the teacher, over several seeds.
"""),
    params(
        PATHS
        + """
TIER = "quick"                  # or a paper-tier preset: "arid", "arid1.5", "dark48" (a GPU; DATA_DIR must hold it)
EPOCHS = None                   # None: the tier's default (quick: 30)
SEEDS = [0, 1]                  # two seeds keep `make demo` within 5 minutes; the benchmark runs three
TEMPERATURE = 4.0
ALPHA = 0.7                     # weight of the KD term; 1 - ALPHA weighs cross-entropy"""
    ),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch

from dlkdd_lite.checkpoint import load_model
from dlkdd_lite.presets import preset
from dlkdd_lite.registry import detect_layout
from dlkdd_lite.train import build_datasets

teacher_ckpt = Path(RUNS_DIR) / "teacher" / "checkpoint.pt"  # notebook 03 trained it
teacher, teacher_config = load_model(teacher_ckpt)
CLASSES = detect_layout(DATA_DIR).classes
tier = dict(seed=0, **({"epochs": EPOCHS} if EPOCHS else {}))
"""),
    md(
        "## Soft targets\nThe teacher's softmax on one enhanced test clip, at T = 1 and at T = `TEMPERATURE`. A higher temperature reveals which *wrong* classes the teacher finds similar: information a one-hot label does not carry."
    ),
    code("""
_, test_set = build_datasets(teacher_config, DATA_DIR)
sample = test_set[0]
with torch.no_grad():
    logits = teacher(sample["enhanced"][None])[0]  # (K,)
fig, ax = plt.subplots(figsize=(7, 2.6))
width = 0.4
for i, temperature in enumerate((1.0, TEMPERATURE)):
    ax.bar(torch.arange(len(CLASSES)) + i * width, (logits / temperature).softmax(0), width, label=f"T = {temperature}")
ax.set_xticks(torch.arange(len(CLASSES)) + width / 2, CLASSES, rotation=45)
ax.set(title=f"teacher on {sample['video_id']} (label {CLASSES[sample['label']]})", ylabel="probability")
ax.legend();
"""),
    md("## The loss\n`kd_loss` returns the total and both parts, so they can be logged."),
    code("""
from dlkdd_lite.distill import kd_loss

student_logits = torch.zeros(1, len(CLASSES))  # an untrained student: uniform predictions
kd_loss(student_logits, logits[None], torch.tensor([sample["label"]]), temperature=TEMPERATURE, alpha=ALPHA)
"""),
    md(
        "## Train baseline and student for each seed\nSame data, same network, same epochs; the only difference is the loss. Finished runs are skipped."
    ),
    code("""
from dlkdd_lite.train import fit

for seed in SEEDS:
    baseline = preset(TIER, role="baseline", **{**tier, "seed": seed})
    fit(baseline, DATA_DIR, Path(RUNS_DIR) / f"baseline_s{seed}")
    student = preset(TIER, role="student", teacher_ckpt=str(teacher_ckpt), temperature=TEMPERATURE, alpha=ALPHA,
                     **{**tier, "seed": seed})
    fit(student, DATA_DIR, Path(RUNS_DIR) / f"student_s{seed}")
"""),
    md("## Compare\nBuilt from the run folders' results files only."),
    code("""
from dlkdd_lite.plots import plot_role_comparison, role_table, save_figure
from dlkdd_lite.results import summarize_runs

summary = summarize_runs(RUNS_DIR)
summary = summary[summary["run"].isin(["teacher"] + [f"{r}_s{s}" for r in ("baseline", "student") for s in SEEDS])]
summary.to_csv(Path(RUNS_DIR) / "summary.csv", index=False)
role_table(summary)
"""),
    code("""
fig, ax = plt.subplots(figsize=(5, 3.4))
plot_role_comparison(summary, ax=ax)
save_figure(fig, Path(FIGURES_DIR) / "04_comparison");
"""),
    code("""
mean = summary.groupby("role")["video_acc1"].mean() * 100
n = len(SEEDS)
print(f"KD student - baseline: {mean['student'] - mean['baseline']:+.1f} points of video accuracy (mean over {n} seed(s)); "
      f"teacher on enhanced clips: {mean['teacher']:.1f} %.")
print("With few seeds and a small test set (one video is several points), differences of a few points can be noise.")
"""),
    md("""
**At inference** only the student runs, on dark video: the same `tiny3d` as the baseline, so the same cost.
Enhance-then-classify would add the enhancer to every clip, and a two-stream model would run two backbones.

## What this notebook wrote
`RUNS_DIR/baseline_s*/`, `RUNS_DIR/student_s*/`, `RUNS_DIR/summary.csv`, and `FIGURES_DIR/04_comparison.png` / `.pdf`.

## Exercises
1. Plot the student's `kd` and `ce` training losses per epoch for seed 0, from `metrics.csv`.
2. Train one student with `alpha=1.0` (distillation only, no labels) for 3 epochs. Can it learn without ever seeing a label?
"""),
    solution("""
from dlkdd_lite.results import read_metrics

rows = read_metrics(Path(RUNS_DIR) / f"student_s{SEEDS[0]}")
losses = rows[(rows["split"] == "train") & rows["metric"].isin(["kd", "ce"])]
losses.pivot(index="epoch", columns="metric", values="value").plot(figsize=(5, 3), title="student training losses");
"""),
    solution("""
pure_kd = preset(TIER, role="student", teacher_ckpt=str(teacher_ckpt), temperature=TEMPERATURE, alpha=1.0, epochs=3)
print(fit(pure_kd, DATA_DIR, Path(RUNS_DIR) / "exercises" / "student_alpha1"))
print(f"Above chance (1/{len(CLASSES)}) means the soft targets alone carry the class information.")
"""),
]


def _add_later_notebooks() -> None:
    from nb_ablation import NOTEBOOKS as ABLATION

    NOTEBOOKS.update(ABLATION)


_add_later_notebooks()


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        for i, cell in enumerate(cells):
            cell.id = f"{name[:2]}-{i:02d}"  # stable ids: rebuilding does not churn the diff
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
        nb.metadata["language_info"] = {"name": "python"}
        path = ROOT / "notebooks" / f"{name}.ipynb"
        nbformat.write(nb, path)
        print(f"wrote {path.relative_to(ROOT)} ({len(cells)} cells)")


if __name__ == "__main__":
    main()
