"""The one reader of error bodies (contract.core.errors_body), on real examples of every shape it reads.

Each example is the error body an API documents (or, for the two test targets, serves), cited per case:

* hier (tests/targets/hier/app.py) — ``{"error": {"code", "message"}}``, the field named in the message;
* Stripe — https://docs.stripe.com/api/errors (``error.param``);
* OpenAI — https://platform.openai.com/docs/guides/error-codes (``error.param``);
* Google APIs — https://cloud.google.com/apis/design/errors (``details[].fieldViolations``);
* Microsoft REST API Guidelines — https://github.com/microsoft/api-guidelines (``error.details[].target``);
* Slack Web API — https://api.slack.com/web#evaluating_responses (``{"ok": false, "error": "..."}``);
* OAuth 2.0 — RFC 6749 §5.2 (``error`` + ``error_description``);
* Qdrant — https://api.qdrant.tech (``{"status": {"error": "..."}}``);
* FastAPI — https://fastapi.tiangolo.com/tutorial/handling-errors/ (``detail`` text and ``detail[].loc``);
* Django REST framework — https://www.django-rest-framework.org/api-guide/exceptions/ (``detail``, field maps);
* JSON:API — https://jsonapi.org/examples/#error-objects (``errors[].source.pointer``);
* GitHub REST — https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api (``errors[].field``);
* Adapty server-side API (the seed sandbox, contract/sandbox/app.py) — ``errors[].source`` + ``errors[].errors``;
* Laravel — https://laravel.com/docs/validation#validation-error-response-format (``errors`` map);
* ASP.NET Core ValidationProblemDetails — https://learn.microsoft.com/aspnet/core/web-api/handle-errors;
* RFC 9457 problem details — https://www.rfc-editor.org/rfc/rfc9457 §3 (``detail``; ``errors[].pointer``);
* AWS API Gateway — https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html;
* Spring Boot — the default ``/error`` body (``path`` there is the URL path, not a field).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from contract.core.errors_body import ErrorItem, field_tokens, mentioned, read_errors, same_field, summary

CASES: list[tuple[str, Any, list[tuple[str | None, str]]]] = [
    ("hier validation", {"error": {"code": "validation_error",
                                   "message": "vector: must have exactly 3 items (the dimension of collection "
                                              "'books'), got 2"}},
     [("vector", "must have exactly 3 items (the dimension of collection 'books'), got 2")]),
    ("hier nested path", {"error": {"code": "validation_error", "message": "records/0/vector: must be an array"}},
     [("records/0/vector", "must be an array")]),
    ("hier not found", {"error": {"code": "not_found", "message": "collection 'ct-x' not found"}},
     [(None, "collection 'ct-x' not found")]),
    ("hier switched off", {"error": "disabled"}, [(None, "disabled")]),
    ("stripe", {"error": {"code": "parameter_missing",
                          "doc_url": "https://stripe.com/docs/error-codes/parameter-missing",
                          "message": "Missing required param: amount.", "param": "amount",
                          "type": "invalid_request_error"}},
     [("amount", "Missing required param: amount.")]),
    ("openai", {"error": {"message": "'gpt-x' is not a valid model ID", "type": "invalid_request_error",
                          "param": "model", "code": None}},
     [("model", "'gpt-x' is not a valid model ID")]),
    ("google field violations", {"error": {
        "code": 400, "message": "Request contains an invalid argument.", "status": "INVALID_ARGUMENT",
        "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                     "fieldViolations": [{"field": "instance.name", "description": "must be 1-63 characters"}]}]}},
     [("instance.name", "must be 1-63 characters")]),
    ("google error info", {"error": {
        "code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                     "domain": "googleapis.com"}]}},
     [(None, "API key not valid. Please pass a valid API key."), (None, "API_KEY_INVALID")]),
    ("microsoft", {"error": {"code": "BadArgument", "message": "Multiple errors in ContactInfo data",
                             "target": "ContactInfo",
                             "details": [{"code": "NullValue", "target": "PhoneNumber",
                                          "message": "Phone number must not be null"},
                                         {"code": "MalformedValue", "target": "Address",
                                          "message": "Address is not valid"}]}},
     [("PhoneNumber", "Phone number must not be null"), ("Address", "Address is not valid")]),
    ("slack", {"ok": False, "error": "invalid_auth"}, [(None, "invalid_auth")]),
    ("oauth2", {"error": "invalid_request", "error_description": "The request is missing a required parameter."},
     [(None, "The request is missing a required parameter.")]),
    ("qdrant", {"status": {"error": "Wrong input: Vector dimension error: expected dim: 3, got 4"}, "time": 0.0002},
     [(None, "Wrong input: Vector dimension error: expected dim: 3, got 4")]),
    ("fastapi detail text", {"detail": "Item not found"}, [(None, "Item not found")]),
    ("fastapi validation", {"detail": [
        {"type": "missing", "loc": ["body", "name"], "msg": "Field required", "input": {}},
        {"type": "string_too_long", "loc": ["body", "tags", 0], "msg": "String should have at most 32 characters"},
        {"type": "int_parsing", "loc": ["query", "limit"], "msg": "Input should be a valid integer"}]},
     [("name", "Field required"), ("tags/0", "String should have at most 32 characters"),
      ("limit", "Input should be a valid integer")]),
    ("drf detail", {"detail": "Authentication credentials were not provided."},
     [(None, "Authentication credentials were not provided.")]),
    ("drf field map", {"email": ["Enter a valid email address."],
                       "non_field_errors": ["Unable to log in with provided credentials."]},
     [("email", "Enter a valid email address."), (None, "Unable to log in with provided credentials.")]),
    ("json:api", {"errors": [{"status": "422", "source": {"pointer": "/data/attributes/firstName"},
                              "title": "Invalid Attribute",
                              "detail": "First name must contain at least two characters."}]},
     [("/data/attributes/firstName", "First name must contain at least two characters.")]),
    ("github validation", {"message": "Validation Failed",
                           "errors": [{"resource": "Issue", "field": "title", "code": "missing_field"}],
                           "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue"},
     [("title", "missing_field")]),
    ("github not found", {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"},
     [(None, "Not Found")]),
    ("adapty", {"errors": [{"source": "email", "errors": ["Enter a valid email address."]},
                           {"source": "non_field_errors", "errors": ["Either customer_user_id or profile_id."]}],
                "error_code": "bad_request", "status_code": 400},
     [("email", "Enter a valid email address."), (None, "Either customer_user_id or profile_id.")]),
    ("laravel", {"message": "The given data was invalid.",
                 "errors": {"email": ["The email field is required."], "name": ["The name must be a string."]}},
     [("email", "The email field is required."), ("name", "The name must be a string.")]),
    ("asp.net", {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                 "title": "One or more validation errors occurred.", "status": 400,
                 "errors": {"Name": ["The Name field is required."]}, "traceId": "00-84c1fd4063c38d9f-01"},
     [("Name", "The Name field is required.")]),
    ("rfc 9457", {"type": "https://example.com/probs/out-of-credit", "title": "You do not have enough credit.",
                  "detail": "Your current balance is 30, but that costs 50.", "instance": "/account/12345/msgs/abc",
                  "balance": 30, "accounts": ["/account/12345", "/account/67890"]},
     [(None, "Your current balance is 30, but that costs 50.")]),
    ("rfc 9457 validation", {"type": "https://example.net/validation-error", "title": "Your request is not valid.",
                             "errors": [{"detail": "must be a positive integer", "pointer": "#/age"},
                                        {"detail": "must be 'green', 'red' or 'blue'",
                                         "pointer": "#/profile/color"}]},
     [("/age", "must be a positive integer"), ("/profile/color", "must be 'green', 'red' or 'blue'")]),
    ("aws api gateway", {"message": "Missing Authentication Token"}, [(None, "Missing Authentication Token")]),
    ("spring boot", {"timestamp": "2024-05-01T10:00:00.000+00:00", "status": 400, "error": "Bad Request",
                     "message": "Required request parameter 'name' is not present", "path": "/users"},
     [(None, "Required request parameter 'name' is not present")]),
]


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_shape_is_read(name: str, body: Any, expected: list[tuple[str | None, str]]) -> None:
    assert read_errors(json.dumps(body).encode()) == [ErrorItem(f, m) for f, m in expected]


def test_bodies_that_are_not_json() -> None:
    assert read_errors(b"Internal Server Error") == [ErrorItem(None, "Internal Server Error")]
    assert read_errors(b"<html><body><h1>502 Bad Gateway</h1></body></html>") == []
    assert read_errors(b"") == [] and read_errors(None) == [] and read_errors(b"\xff\xfe") == []
    assert read_errors(b"[]") == [] and read_errors(b"42") == []


def test_a_leading_word_is_not_always_a_field() -> None:
    assert read_errors(b'{"message": "Error: the index is locked"}') == [ErrorItem(None, "Error: the index is locked")]
    assert read_errors(b'{"message": "Forbidden: the key lacks a scope"}')[0].field is None
    assert read_errors(b'{"message": "see https://x.invalid/errors"}')[0].field is None


def test_field_comparison() -> None:
    assert field_tokens("body.records[0].vector") == ["records", "vector"]
    assert field_tokens("/data/attributes/firstName") == ["firstname"]
    assert same_field("/custom_attributes/0/value", "custom_attributes")
    assert same_field("records/0/vector", "/vector")
    assert same_field("first_name", "firstName")
    assert not same_field("vector", "/score")
    assert not same_field("", "x")
    assert mentioned("'first_name' is too long", ["first_name", "name"]) == ["first_name"]


def test_summary_is_one_line() -> None:
    items = [ErrorItem("vector", "must have 3 items"), ErrorItem(None, "and more")]
    assert summary(items) == "vector: must have 3 items; and more"
    assert len(summary([ErrorItem(None, "x" * 500)], limit=50)) == 50
