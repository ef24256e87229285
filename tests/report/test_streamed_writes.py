"""Reports written piece by piece are byte for byte the documents rendered whole."""

from __future__ import annotations

import json

from contract.report import write_reports
from contract.report.html import render_html
from contract.report.sarif import render_sarif


def test_streamed_json_html_and_sarif_equal_the_whole_renderings(all_reports, tmp_path):
    for name, report in all_reports.items():
        folder = tmp_path / name
        written = write_reports(folder, report, "json,html,sarif")
        assert written["json"].read_text(encoding="utf-8") == json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        assert written["html"].read_text(encoding="utf-8") == render_html(report)
        assert written["sarif"].read_text(encoding="utf-8") == json.dumps(render_sarif(report), indent=2,
                                                                           ensure_ascii=False) + "\n"


def test_a_report_without_findings_says_so_in_html(lint_report, tmp_path):
    empty = {**lint_report, "findings": []}
    page = write_reports(tmp_path, empty, "html")["html"].read_text(encoding="utf-8")
    assert "<p>No findings.</p>" in page and page == render_html(empty)
