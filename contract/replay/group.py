"""One root cause, one finding: which findings of a run are the same cause (the merging is in the core).

A server that answers an undocumented 415 to every POST, or a run without a credential, is one
thing to fix, not one finding per operation. The runner marks every finding of a check listed in
:data:`CAUSES` with its cause (``details["cause"]``); :func:`contract.core.grouping.collapse` then
merges, wherever a report is built or merged (``report/json.py``, ``report/merge.py``, so shards
merged equal the whole run), the findings whose check, severity, source and cause agree — a cause
the docs explain is not the same finding as one they do not. Every member stays a *place* of the
merged finding (``details["places"]``: operation, message, curl line, the exchange's method, URL
and status), so the report loses nothing. The runner also shrinks only one finding per cause.

What "the same cause" means is decided per check, explicitly, in :data:`CAUSES`; a check not in
the table is never merged across operations (a response body breaking its schema, a lost write,
a tenant leak are each about one operation's own code):

======================================  =================================================================
check                                   same cause = the same …
======================================  =================================================================
``live.status_code_documented``         status class (one finding: "400, 415 and 422 are answered by 30
                                        operations that do not document them")
``live.positive_acceptance``            status, blamed field, and the server's rule (values masked)
``live.negative_rejection``             broken constraint (pointer, keyword, value); when undecided (refused
                                        over another field): the status, field and rule blamed instead
``live.auth_enforced``                  missing vs invalid credentials
``live.server_error``                   status and the server's error message (values masked)
``live.content_type``                   status class and media type answered
``live.response_headers``               header and what is wrong with it
``live.transport``                      transport error kind
``live.max_response_time``              (one cause: slow answers)
``generate.placeholder_credential``     credential (where and name)
======================================  =================================================================
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from contract.core import errors_body
from contract.model import Finding

__all__ = ["CAUSES", "Cause", "annotate", "cause_of", "group_key"]


def _masked(text: str) -> str:
    """A server message with what varies per request masked: quoted values, UUIDs, numbers."""
    text = " ".join(text.lower().split())
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", text)
    text = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "…", text, flags=re.I)
    text = re.sub(r"\d+(?:\.\d+)?", "N", text)
    return text[:160]


def _status(f: Finding) -> int:
    value = f.details.get("status")
    return value if isinstance(value, int) else 0


def _rule(f: Finding) -> str:
    said = f.details.get("server_says")
    if isinstance(said, list) and said:
        return _masked("; ".join(str(s) for s in said))
    if f.exchange is not None:
        return _masked(errors_body.summary(errors_body.read_errors(f.exchange.response_body)))
    return ""


def _status_class(f: Finding) -> str:
    return f"{_status(f) // 100}xx" if _status(f) else "no status"


def _acceptance(f: Finding) -> str:
    field = f.details.get("field")
    return " · ".join(p for p in (str(_status(f)), str(field) if field else "", _rule(f)) if p)


def _rejection(f: Finding) -> str:
    blamed = f.details.get("blamed")
    if blamed:  # undecided: the cause is what the server refused instead, whichever constraint was broken
        return f"undecided · {_status(f)} · blamed {', '.join(map(str, blamed))} · {_rule(f)}"
    c = f.constraint
    return f"{c.pointer} {c.keyword} {json.dumps(c.value, sort_keys=True, default=str)}" if c else (f.subject or "")


def _server_error(f: Finding) -> str:
    rule = _rule(f)
    return f"{_status(f)}" + (f" · {rule}" if rule else "")


def _subject(f: Finding) -> str:
    return f.subject or ""


def _credential(f: Finding) -> str:
    m = re.search(r"no credential given for (.+?):", f.message)
    if m:
        return m.group(1)
    op = f.operation or ""
    return f.message[len(op):].lstrip(": ") if op and f.message.startswith(op) else f.message


@dataclass(frozen=True, slots=True)
class Cause:
    """What makes two findings of one check the same cause: a description and the key function."""

    description: str
    key: Callable[[Finding], str]


CAUSES: dict[str, Cause] = {
    "live.status_code_documented": Cause("the status class (4xx, 2xx, ...)", _status_class),
    "live.positive_acceptance": Cause("the status, the field the server blamed and its rule (values masked)",
                                      _acceptance),
    "live.negative_rejection": Cause("the broken constraint (pointer, keyword, value); when undecided, the status, "
                                     "field and rule the server blamed instead", _rejection),
    "live.auth_enforced": Cause("missing or invalid credentials", _subject),
    "live.server_error": Cause("the status and the server's error message (values masked)", _server_error),
    "live.content_type": Cause("the status class and the media type answered", _subject),
    "live.response_headers": Cause("the header and what is wrong with it", _subject),
    "live.transport": Cause("the transport error kind", _subject),
    "live.max_response_time": Cause("slow answers", _subject),
    "generate.placeholder_credential": Cause("the credential (where and name)", _credential),
}


def cause_of(f: Finding) -> str | None:
    """The finding's cause per :data:`CAUSES`; None for checks never merged across operations."""
    cause = CAUSES.get(f.check)
    return cause.key(f) if cause is not None else None


def group_key(f: Finding) -> tuple[Any, ...]:
    """Findings with equal keys are one root cause (a finding of an unlisted check is its own group)."""
    cause = cause_of(f)
    if cause is None:
        return ("single", f.check, f.operation or "", f.signature())
    return ("cause", f.check, int(f.severity), f.source or "", cause)


def annotate(findings: Sequence[Finding]) -> None:
    """Record each finding's cause in ``details["cause"]`` (checks of :data:`CAUSES` only)."""
    for f in findings:
        cause = cause_of(f)
        if cause is not None:
            f.details["cause"] = cause
