"""report.sarif: valid SARIF 2.1.0 that points code-scanning UIs at the exact spec and docs lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from contract.report import render_sarif, write_reports
from contract.report.sarif import FINGERPRINT_KEY, artifact_uri
from tests.conftest import ROOT

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _valid(log):
    errors = sorted(Draft4Validator(SCHEMA).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return log


@pytest.mark.parametrize("kind", ["check", "lint", "drift", "live"])
def test_validates_against_the_sarif_schema(all_reports, kind):
    _valid(render_sarif(all_reports[kind], root=ROOT))


def test_the_schema_check_itself_can_fail(check_report):
    log = render_sarif(check_report, root=ROOT)
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        _valid(log)


def test_results_point_at_relative_spec_and_docs_lines(check_report):
    log = _valid(render_sarif(check_report, root=ROOT))
    run = log["runs"][0]
    located = [f for f in check_report["findings"] if f["spec"] or f["docs"]]
    assert len(run["results"]) == len(located)
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert sorted(set(rules)) == rules == sorted({f["check"] for f in located})
    assert all(r["shortDescription"]["text"] for r in run["tool"]["driver"]["rules"])
    by_print: dict[str, dict] = {}
    for result in run["results"]:
        fp = result["partialFingerprints"][FINGERPRINT_KEY]
        assert fp not in by_print, "each result has its own fingerprint"
        by_print[fp] = result
        assert rules[result["ruleIndex"]] == result["ruleId"]
    def rel(loc):
        return Path(loc["file"]).relative_to(ROOT).as_posix(), loc["line"]

    level = {"error": "error", "warning": "warning", "info": "note"}
    expected = sorted((f["check"], level[f["severity"]], rel(f["spec"] or f["docs"]),
                       rel(f["docs"]) if f["spec"] and f["docs"] else None) for f in located)

    def where(phys):
        assert phys["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        return phys["artifactLocation"]["uri"], phys["region"]["startLine"]

    actual = sorted((r["ruleId"], r["level"], where(r["locations"][0]["physicalLocation"]),
                     where(r["relatedLocations"][0]["physicalLocation"]) if "relatedLocations" in r else None)
                    for r in run["results"])
    assert actual == expected
    assert {r["partialFingerprints"][FINGERPRINT_KEY][:16] for r in run["results"]} == {f["fingerprint"] for f in located}


def test_verdict_picks_the_document_to_fix(live_report):
    log = _valid(render_sarif(live_report, root=ROOT))
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert "live.timeout" not in results and "live.info_only" not in results  # nothing to annotate
    # live follows docs → the spec line is the one to fix; live follows spec → the docs line.
    spec_uri = results["live.accepts_invalid"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    docs_uri = results["live.rejects_valid"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert spec_uri == "specs/adapty-api.yaml" and docs_uri.startswith("specs/003_")


def test_uris(tmp_path):
    assert artifact_uri("specs/a b.yaml") == ("specs/a%20b.yaml", True)
    assert artifact_uri("./specs/../specs/x.yaml") == ("specs/x.yaml", True)
    assert artifact_uri(str(tmp_path / "docs" / "p.md"), tmp_path) == ("docs/p.md", True)
    uri, relative = artifact_uri("/elsewhere/p.md", tmp_path)
    assert (uri, relative) == ("file:///elsewhere/p.md", False)


def test_written_file_is_the_rendered_log(tmp_path, drift_report, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = write_reports(tmp_path, drift_report, ["sarif"])["sarif"]
    assert json.loads(path.read_text(encoding="utf-8")) == _valid(render_sarif(drift_report))
