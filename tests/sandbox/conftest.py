"""Fixtures: sandboxes served on loopback, always stopped, and httpx clients for them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest

from contract.sandbox import Sandbox

from .helpers import check_request_id


def make_client(sandbox: Sandbox, *, check_ids: bool = True) -> httpx.Client:
    hooks = {"response": [check_request_id]} if check_ids else {}
    return httpx.Client(base_url=sandbox.url, timeout=10, event_hooks=hooks)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """One fault-free sandbox per module; tests keep apart by using fresh customer user ids."""
    with Sandbox() as running:
        yield running


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """A client that fails any response lacking a well-formed Request-Id."""
    with make_client(sandbox) as http:
        yield http


@pytest.fixture
def start() -> Iterator[Callable[..., Sandbox]]:
    """Start a fresh sandbox with the given faults; all are stopped after the test."""
    with ExitStack() as stack:
        def _start(*faults: str) -> Sandbox:
            return stack.enter_context(Sandbox(faults=faults))
        yield _start
