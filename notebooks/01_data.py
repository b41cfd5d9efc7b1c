# %% [markdown]
# # 01 · Dark videos in ARID's layout
#
# **The question.** What does a dark-video action dataset look like on disk and on screen?
#
# **What you will see.** ARID's folder layout and split-file format (the same the real datasets use), how
# the kit generates a small dataset that mimics it, how dark these clips are next to ARID, how they differ
# from real ARID footage, and how to fetch and look at the real datasets when you have access to them.
# The generator renders ARID v1.0's 11 actions as a figure moving in a room, then films it with a
# simulated low-light camera (dim, uneven light; photon and read noise; 8-bit quantisation; H.264).
#
# **Runtime.** About 45 s the first time, worked solutions included, most of it generating the videos; later
# runs keep them (measured 2026-12-01 on a 2-core CPU with AVX-512 that other jobs were sharing, so an idle
# one may be faster; a CPU without AVX-512 takes about 2.5 times as long).

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

from dlkdd_lite.data.synth.generate import generate_dataset

summary = generate_dataset(DATA_DIR, **SYNTH)
summary

# %% [markdown]
# ## The layout
# `<root>/<Class>/<Class>_<actor>_<clip>.mp4`, exactly as ARID's released clips. The split lists sit in
# `splits/`.

# %%
root = Path(DATA_DIR)
for folder in sorted(p for p in root.iterdir() if p.is_dir())[:3]:
    files = sorted(folder.iterdir())
    print(f"{folder.name}/  ({len(files)} files)  e.g. {', '.join(f.name for f in files[:3])}")
print()
print("".join((root / "splits" / "ARID_split1_train.txt").read_text().splitlines(keepends=True)[:4]))

# %% [markdown]
# Each line is `<index>\t<label>\t<Class>/<file>`, with ARID's label ids (0 Drink … 10 Wave). The test
# split holds out whole actors, as ARID holds out subjects.

# %%
import matplotlib.pyplot as plt
import pandas as pd

from dlkdd_lite.data.splits import ARID_CLASSES, read_split_file

rows = [{"split": subset, "class": e.relpath.split("/")[0]}
        for subset in ("train", "test")
        for e in read_split_file(root / "splits" / f"ARID_split1_{subset}.txt")]
counts = pd.DataFrame(rows).value_counts().unstack("split").reindex(ARID_CLASSES)
ax = counts.plot.bar(figsize=(7, 2.8), rot=45)
ax.set(xlabel="action", ylabel="clips", title="clips per action in each split")
plt.show()
counts.T

# %% [markdown]
# ## Decode a clip
# `read_clip` is the kit's only door to the decoder (decord). It returns `uint8 (T, H, W, C)`: time,
# height, width, colour channels.

# %%
import numpy as np

from dlkdd_lite.data.video import read_clip

clip = read_clip(root / "Walk" / "Walk_1_1.mp4")
print(clip.shape, clip.dtype, f"mean pixel {clip.mean() / 255:.3f} of full scale")

# %% [markdown]
# ## How dark?
# ARID's authors publish the mean of each colour channel over their videos (the kit uses them to
# normalise). Both lines below are fractions of full scale: ARID's published means, then ours.

# %%
from dlkdd_lite.config import NORM_STATS
from dlkdd_lite.viz.frames import frame_grid

arid_means = NORM_STATS["arid"][0]  # (R, G, B) means of ARID v1.0, fractions of full scale
dark = {name: read_clip(root / name / f"{name}_1_1.mp4") for name in ARID_CLASSES}
means = pd.Series({name: c.mean() / 255 for name, c in dark.items()}, name="mean pixel")
print(f"ARID v1.0: R, G, B means {', '.join(f'{m:.3f}' for m in arid_means)}; overall {np.mean(arid_means):.3f}")
print(f"generated: mean pixel over one clip per action {means.mean():.3f} "
      f"(from {means.min():.3f} to {means.max():.3f})")
frame_grid({name: dark[name] for name in ("Walk", "Run", "Sit", "Stand")}, title="dark frames as recorded")
plt.show()

# %% [markdown]
# Hard to see anything. Notebook 02 is about making these frames visible. A quick preview with a strong
# gamma (notebook 02 explains it): the middle frame of one clip per action.

# %%
import torch

from dlkdd_lite.enhance.enhancers import gamma_correct
from dlkdd_lite.viz.frames import frame_row

preview = {name: gamma_correct(torch.from_numpy(c), 2.5).numpy() for name, c in dark.items()}
frame_row(preview, title="one clip per action, middle frame, gamma 2.5 (for display only)")
plt.show()

# %% [markdown]
# ## Generated frames versus real ARID frames
#
# The generated clips stand in for ARID so that everything runs in minutes, but they are not ARID. ARID's
# sample frames are shown on its project page (https://xuyu0010.github.io/arid.html) and in its paper
# (Xu et al., 2020, arXiv:2006.03876), beside HMDB51 and a synthetically darkened HMDB51; the kit cannot
# redistribute them. If you have ARID, the section after this one shows your own copy. How they differ:
#
# | | generated (quick tier) | ARID v1.0 |
# |---|---|---|
# | who acts | one rendered figure, capsule limbs, one per clip | real volunteers, clothing, faces, occlusion |
# | scene | a plain room with a random lamp | real indoor and outdoor night scenes, clutter |
# | light and noise | a simulated sensor: photon and read noise, 8-bit | real cameras' noise, compression, flicker |
# | motion | scripted keyframes per action, little variation | natural, varied motion and camera placement |
# | size | small square frames (`size` in `synth.json`), a few clips per action | 320 × 240 pixels, 3,784 clips |
#
# So the generated data checks that the *method* works and shows its effects in minutes; how large the
# effects are on real footage is for the paper tier.
#
# ## Real data: ARID, ARID V1.5, Dark-48
# The paper tier uses the real datasets, and none has a public download link:
#
# - **ARID v1.0 / V1.5**: write to ARID's first author (xuyu0014@e.ntu.edu.sg, as
#   github.com/xuyu0010/ARID_v1 says) asking for the download link, for research. The link usually comes
#   as a Google Drive or OneDrive share.
# - **Dark-48**: download the archive from the Baidu Netdisk link in github.com/yzfly/Dark48 (browser or
#   Baidu's client), then give its path.
#
# Paste the link into `REAL_URL` (or the file's path into `REAL_ARCHIVE`) in the parameters cell and run
# the cells below: the download resumes if interrupted, the archive is checked and unpacked safely, and
# the official split lists are installed beside the clips (ARID's ship with the kit; Dark-48's are
# fetched from GitHub, pinned). The same from a terminal: `dlkdd download arid --root data/arid --url
# '<link>'`, then `dlkdd verify arid --root data/arid`. Without a link or archive, nothing is downloaded
# and the notebooks use the generated data. More: `docs/datasets.md`.

# %%
from dlkdd_lite.data.registry import dataset_status, get_dataset, load_registry

pd.DataFrame([{"name": name, "dataset": info.title, "classes": len(info.classes), "clips": info.expected_clips,
               "splits": list(info.splits), "lists": info.raw["lists"]["source"]}
              for name, info in load_registry().items()]).set_index("name")

# %%
from dlkdd_lite.data.acquire.download import download_dataset

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
# `verify` counts, for every official list, the clips present, missing and (when decoding is on)
# unreadable, and writes `verify.json` into the dataset folder. Then a look at real dark clips, if there
# are any.

# %%
from dlkdd_lite.data.acquire.verify import format_report, verify_dataset
from dlkdd_lite.data.registry import detect_layout
from dlkdd_lite.data.video import video_num_frames

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
    plt.show()
else:
    print(f"No {info.title} in {real} (no dataset.json there): falling back to the generated data in {DATA_DIR}, "
          "which every later notebook uses by default. Set REAL_URL or REAL_ARCHIVE above to get the real one.")

# %% [markdown]
# ## Exercises
# Each exercise has an empty cell for you; the worked solutions are in `solutions/01_data.py`, and
# executed in the book (`make book`).
#
# **Exercise 1 · The darkest action?** Which action has the darkest clips on average here? Compare the
# spread *between* actions with the spread between the clips *of one action*: does the difference say
# anything about the action?

# %% tags=["exercise-1"]
# your code here

# %% [markdown]
# **Exercise 2 · Which frames make a clip (core).** A model sees `num_frames` frames of a video, not all
# of them. In evaluation the kit can cut the video into `num_frames` equal segments and take the middle
# frame of each (TSN's sampling). Write `my_segment_indices(video_frames, num_frames)` returning those
# frame numbers (integers, rounded down); the next cell checks it against the library's
# `sample_frame_indices(..., strategy="segment", train=False)`.

# %% tags=["exercise-2"]
# your code here

# %% tags=["check-2"]
from dlkdd_lite.tutorial.checks import check

check("segment_indices", globals());

# %% [markdown]
# **Exercise 3 · Darker still.** Generate a second dataset at half the brightness of this one (its
# parameters are in `synth.json`), with 2 actors and 1 clip each, in another folder, and compare its mean
# pixel with this one's.

# %% tags=["exercise-3"]
# your code here

# %% [markdown]
# ## Summary
# - A dark-video dataset in ARID's layout is a folder per action and split lists that name the clips
#   and their labels; the test split holds out whole actors.
# - The generated clips are dark like ARID's (both means are printed above) and barely visible without
#   enhancement.
#
# **Limits.** The generated frames are renderings with a simulated camera: simpler people, scenes, motion
# and noise than ARID's (the table above), so accuracies on them say whether the method works, not how
# well it works on real footage.
#
# **This notebook wrote** into `DATA_DIR`: the clips, `splits/ARID_split1_{train,test}.txt` and
# `synth.json`; with a link or archive given, `REAL_ROOT` too (`clips/`, `splits/`, `dataset.json`,
# `verify.json`). **Next:** 02_dark_vs_enhanced reads these clips.
#
# **References.** Chang, Chen & Tseng (2024), DL-KDD, arXiv:2406.02468 · Xu et al. (2020), ARID,
# arXiv:2006.03876 · Guo et al. (2020), Zero-DCE, CVPR, arXiv:2001.06826 · Hinton, Vinyals & Dean (2015),
# knowledge distillation, arXiv:1503.02531 · Wang et al. (2016), *Temporal Segment Networks*,
# arXiv:1608.00859 (the segment sampling).
