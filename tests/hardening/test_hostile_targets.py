"""`contract run` against misbehaving servers, through the CLI in a child process (peak RSS measured).

For every target: the run ends within its budget, peak memory stays under 300 MB, no
traceback, every exchange is answered or a recorded transport error (each error kind a
`live.transport` finding in report.json), and the exit code is the documented one.

Exit codes, decided per target: 1 for every target that accepts connections, however
broken it is afterwards (reset, hang, trickle, lies about lengths, a bare 102): the target
exists and misbehaves, which is a finding (`live.transport`, `live.response_schema`, `live.server_error`).
3 ("unreachable") only when not one connection could be made — `nothing_listening`, where
no report is written and the one-line error names the cause.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.targets import HOSTILE_TARGETS, STEP, run_target

MAX_RSS_MB = 300
BUDGET_S = 90.0
CUT = {"connection_reset", "connection_closed"}  # a RST before/after the status line reads as either

# target → (transport error kinds allowed (non-empty: at least one must occur; empty: none may),
#           (check, text in its message) that must be among the findings, or None)
EXPECTED: dict[str, tuple[set[str], tuple[str, str] | None]] = {
    "reset": (CUT, None),
    "reset_mid_body": (CUT, None),
    "hang": ({"timeout"}, None),
    "trickle": ({"timeout"}, None),
    "huge": ({"too_large"}, None),
    "bad_utf8": (set(), ("live.response_schema", "not valid JSON")),
    "bad_json": (set(), ("live.response_schema", "not valid JSON")),
    "length_too_long": ({"connection_closed"}, None),
    "length_too_short": (set(), ("live.response_schema", "not valid JSON")),  # only 5 bytes kept
    "chunked_cut": ({"connection_closed"}, None),
    "loop": ({"redirect_loop"}, None),
    "offhost": ({"redirect_off_host"}, None),
    "http10_close": (set(), ("live.response_schema", '"data" is a required property')),  # body read to the close
    "bare_102": ({"timeout"}, None),  # the interim answer is skipped; the final one never comes
    "status_999": (set(), ("live.server_error", "answered 999")),  # RFC 9110: treat as 5xx
    "random_status": ({"connection_closed"}, ("live.server_error", "answered 999")),  # a bare 100 then close
}


def test_every_target_has_an_expectation():
    assert set(HOSTILE_TARGETS) == set(EXPECTED) | {"nothing_listening"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_target_is_findings_not_a_crash(name: str, tmp_path: Path) -> None:
    run = run_target(name, tmp_path / "report", timeout=BUDGET_S)
    output = run.stdout + run.stderr
    assert not run.timed_out, f"{name}: still running after {BUDGET_S}s"
    assert "Traceback" not in output and "MemoryError" not in output, output[-2000:]
    assert run.peak_rss_mb < MAX_RSS_MB, f"{name}: peak RSS {run.peak_rss_mb:.0f} MB"
    assert run.code == 1, (run.code, output[-2000:])
    assert run.report is not None, output[-2000:]

    meta = run.run
    errors: dict[str, int] = meta["transport_errors"]
    # Every exchange is accounted for: answered, or its transport error is counted.
    assert meta["exchanges"] > 0
    assert meta["answered"] + sum(errors.values()) >= meta["exchanges"], meta
    # ... and every error kind is a finding the user sees.
    reported = {f["details"]["subject"] for f in run.findings if f["check"] == "live.transport"}
    assert set(errors) <= reported, (errors, reported)

    allowed, needed = EXPECTED[name]
    if allowed:
        assert errors and set(errors) <= allowed, errors
    else:
        assert not errors, errors
    if needed is not None:
        check, text = needed
        messages = [f["message"] for f in run.findings if f["check"] == check]
        assert any(text in m for m in messages), (check, messages[:5])
    if name == "trickle":
        # A byte every STEP (0.1 s) never trips `--timeout 2`; only `--total-timeout 3` ends each request,
        # while the status line itself is still trickling in (so nothing counts as answered).
        elapsed = next(f["live"]["elapsed"] for f in run.findings if f["check"] == "live.transport")
        # The trickle never ends, so any finite elapsed time proves the cut; the upper bound leaves room
        # for a loaded 2-core CI machine, the lower one shows the 2 s read timeout did not fire first.
        assert STEP < 2 and 2.9 <= elapsed < 10, elapsed
        assert meta["answered"] == 0


def test_nothing_listening_is_unreachable_exit_3(tmp_path: Path) -> None:
    run = run_target("nothing_listening", tmp_path / "report", timeout=BUDGET_S)
    assert run.code == 3, run.stderr
    assert "connection_refused" in run.stderr and "Traceback" not in run.stderr
    assert run.report is None
