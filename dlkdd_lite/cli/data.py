"""data.py: the ``dlkdd datasets | download | verify | prepare`` subcommands. Thin: parse, call, print.

``register(sub)`` adds the subparsers to ``dlkdd``'s and returns ``{command: runner(args)}``. Runners raise
ValueError / FileNotFoundError for user errors and SystemExit(1) when ``verify`` finds listed clips missing.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

NAMES = ("arid", "arid1.5", "dark48")


def register(sub) -> dict:
    """Add the data subcommands to the argparse subparsers ``sub``; return their runners by name."""
    p = sub.add_parser("datasets", help="list the real datasets (ARID, ARID V1.5, Dark-48) and their status here")
    p.add_argument("name", nargs="?", help="show one dataset in full: terms, citation, how to get it")
    p.add_argument("--data-dir", default="data", help="where datasets live: <data-dir>/<name> (default: data)")

    p = sub.add_parser("download", help="download (or take an archive you have), verify and install a dataset")
    p.add_argument("name", help=f"one of {', '.join(NAMES)}")
    p.add_argument("--root", required=True, help="the dataset folder to create, e.g. data/arid")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--url", help="the link you were sent (http(s), Google Drive or OneDrive/SharePoint share link)")
    src.add_argument(
        "--archive", action="append", default=[], metavar="FILE",
        help="an archive you downloaded (zip, tar, tar.gz) or its extracted folder; repeat for parts",
    )  # fmt: skip
    p.add_argument("--sha256", help="expected sha256 of the archive (checked; recorded either way)")
    p.add_argument("--lists", help="folder (or URL) holding the split lists, instead of the registry's source")
    p.add_argument("--keep-archive", action="store_true", help="keep the downloaded archive in <root>/downloads")
    p.add_argument("--retries", type=int, default=5, help="retries after network errors, with back-off")
    p.add_argument("--quiet", action="store_true", help="no progress bars")

    p = sub.add_parser("verify", help="count listed clips present, missing and unreadable, per split")
    p.add_argument("name", help=f"one of {', '.join(NAMES)}")
    p.add_argument("--root", required=True, help="the dataset folder")
    p.add_argument("--allow-missing", action="store_true", help="exit 0 even when listed clips are missing")
    p.add_argument("--no-probe", action="store_true", help="only check that files exist (no decoding)")
    p.add_argument("--workers", type=int, help="parallel probes (default: up to 4)")
    p.add_argument("--quiet", action="store_true")

    p = sub.add_parser("prepare", help="re-encode a dataset's clips smaller (short side) for fast training")
    p.add_argument("name", help=f"one of {', '.join(NAMES)}")
    p.add_argument("--root", required=True, help="the dataset folder (its clips are kept)")
    p.add_argument("--short-side", type=int, default=128, help="pixels of the shorter frame side (default 128)")
    p.add_argument("--out", help="the new dataset folder (default: <root>-s<short side>)")
    p.add_argument("--workers", type=int, help="parallel encoders (default: up to 4)")
    p.add_argument("--crf", type=int, default=18, help="x264 quality of the re-encoded clips (lower = better)")
    p.add_argument("--quiet", action="store_true")
    return {"datasets": run_datasets, "download": run_download, "verify": run_verify, "prepare": run_prepare}


def run_datasets(args) -> None:
    from dlkdd_lite.data.registry import dataset_status, get_dataset, load_registry

    if args.name:
        info = get_dataset(args.name)
        raw = info.raw
        print(f"{info.title} ({info.name}): {len(info.classes)} classes, {info.expected_clips} clips, "
              f"splits {list(info.splits)}, lists {list(info.subsets)}")  # fmt: skip
        print(
            f"status in {Path(args.data_dir) / info.name}: {dataset_status(info.name, Path(args.data_dir) / info.name)}"
        )
        for key in ("paper", "homepage", "license", "download_size"):
            print(textwrap.fill(f"{key}: {raw[key]}", 110, subsequent_indent="    "))
        print("how to get it:")
        for step in raw["obtain"]:
            print(textwrap.fill(step, 110, initial_indent="  - ", subsequent_indent="    "))
        print("cite:\n" + textwrap.indent(raw["citation"], "  "))
        return
    print(f"{'name':<8} {'dataset':<10} {'classes':>7} {'clips':>6} {'splits':<9} status in {args.data_dir}/<name>")
    for name, info in load_registry().items():
        splits = ",".join(map(str, info.splits))
        status = dataset_status(name, Path(args.data_dir) / name)
        print(f"{name:<8} {info.title:<10} {len(info.classes):>7} {info.expected_clips:>6} {splits:<9} {status}")
    print("`dlkdd datasets NAME` shows how to get one, its terms and citation.")


def run_download(args) -> None:
    from dlkdd_lite.data.acquire.download import download_dataset

    manifest = download_dataset(
        args.name, args.root, url=args.url, archives=args.archive, sha256=args.sha256, lists=args.lists,
        keep_archive=args.keep_archive, retries=args.retries, progress=not args.quiet,
    )  # fmt: skip
    shown = {k: manifest[k] for k in ("dataset", "status", "clips") if k in manifest}
    shown["sources"] = [{k: s.get(k) for k in ("file", "sha256", "added", "kept")} for s in manifest["sources"]]
    print(json.dumps({"root": str(args.root), **shown}, indent=2))
    print(f"next: dlkdd verify {args.name} --root {args.root}")


def run_verify(args) -> None:
    from dlkdd_lite.data.acquire.verify import format_report, verify_dataset

    report = verify_dataset(args.root, args.name, probe=not args.no_probe, workers=args.workers,
                            progress=not args.quiet)  # fmt: skip
    print(format_report(report))
    if (report["missing"] or report["unreadable"] or report["lists_missing"]) and not args.allow_missing:
        print("verify: listed clips are missing or unreadable (pass --allow-missing to accept)")
        raise SystemExit(1)


def run_prepare(args) -> None:
    from dlkdd_lite.data.acquire.prepare import prepare_dataset

    summary = prepare_dataset(args.root, args.out, short_side=args.short_side, name=args.name, workers=args.workers,
                              crf=args.crf, progress=not args.quiet)  # fmt: skip
    print(json.dumps(summary, indent=2))
