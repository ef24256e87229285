"""The fix list proposes the text a "missing in" edit adds (issue #17, item 3), in the file's own syntax.

The proof is behavioural: every proposal of a file, inserted where it says, leaves a document that still
parses, and the drift run on the edited files no longer reports what the proposals fix — on the seeds
(YAML spec, rendered-text pages), listmonk's YAML spec and Markdown pages, and Discord's JSON spec and MDX
pages (tests/docs/vendor/*/SOURCES), none of them written for this test.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract.pipeline import offline_findings
from contract.report import build_report
from contract.report.groups import places_of
from contract.report.proposals import propose
from tests.conftest import ROOT
from tests.report.conftest import DOCS, SPEC, checked

VENDOR = ROOT / "tests" / "docs" / "vendor"


def _inputs(name: str) -> tuple[str, list[str]]:
    if name == "seeds":
        return SPEC, list(DOCS)
    folder = VENDOR / name
    return str(next(folder.glob("spec.*"))), sorted(str(p) for p in folder.iterdir() if p.suffix in (".md", ".mdx"))


def _apply(lines: list[str], proposals: list[dict[str, Any]]) -> list[str]:
    """Insert every proposal below its line, the lowest first so each `after` still names its line."""
    out = list(lines)
    for p in sorted(proposals, key=lambda p: -p["after"]):
        out[p["after"]:p["after"]] = p["text"].splitlines()
    return out


@pytest.mark.parametrize("name", ["seeds", "listmonk", "discord"])
def test_applied_proposals_parse_and_fix_their_findings(name: str, tmp_path: Path):
    spec, docs = _inputs(name)
    report = checked(build_report(offline_findings(spec, docs), command="drift", inputs={"spec": spec, "docs": docs}))
    proposed = {(entry["file"], entry["side"]): [e for e in entry["edits"] if e.get("proposed")]
                for entry in report["fixes"]}
    proposed = {k: v for k, v in proposed.items() if v}
    assert proposed, "nothing proposed"
    copies: dict[str, str] = {}
    for file in [spec, *docs]:
        target = tmp_path / Path(file).name
        shutil.copy(file, target)
        copies[file] = str(target)
    fixed = set()
    for (file, side), edits in proposed.items():
        lines = Path(file).read_text(encoding="utf-8").splitlines()
        by_print = {f["fingerprint"]: f for f in report["findings"]}
        for e in edits:
            assert e["field"] is None and e["check"].endswith(f"_missing_in_{side}")
            for user in by_print[e["fingerprint"]]["details"].get("shared_with") or []:
                assert "also the body of" in e["change"] and user in e["change"]
            assert 1 <= e["proposed"]["after"] <= len(lines)
        edited = _apply(lines, [e["proposed"] for e in edits])
        text = "\n".join(edited) + "\n"
        if side == "spec":  # still a document of its own syntax
            (json.loads if file.endswith(".json") else yaml.safe_load)(text)
        Path(copies[file]).write_text(text, encoding="utf-8")
        fixed |= {e["fingerprint"] for e in edits}
    # the copies have other paths (and so other fingerprints): a finding is its check, operation and subject
    key = {f["fingerprint"]: (f["check"], f.get("operation"), f["details"].get("subject")) for f in report["findings"]}
    after = offline_findings(copies[spec], [copies[d] for d in docs])
    still = {(f.check, f.operation, f.subject) for f in after} & {key[fp] for fp in fixed}
    assert not still, still
    # and the edit adds nothing the other document now disagrees with: no drift place said anew
    def said(findings: list[dict[str, Any]]) -> set[tuple[str, str | None, str]]:
        """(check, operation, subject) of every drift place; subjects naming a page by its path, by its name."""
        return {(f["check"], p.operation, re.sub(r"\S*/", "", str(f["details"].get("subject"))))
                for f in findings if f["check"].startswith("drift.") for p in places_of(f)}

    edited = build_report(after, command="drift", inputs={})
    # a table that left most of a schema out is one finding naming the fields: an edit that makes the rest
    # fit (a property added to the schema) splits it into one per field, each of them already reported
    listed = {(f["check"], p.operation, name) for f in report["findings"] for p in places_of(f)
              for name in f["details"].get("fields") or []}
    # a property added to a component adds it for every operation using it: the edit's change says which
    shared = {op for f in report["findings"] if f["fingerprint"] in fixed for op in f["details"].get("shared_with") or []}
    new = {k for k in said(edited["findings"]) - said(report["findings"])
           if (k[0], k[1], k[2].rsplit(":", 1)[-1]) not in listed and k[1] not in shared}
    assert not new, new


def test_proposals_follow_the_file_style():
    """Indentation and quoting from the file: a status under `responses:` quoted as its siblings, a limit one
    step under its property, JSON with its trailing comma; a flow mapping or a `$ref` gets nothing."""
    yaml_lines = ["openapi: 3.0.3", "paths:", "  /a:", "    get:", "      responses:", "        '200':",
                  "          description: ok", "components:", "  schemas:", "    A:", "      type: object",
                  "      properties:", "        n:", "          type: string", "        r:",
                  "          $ref: '#/components/schemas/B'", "        f: {type: string}"]
    status = {"check": "drift.status_missing_in_spec", "details": {"status": 404, "description": "Not found"}}
    assert propose(status, "spec", yaml_lines, 5, "a.yaml") == {
        "after": 5, "text": "        '404':\n          description: Not found"}
    limit = {"check": "drift.limit_missing_in_spec", "details": {"keyword": "maxLength", "docs_value": 30}}
    assert propose(limit, "spec", yaml_lines, 13, "a.yaml") == {"after": 13, "text": "          maxLength: 30"}
    assert propose(limit, "spec", yaml_lines, 15, "a.yaml") is None  # beside a $ref
    assert propose(limit, "spec", yaml_lines, 17, "a.yaml") is None  # a flow mapping
    field = {"check": "drift.field_missing_in_spec",
             "details": {"docs_row": {"name": "m", "type": "integer", "nullable": True, "description": "a: b"}}}
    assert propose(field, "spec", yaml_lines, 10, "a.yaml") == {
        "after": 12, "text": "        m:\n          type: integer\n          nullable: true\n          description: 'a: b'"}
    v31 = ["openapi: 3.1.0", *yaml_lines[1:]]
    assert "type:\n          - integer\n          - 'null'" in propose(field, "spec", v31, 10, "a.yaml")["text"]
    json_lines = ['{', '    "openapi": "3.0.3",', '    "components": {', '        "schemas": {',
                  '            "A": {', '                "type": "object",', '                "properties": {',
                  '                    "n": {"type": "string"}', '                }', '            }', '        }',
                  '    }', '}']
    got = propose(field, "spec", json_lines, 5, "a.json")
    assert got is not None and got["after"] == 7
    assert got["text"].splitlines()[0] == '                    "m": {' and got["text"].endswith("},")
    edited = _apply(json_lines, [got])
    assert json.loads("\n".join(edited))["components"]["schemas"]["A"]["properties"]["m"]["nullable"] is True


def test_a_docs_row_uses_the_tables_own_words_and_glyphs():
    page = ["Parameter | Type | Required in request | Nullable in request | Description |", "---|---|---|---|---|",
            "first_name | String | ➖ | ➕ | Your end user's first name. |",
            "age | Integer | ➕ | ➖ | Age. |", "", "Next section"]
    row = {"name": "nick", "type": "string", "format": None, "required": False, "nullable": True,
           "description": "A | nickname"}
    got = propose({"check": "drift.field_missing_in_docs", "details": {"spec_row": row}}, "docs", page, 3, "p.txt")
    assert got == {"after": 4, "text": "nick | String | ➖ | ➕ | A \\| nickname |"}
    markdown = ["| Name | Type | Required | Description |", "| :--- | :--- | :--- | :--- |",
                "| `a` | number\\[\\] | Yes | A. |", "| `b` | string |  | B. |"]
    got = propose({"check": "drift.field_missing_in_docs", "details": {"spec_row": {**row, "type": "array"}}},
                  "docs", markdown, 3, "p.md")
    assert got == {"after": 4, "text": "| `nick` | array |  | A \\| nickname |"}  # "number[]" names its items
    assert propose({"check": "drift.field_missing_in_docs", "details": {"spec_row": row}}, "docs",
                   ["<table><tr><td>a</td></tr></table>"], 1, "p.html") is None
