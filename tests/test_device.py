"""device.py on the CPU: the allocator setting fit() makes, checked in fresh processes."""

import json
import platform
import subprocess
import sys

SCRIPT = """
import json, resource
import torch
from dlkdd_lite.runtime.device import cpu_allocator_tuned, tune_cpu_allocator
from dlkdd_lite.models import build_model
before = cpu_allocator_tuned()
first, second = (tune_cpu_allocator(), tune_cpu_allocator()) if TUNE else (None, None)
torch.set_num_threads(1)
model = build_model("tiny3d", 11)
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(40):  # training steps on fresh batches of the quick tier's size
    model(torch.randn(8, 3, 8, 56, 56)).logsumexp(1).mean().backward()
print(json.dumps({"before": before, "first": first, "second": second, "after": cpu_allocator_tuned(),
                  "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults}))
"""


def run(tune: bool) -> dict:
    script = f"TUNE = {tune}\n" + SCRIPT
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_allocator_tuning_stops_training_steps_from_faulting_memory_in():
    glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    tuned = run(True)
    assert tuned["before"] is False and tuned["first"] is glibc and tuned["second"] is glibc
    assert tuned["after"] is glibc
    if glibc:  # by default freed activations go back to the kernel and fault in again next step
        default = run(False)
        assert default["after"] is False and default["faults"] > 3 * tuned["faults"], (default, tuned)
