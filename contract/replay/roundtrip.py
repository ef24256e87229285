"""What a write should leave behind, and how a response or read differs from it.

The expected state is built from what was *sent* (body fields, plus identifiers
sent in headers), only for fields the response declares: a field no response
carries cannot be "dropped". Lists of ``{key, value}`` objects are maps keyed by
``key``; an update is a merge. Documented conversions (``converts`` boolean →
number) and deletions (``deletes-with`` empty/null) come from prose, in the spec
or on a docs page; a documented deletion must really delete, an undocumented
one is not judged.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from contract.core import pointer as jp
from contract.docs import DocsPage
from contract.load import Spec
from contract.prose import extract
from contract.replay.operations import Resource, ResourceView, deref, request_properties
from contract.validate import CompiledSchema

__all__ = ["Difference", "ResponseFit", "Rules", "State", "compare_state", "rules_for"]

DELETED: Any = object()


@dataclass(slots=True)
class Rules:
    """Per body field: documented conversions (from-type → to-type) and deletion tokens."""

    converts: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    deletes: dict[str, set[str]] = field(default_factory=dict)  # "empty" / "null"

    def deletion(self, fname: str, value: Any) -> bool | None:
        """True: documented to delete; None: an empty/null value whose effect is not documented."""
        if value is None or value == "":
            token = "null" if value is None else "empty"
            return True if token in self.deletes.get(fname, set()) else None
        return False

    def convert(self, fname: str, value: Any) -> Any:
        if isinstance(value, bool) and ("boolean", "number") in self.converts.get(fname, set()):
            return float(value)
        return value


def rules_for(spec: Spec, resource: Resource, pages: Iterable[DocsPage]) -> Rules:
    rules = Rules()

    def add(fname: str, keyword: str, value: Any) -> None:
        if keyword == "converts" and isinstance(value, tuple | list) and len(value) == 2:
            rules.converts.setdefault(fname, set()).add((str(value[0]), str(value[1])))
        elif keyword == "deletes-with" and isinstance(value, list | tuple):
            rules.deletes.setdefault(fname, set()).update(str(v).split()[0] for v in value)

    for page in pages:
        for dc in page.constraints:
            if dc.field:
                add(dc.field, dc.constraint.keyword, dc.constraint.value)
    for lo in resource.members():
        for fname, schema in request_properties(spec, lo.op).items():
            texts = [schema.get("description", "")] if isinstance(schema, dict) else []
            items = schema.get("items") if isinstance(schema, dict) else None
            if isinstance(items, dict):
                js_items = items
                texts.append(str(js_items.get("description", "")))
                for sub in (js_items.get("properties") or {}).values():
                    if isinstance(sub, dict):
                        texts.append(str(sub.get("description", "")))
            for text in texts:
                for pc in extract(text or ""):
                    add(fname, pc.keyword, pc.value)
    return rules


class ResponseFit:
    """Whether a value sent for a field is one the resource's response schema can hold at all.

    Request and response schemas of one field often differ, and a server cannot echo what its
    own response schema forbids: Adyen's `dateOfBirth` is a `date` in the request and a
    `date-time` in the response, its `shopperReference` may be "" when sent but has
    `minLength: 3` when shown. Such a value is not expected back (the field is not judged):
    expecting it would blame every spec-faithful server. Field schemas are compiled on first use.
    """

    def __init__(self, view: ResourceView) -> None:
        self._view = view
        self._compiled: dict[str, CompiledSchema | None] = {}
        self._lock = threading.Lock()
        self._defs_native: bool | None = None  # whether jsonschema-rs compiles the root's `$defs` on their own

    def __call__(self, fname: str, value: Any) -> bool:
        with self._lock:
            if fname not in self._compiled:
                self._compiled[fname] = self._compile(fname)
            compiled = self._compiled[fname]
        return compiled is None or compiled.broken is not None or compiled.is_valid(value)

    def _compile(self, fname: str) -> CompiledSchema | None:
        schema = self._view.properties.get(fname)
        if not isinstance(schema, dict):
            return None
        defs = self._view.root.get("$defs")
        if not isinstance(defs, dict) or "$defs" in schema:
            return CompiledSchema(dict(schema))
        # A field's schema with only the defs it reaches: Stripe's roots carry thousands, compiled (and checked
        # against the metaschema) with every field. The same validator when the whole `$defs` compiles natively;
        # otherwise the whole, as before (an unrelated bad def makes every field unjudgeable there).
        if self._defs_native is None:
            self._defs_native = CompiledSchema({"$defs": defs}).native
        reached = _reached_defs(schema, defs) if self._defs_native else None
        return CompiledSchema({**schema, "$defs": defs if reached is None else reached})


def _reached_defs(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    """The defs `schema` reaches through `#/$defs/NAME` references, in `defs`' order; None for any other kind of
    reference (a pointer elsewhere, a dynamic one): the whole `$defs` then."""
    names: set[str] = set()
    todo: list[Any] = [schema]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if "$dynamicRef" in node or "$recursiveRef" in node:
            return None
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith("#/$defs/"):
                return None
            name = jp.unescape(ref[len("#/$defs/"):].split("/", 1)[0])
            if name not in defs:
                return None
            if name not in names:
                names.add(name)
                todo.append(defs[name])
        todo.extend(v for k, v in node.items() if k != "$ref" and isinstance(v, (dict, list)))
    return {k: v for k, v in defs.items() if k in names}


def _is_kv_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(i, dict) and "key" in i and set(i) <= {"key", "value"} for i in value)


def kv_fields(resource: Resource) -> list[str]:
    """Declared response fields that are lists of `{key, value}` objects (maps on the wire)."""
    out = []
    for fname, schema in resource.view.properties.items():
        node = deref(resource.view.root, schema)
        items = deref(resource.view.root, node.get("items")) if isinstance(node, dict) else None
        if isinstance(items, dict) and {"key", "value"} <= set(items.get("properties") or {}):
            out.append(fname)
    return sorted(out)


@dataclass(slots=True)
class State:
    """The expected resource: field → value; key-value fields as dicts (DELETED marks a documented deletion)."""

    fields: dict[str, Any] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)  # "field" or "field[key]" whose value we cannot predict
    wire: set[str] = field(default_factory=set)  # identifiers sent as parameter text (see `identify`)

    def apply(self, body: Any, declared: Mapping[str, Any], rules: Rules, *, merge: bool = True,
              fits: Callable[[str, Any], bool] | None = None) -> None:
        """Fold a write's body in. `fits(field, value)`: whether the response can show `value` at all
        (see :class:`ResponseFit`); a value it cannot is not expected back, whatever the server does."""
        if not isinstance(body, dict):
            return
        for fname, value in body.items():
            if fname not in declared:
                continue
            self.wire.discard(fname)
            if _is_kv_list(value) or (isinstance(value, list) and fname in self.fields
                                      and isinstance(self.fields[fname], dict)):
                current = dict(self.fields.get(fname) or {}) if merge else {}
                for item in value if isinstance(value, list) else []:
                    if not isinstance(item, dict) or "key" not in item:
                        continue
                    k, v = item["key"], item.get("value")
                    label = f"{fname}[{k}]"
                    deletion = rules.deletion(fname, v)
                    if deletion is True:
                        current[k] = DELETED
                        self.unknown.discard(label)
                    elif deletion is None:
                        current.pop(k, None)
                        self.unknown.add(label)
                    else:
                        current[k] = rules.convert(fname, v)
                        self.unknown.discard(label)
                self.fields[fname] = current
            else:
                converted = rules.convert(fname, value)
                if fits is not None and not fits(fname, converted):
                    self.fields.pop(fname, None)
                    self.unknown.add(fname)
                    continue
                self.fields[fname] = converted
                self.unknown.discard(fname)

    def identify(self, values: Mapping[str, Any], *, wire: bool = False) -> None:
        """Expect identifiers back; `wire`: sent as parameter text, so a response may show the number the
        text spells (Box's `{level_index}` is the integer `index` of the level it names)."""
        for fname, value in values.items():
            self.fields[fname] = value
            if wire:
                self.wire.add(fname)
            else:
                self.wire.discard(fname)


@dataclass(frozen=True, slots=True)
class Difference:
    field: str  # "custom_attributes[k]" / "customer_user_id"
    kind: str  # dropped | changed | truncated | type-changed | not-deleted
    sent: Any
    got: Any

    @property
    def subject(self) -> str:
        base = self.field.split("[", 1)[0] + ("[*]" if "[" in self.field else "")
        return f"{base} {self.kind}"


def _number(text: str) -> float | None:
    """The number parameter text spells (`"5"`, `"2.50"`), None when it spells none."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _kind(sent: Any, got: Any) -> str | None:
    if isinstance(sent, bool) or isinstance(got, bool):
        return None if sent is got or (sent == got and type(sent) is type(got)) else \
            ("type-changed" if type(sent) is not type(got) else "changed")
    if isinstance(sent, int | float) and isinstance(got, int | float):
        return None if math.isclose(sent, got, rel_tol=1e-9, abs_tol=1e-12) else "changed"
    if type(sent) is not type(got):
        return "type-changed"
    if isinstance(sent, str) and sent != got:
        return "truncated" if got and sent.startswith(got) else "changed"
    if isinstance(sent, dict):
        return None if all(_kind(v, got.get(k)) is None for k, v in sent.items() if k in got) else "changed"
    return None if sent == got else "changed"


def compare_state(expected: State, resource_obj: Any) -> list[Difference]:
    """How the resource in a response differs from the expected state (only expected fields are judged)."""
    if not isinstance(resource_obj, dict):
        return []
    out: list[Difference] = []
    for fname, want in sorted(expected.fields.items()):
        if fname in expected.unknown:
            continue
        got = resource_obj.get(fname, DELETED)
        if isinstance(want, dict) and (got is DELETED or _is_kv_list(got) or got == []):
            have = {i["key"]: i.get("value") for i in got} if isinstance(got, list) else {}
            for k, v in sorted(want.items(), key=lambda kv: str(kv[0])):
                label = f"{fname}[{k}]"
                if label in expected.unknown:
                    continue
                if v is DELETED:
                    if k in have:
                        out.append(Difference(label, "not-deleted", None, have[k]))
                elif k not in have:
                    out.append(Difference(label, "dropped", v, None))
                else:
                    kind = _kind(v, have[k])
                    if kind:
                        out.append(Difference(label, kind, v, have[k]))
            continue
        if got is DELETED:
            out.append(Difference(fname, "dropped", want, None))
            continue
        if fname in expected.wire and isinstance(want, str) and isinstance(got, int | float) \
                and not isinstance(got, bool) and (number := _number(want)) is not None:
            if not math.isclose(number, got, rel_tol=1e-12, abs_tol=0.0):
                out.append(Difference(fname, "changed", want, got))
            continue
        kind = _kind(want, got)
        if kind:
            out.append(Difference(fname, kind, want, got))
    return out


def unwrap(body: Any, path: Sequence[str]) -> Any:
    for token in path:
        body = body.get(token) if isinstance(body, dict) else None
    return body


__all__ += ["DELETED", "deref", "kv_fields", "unwrap"]
