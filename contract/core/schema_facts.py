"""What a schema states, read the same way by every stage.

* `deref`: follow a chain of `$ref`s (one hop limit, cycle safe).
* `effective`: the value a keyword effectively has through `$ref`, `allOf`,
  `oneOf` and `anyOf`, with where it is written.
* `subject_schema`: the schema a prose constraint about a field, its keys or its
  values applies to.
* `json_type`: the JSON Schema type of a JSON value.

References are resolved by a callable the caller passes (a loaded spec's
`resolve_ref`, or `local_resolver` for a self-contained JSON Schema), so this
module needs no stage.

How `effective` combines (the strictest correct reading):

* the schema itself and every `allOf` branch apply together (so do the sibling
  keywords of a `$ref` when `ref_siblings`, i.e. OpenAPI 3.1): the effective
  lower bound is the largest stated minimum, the upper bound the smallest
  maximum; any other keyword (`pattern`, `enum`, `format`, ...) stated anywhere
  applies, the first one found is reported (the schema's own, then the
  branches in order);
* a `oneOf`/`anyOf` group guarantees a keyword only if every branch the keyword
  can apply to states it (length limits and `pattern` apply to branches that may
  be strings, item counts to branches that may be arrays, anything else to every
  branch), and then the loosest one: the smallest minimum, the largest maximum;
  any other keyword only if all those branches agree;
* `type` is the set of types the schema allows (null left out, "integer" folded
  into "number" when both are allowed): the intersection of what the schema and
  its `allOf` branches allow, within the union of a `oneOf`/`anyOf` group's
  branches; a branch that states no type allows every type.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from contract.core import pointer as jp
from contract.core.sentinel import MISSING

__all__ = [
    "MAX_DEPTH",
    "MAX_REF_HOPS",
    "Deref",
    "Resolve",
    "Stated",
    "allowed_types",
    "applies",
    "deref",
    "effective",
    "json_type",
    "local_resolver",
    "resolved",
    "subject_schema",
]

Resolve = Callable[[str], Any]
"""A `$ref` string → the value it points at; raises LookupError (KeyError included) when there is none."""

MAX_REF_HOPS = 64  # a chain of `$ref`s longer than this is treated as a cycle
MAX_DEPTH = 32  # nesting of allOf/oneOf/anyOf followed by `effective` and `allowed_types`

Broken = Literal["cycle", "unresolvable"]


class Deref(NamedTuple):
    """Where a chain of `$ref`s ends."""

    value: Any  # the first node that is not a `$ref` (or, when `broken`, the `$ref` node it stopped at)
    refs: tuple[str, ...]  # the `$ref`s followed, in order
    holders: tuple[dict[str, Any], ...]  # the `$ref` objects followed (their sibling keywords), in order
    broken: Broken | None = None  # "cycle" (or longer than MAX_REF_HOPS), "unresolvable"; None when complete

    @property
    def ref(self) -> str | None:
        """The last `$ref` followed (None: the node was not a reference)."""
        return self.refs[-1] if self.refs else None


def deref(node: Any, resolve: Resolve, *, max_hops: int = MAX_REF_HOPS) -> Deref:
    """Follow `node`'s `$ref` chain; never raises for a cycle or an unresolvable reference (see `broken`)."""
    refs: list[str] = []
    holders: list[dict[str, Any]] = []
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in refs or len(refs) >= max_hops:
            return Deref(node, tuple(refs), tuple(holders), "cycle")
        try:
            target = resolve(ref)
        except LookupError:
            return Deref(node, tuple(refs), tuple(holders), "unresolvable")
        refs.append(ref)
        holders.append(node)
        node = target
    return Deref(node, tuple(refs), tuple(holders))


def resolved(node: Any, resolve: Resolve) -> Any:
    """The schema `node` stands for: `{}` when its `$ref` cannot be resolved, the `$ref` node on a cycle."""
    d = deref(node, resolve)
    return {} if d.broken == "unresolvable" else d.value


def local_resolver(root: Any) -> Resolve:
    """Resolves `#...` references inside `root` (a self-contained JSON Schema); others are unresolvable."""

    def resolve(ref: str) -> Any:
        value = jp.resolve(root, ref) if ref.startswith("#") else MISSING
        if value is MISSING:
            raise LookupError(ref)
        return value

    return resolve


# --------------------------------------------------------------------------- effective keyword values


@dataclass(frozen=True, slots=True)
class Stated:
    """A keyword's value and where it is written: in `schema`, at `pointer` in the document `ref` names."""

    value: Any
    schema: dict[str, Any]
    pointer: str = ""
    ref: str | None = None  # the file part of the `$ref` that led there; None: the document the walk began in


@dataclass(frozen=True, slots=True)
class _At:
    schema: Any
    pointer: str
    ref: str | None


def _target_of(ref: str) -> tuple[str, str | None]:
    """(pointer, file part or None) a `$ref` points at: a normalised `#/x` is in the root document."""
    file_part, _, fragment = ref.partition("#")
    return fragment, file_part or None


def _landed(node: _At, d: Deref) -> _At:
    """Where a followed chain lands."""
    if d.ref is None:
        return _At(d.value, node.pointer, node.ref)
    return _At(d.value, *_target_of(d.ref))


def _holder_places(node: _At, d: Deref) -> Iterator[_At]:
    """The sibling keywords of each `$ref` followed, as schemas where they are written."""
    for i, holder in enumerate(d.holders):
        rest = {k: v for k, v in holder.items() if k != "$ref"}
        if rest:
            yield _At(rest, node.pointer, node.ref) if i == 0 else _At(rest, *_target_of(d.refs[i - 1]))


def _lower(keyword: str) -> bool:
    return keyword.startswith("min") or keyword == "exclusiveMinimum"


def _upper(keyword: str) -> bool:
    return keyword.startswith("max") or keyword == "exclusiveMaximum"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def effective(schema: Any, keyword: str, resolve: Resolve, *, ref_siblings: bool = False,
              pointer: str = "", ref: str | None = None) -> Stated | None:
    """What `schema` effectively states for `keyword` (see the module docstring), or None.

    `pointer`/`ref` say where `schema` is written, so the result can say where the
    value is. `ref_siblings`: keywords beside a `$ref` apply (OpenAPI 3.1), or are
    ignored (3.0). For `type` the value is a sorted list of type names.
    """
    if keyword == "type":
        allowed = allowed_types(schema, resolve, ref_siblings=ref_siblings)
        if allowed is None:
            return None
        types = set(allowed) - {"null"}
        if {"integer", "number"} <= types:
            types.discard("integer")
        return Stated(sorted(types), resolved(schema, resolve), pointer, ref) if types else None
    return _effective(_At(schema, pointer, ref), keyword, resolve, ref_siblings, 0, frozenset())


def _effective(node: _At, keyword: str, resolve: Resolve, siblings: bool, depth: int,
               path: frozenset[str]) -> Stated | None:
    d = deref(node.schema, resolve)
    if d.broken is not None or not isinstance(d.value, dict) or depth > MAX_DEPTH or path & set(d.refs):
        return None
    path = path | set(d.refs)
    here = _landed(node, d)
    schema: dict[str, Any] = d.value
    together: list[Stated] = []
    if keyword in schema:
        together.append(Stated(schema[keyword], schema, here.pointer, here.ref))
    parts = [_At(b, jp.join(here.pointer, "allOf", n), here.ref) for n, b in enumerate(_list(schema, "allOf"))]
    if siblings:
        parts += _holder_places(node, d)
    for part in parts:
        found = _effective(part, keyword, resolve, siblings, depth + 1, path)
        if found is not None:
            together.append(found)
    for comb in ("oneOf", "anyOf"):
        branches = [_At(b, jp.join(here.pointer, comb, n), here.ref) for n, b in enumerate(_list(schema, comb))]
        relevant = [b for b in branches if applies(b.schema, keyword, resolve, ref_siblings=siblings)]
        if not relevant:
            continue
        values = [_effective(b, keyword, resolve, siblings, depth + 1, path) for b in relevant]
        loosest = _loosest(keyword, values)
        if loosest is not None:
            together.append(loosest)
    return _strictest(keyword, together)


def _list(schema: dict[str, Any], key: str) -> list[Any]:
    value = schema.get(key)
    return value if isinstance(value, list) else []


def _strictest(keyword: str, stated: list[Stated]) -> Stated | None:
    """All of these apply at once: the tightest bound; else the first stated."""
    if not stated:
        return None
    if all(_number(s.value) for s in stated):
        if _lower(keyword):
            return max(stated, key=lambda s: s.value)  # max() keeps the first of equals
        if _upper(keyword):
            return min(stated, key=lambda s: s.value)
    return stated[0]


def _loosest(keyword: str, values: list[Stated | None]) -> Stated | None:
    """One of these applies: only what every one states, at its loosest."""
    if not values or any(v is None for v in values):
        return None
    stated = [v for v in values if v is not None]
    if all(_number(s.value) for s in stated) and (_lower(keyword) or _upper(keyword)):
        return min(stated, key=lambda s: s.value) if _lower(keyword) else max(stated, key=lambda s: s.value)
    first = stated[0]
    return first if all(s.value == first.value for s in stated[1:]) else None


# --------------------------------------------------------------------------- types


_ANY = None  # allowed_types: no restriction


def allowed_types(schema: Any, resolve: Resolve, *, ref_siblings: bool = False) -> frozenset[str] | None:
    """The JSON types `schema` allows (None: any), through `$ref`, `allOf`, `oneOf` and `anyOf`.

    `nullable` and `enum` are not read; "null" is in the set only when a `type` says it.
    """
    return _types(schema, resolve, ref_siblings, 0, frozenset())


def _types(schema: Any, resolve: Resolve, siblings: bool, depth: int, path: frozenset[str]) -> frozenset[str] | None:
    d = deref(schema, resolve)
    if d.value is False:
        return frozenset()  # the schema no value satisfies
    if d.broken is not None or not isinstance(d.value, dict) or depth > MAX_DEPTH or path & set(d.refs):
        return _ANY  # unknown (unresolvable, a cycle, `true`, not a schema): no restriction known
    path = path | set(d.refs)
    node: dict[str, Any] = d.value
    result: frozenset[str] | None = _ANY
    t = node.get("type")
    if isinstance(t, str):
        result = frozenset({t})
    elif isinstance(t, list):
        result = frozenset(x for x in t if isinstance(x, str))
    parts = list(_list(node, "allOf"))
    if siblings:
        parts += [{k: v for k, v in h.items() if k != "$ref"} for h in d.holders]
    for part in parts:
        result = _intersect(result, _types(part, resolve, siblings, depth + 1, path))
    for comb in ("oneOf", "anyOf"):
        branches = _list(node, comb)
        if not branches:
            continue
        union: frozenset[str] | None = frozenset()
        for branch in branches:
            inner = _types(branch, resolve, siblings, depth + 1, path)
            union = None if inner is None or union is None else union | inner
        result = _intersect(result, union)
    return result


def _intersect(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Types both allow; an integer is a number, so {"number"} and {"integer"} share "integer"."""
    if a is None:
        return b
    if b is None:
        return a
    out = set(a & b)
    if ("number" in a and "integer" in b) or ("integer" in a and "number" in b):
        out.add("integer")
    return frozenset(out)


def applies(schema: Any, keyword: str, resolve: Resolve, *, ref_siblings: bool = False) -> bool:
    """Whether `keyword` can constrain a value of `schema`: length limits and `pattern` only strings,
    item counts only arrays; every other keyword counts everywhere."""
    if keyword in ("maxLength", "minLength", "pattern"):
        wanted = "string"
    elif keyword in ("maxItems", "minItems"):
        wanted = "array"
    else:
        return True
    types = allowed_types(schema, resolve, ref_siblings=ref_siblings)
    return types is None or wanted in types


# --------------------------------------------------------------------------- prose targets


def subject_schema(schema: dict[str, Any], pointer: str, name: str | None, subject: str,
                   resolve: Resolve) -> tuple[dict[str, Any] | None, str]:
    """The schema a constraint about `subject` of the field `name` (written at `pointer`) applies to.

    "value", "items", "either", "attribute": the field itself. "key" /
    "value-of-entry": its entries' key or value — a `key`/`value` property of its
    items or of itself (an array of ``{key, value}`` objects), else `propertyNames`
    / `additionalProperties` of an object. (None, pointer) when there is none.
    """
    if subject in ("value", "items", "either", "attribute"):
        return schema, pointer
    wanted = "key" if subject == "key" else "value"
    if name == wanted:
        return schema, pointer
    node = resolved(schema, resolve)
    items = resolved(node.get("items"), resolve) if isinstance(node, dict) else None
    for holder, at in ((items, jp.join(pointer, "items")), (node, pointer)):
        if isinstance(holder, dict) and isinstance(holder.get("properties"), dict) and wanted in holder["properties"]:
            found = resolved(holder["properties"][wanted], resolve)
            return found, jp.join(at, "properties", wanted)
    if isinstance(node, dict) and node.get("type") == "object":
        key = "propertyNames" if wanted == "key" else "additionalProperties"
        sub = node.get(key)
        return (sub if isinstance(sub, dict) else {}), jp.join(pointer, key)
    return None, pointer


# --------------------------------------------------------------------------- values


def json_type(value: Any) -> str:
    """The JSON Schema (2020-12) type of a JSON value: null, boolean, integer, number, string, array, object.

    A bool is "boolean", never an integer. A number with a zero fractional part is
    "integer" whether Python holds it as int or float (``1.0``): JSON Schema
    2020-12 defines "integer" by value, so ``1.0`` is valid against
    ``type: integer``. Anything else that is not a JSON value reads as "object".
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if math.isfinite(value) and value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
