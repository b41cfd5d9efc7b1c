"""cli/run.py: the subcommands that make data and train: ``synth``, ``train``, ``evaluate``, ``zerodce``, ``pretrain``.

Thin: parse, call the library, print. ``register(sub)`` adds the subparsers and returns their runners.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from dlkdd_lite.config import ARCHS, DEVICES, ENHANCERS, NORMS, OPTIMIZERS, ROLES, SAMPLINGS, RunConfig
from dlkdd_lite.data.acquire.weights import SCRATCH_NAMES


def register(sub) -> dict:
    """Add synth, train, evaluate, zerodce and pretrain to the argparse subparsers ``sub``; return their runners."""
    for add in (_add_synth, _add_train, _add_evaluate, _add_zerodce, _add_pretrain):
        add(sub)
    return {"synth": _run_synth, "train": _run_train, "evaluate": _run_evaluate, "zerodce": _run_zerodce,
            "pretrain": _run_pretrain}  # fmt: skip


def _add_synth(sub) -> None:
    p = sub.add_parser("synth", help="generate the quick tier's dark-video dataset in ARID's layout")
    p.add_argument("--root", required=True, help="output folder (created)")
    p.add_argument("--seed", type=int)
    # Unset options take generate_dataset's defaults: the quick tier's, kept in one place.
    p.add_argument("--actors", type=int, help="actors (scenes/styles) per class")
    p.add_argument("--test-actors", type=int, help="actors held out for the test split")
    p.add_argument("--clips-per-actor", type=int)
    p.add_argument("--num-frames", type=int, help="frames per video")
    p.add_argument("--size", type=int, help="frame height and width in pixels")
    p.add_argument("--fps", type=int)
    p.add_argument("--brightness", type=float, help="mean pixel value of dark frames, in (0, 1)")


def _add_train(sub) -> None:
    p = sub.add_parser(
        "train",
        help="train a teacher (enhanced), a KD student or a no-KD baseline (dark), or a two-stream model (both); "
        "runs unchanged under torchrun for multi-GPU training",
    )
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--data", required=True, help="dataset root in ARID's layout")
    p.add_argument("--out", required=True, help="run folder (config.json, metrics.csv, checkpoint.pt)")
    p.add_argument("--teacher", dest="teacher_ckpt", help="teacher checkpoint (role student)")
    p.add_argument("--arch", choices=ARCHS)
    p.add_argument("--norm", choices=NORMS)
    for name, kind in [("temperature", float), ("alpha", float), ("epochs", int), ("seed", int),
                       ("batch-size", int), ("lr", float), ("warmup-epochs", int), ("weight-decay", float),
                       ("num-frames", int), ("frame-stride", int), ("crop-size", int), ("short-side", int),
                       ("eval-clips", int), ("eval-every", int), ("gamma", float), ("split", int), ("num-workers", int),
                       ("num-classes", int), ("prefetch-factor", int), ("label-smoothing", float),
                       ("precise-bn", int)]:  # fmt: skip
        p.add_argument(f"--{name}", type=kind)
    p.add_argument("--enhancer", choices=ENHANCERS)
    p.add_argument("--enhancer-weights", help="Zero-DCE weights for --enhancer zerodce")
    p.add_argument(
        "--enhanced-cache",
        help="folder keeping decoded and enhanced videos on disk between runs "
        "(default auto: ~/.cache/dlkdd_lite for videos kept in memory; none: nothing on disk)",
    )
    p.add_argument("--sampling", choices=SAMPLINGS)
    p.add_argument("--optimizer", choices=OPTIMIZERS)
    p.add_argument("--device", choices=DEVICES)
    p.add_argument("--pretrained", help="normal-light (the quick tier's default; tiny3d: the kit's weights from "
                   "well-lit generated video, dlkdd pretrain), kinetics400 (torchvision's weights, downloaded "
                   "once into the torch hub cache; the paper presets' default), none (from scratch), or a "
                   "state-dict file")  # fmt: skip
    p.add_argument("--preset", help="start from a named preset: quick, arid, arid1.5, dark48 (flags override it)")
    p.add_argument("--no-amp", dest="amp", action="store_false", default=None)
    p.add_argument(
        "--channels-last",
        action="store_true",
        default=None,
        help="channels-last 3D memory format for model and clips (faster convolutions on recent GPUs)",
    )
    p.add_argument("--compile", action="store_true", default=None, help="torch.compile the trained model")
    p.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        default=None,
        help="decode clips on the fly instead of keeping videos in memory",
    )
    p.add_argument("--config", help="a config.json to start from (flags override it)")
    p.add_argument("--overwrite", action="store_true", help="discard an existing run in --out")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _add_evaluate(sub) -> None:
    p = sub.add_parser("evaluate", help="clip and video accuracy of a checkpoint on a split")
    p.add_argument("--ckpt", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--split", type=int, help="official split (default: the checkpoint's)")
    p.add_argument("--subset", default="test", help="list suffix: train, test or other")
    p.add_argument("--view", choices=("dark", "enhanced", "both"), help="default: the view(s) the model was trained on")
    p.add_argument("--predictions", help="write per-video predictions CSV here")
    p.add_argument("--device", default="auto", choices=DEVICES)
    p.add_argument("--quiet", action="store_true")


def _add_zerodce(sub) -> None:
    p = sub.add_parser("zerodce", help="train the Zero-DCE enhancer on a dataset's dark training frames")
    p.add_argument("--data", required=True, help="dataset root in ARID's layout")
    p.add_argument("--out", required=True, help="folder for zerodce.pt and metrics.csv (resumable)")
    p.add_argument("--split", type=int, default=1)
    p.add_argument("--frames", type=int, default=512, help="random training frames drawn from the videos")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--patch-size", type=int, default=32, help="random crop size, a multiple of 16 (0: whole frames)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument(
        "--loss-weights",
        default="paper",
        choices=("paper", "script"),
        help="the losses and weights of the paper's text (default), or of the authors' training script",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--width", type=int, default=32, help="DCE-Net's filters per layer (the paper's 32)")
    p.add_argument(
        "--enhanced-cache",
        default="none",
        help="keep the decoded videos on disk for a quick-tier "
        "training that follows: auto (~/.cache/dlkdd_lite or $DLKDD_CACHE), a folder, or none (default)",
    )
    p.add_argument("--device", default="auto", choices=DEVICES)
    p.add_argument("--quiet", action="store_true")


def _add_pretrain(sub) -> None:
    p = sub.add_parser("pretrain", help="make the quick tier's normal-light tiny3d weights (the kit ships them) again")
    p.add_argument("--out", required=True, help="folder for the generated data, the run and tiny3d_normal_light.pt "
                   "(resumable)")  # fmt: skip
    p.add_argument("--epochs", type=int, help="epochs of the pretraining run (default: the kit's, 20)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")


def _run_synth(args) -> None:
    from dlkdd_lite.data.synth.generate import generate_dataset

    names = ("seed", "actors", "test_actors", "clips_per_actor", "num_frames", "size", "fps", "brightness")
    summary = generate_dataset(args.root, **{k: getattr(args, k) for k in names if getattr(args, k) is not None})
    print(json.dumps(summary, indent=2, default=str))


def _run_train(args) -> None:
    from dlkdd_lite.runtime.distributed import is_main_process
    from dlkdd_lite.train import fit

    base = {}  # a preset, then a config file, then the flags: each later one wins
    if args.preset:
        from dlkdd_lite.presets import preset

        base = {k: v for k, v in preset(args.preset).to_dict().items() if k != "role"}
    if args.config:
        base = {**base, **RunConfig.load(args.config).to_dict()}
    fields = {f.name for f in dataclasses.fields(RunConfig)}
    overrides = {k: v for k, v in vars(args).items() if k in fields and v is not None}
    if (args.pretrained or "").lower() in SCRATCH_NAMES:  # --pretrained none overrides a preset's weights
        overrides["pretrained"] = None
    if args.enhanced_cache is not None:
        overrides["enhanced_cache"] = _store_setting(args.enhanced_cache)
    config = RunConfig.from_dict({**base, **overrides})
    metrics = fit(config, args.data, args.out, progress=not args.quiet, overwrite=args.overwrite)
    if is_main_process():  # under torchrun, one report for all processes
        print(json.dumps({"out": args.out, **metrics}, indent=2))


def _run_evaluate(args) -> None:
    from dlkdd_lite.checkpoint import load_model
    from dlkdd_lite.data.dataset import DarkVideoDataset
    from dlkdd_lite.data.loader import batch_loader
    from dlkdd_lite.data.splits import find_split_file
    from dlkdd_lite.evaluate import evaluate
    from dlkdd_lite.results import write_predictions
    from dlkdd_lite.runtime.device import resolve_device

    device = resolve_device(args.device)
    model, config = load_model(args.ckpt, device)
    view = args.view or config.input_view
    if (view == "both") != (config.input_view == "both"):
        raise ValueError(
            f"{args.ckpt} holds a {config.role!r} model, which sees view {config.input_view!r}; "
            f"--view {view!r} needs a {'twostream' if view == 'both' else 'single-view'} model"
        )
    config = dataclasses.replace(config, split=args.split or config.split, cache=False)  # clips streamed
    split_file = find_split_file(args.data, config.split, args.subset)
    views = ("dark", "enhanced") if view == "both" else (view,)
    dataset = DarkVideoDataset.from_config(config, args.data, args.subset, train=False, views=views,
                                           progress=not args.quiet)  # fmt: skip
    loader = batch_loader(dataset, config.batch_size)
    metrics, predictions = evaluate(model, loader, view=view, device=device, amp=config.amp,
                                    progress=not args.quiet)  # fmt: skip
    if args.predictions:
        write_predictions(args.predictions, predictions)
    print(json.dumps({"ckpt": args.ckpt, "split_file": str(split_file), **metrics}, indent=2))


def _store_setting(text: str) -> str | None:
    """``--enhanced-cache`` as ``RunConfig.enhanced_cache``: ``none`` (any case) keeps nothing on disk."""
    return None if text.lower() == "none" else text


def _run_zerodce(args) -> None:
    from dlkdd_lite.data.splits import find_split_file
    from dlkdd_lite.enhance.zerodce_train import dark_frames, train_zerodce
    from dlkdd_lite.runtime.device import resolve_device

    frames = dark_frames(args.data, find_split_file(args.data, args.split, "train"), args.frames, seed=args.seed,
                         store=_store_setting(args.enhanced_cache))  # fmt: skip
    train_zerodce(frames, args.out, steps=args.steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                  patch_size=args.patch_size or None, loss_weights=args.loss_weights, width=args.width,
                  device=resolve_device(args.device), progress=not args.quiet)  # fmt: skip
    print(json.dumps({"weights": str(Path(args.out) / "zerodce.pt"), "frames": len(frames)}, indent=2))


def _run_pretrain(args) -> None:
    from dlkdd_lite.experiments.pretrain import pretrain

    epochs = {"epochs": args.epochs} if args.epochs is not None else {}
    weights = pretrain(args.out, seed=args.seed, progress=not args.quiet, **epochs)
    print(json.dumps({"weights": str(weights), "use": f"dlkdd train --pretrained {weights} ..."}, indent=2))
