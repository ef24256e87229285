"""What the corpus walks of Twilio's v2010 API and Discord's API showed the emulator (and the engine) got wrong.

Each spec here is constructed, small, and shaped after the real operations named in its test; the corpus
checks at the end read the real specs narrowed to those operations.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from contract.load import Spec, load_spec
from tests.conftest import CORPUS, needs_corpus
from tests.sandbox.helpers import emulator_client as _client
from tests.sandbox.helpers import emulator_walk

FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# Twilio's `POST /2010-04-01/Accounts/{AccountSid}/ConnectApps/{Sid}.json` (`Permissions`, an array of an enum)
# and an array the spec says travels as one comma-separated value (`explode: false`).
FORMS = """
openapi: 3.0.1
info: {title: forms, version: "1"}
paths:
  /apps/{Sid}:
    parameters: [{name: Sid, in: path, required: true, schema: {type: string}}]
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                Permissions: {type: array, items: {$ref: '#/components/schemas/permission'}}
                Tags: {type: array, items: {type: string, enum: [a, b]}}
                Limit: {type: integer}
            encoding:
              Tags: {style: form, explode: false}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {ok: {type: boolean}}}}}
        "400": {description: bad}
components:
  schemas:
    permission: {type: string, enum: [get-all, post-all]}
"""

# Twilio's Addresses (`^AD[0-9a-fA-F]{32}$` Sids), Conference Participants (`{CallSid}` any string in the path,
# `call_sid` a `^CA…` Sid in the answer) and OutgoingCallerIds, whose create answers a validation request without
# the `sid` its item path reads.
SID = "^AD[0-9a-fA-F]{32}$"
PN = "^PN[0-9a-fA-F]{32}$"
CA = "^CA[0-9a-fA-F]{32}$"
FORM_OF = {"content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "properties": {"Name": {"type": "string"}}}}}}


def _json(schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _sid_resource(name: str, param: str, param_schema: dict[str, Any], made: dict[str, Any],
                  shown: dict[str, Any], status: str = "201") -> dict[str, Any]:
    """`POST /name` answering `made`, and `GET`/`DELETE /name/{param}` answering `shown`."""
    return {f"/{name}": {"post": {"requestBody": FORM_OF, "responses": {status: _json(made, "made")}}},
            f"/{name}/{{{param}}}": {
                "parameters": [{"name": param, "in": "path", "required": True, "schema": param_schema}],
                "get": {"responses": {"200": _json(shown)}},
                "delete": {"responses": {"204": {"description": "gone"}}}}}


def _sid(pattern: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": 34, "maxLength": 34, "pattern": pattern, **extra}


def _with(field: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {field: schema, "name": {"type": "string"}}}


SIDS = json.dumps({
    "openapi": "3.0.1", "info": {"title": "sids", "version": "1"},
    "paths": {**_sid_resource("Addresses", "Sid", {"type": "string", "pattern": SID}, _with("sid", _sid(SID)),
                              _with("sid", _sid(SID))),
              **_sid_resource("Participants", "CallSid", {"type": "string"}, _with("call_sid", _sid(CA)),
                              _with("call_sid", _sid(CA))),
              **_sid_resource("Callers", "Sid", {"type": "string", "pattern": PN}, _with("validation_code", {
                  "type": "string"}), _with("sid", _sid(PN, nullable=True)), status="200")}})

# Discord's `POST /lobbies` beside `PUT /lobbies` (a PUT on the collection path), and `POST /stage-instances`
# whose instance is named by the request's `channel_id` (`/stage-instances/{channel_id}`).
DISCORD_SHAPES = """
openapi: 3.1.0
info: {title: discord shapes, version: "1"}
components:
  schemas:
    snowflake: {type: string, pattern: '^(0|[1-9][0-9]{0,19})$'}
    lobby:
      type: object
      required: [id]
      properties: {id: {$ref: '#/components/schemas/snowflake'}, secret: {type: string}}
    stage:
      type: object
      required: [id, channel_id, topic]
      properties:
        id: {$ref: '#/components/schemas/snowflake'}
        channel_id: {$ref: '#/components/schemas/snowflake'}
        topic: {type: string, minLength: 1}
paths:
  /lobbies:
    post:
      requestBody: {content: {application/json: {schema: {type: object, properties: {secret: {type: string}}}}}}
      responses:
        "200": {description: made, content: {application/json: {schema: {$ref: '#/components/schemas/lobby'}}}}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [secret], properties: {secret: {type: string}}}
      responses:
        "200": {description: joined, content: {application/json: {schema: {$ref: '#/components/schemas/lobby'}}}}
  /lobbies/{lobby_id}:
    parameters: [{name: lobby_id, in: path, required: true, schema: {$ref: '#/components/schemas/snowflake'}}]
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/lobby'}}}}
        "404": {description: none}
    delete:
      responses: {"204": {description: gone}, "404": {description: none}}
  /stage-instances:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [channel_id, topic]
              properties:
                channel_id: {$ref: '#/components/schemas/snowflake'}
                topic: {type: string, minLength: 1, maxLength: 120}
      responses:
        "200": {description: made, content: {application/json: {schema: {$ref: '#/components/schemas/stage'}}}}
        "400": {description: bad}
  /stage-instances/{channel_id}:
    parameters: [{name: channel_id, in: path, required: true, schema: {$ref: '#/components/schemas/snowflake'}}]
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/stage'}}}}
        "404": {description: none}
    delete:
      responses: {"204": {description: gone}, "404": {description: none}}
"""


def _spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Spec:
    path = tmp_path / name
    path.write_text(text)
    return load_spec(path)


# --------------------------------------------------------------------------- form arrays


def test_a_repeated_form_name_is_an_array_and_each_item_is_validated(tmp_path: Path) -> None:
    for client in _client(_spec(tmp_path, FORMS), tmp_path):
        assert client.post("/apps/1", content="Permissions=get-all&Permissions=post-all&Limit=3",
                           headers=FORM).status_code == 200
        # the bad item first or last: read as one array, not as its last value
        for body in ("Permissions=get-all_invalid&Permissions=post-all", "Permissions=post-all&Permissions=nope"):
            assert client.post("/apps/1", content=body, headers=FORM).status_code == 400, body
        # `style: form, explode: true` (the default): a comma is part of the one item
        assert client.post("/apps/1", content="Permissions=get-all,post-all", headers=FORM).status_code == 400
        # `explode: false` in the media type's `encoding`: one value, split at its commas
        assert client.post("/apps/1", content="Tags=a,b", headers=FORM).status_code == 200
        assert client.post("/apps/1", content="Tags=a,c", headers=FORM).status_code == 400
        assert client.post("/apps/1", content="Limit=three", headers=FORM).status_code == 400


@needs_corpus("twilio-api-v2010-3.0.yaml")
def test_twilio_connect_app_permissions_are_read_as_an_array(tmp_path: Path) -> None:
    """The real operation the walk found accepting `Permissions=get-all_invalid&Permissions=post-all`."""
    import yaml

    data = yaml.safe_load((CORPUS / "twilio-api-v2010-3.0.yaml").read_text())
    data["paths"] = {p: v for p, v in data["paths"].items() if "ConnectApps" in p}
    spec = _spec(tmp_path, yaml.safe_dump(data), "twilio.yaml")
    auth = {"Authorization": "Basic " + base64.b64encode(b"AC1:secret").decode()}
    path = "/2010-04-01/Accounts/AC" + "a" * 32 + "/ConnectApps/CN" + "b" * 32 + ".json"
    for client in _client(spec, tmp_path, {"accountSid_authToken": ["AC1:secret"]}):
        ok = client.post(path, content="Permissions=get-all&Permissions=post-all", headers={**auth, **FORM})
        assert ok.status_code == 200, ok.text
        bad = client.post(path, content="Permissions=get-all_invalid&Permissions=post-all",
                          headers={**auth, **FORM})
        assert bad.status_code == 400, bad.text


# --------------------------------------------------------------------------- the emulator's own identifiers


@pytest.mark.parametrize(("collection", "field", "pattern"), [("/Addresses", "sid", SID),
                                                               ("/Participants", "call_sid", CA)])
def test_own_identifiers_under_a_pattern_are_unique_and_valid(tmp_path: Path, collection: str, field: str,
                                                              pattern: str) -> None:
    """The schema's pools repeat a few Sids: twenty creates must still be twenty instances, each identifier valid
    for the path parameter and for the answer's field (where only the field has the pattern, too)."""
    for client in _client(_spec(tmp_path, SIDS), tmp_path):
        sids = []
        for n in range(20):
            made = client.post(collection, content=f"Name=n{n}", headers=FORM)
            assert made.status_code == 201, made.text
            sids.append(made.json()[field])
        assert len(set(sids)) == 20 and all(re.fullmatch(pattern, s) for s in sids), sids
        assert client.delete(f"{collection}/{sids[0]}").status_code == 204
        assert client.get(f"{collection}/{sids[1]}").json()[field] == sids[1]


def test_a_create_answer_without_the_identifier_still_names_what_it_made(tmp_path: Path) -> None:
    """Twilio's `POST .../OutgoingCallerIds.json` answers a validation request (no `sid`); the caller id it made
    is read at `/OutgoingCallerIds/{Sid}.json` and must show that Sid, not null."""
    for client in _client(_spec(tmp_path, SIDS), tmp_path):
        made = client.post("/Callers", content="Name=caller", headers=FORM)
        assert made.status_code == 200, made.text
        location = made.headers["location"]
        sid = location.rsplit("/", 1)[-1]
        assert re.fullmatch(PN, sid), location
        assert client.get(location).json()["sid"] == sid


# --------------------------------------------------------------------------- Discord's shapes


def test_an_action_on_a_collection_path_answers_from_its_schema(tmp_path: Path) -> None:
    """`PUT /lobbies` names no lobby: there is nothing to look up (it was a 404 "no such instance")."""
    for client in _client(_spec(tmp_path, DISCORD_SHAPES), tmp_path):
        joined = client.put("/lobbies", json={"secret": "s"})
        assert joined.status_code == 200, joined.text
        assert re.fullmatch(r"0|[1-9][0-9]{0,19}", joined.json()["id"])
        assert client.put("/lobbies", json={}).status_code == 400


def test_instances_named_by_the_request_are_renewed_per_create_so_deletes_find_theirs(tmp_path: Path) -> None:
    """Discord's stage instances are named by the `channel_id` the create sends (and echoes): the run used one
    drawn `channel_id` for every create, so the first DELETE removed what every other case took for its own
    and the rest were 404s (`live.positive_acceptance`). The run now renews it per create."""
    spec = _spec(tmp_path, DISCORD_SHAPES)
    _walks_clean(spec, max_examples=3, operations=len(spec.operations))


# --------------------------------------------------------------------------- Box's walk (the engine's part)

# Each slice of Box's real spec the walk got false errors on, and what was wrong in the engine (a real Box server
# would have got the same findings): a listed `$scope` (`enterprise_1` on Box, any string in its schema) sent as
# the `{scope}` its path takes as `global|enterprise`; the `{level_index}` text expected back as text where the
# level shows the integer; the `id` of an upload session expected in the answer of the `PUT` that uploads one
# part (`{part: {...}}`); an AI agent's `ask` expected to outlive a `PUT` that replaced the agent without it.
BOX_SLICES = {
    "listed value the parameter refuses": "/files/{file_id}/metadata",
    "identifier text shown as a number": "/metadata_taxonomies",
    "an update answering another object": "/files/upload_sessions",
    "PUT replaces": "/ai_agents",
}


@needs_corpus("box-3.0.json")
@pytest.mark.parametrize("prefix", list(BOX_SLICES.values()), ids=list(BOX_SLICES))
def test_box_slices_walk_without_error(tmp_path: Path, prefix: str) -> None:
    data = json.loads((CORPUS / "box-3.0.json").read_text())
    data["paths"] = {p: v for p, v in data["paths"].items() if p.startswith(prefix)}
    spec = _spec(tmp_path, json.dumps(data), "box.json")
    result, errors = emulator_walk(spec)
    assert not errors, errors
    assert sum(1 for row in result.reach.values() if row.get("reached")) >= 0.9 * len(spec.operations)


def _walks_clean(spec: Spec, *, max_examples: int, operations: int) -> None:
    """`contract run` against the emulator of `spec`: no error finding, a 2xx on every one of its operations."""
    result, errors = emulator_walk(spec, max_examples=max_examples)
    assert not errors, errors
    assert all(row.get("reached") for row in result.reach.values()) and len(result.reach) == operations, \
        result.reach


# Stripe's transfer reversals (both corpus versions; `/v1/application_fees/{id}/refunds` is the same): the create
# names its parent `{id}`, the item path names the parent `{transfer}` and the reversal `{id}`.
STRIPE_REVERSALS = """
openapi: 3.0.0
info: {title: reversals, version: "1"}
paths:
  /v1/transfers:
    post:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/transfer'}}}}}
  /v1/transfers/{transfer}:
    parameters: [{name: transfer, in: path, required: true, schema: {type: string}}]
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/transfer'}}}}}
  /v1/transfers/{id}/reversals:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {amount: {type: integer}, description: {type: string}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/reversal'}}}}}
  /v1/transfers/{transfer}/reversals/{id}:
    parameters:
      - {name: transfer, in: path, required: true, schema: {type: string}}
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/reversal'}}}}}
components:
  schemas:
    transfer:
      type: object
      required: [id]
      properties: {id: {type: string}, amount: {type: integer}}
    reversal:
      type: object
      required: [id]
      properties: {id: {type: string}, amount: {type: integer}, description: {type: string}}
"""


def test_a_create_s_path_parameter_is_known_by_its_place_not_its_name(tmp_path: Path) -> None:
    """The run took the create's `{id}` (the transfer) for the new reversal's `id`: "id changed in its response"
    and in the read after it (live.round_trip, 4 errors on the Stripe-2022 walk)."""
    _walks_clean(_spec(tmp_path, STRIPE_REVERSALS), max_examples=3, operations=4)


# Stripe's products, coupons, plans and SKUs (both corpus versions): the form-only create may name the new instance
# (`id`), which its item path then reads.
STRIPE_CLIENT_NAMED = """
openapi: 3.0.0
info: {title: products, version: "1"}
paths:
  /v1/products:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [name]
              properties: {id: {type: string, maxLength: 5000}, name: {type: string, maxLength: 5000}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/product'}}}}}
  /v1/products/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string, maxLength: 5000}}]
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/product'}}}}}
    delete:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, required: [id, deleted], properties: {id: {type: string}, deleted: {type: boolean}}}}}}}
components:
  schemas:
    product:
      type: object
      required: [id, name]
      properties: {id: {type: string}, name: {type: string}}
"""


def test_a_form_create_that_names_its_instance_gets_a_fresh_name_per_create(tmp_path: Path) -> None:
    """Only JSON bodies were read for the fields a create declares: every fresh product for a DELETE case was
    created as the one drawn `id`, the first DELETE removed them all, and the next was a 404 (live.positive_acceptance
    on Stripe's products, coupons, plans and SKUs)."""
    _walks_clean(_spec(tmp_path, STRIPE_CLIENT_NAMED), max_examples=5, operations=3)


# Stripe-2022's `/v1/account` (POST, GET, DELETE; no item path): one instance per tenant.
STRIPE_ACCOUNT = """
openapi: 3.0.0
info: {title: account, version: "1"}
paths:
  /v1/account:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/account'}}}}}
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {business_type: {type: string, enum: [company, individual]}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/account'}}}}}
    delete:
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, required: [deleted], properties: {deleted: {type: boolean}}}}}}
        default: {description: error, content: {application/json: {schema: {type: object, properties: {error: {type: object}}}}}}
components:
  schemas:
    account:
      type: object
      required: [id]
      properties: {id: {type: string}, business_type: {type: string}}
"""


def test_deletes_of_a_resource_with_no_item_path_each_get_their_own_instance(tmp_path: Path) -> None:
    """The flood made every DELETE case's "fresh" instance first, concurrently: one instance, which the first DELETE
    removed, so the others were 404s (live.positive_acceptance on Stripe-2022's DELETE /v1/account)."""
    _walks_clean(_spec(tmp_path, STRIPE_ACCOUNT), max_examples=5, operations=3)


# Stripe-2023's payment links: `custom_fields[0][label]` is an object whose undeclared fields the schema allows.
STRIPE_OPEN_OBJECT = """
openapi: 3.0.0
info: {title: links, version: "1"}
paths:
  /v1/payment_links:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [label]
              properties: {label: {type: object, minProperties: 2, properties: {custom: {type: string}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/link'}}}}}
  /v1/payment_links/{payment_link}:
    parameters: [{name: payment_link, in: path, required: true, schema: {type: string}}]
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/link'}}}}}
components:
  schemas:
    link:
      type: object
      required: [id]
      properties: {id: {type: string}, label: {type: object}}
"""


def test_a_form_s_undeclared_fields_are_expected_back_as_text(tmp_path: Path) -> None:
    """The run expected the JSON it drew for fields no schema types (`label[n]=57145`), the server keeps the text
    "57145": live.round_trip "custom_fields changed" on Stripe-2023's POST /v1/payment_links/{payment_link}."""
    _walks_clean(_spec(tmp_path, STRIPE_OPEN_OBJECT), max_examples=5, operations=2)
