"""Swagger 2.0 input: read as OpenAPI 3.0, every line still a line of the 2.0 file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from openapi_spec_validator import OpenAPIV30SpecValidator

from contract.core.pointer import join
from contract.generate import generate_cases
from contract.generate.draw import Drawer
from contract.lint import lint
from contract.load import Spec, Swagger2Document, load_spec
from contract.validate import Validators
from tests.conftest import corpus_specs

HERE = Path(__file__).parent
FEATURES = HERE / "features-2.0.yaml"
PETSTORE = HERE / "vendor" / "petstore-2.0.json"
TWIN = HERE / "vendor" / "petstore-3.0-twin.yaml"
CORPUS_20 = [p for p in corpus_specs() if "-2.0." in p.name]
SWAGGER2_CHECKS = ("lint.swagger2_body_and_form", "lint.swagger2_multiple_body", "lint.swagger2_form_consumes",
                   "lint.swagger2_unused_produces")


def _line(spec: Spec, pointer: str) -> str:
    """The text of the 2.0 file's line a 3.0 pointer of the converted spec is placed at."""
    line = spec.location(pointer).line
    assert line is not None, pointer
    return Path(spec.path).read_text().splitlines()[line - 1]


@pytest.fixture(scope="module")
def features() -> Spec:
    return load_spec(FEATURES)


# --------------------------------------------------------------------------- conversion


def test_converted_document_is_valid_openapi_30(features: Spec) -> None:
    assert isinstance(features.document, Swagger2Document)
    assert features.version.startswith("3.0")
    assert [e.message for e in OpenAPIV30SpecValidator(features.data).iter_errors()] == []
    text = json.dumps(features.data)
    for old in ("#/definitions/", "#/parameters/", "#/responses/", '"swagger"', '"consumes"', '"produces"',
                '"securityDefinitions"', '"collectionFormat"', '"x-nullable"', '"formData"', '"body"'):
        assert old not in text


def test_servers_from_host_base_path_and_schemes(features: Spec, tmp_path: Path) -> None:
    assert features.data["servers"] == [{"url": "https://api.example.com/v2"}, {"url": "http://api.example.com/v2"}]
    bare = tmp_path / "bare.yaml"
    bare.write_text("swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: h.example\n"
                    "paths: {/a: {get: {responses: {'200': {description: ok}}}}}\n")
    assert load_spec(bare).data["servers"] == [{"url": "//h.example"}]  # 2.0: the scheme the spec came by


def test_parameters_move_into_schema_with_style(features: Spec) -> None:
    op = features.operation("listPets")
    params = {p.name: p for p in op.parameters}
    assert params["page_size"].schema == {"type": "integer", "minimum": 1, "maximum": 100}  # via #/parameters
    assert params["tags"].schema == {"type": "array", "items": {"type": "string", "format": "weird"}}
    assert params["X-Trace"].schema == {"type": "string", "nullable": True}
    raw = features.data["paths"]["/pets"]["get"]["parameters"]
    assert raw[0] == {"$ref": "#/components/parameters/pageSize"}
    assert (raw[1]["style"], raw[1]["explode"]) == ("form", True)  # collectionFormat: multi
    assert (raw[2]["style"], raw[2]["explode"]) == ("form", False)  # 2.0's default, csv
    shared = features.operation("getPet").parameters
    assert [(p.name, p.location, p.required, p.schema) for p in shared] == [
        ("id", "path", True, {"type": "integer", "format": "int64"})]


def test_body_and_form_parameters_become_request_bodies(features: Spec) -> None:
    create = features.operation("createPet").request_body
    assert create is not None and create.required
    assert {m: mt.schema for m, mt in create.content.items()} == {
        "application/json": {"$ref": "#/components/schemas/Pet"},
        "application/xml": {"$ref": "#/components/schemas/Pet"}}  # the operation's consumes, not the global one
    rename = features.operation("renamePet").request_body
    assert rename is not None
    assert {m: mt.schema for m, mt in rename.content.items()} == {"application/x-www-form-urlencoded": {
        "type": "object", "properties": {"name": {"type": "string", "maxLength": 20}, "nickname": {"type": "string"}},
        "required": ["name"]}}
    upload = features.operation("uploadPhoto").request_body
    assert upload is not None
    schema = upload.content["multipart/form-data"].schema
    assert schema["properties"]["photo"] == {"type": "string", "format": "binary"}
    assert schema["required"] == ["photo"]
    assert [p.name for p in features.operation("uploadPhoto").parameters] == ["id"]


def test_responses_headers_examples_and_produces(features: Spec) -> None:
    listed = features.operation("listPets").responses["200"]
    assert listed.headers["X-Total"].schema == {"type": "integer", "minimum": 0}
    assert listed.content["application/json"].example == [{"id": 1, "name": "Rex"}]
    got = features.operation("getPet").responses
    assert list(got["200"].content) == ["application/xml"]  # the operation's own produces
    assert list(got["404"].content) == ["application/xml"]  # a shared response, read with that produces
    assert list(features.operation("renamePet").responses["404"].content) == ["application/json"]
    assert features.operation("renamePet").responses["204"].content == {}
    assert features.operation("uploadPhoto").responses["200"].content["application/json"].schema == {
        "type": "string", "format": "binary"}


def test_security_definitions_become_security_schemes(features: Spec) -> None:
    schemes = features.data["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {"type": "http", "scheme": "basic"}
    assert schemes["key"] == {"type": "apiKey", "name": "X-Key", "in": "header"}
    assert schemes["code"]["flows"] == {"authorizationCode": {
        "authorizationUrl": "https://auth.example.com/authorize", "tokenUrl": "https://auth.example.com/token",
        "scopes": {"read": "read things"}}}
    assert schemes["machine"]["flows"] == {"clientCredentials": {"tokenUrl": "https://auth.example.com/token",
                                                                 "scopes": {}}}
    op = features.operation("listPets")
    assert [[(s.key, s.type, s.location, s.param_name) for s in req] for req in op.security] == [
        [("key", "apiKey", "header", "X-Key")]]


def test_definitions_x_nullable_and_discriminator(features: Spec) -> None:
    pet = features.data["components"]["schemas"]["Pet"]
    assert pet["discriminator"] == {"propertyName": "kind"}
    assert pet["properties"]["tag"] == {"type": "string", "nullable": True}
    assert pet["properties"]["owner"] == {"$ref": "#/components/schemas/Owner", "nullable": True}
    validator = Validators(features).response("getPet")
    ok = {"id": 1, "name": "Rex", "tag": None, "owner": None}
    bad = {"id": 1, "name": None}
    headers = {"content-type": "application/xml"}
    assert features.operation("getPet").responses["200"].content  # xml is not validated: judge the JSON schema
    compiled = Validators(features).response("listPets")
    json_headers = {"content-type": "application/json"}
    assert compiled.validate(200, json_headers, json.dumps([ok]).encode()) == []
    assert [v.keyword for v in compiled.validate(200, json_headers, json.dumps([bad]).encode())] == ["type"]
    assert validator.validate(200, headers, b"<pet/>") == []


def test_contract_load_says_what_it_read() -> None:
    result = subprocess.run([sys.executable, "-m", "contract", "load", str(PETSTORE)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith("Swagger 2.0 (read as OpenAPI 3.0.3), 3 operations")
    assert "GET /pets  (listPets, line 23)" in result.stdout  # the 2.0 file's `"get": {` line


# --------------------------------------------------------------------------- lines


def test_every_converted_node_points_at_its_2_0_line(features: Spec) -> None:
    create = features.operation("createPet")
    assert create.request_body is not None and create.request_body.where is not None
    assert "$ref: '#/parameters/petBody'" in _line(features, create.request_body.where.pointer or "")
    rename = features.operation("renamePet").request_body
    assert rename is not None and rename.where is not None
    assert "name: name" in _line(features, rename.where.pointer or "")
    form = join("/paths", "/pets/{id}", "put", "requestBody", "content", "application/x-www-form-urlencoded",
                "schema", "properties")
    assert "name: nickname" in _line(features, join(form, "nickname"))
    assert "maxLength: 20" in _line(features, join(form, "name", "maxLength"))
    for op in features.operations:
        for p in op.parameters:
            assert p.where is not None
            text = _line(features, p.where.pointer or "")
            assert f"name: {p.name}" in text or "$ref" in text, (op.key, p.name, text)
        for status, resp in op.responses.items():
            assert resp.where is not None
            assert status in _line(features, resp.where.pointer or "")
            for mt in resp.content.values():
                assert mt.where is not None
                assert "schema:" in _line(features, join(mt.where.pointer or "", "schema")) or "$ref" in _line(
                    features, join(mt.where.pointer or "", "schema"))
    assert "x-nullable" in _line(features, "/components/schemas/Pet/properties/tag/nullable")
    assert "x-nullable" in _line(features, join("/paths", "/pets", "get", "parameters", 3, "schema", "nullable"))
    assert "collectionFormat: multi" in _line(features, join("/paths", "/pets", "get", "parameters", 1, "style"))
    assert "basicAuth" in _line(features, "/components/securitySchemes/basicAuth")
    assert "flow: accessCode" in _line(features, "/components/securitySchemes/code/flows")
    assert "host:" in _line(features, "/servers")
    assert "X-Total" in _line(features, join("/paths", "/pets", "get", "responses", "200", "headers", "X-Total"))
    assert "minimum: 0" in _line(features, join("/paths", "/pets", "get", "responses", "200", "headers", "X-Total",
                                                "schema", "minimum"))
    assert "swagger:" in _line(features, "/openapi")


def test_lint_finding_on_a_converted_spec_points_at_the_2_0_line(features: Spec) -> None:
    found = [f for f in lint(features) if f.check == "lint.unknown_format"]
    assert len(found) == 1 and found[0].spec is not None and found[0].spec.line is not None
    assert "format: weird" in FEATURES.read_text().splitlines()[found[0].spec.line - 1]


@pytest.mark.skipif(not CORPUS_20, reason="shared corpus not present")
def test_corpus_lint_findings_point_at_the_2_0_lines() -> None:
    netlify = next(p for p in CORPUS_20 if p.name.startswith("netlify"))
    spec = load_spec(netlify)
    lines = netlify.read_text().splitlines()
    findings = lint(spec)
    formats = [f for f in findings if f.check == "lint.unknown_format"]
    statuses = [f for f in findings if f.check == "lint.response_no_schema"]
    assert formats and statuses
    for f in formats:
        assert f.spec is not None and f.spec.line is not None
        fmt = f.message.split("'")[1]
        assert "format:" in lines[f.spec.line - 1] and fmt in lines[f.spec.line - 1], (f.message, f.spec)
    for f in statuses:
        assert f.spec is not None and f.spec.line is not None
        assert str(f.subject).split(":")[0] in lines[f.spec.line - 1], (f.message, f.spec)


# --------------------------------------------------------------------------- 2.0 defects


def _write(tmp_path: Path, operation: str, top: str = "",
           responses: str = "        '400': {description: bad}\n") -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text("swagger: '2.0'\ninfo: {title: t, version: '1'}\n" + top + "paths:\n  /a:\n    post:\n"
                    + operation + "      responses:\n" + responses)
    return path


def _swagger2_findings(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text().splitlines()
    out = []
    for f in lint(load_spec(path)):
        if f.check.startswith("lint.swagger2_"):
            assert f.spec is not None and f.spec.line is not None
            out.append((f.check, lines[f.spec.line - 1].strip()))
    return out


def test_body_and_form_parameters_together(tmp_path: Path) -> None:
    path = _write(tmp_path, "      consumes: [application/x-www-form-urlencoded]\n      parameters:\n"
                  "        - {name: b, in: body, schema: {type: object}}\n"
                  "        - {name: f, in: formData, type: string}\n")
    assert _swagger2_findings(path) == [("lint.swagger2_body_and_form", "- {name: f, in: formData, type: string}")]
    spec = load_spec(path)
    body = spec.operation("POST /a").request_body
    assert body is not None and body.content["application/x-www-form-urlencoded"].schema == {"type": "object"}


def test_two_body_parameters(tmp_path: Path) -> None:
    path = _write(tmp_path, "      parameters:\n        - {name: one, in: body, schema: {type: object}}\n"
                  "        - {name: two, in: body, schema: {type: string}}\n")
    assert _swagger2_findings(path) == [("lint.swagger2_multiple_body", "- {name: two, in: body, schema: {type: string}}")]


def test_form_parameters_without_a_form_media_type(tmp_path: Path) -> None:
    path = _write(tmp_path, "      parameters:\n        - {name: upload, in: formData, type: file}\n",
                  top="consumes: [application/x-www-form-urlencoded]\n")
    assert _swagger2_findings(path) == [("lint.swagger2_form_consumes", "consumes: [application/x-www-form-urlencoded]")]
    body = load_spec(path).operation("POST /a").request_body
    assert body is not None and list(body.content) == ["application/x-www-form-urlencoded"]  # as written
    fine = _write(tmp_path, "      consumes: [multipart/form-data]\n      parameters:\n"
                  "        - {name: upload, in: formData, type: file}\n")
    assert _swagger2_findings(fine) == []


def test_produces_for_no_response_body(tmp_path: Path) -> None:
    path = _write(tmp_path, "      produces: [application/json]\n")
    assert _swagger2_findings(path) == [("lint.swagger2_unused_produces", "produces: [application/json]")]
    used = _write(tmp_path, "      produces: [application/json]\n",
                  responses="        '200':\n          description: ok\n          schema: {type: object}\n")
    assert _swagger2_findings(used) == []


def test_real_2_0_specs_have_none_of_these_defects(features: Spec) -> None:
    assert [f.check for f in lint(features) if f.check in SWAGGER2_CHECKS] == []
    assert [f.check for f in lint(load_spec(PETSTORE)) if f.check in SWAGGER2_CHECKS] == []


# --------------------------------------------------------------------------- corpus


@pytest.mark.skipif(not CORPUS_20, reason="shared corpus not present")
@pytest.mark.parametrize("path", [pytest.param(p, id=p.name, marks=[pytest.mark.slow] if p.stat().st_size > 1_000_000
                                               else []) for p in CORPUS_20])
def test_corpus_2_0_loads_lints_validates_and_generates(path: Path) -> None:
    spec = load_spec(path)
    assert isinstance(spec.document, Swagger2Document) and spec.operations
    assert [e.message for e in OpenAPIV30SpecValidator(spec.data).iter_errors()][:3] == []
    findings = lint(spec)
    assert [f.message for f in findings if f.check in ("lint.internal_error", "lint.metaschema")] == []
    validators = Validators(spec)
    for op in spec.operations:
        validators.request(op)
        validators.response(op)
    assert validators.broken_schemas() == []
    bodies = [op for op in spec.operations if op.request_body and op.request_body.content][:2]
    params = [op for op in spec.operations if op.parameters and op not in bodies][:2]
    assert bodies or path.name.startswith("petstore")
    for op in bodies + params:
        result = generate_cases(spec, op, mode="all", count=5, seed=1, budget=20)
        conforming = [c for c in result.cases if c.mode == "conforming"]
        violating = [c for c in result.cases if c.mode == "violating"]
        assert conforming, op.key
        assert [validators.request(op).validate_case(c) for c in conforming
                if validators.request(op).validate_case(c)] == []
        assert all(validators.request(op).validate_case(c) for c in violating), op.key


# --------------------------------------------------------------------------- the hand-converted twin


def _shape(spec: Spec) -> dict[str, Any]:
    """Everything of the operations a later stage reads, schemas as the validators see them."""
    def schema(s: Any, direction: str = "request") -> Any:
        return None if s is None else spec.json_schema(s, direction)  # type: ignore[arg-type]

    out: dict[str, Any] = {}
    for op in spec.operations:
        body = op.request_body
        out[op.key] = {
            "id": op.operation_id, "summary": op.summary,
            "parameters": [(p.name, p.location, p.required, schema(p.schema), p.description) for p in op.parameters],
            "body": body and (body.required, {m: schema(mt.schema) for m, mt in body.content.items()}),
            "responses": {s: (r.description, {m: schema(mt.schema, "response") for m, mt in r.content.items()},
                              {h: (hd.required, schema(hd.schema, "response"), hd.description)
                               for h, hd in r.headers.items()}) for s, r in op.responses.items()},
            "security": [[s.key for s in req] for req in op.security],
        }
    return out


def test_twin_gives_the_same_operations() -> None:
    two, three = load_spec(PETSTORE), load_spec(TWIN)
    assert _shape(two) == _shape(three)
    assert two.data["servers"] == three.data["servers"]
    assert len(two.operations) == 3


def _bodies(spec: Spec, n: int, seed: int) -> list[tuple[str, str, Any]]:
    """`n` response bodies for `spec`'s operations: half drawn from their schemas, half any small JSON."""
    targets = [(op.key, status, spec.json_schema(mt.schema, "response"))
               for op in spec.operations for status, r in op.responses.items() for mt in r.content.values()]
    json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                               lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                   st.sampled_from(["id", "name", "tag", "code", "message", "x"]), inner,
                                   max_size=4), max_leaves=8)
    drawer = Drawer(seed)
    out: list[tuple[str, str, Any]] = []
    for i in range(n):
        key, status, schema = targets[i % len(targets)]
        strategy = from_schema({k: v for k, v in schema.items() if k != "$schema"}) if i % 2 else json_values
        out.extend((key, status, body) for body in drawer.draw_many(strategy, 1, attempts=20))
    return out


def test_twin_gives_the_same_verdicts_on_500_bodies() -> None:
    two, three = load_spec(PETSTORE), load_spec(TWIN)
    corpus = _bodies(two, 250, seed=1) + _bodies(three, 250, seed=2)
    assert len(corpus) >= 500
    judges = Validators(two), Validators(three)
    headers = {"content-type": "application/json"}
    verdicts = []
    for key, status, body in corpus:
        code = 500 if status == "default" else int(status)
        a, b = (sorted((v.part, v.pointer, v.keyword) for v in j.response(key).validate(
            code, headers, json.dumps(body).encode())) for j in judges)
        assert a == b, (key, status, body)
        verdicts.append(not a)
    assert 50 < sum(verdicts) < len(verdicts) - 50  # a mixed corpus: both verdicts well represented
    for op in two.operations:  # requests: each side's generated cases, judged by both sides
        for spec in (two, three):
            for case in generate_cases(spec, op.key, mode="all", count=10, seed=2).cases:
                a, b = (sorted((v.part, v.pointer, v.keyword) for v in j.request(op.key).validate_case(case))
                        for j in judges)
                assert a == b, case
