"""Baselines: accept today's findings, fail only on new ones.

A baseline records the findings' stable fingerprints (`Finding.signature()`: no line
numbers, no live data), so it survives re-runs and edits that shift lines. It is a
multiset: two findings may share a fingerprint (two ragged rows of one docs table),
and the baseline remembers how many there were, so a third one is new.

A fingerprint includes the check id, so a baseline recorded before an id was renamed
(:data:`contract.core.checks.RENAMES`) holds fingerprints made with the old id: reading
it maps the old ids to the new ones, and a finding also matches an entry under the
fingerprint it had with its old id.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from contract.core.checks import RENAMES, canonical
from contract.errors import EXIT_FINDINGS, EXIT_OK, InputError
from contract.model import Constraint, Severity, fingerprint
from contract.report.json import tool_version, write_text_atomic
from contract.textio import read_json

BASELINE_VERSION = "1"
DEFAULT_BASELINE = "contract-baseline.json"

Baseline = Mapping[str, Any]


def _entry(finding: Mapping[str, Any]) -> dict[str, Any]:
    return {"fingerprint": finding["fingerprint"], "check": finding["check"], "severity": finding["severity"],
            "operation": finding.get("operation"), "message": finding["message"]}


def make_baseline(report: Mapping[str, Any]) -> dict[str, Any]:
    """A baseline accepting every finding of `report` (entries sorted, so the file diffs well)."""
    entries = sorted((_entry(f) for f in report["findings"]),
                     key=lambda e: (e["fingerprint"], e["check"], e["operation"] or "", e["message"]))
    return {"baseline_version": BASELINE_VERSION, "tool": {"name": "contract", "version": tool_version()},
            "command": report.get("command"), "findings": entries}


def write_baseline(path: str | Path, baseline: Baseline) -> Path:
    return write_text_atomic(Path(path), json.dumps(baseline, indent=2, ensure_ascii=False) + "\n")


def load_baseline(path: str | Path) -> dict[str, Any]:
    """Read a baseline file; one-line InputError for anything unusable."""
    data = read_json(path, missing="no such baseline file (create one with `contract baseline`)")
    if not isinstance(data, dict) or data.get("baseline_version") != BASELINE_VERSION:
        raise InputError(str(path), f"not a contract baseline (baseline_version {BASELINE_VERSION!r} expected)")
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                 and isinstance(e.get("check"), str) for e in entries):
        raise InputError(str(path), "findings must be a list of {fingerprint, check, ...} objects")
    for entry in entries:  # recorded under an old id: the finding is reported under the new one
        entry["check"] = canonical(entry["check"])
    data["file"] = str(path)
    return data


def _fingerprints(finding: Mapping[str, Any]) -> list[str]:
    """The finding's fingerprint, then the ones it had (or has) under the other names of its check."""
    check = finding["check"]
    current = canonical(check)
    names = [current, *(old for old, new in RENAMES.items() if new == current)]
    return [finding["fingerprint"], *(_fingerprint_as(finding, name) for name in names if name != check)]


def _fingerprint_as(finding: Mapping[str, Any], check: str) -> str:
    """`Finding.signature()` of a report.json finding, had its check id been `check`."""
    spec, docs, constraint = finding.get("spec") or {}, finding.get("docs") or {}, finding.get("constraint")
    label = str(Constraint(constraint.get("pointer") or "", constraint.get("keyword") or "",
                           description=constraint.get("description") or "")) if constraint else None
    subject = (finding.get("details") or {}).get("subject")
    return fingerprint(check, finding.get("operation"), spec.get("pointer"), docs.get("file"), label,
                       None if subject is None else str(subject))


def apply_baseline(report: dict[str, Any], baseline: Baseline | str | Path
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Mark each finding of `report` "new" or "known" and list the baseline's fixed entries.

    Changes `report` in place: every finding gets ``"baseline": "new"|"known"``, and the
    report gets ``baseline`` ({file, new, known, fixed} counts) and ``fixed`` (entries no
    finding matches any more). Returns (new findings, known findings, fixed entries).
    """
    if isinstance(baseline, str | Path):
        baseline = load_baseline(baseline)
    remaining = Counter(e["fingerprint"] for e in baseline["findings"])
    new: list[dict[str, Any]] = []
    known: list[dict[str, Any]] = []
    for f in report["findings"]:
        recorded = next((key for key in _fingerprints(f) if remaining[key] > 0), None)
        if recorded is not None:
            remaining[recorded] -= 1
            f["baseline"] = "known"
            known.append(f)
        else:
            f["baseline"] = "new"
            new.append(f)
    fixed: list[dict[str, Any]] = []
    for entry in baseline["findings"]:  # the last copies of a fingerprint are the ones that went away
        if remaining[entry["fingerprint"]] > 0:
            remaining[entry["fingerprint"]] -= 1
            fixed.append({k: canonical(entry[k]) if k == "check" else entry[k]
                          for k in ("fingerprint", "check", "severity", "operation", "message") if k in entry})
    report["baseline"] = {"file": baseline.get("file"), "new": len(new), "known": len(known), "fixed": len(fixed)}
    report["fixed"] = fixed
    return new, known, fixed


def baseline_exit_code(new: Iterable[Mapping[str, Any]], fail_on: str) -> int:
    """Exit 1 only for *new* findings at or above `fail_on`."""
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(Severity.parse(f["severity"]) >= threshold for f in new) else EXIT_OK
