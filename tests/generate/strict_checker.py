"""An independent reading of extra constraints (prose, docs): which of them does a case break?

Deliberately written apart from `contract.generate.extra.ExtraCheck` (no JSON Schema, no
merged trees): a location with `*` is expanded over array items and object values, each
keyword is checked by hand, parameters are read from the wire strings the case carries.
With the validator for the spec, it tells whether a violating case breaks its labelled
constraint and nothing else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from typing import Any

from jsonschema import Draft202012Validator

from contract.generate import ExtraConstraint
from contract.model import Case, Constraint, Violation

from .helpers import label_agrees

_ABSENT = object()
_FORMATS = Draft202012Validator.FORMAT_CHECKER


def _tokens(location: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in location.lstrip("/").split("/")] if location else []


def _values(node: Any, tokens: list[str]) -> Iterator[Any]:
    if not tokens:
        yield node
        return
    token, rest = tokens[0], tokens[1:]
    if token == "*":
        children = node if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else []
        for child in children:
            yield from _values(child, rest)
    elif isinstance(node, dict) and token in node:
        yield from _values(node[token], rest)


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return "integer"
    if isinstance(v, float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(v), "unknown")


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _breaks(keyword: str, limit: Any, v: Any) -> bool:
    if keyword == "maxLength":
        return isinstance(v, str) and len(v) > limit
    if keyword == "minLength":
        return isinstance(v, str) and len(v) < limit
    if keyword == "maxItems":
        return isinstance(v, list) and len(v) > limit
    if keyword == "minItems":
        return isinstance(v, list) and len(v) < limit
    if keyword == "pattern":
        return isinstance(v, str) and re.search(limit, v) is None
    if keyword == "maximum":
        return _number(v) and v > limit
    if keyword == "minimum":
        return _number(v) and v < limit
    if keyword == "enum":
        return not any(v == m and isinstance(v, bool) == isinstance(m, bool) for m in limit)
    if keyword == "type":
        allowed = {limit} if isinstance(limit, str) else set(limit)
        t = _json_type(v)
        return not (t in allowed or (t == "integer" and "number" in allowed))
    if keyword == "format":
        return isinstance(v, str) and not _FORMATS.conforms(v, limit)
    raise AssertionError(f"the checker does not know {keyword}")


def _wire_value(text: str, keyword: str) -> Any:
    """A parameter's wire string as the keyword reads it (numbers for numeric keywords)."""
    if keyword in ("maximum", "minimum"):
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _params(case: Case, part: str) -> dict[str, str]:
    if part == "header":
        return {k.lower(): v for k, v in case.headers.items()}
    if part == "query":
        return {k: str(v) for k, v in case.query.items()}
    if part == "path":
        return dict(case.path_params)
    cookie = next((v for k, v in case.headers.items() if k.lower() == "cookie"), "")
    return dict(p.strip().split("=", 1) for p in cookie.split(";") if "=" in p)


def breaks(case: Case, e: ExtraConstraint) -> bool:
    """Whether `case` breaks the extra constraint `e`, by this module's own reading."""
    if e.keyword == "either":
        present = _params(case, e.part)
        return not any(present.get(n.lower() if e.part == "header" else n) for n in e.value)
    if e.part == "body":
        if not case.has_body or case.raw_body is not None:
            return False
        return any(_breaks(e.keyword, e.value, v) for v in _values(case.body, _tokens(e.location)))
    name = e.location.lower() if e.part == "header" else e.location
    text = _params(case, e.part).get(name, _ABSENT)
    return text is not _ABSENT and _breaks(e.keyword, e.value, _wire_value(str(text), e.keyword))


def _where(e: ExtraConstraint) -> str:
    return e.location if e.part == "body" else f"{e.part}/{e.location}"


def _label_where(label: Constraint) -> str:
    """The label's location with array indexes as `*` (as extra constraints name locations)."""
    if label.pointer.startswith(("header/", "query/", "path/", "cookie/")):
        return label.pointer
    return "/".join("*" if t.isdigit() else t for t in label.pointer.split("/"))


def stricter_or_same(label: Constraint, e: ExtraConstraint) -> bool:
    """`e` is the labelled constraint again, or the same keyword as strict at the same place."""
    if e.keyword != label.keyword or _where(e).lower() != _label_where(label).lower():
        return False
    if e.value == label.value:
        return True
    if label.keyword.startswith("max") and _number(e.value) and _number(label.value):
        return e.value <= label.value
    if label.keyword.startswith("min") and _number(e.value) and _number(label.value):
        return e.value >= label.value
    if label.keyword == "type":
        mine = {label.value} if isinstance(label.value, str) else set(label.value)
        theirs = {e.value} if isinstance(e.value, str) else set(e.value)
        return theirs <= mine | ({"integer"} if "number" in mine else set())
    return False


def what_else_breaks(case: Case, found: list[Violation], extras: Sequence[ExtraConstraint]) -> list[str]:
    """Everything a violating case breaks besides its labelled constraint ([] = breaks that one only)."""
    label = case.label
    assert label is not None and case.mode == "violating"
    out: list[str] = []
    if label.source == "spec":
        if not label_agrees(case, found):
            out += [f"spec: {v}" for v in found] or ["spec: nothing reported"]
    elif found:
        out += [f"spec: {v}" for v in found]
    labelled = [e for e in extras if label.source != "spec" and e.source == label.source
                and e.keyword == label.keyword and e.pointer() == label.pointer]
    if label.source != "spec" and not any(breaks(case, e) for e in labelled):
        out.append(f"the labelled {label.source} constraint holds")
    for e in extras:
        if e in labelled or stricter_or_same(label, e):
            continue
        if breaks(case, e):
            out.append(f"{e.source} {e.keyword} {e.value!r} at {_where(e)}")
    return out


def docs_attribute_problems(attributes: Any) -> list[str]:
    """The docs' rules for custom attributes, read from the page (003_…): keys 1-30 characters of
    letters, numbers, dashes, periods and underscores, one attribute per key; values strings of at
    most 30 characters or numbers, an empty value or null deleting the attribute (so none here)."""
    if not isinstance(attributes, list):
        return [f"not a list: {attributes!r}"]
    problems = []
    keys = [a.get("key") for a in attributes if isinstance(a, dict)]
    if len(set(map(str, keys))) != len(keys):
        problems.append("duplicate keys")
    for a in attributes:
        key, value = a.get("key"), a.get("value")
        if not isinstance(key, str) or re.fullmatch(r"[A-Za-z0-9._-]{1,30}", key) is None:
            problems.append(f"key {key!r}")
        if isinstance(value, str):
            if not 0 < len(value) <= 30:
                problems.append(f"value {value!r}")
        elif not _number(value) or not math.isfinite(value):
            problems.append(f"value {value!r}")
    return problems
