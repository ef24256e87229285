"""`report.html`: one self-contained page (inline CSS/JS, no network) to read a run in a browser.

Everything is rendered on the server side, so the page is complete without JavaScript;
the script only filters (check / operation / severity / verdict / text). Filters are
kept in the URL hash (``#check=drift.type_mismatch&severity=error``), so a link can
point at a filtered view. Every value from a finding is escaped: findings carry spec,
docs and server text verbatim.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from contract.report.fixes import fix_files, same_line
from contract.report.groups import entries
from contract.report.matrix import KINDS, Row, matrix, says
from contract.report.view import (
    SEVERITIES,
    VERDICT_GROUPS,
    Finding,
    bucket_labels,
    constraint_rows,
    describe,
    location_text,
    ordered,
    page_rows,
    reach_rows,
    stage_of,
    time_rows,
)

_SPECIAL = re.compile("[&<>\"']")


def esc(value: Any) -> str:
    """`html.escape(str(value), quote=True)`; text with nothing to escape (most of a report) is returned as
    it is, without `html.escape`'s five replaces: a 200,000-finding page escapes millions of values."""
    text = "" if value is None else str(value)
    return html.escape(text, quote=True) if _SPECIAL.search(text) else text


def script_json(value: Any) -> str:
    """JSON safe inside <script>: no `</script>`, `<!--` or `]]>` can end or bend the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_CSS = """
:root{--err:#c62828;--warn:#ef6c00;--info:#1565c0;--bg:#fafafa;--line:#ddd;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:var(--bg)}
header,main{max-width:1200px;margin:0 auto;padding:12px 20px}header h1{margin:8px 0 4px;font-size:22px}
.meta{color:#666}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 16px;margin:14px 0}
h2{font-size:17px;margin:6px 0 10px}h3{font-size:15px;margin:10px 0 4px}summary h3{display:inline}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums}code,pre{font-family:var(--mono);font-size:12.5px}
pre{background:#f6f8fa;border:1px solid #eee;padding:6px 8px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:center;position:sticky;top:0;background:#fff;padding:8px 0;z-index:1}
.filters select,.filters input{font:inherit;padding:3px 6px;max-width:320px}
.finding{border-left:4px solid var(--line);padding:6px 10px;margin:8px 0;background:#fff}
.finding.error{border-color:var(--err)}.finding.warning{border-color:var(--warn)}.finding.info{border-color:var(--info)}
.finding .head{display:flex;gap:8px;flex-wrap:wrap;align-items:baseline}.tag{font-size:12px;padding:0 6px;border-radius:8px;background:#eee}
.tag.new{background:#fde2e1}.msg{margin:4px 0}.ev dt{font-weight:600;margin-top:4px}.ev dd{margin:0 0 0 12px}
.bar{display:flex;align-items:center;gap:8px;margin:3px 0}.bar .label{width:38%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar svg{flex:1;height:14px}.charts{display:flex;gap:24px;flex-wrap:wrap;margin:8px 0}.chart{font:12px system-ui,sans-serif}
table.matrix{table-layout:fixed}table.matrix td{font-size:13px;overflow-wrap:anywhere}table.matrix details pre{max-width:520px}tr.verdict-docs td:last-child{color:#2e7d32}
tr.verdict-spec td:last-child{color:#1565c0}tr.verdict-neither td:last-child{color:var(--err)}ul.fixes li,ul.causes>li{margin:3px 0}
ul.causes{list-style:none;padding-left:0}ul.causes>li{border-left:4px solid var(--line);padding:2px 8px}
ul.causes>li.error{border-color:var(--err)}ul.causes>li.warning{border-color:var(--warn)}ul.causes>li.info{border-color:var(--info)}.verdict li{margin:2px 0}[hidden]{display:none!important}
"""

_JS = r"""
(function(){
  "use strict";
  var data = JSON.parse(document.getElementById("report-index").textContent);
  var keys = ["check", "operation", "severity", "verdict", "baseline"];
  var items = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  function fill(key){
    var select = document.getElementById("f-" + key), counts = data[key] || {};
    if (!select) return;
    Object.keys(counts).sort().forEach(function(value){
      var o = document.createElement("option"); o.value = value;
      o.textContent = value + " (" + counts[value] + ")"; select.appendChild(o);
    });
  }
  function read(){
    var out = {}, raw = (location.hash || "").replace(/^#/, "") || (location.search || "").replace(/^\?/, "");
    raw.split("&").forEach(function(pair){
      if (!pair) return; var i = pair.indexOf("=");
      if (i > 0) out[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1).replace(/\+/g, " "));
    });
    return out;
  }
  function apply(){
    var want = {}, q = document.getElementById("f-q").value.toLowerCase(), shown = 0;
    keys.forEach(function(k){ var s = document.getElementById("f-" + k); if (s && s.value) want[k] = s.value; });
    items.forEach(function(el){
      var ok = keys.every(function(k){ return !want[k] || el.getAttribute("data-" + k) === want[k]; });
      if (ok && q) ok = el.textContent.toLowerCase().indexOf(q) >= 0;
      el.hidden = !ok; if (ok) shown++;
    });
    document.getElementById("shown").textContent = shown + " of " + items.length + " findings shown";
    document.body.setAttribute("data-shown", String(shown));
    return want;
  }
  function update(){
    var want = apply(), q = document.getElementById("f-q").value, parts = [];
    Object.keys(want).forEach(function(k){ parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(want[k])); });
    if (q) parts.push("q=" + encodeURIComponent(q));
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }
  function load(){
    var start = read();
    if (/^f\d+$/.test(location.hash.slice(1))) return;  // a link to one finding, not a filter
    keys.concat(["q"]).forEach(function(k){
      var el = document.getElementById("f-" + k), value = start[k] === undefined ? "" : start[k];
      if (!el) return;
      if (el.tagName === "SELECT" && !Array.prototype.some.call(el.options, function(o){ return o.value === value; })) {
        var o = document.createElement("option"); o.value = value; o.textContent = value + " (0)"; el.appendChild(o);
      }
      el.value = value;
    });
    apply();
  }
  keys.forEach(fill);
  keys.concat(["q"]).forEach(function(k){
    var el = document.getElementById("f-" + k);
    if (el) el.addEventListener(el.tagName === "INPUT" ? "input" : "change", update);
  });
  window.addEventListener("hashchange", load);
  load();
  document.getElementById("f-reset").addEventListener("click", function(){
    keys.concat(["q"]).forEach(function(k){ var el = document.getElementById("f-" + k); if (el) el.value = ""; });
    update();
  });
  document.body.setAttribute("data-ready", "1");
})();
"""


def render_html(report: Mapping[str, Any]) -> str:
    return "".join(html_pieces(report))


def html_pieces(report: Mapping[str, Any]) -> Iterator[str]:
    """The page of `render_html` piece by piece, for writing without holding it whole (a finding a piece)."""
    findings = ordered(report["findings"])
    parts: list[str | Callable[[], Iterator[str]]] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No network: nothing may be fetched, even by accident (an <img> in a finding is escaped anyway).
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>contract report — {esc(report.get('command', ''))}</title>",
        f"<style>{_CSS}</style></head><body>",
        _header(report),
        "<main>",
        _summary(report),
        _matrix(findings),
        _fixes(report),
        _causes(findings),
        _reach(report.get("coverage")),
        _pages(report.get("coverage")),
        _coverage(report.get("coverage")),
        _times(report),
        _fixed(report.get("fixed") or []),
        lambda: _findings(findings, report),
        "</main>",
        f'<script type="application/json" id="report-index">{script_json(_index(findings))}</script>',
        f"<script>{_JS}</script>",
        "</body></html>",
    ]
    first = True
    for part in parts:
        if not part:
            continue
        if not first:
            yield "\n"
        first = False
        if isinstance(part, str):
            yield part
        else:
            yield from part()
    yield "\n"


def _index(findings: list[Finding]) -> dict[str, dict[str, int]]:
    """Filter options with counts, for the selects the script fills."""
    index: dict[str, dict[str, int]] = {k: {} for k in ("check", "operation", "severity", "verdict", "baseline")}
    for f in findings:
        for key, value in _attrs(f).items():
            if value:
                index[key][value] = index[key].get(value, 0) + 1
    return index


def _attrs(f: Finding) -> dict[str, str]:
    return {"check": f["check"], "operation": f.get("operation") or "", "severity": f["severity"],
            "verdict": f.get("verdict") or "", "baseline": f.get("baseline") or ""}


def _header(report: Mapping[str, Any]) -> str:
    meta = [f"command <code>{esc(report.get('command'))}</code>", f"contract {esc(report['tool']['version'])}"]
    inputs = report.get("inputs") or {}
    if inputs.get("spec"):
        meta.append(f"spec <code>{esc(inputs['spec'])}</code>")
    if inputs.get("target") or inputs.get("base_url"):
        meta.append(f"target <code>{esc(inputs.get('target') or inputs.get('base_url'))}</code>")
    if report.get("seed") is not None:
        meta.append(f"seed <code>{esc(report['seed'])}</code>")
    if (report.get("timings") or {}).get("total") is not None:
        meta.append(f"{float(report['timings']['total']):.1f} s")
    return f"<header><h1>contract report</h1><div class=\"meta\">{' · '.join(meta)}</div></header>"


def _summary(report: Mapping[str, Any]) -> str:
    summary = report["summary"]
    by_sev = summary.get("by_severity", {})
    cards = [f'<div class="card" id="total"><b>{summary["findings"]}</b>findings</div>']
    cards += [f'<div class="card sev-{s}"><b>{by_sev.get(s, 0)}</b>{s}</div>' for s in SEVERITIES]
    if report.get("baseline"):
        b = report["baseline"]
        cards += [f'<div class="card"><b>{b[k]}</b>{k}</div>' for k in ("new", "known", "fixed")]
    rows = []
    per: dict[str, dict[str, int]] = {}
    for f in report["findings"]:
        per.setdefault(f["check"], dict.fromkeys(SEVERITIES, 0))[f["severity"]] += 1
    for check in sorted(per, key=lambda c: (tuple(-per[c][s] for s in SEVERITIES), c)):
        cells = "".join(f'<td class="n">{per[check][s] or ""}</td>' for s in SEVERITIES)
        link = esc("#check=" + _hash_value(check))
        rows.append(f'<tr><td><a href="{link}"><code>{esc(check)}</code></a></td><td>{esc(describe(check))}</td>'
                    f'{cells}<td class="n">{sum(per[check].values())}</td></tr>')
    table = ""
    if rows:
        head = "".join(f"<th>{s}</th>" for s in SEVERITIES)
        table = (f"<h2>Per check</h2><table id=\"per-check\"><tr><th>check</th><th>what</th>{head}<th>total</th></tr>"
                 + "".join(rows) + "</table>")
    chart = _chart(report["findings"])
    return (f'<section id="summary"><div class="cards">{"".join(cards)}</div>{chart}'
            f'<details><summary>per check</summary>{table}</details></section>')


def _hash_value(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _loc(loc: Mapping[str, Any] | None) -> str:
    return f"<code>{esc(location_text(loc, pointer=False))}</code>" if loc else "—"


def _matrix(findings: list[Finding]) -> str:
    """The headline: spec ↔ docs ↔ live, a row per decided disagreement with its probe, then the other kinds."""
    anchor = {id(f): i for i, f in enumerate(findings)}
    rows = matrix(findings)
    if not rows:
        return ""
    decided = len(rows.get("decided", []))
    out = [f'<section id="matrix"><h2>Spec ↔ docs ↔ live: {decided} disagreements decided by the live API</h2>']
    for kind, title, about in KINDS:
        members = rows.get(kind)
        if not members:
            continue
        n = sum(len(r.entry.findings) for r in members)
        out.append(f'<h3 id="matrix-{kind}">{esc(title)} ({len(members)} rows, {n} findings)</h3>'
                   f'<p class="meta">{esc(about)}</p>')
        if kind == "decided":
            out.append('<table class="matrix"><tr><th>field or rule</th><th>spec says</th><th>docs say</th>'
                       "<th>live API</th><th>verdict</th></tr>")
            out += [_decided_row(r, anchor) for r in members]
        else:
            out.append('<table class="matrix"><tr><th>field or rule</th><th>spec</th><th>docs</th>'
                       "<th>what and why no verdict</th><th>findings</th></tr>")
            out += [_other_row(r, anchor) for r in members]
        out.append("</table>")
    out.append("</section>")
    return "".join(out)


def _decided_row(r: Row, anchor: Mapping[int, int]) -> str:
    f, probe = r.finding, r.probe
    live = f.get("live") or {}
    evidence = [f"<pre class=\"curl\">{esc(f['curl'])}</pre>"] if f.get("curl") else []
    if live:
        evidence.append(_exchange(live))
    sent = esc(probe.get("sent") or r.subject)
    answer = f" → <b>{esc(probe.get('status'))}</b>" if probe.get("status") is not None else ""
    details = (f"<details><summary><code>{sent}</code>{answer}</summary><p>{esc(probe.get('decided') or '')}</p>"
               f"{''.join(evidence)}</details>") if evidence else f"<code>{sent}</code>{answer} {esc(r.reason)}"
    verdict = esc(f.get("verdict") or "")
    return (f'<tr class="verdict-{verdict}"><td><a href="#f{anchor[id(f)]}">{esc(r.subject)}</a></td>'
            f"<td>{esc(says(f, 'spec'))}<br>{_loc(f.get('spec'))}</td>"
            f"<td>{esc(says(f, 'docs'))}<br>{_loc(f.get('docs'))}</td><td>{details}</td>"
            f"<td><b>{esc(r.fix)}</b></td></tr>")


def _other_row(r: Row, anchor: Mapping[int, int]) -> str:
    f = r.finding
    return (f'<tr><td><a href="#f{anchor[id(f)]}">{esc(r.subject)}</a></td><td>{_loc(f.get("spec"))}</td>'
            f'<td>{_loc(f.get("docs"))}</td><td>{esc(r.entry.title)}<br><em>{esc(r.reason)}</em></td>'
            f'<td class="n">{len(r.entry.findings)}</td></tr>')


def _fixes(report: Mapping[str, Any]) -> str:
    """Per spec file and docs page, the edits in line order: line, current text, what to change."""
    files = fix_files(report)
    if not files:
        return ""
    total = sum(len(f["edits"]) for f in files)
    out = [f'<section id="fixes"><h2>Fix list: {total} edits in {len(files)} files</h2>']
    for entry in files:
        items = []
        for e, n in same_line(entry["edits"]):
            more = f" <span class=\"tag\">and {n - 1} more like it</span>" if n > 1 else ""
            text = f" <code>{esc(e['text'])}</code>" if e.get("text") else ""
            proposed = e.get("proposed")
            add = (f"<div class=\"proposed\">add below line {esc(proposed['after'])}:"
                   f"<pre>{esc(proposed['text'])}</pre></div>") if proposed else ""
            items.append(f"<li><b>line {esc(e['line'])}</b>:{text} — {esc(e['change'])}{more} "
                         f"<code class=\"meta\">{esc(e['check'])}</code>{add}</li>")
        out.append(f"<details open><summary><h3><code>{esc(entry['file'])}</code> ({esc(entry['side'])}, "
                   f"{len(entry['edits'])} edits)</h3></summary><ul class=\"fixes\">{''.join(items)}</ul></details>")
    out.append("</section>")
    return "".join(out)


def _causes(findings: list[Finding]) -> str:
    """Every finding, one entry per cause, its places listed (report.json keeps each)."""
    anchor = {id(f): i for i, f in enumerate(findings)}
    groups = entries(findings)
    if not groups:
        return ""
    items = []
    for e in groups:
        places = e.places
        listing = "".join(f"<li><code>{esc(p.where())}</code> {esc(p.message)}</li>" for p in places)
        items.append(f'<li class="cause {esc(e.severity)}"><span class="tag sev-{esc(e.severity)}">{esc(e.severity)}'
                     f'</span> <a href="#f{anchor[id(e.first)]}"><code>{esc(e.check)}</code></a> '
                     f"<b>×{len(places)}</b> {esc(e.title)}"
                     f"<details><summary>{len(places)} places</summary><ul>{listing}</ul></details></li>")
    return (f'<section id="causes"><h2>Findings by cause: {len(groups)} causes, {len(findings)} findings</h2>'
            f'<ul class="causes">{"".join(items)}</ul></section>')


_VERDICT_COLOURS = {"docs": "#2e7d32", "spec": "#1565c0", "neither": "#c62828", "both": "#6a1b9a",
                    "internal": "#9e9e9e", "undecided": "#ef6c00", "unprobed": "#cfd8dc"}
VERDICT_LABEL = {key: title for key, title, _ in VERDICT_GROUPS}


def _chart(findings: Iterable[Finding]) -> str:
    """Two small inline SVG bar charts: findings by verdict (drift) and by stage. No script, no network."""
    items = list(findings)
    by_stage: dict[str, int] = {}
    for f in items:
        stage = stage_of(f["check"])
        by_stage[stage] = by_stage.get(stage, 0) + 1
    rows = matrix(items)
    verdicts = [(VERDICT_LABEL.get(r.finding.get("verdict") or "", r.fix) if kind == "decided" else title, kind,
                 r.finding.get("verdict") or "", len(r.entry.findings))
                for kind, title, _ in KINDS for r in rows.get(kind, [])]
    counted: dict[str, tuple[int, str]] = {}
    for label, kind, verdict, n in verdicts:
        seen, colour = counted.get(label, (0, _VERDICT_COLOURS.get(verdict if kind == "decided" else kind, "#9e9e9e")))
        counted[label] = (seen + n, colour)
    bars = [(label, n, colour) for label, (n, colour) in counted.items()]
    stages = [(k, n, "#546e7a") for k, n in sorted(by_stage.items(), key=lambda kv: (-kv[1], kv[0]))]
    charts = [_bars("spec ↔ docs drift by verdict", bars), _bars("findings by stage", stages)]
    return '<div class="charts">' + "".join(c for c in charts if c) + "</div>"


def _bars(title: str, bars: list[tuple[str, int, str]]) -> str:
    if not bars:
        return ""
    top = max(n for _, n, _ in bars)
    row, label_w, bar_w = 18, 190, 220
    height = row * len(bars) + 22
    parts = [f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{label_w + bar_w + 50}" '
             f'height="{height}" viewBox="0 0 {label_w + bar_w + 50} {height}" xmlns="http://www.w3.org/2000/svg">'
             f'<text x="0" y="12" font-weight="600">{esc(title)}</text>']
    for i, (label, n, colour) in enumerate(bars):
        y = 20 + i * row
        width = max(1, round(bar_w * n / top))
        parts.append(f'<text x="0" y="{y + 12}">{esc(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 2}" width="{width}" height="{row - 5}" fill="{esc(colour)}"/>'
                     f'<text x="{label_w + width + 4}" y="{y + 12}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _coverage(coverage: Mapping[str, Any] | None) -> str:
    """Per operation a bar of the constraints a violating case breaks; then every constraint with whether
    its case was sent and how it was judged (the undecided ones first, the enforced ones collapsed)."""
    operations = (coverage or {}).get("operations") or {}
    if not operations:
        return ""
    bars = []
    total = covered = 0
    for operation, entry in sorted(operations.items()):
        n, c = int(entry.get("constraints", 0)), int(entry.get("covered", 0))
        total, covered = total + n, covered + c
        bars.append(_bar(operation, c, n))
    if not total:  # no constraint anywhere (traffic judged by the proxy): 0/0 bars say nothing
        return ""
    rows = constraint_rows(coverage)
    live = any(r["sent"] is not None for r in rows)
    body = "".join(
        f'<tr class="{"ok" if r["settled"] else "open"}"><td>{esc(r["operation"])}</td><td><code>{esc(r["pointer"])}'
        f'</code></td><td>{esc(r["keyword"])}</td><td>{esc(r["source"])}</td><td class="n">{r["cases"]}</td>'
        + (f'<td class="n">{esc(r["sent"] if r["sent"] is not None else "")}</td>' if live else "")
        + f"<td>{esc(r['judged'])}</td></tr>" for r in rows)
    open_rows = sum(1 for r in rows if not r["settled"])
    table = ""
    if rows:
        head = "<th>sent</th>" if live else ""
        table = (f'<details{" open" if open_rows else ""}><summary>every constraint: {open_rows} not settled '
                 f"(no case, not sent, accepted or undecided), {len(rows) - open_rows} "
                 f"{'refused as they should be' if live else 'with a case'}</summary>"
                 '<table id="constraints"><tr><th>operation</th><th>pointer</th><th>keyword</th><th>source</th>'
                 f"<th>cases</th>{head}<th>{'judged' if live else 'case'}</th></tr>{body}</table></details>")
    return (f'<section id="coverage"><h2>Constraint coverage: {covered}/{total}</h2>'
            f'<div role="img" aria-label="constraint coverage per operation">{"".join(bars)}</div>{table}</section>')


def _times(report: Mapping[str, Any]) -> str:
    """Live runs: per operation its response times, numbers and a small inline SVG histogram on buckets shared
    by every operation (so the rows compare)."""
    rows = time_rows(report)
    if not rows:
        return ""
    labels = bucket_labels(list((report.get("response_times") or {}).get("buckets") or []))
    body = "".join(
        f'<tr><td>{esc(r["operation"])}</td><td class="n">{esc(r["count"])}</td>'
        + "".join(f'<td class="n">{float(r[k]):.1f}</td>' for k in ("min", "median", "p95", "max"))
        + f"<td>{_histogram(r['operation'], list(r['histogram']), labels)}</td></tr>" for r in rows)
    return (f'<section id="times"><h2>Response times: {len(rows)} operation{"s" if len(rows) != 1 else ""}</h2>'
            '<p class="meta">every answered request of the live run, in milliseconds; the histogram counts requests '
            f"per bucket, from {esc(labels[0])} (left) to {esc(labels[-1])} (right)</p>"
            '<table><tr><th>operation</th><th>requests</th><th>min</th><th>median</th><th>p95</th><th>max</th>'
            f"<th>histogram</th></tr>{body}</table></section>")


def _histogram(operation: str, counts: list[int], labels: list[str]) -> str:
    """Bars per bucket (height: share of the operation's busiest bucket), each with its label and count as a
    tooltip, the edges written under the first, middle and last bar."""
    if not counts:
        return ""
    bar, gap, high = 14, 2, 30
    top = max(counts) or 1
    width = len(counts) * (bar + gap)
    parts = [f'<svg class="histogram" role="img" aria-label="{esc(operation)} response times" width="{width}" '
             f'height="{high + 14}" viewBox="0 0 {width} {high + 14}" xmlns="http://www.w3.org/2000/svg">'
             f'<line x1="0" y1="{high}" x2="{width}" y2="{high}" stroke="#bbb"/>']
    for i, n in enumerate(counts):
        h = round(high * n / top) if n else 0
        label = labels[i] if i < len(labels) else str(i)
        parts.append(f'<rect x="{i * (bar + gap)}" y="{high - h}" width="{bar}" height="{max(h, 0)}" fill="#546e7a">'
                     f"<title>{esc(label)}: {n}</title></rect>")
    for i in sorted({0, len(counts) // 2, len(counts) - 1}):
        anchor = "start" if i == 0 else ("end" if i == len(counts) - 1 else "middle")
        x = i * (bar + gap) + (0 if anchor == "start" else bar if anchor == "end" else bar / 2)
        parts.append(f'<text x="{x}" y="{high + 11}" font-size="9" text-anchor="{anchor}">'
                     f"{esc(labels[i] if i < len(labels) else i)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _pages(coverage: Mapping[str, Any] | None) -> str:
    """Per docs page: what was recognised and compared; what was skipped (each with its line) when opened."""
    rows = page_rows(coverage)
    if not rows:
        return ""
    body = []
    for r in rows:
        detail = "".join(f"<li>{esc(item)}</li>" for item in (*r["skipped_items"], *r["not_compared"]))
        more = f"<details><summary>{r['skipped']} skipped, {len(r['not_compared'])} not compared</summary>" \
               f"<ul>{detail}</ul></details>" if detail else "—"
        body.append(f"<tr><td><code>{esc(r['file'])}</code></td><td>{esc(r['endpoints'])}</td>"
                    f"<td>{esc(r['tables'])}</td><td>{esc(r['examples'])}</td><td>{esc(r['structures'])}</td>"
                    f"<td>{more}</td></tr>")
    return (f'<section id="pages"><h2>Docs coverage: {len(rows)} page{"s" if len(rows) != 1 else ""}</h2>'
            "<table><tr><th>page</th><th>endpoints</th><th>tables</th><th>examples</th><th>structures</th>"
            f"<th>skipped</th></tr>{''.join(body)}</table></section>")


def _reach(coverage: Mapping[str, Any] | None) -> str:
    """A compact table: per operation the statuses seen, a 2xx or not, and why not with the fix."""
    rows = reach_rows(coverage)
    if not rows:
        return ""
    reached = sum(1 for r in rows if r["reached"])
    body = "".join(
        f'<tr class="{"ok" if r["reached"] else "no"}"><td>{esc(r["operation"])}</td><td>{esc(r["statuses"])}</td>'
        f'<td>{"yes" if r["reached"] else "no"}</td><td>{esc(r["why"])}'
        + (f'<br><em>{esc(r["hint"])}</em>' if r["hint"] else "")
        + (f'<br><em>{esc(r["fields"])}</em>' if r["fields"] else "") + "</td></tr>"
        for r in rows)
    return (f'<section id="reach"><h2>Coverage: {reached}/{len(rows)} operations answered 2xx</h2>'
            '<table><tr><th>operation</th><th>statuses</th><th>2xx</th><th>why not — fix</th></tr>'
            f"{body}</table></section>")


def _bar(label: str, covered: int, total: int) -> str:
    share = covered / total if total else 0.0
    width = round(share * 100, 1)
    return (f'<div class="bar"><span class="label" title="{esc(label)}">{esc(label)}</span>'
            f'<svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
            f'<rect width="100" height="10" fill="#e0e0e0"/><rect width="{width}" height="10" fill="#2e7d32"/></svg>'
            f"<span>{covered}/{total} ({width:.0f}%)</span></div>")


def _fixed(fixed: Iterable[Mapping[str, Any]]) -> str:
    items = [f"<li><code>{esc(e['check'])}</code> {esc(e.get('operation') or '')}: {esc(e.get('message', ''))}</li>"
             for e in fixed]
    if not items:
        return ""
    return f'<section id="fixed"><h2>Fixed since the baseline ({len(items)})</h2><ul>{"".join(items)}</ul></section>'


def _filters() -> str:
    selects = "".join(f'<label>{k} <select id="f-{k}"><option value="">all</option></select></label>'
                      for k in ("check", "operation", "severity", "verdict", "baseline"))
    return (f'<div class="filters">{selects}<input id="f-q" type="search" placeholder="text">'
            '<button id="f-reset" type="button">reset</button><span id="shown" class="meta"></span></div>')


def _findings(findings: list[Finding], report: Mapping[str, Any]) -> Iterator[str]:
    yield f'<section id="findings"><h2>Findings ({len(findings)})</h2>{_filters()}'
    yield from (_finding(i, f) for i, f in enumerate(findings)) if findings else ("<p>No findings.</p>",)
    yield "</section>"


def _finding(i: int, f: Finding) -> str:
    attrs = "".join(f' data-{k}="{esc(v)}"' for k, v in _attrs(f).items())
    tags = [f'<span class="tag sev-{esc(f["severity"])}">{esc(f["severity"])}</span>',
            f"<code>{esc(f['check'])}</code>"]
    if f.get("operation"):
        tags.append(f"<span>{esc(f['operation'])}</span>")
    if f.get("verdict"):
        tags.append(f'<span class="tag">live follows: {esc(f["verdict"])}</span>')
    if f.get("baseline"):
        tags.append(f'<span class="tag {esc(f["baseline"])}">{esc(f["baseline"])}</span>')
    return (f'<article class="finding {esc(f["severity"])}" id="f{i}"{attrs}><div class="head">{"".join(tags)}</div>'
            f'<p class="msg">{esc(f["message"])}</p>{_evidence(f)}</article>')


def _evidence(f: Finding) -> str:
    items: list[tuple[str, str]] = []
    if f.get("spec"):
        items.append(("spec", f"<code>{esc(location_text(f['spec'], pointer=False))}</code>"
                      + (f" <code>{esc(f['spec']['pointer'])}</code>" if f["spec"].get("pointer") else "")))
    if f.get("docs"):
        items.append(("docs", f"<code>{esc(location_text(f['docs']))}</code>"))
    if f.get("constraint"):
        c = f["constraint"]
        items.append(("constraint", f"<code>{esc(c.get('pointer') or '/')} {esc(c.get('keyword'))}</code> "
                                    f"{esc(c.get('description', ''))} <span class=\"tag\">{esc(c.get('source'))}</span>"))
    if f.get("live"):
        items.append(("live", _exchange(f["live"])))
    if f.get("curl"):
        items.append(("curl", f"<pre class=\"curl\">{esc(f['curl'])}</pre>"))
    details = {k: v for k, v in (f.get("details") or {}).items() if k != "subject"}
    if details:
        items.append(("details", f"<pre>{esc(json.dumps(details, ensure_ascii=False, indent=1, default=str))}</pre>"))
    items.append(("fingerprint", f"<code>{esc(f['fingerprint'])}</code>"))
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in items)
    is_open = " open" if f.get("live") or f.get("curl") else ""
    return f"<details{is_open}><summary>evidence</summary><dl class=\"ev\">{rows}</dl></details>"


def _exchange(live: Mapping[str, Any]) -> str:
    req_headers = "".join(f"\n{k}: {v}" for k, v in (live.get("request_headers") or {}).items())
    request = f"{live.get('method', '')} {live.get('url', '')}{req_headers}"
    if live.get("request_body"):
        request += "\n\n" + str(live["request_body"])
    if live.get("error"):
        response = f"no response: {live['error']}"
    else:
        res_headers = "".join(f"\n{k}: {v}" for k, v in (live.get("response_headers") or {}).items())
        response = f"HTTP {live.get('status')}{res_headers}"
        if live.get("response_body"):
            response += "\n\n" + str(live["response_body"])
        if live.get("body_truncated"):
            response += "\n… (body truncated)"
    return f'<pre class="request">{esc(request)}</pre><pre class="response">{esc(response)}</pre>'
