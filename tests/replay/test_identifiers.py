"""Identifiers the run carries from a write to the requests after it, and how it expects them back."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, cast

from contract.model import Case, Exchange
from contract.replay.operations import Link, Resource, ResourceView
from contract.replay.pool import Host, InstancePool
from contract.replay.roundtrip import State, compare_state


def _pool() -> InstancePool:
    host = SimpleNamespace(config=SimpleNamespace(path_params={}), token="t")
    return InstancePool(cast(Host, host), cast(Any, None), cast(Any, None))


def test_a_client_named_path_identifier_outranks_the_answers_field() -> None:
    """A write to `/files/1/metadata/global/properties` made what its URL names (RFC 9110 §9.3.4), whatever the
    field the graph linked `{template_key}` to holds in the answer (Box answers a new `$id` UUID there)."""
    res = Resource("/files/{file_id}/metadata/{scope}", links=[Link("path", "template_key", "$id")],
                   view=ResourceView((), {"$id": {"type": "string"}}))
    case = Case("POST /x", "POST", "/files/{file_id}/metadata/{scope}/{template_key}",
                path_params={"template_key": "properties"})
    answer = Exchange("POST", "http://127.0.0.1/x", {}, status=201,
                      response_body=json.dumps({"$id": "01234567-89ab-4def-8123-456789abcdef"}).encode())
    ids, data = _pool().identifiers(res, case, answer)
    assert ids == {"$id": "properties"}
    assert data["$id"] == "01234567-89ab-4def-8123-456789abcdef"  # what the server showed is still its data


def test_identifier_text_may_come_back_as_the_number_it_spells() -> None:
    """`{level_index}` travels as text; the level shows it as the integer `index` (Box's taxonomy levels, any
    integer path parameter a resource echoes). A body field sent as text is still judged by its type."""
    wire = State()
    wire.identify({"index": "5"}, wire=True)
    assert compare_state(wire, {"index": 5}) == []
    assert [d.kind for d in compare_state(wire, {"index": 6})] == ["changed"]
    body = State()
    body.identify({"index": "5"})
    assert [d.kind for d in compare_state(body, {"index": 5})] == ["type-changed"]
