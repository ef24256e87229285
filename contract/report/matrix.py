"""The three-way matrix: spec ↔ docs ↔ live, one row per disagreement triangulation decided.

Rendered from what triangulation records on each drift finding (``verdict``, ``details["probe"]``,
the exchange and curl line), so a saved report re-renders the same matrix. Rows come in kinds:

- ``decided``: a probe was sent and the answer said which document the server follows;
- ``internal``: document-internal — no request can observe it (page structure, response examples,
  docs-only text; ``probe.testable`` false), one row per cause (:mod:`contract.report.groups`);
- ``undecided``: a request could decide it but none did (no base request, the control request failed);
- ``unprobed``: drift with no live run at all (``contract drift``, ``check --offline``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from contract.report.groups import Entry, entries
from contract.report.view import Finding, is_drift, ordered, short_message

__all__ = ["KINDS", "VERDICT_FIX", "Row", "matrix", "says"]

# verdict → (what to fix, why)
VERDICT_FIX: dict[str, tuple[str, str]] = {
    "docs": ("fix the spec", "the live API follows the docs"),
    "spec": ("fix the docs", "the live API follows the spec"),
    "neither": ("fix the server (both wrong)", "the live API follows neither document"),
    "both": ("pick one, align the other", "the live API accepts both readings"),
}

KINDS: tuple[tuple[str, str, str], ...] = (
    ("decided", "Decided by the live API", "a probe valid under one document and invalid under the other was sent"),
    ("internal", "Document-internal: no live test possible",
     "no request can observe these (page structure, response examples, docs-only text)"),
    ("undecided", "Not decided", "a request could decide these, but none was answered; each says why"),
    ("unprobed", "Spec ↔ docs drift, not probed live",
     "no live run decided these; run `contract check` against a target to triangulate"),
)

# check → the rule a value of ``spec_value``/``docs_value`` is about
_RULE = {"drift.nullable_mismatch": "nullable", "drift.required_mismatch": "required",
         "drift.type_mismatch": "type", "drift.enum_mismatch": "enum", "drift.format_mismatch": "format"}


@dataclass
class Row:
    """One matrix row: a decided finding, or (other kinds) one cause with its findings."""

    kind: str
    entry: Entry

    @property
    def finding(self) -> Finding:
        return self.entry.first

    @property
    def probe(self) -> Mapping[str, Any]:
        return (self.finding.get("details") or {}).get("probe") or {}

    @property
    def subject(self) -> str:
        """The field or rule in dispute."""
        d = self.finding.get("details") or {}
        for key in ("field", "header", "include", "status", "pointer"):
            if isinstance(d.get(key), (str, int)) and not isinstance(d.get(key), bool):
                rule = _RULE.get(self.finding["check"]) or d.get("keyword")
                return f"{d[key]} ({rule})" if rule else str(d[key])
        return str(d.get("subject") or self.finding["check"])

    @property
    def fix(self) -> str:
        verdict = self.finding.get("verdict") or ""
        if self.kind == "decided":
            return VERDICT_FIX.get(verdict, (verdict, ""))[0]
        return {"internal": "decide by reading: no live test possible", "undecided": "could not decide",
                "unprobed": "not probed"}[self.kind]

    @property
    def reason(self) -> str:
        """Why (decided: the probe's answer; else why nothing decided it)."""
        return str(self.probe.get("decided") or "")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def says(finding: Finding, side: str) -> str:
    """What one document says about the disputed rule: its value and, when probed, what it expects."""
    d = finding.get("details") or {}
    probe = d.get("probe") or {}
    parts: list[str] = []
    value = d.get(f"{side}_value")
    rule = _RULE.get(str(finding["check"])) or d.get("keyword")
    if value is not None:
        parts.append(f"{rule}: {_value(value)}" if rule else _value(value))
    elif side == "spec" and not finding.get("spec"):
        parts.append("(not in the spec)")
    elif f"_missing_in_{side}" in str(finding["check"]):
        parts.append("(not stated)")
    expects = probe.get(f"{side}_expects")
    if expects:
        parts.append(f"expects {expects}")
    return "; ".join(parts) or short_message(finding)


def _kind(finding: Finding) -> str:
    verdict = finding.get("verdict")
    if not verdict:
        return "unprobed"
    if verdict in VERDICT_FIX:
        return "decided"
    probe = (finding.get("details") or {}).get("probe") or {}
    return "internal" if probe.get("testable") is False else "undecided"


def matrix(findings: Iterable[Finding]) -> dict[str, list[Row]]:
    """Drift findings as matrix rows per kind (KINDS order, empty kinds left out).

    Decided rows are one per disagreement (each has its own probe and answer); the other kinds
    are one row per cause.
    """
    by_kind: dict[str, list[Finding]] = {}
    for f in ordered(findings):
        if is_drift(f):
            by_kind.setdefault(_kind(f), []).append(f)
    out: dict[str, list[Row]] = {}
    for kind, _title, _about in KINDS:
        members = by_kind.get(kind)
        if not members:
            continue
        if kind == "decided":
            out[kind] = [Row(kind, Entry(("decided", i), [f])) for i, f in enumerate(members)]
        else:
            out[kind] = [Row(kind, e) for e in entries(members)]
    return out
