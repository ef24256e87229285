"""Which operations a user's `--operation` patterns name: one reading for every command that narrows a run.

A pattern names an operation by its operationId or its key (``METHOD /path``, the method in any
case), exactly or as a shell-style glob (``*``, ``?``, ``[...]``) over either, or over the path
alone: ``createPet``, ``'GET /pets/{id}'``, ``'/pets*'``, ``'PATCH *'``, ``'list*'``. A pattern
naming nothing is the user's mistake, said as such, never an empty run.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

__all__ = ["Selectable", "select", "selects", "unmatched"]


class Selectable(Protocol):
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def operation_id(self) -> str | None: ...


S = TypeVar("S", bound=Selectable)
_GLOB = frozenset("*?[")


def _names(op: Selectable) -> list[str]:
    return [f"{op.method.upper()} {op.path}", op.path, *([op.operation_id] if op.operation_id else [])]


def _normal(pattern: str) -> str:
    method, sep, rest = pattern.strip().partition(" ")
    return f"{method.upper()} {rest.strip()}" if sep and not method.startswith("/") else pattern.strip()


def selects(op: Selectable, pattern: str) -> bool:
    """Whether `pattern` names `op` (see the module docstring)."""
    wanted = _normal(pattern)
    if _GLOB & set(wanted):
        return any(fnmatch.fnmatchcase(name, wanted) for name in _names(op))
    return wanted in _names(op)


def unmatched(operations: Iterable[Selectable], patterns: Sequence[str]) -> list[str]:
    """The patterns that name no operation of `operations`."""
    ops = list(operations)
    return [p for p in patterns if not any(selects(op, p) for op in ops)]


def select(operations: Iterable[S], patterns: Sequence[str]) -> list[S]:
    """The operations some pattern names, in their order; all of them when there are no patterns."""
    ops = list(operations)
    return ops if not patterns else [op for op in ops if any(selects(op, p) for p in patterns)]
