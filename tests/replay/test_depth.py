"""Depth: the live run reaches every level of a hierarchical API with real identifiers.

The target is tests/targets/hier (collections named by the client → segments → records whose
vector length is the collection's dimension). Counted at the server: which operations got a 2xx.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract.load import load_spec
from contract.model import Case, Exchange
from contract.replay.adapt import Adaptation, apply, blamed_patterns, candidates
from contract.replay.graph import build_graph, singular
from contract.replay.operations import LiveOperation
from contract.replay.pool import Instance, InstancePool, unique_value
from contract.replay.roundtrip import State
from contract.replay.runner import RunConfig, Runner
from tests.conftest import CORPUS, needs_corpus
from tests.targets.hier import DEFAULT_KEY, FAULTS, SPEC, create_app, reached, serve, stats

SWITCHED_OFF = "POST /collections/{collection_name}/snapshot"
C = "/collections/{collection_name}"
S = C + "/segments/{segment_id}"
R = S + "/records/{record_id}"


def _graph(spec_path: Path | str) -> Any:
    spec = load_spec(spec_path)
    return spec, build_graph(spec, [LiveOperation(o) for o in spec.operations])


# --------------------------------------------------------------------------- the acceptance run


def test_a_plain_run_reaches_every_operation_that_can_succeed(tmp_path: Path):
    """`contract run --spec --base-url --header` and nothing else: ≥ 95% of the 25 operations that can
    succeed (all but the switched-off snapshot) answered 2xx at least once, counted by the server."""
    ops = [op.key for op in load_spec(SPEC).operations]
    can_succeed = [op for op in ops if op != SWITCHED_OFF]
    assert len(can_succeed) == 25
    with serve() as url:
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "contract", "run", "--spec", str(SPEC), "--base-url", url,
                               "--header", f"X-Api-Key: {DEFAULT_KEY}"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
        seconds = time.monotonic() - started
        got = reached(stats(url))
        left = httpx.get(url + "/collections", headers={"X-Api-Key": DEFAULT_KEY}, params={"limit": 100}).json()
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    ok = [op for op in can_succeed if op in got]
    assert len(ok) >= 24, f"not reached: {sorted(set(can_succeed) - set(ok))}"
    assert seconds < 60
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    depth = report["run"]["depth"]
    assert depth["adaptations"]["POST " + S + "/records"] == ["/vector length = /collections/{}.dimension"]
    # cleanup: what is left is only what a finding's curl line names (so it still replays)
    curls = " ".join([f.get("curl") or "" for f in report["findings"]]
                     + [p.get("curl") or "" for f in report["findings"] for p in (f["details"].get("places") or [])])
    assert all(item["name"] in curls for item in left["items"]), left["items"]
    assert depth["cleanup"]["deleted"] > 100 and depth["cleanup"]["failed"] == 0


# --------------------------------------------------------------------------- faults at the deepest level

# fault → the check that catches it once every operation is reached with real identifiers
FAULT_CHECK = {
    "delete_not_done": ("live.delete_effective", "DELETE " + R),
    "patch_not_kept": ("live.round_trip", "PATCH " + R),
    "record_missing_created_at": ("live.response_schema", "GET " + R),
    "query_index_error": ("live.server_error", "POST " + S + "/records/query"),
    "auth_ignored": ("live.auth_enforced", "GET " + S + "/records"),
    "count_as_string": ("live.response_schema", "GET " + C + "/segments/count"),
    "create_segment_200": ("live.status_code_documented", "POST " + C + "/segments"),
    "payload_text_plain": ("live.content_type", "GET " + R + "/payload"),
    "list_drops_last": ("live.list_consistent", "GET " + S + "/records"),
    "total_off_by_one": ("live.list_consistent", "GET " + C + "/segments"),
}


def _run(url: str, **overrides: Any) -> Any:
    config = RunConfig(url, headers={"X-Api-Key": DEFAULT_KEY}, max_examples=4, progress="off", seed=3)
    for name, value in overrides.items():
        setattr(config, name, value)
    return Runner(load_spec(SPEC), config).run()


@pytest.fixture(scope="module")
def clean_findings() -> set[tuple[str, str]]:
    with serve() as url:
        return {(f.check, f.operation or "") for f in _run(url).findings}


def test_every_fault_has_its_check():
    assert set(FAULT_CHECK) == set(FAULTS)


@pytest.mark.parametrize("fault", sorted(FAULT_CHECK))
def test_each_deep_fault_is_caught(fault: str, clean_findings: set[tuple[str, str]]):
    check, operation = FAULT_CHECK[fault]
    assert (check, operation) not in clean_findings
    with serve(faults={fault}) as url:
        found = {(f.check, f.operation or "") for f in _run(url).findings}
    assert (check, operation) in found, sorted(found - clean_findings)


def test_clean_hier_has_no_false_depth_findings(clean_findings: set[tuple[str, str]]):
    """No conforming request refused for lack of depth (a made-up id, a wrong vector length), nothing stateful."""
    assert {c for c, _ in clean_findings} & {"live.round_trip", "live.delete_effective", "live.list_consistent",
                                           "live.server_error", "live.response_schema"} == set()
    refused = {op for c, op in clean_findings if c == "live.positive_acceptance"}
    assert refused <= {SWITCHED_OFF}


# --------------------------------------------------------------------------- the graph's rules


def test_graph_of_the_hierarchical_api():
    _, graph = _graph(SPEC)
    by_path = {r.path: r for r in graph.resources}
    cols, segs, recs = by_path["/collections"], by_path[C + "/segments"], by_path[S + "/records"]
    assert [r.path for r in graph.resources] == ["/collections", C + "/segments", S + "/records"]
    assert segs.parent is cols and recs.parent is segs and cols.parent is None
    assert cols.lister and cols.lister.key == "GET /collections"  # the list, not a read
    assert cols.read and cols.read.key == "GET " + C
    assert cols.request_ids == ["name"]  # client-chosen: renewed at every create
    plan = graph.plan
    for action in ("POST " + C + "/snapshot", "POST " + S + "/seal", "POST " + S + "/records/query",
                   "POST " + S + "/records/batch"):
        assert plan(action).role == "action", action  # never the create of a resource of its own
    assert plan("POST " + S + "/records/query").scope is segs and plan("POST " + S + "/seal").fresh
    assert plan("GET " + C + "/segments/count").scope is cols and not plan("GET " + C + "/segments/count").fresh
    bindings = {(b.name, b.owner, b.field) for b in plan("GET " + R).bindings}
    assert bindings == {("collection_name", cols.key, "name"), ("segment_id", segs.key, "id"),
                        ("record_id", recs.key, "id")}
    assert {b.name for b in plan("GET " + S + "/records").bindings} == {"collection_name", "segment_id"}  # no min_score
    assert plan("POST " + C + "/segments").scope is cols and plan("POST " + C + "/segments").role == "create"


def test_the_seed_spec_keeps_its_header_identified_resource():
    from tests.conftest import SEED_SPEC

    _, graph = _graph(SEED_SPEC)
    (res,) = graph.resources
    assert res.path == "/api/v2/server-side-api/profile" and res.item_path is None
    assert [(link.location, link.name, link.field) for link in res.links] == [
        ("header", "adapty-customer-user-id", "customer_user_id"), ("header", "adapty-profile-id", "profile_id")]


LINKED = """
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {label: {type: string}}}
      responses:
        '201':
          description: made
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
          links:
            Get: {operationId: getThing, parameters: {key: '$response.body#/slug'}}
  /things/{key}:
    get:
      operationId: getThing
      parameters: [{name: key, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
  /boxes/{box_name}:
    put:
      parameters: [{name: box_name, in: path, required: true, schema: {type: string, pattern: '^[a-z]{3,12}$'}}]
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {size: {type: integer}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Box'}}}}
    get:
      parameters: [{name: box_name, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Box'}}}}
  /boxes/{box_name}/items:
    get:
      parameters:
        - {name: box_name, in: path, required: true, schema: {type: string}}
        - {name: thing_id, in: query, schema: {type: string}}
        - {name: min_size, in: query, schema: {type: integer}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {type: object}}}}}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: string}, slug: {type: string}}}
    Box: {type: object, properties: {name: {type: string}, size: {type: integer}}}
"""


def test_openapi_links_win_put_creates_and_query_ids_need_a_name(tmp_path: Path):
    path = tmp_path / "linked.yaml"
    path.write_text(LINKED)
    _, graph = _graph(path)
    things = next(r for r in graph.resources if r.path == "/things")
    boxes = next(r for r in graph.resources if r.path == "/boxes")
    assert [(b.name, b.field) for b in graph.plan("GET /things/{key}").bindings] == [("key", "slug")]  # not `id`
    assert boxes.create is not None and boxes.create.key == "PUT /boxes/{box_name}"  # no POST: the PUT creates
    assert graph.plan("PUT /boxes/{box_name}").role == "create"
    items = {(b.location, b.name, b.owner) for b in graph.plan("GET /boxes/{box_name}/items").bindings}
    assert items == {("path", "box_name", boxes.key), ("query", "thing_id", things.key)}  # min_size is no id
    assert (singular("entries"), singular("boxes"), singular("status"), singular("records")) == (
        "entry", "box", "status", "record")


NESTED = """
openapi: 3.0.1
info: {title: nested, version: "1"}
paths:
  /Accounts/{AccountSid}.json:
    get: {responses: {'200': {description: ok}}}
  /Accounts/{AccountSid}/SIP/CredentialLists.json:
    get: {responses: {'200': {description: ok}}}
    post: {responses: {'201': {description: made}}}
  /Accounts/{AccountSid}/SIP/CredentialLists/{Sid}.json:
    get: {responses: {'200': {description: ok}}}
  /Accounts/{AccountSid}/SIP/CredentialLists/search.json:
    get: {responses: {'200': {description: ok}}}
  /repos/{repo}/actions/runners:
    post: {responses: {'201': {description: made}}}
  /repos/{repo}/actions/runners/{runner_id}:
    delete: {responses: {'204': {description: gone}}}
  /repos/{repo}/actions/cache/usage:
    get: {responses: {'200': {description: ok}}}
  /stage-instances:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {channel_id: {type: string}, topic: {type: string}}}
      responses:
        '200':
          description: made
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}, channel_id: {type: string}}}
  /stage-instances/{channel_id}:
    get:
      parameters: [{name: channel_id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
"""


def test_a_child_collection_of_several_literals_and_an_identifier_the_request_chooses(tmp_path: Path):
    """Twilio's `/Accounts/{AccountSid}/SIP/CredentialLists.json` and GitHub's `/repos/{repo}/actions/runners`
    are collections under an item (they were read as actions on the account, so nothing created a credential
    list); a literal tail that is no collection (`/actions/cache/usage`) stays an action. Discord's stage
    instance is named by the `channel_id` its create sends and echoes: renewed at every create."""
    path = tmp_path / "nested.yaml"
    path.write_text(NESTED)
    _, graph = _graph(path)
    by_path = {r.path: r for r in graph.resources}
    lists = by_path["/Accounts/{AccountSid}/SIP/CredentialLists"]
    assert lists.create is not None and lists.create.key == "POST /Accounts/{AccountSid}/SIP/CredentialLists.json"
    assert lists.lister is not None and lists.parent is by_path["/Accounts"]
    runners = by_path["/repos/{repo}/actions/runners"]
    assert runners.create is not None and graph.plan("POST /repos/{repo}/actions/runners").role == "create"
    assert graph.plan("GET /repos/{repo}/actions/cache/usage").role == "action"
    assert graph.plan("GET /Accounts/{AccountSid}/SIP/CredentialLists/search.json").role == "action"
    assert by_path["/stage-instances"].request_ids == ["channel_id"]


# --------------------------------------------------------------------------- fitting bodies to ancestors


def test_error_shapes_name_the_field():
    body = {"vector": [1, 2], "payload": {}}
    shapes = [
        {"error": {"code": "validation_error", "message": "vector: must have exactly 4 items"}},
        {"detail": [{"loc": ["body", "vector"], "msg": "wrong dimension"}]},
        {"errors": [{"field": "vector", "message": "wrong dimension"}]},
        {"errors": {"vector": ["wrong dimension"]}},
        {"message": "Wrong input: Vector dimension error: expected dim: 4, got 2"},
        {"detail": "vector has the wrong length"},
    ]
    for shape in shapes:
        assert blamed_patterns(json.dumps(shape).encode(), body)[0][0] == ("vector",), shape
    nested = {"records": [{"vector": [1]}, {"vector": [2]}]}
    error = json.dumps({"error": {"message": "records/1/vector: must have exactly 4 items, got 1"}}).encode()
    pattern, message = blamed_patterns(error, nested)[0]
    assert pattern == ("records", "*", "vector")
    ancestors = [("segment", {"id": "s", "sealed": False}), ("collection", {"name": "c", "dimension": 4})]
    first = candidates(nested, pattern, message, ancestors)[0]
    assert first == Adaptation(pattern, "length", "collection", "dimension")
    assert apply(nested, first, ancestors) == {"records": [{"vector": [1, 1, 1, 1]}, {"vector": [2, 2, 2, 2]}]}
    # a violating case's own constraint is left alone
    assert apply(nested, first, ancestors, protected="/records/0/vector/0")["records"][0] == {"vector": [1]}


def test_unique_values_follow_the_schema():
    assert unique_value({"type": "string", "pattern": "^[a-z][a-z0-9_-]{0,62}$"}, {}, "ab12cd34", "3-7") \
        == "ct-ab12cd34-3-7"
    short = unique_value({"type": "string", "pattern": "^[a-z]{3,12}$"}, {}, "ab12cd34", "3-7")
    assert short is not None and short.isalpha() and 3 <= len(short) <= 12
    assert unique_value({"type": "string", "format": "uuid"}, {}, "t", "x") != unique_value(
        {"type": "string", "format": "uuid"}, {}, "t", "y")


# --------------------------------------------------------------------------- rules applied at run time


class _Host:
    """The runner's part the pool talks to, answering from a script."""

    def __init__(self, answers: dict[str, Exchange], path_params: dict[str, str] | None = None) -> None:
        self.templates: dict[str, Case] = {}
        self.token = "t0k3n"
        self.config = RunConfig("http://x", headers={"X-Api-Key": "k"}, path_params=path_params or {})
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.answers = answers
        self.sent: list[Case] = []

    def send(self, lo: Any, case: Case, role: Any = "flood", *, order: Any = (), expected: Any = None,
             writer: Any = None) -> tuple[Exchange, list[Any]]:
        self.sent.append(case)
        return self.answers.get(case.operation, Exchange(case.method, "", {}, status=404)), []

    def send_unjudged(self, case: Case) -> Exchange:
        return self.send(None, case)[0]

    def expected_for(self, res: Any, case: Case, *, state: State | None = None) -> State:
        return State()

    def over_time(self) -> bool:
        return False


def test_location_header_gives_the_identifier_when_the_body_lacks_it():
    spec, graph = _graph(SPEC)
    segs = next(r for r in graph.resources if r.path == C + "/segments")
    host = _Host({})
    pool = InstancePool(host, spec, graph)  # type: ignore[arg-type]
    made = Exchange("POST", "", {}, status=201, response_headers={"Location": "http://h/collections/c1/segments/abc"},
                    response_body=b"{}")
    ids, _ = pool.identifiers(segs, Case("x", "POST", C + "/segments"), made)
    assert ids == {"id": "abc"}


def test_a_resource_nobody_can_create_is_read_from_its_list():
    spec, graph = _graph(SPEC)
    cols = next(r for r in graph.resources if r.path == "/collections")
    listing = json.dumps({"items": [{"name": "existing", "dimension": 3}], "total": 1}).encode()
    host = _Host({"GET /collections": Exchange("GET", "", {}, status=200, response_body=listing)})
    pool = InstancePool(host, spec, graph)  # type: ignore[arg-type]
    inst = pool.shared(cols)  # no template: the create never succeeded
    assert inst is not None and inst.origin == "listed" and inst.ids == {"name": "existing"}
    read = next(lo for lo in [cols.read] if lo is not None)
    case = pool.fill(Case(read.key, "GET", read.op.path), read, inst, add=True)
    assert case.rendered_path() == "/collections/existing"


@needs_corpus('twilio-lookups-v2-3.0.yaml')
def test_a_parent_nobody_creates_or_lists_is_named_by_the_run_and_checked_by_its_read():
    """Twilio Lookups: `PUT .../Overrides/{Field}` creates under a `/PhoneNumbers/{PhoneNumber}` that has only a
    read, and `PUT /RateLimits/Fields/{Field}/Bucket/{Bucket}` under a `/Fields/{Field}` with no operation."""
    spec, graph = _graph(CORPUS / "twilio-lookups-v2-3.0.yaml")
    phones = next(r for r in graph.resources if r.path == "/v2/PhoneNumbers")
    fields = next(r for r in graph.resources if r.path == "/v2/RateLimits/Fields")
    buckets = next(r for r in graph.resources if r.path == "/v2/RateLimits/Fields/{Field}/Bucket")
    shown = json.dumps({"phone_number": "+14155552671", "valid": True}).encode()
    host = _Host({"GET /v2/PhoneNumbers/{PhoneNumber}": Exchange("GET", "", {}, status=200, response_body=shown)})
    pool = InstancePool(host, spec, graph)  # type: ignore[arg-type]
    phone = pool.shared(phones)
    assert phone is not None and phone.origin == "listed" and phone.data["valid"] is True  # its read showed it
    field = pool.shared(fields)
    assert field is not None and field.origin == "assumed" and list(field.ids) == ["field"]
    put = buckets.create
    assert put is not None and put.op.method == "PUT"
    case = pool.fill(Case(put.key, "PUT", put.op.path, path_params={"Field": "x", "Bucket": "y"}), put, None)
    assert case.path_params["Field"] == str(field.ids["field"])
    assert case.identifier_source("Field") == "generated"  # named unseen: a 404 under it blames nobody
    refused = InstancePool(_Host({}), spec, graph)  # type: ignore[arg-type]
    assert refused.shared(phones) is None  # its read said 404: the run knows no phone number


def test_a_pinned_value_is_the_shared_instance_and_seeds_the_rest():
    spec, graph = _graph(SPEC)
    cols = next(r for r in graph.resources if r.path == "/collections")
    segs = next(r for r in graph.resources if r.path == C + "/segments")
    read = json.dumps({"name": "prod", "dimension": 7}).encode()
    host = _Host({"GET " + C: Exchange("GET", "", {}, status=200, response_body=read)},
                 {"collection_name": "prod", "segment_id": "pinned-seg"})
    pool = InstancePool(host, spec, graph)  # type: ignore[arg-type]
    inst = pool.shared(cols)
    assert inst is not None and inst.origin == "pinned" and inst.data["dimension"] == 7  # read once, for its data
    seg = pool.shared(segs)
    assert seg is not None and seg.origin == "pinned" and seg.parent is inst
    lo = next(o for o in segs.actions if o.key.endswith("/seal"))
    assert pool.fill(Case(lo.key, "POST", lo.op.path), lo, seg, add=True).rendered_path() \
        == "/collections/prod/segments/pinned-seg/seal"
    assert isinstance(seg, Instance)


def test_path_param_from_contract_toml_pins_the_parent(tmp_path: Path):
    """`path-param` in contract.toml: the segments and records of the run go into the pinned collection,
    whose dimension (read from the server) the record bodies follow; the pinned collection survives."""
    app = create_app()
    with serve(app=app) as url:
        httpx.post(url + "/collections", headers={"X-Api-Key": DEFAULT_KEY},
                   json={"name": "pinned", "dimension": 3}).raise_for_status()
        (tmp_path / "contract.toml").write_text('[run]\npath-param = ["collection_name=pinned"]\nmax-examples = 3\n')
        proc = subprocess.run([sys.executable, "-m", "contract", "run", "--spec", str(SPEC), "--base-url", url,
                               "--header", f"X-Api-Key: {DEFAULT_KEY}", "--progress", "off",
                               "--checks", "live.server_error"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
        got = reached(stats(url))
    assert proc.returncode == 0, proc.stderr[-2000:]
    cols = app.tenants["tenant-a"]
    assert list(cols) == ["pinned"]  # everything else the run made was cleaned up, the pinned one stays
    assert "POST " + S + "/records" in got
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert report["run"]["depth"]["cleanup"]["failed"] == 0


def test_bad_path_param_is_an_input_error(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "contract", "run", "--spec", str(SPEC), "--base-url",
                           "http://127.0.0.1:9", "--path-param", "no-equals-sign"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "NAME=VALUE" in proc.stderr


# --------------------------------------------------------------------------- another shape: Qdrant's

QDRANT = """
openapi: 3.0.3
info: {title: mini qdrant, version: '1'}
paths:
  /health:
    get:
      responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}
  /collections/{collection_name}:
    parameters: [{name: collection_name, in: path, required: true, schema: {type: string, pattern: '^[a-z][a-z0-9-]{2,30}$'}}]
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [vectors]
              additionalProperties: false
              properties:
                vectors:
                  type: object
                  required: [size]
                  additionalProperties: false
                  properties:
                    size: {type: integer, minimum: 1, maximum: 32}
                    distance: {type: string, enum: [Cosine, Dot]}
      responses:
        '200': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Ok'}}}}
        '400': {description: bad, content: {application/json: {schema: {type: object}}}}
        '409': {description: exists, content: {application/json: {schema: {type: object}}}}
    get:
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
        '404': {description: no, content: {application/json: {schema: {type: object}}}}
    delete:
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Ok'}}}}
        '404': {description: no, content: {application/json: {schema: {type: object}}}}
  /collections/{collection_name}/points:
    parameters: [{name: collection_name, in: path, required: true, schema: {type: string}}]
    put:
      description: Upsert points; every vector has the collection's `vectors.size` numbers.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [points]
              additionalProperties: false
              properties:
                points:
                  type: array
                  minItems: 1
                  maxItems: 5
                  items:
                    type: object
                    required: [id, vector]
                    additionalProperties: false
                    properties:
                      id: {type: integer, minimum: 0, maximum: 1000}
                      vector: {type: array, minItems: 1, maxItems: 32, items: {type: number}}
      responses:
        '200': {description: done, content: {application/json: {schema: {type: object}}}}
        '400': {description: bad, content: {application/json: {schema: {type: object}}}}
        '404': {description: no, content: {application/json: {schema: {type: object}}}}
components:
  schemas:
    Ok: {type: object, required: [result], properties: {result: {type: boolean}, status: {type: string}}}
"""


def _qdrant_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    cols: dict[str, dict[str, Any]] = {}
    counts: dict[tuple[str, str, int], int] = {}

    def answer(request: Request, template: str, body: Any, status: int = 200) -> JSONResponse:
        key = (request.method, template, status)
        counts[key] = counts.get(key, 0) + 1
        return JSONResponse(body, status)

    def error(request: Request, template: str, status: int, text: str) -> JSONResponse:
        return answer(request, template, {"status": {"error": text}, "time": 0.0}, status)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def collection(request: Request) -> JSONResponse:
        t, name = "/collections/{collection_name}", request.path_params["collection_name"]
        if request.method == "PUT":
            try:
                size = (await request.json())["vectors"]["size"]
            except Exception:
                return error(request, t, 400, "Format error in JSON body")
            if not isinstance(size, int) or not 1 <= size <= 32:
                return error(request, t, 400, "Wrong input: vectors.size must be 1 to 32")
            if name in cols:
                return error(request, t, 409, f"Wrong input: Collection `{name}` already exists!")
            cols[name] = {"size": size, "points": {}}
            return answer(request, t, {"result": True, "status": "ok", "time": 0.0})
        if name not in cols:
            return error(request, t, 404, f"Not found: Collection `{name}` doesn't exist!")
        if request.method == "DELETE":
            del cols[name]
            return answer(request, t, {"result": True, "status": "ok"})
        return answer(request, t, {"result": {"points_count": len(cols[name]["points"]),
                                              "config": {"params": {"vectors": {"size": cols[name]["size"]}}}}})

    async def points(request: Request) -> JSONResponse:
        t, name = "/collections/{collection_name}/points", request.path_params["collection_name"]
        if name not in cols:
            return error(request, t, 404, f"Not found: Collection `{name}` doesn't exist!")
        try:
            batch = (await request.json())["points"]
            pairs = [(int(p["id"]), list(p["vector"])) for p in batch]
        except Exception:
            return error(request, t, 400, "Format error in JSON body")
        for _, vector in pairs:
            if len(vector) != cols[name]["size"]:
                return error(request, t, 400, f"Wrong input: Vector dimension error: expected dim: "
                                              f"{cols[name]['size']}, got {len(vector)}")
        cols[name]["points"].update(dict(pairs))
        return answer(request, t, {"result": {"operation_id": 1, "status": "completed"}, "status": "ok"})

    app = Starlette(routes=[Route("/health", health), Route("/collections/{collection_name}", collection,
                                                             methods=["GET", "PUT", "DELETE"]),
                            Route("/collections/{collection_name}/points", points, methods=["PUT"])])
    app.state.cols, app.state.counts = cols, counts
    return app


def test_a_qdrant_shaped_api_put_creates_and_vectors_follow_a_nested_size(tmp_path: Path):
    import threading

    import uvicorn

    from tests.targets.hier.harness import _bind, _Server

    spec_path = tmp_path / "qdrant.yaml"
    spec_path.write_text(QDRANT)
    app = _qdrant_app()
    sock = _bind()
    url = "http://{}:{}".format(*sock.getsockname()[:2])
    server = _Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not server.started:
            time.sleep(0.02)
        config = RunConfig(url, max_examples=5, progress="off")
        result = Runner(load_spec(spec_path), config).run()
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
    ok = {f"{m} {p}" for (m, p, s), n in app.state.counts.items() if 200 <= s < 300}
    assert {"PUT /collections/{collection_name}", "GET /collections/{collection_name}",
            "DELETE /collections/{collection_name}", "PUT /collections/{collection_name}/points"} <= ok
    fitted = result.meta["depth"]["adaptations"]["PUT /collections/{collection_name}/points"]
    assert fitted == ["/points/*/vector length = /collections/{}.vectors/size"]
    assert not [f.message for f in result.findings if f.check == "live.positive_acceptance"]
    curls = " ".join(f.curl or "" for f in result.findings)
    assert all(name in curls for name in app.state.cols)  # cleaned up, but for what a finding's curl line names
    assert result.meta["depth"]["cleanup"]["deleted"] > 0
