"""Values that break exactly one constraint of a site and keep every other one.

For each keyword there is a short list of candidates, most realistic mistake
first, derived from the conforming value already at the location (a key one
character too long, the valid array plus a duplicate, the object minus one
required property). A candidate is kept only if the location's schema *without*
that keyword accepts it and the full schema rejects it, so nothing else at the
location breaks; the gate then checks the whole request.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from random import Random
from typing import Any

from contract.core.schema_facts import json_type
from contract.core.sentinel import MISSING
from contract.generate.formats import INVALID_FORMAT_SAMPLES
from contract.generate.sites import EXTRA_PROPERTY, Site

__all__ = ["MISSING", "WIRE_NOT_TYPED", "candidates", "describe", "implies", "wire_candidates", "without"]

ItemMaker = Callable[[Any, int, list[Any]], list[Any] | None]  # (array schema, how many, existing) -> fresh items

# Wire strings that are no integer/number/boolean under OpenAPI's coercion (nor under the lenient ones:
# no "1"/"0"/"yes" for a boolean, no "1.0" for an integer, nothing JSON-looking for objects and arrays).
WIRE_NOT_TYPED = ("abc", "1.5", "12abc", "maybe")
_PARAM_PARTS = frozenset({"header", "query", "path", "cookie"})


def _types(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    t = node.get("type")
    return {t} if isinstance(t, str) else set(t) if isinstance(t, list) else set()


def without(location: Any, holder: tuple[tuple[str, int], ...], keyword: str, *,
            also: tuple[str, ...] = (), drop_required: str | None = None) -> Any:
    """`location` with `keyword` removed where `holder` says it is written (copy on write)."""
    if not isinstance(location, dict):
        return location
    if holder:
        (key, i), rest = holder[0], holder[1:]
        members = list(location[key])
        members[i] = without(members[i], rest, keyword, also=also, drop_required=drop_required)
        return {**location, key: members}
    if drop_required is not None:
        required = [r for r in location.get("required") or [] if r != drop_required]
        out = {k: v for k, v in location.items() if k != "required"}
        if required:
            out["required"] = required
        return out
    return {k: v for k, v in location.items() if k != keyword and k not in also}


def candidates(site: Site, base: Any, rnd: Random, make_items: ItemMaker) -> list[Any]:
    """Candidate values for the site's location (unfiltered), best first."""
    node = site.node
    kw, value = site.keyword, site.value
    fn = _BY_KEYWORD.get(kw)
    return fn(node, value, base, rnd, make_items, site) if fn else []


def _type(node: Any, value: Any, base: Any, rnd: Random, mk: ItemMaker, site: Site) -> list[Any]:
    if site.part in _PARAM_PARTS:
        return list(WIRE_NOT_TYPED)  # only strings travel: one that is none of the allowed types
    allowed = _types({"type": value})  # the site's own statement (an extra's type, not the spec's)
    if "number" in allowed:
        allowed = allowed | {"integer"}
    near: dict[str, list[Any]] = {"string": [123, True], "integer": ["123", 1.5], "number": ["1.5", True], "boolean": ["true", 1],
            "object": [[], "{}"], "array": [{}, "[]"], "null": ["null", 0]}
    out: list[Any] = [None]
    for t in sorted(allowed):
        out += near.get(t, [])
    out += ["text", 123, 1.5, True, [], {}]
    return [v for v in out if json_type(v) not in allowed]


def _other_than(members: list[Any], node: Any) -> list[Any]:
    types = _types(node) or {json_type(m) for m in members}
    strs = [m for m in members if isinstance(m, str)]
    nums = [m for m in members if isinstance(m, int | float) and not isinstance(m, bool)]
    out: list[Any] = []
    if "string" in types or strs:
        if strs:
            out += [strs[0] + "_invalid", strs[0].upper() if strs[0].upper() != strs[0] else strs[0] + "x",
                    strs[-1][:-1] or "zz"]
        out += ["invalid_value", ""]
    if types & {"integer", "number"} or nums:
        top = max(nums) if nums else 0
        low = min(nums) if nums else 0
        out += [int(top) + 1, int(low) - 1, 999_999]
        if "number" in types:
            out.append(top + 0.5)
    if "boolean" in types:
        bools = [m for m in members if isinstance(m, bool)]
        out += [b for b in (True, False) if b not in bools]
    return [v for v in out if v not in members or any(type(v) is not type(m) for m in members if m == v)]


def _enum(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    return _other_than(list(value) if isinstance(value, list) else [], node)


def _const(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    return _other_than([value], node)


def _format(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    return [*INVALID_FORMAT_SAMPLES.get(str(value), ()), "", "not valid", "x"]


def _min_length(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    n = int(value) - 1
    out = []
    if isinstance(base, str) and len(base) > n:
        out.append(base[:n])
    return [*out, "a" * n, "1" * n, "é" * n]


def _max_length(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    n = int(value) + 1
    out = []
    if isinstance(base, str) and base:
        out.append((base * (n // len(base) + 1))[:n])
    return [*out, "a" * n, "1" * n, "é" * n, "a" * (n + 4)]


def _pattern(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    out = []
    if isinstance(base, str):
        out += [base + "!", "!" + base, base + " ", base + "#$"]
    return [*out, "!", "#invalid value#", "", " ", "a b", "ÄÖÜ", "-", "0", "abc", "ABC", "~~~", "\t"]


def _integer_only(node: Any) -> bool:
    types = _types(node)
    return "integer" in types and "number" not in types


def _beyond(bound: float, direction: int, node: Any, inclusive_ok: bool) -> list[Any]:
    """Numbers just past `bound` (direction +1 above, -1 below), respecting multipleOf where possible."""
    step = node.get("multipleOf") if isinstance(node.get("multipleOf"), int | float) else None
    out: list[Any] = []
    if inclusive_ok:
        out.append(bound)
    if step:
        k = math.floor(bound / step) + 1 if direction > 0 else math.ceil(bound / step) - 1
        out += [k * step, (k + direction) * step]
    out += [bound + direction, bound + direction * 0.5, bound + direction * 10, bound + direction * 1e-3]
    if _integer_only(node):
        out = [int(v) for v in out if float(v).is_integer()]
    return out


def _maximum(node: Any, value: Any, *_: Any) -> list[Any]:
    return _beyond(value, +1, node, False)


def _minimum(node: Any, value: Any, *_: Any) -> list[Any]:
    return _beyond(value, -1, node, False)


def _exclusive_maximum(node: Any, value: Any, *_: Any) -> list[Any]:
    return _beyond(value, +1, node, True)


def _exclusive_minimum(node: Any, value: Any, *_: Any) -> list[Any]:
    return _beyond(value, -1, node, True)


def _multiple_of(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    m = value
    out: list[Any] = []
    if isinstance(base, int | float) and not isinstance(base, bool):
        out += [base + m / 2, base + 1]
    out += [m / 2, m * 1.5, m + 1, 1, 0.5, 2 * m + 1]
    if _integer_only(node):
        out = [int(v) for v in out if float(v).is_integer()]
    return out


def _min_items(node: Any, value: Any, base: Any, rnd: Random, mk: ItemMaker, site: Site) -> list[Any]:
    n = int(value) - 1
    if isinstance(base, list) and len(base) >= n:
        return [base[:n]]
    return []


def _max_items(node: Any, value: Any, base: Any, rnd: Random, mk: ItemMaker, site: Site) -> list[Any]:
    n = int(value) + 1
    if n > 5000:
        return []
    items = list(base) if isinstance(base, list) else []
    more = mk(site.location, n - len(items), items) if len(items) < n else []
    if more is None:
        return []
    return [(items + more)[:n]]


def _unique(node: Any, value: Any, base: Any, rnd: Random, mk: ItemMaker, site: Site) -> list[Any]:
    items = list(base) if isinstance(base, list) else []
    if not items:
        items = mk(site.location, 1, []) or []
    if not items:
        return []
    return [[*items, items[0]], [*items[:-1], items[0]] if len(items) >= 2 else [items[0], items[0]]]


def _required(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    if isinstance(base, dict):
        return [{k: v for k, v in base.items() if k != value}]
    return []


def _additional(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    if not isinstance(base, dict):
        return []
    props = node.get("properties") or {}
    out = []
    for name in (EXTRA_PROPERTY, "x_unexpected", "zz_extra_field"):
        if name not in props and name not in base:
            out += [{**base, name: "unexpected"}, {**base, name: 1}]
    return out


def _min_properties(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    if not isinstance(base, dict):
        return []
    required = set(node.get("required") or [])
    out = dict(base)
    for key in reversed(list(base)):
        if len(out) < int(value):
            break
        if key not in required:
            out.pop(key)
    return [out]


def _max_properties(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    if not isinstance(base, dict) or int(value) > 1000:
        return []
    out = dict(base)
    i = 0
    while len(out) <= int(value):
        i += 1
        out.setdefault(f"extra_{i}", "x")
    return [out]


def _combinator(node: Any, value: Any, base: Any, *_: Any) -> list[Any]:
    out: list[Any] = [None, "text", 123, 1.5, True, [], {}, "", "x" * 300, -1, {"unexpected": True}]
    if isinstance(base, dict):
        out += [{}, {**base, EXTRA_PROPERTY: "x"}]
    return out


_BY_KEYWORD: dict[str, Callable[..., list[Any]]] = {
    "type": _type, "enum": _enum, "const": _const, "format": _format, "minLength": _min_length,
    "maxLength": _max_length, "pattern": _pattern, "maximum": _maximum, "minimum": _minimum,
    "exclusiveMaximum": _exclusive_maximum, "exclusiveMinimum": _exclusive_minimum, "multipleOf": _multiple_of,
    "minItems": _min_items, "maxItems": _max_items, "uniqueItems": _unique, "required": _required,
    "additionalProperties": _additional, "minProperties": _min_properties, "maxProperties": _max_properties,
    "anyOf": _combinator, "oneOf": _combinator,
}


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def wire_candidates(site: Site, values: list[Any], *, array: bool) -> list[Any]:
    """Candidates for a parameter, as what travels: each scalar as its wire string, a list only for an
    array parameter itself (its items survive the comma join); none that would arrive as something
    else (null, an object, an empty value)."""
    from contract.generate.strategies import wire

    out: list[Any] = []
    for v in values:
        if v is None or isinstance(v, dict):
            continue
        if isinstance(v, list):
            if site.steps or not array or not v or not all(
                    isinstance(x, str | int | float) and wire(x) != "" and "," not in wire(x) for x in v):
                continue
            out.append(v)
            continue
        text = wire(v)
        if text != "":
            out.append(text)
    return out


_UPPER = frozenset({"maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"})
_LOWER = frozenset({"minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"})


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def implies(keyword: str, value: Any, other_keyword: str, other: Any) -> bool:
    """Whether every value breaking `keyword: value` also breaks `other_keyword: other` (same location).

    The same statement twice, a bound at least as strict, a type or enum set inside the broken one,
    an enum of values of the broken type: breaking the label breaks these as surely, so a case may.
    """
    if keyword != other_keyword:
        if keyword == "type" and other_keyword in ("enum", "const"):
            allowed = {value} if isinstance(value, str) else set(value) if isinstance(value, list) else set()
            if "number" in allowed:
                allowed.add("integer")
            members = other if other_keyword == "enum" and isinstance(other, list) else [other]
            return bool(allowed) and all(json_type(m) in allowed for m in members)
        return False
    if json.dumps(value, sort_keys=True, default=str) == json.dumps(other, sort_keys=True, default=str):
        return True
    if keyword in _UPPER:
        return _number(value) and _number(other) and other <= value
    if keyword in _LOWER:
        return _number(value) and _number(other) and other >= value
    if keyword == "type":
        mine = {value} if isinstance(value, str) else set(value) if isinstance(value, list) else set()
        theirs = {other} if isinstance(other, str) else set(other) if isinstance(other, list) else set()
        if "number" in mine:
            mine.add("integer")
        return bool(theirs) and theirs <= mine
    if keyword == "enum" and isinstance(value, list) and isinstance(other, list):
        known = {json.dumps(v, sort_keys=True) + type(v).__name__ for v in value}
        return all(json.dumps(v, sort_keys=True) + type(v).__name__ in known for v in other)
    return False


def describe(site: Site, value: Any, label_name: str, *, wire: bool = False) -> str:
    """A short human description of what the violating value does, e.g. `31-char key`.

    `wire`: the value is a parameter's, as sent (a string, or a list sent comma-joined).
    """
    kw = site.keyword
    if wire and kw == "type":
        return f"{label_name} {_short(value)} is not a valid {' or '.join(sorted(_types({'type': site.value})))}"
    if kw in ("minLength", "maxLength") and isinstance(value, str):
        return f"{len(value)}-char {label_name}"
    if kw in ("minItems", "maxItems") and isinstance(value, list):
        return f"{len(value)}-item {label_name}"
    if kw in ("minProperties", "maxProperties") and isinstance(value, dict):
        return f"{len(value)}-property {label_name}"
    if kw == "type":
        return f"{json_type(value)} {label_name} ({_short(value)}) where {'/'.join(sorted(_types({'type': site.value})))} " \
               "is expected"
    if kw == "required":
        return f"missing required {site.name!r}"
    if kw == "additionalProperties":
        extra = next((k for k in (value or {}) if k not in (site.node.get("properties") or {})), "?")
        return f"unexpected property {extra!r}"
    if kw == "enum":
        return f"{_short(value)} is not one of the {len(site.value)} allowed values"
    if kw == "const":
        return f"{_short(value)} instead of {_short(site.value)}"
    if kw == "format":
        return f"invalid {site.value} {_short(value)}"
    if kw == "pattern":
        return f"{_short(value)} does not match {site.value}"
    if kw in ("minimum", "exclusiveMinimum"):
        return f"{_short(value)} below {'the exclusive ' if kw.startswith('excl') else ''}minimum {site.value}"
    if kw in ("maximum", "exclusiveMaximum"):
        return f"{_short(value)} above {'the exclusive ' if kw.startswith('excl') else ''}maximum {site.value}"
    if kw == "multipleOf":
        return f"{_short(value)} is not a multiple of {site.value}"
    if kw == "uniqueItems":
        return f"duplicate items in {label_name}"
    return f"{_short(value)} breaks {kw}"
