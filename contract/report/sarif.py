"""`report.sarif`: SARIF 2.1.0, so code-scanning UIs annotate the spec and docs lines.

Only findings with a spec or docs location are included (live-only findings have no
line to annotate). The primary location is the document the verdict says to fix
(live follows docs → the spec line; live follows spec → the docs line; otherwise the
spec line); the other document is a related location.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from contract.report.view import Finding, describe, fix_sides, location_text, ordered, stage_of

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "contractSignature/v1"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(file: str, root: Path | None = None) -> tuple[str, bool]:
    """(uri, relative?): a path relative to `root` (default: the working directory) when it can be."""
    path = Path(file)
    if path.is_absolute():
        base = (root or Path.cwd()).resolve()
        try:
            path = path.resolve().relative_to(base)
        except ValueError:
            return path.resolve().as_uri(), False
    text = os.path.normpath(str(path)).replace(os.sep, "/")
    return quote(text, safe="/"), True


@lru_cache(maxsize=256)
def _artifact_uri(file: str, root: Path | None, cwd: str) -> tuple[str, bool]:
    """`artifact_uri` once per file: a report cites a few files thousands of times, each a `resolve()`."""
    return artifact_uri(file, root)


def _physical(loc: Mapping[str, Any], root: Path | None) -> dict[str, Any]:
    uri, relative = _artifact_uri(loc["file"], root, os.getcwd())
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if loc.get("line"):
        physical["region"] = {"startLine": int(loc["line"])}
    return physical


def _location(loc: Mapping[str, Any], root: Path | None, *, label: str) -> dict[str, Any]:
    out: dict[str, Any] = {"physicalLocation": _physical(loc, root), "message": {"text": label}}
    if loc.get("pointer"):
        out["logicalLocations"] = [{"fullyQualifiedName": loc["pointer"], "kind": "object"}]
    return out


def render_sarif(report: Mapping[str, Any], *, root: str | Path | None = None) -> dict[str, Any]:
    """The SARIF log as a dict (one run). `root` is what relative URIs are relative to."""
    base = Path(root) if root is not None else None
    located = [f for f in ordered(report["findings"]) if f.get("spec") or f.get("docs")]
    checks = sorted({f["check"] for f in located})
    rule_index = {check: i for i, check in enumerate(checks)}
    worst: dict[str, str] = {}
    for f in located:  # most severe first, so the first level seen is the rule's worst
        worst.setdefault(f["check"], _LEVEL[f["severity"]])
    rules = [{
        "id": check,
        "name": check,
        "shortDescription": {"text": describe(check)},
        "defaultConfiguration": {"level": worst[check]},
        "properties": {"tags": ["contract", stage_of(check)]},
    } for check in checks]

    seen: Counter[str] = Counter()
    results = []
    for f in located:
        sides = fix_sides(f)
        primary, *others = sides
        seen[f["fingerprint"]] += 1
        # Two findings may share a signature (e.g. two ragged rows of one table); the occurrence
        # number keeps their alerts apart while staying stable across runs.
        occurrence = seen[f["fingerprint"]]
        fingerprint = f["fingerprint"] if occurrence == 1 else f"{f['fingerprint']}:{occurrence}"
        result: dict[str, Any] = {
            "ruleId": f["check"],
            "ruleIndex": rule_index[f["check"]],
            "level": _LEVEL[f["severity"]],
            "message": {"text": _message(f, others)},
            "locations": [_location(f[primary], base, label=primary)],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
            "properties": {k: f[k] for k in ("operation", "verdict", "source") if f.get(k)},
        }
        if f.get("baseline"):
            result["baselineState"] = "new" if f["baseline"] == "new" else "unchanged"
        if others:
            result["relatedLocations"] = [dict(_location(f[s], base, label=s), id=i + 1)
                                          for i, s in enumerate(others)]
        results.append(result)

    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "contract", "version": str(report["tool"]["version"]), "rules": rules}},
            "automationDetails": {"id": f"contract/{report.get('command', 'run')}/"},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    }


def _message(f: Finding, others: list[str]) -> str:
    # Brackets are link syntax in SARIF messages; literal ones are escaped.
    text = f["message"].replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    for i, side in enumerate(others):
        text += f" (see [{side}: {location_text(f[side], pointer=False)}]({i + 1}))"
    if f.get("verdict"):
        text += f" — live follows: {f['verdict']}"
    return text
