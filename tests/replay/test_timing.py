"""Response times per operation (issue #17, item 6): measured per answered request by the sender, kept in the
report as a bounded summary, drawn in report.html as an inline SVG histogram and tabled in report.md."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup

from contract.docs import DocsPage
from contract.load import Spec
from contract.replay.timing import BUCKETS_MS, ResponseTimes, summarise
from contract.report import build_report, render_html, render_markdown
from contract.report.json import validation_errors
from contract.sandbox import Sandbox
from contract.sandbox.app import SLOW_SECONDS
from tests.replay.conftest import run_against


def test_summary_numbers_and_buckets():
    out = summarise([0.0005, 0.001, 0.003, 0.003, 0.040, 12.0])
    assert (out["count"], out["min"], out["median"], out["max"]) == (6, 0.5, 3.0, 12000.0)
    assert out["p95"] == 12000.0  # nearest rank: the 6th of 6
    assert len(out["histogram"]) == len(BUCKETS_MS) + 1 and sum(out["histogram"]) == 6
    # 0.5 ms below the first edge; exactly 1 ms starts the 1–2 ms bucket; 12 s is in the open last bucket
    assert out["histogram"][0] == 1 and out["histogram"][1] == 1 and out["histogram"][-1] == 1
    assert out["histogram"][BUCKETS_MS.index(5)] == 2 and out["histogram"][BUCKETS_MS.index(50)] == 1
    assert summarise([0.02] * 20)["p95"] == summarise([0.02] * 20)["median"] == 20.0


def test_the_summary_does_not_grow_with_the_requests():
    small, big = ResponseTimes(), ResponseTimes()
    small.observe("GET /a", 0.01)
    for i in range(20000):
        big.observe("GET /a", (i % 997) / 1000)
    assert len(json.dumps(big.summary())) - len(json.dumps(small.summary())) < 60  # a few more digits, no list
    assert big.summary()["operations"]["GET /a"]["count"] == 20000


@pytest.fixture(scope="module")
def slow_sandbox() -> Iterator[Sandbox]:
    with Sandbox(faults=("slow",)) as sandbox:
        yield sandbox


def test_a_slow_operation_shows_in_every_format(spec: Spec, pages: list[DocsPage], slow_sandbox: Sandbox):
    """Against a sandbox whose GETs wait ~2 s before reading the profile (a refused request answers at once),
    the GETs that reached the lookup (200, 404) sit in the 2–5 s bucket and nothing else does; the report
    carries the times, validated, and both human formats show them."""
    result = run_against(spec, pages, slow_sandbox.url, max_examples=2, workers=4)
    times = result.times["operations"]
    get_op = "GET /api/v2/server-side-api/profile/"
    get, post = times[get_op], times["POST /api/v2/server-side-api/profile/"]
    looked_up = sum(n for s, n in result.reach[get_op]["statuses"].items() if s in ("200", "404"))
    slow_bucket = BUCKETS_MS.index(5000)  # 2–5 s
    assert looked_up and get["histogram"][slow_bucket] == looked_up and get["max"] >= SLOW_SECONDS * 1000
    assert post["max"] < SLOW_SECONDS * 1000 and not any(t["histogram"][slow_bucket] for op, t in times.items()
                                                          if op != get_op)
    # every answered request is counted once (the statuses of the reach count every request, errors too)
    answered = {op: sum(n for s, n in seen.items() if s.isdigit()) for op, seen in
                ((op, r["statuses"]) for op, r in result.reach.items())}
    assert {op: t["count"] for op, t in times.items() if op in answered} == \
        {op: n for op, n in answered.items() if n}

    report = build_report([], command="run", extra={"response_times": result.times})
    assert validation_errors(report) == []
    section = BeautifulSoup(render_html(report), "html.parser").select_one("#times")
    rows = section.select("tr")[1:]
    assert rows[0].select("td")[0].get_text() == "GET /api/v2/server-side-api/profile/"  # the slowest first
    for row in rows:
        svg = row.select_one("svg.histogram")
        assert svg is not None and not svg.select("[href], [src]")  # inline, nothing to fetch
        bars = [int(t.get_text().rsplit(": ", 1)[1]) for t in svg.select("rect title")]
        assert bars == times[row.select("td")[0].get_text()]["histogram"]
    assert "### Response times (ms)" in render_markdown(report)


def test_the_schema_refuses_a_malformed_summary():
    report = build_report([], command="run", extra={"response_times": {"unit": "ms", "buckets": [1], "operations": {
        "GET /a": {"count": 0, "min": 1, "median": 1, "p95": 1, "max": 1, "histogram": [0, 0]}}}})
    assert any("response_times/operations/GET /a/count" in e for e in validation_errors(report))
    report["response_times"]["operations"]["GET /a"] = {"count": 1, "min": 1, "median": 1, "p95": 1, "max": 1,
                                                         "histogram": [1, 0], "every": [1.0]}
    assert validation_errors(report)  # no per-exchange list slips in
