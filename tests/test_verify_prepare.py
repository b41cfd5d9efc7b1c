"""verify counts listed clips per split (present, missing, unreadable) and writes its report; the data CLI;
prepare re-encodes a smaller copy that trains unchanged, resumably, keeping the originals."""

import argparse
import json

import pytest
from http_server import arid_members, make_zip, tiny_mp4

from dlkdd_lite.cli.data import register
from dlkdd_lite.data.acquire.download import download_dataset
from dlkdd_lite.data.acquire.prepare import prepare_dataset
from dlkdd_lite.data.acquire.verify import verify_dataset
from dlkdd_lite.data.dataset import DarkVideoDataset
from dlkdd_lite.data.registry import read_manifest
from dlkdd_lite.data.splits import find_split_file, read_split_file, write_split_file
from dlkdd_lite.data.video import read_clip


@pytest.fixture(scope="module")
def arid(tmp_path_factory, arid_lists):
    """ARID v1.0 installed from an archive of 22 generated 64x64 clips (2 per class) with official names."""
    tmp = tmp_path_factory.mktemp("arid")
    archive = tmp / "ARID_v1.zip"
    make_zip(archive, arid_members(tiny_mp4(tmp, size=64), arid_lists))
    root = tmp / "arid"
    download_dataset("arid", root, archives=[archive], progress=False)
    return root


def cli(*argv):
    parser = argparse.ArgumentParser(prog="dlkdd")
    runners = register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([str(a) for a in argv])
    return runners[args.command](args)


def official_stems(lists, split: int, subset: str) -> set[str]:
    return {e.video_id for e in read_split_file(lists / f"ARID_split{split}_{subset}.txt")}


def test_verify_counts_every_official_list_and_writes_a_report(arid, arid_lists, tmp_path):
    on_disk = {p.relative_to(arid / "clips").with_suffix("").as_posix() for p in (arid / "clips").glob("*/*.mp4")}
    broken = arid / "clips" / "Jump" / sorted(p.name for p in (arid / "clips" / "Jump").iterdir())[0]
    good = broken.read_bytes()
    broken.write_bytes(good[: len(good) // 3])  # a truncated download
    (arid / "clips" / "Wave" / "Wave_99_1.mp4").write_bytes(good)  # on disk, in no list
    try:
        report = verify_dataset(arid, "arid", progress=False)
    finally:
        broken.write_bytes(good)
        (arid / "clips" / "Wave" / "Wave_99_1.mp4").unlink()
    assert (report["listed"], report["present"], report["missing"]) == (3784, 22, 3762)
    assert (report["unreadable"], report["extra"]) == (1, 1) and str(broken) in report["unreadable_files"]
    rows = {(r["split"], r["subset"]): r for r in report["splits"]}
    assert len(rows) == 9
    for (split, subset), row in rows.items():
        present = len(official_stems(arid_lists, split, subset) & on_disk)
        assert (row["listed"], row["expected"], row["present"]) == (row["expected"], row["listed"], present)
        assert row["missing"] == row["listed"] - present
    assert rows[(1, "train")]["present"] == 22 and rows[(1, "train")]["unreadable"] == 1
    assert json.loads((arid / "verify.json").read_text())["missing"] == 3762


def test_verify_from_the_command_line_exits_1_on_missing_clips_unless_allowed(arid, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli("verify", "arid", "--root", arid, "--no-probe", "--quiet")
    out = capsys.readouterr().out
    assert exit_.value.code == 1 and "3762 missing" in out and "    1 train     2288     2288       22     2266" in out
    cli("verify", "arid", "--root", arid, "--no-probe", "--allow-missing", "--quiet")
    with pytest.raises(ValueError, match="holds 'arid'.*not 'dark48'"):
        cli("verify", "dark48", "--root", arid, "--quiet")


def test_datasets_lists_the_registry_with_the_status_here(arid, capsys):
    cli("datasets", "--data-dir", arid.parent)
    out = capsys.readouterr().out
    assert "ARID V1.5" in out and "Dark-48" in out and "verified: 3762 listed clips missing" in out
    assert "not downloaded" in out  # arid1.5 and dark48 are not in that folder
    cli("datasets", "dark48")
    out = capsys.readouterr().out
    assert "48 classes, 8815 clips" in out and "pan.baidu.com" not in out and "Baidu" in out


def test_verify_accepts_the_quick_tier(tiny_arid, tmp_path):
    report = verify_dataset(tiny_arid, progress=False)
    assert report["dataset"] == "quick" and (report["listed"], report["present"], report["missing"]) == (33, 33, 0)
    (tiny_arid / "verify.json").unlink()


def test_prepare_re_encodes_smaller_resumably_and_keeps_the_originals(arid, tmp_path):
    originals = {p: p.read_bytes() for p in (arid / "clips").glob("*/*.mp4")}
    out = tmp_path / "arid-s32"
    summary = prepare_dataset(arid, out, short_side=32, name="arid", workers=1, progress=False)
    assert (summary["clips"], summary["encoded"], summary["kept"], summary["failed"]) == (22, 22, 0, {})
    assert {p: p.read_bytes() for p in (arid / "clips").glob("*/*.mp4")} == originals
    small = read_clip(out / "clips" / "Drink" / "Drink_11_1.mp4")
    assert small.shape == (8, 32, 32, 3)
    manifest = read_manifest(out)
    assert manifest["complete"] and manifest["short_side"] == 32 and manifest["prepared_from"] == str(arid.resolve())
    again = prepare_dataset(arid, out, short_side=32, workers=1, progress=False)
    assert (again["encoded"], again["kept"]) == (0, 22)
    with pytest.raises(ValueError, match="prepared with other settings"):
        prepare_dataset(arid, out, short_side=48, progress=False)
    # The prepared copy trains unchanged: its lists are found and its clips resolve (.avi lists, .mp4 clips).
    assert len(read_split_file(find_split_file(out, 2, "test"))) == 859
    present = [(e.label, e.relpath) for e in read_split_file(find_split_file(out, 1, "train"))
               if (out / "clips" / e.relpath).with_suffix(".mp4").is_file()]  # fmt: skip
    write_split_file(tmp_path / "present.txt", present)
    ds = DarkVideoDataset(out, tmp_path / "present.txt", train=True, num_frames=4, crop_size=32, progress=False)
    assert len(ds) == 22 and ds[0]["dark"].shape == (3, 4, 32, 32)
