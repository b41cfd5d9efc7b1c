"""cli/main.py: the ``dlkdd`` command. Thin: builds the parser from the cli modules and runs a subcommand.

``dlkdd --help`` lists the subcommands; each has its own ``--help``. Every cli module has one
``register(subparsers) -> {command: runner}``; the runner gets the parsed arguments.
"""

from __future__ import annotations

import argparse
import sys

from dlkdd_lite.cli import book, data, run, sweep

MODULES = (run, data, sweep, book)  # the order of `dlkdd --help`


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlkdd", description="DL-KDD lite: dark-video action recognition with dual-light distillation"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in MODULES:
        for name, runner in module.register(sub).items():
            sub.choices[name].set_defaults(runner=runner)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.runner(args)
    except (ValueError, FileNotFoundError) as err:
        print(f"dlkdd {args.command}: error: {err}", file=sys.stderr)
        return 2
    return 0
