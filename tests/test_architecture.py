"""The package structure: no import cycle between packages, a shared layer below the stages, no private reach-ins.

Every module under ``contract/`` is read with :mod:`ast` (nothing is imported), and
every import counts: top level, inside functions, under ``if TYPE_CHECKING``,
relative ones resolved. A *package* is a top-level subpackage of ``contract``
(``load``, ``replay``, ``core``, ...); a top-level module (``lint.py``,
``pipeline.py``) is a node of its own, and ``contract/__init__.py`` is the node
``contract``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "contract"
STAGES = {"load", "generate", "replay", "compare", "docs", "report", "validate", "cli", "sandbox", "proxy"}

# Private names imported across packages that are known and owned by someone; each entry says who removes it.
# An entry that no longer matches an import fails the test, so the list only shrinks.
PRIVATE_ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True, slots=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported from (a submodule when `from pkg import submodule`)
    name: str | None  # the name imported from it, for `from target import name`
    line: int

    def __str__(self) -> str:
        what = f"from {self.target} import {self.name}" if self.name else f"import {self.target}"
        return f"{self.source}:{self.line}: {what}"


@cache
def modules() -> dict[str, Path]:
    """Dotted module name → file, packages by their ``__init__.py``."""
    out: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module a (possibly relative) ``from`` import names."""
    if not level:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _imports_in(module: str, text: str, *, is_package: bool) -> Iterator[Import]:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node.level, node.module)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in modules():  # `from contract.replay import runner`: the submodule itself
                    yield Import(module, sub, None, node.lineno)
                else:
                    yield Import(module, target, alias.name, node.lineno)


@cache
def imports() -> list[Import]:
    return [i for m, path in modules().items()
            for i in _imports_in(m, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py")
            if i.target.split(".")[0] == "contract"]


def node(module: str) -> str:
    """The package graph's node for a module: ``contract.replay.runner`` → ``replay``; ``contract`` → itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _owning_module(target: str) -> str:
    while target not in modules() and "." in target:
        target = target.rsplit(".", 1)[0]
    return target


def package_edges() -> dict[tuple[str, str], list[Import]]:
    edges: dict[tuple[str, str], list[Import]] = {}
    for imp in imports():
        a, b = node(imp.source), node(imp.target)
        if a != b:
            edges.setdefault((a, b), []).append(imp)
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected component of more than one node, as one cycle through it (Tarjan, then a walk)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp: set[str] = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    cycles = []
    for comp in components:
        start = min(comp)
        path, seen = [start], {start}
        while True:  # follow edges inside the component until the walk closes
            nxt = sorted(w for w in graph[path[-1]] if w in comp)
            back = [w for w in nxt if w == start]
            if back and len(path) > 1:
                break
            step = next((w for w in nxt if w not in seen), None) or nxt[0]
            if step in seen:
                path = path[path.index(step):]
                break
            path.append(step)
            seen.add(step)
        cycles.append([*path, path[0]])
    return cycles


def _explain(cycle: list[str], edges: dict[tuple[str, str], list[Import]]) -> str:
    lines = [" -> ".join(cycle)]
    for a, b in pairwise(cycle):
        lines += [f"    {a} -> {b}: {imp}" for imp in edges[(a, b)][:3]]
    return "\n".join(lines)


def test_the_walk_sees_every_kind_of_import() -> None:
    text = ("import contract.load\nfrom . import checks\nfrom ..model import Exchange\n"
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from contract.compare import drift\n"
            "def f():\n    from contract.lint import _effective\n")
    found = {(i.target, i.name) for i in _imports_in("contract.replay.runner", text, is_package=False)}
    assert found >= {("contract.load", None), ("contract.replay.checks", None), ("contract.model", "Exchange"),
                     ("contract.compare.drift", None), ("contract.lint", "_effective")}
    assert _resolve("contract.replay", True, 1, "checks") == "contract.replay.checks"
    assert _resolve("contract.replay.runner", False, 2, None) == "contract"
    assert node("contract.core.paths") == "core" and node("contract.lint") == "lint" and node("contract") == "contract"
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_packages() -> None:
    edges = package_edges()
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    cycles = _cycles(graph)
    assert not cycles, "import cycles between packages:\n" + "\n".join(_explain(c, edges) for c in cycles)


def test_no_import_cycle_between_modules() -> None:
    graph: dict[str, set[str]] = {m: set() for m in modules()}
    for imp in imports():
        target = _owning_module(imp.target)
        if target != imp.source and target in modules():
            graph[imp.source].add(target)
    found = _cycles(graph)
    assert not found, "import cycles between modules:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_shared_layer_imports_no_stage() -> None:
    edges = package_edges()
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    # everything core reaches, with the chain that reaches it
    reached: dict[str, list[str]] = {"core": ["core"]}
    todo = ["core"]
    while todo:
        here = todo.pop()
        for there in sorted(graph.get(here, ())):
            if there not in reached:
                reached[there] = [*reached[here], there]
                todo.append(there)
    bad = {s: chain for s, chain in reached.items() if s in STAGES}
    assert not bad, "contract.core reaches stage packages:\n" + "\n".join(
        " -> ".join(chain) + "\n" + "\n".join(f"    {imp}" for imp in edges[(chain[0], chain[1])][:3])
        for chain in bad.values())


def _private(imp: Import) -> str | None:
    """The private part an import reaches into: a ``_name`` imported, or a ``_module`` on the way."""
    dotted = imp.target.split(".")[1:] + ([imp.name] if imp.name else [])
    return next((p for p in dotted if p.startswith("_") and not (p.startswith("__") and p.endswith("__"))), None)


def test_no_private_name_is_imported_from_another_package() -> None:
    offenders: dict[tuple[str, str], Import] = {}
    for imp in imports():
        if node(imp.source) != node(imp.target) and _private(imp):
            offenders[(imp.source, f"{imp.target}.{imp.name}" if imp.name else imp.target)] = imp
    new = [str(imp) for key, imp in offenders.items() if key not in PRIVATE_ALLOWED]
    stale = [f"{key} ({owner})" for key, owner in PRIVATE_ALLOWED.items() if key not in offenders]
    assert not new, "private names imported from another package:\n" + "\n".join(new)
    assert not stale, "no longer imported; delete from PRIVATE_ALLOWED:\n" + "\n".join(stale)
