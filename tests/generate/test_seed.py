"""Generation for the seed operation (createProfile): validity, labels, prose group, coverage."""

from __future__ import annotations

import re

import pytest

from contract.generate import GenerationResult, generate_cases, prose_constraints
from contract.generate.extra import ExtraCheck
from contract.generate.formats import is_header_value
from contract.load import Spec
from contract.validate import Validators

from .helpers import label_agrees

ID_HEADERS = {"adapty-customer-user-id", "adapty-profile-id"}
KEY_PATTERN = re.compile(r"^[A-Za-z0-9\-._]*$")


@pytest.fixture(scope="module")
def big(seed_spec: Spec) -> GenerationResult:
    """5,000 cases: 2,500 conforming, 2,500 violating."""
    return generate_cases(seed_spec, "createProfile", mode="all", count=2500, seed=11,
                          headers={"Authorization": "Api-Key test"})


def test_every_conforming_case_passes_the_validator(seed_spec: Spec, big: GenerationResult) -> None:
    validator = Validators(seed_spec).request("createProfile")
    conforming = [c for c in big.cases if c.mode == "conforming"]
    assert len(conforming) == 2500
    bad = [(c.body, validator.validate_case(c)) for c in conforming if validator.validate_case(c)]
    assert bad == []
    assert all(c.label is None for c in conforming)


def test_every_violating_label_is_what_the_validator_reports(seed_spec: Spec, big: GenerationResult) -> None:
    validator = Validators(seed_spec).request("createProfile")
    violating = [c for c in big.cases if c.mode == "violating"]
    assert len(violating) >= 2500
    wrong = [(c.label, validator.validate_case(c)) for c in violating
             if not label_agrees(c, validator.validate_case(c))]
    assert wrong == []
    assert big.discarded == 0 or big.discarded < len(big.cases) // 100


def test_conforming_cases_explore_edges(big: GenerationResult) -> None:
    bodies = [c.body for c in big.cases if c.mode == "conforming"]
    genders = {b.get("gender", "absent") for b in bodies}
    assert {"f", "m", "o", None, "absent"} <= genders  # every enum member, null, absent
    platforms = {b["installation_meta"].get("platform") for b in bodies}
    assert {"iOS", "macOS", "iPadOS", "Android", "visionOS", "web", None} <= platforms
    names = [b["first_name"] for b in bodies if isinstance(b.get("first_name"), str)]
    assert "" in names and any(not n.isascii() for n in names)
    assert any(len(b) == 1 for b in bodies) and any(len(b) == 14 for b in bodies)  # optional: none / all


def test_headers_are_legal_header_values(big: GenerationResult) -> None:
    for case in big.cases:
        for name, value in case.headers.items():
            assert is_header_value(name) and is_header_value(value), (name, value)


def test_example_label_from_the_issue(big: GenerationResult) -> None:
    labels = [c.label for c in big.cases if c.label is not None]
    key_too_long = [lb for lb in labels if lb.pointer == "/custom_attributes/0/key" and lb.keyword == "maxLength"]
    assert key_too_long
    assert key_too_long[0].value == 30 and key_too_long[0].description == "31-char key"
    assert any(lb.pointer == "/installation_meta" and lb.keyword == "required" for lb in labels)
    assert any(lb.pointer == "header/Authorization" and lb.keyword == "security" for lb in labels)
    assert any(lb.pointer == "request/body" and lb.keyword == "parse" for lb in labels)
    assert any(lb.pointer == "request/content-type" and lb.keyword == "content-type" for lb in labels)


def test_coverage_lists_every_profile_request_constraint(big: GenerationResult) -> None:
    body_rows = [r for r in big.coverage if r.part == "body" and r.source == "spec"]
    missing = [r for r in body_rows if r.cases == 0]
    assert missing == []
    seen = {(r.pointer, r.keyword) for r in body_rows}
    for expected in [("/installation_meta", "required"), ("/custom_attributes/*/key", "maxLength"),
                     ("/installation_meta/device_id", "format"), ("/gender", "enum"),
                     ("/custom_attributes/*/value", "oneOf"), ("/att_status", "type")]:
        assert expected in seen
    request_rows = {r.keyword: r.cases for r in big.coverage if r.part == "request"}
    assert all(request_rows[k] > 0 for k in ("required", "content-type", "parse", "security"))


def test_prose_constraints_of_the_seed(seed_spec: Spec) -> None:
    extras = prose_constraints(seed_spec, seed_spec.operation("createProfile"))
    got = {(e.part, e.location, e.keyword, str(e.value)) for e in extras}
    assert got == {
        ("header", "", "either", "['adapty-customer-user-id', 'adapty-profile-id']"),
        ("body", "/custom_attributes", "maxItems", "30"),
        ("body", "/custom_attributes/*/key", "pattern", r"^[A-Za-z0-9\-\._]*$"),
        ("body", "/custom_attributes/*/value", "maxLength", "50"),
    }
    assert all(e.source == "prose" and e.where is not None and e.where.line for e in extras)


def test_conforming_cases_honour_the_prose(big: GenerationResult) -> None:
    for case in (c for c in big.cases if c.mode == "conforming"):
        assert ID_HEADERS & {h.lower() for h in case.headers}, case.headers
        attributes = case.body.get("custom_attributes") or []
        assert len(attributes) <= 30
        for attr in attributes:
            assert KEY_PATTERN.match(attr["key"])
            assert not isinstance(attr["value"], str) or len(attr["value"]) <= 50


def test_prose_group_satisfies_the_spec_and_breaks_its_constraint(seed_spec: Spec, big: GenerationResult) -> None:
    validator = Validators(seed_spec).request("createProfile")
    extras = prose_constraints(seed_spec, seed_spec.operation("createProfile"))
    checks = {(e.pointer(), e.keyword): ExtraCheck(e) for e in extras}
    prose = [c for c in big.cases if c.label is not None and c.label.source == "prose"]
    assert {(c.label.pointer, c.label.keyword) for c in prose} == set(checks)
    for case in prose:
        assert validator.validate_case(case) == []
        assert not checks[(case.label.pointer, case.label.keyword)].holds(case)
    neither = [c for c in prose if c.label.keyword == "either"]
    assert all(not ID_HEADERS & {h.lower() for h in c.headers} for c in neither)


def test_no_extra_constraints_when_told(seed_spec: Spec) -> None:
    result = generate_cases(seed_spec, "createProfile", mode="all", count=30, seed=3, extra=[])
    assert not [r for r in result.coverage if r.source != "spec"]
    assert all(c.label is None or c.label.source == "spec" for c in result.cases)


def test_placeholder_credential_without_headers(seed_spec: Spec) -> None:
    result = generate_cases(seed_spec, "createProfile", mode="conforming", count=5, seed=1)
    assert all(c.headers["Authorization"] == "<Authorization>" for c in result.cases)
    assert any(f.check == "generate.placeholder_credential" for f in result.findings)
    given = generate_cases(seed_spec, "createProfile", mode="all", count=5, seed=1,
                           headers={"authorization": "Api-Key s3cr3t"})
    lowered = [{k.lower(): v for k, v in c.headers.items()} for c in given.cases]
    assert all(h.get("authorization") == "Api-Key s3cr3t" or c.label is not None
               for h, c in zip(lowered, given.cases, strict=True))
    no_credentials = [c for c in given.cases if c.label is not None and c.label.keyword == "security"]
    assert no_credentials and all("authorization" not in {h.lower() for h in c.headers} for c in no_credentials)


def test_same_seed_same_cases_and_count_extends(seed_spec: Spec) -> None:
    a = generate_cases(seed_spec, "createProfile", mode="all", count=40, seed=5)
    b = generate_cases(seed_spec, "createProfile", mode="all", count=40, seed=5)
    c = generate_cases(seed_spec, "createProfile", mode="conforming", count=60, seed=5)
    assert [x.to_dict() for x in a.cases] == [x.to_dict() for x in b.cases]
    assert [x.to_dict() for x in c.cases[:40]] == [x.to_dict() for x in a.cases[:40]]
    other = generate_cases(seed_spec, "createProfile", mode="conforming", count=40, seed=6)
    assert [x.to_dict() for x in other.cases] != [x.to_dict() for x in a.cases[:40]]
