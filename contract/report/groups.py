"""Grouping by cause in the views: one entry for one cause, with its count and every place.

report.json keeps every finding (and every place of a merged live finding); the Markdown and HTML
views show one entry per *cause*. What makes findings one cause depends on the check family, and is
decided here, once, from fields every report carries (check id, locations, verdict, details), never
from one API's names:

- ``lint.*``: a spec-wide habit — every place one rule is broken (44 ``nullable`` in a 3.1 spec,
  four limits stated only in prose) is one entry; the fix list still names each line.
- ``docs.*`` and ``docs_live.*``: one page habit — per check, page and wording (numbers and quoted
  values aside: two ragged rows of one kind are one, a bad escape and a missing URL are two).
- ``drift.example_*``: per page, operation and *notation* — the failing value's shape (digits → 9,
  letters → a), so twelve date-times written ``2022-10-12T09:42:50.000000+0000`` are one entry and an
  e-mail or an object elsewhere in the same example stays apart.
- ``drift.unresolved_include``: per page (the page was rendered without its include folder).
- other ``drift.*``: per operation, page, verdict and direction (which side says yes, for
  nullable/required) — one docs table disagreeing with the spec the same way, decided the same way.
- ``live.*``: the live run already merges one cause (``core/grouping``); beyond that, a server that
  does not validate a field skips all its constraints (per constraint field), one server rule refusing
  several fields is one (per status and rule), and methods served or documented nowhere are per path.

Anything else stays one entry per finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract.core import pointer as jp
from contract.report.view import Finding, location_text, ordered, severity_rank, short_message

__all__ = ["Entry", "Place", "cause_key", "entries", "places_of"]

_EXAMPLE_CHECKS = ("drift.example_violates_spec", "drift.example_contradicts_docs")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_AFTER_POINTER = re.compile(r"\bat (/\S*): ")


@dataclass
class Place:
    """One place a cause was seen: what the fix list and the places list show."""

    operation: str | None
    message: str
    spec: Mapping[str, Any] | None
    docs: Mapping[str, Any] | None
    curl: str | None = None

    def where(self) -> str:
        spec, docs = location_text(self.spec), location_text(self.docs, pointer=False)
        return " · ".join(p for p in (spec, docs and f"docs {docs}") if p) or (self.operation or "")


@dataclass
class Entry:
    """One cause: its findings (as in report.json) and every place they were seen."""

    key: tuple[Any, ...]
    findings: list[Finding] = field(default_factory=list)

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def check(self) -> str:
        return str(self.first["check"])

    @property
    def severity(self) -> str:
        return str(self.first["severity"])

    @property
    def places(self) -> list[Place]:
        return [p for f in self.findings for p in places_of(f)]

    @property
    def title(self) -> str:
        """The finding's message when the entry is one finding (or all say the same); else the first
        message and how many more are like it."""
        messages = {short_message(f) for f in self.findings}
        if len(messages) == 1:
            return short_message(self.first)
        return f"{short_message(self.first)} (and {len(self.findings) - 1} more like it)"


def places_of(finding: Finding) -> list[Place]:
    """A finding's places: each one a merged live finding lists, else the finding itself."""
    listed = (finding.get("details") or {}).get("places")
    if isinstance(listed, list) and len(listed) > 1:
        return [Place(p.get("operation"), str(p.get("message") or ""), p.get("spec") or finding.get("spec"),
                      p.get("docs") or finding.get("docs"), p.get("curl")) for p in listed]
    return [Place(finding.get("operation"), str(finding.get("message") or ""), finding.get("spec"),
                  finding.get("docs"), finding.get("curl"))]


def _file(finding: Finding, side: str) -> str:
    loc = finding.get(side) or {}
    return str(loc.get("file") or "")


def _shape(text: str) -> str:
    """A value's notation: digits → 9, letters → a, so one way of writing dates is one shape."""
    return re.sub(r"[A-Za-z]", "a", re.sub(r"[0-9]", "9", text))


def _notation(message: str) -> str:
    """What an example breaks, independent of where: the validator's words with quoted values as shapes."""
    match = _AFTER_POINTER.search(message)
    said = message[match.end():] if match else message
    return _QUOTED.sub(lambda m: _shape(m.group(0)), said)


def _wording(message: str) -> str:
    """A message without what changes from place to place (numbers, quoted values): one wording, one cause."""
    return re.sub(r"[0-9]+", "9", _QUOTED.sub(lambda m: _shape(m.group(0)), message))


def _field_of(pointer: Any) -> str:
    """The field a constraint pointer names, without array indexes: ``/a/0/b`` → ``a/b``."""
    tokens = [t for t in jp.split(str(pointer)) if not t.isdigit() and t != "*"] if str(pointer).startswith("/") \
        else [str(pointer)]
    return "/".join(tokens)


def _path(operation: Any) -> str:
    return str(operation or "").split(" ", 1)[-1]


def cause_key(finding: Finding) -> tuple[Any, ...]:
    """What makes findings one cause in the views (see the module docstring for each family)."""
    check = str(finding["check"])
    base: tuple[Any, ...] = (check, finding["severity"])
    stage = check.split(".", 1)[0]
    details = finding.get("details") or {}
    if stage == "lint":
        return base
    if stage in ("docs", "docs_live"):
        return (*base, _file(finding, "docs"), _wording(str(finding.get("message", ""))))
    if check in _EXAMPLE_CHECKS:
        return (*base, finding.get("operation"), _file(finding, "docs"), details.get("keyword"),
                _notation(str(finding.get("message", ""))) if check == "drift.example_violates_spec"
                else (details.get("example_value"), str(details.get("docs_value"))))
    if check == "drift.unresolved_include":
        return (*base, _file(finding, "docs"))
    if stage == "drift":
        direction = tuple(details.get(k) for k in ("docs_value", "spec_value") if isinstance(details.get(k), bool))
        return (*base, finding.get("operation"), _file(finding, "docs"), finding.get("verdict"), direction)
    if check == "live.negative_rejection" and finding.get("constraint"):
        c = finding["constraint"]
        return (*base, tuple(details.get("operations") or [finding.get("operation")]), _field_of(c.get("pointer")))
    if check == "live.positive_acceptance" and details.get("rule"):
        return (*base, finding.get("operation"), details.get("status"), str(details["rule"]).lower())
    if check in ("live.live_only_operation", "live.docs_only_operation"):
        return (*base, _path(finding.get("operation") or details.get("subject")))
    return (*base, finding.get("fingerprint"), location_text(finding.get("spec")),
            location_text(finding.get("docs")), finding.get("message"))


def entries(findings: Iterable[Finding]) -> list[Entry]:
    """The findings as one entry per cause: most severe first, then the most places, then by check."""
    groups: dict[tuple[Any, ...], Entry] = {}
    for f in ordered(findings):
        key = cause_key(f)
        groups.setdefault(key, Entry(key)).findings.append(f)
    return sorted(groups.values(), key=lambda e: (severity_rank(e.severity), -len(e.places), e.check))
