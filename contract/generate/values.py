"""One value for one JSON Schema, seeded: what a server emulator answers with.

The case generator draws whole requests; an emulator needs single values (a response
body, a header, a server-generated identifier) that are valid, plain (no edge values:
no empty string, no null where anything else is allowed) and reproducible for a
seed and a key. Same pools as the request generator (:class:`~.strategies.Compiler`),
so an id is a uuid where the schema says ``format: uuid`` and a timestamp is RFC 3339.
"""

from __future__ import annotations

import math
from random import Random
from typing import Any

from contract.generate.draw import derive_seed
from contract.generate.formats import custom_formats
from contract.generate.normalise import Unsatisfiable, formats_in, inline
from contract.generate.strategies import STRICT, Compiler, Context, Gen, Plan

__all__ = ["SchemaValues", "Unsatisfiable"]

_FULL = Plan(optional="all", plain=True)  # every documented field, plain values
_POOL_DRAWS = 4  # hypothesis draws per leaf schema: an answer needs one plain value, not a spread of edges


class SchemaValues:
    """Draws values of JSON Schemas (self-contained, as `Spec.json_schema` gives them), cached per schema object.

    Build the schema once per place and pass the same object each time: generators are
    compiled once per schema object (the pools cost hypothesis draws).
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._gens: dict[tuple[int, str], tuple[Any, Gen]] = {}

    def _gen(self, schema: Any, context: Context, name: str | None) -> Gen:
        key = (id(schema), context)
        hit = self._gens.get(key)
        if hit is not None and hit[0] is schema:
            return hit[1]
        tree = inline(schema)
        formats, unknown = custom_formats(formats_in(tree))
        if unknown:  # a format nobody checks (Discord's `snowflake`): the rest of the schema (a pattern) decides
            tree = _without_formats(tree, frozenset(unknown))
            formats = {k: v for k, v in formats.items() if k not in unknown}
        compiler = Compiler(seed=self.seed, formats=formats, deadline=math.inf, pool_draws=_POOL_DRAWS)
        gen = compiler.gen(tree, name=name, context=context)
        self._gens[key] = (schema, gen)
        return gen

    def draw(self, schema: Any, *parts: object, context: Context = "body", name: str | None = None,
             full: bool = True) -> Any:
        """A valid plain value of `schema`; the same for the same seed and `parts`; raises Unsatisfiable.

        `full`: every optional property present (what a server that knows everything answers).
        """
        rnd = Random(derive_seed(self.seed, *parts))
        return self._gen(schema, context, name).generate(rnd, _FULL if full else STRICT)


def _without_formats(node: Any, names: frozenset[str]) -> Any:
    if isinstance(node, list):
        return [_without_formats(v, names) for v in node]
    if not isinstance(node, dict):
        return node
    return {k: _without_formats(v, names) for k, v in node.items()
            if not (k == "format" and isinstance(v, str) and v in names)}
