"""`contract proxy` and `contract judge` as commands: the consumer's own suite through the proxy, reports on
SIGINT/SIGTERM in every format, the HAR re-judged to the same findings, a planted secret nowhere, exit codes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from contract.sandbox import Sandbox
from tests.conftest import ROOT, SEED_SPEC
from tests.proxy.conftest import DOCS
from tests.proxy.test_judge import CONSUMER

SECRET = f"plant-{uuid.uuid4().hex}"
FORMATS = {"report.json", "junit.xml", "report.md", "report.html", "report.sarif"}


def _contract(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "CONTRACT_API_KEY": ""}
    return subprocess.Popen([sys.executable, "-m", "contract", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


def _listening(proc: subprocess.Popen[str]) -> tuple[str, list[str]]:
    """The proxy's URL, from its ready line (read as it comes: no sleeping), and the lines before it."""
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if "listening on " in line:
            return line.split("listening on ", 1)[1].split(",", 1)[0], lines
    raise AssertionError(f"the proxy did not start: {''.join(lines)}")


def _fingerprints(report_dir: Path) -> list[tuple[str, str, str]]:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return sorted((f["check"], f["severity"], f["fingerprint"]) for f in report["findings"])


def test_proxy_command_judges_the_consumer_suite_and_writes_every_report_on_sigint(tmp_path: Path) -> None:
    har, live_dir, offline_dir = tmp_path / "t.har", tmp_path / "live", tmp_path / "offline"
    keys = {SECRET: "31fcb411-406e-403d-8fa4-8fac74f7c39a"}
    with Sandbox(keys=keys, faults={"drop-field"}) as box:
        proxy = _contract("proxy", "--spec", str(SEED_SPEC), "--docs", *map(str, DOCS), "--target", box.url,
                          "--port", "0", "--record", str(har), "--report-dir", str(live_dir), "--summary-every", "5")
        try:
            url, before = _listening(proxy)
            consumer = subprocess.run(
                [sys.executable, "-m", "pytest", str(CONSUMER), "-p", "no:cacheprovider", "-q", "-k",
                 "as_documented or accepted_profiles", "--contract-base-url", url,
                 "--contract-header", f"Authorization: Api-Key {SECRET}", "--contract-header", f"X-Api-Key: {SECRET}"],
                capture_output=True, text=True, timeout=300, cwd=CONSUMER)
            assert consumer.returncode == 1, consumer.stdout[-2000:]  # the fault fails the consumer's own tests
        finally:
            proxy.send_signal(signal.SIGINT)
            out, err = proxy.communicate(timeout=120)
    err = "".join(before) + err
    assert proxy.returncode == 1, err[-2000:]
    assert {p.name for p in live_dir.iterdir()} >= FORMATS
    assert "[live.response_schema]" in out and "segment_hash" in out
    assert "contract proxy: 5 exchanges" in err  # the live summary line
    assert "recorded " in err and har.is_file()

    judge = _contract("judge", str(har), "--spec", str(SEED_SPEC), "--docs", *map(str, DOCS),
                      "--report-dir", str(offline_dir))
    j_out, j_err = judge.communicate(timeout=120)
    assert judge.returncode == 1, j_err
    assert _fingerprints(offline_dir) == _fingerprints(live_dir)

    texts = {"proxy stdout": out, "proxy stderr": err, "judge stdout": j_out, "judge stderr": j_err,
             "har": har.read_text(encoding="utf-8")}
    texts |= {str(p.relative_to(tmp_path)): p.read_text(encoding="utf-8", errors="replace")
              for d in (live_dir, offline_dir) for p in d.iterdir()}
    assert "Api-Key ***" in texts["har"]  # the credential travelled and was masked, not dropped
    assert [name for name, text in texts.items() if SECRET in text] == []


def test_sigusr1_writes_the_reports_so_far_and_sigterm_stops_it_clean_traffic_exits_0(tmp_path: Path) -> None:
    with Sandbox() as box:
        proxy = _contract("proxy", "--spec", str(SEED_SPEC), "--target", box.url, "--port", "0",
                          "--report-dir", str(tmp_path))
        try:
            url, _ = _listening(proxy)
            assert httpx.get(url + "/nothing").status_code == 404
            proxy.send_signal(signal.SIGUSR1)
            assert proxy.stderr is not None
            said = next(line for line in proxy.stderr if "reports so far" in line)
            assert "contract proxy: 1 exchanges" in said
            assert {p.name for p in tmp_path.iterdir()} >= FORMATS
            assert httpx.get(url + "/nothing").status_code == 404  # still serving
        finally:
            proxy.send_signal(signal.SIGTERM)
            _, err = proxy.communicate(timeout=60)
    assert proxy.returncode == 0, err
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["command"] == "proxy" and report["traffic"]["exchanges"] == 2
    assert report["coverage"]["operations"]["POST /api/v2/server-side-api/profile/"]["why"] == "no request of the traffic"


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = _contract("proxy", "--spec", str(SEED_SPEC), "--target", "http://127.0.0.1:9", "--port", str(port),
                         "--report-dir", str(tmp_path))
        _, busy_err = busy.communicate(timeout=60)
    scheme = _contract("proxy", "--spec", str(SEED_SPEC), "--target", "ftp://x", "--report-dir", str(tmp_path))
    _, scheme_err = scheme.communicate(timeout=60)
    (tmp_path / "x.har").write_text("{}", encoding="utf-8")
    not_har = _contract("judge", str(tmp_path / "x.har"), "--spec", str(SEED_SPEC), "--report-dir", str(tmp_path))
    _, har_err = not_har.communicate(timeout=60)
    for proc, err, says in ((busy, busy_err, f"cannot listen on 127.0.0.1:{port}"),
                            (scheme, scheme_err, "--target must start with http://"),
                            (not_har, har_err, "no log.entries array")):
        assert proc.returncode == 2, err
        assert says in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err


def test_a_generated_run_recorded_as_har_is_rejudged_offline(tmp_path: Path) -> None:
    """`contract run --record`: every exchange of the run in HAR 1.2, masked; `contract judge` finds the fault the
    run found, from the recording alone."""
    from jsonschema import Draft202012Validator

    from tests.proxy.test_har import HAR_1_2

    har = tmp_path / "run.har"
    with Sandbox(keys={SECRET: "31fcb411-406e-403d-8fa4-8fac74f7c39a"}, faults={"drop-field"}) as box:
        run = _contract("run", "--spec", str(SEED_SPEC), "--base-url", box.url, "--header",
                        f"Authorization: Api-Key {SECRET}", "--max-examples", "3", "--no-stateful", "--progress",
                        "off", "--record", str(har), "--report-dir", str(tmp_path / "run"))
        _, run_err = run.communicate(timeout=300)
    assert run.returncode == 1, run_err[-2000:]
    document = json.loads(har.read_text(encoding="utf-8"))
    Draft202012Validator(HAR_1_2, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(document)
    run_report = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    assert len(document["log"]["entries"]) == sum(run_report["run"]["requests_by_purpose"].values())
    assert SECRET not in har.read_text(encoding="utf-8")
    judge = _contract("judge", str(har), "--spec", str(SEED_SPEC), "--report-dir", str(tmp_path / "judge"))
    _, j_err = judge.communicate(timeout=120)
    assert judge.returncode == 1, j_err

    def schema_errors(report_dir: Path) -> set[str]:
        report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
        return {f["details"]["subject"] for f in report["findings"] if f["check"] == "live.response_schema"}
    assert "200 /data required" in schema_errors(tmp_path / "judge")
    assert schema_errors(tmp_path / "run") <= schema_errors(tmp_path / "judge")
