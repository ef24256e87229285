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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from contract.report.json import SEVERITIES
from contract.report.view import (
    Finding,
    describe,
    location_text,
    ordered,
    reach_rows,
    short_message,
    verdict_groups,
)


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


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
.bar svg{flex:1;height:14px}.verdict li{margin:2px 0}[hidden]{display:none!important}
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
        _drift(findings),
        _reach(report.get("coverage")),
        _coverage(report.get("coverage")),
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
    return f'<section id="summary"><div class="cards">{"".join(cards)}</div>{table}</section>'


def _hash_value(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _drift(findings: list[Finding]) -> str:
    anchor = {id(f): i for i, f in enumerate(findings)}
    groups = verdict_groups(findings)
    if not groups:
        return ""
    out = ['<section id="drift"><h2>Drift by verdict</h2>']
    for key, title, advice, members in groups:
        is_open = "" if key == "unprobed" and len(groups) > 1 else " open"  # live verdicts first, in view
        out.append(f'<details{is_open} id="verdict-{esc(key)}"><summary><h3>{esc(title)} ({len(members)})</h3>'
                   f'</summary><p class="meta">{esc(advice)}</p><ul class="verdict">')
        out += [f"<li><a href=\"#f{anchor[id(f)]}\"><code>{esc(f['check'])}</code></a> "
                f"{esc(f.get('operation') or '')}: {esc(short_message(f))}</li>" for f in members]
        out.append("</ul></details>")
    out.append("</section>")
    return "".join(out)


def _coverage(coverage: Mapping[str, Any] | None) -> str:
    operations = (coverage or {}).get("operations") or {}
    if not operations:
        return ""
    bars = []
    total = covered = 0
    for operation, entry in sorted(operations.items()):
        n, c = int(entry.get("constraints", 0)), int(entry.get("covered", 0))
        total, covered = total + n, covered + c
        bars.append(_bar(operation, c, n))
    rows = []
    for operation, entry in sorted(operations.items()):
        for row in entry.get("rows") or []:
            if not row.get("cases"):
                rows.append(f"<tr><td>{esc(operation)}</td><td><code>{esc(row.get('pointer'))}</code></td>"
                            f"<td>{esc(row.get('keyword'))}</td><td>{esc(row.get('source', ''))}</td>"
                            f"<td>{esc(row.get('note', ''))}</td></tr>")
    uncovered = ""
    if rows:
        uncovered = ("<h3>Constraints without a violating case</h3><table><tr><th>operation</th><th>pointer</th>"
                     "<th>keyword</th><th>source</th><th>why</th></tr>" + "".join(rows) + "</table>")
    return (f'<section id="coverage"><h2>Constraint coverage: {covered}/{total}</h2>'
            f'<div role="img" aria-label="constraint coverage per operation">{"".join(bars)}</div>{uncovered}</section>')


def _reach(coverage: Mapping[str, Any] | None) -> str:
    """A compact table: per operation the statuses seen, a 2xx or not, and why not with the fix."""
    rows = reach_rows(coverage)
    if not rows:
        return ""
    reached = sum(1 for r in rows if r["reached"])
    body = "".join(
        f'<tr class="{"ok" if r["reached"] else "no"}"><td>{esc(r["operation"])}</td><td>{esc(r["statuses"])}</td>'
        f'<td>{"yes" if r["reached"] else "no"}</td><td>{esc(r["why"])}'
        + (f'<br><em>{esc(r["hint"])}</em>' if r["hint"] else "") + "</td></tr>"
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
