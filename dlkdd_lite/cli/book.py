"""cli/book.py: the subcommands about the notebooks: ``notebooks`` (execute them) and ``book`` (HTML pages).

Thin: parse, call, print. ``register(sub)`` adds the subparsers and returns their runners.
"""

from __future__ import annotations

import ast


def register(sub) -> dict:
    """Add ``notebooks`` and ``book`` to the argparse subparsers ``sub``; return their runners by name."""
    _add_notebooks(sub)
    p = sub.add_parser("book", help="the executed notebooks as HTML pages, with an index (runs nothing)")
    p.add_argument("--src", default="build/notebooks", help="executed notebooks, as `dlkdd notebooks --out` wrote")
    p.add_argument("--out", default="build/book", help="where the pages go")
    return {"notebooks": _run_notebooks, "book": _run_book}


def _run_book(args) -> None:
    from dlkdd_lite.tutorial.book import build_book

    pages = build_book(args.src, args.out)
    print(f"{len(pages)} pages in {args.out}; open {pages[0]}")


def _add_notebooks(sub) -> None:
    p = sub.add_parser("notebooks", help="execute the numbered notebooks top to bottom (headless)")
    p.add_argument("--src", default="notebooks", help="folder of NN_*.ipynb")
    p.add_argument("--out", default="build/notebooks", help="where the executed copies go")
    p.add_argument("--only", nargs="*", help="notebook number prefixes to run, e.g. 00 03")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (VALUE is a Python literal or a string)",
    )


def _parse_value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _run_notebooks(args) -> None:
    from dlkdd_lite.tutorial.notebooks import list_notebooks, run_notebooks

    params = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            raise SystemExit(f"dlkdd notebooks: --param expects NAME=VALUE, got {item!r}")
        params[name] = _parse_value(value)
    notebooks = list_notebooks(args.src)
    if args.only:
        notebooks = [nb for nb in notebooks if nb.name.startswith(tuple(args.only))]
    if not notebooks:
        raise SystemExit(f"dlkdd notebooks: no notebooks to run in {args.src}")
    print(f"running {', '.join(nb.name for nb in notebooks)}, in turn ...", flush=True)
    for out, seconds in run_notebooks(notebooks, args.out, parameters=params):
        print(f"  {out.name} done in {seconds:.1f} s -> {out}", flush=True)
