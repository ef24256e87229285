"""report.json: versioned, described by the shipped schema, summaries that add up."""

from __future__ import annotations

import json

import pytest

from contract.errors import InputError
from contract.report import REPORT_VERSION, load_report, validation_errors, write_reports
from contract.report.json import report_schema
from tests.report.conftest import checked, clone


def test_schema_is_shipped_in_the_package_and_pins_the_version():
    schema = report_schema()
    assert schema["properties"]["report_version"] == {"const": REPORT_VERSION}


@pytest.mark.parametrize("kind", ["check", "lint", "drift", "live"])
def test_every_report_validates_and_summaries_add_up(all_reports, kind):
    report = checked(all_reports[kind])
    findings = report["findings"]
    assert findings, "each fixture report has findings"
    summary = report["summary"]
    for key in ("by_severity", "by_check", "by_operation"):
        assert sum(summary[key].values()) == summary["findings"] == len(findings)
    assert sum(summary["by_verdict"].values()) == sum(1 for f in findings if f["verdict"])


def test_live_report_carries_seed_timings_coverage_and_evidence(live_report):
    assert live_report["seed"] == 1234
    assert live_report["timings"]["total"] == 4.9
    cov = live_report["coverage"]["operations"]["POST /api/v2/server-side-api/profile/"]
    assert (cov["constraints"], cov["covered"]) == (2, 1)
    first = live_report["findings"][0]
    assert first["live"]["status"] == 200 and first["curl"].startswith("curl ")
    assert live_report["summary"]["by_verdict"] == {"docs": 1, "inconclusive": 1, "neither": 1, "spec": 1}


@pytest.mark.parametrize(("mutate", "where"), [
    (lambda r: r["findings"][0].update(severity="fatal"), "/findings/0/severity"),
    (lambda r: r["findings"][0].update(fingerprint="XYZ"), "/findings/0/fingerprint"),
    (lambda r: r["findings"][0].update(surprise=1), "/findings/0"),
    (lambda r: r.update(report_version="0"), "/report_version"),
    (lambda r: r["coverage"]["operations"]["GET /api/v2/server-side-api/profile/"].pop("covered"),
     "/coverage/operations/GET /api/v2/server-side-api/profile/"),
])
def test_schema_rejects_broken_reports(live_report, mutate, where):
    report = clone(live_report)
    mutate(report)
    assert any(e.startswith(where + ":") for e in validation_errors(report)), validation_errors(report)


def test_saved_report_round_trips(tmp_path, live_report):
    path = write_reports(tmp_path, live_report, "json")["json"]
    assert load_report(path) == json.loads(json.dumps(live_report))


@pytest.mark.parametrize(("text", "problem"), [
    ("{", "not JSON"),
    ('{"x": 1}', "no report_version"),
    ('{"report_version": "9"}', "not supported"),
    ('{"report_version": "1", "findings": []}', "not a valid report"),
])
def test_bad_saved_reports_are_one_line_input_errors(tmp_path, text, problem):
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=problem) as info:
        load_report(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
