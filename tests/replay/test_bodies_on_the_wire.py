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
