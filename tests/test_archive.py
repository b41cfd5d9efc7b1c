"""Archives: unsafe members refused before anything is written, damaged ones named, clip trees found at any
depth and moved in whole, a full disk leaves nothing behind."""

import io
import subprocess
import sys
import tarfile
import zipfile

import pytest
from http_server import make_tar, make_zip

from dlkdd_lite.data.acquire.archive import extract_archive, sniff_archive
from dlkdd_lite.data.acquire.install import count_clips, install_clips
from dlkdd_lite.data.splits import ARID_CLASSES

CLIP = b"\x00\x00\x00\x18ftypmp42" + bytes(200)  # content does not matter here; decoding is tested elsewhere


@pytest.mark.parametrize("name, why", [
    ("../evil.mp4", "'..' would write outside"),  # outside-path: deliberate
    ("ARID/../../evil.mp4", "'..' would write outside"),  # outside-path: deliberate
    ("/tmp/evil.mp4", "absolute path"),
    ("C:\\evil.mp4", "absolute path"),
])  # fmt: skip
@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_traversal_and_absolute_members_are_refused(tmp_path, name, why, kind):
    archive = tmp_path / f"bad.{kind}"
    members = {"ARID/Drink/Drink_1_1.mp4": CLIP, name: b"pwned"}
    make_zip(archive, members) if kind == "zip" else make_tar(archive, members)
    dest = tmp_path / "out" / "x"
    with pytest.raises(ValueError, match=f"member .* is unsafe \\({why}"):
        extract_archive(archive, dest, progress=False)
    assert not dest.exists() and not (tmp_path / "evil.mp4").exists() and not (tmp_path / "out" / "evil.mp4").exists()


def test_links_in_archives_are_refused(tmp_path):
    archive = tmp_path / "links.tar"
    with tarfile.open(archive, "w") as tf:
        link = tarfile.TarInfo("ARID/Drink/Drink_1_1.mp4")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
    with pytest.raises(ValueError, match="unsafe \\(link\\)"):
        extract_archive(archive, tmp_path / "out", progress=False)
    zipped = tmp_path / "links.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        info = zipfile.ZipInfo("Drink/Drink_1_1.mp4")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(ValueError, match="symbolic link"):
        extract_archive(zipped, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_truncated_archives_are_named_as_damaged(tmp_path, kind):
    whole = tmp_path / f"whole.{kind}"
    members = {f"Drink/Drink_1_{i}.mp4": bytes(range(256)) * 40 for i in range(5)}
    data = make_zip(whole, members) if kind == "zip" else make_tar(whole, members)
    cut = tmp_path / f"cut.{kind}"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=f"{cut.name} is damaged or truncated"):
        extract_archive(cut, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_sniffing_names_html_pages_rar_and_junk(tmp_path):
    page = tmp_path / "download.zip"
    page.write_bytes(b"\n<!DOCTYPE html><html><head><title>Google Drive - Quota exceeded</title>")
    with pytest.raises(ValueError, match="is an HTML page, not an archive.*quota"):
        sniff_archive(page)
    rar = tmp_path / "a.rar"
    rar.write_bytes(b"Rar!\x1a\x07\x00" + bytes(10))
    with pytest.raises(ValueError, match="RAR archive.*pass the extracted folder"):
        sniff_archive(rar)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello world")
    with pytest.raises(ValueError, match="not a zip or tar archive"):
        sniff_archive(junk)
    plain_tar = tmp_path / "a.tar"
    make_tar(plain_tar, {"x/y.mp4": CLIP}, mode="w")
    assert sniff_archive(plain_tar) == "tar" and sniff_archive(make_zip_path(tmp_path)) == "zip"


def make_zip_path(tmp_path):
    path = tmp_path / "ok.zip"
    make_zip(path, {"x/y.mp4": CLIP})
    return path


def test_clip_tree_found_at_any_depth_and_moved_in_one_piece(tmp_path):
    archive = tmp_path / "nested.zip"
    members = {f"ARID_v1/data/clips/{c}/{c}_1_{i}.mp4": CLIP for c in ARID_CLASSES for i in (1, 2)}
    members["ARID_v1/README.txt"] = b"readme"
    members["ARID_v1/data/other/Drink/not_a_clip_folder.txt"] = b"x"  # one class-like name: fewer matches
    make_zip(archive, members)
    tree = extract_archive(archive, tmp_path / "tree", progress=False)
    clips = tmp_path / "dataset" / "clips"
    result = install_clips(tree, clips, ARID_CLASSES)
    assert result["source"].endswith("ARID_v1/data/clips") and result["added"] == 22
    assert count_clips(clips) == 22 and (clips / "Wave" / "Wave_1_2.mp4").read_bytes() == CLIP
    # A second part of the same dataset merges in; files already there are kept, not overwritten.
    (clips / "Drink" / "Drink_1_1.mp4").write_bytes(b"earlier good data")
    part2 = tmp_path / "part2.tar.gz"
    make_tar(part2, {"Drink/Drink_1_1.mp4": b"other bytes", "Drink/Drink_9_9.mp4": CLIP})
    result = install_clips(extract_archive(part2, tmp_path / "tree2", progress=False), clips, ARID_CLASSES)
    assert (result["added"], result["kept"]) == (1, 1)
    assert (clips / "Drink" / "Drink_1_1.mp4").read_bytes() == b"earlier good data"


def test_an_archive_without_class_folders_is_refused(tmp_path):
    tree = tmp_path / "tree"
    (tree / "videos" / "Dance").mkdir(parents=True)
    with pytest.raises(ValueError, match="no class folders \\(Drink, Jump, Pick, Pour, ...\\)"):
        install_clips(tree, tmp_path / "clips", ARID_CLASSES)
    assert not (tmp_path / "clips").exists()


def test_a_folder_is_copied_not_moved(tmp_path):
    user = tmp_path / "my_download" / "ARID" / "Run"
    user.mkdir(parents=True)
    (user / "Run_1_1.mp4").write_bytes(CLIP)
    extract_archive(tmp_path / "my_download", tmp_path / "tree", progress=False)
    assert (tmp_path / "tree" / "ARID" / "Run" / "Run_1_1.mp4").is_file() and (user / "Run_1_1.mp4").is_file()


FULL_DISK = """
import resource, signal, sys
from dlkdd_lite.data.acquire.archive import extract_archive
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit then fail with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
try:
    extract_archive(sys.argv[1], sys.argv[2], progress=False)
except ValueError as err:
    print(err)
"""


def test_a_full_disk_is_named_and_leaves_nothing_behind(tmp_path):
    archive = tmp_path / "big.zip"
    make_zip(archive, {"Drink/Drink_1_1.mp4": CLIP, "Drink/Drink_1_2.mp4": io.BytesIO(bytes(300_000)).read()})
    dest = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", FULL_DISK, archive, dest], capture_output=True, text=True)
    assert "disk full while extracting" in result.stdout and "Nothing was installed" in result.stdout, result.stderr
    assert not dest.exists()
