"""common.py: what the benchmark scripts share: result rows (appended atomically), the machine and
versions a row records, the ``--device`` option, and timing with the device synchronised.

Benchmarks are run as scripts (``python benchmarks/x.py``), so they import this as ``common``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from dlkdd_lite.runtime.atomic import atomic_path
from dlkdd_lite.runtime.device import cpu_allocator_tuned

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def append_rows(path: Path, rows: list[dict]) -> None:
    """Append ``rows`` to the CSV at ``path``, atomically (the file is rewritten under a temporary
    name and renamed, so a crash never leaves half a row).

    Columns are the union of the file's and the rows' columns, in first-seen order; rows that lack
    a column get an empty cell, so a benchmark may add columns without breaking older rows.
    """
    if not rows:
        return
    path = Path(path)
    old: list[dict] = []
    fields: list[str] = []
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            fields = list(reader.fieldnames or [])
            old = list(reader)
    for row in rows:
        fields += [key for key in row if key not in fields]
    with atomic_path(path) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields, restval="")
            writer.writeheader()
            writer.writerows(old + rows)


def save_rows(results: str | os.PathLike, name: str, rows: list[dict]) -> Path:
    """Append ``rows`` to ``<results>/<name>`` (``append_rows``), say where, and return the path."""
    path = Path(results) / name
    append_rows(path, rows)
    print(f"{len(rows)} row{'s' if len(rows) != 1 else ''} appended to {path}")
    return path


def parse_settings(pairs: list[str]) -> dict:
    """``--set`` pairs ``["lr=0.0015", "epochs=30"]`` -> RunConfig fields, each value read as JSON (else kept
    as text); an unknown field exits naming the fields there are."""
    from dlkdd_lite.config import RunConfig

    fields = {f.name for f in dataclasses.fields(RunConfig)}
    settings = {}
    for pair in pairs:
        key, eq, text = pair.partition("=")
        if not eq or key not in fields:
            raise SystemExit(
                f"--set {pair!r}: expected KEY=VALUE with KEY a RunConfig field ({', '.join(sorted(fields))})"
            )
        try:
            settings[key] = json.loads(text)
        except json.JSONDecodeError:
            settings[key] = text
    return settings


def tier_label(tier: str, settings: dict, device_name: str, amp: bool) -> str:
    """``"quick tier (tiny3d, 8x56x56, batch 8, cpu (...))"``: how a printed result names its settings."""
    size = f"{settings['frames']}x{settings['crop']}x{settings['crop']}"
    return (
        f"{tier} tier ({settings['arch']}, {size}, batch {settings['batch']}, {device_name}{', bf16' if amp else ''})"
    )


def require_fresh(work: Path, names: tuple[str, ...], hint: str = "") -> None:
    """Stop unless ``work`` lacks every one of ``names``: a benchmark timed "from scratch" in a folder
    that holds an earlier run's data or runs would reuse them and leave their cost out."""
    earlier = [name for name in names if (Path(work) / name).exists()]
    if earlier:
        raise SystemExit(f"{work} already holds {', '.join(earlier)}/ from an earlier run; time it in a new "
                         f"or empty folder{hint}")  # fmt: skip


def add_run_arguments(parser: argparse.ArgumentParser, *, threads: bool = True) -> None:
    """The options every benchmark shares: ``--device``, ``--results``, ``--notes`` (and ``--threads``)."""
    if threads:
        parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (the quick tier's 2 cores)")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--notes", default="", help="free text stored with the rows")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                        help="where to run (auto: CUDA when available); the row names the device")  # fmt: skip
    parser.add_argument("--no-allocator-tuning", action="store_true",
                        help="keep glibc malloc's defaults (fit() tunes them on the CPU)")  # fmt: skip


def start_torch(args: argparse.Namespace):
    """Resolve ``--device``, set the CPU threads and cuDNN autotuning; returns ``(device, amp)``."""
    import torch

    from dlkdd_lite.runtime.device import resolve_device, tune_cpu_allocator

    device = resolve_device(args.device)
    torch.set_num_threads(args.threads)
    torch.backends.cudnn.benchmark = device.type == "cuda"
    if device.type == "cpu" and not args.no_allocator_tuning:  # as fit() does on the CPU
        tune_cpu_allocator()
    return device, device.type == "cuda"


def run_info(device, **settings) -> dict:
    """The columns every row starts with: date, machine, CPU count, versions, device name, load.

    ``load1`` is the 1-minute load average when the benchmark started: timings taken while other
    jobs ran (load above the CPU count) are slower than the machine can do.
    """
    import torch

    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        name = f"cpu ({_cpu_model()})"
    return {
        "date": datetime.date.today().isoformat(), "machine": platform.machine(), "cpus": os.cpu_count(),
        "threads": torch.get_num_threads(), "python": platform.python_version(), "torch": torch.__version__,
        "device": name, "load1": round(os.getloadavg()[0], 2), "allocator_tuned": cpu_allocator_tuned(),
        "cpu_flags": cpu_flags(), **settings,
    }  # fmt: skip


def cpu_flags() -> str:
    """The vector extensions that change the quick tier's speed 2.5-3x between machines."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        flags = set(next(line for line in lines if line.startswith("flags")).split())
    except (OSError, StopIteration):
        return "unknown"
    return " ".join(f for f in ("avx2", "avx512f", "avx512_vnni", "amx_tile") if f in flags) or "none"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def synchronize(device) -> None:
    """Wait for queued CUDA work, so a clock read after it counts it (a no-op on CPU)."""
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_calls(fn: Callable[[], object], device, *, reps: int, warmup: int = 1) -> list[float]:
    """Seconds of each of ``reps`` calls of ``fn()`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        synchronize(device)
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return times


def interleaved_medians(fns: dict[str, Callable[[], object]], device, *, reps: int, warmup: int = 1) -> dict:
    """Median seconds of each function, timed in turns so that a change in the machine's load during
    the run affects all of them alike. The order rotates every round (a, b, c; b, c, a; ...): whoever
    runs first after another reader finds caches and clocks in another state."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    names = list(fns)
    times: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        for name in names[rep % len(names) :] + names[: rep % len(names)]:
            times[name] += time_calls(fns[name], device, reps=1, warmup=0)
    return {name: statistics.median(t) for name, t in times.items()}


def verdict(value: float, target: float, *, at_least: bool) -> str:
    """``"met"`` or ``"NOT met"`` for a value against a ``>=`` (``at_least``) or ``<=`` target."""
    ok = value >= target if at_least else value <= target
    return "met" if ok else "NOT met"
