"""fetch.py: getting one file from a URL onto disk, resumably: plain HTTP(S), Google Drive, OneDrive/SharePoint.

Streams to ``<name>.partial``, resumes with HTTP Range, retries with back-off, refuses web pages served
instead of files, and computes (and checks) sha256. Knows nothing about datasets; download.py uses it.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import re
import shutil
import time
import urllib.parse
from pathlib import Path

from dlkdd_lite.data.acquire.archive import looks_like_html
from dlkdd_lite.runtime.progress import tqdm

CHUNK = 1 << 16
RETRYABLE_STATUS = (408, 425, 429, 500, 502, 503, 504)


def classify_url(url: str) -> tuple[str, str]:
    """``("gdrive", file_id)``, ``("onedrive", direct_url)`` or ``("http", url)`` for a link someone sent.

    Google Drive share links (``/file/d/<id>/view``, ``open?id=``, ``uc?id=``) go through gdown;
    OneDrive and SharePoint share links get ``download=1`` so that they serve the file, not a page.
    """
    parsed = urllib.parse.urlparse(url.strip())
    if parsed.scheme not in ("http", "https"):
        raise ValueError(f"unsupported URL {url!r}; expected an http(s):// link")
    host = (parsed.hostname or "").lower()
    if host in ("drive.google.com", "docs.google.com", "drive.usercontent.google.com"):
        query = urllib.parse.parse_qs(parsed.query)
        match = re.search(r"/(?:file/(?:u/\d+/)?d|folders)/([-\w]{10,})", parsed.path)
        file_id = query.get("id", [None])[0] or (match.group(1) if match else None)
        if "/folders/" in parsed.path:
            raise ValueError(f"{url} is a Google Drive folder; share the archive file itself (a /file/d/... link)")
        if not file_id:
            raise ValueError(f"cannot find a Google Drive file id in {url}; expected .../file/d/<id>/view or ?id=<id>")
        return "gdrive", file_id
    if host == "1drv.ms" or host.endswith(("onedrive.live.com", "sharepoint.com")):
        query = [(k, v) for k, v in urllib.parse.parse_qsl(parsed.query, keep_blank_values=True) if k != "download"]
        direct = parsed._replace(query=urllib.parse.urlencode([*query, ("download", "1")]))
        return "onedrive", urllib.parse.urlunparse(direct)
    return "http", url.strip()


def sha256_file(path: str | os.PathLike, *, progress: bool = False) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    size = Path(path).stat().st_size
    with open(path, "rb") as f, tqdm(total=size, unit="B", unit_scale=True, desc=f"sha256 {Path(path).name}",
                                     disable=not progress, leave=False) as bar:  # fmt: skip
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def _http_error(url: str, status: int, reason: str) -> ValueError:
    hints = {
        401: "the link needs a login",
        403: "the link expired, is not shared with you, or the host's quota is exceeded",
        404: "no file at this address: check the link",
        410: "the link expired",
    }
    hint = hints.get(status, "the server refused the request")
    return ValueError(f"HTTP {status} {reason} for {url}: {hint}. Nothing was downloaded from it")


def _check_space(folder: Path, needed: int, what: str) -> None:
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise ValueError(
            f"not enough disk space for {what}: {needed / 1e9:.2f} GB needed, {free / 1e9:.2f} GB free in {folder}"
        )


def fetch_url(
    url: str,
    dest: str | os.PathLike,
    *,
    sha256: str | None = None,
    retries: int = 5,
    backoff: float = 1.0,
    timeout: float = 60.0,
    progress: bool = True,
) -> str:
    """Download ``url`` to ``dest`` (plain HTTP(S)); return the file's sha256.

    Bytes go to ``dest + ".partial"``; after a dropped connection or an interrupted run the next
    attempt resumes it with an HTTP Range request (starting afresh when the server ignores Range).
    Network errors and 5xx/429 answers are retried ``retries`` times with exponential back-off
    (``backoff``, 2x, 4x ... seconds); 4xx answers and HTML pages fail at once. ``dest`` appears
    only when complete and, when ``sha256`` is given, only when it matches.

    Raises:
        ValueError: HTTP error, a web page instead of the file, a checksum mismatch, no disk space,
            or retries exhausted; the message names the URL and what to do.
    """
    import requests

    dest = Path(dest)
    partial = dest.with_name(dest.name + ".partial")
    dest.parent.mkdir(parents=True, exist_ok=True)
    failures = 0
    with requests.Session() as session:
        while True:
            try:
                if _fetch_once(session, url, partial, timeout, progress):
                    break
                raise ConnectionError("connection closed before the end of the file")
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                    ConnectionError, _Retryable) as err:  # fmt: skip
                failures += 1
                if failures > retries:
                    raise ValueError(
                        f"download of {url} failed after {retries} retries ({err}); the partial file "
                        f"{partial} is kept: run the same command again to resume"
                    ) from err
                time.sleep(backoff * 2 ** (failures - 1))
            except requests.RequestException as err:  # bad URL, too many redirects, ...: not worth retrying
                raise ValueError(f"download of {url} failed: {err}") from err
            except OSError as err:
                if err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                    raise ValueError(
                        f"disk full while downloading {url} to {partial} ({err.strerror}); free space and run "
                        "the same command again: it resumes where it stopped"
                    ) from err
                raise
    return _install(partial, dest, url, sha256, progress)


def _install(partial: Path, dest: Path, url: str, sha256: str | None, progress: bool) -> str:
    """Rename the complete ``partial`` to ``dest`` if it has the ``sha256`` expected (when given); return its sha256."""
    digest = sha256_file(partial, progress=progress)
    if sha256 and digest != sha256.strip().lower():
        bad = dest.with_name(dest.name + ".sha256-mismatch")
        os.replace(partial, bad)
        raise ValueError(
            f"checksum mismatch for {url}: expected sha256 {sha256.strip().lower()}, got {digest}. The file is "
            f"kept as {bad} for inspection (delete it to retry); nothing was installed"
        )
    os.replace(partial, dest)
    return digest


class _Retryable(Exception):
    """A server answer worth retrying (5xx, 429)."""


def _fetch_once(session, url: str, partial: Path, timeout: float, progress: bool) -> bool:
    """One request: append to ``partial`` from where it stops. True when the file is complete."""
    offset = partial.stat().st_size if partial.exists() else 0
    # identity: Range offsets count the bytes as stored, which a compressed transfer would not be
    headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={offset}-"} if offset else {})}
    with session.get(url, headers=headers, stream=True, timeout=timeout, allow_redirects=True) as response:
        status = response.status_code
        if status == 416:  # nothing left after offset: complete if the server's size agrees
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            if total.isdigit() and int(total) == offset:
                return True
            partial.unlink()
            raise _Retryable(f"HTTP 416 for a partial file of {offset} bytes; starting afresh")
        if status in RETRYABLE_STATUS:
            raise _Retryable(f"HTTP {status} {response.reason}")
        if status >= 400:
            raise _http_error(url, status, response.reason)
        if status == 200 and offset:  # the server ignored Range: start from the beginning
            offset = 0
        elif status == 206 and not response.headers.get("Content-Range", "").startswith(f"bytes {offset}-"):
            raise _Retryable(f"server answered Range {offset}- with {response.headers.get('Content-Range')!r}")
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length and length.isdigit() else None
        if total is not None:
            _check_space(partial.parent, total - offset, f"downloading {url}")
        chunks = response.iter_content(CHUNK)
        first = next(chunks, b"")
        if offset == 0 and looks_like_html(first[:1024]):
            raise ValueError(
                f"{url} served a web page (HTML), not a file: the link needs a login or confirmation, has "
                "expired, or the host's download quota is exceeded (Google Drive). Open it in a browser, "
                "download the file and pass it with --archive"
            )
        with open(partial, "ab" if offset else "wb") as f, tqdm(
            total=total, initial=offset, unit="B", unit_scale=True, desc=f"downloading {partial.stem}",
            disable=not progress,
        ) as bar:  # fmt: skip
            for chunk in itertools.chain([first], chunks):
                f.write(chunk)
                bar.update(len(chunk))
    size = partial.stat().st_size
    return total is None or size >= total


def fetch_gdrive(file_id: str, dest: str | os.PathLike, *, retries: int = 5, progress: bool = True) -> str:
    """Download a Google Drive file with gdown (it handles Drive's confirmation pages); return its sha256.

    Raises:
        ValueError: Drive refused (quota exceeded, not shared) or retries exhausted.
    """
    import gdown
    import requests

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries + 1):
        try:
            gdown.download(id=file_id, output=str(dest), quiet=not progress, resume=True)
            break
        except requests.ConnectionError as err:
            if attempt == retries:
                raise ValueError(f"Google Drive download of {file_id} failed after {retries} retries ({err})") from err
            time.sleep(2**attempt)
        except Exception as err:  # gdown raises its own FileURLRetrievalError for quota and permissions
            raise ValueError(
                f"Google Drive refused file {file_id}: {err}. Usually the daily download quota is exceeded or "
                "the file is not shared with 'anyone with the link'; try later, or download it in a browser "
                "and pass it with --archive"
            ) from err
    if not dest.is_file():
        raise ValueError(f"Google Drive download of {file_id} produced no file at {dest}")
    return sha256_file(dest, progress=progress)


def fetch(url: str, dest: str | os.PathLike, *, sha256: str | None = None, progress: bool = True, **kw) -> str:
    """Download any supported link (plain, Google Drive, OneDrive/SharePoint) to ``dest``; return sha256."""
    kind, target = classify_url(url)
    if kind != "gdrive":
        return fetch_url(target, dest, sha256=sha256, progress=progress, **kw)
    digest = fetch_gdrive(target, dest, retries=kw.get("retries", 5), progress=progress)
    if sha256 and digest != sha256.strip().lower():
        bad = Path(dest).with_name(Path(dest).name + ".sha256-mismatch")
        os.replace(dest, bad)
        raise ValueError(f"checksum mismatch for {url}: expected sha256 {sha256}, got {digest}; kept as {bad}")
    with open(dest, "rb") as f:
        if looks_like_html(f.read(1024)):
            os.remove(dest)
            raise ValueError(f"Google Drive served a web page for {url}, not the file (quota exceeded?)")
    return digest
