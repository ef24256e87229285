"""Every constraint of a request, as a *site*: where in the instance it applies and what it says.

A site is what one violating case breaks and what a coverage row counts. Sites
are found by walking the normalised schema the way a validator would apply it:
`properties` and `items` move to a child instance location, `allOf` members
apply at the same location, and an `anyOf`/`oneOf` branch is a location of its
own (a value breaking a constraint inside a branch is reported by validators as
the combinator failing, so the gate checks it through the branch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from contract.core.pointer import escape
from contract.generate.formats import NO_OP_FORMATS
from contract.model import Location
from contract.validate import KNOWN_FORMATS

__all__ = ["EXTRA_PROPERTY", "Site", "Step", "body_sites", "escape", "instance_pointer", "param_sites"]

EXTRA_PROPERTY = "unexpected_property"  # the name used where a value under additionalProperties is needed

# Checked in this order at each schema node (the order of coverage rows).
_KEYWORDS = ("type", "required", "enum", "const", "format", "minLength", "maxLength", "pattern", "minimum",
             "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
             "uniqueItems", "minProperties", "maxProperties", "additionalProperties", "anyOf", "oneOf")
_ALL_TYPES = {"string", "number", "integer", "boolean", "null", "array", "object"}


@dataclass(frozen=True, slots=True)
class Step:
    """One move from a schema node down to `node`: into a property, an array item, or an anyOf/oneOf branch.

    kind "key": property `name`; kind "index": array position `index`; kind "branch": branch `index` of
    `combinator` (the instance location stays the same).
    """

    kind: Literal["key", "index", "branch"]
    node: Any  # the schema reached
    name: str = ""
    index: int = 0
    combinator: str = ""

    @classmethod
    def key(cls, name: str, node: Any) -> Step:
        return cls("key", node, name=name)

    @classmethod
    def item(cls, index: int, node: Any) -> Step:
        return cls("index", node, index=index)

    @classmethod
    def branch(cls, combinator: str, index: int, node: Any) -> Step:
        return cls("branch", node, index=index, combinator=combinator)


@dataclass(slots=True)
class Site:
    """One constraint at one instance location."""

    part: str  # body | header | query | path | cookie | request
    keyword: str
    value: Any = None
    param: str | None = None
    steps: tuple[Step, ...] = ()
    location: Any = None  # the (spec) schema at the instance location
    holder: tuple[tuple[str, int], ...] = ()  # allOf path inside `location` to where the keyword is written
    name: str | None = None  # the property a `required` site removes
    source: str = "spec"
    extra: Any = None  # the ExtraConstraint behind a prose/docs site
    where: Location | None = None
    note: str = ""  # why no case exists, for the coverage table
    cases: int = 0
    ident: str = field(default="", compare=False)

    @property
    def node(self) -> Any:
        """The schema node that states the keyword."""
        node = self.location
        for key, i in self.holder:
            node = node[key][i]
        return node

    def template(self) -> str:
        """Schema-level location: instance pointer with `*` for array items (coverage rows)."""
        if self.part == "request":
            return {"body": "request/body", "content-type": "request/content-type", "parse": "request/body",
                    "security": str(self.value)}.get(self.param or "", f"request/{self.param}")
        inner = instance_pointer(self.steps, star=True)
        if self.keyword == "required" and self.name is not None and self.part == "body":
            inner += "/" + escape(self.name)
        if self.part == "body":
            return inner
        return f"{self.part}/{self.param}{inner}" if self.param else self.part


def instance_pointer(steps: tuple[Step, ...], *, star: bool = False) -> str:
    out = []
    for step in steps:
        if step.kind == "key":
            out.append("/" + escape(step.name))
        elif step.kind == "index":
            out.append("/*" if star else f"/{step.index}")
    return "".join(out)


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("type")
    return {t} if isinstance(t, str) else set(t) if isinstance(t, list) else set()


def _emit(node: dict[str, Any], base: dict[str, Any], out: list[Site]) -> None:
    for keyword in _KEYWORDS:
        if keyword not in node:
            continue
        value = node[keyword]
        if keyword == "type":
            if _types(node) >= _ALL_TYPES or _types(node) >= _ALL_TYPES - {"integer"}:
                continue
        elif keyword == "required":
            for name in value if isinstance(value, list) else []:
                out.append(Site(keyword="required", value=name, name=name, **base))
            continue
        elif keyword == "format":
            if not isinstance(value, str):
                continue
            if value not in KNOWN_FORMATS or value in NO_OP_FORMATS:
                out.append(Site(keyword=keyword, value=value, note=f"format {value!r} is not checked by the "
                                "validator", **base))
                continue
        elif (keyword in ("minLength", "minItems", "minProperties") and not (isinstance(value, int | float)
                                                                           and value > 0)) or (keyword == "uniqueItems" and value is not True) or (keyword == "additionalProperties" and value is not False) or (keyword in ("anyOf", "oneOf") and not isinstance(value, list)):
            continue
        out.append(Site(keyword=keyword, value=value, **base))


def _walk(node: Any, part: str, param: str | None, steps: tuple[Step, ...], location: Any,
          holder: tuple[tuple[str, int], ...], out: list[Site], depth: int = 0) -> None:
    if not isinstance(node, dict) or depth > 64:
        return
    _emit(node, {"part": part, "param": param, "steps": steps, "location": location, "holder": holder}, out)
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            if isinstance(sub, dict):
                _walk(sub, part, param, (*steps, Step.key(name, sub)), sub, (), out, depth + 1)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and extra and EXTRA_PROPERTY not in (props or {}) and not node.get(
            "patternProperties") and not node.get("propertyNames"):
        _walk(extra, part, param, (*steps, Step.key(EXTRA_PROPERTY, extra)), extra, (), out, depth + 1)
    raw_prefix = node.get("prefixItems")
    prefix: list[Any] = raw_prefix if isinstance(raw_prefix, list) else []
    for i, sub in enumerate(prefix):
        _walk(sub, part, param, (*steps, Step.item(i, sub)), sub, (), out, depth + 1)
    items = node.get("items")
    if isinstance(items, dict):
        _walk(items, part, param, (*steps, Step.item(len(prefix), items)), items, (), out, depth + 1)
    for i, sub in enumerate(node.get("allOf") or []):
        _walk(sub, part, param, steps, location, (*holder, ("allOf", i)), out, depth + 1)
    for comb in ("anyOf", "oneOf"):
        for i, sub in enumerate(node.get(comb) or []):
            _walk(sub, part, param, (*steps, Step.branch(comb, i, sub)), sub, (), out, depth + 1)


def body_sites(tree: Any) -> list[Site]:
    out: list[Site] = []
    _walk(tree, "body", None, (), tree, (), out)
    return out


def param_sites(tree: Any, part: str, name: str) -> list[Site]:
    out: list[Site] = []
    _walk(tree, part, name, (), tree, (), out)
    return out
