"""Safety against a real API: `--read-only` sends nothing but GET/HEAD/OPTIONS, and nothing but the base URL
is ever contacted — not the spec's `servers` entry nor the docs' example URLs (https://api.adapty.io).

Both run `contract check` in-process (the embedded sandbox on loopback is the target), so requests can be
counted where they arrive (the sandbox's access log) and every outgoing connection seen where it starts.
"""

from __future__ import annotations

import json
import logging
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract.cli import main
from contract.pipeline import BUNDLED_DOCS
from tests.conftest import SEED_SPEC, SPECS
from tests.support.logs import listening

SAFE = {"GET", "HEAD", "OPTIONS"}


def _check(tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    with pytest.raises(SystemExit) as info:
        main(["check", "--max-examples", "3", "--progress", "off", "--report-dir", str(tmp_path), *extra])
    return int(info.value.code or 0), json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))


class _Methods(logging.Handler):
    """Counts the methods in the sandbox's access log (`METHOD PATH STATUS ...`)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.methods: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.methods[str(record.args[0]) if isinstance(record.args, tuple) else "?"] += 1


@pytest.fixture
def access_log() -> Iterator[_Methods]:
    handler = _Methods()
    with listening("contract.sandbox.access", handler):
        yield handler


def _spec_with_a_read(tmp_path: Path) -> Path:
    """The bundled spec plus a GET on the profile path (the sandbox serves it): read-only has something to send."""
    data = yaml.safe_load(SEED_SPEC.read_text(encoding="utf-8"))
    post = data["paths"]["/api/v2/server-side-api/profile/"]["post"]
    data["paths"]["/api/v2/server-side-api/profile/"]["get"] = {
        "operationId": "getProfile", "security": post["security"], "parameters": post["parameters"],
        "responses": post["responses"]}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_read_only_check_sends_no_destructive_method(tmp_path: Path, access_log: _Methods) -> None:
    spec = _spec_with_a_read(tmp_path)
    docs = [a for page in BUNDLED_DOCS for a in ("--docs", str(page))]
    code, report = _check(tmp_path / "report", "--read-only", "--spec", str(spec), *docs)
    assert code in (0, 1)
    assert access_log.methods, "the sandbox saw no request at all"
    assert set(access_log.methods) <= SAFE, access_log.methods  # server-side: what actually arrived
    read_only = report["run"]["read_only"]
    assert read_only["methods"] == sorted(SAFE) and read_only["stateful"] == "skipped"
    skipped = read_only["skipped_operations"]
    assert {k.split(" ", 1)[0] for k in skipped} == {"POST", "PATCH"}, skipped  # PATCH: docs-only
    assert access_log.methods["GET"] >= report["run"]["exchanges"] > 0
    assert all(k.split(" ", 1)[0] in SAFE for k in report["run"]["operations"]), report["run"]["operations"]


def test_only_the_loopback_target_is_ever_contacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "https://api.adapty.io" in SEED_SPEC.read_text(encoding="utf-8")  # the spec's `servers` entry
    assert any("api.adapty.io" in p.read_text(encoding="utf-8") for p in SPECS.glob("0*.txt"))  # docs examples
    connects: list[Any] = []
    lookups: list[Any] = []
    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, \
        socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        connects.append(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        connects.append(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    code, report = _check(tmp_path)  # the full run: creates, docs examples, triangulation probes
    assert code in (0, 1)
    assert report["run"]["requests"] > 50 and report["run"]["triangulation_requests"] > 0
    assert connects, "no connection recorded: the patch did not take"
    hosts = {a[0] for a in connects if isinstance(a, tuple)}
    assert hosts == {"127.0.0.1"}, hosts
    assert {h for h in lookups if h not in ("127.0.0.1", b"127.0.0.1", "localhost")} == set(), lookups
