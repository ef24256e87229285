"""The emulator of any spec (`contract sandbox --spec`): routing, security, validation, state, answers.

In-process through Starlette's TestClient, on specs the project did not write for it: the
hierarchical test target's spec (collections → segments → records, PATCH and PUT) and corpus
specs (petstore-expanded: a bare-array list and a 204 delete; twilio-lookups: Basic auth, form bodies).
"""

from __future__ import annotations

import base64
import json
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from contract.load import Spec, load_spec
from contract.validate import Validators
from tests.conftest import CORPUS, ROOT, needs_corpus
from tests.sandbox.helpers import emulator_client as _client

HIER = ROOT / "tests" / "targets" / "hier" / "openapi.yaml"
PETSTORE = CORPUS / "petstore-expanded-3.0.yaml"
LOOKUPS = CORPUS / "twilio-lookups-v2-3.0.yaml"
KEY = {"ApiKey": ["key-a", "key-b"]}
A = {"X-Api-Key": "key-a"}
B = {"X-Api-Key": "key-b"}


@pytest.fixture(scope="module")
def hier() -> Spec:
    return load_spec(HIER)


@pytest.fixture
def client(hier: Spec, tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(hier, tmp_path, KEY)


def _conforms(spec: Spec, method: str, template: str, response: Any) -> None:
    """The answer is valid against the spec: documented status, media type, body and headers."""
    violations = Validators(spec).response(f"{method} {template}").validate(
        response.status_code, dict(response.headers), response.content)
    assert not violations, [str(v) for v in violations]


def _collection(client: TestClient, name: str = "docs") -> dict[str, Any]:
    response = client.post("/collections", json={"name": name, "dimension": 3}, headers=A)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_read_list_delete_keep_what_was_sent(client: TestClient, hier: Spec) -> None:
    created = _collection(client)
    assert created["name"] == "docs" and created["dimension"] == 3
    _conforms(hier, "POST", "/collections", client.post("/collections", json={"name": "two", "dimension": 2},
                                                       headers=A))
    read = client.get("/collections/docs", headers=A)
    assert read.status_code == 200 and read.json()["dimension"] == 3
    _conforms(hier, "GET", "/collections/{collection_name}", read)
    listed = client.get("/collections", headers=A)
    _conforms(hier, "GET", "/collections", listed)
    names = [c["name"] for c in listed.json()["items"]]
    assert names == ["docs", "two"]
    assert client.delete("/collections/docs", headers=A).status_code == 204
    assert client.get("/collections/docs", headers=A).status_code == 404
    assert [c["name"] for c in client.get("/collections", headers=A).json()["items"]] == ["two"]


def test_children_live_in_their_parent_with_server_ids(client: TestClient, hier: Spec) -> None:
    _collection(client)
    first = client.post("/collections/docs/segments", json={"label": "one"}, headers=A)
    second = client.post("/collections/docs/segments", json={"label": "two"}, headers=A)
    assert first.status_code == second.status_code == 201
    _conforms(hier, "POST", "/collections/{collection_name}/segments", first)
    ids = [first.json()["id"], second.json()["id"]]
    assert ids[0] != ids[1]  # drawn from the response schema, never repeated
    assert first.headers["location"] == f"/collections/docs/segments/{ids[0]}"
    got = client.get(f"/collections/docs/segments/{ids[1]}", headers=A)
    assert got.status_code == 200 and got.json()["id"] == ids[1]
    assert client.get(f"/collections/other/segments/{ids[1]}", headers=A).status_code == 404


def test_patch_merges_and_put_replaces(client: TestClient, hier: Spec) -> None:
    _collection(client)
    patched = client.patch("/collections/docs", json={"description": "vectors"}, headers=A)
    assert patched.status_code == 200, patched.text
    _conforms(hier, "PATCH", "/collections/{collection_name}", patched)
    again = client.get("/collections/docs", headers=A).json()
    assert again["description"] == "vectors" and again["dimension"] == 3  # merged, not replaced
    seg = client.post("/collections/docs/segments", json={"label": "one", "tags": ["a"]}, headers=A).json()
    put = client.put(f"/collections/docs/segments/{seg['id']}", json={"label": "renamed"}, headers=A)
    assert put.status_code == 200, put.text
    shown = client.get(f"/collections/docs/segments/{seg['id']}", headers=A).json()
    assert shown["label"] == "renamed" and shown["id"] == seg["id"]
    assert "tags" not in shown or shown["tags"] != ["a"]  # PUT replaced what the client owns


def test_routing_errors(client: TestClient) -> None:
    missing = client.get("/nothing/here", headers=A)
    assert missing.status_code == 404
    wrong = client.put("/collections", headers=A)
    assert wrong.status_code == 405
    assert set(wrong.headers["allow"].split(", ")) == {"GET", "POST"}


def test_credentials_are_the_schemes_keys(client: TestClient, hier: Spec) -> None:
    assert client.get("/collections").status_code == 401
    refused = client.get("/collections", headers={"X-Api-Key": "not-a-key"})
    assert refused.status_code == 401
    _conforms(hier, "GET", "/collections", refused)  # the documented 401, in its documented shape
    assert client.get("/health").status_code == 200  # no security on this operation


def test_tenants_do_not_see_each_other(client: TestClient) -> None:
    _collection(client)
    assert client.get("/collections/docs", headers=B).status_code == 404
    assert client.get("/collections", headers=B).json()["items"] == []
    assert client.delete("/collections/docs", headers=B).status_code == 404
    assert client.get("/collections/docs", headers=A).status_code == 200


def test_tenant_leak_fault_crosses_tenants(hier: Spec, tmp_path: Path) -> None:
    for client in _client(hier, tmp_path, KEY, faults=("tenant-leak",)):
        _collection(client)
        assert client.get("/collections/docs", headers=B).status_code == 200


def test_invalid_request_gets_the_documented_client_error(client: TestClient, hier: Spec) -> None:
    bad = client.post("/collections", json={"name": 7}, headers=A)
    assert bad.status_code == 400
    _conforms(hier, "POST", "/collections", bad)
    assert client.get("/collections", headers=A).json()["items"] == []  # nothing stored


def test_accept_invalid_fault_stores_it(hier: Spec, tmp_path: Path) -> None:
    for client in _client(hier, tmp_path, KEY, faults=("accept-invalid",)):
        assert client.post("/collections", json={"name": 7}, headers=A).status_code == 201


def test_same_seed_same_answers(hier: Spec, tmp_path: Path) -> None:
    bodies = []
    for n, seed in enumerate((5, 5, 6)):
        for client in _client(hier, tmp_path, KEY, seed=seed, db=f"{n}.db"):
            bodies.append(_collection(client))
    assert bodies[0] == bodies[1]
    assert bodies[0] != bodies[2]


def test_state_survives_a_restart_on_one_database(hier: Spec, tmp_path: Path) -> None:
    for client in _client(hier, tmp_path, KEY):
        _collection(client)
    for client in _client(hier, tmp_path, KEY):
        assert client.get("/collections/docs", headers=A).json()["dimension"] == 3


@pytest.mark.parametrize(("fault", "effect"), [
    ("no-persist", "patch-lost"), ("no-delete", "still-there"), ("undocumented-status", "299"),
    ("wrong-content-type", "text/plain"), ("drop-field", "required-missing"), ("no-auth", "no-key-ok"),
])
def test_each_fault_breaks_one_thing(hier: Spec, tmp_path: Path, fault: str, effect: str) -> None:
    for client in _client(hier, tmp_path, KEY, faults=(fault,)):
        response = client.post("/collections", json={"name": "docs", "dimension": 3}, headers=A)
        if effect == "299":
            assert response.status_code == 299
            return
        assert response.status_code == 201
        if effect == "text/plain":
            assert response.headers["content-type"].startswith("text/plain")
        elif effect == "required-missing":
            violations = Validators(hier).response("POST /collections").validate(201, dict(response.headers),
                                                                                  response.content)
            assert [v.keyword for v in violations] == ["required"]
        elif effect == "no-key-ok":
            assert client.get("/collections/docs").status_code == 200
        elif effect == "patch-lost":
            assert client.patch("/collections/docs", json={"description": "x"}, headers=A).json()["description"] \
                == "x"
            assert client.get("/collections/docs", headers=A).json().get("description") != "x"
        elif effect == "still-there":
            assert client.delete("/collections/docs", headers=A).status_code == 204
            assert client.get("/collections/docs", headers=A).status_code == 200


@needs_corpus('petstore-expanded-3.0.yaml')
def test_a_bare_array_list_and_an_empty_delete(tmp_path: Path) -> None:
    spec = load_spec(PETSTORE)
    for client in _client(spec, tmp_path):
        pet = client.post("/pets", json={"name": "rex", "tag": "dog"})
        _conforms(spec, "POST", "/pets", pet)
        listed = client.get("/pets", params={"limit": 1})
        assert listed.json() == [pet.json()]
        client.post("/pets", json={"name": "tom"})
        assert [p["name"] for p in client.get("/pets").json()] == ["rex", "tom"]
        assert [p["name"] for p in client.get("/pets", params={"limit": 1}).json()] == ["rex"]
        gone = client.delete(f"/pets/{pet.json()['id']}")
        assert gone.status_code == 204 and gone.content == b""
        assert client.get(f"/pets/{pet.json()['id']}").status_code == 404


@needs_corpus('twilio-lookups-v2-3.0.yaml')
def test_basic_auth_and_form_bodies(tmp_path: Path) -> None:
    spec = load_spec(LOOKUPS)
    keys = {"accountSid_authToken": ["AC1:secret"]}
    auth = {"Authorization": "Basic " + base64.b64encode(b"AC1:secret").decode()}
    for client in _client(spec, tmp_path, keys):
        assert client.get("/v2/PhoneNumbers/+14155550100").status_code == 401
        wrong = {"Authorization": "Basic " + base64.b64encode(b"AC1:nope").decode()}
        assert client.get("/v2/PhoneNumbers/+14155550100", headers=wrong).status_code == 401
        ok = client.get("/v2/PhoneNumbers/+14155550100", headers=auth)
        _conforms(spec, "GET", "/v2/PhoneNumbers/{PhoneNumber}", ok)
        assert ok.status_code == 200
        # A resource the spec gives no create: made up on first read, then the same on every read.
        assert client.get("/v2/PhoneNumbers/+14155550100", headers=auth).json() == ok.json()
        path = "/v2/RateLimits/Fields/phone/Bucket/b1"  # a client-named resource: PUT creates it
        assert client.get(path, headers=auth).status_code == 404
        put = client.put(path, json={}, headers=auth)
        assert put.status_code == 200, put.text
        assert client.get(path, headers=auth).status_code == 200
        refused = client.put(path, content="a=1", headers={**auth, "Content-Type": "application/x-www-form-urlencoded"})
        assert refused.status_code == 400  # only JSON is documented here


@needs_corpus('uspto-3.0.json')
def test_form_bodies_are_typed_and_validated(tmp_path: Path) -> None:
    spec = load_spec(CORPUS / "uspto-3.0.json")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for client in _client(spec, tmp_path):
        ok = client.post("/oa_citations/v1/records", content="criteria=*:*&start=0&rows=10", headers=form)
        assert ok.status_code == 200, ok.text
        _conforms(spec, "POST", "/{dataset}/{version}/records", ok)
        # refused with the one client error the operation documents (404; 400 is not listed)
        bad = client.post("/oa_citations/v1/records", content="criteria=*:*&start=zero", headers=form)
        assert bad.status_code == 404
        _conforms(spec, "POST", "/{dataset}/{version}/records", bad)
        assert client.post("/oa_citations/v1/records", content="rows=1", headers=form).status_code == 404
        # JSON text under the form media type is not a form with a `criteria` field
        assert client.post("/oa_citations/v1/records", content='{"criteria": "*:*"}', headers=form) \
            .status_code == 404


def test_every_answer_conforms_on_a_json_body_spec(hier: Spec, client: TestClient) -> None:
    """A walk of every operation once, ids from the creates: no answer breaks the spec."""
    _collection(client)
    seg = client.post("/collections/docs/segments", json={"label": "s"}, headers=A).json()["id"]
    rec = client.post(f"/collections/docs/segments/{seg}/records", json={"vector": [0.1, 0.2, 0.3]}, headers=A)
    assert rec.status_code == 201, rec.text
    values = {"collection_name": "docs", "segment_id": seg, "record_id": rec.json()["id"]}
    for op in hier.operations:
        path = op.path.format(**values)
        body: Any = {} if op.request_body else None
        response = client.request(op.method, path, headers=A, content=json.dumps(body) if body is not None else None)
        if response.status_code < 300:
            _conforms(hier, op.method, op.path, response)


# --------------------------------------------------------------------------- as a process, and under concurrency


def test_acknowledged_writes_survive_kill_9_and_the_cli_prints_no_key(tmp_path: Path) -> None:
    """Creates, PATCH merges, PUT replacements and deletes: what was acknowledged is what a restart shows."""
    from tests.sandbox.test_process import sandbox_process

    db, log = tmp_path / "e.db", tmp_path / "stderr.log"
    args = ("contract", "sandbox", "--spec", str(HIER), "--port", "0", "--db", str(db), "--key", "ApiKey=key-a")
    acked: dict[str, Any] = {}
    with sandbox_process(*args, stderr=log) as (proc, url), httpx.Client(base_url=url, headers=A, timeout=30) as http:
        for n in range(12):
            assert http.post("/collections", json={"name": f"c{n}", "dimension": 2}).status_code == 201
            for k in range(3):  # the last acknowledged description is what must survive
                answer = http.patch(f"/collections/c{n}", json={"description": f"d{n}-{k}"})
                assert answer.status_code == 200
                acked[f"/collections/c{n}"] = answer.json()
        seg = http.post("/collections/c0/segments", json={"label": "first", "tags": ["a"]}).json()["id"]
        replaced = http.put(f"/collections/c0/segments/{seg}", json={"label": "second"})
        assert replaced.status_code == 200
        acked[f"/collections/c0/segments/{seg}"] = replaced.json()
        for n in (10, 11):
            assert http.delete(f"/collections/c{n}").status_code == 204
            acked.pop(f"/collections/c{n}")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    with sandbox_process(*args, stderr=log) as (_proc, url), httpx.Client(base_url=url, headers=A, timeout=30) as http:
        for path, shown in acked.items():
            assert http.get(path).json() == shown, path
        assert [http.get(f"/collections/c{n}").status_code for n in (10, 11)] == [404, 404]
        listed = http.get("/collections", params={"limit": 100}).json()
        assert sorted(c["name"] for c in listed["items"]) == sorted(f"c{n}" for n in range(10))
    assert "key-a" not in log.read_text()


def _patch_concurrently(url: str, path: str, clients: int = 8, rounds: int = 6) -> list[str]:
    """`clients` writers PATCH keys of their own into one record's payload at once: the acknowledged keys a
    final read misses (an update merged onto a stale read loses the others' keys)."""
    acked: list[str] = []

    def writer(c: int) -> None:
        with httpx.Client(base_url=url, headers=A, timeout=30) as http:
            for n in range(rounds):
                key = f"c{c}-{n}"
                answer = http.patch(path, json={"payload": {key: n}})
                assert answer.status_code == 200, answer.text
                acked.append(key)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(writer, range(clients)))
    payload = httpx.get(url + path, headers=A, timeout=30).json()["payload"]
    assert len(acked) == clients * rounds
    return sorted(k for k in acked if k not in payload)


def _record(url: str) -> str:
    with httpx.Client(base_url=url, headers=A, timeout=30) as http:
        assert http.post("/collections", json={"name": "docs", "dimension": 3}).status_code == 201
        seg = http.post("/collections/docs/segments", json={"label": "s"}).json()["id"]
        rec = http.post(f"/collections/docs/segments/{seg}/records", json={"vector": [1.0, 2.0, 3.0]}).json()["id"]
    return f"/collections/docs/segments/{seg}/records/{rec}"


def test_concurrent_patches_lose_nothing_unless_lost_update(hier: Spec) -> None:
    from contract.sandbox.generic import Emulator

    with Emulator(hier, keys=KEY) as emulator:
        assert _patch_concurrently(emulator.url, _record(emulator.url)) == []
    with Emulator(hier, keys=KEY, faults=("lost-update",)) as faulty:
        assert _patch_concurrently(faulty.url, _record(faulty.url)), "the workload should catch lost-update"


@needs_corpus('twilio-lookups-v2-3.0.yaml', 'petstore-expanded-3.0.yaml')
def test_the_pytest_fixture_serves_a_spec_and_stops_it(contract_sandbox: Any) -> None:
    url = contract_sandbox(spec=LOOKUPS)
    assert url.startswith("http://127.0.0.1:")
    assert httpx.get(url + "/v2/PhoneNumbers/+14155550100", timeout=30).status_code == 401
    ok = httpx.get(url + "/v2/PhoneNumbers/+14155550100", headers=url.headers, timeout=30)
    assert ok.status_code == 200
    second = contract_sandbox(spec=PETSTORE, seed=3)
    assert second != url and httpx.get(second + "/pets", timeout=30).status_code == 200
    url.sandbox.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(url + "/v2/PhoneNumbers/+1", timeout=5)


@needs_corpus('box-3.0.json')
def test_multipart_bodies_are_parsed_and_validated(tmp_path: Path) -> None:
    """Box's upload: a JSON `attributes` part and a `file` part (multipart/form-data)."""
    spec = load_spec(CORPUS / "box-3.0.json")
    auth = {"Authorization": "Bearer tok"}
    for client in _client(spec, tmp_path, {"OAuth2Security": ["tok"]}):
        attributes = json.dumps({"name": "a.txt", "parent": {"id": "0"}})
        ok = client.post("/files/content", headers=auth, data={"attributes": attributes},
                         files={"file": ("a.txt", b"hello", "text/plain")})
        assert ok.status_code == 201, ok.text
        _conforms(spec, "POST", "/files/content", ok)
        missing = client.post("/files/content", headers=auth, files={"file": ("a.txt", b"hello", "text/plain")})
        assert missing.status_code == 400  # `attributes` is required
        not_multipart = client.post("/files/content", headers={**auth, "Content-Type": "multipart/form-data"},
                                    content=json.dumps({"attributes": {"name": "a", "parent": {"id": "0"}}}))
        assert not_multipart.status_code == 400


MISSING = """
openapi: 3.0.3
info: {title: missing things, version: "1"}
paths:
  /notes:
    post:
      requestBody: {content: {application/json: {schema: {type: object, properties: {text: {type: string}}}}}}
      responses:
        "201": {description: made, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
  /notes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200": {description: one, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
        "404": {description: none}
    put:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses:
        "200": {description: replaced, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
        "410": {description: gone}
    patch:
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses:
        "200": {description: merged, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
    delete:
      responses:
        "204": {description: removed}
        "400": {description: bad, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
components:
  schemas:
    Note: {type: object, required: [id], properties: {id: {type: string}, text: {type: string}}}
    Error: {type: object, required: [code], properties: {code: {type: integer}}}
"""


def test_an_instance_that_does_not_exist_gets_the_status_the_operation_documents(tmp_path: Path) -> None:
    """404 where documented; else its kin (410); else the client error the operation documents (Twilio Lookups
    documents only 400 on its overrides: Schemathesis's ST103 flagged the emulator's undocumented 404 there); 404
    when no client error is documented at all (the issue's own fallback)."""
    path = tmp_path / "missing.yaml"
    path.write_text(MISSING)
    spec = load_spec(path)
    for client in _client(spec, tmp_path):
        got = {
            "get": client.get("/notes/nope"),
            "put": client.put("/notes/nope", json={"id": "nope"}),
            "delete": client.delete("/notes/nope"),
            "patch": client.patch("/notes/nope", json={}),
        }
        assert {m: r.status_code for m, r in got.items()} == {"get": 404, "put": 410, "delete": 400, "patch": 404}
        _conforms(spec, "DELETE", "/notes/{id}", got["delete"])
        assert got["delete"].json()["code"] is not None
        made = client.post("/notes", json={"text": "a"}).json()
        assert client.delete(f"/notes/{made['id']}").status_code == 204
        assert client.delete(f"/notes/{made['id']}").status_code == 400  # deleted: no such thing, in its words


@needs_corpus("petstore-expanded-3.0.yaml", "twilio-lookups-v2-3.0.yaml")
def test_prefer_code_answers_the_documented_error_on_demand(tmp_path: Path) -> None:
    """`Prefer: code=NNN` (Prism's convention, RFC 7240 syntax): the documented response for NNN, valid against the
    spec, state untouched; a code the operation does not document, or a success code, is ignored (no
    Preference-Applied)."""
    spec = load_spec(PETSTORE)
    for client in _client(spec, tmp_path):
        made = client.post("/pets", json={"name": "rex"}).json()
        failed = client.delete(f"/pets/{made['id']}", headers={"Prefer": 'return=minimal, code="503"'})
        assert failed.status_code == 503 and failed.headers["Preference-Applied"] == "code=503"
        _conforms(spec, "DELETE", "/pets/{id}", failed)  # `default`: the Error schema
        assert client.get(f"/pets/{made['id']}").status_code == 200  # the refused delete deleted nothing
        plain = client.get(f"/pets/{made['id']}", headers={"Prefer": "code=201"})
        assert plain.status_code == 200 and "Preference-Applied" not in plain.headers
    lookups = load_spec(LOOKUPS)
    auth = {"Authorization": "Basic " + base64.b64encode(b"ACxx:secret").decode()}
    for client in _client(lookups, tmp_path, {"accountSid_authToken": ["ACxx:secret"]}, db="l.db"):
        documented = client.get("/v2/RateLimits/Fields/f/Bucket/b", headers={**auth, "Prefer": "code=404"})
        assert documented.status_code == 404 and documented.headers["Preference-Applied"] == "code=404"
        _conforms(lookups, "GET", "/v2/RateLimits/Fields/{Field}/Bucket/{Bucket}", documented)
        ignored = client.get("/v2/RateLimits", headers={**auth, "Prefer": "code=500"})  # 500 is not documented
        assert ignored.status_code != 500 and "Preference-Applied" not in ignored.headers


@needs_corpus("box-3.0.json")
def test_a_literal_fragment_path_is_matched_before_the_template_it_fits(tmp_path: Path) -> None:
    """Box's `PUT /metadata_templates/enterprise/securityClassification-6VMVochwUWo/schema#update` is that literal
    path (a `#fragment` is never sent), which OpenAPI matches before `/metadata_templates/{scope}/{template_key}
    /schema`: an edit missing the classification's required `fieldKey` is refused, though the template's looser
    operation would take it."""
    spec = load_spec(CORPUS / "box-3.0.json")
    path = "/metadata_templates/enterprise/securityClassification-6VMVochwUWo/schema"
    patch = {"Content-Type": "application/json-patch+json"}
    edit = {"op": "editEnumOption", "fieldKey": "Box__Security__Classification__Key", "enumOptionKey": "Sensitive",
            "data": {"key": "Sensitive"}}
    keys = {"OAuth2Security": ["token"]}
    auth = {"Authorization": "Bearer token"}
    for client in _client(spec, tmp_path, keys):
        ok = client.put(path, content=json.dumps([edit]), headers={**auth, **patch})
        assert ok.status_code == 200, ok.text
        _conforms(spec, "PUT", path + "#update", ok)
        missing = {k: v for k, v in edit.items() if k != "fieldKey"}
        refused = client.put(path, content=json.dumps([missing]), headers={**auth, **patch})
        assert refused.status_code == 400, refused.text
        _conforms(spec, "PUT", path + "#update", refused)
        # the template's own operation still serves every other template
        other = client.put("/metadata_templates/enterprise/blueprint/schema",
                           content=json.dumps([{"op": "editTemplate", "data": {"hidden": True}}]),
                           headers={**auth, **patch})
        assert other.status_code == 200, other.text


@needs_corpus("box-3.0.json")
def test_a_read_answers_the_resource_at_the_root_when_the_root_has_its_own_id(tmp_path: Path) -> None:
    """Box's comment is `{id, type, message, item: {...}}`: `item` names the commented file and is no envelope, so
    the stored comment is the whole answer to its read (it was laid at `item`, a live.round_trip on every field)."""
    spec = load_spec(CORPUS / "box-3.0.json")
    auth = {"Authorization": "Bearer token"}
    for client in _client(spec, tmp_path, {"OAuth2Security": ["token"]}):
        made = client.post("/comments", json={"message": "Review this", "item": {"id": "123", "type": "file"}},
                           headers=auth)
        assert made.status_code == 201, made.text
        read = client.get(f"/comments/{made.json()['id']}", headers=auth)
        _conforms(spec, "GET", "/comments/{comment_id}", read)
        assert read.json()["id"] == made.json()["id"]
        assert read.json()["message"] == "Review this"
        assert read.json()["item"] == {"id": "123", "type": "file"}


# Cut from stripe-2022-3.0.json: the create answers `payment_source` (a union), the list and the read `bank_account`.
_UNION_CREATE = {
    "openapi": "3.0.0", "info": {"title": "cut from Stripe", "version": "1"},
    "paths": {
        "/v1/customers/{customer}/bank_accounts": {
            "parameters": [{"name": "customer", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "required": ["data", "object"], "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/bank_account"}},
                    "object": {"type": "string", "enum": ["list"]}}}}}}}},
            "post": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/payment_source"}}}}}}},
        "/v1/customers/{customer}/bank_accounts/{id}": {
            "parameters": [{"name": "customer", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/bank_account"}}}}}}}},
    "components": {"schemas": {
        "bank_account": {"type": "object", "required": ["id", "object", "last4"], "properties": {
            "id": {"type": "string"}, "object": {"type": "string", "enum": ["bank_account"]},
            "last4": {"type": "string"}}},
        "source": {"type": "object", "required": ["id", "object", "flow"], "properties": {
            "id": {"type": "string"}, "object": {"type": "string", "enum": ["source"]}, "flow": {"type": "string"}}},
        "card": {"type": "object", "required": ["id", "object", "brand"], "properties": {
            "id": {"type": "string"}, "object": {"type": "string", "enum": ["card"]}, "brand": {"type": "string"}}},
        "payment_source": {"anyOf": [{"$ref": "#/components/schemas/card"}, {"$ref": "#/components/schemas/source"},
                                     {"$ref": "#/components/schemas/bank_account"}]}}},
}


def _sources_shape() -> dict[str, Any]:
    """Stripe-2023's `/v1/customers/{customer}/sources`: the create and the read answer the union, the list holds
    only some of its branches (no `card` here; no `account` there)."""
    shape = json.loads(json.dumps(_UNION_CREATE))
    paths = shape["paths"]
    paths["/v1/customers/{customer}/bank_accounts"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"]["properties"]["data"]["items"] = {"anyOf": [{"$ref": "#/components/schemas/bank_account"},
                                                              {"$ref": "#/components/schemas/source"}]}
    paths["/v1/customers/{customer}/bank_accounts/{id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"] = {"$ref": "#/components/schemas/payment_source"}
    return shape


@pytest.mark.parametrize("shape", ["bank_accounts", "sources"])
def test_a_create_answering_a_union_makes_what_its_collection_lists(tmp_path: Path, shape: str) -> None:
    """Without it the instance was drawn from any branch (a `source`, a `card`), the list could not hold it and
    answered drawn items: live.list_consistent on Stripe's customer bank accounts and cards (2022), sources
    (2023)."""
    (tmp_path / "api.json").write_text(json.dumps(_UNION_CREATE if shape == "bank_accounts" else _sources_shape()))
    spec = load_spec(tmp_path / "api.json")
    for seed in range(6):
        for client in _client(spec, tmp_path, seed=seed, db=f"u{seed}.db"):
            made = [client.post("/v1/customers/c1/bank_accounts").json() for _ in range(3)]
            assert all(m["object"] in ("bank_account", "source") for m in made), made
            if shape == "bank_accounts":
                assert [m["object"] for m in made] == ["bank_account"] * 3
            listed = client.get("/v1/customers/c1/bank_accounts").json()["data"]
            assert sorted(x["id"] for x in listed) == sorted(m["id"] for m in made)
            assert client.get(f"/v1/customers/c1/bank_accounts/{made[0]['id']}").json()["id"] == made[0]["id"]
