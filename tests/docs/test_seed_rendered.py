"""The rendered "Create profile" page (003): text with pipe tables and unfenced JSON."""

from __future__ import annotations

import pytest

from tests.docs.helpers import PROFILE, RENDERED, seed, source_line

POST = f"POST {PROFILE}"

REQUEST_FIELDS = [
    # name, type as written, json type, format, required, nullable, line
    ("first_name", "String", "string", None, False, True, 11),
    ("last_name", "String", "string", None, False, True, 12),
    ("gender", "String", "string", None, False, True, 13),
    ("email", "String", "string", None, False, True, 14),
    ("phone_number", "String", "string", None, False, True, 15),
    ("birthday", "ISO 8601 date", "string", "date", False, False, 16),
    ("ip_country", "String", "string", None, False, False, 17),
    ("store_country", "String", "string", None, False, True, 18),
    ("store", "String", "string", None, False, True, 19),
    ("analytics_disabled", "Boolean", "boolean", None, False, False, 20),
    ("custom_attributes", "Dictionary", "object", None, False, False, 21),
    ("installation_meta", "Dictionary", "object", None, False, False, 22),
]


def test_page_identity() -> None:
    page = seed(RENDERED)
    assert page.format == "text"
    assert page.title == "Create profile with server-side API"
    assert page.description == "Creates a new end user of your app in Adapty."
    assert [(e.method, e.path, e.line, e.source) for e in page.endpoints] == [("POST", PROFILE, 4, "declared")]


def test_request_table_rows_exactly() -> None:
    page = seed(RENDERED)
    got = [(f.name, f.type, f.json_type, f.format, f.required, f.nullable, f.line)
           for f in page.fields_of("request")]
    assert got == REQUEST_FIELDS
    assert all(f.endpoint == POST for f in page.fields)


def test_email_row_is_repaired_and_reported() -> None:
    page = seed(RENDERED)
    email = page.find_field("email")
    assert email is not None and email.repaired
    assert email.description == "Your end user's email."
    assert [f.name for f in page.fields if f.repaired] == ["email"]
    shifted = [a for a in page.anomalies if a.kind == "table.shifted_row"]
    assert len(shifted) == 1 and shifted[0].line == 14
    assert "'email'" in shifted[0].message and "request example at line 24" in shifted[0].message


def test_plus_minus_flags_are_read_per_column() -> None:
    page = seed(RENDERED)
    nullable = {f.name for f in page.fields_of("request") if f.nullable}
    assert nullable == {"first_name", "last_name", "gender", "email", "phone_number", "store_country", "store"}
    assert not any(f.required for f in page.fields_of("request"))


def test_every_field_line_holds_the_field_name() -> None:
    page = seed(RENDERED)
    for field in page.fields:
        assert field.name in source_line(RENDERED, field.line), field


def test_response_header_table() -> None:
    page = seed(RENDERED)
    assert [(h.name, h.type, h.json_type, h.example, h.status, h.line) for h in page.headers] == [
        ("Request-Id", "String", "string", "758f01dfd9e74ccfbabb4934241c4966", 200, 60)]
    assert [f.name for f in page.fields_of("response-header")] == ["Request-Id"]


def test_error_tables_per_status() -> None:
    page = seed(RENDERED)
    for status, lines in ((401, [146, 148, 149]), (404, [168, 170, 171])):
        rows = page.fields_of("error", status=status)
        assert [(f.name, f.json_type, f.line) for f in rows] == [
            ("errors", "object", lines[0]), ("error_code", "string", lines[1]), ("status_code", "integer", lines[2])]
    ragged = [a.line for a in page.anomalies if a.kind == "table.ragged_row"]
    assert ragged == [146, 168]  # "errors | Object |" lost its description cell


def test_error_constants_come_from_prose() -> None:
    page = seed(RENDERED)
    consts = {(c.status, c.field, c.constraint.value) for c in page.constraints if c.constraint.keyword == "const"}
    assert consts == {(401, "error_code", "not_authenticated"), (401, "status_code", 401),
                      (404, "error_code", "not_found"), (404, "status_code", 404)}


def test_statuses() -> None:
    page = seed(RENDERED)
    got = [(s.code, s.line, s.title, s.inferred, len(s.fields), len(s.examples)) for s in page.statuses]
    assert got == [(200, 56, "Successful response", True, 0, 1), (401, 140, "Unauthorized", False, 3, 1),
                   (404, 163, "Not found", False, 3, 1)]
    unauthorized = page.statuses[1]
    assert unauthorized.description.startswith("The request failed due to missing or incorrect authorization.")
    assert unauthorized.examples[0].body["error_code"] == "not_authenticated"


def test_unfenced_json_examples() -> None:
    page = seed(RENDERED)
    got = [(e.kind, e.language, e.line, e.status, e.ok) for e in page.examples]
    assert got == [("request", "json", 24, None, True), ("response", "json", 63, 200, True),
                   ("response", "json", 151, 401, True), ("response", "json", 173, 404, True)]
    request = page.examples[0]
    assert list(request.body)[:4] == ["first_name", "last_name", "gender", "email"]
    assert request.body["custom_attributes"] == [{"key": "favourite_sport", "value": "yoga"}]
    assert page.examples[1].body["data"]["total_revenue_usd"] == pytest.approx(109.89)


def test_obfuscated_email_in_example_is_reported() -> None:
    page = seed(RENDERED)
    found = [a for a in page.anomalies if a.kind == "example.obfuscated_email"]
    assert [a.line for a in found] == [28]
    assert "[email protected]" in source_line(RENDERED, 28)


def test_custom_attributes_constraints() -> None:
    page = seed(RENDERED)
    field = page.find_field("custom_attributes")
    assert field is not None
    got = {(c.keyword, c.subject): c.value for c in field.constraints}
    assert got[("maxItems", "items")] == 30
    assert got[("minItems", "items")] == 1
    assert got[("maxLength", "key")] == 30
    assert got[("maxLength", "value-of-entry")] == 30
    assert got[("type", "value-of-entry")] == ["number", "string"]
    assert got[("converts", "value")] == ("boolean", "number")
    assert got[("deletes-with", "attribute")] == ["empty", "null"]
    assert got[("pattern", "key")] == r"^[A-Za-z0-9\-\._]*$"
    assert all(c.line == 21 for c in page.constraints if c.field == "custom_attributes")


def test_page_level_either_rule() -> None:
    page = seed(RENDERED)
    either = [c for c in page.constraints if c.field is None]
    assert len(either) == 1
    rule = either[0]
    assert rule.constraint.value == ("Profile_id", "customer_user_id")
    assert rule.constraint.extra == {"in": "header"}
    assert rule.line == 6 and rule.endpoint == POST


def test_anomalies_become_findings_with_registered_checks() -> None:
    from contract.docs.findings import ANOMALY_CHECKS, page_findings
    from contract.model import Severity

    findings = page_findings(seed(RENDERED))
    assert [(f.check, f.severity, f.docs.line) for f in findings] == [  # type: ignore[union-attr]
        ("docs.table_ragged_row", Severity.INFO, 146), ("docs.table_ragged_row", Severity.INFO, 168),
        ("docs.table_shifted_row", Severity.WARNING, 14), ("docs.example_obfuscated_email", Severity.WARNING, 28)]
    kinds = {a.kind for path in (RENDERED,) for a in seed(path).anomalies}
    assert kinds <= ANOMALY_CHECKS.keys()
