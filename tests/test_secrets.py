"""One planted secret, every way a user can hand it over, must appear nowhere the tool writes.

The secret goes in as `CONTRACT_API_KEY`, `--header 'X-Api-Key: …'`, `--header 'Authorization: Bearer …'`
(or `Api-Key …`, the sandbox's scheme, so the full flow runs: creates, reads, sequences echoing values),
a secret-named query parameter (`access_token`, via a spec whose parameter only allows that value),
the base URL's userinfo, and `--secret`. Runs: `contract check` and `contract run` against the sandbox
(which accepts the secret as a key), `contract run` against a target that resets (error messages,
exit 1) and against nothing (the exit-3 error line), and the pytest plugin over examples/consumer with
the secret in `--contract-header` (failing tests: assertion messages and curl lines). Searched: stdout,
stderr (with `--progress plain`), every file under each report dir, and the sandbox's logs.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from contract.sandbox import Sandbox
from tests.conftest import ROOT, SEED_SPEC
from tests.hardening.targets import free_port, hostile
from tests.support.logs import listening

SECRET = f"plant-{uuid.uuid4().hex}"
PLANTS = ["--header", f"X-Api-Key: {SECRET}", "--secret", SECRET, "--progress", "plain", "--max-examples", "3"]


def _query_spec(tmp_path: Path) -> Path:
    """The bundled spec plus a required `access_token` query parameter that can only be the secret."""
    data = yaml.safe_load(SEED_SPEC.read_text(encoding="utf-8"))
    data["paths"]["/api/v2/server-side-api/profile/"]["post"]["parameters"].append(
        {"name": "access_token", "in": "query", "required": True, "schema": {"type": "string", "enum": [SECRET]}})
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _start(args: list[str], report_dir: Path | None, *, cwd: Path = ROOT) -> subprocess.Popen[str]:
    env = {**os.environ, "CONTRACT_API_KEY": SECRET}
    return subprocess.Popen([sys.executable, "-m", *args, *(["--report-dir", str(report_dir)] if report_dir is not None else [])],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _plugin(url: str) -> subprocess.Popen[str]:
    return _start(["pytest", str(ROOT / "examples" / "consumer"), "-p", "no:cacheprovider", "-q", "-rN",
                   "--contract-base-url", url, "--contract-header", f"Authorization: Api-Key {SECRET}",
                   "--contract-header", f"X-Api-Key: {SECRET}"], None, cwd=ROOT / "examples" / "consumer")


@pytest.fixture
def sandbox_log() -> Iterator[io.StringIO]:
    """Everything the sandbox logs (access log included), at INFO."""
    stream = io.StringIO()
    with listening("contract.sandbox", logging.StreamHandler(stream)):
        yield stream


def test_a_planted_secret_appears_nowhere(tmp_path: Path, sandbox_log: io.StringIO) -> None:
    spec = _query_spec(tmp_path)
    keys = {SECRET: "31fcb411-406e-403d-8fa4-8fac74f7c39a", "other-tenant-key-0000": "79a6a983-502a-421e-88b0-ceeb9f66cf69"}
    outputs: dict[str, tuple[int, str, str]] = {}
    with Sandbox(keys=keys) as box, hostile("reset") as resetting:
        authed = box.url.replace("http://", f"http://user:{SECRET}@")
        procs = {
            "check": _start(["contract", "check", "--base-url", box.url, "--header", f"Authorization: Bearer {SECRET}",
                             *PLANTS], tmp_path / "check"),
            "run": _start(["contract", "run", "--spec", str(spec), "--base-url", authed,
                           "--header", f"Authorization: Api-Key {SECRET}", *PLANTS], tmp_path / "run"),
            "reset": _start(["contract", "run", "--spec", str(SEED_SPEC), "--base-url",
                             resetting.replace("http://", f"http://user:{SECRET}@"), "--no-stateful", "--timeout", "2",
                             *PLANTS], tmp_path / "reset"),
            "unreachable": _start(["contract", "run", "--spec", str(SEED_SPEC), "--base-url",
                                   f"http://user:{SECRET}@127.0.0.1:{free_port()}", *PLANTS], tmp_path / "unreachable"),
            "plugin": _plugin(box.url),
            "plugin-reset": _plugin(resetting),  # every test fails: assertion messages, case dumps
        }
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=180)
            outputs[name] = (proc.returncode, out, err)
    codes = {name: code for name, (code, _, _) in outputs.items()}
    assert codes["check"] in (0, 1) and codes["run"] in (0, 1), outputs["run"][2][-2000:]
    assert codes["reset"] == 1 and codes["unreachable"] == 3, codes
    assert codes["plugin"] == 0 and codes["plugin-reset"] == 1, codes

    # The plants reached the wire and the tool talked about them (else "absent" would prove nothing).
    log = sandbox_log.getvalue()
    assert " 201 " in log or " 200 " in log, log[:2000]  # the secret was accepted as a key: the full flow ran
    assert "***" in outputs["run"][1] + outputs["plugin-reset"][1]  # masked values were printed
    reset_output = outputs["reset"][1] + outputs["reset"][2]
    assert "[live.transport]" in reset_output and "sending to http://***@127.0.0.1" in reset_output, reset_output[-2000:]
    assert "connection_refused" in outputs["unreachable"][2]

    leaks = [f"{name} {stream}" for name, (_, out, err) in outputs.items()
             for stream, text in (("stdout", out), ("stderr", err)) if SECRET in text]
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "spec.yaml"]
    assert {p.name for p in (tmp_path / "check").iterdir()} >= {"report.json", "junit.xml", "report.md",
                                                                "report.html", "report.sarif"}
    leaks += [str(p.relative_to(tmp_path)) for p in files if SECRET.encode() in p.read_bytes()]
    if SECRET in log:
        leaks.append("sandbox log")
    assert not leaks, leaks
