"""The live run against the sandbox: clean gives no hard findings, each fault is caught by its check,
every reported curl line reproduces the failure, and the same seed gives the same findings."""

from __future__ import annotations

import json
import shlex
from typing import Any

import httpx
import pytest

from contract.core import checks
from contract.model import Finding
from contract.sandbox import Sandbox

from .conftest import KEY_A, KEY_B, run_against

HARD = {"live.server_error", "live.response_schema", "live.round_trip", "live.delete_effective", "live.tenant_isolation", "live.auth_enforced",
        "live.lost_update", "live.content_type", "live.transport"}

# fault → the check meant to catch it
FAULT_CHECK = {
    "server-error": "live.server_error",
    "drop-field": "live.response_schema",
    "wrong-content-type": "live.content_type",
    "no-persist": "live.round_trip",
    "no-auth": "live.auth_enforced",
    "tenant-leak": "live.tenant_isolation",
    "no-delete": "live.delete_effective",
    "lost-update": "live.lost_update",
    "accept-invalid": "live.negative_rejection",
    "undocumented-status": "live.status_code_documented",
    "truncate-values": "live.round_trip",
    "slow": "live.max_response_time",
    "no-request-id": "live.response_headers",
}


def _ids(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.check, f.operation or "", f.signature()) for f in findings}


@pytest.fixture(scope="module")
def clean(spec, pages, clean_sandbox):
    return run_against(spec, pages, clean_sandbox.url, probe_values=["kaboom"], max_response_time=1.0)


def test_clean_sandbox_has_no_hard_findings(clean):
    hard = [f"{f.check}: {f.message}" for f in clean.findings if f.check in HARD]
    assert hard == []
    assert clean.meta["answered"] > 50
    # ...but the run did find what really disagrees: live follows the docs, not the spec
    checks = {f.check for f in clean.findings}
    assert {"live.positive_acceptance", "live.negative_rejection", "live.live_only_operation", "live.docs_only_operation"} <= checks


def test_live_and_docs_only_operations_are_reported(clean):
    inventory = {(f.check, f.operation) for f in clean.findings if f.check.endswith("_operation")}
    path = "/api/v2/server-side-api/profile/"
    assert inventory == {("live.docs_only_operation", f"PATCH {path}"), ("live.live_only_operation", f"GET {path}"),
                         ("live.live_only_operation", f"DELETE {path}")}


def test_positive_acceptance_names_the_field_the_server_applied(clean):
    blamed = {f.details.get("field") for f in clean.findings if f.check == "live.positive_acceptance"}
    assert "birthday" in blamed  # the spec says nullable, the docs (and the server) say not


def test_same_seed_same_findings(spec, pages):
    with Sandbox() as sandbox:
        first = run_against(spec, pages, sandbox.url, max_examples=100, seed=7)
        second = run_against(spec, pages, sandbox.url, max_examples=100, seed=7)
    assert [f.signature() for f in first.findings] == [f.signature() for f in second.findings]
    assert [f.message for f in first.findings] == [f.message for f in second.findings]
    assert first.findings


def _parse_curl(line: str) -> tuple[str, str, dict[str, str], bytes | None]:
    tokens = shlex.split(line)
    assert tokens[0] == "curl"
    method, url, headers, body = "GET", "", {}, None
    i = 1
    while i < len(tokens):
        tok = tokens[i]
        if tok == "-X":
            method, i = tokens[i + 1], i + 2
        elif tok == "-H":
            name, _, value = tokens[i + 1].partition(": ")
            headers[name] = value
            i += 2
        elif tok == "--data-binary":
            body, i = tokens[i + 1].encode(), i + 2
        elif tok.startswith("-"):
            i += 1
        else:
            url, i = tok, i + 1
    return method, url, headers, body


def _reproduce(finding: Finding) -> httpx.Response:
    assert finding.curl and "sandbox-key" not in finding.curl
    method, url, headers, body = _parse_curl(finding.curl)
    key = KEY_B if finding.check == "live.tenant_isolation" else KEY_A
    if finding.check == "live.auth_enforced":
        key = "not-a-key-at-all"
    headers = {k: v.replace("***", key) for k, v in headers.items()}
    return httpx.request(method, url, headers=headers, content=body, timeout=10)


def _still_fails(finding: Finding, response: httpx.Response) -> bool:
    details: dict[str, Any] = finding.details
    text = response.text
    match finding.check:
        case "live.server_error":
            return response.status_code >= 500
        case "live.response_schema":
            return response.status_code < 300 and "segment_hash" not in text
        case "live.content_type":
            return response.headers.get("content-type", "").startswith("text/plain")
        case "live.round_trip":
            attrs = {a["key"]: a["value"] for a in response.json()["data"]["custom_attributes"]}
            key = details["field"].split("[", 1)[1].rstrip("]")
            if details["kind"] == "dropped":
                return key not in attrs
            if details["kind"] == "not-deleted":
                return key in attrs
            return attrs.get(key) == details["got"]
        case "live.auth_enforced":
            return response.status_code not in (401, 403)
        case "live.tenant_isolation" | "live.delete_effective" | "live.negative_rejection":
            return 200 <= response.status_code < 300
        case "live.lost_update":
            attrs = {a["key"] for a in response.json()["data"]["custom_attributes"]}
            return not (set(details["missing"]) & attrs)
        case "live.status_code_documented":
            return response.status_code == details["status"]
        case "live.max_response_time":
            return response.elapsed.total_seconds() > details["limit"]
        case "live.response_headers":
            return "request-id" not in response.headers
    raise AssertionError(finding.check)


@pytest.mark.parametrize("fault", sorted(FAULT_CHECK))
def test_each_fault_is_caught_and_reproduced(spec, pages, clean, fault):
    check = FAULT_CHECK[fault]
    with Sandbox(faults=[fault]) as sandbox:
        result = run_against(spec, pages, sandbox.url, probe_values=["kaboom"], max_response_time=1.0,
                             max_examples=5)
        assert all(checks.is_registered(f.check) for f in result.findings)
        new = [f for f in result.findings if f.check == check and
               (f.check, f.operation or "", f.signature()) not in _ids(clean.findings)]
        assert new, f"{fault}: no new {check} finding"
        reproducible = [f for f in new if f.curl and not f.curl.startswith("printf")]
        assert reproducible
        # A DELETE that worked cannot be replayed on the same resource; any other request can.
        finding = next((f for f in reproducible if f.exchange and f.exchange.method != "DELETE"), reproducible[0])
        assert finding.exchange is not None and json.dumps(finding.to_dict())
        assert _still_fails(finding, _reproduce(finding)), finding.curl
