"""`junit.xml`: one test case per check × operation, so CI test tabs list what failed where.

A case fails when it has a finding of severity warning or error; a case with only
`info` findings passes and carries them in `<system-out>` (information is not a
test failure). Checks listed in ``report["checks_run"]`` that found nothing appear
as passing cases, so a clean run still shows what was checked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from contract.report.view import Finding, case_class, location_text, ordered, severity_rank, stage_of

_MAX_TEXT = 64 * 1024  # per case: a JUnit viewer is not the place for megabytes of bodies
# Characters XML 1.0 cannot carry at all (live bodies may contain them); ElementTree would emit them as is.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_INFO = severity_rank("info")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _finding_text(f: Finding) -> str:
    lines = [f"[{f['severity']}] {f['message']}"]
    for label, side in (("spec", "spec"), ("docs", "docs")):
        if f.get(side):
            lines.append(f"  {label}: {location_text(f[side])}")
    if f.get("verdict"):
        lines.append(f"  live follows: {f['verdict']}")
    if f.get("baseline"):
        lines.append(f"  baseline: {f['baseline']}")
    if f.get("curl"):
        lines.append(f"  {f['curl']}")
    return "\n".join(lines)


def _capped(parts: list[str]) -> str:
    text = _xml("\n\n".join(parts))
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "\n… (truncated)"


def render_junit(report: Mapping[str, Any]) -> str:
    """The JUnit XML document (testsuites → one testsuite per stage → testcases)."""
    cases: dict[tuple[str, str], list[Finding]] = {}
    for f in ordered(report["findings"]):
        cases.setdefault((f["check"], case_class(f)), []).append(f)
    default_class = str((report.get("inputs") or {}).get("spec") or "spec")
    for check in report.get("checks_run") or []:
        if not any(c == check for c, _ in cases):
            cases[(check, default_class)] = []

    stages = {check: stage_of(check) for check, _ in cases}  # a registry look-up per check, not per case
    suites: dict[str, list[tuple[str, str, list[Finding]]]] = {}
    for (check, classname), findings in sorted(cases.items()):
        suites.setdefault(stages[check], []).append((check, classname, findings))

    root = ET.Element("testsuites", name=_xml(f"contract {report.get('command', '')}".strip()))
    total = failed = 0
    for stage, members in suites.items():
        suite = ET.SubElement(root, "testsuite", name=stage)
        suite_failed = 0
        for check, classname, findings in members:
            elapsed = sum((f.get("live") or {}).get("elapsed") or 0.0 for f in findings)
            case = ET.SubElement(suite, "testcase", classname=_xml(classname), name=_xml(check), time=f"{elapsed:.3f}")
            failing = [f for f in findings if severity_rank(f["severity"]) < _INFO]
            if failing:
                suite_failed += 1
                worst = failing[0]["severity"]
                first = failing[0]["message"]
                message = first if len(failing) == 1 else f"{len(failing)} findings; first: {first}"
                failure = ET.SubElement(case, "failure", message=_xml(message[:1000]), type=worst)
                failure.text = _capped([_finding_text(f) for f in failing])
            rest = [f for f in findings if severity_rank(f["severity"]) >= _INFO]  # not `not in failing`: n²
            if rest:
                ET.SubElement(case, "system-out").text = _capped([_finding_text(f) for f in rest])
        suite.set("tests", str(len(members)))
        suite.set("failures", str(suite_failed))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += len(members)
        failed += suite_failed
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
