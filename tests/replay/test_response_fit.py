"""`ResponseFit` (can the response schema hold a value sent?) compiles a field's schema with only the defs it
reaches: the same verdicts as with the resource's whole `$defs`, on real resources."""

from __future__ import annotations

import contextlib
from typing import Any

from contract.generate.values import SchemaValues, Unsatisfiable
from contract.load import load_spec
from contract.replay.graph import build_graph
from contract.replay.operations import LiveOperation
from contract.replay.roundtrip import ResponseFit
from contract.validate import CompiledSchema
from tests.conftest import CORPUS, needs_corpus

_ODD: list[Any] = [None, "", "x", 0, -1, 1.5, True, [], [1], {}, {"id": 1}, "2024-01-01", "usd"]


@needs_corpus("stripe-2023-3.0.yaml")
def test_a_field_judged_with_the_defs_it_reaches_is_judged_as_with_all() -> None:
    spec = load_spec(CORPUS / "stripe-2023-3.0.yaml")
    graph = build_graph(spec, [LiveOperation(op) for op in spec.operations if op.path.startswith("/v1/customers")])
    values = SchemaValues(seed=1)
    checked = pruned = 0
    for res in graph.resources[:4]:
        fit = ResponseFit(res.view)
        defs = res.view.root["$defs"]
        for fname, schema in list(res.view.properties.items())[:25]:
            whole = CompiledSchema({**schema, "$defs": defs})
            samples = list(_ODD)
            with contextlib.suppress(Unsatisfiable, RecursionError):  # undrawable: the odd values still apply
                samples.append(values.draw({**schema, "$defs": defs}, fname, full=False))
            for value in samples:
                assert fit(fname, value) == whole.is_valid(value), (res.path, fname, value)
                checked += 1
            pruned += len(fit._compiled[fname].schema["$defs"]) < len(defs)  # type: ignore[union-attr]
    assert checked > 200 and pruned > 10


def test_a_reference_outside_the_defs_keeps_them_all() -> None:
    from contract.replay.roundtrip import _reached_defs
    defs = {"a": {"$ref": "#/$defs/b"}, "b": {"type": "string"}, "c": {"type": "integer"}}
    assert _reached_defs({"items": {"$ref": "#/$defs/a"}}, defs) == {"a": defs["a"], "b": defs["b"]}
    assert _reached_defs({"$ref": "#/properties/x"}, defs) is None
    assert _reached_defs({"$dynamicRef": "#node"}, defs) is None
