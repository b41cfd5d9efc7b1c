"""ARID split files: the official lists parse, our writer round-trips, bad lines are named."""

import pytest

from dlkdd_lite.data.splits import ARID_CLASSES, find_split_file, read_split_file, resolve_video, write_split_file


def test_classes_match_the_official_mapping_table(arid_lists):
    rows = [line.split("\t") for line in (arid_lists / "mapping_table.txt").read_text().splitlines()]
    assert tuple(name for _, name in sorted(rows, key=lambda r: int(r[0]))) == ARID_CLASSES


@pytest.mark.parametrize("split, subset, count", [(1, "train", 2288), (1, "test", 823), (2, "train", 2252),
                                                  (3, "test", 852), (1, "other", 673)])  # fmt: skip
def test_official_lists_parse_with_their_published_counts(arid_lists, split, subset, count):
    entries = read_split_file(find_split_file(arid_lists, split, subset))
    assert len(entries) == count
    assert all(e.relpath.endswith(".avi") for e in entries)


def test_video_id_drops_the_extension(arid_lists):
    first = read_split_file(arid_lists / "ARID_split1_train.txt")[0]
    assert (first.label, first.relpath, first.video_id) == (0, "Drink/Drink_11_1.avi", "Drink/Drink_11_1")


def test_write_then_read_round_trip_and_crlf(tmp_path):
    entries = [(0, "Drink/Drink_1_1.mp4"), (10, "Wave/Wave_2_1.mp4")]
    write_split_file(tmp_path / "a.txt", entries)
    assert (tmp_path / "a.txt").read_text() == "0\t0\tDrink/Drink_1_1.mp4\n1\t10\tWave/Wave_2_1.mp4\n"
    crlf = tmp_path / "b.txt"
    crlf.write_bytes(b"0\t0\tDrink/Drink_1_1.mp4\r\n1\t10\tWave/Wave_2_1.mp4")  # V1.5 style, no final newline
    assert [(e.label, e.relpath) for e in read_split_file(crlf)] == entries


@pytest.mark.parametrize("line, match", [
    ("0\t3\tDrink/Drink_1_1.mp4", r"label 3 does not match class 'Drink' \(expected label 0\)"),
    ("0\t0\tDance/Dance_1_1.mp4", "unknown class 'Dance'"),
    ("0 0 Drink/Drink_1_1.mp4", "expected"),
])  # fmt: skip
def test_bad_lines_are_named_with_file_and_line(tmp_path, line, match):
    path = tmp_path / "bad.txt"
    path.write_text("0\t0\tDrink/Drink_1_2.mp4\n" + line + "\n")
    with pytest.raises(ValueError, match=match) as err:
        read_split_file(path)
    assert f"{path}:2" in str(err.value)


def test_empty_and_missing_lists(tmp_path):
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(ValueError, match="lists no clips"):
        read_split_file(tmp_path / "empty.txt")
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        read_split_file(tmp_path / "nope.txt")
    with pytest.raises(FileNotFoundError, match="ARID_split2_test.txt"):
        find_split_file(tmp_path, 2, "test")


def test_resolve_video_reconciles_avi_and_mp4(tmp_path):
    (tmp_path / "Run").mkdir()
    (tmp_path / "Run" / "Run_1_1.mp4").write_bytes(b"x")
    assert resolve_video(tmp_path, "Run/Run_1_1.avi") == tmp_path / "Run" / "Run_1_1.mp4"
    assert resolve_video(tmp_path, "Run/Run_1_2.avi") is None


def test_resolve_videos_matches_stems_whatever_the_extension_case(tmp_path):
    from dlkdd_lite.data.splits import resolve_videos

    (tmp_path / "Jump").mkdir()
    for name in ("Jump_1_1.MP4", "Jump_1_2.avi", "Jump_1_2.mp4", "Jump_1_3.txt"):
        (tmp_path / "Jump" / name).write_bytes(b"x")
    found = resolve_videos(tmp_path, ["Jump/Jump_1_1.avi", "Jump/Jump_1_2.avi", "Jump/Jump_1_3.avi", "Pick/P.avi"])
    assert found == {"Jump/Jump_1_1.avi": tmp_path / "Jump" / "Jump_1_1.MP4", "Jump/Jump_1_2.avi":
                     tmp_path / "Jump" / "Jump_1_2.avi", "Jump/Jump_1_3.avi": None, "Pick/P.avi": None}  # fmt: skip
