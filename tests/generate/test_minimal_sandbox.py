"""Against the sandbox: the "31 custom attributes" case is rejected for its count, so the limit is judged.

The sandbox follows the docs page, rules the spec and its prose state only in part (keys of 1 to
30 letters, digits, dashes, periods and underscores; values of at most 30 characters; an empty
value deletes). A violating case whose other attributes broke one of those would be rejected
for that instead, and the 30-item limit never judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from contract.compare.probes import docs_constraints
from contract.docs import read_docs
from contract.generate import generate_cases, prose_constraints
from contract.load import Spec
from contract.model import Case
from contract.pipeline import offline
from contract.replay.client import ClientConfig, ReplayClient
from contract.replay.operations import docs_operations
from contract.sandbox import DEFAULT_KEYS, Sandbox
from contract.validate import Validators

ROOT = Path(__file__).parents[2]
DOCS = [ROOT / "specs" / "003_adc150077d28c6e1.txt", ROOT / "specs" / "000_f29c871810a0beae.txt"]
KEY = next(iter(DEFAULT_KEYS))


@pytest.fixture(scope="module")
def client() -> Iterator[ReplayClient]:
    with Sandbox() as sandbox, ReplayClient(ClientConfig(sandbox.url)) as c:
        yield c


def _limit_cases(spec: Spec, *, with_docs: bool) -> list[Case]:
    pages = [read_docs(p) for p in DOCS]
    drift = [f for f in offline(spec, pages) if f.check.startswith("drift.")]
    ops = [spec.operation("createProfile"), *(lo.op for lo in docs_operations(spec, pages))]
    validators = Validators(spec, ops)
    out = []
    for op in ops:
        extras = [*prose_constraints(spec, op), *(docs_constraints(spec, op, drift) if with_docs else [])]
        result = generate_cases(spec, op, mode="violating", count=120, seed=5, extra=extras,
                                headers={"Authorization": f"Api-Key {KEY}"}, validators=validators)
        out += [c for c in result.cases if c.label is not None and c.label.pointer == "/custom_attributes"
                and c.label.keyword == "maxItems"]
    return out


@pytest.mark.parametrize("with_docs", [True, False], ids=["prose+docs", "prose only"])
def test_the_30_item_limit_case_is_answered_for_its_count(seed_spec: Spec, client: ReplayClient,
                                                          with_docs: bool) -> None:
    cases = _limit_cases(seed_spec, with_docs=with_docs)
    assert {c.method for c in cases} == {"POST", "PATCH"}
    assert {c.label.source for c in cases if c.label} == ({"prose", "docs"} if with_docs else {"prose"})
    for case in cases:
        exchange = client.send(case)
        assert exchange.status == 400, (case.label, exchange.status, exchange.response_body)
        errors = exchange.json()["errors"]
        # the one reason given: the count of custom_attributes, nothing about a key, a value or another field
        assert [e["source"] for e in errors] == ["custom_attributes"], errors
        assert len(errors[0]["errors"]) == 1 and "at most 30 custom attributes" in errors[0]["errors"][0], errors
        assert "got 31" in errors[0]["errors"][0]


def test_the_undone_case_is_accepted(seed_spec: Spec, client: ReplayClient) -> None:
    """30 of the same attributes: the sandbox accepts it (so the 31st was the only reason)."""
    for case in _limit_cases(seed_spec, with_docs=True):
        if case.method != "POST":
            continue
        undone = replace(case, body={**case.body, "custom_attributes": case.body["custom_attributes"][:30]},
                         mode="conforming", label=None)
        exchange = client.send(undone)
        assert exchange.status == 200, (exchange.status, exchange.response_body)
