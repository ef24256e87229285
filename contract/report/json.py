"""`report.json`: the machine-readable result every other format is rendered from.

Every renderer (JUnit, Markdown, HTML, SARIF) and `contract report` work from this
dict, never from `Finding` objects, so a saved report can be re-rendered or merged
later without re-running anything. Its shape is pinned by `schema/report.schema.json`.
"""

from __future__ import annotations

import json
import os
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

from contract.core.grouping import collapse
from contract.core.memory import gc_paused
from contract.errors import InputError
from contract.model import Finding
from contract.report.fixes import fix_list
from contract.report.view import SEVERITIES
from contract.textio import read_json

REPORT_VERSION = "1"
NO_OPERATION = "(spec)"


def tool_version() -> str:
    try:
        return version("contract")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def summarize(findings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts per severity, check, operation and verdict, from finding dicts.

    Works on dicts (not `Finding`) so merged or re-loaded reports get the same summary.
    """
    items = list(findings)
    by_severity = Counter(str(f["severity"]) for f in items)
    return {
        "findings": len(items),
        "by_severity": {s: by_severity[s] for s in SEVERITIES if by_severity[s]},
        "by_check": dict(sorted(Counter(f["check"] for f in items).items())),
        "by_operation": dict(sorted(Counter(op for f in items for op in _operations(f)).items())),
        "by_verdict": dict(sorted(Counter(f["verdict"] for f in items if f.get("verdict")).items())),
    }


def _operations(finding: Mapping[str, Any]) -> list[str]:
    """The operations a finding is about: its own, or every one a merged finding lists."""
    if finding.get("operation"):
        return [str(finding["operation"])]
    listed = (finding.get("details") or {}).get("operations")
    return [str(o) for o in listed] if isinstance(listed, list) and listed else [NO_OPERATION]


def build_report(findings: list[Finding], *, command: str, inputs: dict[str, Any] | None = None,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report dict. `extra` adds optional top-level keys the schema knows:

    ``seed``, ``timings`` ({stage: seconds}), ``coverage`` (see :func:`coverage_section`),
    ``checks_run`` (check ids that ran, so clean checks show as passing in JUnit).
    ``fixes`` is the fix list per file, each edit with the line's text read now (see `report.fixes`).
    """
    with gc_paused():  # one large acyclic dict: collections while it grows find nothing
        dicts = collapse([f.to_dict() for f in findings])  # one root cause, one finding
        report: dict[str, Any] = {
            "report_version": REPORT_VERSION,
            "tool": {"name": "contract", "version": tool_version()},
            "command": command,
            "inputs": inputs or {},
            "summary": summarize(dicts),
            "findings": dicts,
            "fixes": fix_list(dicts),
        }
    if extra:
        report.update(extra)
    return report


def coverage_section(rows_by_operation: Mapping[str, Iterable[Any]],
                     reach: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Coverage for ``extra["coverage"]``: per operation, the constraint rows and their totals, and (live
    runs) what it reached — ``statuses`` seen, ``reached`` (a 2xx), ``why`` not and the ``hint`` to fix it.

    Rows are `CoverageRow`s (or their dicts); a constraint counts as covered when at least
    one violating case breaks it. Values are kept as they are: the report becomes plain JSON
    (and is redacted) once, as a whole, when it is written.
    """
    operations: dict[str, Any] = {}
    for operation, rows in rows_by_operation.items():
        dict_rows = [r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in rows]
        operations[operation] = {
            "constraints": len(dict_rows),
            "covered": sum(1 for r in dict_rows if r.get("cases")),
            "rows": dict_rows,
        }
    for operation, seen in (reach or {}).items():
        entry = operations.setdefault(operation, {"constraints": 0, "covered": 0, "rows": []})
        entry.update({k: seen.get(k) for k in ("statuses", "reached", "why", "hint")})
        if seen.get("fields_unseen") is not None:
            entry["fields_unseen"] = seen["fields_unseen"]
    return {"operations": operations}


@cache
def report_schema() -> dict[str, Any]:
    text = files("contract.report").joinpath("schema", "report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validation_errors(report: Mapping[str, Any]) -> list[str]:
    """Schema violations as "pointer: message" lines (empty when the report is valid)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(report_schema())
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    return ["/" + "/".join(str(p) for p in e.absolute_path) + f": {e.message}" for e in errors]


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a saved report.json; refuse (one line) anything that is not a valid report."""
    report = read_json(path, missing="no such file")
    if not isinstance(report, dict) or "report_version" not in report:
        raise InputError(str(path), "not a contract report (no report_version)")
    if report["report_version"] != REPORT_VERSION:
        raise InputError(str(path), f"report_version {report['report_version']!r} is not supported "
                                    f"(this contract reads {REPORT_VERSION!r})")
    errors = validation_errors(report)
    if errors:
        raise InputError(str(path), f"not a valid report: {errors[0]}"
                                    + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    return report


def write_json(report_dir: str | Path, report: dict[str, Any], name: str = "report.json") -> Path:
    """Write atomically, so a CI step never reads half a report."""
    return write_text_atomic(Path(report_dir) / name, json_chunks(report))


LONG = 10_000  # a list or object with more entries than this writes one entry per line


def json_chunks(value: Any, *, long: int = LONG) -> Iterator[str]:
    """`value` as indented JSON (`json.dumps(value, indent=2, ensure_ascii=False) + "\n"`), piece by piece:
    a 200,000-finding report joined in memory is millions of small strings at once (hundreds of MB).

    A list or object of more than `long` entries writes each entry on one line: Python's encoder is pure
    Python as soon as it indents (a 200,000-finding report: seconds), while one line per entry is its C
    encoder. A report with no such list is exactly `json.dumps(..., indent=2)`; either is the same data.
    """
    yield from _layout(value, "\n", long)
    yield "\n"


_INDENT = "  "
_ONE_LINE = json.JSONEncoder(ensure_ascii=False).encode  # the C encoder: no indent


def _layout(value: Any, newline: str, long: int) -> Iterator[str]:
    """The pieces of `value` indented as `json.dumps(indent=2)` does, with `newline` ("\n" + the current
    indent) starting each of its lines; containers of more than `long` entries one entry per line."""
    if isinstance(value, dict):
        entries: Iterable[tuple[str, Any]] = ((_ONE_LINE(_key(k)) + ": ", v) for k, v in value.items())
        brackets = "{}"
    elif isinstance(value, list | tuple):
        entries = (("", v) for v in value)
        brackets = "[]"
    else:
        yield _ONE_LINE(value)
        return
    if not value:
        yield brackets
        return
    inner = newline + _INDENT
    flat = len(value) > long
    yield brackets[0]
    for i, (label, item) in enumerate(entries):
        start = (inner if i == 0 else "," + inner) + label
        if flat:
            yield start + _ONE_LINE(item)
        else:
            yield start
            yield from _layout(item, inner, long)
    yield newline + brackets[1]


def _key(key: Any) -> str:
    """An object key as `json.dumps` writes it: strings as they are; numbers, booleans and null as their
    JSON text; anything else refused, as `json.dumps` does."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, int | float):
        return _ONE_LINE(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def write_text_atomic(target: Path, text: str | Iterable[str]) -> Path:
    """Write via a temporary file in the same folder and rename: readers see old or new, never half.

    The temporary file is created with the umask's permissions (not mkstemp's 0600), so
    reports stay readable by whoever serves or uploads them.
    """
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:  # written in batches of pieces: one write per piece is slow, one join is big
                batch: list[str] = []
                for piece in text:
                    batch.append(piece)
                    if len(batch) >= 4096:
                        fh.write("".join(batch))
                        batch.clear()
                fh.write("".join(batch))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
