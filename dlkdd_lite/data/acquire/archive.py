"""archive.py: unpacking a dataset archive safely.

Owns recognising archives (zip, tar, tar.gz/bz2/xz; HTML pages and RAR/7z refused by name) and
refusing unsafe members (absolute paths, ``..``, links, devices). Knows nothing about HTTP, split
lists or dataset folders (install.py moves the clips).
"""

from __future__ import annotations

import errno
import gzip
import os
import shutil
import tarfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from dlkdd_lite.runtime.progress import tqdm

_MAGIC = [
    (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"\x1f\x8b", "tar.gz"), (b"BZh", "tar.bz2"),
    (b"\xfd7zXZ\x00", "tar.xz"), (b"Rar!", "rar"), (b"7z\xbc\xaf\x27\x1c", "7z"),
]  # fmt: skip


def looks_like_html(head: bytes) -> bool:
    """True when the first bytes of a file are a web page (what hosts serve instead of a file on errors)."""
    text = head.lstrip().lower()
    return text.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in text[:512]


def sniff_archive(path: str | os.PathLike) -> str:
    """``"zip"``, ``"tar"``, ``"tar.gz"``, ``"tar.bz2"`` or ``"tar.xz"``, from the file's first bytes.

    Raises:
        ValueError: an HTML page (what Google Drive and others serve instead of a file when a
            quota is exceeded or the link needs a login), RAR/7z, or anything else; the message
            names the file and what to do.
    """
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(257)
        tar_magic = f.read(5)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if kind in ("rar", "7z"):
                raise ValueError(
                    f"{path} is a {kind.upper()} archive, which the kit does not unpack; extract it with "
                    f"`7z x {path.name}` (or unrar) and pass the extracted folder as --archive"
                )
            return kind
    if tar_magic == b"ustar":
        return "tar"
    if looks_like_html(head):
        raise ValueError(
            f"{path} is an HTML page, not an archive: the server sent a web page instead of the file (Google "
            "Drive does this when its download quota is exceeded or the file is not shared; other hosts when "
            "the link expired or needs a login). Open the link in a browser, download the file and pass it "
            "with --archive"
        )
    if not head:
        raise ValueError(f"{path} is empty; expected a zip or tar archive")
    raise ValueError(f"{path} is not a zip or tar archive (first bytes {head[:8]!r}); expected .zip or .tar(.gz)")


def _unsafe(name: str) -> str | None:
    """Why a member name is unsafe to extract, or None."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return "absolute path"
    if ".." in PurePosixPath(posix).parts:
        return "'..' would write outside the extraction folder"
    return None


def _refuse(archive: Path, name: str, why: str) -> ValueError:
    return ValueError(f"refusing to extract {archive}: member {name!r} is unsafe ({why}); nothing was installed")


class _Counting:
    """A read-only file wrapper that advances a progress bar by the bytes read."""

    def __init__(self, f, bar) -> None:
        self.f, self.bar = f, bar

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.bar.update(len(data))
        return data


def extract_archive(archive: str | os.PathLike, dest: str | os.PathLike, *, progress: bool = True) -> Path:
    """Extract ``archive`` into the new folder ``dest``; every member is checked before it is written.

    ``dest`` must not exist. On any error it is removed again, so a damaged archive, an unsafe
    member or a full disk never leaves a half-extracted tree. A folder given as ``archive`` is
    copied (the user's files are never moved).

    Raises:
        ValueError: unsafe member, damaged or truncated archive, disk full; the message names the file.
    """
    archive, dest = Path(archive), Path(dest)
    if not archive.exists():
        raise FileNotFoundError(f"archive not found: {archive}")
    dest.mkdir(parents=True)
    try:
        if archive.is_dir():
            shutil.copytree(archive, dest, dirs_exist_ok=True, symlinks=False)
        elif sniff_archive(archive) == "zip":
            _extract_zip(archive, dest, progress)
        else:
            _extract_tar(archive, dest, progress)
    except BaseException as err:
        shutil.rmtree(dest, ignore_errors=True)
        if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            raise ValueError(
                f"disk full while extracting {archive} into {dest.parent} ({err.strerror}); it needs about "
                f"{archive.stat().st_size / 1e9:.1f} GB free there. Nothing was installed: free space and re-run"
            ) from err
        if isinstance(err, (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)):
            raise ValueError(
                f"{archive} is damaged or truncated ({type(err).__name__}: {err}); download it again "
                "(a partial download resumes) and re-run"
            ) from err
        raise
    return dest


def _extract_zip(archive: Path, dest: Path, progress: bool) -> None:
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        for info in members:
            why = _unsafe(info.filename)
            if why is None and (info.external_attr >> 16) & 0o170000 == 0o120000:
                why = "symbolic link"
            if why:
                raise _refuse(archive, info.filename, why)
        total = sum(i.file_size for i in members)
        with tqdm(
            total=total, unit="B", unit_scale=True, desc=f"extracting {archive.name}", disable=not progress
        ) as bar:
            for info in members:
                zf.extract(info, dest)
                bar.update(info.file_size)


def _extract_tar(archive: Path, dest: Path, progress: bool) -> None:
    # Streamed ("r|*"): a tar.gz is decompressed once; each member is checked before it is written.
    size = archive.stat().st_size
    with open(archive, "rb") as raw, tqdm(total=size, unit="B", unit_scale=True, desc=f"extracting {archive.name}",
                                          disable=not progress) as bar:  # fmt: skip
        with tarfile.open(fileobj=_Counting(raw, bar), mode="r|*") as tf:
            for member in tf:
                why = _unsafe(member.name)
                if why is None and (member.issym() or member.islnk()):
                    why = "link"
                if why is None and not (member.isfile() or member.isdir()):
                    why = "device or special file"
                if why:
                    raise _refuse(archive, member.name, why)
                if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: belt and braces
                    tf.extract(member, dest, filter="data")
                else:
                    tf.extract(member, dest)
