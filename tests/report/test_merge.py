"""`contract report --merge`: shards combine into the report one run would have written."""

from __future__ import annotations

import json

from contract.report import build_report, merge_reports, write_reports
from tests.report.conftest import checked, live_findings, run_cli


def _comparable(report: dict) -> tuple:
    findings = sorted(json.dumps(f, sort_keys=True) for f in report["findings"])
    return findings, report["summary"]


def test_merge_of_two_halves_equals_the_whole(tmp_path, check_findings, monkeypatch, capsys):
    monkeypatch.setenv("NO_COLOR", "1")
    whole = checked(build_report(check_findings, command="check"))
    half = len(check_findings) // 2
    # the shards overlap by a few findings, as shards re-running a shared check do
    first = build_report(check_findings[: half + 5], command="check")
    second = build_report(check_findings[half:], command="check")
    paths = [write_reports(tmp_path / name, r, "json")["json"] for name, r in (("a", first), ("b", second))]
    code, output = run_cli(capsys, "report", "--merge", *map(str, paths), "--report-dir", str(tmp_path / "m"),
                                      "--format", "json,md")
    assert code == 0, output
    merged = checked(json.loads((tmp_path / "m" / "report.json").read_text(encoding="utf-8")))
    assert _comparable(merged) == _comparable(whole)
    assert [m["findings"] for m in merged["merged_from"]] == [half + 5, len(check_findings) - half]
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["report.json", "report.md"]


def test_merge_keeps_distinct_findings_that_share_a_fingerprint(check_findings):
    ragged = [f for f in check_findings if f.check == "docs.table_ragged_row"]
    merged = merge_reports([build_report(ragged[:1], command="drift"), build_report(ragged, command="drift")])
    assert merged["summary"]["findings"] == 2


def test_merge_combines_coverage_checks_and_timings(live_report):
    a = json.loads(json.dumps(live_report))
    b = json.loads(json.dumps(live_report))
    op = "POST /api/v2/server-side-api/profile/"
    b["coverage"]["operations"][op]["rows"][1]["cases"] = 3  # shard b covered the constraint a could not
    b["coverage"]["operations"]["GET /other"] = {"constraints": 4, "covered": 4}
    b["checks_run"] = ["live.extra"]
    merged = checked(merge_reports([a, b]))
    assert merged["coverage"]["operations"][op] | {"rows": None} == {"constraints": 2, "covered": 2, "rows": None}
    assert merged["coverage"]["operations"]["GET /other"]["covered"] == 4
    assert "live.extra" in merged["checks_run"] and "live.timeout" in merged["checks_run"]
    assert merged["timings"]["total"] == 9.8 and merged["seed"] == 1234
    assert merged["summary"] == live_report["summary"]


def test_several_reports_need_merge(tmp_path, capsys):
    report = build_report(live_findings(), command="run")
    path = write_reports(tmp_path, report, "json")["json"]
    code, output = run_cli(capsys, "report", str(path), str(path), "--report-dir", str(tmp_path))
    assert code == 2 and "--merge" in output
    code, output = run_cli(capsys, "report", str(path), "--format", "pdf", "--report-dir", str(tmp_path))
    assert code == 2 and "unknown report format pdf" in output


def test_merge_keeps_each_operations_response_times_and_its_judged_constraints():
    """Shards split by path: each operation's times come from the shard that sent it; the same operation in two
    shards keeps the busier one whole (a median cannot be combined from two summaries)."""
    def times(**ops: int) -> dict:
        return {"unit": "ms", "buckets": [1, 10], "operations": {
            op: {"count": n, "min": 1.0, "median": float(n), "p95": float(n), "max": float(n), "histogram": [0, n, 0]}
            for op, n in ops.items()}}

    row = {"part": "body", "pointer": "/a", "keyword": "type", "value": "string", "source": "spec", "cases": 1,
           "note": ""}

    def cov(sent: int, outcomes: dict) -> dict:
        return {"operations": {"POST /a": {"constraints": 1, "covered": 1,
                                           "rows": [{**row, "sent": sent, "outcomes": outcomes}]}}}

    a = build_report([], command="run", extra={"response_times": times(GET_a=3, POST_a=5), "coverage": cov(0, {})})
    b = build_report([], command="run", extra={"response_times": times(POST_a=9, GET_b=2),
                                                "coverage": cov(1, {"refused": 1})})
    merged = checked(merge_reports([a, b]))
    assert {op: t["count"] for op, t in merged["response_times"]["operations"].items()} == {
        "GET_a": 3, "POST_a": 9, "GET_b": 2}
    assert merged["coverage"]["operations"]["POST /a"]["rows"][0]["outcomes"] == {"refused": 1}
