"""Form bodies under a union of an array and a literal (Stripe's "unset" spelling, both corpus versions).

Stripe types dozens of form fields `anyOf: [{type: array, ...}, {type: string, enum: [""]}]` (`default_tax_rates`,
`full_name_aliases`, `items[0][tax_rates]`, `payment_method_types`) and numbers `anyOf: [{type: integer}, {type:
string, enum: [""]}]` (`percent_ownership`, `delay_days`). On the wire a one-item array and a string are the same
bytes (`default_tax_rates=x`), so a string breaking the literal branch is no violating request.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract.core.http import encode_body
from contract.generate import generate_cases
from contract.load import load_spec
from contract.validate import Validators
from tests.conftest import CORPUS

FORM = "application/x-www-form-urlencoded"
# Cut from stripe-2022-3.0.json, POST /v1/customers/{customer}/subscriptions (`encoding` as written there).
SPEC = {
    "openapi": "3.0.0", "info": {"title": "cut from Stripe", "version": "2022-11-15"},
    "paths": {"/v1/subscriptions": {"post": {
        "requestBody": {"content": {FORM: {
            "encoding": {"default_tax_rates": {"explode": True, "style": "deepObject"}},
            "schema": {"type": "object", "additionalProperties": False, "properties": {
                "default_tax_rates": {"anyOf": [{"type": "array", "items": {"type": "string", "maxLength": 5000}},
                                                {"type": "string", "enum": [""]}]},
                "days_until_due": {"type": "integer"},
            }}}}},
        "responses": {"200": {"description": "ok"}}}}},
}


@pytest.fixture()
def spec(tmp_path: Path):
    path = tmp_path / "api.json"
    path.write_text(json.dumps(SPEC))
    return load_spec(path)


def test_no_violating_form_case_spells_a_conforming_one(spec) -> None:
    """Without the gate's form reading, "_invalid" (breaking `enum: [""]`) went out as `default_tax_rates=_invalid`,
    the writer's spelling of the conforming `["_invalid"]`: a false live.negative_rejection on the emulator."""
    result = generate_cases(spec, "POST /v1/subscriptions", mode="violating", count=20, seed=0)
    validator = Validators(spec).request("POST /v1/subscriptions")
    labelled = [c for c in result.cases if c.label is not None and c.label.pointer.startswith("/default_tax_rates")]
    assert labelled  # the array branch is still broken (a 5,001-character item)
    for case in labelled:
        sent = encode_body(case.body, FORM)[0].decode()[:80]
        assert not isinstance(case.body["default_tax_rates"], str), sent
        assert validator.validate_case(case), sent


# Cut from stripe-2022-3.0.json: POST /v1/customers `invoice_settings[custom_fields]`, POST /v1/account/people
# `relationship[percent_ownership]`; stripe-2023-3.0.yaml writes both the same way.
LITERAL_UNIONS = {"type": "object", "properties": {
    "custom_fields": {"anyOf": [{"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "value": {"type": "string"}}}}, {"type": "string", "enum": [""]}]},
    "percent_ownership": {"anyOf": [{"type": "number"}, {"type": "string", "enum": [""]}]},
    "trial_end": {"anyOf": [{"type": "string", "enum": ["now"]}, {"type": "integer"}]},
    "tags": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string", "enum": [""]}]},
}}


@pytest.mark.parametrize(("pairs", "read"), [
    ([("custom_fields", "")], {"custom_fields": ""}),  # "unset", not the array [""]
    ([("custom_fields[0][name]", "n"), ("custom_fields[0][value]", "v")], {"custom_fields": [{"name": "n", "value": "v"}]}),
    ([("tags", "x")], {"tags": ["x"]}),  # the writer's one-item array
    ([("percent_ownership", "42")], {"percent_ownership": 42}),  # the number branch's, not the string's
    ([("percent_ownership", "")], {"percent_ownership": ""}),
    ([("trial_end", "now"), ("tags", "")], {"trial_end": "now", "tags": ""}),
    ([("trial_end", "-109351979709266")], {"trial_end": -109351979709266}),
])
def test_a_form_union_with_a_literal_branch_reads_as_a_server_reads_it(pairs, read) -> None:
    from contract.core.http import read_form
    from contract.validate import CompiledSchema, coerce

    got = read_form(pairs, LITERAL_UNIONS, typed=lambda text, schema: coerce(text, schema)
                    if isinstance(schema, dict) else text)
    assert got == read
    assert CompiledSchema(LITERAL_UNIONS).errors(got) == []


def test_the_emulator_takes_stripe_s_literal_unions_as_the_spec_writes_them() -> None:
    """The live.positive_acceptance groups of the session-5 walk, one request each, on the real spec."""
    import httpx

    from contract.sandbox.generic import Emulator

    path = CORPUS / "stripe-2022-3.0.json"
    if not path.is_file():
        pytest.skip("corpus not present")
    with Emulator(path) as emulator, httpx.Client(base_url=emulator.url, headers=emulator.headers()) as client:
        customer = client.post("/v1/customers", content=b"email=a%40b.c", headers={"Content-Type": FORM}).json()["id"]
        for url, body in [("/v1/customers", "invoice_settings%5Bcustom_fields%5D=&tax_exempt=exempt"),
                          ("/v1/account/people", "relationship%5Bpercent_ownership%5D=100"),
                          ("/v1/accounts", "settings%5Bpayouts%5D%5Bschedule%5D%5Bdelay_days%5D=42"),
                          (f"/v1/customers/{customer}", "trial_end=-109351979709266")]:
            answer = client.post(url, content=body.encode(), headers={"Content-Type": FORM})
            assert answer.status_code == 200, (url, body, answer.text[:200])


def test_a_violating_case_outside_the_body_keeps_its_conforming_form(spec) -> None:
    """The wire reading judges the body's label only: a case missing its credential (or breaking a parameter)
    carries a conforming form by design."""
    secured = json.loads(json.dumps(SPEC))
    secured["components"] = {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}}
    secured["security"] = [{"basic": []}]
    secured["paths"]["/v1/subscriptions"]["post"]["parameters"] = [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 10}}]
    body = secured["paths"]["/v1/subscriptions"]["post"]["requestBody"]
    body["required"] = True  # so every case carries a form
    body["content"][FORM]["schema"]["required"] = ["days_until_due"]
    path = Path(spec.path).with_name("secured.json") if hasattr(spec, "path") else None
    assert path is not None
    path.write_text(json.dumps(secured))
    result = generate_cases(load_spec(path), "POST /v1/subscriptions", mode="violating", count=5, seed=0,
                            headers={"Authorization": "Basic dTpw"})
    labels = {(c.label.keyword, c.label.pointer) for c in result.cases if c.label is not None}
    assert {("maximum", "query/limit"), ("security", "header/Authorization")} <= labels, labels


def test_the_run_expects_back_what_a_server_reads_from_the_form(tmp_path: Path) -> None:
    """Stripe-2023 `POST /v1/payment_links/{payment_link}`: a drawn undeclared field inside `custom_fields[0][label]`
    (the schema allows any) travels as text, so the server keeps "57145", not 57145; the run expected the JSON it
    drew and reported "custom_fields changed" (live.round_trip)."""
    from contract.validate import Validators

    cut = json.loads(json.dumps(SPEC))
    props = cut["paths"]["/v1/subscriptions"]["post"]["requestBody"]["content"][FORM]["schema"]["properties"]
    props["custom_fields"] = {"anyOf": [{"type": "array", "items": {"type": "object", "required": ["key", "label"],
                                                                     "properties": {"key": {"type": "string"},
                                                                                    "label": {"type": "object"}}}},
                                        {"type": "string", "enum": [""]}]}
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(cut))
    spec = load_spec(path)
    body = {"custom_fields": [{"key": "k", "label": {"custom": "", "n": 57145, "flag": False}}],
            "days_until_due": 3, "default_tax_rates": ["txr_1"]}
    read = Validators(spec).request("POST /v1/subscriptions").read_back(body)
    assert read == {"custom_fields": [{"key": "k", "label": {"custom": "", "n": "57145", "flag": "false"}}],
                    "days_until_due": 3, "default_tax_rates": ["txr_1"]}


def test_every_conforming_form_case_reads_back_as_conforming(tmp_path: Path) -> None:
    """An undeclared key holding a bracket (`features[0][a[b]]=x`) has no form spelling: it reads as another,
    undeclared top-level field. Without the gate's wire reading, Stripe-2023's POST /v1/products/{id} sent such a
    "conforming" case and the emulator refused it (live.positive_acceptance)."""
    from contract.validate import Validators

    cut = json.loads(json.dumps(SPEC))
    props = cut["paths"]["/v1/subscriptions"]["post"]["requestBody"]["content"][FORM]["schema"]["properties"]
    props["features"] = {"type": "array", "minItems": 1, "items": {"type": "object", "minProperties": 2,
                                                                   "properties": {"name": {"type": "string"}}}}
    cut["paths"]["/v1/subscriptions"]["post"]["requestBody"]["required"] = True
    cut["paths"]["/v1/subscriptions"]["post"]["requestBody"]["content"][FORM]["schema"]["required"] = ["features"]
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(cut))
    spec = load_spec(path)
    validator = Validators(spec).request("POST /v1/subscriptions")
    result = generate_cases(spec, "POST /v1/subscriptions", mode="conforming", count=30, seed=0)
    forms = [c for c in result.cases if isinstance(c.body, dict) and c.body.get("features")]
    assert forms
    for case in forms:
        assert validator.validate_body(validator.read_back(case.body), FORM) == [], case.body
