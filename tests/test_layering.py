"""The house's layers (DESIGN.md §3): imports point downward only, no circles, and only the workspace layer
reaches the store.

The walk reads every module of the package with :mod:`ast` and takes every import of
a ``purposecase`` module, also those inside functions (an import there still ties the
two modules together); imports under ``if TYPE_CHECKING:`` are left out (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "purposecase"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("basis", ("paths", "pieces", "messages", "model", "errors", "bidi", "sdgs", "chapters", "examples", "trainer")),
    ("store", ("store",)),
    ("stappen", ("puzzle", "checks", "valueprop", "roadmap", "meeting", "figures")),
    ("werkruimte", ("workspace",)),
    ("uitvoer", ("progress", "backup", "export")),
    ("pagina's", ("ui",)),
    ("ingang", ("cli", "hub", "voila_config", "__init__")),
]
"""The layers from the bottom up; a module may import its own layer and the layers below it."""

STORE_USERS = ("purposecase.store", "purposecase.workspace")
"""Only these modules import :mod:`purposecase.store`."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    top = module.split(".")[1] if module.count(".") else "__init__"
    for rank, (_, members) in enumerate(LAYERS):
        if top in members:
            return rank
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS in {__file__}")


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> set[str]:
    """Return the ``purposecase`` modules ``path`` imports at run time (absolute names)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("purposecase"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("purposecase"):
                for alias in node.names:  # `from . import puzzle` names a module
                    candidate = f"{target}.{alias.name}"
                    sub = PACKAGE.parent / Path(*candidate.split("."))
                    found.add(candidate if sub.with_suffix(".py").exists() or sub.is_dir() else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_layer():
    for module in graph():
        layer_of(module)


def test_imports_point_down():
    wrong = [
        f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})"
        for m, targets in graph().items()
        for t in targets
        if layer_of(t) > layer_of(m)
    ]
    assert not wrong, "imports pointing up a layer:\n" + "\n".join(wrong)


def _same_module(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def test_no_circles():
    g = graph()
    # resolve an import of a package to its __init__ module name (same string) and walk
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(g.get(node, ())):
            if target not in g:
                continue
            if state.get(target) == 1:
                circles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node)
    # a package's __init__ re-exporting its own submodules is not a circle between modules
    real = [c for c in circles if not all(_same_module(c[0], m) for m in c)]
    assert not real, "import circles:\n" + "\n".join(" → ".join(c) for c in real)


def test_only_the_workspace_layer_reaches_the_store():
    wrong = [
        f"{m} imports {t}"
        for m, targets in graph().items()
        for t in targets
        if t == "purposecase.store" and not any(m == u or m.startswith(u + ".") for u in STORE_USERS)
    ]
    assert not wrong, "modules outside the workspace layer that reach the store:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from .store import open_store\n", {"purposecase.store"}),
        ("def f():\n    from ..workspace import open_workspace\n", {"purposecase.workspace"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .store import Store\n", set()),
    ],
)
def test_the_walk_sees_what_it_must(tmp_path, monkeypatch, source, expected):
    """The walk itself: module-level and function-level imports count, type-only ones do not."""
    fake = PACKAGE / "ui" / "_layering_probe.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    found = imports_of(fake if "..workspace" in source else PACKAGE / "_layering_probe.py")
    assert found == expected
