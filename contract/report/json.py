"""`report.json`: the machine-readable result every other format is rendered from."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from contract.model import Finding

REPORT_VERSION = "1"


def tool_version() -> str:
    try:
        return version("contract")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def build_report(findings: list[Finding], *, command: str, inputs: dict[str, Any] | None = None,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    by_check = Counter(f.check for f in findings)
    by_severity = Counter(str(f.severity) for f in findings)
    by_operation = Counter(f.operation or "(spec)" for f in findings)
    report: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "tool": {"name": "contract", "version": tool_version()},
        "command": command,
        "inputs": inputs or {},
        "summary": {
            "findings": len(findings),
            "by_severity": dict(sorted(by_severity.items())),
            "by_check": dict(sorted(by_check.items())),
            "by_operation": dict(sorted(by_operation.items())),
        },
        "findings": [f.to_dict() for f in findings],
    }
    if extra:
        report.update(extra)
    return report


def write_json(report_dir: str | Path, report: dict[str, Any], name: str = "report.json") -> Path:
    """Write atomically, so a CI step never reads half a report."""
    folder = Path(report_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2, ensure_ascii=False, sort_keys=False)
        fh.write("\n")
    os.replace(tmp, target)
    return target
