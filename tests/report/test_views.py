"""The views of a real `contract check` on the seeds (issue #17): the matrix first, grouped causes, a fix list per file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from contract.report import render_html, render_markdown
from contract.report.groups import cause_key, entries, places_of
from tests.report.conftest import XSS, checked, clone


@pytest.fixture(scope="module")
def seed_check(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, str]:
    """`contract check` as the README runs it: bundled spec + docs against the auto-started sandbox."""
    from contract.cli import main

    out = tmp_path_factory.mktemp("check")
    with pytest.raises(SystemExit):
        main(["check", "--report-dir", str(out)])
    report = checked(json.loads((out / "report.json").read_text(encoding="utf-8")))
    return report, (out / "report.md").read_text(encoding="utf-8"), (out / "report.html").read_text(encoding="utf-8")


def _cause_rows(md: str) -> list[str]:
    section = md[md.index("### Findings by cause"):]
    section = section[: section.index("\n###", 1)] if "\n###" in section[1:] else section
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| severity")]


def test_grouped_views_show_at_most_40_entries_and_the_json_keeps_every_place(seed_check):
    report, md, page = seed_check
    findings = report["findings"]
    assert len(findings) == report["summary"]["findings"] > 100
    rows = _cause_rows(md)
    items = BeautifulSoup(page, "html.parser").select("#causes ul.causes > li")
    assert 0 < len(rows) == len(items) <= 40 < len(findings)
    # every place of report.json is listed once in the HTML's places
    places = sum(len(places_of(f)) for f in findings)
    assert sum(len(li.select("details li")) for li in items) == places
    counts = sorted(int(r.split("|")[3]) for r in rows)
    assert sum(counts) == places
    nullable = [r for r in rows if "`lint.nullable_in_31`" in r]
    assert len(nullable) == 1 and int(nullable[0].split("|")[3]) == report["summary"]["by_check"]["lint.nullable_in_31"]
    dates = [r for r in rows if "`drift.example_violates_spec`" in r and "date-time" in r]
    assert len(dates) == 1 and int(dates[0].split("|")[3]) >= 10


def test_the_matrix_is_the_headline_and_tells_document_internal_from_decided(seed_check):
    report, md, page = seed_check
    decided = [f for f in report["findings"] if f.get("verdict") in ("docs", "spec", "neither", "both")]
    internal = [f for f in report["findings"] if f.get("verdict") == "inconclusive"
                and f["details"]["probe"].get("testable") is False]
    assert decided and internal
    assert md.index("### Spec ↔ docs ↔ live") < md.index("### Fix list") < md.index("### Findings by cause")
    assert f"{len(decided)} disagreements decided by the live API" in md
    assert "#### Document-internal: no live test possible (" in md and "Inconclusive" not in md
    dom = BeautifulSoup(page, "html.parser")
    sections = [s["id"] for s in dom.select("main > section")]
    assert sections[:3] == ["summary", "matrix", "fixes"]
    rows = dom.select("#matrix table.matrix")[0].select("tr")[1:]
    assert len(rows) == len(decided)
    by_message = {f["message"]: f for f in decided}
    for row in rows:
        cells = row.select("td")
        article = dom.select_one(cells[0].select_one("a")["href"])  # the row links to the finding's evidence
        f = by_message[article.select_one("p.msg").get_text()]
        assert f["spec"]["file"] in cells[1].get_text() and f["docs"]["file"] in cells[2].get_text()
        evidence = cells[3].select_one("details")
        assert evidence is not None and evidence.select_one("pre.curl").get_text() == f["curl"]
        assert cells[4].get_text().startswith("fix the")
    # the seeds' server follows the docs: every decided row says to fix the spec
    assert {r.select("td")[4].get_text() for r in rows} == {"fix the spec"}


def test_the_fix_list_names_lines_that_exist_and_hold_their_field(seed_check):
    report, md, _ = seed_check
    fixes = report["fixes"]
    files = {(f["side"], f["file"]) for f in fixes}
    inputs = report["inputs"]
    assert ("spec", inputs["spec"]) in files and all(("docs", d) in files for d in inputs["docs"])
    checked_fields = 0
    for entry in fixes:
        lines = Path(entry["file"]).read_text(encoding="utf-8").splitlines()
        numbers = [e["line"] for e in entry["edits"]]
        assert numbers == sorted(numbers)
        for e in entry["edits"]:
            assert 1 <= e["line"] <= len(lines)
            assert e["text"] == lines[e["line"] - 1].strip()[:300]
            if e["field"] is not None:
                assert e["field"] in e["text"], e
                checked_fields += 1
    assert checked_fields > 0.8 * sum(len(f["edits"]) for f in fixes)
    # the example: the spec's `nullable: true` of a field the live API refuses null for
    spec = next(f for f in fixes if f["side"] == "spec")
    birthday = [e for e in spec["edits"] if e["check"] == "drift.nullable_mismatch" and "birthday" in e["change"]]
    assert len(birthday) == 1 and birthday[0]["text"] == "nullable: true" and "refuses null" in birthday[0]["change"]
    assert f"- line {birthday[0]['line']}: `nullable: true`" in md
    # the live API follows the docs everywhere here: no docs edit for a decided disagreement
    assert not [e for f in fixes if f["side"] == "docs" for e in f["edits"] if e["verdict"] == "docs"]


def _example(value: str, at: str) -> dict[str, Any]:
    return {"check": "drift.example_violates_spec", "severity": "warning", "operation": "GET /x",
            "message": f'GET /x: json response 200 example breaks the spec at {at}: "{value}" is not a "date-time"',
            "fingerprint": "0" * 16, "spec": None, "docs": {"file": "p.md", "line": 3, "pointer": None},
            "details": {"keyword": "format"}}


def test_one_notation_is_one_cause_another_is_not():
    same = [_example("2022-10-12T09:42:50.000000+0000", "/a"), _example("2021-01-02T03:04:05.000000+0100", "/b/0/c")]
    other = _example("12/10/2022 09:42", "/d")
    assert cause_key(same[0]) == cause_key(same[1]) != cause_key(other)
    assert [len(e.findings) for e in entries([*same, other])] == [2, 1]


def test_planted_script_in_probe_curl_and_fix_text_stays_escaped(live_report):
    report = clone(live_report)
    f = report["findings"][0]
    f["details"]["probe"] = {"sent": XSS, "decided": XSS, "status": 400, "spec_expects": "accept",
                             "docs_expects": "reject"}
    f["curl"] = "curl " + XSS
    report["fixes"] = [{"file": XSS, "side": "spec", "edits": [
        {"line": 1, "text": XSS, "check": f["check"], "severity": "error", "verdict": "docs", "field": None,
         "change": XSS, "fingerprint": f["fingerprint"]}]}]
    checked(report)
    page = render_html(report)
    dom = BeautifulSoup(page, "html.parser")
    assert not dom.select("script:not([type])")[1:]  # only the page's own script
    assert XSS not in page and "&lt;script&gt;" in page
    rendered = MarkdownIt("commonmark").enable("table").render(render_markdown(report))  # as GitHub would
    assert "<script" not in rendered and "&lt;script&gt;document.body" in rendered


def test_the_charts_are_inline_svg_counting_drift_by_verdict_and_findings_by_stage(seed_check):
    report, _, page = seed_check
    charts = BeautifulSoup(page, "html.parser").select("#summary svg.chart")
    assert [c["aria-label"] for c in charts] == ["spec ↔ docs drift by verdict", "findings by stage"]
    for chart in charts:  # self-contained: nothing to fetch
        assert not [t for t in chart.find_all(True) if t.has_attr("href") or t.has_attr("src")]

    def bars(chart: Any) -> dict[str, int]:
        texts = [t.get_text() for t in chart.select("text")][1:]
        return {label: int(n) for label, n in zip(texts[::2], texts[1::2], strict=True)}

    drift = [f for f in report["findings"] if f.get("verdict")]
    internal = sum(1 for f in drift if f["details"]["probe"].get("testable") is False)
    assert bars(charts[0]) == {"Live follows docs: fix the spec": len(drift) - internal,
                               "Document-internal: no live test possible": internal}
    stages = bars(charts[1])
    assert sum(stages.values()) == len(report["findings"]) and stages["lint"] == sum(
        1 for f in report["findings"] if f["check"].startswith("lint."))


@pytest.mark.parametrize("vendor", ["discord", "listmonk"])
def test_fix_list_and_grouping_hold_on_pages_we_did_not_write(vendor):
    """Discord's and listmonk's own reference pages with their specs (tests/docs/vendor/*/SOURCES)."""
    from contract.pipeline import offline_findings
    from contract.report import build_report
    from tests.conftest import ROOT

    folder = ROOT / "tests" / "docs" / "vendor" / vendor
    spec = str(next(folder.glob("spec.*")))
    docs = sorted(str(p) for p in folder.iterdir() if p.suffix in (".md", ".mdx"))
    report = checked(build_report(offline_findings(spec, docs), command="drift", inputs={"spec": spec, "docs": docs}))
    edits = [(entry["file"], e) for entry in report["fixes"] for e in entry["edits"]]
    assert edits
    for file, e in edits:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
        assert e["text"] == lines[e["line"] - 1].strip()
        assert e["field"] is None or e["field"] in e["text"], e
    assert sum(1 for _, e in edits if e["field"]) > len(edits) / 2
    groups = entries(report["findings"])
    assert len(groups) < len(report["findings"])
    for group in groups:  # one cause: one check, one page, one direction of a yes/no disagreement
        assert len({f["check"] for f in group.findings}) == 1
        assert len({(f.get("docs") or {}).get("file") for f in group.findings}) == 1
        assert len({str((f["details"].get("docs_value"), f["details"].get("spec_value"))) for f in group.findings
                    if isinstance(f["details"].get("docs_value"), bool)}) <= 1


def test_in_a_browser_the_matrix_comes_first_and_a_filter_leaves_it_whole(seed_check, tmp_path):
    """Headless Chromium (as the other browser tests): the matrix right after the summary, its evidence
    collapsed, and a findings filter (a script feature) hides findings but not matrix rows."""
    from tests.report.test_html import BROWSER, dump_dom

    if BROWSER is None:
        pytest.skip("no chromium on PATH")
    _, _, page = seed_check
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    dom = dump_dom(path, tmp_path, "#check=lint.nullable_in_31")
    assert dom.body.get("data-ready") == "1" and dom.body.get("data-pwned") is None
    assert [s["id"] for s in dom.select("main > section")][:2] == ["summary", "matrix"]
    rows = dom.select("#matrix table.matrix tr")
    assert rows and not [r for r in rows if r.has_attr("hidden")]
    assert all(not d.has_attr("open") for d in dom.select("#matrix details"))  # collapsed until clicked
    shown = [a for a in dom.select("article.finding") if not a.has_attr("hidden")]
    assert shown and {a["data-check"] for a in shown} == {"lint.nullable_in_31"}


_PROBE = """<script>
(function(){
  "use strict";
  var b = document.body, m = document.getElementById("matrix"), s = document.getElementById("summary");
  b.setAttribute("data-matrix-top", String(Math.round(m.getBoundingClientRect().top)));
  b.setAttribute("data-summary-top", String(Math.round(s.getBoundingClientRect().top)));
  b.setAttribute("data-viewport", String(window.innerHeight));
  var d = m.querySelector("details"); var before = d.open;
  d.querySelector("summary").click();
  b.setAttribute("data-evidence", String(before) + ">" + String(d.open));
  var f = document.getElementById("f-check"); f.value = "lint.nullable_in_31";
  f.dispatchEvent(new Event("change"));
  b.setAttribute("data-filtered", String(document.querySelectorAll("article.finding:not([hidden])").length));
})();
</script>"""


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _chromium(*args: str, tmp_path: Path) -> str:
    import subprocess

    from tests.report.test_html import BROWSER

    if BROWSER is None:
        pytest.skip("no chromium on PATH (CI installs Debian's chromium, see .ci/run)")
    run = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", *args]
    done = subprocess.run(run, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_screenshot_the_matrix_is_on_the_first_screen_and_scripts_work(seed_check, tmp_path):
    """The acceptance's screenshot: the page as a 1280×900 browser window shows it (a PNG of that size), with the
    matrix starting on that first screen right below the summary; in the same browser a click opens a row's
    evidence and the check filter hides every other finding (a probe script appended to a copy does both)."""
    report, _, page = seed_check
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    _chromium("--window-size=1280,900", f"--screenshot={shot}", path.resolve().as_uri(), tmp_path=tmp_path)
    assert _png_size(shot) == (1280, 900) and shot.stat().st_size > 20_000  # drawn, not a blank page
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    dom = BeautifulSoup(_chromium("--window-size=1280,900", "--dump-dom", probe.resolve().as_uri(),
                                  tmp_path=tmp_path), "html.parser")
    body = dom.body
    assert body.get("data-ready") == "1" and body.get("data-pwned") is None
    assert 0 <= int(body["data-summary-top"]) < int(body["data-matrix-top"]) < int(body["data-viewport"])
    assert body["data-evidence"] == "false>true"  # collapsed, opened by a click
    assert int(body["data-filtered"]) == report["summary"]["by_check"]["lint.nullable_in_31"]


def test_with_scripts_off_the_page_is_whole_and_static(seed_check, tmp_path):
    """Scripts off (as a mail client or a locked-down viewer shows it): nothing hidden, nothing filled in by
    script, every finding, the matrix, the fix list, the coverage and the charts are there to read. Scripts are
    switched off by a second Content-Security-Policy (`script-src 'none'`; both policies hold), since Chromium's
    own switch also stops --dump-dom."""
    report, _, page = seed_check
    path = tmp_path / "report.html"
    assert page.count("<head>") == 1
    path.write_text(page.replace("<head>", "<head><meta http-equiv=\"Content-Security-Policy\" "
                                           "content=\"script-src 'none'\">"), encoding="utf-8")
    dom = BeautifulSoup(_chromium("--dump-dom", path.resolve().as_uri() + "#check=lint.nullable_in_31",
                                  tmp_path=tmp_path), "html.parser")
    assert dom.body.get("data-ready") is None  # the script really did not run
    assert [o["value"] for o in dom.select("#f-check option")] == [""]
    articles = dom.select("article.finding")
    assert len(articles) == len(report["findings"]) and not [a for a in articles if a.has_attr("hidden")]
    assert not dom.select("[hidden]")
    assert [s["id"] for s in dom.select("main > section")][:3] == ["summary", "matrix", "fixes"]
    assert dom.select("#matrix table.matrix tr") and dom.select("#fixes li") and dom.select("#summary svg.chart")
    for section in ("reach", "pages", "coverage", "times", "causes"):
        assert dom.select_one(f"#{section}") is not None, section
    evidence = dom.select_one("#matrix details")
    assert evidence.select_one("pre.curl").get_text()  # collapsed, but its text is in the page


def test_planted_script_in_the_spec_and_the_docs_stays_escaped_in_every_view(tmp_path):
    """`<script>` written into the inputs themselves — a spec property's description and a docs table row — reaches
    the fix list (the row's text, the proposed row) and the findings; no view runs or renders it as markup."""
    from contract.cli import main
    from contract.report.github import render_annotations
    from tests.report.conftest import DOCS, SPEC
    from tests.report.test_github import _parse
    from tests.report.test_html import BROWSER, dump_dom

    spec = tmp_path / "spec.yaml"
    spec.write_text(Path(SPEC).read_text(encoding="utf-8").replace(
        "description: IPv4 address of the end user", "description: " + json.dumps(XSS)), encoding="utf-8")
    pages = []
    for doc in DOCS:
        target = tmp_path / Path(doc).name
        target.write_text(Path(doc).read_text(encoding="utf-8").replace(
            "Your end user's first name.", XSS), encoding="utf-8")
        pages.append(str(target))
    out = tmp_path / "reports"
    with pytest.raises(SystemExit):
        main(["check", "--offline", "--spec", str(spec), "--docs", *pages, "--report-dir", str(out)])
    report = checked(json.loads((out / "report.json").read_text(encoding="utf-8")))
    edits = [e for f in report["fixes"] for e in f["edits"]]
    assert any(XSS in (e["text"] or "") for e in edits)  # the docs row's text, as the file has it
    assert any(XSS in (e.get("proposed") or {}).get("text", "") for e in edits)  # the row proposed from the spec
    page = (out / "report.html").read_text(encoding="utf-8")
    assert XSS not in page and len(BeautifulSoup(page, "html.parser").find_all("script")) == 2
    md = (out / "report.md").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark").enable("table").render(md)  # as GitHub would
    assert "<script" not in rendered
    for line in render_annotations(report).splitlines():  # one well-formed workflow command a line
        _parse(line)
    if BROWSER is not None:
        dom = dump_dom(out / "report.html", tmp_path)
        assert dom.body.get("data-ready") == "1" and dom.body.get("data-pwned") is None
        assert XSS in dom.select_one("#fixes").get_text()  # shown as text


def test_coverage_and_reach_are_in_both_human_formats(seed_check):
    """Item 4 of the issue: per operation the statuses and whether a 2xx was reached, per docs page what was
    read and skipped, per constraint whether its violating case was sent and how it was judged, and (item 6)
    the response times — each in report.md and report.html, not only in report.json."""
    from contract.report.markdown import cell
    from contract.report.view import constraint_rows, page_rows, reach_rows

    report, md, page = seed_check
    dom = BeautifulSoup(page, "html.parser")
    coverage = report["coverage"]
    reach = reach_rows(coverage)
    assert reach and len(dom.select("#reach tr")[1:]) == len(reach)
    for r in reach:
        assert f"| {cell(r['operation'])} | {cell(r['statuses'])} |" in md
    pages = page_rows(coverage)
    assert pages and len(dom.select("#pages tr")[1:]) == len(pages)
    for p in pages:
        assert f"| {cell(Path(p['file']).name)} | {cell(p['endpoints'])} |" in md
    skipped = [item for p in pages for item in p["skipped_items"]]
    assert skipped and all(item in dom.select_one("#pages").get_text() for item in skipped)
    rows = constraint_rows(coverage)
    assert rows and all(r["sent"] is not None for r in rows)  # a live run: every row says what was sent
    assert len(dom.select("#constraints tr")[1:]) == len(rows)
    judged = [tr.select("td")[-1].get_text() for tr in dom.select("#constraints tr")[1:]]
    assert judged == [r["judged"] for r in rows]
    assert "accepted (a finding)" in " ".join(judged) and "refused (enforced)" in " ".join(judged)
    settled = sum(1 for r in rows if r["settled"])
    assert f"### Constraints: {settled} of {len(rows)} refused as they should be" in md
    times = report["response_times"]["operations"]
    assert times and {tr.select("td")[0].get_text() for tr in dom.select("#times tr")[1:]} == set(times)
    for op, t in times.items():
        assert f"| {cell(op)} | {t['count']} | " in md
