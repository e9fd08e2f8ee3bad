"""The code's shape: folders of at most 12 modules, small classes and functions, no import circle.

Tests and benchmarks aside. Imports under `if TYPE_CHECKING:` count: a circle of types is a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "commands")
MAX_MODULES = 12
MAX_CLASS_LINES = 500
MAX_FUNCTION_LINES = 100


def _modules() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _lines(node: ast.AST) -> int:
    return (node.end_lineno or node.lineno) - node.lineno + 1  # type: ignore[attr-defined]


def test_no_folder_holds_more_than_twelve_modules() -> None:
    folders: dict[Path, int] = {}
    for path in _modules():
        folders[path.parent] = folders.get(path.parent, 0) + 1
    crowded = {str(f.relative_to(ROOT)): n for f, n in folders.items() if n > MAX_MODULES}
    assert crowded == {}


def test_no_class_over_500_lines_and_no_function_over_100() -> None:
    too_long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef) and _lines(node) > MAX_CLASS_LINES:
                too_long.append(f"{_name(path)}.{node.name}: {_lines(node)} lines")
            function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if function and _lines(node) > MAX_FUNCTION_LINES:
                too_long.append(f"{_name(path)}:{node.name}: {_lines(node)} lines")
    assert too_long == [], "\n".join(too_long)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a module imports, at any depth of its body (type-only ones too)."""
    found: set[str] = set()
    here = _name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            # A module, or the package whose __init__ the name comes from.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != here:
                found.add(name)
    return found


def test_no_import_circles() -> None:
    paths = {_name(p): p for p in _modules()}
    known = set(paths)
    graph = {name: _imports(path, known) for name, path in paths.items()}
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == [], "\n".join(circles)
