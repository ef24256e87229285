"""Constraints from outside the schema (prose now, docs pages later), as generator input.

A description may say "no more than 50 characters" where the schema says
nothing. Such a constraint is an `ExtraConstraint`: by default conforming cases
honour it too (so they are conforming by every account), and cases that satisfy
the spec but break it form their own violating group, labelled with its source,
so a runner can tell which of spec and prose the server actually follows.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from contract.core import pointer as jp
from contract.core.http import parse_cookie_header
from contract.core.pointer import join
from contract.core.schema_facts import effective, subject_schema
from contract.load import Spec
from contract.model import Case, Location, Operation
from contract.prose import ProseConstraint, extract
from contract.semantics import open_meanings
from contract.validate import CompiledSchema, coerce

__all__ = ["ExtraCheck", "ExtraConstraint", "extra_schema", "merge_into", "merged_node", "prose_constraints", "split_location"]

ExtraPart = Literal["body", "header", "query", "path", "cookie"]
_KEYWORDS = ("maxLength", "minLength", "maxItems", "minItems", "pattern", "type", "enum", "minimum", "maximum",
             "format", "either")


@dataclass(frozen=True, slots=True)
class ExtraConstraint:
    """One constraint the schema does not state.

    `location` is, for the body, a schema-level instance location where `*`
    stands for every array item (``/custom_attributes/*/key``); for a parameter,
    its name. `keyword` is a JSON Schema keyword, or ``either`` (then `value`
    lists parameter names of which at least one must be present, and `location`
    is unused).
    """

    operation: str  # Operation.key, "METHOD /path"
    part: ExtraPart
    location: str
    keyword: str
    value: Any
    source: Literal["prose", "docs"] = "prose"
    description: str = ""
    where: Location | None = None

    def pointer(self) -> str:
        """The label pointer of a case breaking it (array items at index 0)."""
        if self.keyword == "either":
            return f"{self.part}/" + "|".join(self.value)
        if self.part == "body":
            return "/".join("0" if t == "*" else t for t in self.location.split("/"))
        return f"{self.part}/{self.location}"


def split_location(location: str) -> list[str]:
    """`/a/*/b~1c` → ["a", "*", "b/c"] (a JSON pointer's tokens; `*` is just a token here)."""
    return jp.split(location)


def extra_schema(extra: ExtraConstraint) -> dict[str, Any]:
    """The extra constraint as a JSON Schema over the body (or the parameter's value)."""
    inner: dict[str, Any] = {extra.keyword: extra.value}
    if extra.part != "body":
        return inner
    for token in reversed(split_location(extra.location)):
        inner = {"items": inner, "patternProperties": {"": inner}} if token == "*" else \
            {"properties": {token: inner}}
    return inner


class ExtraCheck:
    """Whether a request honours one extra constraint."""

    def __init__(self, extra: ExtraConstraint, param_schema: dict[str, Any] | None = None) -> None:
        self.extra = extra
        self.param_schema = param_schema or {}
        self.compiled = None if extra.keyword == "either" else CompiledSchema(extra_schema(extra))

    def holds(self, case: Case) -> bool:
        extra = self.extra
        if extra.keyword == "either":
            source = _part_values(case, extra.part)
            return any(source.get(n.lower() if extra.part == "header" else n) not in (None, "") for n in extra.value)
        assert self.compiled is not None
        if extra.part == "body":
            if not case.has_body or case.raw_body is not None:
                return True
            return self.compiled.is_valid(case.body)
        source = _part_values(case, extra.part)
        name = extra.location.lower() if extra.part == "header" else extra.location
        if name not in source:
            return True
        return self.compiled.is_valid(coerce(source[name], self.param_schema))


def _part_values(case: Case, part: str) -> Mapping[str, Any]:
    if part == "header":
        return {k.lower(): v for k, v in case.headers.items()}
    if part == "query":
        return case.query
    if part == "path":
        return case.path_params
    return parse_cookie_header(next((v for k, v in case.headers.items() if k.lower() == "cookie"), ""))


# --------------------------------------------------------------------------- merging for generation


def merged_node(node: Any, mapping: dict[int, tuple[Any, Any]]) -> Any:
    """The latest merged form of `node` (itself when no extra constraint touched it)."""
    while True:
        hit = mapping.get(id(node))
        if hit is None or hit[0] is not node:
            return node
        node = hit[1]


def merge_into(tree: Any, extra: ExtraConstraint, mapping: dict[int, tuple[Any, Any]]) -> Any:
    """`tree` with the extra keyword added at its location (new nodes on the path, the rest shared).

    `mapping` records id(original node) → (original, merged), so generation can
    find the merged form of any node on the path (see `merged_node`).
    """
    tokens = split_location(extra.location) if extra.part == "body" else []

    def rec(node: Any, rest: list[str]) -> Any:
        node = merged_node(node, mapping)
        if not isinstance(node, dict):
            return node
        new = dict(node)
        if not rest:
            _add(new, extra.keyword, extra.value)
            return new
        token, tail = rest[0], rest[1:]
        for comb in ("anyOf", "oneOf", "allOf"):
            if isinstance(node.get(comb), list):
                new[comb] = [_remember(b, rec(b, rest), mapping) if _reaches(b, token) else b for b in node[comb]]
        if token == "*":
            if isinstance(node.get("items"), dict):
                new["items"] = _remember(node["items"], rec(node["items"], tail), mapping)
            if isinstance(node.get("additionalProperties"), dict):
                new["additionalProperties"] = _remember(node["additionalProperties"],
                                                        rec(node["additionalProperties"], tail), mapping)
        elif isinstance(node.get("properties"), dict) and isinstance(node["properties"].get(token), dict):
            props = dict(node["properties"])
            props[token] = _remember(props[token], rec(props[token], tail), mapping)
            new["properties"] = props
        return new

    return _remember(tree, rec(tree, tokens), mapping)


def _remember(old: Any, new: Any, mapping: dict[int, tuple[Any, Any]]) -> Any:
    old = merged_node(old, mapping)
    if old is not new and isinstance(old, dict):
        mapping[id(old)] = (old, new)
    return new


def _reaches(node: Any, token: str, depth: int = 0) -> bool:
    """Whether `token` (a property, or `*`) is a child of `node`, itself or through allOf/anyOf/oneOf members."""
    if not isinstance(node, dict) or depth > 16:
        return False
    if token == "*":
        if isinstance(node.get("items"), dict) or isinstance(node.get("additionalProperties"), dict):
            return True
    elif isinstance(node.get("properties"), dict) and token in node["properties"]:
        return True
    return any(_reaches(m, token, depth + 1) for comb in ("allOf", "anyOf", "oneOf")
               for m in node.get(comb) or [] if isinstance(node.get(comb), list))


def _add(node: dict[str, Any], keyword: str, value: Any) -> None:
    if keyword not in node:
        node[keyword] = copy.deepcopy(value)
    elif keyword in ("maxLength", "maxItems", "maximum") and isinstance(value, int | float):
        node[keyword] = min(node[keyword], value)
    elif keyword in ("minLength", "minItems", "minimum") and isinstance(value, int | float):
        node[keyword] = max(node[keyword], value)
    elif node[keyword] != value:
        node["allOf"] = [*(node.get("allOf") or []), {keyword: copy.deepcopy(value)}]


# --------------------------------------------------------------------------- prose


def prose_constraints(spec: Spec, operation: Operation) -> list[ExtraConstraint]:
    """Constraints stated in the descriptions of an operation's parameters and request body only."""
    out: list[ExtraConstraint] = []
    for param in operation.parameters:
        for pc in extract(param.description):
            where = spec.location(join(param.where.pointer, "description")) if param.where and \
                param.where.pointer else None
            if pc.keyword == "either":
                names = sorted(pc.value, key=str.lower)
                declared = {p.name.lower(): p for p in operation.parameters if p.location == param.location}
                if all(n.lower() in declared and not declared[n.lower()].required for n in names):
                    out.append(ExtraConstraint(operation.key, param.location, "", "either",
                                               [declared[n.lower()].name for n in names], "prose", pc.text, where))
            elif pc.keyword in _KEYWORDS and pc.subject == "value" and param.schema is not None:
                stated = _stated(spec, param.schema, pc.keyword)
                if _is_extra(pc, stated):
                    out.append(ExtraConstraint(operation.key, param.location, param.name, pc.keyword, pc.value,
                                               "prose", pc.text, where))
        if param.schema is not None:
            for keyword, value, text in open_meanings(param.schema, param.description, spec.resolve_ref,
                                                         ref_siblings=spec.version.startswith("3.1")):
                where = spec.location(join(param.where.pointer, "description")) if param.where and \
                    param.where.pointer else None
                out.append(ExtraConstraint(operation.key, param.location, param.name, keyword, value, "prose", text,
                                           where))
    body = operation.request_body
    if body is not None:
        for media in body.content.values():
            if media.schema is None or not media.where or media.where.pointer is None:
                continue
            _walk_body(spec, operation, media.schema, join(media.where.pointer, "schema"), "", None, (), out)
            break  # one media type: the generator sends one
    unique: dict[tuple[str, str, str, str], ExtraConstraint] = {}
    for e in out:
        unique.setdefault((e.part, e.location, e.keyword, repr(e.value)), e)
    return list(unique.values())


def _stated(spec: Spec, schema: Any, keyword: str) -> Any:
    """What the schema itself says for `keyword` (None: nothing), read as lint reads it."""
    found = effective(schema, keyword, spec.resolve_ref, ref_siblings=spec.version.startswith("3.1"))
    return None if found is None else found.value


def _is_extra(pc: ProseConstraint, stated: Any) -> bool:
    if stated is None:
        return True
    if pc.keyword in ("pattern",):
        return False
    if pc.keyword == "type":
        return set(stated) != set(pc.value)
    return stated != pc.value


def _walk_body(spec: Spec, op: Operation, schema: Any, pointer: str, location: str, name: str | None,
               refs: tuple[str, ...], out: list[ExtraConstraint]) -> None:
    if not isinstance(schema, dict) or len(refs) > 8:
        return
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in refs or "#/" not in ref:
            return
        file_part, _, fragment = ref.partition("#")
        if file_part:
            return  # descriptions in other files: lines cannot be pointed at with spec.location
        _walk_body(spec, op, spec.resolve_ref(ref), fragment, location, name, (*refs, ref), out)
        return
    description = schema.get("description")
    if isinstance(description, str):
        for pc in extract(description):
            if pc.keyword not in _KEYWORDS or pc.keyword == "either":
                continue
            target, target_ptr = subject_schema(schema, pointer, name, pc.subject, spec.resolve_ref)
            if target is None:
                continue
            loc = _target_location(location, pointer, target_ptr)
            if loc is None or not _is_extra(pc, _stated(spec, target, pc.keyword)):
                continue
            out.append(ExtraConstraint(op.key, "body", loc, pc.keyword, pc.value, "prose", pc.text,
                                       spec.location(join(pointer, "description"))))
        for keyword, value, text in open_meanings(schema, description, spec.resolve_ref,
                                                     ref_siblings=spec.version.startswith("3.1")):
            out.append(ExtraConstraint(op.key, "body", location, keyword, value, "prose", text,
                                       spec.location(join(pointer, "description"))))
    props = schema.get("properties")
    if isinstance(props, dict):
        for key, sub in props.items():
            _walk_body(spec, op, sub, join(pointer, "properties", key), join(location, key), key, refs, out)
    if isinstance(schema.get("items"), dict):
        _walk_body(spec, op, schema["items"], join(pointer, "items"), f"{location}/*", None, refs, out)
    if isinstance(schema.get("additionalProperties"), dict):
        _walk_body(spec, op, schema["additionalProperties"], join(pointer, "additionalProperties"),
                   f"{location}/*", None, refs, out)
    for comb in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(schema.get(comb) or []):
            _walk_body(spec, op, sub, join(pointer, comb, i), location, name, refs, out)


def _target_location(location: str, pointer: str, target_ptr: str) -> str | None:
    """Where `subject_schema` pointed, as an instance location (None: keys of a map, not modelled)."""
    if target_ptr == pointer:
        return location
    rest = target_ptr[len(pointer):]
    if rest.startswith("/items/properties/"):
        return f"{location}/*/{rest[len('/items/properties/'):]}"
    if rest.startswith("/properties/"):
        return f"{location}/{rest[len('/properties/'):]}"
    if rest == "/additionalProperties":
        return f"{location}/*"
    return None
