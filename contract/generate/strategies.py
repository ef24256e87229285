"""Generators compiled once per operation from the normalised schema.

Drawing a whole request body through hypothesis costs ~100 µs per leaf value
(a ConjectureData per draw, spans, filters): a 30-field body caps out near a
hundred cases per second. So hypothesis (through hypothesis-jsonschema, with our
format strategies) fills a *pool* of values once per distinct leaf schema, and
bodies are assembled from the pools with a seeded `random.Random`: structure
(optional fields, array sizes, branches) varies per case for microseconds.

Each pool mixes three kinds of value: realistic ones for known shapes (formats,
well-known field names), edges (empty and boundary-length strings, unicode,
bounds and large numbers, null where nullable, every enum member) and
hypothesis's own draws. Subschemas whose structure the assembler does not model
(patternProperties, dependencies, minProperties, ...) become pools of whole
values drawn by hypothesis-jsonschema, filtered through the validator.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Any, Literal

from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning
from hypothesis_jsonschema import from_schema

from contract.generate.draw import Drawer, derive_seed
from contract.generate.formats import hint_for, is_header_value, realistic_strings
from contract.generate.normalise import Unsatisfiable, to_hypothesis
from contract.validate import CompiledSchema, coerce

__all__ = ["STRICT", "BudgetExceeded", "Compiler", "Context", "Gen", "Plan", "Pools", "canonical", "distinct_items", "is_plain",
           "json_safe", "wire"]

Context = Literal["body", "header", "query", "path", "cookie"]

POOL_DRAWS = 24  # hypothesis draws per distinct leaf schema
_STRUCTURAL = frozenset({
    "properties", "patternProperties", "additionalProperties", "items", "prefixItems", "contains", "required",
    "minProperties", "maxProperties", "dependentRequired", "dependentSchemas", "propertyNames", "minItems",
    "maxItems", "uniqueItems", "unevaluatedProperties", "unevaluatedItems",
})
_OBJECT_KEYS = frozenset({"type", "properties", "required", "additionalProperties"})
_ARRAY_KEYS = frozenset({"type", "items", "prefixItems", "minItems", "maxItems", "uniqueItems"})


class BudgetExceeded(Exception):
    """The operation's time budget ran out."""


@dataclass(frozen=True, slots=True)
class Plan:
    """How one case explores: `sweep` walks every edge, `optional` sets which optional fields appear.

    `plain` is the view the conforming part of a violating case is drawn in: no edges at all
    (no null where anything else is allowed, no empty or boundary-length string, no empty
    array, no huge or tiny number: every reading of a field accepts such a value, where an
    edge is exactly where readings differ — is "" a value or a deletion, is null allowed),
    and array items pairwise distinct in every scalar part (an array of ``{key, value}``
    may be read as a map, a list of strings as a set: a duplicate would change the count).
    """

    sweep: int | None = None
    optional: Literal["all", "none", "random"] = "random"
    realistic: bool = False
    plain: bool = False


RANDOM = Plan()
STRICT = Plan(plain=True)  # the conforming part of violating cases


_PLAIN_MAX_LENGTH = 40
_PLAIN_MAX_NUMBER = 10**6


def is_plain(value: Any, depth: int = 0) -> bool:
    """Not an edge: no null, a string of 1 to 40 characters (no control characters, no outer blanks), a number
    neither huge nor tiny, a non-empty array, containers of plain values."""
    if value is None:
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, int | float):
        return abs(value) <= _PLAIN_MAX_NUMBER and (value == 0 or abs(value) >= 1e-3)
    if isinstance(value, str):
        return (0 < len(value) <= _PLAIN_MAX_LENGTH and value == value.strip()
                and not any(ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 or 0xd800 <= ord(c) < 0xe000 for c in value))
    if depth > 8:
        return True
    if isinstance(value, list):
        return bool(value) and all(is_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(is_plain(v, depth + 1) for v in value.values())
    return True


def canonical(value: Any) -> str:
    """Identity of a JSON value for uniqueness (1 and True differ, key order does not)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str) + type(value).__name__


def json_safe(value: Any) -> bool:
    """JSON-serialisable as UTF-8 and unchanged by a round trip (no NaN, no lone surrogates, no tuples)."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError):
        return False
    return json.loads(text) == value


def wire(value: Any) -> str:
    """A parameter value as it travels in a header, path or query string (simple/form style)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return ",".join(wire(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{wire(v)}" for k, v in value.items())
    return str(value)


def _scalar_key(v: Any) -> tuple[str, Any]:
    """A cheap identity of a JSON scalar (1 and 1.0 alike, 1 and true not)."""
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int | float):
        return ("n", float(v))
    return ("s", v) if isinstance(v, str) else ("z", None)


def _slots(value: Any) -> dict[str, tuple[str, Any]]:
    """The scalar parts of an array item that a keyed or set reading compares: the item, or its properties."""
    if isinstance(value, dict):
        return {k: _scalar_key(v) for k, v in value.items() if not isinstance(v, dict | list)}
    if isinstance(value, list):
        return {}
    return {"": _scalar_key(value)}


def _vary(v: Any, n: int) -> list[Any]:
    """Scalar `v` made unique by `n` (a suffix or an offset), most readable first."""
    if isinstance(v, bool) or v is None:
        return []
    if isinstance(v, int | float):
        return [v + n, v + 100 * n]
    if isinstance(v, str):
        tag = str(n)
        return [f"{v}{tag}", f"{v}_{tag}", f"{v[:max(1, len(v) - len(tag))]}{tag}", f"{tag}{v}", tag]
    return []


def distinct_items(gen: Gen, ok: Callable[[Any], bool] | None, existing: list[Any], n: int, rnd: Random,
                   plan: Plan, *, unique: bool = False, tries: int = 20) -> list[Any]:
    """Up to `n` more items of `gen`, differing from `existing` and from each other in every scalar part
    they can.

    A clashing part is made unique (``example`` → ``example2``, 42 → 44) where the item schema
    (`ok`) accepts that; a part that cannot vary (an enum, a boolean) may clash. Only uniqueItems
    is a hard requirement: a duplicate item is drawn again, up to `tries` times; fewer than `n`
    items come back when no more unique ones can be had.
    """
    if n <= 0:
        return []
    seen: dict[str, set[tuple[str, Any]]] = {}
    whole: set[str] = set()

    def remember(v: Any) -> None:
        if unique:
            whole.add(canonical(v))
        for k, c in _slots(v).items():
            seen.setdefault(k, set()).add(c)

    def repaired(value: Any, index: int) -> Any:
        for slot, key in _slots(value).items():
            if key not in seen.get(slot, ()):
                continue
            current = value if slot == "" else value[slot]
            for option in _vary(current, index):
                candidate = option if slot == "" else {**value, slot: option}
                if _scalar_key(option) not in seen.get(slot, ()) and (ok is None or ok(candidate)):
                    value = candidate
                    break
        return value

    for v in existing:
        remember(v)
    out: list[Any] = []
    for _ in range(n):
        value: Any = None
        for _attempt in range(tries):
            value = repaired(gen.generate(rnd, plan), len(existing) + len(out) + 1)
            if not unique or canonical(value) not in whole:
                break
        else:
            return out
        remember(value)
        out.append(value)
    return out


class Gen:
    """Produces one value of a schema per call."""

    nullable: bool = False

    def generate(self, rnd: Random, plan: Plan = RANDOM, nonnull: bool = False) -> Any:
        raise NotImplementedError


class PoolGen(Gen):
    __slots__ = ("drawn", "edges", "nn_drawn", "nn_edges", "nn_realistic", "nullable", "plain", "preferred",
                 "realistic")

    def __init__(self, realistic: list[Any], drawn: list[Any], edges: list[Any],
                 preferred: list[Any] | None = None) -> None:
        self.realistic, self.drawn, self.edges = realistic, drawn, edges
        self.preferred = [v for v in preferred or realistic[:3] if v is not None]
        self.nn_realistic = [v for v in realistic if v is not None]
        self.nn_drawn = [v for v in drawn if v is not None]
        self.nn_edges = [v for v in edges if v is not None]
        self.nullable = any(v is None for v in (*realistic, *drawn, *edges))
        # plain: the first non-empty of preferred, realistic, drawn, edge values that are not edges themselves
        plain: list[Any] = []
        for pool in (self.preferred, self.nn_realistic, self.nn_drawn, self.nn_edges):
            plain = plain or [v for v in pool if is_plain(v)]
        self.plain = plain or self.nn_realistic or self.nn_drawn or self.nn_edges

    @property
    def empty(self) -> bool:
        return not (self.realistic or self.drawn or self.edges)

    def generate(self, rnd: Random, plan: Plan = RANDOM, nonnull: bool = False) -> Any:
        if plan.plain:
            if self.plain:
                return rnd.choice(self.plain)
            if self.nullable:
                return None  # a null-only schema: null is its plain value
            raise Unsatisfiable("no non-null value")
        realistic, drawn, edges = ((self.nn_realistic, self.nn_drawn, self.nn_edges) if nonnull
                                   else (self.realistic, self.drawn, self.edges))
        if plan.sweep is not None and edges:
            return edges[plan.sweep % len(edges)]
        if plan.realistic and (self.preferred or realistic):
            return rnd.choice(self.preferred or realistic)
        r = rnd.random()
        for pool in ((edges, drawn, realistic) if r < 0.15 else (realistic, drawn, edges) if r < 0.6
                     else (drawn, realistic, edges)):
            if pool:
                return rnd.choice(pool)
        raise Unsatisfiable("no non-null value")


class ObjectGen(Gen):
    __slots__ = ("nullable", "props")

    def __init__(self, props: list[tuple[str, Gen, bool]], nullable: bool) -> None:
        self.props = props
        self.nullable = nullable

    def generate(self, rnd: Random, plan: Plan = RANDOM, nonnull: bool = False) -> Any:
        if self.nullable and not nonnull and not plan.plain and (
                (plan.sweep is not None and plan.sweep % 4 == 3) or (plan.sweep is None and rnd.random() < 0.03)):
            return None
        out: dict[str, Any] = {}
        for name, gen, required in self.props:
            if not required and (plan.optional == "none"
                                 or (plan.optional == "random" and rnd.random() < 0.5)):
                continue
            out[name] = gen.generate(rnd, plan)
        return out


class ArrayGen(Gen):
    __slots__ = ("item", "item_ok", "max", "min", "nullable", "prefix", "unique")

    def __init__(self, item: Gen | None, prefix: list[Gen], lo: int, hi: int, unique: bool,
                 nullable: bool, item_ok: Callable[[Any], bool] | None = None) -> None:
        self.item, self.prefix, self.min, self.max = item, prefix, lo, hi
        self.unique, self.nullable = unique, nullable
        self.item_ok = item_ok  # validity of one item (wire legality included): for distinct variants

    def size(self, rnd: Random, plan: Plan) -> int:
        if plan.plain:
            lo = max(self.min, min(1, self.max))  # not empty unless nothing else is allowed
            return min(self.max, lo + rnd.choice((0, 0, 1, 2)))
        if plan.optional == "none":
            return self.min
        if plan.realistic:
            return min(self.max, max(self.min, 1))
        if plan.sweep is not None:
            return self.min if plan.sweep % 2 else min(self.max, self.min + 3)
        return min(self.max, self.min + rnd.choice((0, 1, 1, 2, 2, 3, 4)))

    def generate(self, rnd: Random, plan: Plan = RANDOM, nonnull: bool = False) -> Any:
        if self.nullable and not nonnull and not plan.plain and (
                (plan.sweep is not None and plan.sweep % 4 == 3) or (plan.sweep is None and rnd.random() < 0.03)):
            return None
        return self.extend([], self.size(rnd, plan), rnd, plan)

    def extend(self, out: list[Any], size: int, rnd: Random, plan: Plan = RANDOM) -> list[Any]:
        """Append items until `size` (fewer if uniqueness cannot be had)."""
        if plan.plain and len(out) >= len(self.prefix) and self.item is not None:
            out = out + distinct_items(self.item, self.item_ok, out, size - len(out), rnd, plan, unique=self.unique)
            if len(out) >= size:
                return out
        seen = {canonical(v) for v in out} if self.unique else set()
        misses = 0
        while len(out) < size and misses < 20:
            i = len(out)
            gen = self.prefix[i] if i < len(self.prefix) else self.item
            if gen is None:
                break
            if plan.plain and i >= len(self.prefix):  # no more plain unique items: any other, not null
                value = gen.generate(rnd, RANDOM, nonnull=True)
            else:
                value = gen.generate(rnd, plan if misses == 0 else RANDOM)
            if self.unique:
                key = canonical(value)
                if key in seen:
                    misses += 1
                    continue
                seen.add(key)
            out.append(value)
        return out


class ChoiceGen(Gen):
    __slots__ = ("branches", "check", "nullable")

    def __init__(self, branches: list[Gen], check: CompiledSchema | None) -> None:
        self.branches, self.check = branches, check
        self.nullable = any(b.nullable for b in branches)

    def generate(self, rnd: Random, plan: Plan = RANDOM, nonnull: bool = False) -> Any:
        value = None
        nonnull = nonnull or plan.plain  # a null branch is plain only when it is all there is
        for attempt in range(6):
            if plan.sweep is not None and attempt == 0:
                gen = self.branches[plan.sweep % len(self.branches)]
            else:
                gen = rnd.choice(self.branches)
            value = gen.generate(rnd, plan if attempt == 0 or plan.plain else RANDOM, nonnull)
            if (self.check is None or self.check.is_valid(value)) and not (nonnull and value is None):
                return value
        return value


class Pools:
    """Hypothesis's work, shared by every Compiler given the same one (a run's operations, an emulator's answers).

    A pool depends only on the seed, the subschema's text, the context and how many values are
    drawn, so an operation whose leaf schema another already drew (Stripe's `expand`, Box's
    `fields`, a response schema every operation of a resource returns) gets the very same values
    without hypothesis-jsonschema canonicalising and drawing them again: sharing changes no value.
    """

    def __init__(self) -> None:
        self.strategies: dict[tuple[str, str], st.SearchStrategy[Any]] = {}
        self.drawn: dict[tuple[int, str, str, int], list[Any]] = {}


class Compiler:
    """Compiles (and caches) generators and validators for the schemas of one operation."""

    def __init__(self, *, seed: int, formats: dict[str, st.SearchStrategy[str]], deadline: float,
                 pool_draws: int = POOL_DRAWS, pools: Pools | None = None) -> None:
        self.seed = seed
        self.formats = formats
        self.deadline = deadline
        self.pool_draws = pool_draws
        self.max_edges = 1  # the longest edge list: how many sweep cases reach every edge
        self._gens: dict[tuple[int, str | None, str], Gen] = {}
        self._compiled: dict[int, tuple[Any, CompiledSchema]] = {}
        self.pools = pools if pools is not None else Pools()
        self._keep: list[Any] = []  # schemas whose id() is a cache key stay alive

    # -- validators ---------------------------------------------------------------------

    def compiled(self, schema: Any) -> CompiledSchema:
        hit = self._compiled.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        body = schema if isinstance(schema, dict) else ({} if schema else {"not": {}})
        compiled = CompiledSchema(body)
        self._compiled[id(schema)] = (schema, compiled)
        return compiled

    def check_budget(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded

    # -- generators ---------------------------------------------------------------------

    def gen(self, schema: Any, *, name: str | None = None, context: Context = "body") -> Gen:
        hint = hint_for(name) if _leafish_string(schema) else None
        key = (id(schema), hint, context)
        hit = self._gens.get(key)
        if hit is not None:
            return hit
        self._keep.append(schema)
        gen = self._build(schema, name, hint, context)
        self._gens[key] = gen
        return gen

    def _build(self, schema: Any, name: str | None, hint: str | None, context: Context) -> Gen:
        self.check_budget()
        if schema is False:
            raise Unsatisfiable("a subschema admits nothing (`false`)")
        if schema is True or not isinstance(schema, dict):
            schema = {}
        if is_leaf(schema):
            return self._pool(schema, hint, context)
        keys = set(schema)
        if keys in ({"anyOf"}, {"oneOf"}):
            return self._choice(schema, schema, name, context)
        distributed = _distributed(schema)
        if distributed is not None:
            self._keep.append(distributed)
            choice = self._choice(distributed, schema, name, context)
            check = self.compiled(schema)
            kept = [b for b in choice.branches if _always_valid(b, check)]
            return ChoiceGen(kept, check) if kept else self._fallback(schema, context)
        if "allOf" in keys:
            merged = _merge_all_of(schema)
            if merged is not None:
                self._keep.append(merged)
                return self.gen(merged, name=name, context=context)
            return self._fallback(schema, context)
        types = _types(schema)
        if keys <= _OBJECT_KEYS and types <= {"object", "null"} and "object" in types | ({"object"} if not
                                                                                          schema.get("type") else set()):
            return self._object(schema, context)
        if keys <= _ARRAY_KEYS and types <= {"array", "null"} and schema.get("type") is not None:
            return self._array(schema, name, context)
        return self._fallback(schema, context)

    def _choice(self, node: dict[str, Any], whole: dict[str, Any], name: str | None, context: Context) -> ChoiceGen:
        """`node` is `{anyOf|oneOf: branches}`; a value of a branch is checked against `whole` for `oneOf`."""
        comb = next(iter(node))
        branches = []
        for b in node[comb]:
            try:
                branches.append(self.gen(b, name=name, context=context))
            except Unsatisfiable:
                continue
        if not branches:
            raise Unsatisfiable(f"no branch of {comb} can be generated")
        return ChoiceGen(branches, self.compiled(whole) if comb == "oneOf" else None)

    def _object(self, schema: dict[str, Any], context: Context) -> Gen:
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        props_schema = schema.get("properties") or {}
        props: list[tuple[str, Gen, bool]] = []
        for pname, sub in props_schema.items():
            is_required = pname in required
            if sub is False:
                if is_required:
                    raise Unsatisfiable(f"required property {pname!r} admits nothing")
                continue
            try:
                props.append((pname, self.gen(sub, name=pname, context=context), is_required))
            except Unsatisfiable:
                if is_required:
                    raise
        for pname in required:
            if pname not in props_schema:
                extra = schema.get("additionalProperties", True)
                if extra is False:
                    raise Unsatisfiable(f"required property {pname!r} is not allowed")
                props.append((pname, self.gen(extra if isinstance(extra, dict) else {}, name=pname,
                                              context=context), True))
        return ObjectGen(props, "null" in _types(schema))

    def _array(self, schema: dict[str, Any], name: str | None, context: Context) -> Gen:
        items = schema.get("items", True)
        prefix = [self.gen(s, name=name, context=context) for s in schema.get("prefixItems") or []]
        item = None if items is False else self.gen(items if isinstance(items, dict) else {}, name=name,
                                                    context=context)
        lo = int(schema.get("minItems") or 0)
        hi_raw = schema.get("maxItems")
        hi = int(hi_raw) if isinstance(hi_raw, int | float) else lo + 6
        if item is None:
            hi = min(hi, len(prefix))
        if lo > hi:
            raise Unsatisfiable(f"minItems {lo} > maxItems {hi}")
        item_ok = self.item_check(items, context) if item is not None else None
        return ArrayGen(item, prefix, lo, hi, bool(schema.get("uniqueItems")), "null" in _types(schema), item_ok)

    def item_check(self, items: Any, context: Context = "body") -> Callable[[Any], bool]:
        """Whether a value is a valid array item of `items` (as it travels, outside the body)."""
        if items is False:
            return lambda v: False
        return self._valid(items if isinstance(items, dict) else {}, context)

    # -- pools --------------------------------------------------------------------------

    def _strategy(self, schema: Any, context: Context) -> st.SearchStrategy[Any]:
        key = (json.dumps(schema, sort_keys=True, default=str), context)
        strat = self.pools.strategies.get(key)
        if strat is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", HypothesisWarning)
                strat = from_schema(to_hypothesis(schema), custom_formats=self.formats, allow_x00=False,
                                    codec="ascii" if context in ("header", "cookie") else "utf-8")
            self.pools.strategies[key] = strat
        return strat

    def _draw(self, schema: Any, context: Context, n: int, ok: Any) -> list[Any]:
        text = json.dumps(schema, sort_keys=True, default=str)
        key = (self.seed, text, context, n)
        hit = self.pools.drawn.get(key)
        if hit is not None:
            return hit
        out = self._draw_new(schema, text, context, n, ok)
        self.pools.drawn[key] = out
        return out

    def _draw_new(self, schema: Any, text: str, context: Context, n: int, ok: Any) -> list[Any]:
        drawer = Drawer(derive_seed(self.seed, "pool", text, context))
        strategy = self._strategy(schema, context)
        out: list[Any] = []
        for _ in range(3 * n):
            if len(out) >= n:
                break
            self.check_budget()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", HypothesisWarning)
                    value = drawer.draw(strategy)
            except Exception:  # hypothesis-jsonschema gave up on this schema (bad regex, ...)
                break
            if ok(value):
                out.append(value)
        return out

    def _valid(self, schema: dict[str, Any], context: Context) -> Any:
        compiled = self.compiled(schema)
        if context == "body":
            return lambda v: json_safe(v) and compiled.is_valid(v)

        def ok(v: Any) -> bool:
            if not json_safe(v) or isinstance(v, dict):
                return False
            text = wire(v)
            if context in ("header", "cookie") and not is_header_value(text):
                return False
            if context == "path" and text in ("", ".", ".."):
                return False
            if context == "cookie" and any(c in text for c in ";,"):
                return False
            return compiled.is_valid(coerce(text, schema))

        return ok

    def _pool(self, schema: dict[str, Any], hint: str | None, context: Context) -> PoolGen:
        ok = self._valid(schema, context)
        edges = _dedupe([v for v in edge_values(schema) if ok(v)])
        if "enum" in schema or "const" in schema:
            pool = PoolGen([], [], edges, [v for v in edges if v is not None])
        else:
            realistic = _dedupe([v for v in _realistic(schema, hint) if ok(v)])
            drawn = self._draw(schema, context, self.pool_draws, ok)
            hinted = [v for v in realistic_strings(hint)[:-len(realistic_strings(None))] if ok(v)] if hint else []
            pool = PoolGen(realistic, drawn, edges, hinted or (None if realistic else drawn[:3]))
        if pool.empty:
            raise Unsatisfiable(f"no value found for {json.dumps(schema, default=str)[:120]}")
        self.max_edges = max(self.max_edges, len(edges))
        return pool

    def _fallback(self, schema: dict[str, Any], context: Context) -> PoolGen:
        ok = self._valid(schema, context)
        drawn = _dedupe(self._draw(schema, context, self.pool_draws, ok))
        if not drawn:
            raise Unsatisfiable(f"hypothesis-jsonschema found no valid value for "
                                f"{json.dumps(schema, default=str)[:120]}")
        return PoolGen([], drawn, [])


# --------------------------------------------------------------------------- schema helpers


def _types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


def is_leaf(schema: Any) -> bool:
    """No object/array structure anywhere inside: one pool of values can stand for it."""
    if not isinstance(schema, dict):
        return True
    if "enum" in schema or "const" in schema:
        return True
    if _STRUCTURAL & set(schema):
        return False
    for key in ("allOf", "anyOf", "oneOf"):
        if any(not is_leaf(s) for s in schema.get(key) or []):
            return False
    return all(is_leaf(schema.get(k)) for k in ("not", "if", "then", "else"))


def _leafish_string(schema: Any) -> bool:
    return isinstance(schema, dict) and is_leaf(schema) and "enum" not in schema and (
        "string" in _types(schema) or any("string" in _types(b) for b in schema.get("anyOf") or []
                                          if isinstance(b, dict)))


_PROBES = 6


def _always_valid(gen: Gen, check: CompiledSchema) -> bool:
    """Whether a few values of `gen`, in the plain and the random view, all pass `check`. A `oneOf` branch another
    overlaps (Box's event `source`: a User is also a valid generic source) gives values `oneOf` refuses: it is left
    out, and when every branch is, the whole schema is drawn as one pool, filtered through the validator."""
    rnd = Random(0)
    return all(check.is_valid(gen.generate(rnd, plan)) for plan in (STRICT, RANDOM) for _ in range(_PROBES))


def _distributed(schema: dict[str, Any]) -> dict[str, Any] | None:
    """`{type: object, properties…, oneOf: [B1, B2]}` → `{oneOf: [allOf[siblings, B1], allOf[siblings, B2]]}`.

    The same instances (a value meets the siblings and exactly one, or at least one, branch), but
    each branch is assembled from its own structure instead of the whole schema being one pool
    drawn by hypothesis-jsonschema, which canonicalises every branch together: seconds for Box's
    `{type: object, oneOf: [File, Folder, WebLink]}` items (GET /search, /recent_items, /events),
    the same shape as OpenAI's and Stripe's typed unions. Only object/array siblings are moved in;
    None when there is nothing to distribute.
    """
    combs = [k for k in ("anyOf", "oneOf") if k in schema]
    if len(combs) != 1 or not isinstance(schema[combs[0]], list):
        return None
    siblings = {k: v for k, v in schema.items() if k != combs[0]}
    if not siblings or not set(siblings) <= _OBJECT_KEYS | _ARRAY_KEYS:
        return None
    return {combs[0]: [{"allOf": [siblings, branch]} for branch in schema[combs[0]]]}


def _merge_all_of(schema: dict[str, Any]) -> dict[str, Any] | None:
    """allOf of plain object schemas → one object schema; None when not that simple."""
    parts: list[dict[str, Any]] = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            return None
        rest = {k: v for k, v in node.items() if k != "allOf"}
        stack.extend(reversed(node.get("allOf") or []))
        if rest:
            parts.append(rest)
    if not parts:
        return {}
    if len(parts) == 1:
        return parts[0]
    props: dict[str, Any] = {}
    required: list[str] = []
    for part in parts:
        if not set(part) <= _OBJECT_KEYS or part.get("type", "object") != "object":
            return None
        if part.get("additionalProperties", True) is not True:
            return None
        for name, sub in (part.get("properties") or {}).items():
            props[name] = {"allOf": [props[name], sub]} if name in props else sub
        required += [r for r in part.get("required") or [] if r not in required]
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


def _dedupe(values: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for v in values:
        key = canonical(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _bounds(schema: dict[str, Any]) -> tuple[float | None, float | None]:
    lo = schema.get("minimum")
    hi = schema.get("maximum")
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        lo = schema["exclusiveMinimum"] if lo is None else max(lo, schema["exclusiveMinimum"])
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        hi = schema["exclusiveMaximum"] if hi is None else min(hi, schema["exclusiveMaximum"])
    return lo, hi


def edge_values(schema: dict[str, Any]) -> list[Any]:
    """Boundary and unusual values worth one case each (unfiltered: the caller keeps the valid ones)."""
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    types = _types(schema) or {"string", "integer", "number", "boolean", "null"}
    for b in schema.get("anyOf") or schema.get("oneOf") or []:
        if isinstance(b, dict):
            types |= _types(b)
    out: list[Any] = []
    if "null" in types:
        out.append(None)
    if "string" in types:
        lo = int(schema.get("minLength") or 0)
        hi = schema.get("maxLength")
        out += ["", "a" * lo, "é" * max(lo, 1), "Zoë 😀 字", " padded ", "x" * 256]
        if isinstance(hi, int) and hi < 5000:
            out += ["a" * hi, "字" * hi, "😀" * hi]
    if types & {"integer", "number"}:
        bounds = _bounds(schema)
        nums: list[Any] = [0, 1, -1, 2**31 - 1, 2**31, -(2**31) - 1, 2**53 + 1, 10**15]
        for b in bounds:
            if isinstance(b, int | float):
                nums += [b, b + 1, b - 1]
        if "number" in types:
            nums += [0.5, -1.5, 1e-7, 1.5e300]
            for b in bounds:
                if isinstance(b, int | float):
                    nums += [b + 0.5, b - 0.5]
        m = schema.get("multipleOf")
        if isinstance(m, int | float) and m > 0:
            nums += [m, 3 * m]
            for b in bounds:
                if isinstance(b, int | float):
                    k = int(b // m)
                    nums += [k * m, (k + 1) * m]
        if "number" not in types:
            nums = [int(n) for n in nums if float(n).is_integer()]
        out += nums
    if "boolean" in types:
        out += [True, False]
    if "object" in types:
        out.append({})
    if "array" in types:
        out.append([])
    return out


def _realistic(schema: dict[str, Any], hint: str | None) -> list[Any]:
    types = _types(schema) or {"string", "integer", "boolean"}
    out: list[Any] = []
    if "string" in types and "format" not in schema and "pattern" not in schema:
        out += list(realistic_strings(hint))
    if "integer" in types or "number" in types:
        out += [1, 42, 100, 2024]
    if "number" in types:
        out += [0.5, 9.99, 3.14]
    if "boolean" in types:
        out += [True, False]
    if "object" in types:
        out += [{"key": "value"}, {"id": 1, "enabled": True}]
    if "array" in types:
        out += [["example"], [1, 2, 3]]
    return out
