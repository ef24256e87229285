"""What a field's value means, spec against docs: a time unit or a code standard each side states in words.

The spec sentences are Stripe's and Adyen's own (shared corpus); the page is in Discord's table style
(`tests/docs/vendor/discord/`), its rows saying something else about the same fields."""

from __future__ import annotations

import json
from pathlib import Path

from contract.compare import compare
from contract.compare.probes import docs_constraints
from contract.docs import read_docs_text
from contract.load import load_spec

SPEC = {
    "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
    "paths": {"/v1/charges": {"post": {
        "operationId": "createCharge",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/charge_in"}}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/charge"}}}}}}}},
    "components": {"schemas": {
        "charge_in": {"type": "object", "properties": {
            "country": {"type": "string", "maxLength": 5000},
            "currency": {"type": "string", "description": "Three-letter [ISO currency code](https://www.iso.org/"
                         "iso-4217-currency-codes.html), in lowercase."}}},
        "charge": {"type": "object", "properties": {
            "created": {"type": "integer", "description": "Time at which the object was created. Measured in "
                        "seconds since the Unix epoch."},
            "country": {"type": "string", "description": "The three-letter [ISO 3166-1 alpha-3 country code]("
                        "https://en.wikipedia.org/wiki/ISO_3166-1_alpha-3) for the destination address."}}}}},
}

PAGE = """# Charges

## Create Charge
<Route method="POST">/v1/charges</Route>

###### JSON Params

| Field    | Type   | Description                                          |
|----------|--------|------------------------------------------------------|
| country  | string | Two-letter country code (ISO 3166-1 alpha-2).        |
| currency | string | Three-letter ISO currency code, in uppercase.        |

###### Response Structure

| Field   | Type    | Description                                                  |
|---------|---------|--------------------------------------------------------------|
| created | integer | when the charge was created, in milliseconds since the Unix epoch |
| country | string  | Two-letter country code (ISO 3166-1 alpha-2).                |
"""


def _run(tmp_path: Path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    spec = load_spec(path)
    page = read_docs_text(PAGE, "charges.mdx")
    return spec, compare(spec, [page])


def test_meanings_that_differ_are_drift_naming_both_sentences(tmp_path):
    _, found = _run(tmp_path)
    meaning = {f.subject: f for f in found if f.check == "drift.semantic_mismatch"}
    assert set(meaning) == {"response:created:meaning:time", "response:country:meaning:country",
                            "request:currency:meaning:currency"}
    created = meaning["response:created:meaning:time"]
    assert "milliseconds since the Unix epoch in the docs but seconds since the Unix epoch in the spec" in \
        created.message
    assert created.docs is not None and "created" in PAGE.splitlines()[created.docs.line - 1]
    assert created.spec is not None and created.spec.pointer == "/components/schemas/charge/properties/created"
    assert "uppercase in the docs" in meaning["request:currency:meaning:currency"].message


def test_a_meaning_only_the_docs_state_reaches_generation(tmp_path):
    spec, found = _run(tmp_path)
    limit = [f for f in found if f.check == "drift.limit_missing_in_spec" and "meaning" in (f.subject or "")]
    assert [(f.disagreement.field, f.disagreement.keyword, f.disagreement.docs_value) for f in limit] == \
        [("country", "pattern", "^[A-Z]{2}$")]
    extras = docs_constraints(spec, spec.operation("POST /v1/charges"), found)
    assert [(e.location, e.keyword, e.value, e.source) for e in extras] == [("/country", "pattern", "^[A-Z]{2}$",
                                                                             "docs")]


def test_the_same_meaning_in_other_words_is_no_finding(tmp_path):
    page = PAGE.replace("in milliseconds since the Unix epoch", "Unix timestamp").replace(
        "Three-letter ISO currency code, in uppercase.", "ISO 4217 currency code, in lowercase").replace(
        "Two-letter country code (ISO 3166-1 alpha-2).                |", "ISO 3166-1 alpha-3 country code |")
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    found = compare(load_spec(path), [read_docs_text(page, "charges.mdx")])
    assert [f.subject for f in found if f.check == "drift.semantic_mismatch"] == []


def test_live_values_are_judged_by_the_docs_row_where_the_spec_is_silent(tmp_path):
    from contract.model import Exchange
    from contract.replay.checks import CheckContext, Observation, run_checks
    from contract.replay.operations import LiveOperation
    from contract.validate import Validators

    spec_data = json.loads(json.dumps(SPEC))
    del spec_data["components"]["schemas"]["charge"]["properties"]["created"]["description"]
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec_data))
    spec = load_spec(path)
    page = read_docs_text(PAGE, "charges.mdx")
    op = spec.operation("POST /v1/charges")
    ctx = CheckContext(spec, Validators(spec), pages=[page])

    def answer(body):
        ex = Exchange("POST", "http://127.0.0.1:9/v1/charges", {}, None, status=200,
                      response_headers={"content-type": "application/json"}, response_body=json.dumps(body).encode())
        return [f for f in run_checks(ctx, Observation(LiveOperation(op, docs=page.endpoints), None, ex))
                if f.check == "live.value_semantics"]

    assert answer({"created": 1_700_000_000_123, "country": "USA"}) == []  # the spec's alpha-3 wins for country
    (found,) = answer({"created": 1_700_000_000, "country": "USA"})
    assert found.details["described_in"] == "docs" and found.source == "docs"
    assert found.docs is not None and "milliseconds" in PAGE.splitlines()[found.docs.line - 1]
    assert "reads as seconds: 2023-11-14" in found.message
