"""The Markdown page wrapping the OpenAPI spec (004): the embedded copy is read as docs."""

from __future__ import annotations

from tests.docs.helpers import PROFILE, WRAPPED, seed, source_line

POST = f"POST {PROFILE}"


def test_page_and_reference_line() -> None:
    page = seed(WRAPPED)
    assert (page.format, page.title, page.description) == (
        "markdown", "Create profile", "Creates a new end user of your app in Adapty.")
    assert [(e.key, e.line, e.source) for e in page.endpoints] == [(POST, 8, "openapi-ref")]
    assert page.anomalies == []


def test_embedded_request_schema_becomes_fields_on_their_page_lines() -> None:
    page = seed(WRAPPED)
    request = page.fields_of("request")
    assert [f.name for f in request] == [
        "first_name", "last_name", "gender", "email", "phone_number", "birthday", "ip_country", "ip_v4_address",
        "store_country", "store", "store_account_token", "att_status", "analytics_disabled", "custom_attributes",
        "installation_meta"]
    for field in page.fields:
        assert field.origin == "embedded-spec"
        assert field.name in source_line(WRAPPED, field.line)
    by_name = {f.name: f for f in request}
    assert (by_name["birthday"].json_type, by_name["birthday"].format, by_name["birthday"].nullable) == (
        "string", "date", True)
    assert (by_name["installation_meta"].required, by_name["installation_meta"].json_type) == (True, "object")
    assert by_name["custom_attributes"].json_type == "array"
    assert {(c.keyword, tuple(c.value)) for c in by_name["gender"].constraints} == {("enum", ("f", "m", "o"))}


def test_embedded_headers_statuses_and_examples() -> None:
    page = seed(WRAPPED)
    assert [(f.name, f.required) for f in page.fields_of("request-header")] == [
        ("adapty-customer-user-id", False), ("adapty-profile-id", False), ("adapty-platform", False)]
    assert [(s.code, s.line, s.title) for s in page.statuses] == [
        (200, 46, "Profile created successfully"), (401, 66, "Unauthorized"), (500, 79, "Internal server error")]
    assert [(f.name, f.json_type) for f in page.fields_of("error", status=401)] == [
        ("errors", "array"), ("error_code", "string"), ("status_code", "integer")]
    assert [(e.kind, e.status, e.line) for e in page.examples] == [
        ("request", None, 87), ("response", 200, 52), ("response", 401, 72)]
    assert page.examples[0].body["email"] == "jane.doe@example.com"
    assert all(e.endpoint == POST for e in page.examples)


def test_either_rule_of_header_parameters() -> None:
    page = seed(WRAPPED)
    either = {c.field for c in page.constraints if c.constraint.keyword == "either"}
    assert either == {"adapty-customer-user-id", "adapty-profile-id"}
