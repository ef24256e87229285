"""Request/response validators: behaviour, and agreement with openapi-core and jsonschema."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.load import load_spec
from contract.validate import Validators
from tests.conftest import SEED_SPEC
from tests.support.mutants import mixed_corpus
from tests.support.openapi_core_ref import Reference, nullable_as_types

OP = "createProfile"
PATH = "/api/v2/server-side-api/profile/"
HEADERS = {"Authorization": "Api-Key test", "Content-Type": "application/json", "adapty-customer-user-id": "u1"}
DEVICE = {"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}


@pytest.fixture(scope="module")
def validators(seed_spec):
    return Validators(seed_spec)


def test_request_violations_carry_pointer_keyword_expected_actual(validators):
    body = {"installation_meta": {"device_id": "nope"}, "custom_attributes": [{"key": "k" * 31, "value": "v"}],
            "birthday": "2000-02-30", "gender": "x"}
    got = {(v.pointer, v.keyword, repr(v.expected), repr(v.actual))
           for v in validators.request(OP).validate(headers=HEADERS, body=body)}
    assert got == {
        ("/installation_meta/device_id", "format", "'uuid'", "'nope'"),
        ("/custom_attributes/0/key", "maxLength", "30", repr("k" * 31)),
        ("/birthday", "format", "'date'", "'2000-02-30'"),
        ("/gender", "enum", "['f', 'm', 'o', None]", "'x'"),
    }


def test_request_presence_checks(validators):
    v = validators.request(OP)
    assert v.validate(headers=HEADERS, body={"installation_meta": DEVICE}) == []
    missing = v.validate(headers={"Content-Type": "application/json"}, body={})
    assert {(x.part, x.keyword) for x in missing} == {("security", "security"), ("body", "required")}
    assert [x.keyword for x in v.validate(headers=HEADERS)] == ["required"]  # no body at all
    wrong = v.validate(headers={**HEADERS, "Content-Type": "text/plain"}, raw_body=b"hi")
    assert [(x.part, x.expected) for x in wrong] == [("content-type", ["application/json"])]
    bad_json = v.validate(headers=HEADERS, raw_body=b'{"installation_meta": ')
    assert [(x.part, x.keyword) for x in bad_json] == [("body", "parse")]


def test_formats_are_really_checked(validators):
    v = validators.request(OP)

    def errors(**fields):
        return [x.keyword for x in v.validate_body({"installation_meta": DEVICE, **fields})]

    assert errors(email="jane@example.com") == []
    assert errors(email="jane.example.com") == ["format"]
    assert errors(birthday="2000-12-31") == []
    assert errors(birthday="31-12-2000") == ["format"]
    assert errors(store_account_token="3fa85f64-5717-4562-b3fc-2c963f66afa6") == []
    assert errors(store_account_token="3fa85f645717-4562-b3fc-2c963f66afa6") == ["format"]


def test_response_checks(validators):
    v = validators.response(OP)
    ok_body = (b'{"data": {"app_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "profile_id": '
               b'"3fa85f64-5717-4562-b3fc-2c963f66afa6", "customer_user_id": null, "total_revenue_usd": 0, '
               b'"segment_hash": "x", "timestamp": 1, "custom_attributes": [], "access_levels": [], '
               b'"subscriptions": [], "non_subscriptions": []}}')
    assert v.validate(200, {"Content-Type": "application/json"}, ok_body) == []
    assert [x.keyword for x in v.validate(201, {}, b"")] == ["status"]
    assert [x.part for x in v.validate(200, {"Content-Type": "text/html"}, ok_body)] == ["content-type"]
    assert [x.keyword for x in v.validate(200, {"Content-Type": "application/json"}, b"<html>")] == ["parse"]
    dropped = v.validate(200, {"Content-Type": "application/json"}, ok_body.replace(b'"segment_hash": "x", ', b""))
    assert [(x.pointer, x.keyword) for x in dropped] == [("/data", "required")]
    assert v.validate(500, {}, b"oops") == []  # documented without content: nothing to check


def test_response_headers_and_wildcard_status(tmp_path: Path):
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n"
        "        '200':\n          description: ok\n          headers:\n"
        "            X-Rate: {required: true, schema: {type: integer, minimum: 0}}\n"
        "        4XX:\n          description: client\n")
    v = Validators(load_spec(tmp_path / "api.yaml")).response("GET /x")
    assert v.validate(200, {"x-rate": "5"}, b"") == []
    assert [x.keyword for x in v.validate(200, {}, b"")] == ["required"]
    assert [x.keyword for x in v.validate(200, {"X-Rate": "-1"}, b"")] == ["minimum"]
    assert v.validate(418, {}, b"") == []
    assert [x.keyword for x in v.validate(500, {}, b"")] == ["status"]


def test_query_and_path_parameters_are_coerced(tmp_path: Path):
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x/{id}:\n    get:\n      parameters:\n"
        "        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}\n"
        "        - {name: flag, in: query, schema: {type: boolean}}\n"
        "        - {name: tags, in: query, schema: {type: array, items: {type: string}, maxItems: 2}}\n"
        "      responses:\n        '200': {description: ok}\n")
    v = Validators(load_spec(tmp_path / "api.yaml")).request("GET /x/{id}")
    assert v.validate(path_params={"id": "3"}, query={"flag": "true", "tags": "a,b"}) == []
    got = v.validate(path_params={"id": "0"}, query={"flag": "yes", "tags": "a,b,c"})
    assert sorted((x.part, x.pointer, x.keyword) for x in got) == [
        ("path", "id", "minimum"), ("query", "flag", "type"), ("query", "tags", "maxItems")]
    assert [x.keyword for x in v.validate(query={})] == ["required"]


def _bodies(spec):
    op = spec.operation(OP)
    request_bases = [op.request_body.content["application/json"].example,
                     spec.data["components"]["schemas"]["ProfileRequest"]["example"]]
    response_bases = [op.responses["200"].content["application/json"].example]
    return mixed_corpus(request_bases, 1500, seed=7), mixed_corpus(response_bases, 700, seed=11)


@pytest.mark.parametrize("policy", ["version", "auto"])
def test_fast_path_agrees_with_openapi_core_and_jsonschema(policy):
    """≥ 2,000 mixed request and response bodies: jsonschema-rs, jsonschema and openapi-core agree."""
    spec = load_spec(SEED_SPEC, nullable=policy)
    data = spec.data if policy == "version" else nullable_as_types(spec.data)
    ref = Reference(data)
    validators = Validators(spec)
    requests, responses = _bodies(spec)
    assert len(requests) + len(responses) >= 2000
    req_schema = validators.request(OP).body_schema()
    verdicts = []
    for body in requests:
        fast = req_schema.is_valid(body)
        assert fast == (req_schema.reference_errors(body) == []), body
        assert fast == ref.request_ok("post", PATH, body, HEADERS), body
        verdicts.append(fast)
    resp = validators.response(OP)
    for body in responses:
        import json

        fast = resp.validate(200, {"Content-Type": "application/json"}, json.dumps(body).encode()) == []
        assert fast == ref.response_ok("post", PATH, 200, body, HEADERS), body
        verdicts.append(fast)
    # A corpus that is all-valid or all-invalid would prove nothing.
    assert 0.15 < sum(verdicts) / len(verdicts) < 0.85
