"""The dataset registry agrees with the shipped ARID lists; folders are recognised from their manifest or their
files (ARID, V1.5, Dark-48, generated); Dark-48's list format parses; presets (pretrained weights: test_weights.py)."""

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from dlkdd_lite.data.registry import detect_layout, get_dataset, load_registry, read_class_index
from dlkdd_lite.data.splits import find_split_file, read_split_file
from dlkdd_lite.presets import PRESETS, describe_presets, preset

# An independent copy of ARID's official lists (tests/data/arid_v1/README.md: source, CC BY 4.0 licence).
OFFICIAL_ARID = Path(__file__).resolve().parent / "data" / "arid_v1"


def test_registry_entries_are_complete_and_self_consistent():
    registry = load_registry()
    assert list(registry) == ["arid", "arid1.5", "dark48"]
    assert [len(i.classes) for i in registry.values()] == [11, 11, 48]
    for info in registry.values():
        for key in ("license", "citation", "obtain", "homepage", "paper", "download_size", "lists", "expected"):
            assert info.raw[key], f"{info.name} lacks {key}"
        for split in info.splits:
            counts = [info.expected_count(split, subset) for subset in info.subsets]
            assert sum(counts) == info.expected_clips, (info.name, split, counts)
    assert get_dataset("ARID_v1.5").name == "arid1.5" and get_dataset("Dark-48").name == "dark48"
    with pytest.raises(ValueError, match="unknown dataset 'hmdb51'; expected one of"):
        get_dataset("hmdb51")


def test_shipped_arid_lists_are_the_official_ones_with_the_registry_counts():
    shipped = json.loads(resources.files("dlkdd_lite").joinpath("resources", "arid_v1_lists.json").read_text())
    assert "CC BY 4.0" in shipped["license"]
    info = get_dataset("arid")
    for name, entry in shipped["files"].items():
        official = (OFFICIAL_ARID / name).read_bytes()
        assert entry["text"].encode() == official and hashlib.sha256(official).hexdigest() == entry["sha256"]
    for split in info.splits:
        for subset in info.subsets:
            rows = read_split_file(OFFICIAL_ARID / f"ARID_split{split}_{subset}.txt")
            assert len(rows) == info.expected_count(split, subset)


def test_a_v15_tree_extracted_by_hand_is_recognised_from_its_files(tmp_path):
    top = tmp_path / "ARID_v1_5_211015"
    for split, other in ((0, "others"), (1, "other")):
        folder = top / "list_cvt" / f"split_{split}"
        folder.mkdir(parents=True)
        for subset in ("train", "test", other):
            (folder / f"split{split}_{subset}.txt").write_bytes(b"0\t5\tRun/Run_1_1.mp4\r\n1\t10\tWave/Wave_2_1.mp4")
    (top / "list_cvt" / "split_0" / "ref").mkdir()
    for name in ("Run", "Wave", "Drink"):
        (top / "clips_v1.5" / name).mkdir(parents=True)
    layout = detect_layout(tmp_path)
    assert layout.dataset == "arid1.5" and layout.clips_dir == top / "clips_v1.5"
    assert find_split_file(tmp_path, 0, "other").name == "split0_others.txt"
    assert [e.label for e in read_split_file(find_split_file(tmp_path, 1, "test"))] == [5, 10]


def dark48_annotations(folder, classes, rows: list[str]):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "classInd.txt").write_text("\n".join(f"{i}\t{c}" for i, c in enumerate(classes)))
    for split in (1, 2, 3):
        for subset in ("train", "test"):
            (folder / f"{subset}_split{split}.txt").write_text("\n".join(rows))  # no final newline


def test_dark48_lists_parse_with_labels_from_classInd(tmp_path):
    classes = get_dataset("dark48").classes
    rows = ["whistling/yt-yYsrDPcOLtc_25.mp4 47", "juggling_fire/AdBJAjn-yVM_000040_000050.mp4 24",
            "headbanging/-hqDz946aOk_000095_000105.mp4 22"]  # fmt: skip
    dark48_annotations(tmp_path / "Dark48" / "annotations", classes, rows)
    (tmp_path / "Dark48" / "videos" / "whistling").mkdir(parents=True)
    layout = detect_layout(tmp_path)
    assert layout.dataset == "dark48" and layout.classes == classes and layout.clips_dir.name == "videos"
    entries = read_split_file(find_split_file(tmp_path, 3, "test"))
    assert [(e.label, e.video_id) for e in entries][1] == (24, "juggling_fire/AdBJAjn-yVM_000040_000050")
    assert read_class_index(layout.list_dirs[0] / "classInd.txt") == classes
    bad = tmp_path / "Dark48" / "annotations" / "train_split2.txt"
    bad.write_text("whistling/a.mp4 47\ndancing/b.mp4 3")
    with pytest.raises(ValueError, match=f"{bad}:2: label 3 does not match class 'dancing' \\(expected label 15\\)"):
        read_split_file(bad)
    with pytest.raises(ValueError, match="dark48 has splits \\[1, 2, 3\\]; got split 0"):
        find_split_file(tmp_path, 0, "train")


def test_class_index_gaps_are_an_error(tmp_path):
    (tmp_path / "classInd.txt").write_text("0\ta\n2\tb\n")
    with pytest.raises(ValueError, match="class ids must be 0..K-1 without gaps"):
        read_class_index(tmp_path / "classInd.txt")


def test_the_quick_tier_keeps_its_layout(tiny_arid):
    layout = detect_layout(tiny_arid)
    assert (layout.dataset, layout.clips_dir) == ("quick", tiny_arid)
    assert find_split_file(tiny_arid, 1, "train") == tiny_arid / "splits" / "ARID_split1_train.txt"


def test_presets_hold_the_kit_defaults_and_take_overrides():
    arid = preset("arid", role="student", teacher_ckpt="t.pt", alpha=0.5)
    assert (arid.arch, arid.num_frames, arid.crop_size, arid.short_side, arid.norm) == ("r2plus1d_18", 16, 112, 128,
                                                                                       "arid")  # fmt: skip
    assert (arid.role, arid.alpha, arid.optimizer) == ("student", 0.5, "sgd")
    assert {preset(name).pretrained for name in ("arid", "arid1.5", "dark48")} == {"kinetics400"}  # not from scratch
    assert preset("quick").pretrained == "normal-light"
    assert preset("dark48").num_classes == 48 and preset("arid1.5").split == 0 and preset("quick").arch == "tiny3d"
    assert [row["preset"] for row in describe_presets()] == list(PRESETS)
    for name in ("arid", "arid1.5", "dark48"):
        info = get_dataset(name)
        config = preset(name)
        assert config.num_classes == len(info.classes) and config.split in info.splits and config.norm == info.norm
    with pytest.raises(ValueError, match="unknown preset 'ucf101'"):
        preset("ucf101")
    with pytest.raises(ValueError, match="unknown RunConfig fields \\['temprature'\\]"):
        preset("arid", temprature=2.0)
    with pytest.raises(ValueError, match="alpha"):
        preset("arid", alpha=3.0)
