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

from contract.report.fixes import fix_files, same_line
from contract.report.groups import Entry, entries
from contract.report.matrix import KINDS, Row, matrix, says
from contract.report.view import (
    SEVERITIES,
    Finding,
    bucket_labels,
    constraint_rows,
    location_text,
    page_rows,
    reach_rows,
    short_message,
    time_rows,
    truncate,
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


def _loc(loc: Mapping[str, Any] | None) -> str:
    return code(location_text(loc, pointer=False)) if loc else "—"


def _fenced(text: str) -> list[str]:
    """A fenced code block the text cannot close (the fence is longer than any backtick run in it)."""
    runs = [len(r) for r in re.findall("`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return [fence, text, fence]


def _matrix(findings: list[Finding], limit: int) -> list[str]:
    """The headline: spec ↔ docs ↔ live, one row per decided disagreement, then the other kinds."""
    rows = matrix(findings)
    if not rows:
        return []
    decided = rows.get("decided", [])
    out = [f"### Spec ↔ docs ↔ live: {len(decided)} disagreements decided by the live API", ""]
    for kind, title, about in KINDS:
        members = rows.get(kind)
        if not members:
            continue
        if kind != "decided":
            n = sum(len(r.entry.findings) for r in members)
            out += [f"#### {title} ({len(members)} causes, {n} findings)", "", f"_{cell(about)}_", ""]
        out += _matrix_table(kind, members[:limit])
        if len(members) > limit:
            out.append(f"\n… and {len(members) - limit} more rows (see report.html)")
        out.append("")
        if kind == "decided":
            out += _probes(members[:limit])
    return out


def _matrix_table(kind: str, rows: list[Row]) -> list[str]:
    if kind == "decided":
        out = ["| # | field or rule | spec says | docs say | live API | verdict |", "|---:|---|---|---|---|---|"]
        for i, r in enumerate(rows, 1):
            f, probe = r.finding, r.probe
            live = f"{code(probe.get('sent') or '')} → {cell(probe.get('status'))}" if probe.get("sent") \
                else cell(r.reason)
            out.append(f"| {i} | {cell(r.subject)} | {cell(says(f, 'spec'))}<br>{_loc(f.get('spec'))} "
                       f"| {cell(says(f, 'docs'))}<br>{_loc(f.get('docs'))} | {live} | **{cell(r.fix)}** |")
        return out
    out = ["| field or rule | spec | docs | why | findings |", "|---|---|---|---|---:|"]
    for r in rows:
        f = r.finding
        out.append(f"| {cell(truncate(r.subject, 80))} | {_loc(f.get('spec'))} | {_loc(f.get('docs'))} "
                   f"| {cell(truncate(r.entry.title, 160))} — _{cell(r.reason)}_ | {len(r.entry.findings)} |")
    return out


def _probes(rows: list[Row]) -> list[str]:
    """Each decided row's probe and answer, collapsed (GitHub renders <details>), with the curl line."""
    body: list[str] = []
    for i, r in enumerate(rows, 1):
        f, probe = r.finding, r.probe
        live = f.get("live") or {}
        answer = f"HTTP {live.get('status')}" if live.get("status") is not None else str(live.get("error") or "")
        if live.get("response_body"):
            answer += " " + truncate(" ".join(str(live["response_body"]).split()), 300)
        body += [f"{i}. {cell(probe.get('sent') or r.subject)}: {cell(probe.get('decided') or '')}", ""]
        if f.get("curl"):
            body += [*("   " + line for line in _fenced(str(f["curl"]))), ""]
        if answer.strip():
            body += [f"   answer: {code(answer)}", ""]
    if not body:
        return []
    return ["<details><summary>The probes sent and the answers (curl lines)</summary>", "", *body, "</details>", ""]


def _fixes(report: Mapping[str, Any], limit: int) -> list[str]:
    """Per file, the edits in line order: line, current text, what to change."""
    files = fix_files(report)
    if not files:
        return []
    total = sum(len(f["edits"]) for f in files)
    out = [f"### Fix list: {total} edits in {len(files)} files", ""]
    for entry in files:
        edits = entry["edits"]
        out += [f"#### {code(entry['file'])} ({entry['side']}, {len(edits)} edits)", ""]
        merged = same_line(edits)
        for e, n in merged[:limit]:
            text = f" {code(truncate(e['text'], 120))}" if e.get("text") else ""
            more = f" (and {n - 1} more like it on this line)" if n > 1 else ""
            out.append(f"- line {e['line']}:{text} — {cell(truncate(e['change'], 300))}{more} ({code(e['check'])})")
            proposed = e.get("proposed")
            if proposed:
                out += [f"  add below line {proposed['after']}:", "",
                        *("  " + t for part in _fenced(truncate(str(proposed["text"]), 2000))
                          for t in part.splitlines()), ""]
        if len(merged) > limit:
            out.append(f"- … and {len(merged) - limit} more")
        out.append("")
    return out


def _entry_row(e: Entry) -> str:
    places = e.places
    shown = "<br>".join(code(p.where()) for p in places[:3] if p.where())
    more = f"<br>… and {len(places) - 3} more" if len(places) > 3 else ""
    operation = e.first.get("operation")
    what = (f"{cell(operation)}: " if operation else "") + cell(truncate(e.title, 300))
    return (f"| {_ICON.get(e.severity, '')} {e.severity} | {code(e.check)} | {len(places)} "
            f"| {what} | {shown}{more} |")


def _causes(findings: list[Finding], limit: int) -> list[str]:
    """Every finding, one entry per cause (report.json keeps each finding and place)."""
    groups = entries(findings)
    title = "Findings by cause" + (f" (first {limit})" if len(groups) > limit else "")
    out = [f"### {title}: {len(groups)} causes, {len(findings)} findings", "",
           "| severity | check | places | what | where |", "|---|---|---:|---|---|",
           *(_entry_row(e) for e in groups[:limit])]
    if len(groups) > limit:
        out += ["", f"… and {len(groups) - limit} more (see report.json / report.html)"]
    return out


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
        why += f" — _{cell(truncate(r['fields'], 300))}_" if r["fields"] else ""
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


def _constraints(report: Mapping[str, Any], limit: int) -> list[str]:
    """Per constraint: a violating case or not, sent or not, and how it was judged; the unsettled ones
    (no case, not sent, accepted, undecided) listed, the enforced ones counted (collapsed)."""
    rows = constraint_rows(report.get("coverage"))
    if not rows:
        return []
    live = any(r["sent"] is not None for r in rows)
    open_rows = [r for r in rows if not r["settled"]]
    out = [f"### Constraints: {len(rows) - len(open_rows)} of {len(rows)} "
           + ("refused as they should be" if live else "with a violating case")
           + (f"; {len(open_rows)} not settled" if open_rows else ""), ""]
    head = "| operation | pointer | keyword | source | cases |" + (" sent |" if live else "") + " judged |"
    rule = "|---|---|---|---|---:|" + ("---:|" if live else "") + "---|"

    def line(r: Mapping[str, Any]) -> str:
        sent = f" {r['sent'] if r['sent'] is not None else ''} |" if live else ""
        return (f"| {cell(r['operation'])} | {code(r['pointer'])} | {cell(r['keyword'])} | {cell(r['source'])} "
                f"| {r['cases']} |{sent} {cell(truncate(r['judged'], 200))} |")

    if open_rows:
        out += [head, rule, *(line(r) for r in open_rows[:limit])]
        if len(open_rows) > limit:
            out.append(f"\n… and {len(open_rows) - limit} more (see report.json)")
        out.append("")
    settled = [r for r in rows if r["settled"]]
    if settled:
        out += ["<details><summary>The settled constraints</summary>", "", head, rule,
                *(line(r) for r in settled[:limit])]
        if len(settled) > limit:
            out.append(f"\n… and {len(settled) - limit} more (see report.json)")
        out += ["", "</details>", ""]
    return out


def _times(report: Mapping[str, Any], limit: int) -> list[str]:
    """Live runs: response times per operation (ms), slowest first, with the busiest bucket."""
    rows = time_rows(report)
    if not rows:
        return []
    labels = bucket_labels(list((report.get("response_times") or {}).get("buckets") or []))
    out = [f"### Response times (ms): {len(rows)} operation{'s' if len(rows) != 1 else ''}", "",
           "| operation | requests | min | median | p95 | max | most in |", "|---|---:|---:|---:|---:|---:|---|"]
    for r in rows[:limit]:
        counts = list(r["histogram"])
        busiest = max(range(len(counts)), key=lambda i: (counts[i], -i)) if counts else None
        most = f"{labels[busiest]} ({counts[busiest]})" if busiest is not None and busiest < len(labels) else "—"
        out.append(f"| {cell(r['operation'])} | {r['count']} | "
                   + " | ".join(f"{float(r[k]):.1f}" for k in ("min", "median", "p95", "max")) + f" | {cell(most)} |")
    if len(rows) > limit:
        out.append(f"\n… and {len(rows) - limit} more operations (see report.json)")
    return [*out, ""]


def render_markdown(report: Mapping[str, Any], *, limit: int = DEFAULT_LIMIT,
                    max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The matrix first (what triangulation decided), then the fix list per file, the findings by
    cause, reach, the per-check counts and what the baseline lists as fixed."""
    findings: list[Finding] = list(report["findings"])
    out = ["## contract report", "", *_totals(report), ""]
    out += _matrix(findings, limit)
    out += _fixes(report, limit)
    if findings:
        out += [*_causes(findings, limit), ""]
    out += _reach(report, limit)
    out += _pages(report, limit)
    out += _constraints(report, limit)
    out += _times(report, limit)
    if findings:
        out += ["### Findings per check", "", *_check_table(findings), ""]
    if report.get("fixed"):
        fixed = report["fixed"]
        out += [f"### Fixed since the baseline ({len(fixed)})", ""]
        out += [f"- {code(e['check'])} {cell(e.get('operation') or '')}: {cell(truncate(short_message(e), 200))}"
                for e in fixed[:limit]]
        if len(fixed) > limit:
            out.append(f"- … and {len(fixed) - limit} more")
        out.append("")
    return _cap("\n".join(out), max_bytes)


def _cap(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    note = "\n\n… (summary cut to fit; see report.json / report.html)\n"
    cut = data[: max_bytes - len(note.encode())].decode("utf-8", "ignore")
    return cut[: cut.rfind("\n")] + note
