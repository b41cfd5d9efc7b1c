"""Shared fixtures: small real datasets on disk, written by the kit's own generator and encoder."""

import atexit
import os
import shutil
import tempfile

import pytest

# Tests run on 2 cores: keep torch from oversubscribing them when pytest-xdist or notebooks also run.
os.environ.setdefault("OMP_NUM_THREADS", "2")
# Decoded and enhanced videos kept on disk (RunConfig.enhanced_cache="auto") go to a folder of this test
# session's, inherited by the processes and notebook kernels the tests start: never the user's cache.
os.environ["DLKDD_CACHE"] = tempfile.mkdtemp(prefix="dlkdd-test-cache-")
atexit.register(shutil.rmtree, os.environ["DLKDD_CACHE"], ignore_errors=True)


@pytest.fixture(scope="session")
def arid_lists(tmp_path_factory):
    """ARID v1.0's official split lists and class mapping as the package ships them, installed into a folder."""
    from dlkdd_lite.data.acquire.lists import install_lists
    from dlkdd_lite.data.registry import get_dataset

    folder = tmp_path_factory.mktemp("arid_lists")
    install_lists(get_dataset("arid"), folder)
    return folder


@pytest.fixture(scope="session")
def tiny_arid(tmp_path_factory):
    """A generated dataset in ARID's layout: 11 classes x 3 actors x 1 clip, 16 frames of 64x64."""
    from dlkdd_lite.data.synth.generate import generate_dataset

    root = tmp_path_factory.mktemp("tiny_arid")
    generate_dataset(root, seed=0, actors=3, test_actors=1, clips_per_actor=1, num_frames=16, size=64, progress=False)
    return root
