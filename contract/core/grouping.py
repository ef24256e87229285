"""One root cause, one finding: merging report findings that share a cause (``details["cause"]``).

The stage that finds them says which findings are the same cause (the live run: the table in
:mod:`contract.replay.group`) by setting ``details["cause"]``; this module merges them, on
report.json findings (dicts), wherever a report is built or merged — so a report merged from CI
shards equals the unsharded run's. :func:`collapse` is idempotent, and merging already merged
findings gives what merging their members would.

A group is the findings with the same check, severity, source, cause and verdict. Every member is kept as
a *place* (``details["places"]``: operation, message, curl, the exchange's method/URL/status/error,
spec location), sorted by operation; the first place's finding is the example whose exchange, curl
line and details the merged finding shows. When every member carries the same ``details["cause_message"]``
(the stage knows the whole cause: drift's "12 operations under /x are on none of the 17 pages given"), that
is the merged message. A finding alone in its group is unchanged but for its
one place. A group spanning several operations has ``operation`` null, ``details["operations"]``
listing them and ``subject`` = the cause; it shows the example's spec/docs locations (every place keeps
its own), and its fingerprint uses them reduced to their file, so it names the cause, not whichever
operation came first.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from contract.model import Constraint, fingerprint

__all__ = ["collapse", "place_of"]


def place_of(finding: Mapping[str, Any]) -> dict[str, Any]:
    """One place of a finding dict: where it was seen and how to reproduce it."""
    live = finding.get("live") or None
    return {"operation": finding.get("operation"), "message": finding.get("message"), "curl": finding.get("curl"),
            "exchange": None if live is None else {k: live.get(k) for k in ("method", "url", "status", "error")},
            "spec": finding.get("spec"), "docs": finding.get("docs")}


def _places(finding: Mapping[str, Any]) -> list[dict[str, Any]]:
    places = (finding.get("details") or {}).get("places")
    return [dict(p) for p in places] if isinstance(places, list) and places else [place_of(finding)]


def _place_key(place: Mapping[str, Any]) -> tuple[str, str]:
    return str(place.get("operation") or ""), str(place.get("message") or "")


def _group_key(finding: Mapping[str, Any]) -> tuple[Any, ...] | None:
    cause = (finding.get("details") or {}).get("cause")
    if not isinstance(cause, str):
        return None
    # the verdict too: triangulation may find the server following the docs for one member, the spec for another
    return finding["check"], finding["severity"], finding.get("source") or "", cause, finding.get("verdict") or ""


def collapse(findings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The findings with each group merged into one, at the position of the group's first member."""
    groups: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
    slots: list[tuple[Any, ...] | Mapping[str, Any]] = []
    for f in findings:
        key = _group_key(f)
        if key is None:
            slots.append(f)
            continue
        if key not in groups:
            groups[key] = []
            slots.append(key)
        groups[key].append(f)
    out: list[dict[str, Any]] = []
    for slot in slots:
        if isinstance(slot, tuple):
            out.append(_merge(groups[slot]))
        else:
            out.append(dict(slot))
    return out


def _status(place: Mapping[str, Any]) -> int | None:
    ex = place.get("exchange") or {}
    status = ex.get("status")
    return status if isinstance(status, int) else None


def _listing(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names(operations: Sequence[str], shown: int = 3) -> str:
    if len(operations) <= shown:
        return _listing(operations)
    return ", ".join(operations[:shown]) + f" and {len(operations) - shown} more"


def _short(message: str, operation: str | None) -> str:
    """The message without its leading "METHOD /path" (and the colon after it)."""
    if operation and message.startswith(operation):
        return message[len(operation):].lstrip(": ").strip()
    return message


def _merge(members: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    # The example: the member whose first place sorts first — whatever order (or shard) the members came in.
    example = min(members, key=lambda f: (_place_key(_places(f)[0]), f.get("fingerprint", "")))
    merged = copy.deepcopy(dict(example))
    details: dict[str, Any] = dict(merged.get("details") or {})
    places: dict[tuple[Any, ...], dict[str, Any]] = {}
    for f in members:
        for p in _places(f):
            places.setdefault((*_place_key(p), str(p.get("curl") or "")), p)
    ordered = [places[k] for k in sorted(places)]
    details["places"] = ordered
    if len(members) == 1:
        merged["details"] = details
        return merged
    operations = sorted({str(p["operation"]) for p in ordered if p.get("operation")})
    one_operation = len(operations) <= 1
    first = ordered[0]
    check = str(merged["check"])
    cause = str(details["cause"])
    if check == "live.status_code_documented":
        statuses = sorted({s for p in ordered if (s := _status(p)) is not None})
        said = _listing([str(s) for s in statuses]) if statuses else "undocumented statuses"
        are = "is" if len(statuses) == 1 else "are"
        if one_operation:
            documented = details.get("documented")
            message = f"{operations[0] if operations else ''} answered {said}, which {are} not documented".strip()
            if isinstance(documented, list):
                message += f" (documented: {', '.join(map(str, documented))})"
        else:
            message = (f"{said} {are} answered by {len(operations)} operations that do not document "
                       f"{'it' if len(statuses) == 1 else 'them'}")
            if len(statuses) > 1:
                per = {s: len({p.get("operation") for p in ordered if _status(p) == s}) for s in statuses}
                message += " (" + ", ".join(f"{s}: {per[s]}" for s in statuses) + ")"
        details["statuses"] = statuses
    elif one_operation:
        message = f"{first.get('message')} (and {len(ordered) - 1} more like it)"
    else:
        message = (f"{len(operations)} operations ({_names(operations)}): "
                   f"{_short(str(first.get('message')), first.get('operation'))}")
        if len(ordered) > len(operations):
            message += f" (and {len(ordered) - 1} more like it, every one in details.places)"
    worded = {str((f.get("details") or {}).get("cause_message")) for f in members}
    if len(worded) == 1 and isinstance(details.get("cause_message"), str):
        message = details["cause_message"]  # the stage that knows the cause words the merged finding
    details["operations"] = operations
    details["subject"] = cause
    merged["message"] = message
    merged["details"] = {"subject": cause, **{k: v for k, v in details.items() if k != "subject"}}
    identity = merged
    if not one_operation:
        # The locations shown stay the example's (a line to open); the fingerprint uses them reduced to
        # their file, so it names the cause, not whichever operation came first.
        merged["operation"] = None
        identity = dict(merged)
        for side in ("spec", "docs"):
            loc = merged.get(side)
            if isinstance(loc, dict):
                identity[side] = {"file": loc.get("file"), "line": None, "pointer": None}
    merged["fingerprint"] = _fingerprint(identity, cause)
    return merged


def _fingerprint(finding: Mapping[str, Any], subject: str) -> str:
    spec = finding.get("spec") or {}
    docs = finding.get("docs") or {}
    c = finding.get("constraint")
    constraint = str(Constraint(c["pointer"], c["keyword"], description=c.get("description") or "")) if c else None
    return fingerprint(finding["check"], finding.get("operation"), spec.get("pointer"), docs.get("file"), constraint,
                       subject)
