"""Frame sampling: ranges, determinism under a generator, evaluation windows spread evenly."""

import numpy as np
import pytest
import torch

from dlkdd_lite.data.sampling import sample_frame_indices


@pytest.mark.parametrize("strategy", ["dense", "segment"])
@pytest.mark.parametrize("video_frames", [1, 5, 16, 100])
def test_indices_are_in_range_and_of_the_right_length(strategy, video_frames):
    for train in (True, False):
        idx = sample_frame_indices(video_frames, 8, frame_stride=2, strategy=strategy, train=train,
                                   generator=torch.Generator().manual_seed(0))  # fmt: skip
        assert idx.shape == (8,) and idx.dtype == np.int64
        assert idx.min() >= 0 and idx.max() < video_frames


def test_dense_training_is_deterministic_under_a_seed_and_jitters_across_seeds():
    def draw(seed):
        return sample_frame_indices(100, 8, frame_stride=2, generator=torch.Generator().manual_seed(seed))

    assert np.array_equal(draw(3), draw(3))
    starts = {int(draw(s)[0]) for s in range(20)}
    assert len(starts) > 5, "training clips start at random places"
    assert np.all(np.diff(draw(1)) == 2)


def test_dense_eval_windows_cover_the_video_evenly():
    starts = [int(sample_frame_indices(100, 8, frame_stride=2, train=False, clip_index=i, num_clips=3)[0])
              for i in range(3)]  # fmt: skip
    assert starts == sorted(starts) and starts[0] < 20 and starts[-1] > 60
    centre = sample_frame_indices(100, 8, frame_stride=2, train=False)
    assert centre[0] == (100 - 15) // 2


def test_segment_sampling_takes_one_frame_per_segment():
    idx = sample_frame_indices(80, 8, strategy="segment", train=False)
    assert np.array_equal(idx, np.arange(8) * 10 + 5)
    g = torch.Generator().manual_seed(0)
    idx = sample_frame_indices(80, 8, strategy="segment", train=True, generator=g)
    assert np.all(idx // 10 == np.arange(8))


def test_short_videos_loop():
    idx = sample_frame_indices(5, 8, frame_stride=1, train=False)
    assert sorted(set(idx.tolist())) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("kwargs, match", [
    (dict(video_frames=0, num_frames=8), "video_frames"),
    (dict(video_frames=10, num_frames=0), "num_frames"),
    (dict(video_frames=10, num_frames=4, strategy="random"), "strategy"),
    (dict(video_frames=10, num_frames=4, clip_index=3, num_clips=3), "clip_index"),
])  # fmt: skip
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sample_frame_indices(**kwargs)


def test_draws_place_the_clip():
    # dense: the first draw picks the start in [0, slack]; segment: one draw per segment
    assert sample_frame_indices(100, 8, frame_stride=2, draws=np.array([0.0]))[0] == 0
    assert sample_frame_indices(100, 8, frame_stride=2, draws=np.array([0.999999]))[0] == 100 - 15
    idx = sample_frame_indices(80, 8, strategy="segment", draws=np.linspace(0, 0.99, 8))
    assert np.array_equal(idx, np.arange(8) * 10 + np.floor(np.linspace(0, 0.99, 8) * 10))
    with pytest.raises(ValueError, match="takes 8 draws, got 1"):
        sample_frame_indices(80, 8, strategy="segment", draws=np.array([0.5]))
