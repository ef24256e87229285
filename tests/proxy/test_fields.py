"""Coverage from traffic: documented response fields (spec schema, docs tables) no judged response carried —
on Discord's real spec and reference pages (the shared corpus)."""

from __future__ import annotations

import json
import re

import pytest

from contract.load import load_spec
from contract.model import Exchange
from contract.pipeline import read_pages
from contract.proxy.fields import carried_fields, documented_fields, unseen_fields
from contract.proxy.judge import Judge
from contract.report import build_report, merge_reports
from contract.report.html import render_html
from contract.report.json import validation_errors
from contract.report.markdown import render_markdown
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not there")
API = "https://discord.com/api/v10"
PACKS = "GET /sticker-packs"
SEARCH = "GET /guilds/{guild_id}/messages/search"


@pytest.fixture(scope="module")
def discord():
    return load_spec(CORPUS / "discord-3.1.json")


@pytest.fixture(scope="module")
def pages():
    return read_pages([str(CORPUS / "docs" / "discord" / n) for n in ("message.mdx", "sticker.mdx")])[0]


def _answer(judge: Judge, path: str, body: object, status: int = 200) -> None:
    judge.add(Exchange("GET", API + path, {}, None, status, {"content-type": "application/json"},
                       json.dumps(body).encode()))


def _pack(**drop: bool) -> dict:
    pack = {"id": "1", "sku_id": "2", "name": "p", "description": "d", "stickers": [], "cover_sticker_id": "3",
            "banner_asset_id": "4"}
    return {k: v for k, v in pack.items() if k not in drop}


def test_only_the_outermost_unseen_path_is_listed(discord):
    schema = discord.operation(PACKS).responses["200"].content["application/json"].schema
    documented = documented_fields(schema, discord.resolve_ref)
    assert {"sticker_packs", "sticker_packs[]", "sticker_packs[].stickers[].tags"} <= set(documented)
    assert unseen_fields(documented, carried_fields({"sticker_packs": []})) == ["sticker_packs[]"]
    carried = carried_fields({"sticker_packs": [_pack(banner_asset_id=True)]})
    assert unseen_fields(documented, carried) == ["sticker_packs[].stickers[]", "sticker_packs[].banner_asset_id"]
    assert unseen_fields(documented, carried | carried_fields({"sticker_packs": [_pack()]})) == [
        "sticker_packs[].stickers[]"]


def test_fields_unseen_per_status_in_the_report_and_every_format(discord, pages):
    judge = Judge(discord, pages)
    _answer(judge, "/sticker-packs", {"sticker_packs": [_pack(banner_asset_id=True)]})
    _answer(judge, "/sticker-packs", {"sticker_packs": [_pack(description=True)]})  # each field carried once
    reach = judge.reach()
    assert reach[PACKS]["fields_unseen"] == {"200": ["sticker_packs[].stickers[]"]}
    assert "fields_unseen" not in reach["GET /stickers/{sticker_id}"]  # no traffic: its statuses say it
    report = build_report(judge.findings(), command="judge", extra=judge.extra())
    assert validation_errors(json.loads(json.dumps(report, default=str))) == []
    line = "documented fields never carried: 200: sticker_packs[].stickers[]"
    markdown = re.sub(r"\\(.)", r"\1", render_markdown(report, limit=1000, max_bytes=1 << 24))  # cells escape
    assert line in markdown and line in render_html(report)


def test_a_docs_row_the_spec_does_not_state_is_listed_from_the_docs(discord, pages):
    """Without the spec's schema for the search answer the docs table is what documents it; a row is
    carried wherever the body has it (an envelope does not hide it)."""
    spec = load_spec(CORPUS / "discord-3.1.json", cache=False)  # its own copy: the module's fixture stays whole
    spec.operation(SEARCH).responses["200"].content.clear()
    judge = Judge(spec, pages)
    _answer(judge, "/guilds/1/messages/search", {"result": {"total_results": 0, "messages": []}})
    unseen = judge.reach()[SEARCH]["fields_unseen"]["200"]
    assert unseen == ["doing_deep_historical_index (docs)", "documents_indexed (docs)", "threads (docs)",
                      "members (docs)"]


def test_xdist_workers_fields_merge_to_what_neither_carried(discord, pages):
    reports = []
    for body in ({"sticker_packs": [_pack(banner_asset_id=True)]}, {"sticker_packs": [_pack(description=True)]}):
        judge = Judge(discord, pages)
        _answer(judge, "/sticker-packs", body)
        reports.append(build_report(judge.findings(), command="pytest", extra=judge.extra()))
    alone = reports[0]["coverage"]["operations"][PACKS]["fields_unseen"]["200"]
    assert "sticker_packs[].banner_asset_id" in alone
    merged = merge_reports(reports)
    assert merged["coverage"]["operations"][PACKS]["fields_unseen"] == {"200": ["sticker_packs[].stickers[]"]}
    assert merged["traffic"]["exchanges"] == 2 and merged["traffic"]["operations"]["exercised"] == 1
