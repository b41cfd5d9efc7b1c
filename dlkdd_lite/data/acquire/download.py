"""download.py: getting a dataset onto disk: ``download_dataset``.

Takes a URL (fetched by fetch.py: resumable, retried, checksummed) or an archive the user already has,
extracts it (archive.py), installs the split lists (splits.py) and writes the manifest last.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import urllib.parse
from pathlib import Path

from dlkdd_lite.data.acquire.fetch import _check_space, classify_url, fetch, sha256_file

# Small reads: when a connection drops, urllib3 discards the read in progress, so at most this much is lost.


def _source_key(url: str | None = None, archive: str | os.PathLike | None = None) -> str:
    if url is not None:
        return f"url:{url.strip()}"
    path = Path(archive)
    if not path.exists():
        raise FileNotFoundError(f"archive not found: {path}; expected the file you downloaded (or its folder)")
    return f"archive:{path.resolve()}:{path.stat().st_size if path.is_file() else 'dir'}"


def _download_name(url: str) -> str:
    kind, target = classify_url(url)
    tag = hashlib.sha1(url.strip().encode()).hexdigest()[:10]
    if kind == "gdrive":
        return f"gdrive-{target}"
    base = urllib.parse.unquote(Path(urllib.parse.urlparse(target).path).name)
    return f"{tag}-{re.sub(r'[^A-Za-z0-9._-]', '_', base) or 'archive'}"


def _install_one(info, root: Path, manifest: dict, source: str, *, is_url: bool, sha256, lists, keep, retries,
                 progress) -> dict:  # fmt: skip
    """Fetch (or take) one archive, check it, extract it and move its clips in; return its record."""
    from dlkdd_lite.data.acquire.archive import extract_archive, sniff_archive
    from dlkdd_lite.data.acquire.install import check_matches_lists, install_clips
    from dlkdd_lite.data.acquire.lists import install_lists
    from dlkdd_lite.data.registry import read_class_index

    if is_url:
        archive = root / "downloads" / _download_name(source)
        if archive.is_file():  # fetched by an earlier run that stopped before installing it
            digest = sha256_file(archive, progress=progress)
        else:
            digest = fetch(source, archive, sha256=sha256, progress=progress, retries=retries)
    else:
        archive = Path(source)
        digest = sha256_file(archive, progress=progress) if archive.is_file() else None
    if sha256 and digest is not None and digest != sha256.strip().lower():
        raise ValueError(f"checksum mismatch for {archive}: expected sha256 {sha256.strip().lower()}, got {digest}; "
                         "nothing was installed")  # fmt: skip
    if archive.is_file():
        sniff_archive(archive)
        _check_space(root, archive.stat().st_size, f"extracting {archive.name}")
    tree = root / f".extract-{os.getpid()}"
    try:
        extract_archive(archive, tree, progress=progress)
        if "lists" not in manifest:
            manifest["lists"] = install_lists(info, root / "splits", source=lists, tree=tree)
        index = info.raw.get("class_index")
        classes = read_class_index(root / "splits" / index) if index else info.classes
        check_matches_lists(tree, root / "splits", classes, archive)
        result = install_clips(tree, root / "clips", classes)
    except ValueError as err:
        if is_url:
            raise ValueError(f"{err} (the downloaded file is {archive}: delete it to download afresh)") from err
        raise
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    record = {"file": archive.name, "sha256": digest, "added": result["added"], "kept": result["kept"],
              "bytes": archive.stat().st_size if archive.is_file() else None}  # fmt: skip
    record.update({"url": source} if is_url else {"path": str(archive.resolve())})
    if is_url and not keep:
        archive.unlink()
    return record


def download_dataset(
    name: str,
    root: str | os.PathLike,
    *,
    url: str | None = None,
    archives=(),
    sha256: str | None = None,
    lists: str | None = None,
    keep_archive: bool = False,
    retries: int = 5,
    progress: bool = True,
) -> dict:
    """Get dataset ``name`` (``arid``, ``arid1.5``, ``dark48``) into the folder ``root``; return its manifest.

    From ``url`` (plain, Google Drive or OneDrive/SharePoint link; resumable) or from ``archives`` the
    user already downloaded (zip, tar(.gz), or an extracted folder; several parts are merged). The
    archive's sha256 is checked against ``sha256`` when given and recorded in ``root/dataset.json``
    either way. The clips land in ``root/clips/<Class>/``, the official lists in ``root/splits/``
    (``lists`` overrides where they come from: a folder or URL). The manifest is marked complete only
    at the end; re-running a finished download does nothing. A failure leaves earlier data as it was.
    """
    from dlkdd_lite import __version__
    from dlkdd_lite.data.acquire.install import count_clips
    from dlkdd_lite.data.acquire.lists import install_lists
    from dlkdd_lite.data.registry import get_dataset, start_manifest, write_manifest

    info, root = get_dataset(name), Path(root)
    archives = [str(a) for a in (archives or ())]
    if url and archives:
        raise ValueError("give either --url or --archive, not both")
    manifest = start_manifest(root, info)
    sources = [(_source_key(url=url), url)] if url else [(_source_key(archive=a), a) for a in archives]
    done = {s["key"] for s in manifest["sources"]}
    if not sources:
        if manifest["complete"]:
            return {**manifest, "status": "up to date"}
        steps = "\n  ".join(info.raw["obtain"])
        raise ValueError(f"{info.title} has no public download link: give --url LINK or --archive FILE.\n  {steps}")
    if manifest["complete"] and all(key in done for key, _ in sources):
        return {**manifest, "status": "up to date"}
    previous = dict(manifest, sources=list(manifest["sources"]))
    root.mkdir(parents=True, exist_ok=True)
    try:
        write_manifest(root, {**manifest, "complete": False})
        if "lists" not in manifest and (info.raw["lists"]["source"] != "archive" or lists):
            manifest["lists"] = install_lists(info, root / "splits", source=lists)
        for key, source in sources:
            if key not in done:
                record = _install_one(info, root, manifest, source, is_url=bool(url), sha256=sha256, lists=lists,
                                      keep=keep_archive, retries=retries, progress=progress)  # fmt: skip
                manifest["sources"].append({"key": key, **record})
                write_manifest(root, {**manifest, "complete": False})
    except BaseException:
        if previous["complete"]:  # what was there stays usable; the new archive's clips stay as extras
            write_manifest(root, previous)
        raise
    manifest.update(complete=True, clips=count_clips(root / "clips"), dlkdd_lite=__version__)
    write_manifest(root, manifest)
    return {**manifest, "status": "installed"}
