"""Decoder round trips on real mp4 files written by the kit's encoder (no mocks of decord)."""

import numpy as np
import pytest

from dlkdd_lite.data.encode import write_video
from dlkdd_lite.data.video import VideoReadError, read_clip, video_num_frames


@pytest.fixture(scope="module")
def lossless_video(tmp_path_factory):
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, size=(12, 32, 64, 3), dtype=np.uint8)
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    write_video(path, frames, fps=10, lossless=True)
    return path, frames


def test_lossless_round_trip_is_bit_exact(lossless_video):
    path, frames = lossless_video
    clip = read_clip(path)
    assert clip.dtype == np.uint8 and clip.shape == (12, 32, 64, 3)
    assert np.array_equal(clip, frames)
    assert video_num_frames(path) == 12


def test_read_clip_returns_the_frames_asked_for_in_order(lossless_video):
    path, frames = lossless_video
    indices = [7, 0, 0, 11, 3]
    assert np.array_equal(read_clip(path, indices), frames[indices])


@pytest.mark.parametrize("width", [16, 32, 48, 96, 100])
def test_every_frame_width_reads_bit_exact(tmp_path, width):
    """decord2 3.4 cannot copy out frames of some widths on AVX-512 CPUs; read_clip then decodes with PyAV."""
    frames = np.random.default_rng(width).integers(0, 256, size=(6, 32, width, 3), dtype=np.uint8)
    write_video(tmp_path / "clip.mp4", frames, fps=10, lossless=True)
    assert np.array_equal(read_clip(tmp_path / "clip.mp4", [5, 0, 2]), frames[[5, 0, 2]])
    assert np.array_equal(read_clip(tmp_path / "clip.mp4"), frames)


def test_out_of_range_and_empty_indices(lossless_video):
    path, _ = lossless_video
    with pytest.raises(VideoReadError, match=r"out of range .*12 frames"):
        read_clip(path, [0, 12])
    with pytest.raises(ValueError, match="no frame indices"):
        read_clip(path, [])


def test_missing_and_damaged_files_are_named(tmp_path):
    with pytest.raises(VideoReadError, match="video not found: .*absent.mp4"):
        read_clip(tmp_path / "absent.mp4")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 50)
    with pytest.raises(VideoReadError, match="cannot decode video .*broken.mp4"):
        read_clip(broken)


def test_reading_video_before_torch_is_safe(lossless_video):
    """decord2 loaded before torch crashes torch's CPU kernels; read_clip must load torch first."""
    import subprocess
    import sys

    path, _ = lossless_video
    code = (
        "from dlkdd_lite.data.video import read_clip\n"
        f"read_clip({str(path)!r})\n"
        "import torch\n"
        "print(torch.nn.Conv3d(3, 4, 3)(torch.randn(1, 3, 4, 16, 16)).shape)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture(scope="module")
def smooth_video(tmp_path_factory):
    """A 48x64 lossless video of smooth content (upsampled noise), so that scalers can be compared."""
    import torch

    noise = torch.from_numpy(np.random.default_rng(1).random((10, 3, 6, 8), dtype=np.float32) * 255)
    frames = torch.nn.functional.interpolate(noise, size=(48, 64), mode="bicubic").clamp(0, 255).round()
    frames = frames.to(torch.uint8).permute(0, 2, 3, 1).numpy()  # (T, H, W, C)
    path = tmp_path_factory.mktemp("smooth") / "clip.mp4"
    write_video(path, frames, fps=10, lossless=True)
    return path, frames


def test_the_decoder_scales_frames_to_the_size_asked_for(smooth_video):
    import torch

    from dlkdd_lite.data.decode_cache import decode_size, resize_short_side
    from dlkdd_lite.data.video import _read_with_pyav, video_frame_size

    path, frames = smooth_video
    assert video_frame_size(path) == (48, 64)
    size = decode_size(path, 24)
    assert size == (24, 32) and decode_size(path, 48) is None and decode_size(path, None) is None
    scaled = read_clip(path, size=size)
    assert scaled.shape == (10, 24, 32, 3) and scaled.dtype == np.uint8
    resized = resize_short_side(torch.from_numpy(frames), 24).numpy()
    assert np.abs(scaled.astype(int) - resized).mean() < 3, "the same picture as resizing the decoded frames"
    assert np.array_equal(read_clip(path, [4, 1], size=size), scaled[[4, 1]])
    pyav = _read_with_pyav(path, [4, 1], size)  # the fallback for widths decord cannot copy out
    assert pyav.shape == (2, 24, 32, 3) and np.abs(pyav.astype(int) - scaled[[4, 1]]).mean() < 3
    with pytest.raises(ValueError, match="size must be"):
        read_clip(path, size=(0, 32))
    with pytest.raises(VideoReadError, match="not found"):
        video_frame_size(path.with_name("absent.mp4"))


def test_pyav_fallback_gives_the_pixels_of_a_per_frame_conversion(smooth_video):
    import av

    from dlkdd_lite.data.video import _read_with_pyav

    path, _ = smooth_video
    for size, scale in ((None, {}), ((24, 32), {"height": 24, "width": 32, "interpolation": "BICUBIC"})):
        with av.open(str(path)) as container:  # FFmpeg's converter made anew for every frame
            each = np.stack([f.to_ndarray(format="rgb24", **scale) for f in container.decode(video=0)])
        assert np.array_equal(_read_with_pyav(path, list(range(len(each))), size), each), size
        assert np.array_equal(_read_with_pyav(path, [7, 2, 2], size), each[[7, 2, 2]]), size
