"""A fix list per file: for each spec file and docs page, the edits in line order.

Each edit has the line, the line's current text (read from the file when the report is built, so
report.json carries it and a saved report re-renders without the files) and what to change, from
the verdict: when the live API follows the docs only the spec is edited, and the other way round;
undecided disagreements list both sides. ``field`` is the word the edit is about, which the line
contains (``None`` for "add what is missing here" edits, whose line is where it belongs); those carry
``proposed`` when the text to add follows from the other document: ``{"after": line, "text": ...}``, in the
file's own syntax and indentation (see `report.proposals`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from contract.core import pointer as jp
from contract.report.groups import places_of
from contract.report.matrix import VERDICT_FIX
from contract.report.proposals import propose
from contract.report.view import Finding, short_message

__all__ = ["fix_files", "fix_list", "same_line"]

_SIDE_FOR_VERDICT = {"docs": ("spec",), "spec": ("docs",)}  # the document the live API does not follow
# Locations that by their nature do not hold the name: a row that lost its name cell, an enum's value table.
_LACKS_NAME = {"docs": ("docs.table_shifted_row", "drift.enum_mismatch")}
_SERVER_STAGES = ("live", "docs_live", "traffic")  # live answers (and the traffic's requests): work for the server
# or the client, listed by cause, not as edits of a document
_BLOCK = 60
_TEXT_MAX = 300  # lines below a spec property searched for the keyword an edit is about


def _lines(file: str) -> tuple[str, ...] | None:
    try:
        return tuple(Path(file).read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return None


def _text(line: str) -> str:
    """The line as shown: stripped, and cut (a minified file is one line of megabytes)."""
    text = line.strip()
    return text if len(text) <= _TEXT_MAX else text[: _TEXT_MAX - 1] + "…"


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _refine(lines: tuple[str, ...], line: int, word: str) -> int:
    """The line in the block under `line` (deeper indented) that holds `word`, else `line` itself."""
    top = _indent(lines[line - 1])
    for n in range(line + 1, min(len(lines), line + _BLOCK) + 1):
        text = lines[n - 1]
        if text.strip() and _indent(text) <= top:
            break
        if word in text:
            return n
    return line


def _last_token(pointer: Any, *, indexes: bool = False) -> str | None:
    """The last name in a pointer; with `indexes`, array positions skipped (an example value's pointer)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        return None
    tokens = [t for t in jp.split(pointer) if t != "*" and not (indexes and t.isdigit())]
    return tokens[-1] if tokens else None


def _field(finding: Finding, side: str, loc: Mapping[str, Any]) -> str | None:
    """The word the line is expected to hold; None when the edit adds what the document lacks."""
    check = str(finding["check"])
    if check.endswith(f"_missing_in_{side}") or check in _LACKS_NAME.get(side, ()):
        return None
    d = finding.get("details") or {}
    if side == "spec":
        return _last_token(loc.get("pointer")) or (str(d["field"]) if d.get("field") else None)
    for key in ("field", "header", "name", "include"):
        if isinstance(d.get(key), str) and d[key]:
            return str(d[key])
    if d.get("status") is not None and check.startswith("drift."):
        return str(d["status"])
    return _last_token(d.get("pointer"), indexes=True)


def _spec_line(finding: Finding, lines: tuple[str, ...], line: int, word: str | None) -> tuple[int, str | None]:
    """The spec line to edit: the `nullable` under a property the live API refuses null for, or, when the
    pointer ends in an array position (``parameters/1``), the line in that item naming the field."""
    d = finding.get("details") or {}
    if finding["check"] == "drift.nullable_mismatch" and d.get("spec_value") is True:
        refined = _refine(lines, line, "nullable")
        if refined != line:
            return refined, "nullable"
    if word is not None and word not in lines[line - 1] and isinstance(d.get("field"), str) and d["field"]:
        refined = _refine(lines, line, d["field"])
        if refined != line:
            return refined, d["field"]
    return line, word


def _change(finding: Finding, side: str) -> str:
    """What to do on this side, from the check and the verdict."""
    check, verdict = str(finding["check"]), finding.get("verdict")
    d = finding.get("details") or {}
    probe = d.get("probe") or {}
    said = short_message(finding)
    if not check.startswith("drift."):
        return said
    value = d.get(f"{side}_value")
    if verdict in ("docs", "spec"):
        answer = f"the live API answered {probe.get('status')} to `{probe.get('sent')}`" if probe.get("sent") \
            else "the live API follows the other document"
        if check == "drift.nullable_mismatch" and value is True:
            return f"`nullable` here, but {answer} (refuses null): remove it, or change the server"
        if check == "drift.nullable_mismatch" and value is False:
            return f"not nullable here, but {answer} (accepts null): allow null, or change the server"
        if check == "drift.required_mismatch" and value is True:
            return f"required here, but {answer} (accepts it missing): make it optional, or change the server"
        if check == "drift.required_mismatch" and value is False:
            return f"optional here, but {answer} (refuses it missing): make it required, or change the server"
        return f"{said} — {answer}: change this {'page' if side == 'docs' else 'spec'} to match, or the server"
    if verdict == "neither":
        return f"{said} — the live API follows neither: fix the server, or both documents"
    if verdict == "both":
        return f"{said} — the live API accepts both: pick one reading and align the other"
    why = probe.get("decided")
    kind = "document-internal, no live test possible" if probe.get("testable") is False else "not decided live"
    return f"{said} — {kind}{f' ({why})' if why else ''}: decide which document is right"


def _shared(finding: Finding, change: str) -> str:
    """A property to add to a schema other operations use too: said, since the edit documents it for them."""
    users = (finding.get("details") or {}).get("shared_with")
    if not users:
        return change
    return (f"{change} (this schema is also the body of {', '.join(map(str, users))}: adding it here adds it "
            "there too; give this operation a schema of its own if the field is only its)")


def _sides(finding: Finding) -> tuple[str, ...]:
    verdict = finding.get("verdict")
    return _SIDE_FOR_VERDICT.get(str(verdict), ("spec", "docs"))


def fix_list(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Per file (spec files first, then pages, each by name), its edits in line order."""
    files: dict[tuple[str, str], list[dict[str, Any]]] = {}
    seen: set[tuple[Any, ...]] = set()
    read: dict[str, tuple[str, ...] | None] = {}  # each file read once per list, and fresh for the next
    for f in findings:
        if str(f["check"]).split(".", 1)[0] in _SERVER_STAGES:
            continue
        for place in places_of(f):
            for side in _sides(f):
                loc = place.spec if side == "spec" else place.docs
                if not loc or not loc.get("file") or not isinstance(loc.get("line"), int):
                    continue
                file, line = str(loc["file"]), int(loc["line"])
                lines = read[file] if file in read else read.setdefault(file, _lines(file))
                word = _field(f, side, loc)
                if lines is not None and not 1 <= line <= len(lines):
                    continue  # the file changed since: no edit to name
                if lines is not None and side == "spec":
                    line, word = _spec_line(f, lines, line, word)
                key = (side, file, line, f["fingerprint"], place.message)
                if key in seen:
                    continue
                seen.add(key)
                single = len(places_of(f)) == 1
                proposed = propose(f, side, lines, line, file) if word is None and single and lines else None
                files.setdefault((side, file), []).append({
                    "line": line, "text": _text(lines[line - 1]) if lines is not None else None,
                    "check": f["check"], "severity": f["severity"], "verdict": f.get("verdict"),
                    "field": word, "change": _shared(f, _change(f, side)) if single else place.message,
                    "fingerprint": f["fingerprint"], "proposed": proposed})
    order = sorted(files, key=lambda k: (k[0] != "spec", k[1]))
    return [{"file": file, "side": side,
             "edits": sorted(files[(side, file)], key=lambda e: (e["line"], e["check"], e["change"]))}
            for side, file in order]


def same_line(edits: Iterable[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], int]]:
    """Undecided edits of one check on one line as one (the first, and how many): twelve examples breaking
    one schema line are one line to open. Decided ones stay apart: each has its own probe and change."""
    out: list[tuple[Mapping[str, Any], int]] = []
    for e in edits:
        last = out[-1][0] if out else None
        if last is not None and last["line"] == e["line"] and last["check"] == e["check"] \
                and last.get("verdict") == e.get("verdict") and e.get("verdict") not in VERDICT_FIX:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((e, 1))
    return out


def fix_files(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report's fix list (built with it), or one made now for a report saved without one."""
    saved = report.get("fixes")
    return list(saved) if isinstance(saved, list) else fix_list(report["findings"])
