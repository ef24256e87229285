"""One value for one JSON Schema, seeded: what a server emulator answers with.

The case generator draws whole requests; an emulator needs single values (a response
body, a header, a server-generated identifier) that are valid, plain (no edge values:
no empty string, no null where anything else is allowed) and reproducible for a
seed and a key. Same pools as the request generator (:class:`~.strategies.Compiler`),
so an id is a uuid where the schema says ``format: uuid`` and a timestamp is RFC 3339.
"""

from __future__ import annotations

import json
import math
import time
from random import Random
from typing import Any

from contract.core.schema_facts import Resolve, local_resolver, resolved
from contract.generate.draw import derive_seed
from contract.generate.formats import custom_formats
from contract.generate.normalise import Unsatisfiable, formats_in, inline
from contract.generate.strategies import STRICT, BudgetExceeded, Compiler, Context, Gen, Plan, Pools

__all__ = ["SchemaValues", "Unsatisfiable"]

_FULL = Plan(optional="all", plain=True)  # every documented field, plain values
_BUDGET = 2.0  # seconds to compile one schema with every optional property, before falling back to the required
_MAX_SPECIALISED = 8  # `$ref`s followed to keep names a sibling requires (cycles stop earlier)
_POOL_DRAWS = 4  # hypothesis draws per leaf schema: an answer needs one plain value, not a spread of edges


class SchemaValues:
    """Draws values of JSON Schemas (self-contained, as `Spec.json_schema` gives them).

    Generators are compiled once per schema text (looked up by object first: build the schema
    once per place and pass the same object each time), and the hypothesis pools behind them
    once per leaf schema, whichever schema uses it first: neither changes the values drawn.
    """

    def __init__(self, seed: int, budget: float = _BUDGET) -> None:
        self.seed = seed
        self.budget = budget
        self._gens: dict[tuple[int, str, bool], tuple[Any, Gen]] = {}
        self._too_big: set[int] = set()
        self._keep: list[Any] = []  # schemas whose id() is in `_too_big` stay alive
        self._texts: dict[int, tuple[Any, str]] = {}
        self._by_text: dict[tuple[str, str, str | None, bool], Gen | Exception] = {}
        self._pools = Pools()  # one leaf schema's values are drawn once, whichever answer uses it first

    def _gen(self, schema: Any, context: Context, name: str | None, full: bool) -> Gen:
        key = (id(schema), context, full)
        hit = self._gens.get(key)
        if hit is not None and hit[0] is schema:
            return hit[1]
        # The same schema text (Stripe's error body on every operation, a resource's object on its every
        # operation) is compiled once: a generator depends on nothing else.
        text = (self._text(schema), context, name, full)
        known = self._by_text.get(text)
        if known is None:
            try:
                known = self._compile(schema, context, name, full)
            except (BudgetExceeded, Unsatisfiable) as exc:
                known = exc
            self._by_text[text] = known
        if isinstance(known, Exception):
            raise type(known)(*known.args)
        self._gens[key] = (schema, known)
        return known

    def _text(self, schema: Any) -> str:
        """`schema` serialised, once per object (its full and its required-only generator, a header's and a
        body's, look it up: a converted tree with its `$defs` takes milliseconds to serialise)."""
        hit = self._texts.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        text = json.dumps(schema, sort_keys=True, default=str)
        self._texts[id(schema)] = (schema, text)
        return text

    def _compile(self, schema: Any, context: Context, name: str | None, full: bool) -> Gen:
        # Optional properties are left out before `$ref`s are inlined: a schema too large to inline whole (Stripe's
        # Account, 20,000+ nodes with its expandable fields) is often small in what it requires.
        tree = inline(schema if full else _required_only(schema))
        formats, unknown = custom_formats(formats_in(tree))
        if unknown:  # a format nobody checks (Discord's `snowflake`): the rest of the schema (a pattern) decides
            tree = _without_formats(tree, frozenset(unknown))
            formats = {k: v for k, v in formats.items() if k not in unknown}
        deadline = time.monotonic() + self.budget if full else math.inf
        compiler = Compiler(seed=self.seed, formats=formats, deadline=deadline, pool_draws=_POOL_DRAWS,
                            pools=self._pools)
        return compiler.gen(tree, name=name, context=context)

    def draw(self, schema: Any, *parts: object, context: Context = "body", name: str | None = None,
             full: bool = True) -> Any:
        """A valid plain value of `schema`; the same for the same seed and `parts`; raises Unsatisfiable.

        `full`: every optional property present (what a server that knows everything answers).
        """
        rnd = Random(derive_seed(self.seed, *parts))
        if full and id(schema) not in self._too_big:
            try:
                return self._gen(schema, context, name, True).generate(rnd, _FULL)
            except (BudgetExceeded, Unsatisfiable):  # too many leaves to draw in time, or too large to inline
                self._too_big.add(id(schema))
                self._keep.append(schema)
        return self._gen(schema, context, name, False).generate(rnd, _FULL if full else STRICT)

def _without_formats(node: Any, names: frozenset[str]) -> Any:
    if isinstance(node, list):
        return [_without_formats(v, names) for v in node]
    if not isinstance(node, dict):
        return node
    return {k: _without_formats(v, names) for k, v in node.items()
            if not (k == "format" and isinstance(v, str) and v in names)}


def _required_only(schema: Any) -> Any:
    """The schema without its optional properties, everywhere: the smallest answers it admits.

    A property is optional only if no schema the instance must satisfy requires it: OpenAI's `Response` is
    `allOf: [ModelResponseProperties, ResponseProperties, {required: [metadata, tools, temperature, …]}]`, the
    properties defined in the first two parts and required in the third. Cut part by part, the definitions were
    gone and the required names were drawn as anything (`"tools": "example"`): an invalid answer. So the names an
    `allOf` group (or a node above its `anyOf`/`oneOf` branches) requires are kept in every part, a part that is a
    `$ref` taking its own copy of the definition when that copy keeps more than the shared one."""
    return _cut(schema, local_resolver(schema), frozenset(), ())


_COMBINATORS = ("allOf", "anyOf", "oneOf")


def _cut(node: Any, resolve: Resolve, wanted: frozenset[str], refs: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_cut(v, resolve, frozenset(), refs) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if wanted and isinstance(ref, str) and ref not in refs and len(refs) < _MAX_SPECIALISED:
        target = resolved(node, resolve)
        if isinstance(target, dict) and target is not node and _keeps_more(target, wanted, resolve):
            own = _cut(target, resolve, wanted, (*refs, ref))
            rest = {k: v for k, v in node.items() if k != "$ref"}
            if not rest:
                return own
            if "allOf" not in rest:
                return {**_cut(rest, resolve, frozenset(), refs), "allOf": [own]}
    required = set(node.get("required") or []) | wanted
    for part in node.get("allOf") or []:
        target = resolved(part, resolve)
        if isinstance(target, dict):
            required.update(r for r in target.get("required") or [] if isinstance(r, str))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            continue
        if key in _COMBINATORS and isinstance(value, list):
            out[key] = [_cut(v, resolve, frozenset(required), refs) for v in value]
        else:
            out[key] = _cut(value, resolve, frozenset(), refs)
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: _cut(v, resolve, frozenset(), refs) for k, v in node["properties"].items()
                             if k in required}
    return out


def _keeps_more(node: Any, wanted: frozenset[str], resolve: Resolve, depth: int = 0) -> bool:
    """Whether `wanted` names a property `node` (or a part of it) defines without requiring it itself."""
    if not isinstance(node, dict) or depth > _MAX_SPECIALISED:
        return False
    own = set(node.get("required") or [])
    if isinstance(node.get("properties"), dict) and (wanted - own) & set(node["properties"]):
        return True
    return any(_keeps_more(resolved(p, resolve), wanted - own, resolve, depth + 1)
               for key in _COMBINATORS for p in node.get(key) or [] if isinstance(node.get(key), list))
