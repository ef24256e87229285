"""`contract check` generates the live run's cases under the docs' constraints too (spec ∩ prose ∩ docs).

Without them a conforming case could send what the docs forbid (a null `birthday`), the docs-following
server refused it, and the run reported "the server is stricter than the spec" for a disagreement drift and
triangulation already report; and a violating case could break a docs rule besides its own label.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT

POST = "POST /api/v2/server-side-api/profile/"


def test_the_live_run_honours_the_docs_constraints(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from contract.cli import main

    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as info:
        main(["check", "--report-dir", str(tmp_path), "--max-examples", "5", "--progress", "off"])
    assert info.value.code == 1, capsys.readouterr().out[-2000:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    rows = report["coverage"]["operations"][POST]["rows"]
    docs_rows = {(r["pointer"], r["keyword"]) for r in rows if r["source"] == "docs"}
    assert {("/birthday", "type"), ("/custom_attributes", "maxItems")} <= docs_rows
    assert all(r["cases"] >= 1 for r in rows if r["source"] == "docs")  # each docs rule has its violating case
    stricter = [f["message"] for f in report["findings"]
                if f["check"] == "live.positive_acceptance" and f["operation"] == POST]
    assert not any("over birthday" in m for m in stricter), stricter  # conforming cases keep birthday non-null
