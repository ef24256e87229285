"""The strict view of violating cases on small specs: wire legality, the gate's two halves, contradictions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contract.generate import ExtraConstraint, generate_cases
from contract.generate.extra import ExtraCheck
from contract.generate.gate import Expect, Gate
from contract.generate.strategies import STRICT, Compiler, distinct_items, is_plain
from contract.load import Spec, load_spec
from contract.model import Case
from contract.validate import Validators

from .strict_checker import what_else_breaks

OP = "POST /things/{id}"


def _spec(tmp_path: Path, parameters: list[dict[str, Any]], body: dict[str, Any] | None = None) -> Spec:
    op: dict[str, Any] = {"operationId": "make", "parameters": parameters, "responses": {"200": {"description": "ok"}}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/things/{id}": {"post": op}}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    return load_spec(path)


PARAMS = [
    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
    {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
    {"name": "when", "in": "query", "schema": {"type": "string", "nullable": True, "minLength": 1}},
    {"name": "tags", "in": "query", "schema": {"type": "array", "minItems": 1, "items": {"type": "string"}}},
    {"name": "X-Count", "in": "header", "required": True, "schema": {"type": "integer"}},
    {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
]


def test_parameter_cases_carry_strings_and_say_what_is_sent(tmp_path: Path) -> None:
    spec = _spec(tmp_path, PARAMS)
    result = generate_cases(spec, "make", mode="violating", count=80, seed=2)
    validator = Validators(spec).request("make")
    params = [c for c in result.cases if c.label and c.label.pointer.split("/")[0] in ("query", "header", "path")]
    assert params
    for case in params:
        sent = {**case.query, **case.path_params, **{k.lower(): v for k, v in case.headers.items()}}
        assert all(isinstance(v, str) and v != "" for v in sent.values()), sent
        assert what_else_breaks(case, validator.validate_case(case), []) == [], case.label
    by_label = {(c.label.pointer, c.label.keyword): c for c in params if c.label}
    # an integer query parameter of the wrong type: a string that is no integer, described as sent
    limit = by_label[("query/limit", "type")]
    assert limit.query["limit"] in ("abc", "1.5", "12abc", "maybe")
    assert limit.label.description == f'limit {json.dumps(limit.query["limit"])} is not a valid integer'
    assert by_label[("path/id", "type")].path_params["id"] in ("abc", "1.5", "12abc", "maybe")
    assert by_label[("header/X-Count", "type")].headers["X-Count"] in ("abc", "1.5", "12abc", "maybe")
    assert by_label[("query/flag", "type")].query["flag"] in ("abc", "1.5", "12abc", "maybe")
    # a required header: omitted
    missing = by_label[("header/X-Count", "required")]
    assert "x-count" not in {k.lower() for k in missing.headers}
    # numbers beyond a bound travel as their digits, and say so
    over = by_label[("query/limit", "maximum")]
    assert json.dumps(over.query["limit"]) in over.label.description
    # nothing that would arrive as something else: no empty value (minLength 1, minItems 1 of a query value)
    coverage = {(r.pointer, r.keyword): r for r in result.coverage}
    assert coverage[("query/when", "minLength")].cases == 0
    assert "not observable on the wire" in coverage[("query/when", "minLength")].note
    assert coverage[("query/tags", "minItems")].cases == 0


def test_no_null_object_or_empty_value_is_labelled_on_the_wire(tmp_path: Path) -> None:
    spec = _spec(tmp_path, PARAMS)
    for case in generate_cases(spec, "make", mode="violating", count=80, seed=9).cases:
        assert case.label is not None
        text = case.label.description
        assert not text.startswith(("null ", "object ", "array ", "integer ", "number ", "boolean ")), text


def test_gate_checks_the_undone_case_and_every_extra(tmp_path: Path) -> None:
    spec = _spec(tmp_path, [], {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "maxLength": 10}, "note": {"type": "string"}}})
    validator = Validators(spec).request("make")
    prose = ExtraConstraint(OP, "body", "/note", "maxLength", 5, "prose")
    docs = ExtraConstraint(OP, "body", "/name", "maxLength", 8, "docs")
    checks = [ExtraCheck(prose), ExtraCheck(docs)]
    gate = Gate(validator, checks, cookies=False)

    def case(body: dict[str, Any], mode: str = "violating") -> Case:
        return Case(OP, "POST", "/things/{id}", {"id": "1"}, {"Content-Type": "application/json"}, {}, body,
                    True, "application/json", mode=mode)  # type: ignore[arg-type]

    expect = Expect("body", "/name", "maxLength")
    good_undone = case({"name": "abc", "note": "ok"}, "conforming")
    assert gate.violating(case({"name": "a" * 11, "note": "ok"}), expect, good_undone, [checks[1]]) is None
    # the docs limit (8) is implied by breaking the spec's 10 only when it is allowed
    assert "docs constraint maxLength" in (gate.violating(case({"name": "a" * 11}), expect, good_undone) or "")
    # another field breaking the prose: not exactly the labelled constraint
    reason = gate.violating(case({"name": "a" * 11, "note": "too long"}), expect, good_undone, [checks[1]])
    assert reason is not None and "prose constraint maxLength at /note" in reason
    # the violation undone must satisfy everything
    bad_undone = case({"name": "abcdefghi"}, "conforming")
    reason = gate.violating(case({"name": "a" * 11}), expect, bad_undone, [checks[1]])
    assert reason is not None and reason.startswith("undone") and "docs" in reason
    # an extra-labelled case: the spec holds, only its extra breaks, and its undone is clean
    assert gate.extra_violating(case({"name": "abcdefghi"}), checks[1], good_undone) is None
    assert gate.extra_violating(case({"name": "abcdefghi"}), checks[1], bad_undone) is not None


def test_contradictory_sources_are_left_out_with_a_note(tmp_path: Path) -> None:
    spec = _spec(tmp_path, [], {"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string", "maxLength": 4}, "other": {"type": "string"}}})
    contradiction = ExtraConstraint(OP, "body", "/code", "minLength", 10, "prose", "at least 10 characters")
    fine = ExtraConstraint(OP, "body", "/other", "maxLength", 3, "docs")
    result = generate_cases(spec, "make", mode="all", count=20, seed=1, extra=[contradiction, fine])
    assert not [f for f in result.findings if f.check == "generate.unsatisfiable"]
    rows = {(r.pointer, r.keyword, r.source): r for r in result.coverage}
    left_out = rows[("/code", "minLength", "prose")]
    assert left_out.cases == 0 and "no value honours both" in left_out.note
    assert rows[("/other", "maxLength", "docs")].cases > 0
    violating = [c for c in result.cases if c.mode == "violating"]
    assert violating and all(len(c.body.get("other", "")) <= 3 for c in violating
                             if isinstance(c.body, dict) and c.label and c.label.pointer != "/other")


def test_plain_items_are_distinct_in_every_part() -> None:
    compiler = Compiler(seed=1, formats={}, deadline=float("inf"))
    items = {"type": "object", "required": ["key", "value"], "properties": {
        "key": {"type": "string", "pattern": "^[a-z0-9_]+$", "maxLength": 12}, "value": {"type": "integer"}}}
    from random import Random

    made = distinct_items(compiler.gen(items), compiler.item_check(items), [], 40, Random(3), STRICT)
    assert len(made) == 40 and all(is_plain(v) for v in made)
    assert len({m["key"] for m in made}) == 40 and len({m["value"] for m in made}) == 40
    assert all(compiler.compiled(items).is_valid(m) for m in made)


@pytest.mark.parametrize("value, plain", [("example", True), ("", False), (None, False), (" padded ", False),
                                          ("x" * 256, False), (2**53 + 1, False), (1e-7, False), (42, True),
                                          ([], False), (["a"], True), ({"a": None}, False)])
def test_what_plain_means(value: Any, plain: bool) -> None:
    assert is_plain(value) is plain


# Cut from openai-3.1.yaml: POST /audio/transcriptions' `stream` and POST /images/variations' `model` (multipart).
_TEXT_FIELDS = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary"},
    "stream": {"anyOf": [{"type": "boolean", "default": False}, {"type": "null"}]},
    "model": {"anyOf": [{"type": "null"}, {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["dall-e-2"]}]}]},
    "n": {"type": ["integer", "null"], "minimum": 1, "maximum": 10},
    "chunking": {"type": "object", "properties": {"size": {"type": "integer"}}}}}


@pytest.mark.parametrize("media", ["multipart/form-data", "application/x-www-form-urlencoded"])
def test_a_form_value_whose_text_reads_as_a_conforming_one_is_no_violation(tmp_path: Path, media: str) -> None:
    """A form field is text: `stream: "null"` and `"true"` arrive as null and true, `model: 0` as the string "0",
    which the spec accepts (OpenAI's walk: 5 live.negative_rejection errors, a conforming server would get them
    too). Values whose text no type of the field accepts are still violations; so are a multipart part sent as
    JSON (objects keep their types there), and in a urlencoded form every leaf is text."""
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/up": {"post": {
        "operationId": "up", "requestBody": {"required": True, "content": {media: {"schema": _TEXT_FIELDS}}},
        "responses": {"200": {"description": "ok"}}}}}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    spec = load_spec(path)
    gate = Gate(Validators(spec).request("up"), [], cookies=False)

    def case(body: dict[str, Any], mode: str = "violating") -> Case:
        return Case("POST /up", "POST", "/up", {}, {"Content-Type": media}, {}, {"file": "x", **body}, True, media,
                    mode=mode)  # type: ignore[arg-type]

    undone = case({}, "conforming")
    for field, value in [("stream", "null"), ("stream", "true"), ("model", 0), ("model", 1.5), ("n", "7")]:
        reason = gate.violating(case({field: value}), Expect("body", f"/{field}", "anyOf" if field != "n" else "type"),
                                undone)
        assert reason is not None and "reads as" in reason, (field, value, reason)
    for field, value, keyword in [("stream", "yes", "anyOf"), ("stream", 123, "anyOf"), ("n", "seven", "type"),
                                  ("n", 2.5, "type")]:
        assert gate.violating(case({field: value}), Expect("body", f"/{field}", keyword), undone) is None, (field, value)
    nested = gate.violating(case({"chunking": {"size": "12"}}), Expect("body", "/chunking/size", "type"), undone)
    assert (nested is None) == (media == "multipart/form-data"), nested
