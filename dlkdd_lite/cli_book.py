"""cli_book.py: the ``dlkdd book`` subcommand. Thin: parse, call, print.

``register(sub)`` adds the subparser to ``dlkdd``'s and returns ``{command: runner(args)}``.
"""

from __future__ import annotations


def register(sub) -> dict:
    """Add ``book`` to the argparse subparsers ``sub``; return its runner by name."""
    p = sub.add_parser("book", help="the executed notebooks as HTML pages, with an index (runs nothing)")
    p.add_argument("--src", default="build/notebooks", help="executed notebooks, as `dlkdd notebooks --out` wrote")
    p.add_argument("--out", default="build/book", help="where the pages go")
    return {"book": _run_book}


def _run_book(args) -> None:
    from dlkdd_lite.book import build_book

    pages = build_book(args.src, args.out)
    print(f"{len(pages)} pages in {args.out}; open {pages[0]}")
