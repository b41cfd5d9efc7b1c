"""A real threaded HTTP server on 127.0.0.1 for the download tests: Range requests, dropped connections,
error statuses and HTML pages on demand, and a log of every request it saw."""

from __future__ import annotations

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class FileServer:
    """Serve in-memory files at ``/<name>``; a context manager that starts and stops the server thread.

    - ``add(path, data)``: serve ``data`` (bytes) at ``path``.
    - ``drop(path, after, times)``: the next ``times`` answers for ``path`` stop after ``after`` body
      bytes and close the connection (the advertised Content-Length is not reached).
    - ``fail(path, status, times)``: answer ``status`` (with an HTML body) ``times`` times.
    - ``ignore_range``: answer 200 with the whole file even when a Range is asked for.
    - ``requests``: ``(path, Range header or None)`` of every request, in order.
    """

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.drops: dict[str, list[int]] = {}
        self.failures: dict[str, list[int]] = {}
        self.ignore_range = False
        self.requests: list[tuple[str, str | None]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{path.lstrip('/')}"

    def add(self, path: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        self.files["/" + path.lstrip("/")] = (data, content_type)
        return self.url(path)

    def drop(self, path: str, after: int, times: int = 1) -> None:
        self.drops["/" + path.lstrip("/")] = [after] * times

    def fail(self, path: str, status: int, times: int = 1) -> None:
        self.failures["/" + path.lstrip("/")] = [status] * times

    def __enter__(self) -> FileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(server: FileServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep pytest output clean
            pass

        def do_GET(self) -> None:
            path, ask = self.path.split("?")[0], self.headers.get("Range")
            with server.lock:
                server.requests.append((path, ask))
                status = server.failures.get(path, [None]).pop(0) if server.failures.get(path) else None
                drop = server.drops.get(path, [None]).pop(0) if server.drops.get(path) else None
            if status is not None or path not in server.files:
                body = b"<!DOCTYPE html><html><body>error</body></html>"
                self._send(status or 404, body, {"Content-Type": "text/html"})
                return
            data, content_type = server.files[path]
            match = re.fullmatch(r"bytes=(\d+)-", ask or "")
            if match and not server.ignore_range:
                start = int(match.group(1))
                if start >= len(data):
                    self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
                    return
                headers = {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}", "Content-Type": content_type}
                self._send(206, data[start:], headers, drop)
            else:
                self._send(200, data, {"Content-Type": content_type, "Accept-Ranges": "bytes"}, drop)

        def _send(self, status: int, body: bytes, headers: dict, drop: int | None = None) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if drop is None:
                self.wfile.write(body)
                return
            self.wfile.write(body[:drop])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)  # mid-transfer: the client sees a short body
            self.close_connection = True

    return Handler


# Archives the tests serve: built from one tiny real mp4 (8 frames of 32x32, decodable) under many names.


def tiny_mp4(tmp_dir, seed: int = 0, size: int = 32) -> bytes:
    """The bytes of a real dark H.264 clip, 8 frames of size x size (decord mis-decodes widths 16/24/48/72)."""
    import numpy as np

    from dlkdd_lite.data.encode import write_video

    frames = np.random.default_rng(seed).integers(0, 40, (8, size, size, 3), dtype=np.uint8)
    path = tmp_dir / f"tiny{seed}_{size}.mp4"
    write_video(path, frames, fps=8)
    return path.read_bytes()


def make_zip(path, members: dict[str, bytes]) -> bytes:
    """Write a zip holding ``members`` (name -> bytes, names used verbatim) and return its bytes."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path.read_bytes()


def make_tar(path, members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    """Write a tar(.gz) holding ``members`` (name -> bytes) and return its bytes."""
    import io
    import tarfile

    with tarfile.open(path, mode) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path.read_bytes()


def arid_members(clip: bytes, lists: Path, prefix: str = "ARID_v1/clips/") -> dict[str, bytes]:
    """The first 2 training clips of each class of ARID's official split 1 (read from the folder ``lists``),
    named as the released .mp4 files."""
    from dlkdd_lite.data.splits import read_split_file

    members: dict[str, bytes] = {}
    per_class: dict[str, int] = {}
    for entry in read_split_file(lists / "ARID_split1_train.txt"):
        name = entry.relpath.split("/")[0]
        if per_class.get(name, 0) < 2:
            per_class[name] = per_class.get(name, 0) + 1
            members[prefix + entry.relpath.replace(".avi", ".mp4")] = clip
    return members
