"""Reach: per operation the statuses seen, whether a 2xx was reached, and if not why, with the fix."""

from __future__ import annotations

import json

from contract.model import Case, Exchange
from contract.replay.reach import Reach
from contract.report import build_report, render_markdown
from contract.report.json import coverage_section, validation_errors


def _answer(reach: Reach, op: str, status: int | None, body: object = None, *, path: dict[str, str] | None = None,
            produced: bool = False, mode: str = "conforming", error: str | None = None) -> None:
    case = Case(op, op.split()[0], op.split()[1], path_params=dict(path or {}), mode=mode)  # type: ignore[arg-type]
    if produced:
        case.identifier_sources.update({n: "produced" for n in case.path_params})
    ex = Exchange(case.method, "http://127.0.0.1:9/x", {}, status=status, error=error,
                  response_body=json.dumps(body).encode() if body is not None else None)
    reach.observe(case, ex, list(case.path_params))


def test_why_and_hint_per_status():
    reach = Reach()
    seg = "GET /c/{collection_name}/s/{segment_id}"
    for _ in range(3):
        _answer(reach, seg, 404, {"error": {"code": "not_found", "message": "collection 'x' not found"}},
                path={"collection_name": "x", "segment_id": "y"})
    _answer(reach, seg, 404, path={"collection_name": "x", "segment_id": "y"}, mode="violating")  # not counted
    _answer(reach, "GET /account", 401, {"detail": "bad key"})
    _answer(reach, "POST /c", 409, {"error": {"code": "already_exists", "message": "collection 'a' exists"}})
    _answer(reach, "GET /stats", 400, {"detail": "the index is rebuilding"})
    _answer(reach, "GET /slow", None, error="timeout")
    _answer(reach, "GET /gone/{id}", 404, path={"id": "1"}, produced=True)
    statuses = {seg: {"404": 4}, "GET /account": {"401": 1}, "GET /health": {"200": 2, "401": 1}}
    out = reach.summary([seg, "GET /account", "POST /c", "GET /stats", "GET /slow", "GET /gone/{id}", "GET /health",
                         "GET /never"], statuses, not_sent={"DELETE /c": "--read-only"})
    assert out["GET /health"] == {"statuses": {"200": 2, "401": 1}, "reached": True, "why": None, "hint": None}
    assert out[seg]["why"] == ("every conforming request was answered 404: made-up `collection_name` and "
                               "`segment_id` (\"collection 'x' not found\")")
    assert out[seg]["hint"] == ("no operation produced `collection_name` and `segment_id`; pass `--path-param "
                                "collection_name=… --path-param segment_id=…` or add an OpenAPI link from the "
                                "operation that creates it")
    assert out["GET /account"]["why"] == 'every conforming request was answered 401 ("bad key")'
    assert "check the credential" in out["GET /account"]["hint"]
    assert "409" in out["POST /c"]["why"] and "--seed" in out["POST /c"]["hint"]
    assert "stricter than the spec" in out["GET /stats"]["why"] and "the index is rebuilding" in out["GET /stats"]["why"]
    assert "not answered (timeout)" in out["GET /slow"]["why"]
    assert out["GET /gone/{id}"]["why"] == "every conforming request was answered 404"  # produced ids: no hint to add
    assert out["GET /never"]["why"].startswith("no conforming request was sent")
    assert out["DELETE /c"] == {"statuses": {}, "reached": False, "why": "not sent: --read-only", "hint": None}


def test_reach_is_in_the_report_and_its_summary():
    reach = Reach()
    _answer(reach, "GET /account", 401, {"detail": "bad key"})
    coverage = coverage_section({"GET /account": []}, reach.summary(["GET /account", "GET /health"],
                                                                      {"GET /health": {"200": 1}}))
    report = build_report([], command="run", extra={"coverage": coverage})
    assert validation_errors(report) == []
    md = render_markdown(report)
    assert "### Coverage: 1/2 operations answered 2xx" in md
    assert md.index("GET /account") < md.index("GET /health")  # what was not reached comes first


def test_the_same_answers_in_any_order_give_the_same_reach():
    answers = [("collection 'b' not found", "b"), ("collection 'a' not found", "a")]
    out = []
    for order in (answers, answers[::-1]):
        reach = Reach()
        for message, name in order:  # workers finish in any order
            _answer(reach, "GET /c/{collection_name}", 404, {"error": {"code": "not_found", "message": message}},
                    path={"collection_name": name})
        out.append(reach.summary(["GET /c/{collection_name}"], {}))
    assert out[0] == out[1] and "collection 'a' not found" in out[0]["GET /c/{collection_name}"]["why"]
