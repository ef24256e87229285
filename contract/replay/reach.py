"""Reach: per operation, the statuses a run saw, whether a 2xx was reached, and if not why — with the fix.

A run that never got a 2xx from an operation checked little of it: every response-schema,
round-trip and negative check waits behind a success. :class:`Reach` watches the conforming
requests of the run (what they were answered, which identifiers were made up, what the server said)
and :meth:`Reach.summary` turns that, with the sender's status counts of *every* request, into one
line per operation for the report's coverage section: ``statuses``, ``reached``, ``why`` and ``hint``
— e.g. "every conforming request named a made-up `segment_id` and got 404" → "no operation produced a
`segment_id`; pass `--path-param segment_id=…` or add an OpenAPI link".
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract.core import errors_body
from contract.model import Case, Exchange

__all__ = ["Reach"]


@dataclass(slots=True)
class _Seen:
    """What the conforming requests of one operation got."""

    statuses: Counter[str] = field(default_factory=Counter)  # status (or transport error kind) → requests
    made_up: dict[str, list[str]] = field(default_factory=dict)  # status → generated identifier names (in order)
    said: dict[str, str] = field(default_factory=dict)  # status → the server's first stated reason
    path_params: set[str] = field(default_factory=set)  # the operation's path parameters (as sent)


class Reach:
    """Thread-safe; the runner calls :meth:`observe` for every conforming request it judges."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, _Seen] = {}

    def observe(self, case: Case, exchange: Exchange, identifiers: Iterable[str]) -> None:
        """One conforming request and its answer; `identifiers`: the identifier parameters it carries."""
        if case.mode != "conforming":
            return
        key = str(exchange.status) if exchange.status is not None else str(exchange.error)
        made_up = [n for n in identifiers if case.identifier_source(n) == "generated"]
        made_up = [n for n in made_up if n in case.path_params] or made_up  # the path's, when it has some
        said = ""
        if exchange.status is not None and exchange.status >= 400:
            said = errors_body.summary(errors_body.read_errors(exchange.response_body), limit=160)
        with self._lock:
            seen = self._seen.setdefault(case.operation, _Seen())
            seen.statuses[key] += 1
            seen.path_params.update(case.path_params)
            names = seen.made_up.setdefault(key, [])
            names += [n for n in made_up if n not in names]
            if said and (key not in seen.said or said < seen.said[key]):
                seen.said[key] = said  # the smallest, not the first: workers answer in any order

    def summary(self, operations: Iterable[str], statuses: Mapping[str, Mapping[str, int]],
                not_sent: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
        """Per operation: ``statuses`` (every request), ``reached`` (a 2xx), ``why`` and ``hint`` when not.

        `not_sent`: operations deliberately not sent, with the reason (``--read-only``).
        """
        out: dict[str, dict[str, Any]] = {}
        for op in operations:
            seen_all = {k: int(v) for k, v in sorted((statuses.get(op) or {}).items())}
            reached = any(k.isdigit() and 200 <= int(k) < 300 for k in seen_all)
            why, hint = (None, None) if reached else self._why(op, (not_sent or {}).get(op))
            out[op] = {"statuses": seen_all, "reached": reached, "why": why, "hint": hint}
        for op, reason in (not_sent or {}).items():
            out.setdefault(op, {"statuses": {}, "reached": False, "why": f"not sent: {reason}", "hint": None})
        return out

    def _why(self, op: str, not_sent: str | None) -> tuple[str, str | None]:
        if not_sent:
            return f"not sent: {not_sent}", None
        with self._lock:
            seen = self._seen.get(op)
        if seen is None or not seen.statuses:
            return ("no conforming request was sent (none could be generated, or --max-time / --max-requests "
                    "ended the run first)", "see the generate.* findings; raise --max-time or --max-requests")
        total = sum(seen.statuses.values())
        status, count = max(seen.statuses.items(), key=lambda kv: (kv[1], kv[0]))
        every = "every conforming request was" if count == total else f"{count} of {total} conforming requests were"
        said = seen.said.get(status, "")
        quote = f' ("{said}")' if said else ""
        if not status.isdigit():
            return f"{every} not answered ({status})", "check --base-url, --timeout and --total-timeout"
        code = int(status)
        made_up = seen.made_up.get(status, [])
        if code in (404, 410) and made_up:
            names = " and ".join(f"`{n}`" for n in made_up)
            path = [n for n in made_up if n in seen.path_params]
            how = " ".join(f"--path-param {n}=…" for n in path) if path else "its value"
            return (f"{every} answered {code}: made-up {names}{quote}",
                    f"no operation produced {'a ' if len(made_up) == 1 else ''}{names}; pass "
                    f"{'`' + how + '`' if path else how} or add an OpenAPI link from the operation that creates it")
        if code == 401:
            return f"{every} answered 401{quote}", "check the credential: --header 'Name: value' or CONTRACT_API_KEY"
        if code == 403:
            return (f"{every} answered 403: switched off or forbidden for this credential{quote}",
                    "use a credential allowed to call it, or switch the operation on")
        if code == 409:
            return (f"{every} answered 409: the resource exists already or is not in the state this needs{quote}",
                    "vary --seed against a server that keeps state; check which operation must come first")
        if code == 429:
            return f"{every} answered 429 (rate limited){quote}", "lower --rate"
        if code in (404, 405, 410):
            return f"{every} answered {code}{quote}", "check --base-url (a path prefix?) and that the operation is served"
        if 400 <= code < 500:
            return (f"{every} refused with {code}: the server is stricter than the spec{quote}",
                    "see the live.positive_acceptance findings: state the rule in the spec")
        if code >= 500:
            return f"{every} answered {code}{quote}", "see the live.server_error findings"
        return f"{every} answered {code}{quote}", None
