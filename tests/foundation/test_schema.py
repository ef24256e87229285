"""OpenAPI Schema Object → JSON Schema: the rules every stage relies on."""

from __future__ import annotations

import pytest

from contract.schema import SchemaConverter

COMPONENTS = {
    "#/components/schemas/Node": {"$recursiveAnchor": True, "type": "object",
                                  "properties": {"kids": {"type": "array", "items": {"$recursiveRef": "#"}}}},
    "#/components/schemas/Pet": {"type": "object", "required": ["id", "name", "id"],
                                 "properties": {"id": {"type": "integer", "readOnly": True},
                                                "name": {"type": "string"},
                                                "secret": {"type": "string", "writeOnly": True}}},
}


def conv(version="3.0.3", policy="auto", direction="request"):
    return SchemaConverter(COMPONENTS.__getitem__, version=version, policy=policy, direction=direction)


def test_nullable_becomes_a_type_list_and_enum_member():
    out = conv().convert({"type": "string", "nullable": True, "enum": ["a"], "example": "a", "x-foo": 1})
    assert out == {"type": ["string", "null"], "enum": ["a", None],
                   "$schema": "https://json-schema.org/draft/2020-12/schema"}


def test_nullable_on_a_combinator_wraps_it():
    out = conv().convert({"allOf": [{"type": "object"}], "nullable": True})
    assert out["anyOf"] == [{"type": "null"}, {"allOf": [{"type": "object"}]}]


@pytest.mark.parametrize("version,policy,nullable", [
    ("3.1.0", "auto", True), ("3.1.0", "version", False), ("3.0.3", "version", True), ("3.0.3", "strict", False)])
def test_nullable_policy(version, policy, nullable):
    out = conv(version, policy).convert({"type": "integer", "nullable": True})
    assert (out["type"] == ["integer", "null"]) is nullable


def test_boolean_exclusive_bounds_and_integer_formats():
    out = conv().convert({"type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": True})
    assert (out["exclusiveMinimum"], out["minimum"], out["maximum"]) == (0, -(2**31), 2**31 - 1)


def test_read_only_and_write_only_by_direction():
    ref = {"$ref": "#/components/schemas/Pet"}
    request = conv(direction="request").convert(ref)["$defs"]["Pet"]
    response = conv(direction="response").convert(ref)["$defs"]["Pet"]
    assert set(request["properties"]) == {"name", "secret"} and request["required"] == ["name"]
    assert set(response["properties"]) == {"id", "name"} and response["required"] == ["id", "name"]


def test_recursive_ref_becomes_a_ref_to_the_enclosing_component():
    out = conv("3.1.0").convert({"$ref": "#/components/schemas/Node"})
    assert out["$defs"]["Node"]["properties"]["kids"]["items"] == {"$ref": "#/$defs/Node"}
    assert "$recursiveAnchor" not in out["$defs"]["Node"]


def test_ref_siblings_kept_in_31_ignored_in_30():
    ref = {"$ref": "#/components/schemas/Pet", "description": "d", "maxProperties": 2}
    assert conv("3.0.3").convert(ref)["$ref"] == "#/$defs/Pet"
    assert conv("3.1.0").convert(ref)["allOf"][1] == {"description": "d", "maxProperties": 2}


def test_nullable_beside_a_ref_in_30_is_honoured_only_under_auto():
    ref = {"$ref": "#/components/schemas/Pet", "nullable": True}
    assert conv("3.0.3", "auto").convert(ref)["anyOf"] == [{"type": "null"}, {"$ref": "#/$defs/Pet"}]
    assert conv("3.0.3", "version").convert(ref)["$ref"] == "#/$defs/Pet"
