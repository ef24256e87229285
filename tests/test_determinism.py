"""Same seed, same spec, same target behaviour → the same report.json, timings aside.

Two `contract check` runs (CLI, each with a fresh embedded sandbox, run concurrently) are
compared after `normalise` removes exactly:

* time: `elapsed` (every exchange), `elapsed_s` / `requests_per_s` (run), `timings` (all phases),
  the *values* of `first_finding_s` (its keys — which checks fired — are kept), the `date` header,
  `response_times` but for which operations answered how many requests;
* the target's identity: its URL (a fresh sandbox listens on a fresh free port);
* the target's own clock and randomness, not ours — in what the sandbox *answers* only: its
  `request-id` header (uuid4 per request), and inside response bodies the version-4 UUIDs (profile
  ids it assigns), `timestamp` (its clock, ms) and `segment_hash` (a hash over its state). Our
  identifiers are uuid5 / `ct-<token>-…` derived from the seed, and stay compared in requests and
  curl lines.

Anything else that differs is a bug (a run-unique token once leaked into every curl line).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

TIME_KEYS = {"elapsed", "elapsed_s", "requests_per_s", "timings"}
TARGET_HEADERS = {"date", "request-id"}
URL = re.compile(r"http://127\.0\.0\.1:\d+")
SERVER_FIELDS = re.compile(r'"(timestamp|segment_hash)":\s*("[^"]*"|\d+)')
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def normalise(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if key == "first_finding_s":
            return sorted(value)
        if key == "response_times":
            return {op: t["count"] for op, t in value["operations"].items()}
        if key == "response_headers":
            return {k: normalise(v, k) for k, v in value.items() if k.lower() not in TARGET_HEADERS}
        return {k: normalise(v, k) for k, v in value.items() if k not in TIME_KEYS}
    if isinstance(value, list):
        return [normalise(v, key) for v in value]
    if isinstance(value, str):
        value = URL.sub("http://TARGET", value)
        if key == "response_body":
            value = SERVER_FIELDS.sub(r'"\1": "<from the target>"', UUID4.sub("<uuid4 from the target>", value))
        return value
    return value


def _start(report_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "contract", "check", "--seed", "7", "--max-examples", "3",
                             "--progress", "off", "--report-dir", str(report_dir)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_give_the_same_report(tmp_path: Path) -> None:
    procs = [_start(tmp_path / name) for name in ("a", "b")]
    reports = []
    for proc, name in zip(procs, ("a", "b"), strict=True):
        _, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 1), err[-2000:]
        reports.append(json.loads((tmp_path / name / "report.json").read_text(encoding="utf-8")))
    a, b = (normalise(r) for r in reports)
    curls = [f["curl"] for f in a["findings"] if f.get("curl")]
    assert len(a["findings"]) > 20 and len(curls) > 10  # a real run, with exchanges to compare
    assert any("ct-" in c or re.search(r"[0-9a-f-]{36}", c) for c in curls)  # generated identifiers present
    for fa, fb in zip(a["findings"], b["findings"], strict=False):
        assert fa == fb  # the first differing finding, readably
    assert a == b


def test_normalise_drops_only_time_and_target_noise() -> None:
    report = {"run": {"elapsed_s": 1.2, "requests_per_s": 3.0, "first_finding_s": {"transport": 0.4},
                      "base_url": "http://127.0.0.1:5555", "seed": 7},
              "timings": {"live": 1.0},
              "findings": [{"curl": "curl http://127.0.0.1:5555/p -H 'id: ct-abc-1'",
                            "live": {"elapsed": 0.1, "response_headers": {"Date": "x", "request-id": "y", "a": "b"},
                                     "response_body": '{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", '
                                                      '"timestamp": 17953, "segment_hash": "ab"}'}}]}
    assert normalise(report) == {
        "run": {"first_finding_s": ["transport"], "base_url": "http://TARGET", "seed": 7},
        "findings": [{"curl": "curl http://TARGET/p -H 'id: ct-abc-1'",
                      "live": {"response_headers": {"a": "b"},
                               "response_body": '{"id": "<uuid4 from the target>", "timestamp": "<from the target>", '
                                                '"segment_hash": "<from the target>"}'}}]}
