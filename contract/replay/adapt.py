"""Fitting a request body to what its ancestors' data demands, learnt from the server's refusals.

A rule no spec can state: a child's body depends on the data of the resource it lives in.
Vector databases all have it — a point's vector in Qdrant, a vector in Pinecone, an entity in
Milvus, a record here must have exactly the ``dimension`` of its collection (an integer the
client chose when creating the grandparent). When a conforming request is refused with 400/422
and the error names a body field, the run retries it a bounded number of times, varying that
field with values from the ancestors' responses (an array's length = an ancestor integer; a
scalar = the ancestor's field of the same name) and numbers the message itself states, and
remembers what worked (an :class:`Adaptation`) for every later case of the operation.

Error shapes read: ``{"error": {"message": ...}}`` / ``{"error": "..."}``, ``{"detail": "..."}``
and FastAPI's ``{"detail": [{"loc": [...], "msg": ...}]}``, ``{"errors": [{"field"|"path"|
"pointer"|"source": ..., "message": ...}]}`` and ``{"errors": {"field": ["..."]}}``,
``{"message": ...}``; a field is named explicitly or as a word of the message
(``vector: must have exactly 4 items``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Adaptation", "apply", "blamed_patterns", "candidates", "error_texts"]

Token = str  # a body path token; "*" = every index of an array
Pattern = tuple[Token, ...]

MAX_LENGTH = 100_000  # an array length taken from data: never more
_NAME_KEYS = ("field", "path", "pointer", "param", "parameter", "property", "name", "attribute", "loc", "location")
_TEXT_KEYS = ("message", "msg", "detail", "details", "title", "description", "reason", "error", "errors")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,6})(?![\w.])")


@dataclass(frozen=True, slots=True)
class Adaptation:
    """Set the body at `pattern` from an ancestor: an array's length (`length`) or a value (`value`).

    `owner`/`field`: which ancestor (resource key) and which of its fields; with `owner` empty,
    `constant` is used (a number the error message stated).
    """

    pattern: Pattern
    kind: str  # "length" | "value"
    owner: str = ""
    field: str = ""
    constant: Any = None

    def describe(self) -> str:
        where = "/" + "/".join(self.pattern)
        source = f"{self.owner}.{self.field}" if self.owner else json.dumps(self.constant)
        return f"{where} {'length' if self.kind == 'length' else 'value'} = {source}"


# --------------------------------------------------------------------------- reading errors


def error_texts(body: bytes | None) -> tuple[list[str], list[str]]:
    """(field names the error states explicitly, its messages), from the common error shapes."""
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        text = (body or b"").decode("utf-8", "replace")[:2000]
        return [], [text] if text.strip() else []
    names: list[str] = []
    texts: list[str] = []

    def name_of(value: Any) -> None:
        if isinstance(value, str) and value:
            names.append(value)
        elif isinstance(value, list) and value and all(isinstance(x, str | int) for x in value):
            parts = [str(x) for x in value if x not in ("body", "query", "path", "header")]
            if parts:
                names.append("/".join(parts))
        elif isinstance(value, dict):
            for key in ("pointer", "parameter", "field", "path"):
                if isinstance(value.get(key), str):
                    names.append(value[key])

    def walk(node: Any, depth: int) -> None:
        if depth > 5:
            return
        if isinstance(node, str):
            texts.append(node[:2000])
        elif isinstance(node, list):
            for item in node[:50]:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            for key in _NAME_KEYS:
                value = node.get(key)
                if isinstance(value, str) or (key in ("loc", "path") and isinstance(value, list)):
                    name_of(value)
            if isinstance(node.get("source"), dict):
                name_of(node["source"])
            keys = [k for k in _TEXT_KEYS if k in node] + [k for k in node if k not in _TEXT_KEYS
                                                           and k not in _NAME_KEYS]
            for key in keys:  # the usual message keys first, then any other (Qdrant: {"status": {"error"}})
                value = node[key]
                if isinstance(value, dict) and depth < 3 and value and all(
                        isinstance(v, list | str) for v in value.values()) and key in ("errors", "details"):
                    for fname, msgs in value.items():  # {"errors": {"vector": ["..."]}}
                        names.append(str(fname))
                        walk(msgs, depth + 1)
                else:
                    walk(value, depth + 1)

    walk(data, 0)
    return names, texts


def _paths(body: Any, prefix: tuple[str | int, ...] = (), depth: int = 0) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every (path, value) under a dict key of the body, arrays walked."""
    if depth > 8:
        return
    if isinstance(body, dict):
        for key, value in body.items():
            path = (*prefix, str(key))
            yield path, value
            yield from _paths(value, path, depth + 1)
    elif isinstance(body, list):
        for i, value in enumerate(body[:200]):
            yield from _paths(value, (*prefix, i), depth + 1)


def _generalise(path: Sequence[str | int]) -> Pattern:
    return tuple("*" if isinstance(t, int) else t for t in path)


def _split_name(name: str) -> list[str]:
    parts = [p for p in re.split(r"[/.\[\]]+", name.strip().lstrip("#")) if p and p not in ("body", "$")]
    return ["*" if p.isdigit() else p for p in parts]


def blamed_patterns(error_body: bytes | None, request_body: Any) -> list[tuple[Pattern, str]]:
    """Body fields the error blames, most certain first, each with the message that names it."""
    names, texts = error_texts(error_body)
    message = " | ".join(texts)
    fields: dict[Pattern, tuple[str | int, ...]] = {}
    for path, _value in _paths(request_body):
        fields.setdefault(_generalise(path), path)
    out: dict[Pattern, str] = {}
    words = [w.strip(":,;'\"`()<>") for w in message.split()]
    names = [*names, *(w for w in words if len(w) > 2 and any(c in w.rstrip(".") for c in "/.["))]
    for name in names:  # named explicitly (or as a path in the message): the longest tail match
        tokens = _split_name(name)
        for pattern in sorted(fields, key=len, reverse=True):
            if tokens and len(pattern) >= len(tokens) and pattern[-len(tokens):] == tuple(tokens):
                out.setdefault(pattern, message)
                break
    lowered = message.lower()
    ranked: list[tuple[int, int, Pattern]] = []
    for pattern in fields:
        leaf = pattern[-1]
        if leaf == "*" or len(leaf) < 2:
            continue
        m = re.search(rf"(?<![\w-]){re.escape(leaf.lower())}(?![\w-])", lowered)
        if m is None:
            continue
        prefix = m.start() == 0 or lowered[m.start() - 1] in "/'\"`|" or lowered[m.end():m.end() + 1] == ":"
        ranked.append((0 if prefix else 1, m.start(), pattern))
    for _, _, pattern in sorted(ranked):
        out.setdefault(pattern, message)
    return list(out.items())


# --------------------------------------------------------------------------- candidates


def _first_at(body: Any, pattern: Pattern) -> Any:
    for path, value in _paths(body):
        if _generalise(path) == pattern:
            return value
    return None


def leaves(data: Mapping[str, Any], depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(field, value) of an instance's data, nested objects as `a/b` (Qdrant's `vectors/size`)."""
    for key, value in data.items():
        if isinstance(value, dict):
            if depth < 3:
                yield from ((f"{key}/{k}", v) for k, v in leaves(value, depth + 1))
        elif not isinstance(value, list):
            yield str(key), value


def candidates(body: Any, pattern: Pattern, message: str,
               ancestors: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Adaptation]:
    """What to try for the blamed field, best first: ancestor data, then numbers the message states.

    `ancestors`: (resource key, its data), nearest first.
    """
    current = _first_at(body, pattern)
    lowered = message.lower()
    out: list[Adaptation] = []
    seen: set[Any] = set()
    if isinstance(current, list):
        ranked: list[tuple[int, int, str, str, int]] = []
        for depth, (owner, data) in enumerate(ancestors):
            for fname, value in leaves(data):
                if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_LENGTH:
                    leaf = fname.rsplit("/", 1)[-1].lower()
                    mentioned = re.search(rf"\b{re.escape(leaf)}\b", lowered) is not None
                    ranked.append((0 if mentioned else 1, depth, owner, fname, value))
        for _, _, owner, fname, value in sorted(ranked):
            if value != len(current) and (owner, fname) not in seen:
                seen.add((owner, fname))
                out.append(Adaptation(pattern, "length", owner, fname))
        for m in _NUMBER.finditer(message):
            n = int(m.group(1))
            if 0 < n <= MAX_LENGTH and n != len(current) and ("", n) not in seen:
                seen.add(("", n))
                out.append(Adaptation(pattern, "length", constant=n))
    elif current is not None and not isinstance(current, dict):
        leaf = pattern[-1]
        for owner, data in ancestors:
            for fname, value in leaves(data):
                same_type = type(value) is type(current) or (
                    isinstance(value, int | float) and isinstance(current, int | float)
                    and not isinstance(value, bool) and not isinstance(current, bool))
                name = fname.rsplit("/", 1)[-1]
                if same_type and value != current and (name == leaf or re.search(
                        rf"\b{re.escape(name.lower())}\b", lowered)) and (owner, fname) not in seen:
                    seen.add((owner, fname))
                    out.append(Adaptation(pattern, "value", owner, fname))
    return out


# --------------------------------------------------------------------------- applying


def _resize(value: list[Any], length: int) -> list[Any]:
    if length <= len(value):
        return value[:length]
    if not value:
        return [0] * length
    return [copy.deepcopy(value[i % len(value)]) for i in range(length)]


def resolve(adaptation: Adaptation, ancestors: Iterable[tuple[str, Mapping[str, Any]]]) -> Any:
    """The value the adaptation calls for with these ancestors (None: none of them has it)."""
    if not adaptation.owner:
        return adaptation.constant
    for owner, data in ancestors:
        if owner == adaptation.owner:
            value: Any = data
            for token in adaptation.field.split("/"):
                value = value.get(token) if isinstance(value, dict) else None
            return value
    return None


def apply(body: Any, adaptation: Adaptation, ancestors: Sequence[tuple[str, Mapping[str, Any]]],
          protected: str = "") -> Any:
    """`body` (a copy) with every place matching the pattern set; places overlapping the
    `protected` pointer (a violating case's own constraint) are left alone."""
    value = resolve(adaptation, ancestors)
    if value is None:
        return body
    if adaptation.kind == "length" and (not isinstance(value, int) or isinstance(value, bool)
                                        or not 0 < value <= MAX_LENGTH):
        return body
    out = copy.deepcopy(body)
    guard = protected.strip("/")
    for path, current in list(_paths(out)):
        if _generalise(path) != adaptation.pattern:
            continue
        pointer = "/".join(str(t) for t in path)
        if guard and (pointer.startswith(guard) or guard.startswith(pointer)):
            continue
        parent: Any = out
        for token in path[:-1]:
            parent = parent[token]
        if adaptation.kind == "length":
            if isinstance(current, list):
                parent[path[-1]] = _resize(current, value)
        else:
            parent[path[-1]] = copy.deepcopy(value)
    return out
