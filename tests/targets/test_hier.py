"""The hierarchical target: the clean server keeps its own spec, and each fault breaks it in exactly one way.

One scenario drives every operation in dependency order (collection → segments → records →
queries → counts → updates → auth probes → seal → deletes) and keeps each answer. On the clean
server every answer has the status the scenario expects and conforms to `openapi.yaml` (checked
with `contract.assert_conforms`), and every request meant to succeed conforms too (checked with
`contract.Validators`). Each fault test runs the same scenario with one fault on and asserts
the full difference from the clean run: which steps changed, and how.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import contract
from contract.assertions import ContractAssertionError
from contract.load import Spec
from contract.model import Violation
from tests.targets.hier import DEFAULT_KEY, FAULTS, SPEC, check_faults, create_app, reached, serve, stats

KEY = DEFAULT_KEY
BAD_KEY = "not-a-key"
MISSING = object()
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
View = tuple[int, str, Any]


@pytest.fixture(scope="module")
def spec() -> Spec:
    return contract.load_spec(SPEC)


@pytest.fixture(scope="module")
def validators(spec: Spec) -> contract.Validators:
    return contract.Validators(spec)


# --------------------------------------------------------------------------- the scenario


@dataclass(slots=True)
class Step:
    name: str
    op: str
    expect: int
    response: httpx.Response
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Any = MISSING
    headers: dict[str, str] = field(default_factory=dict)


class Driver:
    """Sends requests by operationId (method and path come from the spec) and keeps every answer."""

    def __init__(self, base_url: str, spec: Spec) -> None:
        self.spec = spec
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.steps: list[Step] = []

    def call(self, name: str, op_id: str, expect: int, *, path: dict[str, str] | None = None,
             query: dict[str, str] | None = None, body: Any = MISSING, raw: bytes | None = None,
             key: str | None = KEY) -> httpx.Response:
        assert name not in {s.name for s in self.steps}, name
        op = self.spec.operation(op_id)
        path = path or {}
        url = op.path.format(**path)
        headers = {"X-Api-Key": key} if key is not None else {}
        content: bytes | None = raw
        if body is not MISSING:
            content = json.dumps(body).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
        response = self.http.request(op.method, url, params=query, content=content, headers=headers)
        self.steps.append(Step(name, op_id, expect, response, path, dict(query or {}), body, headers))
        return response

    def close(self) -> None:
        self.http.close()


# A valid body for each operation that takes one (collection "books" has dimension 3).
BODIES: dict[str, Any] = {
    "createCollection": {"name": "other", "dimension": 2},
    "updateCollection": {"description": "x"},
    "createSegment": {"label": "x"},
    "replaceSegment": {"label": "x"},
    "createRecord": {"vector": [0.5, 0.5, 0.5]},
    "createRecords": {"records": [{"vector": [0.5, 0.5, 0.5]}]},
    "queryRecords": {"vector": [1, 1, 1], "top_k": 1},
    "updateRecord": {"score": 0.1},
    "replaceRecordPayload": {"x": 1},
}


def scenario(base_url: str, spec: Spec) -> list[Step]:
    """Every operation, in the order a client must follow; returns the steps with their answers."""
    d = Driver(base_url, spec)
    try:
        _scenario(d, spec)
    finally:
        d.close()
    return d.steps


def _scenario(d: Driver, spec: Spec) -> None:
    c = "books"
    d.call("health", "getHealth", 200, key=None)
    d.call("account", "getAccount", 200)
    d.call("create collection", "createCollection", 201,
           body={"name": c, "dimension": 3, "distance": "cosine", "description": "reading list"})
    d.call("create collection again", "createCollection", 409, body={"name": c, "dimension": 4})
    d.call("create collection bad name", "createCollection", 422, body={"name": "Books!", "dimension": 3})
    d.call("create collection no dimension", "createCollection", 422, body={"name": "nodim"})
    d.call("create collection malformed", "createCollection", 400, raw=b"{not json")
    d.call("list collections", "listCollections", 200)
    d.call("list collections bad limit", "listCollections", 400, query={"limit": "many"})
    cp = {"collection_name": c}
    d.call("get collection", "getCollection", 200, path=cp)
    d.call("get missing collection", "getCollection", 404, path={"collection_name": "nope"})
    d.call("update collection", "updateCollection", 200, path=cp, body={"description": "novels"})
    d.call("update collection dimension", "updateCollection", 422, path=cp,
           body={"description": "x", "dimension": 9})
    d.call("snapshot", "createSnapshot", 403, path=cp)

    s1 = d.call("create segment 1", "createSegment", 201, path=cp,
                body={"label": "first", "tags": ["a", "b"]}).json()["id"]
    s2 = d.call("create segment 2", "createSegment", 201, path=cp, body={"label": "second"}).json()["id"]
    d.call("create segment no label", "createSegment", 422, path=cp, body={"tags": ["a"]})
    d.call("create segment duplicate tags", "createSegment", 422, path=cp, body={"label": "x", "tags": ["a", "a"]})
    d.call("create segment in missing collection", "createSegment", 404, path={"collection_name": "nope"},
           body={"label": "x"})
    d.call("list segments", "listSegments", 200, path=cp)
    d.call("list segments page 2", "listSegments", 200, path=cp, query={"limit": "1", "offset": "1"})
    d.call("list segments bad offset", "listSegments", 400, path=cp, query={"offset": "-1"})
    d.call("count segments", "countSegments", 200, path=cp)
    sp1 = {**cp, "segment_id": s1}
    sp2 = {**cp, "segment_id": s2}
    d.call("get segment", "getSegment", 200, path=sp1)
    d.call("get missing segment", "getSegment", 404, path={**cp, "segment_id": "00000000-0000-4000-8000-000000000000"})
    d.call("replace segment", "replaceSegment", 200, path=sp2, body={"label": "second, renamed", "tags": ["z"]})

    r1 = d.call("create record 1", "createRecord", 201, path=sp1,
                body={"vector": [1, 0, 0], "payload": {"color": "red"}, "score": 0.9}).json()["id"]
    r2 = d.call("create record 2", "createRecord", 201, path=sp1, body={"vector": [0, 1, 0]}).json()["id"]
    d.call("create record wrong dimension", "createRecord", 422, path=sp1, body={"vector": [1, 0]})
    d.call("create record malformed", "createRecord", 400, path=sp1, raw=b"")
    d.call("create records batch", "createRecords", 201, path=sp1,
           body={"records": [{"vector": [0, 0, 1], "score": 0.6}, {"vector": [1, 1, 0], "score": 0.1}]})
    d.call("create records batch wrong dimension", "createRecords", 422, path=sp1,
           body={"records": [{"vector": [0, 0, 1]}, {"vector": [1]}]})
    d.call("list records", "listRecords", 200, path=sp1)
    d.call("list records min_score", "listRecords", 200, path=sp1, query={"min_score": "0.5"})
    d.call("list records bad min_score", "listRecords", 400, path=sp1, query={"min_score": "high"})
    d.call("count records", "countRecords", 200, path=sp1)
    rp1 = {**sp1, "record_id": r1}
    rp2 = {**sp1, "record_id": r2}
    d.call("get record", "getRecord", 200, path=rp1)
    d.call("get record in other segment", "getRecord", 404, path={**sp2, "record_id": r1})
    d.call("get record payload", "getRecordPayload", 200, path=rp1)
    d.call("replace record payload", "replaceRecordPayload", 200, path=rp2, body={"k": 1, "nested": {"a": [1]}})
    d.call("get record payload 2", "getRecordPayload", 200, path=rp2)
    d.call("replace record payload not object", "replaceRecordPayload", 422, path=rp2, body=[1, 2])
    d.call("query top 2", "queryRecords", 200, path=sp1, body={"vector": [1, 0.1, 0], "top_k": 2})
    d.call("query top 10 of 4", "queryRecords", 200, path=sp1, body={"vector": [0, 1, 0], "top_k": 10})
    d.call("query wrong dimension", "queryRecords", 422, path=sp1, body={"vector": [0, 1, 0, 0]})
    d.call("collection stats", "getCollectionStats", 200, path=cp)
    d.call("update record", "updateRecord", 200, path=rp1, body={"payload": {"color": "blue"}, "score": 0.8})
    d.call("get record after update", "getRecord", 200, path=rp1)
    d.call("update record empty", "updateRecord", 422, path=rp1, body={})
    d.call("update record vector", "updateRecord", 422, path=rp1, body={"vector": [0, 0, 1]})

    # Every operation that needs credentials, on live resources, without a key and with a bad one;
    # every operation under a collection, in a missing one; every body, malformed and not an object.
    targets = {"collection_name": c, "segment_id": s1, "record_id": r1}
    for op in spec.operations:
        op_id = op.operation_id or ""
        path = {p.name: targets[p.name] for p in op.parameters if p.location == "path"}
        body = BODIES.get(op_id, MISSING)
        if op_id != "getHealth":
            for label, key in (("no key", None), ("bad key", BAD_KEY)):
                d.call(f"{op_id} {label}", op_id, 401, path=path, body=body, key=key)
        if path and op_id != "createSnapshot":
            d.call(f"{op_id} missing collection", op_id, 404, path={**path, "collection_name": "nope"}, body=body)
        if body is not MISSING:
            d.call(f"{op_id} malformed body", op_id, 400, path=path, raw=b'{"a": ')
            d.call(f"{op_id} body not an object", op_id, 422, path=path, body="text")

    # A sealed segment: its records are read-only.
    r5 = d.call("create record in segment 2", "createRecord", 201, path=sp2, body={"vector": [3, 2, 1]}).json()["id"]
    rp5 = {**sp2, "record_id": r5}
    d.call("seal segment 2", "sealSegment", 200, path=sp2)
    d.call("seal segment 2 again", "sealSegment", 409, path=sp2)
    d.call("create record in sealed segment", "createRecord", 409, path=sp2, body={"vector": [1, 2, 3]})
    d.call("create records in sealed segment", "createRecords", 409, path=sp2, body=BODIES["createRecords"])
    d.call("update record in sealed segment", "updateRecord", 409, path=rp5, body={"score": 1})
    d.call("replace payload in sealed segment", "replaceRecordPayload", 409, path=rp5, body={})
    d.call("delete record in sealed segment", "deleteRecord", 409, path=rp5)
    d.call("get record in sealed segment", "getRecord", 200, path=rp5)
    d.call("delete record", "deleteRecord", 204, path=rp2)
    d.call("get record after delete", "getRecord", 404, path=rp2)
    d.call("count records after delete", "countRecords", 200, path=sp1)
    d.call("delete record again", "deleteRecord", 404, path=rp2)
    d.call("delete segment", "deleteSegment", 204, path=sp1)
    d.call("get segment after delete", "getSegment", 404, path=sp1)
    d.call("get record of deleted segment", "getRecord", 404, path=rp1)
    d.call("delete collection", "deleteCollection", 204, path=cp)
    d.call("get collection after delete", "getCollection", 404, path=cp)
    d.call("delete collection again", "deleteCollection", 404, path=cp)


def run_scenario(spec: Spec, *faults: str) -> list[Step]:
    with serve(faults=faults) as base_url:
        return scenario(base_url, spec)


@pytest.fixture(scope="module")
def clean(spec: Spec) -> list[Step]:
    return run_scenario(spec)


# --------------------------------------------------------------------------- comparing runs


def _views(steps: list[Step]) -> dict[str, View]:
    """Each step's answer as (status, media type, JSON body), server-chosen ids and times replaced."""
    ids: dict[str, str] = {}

    def norm(node: Any) -> Any:
        if isinstance(node, str):
            node = UUID.sub(lambda m: ids.setdefault(m.group(0), f"<id{len(ids)}>"), node)
            return TIMESTAMP.sub("<time>", node)
        if isinstance(node, list):
            return [norm(x) for x in node]
        if isinstance(node, dict):
            return {k: norm(v) for k, v in node.items()}
        return node

    out: dict[str, View] = {}
    for s in steps:
        media = s.response.headers.get("content-type", "").split(";")[0].strip()
        try:
            body = json.loads(s.response.content) if s.response.content else None
        except ValueError:
            body = s.response.text
        out[s.name] = (s.response.status_code, media, norm(body))
    return out


def deviations(clean: list[Step], faulty: list[Step]) -> dict[str, tuple[View, View]]:
    """Step → (clean answer, faulty answer), for the steps whose answers differ."""
    a, b = _views(clean), _views(faulty)
    assert list(a) == list(b)
    return {name: (a[name], b[name]) for name in a if a[name] != b[name]}


def spec_breaks(spec: Spec, steps: list[Step]) -> dict[str, list[Violation]]:
    """Step → the ways its answer breaks the spec, for the steps whose answers do."""
    out: dict[str, list[Violation]] = {}
    for s in steps:
        try:
            contract.assert_conforms(s.response, s.op, spec=spec)
        except ContractAssertionError as exc:
            out[s.name] = exc.violations
    return out


def only_key_differs(clean_body: Any, faulty_body: Any, *keys: str) -> bool:
    """The two objects are equal once `keys` are left out (and do differ in them)."""
    def rest(body: Any) -> Any:
        return {k: v for k, v in body.items() if k not in keys}

    return rest(clean_body) == rest(faulty_body) and clean_body != faulty_body


# --------------------------------------------------------------------------- the clean server


def test_scenario_covers_every_operation(spec: Spec, clean: list[Step]) -> None:
    ops = {op.operation_id for op in spec.operations}
    assert len(ops) == len(spec.operations) == 26
    assert {s.op for s in clean} == ops
    answered_2xx = {s.op for s in clean if 200 <= s.response.status_code < 300}
    assert ops - answered_2xx == {"createSnapshot"}  # switched off on this deployment


def test_clean_server_answers_as_the_scenario_expects(clean: list[Step]) -> None:
    wrong = {s.name: (s.expect, s.response.status_code, s.response.text[:200]) for s in clean
             if s.response.status_code != s.expect}
    assert wrong == {}


def test_clean_server_conforms_to_its_spec(spec: Spec, clean: list[Step]) -> None:
    assert spec_breaks(spec, clean) == {}


def test_every_documented_status_is_answered(spec: Spec, clean: list[Step]) -> None:
    """Each status the spec documents is one the scenario sees (the snapshot's 201/404: when switched on)."""
    seen = {(s.op, str(s.response.status_code)) for s in clean}
    documented = {(op.operation_id, status) for op in spec.operations for status in op.responses}
    assert documented - seen == {("createSnapshot", "201"), ("createSnapshot", "404")}
    assert seen <= documented


def test_requests_meant_to_succeed_conform(spec: Spec, validators: contract.Validators,
                                           clean: list[Step]) -> None:
    broken: dict[str, list[str]] = {}
    for s in clean:
        if not 200 <= s.expect < 300:
            continue
        v = validators.request(spec.operation(s.op)).validate(headers=s.headers, query=s.query,
                                                              path_params=s.path_params, body=s.body)
        if v:
            broken[s.name] = [str(x) for x in v]
    assert broken == {}


def test_the_dimension_rule_is_the_one_the_spec_cannot_state(spec: Spec, validators: contract.Validators,
                                                              clean: list[Step]) -> None:
    """Wrong-length vectors conform to the spec, are refused 422, and the message names `vector`."""
    for name in ("create record wrong dimension", "create records batch wrong dimension", "query wrong dimension"):
        s = next(x for x in clean if x.name == name)
        assert validators.request(spec.operation(s.op)).validate(headers=s.headers, path_params=s.path_params,
                                                                 body=s.body) == []
        error = s.response.json()["error"]
        assert s.response.status_code == 422 and error["code"] == "validation_error"
        assert "vector" in error["message"] and "exactly 3 items" in error["message"]


def test_scenario_answers_in_detail(clean: list[Step]) -> None:
    by = {s.name: s.response for s in clean}
    assert by["create collection"].json()["name"] == "books"
    assert by["list collections"].json()["total"] == 1
    assert by["snapshot"].json() == {"error": "disabled"}
    assert by["list segments"].json()["total"] == 2
    assert [s["label"] for s in by["list segments page 2"].json()["items"]] == ["second"]
    assert by["count segments"].json() == {"count": 2}
    assert by["list records"].json()["total"] == 4 and len(by["list records"].json()["items"]) == 4
    assert [r["score"] for r in by["list records min_score"].json()["items"]] == [0.9, 0.6]
    assert by["count records"].json() == {"count": 4}
    top2 = by["query top 2"].json()["results"]
    assert [r["payload"] for r in top2] == [{"color": "red"}, {}]  # [1,0,0] first, then [1,1,0]
    assert len(by["query top 10 of 4"].json()["results"]) == 4
    assert by["collection stats"].json() == {"name": "books", "segments": 2, "records": 4}
    assert by["get record after update"].json()["payload"] == {"color": "blue"}
    assert by["count records after delete"].json() == {"count": 3}
    assert by["health"].headers["content-type"] == "application/json"
    assert by["delete record"].content == b""
    for s in clean:
        if s.response.status_code >= 400 and s.op != "createSnapshot":
            assert set(s.response.json()) == {"error"} and set(s.response.json()["error"]) == {"code", "message"}


# --------------------------------------------------------------------------- one test per fault


def test_every_fault_has_its_test() -> None:
    tested = {name.removeprefix("test_fault_") for name in globals() if name.startswith("test_fault_")}
    assert tested == set(FAULTS)


def test_fault_query_index_error(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "query_index_error")
    dev = deviations(clean, faulty)
    assert set(dev) == {"query top 10 of 4"}
    before, after = dev["query top 10 of 4"]
    assert before[0] == 200 and after[0] == 500
    assert after[2] == {"error": {"code": "internal", "message": "internal server error"}}
    assert set(spec_breaks(spec, faulty)) == {"query top 10 of 4"}


def test_fault_record_missing_created_at(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "record_missing_created_at")
    dev = deviations(clean, faulty)
    assert set(dev) == {"get record", "get record after update", "get record in sealed segment"}
    for before, after in dev.values():
        assert before[:2] == after[:2] == (200, "application/json")
        assert "created_at" in before[2] and {**after[2], "created_at": before[2]["created_at"]} == before[2]
    breaks = spec_breaks(spec, faulty)
    assert set(breaks) == set(dev)
    assert all([(v.part, v.keyword) for v in vs] == [("body", "required")] and "created_at" in vs[0].message
               for vs in breaks.values())


def test_fault_patch_not_kept(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "patch_not_kept")
    dev = deviations(clean, faulty)
    assert set(dev) == {"get record after update"}  # the PATCH itself answers as if it had worked
    before, after = dev["get record after update"]
    assert only_key_differs(before[2], after[2], "payload", "score")
    assert (before[2]["payload"], before[2]["score"]) == ({"color": "blue"}, 0.8)
    assert (after[2]["payload"], after[2]["score"]) == ({"color": "red"}, 0.9)
    assert spec_breaks(spec, faulty) == {}


def test_fault_delete_not_done(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "delete_not_done")
    dev = deviations(clean, faulty)
    assert set(dev) == {"get record after delete", "count records after delete", "delete record again"}
    assert dev["get record after delete"][0][0] == 404 and dev["get record after delete"][1][0] == 200
    assert dev["delete record again"][0][0] == 404 and dev["delete record again"][1][0] == 204
    assert dev["count records after delete"][0][2] == {"count": 3}
    assert dev["count records after delete"][1][2] == {"count": 4}
    assert spec_breaks(spec, faulty) == {}


def test_fault_auth_ignored(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "auth_ignored")
    dev = deviations(clean, faulty)
    assert set(dev) == {"listRecords no key", "listRecords bad key"}
    for before, after in dev.values():
        assert before[0] == 401 and after[0] == 200
        assert after[2]["total"] == 4  # the records of the key's tenant, to anyone
    assert spec_breaks(spec, faulty) == {}  # 200 is documented: only a credential probe sees it


def test_fault_count_as_string(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "count_as_string")
    dev = deviations(clean, faulty)
    assert dev == {"count segments": ((200, "application/json", {"count": 2}),
                                      (200, "application/json", {"count": "2"}))}
    breaks = spec_breaks(spec, faulty)
    assert set(breaks) == {"count segments"}
    assert [(v.part, v.pointer, v.keyword) for v in breaks["count segments"]] == [("body", "/count", "type")]


def test_fault_create_segment_200(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "create_segment_200")
    dev = deviations(clean, faulty)
    assert set(dev) == {"create segment 1", "create segment 2"}
    for before, after in dev.values():
        assert (before[0], after[0]) == (201, 200) and before[1:] == after[1:]
    breaks = spec_breaks(spec, faulty)
    assert set(breaks) == set(dev)
    assert all([v.part for v in vs] == ["status"] for vs in breaks.values())


def test_fault_payload_text_plain(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "payload_text_plain")
    dev = deviations(clean, faulty)
    assert set(dev) == {"get record payload", "get record payload 2"}
    for before, after in dev.values():
        assert before[1] == "application/json" and after[1] == "text/plain"
        assert before[0] == after[0] == 200 and before[2] == after[2]
    breaks = spec_breaks(spec, faulty)
    assert set(breaks) == set(dev)
    assert all([v.part for v in vs] == ["content-type"] for vs in breaks.values())


def test_fault_list_drops_last(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "list_drops_last")
    dev = deviations(clean, faulty)
    assert set(dev) == {"list records"}  # the newest record (score 0.1) is below the min_score filter anyway
    before, after = dev["list records"]
    assert before[2]["total"] == after[2]["total"] == 4
    assert after[2]["items"] == before[2]["items"][:3]
    assert spec_breaks(spec, faulty) == {}


def test_fault_total_off_by_one(spec: Spec, clean: list[Step]) -> None:
    faulty = run_scenario(spec, "total_off_by_one")
    dev = deviations(clean, faulty)
    assert set(dev) == {"list segments", "list segments page 2"}
    for before, after in dev.values():
        assert only_key_differs(before[2], after[2], "total")
        assert (before[2]["total"], after[2]["total"]) == (2, 3)
    assert spec_breaks(spec, faulty) == {}


def test_faults_combine(spec: Spec, clean: list[Step]) -> None:
    """Several faults at once give the union of their deviations."""
    faulty = run_scenario(spec, "count_as_string", "delete_not_done", "auth_ignored")
    assert set(deviations(clean, faulty)) == {"count segments", "get record after delete",
                                               "count records after delete", "delete record again",
                                               "listRecords no key", "listRecords bad key"}


def test_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="no_such_fault"):
        create_app(faults={"no_such_fault"})
    assert check_faults(["auth_ignored"]) == frozenset({"auth_ignored"})


# --------------------------------------------------------------------------- harness and configuration


def test_stats_count_per_operation_template_and_status() -> None:
    with serve() as base_url, httpx.Client(base_url=base_url, headers={"X-Api-Key": KEY}) as http:
        assert stats(base_url) == []  # readiness polls are not counted
        http.post("/collections", json={"name": "a", "dimension": 1})
        http.post("/collections", json={"name": "a", "dimension": 1})
        seg = http.post("/collections/a/segments", json={"label": "s"}).json()["id"]
        http.get(f"/collections/a/segments/{seg}")
        http.get("/collections/a/segments/00000000-0000-4000-8000-000000000000")
        http.get("/undocumented")
        rows = stats(base_url)
        assert {(r["method"], r["path"], r["status"]): r["count"] for r in rows} == {
            ("POST", "/collections", 201): 1,
            ("POST", "/collections", 409): 1,
            ("POST", "/collections/{collection_name}/segments", 201): 1,
            ("GET", "/collections/{collection_name}/segments/{segment_id}", 200): 1,
            ("GET", "/collections/{collection_name}/segments/{segment_id}", 404): 1,
        }
        assert reached(rows) == {"POST /collections": 1, "POST /collections/{collection_name}/segments": 1,
                                 "GET /collections/{collection_name}/segments/{segment_id}": 1}
        unrouted = http.get("/undocumented")
        assert unrouted.status_code == 404 and unrouted.json()["error"]["code"] == "not_found"
        refused = http.request("PUT", "/collections")
        assert refused.status_code == 405 and set(refused.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
        assert http.delete("/__stats").status_code == 204 and stats(base_url) == []


def test_serve_always_stops_and_frees_its_port() -> None:
    with pytest.raises(RuntimeError, match="boom"), serve() as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        assert httpx.get(base_url + "/health").status_code == 200
        raise RuntimeError("boom")
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url + "/health", timeout=2)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_snapshots_switched_on_by_configuration(spec: Spec) -> None:
    with serve(snapshots=True) as base_url, httpx.Client(base_url=base_url, headers={"X-Api-Key": KEY}) as http:
        http.post("/collections", json={"name": "a", "dimension": 1})
        made = http.post("/collections/a/snapshot")
        missing = http.post("/collections/b/snapshot")
    assert (made.status_code, missing.status_code) == (201, 404)
    contract.assert_conforms(made, "createSnapshot", spec=spec)
    contract.assert_conforms(missing, "createSnapshot", spec=spec)


def test_each_key_is_a_tenant_of_its_own() -> None:
    with serve(keys={"ka": "tenant-a", "kb": "tenant-b"}) as base_url, httpx.Client(base_url=base_url) as http:
        assert http.post("/collections", json={"name": "a", "dimension": 1},
                         headers={"X-Api-Key": "ka"}).status_code == 201
        assert http.get("/collections/a", headers={"X-Api-Key": "kb"}).status_code == 404
        assert http.post("/collections", json={"name": "a", "dimension": 1},
                         headers={"X-Api-Key": "kb"}).status_code == 201
        assert http.get("/account", headers={"X-Api-Key": "kb"}).json()["tenant"] == "tenant-b"


def test_seeded_ids_are_reproducible_uuid4() -> None:
    def first_ids(seed: int) -> Iterator[str]:
        app = create_app(seed=seed)
        with serve(app=app) as base_url, httpx.Client(base_url=base_url, headers={"X-Api-Key": KEY}) as http:
            http.post("/collections", json={"name": "a", "dimension": 1})
            for _ in range(3):
                yield http.post("/collections/a/segments", json={"label": "s"}).json()["id"]

    a, b = list(first_ids(7)), list(first_ids(7))
    assert a == b and len(set(a)) == 3 and all(UUID.fullmatch(x) for x in a)


def test_edge_inputs_are_answered_as_documented(spec: Spec) -> None:
    """Inputs generators produce: non-finite numbers, surrogates, floats as integers, huge integers."""
    with serve() as base_url, httpx.Client(base_url=base_url, headers={"X-Api-Key": KEY}) as http:
        made = http.post("/collections", json={"name": "a", "dimension": 2.0})
        assert made.status_code == 201 and made.json()["dimension"] == 2
        seg = http.post("/collections/a/segments", content=b'{"label": "\\ud800"}',
                        headers={"Content-Type": "application/json"})
        assert seg.status_code == 201
        contract.assert_conforms(seg, "createSegment", spec=spec)
        path = f"/collections/a/segments/{seg.json()['id']}/records"
        big = http.post(path, json={"vector": [10 ** 400, -(10 ** 400)], "payload": {"a": None}})
        assert big.status_code == 201
        contract.assert_conforms(big, "createRecord", spec=spec)
        query = http.post(path + "/query", json={"vector": [1e308, 1e308]})
        assert query.status_code == 200
        contract.assert_conforms(query, "queryRecords", spec=spec)
        for raw in (b'{"vector": [NaN, 1]}', b'{"vector": [1e400, 1]}', b"[1,", b"\xff"):
            r = http.post(path, content=raw, headers={"Content-Type": "application/json"})
            assert r.status_code == 400, raw
        assert http.post(path, json={"vector": [True, 1]}).status_code == 422
        assert http.post(path, json={"vector": [1, 2], "score": 1.5}).status_code == 422
        assert http.get(path, params={"limit": "0"}).status_code == 400
        assert http.get(path, params={"min_score": "nan"}).status_code == 400
        assert http.post("/collections", json={"name": "abc\n", "dimension": 1}).status_code == 422
