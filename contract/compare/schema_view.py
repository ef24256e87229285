"""What a spec schema says about one property, in the terms a docs table uses.

Docs tables state a type, required/nullable flags, enums and limits per field;
to compare, the spec side is reduced to the same facts: `$ref`s followed (with
the pointer of where each fact is written, for the finding's location), `allOf`
merged, `oneOf`/`anyOf` read as alternatives, and `nullable` read with the
spec's nullable policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract.core import schema_facts
from contract.core.pointer import join
from contract.load import Spec
from contract.model import Location
from contract.schema import nullable_honoured


@dataclass(slots=True)
class Node:
    """A schema with where it is written (pointer inside the document `ref` names; "" = root)."""

    schema: dict[str, Any]
    pointer: str
    ref: str | None = None

    def location(self, spec: Spec) -> Location:
        return spec.location(self.pointer, self.ref)


@dataclass(slots=True)
class ObjectView:
    """An object schema's properties (allOf merged) and which of them are required."""

    properties: dict[str, Node] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    node: Node | None = None
    # When this view is one `oneOf`/`anyOf` branch chosen among several: the other branches' views.
    alternatives: list[ObjectView] = field(default_factory=list)


def deref(spec: Spec, node: Node) -> Node:
    """Follow a chain of `$ref`s; sibling keywords of a `$ref` (3.1) are kept on top."""
    found = schema_facts.deref(node.schema, spec.resolve_ref)
    current = node
    if found.ref is not None:
        # A normalised `#/x` is in the root document, whatever file the chain passed through.
        file_part, _, pointer = found.ref.partition("#")
        current = Node(found.value if isinstance(found.value, dict) else {}, pointer, file_part or None)
    siblings: dict[str, Any] = {}
    for holder in found.holders:
        siblings.update({k: v for k, v in holder.items() if k != "$ref" and k not in siblings})
    if siblings:
        merged = dict(current.schema)
        for k, v in siblings.items():
            merged.setdefault(k, v)
        return Node(merged, current.pointer, current.ref)
    return current


def object_view(spec: Spec, node: Node, depth: int = 0) -> ObjectView:
    """Properties of an object schema, through $ref and allOf."""
    view = ObjectView(node=node)
    if depth > schema_facts.MAX_DEPTH:
        return view
    node = deref(spec, node)
    view.node = node
    schema = node.schema
    for n, part in enumerate(schema.get("allOf") or []):
        if isinstance(part, dict):
            sub = object_view(spec, Node(part, join(node.pointer, "allOf", n), node.ref), depth + 1)
            view.properties.update(sub.properties)
            view.required |= sub.required
    props = schema.get("properties")
    if isinstance(props, dict):
        for name, sub_schema in props.items():
            if isinstance(sub_schema, dict):
                view.properties[str(name)] = Node(sub_schema, join(node.pointer, "properties", name), node.ref)
    view.required |= {str(r) for r in schema.get("required") or [] if isinstance(r, str)}
    return view


@dataclass(slots=True)
class Facts:
    """Type(s) without null, nullability, format and enum of one schema."""

    types: set[str]
    nullable: bool
    format: str | None
    enum: list[Any] | None


def facts(spec: Spec, node: Node, depth: int = 0) -> Facts:
    node = deref(spec, node)
    schema = node.schema
    types: set[str] = set()
    nullable = bool(schema.get("nullable")) and nullable_honoured(spec.nullable, spec.version)
    raw = schema.get("type")
    if isinstance(raw, str):
        types.add(raw)
    elif isinstance(raw, list):
        types |= {t for t in raw if isinstance(t, str)}
    fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
    enum = list(schema["enum"]) if isinstance(schema.get("enum"), list) else None
    if "const" in schema:
        enum = [schema["const"]]
    if depth < schema_facts.MAX_DEPTH:
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key)
            if enum is None and isinstance(branches, list) and branches and all(
                    isinstance(b, dict) and "const" in b for b in branches):
                enum = [b["const"] for b in branches]  # an enum written as titled constants (discord-api-spec)
            if isinstance(branches, list) and branches:
                for n, branch in enumerate(branches):
                    if isinstance(branch, dict):
                        sub = facts(spec, Node(branch, join(node.pointer, key, n), node.ref), depth + 1)
                        types |= sub.types
                        nullable = nullable or sub.nullable
        for n, part in enumerate(schema.get("allOf") or []):
            if isinstance(part, dict):
                sub = facts(spec, Node(part, join(node.pointer, "allOf", n), node.ref), depth + 1)
                if not raw:
                    types |= sub.types
                fmt = fmt or sub.format
                enum = enum if enum is not None else sub.enum
    if "null" in types:
        nullable = True
        types.discard("null")
    if not types:
        if "properties" in schema or "additionalProperties" in schema:
            types.add("object")
        elif "items" in schema:
            types.add("array")
    if enum is not None and None in enum:
        nullable = True
        enum = [v for v in enum if v is not None]
    return Facts(types, nullable, fmt, enum)


def effective(spec: Spec, node: Node, keyword: str) -> tuple[Any, Node]:
    """The value of a limit keyword (through $ref, allOf and the branches it applies to) and where.

    Read as `contract.core.schema_facts.effective` reads it; (None, the dereferenced node) when the
    schema states no such limit.
    """
    found = schema_facts.effective(node.schema, keyword, spec.resolve_ref, ref_siblings=spec.version.startswith("3.1"),
                                   pointer=node.pointer, ref=node.ref)
    if found is None:
        return None, deref(spec, node)
    return found.value, Node(found.schema, found.pointer, found.ref)


def entry_node(spec: Spec, node: Node, part: str) -> Node | None:
    """The schema of a key-value collection's keys or values (`part` = "key" | "value").

    Arrays of {key, value} objects (custom attributes) and maps (propertyNames /
    additionalProperties) are both used for the same idea.
    """
    node = deref(spec, node)
    items = node.schema.get("items")
    if isinstance(items, dict):
        view = object_view(spec, Node(items, join(node.pointer, "items"), node.ref))
        if part in view.properties:
            return view.properties[part]
    view = object_view(spec, node)
    if part in view.properties:
        return view.properties[part]
    keyword = "propertyNames" if part == "key" else "additionalProperties"
    sub = node.schema.get(keyword)
    if isinstance(sub, dict):
        return Node(sub, join(node.pointer, keyword), node.ref)
    return None
