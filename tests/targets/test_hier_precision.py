"""Precision on a real-shaped hierarchical API: the clean hier server gets no error finding from `contract run`.

Before the live engine's precision work the same run reported 46 errors, all false: 404s for identifiers
the run made up (each twice: the `{"error": {"code", "message"}}` envelope read as two fields), 409s for
names already taken, the documented 403 of the switched-off snapshot operation, and a lenient
Content-Type. The report still says what the run could not reach, and why (coverage).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contract.cli import main
from contract.load import load_spec
from tests.targets.hier import DEFAULT_KEY, SPEC, serve


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("hier-clean")
    with serve() as base_url, pytest.raises(SystemExit) as info:
        main(["run", "--spec", str(SPEC), "--base-url", base_url, "--header", f"X-Api-Key: {DEFAULT_KEY}",
              "--seed", "1", "--progress", "off", "--report-dir", str(out)])
    assert info.value.code == 0  # nothing at or above --fail-on error
    return json.loads((out / "report.json").read_text(encoding="utf-8")), out


def test_clean_hier_server_has_no_error_finding(clean_run):
    report, _ = clean_run
    errors = [f"{f['check']} {f['operation']}: {f['message']}" for f in report["findings"] if f["severity"] == "error"]
    assert errors == []
    assert report["summary"]["by_severity"].get("error", 0) == 0


def test_the_switched_off_operation_is_one_info(clean_run):
    report, _ = clean_run
    [snapshot] = [f for f in report["findings"] if f["check"] == "live.positive_acceptance"]
    assert snapshot["severity"] == "info" and snapshot["operation"] == "POST /collections/{collection_name}/snapshot"
    assert "switched off or forbidden" in snapshot["message"] and '"disabled"' in snapshot["message"]


def test_one_finding_per_cause(clean_run):
    report, _ = clean_run
    causes = [(f["check"], f["severity"], f["details"].get("cause")) for f in report["findings"]
              if f["details"].get("cause")]
    assert len(causes) == len(set(causes)), causes
    assert all(f["details"].get("places") for f in report["findings"] if f["details"].get("cause"))


def test_coverage_says_what_was_not_reached_and_why(clean_run):
    report, out = clean_run
    operations = report["coverage"]["operations"]
    assert set(operations) == {op.key for op in load_spec(SPEC).operations}
    health = operations["GET /health"]
    assert health["reached"] and health["statuses"].get("200", 0) > 0 and health["why"] is None
    # the resource graph carries real identifiers down: the deepest reads are reached (the hint for an
    # identifier nothing produces is tested in tests/replay/test_reach.py)
    deep = operations["GET /collections/{collection_name}/segments/{segment_id}"]
    assert deep["reached"] is True and deep["statuses"].get("200", 0) > 0 and deep["why"] is None
    snapshot = operations["POST /collections/{collection_name}/snapshot"]
    assert "403" in snapshot["why"] and "switched off or forbidden" in snapshot["why"]
    assert "### Coverage:" in (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="reach"' in html and "switched off or forbidden" in html
