# %% [markdown]
# # 01 · Dark videos in ARID's layout
#
# **The question.** What does a dark-video action dataset look like on disk and on screen?
#
# **What you will learn.** ARID's folder layout and split-file format (the same the real datasets use), how
# the kit generates a small dataset that mimics it, and how dark these clips really are.
# The generator renders ARID v1.0's 11 actions as a figure moving in a room, then films it with a simulated
# low-light camera (dim, uneven light; photon and read noise; 8-bit quantisation; H.264 encoding).

# %% tags=["parameters"]
DATA_DIR = "../data/quick"      # the quick tier's generated videos (notebook 01 writes them)
RUNS_DIR = "../runs/quick"      # run folders: config.json, metrics.csv, checkpoint.pt, ...
FIGURES_DIR = "../figures"      # figures, PNG + PDF
SYNTH = dict(seed=0)            # generator knobs: actors, test_actors, clips_per_actor, num_frames, size, ...
REAL_DATASET = "arid"           # the real dataset to look at: "arid", "arid1.5" or "dark48"
REAL_ROOT = "../data/arid"      # its folder (what `dlkdd download --root` and `dlkdd train --data` take)
REAL_URL = ""                   # paste the link ARID's authors sent you (Google Drive, OneDrive, https); "" skips
REAL_ARCHIVE = ""               # or the archive you downloaded yourself (zip, tar.gz; Dark-48 from Baidu); "" skips

# %% [markdown]
# ## Generate
# Idempotent: running it again keeps what is there. Same seed, same bytes.

# %%
from pathlib import Path

from dlkdd_lite.synth import generate_dataset

summary = generate_dataset(DATA_DIR, **SYNTH)
summary

# %% [markdown]
# ## The layout
# `<root>/<Class>/<Class>_<actor>_<clip>.mp4`, exactly as ARID's released clips. The split lists sit in `splits/`.

# %%
root = Path(DATA_DIR)
for folder in sorted(p for p in root.iterdir() if p.is_dir())[:3]:
    files = sorted(folder.iterdir())
    print(f"{folder.name}/  ({len(files)} files)  e.g. {', '.join(f.name for f in files[:3])}")
print()
print("".join((root / "splits" / "ARID_split1_train.txt").read_text().splitlines(keepends=True)[:4]))

# %% [markdown]
# Each line is `<index>\t<label>\t<Class>/<file>`, with ARID's label ids (0 Drink … 10 Wave). The test split holds out whole actors, as ARID holds out subjects.

# %%
import pandas as pd

from dlkdd_lite.splits import ARID_CLASSES, read_split_file

rows = [{"split": subset, "class": e.relpath.split("/")[0]}
        for subset in ("train", "test")
        for e in read_split_file(root / "splits" / f"ARID_split1_{subset}.txt")]
counts = pd.DataFrame(rows).value_counts().unstack("split").reindex(ARID_CLASSES)
counts.plot.bar(figsize=(7, 2.5), title="clips per class and split")
counts.T

# %% [markdown]
# ## Decode a clip
# `read_clip` is the kit's only door to the decoder (decord). It returns `uint8 (T, H, W, C)`.

# %%
import numpy as np

from dlkdd_lite.video import read_clip

clip = read_clip(root / "Walk" / "Walk_1_1.mp4")
print(clip.shape, clip.dtype, f"mean pixel {clip.mean() / 255:.3f} of full scale")

# %% [markdown]
# ## How dark?
# ARID v1.0's mean pixel is about 0.08 of full scale (its authors publish RGB means of 0.080, 0.074, 0.072). Ours:

# %%
from dlkdd_lite.viz import frame_grid

dark = {name: read_clip(root / name / f"{name}_1_1.mp4") for name in ARID_CLASSES}
means = pd.Series({name: c.mean() / 255 for name, c in dark.items()}, name="mean pixel")
print(f"mean pixel over classes: {means.mean():.3f}  (ARID v1.0: about 0.075)")
frame_grid({name: dark[name] for name in ("Walk", "Run", "Sit", "Stand")}, title="dark frames as recorded")

# %% [markdown]
# Hard to see anything. Notebook 02 is about making these frames visible. A quick preview with a strong gamma, one row per class:

# %%
import torch

from dlkdd_lite.enhance import gamma_correct

preview = {name: gamma_correct(torch.from_numpy(c), 2.5).numpy() for name, c in dark.items()}
frame_grid(preview, frames=[0, 5, 10, 15], title="the same clips, gamma 2.5 (for display only)")

# %% [markdown]
# ## Real data: ARID, ARID V1.5, Dark-48
# The paper tier uses the real datasets, and none has a public download link:
#
# - **ARID v1.0 / V1.5**: write to ARID's first author (xuyu0014@e.ntu.edu.sg, as github.com/xuyu0010/ARID_v1
#   says) asking for the download link, for research. The link usually comes as a Google Drive or OneDrive share.
# - **Dark-48**: download the archive from the Baidu Netdisk link in github.com/yzfly/Dark48 (browser or Baidu's
#   client), then give its path.
#
# Paste the link into `REAL_URL` (or the file's path into `REAL_ARCHIVE`) in the parameters cell and run the
# cells below: the download resumes if interrupted, the archive is checked and unpacked safely, and the official
# split lists are installed beside the clips (ARID's ship with the kit; Dark-48's are fetched from GitHub, pinned).
# The same from a terminal: `dlkdd download arid --root data/arid --url '<link>'`, then `dlkdd verify arid --root data/arid`.
# Without a link or archive, nothing is downloaded and the notebooks use the generated data. More: `docs/datasets.md`.

# %%
from dlkdd_lite.registry import dataset_status, get_dataset, load_registry

pd.DataFrame([{"name": name, "dataset": info.title, "classes": len(info.classes), "clips": info.expected_clips,
               "splits": list(info.splits), "lists": info.raw["lists"]["source"]}
              for name, info in load_registry().items()]).set_index("name")

# %%
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

# %% [markdown]
# `verify` counts, for every official list, the clips present, missing and (when decoding is on) unreadable, and writes `verify.json` into the dataset folder. Then a look at real dark clips, if there are any.

# %%
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

# %% [markdown]
# ## What this notebook wrote
# `DATA_DIR`: the clips, `splits/ARID_split1_{train,test}.txt` and `synth.json`; with a link or archive given,
# `REAL_ROOT` too: `clips/`, `splits/`, `dataset.json` and `verify.json`. Next: **02_dark_vs_enhanced**.
#
# ## Exercises
# 1. Which class has the darkest clips on average, and why might that be (think of where the lamp is)?
# 2. Generate a second, *darker* dataset (`brightness=0.03`) with 2 actors and 1 clip each in another folder,
#    and compare its mean pixel with the default's.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
print(means.sort_values().head(3))
print("The lamp's position is random per clip; classes whose clips put the actor far from it look darker.")

# %% jupyter={"source_hidden": true} tags=["solution"]
# Worked solution (collapsed in JupyterLab: click the bar to expand)
darker_root = Path(DATA_DIR).parent / "quick_darker"
generate_dataset(darker_root, seed=0, actors=2, test_actors=1, clips_per_actor=1, num_frames=16, brightness=0.03)
darker = read_clip(darker_root / "Walk" / "Walk_1_1.mp4")
print(f"mean pixel: default {clip.mean() / 255:.3f}, darker {darker.mean() / 255:.3f}")
