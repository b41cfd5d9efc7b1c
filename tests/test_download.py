"""Downloads against a real HTTP server on 127.0.0.1: resume after drops, retries, checksums, web pages instead
of files, and whole installs of ARID v1.0, V1.5 and Dark-48 archives built from generated clips."""

import dataclasses
import hashlib
import json
import os

import pytest
from http_server import FileServer, arid_members, make_tar, make_zip, tiny_mp4

from dlkdd_lite.data.acquire.download import download_dataset
from dlkdd_lite.data.acquire.fetch import classify_url, fetch_url
from dlkdd_lite.data.acquire.lists import install_lists
from dlkdd_lite.data.dataset import DarkVideoDataset
from dlkdd_lite.data.registry import dataset_status, detect_layout, get_dataset, read_manifest
from dlkdd_lite.data.splits import find_split_file, read_split_file, write_split_file

PAYLOAD = os.urandom(300_000)
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def server():
    with FileServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return tiny_mp4(tmp_path_factory.mktemp("clip"))


def test_a_dropped_connection_is_resumed_with_a_range_request(server, tmp_path):
    url = server.add("data.bin", PAYLOAD)
    server.drop("/data.bin", after=100_000, times=2)
    digest = fetch_url(url, tmp_path / "data.bin", sha256=SHA, backoff=0.01, progress=False)
    assert digest == SHA and (tmp_path / "data.bin").read_bytes() == PAYLOAD
    ranges = [r for _, r in server.requests]
    starts = [int(r.removeprefix("bytes=").rstrip("-")) for r in ranges[1:]]
    assert ranges[0] is None and len(starts) == 2 and 0 < starts[0] <= 100_000 < starts[1] <= 200_000, ranges
    assert not (tmp_path / "data.bin.partial").exists()


def test_an_interrupted_run_resumes_its_partial_file_or_restarts_when_range_is_ignored(server, tmp_path):
    url = server.add("data.bin", PAYLOAD)
    (tmp_path / "a.bin.partial").write_bytes(PAYLOAD[:123_456])
    assert fetch_url(url, tmp_path / "a.bin", progress=False) == SHA
    assert server.requests == [("/data.bin", "bytes=123456-")]
    server.ignore_range = True
    (tmp_path / "b.bin.partial").write_bytes(b"stale bytes from another file")
    assert fetch_url(url, tmp_path / "b.bin", progress=False) == SHA
    assert (tmp_path / "b.bin").read_bytes() == PAYLOAD


def test_a_checksum_mismatch_installs_nothing_and_keeps_the_file_for_inspection(server, tmp_path):
    url = server.add("data.bin", PAYLOAD)
    with pytest.raises(ValueError, match=f"checksum mismatch for {url}: expected sha256 0+, got {SHA}"):
        fetch_url(url, tmp_path / "data.bin", sha256="0" * 64, progress=False)
    assert not (tmp_path / "data.bin").exists() and (tmp_path / "data.bin.sha256-mismatch").is_file()


def test_http_errors_fail_fast_and_server_errors_are_retried(server, tmp_path):
    with pytest.raises(ValueError, match="HTTP 404 .* no file at this address"):
        fetch_url(server.url("missing.zip"), tmp_path / "m.zip", progress=False)
    assert len(server.requests) == 1, "a 404 is not retried"
    url = server.add("data.bin", PAYLOAD)
    server.fail("/data.bin", 403)
    with pytest.raises(ValueError, match="HTTP 403 .* expired, is not shared"):
        fetch_url(url, tmp_path / "d.bin", progress=False)
    server.fail("/data.bin", 503, times=2)
    assert fetch_url(url, tmp_path / "d.bin", backoff=0.01, progress=False) == SHA
    server.drop("/data.bin", after=70_000, times=10)
    with pytest.raises(ValueError, match="failed after 2 retries .* run the same command again to resume"):
        fetch_url(url, tmp_path / "e.bin", retries=2, backoff=0.01, progress=False)
    assert 0 < (tmp_path / "e.bin.partial").stat().st_size < len(PAYLOAD) and not (tmp_path / "e.bin").exists()


def test_a_web_page_served_instead_of_the_file_is_refused(server, tmp_path):
    page = b"<!DOCTYPE html><html><title>Google Drive - Virus scan warning / quota exceeded</title></html>"
    url = server.add("share/file.zip", page, content_type="text/html; charset=utf-8")
    with pytest.raises(ValueError, match="served a web page \\(HTML\\), not a file"):
        fetch_url(url, tmp_path / "file.zip", progress=False)
    assert not (tmp_path / "file.zip").exists() and not (tmp_path / "file.zip.partial").exists()


@pytest.mark.parametrize("url, kind, target", [
    ("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUv/view?usp=sharing", "gdrive", "1AbCdEfGhIjKlMnOpQrStUv"),
    ("https://drive.google.com/open?id=1AbCdEfGhIjKlMnOpQrStUv", "gdrive", "1AbCdEfGhIjKlMnOpQrStUv"),
    ("https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOpQrStUv", "gdrive", "1AbCdEfGhIjKlMnOpQrStUv"),
    ("https://1drv.ms/u/s!AbCdEf?e=xyz", "onedrive", "https://1drv.ms/u/s!AbCdEf?e=xyz&download=1"),
    ("https://ntu-my.sharepoint.com/:u:/g/personal/x/EaBc?e=1", "onedrive",
     "https://ntu-my.sharepoint.com/:u:/g/personal/x/EaBc?e=1&download=1"),
    ("https://example.org/ARID_v1.zip", "http", "https://example.org/ARID_v1.zip"),
])  # fmt: skip
def test_share_links_are_recognised(url, kind, target):
    assert classify_url(url) == (kind, target)


def test_unusable_links_are_named():
    with pytest.raises(ValueError, match="Google Drive folder"):
        classify_url("https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOpQrStUv")
    with pytest.raises(ValueError, match="expected an http"):
        classify_url("ftp://example.org/a.zip")


def test_arid_from_a_url_end_to_end_then_a_rerun_does_nothing(server, tmp_path, clip, arid_lists):
    data = make_zip(tmp_path / "ARID_v1.zip", arid_members(clip, arid_lists))
    url = server.add("ARID_v1.zip", data)
    root = tmp_path / "arid"
    manifest = download_dataset("arid", root, url=url, sha256=hashlib.sha256(data).hexdigest(), progress=False)
    assert manifest["complete"] and manifest["clips"] == 22 and manifest["status"] == "installed"
    assert manifest["sources"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert read_manifest(root)["complete"] and not list((root / "downloads").glob("*"))
    assert (root / "clips" / "Drink" / "Drink_11_1.mp4").is_file()
    assert len(read_split_file(find_split_file(root, 3, "other"))) == 673  # the official lists, installed
    # The lists name .avi; the clips on disk are .mp4: matched by stem.
    present = [(e.label, e.relpath) for e in read_split_file(find_split_file(root, 1, "train"))
               if (root / "clips" / e.relpath.replace(".avi", ".mp4")).is_file()]  # fmt: skip
    write_split_file(tmp_path / "present.txt", present)
    ds = DarkVideoDataset(root, tmp_path / "present.txt", train=False, num_frames=4, crop_size=32, cache=False,
                          progress=False, norm="arid")  # fmt: skip
    assert len(ds) == 22 and ds[0]["dark"].shape == (3, 4, 32, 32) and ds[0]["video_id"] == "Drink/Drink_11_1"
    seen = len(server.requests)
    again = download_dataset("arid", root, url=url, progress=False)
    assert again["status"] == "up to date" and len(server.requests) == seen


def v15_members(clip: bytes) -> dict[str, bytes]:
    top = "ARID_v1_5_211015/"
    members, lists = {}, {}
    for split, other in ((0, "others"), (1, "other")):
        for subset in ("train", "test", other):
            rows = []
            for label, name in enumerate(get_dataset("arid1.5").classes):
                relpath = f"{name}/{name}_{split + 1}_{subset[:2]}.mp4"
                members[top + "clips_v1.5/" + relpath] = clip
                rows.append(f"{len(rows)}\t{label}\t{relpath}")
            lists[f"{top}list_cvt/split_{split}/split{split}_{subset}.txt"] = "\r\n".join(rows).encode()
    members[top + "list_cvt/split_0/ref/ARID1.1_t1_train.txt"] = b"0\t0\tDrink/whatever.mp4\r\n"
    return {**members, **lists}


def test_arid15_from_a_downloaded_archive_with_its_crlf_lists(tmp_path, clip):
    archive = tmp_path / "ARID_v1_5_211015.zip"
    make_zip(archive, v15_members(clip))
    root = tmp_path / "arid1.5"
    manifest = download_dataset("arid1.5", root, archives=[archive], progress=False)
    assert manifest["complete"] and manifest["clips"] == 66 and archive.is_file(), "the user's file is kept"
    assert find_split_file(root, 0, "other").name == "split0_others.txt"
    assert find_split_file(root, 1, "other").name == "split1_other.txt"
    assert not (root / "splits" / "ARID1.1_t1_train.txt").exists()
    with pytest.raises(ValueError, match=r"arid1.5 has splits \[0, 1\]; got split 3"):
        find_split_file(root, 3, "train")
    ds = DarkVideoDataset(root, find_split_file(root, 0, "train"), train=True, num_frames=4, crop_size=32,
                          cache=False, progress=False, norm="arid1.5")  # fmt: skip
    assert len(ds) == 11 and ds.labels == list(range(11))


def dark48_files(clip: bytes, every: int = 1):
    """Dark-48-format lists (generated: the real ones are not ours to copy) and an archive's members;
    one clip per list for every ``every``-th class."""
    classes = get_dataset("dark48").classes
    lists = {"classInd.txt": "\n".join(f"{i}\t{c}" for i, c in enumerate(classes)).encode()}
    members = {}
    for split in (1, 2, 3):
        for subset in ("train", "test"):
            rows = [f"{c}/yt-{c[:4]}x_{split}{subset[:2]}.mp4 {i}" for i, c in enumerate(classes) if i % every == 0]
            lists[f"{subset}_split{split}.txt"] = "\n".join(rows).encode()  # no final newline, as Dark-48's
            members.update({f"Dark48/videos/{row.split()[0]}": clip for row in rows})
    return lists, members


def test_dark48_with_lists_from_a_url_and_a_tar_archive(server, tmp_path, clip):
    lists, members = dark48_files(clip)
    for name, data in lists.items():
        server.add(f"annotations/{name}", data, content_type="text/plain")
    archive = tmp_path / "Dark48.tar.gz"
    make_tar(archive, members)
    root = tmp_path / "dark48"
    manifest = download_dataset("dark48", root, archives=[archive], lists=server.url("annotations/"), progress=False)
    assert manifest["clips"] == 48 * 6 and set(manifest["lists"]) == set(lists)
    layout = detect_layout(root)
    assert layout.dataset == "dark48" and len(layout.classes) == 48 and layout.clips_dir == root / "clips"
    ds = DarkVideoDataset(root, find_split_file(root, 2, "test"), train=False, num_frames=4, crop_size=32,
                          cache=False, progress=False)  # fmt: skip
    assert len(ds) == 48 and ds.labels == list(range(48)) and ds.videos[47][2].startswith("whistling/")


def test_dark48_lists_from_the_pinned_url_are_checksummed(server, tmp_path, clip):
    lists, _ = dark48_files(clip)
    for name, data in lists.items():
        server.add(f"pinned/annotations/{name}", data)
    info = get_dataset("dark48")
    raw = json.loads(json.dumps(info.raw))
    raw["lists"]["base_url"] = server.url("pinned/annotations/")  # the registry's sha256s are the real files'
    # Generated classInd.txt equals the real one byte for byte; the generated lists do not.
    with pytest.raises(ValueError, match="train_split1.txt is not the file pinned in the registry"):
        install_lists(dataclasses.replace(info, raw=raw), tmp_path / "splits")
    assert not (tmp_path / "splits").exists()
    raw["lists"]["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in lists.items()}
    assert install_lists(dataclasses.replace(info, raw=raw), tmp_path / "splits") == raw["lists"]["files"]


def test_a_root_holding_other_files_or_another_dataset_is_left_alone(tmp_path, clip, arid_lists):
    archive = tmp_path / "arid.zip"
    make_zip(archive, arid_members(clip, arid_lists, prefix=""))
    mine = tmp_path / "mine"
    (mine / "Drink").mkdir(parents=True)
    (mine / "Drink" / "Drink_1_1.mp4").write_bytes(b"my own clip")
    with pytest.raises(ValueError, match="already holds files \\(Drink...\\) but no dataset.json"):
        download_dataset("arid", mine, archives=[archive], progress=False)
    assert sorted(p.name for p in mine.rglob("*")) == ["Drink", "Drink_1_1.mp4"]
    download_dataset("arid", tmp_path / "arid", archives=[archive], progress=False)
    with pytest.raises(ValueError, match="already holds dataset 'arid'"):
        download_dataset("dark48", tmp_path / "arid", archives=[archive], progress=False)


def test_a_bad_second_archive_leaves_the_first_installed(server, tmp_path, clip, arid_lists):
    first = tmp_path / "part1.zip"
    make_zip(first, arid_members(clip, arid_lists))
    root = tmp_path / "arid"
    download_dataset("arid", root, archives=[first], progress=False)
    before = sorted(p.relative_to(root) for p in (root / "clips").rglob("*"))
    evil = tmp_path / "part2.zip"
    make_zip(evil, {"Run/Run_1_1.mp4": clip, "../../escaped.mp4": clip})  # outside-path: deliberate
    with pytest.raises(ValueError, match="unsafe"):
        download_dataset("arid", root, archives=[evil], progress=False)
    page = server.add("part3.zip", b"<html><body>Sign in to continue</body></html>", content_type="text/html")
    with pytest.raises(ValueError, match="web page"):
        download_dataset("arid", root, url=page, progress=False)
    assert read_manifest(root)["complete"] and len(read_manifest(root)["sources"]) == 1
    assert sorted(p.relative_to(root) for p in (root / "clips").rglob("*")) == before
    assert not (tmp_path / "escaped.mp4").exists() and not list(root.glob(".extract-*"))


def test_an_archive_of_another_dataset_is_not_taken_for_this_one(tmp_path, clip):
    archive = tmp_path / "v15.zip"
    make_zip(archive, v15_members(clip))  # right classes, but none of v1.0's clip names
    with pytest.raises(ValueError, match="hold none of the .* clips the official lists name"):
        download_dataset("arid", tmp_path / "arid", archives=[archive], progress=False)
    assert not (tmp_path / "arid" / "clips").exists()


def test_without_a_link_the_steps_to_get_one_are_printed(tmp_path):
    with pytest.raises(ValueError, match="(?s)no public download link.*xuyu0014@e.ntu.edu.sg"):
        download_dataset("arid", tmp_path / "arid", progress=False)
    with pytest.raises(
        ValueError, match="unknown dataset 'kinetics'; expected one of \\['arid', 'arid1.5', 'dark48'\\]"
    ):
        download_dataset("kinetics", tmp_path / "k", progress=False)


def test_an_interrupted_install_shows_as_incomplete_and_the_same_command_finishes_it(
    server, tmp_path, clip, arid_lists
):
    padding = {"ARID_v1/README.bin": os.urandom(400_000)}  # bigger than a read chunk, so the drop keeps bytes
    data = make_zip(tmp_path / "ARID_v1.zip", {**arid_members(clip, arid_lists), **padding})
    url = server.add("ARID_v1.zip", data)
    server.drop("/ARID_v1.zip", after=len(data) // 2, times=1)
    root = tmp_path / "arid"
    with pytest.raises(ValueError, match="failed after 0 retries"):
        download_dataset("arid", root, url=url, retries=0, progress=False)
    assert dataset_status("arid", root).startswith("incomplete") and not (root / "clips").exists()
    assert [p.suffix for p in (root / "downloads").iterdir()] == [".partial"]
    manifest = download_dataset("arid", root, url=url, progress=False)
    assert manifest["complete"] and manifest["clips"] == 22
    assert server.requests[-1][1].startswith("bytes=") and server.requests[-1][1] != "bytes=0-", (
        "resumed, not restarted"
    )
    assert dataset_status("arid", root).startswith("downloaded (22 clips), not verified")


def test_training_runs_unchanged_on_an_installed_dark48_layout(tmp_path, clip):
    from dlkdd_lite.presets import preset
    from dlkdd_lite.train import fit

    lists, members = dark48_files(clip, every=4)  # 12 of the 48 classes: labels 0, 4, ..., 44
    (tmp_path / "lists").mkdir()
    for name, data in lists.items():
        (tmp_path / "lists" / name).write_bytes(data)
    make_zip(tmp_path / "Dark48.zip", members)
    root = tmp_path / "dark48"
    download_dataset("dark48", root, archives=[tmp_path / "Dark48.zip"], lists=str(tmp_path / "lists"), progress=False)
    config = preset("dark48", arch="tiny3d", pretrained=None, num_frames=4, short_side=None, crop_size=32, epochs=1,
                    batch_size=16, eval_clips=1, num_workers=0, device="cpu", amp=False, cache=True)  # fmt: skip
    metrics = fit(config, root, tmp_path / "run", progress=False)
    assert 0.0 <= metrics["video_acc1"] <= 1.0
    predictions = (tmp_path / "run" / "predictions.csv").read_text().splitlines()
    assert len(predictions) == 1 + 12 and predictions[-1].split(",")[1] == "44"
