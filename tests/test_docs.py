"""The README's and docs/'s links between pages resolve: the file exists and, for a ``#fragment``, a heading
with that anchor (GitHub's rule: lower case, punctuation dropped, spaces to hyphens) is on the page."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"```.*?```", flags=re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {anchor(m.group(1)) for m in re.finditer(r"^#+\s+(.*)$", text, flags=re.M)}


def broken_links(page: Path) -> list[str]:
    problems = []
    for link in LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        if link.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, fragment = link.partition("#")
        target = (page.parent / path) if path else page
        if not target.exists():
            problems.append(f"{link}: no file {target}")
        elif fragment and target.suffix == ".md" and fragment not in anchors(target):
            problems.append(f"{link}: no heading with anchor #{fragment} in {target.name}")
    return problems


def test_anchors_follow_githubs_rule():
    assert anchor("Normal-light pretraining: the paper's setting in miniature") == (
        "normal-light-pretraining-the-papers-setting-in-miniature"
    )
    assert anchor("Why `decord2`") == "why-decord2"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_links_between_pages_resolve(page):
    assert broken_links(page) == []


def test_a_broken_link_is_found(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Here\n[ok](#here) [gone](#elsewhere) [none](missing.md) [web](https://x.org/#y)\n")
    assert broken_links(page) == [
        "#elsewhere: no heading with anchor #elsewhere in page.md",
        f"missing.md: no file {tmp_path / 'missing.md'}",
    ]
