"""The loader: formats, line numbers, references, versions, the operation model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract.errors import InputError
from contract.load import load_spec
from tests.conftest import SEED_SPEC, SEED_WRAPPED, SPECS

OP = "POST /api/v2/server-side-api/profile/"


def test_extracted_yaml_is_the_fence_minus_the_pointer_line():
    page = SEED_WRAPPED.read_text(encoding="utf-8")
    block = page.split("```yaml\n", 1)[1].split("\n```", 1)[0] + "\n"
    first, rest = block.split("\n", 1)
    assert first.startswith("/api-specs/adapty-api.yaml")
    assert SEED_SPEC.read_text(encoding="utf-8") == rest


def test_seed_operation_model(seed_spec):
    assert seed_spec.version == "3.1.0"
    op = seed_spec.operation("createProfile")
    assert op is seed_spec.operation(OP) is seed_spec.operation("post /api/v2/server-side-api/profile/")
    assert [(p.location, p.name, p.required) for p in op.parameters] == [
        ("header", "adapty-customer-user-id", False),
        ("header", "adapty-profile-id", False),
        ("header", "adapty-platform", False),
    ]
    assert op.request_body is not None and op.request_body.required
    assert list(op.request_body.content) == ["application/json"]
    assert sorted(op.responses) == ["200", "401", "500"]
    assert op.responses["500"].content == {}
    [[scheme]] = op.security
    assert (scheme.type, scheme.location, scheme.param_name) == ("apiKey", "header", "Authorization")


def test_lines_point_at_the_named_thing(seed_spec):
    lines = SEED_SPEC.read_text(encoding="utf-8").splitlines()
    loc = seed_spec.location("/components/schemas/CustomAttribute/properties/key/maxLength")
    assert lines[loc.line - 1].strip() == "maxLength: 30"
    op = seed_spec.operation("createProfile")
    assert "adapty-customer-user-id" in lines[op.parameters[0].where.line - 1]
    assert lines[op.where.line - 1].strip() == "post:"


def test_markdown_wrapped_seed_keeps_page_line_numbers():
    wrapped = load_spec(SEED_WRAPPED)
    plain = load_spec(SEED_SPEC)
    assert wrapped.data == plain.data
    page = SEED_WRAPPED.read_text(encoding="utf-8").splitlines()
    loc = wrapped.location("/components/schemas/CustomAttribute/properties/key/maxLength")
    assert page[loc.line - 1].strip() == "maxLength: 30"
    assert loc.line - plain.location(loc.pointer).line == 8  # 7 lines of page + the pointer line


def test_json_spec_and_lazy_lines(tmp_path: Path):
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
           "paths": {"/a/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": True,
                                                            "schema": {"type": "integer"}}],
                                         "responses": {"200": {"description": "ok"}}}}}}
    path = tmp_path / "api.json"
    path.write_text(json.dumps(doc, indent=2))
    spec = load_spec(path)
    assert spec.operation("GET /a/{id}").parameters[0].schema == {"type": "integer"}
    loc = spec.location("/paths/~1a~1{id}/get/parameters/0/name")
    assert '"name": "id"' in path.read_text().splitlines()[loc.line - 1]


def test_relative_file_refs_and_cycles(tmp_path: Path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "node.yaml").write_text(
        "Node:\n  type: object\n  properties:\n    name: {type: string}\n"
        "    children:\n      type: array\n      items: {$ref: '#/Node'}\n")
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /n:\n    post:\n"
        "      requestBody:\n        content:\n          application/json:\n"
        "            schema: {$ref: 'schemas/node.yaml#/Node'}\n"
        "      responses:\n        '200': {description: ok}\n")
    spec = load_spec(tmp_path / "api.yaml")
    op = spec.operation("POST /n")
    schema = spec.json_schema(op.request_body.content["application/json"].schema)
    assert set(schema["$defs"]) == {"Node"}
    assert schema["$defs"]["Node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    from contract.validate import CompiledSchema

    compiled = CompiledSchema(schema)
    assert compiled.is_valid({"name": "a", "children": [{"name": "b", "children": []}]})
    assert not compiled.is_valid({"name": "a", "children": [{"name": 1}]})


def test_path_level_parameters_are_merged_and_overridden(tmp_path: Path):
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /u/{id}:\n"
        "    parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n"
        "      - {name: q, in: query, schema: {type: string}}\n"
        "    get:\n      parameters:\n        - {name: q, in: query, required: true, schema: {type: integer}}\n"
        "      responses:\n        '200': {description: ok}\n")
    op = load_spec(tmp_path / "api.yaml").operation("GET /u/{id}")
    assert [(p.name, p.location, p.required, p.schema) for p in op.parameters] == [
        ("id", "path", True, {"type": "string"}),
        ("q", "query", True, {"type": "integer"}),
    ]


@pytest.mark.parametrize("policy,null_ok", [("auto", True), ("version", False), ("strict", False)])
def test_nullable_policy_on_31(seed_spec, policy, null_ok):
    from contract.validate import Validators

    spec = load_spec(SEED_SPEC, nullable=policy)
    body = {"installation_meta": {"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}, "first_name": None}
    assert (Validators(spec).request("createProfile").validate_body(body) == []) is null_ok


def test_nullable_policy_on_30(tmp_path: Path):
    from contract.validate import Validators

    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n"
        "      requestBody:\n        content:\n          application/json:\n            schema:\n"
        "              type: object\n              properties:\n"
        "                a: {type: string, nullable: true, enum: [x, y]}\n"
        "      responses:\n        '200': {description: ok}\n")
    for policy, ok in (("auto", True), ("version", True), ("strict", False)):
        v = Validators(load_spec(tmp_path / "api.yaml", nullable=policy)).request("POST /x")
        assert (v.validate_body({"a": None}) == []) is ok, policy
        assert v.validate_body({"a": "z"}) != []


def test_unknown_operation_is_a_clear_error(seed_spec):
    with pytest.raises(InputError, match="no operation 'nope'"):
        seed_spec.operation("nope")


def test_bundled_specs_readme_lists_every_file():
    readme = (SPECS / "README.md").read_text(encoding="utf-8")
    for path in SPECS.iterdir():
        if path.name != "README.md":
            assert path.name in readme


def test_a_yaml_spec_opening_with_comment_lines_is_yaml(tmp_path: Path):
    """Generated specs often open with `# Code generated …` / `# yaml-language-server: …` lines: a .yaml is YAML."""
    text = SEED_SPEC.read_text(encoding="utf-8")
    path = tmp_path / "api.yaml"
    path.write_text("# Code generated by a tool. DO NOT EDIT.\n# ```not a fence```\n" + text, encoding="utf-8")
    spec = load_spec(path)
    assert [op.key for op in spec.operations] == [op.key for op in load_spec(SEED_SPEC).operations]
    op = spec.operations[0]
    assert op.where is not None and op.where.line == load_spec(SEED_SPEC).operations[0].where.line + 2  # type: ignore[union-attr]
