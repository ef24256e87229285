"""Operations that are one request on the wire: Box writes `#fragment` variants of one path (19 of them:
`/files/{file_id}#add_shared_link`, `/shared_items#folders`, `/metadata_templates/schema#classifications`),
and a fragment is never sent. A faithful server serves the request as one of them, so an answer valid for a
sibling is not a response-schema finding, and an accepted violating case that a sibling accepts is undecided."""

from __future__ import annotations

import json

import pytest

from contract.generate import generate_cases
from contract.load import load_spec
from contract.model import Exchange, Severity
from contract.replay.checks import CheckContext, Observation, negative_rejection, response_schema
from contract.replay.operations import LiveOperation
from contract.validate import Validators
from tests.conftest import CORPUS

BOX = CORPUS / "box-3.0.json"
pytestmark = pytest.mark.skipif(not BOX.is_file(), reason=f"corpus not found at {CORPUS}")


def test_siblings_are_the_same_method_and_path_without_the_fragment() -> None:
    spec = load_spec(BOX)
    ctx = CheckContext(spec, Validators(spec))
    keys = lambda key: sorted(o.key for o in ctx.wire_siblings(spec.operation(key)))  # noqa: E731
    assert keys("PUT /files/{file_id}#add_shared_link") == ["PUT /files/{file_id}",
                                                            "PUT /files/{file_id}#remove_shared_link",
                                                            "PUT /files/{file_id}#update_shared_link"]
    assert keys("GET /files/{file_id}") == ["GET /files/{file_id}#get_shared_link"]
    assert keys("DELETE /files/{file_id}") == []


def test_a_request_a_sibling_accepts_is_undecided_and_its_answer_is_judged_against_both() -> None:
    spec = load_spec(BOX)
    ctx = CheckContext(spec, Validators(spec))
    variant = spec.operation("POST /metadata_templates/schema#classifications")
    result = generate_cases(spec, variant, mode="violating", count=20, seed=0)
    case = next(c for c in result.cases if c.label and c.label.keyword == "required"
                and c.label.pointer.endswith("templateKey"))
    body = json.dumps(case.body).encode()
    plain = spec.operation("POST /metadata_templates/schema")
    assert not Validators(spec).request(plain).validate_body(case.body, "application/json")  # the plain op's
    answer = {"type": "metadata_template", "id": "1", "templateKey": "t", "scope": "enterprise", "displayName": "d"}
    ex = Exchange("POST", "http://127.0.0.1:1/metadata_templates/schema", {"Content-Type": "application/json"}, body,
                  status=201, response_headers={"content-type": "application/json"},
                  response_body=json.dumps(answer).encode())
    found = negative_rejection(ctx, Observation(LiveOperation(variant), case, ex))
    assert [(f.severity, f.details["sibling"]) for f in found] == [(Severity.INFO, plain.key)]
    assert "could not decide" in found[0].message
    assert response_schema(ctx, Observation(LiveOperation(variant), case, ex)) == []  # a valid answer of the plain op
    wrong = Exchange("POST", ex.url, ex.request_headers, body, status=201,
                     response_headers={"content-type": "application/json"}, response_body=b'[1]')
    assert response_schema(ctx, Observation(LiveOperation(variant), case, wrong))  # valid for neither: a finding
