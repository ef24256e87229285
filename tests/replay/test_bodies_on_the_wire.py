"""What the client puts on the wire: form and multipart bodies encoded as such, unsendable requests said so."""

from __future__ import annotations

from pathlib import Path

from contract.model import Case
from contract.replay.client import UNSENDABLE, ClientConfig, ReplayClient
from contract.sandbox.generic.server import Emulator

SPEC = """\
openapi: 3.0.3
info: {title: forms, version: "1"}
paths:
  /charges:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [amount, currency]
              properties:
                amount: {type: integer}
                currency: {type: string}
                metadata: {type: object, additionalProperties: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad}
  /files:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [purpose]
              properties:
                purpose: {type: string, enum: [fine-tune, assistants]}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad}
"""


def test_form_and_multipart_bodies_are_read_by_a_spec_faithful_server(tmp_path: Path):
    spec = tmp_path / "forms.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    form = Case("POST /charges", "POST", "/charges", body={"amount": 2000, "currency": "usd", "metadata": {"o": "1"}},
                has_body=True, media_type="application/x-www-form-urlencoded",
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    upload = Case("POST /files", "POST", "/files", body={"purpose": "fine-tune"}, has_body=True,
                  media_type="multipart/form-data", headers={"Content-Type": "multipart/form-data"})
    missing = Case("POST /charges", "POST", "/charges", body={"currency": "usd"}, has_body=True,
                   media_type="application/x-www-form-urlencoded")
    with Emulator(spec) as emu, ReplayClient(ClientConfig(base_url=emu.url)) as client:
        sent = [client.send(case) for case in (form, upload, missing)]
    assert [x.status for x in sent] == [200, 200, 400]  # the required field really is missing in the third
    assert sent[0].request_body == b"amount=2000&currency=usd&metadata%5Bo%5D=1"
    assert sent[1].request_headers["Content-Type"].startswith("multipart/form-data; boundary=")


def test_a_request_the_http_client_refuses_is_unsendable_not_a_crash():
    case = Case("GET /x", "GET", "/x", query={"q": "9" * 70_000})
    with ReplayClient(ClientConfig(base_url="http://127.0.0.1:9")) as client:
        exchange = client.send(case)
    assert exchange.error == UNSENDABLE and exchange.status is None  # not sent: nothing was listening anyway


def test_no_violating_form_case_relies_on_a_value_a_form_cannot_carry(tmp_path: Path):
    """`rows: null` sent as a form is no `rows` at all: such a case would test nothing (USPTO's spec)."""
    from contract.core.http import form_view
    from contract.generate import generate_cases
    from contract.load import load_spec
    from contract.validate import Validators

    spec_file = tmp_path / "forms.yaml"
    spec_file.write_text(SPEC, encoding="utf-8")
    spec = load_spec(spec_file)
    validator = Validators(spec).request(spec.operation("POST /charges"))
    cases = generate_cases(spec, "POST /charges", mode="violating", count=30).cases
    body_cases = [c for c in cases if c.label is not None and c.label.pointer.startswith("/") and c.raw_body is None]
    assert body_cases
    for case in body_cases:  # the violation survives the form encoding
        on_the_wire = Case(case.operation, case.method, case.path, body=form_view(case.body), has_body=True,
                           media_type=case.media_type, headers=case.headers)
        assert validator.validate_case(on_the_wire) != [], case.label


# Cut from openai-3.1.yaml: six operations are spelled `PATH?beta=true` beside `PATH` (one request apart by its
# query); S3 listings write `/?acl` the same way.
BETA = """\
openapi: 3.1.0
info: {title: beta, version: "1"}
paths:
  /responses:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {model: {type: string}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad}
  /responses?beta=true:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                model: {type: string}
                agent: {type: object, required: [agent_name], properties: {agent_name: {type: string}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad}
  /responses/{response_id}?beta=true:
    get:
      parameters:
        - {name: response_id, in: path, required: true, schema: {type: string}}
        - {name: include, in: query, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "404": {description: none}
"""


def test_a_path_keys_own_query_is_sent_and_routed_to_its_operation(tmp_path: Path):
    """The query a path key spells travels with the case's own query (it was replaced by it: `GET
    /responses/{id}?beta=true` went out as `/responses/abc?include=x`), and the emulator tells `POST
    /responses?beta=true` from `POST /responses` by it: a beta request breaking the beta schema is refused (it was
    routed to the plain operation and accepted: 5 live.negative_rejection errors on OpenAI)."""
    spec = tmp_path / "beta.yaml"
    spec.write_text(BETA, encoding="utf-8")
    broken = {"model": "gpt", "agent": {}}  # no agent_name: breaks only the beta operation's schema
    json_type = {"Content-Type": "application/json"}
    cases = [Case("POST /responses?beta=true", "POST", "/responses?beta=true", body=broken, has_body=True,
                  media_type="application/json", headers=json_type),
             Case("POST /responses", "POST", "/responses", body=broken, has_body=True, media_type="application/json",
                  headers=json_type),
             Case("GET /responses/{response_id}?beta=true", "GET", "/responses/{response_id}?beta=true",
                  path_params={"response_id": "abc"}, query={"include": "x"})]
    with Emulator(spec) as emu, ReplayClient(ClientConfig(base_url=emu.url)) as client:
        sent = [client.send(case) for case in cases]
    assert [x.status for x in sent[:2]] == [400, 200]
    assert sent[2].url.endswith("/responses/abc?beta=true&include=x")


# Cut from openai-3.1.yaml's `POST /realtime/calls`: `session` is `allOf: [$ref]` (no `type` of its own) and its
# `encoding` says `contentType: application/json`.
REALTIME = """\
openapi: 3.1.0
info: {title: realtime, version: "1"}
paths:
  /realtime/calls:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [sdp]
              additionalProperties: false
              properties:
                sdp: {type: string}
                session: {allOf: [{$ref: "#/components/schemas/Session"}]}
            encoding:
              session: {contentType: application/json}
      responses:
        "201": {description: created, content: {application/sdp: {schema: {type: string}}}}
        "400": {description: bad}
components:
  schemas:
    Session: {type: object, required: [type], properties: {type: {type: string, enum: [realtime]}}}
"""


def test_a_multipart_part_sent_as_json_is_read_as_json(tmp_path: Path):
    """The client sends an object field as an `application/json` part; the emulator read it as JSON only when the
    field's schema said `type: object` itself, so OpenAI's realtime `session` (`allOf`) stayed a string and a
    conforming call was refused (live.positive_acceptance)."""
    spec = tmp_path / "realtime.yaml"
    spec.write_text(REALTIME, encoding="utf-8")
    media = "multipart/form-data"
    good = Case("POST /realtime/calls", "POST", "/realtime/calls", body={"sdp": "v=0", "session": {"type": "realtime"}},
                has_body=True, media_type=media, headers={"Content-Type": media})
    bad = Case("POST /realtime/calls", "POST", "/realtime/calls", body={"sdp": "v=0", "session": {"type": "other"}},
               has_body=True, media_type=media, headers={"Content-Type": media})
    with Emulator(spec) as emu, ReplayClient(ClientConfig(base_url=emu.url)) as client:
        sent = [client.send(case) for case in (good, bad)]
    assert b"application/json" in (sent[0].request_body or b"")
    assert [x.status for x in sent] == [201, 400]
