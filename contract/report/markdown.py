"""`report.md`: a summary for a CI step summary or a PR comment.

GitHub caps a step summary at 1 MiB and a comment at 64 KiB of text; the list of top
findings is capped (``limit``) and the whole text is cut at ``max_bytes`` so the
summary is never the thing that fails the job.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from contract.report.json import SEVERITIES
from contract.report.view import (
    Finding,
    location_text,
    ordered,
    page_rows,
    reach_rows,
    short_message,
    truncate,
    verdict_groups,
)

DEFAULT_LIMIT = 200
DEFAULT_MAX_BYTES = 512 * 1024
_MARKUP = re.compile(r"[\\`*_\[\]~|]")
_ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}


def cell(text: Any) -> str:
    """Safe as Markdown text and inside a table cell: no HTML, no markup, no pipes, no line breaks."""
    flat = html.escape(" ".join(str(text).split()), quote=False)
    return _MARKUP.sub(lambda m: "\\" + m.group(0), flat)


def code(text: Any) -> str:
    """Inline code: HTML-inert already (entities would show literally), so only pipes are escaped;
    the fence is longer than any backtick run inside, so the text cannot close it."""
    flat = " ".join(str(text).split()).replace("|", "\\|")
    runs = [len(r) for r in re.findall("`+", flat)]
    if not runs:
        return f"`{flat}`"
    fence = "`" * (max(runs) + 1)
    return f"{fence} {flat} {fence}"


def _totals(report: Mapping[str, Any]) -> list[str]:
    summary = report["summary"]
    by_sev = summary.get("by_severity", {})
    counts = ", ".join(f"{_ICON[s]} {by_sev[s]} {s}" for s in SEVERITIES if by_sev.get(s)) or "no findings"
    lines = [f"**{summary['findings']} findings** — {counts}"]
    if report.get("baseline"):
        b = report["baseline"]
        lines.append(f"\n**Baseline:** {b['new']} new, {b['known']} known, {b['fixed']} fixed")
    meta = [f"command {code(report.get('command', ''))}", f"contract {cell(report['tool']['version'])}"]
    if report.get("seed") is not None:
        meta.append(f"seed {code(report['seed'])}")
    if report.get("timings", {}).get("total") is not None:
        meta.append(f"{report['timings']['total']:.1f} s")
    lines.append("\n" + " · ".join(meta))
    return lines


def _check_table(findings: list[Finding]) -> list[str]:
    per: dict[str, Counter[str]] = {}
    for f in findings:
        per.setdefault(f["check"], Counter())[f["severity"]] += 1
    lines = ["| check | " + " | ".join(SEVERITIES) + " | total |", "|---|" + "---:|" * (len(SEVERITIES) + 1)]
    for check in sorted(per, key=lambda c: (tuple(-per[c][s] for s in SEVERITIES), c)):
        row = [str(per[check][s] or "") for s in SEVERITIES]
        lines.append(f"| {code(check)} | " + " | ".join(row) + f" | {sum(per[check].values())} |")
    return lines


def _finding_row(f: Finding) -> str:
    places = [f"spec {code(location_text(f['spec']))}" if f.get("spec") else "",
              f"docs {code(location_text(f['docs'], pointer=False))}" if f.get("docs") else ""]
    status = " 🆕" if f.get("baseline") == "new" else ""
    return (f"| {_ICON.get(f['severity'], '')} {f['severity']}{status} | {code(f['check'])} "
            f"| {cell(f.get('operation') or '')} | {cell(truncate(short_message(f), 300))} "
            f"| {'<br>'.join(p for p in places if p)} |")


def _findings_table(findings: list[Finding]) -> list[str]:
    return ["| severity | check | operation | message | where |", "|---|---|---|---|---|",
            *(_finding_row(f) for f in findings)]


def _reach(report: Mapping[str, Any], limit: int) -> list[str]:
    """Per operation: statuses seen, whether a 2xx was reached, and if not why (and the fix)."""
    rows = reach_rows(report.get("coverage"))
    if not rows:
        return []
    reached = sum(1 for r in rows if r["reached"])
    out = [f"### Coverage: {reached}/{len(rows)} operations answered 2xx", "",
           "| operation | statuses | 2xx | why not — fix |", "|---|---|---|---|"]
    for r in rows[:limit]:
        why = cell(truncate(r["why"], 200)) + (f" — _{cell(truncate(r['hint'], 200))}_" if r["hint"] else "")
        out.append(f"| {cell(r['operation'])} | {cell(r['statuses'])} | {'✅' if r['reached'] else '❌'} | {why} |")
    if len(rows) > limit:
        out.append(f"\n… and {len(rows) - limit} more operations (see report.json)")
    return [*out, ""]


def _pages(report: Mapping[str, Any], limit: int) -> list[str]:
    """Per docs page: what was recognised and compared, and what was skipped and why."""
    rows = page_rows(report.get("coverage"))
    if not rows:
        return []
    out = [f"### Docs coverage: {len(rows)} page{'s' if len(rows) != 1 else ''}", "",
           "| page | endpoints | tables | examples | structures | skipped |", "|---|---|---|---|---|---|"]
    for r in rows[:limit]:
        name = r["file"].replace("\\", "/").rsplit("/", 1)[-1]
        out.append(f"| {cell(name)} | {cell(truncate(r['endpoints'], 200))} | {cell(r['tables'])} "
                   f"| {cell(r['examples'])} | {cell(r['structures'])} "
                   f"| {r['skipped']}{': ' + cell(truncate(r['skipped_text'], 200)) if r['skipped'] else ''} |")
    if len(rows) > limit:
        out.append(f"\n… and {len(rows) - limit} more pages (see report.json)")
    return [*out, ""]


def render_markdown(report: Mapping[str, Any], *, limit: int = DEFAULT_LIMIT,
                    max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    findings: list[Finding] = list(report["findings"])
    out = ["## contract report", "", *_totals(report), ""]
    if findings:
        out += ["### Findings per check", "", *_check_table(findings), ""]
    out += _reach(report, limit)
    out += _pages(report, limit)
    groups = verdict_groups(findings)
    if groups:
        out += ["### Drift by verdict", ""]
        for _key, title, advice, members in groups:
            out += [f"#### {title} ({len(members)})", "", f"_{advice}_", ""]
            shown = members[: max(1, limit // 4)]
            out += [f"- {code(f['check'])} {cell(f.get('operation') or '')}: {cell(truncate(short_message(f), 200))}"
                    for f in shown]
            if len(members) > len(shown):
                out.append(f"- … and {len(members) - len(shown)} more")
            out.append("")
    if report.get("fixed"):
        fixed = report["fixed"]
        out += [f"### Fixed since the baseline ({len(fixed)})", ""]
        out += [f"- {code(e['check'])} {cell(e.get('operation') or '')}: {cell(truncate(short_message(e), 200))}"
                for e in fixed[:limit]]
        if len(fixed) > limit:
            out.append(f"- … and {len(fixed) - limit} more")
        out.append("")
    if findings:
        top = ordered(findings)
        title = "Top findings" if len(top) > limit else "All findings"
        out += [f"### {title}", "", *_findings_table(top[:limit])]
        if len(top) > limit:
            out += ["", f"… and {len(top) - limit} more (see report.json / report.html)"]
        out.append("")
    return _cap("\n".join(out), max_bytes)


def _cap(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    note = "\n\n… (summary cut to fit; see report.json / report.html)\n"
    cut = data[: max_bytes - len(note.encode())].decode("utf-8", "ignore")
    return cut[: cut.rfind("\n")] + note
