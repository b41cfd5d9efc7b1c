"""weights.py: pretrained backbone weights: torchvision's Kinetics-400 files, fetched once into the torch hub cache.

Owns which file a ``pretrained`` setting names, where torchvision keeps it (``torch.hub.get_dir()/checkpoints``),
its download (torchvision's URL or a mirror, resumable, checked as torch hub checks it) and the error offline.
Loading a file into a model belongs to models.py.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

# torchvision's weight enums for the video backbones; their Kinetics-400 files are what the hub cache holds.
KINETICS_WEIGHTS = {"r3d_18": "R3D_18_Weights", "mc3_18": "MC3_18_Weights", "r2plus1d_18": "R2Plus1D_18_Weights"}
KINETICS_NAMES = ("kinetics400", "kinetics", "k400")
SCRATCH_NAMES = ("none", "scratch")
# The quick tier's tiny3d trained on well-lit generated video (experiments/pretrain.py), shipped with the kit.
NORMAL_LIGHT_NAMES = ("normal-light",)
NORMAL_LIGHT_FILE = "tiny3d_normal_light.pt"
# A folder URL serving torchvision's weight files under their own names (a mirror, or a test's local server).
MIRROR_ENV = "DLKDD_WEIGHTS_URL"


class CorruptedWeights(ValueError):
    """A downloaded weights file whose sha256 does not match the hash in its name."""


def kinetics_url(arch: str) -> str:
    """The download URL of ``arch``'s Kinetics-400 weights, from torchvision's weight enum."""
    if arch not in KINETICS_WEIGHTS:
        raise ValueError(
            f"no Kinetics-400 weights for {arch!r}; torchvision has them for {list(KINETICS_WEIGHTS)} "
            "(pretrained none trains from scratch)"
        )
    from torchvision.models import video as tv_video

    return getattr(tv_video, KINETICS_WEIGHTS[arch]).KINETICS400_V1.url


def kinetics_weights_file(arch: str) -> tuple[Path, str]:
    """Where the torch hub cache keeps ``arch``'s Kinetics-400 weights (as torchvision names them), and their URL."""
    import torch

    url = kinetics_url(arch)
    return Path(torch.hub.get_dir()) / "checkpoints" / url.rsplit("/", 1)[1], url


def mirrored(url: str, mirror: str | None = None) -> str:
    """``url``, or the same file name under ``mirror`` (default: ``$DLKDD_WEIGHTS_URL``) when one is set."""
    mirror = mirror if mirror is not None else os.environ.get(MIRROR_ENV, "")
    if not mirror:
        return url
    name = urllib.parse.urlparse(url).path.rsplit("/", 1)[1]
    return mirror.rstrip("/") + "/" + name


def hash_prefix(name: str) -> str | None:
    """The sha256 prefix in a torch hub file name (``r2plus1d_18-91a641e6.pth``: ``91a641e6``), or None."""
    import torch

    match = torch.hub.HASH_REGEX.search(name)
    return match.group(1) if match and match.group(1) else None


def fetch_weights(url: str, dest: str | os.PathLike, *, progress: bool = True, retries: int = 3) -> Path:
    """Download ``url`` to ``dest`` and check it as torch hub does; return ``dest``.

    The kit's fetcher (fetch.py) streams to ``<dest>.download.partial`` and resumes it after a dropped
    connection or an interrupted run. When ``dest``'s name carries a hash (``name-<hex>.pth``), the file's
    sha256 must start with it, the check of ``torch.hub.load_state_dict_from_url(check_hash=True)``;
    ``dest`` appears only when it passes.

    Raises:
        CorruptedWeights: the file's sha256 does not start with the hash in its name.
        ValueError: the download failed (HTTP error, web page, retries exhausted).
    """
    from dlkdd_lite.data.acquire.fetch import fetch_url, sha256_file

    dest = Path(dest)
    staging = dest.with_name(dest.name + ".download")
    fetch_url(url, staging, retries=retries, progress=progress)
    expected, digest = hash_prefix(dest.name), sha256_file(staging)
    if expected and not digest.startswith(expected):
        staging.unlink()
        raise CorruptedWeights(
            f"corrupted download refused: {url} gave a file whose sha256 is {digest}, but the name "
            f"{dest.name} says it starts with {expected}; nothing was installed in {dest.parent} (run again to "
            "download afresh; behind a mirror, check that it serves torchvision's file)"
        )
    os.replace(staging, dest)
    return dest


def _offline_error(arch: str, url: str, source: str, path: Path, err: Exception) -> FileNotFoundError:
    enum = KINETICS_WEIGHTS[arch]
    return FileNotFoundError(
        f"could not download the Kinetics-400 weights of {arch} from {source} ({err}).\n"
        f"They go to {path} (the torch hub cache; TORCH_HOME moves it). On a machine with internet access run\n"
        f"  curl -L -o {path.name} {url}\n"
        f'or  python -c "from torchvision.models.video import {arch}, {enum}; {arch}(weights={enum}.KINETICS400_V1)"'
        f"\n(which leaves it in that machine's torch hub cache), then copy the file to {path}. Or start from another "
        f"file (--pretrained PATH), from a mirror ({MIRROR_ENV}=<folder URL>), or from scratch (--pretrained none)"
    )


def normal_light_weights_file() -> Path:
    """The kit's normal-light tiny3d weights (``dlkdd pretrain`` makes them): ``resources/tiny3d_normal_light.pt``."""
    from importlib import resources

    return Path(str(resources.files("dlkdd_lite").joinpath("resources", NORMAL_LIGHT_FILE)))


def resolve_pretrained(
    arch: str, pretrained: str | os.PathLike | None, *, progress: bool = True, retries: int = 3
) -> Path | None:
    """The weights file ``pretrained`` names; None to train from scratch.

    Args:
        arch: the backbone (``models.ARCHS``); only torchvision's have Kinetics-400 weights.
        pretrained: None or ``"none"`` (from scratch), ``"normal-light"`` (tiny3d only: the kit's weights
            trained on well-lit generated video, experiments/pretrain.py), ``"kinetics400"`` (torchvision's
            Kinetics-400 weights: the torch hub cache's copy, downloaded there with progress the first
            time), or the path of a local state-dict file.
        progress: show the download's progress bar.
        retries: retries after network errors, with back-off.

    Raises:
        FileNotFoundError: a local file is absent, or the weights cannot be downloaded (offline); the
            message names the file, where it goes and how to fetch it on another machine.
        ValueError: ``arch`` has no such weights; CorruptedWeights: the download is corrupted.
    """
    name = "" if pretrained is None else str(pretrained).strip().lower()
    if pretrained is None or name in SCRATCH_NAMES:
        return None
    if name in NORMAL_LIGHT_NAMES:
        if arch != "tiny3d":
            raise ValueError(
                f"the normal-light weights are the quick tier's tiny3d's; for {arch!r} choose pretrained "
                "'kinetics400' (torchvision's weights, as the paper presets do) or 'none' (from scratch)"
            )
        return normal_light_weights_file()
    if name not in KINETICS_NAMES:
        path = Path(pretrained)
        if not path.is_file():
            raise FileNotFoundError(
                f"pretrained weights not found: {path}; expected a state-dict file there, or pretrained "
                f"'normal-light' (tiny3d), 'kinetics400' (torchvision's weights, downloaded once) or 'none' "
                "(from scratch)"
            )
        return path
    path, url = kinetics_weights_file(arch)
    if path.is_file():
        return path
    source = mirrored(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return fetch_weights(source, path, progress=progress, retries=retries)
    except CorruptedWeights:
        raise
    except ValueError as err:
        raise _offline_error(arch, url, source, path, err) from err
