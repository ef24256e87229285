"""GitHub Actions annotations and step summary, checked against GitHub's documented workflow-command syntax."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract.report.github import escape_data, escape_property, render_annotations, render_summary
from tests.conftest import ROOT
from tests.report.conftest import DOCS, clone, run_cli

# "Workflow commands for GitHub Actions": ::{command} {parameter}={value},...::{message}; error, warning and
# notice take file, line, endLine, col, endColumn and title; no raw CR/LF anywhere in the line.
_COMMAND = re.compile(r"::(?P<level>error|warning|notice)(?: (?P<props>[^:\r\n]*))?::(?P<message>[^\r\n]*)")
_PROPERTY = re.compile(r"(?P<name>file|line|endLine|col|endColumn|title)=(?P<value>[^,:\r\n]*)")


def _unescape(text: str) -> str:
    return (text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = _COMMAND.fullmatch(line)
    assert match is not None, line
    props: dict[str, str] = {}
    for part in (match["props"] or "").split(","):
        prop = _PROPERTY.fullmatch(part)
        assert prop is not None, (part, line)
        props[prop["name"]] = _unescape(prop["value"])
    return match["level"], props, _unescape(match["message"])


def test_every_finding_is_one_well_formed_command_on_an_existing_line(all_reports):
    for name, report in all_reports.items():
        lines = render_annotations(report).splitlines()
        assert len(lines) == len(report["findings"]), name
        for line in lines:
            level, props, _ = _parse(line)
            assert level in {"error", "warning", "notice"}
            assert props["title"].split(".", 1)[0] in {"lint", "drift", "docs", "live", "generate", "docs_live"}
            path = Path(props.get("file", ""))
            if props.get("file") and (ROOT / path).is_file() and "line" in props:
                assert 1 <= int(props["line"]) <= len((ROOT / path).read_text(encoding="utf-8").splitlines())


def test_messages_and_locations_round_trip_the_findings(check_report):
    lines = render_annotations(check_report).splitlines()
    parsed = [_parse(line) for line in lines]
    by_title: dict[str, list[str]] = {}
    for _, props, message in parsed:
        by_title.setdefault(props["title"], []).append(message)
    for f in check_report["findings"]:
        assert any(m.startswith(f["message"]) for m in by_title[f["check"]]), f["message"]
    severities = {"error": "error", "warning": "warning", "info": "notice"}
    assert sorted(level for level, _, _ in parsed) == sorted(severities[f["severity"]] for f in check_report["findings"])
    assert any(props.get("file", "").endswith("specs/adapty-api.yaml") for _, props, _ in parsed)


def test_the_docs_line_is_annotated_when_the_live_api_follows_the_spec(live_report):
    parsed = [_parse(line) for line in render_annotations(live_report).splitlines()]
    rejects = next(p for _, p, m in parsed if p["title"] == "live.rejects_valid")
    accepts = next(p for _, p, m in parsed if p["title"] == "live.accepts_invalid")
    docs_file = Path(DOCS[0]).name
    assert rejects["file"].endswith(docs_file) and rejects["line"] == "57"  # verdict "spec": fix the docs
    assert accepts["line"] == "120" and not accepts["file"].endswith(docs_file)  # verdict "docs": fix the spec
    # a live-only finding has no file, and still is an annotation (it shows in the run summary)
    timeout = next(p for _, p, m in parsed if p["title"] == "live.timeout")
    assert "file" not in timeout and "line" not in timeout


def test_escaping_follows_the_documented_rules(live_report):
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    report = clone(live_report)
    report["findings"][0]["message"] = "two\nlines, 100% sure: yes"
    report["findings"][0]["spec"] = {"file": "specs/odd,name:x.yaml", "line": 3, "pointer": None}
    line = next(x for x in render_annotations(report).splitlines() if "odd" in x)
    assert "\n" not in line and "odd%2Cname%3Ax.yaml" in line
    _, props, message = _parse(line)
    assert props["file"] == "specs/odd,name:x.yaml" and message.startswith("two\nlines, 100% sure: yes")


def test_summary_is_one_paragraph_with_counts_verdicts_and_the_top_checks(check_report, live_report):
    text = render_summary(check_report, report_dir="reports")
    assert text.startswith(f"### contract check: {len(check_report['findings'])} findings (")
    paragraph = text.split("\n\n")[1]
    assert "\n" not in paragraph.strip() and "2 docs pages" in paragraph
    assert "| `lint.nullable_in_31` |" in text and "`reports/report.html`" in text
    assert "live API follows" in render_summary(live_report)


def test_in_github_actions_the_cli_prints_annotations_and_appends_the_summary(tmp_path, capsys, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = run_cli(capsys, "drift", "--spec", "specs/adapty-api.yaml", "--docs", *DOCS,
                        "--report-dir", str(tmp_path / "r"))
    assert code == 1  # exit codes unchanged
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert commands and all(_COMMAND.fullmatch(line) for line in commands)
    assert any("file=specs/adapty-api.yaml,line=" in line for line in commands)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### contract drift: ")
    assert (tmp_path / "r" / "annotations.txt").read_text(encoding="utf-8").splitlines() == commands


@pytest.mark.parametrize("actions", ["", "false"])
def test_outside_github_actions_the_output_is_plain(tmp_path, capsys, monkeypatch, actions):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GITHUB_ACTIONS", actions)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    code, out = run_cli(capsys, "drift", "--spec", "specs/adapty-api.yaml", "--docs", *DOCS,
                        "--report-dir", str(tmp_path / "r"))
    assert code == 1 and not [line for line in out.splitlines() if line.startswith("::")]
    assert not (tmp_path / "summary.md").exists()
