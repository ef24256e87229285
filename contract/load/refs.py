"""`$ref` resolution across the spec and the files it points into.

All references are checked once at load time (an unresolvable one is unusable
input, reported with the pointer where it is written), and references in other
files are rewritten to an absolute form so that every later stage can resolve a
`$ref` without knowing which file it came from. Cycles are fine: nothing here
expands references, it only follows them on demand.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from contract.core import pointer as jp
from contract.core.pointer import join
from contract.core.schema_facts import MAX_REF_HOPS, deref
from contract.core.sentinel import MISSING
from contract.errors import InputError
from contract.load.source import Document, parse_document

# Values under these keys are data, not spec structure: a "$ref" inside them is literal.
_DATA_KEYS = frozenset({"example", "examples", "enum", "const", "default", "x-examples", "value"})
# ...unless the holder is a map of user-chosen names (a property may well be called "value").
_NAME_MAPS = frozenset({
    "properties", "patternProperties", "$defs", "definitions", "schemas", "responses", "parameters",
    "requestBodies", "headers", "securitySchemes", "links", "callbacks", "pathItems", "paths", "webhooks",
    "content", "encoding", "dependentSchemas",
})


class RefResolver:
    """Resolves `#/pointer` (root document) and `/abs/file#/pointer` references."""

    def __init__(self, root: Document, root_path: Path, *, allow_outside: bool = False) -> None:
        self.root = root
        self.root_dir = root_path.resolve().parent
        self.allow_outside = allow_outside
        self._docs: dict[str, Document] = {"": root}
        self._paths: dict[str, Path] = {"": root_path.resolve()}

    # -- public -------------------------------------------------------------------------

    def check_all(self) -> None:
        """Validate (and normalise) every reference reachable from the root document.

        A spec writes the same few hundred references thousands of times: each distinct one (per file)
        is resolved once, and a reference's pointer is spelled only for the error that needs it."""
        pending = [""]
        done: set[str] = set()
        while pending:
            key = pending.pop()
            if key in done:
                continue
            done.add(key)
            doc = self._docs[key]
            known: dict[str, tuple[str, str]] = {}  # as written → (normalised, its file's key)
            for holder, trail in _iter_refs(doc.data, tree=doc.tree):
                ref = holder["$ref"]
                found = known.get(ref)
                if found is None:
                    target_key = self._normalise(holder, trail, doc, key)
                    if target_key is None:  # a plain-name anchor: left as written
                        continue
                    found = known[ref] = (holder["$ref"], target_key)
                    if target_key not in done:
                        pending.append(target_key)
                else:
                    holder["$ref"] = found[0]

    def resolve(self, ref: str) -> tuple[Document, str, Any]:
        """(document, pointer, value) a normalised reference points at."""
        file_part, _, fragment = ref.partition("#")
        doc = self._docs[file_part]
        return doc, fragment, _walk(doc.data, fragment)

    def value_at(self, ref: str) -> Any:
        """The value a normalised reference points at."""
        return self.resolve(ref)[2]

    def deref(self, obj: Any, max_hops: int = MAX_REF_HOPS) -> tuple[Any, str | None]:
        """Follow chained `$ref`s of a non-schema object; returns (object, last ref)."""
        if not (isinstance(obj, dict) and isinstance(obj.get("$ref"), str)):  # most objects are no reference
            return obj, None
        found = deref(obj, lambda ref: self.resolve(ref)[2], max_hops=max_hops)
        if found.broken == "unresolvable":  # a plain-name `#anchor` (left unnormalised): no pointer to follow
            raise InputError(self.root.path, f"unresolvable $ref {found.value['$ref']!r} (plain-name anchors are "
                             "only supported inside schemas)")
        if found.broken == "cycle":
            raise InputError(self.root.path, f"$ref chain longer than {max_hops} (cycle?) at {found.value['$ref']}")
        return found.value, found.ref

    def other_files(self) -> list[Path]:
        """The files besides the root that `$ref`s read (their bytes are part of what was loaded)."""
        return [path for key, path in self._paths.items() if key]

    def document(self, ref: str) -> Document:
        return self._docs[ref.partition("#")[0]]

    # -- internals ------------------------------------------------------------------------

    def _normalise(self, holder: dict[str, Any], trail: _Trail, doc: Document, doc_key: str) -> str | None:
        ref = holder["$ref"]
        if "://" in ref.split("#", 1)[0]:
            raise InputError(doc.path, f"remote $ref {ref!r} is not fetched (only local and relative files)",
                             **_place(doc, trail))
        file_part, _, fragment = ref.partition("#")
        if fragment and not fragment.startswith("/"):
            return None  # a plain-name anchor (3.1 `$anchor`); left to the schema validator
        fragment = unquote(fragment)
        if file_part:
            base = self._paths[doc_key].parent
            target = (base / unquote(file_part)).resolve()
            if not self.allow_outside and not target.is_relative_to(self.root_dir):
                raise InputError(doc.path, f"$ref {ref!r} points outside the spec's folder",
                                 **_place(doc, trail))
            key = str(target)
            if key == str(self._paths[""]):
                key = ""
            elif key not in self._docs:
                shown = str(target.relative_to(self.root_dir)) if target.is_relative_to(self.root_dir) else key
                if not target.is_file():
                    raise InputError(doc.path, f"unresolvable $ref {ref!r}: file {shown} not found",
                                     **_place(doc, trail))
                self._docs[key] = parse_document(target, shown, markdown_ok=False)
                self._paths[key] = target
        else:
            key = doc_key
        try:
            _walk(self._docs[key].data, fragment)
        except LookupError:
            raise InputError(doc.path, f"unresolvable $ref {ref!r}", **_place(doc, trail)) from None
        holder["$ref"] = f"{key}#{fragment}" if key else f"#{fragment}"
        return key


def _walk(data: Any, fragment: str) -> Any:
    node = jp.resolve(data, fragment)
    if node is MISSING:
        raise LookupError(fragment)
    return node


def _iter_refs(data: Any, *, tree: bool = False) -> Iterator[tuple[dict[str, Any], _Trail]]:
    """Yield (dict holding a string `$ref`, its place), skipping literal data.

    A node's place is kept as a (parent's place, key) chain, spelled as a pointer (`_spell`) only
    where one is shown: escaping and joining for every node was most of the walk. Shared (or
    recursive) containers are walked once; in a `tree` there are none to look out for.
    """
    stack: list[tuple[Any, _Trail, bool]] = [(data, None, False)]
    seen: set[int] = set()
    while stack:
        node, trail, names = stack.pop()
        if isinstance(node, dict):
            if not tree:
                if id(node) in seen:
                    continue
                seen.add(id(node))
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield node, (trail, "$ref")
            for key, value in node.items():
                if not isinstance(value, _CONTAINERS) or (key in _DATA_KEYS and not names):
                    continue
                stack.append((value, (trail, key), key in _NAME_MAPS and not names))
        elif isinstance(node, list):
            if not tree:
                if id(node) in seen:
                    continue
                seen.add(id(node))
            for i, value in enumerate(node):
                if isinstance(value, _CONTAINERS):
                    stack.append((value, (trail, i), False))


_Trail = tuple[Any, str | int] | None  # (parent's trail, key or index); None at the root
_CONTAINERS = (dict, list)


def _place(doc: Document, trail: _Trail) -> dict[str, Any]:
    """An error's `line` and `pointer` for the `$ref` at `trail`."""
    pointer = _spell(trail)
    return {"line": doc.line_of(pointer), "pointer": pointer}


def _spell(trail: _Trail) -> str:
    keys: list[str | int] = []
    while trail is not None:
        trail, key = trail
        keys.append(key)
    return join("", *reversed(keys))
