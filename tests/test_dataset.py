"""DarkVideoDataset on a generated ARID-layout dataset: views aligned, deterministic, errors named."""

import shutil

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from dlkdd_lite.config import NORM_STATS
from dlkdd_lite.data.dataset import DarkVideoDataset
from dlkdd_lite.data.splits import find_split_file, write_split_file
from dlkdd_lite.enhance.enhancers import gamma_correct


def make(root, subset="train", **kw):
    kw = {"train": subset == "train", "num_frames": 4, "frame_stride": 2, "crop_size": 48, "enhancer": "gamma",
          "progress": False, **kw}  # fmt: skip
    return DarkVideoDataset(root, find_split_file(root, 1, subset), **kw)


def to_uint8(view: torch.Tensor, norm: str = "imagenet") -> torch.Tensor:
    mean, std = (torch.tensor(v).view(3, 1, 1, 1) for v in NORM_STATS[norm])
    return ((view * std + mean) * 255).round().clamp(0, 255).to(torch.uint8)


def test_sample_contract(tiny_arid):
    ds = make(tiny_arid)
    sample = ds[0]
    assert set(sample) == {"dark", "enhanced", "label", "video_id"}
    assert sample["dark"].shape == sample["enhanced"].shape == (3, 4, 48, 48)  # (C, T, H, W)
    assert sample["dark"].dtype == torch.float32
    assert isinstance(sample["label"], int) and "/" in sample["video_id"]
    assert len(ds) == 22  # 11 classes x 2 training actors x 1 clip


@pytest.mark.parametrize("subset", ["train", "test"])
def test_enhanced_view_is_the_gamma_of_the_same_frames_and_crop(tiny_arid, subset):
    ds = make(tiny_arid, subset, num_clips=2)
    for index in (0, 5, len(ds) - 1):
        sample = ds[index]
        expected = gamma_correct(to_uint8(sample["dark"]), 1.8)
        assert torch.equal(to_uint8(sample["enhanced"]), expected)


def test_training_samples_are_deterministic_per_seed_epoch_and_index(tiny_arid):
    a, b = make(tiny_arid, seed=1), make(tiny_arid, seed=1)
    assert torch.equal(a[3]["dark"], b[3]["dark"])
    b.set_epoch(1)
    assert not torch.equal(a[3]["dark"], b[3]["dark"]), "a new epoch draws new clips/crops"


def test_cache_and_worker_processes_give_the_same_batches(tiny_arid):
    cached, streamed = make(tiny_arid, cache=True), make(tiny_arid, cache=False)
    assert torch.equal(cached[4]["dark"], streamed[4]["dark"])
    serial = next(iter(DataLoader(cached, batch_size=6)))
    parallel = next(iter(DataLoader(cached, batch_size=6, num_workers=2)))
    assert torch.equal(serial["dark"], parallel["dark"]) and serial["video_id"] == parallel["video_id"]


def test_eval_yields_every_clip_of_every_video(tiny_arid):
    ds = make(tiny_arid, "test", num_clips=3)
    assert len(ds) == 11 * 3
    ids = [ds[i]["video_id"] for i in range(len(ds))]
    assert ids[:3] == [ids[0]] * 3 and len(set(ids)) == 11
    assert not torch.equal(ds[0]["dark"], ds[1]["dark"]), "clips of a video come from different times"


def test_short_side_resize(tiny_arid):
    ds = make(tiny_arid, short_side=40, crop_size=32)
    assert ds[0]["dark"].shape == (3, 4, 32, 32)
    assert ds.frames[0].shape[1:3] == (40, 40)  # scaled by the decoder (decode_cache.decode_size)
    streamed = make(tiny_arid, short_side=40, crop_size=32, cache=False)
    assert torch.equal(ds[5]["dark"], streamed[5]["dark"]) and torch.equal(ds[5]["enhanced"], streamed[5]["enhanced"])


def test_listed_but_absent_files_are_an_error(tiny_arid, tmp_path):
    write_split_file(tmp_path / "ARID_split1_train.txt", [(0, "Drink/Drink_9_9.mp4")])
    with pytest.raises(FileNotFoundError, match=r"1 of 1 clips .*Drink/Drink_9_9.mp4"):
        DarkVideoDataset(tiny_arid, tmp_path / "ARID_split1_train.txt", train=True, progress=False)


def test_unreadable_videos_are_skipped_with_a_warning_and_counted(tiny_arid, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(tiny_arid, root)
    victim = root / "Jump" / "Jump_1_1.mp4"
    victim.write_bytes(b"not a video at all")
    with pytest.warns(UserWarning, match="unreadable"):
        ds = make(root)
    assert ds.skipped == [str(victim)] and len(ds) == 21
    for path in root.glob("*/*.mp4"):
        path.write_bytes(b"broken")
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="no readable videos"):
        make(root)


def test_bad_options_are_named(tiny_arid):
    with pytest.raises(ValueError, match="unknown normalisation 'sRGB'"):
        make(tiny_arid, norm="sRGB")
    with pytest.raises(ValueError, match="smaller than crop_size 80"):
        make(tiny_arid, crop_size=80)[0]


def test_enhanced_videos_cached_on_disk_by_enhancer_config(tiny_arid, tmp_path):
    from dlkdd_lite.data.decode_cache import clear_decode_cache
    from dlkdd_lite.runtime.files import content_digest

    reference = make(tiny_arid, "test", num_clips=2, enhanced_cache=None)
    streamed = make(tiny_arid, "test", num_clips=2, cache=False, enhanced_cache=tmp_path)
    torch.testing.assert_close(streamed[3]["enhanced"], reference[3]["enhanced"])
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]  # streaming keeps the enhanced videos only
    assert folder.name.startswith("gamma-") and (folder / "key.json").is_file()
    saved = folder / (content_digest(streamed.videos[1][0]) + ".npy")  # named by the video file's content
    assert saved.is_file() and not list(tmp_path.glob("**/*.tmp"))
    np.save(saved, np.zeros_like(np.load(saved)))  # prove that the next reads come from disk
    assert (
        to_uint8(make(tiny_arid, "test", num_clips=2, cache=False, enhanced_cache=tmp_path)[3]["enhanced"]).max() == 0
    )
    clear_decode_cache()
    cached = make(tiny_arid, "test", num_clips=2, enhanced_cache=tmp_path)
    assert cached.enhanced[1].max() == 0
    assert {p.name.split("-")[0] for p in tmp_path.iterdir()} == {"gamma", "dark"}  # cached: decoded videos too
    clear_decode_cache()
    other = make(tiny_arid, "test", num_clips=2, gamma=2.2, enhanced_cache=tmp_path)  # another key, another folder
    assert other.enhanced[1].max() > 0 and len(list(tmp_path.glob("gamma-*"))) == 2
    clear_decode_cache()


def test_decoded_videos_on_disk_are_read_back_and_a_changed_file_is_decoded_anew(tiny_arid, tmp_path):
    """A later process reads the decoded frames from disk; the store is keyed by the file's bytes."""
    import shutil

    from dlkdd_lite.data.decode_cache import clear_decode_cache

    data = tmp_path / "data"
    shutil.copytree(tiny_arid, data)
    clear_decode_cache()
    first = make(data, "test", views=("dark",), enhanced_cache=tmp_path / "store")
    (folder,) = (tmp_path / "store").glob("dark-*")
    assert len(list(folder.glob("*.npy"))) == len(first.videos)
    for saved in folder.glob("*.npy"):
        np.save(saved, np.full_like(np.load(saved), 7))  # what a later process finds
    clear_decode_cache()  # as in a new process
    again = make(data, "test", views=("dark",), enhanced_cache=tmp_path / "store")
    assert all((frames == 7).all() for frames in again.frames)
    tested = {path for path, _, _ in first.videos}
    unseen = next(p for p in sorted(data.rglob("*.mp4")) if p not in tested)  # a training video: not stored
    shutil.copyfile(unseen, first.videos[0][0])  # the file changes under the same name
    clear_decode_cache()
    changed = make(data, "test", views=("dark",), enhanced_cache=tmp_path / "store")
    assert not (changed.frames[0] == 7).all() and (changed.frames[1] == 7).all()
    clear_decode_cache()


def test_a_damaged_kept_video_is_made_again_with_a_warning(tiny_arid, tmp_path):
    from dlkdd_lite.data.decode_cache import clear_decode_cache

    clear_decode_cache()
    first = make(tiny_arid, "test", views=("dark",), enhanced_cache=tmp_path)
    (folder,) = tmp_path.glob("dark-*")
    damaged = sorted(folder.glob("*.npy"))[0]
    damaged.write_bytes(damaged.read_bytes()[:40])  # a truncated file
    clear_decode_cache()
    with pytest.warns(UserWarning, match="is damaged; making them again"):
        again = make(tiny_arid, "test", views=("dark",), enhanced_cache=tmp_path)
    assert all(np.array_equal(a, b) for a, b in zip(first.frames, again.frames))
    replaced = np.load(damaged)
    assert replaced.dtype == np.uint8 and replaced.ndim == 4  # written anew
    clear_decode_cache()


def test_the_stores_default_folder_is_the_users_cache_and_only_for_in_memory_datasets(monkeypatch, tmp_path):
    from dlkdd_lite.data.video_store import store_root

    monkeypatch.setenv("DLKDD_CACHE", str(tmp_path / "c"))
    assert store_root("auto", in_memory=True) == tmp_path / "c" / "videos"
    assert store_root("auto", in_memory=False) is None  # streamed datasets may not fit on disk either
    assert store_root(None, in_memory=True) is None and store_root(tmp_path, in_memory=False) == tmp_path
    monkeypatch.delenv("DLKDD_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert store_root("auto", in_memory=True) == tmp_path / "xdg" / "dlkdd_lite" / "videos"


@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("subset", ["train", "test"])
def test_views_keeps_only_the_chosen_views_and_they_match(tiny_arid, cache, subset):
    both = make(tiny_arid, subset, cache=cache, num_clips=2)
    for views in (("dark",), ("enhanced",), ("enhanced", "dark")):
        only = make(tiny_arid, subset, cache=cache, num_clips=2, views=views)
        for index in (0, 7):
            sample = only[index]
            assert set(sample) == {*views, "label", "video_id"}
            for view in views:  # the same frames, crop, flip and normalisation as with both views
                assert torch.equal(sample[view], both[index][view])


def test_a_dark_only_dataset_never_enhances(tiny_arid, tmp_path):
    from dlkdd_lite.data.decode_cache import clear_decode_cache

    clear_decode_cache()
    ds = make(tiny_arid, "test", views=("dark",), enhanced_cache=tmp_path)
    assert ds.enhanced == [] and ds.enhance is None and [p.name[:5] for p in tmp_path.iterdir()] == ["dark-"]
    streamed = make(tiny_arid, "test", views=("dark",), cache=False, enhanced_cache=tmp_path)
    assert set(streamed[3]) == {"dark", "label", "video_id"} and not list(tmp_path.glob("gamma-*"))


@pytest.mark.parametrize("views", [(), ("bright",), "dark"])
def test_bad_views_are_named(tiny_arid, views):
    with pytest.raises(ValueError, match="views must be a non-empty subset"):
        make(tiny_arid, views=views)


def test_build_datasets_gives_each_role_its_views(tiny_arid, tmp_path):
    from dlkdd_lite.config import RunConfig
    from dlkdd_lite.train import build_datasets

    expected = {  # (train, test)
        "teacher": (("enhanced",), ("enhanced",)),
        "baseline": (("dark",), ("dark",)),
        "student": (("dark", "enhanced"), ("dark",)),
        "twostream": (("dark", "enhanced"), ("dark", "enhanced")),
    }
    for role, views in expected.items():
        config = RunConfig(role=role, num_frames=4, crop_size=48, teacher_ckpt="t.pt" if role == "student" else "")
        train, test = build_datasets(config, tiny_arid, progress=False)
        assert (train.views, test.views) == views, role
    train, test = build_datasets(RunConfig(), tiny_arid, views=("dark",), progress=False)
    assert train.views == test.views == ("dark",)


@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("subset", ["train", "test"])
def test_batch_loader_yields_what_the_default_collation_does(tiny_arid, cache, subset):
    from dlkdd_lite.data.loader import batch_loader

    ds = make(tiny_arid, subset, cache=cache, num_clips=2, views=("enhanced", "dark") if cache else ("dark",))
    plain, batched = list(DataLoader(ds, batch_size=5)), list(batch_loader(ds, 5))
    assert len(plain) == len(batched) == -(-len(ds) // 5)
    for a, b in zip(plain, batched):
        assert set(a) == set(b) and a["video_id"] == b["video_id"]
        for key in set(a) - {"video_id"}:
            assert a[key].dtype == b[key].dtype and torch.equal(a[key], b[key]), key
    assert len(list(batch_loader(ds, 5, drop_last=True))) == len(ds) // 5


def test_epoch_view_batches_come_from_one_epoch(tiny_arid):
    from dlkdd_lite.runtime.distributed import EpochView

    ds = make(tiny_arid)
    view = EpochView(ds)
    batch = view[[(1, 3), (1, 0)]]
    ds.set_epoch(1)
    assert torch.equal(batch["dark"][0], ds[3]["dark"]) and batch["label"].tolist() == [ds[3]["label"], ds[0]["label"]]
    with pytest.raises(ValueError, match="one epoch, got epochs \\[0, 1\\]"):
        view[[(0, 3), (1, 0)]]


def test_reused_buffers_hold_each_batch_until_the_next_but_one(tiny_arid):
    from dlkdd_lite.data.loader import batch_loader

    fresh = make(tiny_arid)
    expected = [{k: v.clone() for k, v in b.items() if k != "video_id"} for b in batch_loader(fresh, 4)]
    ring = make(tiny_arid)
    ring.reuse_buffers = 2
    batches = []
    for i, batch in enumerate(batch_loader(ring, 4)):
        for key, value in expected[i].items():
            assert torch.equal(batch[key], value), (i, key)
        if i >= 1:  # the previous batch is intact while this one is in hand
            assert all(torch.equal(batches[-1][k], v) for k, v in expected[i - 1].items() if k != "label")
        batches.append(batch)
    ptr = [b["dark"].data_ptr() for b in batches]
    assert ptr[0] != ptr[1] and ptr[2] == ptr[0] and ptr[3] == ptr[1], "two buffers, taken in turns"
    assert ring[0]["dark"].data_ptr() not in ptr, "a single sample is never written into the ring"


def test_worker_processes_never_reuse_buffers(tiny_arid):
    from dlkdd_lite.data.loader import batch_loader

    ds = make(tiny_arid)
    ds.reuse_buffers = 1
    held = list(batch_loader(ds, 4, num_workers=1))  # would all be one buffer if the worker reused
    ds.reuse_buffers = 0
    for a, b in zip(held, batch_loader(ds, 4)):
        assert torch.equal(a["dark"], b["dark"]) and torch.equal(a["enhanced"], b["enhanced"])


def test_fit_reuses_batch_buffers_only_on_the_cpu_without_workers(tiny_arid):
    from dlkdd_lite.config import RunConfig
    from dlkdd_lite.models import build_model
    from dlkdd_lite.runtime.distributed import World
    from dlkdd_lite.runtime.speed import speed_up
    from dlkdd_lite.train import build_datasets

    for workers, expected in ((0, 2), (1, 0)):
        config = RunConfig(role="teacher", num_frames=4, crop_size=48, batch_size=4, num_workers=workers,
                           enhancer="gamma")  # fmt: skip
        train_set, test_set = build_datasets(config, tiny_arid, progress=False)
        speed_up(config, World(), build_model("tiny3d", 11), None, train_set)
        assert train_set.reuse_buffers == expected and test_set.reuse_buffers == 0


def test_videos_are_enhanced_in_the_decoding_threads_as_one_after_the_other(tiny_arid):
    """Zero-DCE in the decoder's threads, one torch thread each: the same pixels as enhancing each
    decoded video in turn, in the split list's order; torch's thread count is restored after."""
    import gc

    from dlkdd_lite.data import decode_cache
    from dlkdd_lite.data.video import read_clip
    from dlkdd_lite.enhance.enhancers import build_enhancer

    gc.collect()  # a generator another test left suspended would restore its own count when collected
    decode_cache.clear_decode_cache()
    threads = torch.get_num_threads()
    ds = make(tiny_arid, "test", enhancer="zerodce", enhanced_cache=None)
    assert torch.get_num_threads() == threads
    enhance = build_enhancer("zerodce")
    for (path, _, _), enhanced in zip(ds.videos, ds.enhanced):
        frames = decode_cache.planar(read_clip(path))  # as decoded for the cache: channel-planar memory
        assert np.array_equal(enhanced, enhance(torch.from_numpy(frames)).numpy()), path
    paths = [path for path, _, _ in ds.videos]
    decoded = decode_cache.decode_all(paths, None, None, then=lambda path, frames: torch.get_num_threads())
    assert next(decoded) == 1, "one torch thread per video while they are enhanced side by side"
    decoded.close()  # a consumer that stops early
    assert torch.get_num_threads() == threads
    decode_cache.clear_decode_cache()
