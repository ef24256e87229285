"""Request and response validators for one operation, each built once and reused.

The semantics are openapi-core's (parameters by location, content negotiation,
status matching with `4XX`/`default`, security presence); bodies go through a
compiled jsonschema-rs schema. Parameters arrive as strings on the wire and as
typed values from the generator; both are accepted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from contract.core.http import FORM, form_pairs, form_view, listed_values, parse_cookie_header, read_form
from contract.core.schema_facts import local_resolver, resolved
from contract.core.sentinel import MISSING
from contract.load import Spec
from contract.model import Case, MediaType, Operation, Parameter, SecurityScheme, Violation
from contract.schema import Direction
from contract.validate.compiled import BundledSchema, CompiledSchema, SchemaBundle


def media_base(content_type: str | None) -> str:
    """`application/json; charset=utf-8` → `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_media(media: str) -> bool:
    media = media_base(media)
    return media == "application/json" or media.endswith("+json") or media == "*/*" or media == "application/*"


def match_media(content_type: str | None, declared: Mapping[str, MediaType]) -> MediaType | None:
    """The declared media type that `content_type` falls under (exact, then `type/*`, then `*/*`)."""
    base = media_base(content_type)
    by_base = {media_base(k): v for k, v in declared.items()}
    if base in by_base:
        return by_base[base]
    major = base.split("/", 1)[0]
    return by_base.get(f"{major}/*") or by_base.get("*/*")


def coerce(value: Any, schema: dict[str, Any]) -> Any:
    """Wire strings → typed values, as an OpenAPI server deserialises `simple`/`form` parameters."""
    if not isinstance(value, str):
        return value
    types = schema.get("type")
    branches = schema.get("anyOf") if isinstance(schema.get("anyOf"), list) else schema.get("oneOf")
    if types is None and isinstance(branches, list):
        # A string branch that names its values (Stripe's `anyOf: [{type: integer}, {enum: [""]}]`, "unset") takes
        # only those: "42" is then the integer branch's, as a server reading that union reads it.
        types = [s.get("type") for s in branches if isinstance(s, dict) and _takes_text(s, value)]
    types = [types] if isinstance(types, str) else (types or [])
    if "string" in types:
        return value
    for t in types:
        if t == "integer":
            try:
                return int(value)
            except ValueError:
                pass
        elif t == "number":
            try:
                return float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                pass
        elif t == "boolean" and value in ("true", "false"):
            return value == "true"
        elif t == "null" and value in ("", "null"):
            return None
        elif t == "array":
            raw_items = schema.get("items")
            items: dict[str, Any] = raw_items if isinstance(raw_items, dict) else {}
            return [coerce(v, items) for v in value.split(",")] if value else []
    return value


def typed_field(value: str, schema: Any) -> Any:
    """A form field's text as its schema types it (a server's reading): numbers and booleans coerced, objects
    and arrays sent as JSON text decoded."""
    if not isinstance(schema, dict):
        return value
    if schema.get("type") in ("object", "array") and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return coerce(value, schema)


def _takes_text(branch: dict[str, Any], value: str) -> bool:
    """A union branch that could hold `value` as the text it is: any branch but a string one listing other values."""
    if branch.get("type") != "string":
        return True
    named = listed_values(branch)
    return named is None or value in named



class _Schemas:
    """Where validators get their compiled schemas: one bundle per direction for the whole spec."""

    def __init__(self, spec: Spec, operations: list[Operation]) -> None:
        self.spec = spec
        self._operations = operations
        self._bundles: dict[str, SchemaBundle] = {}
        self._bodies: dict[str, dict[str, dict[str, Any]]] = {"request": {}, "response": {}}

    def bundle(self, direction: Direction) -> SchemaBundle:
        bundle = self._bundles.get(direction)
        if bundle is None:
            converter = self.spec.converter(direction)
            bodies = self._bodies[direction]
            used: dict[str, set[str]] = {}
            for op in self._operations:
                for key, schema in _schemas_of(op, direction):
                    bodies[key], used[key] = converter.convert_body(schema)
            closures = {key: converter.closure(names) for key, names in used.items()}
            bundle = self._bundles[direction] = SchemaBundle(bodies, dict(converter.defs), closures)
        return bundle

    def get(self, direction: Direction, key: str) -> BundledSchema | CompiledSchema:
        return self.bundle(direction).get(key)


def _schemas_of(op: Operation, direction: Direction) -> list[tuple[str, Any]]:
    """(bundle key, OpenAPI schema) of every schema an operation's validators need."""
    out: list[tuple[str, Any]] = []
    if direction == "request":
        out += [(f"{op.key} param {p.location} {p.name}", p.schema) for p in op.parameters if p.schema is not None]
        if op.request_body:
            out += [(f"{op.key} body {media_base(m)}", mt.schema) for m, mt in op.request_body.content.items()
                    if mt.schema is not None]
    else:
        for status, resp in op.responses.items():
            out += [(f"{op.key} {status} body {media_base(m)}", mt.schema) for m, mt in resp.content.items()
                    if mt.schema is not None]
            out += [(f"{op.key} {status} header {name}", h.schema) for name, h in resp.headers.items()
                    if h.schema is not None and name.lower() != "content-type"]
    return out


class _ParamCheck:
    __slots__ = ("compiled", "name", "param", "part", "schema")

    def __init__(self, schemas: _Schemas, op: Operation, param: Parameter) -> None:
        self.param = param
        self.name = param.name.lower() if param.location == "header" else param.name
        self.part = param.location
        self.compiled: BundledSchema | CompiledSchema | None = None
        self.schema: dict[str, Any] | None = None
        if param.schema is not None:
            self.compiled = schemas.get("request", f"{op.key} param {param.location} {param.name}")
            self.schema = _root_of(self.compiled)


def _root_of(compiled: BundledSchema | CompiledSchema) -> dict[str, Any]:
    """The schema's own top level (for coercing wire strings by its `type`)."""
    root = compiled.schema["properties"][compiled.key] if isinstance(compiled, BundledSchema) else compiled.schema
    return root if isinstance(root, dict) else {}


class RequestValidator:
    """Validates requests to one operation."""

    def __init__(self, spec: Spec, operation: Operation, schemas: _Schemas | None = None) -> None:
        schemas = schemas or _Schemas(spec, [operation])
        self.operation = operation
        self._params = [_ParamCheck(schemas, operation, p) for p in operation.parameters]
        body = operation.request_body
        self.body_required = bool(body and body.required)
        self.content: dict[str, MediaType] = dict(body.content) if body else {}
        self._bodies: dict[str, BundledSchema | CompiledSchema | None] = {}
        for media, mt in self.content.items():
            key = f"{operation.key} body {media_base(media)}"
            self._bodies[media_base(media)] = schemas.get("request", key) if mt.schema is not None else None
        self.security = operation.security

    def body_schema(self, media_type: str = "application/json") -> BundledSchema | CompiledSchema | None:
        mt = match_media(media_type, self.content)
        return self._bodies.get(media_base(mt.media_type)) if mt else None

    def body_node(self, media_type: str) -> tuple[Any, dict[str, Any]] | None:
        """The body's JSON Schema for `media_type` and the document its `$ref`s resolve in (for reading a form
        as its schema says), or None when the body has no schema."""
        compiled = self.body_schema(media_type)
        if compiled is None:
            return None
        root = compiled.schema
        return (root["properties"][compiled.key] if isinstance(compiled, BundledSchema) else root), root

    def read_back(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A urlencoded body as the server reads the form it travels as (:func:`~contract.core.http.read_form`
        by the body's schema and `encoding`, each leaf typed by :func:`typed_field`): a one-item array is
        `name=x`, a field no schema types is text. Without a form schema: what a form can carry."""
        found = self.body_node(FORM)
        mt = match_media(FORM, self.content)
        if found is None or mt is None:
            return form_view(body)
        node, root = found
        resolve = local_resolver(root)
        return read_form(form_pairs(body), node, encoding=mt.encoding, resolve=lambda n: resolved(n, resolve),
                         typed=typed_field)

    def validate_body(self, body: Any, media_type: str = "application/json") -> list[Violation]:
        """The fast path for generated payloads: the body alone, already parsed."""
        compiled = self.body_schema(media_type)
        if compiled is None:
            return []
        return compiled.errors(body)

    def validate_case(self, case: Case) -> list[Violation]:
        content_type = case.media_type or (case.headers.get("Content-Type") if case.has_body else None)
        cookies = parse_cookie_header(next((v for k, v in case.headers.items() if k.lower() == "cookie"), ""))
        return self.validate(headers=case.headers, query=case.query, path_params=case.path_params,
                             cookies=cookies,
                             body=case.body if case.has_body and case.raw_body is None else MISSING,
                             raw_body=case.raw_body, content_type=content_type)

    def validate(self, *, headers: Mapping[str, str] | None = None, query: Mapping[str, Any] | None = None,
                 path_params: Mapping[str, Any] | None = None, cookies: Mapping[str, str] | None = None,
                 body: Any = MISSING, raw_body: bytes | None = None,
                 content_type: str | None = None) -> list[Violation]:
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        sources = {"header": lowered, "query": dict(query or {}), "path": dict(path_params or {}),
                   "cookie": dict(cookies or {})}
        out: list[Violation] = []
        for check in self._params:
            present = sources[check.part]
            if check.name not in present:
                if check.param.required:
                    out.append(Violation(check.part, check.param.name, "required",
                                         f"required {check.part} parameter {check.param.name!r} is missing"))
                continue
            if check.compiled is not None and check.schema is not None:
                value = coerce(present[check.name], check.schema)
                for v in check.compiled.errors(value, check.part):
                    out.append(Violation(check.part, check.param.name + v.pointer, v.keyword,
                                         f"{check.param.name}: {v.message}", v.expected, v.actual))
        out.extend(self._security(lowered, sources["query"], sources["cookie"]))
        out.extend(self._body(body, raw_body, content_type or lowered.get("content-type")))
        return out

    def _body(self, body: Any, raw_body: bytes | None, content_type: str | None) -> list[Violation]:
        if raw_body is None and body is MISSING:
            if self.body_required:
                return [Violation("body", "", "required", "request body is required")]
            return []
        if not self.content:
            return []
        out: list[Violation] = []
        mt = match_media(content_type, self.content)
        if mt is None:
            out.append(Violation("content-type", "", "content-type",
                                 f"content type {media_base(content_type) or '(none)'!r} is not declared",
                                 sorted(self.content), content_type))
            if content_type:
                return out
            # No Content-Type at all: still say what is wrong with the body under the JSON type.
            mt = next((m for m in self.content.values() if is_json_media(m.media_type)), None)
            if mt is None:
                return out
        if raw_body is not None:
            if not is_json_media(mt.media_type):
                return out
            try:
                body = json.loads(raw_body)
            except (ValueError, UnicodeDecodeError) as exc:
                return [*out, Violation("body", "", "parse", f"body is not valid JSON: {exc}")]
        compiled = self._bodies.get(media_base(mt.media_type))
        return out + compiled.errors(body) if compiled is not None else out

    def _security(self, headers: Mapping[str, str], query: Mapping[str, Any],
                  cookies: Mapping[str, str]) -> list[Violation]:
        if not self.security or any(not req for req in self.security):
            return []
        for requirement in self.security:
            if all(_credential_present(s, headers, query, cookies) for s in requirement):
                return []
        names = " or ".join(" + ".join(_describe(s) for s in req) for req in self.security)
        return [Violation("security", "", "security", f"no credentials: expected {names}")]


def _credential_present(scheme: SecurityScheme, headers: Mapping[str, str], query: Mapping[str, Any],
                        cookies: Mapping[str, str]) -> bool:
    if scheme.type == "apiKey" and scheme.param_name:
        if scheme.location == "header":
            return bool(headers.get(scheme.param_name.lower()))
        if scheme.location == "query":
            return scheme.param_name in query
        if scheme.location == "cookie":
            return scheme.param_name in cookies or f"{scheme.param_name}=" in headers.get("cookie", "")
        return False
    if scheme.type == "http":
        auth = headers.get("authorization", "")
        return auth.lower().startswith(f"{scheme.scheme} ") if scheme.scheme else bool(auth)
    if scheme.type in ("oauth2", "openIdConnect"):
        return bool(headers.get("authorization"))
    return True  # mutualTLS happens below HTTP


def _describe(scheme: SecurityScheme) -> str:
    if scheme.type == "apiKey":
        return f"{scheme.location} {scheme.param_name!r}"
    if scheme.type == "http":
        return f"Authorization: {scheme.scheme or ''}".strip()
    return scheme.key


class ResponseValidator:
    """Validates responses of one operation."""

    def __init__(self, spec: Spec, operation: Operation, schemas: _Schemas | None = None) -> None:
        schemas = schemas or _Schemas(spec, [operation])
        self.operation = operation
        self.responses = operation.responses
        self._bodies: dict[tuple[str, str], BundledSchema | CompiledSchema | None] = {}
        self._headers: dict[str, list[tuple[str, bool, dict[str, Any] | None,
                                            BundledSchema | CompiledSchema | None]]] = {}
        for status, resp in operation.responses.items():
            for media, mt in resp.content.items():
                key = f"{operation.key} {status} body {media_base(media)}"
                self._bodies[(status, media_base(media))] = (
                    schemas.get("response", key) if mt.schema is not None else None)
            checks = []
            for name, h in resp.headers.items():
                if name.lower() == "content-type":
                    continue  # described by `content`, per the OpenAPI spec
                compiled = schemas.get("response", f"{operation.key} {status} header {name}") if h.schema else None
                checks.append((name, h.required, _root_of(compiled) if compiled else None, compiled))
            self._headers[status] = checks

    def documented_status(self, status: int) -> str | None:
        """The `responses` key that covers `status`: exact, then `4XX`, then `default`."""
        code = str(status)
        if code in self.responses:
            return code
        wildcard = f"{code[0]}XX"
        for key in self.responses:
            if key.upper() == wildcard:
                return key
        return "default" if "default" in self.responses else None

    def validate(self, status: int, headers: Mapping[str, str], body: bytes | None) -> list[Violation]:
        key = self.documented_status(status)
        if key is None:
            return [Violation("status", "", "status", f"status {status} is not documented for {self.operation.key}",
                              sorted(self.responses), status)]
        resp = self.responses[key]
        lowered = {k.lower(): v for k, v in headers.items()}
        out: list[Violation] = []
        for name, required, schema, compiled in self._headers.get(key, []):
            value = lowered.get(name.lower())
            if value is None:
                if required:
                    out.append(Violation("header", name, "required", f"required header {name!r} is missing"))
                continue
            if compiled is not None and schema is not None:
                for v in compiled.errors(coerce(value, schema), "header"):
                    out.append(Violation("header", name + v.pointer, v.keyword, f"{name}: {v.message}",
                                         v.expected, v.actual))
        if not resp.content or not body:
            return out
        content_type = lowered.get("content-type")
        mt = match_media(content_type, resp.content)
        if mt is None:
            out.append(Violation("content-type", "", "content-type",
                                 f"content type {media_base(content_type) or '(none)'!r} is not declared "
                                 f"for status {status}", sorted(resp.content), content_type))
            return out
        if not is_json_media(mt.media_type) and not is_json_media(content_type or ""):
            return out
        try:
            parsed = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            out.append(Violation("body", "", "parse", f"body is not valid JSON: {exc}"))
            return out
        compiled = self._bodies.get((key, media_base(mt.media_type)))
        if compiled is not None:
            out.extend(compiled.errors(parsed))
        return out


class Validators:
    """Request and response validators of a spec, built on first use and kept."""

    def __init__(self, spec: Spec, operations: list[Operation] | None = None) -> None:
        self.spec = spec
        self._schemas = _Schemas(spec, list(operations if operations is not None else spec.operations))
        self._requests: dict[str, RequestValidator] = {}
        self._responses: dict[str, ResponseValidator] = {}

    def request(self, operation: Operation | str) -> RequestValidator:
        op = operation if isinstance(operation, Operation) else self.spec.operation(operation)
        v = self._requests.get(op.key)
        if v is None:
            v = self._requests[op.key] = RequestValidator(self.spec, op, self._schemas)
        return v

    def response(self, operation: Operation | str) -> ResponseValidator:
        op = operation if isinstance(operation, Operation) else self.spec.operation(operation)
        v = self._responses.get(op.key)
        if v is None:
            v = self._responses[op.key] = ResponseValidator(self.spec, op, self._schemas)
        return v

    def broken_schemas(self) -> list[str]:
        """Why some schemas could not be compiled (they are then not checked)."""
        out: list[str] = []
        directions: tuple[Direction, ...] = ("request", "response")
        for direction in directions:
            bundle = self._schemas.bundle(direction)
            out.extend(bundle.broken())
        return out
