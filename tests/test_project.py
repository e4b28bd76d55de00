"""The project's own promises: two README commands, dependencies in step, CI calls make test."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pins(spec: str) -> str:
    spec = re.sub(r"\[.*?\]", "", spec)
    return spec[len(_name(spec)) :].replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    py = {_name(s): _pins(s) for s in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {
        _name(s): _pins(s) for s in env["dependencies"] if isinstance(s, str) and _name(s) not in ("python", "pip")
    }
    assert conda == py


def test_readme_quick_start_is_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", text, re.S).group(1)
    assert [line.strip() for line in block.strip().splitlines()] == ["make serve", "make test"]


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_makefile_targets():
    text = (ROOT / "Makefile").read_text()
    assert re.search(r"^serve:", text, re.M) and re.search(r"^test:", text, re.M)
