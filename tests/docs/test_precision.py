"""Precision and attribution of docs drift on real pages (issue #11): one finding per missing page,
request-only rows of shared structures, every finding on the line to edit, per-page coverage.

Real material only: Discord's pages (three vendored, the shared corpus' 17) against discord-api-spec,
the seed pages of `specs/`, and corpus specs that tag their operations (Box, OpenAI).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.compare import compare
from contract.docs import read_docs
from contract.load import load_spec
from contract.report import build_report
from tests.conftest import CORPUS
from tests.docs.test_discord import VENDOR, corpus, vendored

MISSING = "drift.operation_missing_in_docs"


def _missing(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == MISSING]


def _spec_line(path: str, line: int) -> str:
    return Path(path).read_text(encoding="utf-8").splitlines()[line - 1]


# ----------------------------------------------------------------------------- 1. missing operations rolled up


def test_operations_of_a_page_not_given_are_one_finding_listing_each_with_its_spec_line():
    spec, pages = vendored()
    user = [p for p in pages if p.file.endswith("user.mdx")]
    findings = compare(spec, user)
    per_operation = [f for f in findings if f.check == MISSING]
    report = build_report(findings, command="drift")
    grouped = _missing(report)
    # emoji.mdx and sticker.mdx are not given: 18 operations, one finding per missing resource
    assert len(per_operation) == 18
    assert sorted(len(f["details"]["places"]) for f in grouped) == [2, 6, 10]
    emojis = next(f for f in grouped if len(f["details"]["places"]) == 10)
    assert emojis["message"].startswith("10 operations under /applications/{application_id}/emojis and "
                                        "/guilds/{guild_id}/emojis are not on user.mdx, the one docs page given")
    assert emojis["operation"] is None
    assert sorted(emojis["details"]["operations"]) == sorted(
        f.operation for f in per_operation if f.operation and "/emojis" in f.operation)
    for place in emojis["details"]["places"]:
        method, path = place["operation"].split(" ", 1)
        line = place["spec"]["line"]
        assert f"{place['operation']} (spec line {line})" in emojis["message"]
        assert f'"{method.lower()}"' in _spec_line(place["spec"]["file"], line)  # the operation's own line
        assert path == place["spec"]["pointer"].split("/")[2].replace("~1", "/")


def test_the_corpus_missing_operations_are_one_finding_per_missing_page():
    spec, pages, _ = corpus()
    findings = compare(spec, pages)
    per_operation = [f for f in findings if f.check == MISSING]
    grouped = _missing(build_report(findings, command="drift"))
    assert len(per_operation) == sum(len(f["details"]["places"]) for f in grouped)
    assert len(grouped) <= len(per_operation) / 3, [f["message"][:80] for f in grouped]
    commands = [f for f in grouped if "/commands" in f["message"]]
    assert len(commands) == 1  # the application-commands page: global and guild commands, 15 operations
    assert len(commands[0]["details"]["operations"]) == 15
    assert "on none of the 17 docs pages given" in commands[0]["message"]
    lobbies = next(f for f in grouped if "under /lobbies " in f["message"])
    assert all(op.split(" ", 1)[1].startswith("/lobbies") for op in lobbies["details"]["operations"])


def test_a_spec_that_tags_its_operations_is_grouped_by_tag():
    path = CORPUS / "box-3.0.json"
    if not path.is_file():
        pytest.skip(f"the shared corpus is not here ({path})")
    spec = load_spec(path)
    page = read_docs(VENDOR / "user.mdx")  # documents none of Box's operations
    grouped = _missing(build_report(compare(spec, [page]), command="drift"))
    tags = set()
    for op in spec.operations:
        raw = spec.data["paths"][op.path][op.method.lower()]
        tags.add(raw["tags"][0])
    assert len(grouped) == len(tags)
    files = next(f for f in grouped if "tagged “Files”" in f["message"])
    assert all(spec.data["paths"][o.split(" ", 1)[1]][o.split(" ", 1)[0].lower()]["tags"][0] == "Files"
               for o in files["details"].get("operations") or [files["operation"]])


def test_a_tag_partly_documented_names_the_page_that_has_the_rest():
    path = CORPUS / "openai-3.1.yaml"
    if not path.is_file():
        pytest.skip(f"the shared corpus is not here ({path})")
    spec = load_spec(path)
    from contract.compare.missing import missing_in_docs

    models = [op for op in spec.operations if op.path.startswith("/models")]
    assert len(models) == 3
    documented = {models[0].key: "docs/models.md"}
    found = missing_in_docs(spec, [read_docs(VENDOR / "user.mdx")] * 2, documented)
    mine = [f for f in found if f.details["cause"] == "tag:Models"]
    assert len(mine) == 2
    assert "the other 1 tagged so is on models.md" in mine[0].details["cause_message"]


def test_missing_findings_merge_the_same_from_shards():
    spec, pages = vendored()
    findings = compare(spec, [p for p in pages if p.file.endswith("user.mdx")])
    from contract.report.merge import merge_reports

    whole = _missing(build_report(findings, command="drift"))
    half = len(findings) // 2
    merged = _missing(merge_reports([build_report(findings[:half], command="drift"),
                                     build_report(findings[half:], command="drift")]))
    assert [(f["message"], f["fingerprint"]) for f in merged] == [(f["message"], f["fingerprint"]) for f in whole]
