"""hypothesis-jsonschema 0.23.1 on today's hypothesis, through the adapter in contract/generate/draw.py.

hypothesis 6.170.10 rewrote the private `conjecture.utils.many` (`while elements.more():` became
`with many(...) as elements: for _ in elements:`); hypothesis-jsonschema's object strategy still calls
`.more()`. These tests fail if the adapter stops working, and `test_the_adapter_is_still_needed` fails
the day a refreshed lock brings a hypothesis-jsonschema (or hypothesis) that no longer needs it.
"""

from __future__ import annotations

import inspect

import hypothesis_jsonschema._from_schema as hjs_from_schema
import jsonschema
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as cu
from hypothesis_jsonschema import from_schema

from contract.generate.draw import MANY_ADAPTED, Drawer

OBJECT = {"type": "object", "required": ["id"], "minProperties": 2, "maxProperties": 3, "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
    "note": {"type": "string"}}, "additionalProperties": False}


def test_the_adapter_is_applied_exactly_when_hypothesis_lacks_more() -> None:
    assert (not hasattr(cu.many, "more")) == MANY_ADAPTED
    assert (hjs_from_schema.cu is not cu) == MANY_ADAPTED
    assert cu.many.__module__ == "hypothesis.internal.conjecture.utils"  # hypothesis's own class is untouched


def test_the_adapter_is_still_needed() -> None:
    """Fails when the adapter can be deleted: then remove `_ManyWithMore` from draw.py and this test."""
    still_calls_more = "elements.more()" in inspect.getsource(hjs_from_schema)
    assert still_calls_more, "hypothesis-jsonschema no longer calls many.more(): drop the adapter in draw.py"
    assert not hasattr(cu.many, "more"), "hypothesis has many.more() again: drop the adapter in draw.py"


def test_objects_shrink_through_hypothesis_engine() -> None:
    found = find(from_schema(OBJECT), lambda v: "name" in v, settings=settings(database=None, max_examples=200))
    assert found == {"id": 0, "name": ""}


def test_objects_drawn_outside_the_engine_respect_the_size_bounds() -> None:
    drawn = Drawer(1).draw_many(from_schema(OBJECT), 60)
    assert len(drawn) == 60
    validator = jsonschema.Draft202012Validator(OBJECT)
    assert all(validator.is_valid(v) for v in drawn)
    assert {len(v) for v in drawn} == {2, 3}


@settings(database=None, max_examples=50, derandomize=True)
@given(value=from_schema({"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False}),
       items=st.lists(st.integers(), min_size=1, max_size=4))
def test_hypothesis_own_collections_still_work_beside_it(value: dict[str, int], items: list[int]) -> None:
    assert set(value) <= {"a"} and 1 <= len(items) <= 4
