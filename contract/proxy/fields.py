"""Response fields as dotted paths, on both sides: what a response schema documents, what a body carried.

Coverage from traffic lists, per operation and status, the documented fields no judged response
carried — "untested", never "wrong": the spec or docs may promise an optional field the team's
tests never make the target send. Paths are dotted, ``[]`` for array items (``data.items[].id``; ``data.items[]`` alone: an item at
all); only the outermost unseen path is listed (under a field never carried, its fields are implied);
``allOf`` parts merge, ``oneOf``/``anyOf`` branches each contribute (a branch never taken is untested
too); ``additionalProperties`` maps have no names to list. Bounded: depth, paths per schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract.core.schema_facts import deref

__all__ = ["MAX_DEPTH", "MAX_PATHS", "carried_fields", "documented_fields", "parent", "unseen_fields"]

MAX_DEPTH = 6
MAX_PATHS = 500
_BRANCHES = ("allOf", "oneOf", "anyOf")


def documented_fields(schema: Any, resolve: Callable[[str], Any]) -> list[str]:
    """Every named property path of `schema` (its `$ref`s followed with `resolve`; cycles stop)."""
    out: list[str] = []
    _walk(schema, resolve, "", 0, (), out)
    return list(dict.fromkeys(out))[:MAX_PATHS]


def _walk(node: Any, resolve: Callable[[str], Any], prefix: str, depth: int, refs: tuple[str, ...],
          out: list[str]) -> None:
    found = deref(node, resolve)
    if found.broken or depth > MAX_DEPTH or len(out) >= MAX_PATHS or set(found.refs) & set(refs):
        return
    schema, refs = found.value, refs + found.refs
    if not isinstance(schema, dict):
        return
    for keyword in _BRANCHES:
        for branch in schema.get(keyword) or []:
            _walk(branch, resolve, prefix, depth + 1, refs, out)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            path = f"{prefix}.{name}" if prefix else str(name)
            out.append(path)
            _walk(sub, resolve, path, depth + 1, refs, out)
    if "items" in schema and isinstance(schema["items"], dict):
        out.append(f"{prefix}[]")
        _walk(schema["items"], resolve, f"{prefix}[]", depth + 1, refs, out)


def carried_fields(body: Any, *, limit: int = 2000) -> set[str]:
    """The property paths a JSON body carries, in the notation of :func:`documented_fields` (at most
    50 items of an array, `limit` paths)."""
    out: set[str] = set()
    stack: list[tuple[Any, str, int]] = [(body, "", 0)]
    while stack and len(out) < limit:
        value, prefix, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            for name, sub in value.items():
                path = f"{prefix}.{name}" if prefix else str(name)
                out.add(path)
                stack.append((sub, path, depth + 1))
        elif isinstance(value, list) and value:
            out.add(f"{prefix}[]")
            stack.extend((item, f"{prefix}[]", depth + 1) for item in value[:50])
    return out


def parent(path: str) -> str:
    """The path that holds `path` ("" for the body itself): `a.b[]` → `a.b`, `a.b[].c` → `a.b[]`."""
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


def unseen_fields(documented: list[str], carried: set[str]) -> list[str]:
    """The documented paths never carried whose holder was: under a field never sent (or an array only
    ever empty, `x[]`) its own fields say nothing more, so they are not listed."""
    return [p for p in documented if p not in carried and (parent(p) == "" or parent(p) in carried)]
