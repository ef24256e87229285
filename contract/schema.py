"""OpenAPI Schema Objects → self-contained JSON Schema (draft 2020-12).

Validation (jsonschema, jsonschema-rs) and generation (hypothesis-jsonschema)
all want plain JSON Schema. OpenAPI 3.0 is a dialect (`nullable`, boolean
`exclusiveMinimum`, `example`) and 3.1 specs still carry 3.0 habits, so one
converter applies the nullable policy and drops OpenAPI-only keywords, and every
stage sees the same schema. Referenced components land in `$defs` (cycles are
kept as `$ref`s; generation bounds their depth itself).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any, Literal

NullablePolicy = Literal["auto", "version", "strict"]
Direction = Literal["request", "response"]
NULLABLE_POLICIES: tuple[str, ...] = ("auto", "version", "strict")

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# OpenAPI-only annotations with no JSON Schema meaning.
_DROP = frozenset({"example", "xml", "externalDocs", "discriminator", "nullable", "x-nullable",
                   # Anchors of dynamic references (2019-09 `$recursive*`, 2020-12 `$dynamic*`): the
                   # bundled schemas live under other roots, so such references are neutralised below.
                   "$recursiveAnchor", "$dynamicAnchor", "$id", "$schema", "$anchor"})
# Keywords whose value is a schema / a list of schemas / a map of schemas.
_SUB_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
            "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_SUB_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUB_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")


def nullable_policy(text: str) -> NullablePolicy:
    """`--nullable` text as a policy (click's Choice has already refused anything else)."""
    policies: dict[str, NullablePolicy] = {"auto": "auto", "version": "version", "strict": "strict"}
    if text in policies:
        return policies[text]
    raise ValueError(f"unknown nullable policy {text!r} (expected auto, version or strict)")


def nullable_honoured(policy: NullablePolicy, version: str) -> bool:
    """Whether `nullable: true` admits null under `policy` for a document of `version`.

    auto: always (it is what the author meant, even in 3.1 where it has no effect);
    version: only where the document's OpenAPI version defines it (3.0.x);
    strict: never — null only where `type` says so.
    """
    if policy == "auto":
        return True
    if policy == "version":
        return version.startswith("3.0")
    return False


class SchemaConverter:
    """Converts schemas of one spec for one direction, caching converted components."""

    def __init__(self, resolve: Callable[[str], Any], *, version: str, policy: NullablePolicy = "auto",
                 direction: Direction = "request") -> None:
        self._resolve = resolve
        self.version = version
        self.is_30 = version.startswith("3.0")
        self.policy = policy
        self.honour_nullable = nullable_honoured(policy, version)
        self.direction = direction
        self._defs: dict[str, Any] = {}  # def name -> converted schema
        self._names: dict[str, str] = {}  # ref -> def name
        self._deps: dict[str, set[str]] = {}  # def name -> def names it references directly
        self._stack: list[str] = []  # defs being converted: `$recursiveRef: "#"` means the innermost

    def convert(self, schema: Any) -> dict[str, Any]:
        """A self-contained JSON Schema for `schema` (an OpenAPI Schema Object)."""
        out, used = self.convert_body(schema)
        closure = self._closure(used)
        if closure:
            out["$defs"] = {name: self._defs[name] for name in sorted(closure)}
        out["$schema"] = DIALECT
        return out

    def convert_body(self, schema: Any) -> tuple[dict[str, Any], set[str]]:
        """The converted schema without `$defs`, and the def names it references directly.

        For bundling many schemas over one shared `$defs` (see `defs`).
        """
        used: set[str] = set()
        body = self._convert(schema, used)
        if not isinstance(body, dict):
            body = {} if body is True else {"not": {}}
        return dict(body), used

    @property
    def defs(self) -> dict[str, Any]:
        """Every component converted so far, by def name."""
        return self._defs

    # -- internals ------------------------------------------------------------------------

    def closure(self, names: set[str]) -> set[str]:
        """`names` and every def they reach."""
        return self._closure(names)

    def _closure(self, names: set[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(self._deps.get(name, ()))
        return seen

    def _def_for(self, ref: str) -> str:
        name = self._names.get(ref)
        if name is not None:
            return name
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", ref.rsplit("/", 1)[-1]) or "def"
        name, n = base, 1
        taken = set(self._names.values())
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        self._names[ref] = name
        self._defs[name] = {}  # placeholder: a cycle back here just references it
        deps: set[str] = set()
        self._stack.append(name)
        try:
            self._defs[name] = self._convert(self._resolve(ref), deps)
        finally:
            self._stack.pop()
        self._deps[name] = deps
        return name

    def _convert(self, schema: Any, used: set[str]) -> Any:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref")
        if isinstance(ref, str) and "#/" in ref:
            name = self._def_for(ref)
            used.add(name)
            target: dict[str, Any] = {"$ref": f"#/$defs/{name}"}
            if self.is_30 or len(schema) == 1:
                # 3.0 ignores siblings of $ref; `nullable` beside one is still what the author meant (auto).
                if self.is_30 and schema.get("nullable") is True and self.policy == "auto":
                    return {"anyOf": [{"type": "null"}, target]}
                return target
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            converted = self._convert(rest, used)
            return {"allOf": [target, converted]} if converted else target

        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _DROP or key.startswith("x-"):
                continue
            if key in ("$recursiveRef", "$dynamicRef"):
                if value == "#" and self._stack:  # the enclosing component, as a plain $ref
                    used.add(self._stack[-1])
                    out["$ref"] = f"#/$defs/{self._stack[-1]}"
                continue  # other targets accept anything there: weaker, never wrong
            if key in _SUB_ONE:
                out[key] = self._convert(value, used)
            elif key in _SUB_MANY and isinstance(value, list):
                out[key] = [self._convert(v, used) for v in value]
            elif key in _SUB_MAP and isinstance(value, dict):
                out[key] = {k: self._convert(v, used) for k, v in value.items()}
            elif key == "dependencies" and isinstance(value, dict):  # draft 4-7 habit
                for k, v in value.items():
                    if isinstance(v, list):
                        out.setdefault("dependentRequired", {})[k] = v
                    else:
                        out.setdefault("dependentSchemas", {})[k] = self._convert(v, used)
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                continue  # handled with minimum/maximum below
            elif key == "examples" and isinstance(value, dict):
                continue  # 3.0 habit: examples map is not JSON Schema's examples array
            elif key == "type" and value == "file":
                out["type"] = "string"
            elif key == "required" and isinstance(value, list):
                out[key] = list(dict.fromkeys(value))  # duplicates are invalid JSON Schema
            else:
                out[key] = copy.deepcopy(value) if isinstance(value, dict | list) else value
        for bound, excl in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            if schema.get(excl) is True and bound in out:
                out[excl] = out.pop(bound)
        _integer_format_bounds(out)
        self._strip_read_write(out)
        if schema.get("nullable") is True and self.honour_nullable:
            out = _make_nullable(out)
        return out

    def _strip_read_write(self, out: dict[str, Any]) -> None:
        """readOnly properties are not sent in requests; writeOnly ones are not returned."""
        props = out.get("properties")
        if not isinstance(props, dict):
            return
        flag = "readOnly" if self.direction == "request" else "writeOnly"
        hidden = [name for name, sub in props.items() if isinstance(sub, dict) and sub.get(flag) is True]
        if not hidden:
            return
        out["properties"] = {k: v for k, v in props.items() if k not in hidden}
        if isinstance(out.get("required"), list):
            out["required"] = [r for r in out["required"] if r not in hidden]
            if not out["required"]:
                del out["required"]


_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _integer_format_bounds(out: dict[str, Any]) -> None:
    """int32/int64 are range limits on integers; as bounds every validator and generator honours them."""
    limits = _INT_RANGES.get(out.get("format", ""))
    type_ = out.get("type")
    if limits is None or not (type_ == "integer" or (isinstance(type_, list) and "integer" in type_)):
        return
    low, high = limits
    if not isinstance(out.get("minimum"), int | float) or out["minimum"] < low:
        out["minimum"] = low
    if not isinstance(out.get("maximum"), int | float) or out["maximum"] > high:
        out["maximum"] = high


def _make_nullable(out: dict[str, Any]) -> dict[str, Any]:
    if not out:
        return out  # already admits everything, null included
    if any(k in out for k in ("allOf", "anyOf", "oneOf", "not", "const", "$ref", "if")):
        return {"anyOf": [{"type": "null"}, out]}  # subschemas would reject null on their own
    type_ = out.get("type")
    if isinstance(type_, str):
        if type_ != "null":
            out["type"] = [type_, "null"]
    elif isinstance(type_, list) and "null" not in type_:
        out["type"] = [*type_, "null"]
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out
