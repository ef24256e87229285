"""`Spec.json_schema` output → a reference-free tree that generation can walk.

The converter's schema keeps components in `$defs` and cycles as `$ref`s. A
generator needs a finite tree: each `$ref` is inlined, and a definition may
appear at most `depth` times on one path. Beyond that the recursive branch is
cut: an optional property becomes `false` (never generated), an array its
empty form, an `anyOf`/`oneOf` loses the branch; a cut that cannot be absorbed
(a required property, the only branch) cuts its parent in turn. The result
stays draft 2020-12 (it is also compiled for validation); `to_hypothesis`
rewrites it for hypothesis-jsonschema, which knows drafts 4-7 only.
"""

from __future__ import annotations

import copy
from typing import Any

from contract.core import pointer as jp
from contract.generate.formats import FORMAT_STRATEGIES, HYPOTHESIS_FORMAT_ALIASES
from contract.validate import KNOWN_FORMATS

__all__ = ["DEFAULT_DEPTH", "Unsatisfiable", "formats_in", "inline", "to_hypothesis"]

DEFAULT_DEPTH = 2
_MAX_NODES = 20_000  # an inlined tree larger than this is re-inlined with less recursion

# Keywords with no effect on which instances are valid.
_ANNOTATIONS = frozenset({
    "$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "$recursiveAnchor", "title", "description",
    "default", "examples", "example", "deprecated", "readOnly", "writeOnly", "contentMediaType",
    "contentEncoding", "contentSchema",
})
_SUB_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
            "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_SUB_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUB_MAP = ("properties", "patternProperties", "dependentSchemas")


class Unsatisfiable(Exception):
    """No finite instance can be generated (e.g. a required property that only recurses)."""


class _Cut(Exception):
    pass


def inline(schema: Any, *, depth: int = DEFAULT_DEPTH) -> Any:
    """A copy of `schema` without `$ref`s (recursion bounded by `depth`); raises Unsatisfiable."""
    if not isinstance(schema, dict):
        return schema
    defs = schema.get("$defs") or {}
    root = {k: v for k, v in schema.items() if k not in ("$defs", "definitions")}
    for d in range(max(depth, 1), 0, -1):
        inliner = _Inliner(defs, d)
        try:
            out = inliner.node(root, ())
        except _Cut:
            raise Unsatisfiable("every instance needs an unbounded recursion") from None
        except _TooBig:
            continue
        return out
    raise Unsatisfiable(f"the schema expands to more than {_MAX_NODES} nodes even without recursion")


class _TooBig(Exception):
    pass


class _Inliner:
    def __init__(self, defs: dict[str, Any], depth: int) -> None:
        self.defs = defs
        self.depth = depth
        self.nodes = 0
        self.memo: dict[tuple[str, tuple[str, ...]], Any] = {}

    def node(self, schema: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(schema, bool) or not isinstance(schema, dict):
            return schema if isinstance(schema, bool) else {}
        self.nodes += 1
        if self.nodes > _MAX_NODES:
            raise _TooBig
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self._ref(ref, stack)
            rest = {k: v for k, v in schema.items() if k != "$ref" and k not in _ANNOTATIONS}
            if not rest:
                return target
            return {"allOf": [target, self.node(rest, stack)]}
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _ANNOTATIONS or key.startswith("x-") or key in ("$defs", "definitions", "$dynamicRef",
                                                                        "$recursiveRef"):
                continue
            if key in _SUB_ONE:
                try:
                    out[key] = self.node(value, stack)
                except _Cut:
                    self._absorb_one(out, key, schema)
            elif key in _SUB_MANY and isinstance(value, list):
                out[key] = self._many(key, value, stack)
            elif key in _SUB_MAP and isinstance(value, dict):
                sub: dict[str, Any] = {}
                for name, v in value.items():
                    try:
                        sub[name] = self.node(v, stack)
                    except _Cut:
                        if key == "properties" and name in (schema.get("required") or []):
                            raise
                        sub[name] = False
                out[key] = sub
            else:
                out[key] = value  # data (enum, const, required, bounds): shared, never mutated
        return out

    def _ref(self, ref: str, stack: tuple[str, ...]) -> Any:
        if not ref.startswith("#/$defs/"):
            return {}  # not ours to follow (anchors, other documents): admit anything, the gate decides
        name = jp.unescape(ref[len("#/$defs/"):])
        if name not in self.defs:
            return {}
        if stack.count(name) >= self.depth:
            raise _Cut
        # The inlined result depends only on how often each name is on the stack.
        key = (name, tuple(sorted(stack)))  # the stack as a multiset
        if key in self.memo:
            return self.memo[key]
        result = self.node(self.defs[name], (*stack, name))
        self.memo[key] = result
        return result

    def _many(self, key: str, value: list[Any], stack: tuple[str, ...]) -> list[Any]:
        out = []
        for v in value:
            try:
                out.append(self.node(v, stack))
            except _Cut:
                if key in ("allOf", "prefixItems"):
                    raise
        if not out:
            raise _Cut
        return out

    @staticmethod
    def _absorb_one(out: dict[str, Any], key: str, schema: dict[str, Any]) -> None:
        if key == "items":
            if (schema.get("minItems") or 0) > len(schema.get("prefixItems") or []):
                raise _Cut
            out["items"] = False
            out["maxItems"] = len(schema.get("prefixItems") or [])
        elif key in ("additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems"):
            out[key] = False
        elif key == "contains":
            raise _Cut
        # not / if / then / else / propertyNames: dropped (more permissive; the gate has the last word)


def formats_in(schema: Any) -> set[str]:
    """Every `format` value in a tree."""
    found: set[str] = set()
    stack = [schema]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node.get("format"), str):
                found.add(node["format"])
            for key, value in node.items():
                if key in _SUB_ONE:
                    stack.append(value)
                elif key in _SUB_MANY and isinstance(value, list):
                    stack.extend(value)
                elif key in _SUB_MAP and isinstance(value, dict):
                    stack.extend(value.values())
    return found


def _generated(fmt: str) -> bool:
    """Whether a format has a strategy of its own. Any other is drawn as plain text, and a pattern beside it
    then filters out every draw: Discord's ids, `{"pattern": "^(0|[1-9][0-9]*)$", "format": "snowflake"}`,
    left 23 of the 29 operations of `tests/docs/vendor/discord/spec.json` without a single case."""
    return fmt in FORMAT_STRATEGIES or fmt in HYPOTHESIS_FORMAT_ALIASES or fmt in KNOWN_FORMATS


def to_hypothesis(schema: Any) -> Any:
    """Draft 2020-12 → the draft-7 spelling hypothesis-jsonschema understands."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("unevaluatedProperties", "unevaluatedItems", "minContains", "maxContains"):
            continue
        if key in ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"):
            out[key] = to_hypothesis(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [to_hypothesis(v) for v in value]
        elif key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {k: to_hypothesis(v) for k, v in value.items()}
        elif key == "dependentRequired" and isinstance(value, dict):
            out.setdefault("dependencies", {}).update(copy.deepcopy(value))
        elif key == "dependentSchemas" and isinstance(value, dict):
            out.setdefault("dependencies", {}).update({k: to_hypothesis(v) for k, v in value.items()})
        elif key == "prefixItems" or (key == "format" and not isinstance(value, str)):
            continue
        elif key == "format":
            if "pattern" in schema and not _generated(value):
                continue  # nothing makes or checks this format; the pattern says what the string is
            out[key] = HYPOTHESIS_FORMAT_ALIASES.get(value, value)
        else:
            out[key] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    if isinstance(schema.get("prefixItems"), list):
        out["items"] = [to_hypothesis(v) for v in schema["prefixItems"]]
        if "items" in schema:
            out["additionalItems"] = to_hypothesis(schema["items"])
    return out
