"""Training-step options benchmark: what ``--channels-last`` and ``--compile`` gain over the plain step.

The same CE training step (``distill.ce_step``, backward, AdamW) of the same model on the same batches
already on the device, in three forms timed in turns (median of ``--reps``):

- ``eager``: the plain step, the baseline;
- ``channels_last``: model and clips in ``torch.channels_last_3d`` memory (``dlkdd train --channels-last``;
  each batch converted in the step, as ``fit`` does);
- ``compile``: the model under ``torch.compile`` (``dlkdd train --compile``); its first step, which
  compiles, is timed apart (``first_step_s``) and left out of the median.

``gain`` is the eager step's time over the option's: above 1 the option is faster. There is no target:
the numbers say whether to turn an option on, on this device. ``torch.compile``'s default backend
(inductor) needs a C++ compiler on a CPU; ``--compile-backend eager`` traces without generating code
(no gain expected: a check that the path works).

Tiers as in kd_overhead.py (``--tier auto``: paper on a GPU, with bf16; else quick). Appends rows to
benchmarks/results/step_options.csv.

    .venv/bin/python benchmarks/step_options.py [--tier auto|quick|paper] [--options eager channels_last compile]
"""

from __future__ import annotations

import argparse
import time

import torch
from common import (
    add_run_arguments,
    interleaved_medians,
    run_info,
    save_rows,
    start_torch,
    synchronize,
    tier_label,
)
from kd_overhead import CPU_PAPER_BATCH, TIERS, make_train_step

from dlkdd_lite.distill import ce_step
from dlkdd_lite.models import build_model

OPTIONS = ("eager", "channels_last", "compile")


def build_steps(settings: dict, options: list[str], device: torch.device, amp: bool, backend: str,
                num_classes: int = 11) -> tuple[dict, dict]:  # fmt: skip
    """``({option: step}, {option: seconds of its first step})``, every model starting from the same weights."""
    torch.manual_seed(0)
    shape = (settings["batch"], 3, settings["frames"], settings["crop"], settings["crop"])  # (B, C, T, H, W)
    batches = [(torch.randn(shape, device=device), torch.randint(0, num_classes, (settings["batch"],), device=device))
               for _ in range(4)]  # several batches: one batch fitted exactly gives subnormal gradients  # fmt: skip
    reference = build_model(settings["arch"], num_classes).state_dict()
    steps, first = {}, {}
    for option in options:
        model = build_model(settings["arch"], num_classes)
        model.load_state_dict(reference)
        model = model.to(device).train()
        fmt = torch.channels_last_3d if option == "channels_last" else torch.preserve_format
        if option == "channels_last":
            model = model.to(memory_format=torch.channels_last_3d)
        net = torch.compile(model, backend=backend) if option == "compile" else model

        def forward(i: int, net=net, fmt=fmt) -> dict:
            clips, labels = batches[i % len(batches)]  # as the loader gives them: (B, C, T, H, W) contiguous
            return ce_step(net, clips.to(device, memory_format=fmt), labels)  # as fit() converts them

        steps[option] = make_train_step(model, device, amp, forward)  # the optimiser holds model's parameters
        synchronize(device)
        start = time.perf_counter()
        steps[option]()  # the first step: compilation, cuDNN autotuning, allocations
        synchronize(device)
        first[option] = time.perf_counter() - start
    return steps, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", choices=("auto", *TIERS), default="auto", help="auto: paper on CUDA, else quick")
    parser.add_argument("--options", nargs="+", choices=OPTIONS, default=list(OPTIONS))
    parser.add_argument("--compile-backend", default="inductor", help="torch.compile backend (eager: no codegen)")
    for name in ("frames", "crop", "batch"):
        parser.add_argument(f"--{name}", type=int, help=f"override the tier's {name}")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps of each form after the first")
    add_run_arguments(parser)
    args = parser.parse_args()
    device, amp = start_torch(args)
    tier = ("paper" if device.type == "cuda" else "quick") if args.tier == "auto" else args.tier
    settings = dict(TIERS[tier])
    if tier == "paper" and device.type != "cuda":
        settings["batch"] = CPU_PAPER_BATCH
    settings.update({k: getattr(args, k) for k in ("frames", "crop", "batch") if getattr(args, k) is not None})
    options = ["eager", *[o for o in args.options if o != "eager"]]  # the baseline is always measured
    steps, first = build_steps(settings, options, device, amp, args.compile_backend)
    medians = interleaved_medians(steps, device, reps=args.reps, warmup=args.warmup)
    info = run_info(device, tier=tier, **settings, amp=amp, reps=args.reps,
                    compile_backend=args.compile_backend, notes=args.notes)  # fmt: skip
    rows = []
    for option in options:
        gain = medians["eager"] / medians[option]
        rows.append({**info, "option": option, "step_s": round(medians[option], 5),
                     "clips_per_s": round(settings["batch"] / medians[option], 2),
                     "first_step_s": round(first[option], 2), "gain": round(gain, 3)})  # fmt: skip
        print(f"{tier_label(tier, settings, info['device'], amp)} {option}: step {medians[option] * 1e3:.1f} ms, "
              f"first step {first[option]:.1f} s; gain over eager {gain:.3f}x")  # fmt: skip
    save_rows(args.results, "step_options.csv", rows)


if __name__ == "__main__":
    main()
