"""Inventory: what the sources document that the spec does not — one info finding per docs-only operation.

A docs-only operation (documented on a page, absent from the spec) was sent like any other
(:func:`contract.replay.operations.docs_operations`); this phase says it is not in the spec.
Its sibling, an operation the target serves that no source documents, is found live by
:func:`contract.replay.phases.stateful.discover`.
"""

from __future__ import annotations

from contract.core import checks
from contract.model import Exchange, Finding
from contract.replay.checks import Observation
from contract.replay.context import RunContext
from contract.replay.operations import LiveOperation
from contract.replay.order import Order, Phase

__all__ = ["run"]


def run(ctx: RunContext) -> None:
    for lo in ctx.ops:
        if lo.origin == "docs":
            ctx.record(Order(Phase.INVENTORY, key=lo.key), _inventory("live.docs_only_operation", lo,
                       f"{lo.key} is documented on {lo.docs[0].where.file} but not in the spec"),
                       Observation(lo, None, Exchange(lo.op.method, "", {})))


def _inventory(check: str, lo: LiveOperation, message: str) -> Finding:
    return Finding(check, checks.get(check).severity, message, operation=lo.key,
                   docs=lo.docs[0].where if lo.docs else None, source="docs" if lo.origin == "docs" else None,
                   subject=lo.key, details={"origin": lo.origin})
