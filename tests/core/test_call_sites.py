"""The stages read through the shared layer: cases where their copies used to disagree (or were wrong)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from contract.compare.schema_view import Node, deref, effective
from contract.core.sentinel import MISSING
from contract.errors import InputError
from contract.generate.extra import ExtraCheck, ExtraConstraint
from contract.generate.gate import Gate
from contract.lint import lint
from contract.load import load_spec
from contract.model import Case
from contract.replay import operations
from contract.validate import Validators


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


_PROSE_31 = """
    openapi: 3.1.0
    info: {title: t, version: '1'}
    paths:
      /a:
        post:
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Body'}
          responses:
            '200': {description: ok}
            '400': {description: bad}
    components:
      schemas:
        Name: {type: string}
        Body:
          type: object
          properties:
            name:
              $ref: '#/components/schemas/Name'
              maxLength: 50
              description: At most 50 characters.
            code:
              oneOf:
                - {type: string, minLength: 5}
                - {type: string, minLength: 2}
              description: At least 5 characters.
            tag:
              allOf: [{$ref: '#/components/schemas/Name'}]
              description: Only integers are allowed.
    """


def test_lint_reads_limits_through_siblings_and_combinators(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path / "s.yaml", _PROSE_31))
    found = {f.spec.pointer.split("/")[-2]: f.message for f in lint(spec, only={"lint.prose-constraint"})}
    # 3.1: `maxLength` beside the $ref applies (the validator enforces it): no "only in the description".
    assert "name" not in found
    # oneOf: a 2-character code is allowed, so the schema's guaranteed minimum is 2, not the first branch's 5.
    assert "the schema says `minLength: 2`" in found["code"]
    # allOf: the type comes from the referenced schema.
    assert "the description allows integer but the schema allows string" in found["tag"]


def test_generator_reads_prose_against_the_same_effective_schema(tmp_path: Path) -> None:
    from contract.generate.extra import prose_constraints

    spec = load_spec(_write(tmp_path / "s.yaml", _PROSE_31))
    extras = {(e.location, e.keyword): e.value for e in prose_constraints(spec, spec.operation("POST /a"))}
    assert ("/name", "maxLength") not in extras  # the schema states it (beside the $ref)
    assert extras[("/code", "minLength")] == 5
    assert extras[("/tag", "type")] == ["integer"]


_TWO_FILES = """
    openapi: 3.0.3
    info: {title: t, version: '1'}
    paths:
      /a:
        post:
          requestBody:
            content:
              application/json:
                schema: {$ref: 'other.yaml#/X'}
          responses:
            '200': {description: ok}
    components:
      schemas:
        Root:
          type: string
          maxLength: 5
    """


def test_schema_view_places_a_chain_back_into_the_root_file(tmp_path: Path) -> None:
    _write(tmp_path / "other.yaml", "# one\n# two\nX: {$ref: 'root.yaml#/components/schemas/Root'}\n")
    spec = load_spec(_write(tmp_path / "root.yaml", _TWO_FILES))
    schema = spec.data["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    node = deref(spec, Node(schema, "/paths/~1a/post/requestBody/content/application~1json/schema"))
    where = node.location(spec)
    # It was other.yaml:3 before: the root document's pointer looked up in the file the chain passed through.
    assert (Path(where.file).name, where.line, where.pointer) == ("root.yaml", 14, "/components/schemas/Root")
    value, at = effective(spec, Node(schema, ""), "maxLength")
    assert value == 5 and Path(at.location(spec).file).name == "root.yaml"


def test_schema_view_ignores_ref_siblings_in_30_and_places_the_loosest_branch(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path / "s.yaml", _TWO_FILES.replace("'other.yaml#/X'", "'#/components/schemas/Root'")))
    holder = {"$ref": "#/components/schemas/Root", "maxLength": 2}
    assert effective(spec, Node(holder, "/h"), "maxLength")[0] == 5  # 3.0: a $ref's siblings are ignored
    either = {"oneOf": [{"type": "string", "maxLength": 3}, {"type": "string", "maxLength": 9}]}
    value, at = effective(spec, Node(either, "/e"), "maxLength")
    assert (value, at.pointer) == (9, "/e/oneOf/1")


def test_a_ref_to_slash_names_the_empty_key_not_the_document(tmp_path: Path) -> None:
    text = _TWO_FILES.replace("'other.yaml#/X'", "'#/'")
    with pytest.raises(InputError, match=r"unresolvable \$ref '#/'"):
        load_spec(_write(tmp_path / "s.yaml", text))


def test_replay_deref_follows_a_root_reference() -> None:
    root = {"type": "object", "properties": {"child": {"$ref": "#"}}}
    assert operations.deref(root, {"$ref": "#"}) is root  # was {}
    assert operations.deref(root, {"$ref": "#/$defs/missing"}) == {}
    cyclic = {"$defs": {"A": {"$ref": "#/$defs/A"}}}
    assert operations.deref(cyclic, {"$ref": "#/$defs/A"}) == {"$ref": "#/$defs/A"}


_COOKIES = """
    openapi: 3.0.3
    info: {title: t, version: '1'}
    paths:
      /a:
        get:
          parameters:
            - {name: session, in: cookie, required: true, schema: {type: string, maxLength: 4}}
            - {name: path, in: cookie, schema: {type: string, enum: [x]}}
          responses:
            '200': {description: ok}
    """


@pytest.mark.parametrize(("header", "expected"), [
    ("session=abcd", []),
    ("session=abcd; garbage", []),  # SimpleCookie dropped the whole header: "session is missing"
    ('session="abcd"', []),  # quotes are not part of the value a server sees
    ("session=abcdef", [("cookie", "session", "maxLength")]),
    ("other=1", [("cookie", "session", "required")]),
    ("session=ab; path=y", [("cookie", "path", "enum")]),  # SimpleCookie read `path` as an attribute
])
def test_validator_and_generator_gate_read_cookies_alike(tmp_path: Path, header: str, expected: list) -> None:
    spec = load_spec(_write(tmp_path / "s.yaml", _COOKIES))
    op = spec.operation("GET /a")
    validator = Validators(spec).request(op)
    case = Case(op.key, op.method, op.path, {}, {"Cookie": header}, {}, None, False)
    assert [(v.part, v.pointer, v.keyword) for v in validator.validate_case(case)] == expected
    gate = Gate(validator, [], cookies=True)
    assert [(v.part, v.pointer, v.keyword) for v in gate.violations(case)] == expected
    extra = ExtraCheck(ExtraConstraint(op.key, "cookie", "session", "minLength", 3))
    assert extra.holds(case) == (header != "session=ab; path=y")  # an absent cookie breaks no extra limit


def test_validate_body_missing_is_the_shared_sentinel(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path / "s.yaml", _TWO_FILES.replace("'other.yaml#/X'", "'#/components/schemas/Root'")
                            .replace("      requestBody:", "      requestBody:\n            required: true")))
    validator = Validators(spec).request(spec.operation("POST /a"))
    assert [v.keyword for v in validator.validate(body=MISSING)] == ["required"]
    assert validator.validate(body="abc", content_type="application/json") == []
