"""Calibrated live verdicts: each answer judged for what it says, the server's own words quoted.

Unit tests of the exchange checks on the hierarchical target's spec (tests/targets/hier), with the
error bodies that server sends: `{"error": {"code", "message"}}`, the field named in the message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from contract.load import Spec, load_spec
from contract.model import Case, Constraint, Exchange, Finding, Severity
from contract.replay.checks import CheckContext, Observation, Role, run_checks
from contract.replay.operations import LiveOperation
from contract.validate import Validators
from tests.targets.hier import SPEC


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(SPEC)


@pytest.fixture(scope="module")
def ctx(spec: Spec) -> CheckContext:
    return CheckContext(spec, Validators(spec))


def _error(message: str, code: str = "validation_error") -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def judge(ctx: CheckContext, spec: Spec, operation: str, status: int, body: Any, *, role: Role = "flood",
          mode: str = "conforming", label: Constraint | None = None, sources: dict[str, Any] | None = None,
          path_params: dict[str, str] | None = None, case_body: Any = None, only: str | None = None) -> list[Finding]:
    op = spec.operation(operation)
    case = Case(op.key, op.method, op.path, path_params=dict(path_params or {}), body=case_body,
                has_body=case_body is not None, media_type="application/json" if case_body is not None else None,
                mode=mode, label=label)  # type: ignore[arg-type]
    case.identifier_sources.update(sources or {})
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    ex = Exchange(op.method, "http://127.0.0.1:9" + case.rendered_path(), {}, None, status=status,
                  response_headers={"content-type": "application/json"}, response_body=raw)
    found = run_checks(ctx, Observation(LiveOperation(op), case, ex, role))
    return [f for f in found if only is None or f.check == only]


SEGMENT = {"collection_name": "ct-1", "segment_id": "00000000-0000-4000-8000-000000000000"}


# --------------------------------------------------------------------------- positive acceptance


def test_404_for_a_made_up_identifier_is_no_finding(ctx, spec):
    body = _error("collection 'ct-1' not found", "not_found")
    assert judge(ctx, spec, "getSegment", 404, body, path_params=SEGMENT, only="live.positive_acceptance") == []
    # one made-up identifier is enough: the parent may never have existed
    sources = {"collection_name": "produced"}
    assert judge(ctx, spec, "getSegment", 404, body, path_params=SEGMENT, sources=sources,
                 only="live.positive_acceptance") == []


def test_404_for_produced_identifiers_is_an_error(ctx, spec):
    body = _error("segment '…' not found in collection 'ct-1'", "not_found")
    sources = {"collection_name": "produced", "segment_id": "produced"}
    [f] = judge(ctx, spec, "getSegment", 404, body, path_params=SEGMENT, sources=sources,
                only="live.positive_acceptance")
    assert f.severity == Severity.ERROR and f.details["identifiers"] == sources
    assert "segment '…' not found" in f.message


def test_404_for_a_configured_identifier_is_a_warning(ctx, spec):
    body = _error("collection 'mine' not found", "not_found")
    [f] = judge(ctx, spec, "getCollection", 404, body, path_params={"collection_name": "mine"},
                sources={"collection_name": "configured"}, only="live.positive_acceptance")
    assert f.severity == Severity.WARNING and "check the value you passed" in f.message


@pytest.mark.parametrize("status", [409, 429])
def test_conflict_and_rate_limit_are_no_finding(ctx, spec, status):
    body = _error("collection 'books' already exists", "already_exists")
    assert judge(ctx, spec, "createCollection", status, body, case_body={"name": "books", "dimension": 3},
                 only="live.positive_acceptance") == []


def test_403_is_one_info_switched_off_or_forbidden(ctx, spec):
    [f] = judge(ctx, spec, "createSnapshot", 403, {"error": "disabled"}, path_params={"collection_name": "c"},
                only="live.positive_acceptance")
    assert f.severity == Severity.INFO
    assert "switched off or forbidden for this credential" in f.message and '"disabled"' in f.message


def test_401_on_a_conforming_request_is_a_warning_to_check_the_credential(ctx, spec):
    [f] = judge(ctx, spec, "getAccount", 401, _error("missing or invalid X-Api-Key header", "unauthorized"),
                only="live.positive_acceptance")
    assert f.severity == Severity.WARNING and "check --header" in f.message


def test_the_error_envelope_is_one_finding_naming_the_field_and_quoting_the_rule(ctx, spec):
    body = _error("name: must match ^[a-z][a-z0-9_-]{0,62}$")
    [f] = judge(ctx, spec, "createCollection", 422, body, case_body={"name": "Books", "dimension": 3},
                only="live.positive_acceptance")
    assert f.details["field"] == "name" and f.subject == "name"  # not "code" and "message"
    assert f.severity == Severity.ERROR
    assert "stricter than the spec" in f.message and '"must match ^[a-z][a-z0-9_-]{0,62}$"' in f.message


def test_a_rule_the_operations_prose_states_is_a_warning(ctx, spec):
    body = _error("vector: must have exactly 3 items (the dimension of collection 'c'), got 2")
    [f] = judge(ctx, spec, "createRecord", 422, body, path_params={**SEGMENT},
                sources={"collection_name": "produced", "segment_id": "produced"},
                case_body={"vector": [0.5, 0.5]}, only="live.positive_acceptance")
    assert f.details["field"] == "vector" and f.severity == Severity.WARNING and f.source == "prose"
    assert "must have exactly 3 items" in f.message


def test_a_refusal_naming_no_field_quotes_the_server(ctx, spec):
    [f] = judge(ctx, spec, "listCollections", 400, {"detail": "the index is being rebuilt"},
                only="live.positive_acceptance")
    assert f.subject == "status 400" and '"the index is being rebuilt"' in f.message


# --------------------------------------------------------------------------- auth


@pytest.mark.parametrize("status", [400, 404, 422, 401, 403, 302])
def test_no_credentials_refused_for_any_reason_is_not_an_auth_failure(ctx, spec, status):
    for role in ("auth-none", "auth-invalid"):
        assert judge(ctx, spec, "getCollection", status, _error("x"), role=role,  # type: ignore[arg-type]
                     path_params={"collection_name": "c"}, only="live.auth_enforced") == []


def test_no_credentials_succeeding_is_an_auth_failure(ctx, spec):
    [f] = judge(ctx, spec, "getAccount", 200, {"tenant": "t"}, role="auth-none", only="live.auth_enforced")
    assert f.severity == Severity.ERROR and "auth is not enforced" in f.message


# --------------------------------------------------------------------------- negative rejection


SCORE = Constraint("/score", "maximum", 1, "score 2 above the maximum 1")


def test_refused_over_the_broken_field_is_enforced(ctx, spec):
    body = _error("score: must be a number from 0 to 1")
    assert judge(ctx, spec, "createRecord", 422, body, mode="violating", label=SCORE, path_params=SEGMENT,
                 case_body={"vector": [1, 2], "score": 2}, only="live.negative_rejection") == []


def test_refused_over_another_field_is_could_not_decide(ctx, spec):
    body = _error("vector: must have exactly 3 items (the dimension of collection 'c'), got 2")
    [f] = judge(ctx, spec, "createRecord", 422, body, mode="violating", label=SCORE, path_params=SEGMENT,
                case_body={"vector": [1, 2], "score": 2}, only="live.negative_rejection")
    assert f.severity == Severity.INFO and f.details["decided"] == "could not decide"
    assert f.details["blamed"] == ["vector"] and "over another field (vector)" in f.message


def test_a_message_naming_another_body_field_is_could_not_decide(ctx, spec):
    body = {"message": "the vector is longer than the collection allows"}
    [f] = judge(ctx, spec, "createRecord", 400, body, mode="violating", label=SCORE, path_params=SEGMENT,
                case_body={"vector": [1, 2], "score": 2}, only="live.negative_rejection")
    assert f.details["blamed"] == ["vector"]
    assert judge(ctx, spec, "createRecord", 400, {"message": "invalid score"}, mode="violating", label=SCORE,
                 path_params=SEGMENT, case_body={"vector": [1, 2], "score": 2}, only="live.negative_rejection") == []


def test_accepting_a_spec_violation_is_an_error_and_an_ignored_content_type_a_warning(ctx, spec):
    [f] = judge(ctx, spec, "createRecord", 201, {}, mode="violating", label=SCORE, path_params=SEGMENT,
                case_body={"vector": [1], "score": 2}, only="live.negative_rejection")
    assert f.severity == Severity.ERROR
    media = Constraint("request/content-type", "content-type", "text/plain", "body sent as text/plain")
    [g] = judge(ctx, spec, "createCollection", 201, {}, mode="violating", label=media,
                case_body={"name": "a", "dimension": 1}, only="live.negative_rejection")
    assert g.severity == Severity.WARNING and "ignores the Content-Type" in g.message


# Cut from openai-3.1.yaml's `/organization/spend_limit` (GET, POST, DELETE on one path, no identifier).
SINGLETON = """
openapi: 3.1.0
info: {title: singleton, version: "1"}
paths:
  /organization/spend_limit:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Limit"}}}}
    post:
      requestBody:
        content: {application/json: {schema: {type: object, properties: {amount: {type: integer}}}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Limit"}}}}
    delete:
      responses:
        "200": {description: deleted, content: {application/json: {schema: {type: object}}}}
  /organization/projects:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: object}}}}}
components:
  schemas:
    Limit: {type: object, required: [object], properties: {object: {type: string}, amount: {type: integer}}}
"""


def test_404_on_a_singleton_before_its_create_is_no_finding(tmp_path):
    """OpenAI's `DELETE /organization/spend_limit` answered 404 in the flood (before its POST, or after another
    DELETE): whether a resource without identifier exists is the run's order, as for a made-up identifier. A 404
    on an operation no resource's create makes is still an error."""
    from contract.replay.graph import build_graph

    path = tmp_path / "singleton.yaml"
    path.write_text(SINGLETON)
    spec = load_spec(path)
    graph = build_graph(spec, [LiveOperation(op) for op in spec.operations])
    ctx = CheckContext(spec, Validators(spec), resources=dict(graph.members))
    assert ctx.resources["DELETE /organization/spend_limit"].item_path is None  # the graph reads it as a singleton
    body = _error("no such instance", "not_found")
    for key in ("DELETE /organization/spend_limit", "GET /organization/spend_limit"):
        assert judge(ctx, spec, key, 404, body, only="live.positive_acceptance") == [], key
    [f] = judge(ctx, spec, "GET /organization/projects", 404, body, only="live.positive_acceptance")
    assert f.severity == Severity.ERROR
