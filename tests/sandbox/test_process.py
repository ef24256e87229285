"""The sandbox as a process: the CLI, SIGTERM, kill -9 durability, restarts, the port."""

from __future__ import annotations

import logging
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from contract.sandbox import FAULTS, Sandbox
from contract.sandbox.command import command

from .helpers import KEY_A, KEY_B, PATH, REQUEST_ID, attributes, attrs, data, error, headers, new_user

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"sandbox listening on (http://127\.0\.0\.1:\d+)")
STARTUP_TIMEOUT = 60  # generous: the machine is shared


@contextmanager
def sandbox_process(*args: str, stderr: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `python -m <args>`, wait (bounded) for its URL line; kill it if still running after."""
    with stderr.open("a") as err:
        proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=err,
                                stdin=subprocess.DEVNULL, text=True,
                                env={k: v for k, v in os.environ.items() if k != "CONTRACT_SANDBOX_KEYS"})
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    try:
        try:
            first = lines.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            pytest.fail(f"no URL line within {STARTUP_TIMEOUT}s; stderr:\n{stderr.read_text()}")
        match = LISTENING.fullmatch(first.strip())
        assert match, f"unexpected first line {first!r}; stderr:\n{stderr.read_text()}"
        yield proc, match.group(1)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        stdout.close()


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    log = tmp_path / "stderr.log"
    expected: dict[str, dict[str, object]] = {}
    deleted = new_user()
    with sandbox_process("contract.sandbox", "--port", "0", "--db", str(db), stderr=log) as (proc, url), \
            httpx.Client(base_url=url, timeout=10) as client:
        data(client.post(PATH, json={}, headers=headers(user=deleted)))
        for p in range(5):
            user = new_user()
            data(client.post(PATH, json={"custom_attributes": attrs(p=p)}, headers=headers(user=user)))
            for n in range(20):
                response = client.patch(PATH, json={"custom_attributes": attrs(**{f"k{n % 7}": f"v{n}"})},
                                        headers=headers(user=user))
                expected[user] = attributes(response)  # acknowledged: this is what must survive
        assert client.delete(PATH, headers=headers(user=deleted)).status_code == 204
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL

    with sandbox_process("contract.sandbox", "--port", "0", "--db", str(db), stderr=log) as (_, url), \
            httpx.Client(base_url=url, timeout=10) as client:
        for user, attributes_then in expected.items():
            assert attributes(client.get(PATH, headers=headers(user=user))) == attributes_then
        assert client.get(PATH, headers=headers(user=deleted)).status_code == 404
    assert KEY_A not in log.read_text()


def test_cli_serves_on_loopback_and_stops_on_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "stderr.log"
    with sandbox_process("contract", "sandbox", "--port", "0", stderr=log) as (proc, url), \
            httpx.Client(base_url=url, timeout=10) as client:
        assert client.get(PATH, headers=headers(None, user=new_user())).status_code == 401
        user = new_user()
        assert client.post(PATH, json={}, headers=headers(KEY_A, user=user)).status_code == 200
        assert client.get(PATH, headers=headers(KEY_B, user=user)).status_code == 404
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert proc.stdout is not None
        rest = proc.stdout.read()
    output = log.read_text() + rest
    assert "contract.sandbox.access" in output  # requests were logged ...
    assert KEY_A not in output and KEY_B not in output  # ... without the keys


def test_help_lists_every_fault() -> None:
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0
    for name, description in FAULTS.items():
        assert re.search(rf"^\s+{re.escape(name)}\s+{re.escape(description)}$", result.output, re.MULTILINE)


@pytest.mark.parametrize("value", ["secret-k3y=not-a-uuid", "secret-k3y", "secret k3y=31fcb411-406e-403d-8fa4-8fac74f7c39a"])
def test_bad_key_option_is_refused_without_echoing_it(value: str) -> None:
    result = CliRunner().invoke(command, ["--key", value, "--port", "0"])
    assert result.exit_code == 2
    assert "--key" in result.output
    assert "k3y" not in result.output


def test_stopping_releases_the_port_and_a_restart_keeps_the_data(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    keys = {"own-key": "0b8f3c1e-2d4a-4f6b-9c8d-7e6f5a4b3c2d"}
    user = new_user()
    with Sandbox(db_path=db, keys=keys) as first, httpx.Client(base_url=first.url) as client:
        port = first.port
        assert first.url == f"http://127.0.0.1:{port}"
        created = data(client.post(PATH, json={"custom_attributes": attrs(a="1")},
                                   headers=headers("own-key", user=user)))
        assert created["app_id"] == keys["own-key"]
        assert client.get(PATH, headers=headers(KEY_A, user=user)).status_code == 401  # only the given keys
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}{PATH}", timeout=5)
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    probe.bind(("127.0.0.1", port))  # free again
    probe.close()
    with Sandbox(db_path=db, keys=keys, port=port) as second, httpx.Client(base_url=second.url) as client:
        assert second.port == port
        assert attributes(client.get(PATH, headers=headers("own-key", user=user))) == {"a": "1"}
    assert db.exists()


def test_unexpected_error_is_a_json_500_with_request_id(caplog: pytest.LogCaptureFixture) -> None:
    with Sandbox() as running, httpx.Client(base_url=running.url) as client:
        assert running.app is not None
        running.app.store.close()  # every request now fails inside the handler
        with caplog.at_level(logging.CRITICAL):  # the expected traceback is not news
            response = client.get(PATH, headers=headers(user=new_user()))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert REQUEST_ID.fullmatch(response.headers["request-id"])
    assert response.json() == error(500, "server_error", "non_field_errors", "A server error occurred.")


def test_temporary_database_is_removed() -> None:
    with Sandbox() as running:
        folder = running.db_path.parent if running.db_path else None
        assert folder is not None and folder.is_dir()
    assert not folder.exists()
