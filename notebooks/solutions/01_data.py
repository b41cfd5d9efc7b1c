# %% [markdown]
# # 01 · Worked solutions
# The solutions to the exercises of `01_data.ipynb`. `dlkdd notebooks` (and the tests) run each in place
# of its empty exercise cell, then write the executed solutions apart. A cell tagged `solution-N` belongs
# to exercise N.

# %% tags=["solution-1"]
# A clip's brightness barely changes from frame to frame: its first 4 frames tell it, at an eighth of the decoding.
clip_means = pd.DataFrame([{"action": e.relpath.split("/")[0],
                            "mean pixel": read_clip(root / e.relpath, range(4)).mean() / 255}
                           for e in read_split_file(root / "splits" / "ARID_split1_train.txt")])
per_action = clip_means.groupby("action")["mean pixel"].agg(["mean", "std", "count"]).sort_values("mean")
print(per_action.round(3).head(3))
print(f"spread between actions (std of their means): {per_action['mean'].std():.3f}; "
      f"typical spread within an action (mean of their stds): {per_action['std'].mean():.3f}")

# %% [markdown] tags=["solution-1"]
# When the spread within an action is as large as the spread between actions (compare the two numbers
# above), the darkest action is an accident of the draw: the generator exposes every clip to the same
# target brightness, give or take a random 15 %, and puts its lamp at a random place, whatever the action
# (`synth.darken`). Brightness then carries no information about the action, which is what we want: a
# model should not recognise "Sit" by how dark it is.

# %% tags=["solution-2"]
import numpy as np


def my_segment_indices(video_frames, num_frames):
    """The middle frame of each of num_frames equal segments of a video_frames-frame video."""
    segment = video_frames / num_frames  # segment length in frames, fractional
    middles = (np.arange(num_frames) + 0.5) * segment
    return np.floor(middles).astype(np.int64) % video_frames  # % loops a video shorter than num_frames


print(my_segment_indices(32, 8))

# %% tags=["solution-3"]
import json

params = json.loads((root / "synth.json").read_text())["params"]
darker_root = Path(DATA_DIR).parent / "quick_darker"
generate_dataset(darker_root, seed=0, actors=2, test_actors=1, clips_per_actor=1, num_frames=16,
                 size=params["size"], brightness=params["brightness"] / 2)
darker = read_clip(darker_root / "Walk" / "Walk_1_1.mp4")
print(f"mean pixel of Walk_1_1: this dataset {clip.mean() / 255:.3f}, at half the brightness {darker.mean() / 255:.3f}")
