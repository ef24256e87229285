"""One root cause, one finding: the cause table (contract.replay.group) and the merge (contract.core.grouping)."""

from __future__ import annotations

from typing import Any

from contract.core.grouping import collapse
from contract.model import Constraint, Exchange, Finding, Location, Severity
from contract.replay.group import CAUSES, annotate
from contract.report import build_report
from contract.report.json import validation_errors
from contract.report.merge import merge_reports

SPEC = "api.yaml"


def _ops(n: int) -> list[str]:
    return [f"GET /things{i:02d}/{{id}}" for i in range(n)]


def _finding(check: str, op: str, message: str, subject: str, *, status: int | None = None,
             severity: Severity = Severity.WARNING, **details: Any) -> Finding:
    ex = Exchange("GET", f"http://127.0.0.1:9{op.split(' ', 1)[1]}", {}, status=status, response_body=b"{}")
    return Finding(check, severity, message, operation=op, spec=Location(SPEC, 10, f"/paths/{op}"), exchange=ex,
                   curl=f"curl http://127.0.0.1:9/{op}", subject=subject,
                   details={"status": status, **details} if status is not None else details)


def _report(findings: list[Finding]) -> dict[str, Any]:
    annotate(findings)
    report = build_report(findings, command="run")
    assert validation_errors(report) == []
    return report


def _undocumented(ops: list[str], statuses: list[int]) -> list[Finding]:
    out = []
    for i, op in enumerate(ops):
        status = statuses[i % len(statuses)]
        out.append(_finding("live.status_code_documented", op, f"{op} answered {status}, which is not documented "
                            "(documented: 200)", str(status), status=status, documented=["200"]))
    return out


def test_undocumented_statuses_of_many_operations_are_one_finding():
    ops = _ops(30)
    report = _report(_undocumented(ops, [400, 415, 422]))
    [f] = report["findings"]
    assert f["operation"] is None
    assert f["message"] == ("400, 415 and 422 are answered by 30 operations that do not document them "
                            "(400: 10, 415: 10, 422: 10)")
    assert f["details"]["operations"] == sorted(ops) and len(f["details"]["places"]) == 30
    place = f["details"]["places"][0]
    assert set(place) == {"operation", "message", "curl", "exchange", "spec", "docs"} and place["curl"].startswith("curl")
    assert place["exchange"]["status"] in (400, 415, 422)
    # the merged finding shows its example's location (a line to open); its fingerprint ignores the line
    assert f["spec"] == place["spec"] and f["spec"]["file"] == SPEC
    assert report["summary"]["by_operation"] == {op: 1 for op in ops}  # each listed operation counts it


def test_a_2xx_undocumented_status_is_another_cause():
    report = _report(_undocumented(_ops(3), [400]) + _undocumented(["POST /things"], [201]))
    assert sorted(f["details"]["cause"] for f in report["findings"]) == ["2xx", "4xx"]


def test_placeholder_credential_once_per_credential():
    findings = [Finding("generate.placeholder_credential", Severity.INFO,
                        f"{op}: no credential given for header X-Api-Key: cases carry a placeholder "
                        "(pass it with --header)", operation=op) for op in _ops(25)]
    findings.append(Finding("generate.placeholder_credential", Severity.INFO,
                            "GET /other: no credential given for query api_key: cases carry a placeholder "
                            "(pass it with --header)", operation="GET /other"))
    report = _report(findings)
    assert [f["details"]["cause"] for f in report["findings"]] == ["header X-Api-Key", "query api_key"]
    assert report["findings"][0]["message"].startswith("25 operations (GET /things00/{id}, GET /things01/{id}, "
                                                       "GET /things02/{id} and 22 more): no credential given")


def test_same_positive_acceptance_cause_once_other_fields_and_severities_apart():
    def refused(op: str, field: str, rule: str, severity: Severity = Severity.ERROR) -> Finding:
        return _finding("live.positive_acceptance", op, f"{op}: the server is stricter than the spec: it refused a "
                        f"conforming request with 422 over {field}: \"{rule}\"", field, status=422,
                        severity=severity, field=field, server_says=[rule])

    ops = _ops(4)
    findings = [refused(op, "vector", f"must have exactly {i + 2} items") for i, op in enumerate(ops)]
    findings += [refused(ops[0], "score", "must be a number from 0 to 1"),
                 refused(ops[1], "vector", "must have exactly 9 items", Severity.WARNING)]
    report = _report(findings)
    causes = [(f["severity"], f["details"]["cause"], len(f["details"]["places"])) for f in report["findings"]]
    assert sorted(causes) == [("error", "422 · score · must be a number from N to N", 1),
                              ("error", "422 · vector · must have exactly N items", 4),
                              ("warning", "422 · vector · must have exactly N items", 1)]


def test_checks_outside_the_table_are_never_merged():
    assert "live.response_schema" not in CAUSES and "live.round_trip" not in CAUSES
    findings = [_finding("live.response_schema", op, f"{op} 200: /created_at is a required property", "200",
                         status=200, severity=Severity.ERROR) for op in _ops(3)]
    assert len(_report(findings)["findings"]) == 3


def test_negative_rejection_merges_by_constraint():
    label = Constraint("/name", "maxLength", 30, "name of 31 characters")
    findings = []
    for op in _ops(3):
        f = _finding("live.negative_rejection", op, f"{op}: a request breaking {label} was accepted with 200",
                     "/name maxLength", status=200, severity=Severity.ERROR)
        f.constraint = label
        findings.append(f)
    [f] = _report(findings)["findings"]
    assert f["constraint"]["pointer"] == "/name" and f["details"]["cause"].startswith("/name maxLength 30")


def test_collapse_is_idempotent_and_shards_merge_like_the_whole_run():
    ops = _ops(6)
    findings = _undocumented(ops, [400, 415])
    annotate(findings)
    whole = build_report(findings, command="run")
    assert collapse(whole["findings"]) == whole["findings"]
    one = build_report([f for f in findings if f.operation in ops[:2]], command="run")
    two = build_report([f for f in findings if f.operation in ops[2:]], command="run")
    merged = merge_reports([one, two])
    assert merged["findings"] == whole["findings"]
    assert merge_reports([merged])["findings"] == whole["findings"]
