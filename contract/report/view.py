"""What every human-facing format shares: ordering, verdict groups, locations, check descriptions.

Kept in one place so the Markdown summary, the HTML page and JUnit agree on what
"top findings" and "fix the spec" mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from itertools import pairwise
from typing import Any

Finding = Mapping[str, Any]  # a finding as it is in report.json

SEVERITIES = ("error", "warning", "info")  # most severe first
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}

# (verdict, heading, advice): which document the live API follows, and so which one to fix.
VERDICT_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("docs", "Live follows docs: fix the spec", "the server behaves as the docs say; the spec is the odd one out"),
    ("spec", "Live follows spec: fix the docs", "the server behaves as the spec says; the docs page is wrong"),
    ("neither", "Live follows neither", "the server matches neither document: fix the server, or both documents"),
    ("both", "Live accepts both", "the server tolerates both readings; pick one and align the other document"),
    ("inconclusive", "Inconclusive", "the probes could not tell which document the server follows"),
)
def severity_rank(severity: str) -> int:
    return _SEVERITY_RANK.get(severity, len(SEVERITIES))


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Most important first: severity, then new before known, then check and operation."""
    return sorted(findings, key=lambda f: (severity_rank(f["severity"]), f.get("baseline") == "known",
                                           f["check"], f.get("operation") or "", where(f)))


def is_drift(finding: Finding) -> bool:
    """A disagreement between documents: it has a verdict, or (offline) it points at both spec and docs."""
    if finding.get("verdict"):
        return True
    return finding.get("spec") is not None and finding.get("docs") is not None and not finding.get("live")


def fix_sides(finding: Finding) -> list[str]:
    """The documents a finding points at, the one to edit first: the docs when the live API follows the spec."""
    sides = [s for s in ("spec", "docs") if finding.get(s)]
    if finding.get("verdict") == "spec" and len(sides) == 2:
        sides.reverse()
    return sides


def location_text(loc: Mapping[str, Any] | None, *, pointer: bool = True) -> str:
    if not loc:
        return ""
    text = loc["file"] if loc.get("line") is None else f"{loc['file']}:{loc['line']}"
    return f"{text}#{loc['pointer']}" if pointer and loc.get("pointer") else text


def where(finding: Finding) -> str:
    """The one place to look first: the spec line, else the docs line, else the operation."""
    return (location_text(finding.get("spec"), pointer=False) or location_text(finding.get("docs"))
            or finding.get("operation") or "")


def short_message(finding: Finding) -> str:
    """The message without a leading "METHOD /path: " when the operation is shown beside it anyway."""
    message = str(finding.get("message", ""))
    op = finding.get("operation")
    return message[len(op) + 2:] if op and message.startswith(f"{op}: ") else message


def case_class(finding: Finding) -> str:
    """What a finding is about, for grouping (JUnit classname): the operation, else its file."""
    if finding.get("operation"):
        return str(finding["operation"])
    for side in ("spec", "docs"):
        loc = finding.get(side)
        if loc:
            return str(loc["file"])
    return "spec"


@cache
def _registered() -> dict[str, Any]:
    """Check id → its registry entry, for every registered check and every old name of one."""
    from contract.core.checks import RENAMES
    from contract.pipeline import load_checks

    out: dict[str, Any] = {info.id: info for info in load_checks()}
    out.update({old: out[new] for old, new in RENAMES.items() if new in out})  # saved reports with old ids
    return out


def _lookup(check: str) -> Any:
    """The registry entry of `check`: from what is registered already when it is there (a lint report
    needs no import of the live and docs stages), else after every stage's module is imported."""
    from contract.core import checks as registry

    if registry.is_registered(registry.canonical(check)):
        return registry.get(check)
    return _registered().get(check)


def describe(check: str) -> str:
    info = _lookup(check)
    return info.description if info is not None else f"contract check {check}"


def stage_of(check: str) -> str:
    """The stage that reports `check`: the registry's, else the id's prefix (ids from elsewhere)."""
    info = _lookup(check)
    if info is not None:
        return str(info.stage)
    return check.split(".", 1)[0] if "." in check else check


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def statuses_text(statuses: Mapping[str, Any] | None) -> str:
    """``{"404": 30, "401": 12}`` → ``404 ×30, 401 ×12`` (most frequent first)."""
    items = sorted((statuses or {}).items(), key=lambda kv: (-int(kv[1]), kv[0]))
    return ", ".join(f"{k} ×{v}" for k, v in items) or "—"


def reach_rows(coverage: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The coverage section's reach per operation (live runs only): operations without a 2xx first."""
    operations = (coverage or {}).get("operations") or {}
    rows = [{"operation": op, "statuses": statuses_text(e.get("statuses")), "reached": bool(e.get("reached")),
             "why": e.get("why") or "", "hint": e.get("hint") or "", "fields": fields_unseen_text(e.get("fields_unseen"))}
            for op, e in operations.items() if "reached" in e]
    return sorted(rows, key=lambda r: (r["reached"], r["operation"]))


def fields_unseen_text(fields: Mapping[str, list[str]] | None, limit: int = 8) -> str:
    """Traffic coverage's documented response fields never carried, per status, as one line."""
    parts = []
    for code, names in (fields or {}).items():
        if names:
            more = f" (+{len(names) - limit} more)" if len(names) > limit else ""
            parts.append(f"{code}: {', '.join(names[:limit])}{more}")
    return f"documented fields never carried: {'; '.join(parts)}" if parts else ""


def page_rows(coverage: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The coverage section's docs pages as display rows (drift and check runs): what each page was read as,
    what was compared, and what was skipped — every format shows the same text."""
    out = []
    for page in (coverage or {}).get("pages") or []:
        endpoints = page.get("endpoints") or {}
        examples = dict(page.get("examples") or {})
        unparsed = examples.pop("unparsed", 0)
        structures = page.get("structures") or {}
        skipped = page.get("skipped") or []
        reasons = Counter(str(s.get("why", "")) for s in skipped)
        missing = endpoints.get("not_in_spec") or []
        out.append({
            "file": str(page.get("file", "")),
            "endpoints": f"{endpoints.get('matched', 0)}/{endpoints.get('documented', 0)} matched"
                         + (f" (not in the spec: {', '.join(missing)})" if missing else ""),
            "tables": ", ".join(f"{k} {v}" for k, v in (page.get("tables") or {}).items()) or "none",
            "examples": (", ".join(f"{k} {v}" for k, v in examples.items()) or "none")
                        + (f" ({unparsed} unparsed)" if unparsed else ""),
            "structures": f"{structures.get('compared', 0)}/{structures.get('documented')} compared"
                          if structures.get("documented") else "none",
            "skipped": len(skipped),
            "skipped_text": "; ".join(f"{n} × {why}" if n > 1 else why for why, n in reasons.most_common()) or "—",
            "skipped_items": [f"line {s.get('line')}: {s.get('what')}: {s.get('why')}" for s in skipped],
            "not_compared": [f"{s.get('name')} (line {s.get('line')}): {s.get('why')}"
                             for s in structures.get("not_compared") or []],
        })
    return out


_OUTCOME_TEXT = {"refused": "refused (enforced)", "accepted": "accepted (a finding)", "undecided": "undecided",
                 "unanswered": "not answered", "unjudged": "not judged (check off)"}


def judged_text(row: Mapping[str, Any]) -> str:
    """What became of a constraint's violating cases: ``refused (enforced) ×2``, ``not sent``, or the
    generator's reason there is no case. Rows of offline reports (no ``sent``) say only whether a case exists."""
    if not row.get("cases"):
        return f"no case: {row.get('note')}" if row.get("note") else "no case"
    if "sent" not in row:
        return f"{row['cases']} case{'s' if row['cases'] != 1 else ''} (not sent: offline)"
    if not row["sent"]:
        return "not sent (--max-time, --max-requests, or the target stopped answering)"
    outcomes = row.get("outcomes") or {}
    return ", ".join(f"{_OUTCOME_TEXT.get(k, k)} ×{v}" for k, v in outcomes.items()) or "sent"


def constraint_rows(coverage: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Every constraint of every operation, with whether a violating case was sent and how it was judged:
    the ones nothing decided first (no case, not sent, accepted, undecided), then the enforced ones."""
    rows = []
    for operation, entry in ((coverage or {}).get("operations") or {}).items():
        for row in entry.get("rows") or []:
            outcomes = row.get("outcomes") or {}
            settled = bool(row.get("cases")) and (row.get("sent") is None or set(outcomes) == {"refused"})
            rows.append({"operation": operation, "pointer": str(row.get("pointer") or "/"),
                         "keyword": str(row.get("keyword") or ""), "source": str(row.get("source") or ""),
                         "cases": int(row.get("cases") or 0), "sent": row.get("sent"),
                         "judged": judged_text(row), "settled": settled})
    return sorted(rows, key=lambda r: (r["settled"], r["operation"], r["pointer"], r["keyword"]))


def bucket_labels(edges: list[float]) -> list[str]:
    """``[1, 2, 5]`` → ``<1 ms``, ``1–2 ms``, ``2–5 ms``, ``≥5 ms`` (seconds from 1000 ms on)."""
    def unit(v: float) -> str:
        return f"{v / 1000:g} s" if v >= 1000 else f"{v:g} ms"

    def span(a: float, b: float) -> str:
        low, high = unit(a), unit(b)
        return f"{low.split()[0]}–{high}" if low.split()[1] == high.split()[1] else f"{low}–{high}"

    if not edges:
        return ["all"]
    out = [f"<{unit(edges[0])}"]
    out += [span(a, b) for a, b in pairwise(edges)]
    return [*out, f"≥{unit(edges[-1])}"]


def time_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``response_times`` per operation, slowest (p95) first."""
    times = report.get("response_times") or {}
    rows = [{"operation": op, **entry} for op, entry in (times.get("operations") or {}).items()]
    return sorted(rows, key=lambda r: (-float(r["p95"]), r["operation"]))
