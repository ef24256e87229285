"""Baselines: known findings stay quiet, new ones fail, fixed ones are listed, line shifts don't matter."""

from __future__ import annotations

import dataclasses
import json

import pytest

from contract.baseline import apply_baseline, baseline_exit_code, load_baseline, make_baseline, write_baseline
from contract.errors import InputError
from contract.model import Finding, Location, Severity
from contract.report import build_report, write_reports
from tests.report.conftest import checked, run_cli


def _report(findings: list[Finding]) -> dict:
    return checked(build_report(findings, command="check"))


def test_rerun_has_nothing_new(check_findings):
    baseline = make_baseline(_report(check_findings))
    report = _report(check_findings)
    new, known, fixed = apply_baseline(report, baseline)
    assert (len(new), len(known), fixed) == (0, len(check_findings), [])
    assert all(f["baseline"] == "known" for f in report["findings"])
    assert checked(report)["baseline"] == {"file": None, "new": 0, "known": len(check_findings), "fixed": 0}


def test_an_added_finding_is_exactly_the_new_one(check_findings):
    baseline = make_baseline(_report(check_findings))
    extra = Finding("drift.type_mismatch", Severity.ERROR, "brand new", operation="POST /p",
                    spec=Location("specs/adapty-api.yaml", 9, "/paths/~1p"), subject="new")
    report = _report([*check_findings, extra])
    new, known, _ = apply_baseline(report, baseline)
    assert [f["message"] for f in new] == ["brand new"] and len(known) == len(check_findings)
    assert baseline_exit_code(new, "error") == 1
    new[0]["severity"] = "info"  # new, but below --fail-on
    assert baseline_exit_code(new, "error") == 0 and baseline_exit_code(new, "info") == 1


def test_a_removed_finding_is_listed_as_fixed(check_findings):
    baseline = make_baseline(_report(check_findings))
    gone = check_findings[3]
    report = _report(check_findings[:3] + check_findings[4:])
    new, _, fixed = apply_baseline(report, baseline)
    assert new == [] and [e["fingerprint"] for e in fixed] == [gone.signature()]
    assert checked(report)["fixed"][0]["message"] == gone.message


def test_line_shifts_stay_known(check_findings):
    baseline = make_baseline(_report(check_findings))

    def shift(loc: Location | None) -> Location | None:
        return dataclasses.replace(loc, line=loc.line + 7) if loc and loc.line else loc

    shifted = [dataclasses.replace(f, spec=shift(f.spec), docs=shift(f.docs)) for f in check_findings]
    assert any(a.spec != b.spec for a, b in zip(shifted, check_findings, strict=True))
    new, known, fixed = apply_baseline(_report(shifted), baseline)
    assert (new, fixed, len(known)) == ([], [], len(check_findings))


def test_shared_fingerprints_count_as_a_multiset(check_findings):
    """Two ragged rows of one table share a fingerprint: a third is new, losing one is a fix."""
    ragged = [f for f in check_findings if f.check == "docs.table_ragged_row"]
    assert len(ragged) == 2 and ragged[0].signature() == ragged[1].signature()
    baseline = make_baseline(_report(ragged))
    third = dataclasses.replace(ragged[0], docs=Location(ragged[0].docs.file, 999))
    assert len(apply_baseline(_report([*ragged, third]), baseline)[0]) == 1
    assert len(apply_baseline(_report(ragged[:1]), baseline)[2]) == 1


def test_cli_records_and_applies(tmp_path, check_report, check_findings, monkeypatch, capsys):
    monkeypatch.setenv("NO_COLOR", "1")
    source = write_reports(tmp_path / "r", check_report, "json")["json"]
    out = tmp_path / "contract-baseline.json"
    code, output = run_cli(capsys, "baseline", "--from", str(source), "--output", str(out))
    assert code == 0, output
    assert len(load_baseline(out)["findings"]) == len(check_findings)
    code, output = run_cli(capsys, "report", str(source), "--baseline", str(out), "--report-dir", str(tmp_path / "o"))
    assert code == 0, output
    assert "0 new" in output and "\x1b[" not in output
    saved = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert checked(saved)["baseline"]["known"] == len(check_findings)
    # a baseline missing one error finding: that finding is new, so the exit code is 1
    data = json.loads(out.read_text(encoding="utf-8"))
    error = next(f for f in check_report["findings"] if f["severity"] == "error")
    data["findings"] = [e for e in data["findings"] if e["fingerprint"] != error["fingerprint"]]
    write_baseline(out, data)
    code, output = run_cli(capsys, "report", str(source), "--baseline", str(out), "--report-dir", str(tmp_path / "o"))
    assert code == 1 and "1 new" in output


def test_unusable_baseline_is_an_input_error(tmp_path):
    path = tmp_path / "b.json"
    path.write_text('{"findings": []}', encoding="utf-8")
    with pytest.raises(InputError, match="not a contract baseline"):
        load_baseline(path)
    with pytest.raises(InputError, match="no such baseline"):
        load_baseline(tmp_path / "missing.json")


def test_a_baseline_recorded_under_the_old_check_ids_still_matches(tmp_path, check_findings):
    """Ids renamed to the one style (contract.core.checks.RENAMES) change fingerprints; old baselines still hold."""
    from contract.core.checks import RENAMES

    old_name = {new: old for old, new in RENAMES.items()}
    renamed = [f for f in check_findings if f.check in old_name]
    assert {f.check for f in renamed} >= {"lint.no_client_error", "lint.nullable_in_31", "docs.table_shifted_row"}
    as_before = [dataclasses.replace(f, check=old_name.get(f.check, f.check)) for f in check_findings]
    path = write_baseline(tmp_path / "old-baseline.json", make_baseline(_report(as_before)))
    assert {e["check"] for e in json.loads(path.read_text())["findings"]} >= {"lint.no-4xx", "lint.nullable-in-3.1"}

    loaded = load_baseline(path)
    assert not {e["check"] for e in loaded["findings"]} & RENAMES.keys()  # read under the new ids
    new, known, fixed = apply_baseline(_report(check_findings), loaded)
    assert (new, fixed, len(known)) == ([], [], len(check_findings))

    gone = next(f for f in check_findings if f.check == "lint.no_client_error")
    _, _, fixed = apply_baseline(_report([f for f in check_findings if f is not gone]), load_baseline(path))
    assert [(e["check"], e["message"]) for e in fixed] == [("lint.no_client_error", gone.message)]


def test_a_fingerprint_written_by_the_old_ids_matches_the_renamed_finding(tmp_path, check_findings):
    """One entry exactly as a contract before the rename wrote it (fingerprint made with `lint.no-4xx`)."""
    finding = next(f for f in check_findings if f.check == "lint.no_client_error")
    entry = {"fingerprint": "2c7977d10b5188c0", "check": "lint.no-4xx", "severity": "warning",
             "operation": finding.operation, "message": finding.message}
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"baseline_version": "1", "findings": [entry]}))
    new, known, fixed = apply_baseline(_report([finding]), load_baseline(path))
    assert (len(new), len(known), fixed) == (0, 1, [])
