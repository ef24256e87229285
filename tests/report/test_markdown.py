"""report.md: a bounded CI summary with the drift grouped by what to fix."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from contract.report import render_markdown
from tests.report.conftest import clone


def test_matrix_verdicts_and_totals(live_report):
    md = render_markdown(live_report)
    assert "**6 findings**" in md and "3 error" in md
    assert "### Spec ↔ docs ↔ live: 3 disagreements decided by the live API" in md
    rows = [line for line in md.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [r.rsplit("|", 2)[-2].strip() for r in rows] == ["**fix the spec**", "**fix the docs**",
                                                           "**fix the server (both wrong)**"]
    # an inconclusive verdict with no record that no request can decide it is "not decided", not document-internal
    assert "#### Not decided (1 causes, 1 findings)" in md and "Document-internal" not in md
    assert md.index("Spec ↔ docs ↔ live") < md.index("Findings by cause") < md.index("Findings per check")
    assert "seed `1234`" in md


def test_offline_drift_is_listed_as_unprobed(check_report):
    md = render_markdown(check_report)
    drift = sum(1 for f in check_report["findings"] if f["spec"] and f["docs"])
    assert re.search(rf"#### Spec ↔ docs drift, not probed live \(\d+ causes, {drift} findings\)", md)
    for check, n in check_report["summary"]["by_check"].items():
        assert f"| `{check}` |" in md and f"| {n} |" in md


def _html(md: str) -> str:
    """Rendered as GitHub would (CommonMark with raw HTML allowed, plus tables)."""
    return MarkdownIt("commonmark").enable("table").render(md)


def test_user_text_cannot_inject_html_or_break_tables(live_report):
    report = clone(live_report)
    report["findings"][1]["operation"] = "POST /x`` <img src=x onerror=alert(3)> ``"
    html = _html(render_markdown(report))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;document.body" in html and "&lt;img src=x onerror=alert(3)&gt;" in html
    report = clone(live_report)
    report["findings"][0]["message"] = "a | b\nc"
    md = render_markdown(report)
    causes = md[md.index("### Findings by cause"):]
    row = next(line for line in causes.splitlines() if line.startswith("|") and "a \\| b c" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 6  # five cells: the message's pipe escaped, its line break gone
    matrix_row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    assert len(re.findall(r"(?<!\\)\|", matrix_row)) == 7  # the matrix's six cells, whatever the text


def test_size_is_capped(live_report):
    report = clone(live_report)
    template = report["findings"][0]
    report["findings"] = [dict(template, message=f"finding {i} " + "x" * 400) for i in range(1000)]
    md = render_markdown(report, limit=200)
    assert "finding 199 " in md and "finding 200 " not in md
    assert "… and 800 more" in md
    tiny = render_markdown(report, max_bytes=20_000)
    assert len(tiny.encode()) <= 20_000 and tiny.rstrip().endswith("see report.json / report.html)")
