"""The package's shape: subpackages that import nothing, no import cycles, small modules and functions.

Read from the source with ``ast`` (nothing is imported), so imports inside functions count too: a
cycle that holds only because one import is deferred is still a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dlkdd_lite"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
MAX_TOP_LEVEL_MODULES = 10
SUBPACKAGES = ("cli", "data", "data.acquire", "data.synth", "enhance", "experiments", "runtime", "tutorial", "viz")


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """``{"dlkdd_lite.data.video": path, ...}`` for every module of the package (``__init__`` as the package)."""
    files = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        files[name] = path
    return files


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """The package's modules that ``path`` (module ``name``) imports, anywhere in it (functions included)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, or levels above it
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            # `from a.b import c` imports module a.b.c when there is one, else the name c of a.b
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import a.b.c` of a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name and target != "dlkdd_lite":
                found.add(target)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    files = module_files(package)
    return {name: imported_modules(path, name, set(files)) for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None (depth-first search, white / grey / black)."""
    state, stack = {}, []

    def visit(node: str) -> list[str] | None:
        state[node] = "grey"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "grey":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = "black"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles_counting_imports_inside_functions():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_deferred_import_cycle(tmp_path):
    """The check can fail: a cycle closed by an import inside a function is reported."""
    package = tmp_path / "dlkdd_lite"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from dlkdd_lite.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from dlkdd_lite.sub.c import g\n")
    (package / "sub" / "c.py").write_text("from . import b\nimport dlkdd_lite.a\n")
    graph = import_graph(package)
    assert graph["dlkdd_lite.a"] == {"dlkdd_lite.sub.b"}
    assert graph["dlkdd_lite.sub.c"] == {"dlkdd_lite.sub.b", "dlkdd_lite.a"}
    assert find_cycle(graph) == ["dlkdd_lite.a", "dlkdd_lite.sub.b", "dlkdd_lite.sub.c", "dlkdd_lite.a"]
    (package / "sub" / "c.py").write_text("import os\n")
    assert find_cycle(import_graph(package)) is None


def test_top_level_holds_what_the_notebooks_teach_and_the_subpackages():
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
    packages = sorted(str(p.parent.relative_to(PACKAGE)).replace("/", ".") for p in PACKAGE.rglob("__init__.py"))
    assert packages == sorted([".", *SUBPACKAGES]), packages


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_says_what_it_owns_and_imports_nothing(name):
    path = PACKAGE.joinpath(*name.split("."), "__init__.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path} needs a docstring saying what the subpackage owns"
    assert not [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))], f"{path} imports something"


def test_importing_the_package_and_its_subpackages_loads_no_torch():
    code = "import sys, dlkdd_lite, " + ", ".join(f"dlkdd_lite.{n}" for n in SUBPACKAGES)
    code += "; heavy = [m for m in ('torch', 'numpy', 'pandas', 'matplotlib') if m in sys.modules]; print(heavy)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def long_pieces(package: Path = PACKAGE) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES (docstrings included)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(package.parent)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found.append(f"{where}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append(f"{where}:{node.lineno} {node.name}(): {lines} lines")
    return found


def test_no_module_over_300_lines_and_no_function_over_60():
    assert long_pieces() == []


def test_the_size_check_can_fail(tmp_path):
    package = tmp_path / "dlkdd_lite"
    package.mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    (package / "long.py").write_text(f"def too_long():\n{body}")
    assert long_pieces(package) == [f"dlkdd_lite/long.py:1 too_long(): {MAX_FUNCTION_LINES + 1} lines"]
