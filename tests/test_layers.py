"""The package's layers: read every module's imports with ``ast`` — at the top, inside
functions, and under ``TYPE_CHECKING`` — and check that they form no cycle, and that the
core never imports a front end.

The layers, from the bottom: the core modules (each importing only modules below it, so
that no two depend on each other, even for a type); the Python API (``orderpack``, the
package itself); the front ends (``orderpack.cli`` with ``orderpack.__main__``, and the
local web page ``orderpack.web``), which call the API and the core's types. (``orderpack``
loads its functions from ``orderpack.api`` on first use.)
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "orderpack"
FRONT_ENDS = ("orderpack.cli", "orderpack.report", "orderpack.__main__", "orderpack.web")
#: The Python API: the package's names, made in orderpack.api.
API = ("orderpack", "orderpack.api")


def _module_name(path: Path) -> str:
    parts = ["orderpack", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The orderpack modules ``name`` (at ``path``) imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from orderpack import budget` imports the module orderpack.budget;
            # `from orderpack import build` imports from the package itself.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for imported in targets:
            target = imported
            while target and target not in known:
                target = target.rpartition(".")[0]  # `import orderpack.x.y` imports each
            if target and target != name:
                yield target


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: set(_imported(name, path, known)) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of two or more modules, as one cycle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; the graph is a few dozen modules
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = _pop_down_to(stack, node)
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_a_cycle(graph, group) for group in groups]


def _pop_down_to(stack: list[str], node: str) -> list[str]:
    """The modules on ``stack`` above ``node``, and ``node``: taken off the stack."""
    group = []
    while True:
        member = stack.pop()
        group.append(member)
        if member == node:
            return group


def _a_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A path from the group's first module back to it, inside the group."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for successor in sorted(graph[node] & members):
            if successor == start:
                return [*paths[node], start]
            if successor not in paths:
                paths[successor] = [*paths[node], successor]
                queue.append(successor)
    raise AssertionError(f"no cycle through {group}")  # pragma: no cover


def test_the_reader_sees_every_kind_of_import() -> None:
    graph = _graph()
    assert "orderpack.errors" in graph["orderpack.cli"]  # at the top
    assert "orderpack.weasyprint" not in graph["orderpack.pdf"]  # not orderpack's
    assert "orderpack.api" in graph["orderpack"]  # inside a function
    assert "orderpack.validation" in graph["orderpack.api"]  # inside a function
    assert "orderpack.model" in graph["orderpack.evidence"]  # under TYPE_CHECKING
    assert "orderpack.chat" in graph["orderpack.validation"]  # `from orderpack import chat`


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_that_imports_it_back() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles (TYPE_CHECKING ones count):\n" + "\n".join(
        " → ".join(cycle) for cycle in cycles)


def test_the_core_imports_no_front_end_and_not_the_api() -> None:
    graph = _graph()
    above = {name for name in graph if name.startswith(FRONT_ENDS)} | set(API)
    wrong = {f"{name} imports {target}" for name, targets in graph.items()
             if name not in above for target in targets & above}
    assert not wrong, sorted(wrong)
