"""Combining reports (CI shards) into one: `merge_reports`."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

from contract.core.grouping import collapse
from contract.report.json import REPORT_VERSION, summarize, tool_version

_COVERAGE_ROW_KEY = ("part", "pointer", "keyword", "source")


def identity(finding: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two findings the same one: fingerprint and exact places, not live timings.

    The fingerprint alone is not enough: two findings may share one (two ragged rows of one
    docs table), and a merge must keep both.
    """
    def place(side: str) -> tuple[Any, ...]:
        loc = finding.get(side) or {}
        return loc.get("file"), loc.get("line"), loc.get("pointer")

    return finding["fingerprint"], place("spec"), place("docs"), finding["message"]


def merge_reports(reports: Sequence[Mapping[str, Any]], *, files: Sequence[str | None] | None = None
                  ) -> dict[str, Any]:
    """The union of the reports' findings (duplicates dropped), summaries recomputed, coverage merged."""
    if not reports:
        raise ValueError("nothing to merge")
    findings: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for report in reports:
        for f in report["findings"]:
            key = identity(f)
            if key not in seen:
                seen.add(key)
                findings.append(dict(f))
    findings = collapse(findings)  # a cause seen by several shards is one finding, as in the unsharded run
    commands = sorted({str(r.get("command", "")) for r in reports})
    merged: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "tool": {"name": "contract", "version": tool_version()},
        "command": commands[0] if len(commands) == 1 else "+".join(commands),
        "inputs": _merge_inputs([r.get("inputs") or {} for r in reports]),
        "summary": summarize(findings),
        "findings": findings,
        "merged_from": [{"file": (files[i] if files else None), "command": str(r.get("command", "")),
                         "findings": len(r["findings"]), "inputs": r.get("inputs") or {}}
                        for i, r in enumerate(reports)],
    }
    checks = sorted({c for r in reports for c in r.get("checks_run") or []})
    if checks:
        merged["checks_run"] = checks
    seeds = {json.dumps(r.get("seed")) for r in reports if r.get("seed") is not None}
    if len(seeds) == 1:
        merged["seed"] = json.loads(seeds.pop())
    timings = [r["timings"] for r in reports if r.get("timings")]
    if timings:
        merged["timings"] = {k: round(sum(t.get(k, 0) for t in timings), 6) for t in timings for k in t}
    coverage = [r["coverage"] for r in reports if r.get("coverage")]
    if coverage:
        merged["coverage"] = merge_coverage(coverage)
    traffic = [r["traffic"] for r in reports if r.get("traffic")]
    if traffic:
        merged["traffic"] = merge_traffic(traffic, merged.get("coverage"))
    times = merge_times([r["response_times"] for r in reports if r.get("response_times")])
    if times:
        merged["response_times"] = times
    return merged


def merge_times(times: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Per operation, the shard that answered it most often: shards split by path, so an operation is
    normally in one; a median and p95 cannot be combined from summaries, so none is made up."""
    if not times:
        return None
    operations: dict[str, Any] = {}
    for t in times:
        for op, entry in (t.get("operations") or {}).items():
            if op not in operations or entry["count"] > operations[op]["count"]:
                operations[op] = copy.deepcopy(dict(entry))
    return {"unit": times[0].get("unit", "ms"), "buckets": list(times[0].get("buckets") or []),
            "operations": dict(sorted(operations.items()))}


def merge_traffic(sections: Sequence[Mapping[str, Any]], coverage: Mapping[str, Any] | None) -> dict[str, Any]:
    """Traffic judged in parts (pytest-xdist workers, one judge each): counts summed, unmatched requests
    merged by method and path, operations exercised recounted from the merged coverage."""
    def total(key: str) -> int:
        return sum(int(s.get(key) or 0) for s in sections)

    unmatched: dict[tuple[str, str], dict[str, int]] = {}
    not_judged: dict[str, int] = {}
    for section in sections:
        for u in section.get("unmatched") or []:
            statuses = unmatched.setdefault((u["method"], u["path"]), {})
            for k, v in (u.get("statuses") or {}).items():
                statuses[k] = statuses.get(k, 0) + v
        for k, v in (section.get("not_judged") or {}).items():
            not_judged[k] = not_judged.get(k, 0) + v
    operations = (coverage or {}).get("operations") or {}
    exercised = sum(1 for e in operations.values() if e.get("statuses"))
    return {"exchanges": total("exchanges"), "matched": total("matched"),
            "operations": {"exercised": exercised,
                           "total": max(int((s.get("operations") or {}).get("total") or 0) for s in sections)},
            "unmatched": [{"method": m, "path": p, "statuses": dict(sorted(c.items())), "requests": sum(c.values())}
                          for (m, p), c in sorted(unmatched.items())],
            "unmatched_not_listed": total("unmatched_not_listed"), "not_judged": dict(sorted(not_judged.items()))}


def _merge_inputs(inputs: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Equal values kept once; differing ones become the list of distinct values."""
    out: dict[str, Any] = {}
    for key in sorted({k for i in inputs for k in i}):
        values: list[Any] = []
        for i in inputs:
            if key in i and i[key] not in values:
                values.append(i[key])
        out[key] = values[0] if len(values) == 1 else values
    return out


def merge_coverage(coverages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per operation, constraints matched by identity; a constraint's cases is the highest any shard saw.

    The maximum (not the sum) because shards that repeat an operation generate the same cases:
    a merge never claims more coverage than one run showed.
    """
    operations: dict[str, dict[str, Any]] = {}
    pages: dict[str, dict[str, Any]] = {}  # per docs page: every shard read the same page the same way
    for coverage in coverages:
        for page in coverage.get("pages") or []:
            pages.setdefault(str(page.get("file")), copy.deepcopy(dict(page)))
        for operation, entry in (coverage.get("operations") or {}).items():
            current = operations.get(operation)
            if current is None:
                operations[operation] = copy.deepcopy(dict(entry))
                continue
            _merge_reach(current, entry)
            if not current.get("rows") or not entry.get("rows"):
                if entry.get("covered", 0) > current.get("covered", 0):
                    operations[operation] = copy.deepcopy(dict(entry))
                continue
            rows = {_row_key(r): r for r in current["rows"]}
            for row in entry["rows"]:
                key = _row_key(row)
                if key not in rows:
                    rows[key] = dict(row)
                    current["rows"].append(rows[key])
                elif (row.get("cases", 0), row.get("sent", 0)) > (rows[key].get("cases", 0), rows[key].get("sent", 0)):
                    rows[key].update({k: row[k] for k in ("cases", "note", "sent", "outcomes") if k in row})
            current["constraints"] = len(current["rows"])
            current["covered"] = sum(1 for r in current["rows"] if r.get("cases"))
    merged: dict[str, Any] = {"operations": dict(sorted(operations.items()))}
    if pages:
        merged["pages"] = list(pages.values())
    return merged


def _merge_reach(current: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """Reach of one operation seen by two shards: statuses summed, reached if either reached it."""
    if "reached" not in entry:
        return
    fields = _merge_fields(current.get("fields_unseen"), entry.get("fields_unseen"))
    if fields is not None:
        current["fields_unseen"] = fields
    if "reached" not in current:
        current.update({k: copy.deepcopy(entry.get(k)) for k in ("statuses", "reached", "why", "hint")})
        return
    statuses = dict(current.get("statuses") or {})
    for k, v in (entry.get("statuses") or {}).items():
        statuses[k] = statuses.get(k, 0) + v
    current["statuses"] = dict(sorted(statuses.items()))
    if entry.get("reached") and not current.get("reached"):
        current.update(reached=True, why=None, hint=None)


def _merge_fields(a: Mapping[str, list[str]] | None, b: Mapping[str, list[str]] | None
                  ) -> dict[str, list[str]] | None:
    """Fields unseen per status, two shards: a status only one saw keeps its list; one both saw keeps the
    fields neither carried (seen by one is seen)."""
    if a is None and b is None:
        return None
    out = {k: list(v) for k, v in (a or {}).items()}
    for code, names in (b or {}).items():
        out[code] = [n for n in out[code] if n in names] if code in out else list(names)
    return dict(sorted(out.items()))


def _row_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return (*(row.get(k) for k in _COVERAGE_ROW_KEY), json.dumps(row.get("value"), sort_keys=True, default=str))
