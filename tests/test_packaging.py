"""Set-up contract: pyproject.toml and environment.yml list the same dependencies; CI runs `make test`."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _normalise(spec: str) -> tuple[str, str]:
    name, _, bound = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(([<>=!~]=?.*)?)$", spec).group(1, 2, 2)
    return name.lower().replace("_", "-"), bound.replace(" ", "")


def _environment_specs() -> set[tuple[str, str]]:
    """The conda and pip dependencies of environment.yml (a tiny reader: no YAML anchors used there)."""
    specs = set()
    for line in (ROOT / "environment.yml").read_text().splitlines():
        item = re.match(r"^\s+-\s+(.+?)\s*$", line)
        if not item or item.group(1) in ("pip", "conda-forge", "pip:") or item.group(1).startswith(("-e", "python")):
            continue
        specs.add(_normalise(item.group(1)))
    return specs


def test_environment_yml_and_pyproject_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_normalise(s) for s in project["dependencies"] + project["optional-dependencies"]["test"]}
    assert declared == _environment_specs(), (
        f"only in pyproject: {sorted(declared - _environment_specs())}; "
        f"only in environment.yml: {sorted(_environment_specs() - declared)}"
    )


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and re.search(r"^make test$", ci, re.M)


def test_readme_quick_start_shows_exactly_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)$", quick, re.M)
    assert commands == ["make demo", "make test"], commands
