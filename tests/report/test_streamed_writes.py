"""Reports written piece by piece are byte for byte the documents rendered whole."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract.report import write_reports
from contract.report.html import render_html
from contract.report.json import json_chunks
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


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.text() | st.integers() | st.booleans() | st.none() | st.floats(), inner, max_size=5),
    max_leaves=40)


@given(_JSON)
def test_json_without_long_containers_is_json_dumps_indented(value):
    assert "".join(json_chunks(value)) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@given(_JSON)
def test_json_with_long_containers_is_the_same_data(value):
    written = "".join(json_chunks(value, long=1))
    # compared as re-encoded text: NaN is not equal to itself, and a key written twice reads back once
    assert json.dumps(json.loads(written)) == json.dumps(json.loads(json.dumps(value)))


def test_a_long_list_writes_one_entry_per_line_inside_indented_containers():
    value = {"summary": {"findings": 3}, "findings": [{"check": "a", "spec": {"line": i}} for i in range(3)]}
    assert "".join(json_chunks(value, long=2)) == (
        '{\n  "summary": {\n    "findings": 3\n  },\n  "findings": [\n'
        '    {"check": "a", "spec": {"line": 0}},\n    {"check": "a", "spec": {"line": 1}},\n'
        '    {"check": "a", "spec": {"line": 2}}\n  ]\n}\n')


def test_json_keys_are_refused_as_json_dumps_refuses_them():
    with pytest.raises(TypeError):
        "".join(json_chunks({(1, 2): "tuple key"}))
