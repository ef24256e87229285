"""Reports to render: real lint and drift runs on the bundled seeds, and a synthetic live run.

Every report a test here builds goes through `checked()`, which validates it against the
shipped report schema, so "every report the tests produce is valid" is enforced, not hoped.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from contract.lint import lint
from contract.load import load_spec
from contract.model import Constraint, Exchange, Finding, Location, Severity
from contract.pipeline import BUNDLED_DOCS, BUNDLED_SPEC, offline_findings
from contract.report import build_report, coverage_section, validation_errors
from tests.conftest import ROOT

SPEC = str(ROOT / BUNDLED_SPEC)
DOCS = [str(ROOT / d) for d in BUNDLED_DOCS]
OP = "POST /api/v2/server-side-api/profile/"
XSS = "<script>document.body.setAttribute('data-pwned','1')</script>"
XSS_IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"


def checked(report: dict[str, Any]) -> dict[str, Any]:
    errors = validation_errors(report)
    assert not errors, errors[:5]
    return report


@pytest.fixture(scope="session")
def _offline() -> tuple[list[Finding], list[Finding], list[Finding]]:
    lint_and_drift = offline_findings(SPEC, DOCS)
    drift_only = offline_findings(SPEC, DOCS, lint_spec=False)
    return lint_and_drift, drift_only, lint(load_spec(SPEC))


@pytest.fixture
def check_findings(_offline: tuple[list[Finding], ...]) -> list[Finding]:
    return list(_offline[0])


@pytest.fixture
def check_report(_offline: tuple[list[Finding], ...]) -> dict[str, Any]:
    return checked(build_report(list(_offline[0]), command="check", inputs={"spec": SPEC, "docs": DOCS}))


@pytest.fixture
def lint_report(_offline: tuple[list[Finding], ...]) -> dict[str, Any]:
    return checked(build_report(list(_offline[2]), command="lint", inputs={"spec": SPEC, "nullable": "auto"}))


@pytest.fixture
def drift_report(_offline: tuple[list[Finding], ...]) -> dict[str, Any]:
    return checked(build_report(list(_offline[1]), command="drift", inputs={"spec": SPEC, "docs": DOCS}))


def live_findings() -> list[Finding]:
    """What the live runner produces: exchanges, curl lines, constraints and verdicts."""
    def exchange(status: int, body: bytes, *, error: str | None = None) -> Exchange:
        return Exchange(method="POST", url="http://127.0.0.1:8000/api/v2/server-side-api/profile/",
                        request_headers={"authorization": "Api-Key [redacted]", "content-type": "application/json"},
                        request_body=b'{"first_name": 42}', status=None if error else status,
                        response_headers={} if error else {"content-type": "application/json"},
                        response_body=None if error else body, elapsed=0.012, error=error)

    curl = ("curl -X POST 'http://127.0.0.1:8000/api/v2/server-side-api/profile/' "
            "-H 'authorization: Api-Key [redacted]' --data-raw '{\"first_name\": 42}'")
    spec_loc = Location(SPEC, 120, "/components/schemas/Profile/properties/first_name")
    docs_loc = Location(DOCS[0], 57)
    constraint = Constraint("/first_name", "type", "string", "first_name must be a string", "spec", spec_loc)
    return [
        Finding("live.accepts_invalid", Severity.ERROR, "the server accepted a request the spec forbids: "
                "first_name = 42", operation=OP, spec=spec_loc, docs=docs_loc, exchange=exchange(200, b'{"ok":1}'),
                curl=curl, constraint=constraint, source="spec", verdict="docs",
                subject="/first_name:type"),
        Finding("live.rejects_valid", Severity.ERROR, "the server rejected a request the spec allows: "
                "phone_number length 20", operation=OP, spec=spec_loc, docs=docs_loc,
                exchange=exchange(400, b'{"errors":[{"detail":"too long"}]}'), curl=curl + " # phone",
                constraint=Constraint("/phone_number", "maxLength", 15, "docs say at most 15", "docs", docs_loc),
                source="docs", verdict="spec", subject="/phone_number:maxLength"),
        Finding("live.status_mismatch", Severity.WARNING, "404 for an unknown profile where docs say 400",
                operation="GET /api/v2/server-side-api/profile/", docs=docs_loc,
                exchange=exchange(404, b"not found \x00\x1b[31m"), curl="curl 'http://127.0.0.1:8000/x'",
                verdict="neither", subject="status:404"),
        Finding("live.timeout", Severity.WARNING, "no response within 5 s", operation=OP,
                exchange=exchange(0, b"", error="timeout"), curl=curl + " # slow", verdict="inconclusive",
                subject="timeout"),
        Finding("live.schema_violation", Severity.ERROR, XSS + " in the response body " + XSS_IMG, operation=OP,
                spec=Location(SPEC, 130, "/paths/x</script><script>alert(2)</script>"), exchange=exchange(200, XSS.encode()),
                curl="curl -d '" + XSS + "'", subject="xss"),
        Finding("live.info_only", Severity.INFO, "server sends an undocumented header x-request-id",
                operation=OP, subject="x-request-id"),
    ]


@pytest.fixture
def live_report() -> dict[str, Any]:
    rows = [{"part": "body", "pointer": "/first_name", "keyword": "type", "value": "string", "source": "spec",
             "cases": 2, "note": ""},
            {"part": "body", "pointer": "/phone_number", "keyword": "maxLength", "value": 15, "source": "docs",
             "cases": 0, "note": "no violating value fits the other constraints"}]
    extra = {"seed": 1234, "timings": {"load": 0.2, "generate": 1.1, "replay": 3.4, "total": 4.9},
             "checks_run": ["live.accepts_invalid", "live.rejects_valid", "live.status_mismatch", "live.timeout",
                            "live.schema_violation", "live.info_only", "live.headers_clean"],
             "coverage": coverage_section({OP: rows, "GET /api/v2/server-side-api/profile/": rows[:1]})}
    return checked(build_report(live_findings(), command="run", inputs={"spec": SPEC, "target": "sandbox"},
                                extra=extra))


@pytest.fixture
def all_reports(check_report, lint_report, drift_report, live_report) -> dict[str, dict[str, Any]]:
    return {"check": check_report, "lint": lint_report, "drift": drift_report, "live": live_report}


def clone(report: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(report)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The real entry point (exit codes included); returns (exit code, stdout + stderr)."""
    from contract.cli import main

    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.out + captured.err
