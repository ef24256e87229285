"""A broken target is a finding, not a crash: resets, hangs, huge bodies and redirect loops are reported,
the run completes, memory stays bounded, and nothing is contacted but the base URL's host."""

from __future__ import annotations

import tracemalloc

import pytest

from contract.errors import TargetUnreachable
from contract.model import Case
from contract.replay.client import ClientConfig, ReplayClient
from tests.hardening.targets import free_port, hostile

from .conftest import run_against


def _transport(result) -> set[str]:
    return {f.subject for f in result.findings if f.check == "live.transport"}


@pytest.mark.parametrize(("behaviour", "kinds"), [
    ("reset", {"connection_reset", "connection_closed"}),
    ("hang", {"timeout"}),
    ("loop", {"redirect_loop"}),
    ("offhost", {"redirect_off_host"}),
])
def test_broken_target_is_reported_and_the_run_completes(spec, pages, behaviour, kinds):
    with hostile(behaviour) as url:
        result = run_against(spec, pages, url, max_examples=2, workers=4, read_timeout=0.5, connect_timeout=0.5)
    assert _transport(result) & kinds, result.findings
    assert result.meta["requests"] > 0


def test_fifty_megabytes_are_capped_with_bounded_memory(spec, pages):
    tracemalloc.start()
    try:
        with hostile("huge") as url:
            result = run_against(spec, pages, url, max_examples=2, workers=4, max_response_bytes=256 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "too_large" in _transport(result)
    assert peak < 100 * 1024 * 1024, peak


def test_client_never_follows_a_redirect_off_host():
    with hostile("offhost") as url, ReplayClient(ClientConfig(url, read_timeout=2)) as client:
        exchange = client.send(Case("GET /x", "GET", "/x"))
    assert exchange.error == "redirect_off_host" and exchange.status == 302
    assert client.sent == 1  # the other host was never contacted


def test_nothing_listening_is_target_unreachable(spec, pages):
    with pytest.raises(TargetUnreachable):
        run_against(spec, pages, f"http://127.0.0.1:{free_port()}", max_examples=2, connect_timeout=0.5)
