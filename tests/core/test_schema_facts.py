"""contract.core.schema_facts: $ref chains, effective keywords through combinators, JSON types."""

from __future__ import annotations

from typing import Any

import pytest

from contract.core.schema_facts import (
    MAX_REF_HOPS,
    Stated,
    allowed_types,
    applies,
    deref,
    effective,
    json_type,
    local_resolver,
    resolved,
    subject_schema,
)


def _resolver(defs: dict[str, Any]):
    """Refs written as in a loaded spec: `#/components/schemas/X`."""
    return local_resolver({"components": {"schemas": defs}})


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# --------------------------------------------------------------------------- deref


def test_deref_follows_a_chain():
    resolve = _resolver({"A": _ref("B"), "B": _ref("C"), "C": {"type": "string"}})
    d = deref(_ref("A"), resolve)
    assert d.value == {"type": "string"} and d.broken is None
    assert d.refs == ("#/components/schemas/A", "#/components/schemas/B", "#/components/schemas/C")
    assert d.ref == "#/components/schemas/C"
    assert d.holders == (_ref("A"), _ref("B"), _ref("C"))


def test_deref_of_a_non_reference_is_itself():
    node = {"type": "integer"}
    d = deref(node, _resolver({}))
    assert d.value is node and d.refs == () and d.ref is None and d.broken is None
    assert deref(None, _resolver({})).value is None


@pytest.mark.parametrize("defs", [{"A": _ref("A")}, {"A": _ref("B"), "B": _ref("A")}])
def test_deref_stops_at_a_cycle(defs):
    d = deref(_ref("A"), _resolver(defs))
    assert d.broken == "cycle"
    assert d.value["$ref"] == "#/components/schemas/A"  # the reference it did not follow again
    assert resolved(_ref("A"), _resolver(defs)) == d.value


def test_deref_hop_limit():
    n = MAX_REF_HOPS  # S1 → S2 → ... → Sn → the string schema: n references in all
    defs = {f"S{i}": _ref(f"S{i + 1}") for i in range(1, n)} | {f"S{n}": {"type": "string"}}
    d = deref(_ref("S1"), _resolver(defs))
    assert d.value == {"type": "string"} and len(d.refs) == n and d.broken is None
    d = deref({"$ref": "#/components/schemas/S0"}, _resolver(defs | {"S0": _ref("S1")}))  # one more
    assert d.broken == "cycle" and len(d.refs) == n and d.value == _ref(f"S{n}")
    d = deref(_ref("S1"), _resolver(defs), max_hops=2)
    assert d.broken == "cycle" and d.refs == ("#/components/schemas/S1", "#/components/schemas/S2")


def test_deref_unresolvable():
    resolve = _resolver({"A": _ref("Nope")})
    d = deref(_ref("A"), resolve)
    assert d.broken == "unresolvable" and d.value == _ref("Nope") and d.ref == "#/components/schemas/A"
    assert resolved(_ref("A"), resolve) == {}


def test_local_resolver():
    root = {"$defs": {"a/b": {"type": "string"}}, "type": "object"}
    resolve = local_resolver(root)
    assert resolve("#/$defs/a~1b") == {"type": "string"}
    assert resolve("#") is root
    for ref in ("#/$defs/missing", "other.json#/x", "#anchor"):
        with pytest.raises(LookupError):
            resolve(ref)


# --------------------------------------------------------------------------- effective: allOf


def _value(schema: Any, keyword: str, defs: dict[str, Any] | None = None, **kw: Any) -> Any:
    found = effective(schema, keyword, _resolver(defs or {}), **kw)
    return None if found is None else found.value


def test_own_keyword():
    assert _value({"maxLength": 5}, "maxLength") == 5
    assert _value({"type": "string"}, "maxLength") is None


def test_allof_every_branch_applies_tightest_bounds():
    schema = {"minLength": 1, "maxLength": 50,
              "allOf": [{"minLength": 3, "maxLength": 80}, {"minLength": 2, "maxLength": 30}]}
    assert _value(schema, "minLength") == 3  # the largest minimum
    assert _value(schema, "maxLength") == 30  # the smallest maximum
    assert _value({"allOf": [{"minimum": 0}, {"minimum": 10}, {"maximum": 5}]}, "minimum") == 10
    assert _value({"allOf": [{"maximum": 7}, {}, {"maximum": 9.5}]}, "maximum") == 7


def test_allof_keyword_in_only_some_branches_applies():
    assert _value({"allOf": [{"type": "string"}, {"maxLength": 9}]}, "maxLength") == 9
    assert _value({"allOf": [{}, {"pattern": "^a"}]}, "pattern") == "^a"


def test_allof_other_keywords_first_stated():
    schema = {"format": "uuid", "allOf": [{"format": "email"}]}
    assert _value(schema, "format") == "uuid"
    assert _value({"allOf": [{"enum": [1, 2]}, {"enum": [2]}]}, "enum") == [1, 2]


# --------------------------------------------------------------------------- effective: oneOf / anyOf


@pytest.mark.parametrize("comb", ["oneOf", "anyOf"])
def test_alternatives_loosest_bound_when_every_branch_states_one(comb):
    assert _value({comb: [{"minimum": 5}, {"minimum": 2}, {"minimum": 9}]}, "minimum") == 2  # smallest
    assert _value({comb: [{"maximum": 5}, {"maximum": 20}]}, "maximum") == 20  # largest
    assert _value({comb: [{"minLength": 5}, {"minLength": 2}]}, "minLength") == 2
    assert _value({comb: [{"maxItems": 3}, {"maxItems": 4}]}, "maxItems") == 4


@pytest.mark.parametrize("comb", ["oneOf", "anyOf"])
def test_alternatives_keyword_in_only_some_branches_is_no_guarantee(comb):
    assert _value({comb: [{"minimum": 5}, {"type": "number"}]}, "minimum") is None
    assert _value({comb: [{"type": "string", "maxLength": 5}, {"type": "string"}]}, "maxLength") is None


@pytest.mark.parametrize("comb", ["oneOf", "anyOf"])
def test_alternatives_non_bounds_only_when_all_agree(comb):
    assert _value({comb: [{"pattern": "^a"}, {"pattern": "^a"}]}, "pattern") == "^a"
    assert _value({comb: [{"pattern": "^a"}, {"pattern": "^b"}]}, "pattern") is None
    assert _value({comb: [{"format": "uuid"}, {"format": "email"}]}, "format") is None
    assert _value({comb: [{"enum": ["x"]}, {"enum": ["x"]}]}, "enum") == ["x"]
    assert _value({comb: [{"enum": ["x"]}, {"enum": ["y"]}]}, "enum") is None


def test_alternatives_only_count_branches_the_keyword_applies_to():
    schema = {"oneOf": [{"type": "string", "maxLength": 5}, {"type": "integer"}, {"type": "null"}]}
    assert _value(schema, "maxLength") == 5  # a length limit cannot apply to an integer or null
    assert _value({"anyOf": [{"type": "array", "maxItems": 3}, {"type": "object"}]}, "maxItems") == 3
    # A branch without a type may be a string: no guarantee.
    assert _value({"oneOf": [{"type": "string", "maxLength": 5}, {"properties": {}}]}, "maxLength") is None
    # A branch whose type comes through allOf counts as typed.
    assert _value({"oneOf": [{"maxLength": 5}, {"allOf": [{"type": "integer"}]}]}, "maxLength") == 5
    # No branch a length applies to: nothing.
    assert _value({"oneOf": [{"type": "integer"}, {"type": "boolean"}]}, "maxLength") is None
    # minimum is not filtered by type (every branch counts).
    assert _value({"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]}, "minimum") is None


def test_allof_and_alternatives_together():
    schema = {"minLength": 2, "oneOf": [{"minLength": 4}, {"minLength": 6}], "anyOf": [{"minLength": 3}]}
    assert _value(schema, "minLength") == 4  # max(2, min(4, 6), 3)
    schema = {"maxLength": 100, "allOf": [{"anyOf": [{"maxLength": 10}, {"maxLength": 20}]}]}
    assert _value(schema, "maxLength") == 20


def test_nested_refs():
    defs = {
        "Short": {"type": "string", "maxLength": 10},
        "Long": {"allOf": [_ref("Text")], "maxLength": 200},
        "Text": {"type": "string", "maxLength": 500, "minLength": 1},
        "Either": {"oneOf": [_ref("Short"), _ref("Long")]},
    }
    assert _value(_ref("Long"), "maxLength", defs) == 200
    assert _value(_ref("Long"), "minLength", defs) == 1
    assert _value(_ref("Either"), "maxLength", defs) == 200  # loosest of 10 and min(200, 500)
    assert _value({"allOf": [_ref("Either"), _ref("Short")]}, "maxLength", defs) == 10


def test_ref_cycles_through_combinators_end():
    defs = {"A": {"allOf": [_ref("B")], "maxLength": 4}, "B": {"allOf": [_ref("A")], "minLength": 1}}
    assert _value(_ref("A"), "maxLength", defs) == 4
    assert _value(_ref("A"), "minLength", defs) == 1
    assert _value(_ref("A"), "pattern", defs) is None
    assert allowed_types(_ref("A"), _resolver(defs)) is None


def test_unresolvable_and_non_schemas_state_nothing():
    assert _value(_ref("Nope"), "maxLength") is None
    assert _value(None, "maxLength") is None
    assert _value({"allOf": [True, None, _ref("Nope"), {"maxLength": 3}]}, "maxLength") == 3


def test_non_numeric_bounds_are_not_compared():
    # OpenAPI 3.0's boolean exclusiveMinimum beside a number: the first stated, no crash.
    assert _value({"exclusiveMinimum": True, "allOf": [{"exclusiveMinimum": 3}]}, "exclusiveMinimum") is True
    assert _value({"oneOf": [{"exclusiveMaximum": True}, {"exclusiveMaximum": 3}]}, "exclusiveMaximum") is None


def test_ref_siblings_apply_only_when_asked():
    defs = {"Name": {"type": "string", "maxLength": 100}}
    holder = {"$ref": "#/components/schemas/Name", "maxLength": 30, "minLength": 2}
    assert _value(holder, "maxLength", defs) == 100  # OpenAPI 3.0: siblings of $ref are ignored
    assert _value(holder, "minLength", defs) is None
    assert _value(holder, "maxLength", defs, ref_siblings=True) == 30  # 3.1: both apply
    assert _value(holder, "minLength", defs, ref_siblings=True) == 2
    assert _value({"$ref": "#/components/schemas/Name", "maxLength": 300}, "maxLength", defs,
                  ref_siblings=True) == 100


def test_where_the_value_is_written():
    defs = {"Name": {"type": "string", "maxLength": 100}, "Code": {"oneOf": [{"maxLength": 3}, {"maxLength": 9}]}}
    resolve = _resolver(defs)
    found = effective(_ref("Name"), "maxLength", resolve, pointer="/paths/x", ref=None)
    assert found == Stated(100, defs["Name"], "/components/schemas/Name", None)
    found = effective({"allOf": [{}, {"maxLength": 7}]}, "maxLength", resolve, pointer="/p")
    assert (found.value, found.pointer) == (7, "/p/allOf/1")
    found = effective(_ref("Code"), "maxLength", resolve)
    assert (found.value, found.pointer) == (9, "/components/schemas/Code/oneOf/1")  # where the loosest is
    holder = {"$ref": "#/components/schemas/Name", "maxLength": 30}
    found = effective(holder, "maxLength", resolve, ref_siblings=True, pointer="/h")
    assert (found.value, found.pointer) == (30, "/h")


def test_where_follows_refs_into_other_files_and_back():
    files = {"": {"components": {"schemas": {"Root": {"maxLength": 5}}}},
             "/abs/other.yaml": {"X": {"$ref": "#/components/schemas/Root"}, "Y": {"minLength": 1}}}

    def resolve(ref: str) -> Any:
        file_part, _, fragment = ref.partition("#")
        return local_resolver(files[file_part])("#" + fragment)

    found = effective({"$ref": "/abs/other.yaml#/Y"}, "minLength", resolve)
    assert (found.pointer, found.ref) == ("/Y", "/abs/other.yaml")
    # A normalised `#/...` reference is in the root document, even when written in another file.
    found = effective({"$ref": "/abs/other.yaml#/X"}, "maxLength", resolve)
    assert (found.pointer, found.ref) == ("/components/schemas/Root", None)


# --------------------------------------------------------------------------- types


def _types(schema: Any, defs: dict[str, Any] | None = None, **kw: Any) -> Any:
    return _value(schema, "type", defs, **kw)


def test_type_effective():
    assert _types({"type": "string"}) == ["string"]
    assert _types({"type": ["string", "null"]}) == ["string"]
    assert _types({"type": "null"}) is None
    assert _types({}) is None
    assert _types({"oneOf": [{"type": "string"}, {"type": "integer"}]}) == ["integer", "string"]
    assert _types({"anyOf": [{"type": "integer"}, {"type": "number"}]}) == ["number"]
    # A branch without a type allows every type.
    assert _types({"anyOf": [{"type": "string"}, {"description": "anything"}]}) is None
    # allOf narrows: an integer is a number.
    assert _types({"allOf": [_ref("N")], "type": "integer"}, {"N": {"type": "number"}}) == ["integer"]
    assert _types({"type": ["string", "integer"], "oneOf": [{"type": "string"}, {"type": "boolean"}]}) == ["string"]
    assert _types({"allOf": [{"type": "string"}, {"type": "integer"}]}) is None  # nothing satisfies it
    assert _types(_ref("S"), {"S": {"allOf": [{"type": "string"}]}}) == ["string"]


def test_allowed_types_keeps_null():
    resolve = _resolver({})
    assert allowed_types({"type": ["string", "null"]}, resolve) == {"string", "null"}
    assert allowed_types({"oneOf": [{"type": "null"}, {"type": "object"}]}, resolve) == {"null", "object"}
    assert allowed_types(False, resolve) == frozenset()
    assert allowed_types(True, resolve) is None


def test_applies():
    resolve = _resolver({"S": {"type": "string"}})
    assert applies({"type": "string"}, "maxLength", resolve)
    assert applies({}, "pattern", resolve)
    assert applies(_ref("S"), "minLength", resolve)
    assert not applies({"type": "integer"}, "maxLength", resolve)
    assert not applies({"type": "string"}, "maxItems", resolve)
    assert applies({"type": ["array", "null"]}, "minItems", resolve)
    assert applies({"type": "integer"}, "minimum", resolve) and applies({"type": "string"}, "enum", resolve)
    assert not applies(False, "maxLength", resolve)
    assert applies(_ref("Nope"), "maxLength", resolve)  # unknown: it may be a string


# --------------------------------------------------------------------------- subject_schema


def test_subject_schema():
    defs = {"Attr": {"type": "object", "properties": {"key": {"maxLength": 30}, "value": _ref("Val")}},
            "Val": {"type": "string"}}
    resolve = _resolver(defs)
    field = {"type": "array", "items": _ref("Attr")}
    assert subject_schema(field, "/f", "attrs", "value", resolve) == (field, "/f")
    assert subject_schema(field, "/f", "attrs", "key", resolve) == ({"maxLength": 30}, "/f/items/properties/key")
    assert subject_schema(field, "/f", "attrs", "value-of-entry", resolve) == (
        {"type": "string"}, "/f/items/properties/value")
    assert subject_schema({"maxLength": 1}, "/k", "key", "key", resolve) == ({"maxLength": 1}, "/k")
    as_map = {"type": "object", "additionalProperties": {"type": "integer"}}
    assert subject_schema(as_map, "/m", "m", "value-of-entry", resolve) == ({"type": "integer"},
                                                                           "/m/additionalProperties")
    assert subject_schema(as_map, "/m", "m", "key", resolve) == ({}, "/m/propertyNames")
    assert subject_schema({"type": "string"}, "/s", "s", "key", resolve) == (None, "/s")


# --------------------------------------------------------------------------- json_type


@pytest.mark.parametrize(("value", "kind"), [
    (None, "null"), (True, "boolean"), (False, "boolean"), (0, "integer"), (-3, "integer"), (10**30, "integer"),
    (1.0, "integer"), (-0.0, "integer"), (1.5, "number"), (1e300, "integer"), (float("inf"), "number"),
    (float("nan"), "number"), ("1", "string"), ("", "string"), ([], "array"), ([1], "array"), ({}, "object"),
    ({"a": 1}, "object"),
])
def test_json_type(value, kind):
    assert json_type(value) == kind
