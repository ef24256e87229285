"""Per constraint, whether a violating case was sent and how it was judged (issue #17, item 4): the coverage
rows of a live run say it, in report.json and in both human formats."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup

from contract.docs import DocsPage
from contract.load import Spec
from contract.replay.judged import OUTCOMES
from contract.report import build_report, coverage_section, render_html, render_markdown
from contract.report.json import validation_errors
from contract.sandbox import Sandbox
from tests.replay.conftest import run_against

POST = "POST /api/v2/server-side-api/profile/"


@pytest.fixture(scope="module")
def lenient() -> Iterator[Sandbox]:
    with Sandbox(faults=("accept-invalid",)) as sandbox:
        yield sandbox


def _rows(result: Any) -> list[dict[str, Any]]:
    return [r for rows in result.coverage.values() for r in rows]


def test_enforced_constraints_are_refused_and_accepted_ones_carry_their_finding(spec: Spec, pages: list[DocsPage],
                                                                                 clean_sandbox: Sandbox,
                                                                                 lenient: Sandbox):
    clean = run_against(spec, pages, clean_sandbox.url)
    rows = _rows(clean)
    assert all(set(r["outcomes"]) <= set(OUTCOMES) for r in rows)
    assert all(r["sent"] == sum(r["outcomes"].values()) for r in rows)
    sent = [r for r in rows if r["cases"]]
    assert sent and all(r["sent"] >= 1 for r in sent)  # no time limit: every generated case went out
    assert not [r for r in rows if not r["cases"] and r["sent"]]
    refused = [r for r in rows if r["outcomes"].get("refused")]
    assert len(refused) > len(sent) / 2  # the sandbox validates bodies: most are enforced

    loose = run_against(spec, pages, lenient.url)
    accepted = {(op, r["pointer"], r["keyword"]) for op, rs in loose.coverage.items() for r in rs
                if r["outcomes"].get("accepted")}
    # every accepted row is a live.negative_rejection finding of the same operation and constraint, and back
    found = {(place_op, re.sub(r"/\d+(?=/|$)", "/*", f.constraint.pointer), f.constraint.keyword)
             for f in loose.findings if f.check == "live.negative_rejection" and f.severity.name != "INFO"
             and f.constraint is not None
             for place_op in ([f.operation] if f.operation else (f.details.get("operations") or []))}
    assert accepted and accepted == found
    assert len(accepted) > len({(op, r["pointer"], r["keyword"]) for op, rs in clean.coverage.items() for r in rs
                                if r["outcomes"].get("accepted")})


def test_cases_cut_by_the_budget_are_not_sent_and_a_check_switched_off_judges_nothing(spec: Spec,
                                                                                        pages: list[DocsPage],
                                                                                        clean_sandbox: Sandbox):
    cut = run_against(spec, pages, clean_sandbox.url, max_requests=12)
    rows = _rows(cut)
    assert [r for r in rows if r["cases"] and not r["sent"]]
    off = run_against(spec, pages, clean_sandbox.url, checks=["live.server_error"])
    judged = [r for r in _rows(off) if r["sent"]]
    assert judged and all(set(r["outcomes"]) <= {"unjudged", "unanswered"} for r in judged)


def test_every_format_says_it(spec: Spec, pages: list[DocsPage], lenient: Sandbox):
    result = run_against(spec, pages, lenient.url, max_requests=60)
    report = build_report(result.findings, command="run", extra={"coverage": coverage_section(result.coverage,
                                                                                               result.reach)})
    assert validation_errors(report) == []
    rows = _rows(result)
    table = BeautifulSoup(render_html(report), "html.parser").select_one("#coverage table#constraints")
    html_rows = table.select("tr")[1:]
    assert len(html_rows) == len(rows)
    texts = [r.get_text(" ") for r in html_rows]
    assert any("accepted (a finding)" in t for t in texts) and any("refused (enforced)" in t for t in texts)
    assert any("not sent" in t for t in texts)
    md = render_markdown(report)
    assert "### Constraints:" in md and "accepted (a finding)" in md and "not sent" in md
