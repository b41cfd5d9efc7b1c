"""book.py: the static edition, executed notebooks as HTML pages a student reads without running anything.

Converts a folder of executed notebooks (what ``dlkdd notebooks`` writes: the learner's editions and
``solutions/``) with nbconvert and writes an index page. Executes nothing; knows nothing about what the
notebooks teach.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import nbformat

from dlkdd_lite.runtime.atomic import write_text_atomic
from dlkdd_lite.tutorial.notebooks import list_notebooks


def build_book(src: str | os.PathLike, out: str | os.PathLike) -> list[Path]:
    """Write ``out/NN_name.html`` for each executed notebook in ``src``, ``out/solutions/NN_name.html`` for
    each in ``src/solutions``, and ``out/index.html``; return the pages written, index first."""
    from nbconvert import HTMLExporter

    src, out = Path(src), Path(out)
    chapters = list_notebooks(src)
    if not chapters:
        raise FileNotFoundError(
            f"no executed notebooks (NN_*.ipynb) in {src}: run `make demo` (notebooks 00-04) and "
            "`make reproduce` (05-06) first, or `dlkdd notebooks --out` that folder"
        )
    exporter = HTMLExporter(template_name="lab")
    pages, rows = [], []
    for chapter in chapters:
        links = []
        editions = {chapter: out / f"{chapter.stem}.html"}
        editions[src / "solutions" / chapter.name] = out / "solutions" / f"{chapter.stem}.html"
        for notebook, page in editions.items():
            if notebook.is_file():
                nb = nbformat.read(notebook, as_version=4)
                write_text_atomic(page, exporter.from_notebook_node(nb, resources={"metadata": {"name": page.stem}})[0])
                pages.append(page)
                links.append(page.relative_to(out).as_posix())
        rows.append((_title(chapter), links))
    index = out / "index.html"
    write_text_atomic(index, _index(rows))
    for page in (index, *pages):
        page.chmod(0o644)  # pages to publish: readable by a web server, not only by their owner
    return [index, *pages]


def _title(notebook: Path) -> str:
    """The first heading of a notebook's first cell, e.g. ``"03 · Train the teacher on enhanced clips"``."""
    cells = nbformat.read(notebook, as_version=4).cells
    first = cells[0].source.strip().splitlines()[0] if cells and cells[0].source.strip() else notebook.stem
    return first.lstrip("# ").strip()


def _index(rows: list[tuple[str, list[str]]]) -> str:
    items = []
    for title, links in rows:
        chapter = f'<a href="{links[0]}">{html.escape(title)}</a>' if links else html.escape(title)
        solutions = f' · <a href="{links[1]}">worked solutions</a>' if len(links) > 1 else ""
        items.append(f"<li>{chapter}{solutions}</li>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>DL-KDD lite: the notebooks</title>'
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5}</style></head>\n"
        "<body><h1>DL-KDD lite: the notebooks, executed</h1>\n"
        "<p>Knowledge distillation for action recognition in dark video (Chang, Chen &amp; Tseng, 2024, "
        '<a href="https://arxiv.org/abs/2406.02468">arXiv 2406.02468</a>), walked through on a small generated '
        "dataset. Each chapter is a notebook as it ran; its exercises' worked solutions are on a page of their "
        "own.</p>\n<ol>\n" + "\n".join(items) + "\n</ol>\n</body></html>\n"
    )
