"""Fixtures for the live-run tests: sandboxes and hostile servers on loopback, always stopped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contract.docs import DocsPage, read_docs
from contract.load import Spec, load_spec
from contract.replay.runner import RunConfig, Runner, RunResult
from contract.sandbox import DEFAULT_KEYS, Sandbox
from tests.conftest import SEED_SPEC, SPECS

KEY_A, KEY_B = list(DEFAULT_KEYS)
DOCS = [SPECS / "003_adc150077d28c6e1.txt", SPECS / "000_f29c871810a0beae.txt"]


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec(SEED_SPEC)


@pytest.fixture(scope="session")
def pages() -> list[DocsPage]:
    return [read_docs(p) for p in DOCS]


def run_against(spec: Spec, pages: list[DocsPage], url: str, **overrides: object) -> RunResult:
    config = RunConfig(url, headers={"Authorization": f"Api-Key {KEY_A}"},
                       alt_headers={"Authorization": f"Api-Key {KEY_B}"}, max_examples=8, progress="off")
    for name, value in overrides.items():
        setattr(config, name, value)
    return Runner(spec, config, pages).run()


@pytest.fixture(scope="module")
def clean_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox
