"""Every request of a run goes through the one sender: `--rate` and `--max-requests` hold for all of them,
counted where they arrive (the embedded sandbox's access log) — preflight, cases, setup creates, credential
probes, live discovery, stateful sequences, shrinking and triangulation alike."""

from __future__ import annotations

import ast
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contract.cli import main
from tests.conftest import ROOT
from tests.support.logs import listening

RATE = 100.0  # requests per second; the sandbox answers ~180/s on two idle cores, so the limit binds


class _Arrivals(logging.Handler):
    """The time of every line of the sandbox's access log (one per request it answered)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.times: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.times.append(record.created)


@pytest.fixture
def arrivals() -> Iterator[_Arrivals]:
    handler = _Arrivals()
    with listening("contract.sandbox.access", handler):
        yield handler


def _check(tmp_path: Path, *extra: str) -> dict[str, Any]:
    with pytest.raises(SystemExit) as info:
        main(["check", "--max-examples", "2", "--progress", "off", "--report-dir", str(tmp_path), *extra])
    assert int(info.value.code or 0) in (0, 1)
    report: dict[str, Any] = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    return report


def _busiest_second(times: list[float]) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, start in enumerate(times):
        while j < len(times) and times[j] < start + 1.0:
            j += 1
        best = max(best, j - i)
    return best


def test_rate_holds_at_the_server_for_every_request(tmp_path: Path, arrivals: _Arrivals) -> None:
    report = _check(tmp_path, "--rate", str(int(RATE)))
    run = report["run"]
    purposes = run["requests_by_purpose"]
    # the run did send every kind of request the old code sent around the rate limit
    assert {"preflight", "flood", "shrink", "discovery", "sequence", "triangulation"} <= set(purposes), purposes
    assert purposes["shrink"] > 10 and purposes["discovery"] > 0 and purposes["triangulation"] > 0
    # every request that arrived was sent (and counted) by the sender
    assert len(arrivals.times) == run["requests_total"] == sum(purposes.values()), (len(arrivals.times), run)
    busiest = _busiest_second(arrivals.times)
    # One request per 1/RATE slot: at most RATE + 1 start in any second; the log is written when the answer
    # leaves, so a little jitter is allowed — far below the ~2x an unpaced shrinking loop reaches.
    assert busiest <= RATE * 1.1 + 3, (busiest, purposes)
    span = max(arrivals.times) - min(arrivals.times)
    assert len(arrivals.times) / max(span, 1e-9) <= RATE * 1.05 + 1


def test_request_budget_holds_for_every_request(tmp_path: Path, arrivals: _Arrivals) -> None:
    report = _check(tmp_path, "--max-requests", "40")
    run = report["run"]
    assert len(arrivals.times) <= 40, len(arrivals.times)
    assert run["requests_total"] == len(arrivals.times)
    assert run["max_requests"] == 40
    transport = [f for f in report["findings"] if f["check"] == "live.transport"]
    assert transport == []  # a request the budget kept back is not the target's fault


def test_only_the_sender_holds_a_client() -> None:
    """By construction: no module but the sender makes a ReplayClient, and nothing reaches for one."""
    makers, reach = [], []
    for path in sorted((ROOT / "contract").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ReplayClient":
                makers.append(rel)
            if isinstance(node, ast.Attribute) and node.attr == "client" and rel.startswith("contract/"):
                reach.append(f"{rel}:{node.lineno}")
    assert makers == ["contract/replay/sender.py"], makers
    assert reach == [], reach
