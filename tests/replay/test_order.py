"""Which of several identical findings a run keeps, and in what order: contract.replay.order and .findings."""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace

import pytest

from contract.load import load_spec
from contract.model import Exchange, Finding, Severity
from contract.replay.checks import Observation
from contract.replay.findings import FindingStore
from contract.replay.operations import LiveOperation
from contract.replay.order import Order, Phase, Step
from tests.targets.hier import SPEC


@pytest.fixture(scope="module")
def obs() -> Observation:
    op = load_spec(SPEC).operations[0]
    return Observation(LiveOperation(op), None, Exchange(op.method, "", {}))


def _finding(message: str = "answered 500", check: str = "live.server_error") -> Finding:
    return Finding(check, Severity.ERROR, message, operation="GET /things", subject="500")


# One place of each kind a run records at, in the order the module documents.
DOCUMENTED = [
    Order(Phase.INVENTORY, key="PATCH /things"),
    Order(Phase.LISTED, depth=0, key="/things"),
    Order(Phase.LISTED, depth=1, key="/things/{id}/parts"),
    Order(Phase.PINNED, key="/things"),
    Order(Phase.SHARED, depth=0, key="/things"),
    Order(Phase.SHARED, depth=1, key="/a-parent-sorting-first-by-name"),
    Order(Phase.FLOOD, index=0, case=0),
    Order(Phase.FLOOD, index=0, case=0, step=Step.FIT, item=1),
    Order(Phase.FLOOD, index=0, case=0, step=Step.FIT, item=2),
    Order(Phase.FLOOD, index=0, case=0, step=Step.SETUP),
    Order(Phase.FLOOD, index=0, case=1),
    Order(Phase.FLOOD, index=1, case=0),
    Order(Phase.AUTH, index=0, case=0),
    Order(Phase.AUTH, index=0, case=0, step=Step.SETUP),
    Order(Phase.AUTH, index=0, case=1),
    Order(Phase.STATEFUL, index=0, step=Step.DISCOVER),
    Order(Phase.STATEFUL, index=0, step=Step.CREATE),
    Order(Phase.STATEFUL, index=0, step=Step.WALK, item=1),
    Order(Phase.STATEFUL, index=0, step=Step.WALK, item=2),
    Order(Phase.STATEFUL, index=0, step=Step.ISOLATION, item=0),
    Order(Phase.STATEFUL, index=0, step=Step.ISOLATION, item=0, sub=1),
    Order(Phase.STATEFUL, index=0, step=Step.ISOLATION, item=1),
    Order(Phase.STATEFUL, index=0, step=Step.LOST_UPDATE_WRITE, item=0, sub=7),
    Order(Phase.STATEFUL, index=0, step=Step.LOST_UPDATE_WRITE, item=1, sub=0),
    Order(Phase.STATEFUL, index=0, step=Step.LOST_UPDATE_READ, item=0),
    Order(Phase.STATEFUL, index=0, step=Step.DELETE),
    Order(Phase.STATEFUL, index=0, step=Step.LIST_CREATE, item=1),
    Order(Phase.STATEFUL, index=0, step=Step.COUNT_OFF),
    Order(Phase.STATEFUL, index=1, step=Step.DISCOVER),
    Order(Phase.GENERATE, key="GET /things", case=0),
    Order(Phase.GENERATE, key="GET /things", case=1),
]


def test_places_sort_as_documented() -> None:
    assert sorted(reversed(DOCUMENTED)) == DOCUMENTED
    # the field a phase does not use cannot reorder it: depth and key sort setup only
    assert Order(Phase.FLOOD, index=0, case=5) < Order(Phase.FLOOD, index=1, case=0)


def test_the_earliest_of_identical_findings_is_kept_whatever_the_recording_order(obs: Observation) -> None:
    places = [Order(Phase.STATEFUL, index=0, step=Step.DELETE), Order(Phase.FLOOD, index=2, case=3),
              Order(Phase.FLOOD, index=2, case=3, step=Step.SETUP), Order(Phase.AUTH, index=0, case=1)]
    for perm in itertools.permutations(places):
        store = FindingStore(threading.Lock(), 0.0)
        for order in perm:
            store.add(order, _finding(f"answered 500 ({order.phase.name})"), obs)
        # messages differ, the identity (check, operation, signature) does not: one finding, the flood case's
        (hit,) = store.in_order()
        assert hit.order == Order(Phase.FLOOD, index=2, case=3)
        assert hit.finding.message == "answered 500 (FLOOD)"


def test_distinct_findings_are_all_kept_earliest_first(obs: Observation) -> None:
    store = FindingStore(threading.Lock(), 0.0)
    late, early = Order(Phase.STATEFUL, index=0, step=Step.DELETE_EFFECTIVE), Order(Phase.INVENTORY, key="x")
    store.add(late, _finding("still readable", "live.delete_effective"), obs)
    store.add(early, _finding("documented only", "live.docs_only_operation"), obs)
    store.add(replace(late, index=1), _finding("still readable", "live.delete_effective"), obs)
    assert [h.order for h in store.in_order()] == [early, late]
    assert set(store.first_finding) == {"live.delete_effective", "live.docs_only_operation"}


def test_a_tie_keeps_the_first_recorded(obs: Observation) -> None:
    store = FindingStore(threading.Lock(), 0.0)
    order = Order(Phase.FLOOD, index=0, case=0)
    store.add(order, _finding("first"), obs)
    store.add(order, _finding("second"), obs)
    assert [h.finding.message for h in store.in_order()] == ["first"]
