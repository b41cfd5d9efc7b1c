"""Pretrained weights: torchvision's Kinetics-400 files, downloaded once into the torch hub cache, checked as
torch hub checks them; tested against a real HTTP server on 127.0.0.1 standing in for a mirror."""

import hashlib
import io
import os
import socket

import pytest
import torch
from http_server import FileServer
from torchvision.models.video import MC3_18_Weights, R2Plus1D_18_Weights

from dlkdd_lite.cli.main import main
from dlkdd_lite.data.acquire import weights
from dlkdd_lite.data.acquire.weights import CorruptedWeights, kinetics_weights_file, resolve_pretrained
from dlkdd_lite.models import build_model


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """An empty torch hub cache in a temporary folder; no mirror unless a test sets one."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv(weights.MIRROR_ENV, raising=False)
    return tmp_path / "torch" / "hub" / "checkpoints"


@pytest.fixture
def server():
    with FileServer() as srv:
        yield srv


def test_files_are_named_and_placed_as_torchvision_places_them(hub):
    path, url = kinetics_weights_file("r2plus1d_18")
    assert url == R2Plus1D_18_Weights.KINETICS400_V1.url
    # torch.hub.load_state_dict_from_url(url) keeps the file here, under the URL's last component
    assert path == hub / "r2plus1d_18-91a641e6.pth" == hub / os.path.basename(url)
    assert weights.hash_prefix(path.name) == "91a641e6"
    with pytest.raises(ValueError, match="no Kinetics-400 weights for 'tiny3d'"):
        build_model("tiny3d", 11, pretrained="kinetics400")


def test_kinetics_weights_are_downloaded_once_resumably_and_loaded(hub, server, monkeypatch, capsys):
    kinetics = build_model("mc3_18", 400)  # stands in for torchvision's file: same names and shapes
    buffer = io.BytesIO()
    torch.save({k: v.half() for k, v in kinetics.state_dict().items()}, buffer)  # half: a smaller file to serve
    data = buffer.getvalue()
    name = f"mc3_18-{hashlib.sha256(data).hexdigest()[:8]}.pth"  # torch hub's convention: sha256 prefix in the name
    # Only torchvision's own file matches the hash in the enum's URL, so the test's file gets a URL of its own.
    monkeypatch.setattr(weights, "kinetics_url", lambda arch: f"https://download.pytorch.org/models/{name}")
    server.add(f"mirror/{name}", data)
    server.drop(f"/mirror/{name}", after=len(data) // 3)  # the connection drops once: the download resumes
    monkeypatch.setenv(weights.MIRROR_ENV, server.url("mirror/"))

    model = build_model("mc3_18", 11, pretrained="kinetics400")
    assert torch.equal(model.stem[0].weight, kinetics.stem[0].weight.half().float()) and model.fc.out_features == 11
    assert (hub / name).read_bytes() == data and sorted(p.name for p in hub.iterdir()) == [name]
    assert [path for path, _ in server.requests] == [f"/mirror/{name}"] * 2 and server.requests[1][1] is not None
    assert f"downloading {name}" in capsys.readouterr().err, "a progress bar"
    build_model("mc3_18", 11, pretrained="kinetics400")
    assert len(server.requests) == 2, "read from the cache the second time"


def test_a_corrupted_download_is_refused_and_nothing_is_installed(hub, server, monkeypatch):
    name = os.path.basename(MC3_18_Weights.KINETICS400_V1.url)  # torchvision's own name and hash
    server.add(f"mirror/{name}", os.urandom(50_000))
    monkeypatch.setenv(weights.MIRROR_ENV, server.url("mirror"))
    with pytest.raises(CorruptedWeights, match=f"corrupted download refused: .*/mirror/{name}.*starts with a90a0ba3"):
        resolve_pretrained("mc3_18", "kinetics400", progress=False)
    assert server.requests == [(f"/mirror/{name}", None)]
    assert list(hub.iterdir()) == [], "no file under the final name, no partial file"


def test_offline_the_error_names_the_file_where_it_goes_and_how_to_fetch_it(hub, monkeypatch):
    with socket.socket() as s:  # a port nothing listens on: connections are refused, as offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(weights.MIRROR_ENV, f"http://127.0.0.1:{port}")
    url = R2Plus1D_18_Weights.KINETICS400_V1.url
    with pytest.raises(FileNotFoundError) as err:
        resolve_pretrained("r2plus1d_18", "kinetics400", progress=False, retries=0)
    message = str(err.value)
    assert f"They go to {hub / 'r2plus1d_18-91a641e6.pth'}" in message
    assert f"curl -L -o r2plus1d_18-91a641e6.pth {url}" in message and "--pretrained none" in message
    assert "R2Plus1D_18_Weights.KINETICS400_V1" in message


def test_local_files_and_training_from_scratch(hub, tmp_path, monkeypatch):
    assert resolve_pretrained("r2plus1d_18", None) is None and resolve_pretrained("r2plus1d_18", "none") is None
    torch.save({}, tmp_path / "w.pt")
    assert resolve_pretrained("r2plus1d_18", tmp_path / "w.pt") == tmp_path / "w.pt"
    with pytest.raises(FileNotFoundError, match="pretrained weights not found: .*absent.pt"):
        resolve_pretrained("r2plus1d_18", tmp_path / "absent.pt")
    seen = []
    monkeypatch.setattr("dlkdd_lite.train.fit", lambda config, *a, **k: seen.append(config) or {})
    for flag, expected in (([], "kinetics400"), (["--pretrained", "none"], None)):
        main(["train", "--preset", "arid", "--role", "teacher", "--data", "d", "--out", str(tmp_path / "r"), *flag])
        assert seen[-1].pretrained == expected
