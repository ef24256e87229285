"""The run's findings as they are made: one kept per distinct finding, the earliest in :class:`Order`.

Every phase records into one :class:`FindingStore` (under the run's lock: workers record
concurrently). A finding is *the same* as another when check, operation and signature agree;
of those the one with the lowest :class:`~contract.replay.order.Order` is kept, with its
observation (one exchange per distinct finding, so memory does not grow with the number of
cases — a 1 MB body each, against a hostile target).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from contract.model import Finding
from contract.replay.checks import Observation
from contract.replay.order import Order

__all__ = ["FindingStore", "Hit"]


@dataclass(slots=True)
class Hit:
    """A finding, where in the run it was made, and the observation it was made on."""

    order: Order
    finding: Finding
    obs: Observation

    @property
    def identity(self) -> tuple[str, str, str]:
        """(check, operation, signature): findings with equal identities are one."""
        return self.finding.check, self.finding.operation or "", self.finding.signature()


class FindingStore:
    """The distinct findings of a run, each its earliest hit; the time each check first fired."""

    def __init__(self, lock: threading.Lock, started: float) -> None:
        self.lock = lock  # the run's lock, shared with the phases' own bookkeeping
        self.started = started
        self.hits: dict[tuple[str, str, str], Hit] = {}
        self.first_finding: dict[str, float] = {}

    def add(self, order: Order, finding: Finding, obs: Observation) -> None:
        with self.lock:
            hit = Hit(order, finding, obs)
            kept = self.hits.get(hit.identity)
            if kept is None or hit.order < kept.order:
                self.hits[hit.identity] = hit
            self.first_finding.setdefault(finding.check, round(time.monotonic() - self.started, 4))

    def in_order(self) -> list[Hit]:
        """The kept hits, earliest first."""
        return sorted(self.hits.values(), key=lambda h: h.order)
