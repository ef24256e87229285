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
