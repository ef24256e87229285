"""Normalisation, formats, budgets and unsatisfiable schemas."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import strategies as st

from contract.generate import generate_cases
from contract.generate.draw import Drawer
from contract.generate.formats import FORMAT_STRATEGIES, INVALID_FORMAT_SAMPLES
from contract.generate.normalise import Unsatisfiable, inline
from contract.load import load_spec
from contract.validate import FORMAT_CHECKER, Validators

TREE = {
    "$ref": "#/$defs/Node",
    "$defs": {"Node": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "maxLength": 5},
        "child": {"$ref": "#/$defs/Node"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
    }}},
}


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_depth(v) for v in value), default=0)
    return 0


def test_recursion_is_bounded() -> None:
    tree = inline(TREE, depth=2)
    text = json.dumps(tree)
    assert "$ref" not in text
    inner = tree["properties"]["child"]["properties"]
    assert inner["child"] is False and inner["children"]["maxItems"] == 0


def test_required_recursion_is_unsatisfiable() -> None:
    schema = {"$ref": "#/$defs/A", "$defs": {"A": {"type": "object", "required": ["a"],
                                                   "properties": {"a": {"$ref": "#/$defs/A"}}}}}
    with pytest.raises(Unsatisfiable):
        inline(schema)


def _spec(tmp_path: Path, schema: dict, fmt_extra: str = "") -> Path:
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"post": {
        "operationId": "op", "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Body"}}}},
        "responses": {"200": {"description": "ok"}}}}}, "components": {"schemas": schema}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    return path


def test_recursive_spec_generates_valid_cases(tmp_path: Path) -> None:
    body = {"Body": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 5},
        "parent": {"$ref": "#/components/schemas/Body"},
        "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Body"}, "uniqueItems": True,
                 "maxItems": 3}}}}
    spec = load_spec(_spec(tmp_path, body))
    result = generate_cases(spec, "op", mode="all", count=200, seed=1)
    validator = Validators(spec).request("op")
    conforming = [c for c in result.cases if c.mode == "conforming"]
    assert len(conforming) == 200 and all(validator.validate_case(c) == [] for c in conforming)
    assert max(_depth(c.body) for c in conforming) >= 2
    labels = {(c.label.pointer, c.label.keyword) for c in result.cases if c.label}
    assert ("/kids", "uniqueItems") in labels and ("/kids", "maxItems") in labels
    assert ("/parent/name", "maxLength") in labels and ("/kids/0/name", "minLength") in labels


def test_unsatisfiable_body_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    body = {"Body": {"type": "object", "required": ["a"], "properties": {"a": {"$ref": "#/components/schemas/Body"}}}}
    spec = load_spec(_spec(tmp_path, body))
    start = time.monotonic()
    result = generate_cases(spec, "op", mode="all", count=10, seed=1, budget=5)
    assert time.monotonic() - start < 5
    assert result.cases == []
    assert [f.check for f in result.findings] == ["generate.unsatisfiable"]
    assert result.findings[0].message.startswith("cannot generate for POST /x:")


def test_contradictory_schema_is_a_finding(tmp_path: Path) -> None:
    body = {"Body": {"type": "object", "required": ["n"], "properties": {
        "n": {"type": "integer", "minimum": 10, "maximum": 5}}}}
    result = generate_cases(load_spec(_spec(tmp_path, body)), "op", mode="conforming", count=5, seed=1)
    assert result.cases == [] and result.findings[0].check == "generate.unsatisfiable"


def test_tiny_budget_stops_with_a_finding(tmp_path: Path) -> None:
    body = {"Body": {"type": "object", "properties": {"s": {"type": "string", "pattern": "^[a-z]{3}-[0-9]{2}$"}}}}
    result = generate_cases(load_spec(_spec(tmp_path, body)), "op", mode="all", count=10_000, seed=1,
                            budget=0.2)
    assert any(f.check in ("generate.budget", "generate.unsatisfiable") for f in result.findings)


def test_formats_and_unknown_format(tmp_path: Path) -> None:
    props = {name: {"type": "string", "format": name} for name in
             ("uuid", "email", "date", "date-time", "time", "uri", "ipv4", "ipv6", "hostname", "byte", "phone-ish")}
    body = {"Body": {"type": "object", "required": sorted(props), "properties": props}}
    spec = load_spec(_spec(tmp_path, body))
    result = generate_cases(spec, "op", mode="all", count=100, seed=2)
    validator = Validators(spec).request("op")
    conforming = [c for c in result.cases if c.mode == "conforming"]
    assert len(conforming) == 100 and all(validator.validate_case(c) == [] for c in conforming)
    assert [f.message for f in result.findings if f.check == "generate.unknown_format"] == [
        "POST /x: format 'phone-ish' is unknown: generated as a plain string"]
    covered = {r.pointer for r in result.coverage if r.keyword == "format" and r.cases}
    assert covered == {f"/{n}" for n in props if n != "phone-ish"}
    for case in conforming:
        json.dumps(case.body, ensure_ascii=False).encode("utf-8")  # no lone surrogates


@pytest.mark.parametrize("name", sorted(FORMAT_STRATEGIES))
def test_format_strategies_match_the_validator(name: str) -> None:
    values = Drawer(3).draw_many(FORMAT_STRATEGIES[name], 50)
    assert len(values) == 50
    assert all(FORMAT_CHECKER.conforms(v, name) for v in values), name
    assert not any(FORMAT_CHECKER.conforms(v, name) for v in INVALID_FORMAT_SAMPLES.get(name, ()))


def test_drawer_is_deterministic() -> None:
    strategy = st.text(max_size=8) | st.integers()
    assert Drawer(5).draw_many(strategy, 30) == Drawer(5).draw_many(strategy, 30)
    assert Drawer(5).draw_many(strategy, 30) != Drawer(6).draw_many(strategy, 30)


def test_credentials_follow_the_security_scheme(tmp_path: Path) -> None:
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "security": [{"basic": []}, {"key": []}],
           "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"},
                                              "key": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
           "paths": {"/x": {"get": {"operationId": "op", "responses": {"200": {"description": "ok"}}}}}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    spec = load_spec(path)
    wrong = generate_cases(spec, "op", mode="conforming", count=3, seed=1, headers={"Authorization": "Api-Key x"})
    assert [c.headers["Authorization"] for c in wrong.cases] == ["Basic PHVzZXI+OjxwYXNzd29yZD4="] * 3
    keyed = generate_cases(spec, "op", mode="all", count=3, seed=1, headers={"x-key": "k"})
    assert all(c.headers.get("X-Key") == "k" for c in keyed.cases if c.label is None)
    assert {c.label.pointer for c in keyed.cases if c.label} == {"header/X-Key"}
