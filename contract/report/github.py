"""GitHub Actions: annotations (workflow commands) and the step summary.

A step that prints ``::error file=specs/api.yaml,line=170,title=drift.nullable_mismatch::…`` gets an
annotation on that line of the pull request and in the run's summary, with no upload step and no
permissions (SARIF needs code scanning). Syntax and escaping as GitHub documents them ("Workflow
commands for GitHub Actions": ``::{error|warning|notice} {name}={value},…::{message}``; in the message
``%``, CR and LF are written ``%25``, ``%0D``, ``%0A``; in a property value ``:`` and ``,`` also are, as
``%3A`` and ``%2C``). The line annotated is the one to edit: the docs line when the live API follows
the spec, else the spec line (the same choice as SARIF's primary location). Findings with no file
(a live-only finding) are annotated without one, so they still show in the run summary.

:func:`render_summary` is the one paragraph (plus a few rows) for ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from typing import Any

from contract.report.view import Finding, fix_sides, location_text, ordered, reach_rows

__all__ = ["escape_data", "escape_property", "render_annotations", "render_summary"]

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_MESSAGE_LIMIT = 4000  # GitHub truncates longer annotation messages; say so rather than lose the end silently


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_annotations(report: Mapping[str, Any]) -> str:
    """One workflow command per finding, most severe first; empty for no findings."""
    return "".join(_annotation(f) + "\n" for f in ordered(report["findings"]))


def _annotation(f: Finding) -> str:
    sides = fix_sides(f)
    props: list[tuple[str, str]] = []
    if sides:
        loc = f[sides[0]]
        props.append(("file", _relative(loc["file"])))
        if loc.get("line"):
            props.append(("line", str(int(loc["line"]))))
    props.append(("title", f["check"]))
    message = f["message"]
    for side in sides[1:]:
        message += f" (see {side}: {location_text(f[side], pointer=False)})"
    places = (f.get("details") or {}).get("places")
    if isinstance(places, list) and len(places) > 1:
        message += f" [{len(places)} places]"
    if f.get("verdict"):
        message += f" — live follows: {f['verdict']}"
    if f.get("curl"):
        message += f"\nreproduce: {f['curl']}"
    if len(message) > _MESSAGE_LIMIT:
        message = message[:_MESSAGE_LIMIT - 30] + " … (cut; see report.json)"
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{_LEVEL[f['severity']]} {head}::{escape_data(message)}"


def _relative(file: str) -> str:
    """GitHub wants the path from the repository root (the working folder of a step): relative where it can be."""
    path = os.path.abspath(file)
    here = os.getcwd()
    if os.path.commonpath([path, here]) == here:
        return os.path.relpath(path, here).replace(os.sep, "/")
    return file


def render_summary(report: Mapping[str, Any], *, report_dir: str | None = None) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: what ran, the counts, the verdicts, the checks that fired most."""
    summary = report.get("summary") or {}
    by_severity: Mapping[str, int] = summary.get("by_severity") or {}
    total = int(summary.get("findings", len(report["findings"])))
    command = report.get("command", "run")
    counts = ", ".join(f"{n} {sev}" for sev, n in by_severity.items()) or "none"
    spec = (report.get("inputs") or {}).get("spec")
    lines = [f"### contract {command}: {total} finding{'s' if total != 1 else ''} ({counts})", ""]
    said = f"Spec `{spec}`" if spec else "The run"
    docs = (report.get("inputs") or {}).get("docs") or []
    if docs:
        said += f" against {len(docs)} docs page{'s' if len(docs) != 1 else ''}"
    verdicts: Mapping[str, int] = summary.get("by_verdict") or {}
    if verdicts:
        said += "; where spec and docs disagree, the live API follows " + ", ".join(
            f"the {k} {n}×" if k in ("spec", "docs") else f"{k} {n}×" for k, n in verdicts.items())
    rows = reach_rows(report.get("coverage"))
    if rows:
        said += f"; {sum(1 for r in rows if r['reached'])}/{len(rows)} operations answered 2xx"
    lines.append(said + ".")
    top = Counter(f["check"] for f in report["findings"]).most_common(5)
    if top:
        lines += ["", "| check | findings |", "|---|---|", *(f"| `{c}` | {n} |" for c, n in top)]
    if report_dir:
        lines += ["", f"Full report: `{report_dir}/report.html` (and `report.md`, `report.json`, `report.sarif`)."]
    return "\n".join(lines) + "\n"
