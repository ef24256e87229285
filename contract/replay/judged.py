"""Per constraint: whether a violating case breaking it was sent, and how the run judged the answer.

The generator's coverage rows say which constraints a violating case breaks; this says what became
of those cases on the wire, so the report can tell "covered and enforced" from "generated but never
sent" (``--max-time``, the budget, a target that stopped answering) and from "sent, but the answer
decided nothing" (a 401, 404 or 5xx, or a refusal over another field). The outcome of each case is
the judging check's own: the findings ``live.negative_rejection`` (``live.auth_enforced`` for a missing
credential) raised on that exchange.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from contract.model import Case, Exchange, Finding, Severity

__all__ = ["OUTCOMES", "Judged", "judging_check"]

# refused: a client error over the broken field (enforced); accepted: 2xx (a finding); undecided: an
# answer that decides nothing (refused over another field, 401/403/404/409/429, 5xx); unanswered: a
# transport error; unjudged: the check is switched off (--checks).
OUTCOMES = ("refused", "accepted", "undecided", "unanswered", "unjudged")
_INDEX = re.compile(r"/\d+(?=/|$)")


def judging_check(keyword: str) -> str:
    """The live check that judges a violating case breaking `keyword`."""
    return "live.auth_enforced" if keyword == "security" else "live.negative_rejection"


class _Row(Protocol):
    """A generator coverage row (:class:`contract.generate.CoverageRow`)."""

    @property
    def pointer(self) -> str: ...
    @property
    def keyword(self) -> str: ...
    @property
    def value(self) -> Any: ...
    @property
    def source(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


_Key = tuple[str, str, str, str, str]


def _key(operation: str, pointer: str, keyword: str, source: str, value: Any) -> _Key:
    """The coverage row a label belongs to: array positions read as ``*``, as the rows spell them."""
    return (operation, _INDEX.sub("/*", pointer or "/") or "/", keyword, source,
            json.dumps(value, sort_keys=True, default=str))


class Judged:
    """Thread-safe; the run context calls :meth:`observe` for every violating flood case it judges."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[_Key, Counter[str]] = {}

    def observe(self, case: Case, exchange: Exchange, found: Iterable[Finding], *, judged: bool) -> None:
        if case.mode != "violating" or case.label is None:
            return
        label = case.label
        check = judging_check(label.keyword)
        outcome = _outcome(exchange, [f for f in found if f.check == check], judged=judged,
                           refusals=(401, 403) if label.keyword == "security" else None)
        with self._lock:
            key = _key(case.operation, label.pointer, label.keyword, label.source, label.value)
            self._seen.setdefault(key, Counter())[outcome] += 1

    def rows(self, coverage: Mapping[str, Sequence[_Row]]) -> dict[str, list[dict[str, Any]]]:
        """The coverage rows as dicts, each with ``sent`` (its violating cases sent) and ``outcomes``
        (outcome → cases, in :data:`OUTCOMES` order)."""
        with self._lock:
            seen = {k: Counter(v) for k, v in self._seen.items()}
        out: dict[str, list[dict[str, Any]]] = {}
        for operation, rows in coverage.items():
            out[operation] = []
            for row in rows:
                got = seen.get(_key(operation, row.pointer, row.keyword, row.source, row.value), Counter())
                out[operation].append({**row.to_dict(), "sent": sum(got.values()),
                                       "outcomes": {o: got[o] for o in OUTCOMES if got[o]}})
        return out


def _outcome(exchange: Exchange, raised: list[Finding], *, judged: bool,
             refusals: tuple[int, ...] | None) -> str:
    """`refusals`: the statuses that mean "refused" (default: a client error not about access or state)."""
    status = exchange.status
    if status is None:
        return "unanswered"
    if not judged:
        return "unjudged"
    if any(f.severity is not Severity.INFO for f in raised):
        return "accepted"
    if raised:
        return "undecided"
    if refusals is not None:
        return "refused" if status in refusals else "undecided"
    return "refused" if 400 <= status < 500 and status not in (401, 403, 404, 409, 429) else "undecided"
