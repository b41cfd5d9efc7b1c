"""The repository stands alone: no code, test, doc or shipped data names a folder outside the checkout.

A user clones this repository and nothing else. A test that climbs from its own file past the repository's
root (two levels up from ``tests/``) or reads a ``../``-prefixed path, or a doc that cites a folder beside
the team's checkout, works only on the machines that happen to have that folder; these checks fail on any
such reference, so it cannot come back.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("dlkdd_lite", "tests", "benchmarks", "tools", "notebooks")
TEXT_GLOBS = ("README.md", "docs/**/*.md", "dlkdd_lite/**/*.json", "dlkdd_lite/**/*.csv", "tests/data/**/*.md",
              "Makefile", "environment.yml", "pyproject.toml", ".ci/*")  # fmt: skip
# A line may hold a deliberately escaping path (an archive member that must be refused) if it says so.
DELIBERATE = "outside-path: deliberate"
# The team's workshop folder beside the checkout, however it is spelled.
WORKSHOP = re.compile(r"(\.\./)+shared\b|\bshared[/](arid_splits|datasets\.md|STYLE\.md|hooks)\b|[/]work/")
UP = "." + "./"  # spelled so that this file does not hold what it looks for
FILE_CHAIN = re.compile(r"__file__\)(?:\.resolve\(\))?((?:\.parent\b)*)(?:\.parents\[(\d+)\])?")


def _inside(path: Path) -> bool:
    return path.resolve() == ROOT or ROOT in path.resolve().parents


def path_problems(file: Path, text: str) -> list[str]:
    """What in a Python ``file`` (its ``text``) points outside the repository, one message per finding."""
    problems = []
    lines = text.splitlines()
    for lineno, line in enumerate(lines, 1):
        if DELIBERATE in line:
            continue
        for match in FILE_CHAIN.finditer(line):
            ups = match.group(1).count(".parent") + (int(match.group(2)) + 1 if match.group(2) else 0)
            target = file.resolve()
            for _ in range(ups):
                target = target.parent
            if not _inside(target):
                problems.append(f"{file}:{lineno}: {match.group(0)!r} resolves to {target}, outside the repository")
        if WORKSHOP.search(line):
            problems.append(f"{file}:{lineno}: names a folder outside the repository: {line.strip()!r}")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(UP):
            if DELIBERATE in lines[node.lineno - 1]:
                continue
            # Notebooks run in their own folder (as in JupyterLab); everything else from the repository root.
            base = file.parent if file.parent.name == "notebooks" else ROOT
            if not _inside(base / node.value.split()[0]):
                problems.append(f"{file}:{node.lineno}: {node.value!r} leaves the repository from {base}")
    return problems


def test_no_code_names_a_path_outside_the_repository():
    problems = []
    for folder in CODE_DIRS:
        for file in sorted((ROOT / folder).rglob("*.py")):
            if ".ipynb_checkpoints" not in file.parts:
                problems += path_problems(file, file.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_no_doc_or_shipped_data_cites_a_folder_outside_the_repository():
    problems = []
    for pattern in TEXT_GLOBS:
        for file in sorted(ROOT.glob(pattern)):
            for lineno, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if WORKSHOP.search(line):
                    problems.append(f"{file.relative_to(ROOT)}:{lineno}: {line.strip()[:160]!r}")
    assert not problems, "\n".join(problems)


# The examples are assembled from pieces so that this file does not hold the escapes it looks for.
FILE = "Path(__file__" + ")"
TWO_UP = ".resolve().parents[" + "2]"


@pytest.mark.parametrize("folder, line", [
    ("tests", "OFFICIAL = " + FILE + TWO_UP + ' / "lists"'),
    ("tests", "OFFICIAL = " + FILE + '.parent.parent.parent / "lists"'),
    ("dlkdd_lite", "ROOT = " + FILE + TWO_UP),
    ("tests", 'lists = "' + UP + 'lists/ARID_v1"'),
    ("notebooks", 'lists = "' + UP + UP + 'lists/ARID_v1"'),
    ("tests", 'source = "see ' + UP + "sha" + 'red/datasets.md"'),
    ("tests", 'cache = "/' + 'work/cache"'),
])  # fmt: skip
def test_the_check_catches_each_kind_of_escape(folder, line):
    assert path_problems(ROOT / folder / "example.py", line + "\n")


@pytest.mark.parametrize("folder, line", [
    ("tests", "ROOT = " + FILE + ".resolve().parents[1]"),
    ("notebooks", 'DATA_DIR = "' + UP + 'data/quick"'),
    ("tests", 'members = {"' + UP + 'evil.mp4": b""}  # ' + DELIBERATE),
])  # fmt: skip
def test_the_check_passes_paths_inside_the_repository(folder, line):
    assert not path_problems(ROOT / folder / "example.py", line + "\n")
