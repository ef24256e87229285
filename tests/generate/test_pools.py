"""Speed without a change in what is drawn: shared hypothesis pools, unions assembled per branch, answers of schemas
too large to inline whole."""

from __future__ import annotations

import math
from random import Random
from typing import Any

import jsonschema

from contract.generate import generate_cases
from contract.generate.strategies import RANDOM, STRICT, ChoiceGen, Compiler, Pools
from contract.generate.values import SchemaValues
from contract.load import load_spec
from tests.conftest import CORPUS, needs_corpus

_ITEM = {"type": "object", "required": ["id", "type"],
         "properties": {"id": {"type": "string", "minLength": 3}, "type": {"type": "string", "enum": ["file"]},
                        "size": {"type": "integer", "minimum": 0}}}
_FOLDER = {"type": "object", "required": ["id", "type"],
           "properties": {"id": {"type": "string"}, "type": {"type": "string", "enum": ["folder"]},
                          "count": {"type": "integer"}}}


def _values(schema: dict[str, Any], n: int = 40) -> list[Any]:
    gen = Compiler(seed=0, formats={}, deadline=math.inf).gen(schema)
    rnd = Random(1)
    return [gen.generate(rnd, STRICT if i % 2 else RANDOM) for i in range(n)]



def test_a_typed_union_with_siblings_is_assembled_per_branch_and_stays_valid() -> None:
    """Box's `{type: object, oneOf: [File, Folder, WebLink]}`: each branch built from its own structure (was one pool
    of whole values from hypothesis-jsonschema, seconds per schema); every value valid, both branches drawn."""
    schema = {"type": "object", "oneOf": [_ITEM, _FOLDER]}
    gen = Compiler(seed=0, formats={}, deadline=math.inf).gen(schema)
    assert isinstance(gen, ChoiceGen)
    values = _values(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert all(validator.is_valid(v) for v in values)
    assert {v["type"] for v in values} == {"file", "folder"}


def test_an_overlapping_branch_is_left_out_of_a_one_of() -> None:
    """A branch every value of which another branch also accepts (Box's event `source`: a user is a generic source
    too) would give values `oneOf` refuses: only the other branches are drawn."""
    generic = {"type": "object", "properties": {"id": {"type": "string"}}}
    schema = {"type": "object", "oneOf": [_ITEM, generic]}
    validator = jsonschema.Draft202012Validator(schema)
    assert all(validator.is_valid(v) for v in _values(schema))


@needs_corpus("box-3.0.json")
def test_shared_pools_draw_the_same_cases() -> None:
    """A run's operations share one `Pools`: the cases are exactly those each operation draws alone."""
    spec = load_spec(CORPUS / "box-3.0.json")
    keys = ["POST /folders", "PUT /folders/{folder_id}", "POST /comments", "GET /search"]
    pools = Pools()
    for key in keys:
        alone = generate_cases(spec, key, count=3, seed=0)
        shared = generate_cases(spec, key, count=3, seed=0, pools=pools)
        assert [(c.body, c.query, c.path_params) for c in shared.cases] == \
            [(c.body, c.query, c.path_params) for c in alone.cases], key
    assert pools.drawn


@needs_corpus("stripe-2023-3.0.yaml")
def test_an_answer_too_large_to_inline_whole_is_drawn_from_its_required_properties() -> None:
    """Stripe's account list (20,000+ nodes inlined with every optional expandable field) was undrawable: the
    emulator answered no body for 288 of its 467 success responses. Now: a valid answer, the same every time."""
    spec = load_spec(CORPUS / "stripe-2023-3.0.yaml")
    op = spec.operation("GET /v1/accounts")
    schema = spec.json_schema(op.responses["200"].content["application/json"].schema, "response")
    value = SchemaValues(0).draw(schema, op.key, "200")
    assert jsonschema.Draft202012Validator(schema).is_valid(value)
    assert value["object"] == "list" and isinstance(value["data"], list)
    again = spec.json_schema(op.responses["200"].content["application/json"].schema, "response")
    assert SchemaValues(0).draw(again, op.key, "200") == value


# Cut from OpenAI's `Response` (openai-3.1.yaml, components/schemas/Response): properties in two `allOf` parts,
# required in a third.
_RESPONSE = {
    "$defs": {
        "ModelResponseProperties": {"type": "object", "properties": {
            "metadata": {"anyOf": [{"type": "object", "additionalProperties": {"type": "string"}}, {"type": "null"}]},
            "temperature": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 2}, {"type": "null"}]}}},
        "ResponseProperties": {"type": "object", "properties": {
            "tools": {"type": "array", "items": {"type": "object"}},
            "previous_response_id": {"anyOf": [{"type": "string"}, {"type": "null"}]}}},
    },
    "allOf": [{"$ref": "#/$defs/ModelResponseProperties"}, {"$ref": "#/$defs/ResponseProperties"},
              {"type": "object", "required": ["id", "metadata", "temperature", "tools"],
               "properties": {"id": {"type": "string"}, "status": {"type": "string", "enum": ["completed"]}}}],
}


def test_the_required_only_answer_keeps_what_a_sibling_part_requires() -> None:
    """Drawn from the required properties only (the fallback for a schema too large to draw whole), OpenAI's
    Response lost the definitions of `metadata`, `tools`, `temperature` (optional where defined, required by
    another `allOf` part) and answered `"tools": "example"`: 5 live.response_schema errors per /responses
    operation. Box's `File--Full` permissions are the same shape (23 such names in its spec)."""
    validator = jsonschema.Draft202012Validator(_RESPONSE)
    values = SchemaValues(0)
    drawn = [values.draw(_RESPONSE, "op", "200", i, full=False) for i in range(20)]
    assert all(validator.is_valid(v) for v in drawn), next(v for v in drawn if not validator.is_valid(v))
    assert all(isinstance(v["tools"], list) for v in drawn)
    assert all("previous_response_id" not in v and "status" not in v for v in drawn)  # still only the required


@needs_corpus("openai-3.1.yaml")
def test_openais_response_drawn_from_its_required_properties_is_valid() -> None:
    spec = load_spec(CORPUS / "openai-3.1.yaml")
    op = spec.operation("GET /responses/{response_id}")
    schema = spec.json_schema(op.responses["200"].content["application/json"].schema, "response")
    value = SchemaValues(0).draw(schema, op.key, "200", full=False)
    assert jsonschema.Draft202012Validator(schema).is_valid(value)


@needs_corpus("box-3.0.json")
def test_a_bytes_body_gets_no_type_violation() -> None:
    """Box's chunk upload (`application/octet-stream`, `type: string`; Netlify's file uploads and OpenAI's SDP offer
    are the same): a "null body" travels as the four bytes `null`, a valid chunk, so a server accepting it is right
    (it was a live.negative_rejection error). The case is not made; coverage says why."""
    spec = load_spec(CORPUS / "box-3.0.json")
    result = generate_cases(spec, "PUT /files/upload_sessions/{upload_session_id}", count=5, seed=0)
    assert result.cases
    assert not [c for c in result.cases if c.label is not None and c.label.keyword == "type"
                and c.label.pointer in ("", "/")], [str(c.label) for c in result.cases if c.label]
    assert any("any bytes are a string" in (row.note or "") for row in result.coverage), result.coverage


@needs_corpus("openai-3.1.yaml")
def test_a_maxlength_of_megabytes_gets_no_violating_case() -> None:
    """OpenAI's `image_url` allows 20,971,520 characters: breaking it took a 20 MB string per case, each checked
    against `format: uri` (most of a walk's generation time went to POST /images/edits alone). Not sent; coverage
    says why; smaller limits of the same operation are still broken."""
    spec = load_spec(CORPUS / "openai-3.1.yaml")
    result = generate_cases(spec, "POST /images/edits", count=3, seed=0)
    labels = [c.label for c in result.cases if c.label is not None]
    assert not [lb for lb in labels if lb.keyword == "maxLength" and isinstance(lb.value, int)
                and lb.value >= 1_000_000]
    assert any("over a million characters" in (row.note or "") for row in result.coverage)
    assert result.cases


@needs_corpus("stripe-2023-3.0.yaml")
def test_operations_answering_one_schema_share_its_generator_and_draw_what_each_draws_alone() -> None:
    """The emulator converts a response schema once per schema as written: Stripe's operations answering
    `customer` share one converted object, hence one compiled generator found by identity (no serialising of a
    tree with all its `$defs` per operation), and each answer is the one a renderer serving only that operation
    draws."""
    from contract.sandbox.generic.render import Renderer
    from contract.validate import Validators
    spec = load_spec(CORPUS / "stripe-2023-3.0.yaml")
    keys = ["POST /v1/customers/{customer}", "POST /v1/customers", "GET /v1/customers/{customer}/discount"]
    ops = [spec.operation(k) for k in keys]
    shared = Renderer(spec, Validators(spec), seed=5)
    schemas = [shared._schema(op, "200", "application/json") for op in ops]
    assert schemas[0] is schemas[1] and schemas[0] is not schemas[2]
    drawn = [shared.draw(op, "200", "x") for op in ops]
    assert len(shared.values._texts) == 2  # each converted tree serialised once, for both of its generators
    alone = [Renderer(spec, Validators(spec), seed=5).draw(op, "200", "x") for op in ops]
    assert drawn == alone and drawn[0] != drawn[1]  # the seed's parts name the operation
