"""Spec ↔ docs drift on the seeds: each disagreement the pages really have, located on both sides."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from contract.compare import compare
from contract.core import checks
from contract.docs import read_docs_text
from contract.load import Spec, load_spec
from contract.model import Finding
from tests.docs.helpers import MDX, PROFILE, RENDERED, SPECS, WRAPPED, seed, source_line

POST = f"POST {PROFILE}"
SPEC_FILE = SPECS / "adapty-api.yaml"


@cache
def spec() -> Spec:
    return load_spec(SPEC_FILE)


def drift(path: Path) -> list[Finding]:
    return compare(spec(), [seed(path)])


def by_subject(findings: list[Finding]) -> dict[tuple[str, str], Finding]:
    return {(f.check, f.subject or ""): f for f in findings}


def test_every_check_is_registered_and_every_finding_names_both_sides() -> None:
    for path in (RENDERED, MDX, WRAPPED):
        for finding in drift(path):
            assert checks.get(finding.check).stage == "drift"
            assert finding.severity == checks.get(finding.check).severity
            assert finding.docs is not None and finding.docs.file
            if finding.check not in ("drift.unresolved_include", "drift.example_contradicts_docs"):
                assert finding.spec is not None and finding.spec.file == str(SPEC_FILE)


def test_rendered_page_field_drift() -> None:
    found = by_subject(drift(RENDERED))
    expected = {
        ("drift.nullable_mismatch", "request:birthday"): (16, 170),
        ("drift.nullable_mismatch", "request:ip_country"): (17, 175),
        ("drift.nullable_mismatch", "request:analytics_disabled"): (20, 211),
        ("drift.type_mismatch", "request:custom_attributes"): (21, 215),
        ("drift.required_mismatch", "request:installation_meta"): (22, 220),
        ("drift.field_missing_in_docs", "request:ip_v4_address"): (11, 179),
        ("drift.field_missing_in_docs", "request:store_account_token"): (11, 197),
        ("drift.field_missing_in_docs", "request:att_status"): (11, 202),
        ("drift.type_mismatch", "response 401:errors"): (146, 118),
        ("drift.status_missing_in_spec", "status:404"): (163, 37),
        ("drift.status_missing_in_docs", "status:500"): (56, 71),
        ("drift.header_missing_in_spec", "response-header:200:request-id"): (60, 38),
    }
    for key, (docs_line, spec_line) in expected.items():
        assert key in found, key
        assert (found[key].docs.line, found[key].spec.line) == (docs_line, spec_line), key  # type: ignore[union-attr]
    custom = found[("drift.type_mismatch", "request:custom_attributes")]
    assert custom.disagreement is not None
    assert custom.disagreement.docs_value == ["object"] and custom.disagreement.spec_value == ["array"]
    assert "nullable" not in {k[0] for k in found if k[1].endswith(":first_name")}


def test_rendered_page_limits_stated_only_in_the_docs() -> None:
    found = by_subject(drift(RENDERED))
    limits = {k[1] for k in found if k[0] == "drift.limit_missing_in_spec"}
    assert limits == {
        "request:custom_attributes:items:maxItems", "request:custom_attributes:items:minItems",
        "request:custom_attributes:key:pattern", "request:custom_attributes:value-of-entry:maxLength"}
    # Key length agrees (30 in both), so it is not reported.
    assert not [k for k in found if k[0] == "drift.limit_mismatch"]


def test_rendered_page_examples_against_spec_and_table() -> None:
    findings = drift(RENDERED)
    violations = [f for f in findings if f.check == "drift.example_violates_spec"]
    email = next(f for f in violations if f.details["pointer"] == "/email")
    assert email.docs.line == 28 and "[email protected]" in source_line(RENDERED, 28)  # type: ignore[union-attr]
    offer = next(f for f in violations if f.details["pointer"] == "/data/subscriptions/0/offer")
    assert "offer_category" in source_line(RENDERED, offer.docs.line + 1)  # type: ignore[union-attr]
    dates = [f for f in violations if f.details["keyword"] == "format" and f.details["pointer"] != "/email"]
    assert dates and all("+0000" in source_line(RENDERED, f.docs.line) for f in dates)  # type: ignore[union-attr]
    contradictions = {(f.subject, f.docs.line) for f in findings  # type: ignore[union-attr]
                      if f.check == "drift.example_contradicts_docs"}
    assert contradictions == {("request:json:custom_attributes:type", 35), ("response 401:json:errors:type", 152),
                              ("response 404:json:errors:type", 174)}


def test_mdx_page_operation_missing_and_includes() -> None:
    counts = Counter(f.check for f in drift(MDX))
    assert counts == {"drift.unresolved_include": 6, "drift.operation_missing_in_spec": 1,
                      "drift.operation_missing_in_docs": 1}
    missing = next(f for f in drift(MDX) if f.check == "drift.operation_missing_in_spec")
    assert missing.operation == f"PATCH {PROFILE}" and missing.docs.line == 26  # type: ignore[union-attr]
    assert "the spec has POST on this path" in missing.message


def test_wrapped_page_agrees_with_the_spec_it_embeds() -> None:
    findings = drift(WRAPPED)
    assert [(f.check, f.subject) for f in findings] == [
        ("drift.limit_missing_in_spec", "request:custom_attributes:items:maxItems")]


def test_all_pages_together_document_every_operation() -> None:
    findings = compare(spec(), [seed(RENDERED), seed(MDX), seed(WRAPPED)])
    assert not [f for f in findings if f.check == "drift.operation_missing_in_docs"]


@pytest.mark.parametrize(("row", "check", "subject"), [
    ("| gender | String | no | yes | Possible values are: `f`, `m`. |", "drift.enum_mismatch",
     "request:gender:value:enum"),
    ("| phone_number | Integer | no | yes | Phone. |", "drift.type_mismatch", "request:phone_number"),
    ("| nickname | String | no | yes | Nick. |", "drift.field_missing_in_spec", "request:nickname"),
    ("| first_name | String | no | yes | No more than 20 characters. |", "drift.limit_missing_in_spec",
     "request:first_name:value:maxLength"),
])
def test_synthetic_table_rows(row: str, check: str, subject: str) -> None:
    page = read_docs_text(
        "## Method and endpoint\n\n`POST https://api.adapty.io/api/v2/server-side-api/profile/`\n\n"
        "## Parameters\n\n| Parameter | Type | Required | Nullable | Description |\n|---|---|---|---|---|\n"
        f"{row}\n", "p.md")
    found = by_subject(compare(spec(), [page]))
    assert (check, subject) in found
    assert found[(check, subject)].docs.line == 9  # type: ignore[union-attr]


def test_custom_attribute_key_limit_mismatch_and_disagreeing_tabs() -> None:
    page = read_docs_text(
        "## Method and endpoint\n\n`POST https://api.adapty.io/api/v2/server-side-api/profile/`\n\n"
        "## Parameters\n\n| Parameter | Type | Required | Nullable | Description |\n|---|---|---|---|---|\n"
        "| custom_attributes | Array | no | no | Key: no more than 20 characters. |\n\n"
        "## Example request\n\n```bash\ncurl -X POST https://api.adapty.io/api/v2/server-side-api/profile/ "
        "-H 'X-Extra: 1' -d '{\"first_name\": \"A\"}'\n```\n\n```python\nimport requests\n"
        "requests.post('https://api.adapty.io/api/v2/server-side-api/profile/', json={'first_name': 'B'})\n```\n",
        "p.md")
    found = by_subject(compare(spec(), [page]))
    limit = found[("drift.limit_mismatch", "request:custom_attributes:key:maxLength")]
    says = limit.disagreement
    assert says is not None and (says.docs_value, says.spec_value, limit.spec.line) == (20, 30, 319)  # type: ignore[union-attr]
    assert ("drift.header_missing_in_spec", "request-header:x-extra") in found
    tabs = found[("drift.example_contradicts_docs", "examples:curl:python")]
    assert tabs.details["differences"] == ["headers", "body"]
