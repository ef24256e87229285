"""Where a request or finding stands in a run: the key that orders findings and picks which duplicate is kept.

Workers finish in any order, so a run's findings are never ordered by time. Every request a
phase judges carries an :class:`Order` naming its place in the run — the phase, the operation
(or resource) it works on, the case, the step — and of several findings that are the same
(check, operation, signature) the one with the lowest order is kept: the first in case order,
the same whatever the timing. The kept findings are shrunk in this order too (the shrink
budget goes to the earliest), before the report sorts them by check and operation.

Fields compare in their declared order; a field a phase does not use keeps its default.

==================  ====================================================================================
phase               fields it sets
==================  ====================================================================================
``INVENTORY``       ``key``: the operation documented only on a page, or served only by the target
``LISTED``          ``depth``, ``key``: the resource whose list lent an existing instance
``PINNED``          ``key``: the resource a ``--path-param`` pins (its read)
``SHARED``          ``depth``, ``key``: the resource's shared instance (its create), parents first
``FLOOD``           ``index`` (operation), ``case``; ``step``: ``CASE``, then the ``FIT`` probes (``item``:
                    their number), then the ``SETUP`` of the instance made for the case
``AUTH``            ``index`` (operation), ``case`` (0: no credential, 1: an invalid one); ``step``: ``CASE``,
                    ``SETUP``
``STATEFUL``        ``index`` (resource), ``step`` (the walk's :class:`Step`), ``item`` and ``sub`` within it
``GENERATE``        ``key`` (operation), ``case``: the generator's own findings, last
==================  ====================================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, auto

__all__ = ["Order", "Phase", "Step"]


class Phase(IntEnum):
    """The run's phases in finding order (not quite the order they run: a shared instance is made on
    first use, inventory findings are recorded after the flood, the generator's findings come last)."""

    INVENTORY = auto()
    LISTED = auto()
    PINNED = auto()
    SHARED = auto()
    FLOOD = auto()
    AUTH = auto()
    STATEFUL = auto()
    GENERATE = auto()


class Step(IntEnum):
    """What a request or finding is within its phase, in finding order (members compare only within a phase)."""

    # a case (FLOOD, AUTH): the case itself, the probes that fitted its body, the instance made for it
    CASE = auto()
    FIT = auto()
    SETUP = auto()
    # a resource's stateful walk (STATEFUL), in the order of the walk's steps
    DISCOVER = auto()  # the throwaway instance undocumented methods are probed on
    CREATE = auto()  # the sequence's own instance
    WALK = auto()  # read → update → read (item: 1, 2, 3)
    ISOLATION = auto()  # the second credential (item: the request; sub 1: its finding)
    LOST_UPDATE_WRITE = auto()  # the concurrent updates (item: the round, sub: the request)
    LOST_UPDATE_READ = auto()  # item: the round
    LOST_UPDATE = auto()  # the finding
    ISOLATION_CREATE = auto()  # the instance the second credential tries to delete
    DELETE_CREATE = auto()  # the instance deleted
    DELETE = auto()
    DELETE_READ = auto()
    DELETE_EFFECTIVE = auto()  # the finding
    LIST_PARENT = auto()  # a parent of its own
    LIST_CREATE = auto()  # item: the child
    LIST = auto()
    LIST_MISSING = auto()  # the findings: a created child not listed, a total off
    LIST_TOTAL = auto()
    COUNT = auto()
    COUNT_OFF = auto()


@dataclass(frozen=True, order=True, slots=True)
class Order:
    """A place in the run (see the module's table); lower is earlier."""

    phase: Phase
    depth: int = 0  # LISTED, SHARED: the resource's depth, parents first
    key: str = ""  # the operation's or resource's key, where no index names it
    index: int = 0  # FLOOD, AUTH: the operation's place in the run; STATEFUL: the resource's
    case: int = 0  # the case's index within its operation
    step: Step = Step.CASE
    item: int = 0  # the step's number (walk step, fitting probe, isolation request, round, child)
    sub: int = 0  # within the item (a concurrent request of a round; 1: the finding an isolation request made)
