"""Swagger 2.0 documents, read as the OpenAPI 3.0 documents they describe.

Kubernetes, Netlify and much of the enterprise world still publish 2.0, and the one well-kept converter
(swagger2openapi) is an npm tool. So the parsed 2.0 data is converted here, before references are checked,
into the 3.0 structure the rest of the loader reads — and every converted node keeps the pointer of the 2.0
node it came from (`Swagger2Document.moves`), so a finding's line is always a line of the 2.0 file. The
conversion follows the 2.0 → 3.0 correspondences of the two specifications (and swagger2openapi's choices
where they leave room): `definitions` → `components/schemas`, `in: body` and `formData` → `requestBody`,
`consumes`/`produces` → content maps, `securityDefinitions` → `securitySchemes`, `host`/`basePath`/`schemes`
→ `servers`, parameter and header keywords → `schema`, `x-nullable` → `nullable`, `collectionFormat` →
`style`/`explode`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from contract.core import pointer as jp
from contract.core.pointer import join
from contract.errors import InputError
from contract.load.source import Document
from contract.model import Location

OPENAPI_VERSION = "3.0.3"
FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
# Parameter, header and Items Object keywords that 3.0 moves into `schema`.
_SCHEMA_KEYS = ("type", "format", "items", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
                "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "enum", "multipleOf")
_PARAM_KEYS = ("name", "in", "description", "required", "allowEmptyValue", "deprecated")
_FLOWS = {"implicit": "implicit", "password": "password", "application": "clientCredentials",
          "accessCode": "authorizationCode"}
# collectionFormat → (style, explode) in a query; in a path or header only `simple` exists.
_QUERY_STYLES = {"csv": ("form", False), "ssv": ("spaceDelimited", False), "pipes": ("pipeDelimited", False),
                 "multi": ("form", True), "tsv": ("form", False)}
_REFS = (("#/definitions/", "#/components/schemas/"), ("#/parameters/", "#/components/parameters/"),
         ("#/responses/", "#/components/responses/"))
_DATA_KEYS = frozenset({"example", "examples", "enum", "default", "x-example", "x-examples", "const"})
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions")
_SCHEMA_ONE = ("items", "additionalProperties", "not")
_SCHEMA_MANY = ("allOf", "anyOf", "oneOf")
# A `~` that is no escape: such a pointer is not the one its tokens re-join to, so it takes the slow path.
_UNCANONICAL = re.compile(r"~(?![01])")


def is_swagger2(data: dict[str, Any]) -> bool:
    """A document that says `swagger:` and not `openapi:`."""
    return "swagger" in data and "openapi" not in data


@dataclass
class Swagger2Document(Document):
    """A 2.0 file whose `data` is its OpenAPI 3.0 reading; lines are looked up in the 2.0 text."""

    original: Any = None  # the 2.0 data as parsed (for the 2.0-specific lint checks)
    moves: dict[str, str] = field(default_factory=dict, repr=False)  # 3.0 pointer → 2.0 pointer

    def line_of(self, pointer: str) -> int | None:
        """The 2.0 line of the node a 3.0 pointer names (nearest existing ancestor, as for any document)."""
        return super().line_of(self.source_pointer(pointer))

    def source_line(self, pointer: str) -> int | None:
        """The line of a pointer into the 2.0 data itself."""
        return super().line_of(pointer)

    def source_location(self, pointer: str) -> Location:
        """`file:line#pointer` for a pointer into the 2.0 data (2.0-specific findings cite the 2.0 node)."""
        return Location(self.path, self.source_line(pointer), pointer)

    def source_pointer(self, pointer: str) -> str:
        """The 2.0 pointer a 3.0 pointer came from: its longest converted prefix, the rest unchanged."""
        moved = self.moves.get(pointer)
        if moved is not None:
            return moved
        if pointer.startswith("/") and not _UNCANONICAL.search(pointer):  # its prefixes are its own slices
            at = len(pointer)
            while (at := pointer.rfind("/", 0, at)) > 0:
                moved = self.moves.get(pointer[:at])
                if moved is not None:
                    return moved + pointer[at:]
            return pointer
        try:
            tokens = jp.split(pointer)
        except ValueError:
            return pointer
        prefixes = [""]
        for token in tokens:
            prefixes.append(join(prefixes[-1], token))
        for n in range(len(tokens) - 1, 0, -1):
            moved = self.moves.get(prefixes[n])
            if moved is not None:
                return join(moved, *tokens[n:])
        return pointer


def convert(document: Document) -> Swagger2Document:
    """The 3.0 reading of a parsed 2.0 document; InputError for any other `swagger` version."""
    data = document.data
    version = str(data.get("swagger"))
    if version != "2.0":
        raise InputError(document.path, f"Swagger {version} is not supported (Swagger 2.0 and OpenAPI 3.0/3.1 are)",
                         line=document.line_of("/swagger"), pointer="/swagger")
    conv = _Converter(data)
    return Swagger2Document(document.path, conv.document(), document.text, document.line_offset, document.kind,
                            _root=document._root, _composed=document._composed, _lines=document._lines, original=data, moves=conv.moves)


# --------------------------------------------------------------------------- reading 2.0 operations


@dataclass
class Param:
    """A 2.0 parameter of one operation: where it is written, and what it says (`$ref` followed)."""

    pointer: str  # where the entry is written (the operation's or the path item's list)
    source: str  # where its definition is (the same, or `/parameters/X`)
    value: dict[str, Any]
    ref: str | None = None  # the `#/parameters/X` it was written as, if any


@dataclass
class Operation2:
    """One 2.0 operation with its effective parameters (path-level ones merged, operation-level win)."""

    path: str
    method: str
    pointer: str
    value: dict[str, Any]
    params: list[Param]
    consumes: list[str]
    produces: list[str]

    def located(self, where: str) -> list[Param]:
        return [p for p in self.params if p.value.get("in") == where]

    def form_media(self) -> list[str]:
        """The media types formData is sent as: the form ones `consumes` names, else the one 2.0 implies."""
        files = any(f.value.get("type") == "file" for f in self.located("formData"))
        return [m for m in self.consumes if m in FORM_MEDIA] or [FORM_MEDIA[1] if files else FORM_MEDIA[0]]


def operations(data: dict[str, Any]) -> Iterator[Operation2]:
    """Every operation of a 2.0 document, as written."""
    paths = data.get("paths")
    consumes = _media(data.get("consumes")) or []
    produces = _media(data.get("produces")) or []
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(item, dict):
            continue
        item_ptr = join("/paths", path)
        shared = _params(data, item.get("parameters"), join(item_ptr, "parameters"))
        for method in _METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            ptr = join(item_ptr, method)
            own = _params(data, op.get("parameters"), join(ptr, "parameters"))
            keys = {_key(p) for p in own}
            merged = [p for p in shared if _key(p) not in keys] + own
            yield Operation2(str(path), method, ptr, op, merged, _or(_media(op.get("consumes")), consumes),
                             _or(_media(op.get("produces")), produces))


def _or(own: list[str] | None, inherited: list[str]) -> list[str]:
    return inherited if own is None else own


def _key(p: Param) -> tuple[Any, Any]:
    return p.value.get("name"), p.value.get("in")


def _media(raw: Any) -> list[str] | None:
    return [str(m) for m in raw if isinstance(m, str)] if isinstance(raw, list) else None


def _params(data: dict[str, Any], raw: Any, pointer: str) -> list[Param]:
    out: list[Param] = []
    for i, entry in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(entry, dict):
            continue
        here = join(pointer, i)
        ref = entry.get("$ref")
        if isinstance(ref, str):
            target = jp.resolve(data, ref) if ref.startswith("#/parameters/") else None
            if isinstance(target, dict):
                out.append(Param(here, ref[1:], target, ref))
            else:  # another file's, or broken: left to the reference checks
                out.append(Param(here, here, entry, ref))
        else:
            out.append(Param(here, here, entry))
    return out


# --------------------------------------------------------------------------- conversion


class _Converter:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.moves: dict[str, str] = {}
        self.produces = _media(data.get("produces")) or []

    def move(self, new: str, old: str) -> None:
        self.moves[new] = old  # also when equal: it shadows a moved ancestor

    def document(self) -> dict[str, Any]:
        data = self.data
        out: dict[str, Any] = {"openapi": OPENAPI_VERSION}
        self.move("/openapi", "/swagger")
        components: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("swagger", "host", "basePath", "schemes", "consumes", "produces"):
                continue
            if key == "paths":
                out["paths"] = self.paths(value)
            elif key == "definitions" and isinstance(value, dict):
                self.move("/components/schemas", "/definitions")
                components["schemas"] = {name: self.schema(s, join("/components/schemas", name),
                                                            join("/definitions", name)) for name, s in value.items()}
            elif key == "parameters" and isinstance(value, dict):
                self.move("/components/parameters", "/parameters")
                components["parameters"] = {
                    name: self.parameter(p, join("/components/parameters", name), join("/parameters", name))
                    for name, p in value.items() if isinstance(p, dict) and p.get("in") not in ("body", "formData")}
            elif key == "responses" and isinstance(value, dict):
                self.move("/components/responses", "/responses")
                components["responses"] = {
                    name: self.response(r, join("/components/responses", name), join("/responses", name),
                                        self.produces) for name, r in value.items() if isinstance(r, dict)}
            elif key == "securityDefinitions" and isinstance(value, dict):
                self.move("/components/securitySchemes", "/securityDefinitions")
                components["securitySchemes"] = {name: self.security_scheme(s, join("/components/securitySchemes",
                                                                                     name))
                                                 for name, s in value.items() if isinstance(s, dict)}
            else:
                out[key] = self.copy(value)
        servers = self.servers()
        if servers:
            out["servers"] = servers
        if components:
            first = next(k for k in ("definitions", "parameters", "responses", "securityDefinitions") if k in data)
            self.move("/components", "/" + first)
            out["components"] = components
        return out

    def servers(self) -> list[dict[str, Any]]:
        host, base = self.data.get("host"), self.data.get("basePath")
        host = host if isinstance(host, str) and host else None
        base = base if isinstance(base, str) and base else ""
        if host is None and not base:
            return []
        self.move("/servers", "/host" if host else "/basePath")
        if host is None:
            return [{"url": base}]
        schemes = [s for s in self.data.get("schemes") or [] if isinstance(s, str)]
        # No `schemes`: 2.0 means "the scheme the spec was fetched with", i.e. a scheme-relative URL.
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes] or [{"url": f"//{host}{base}"}]

    # -- paths and operations ---------------------------------------------------------------

    def paths(self, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        ops = {(o.path, o.method): o for o in operations(self.data)}
        out: dict[str, Any] = {}
        for path, item in raw.items():
            if not isinstance(item, dict):
                out[path] = item
                continue
            item_ptr = join("/paths", path)
            new_item: dict[str, Any] = {}
            for key, value in item.items():
                if key == "parameters" and isinstance(value, list):
                    shared = _params(self.data, value, join(item_ptr, "parameters"))
                    kept = [p for p in shared if p.value.get("in") not in ("body", "formData")]
                    new_item["parameters"] = self.parameter_list(kept, join(item_ptr, "parameters"))
                elif key in _METHODS and (str(path), key) in ops:
                    new_item[key] = self.operation(ops[(str(path), key)])
                else:
                    new_item[key] = self.copy(value)
            out[path] = new_item
        return out

    def operation(self, op: Operation2) -> dict[str, Any]:
        out: dict[str, Any] = {}
        mine = join(op.pointer, "parameters") + "/"
        own = [p for p in op.params if p.pointer.startswith(mine) and p.value.get("in") not in ("body", "formData")]
        for key, value in op.value.items():
            if key in ("consumes", "produces", "schemes"):
                continue
            if key == "parameters":
                if own:
                    out["parameters"] = self.parameter_list(own, join(op.pointer, "parameters"))
            elif key == "responses" and isinstance(value, dict):
                out["responses"] = self.responses(value, join(op.pointer, "responses"), op.produces)
            else:
                out[key] = self.copy(value)
        body = self.request_body(op)
        if body is not None:
            out["requestBody"] = body
        return out

    def parameter_list(self, params: list[Param], pointer: str) -> list[Any]:
        out: list[Any] = []
        for p in params:
            new = join(pointer, len(out))
            self.move(new, p.pointer)
            if p.ref is not None:
                out.append({"$ref": _ref(p.ref)})
            else:
                out.append(self.parameter(p.value, new, p.pointer))
        return out

    def parameter(self, p: dict[str, Any], new: str, old: str) -> dict[str, Any]:
        """A path, query or header parameter: its keywords move into `schema`."""
        out: dict[str, Any] = {k: self.copy(p[k]) for k in _PARAM_KEYS if k in p}
        out.update({k: self.copy(v) for k, v in p.items() if k.startswith("x-") and k != "x-nullable"})
        out["schema"] = self.items(p, join(new, "schema"), old)
        if p.get("type") == "array":
            fmt = str(p.get("collectionFormat") or "csv")
            if p.get("in") == "query":
                out["style"], out["explode"] = _QUERY_STYLES.get(fmt, ("form", False))
            elif p.get("in") in ("path", "header"):
                out["style"], out["explode"] = "simple", False
            if "collectionFormat" in p:
                self.move(join(new, "style"), join(old, "collectionFormat"))
                self.move(join(new, "explode"), join(old, "collectionFormat"))
        return out

    def items(self, p: dict[str, Any], new: str, old: str) -> dict[str, Any]:
        """A parameter's, header's or Items Object's keywords as a Schema Object."""
        self.move(new, old)
        out: dict[str, Any] = {}
        for key in _SCHEMA_KEYS:
            if key not in p:
                continue
            if key == "items" and isinstance(p[key], dict):
                out["items"] = self.items(p["items"], join(new, "items"), join(old, "items"))
            else:
                out[key] = self.copy(p[key]) if key not in _DATA_KEYS else p[key]
        if p.get("x-nullable") is True:
            out["nullable"] = True
            self.move(join(new, "nullable"), join(old, "x-nullable"))
        if out.get("type") == "file":
            out["type"], out["format"] = "string", "binary"
        return out

    # -- request bodies -----------------------------------------------------------------------

    def request_body(self, op: Operation2) -> dict[str, Any] | None:
        new = join(op.pointer, "requestBody")
        bodies, form = op.located("body"), op.located("formData")
        if bodies:  # a body and form fields together is a defect lint reports; the body is what is read
            p = bodies[0]
            schema_old = join(p.source, "schema")
            media = op.consumes or ["application/json"]
            schema = self.schema(p.value.get("schema", {}), join(new, "content", media[0], "schema"), schema_old)
            content: dict[str, Any] = {}
            for mt in media:
                content[mt] = {"schema": schema}
                at = join(new, "content", mt)
                self.move(at, p.pointer)
                self.move(at + "/schema", schema_old)
        elif form:
            p = form[0]
            media = op.form_media()
            props: dict[str, Any] = {}
            for f in form:
                prop = join(new, "content", media[0], "schema", "properties", str(f.value.get("name")))
                props[str(f.value.get("name"))] = self.form_field(f, prop)
            schema = {"type": "object", "properties": props}
            required = [str(f.value.get("name")) for f in form if f.value.get("required") is True]
            if required:
                schema["required"] = required
            content = {}
            for mt in media:
                content[mt] = {"schema": schema}
                self.move(join(new, "content", mt), p.pointer)
                self.move(join(new, "content", mt, "schema"), p.pointer)
                for f in form:
                    self.move(join(new, "content", mt, "schema", "properties", str(f.value.get("name"))), f.source)
        else:
            return None
        self.move(new, p.pointer)
        out: dict[str, Any] = {"content": content}
        if bodies and isinstance(p.value.get("description"), str):
            out["description"] = p.value["description"]
        if any(f.value.get("required") is True for f in (bodies[:1] or form)):
            out["required"] = True
        return out

    def form_field(self, f: Param, new: str) -> dict[str, Any]:
        schema = self.items(f.value, new, f.source)
        if isinstance(f.value.get("description"), str):
            schema["description"] = f.value["description"]
        return schema

    # -- responses ----------------------------------------------------------------------------

    def responses(self, raw: dict[str, Any], pointer: str, produces: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for status, entry in raw.items():
            new, old = join(pointer, status), join(pointer, status)
            if not isinstance(entry, dict):
                out[status] = self.copy(entry)
                continue
            ref = entry.get("$ref")
            if isinstance(ref, str):
                target = jp.resolve(self.data, ref) if ref.startswith("#/responses/") else None
                if not isinstance(target, dict) or produces == self.produces:
                    out[status] = {"$ref": _ref(ref)}
                    continue
                # This operation produces other media types than the shared response was converted for.
                out[status] = self.response(target, new, ref[1:], produces)
                self.move(new, old)
            elif status.startswith("x-"):
                out[status] = self.copy(entry)
            else:
                out[status] = self.response(entry, new, old, produces)
        return out

    def response(self, r: dict[str, Any], new: str, old: str, produces: list[str]) -> dict[str, Any]:
        self.move(new, old)
        out: dict[str, Any] = {"description": str(r.get("description") or "")}
        headers = r.get("headers")
        if isinstance(headers, dict):
            out["headers"] = {}
            for name, h in headers.items():
                if not isinstance(h, dict):
                    continue
                hd: dict[str, Any] = {"schema": self.items(h, join(new, "headers", name, "schema"),
                                                           join(old, "headers", name))}
                if isinstance(h.get("description"), str):
                    hd["description"] = h["description"]
                out["headers"][name] = hd
        raw_examples = r.get("examples")
        examples: dict[str, Any] = raw_examples if isinstance(raw_examples, dict) else {}
        if "schema" in r:
            media = list(produces or ["application/json"])
            media += [m for m in examples if m not in media]
            # Kubernetes' responses list five media types each: every pointer below is spelled once.
            new_content, old_schema = join(new, "content"), join(old, "schema")
            schema = self.schema(r["schema"], join(new_content, media[0], "schema"), old_schema)
            content: dict[str, Any] = {}
            for mt in media:
                content[mt] = {"schema": schema}
                at = join(new_content, mt)
                self.move(at, join(old, "examples", mt) if mt in examples else old)
                self.move(at + "/schema", old_schema)
                if mt in examples:
                    content[mt]["example"] = examples[mt]
                    self.move(at + "/example", join(old, "examples", mt))
            out["content"] = content
        out.update({k: self.copy(v) for k, v in r.items() if k.startswith("x-")})
        return out

    # -- schemas and security -----------------------------------------------------------------

    def schema(self, s: Any, new: str, old: str) -> Any:
        """A 2.0 Schema Object as 3.0 reads it (`x-nullable`, `type: file`, string discriminators, refs)."""
        self.move(new, old)  # nested schemas sit at the same path below both: `source_pointer` extends this
        return self._schema(s, new, old)

    def _schema(self, s: Any, new: _Place, old: _Place) -> Any:
        """The conversion below a moved schema: its places are spelled only where one is recorded."""
        if not isinstance(s, dict):
            return s
        out: dict[str, Any] = {}
        for key, value in s.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = _ref(value)
            elif key == "x-nullable":
                if value is True:
                    out["nullable"] = True
                    self.move(_spell(new, "nullable"), _spell(old, key))
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self._schema(v, (new, key, k), (old, key, k)) for k, v in value.items()}
            elif key in _SCHEMA_ONE and isinstance(value, dict):
                out[key] = self._schema(value, (new, key), (old, key))
            elif key in _SCHEMA_MANY and isinstance(value, list):
                out[key] = [self._schema(v, (new, key, i), (old, key, i)) for i, v in enumerate(value)]
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
            elif key in _DATA_KEYS:
                out[key] = value
            else:
                out[key] = self.copy(value)
        if out.get("type") == "file":
            out["type"], out["format"] = "string", "binary"
        return out

    def security_scheme(self, s: dict[str, Any], new: str) -> dict[str, Any]:
        kind = s.get("type")
        out: dict[str, Any] = {k: self.copy(v) for k, v in s.items() if k.startswith("x-") or k == "description"}
        if kind == "basic":
            out.update(type="http", scheme="basic")
        elif kind == "apiKey":
            out.update(type="apiKey", name=s.get("name"), **{"in": s.get("in")})
        elif kind == "oauth2":
            flow = _FLOWS.get(str(s.get("flow")), "implicit")
            spec = {k: s[k] for k in ("authorizationUrl", "tokenUrl") if isinstance(s.get(k), str)}
            if flow in ("implicit", "password", "clientCredentials"):  # one URL each in 3.0
                spec.pop("tokenUrl" if flow == "implicit" else "authorizationUrl", None)
            spec["scopes"] = self.copy(s.get("scopes")) if isinstance(s.get("scopes"), dict) else {}
            out.update(type="oauth2", flows={flow: spec})
            old = join("/securityDefinitions", jp.split(new)[-1])
            self.move(join(new, "flows"), join(old, "flow"))
            self.move(join(new, "flows", flow), old)
        else:
            out.update(self.copy(s))
        return out

    def copy(self, node: Any, names: bool = False) -> Any:
        """A copy with every 2.0 `$ref` rewritten; literal data (examples, enums, defaults) is shared."""
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and not names:
                    out[key] = _ref(value)
                elif key in _DATA_KEYS and not names:
                    out[key] = value
                else:
                    out[key] = self.copy(value, names=key in _SCHEMA_MAPS and not names)
            return out
        if isinstance(node, list):
            return [self.copy(v) for v in node]
        return node


# A place below a moved schema: its pointer, or (the parent's place, key tokens...) until it is spelled.
_Place = str | tuple[Any, ...]


def _spell(place: _Place, *tokens: str | int) -> str:
    """The pointer of `place` extended by `tokens`."""
    chain: list[str | int] = list(reversed(tokens))
    while not isinstance(place, str):
        chain.extend(reversed(place[1:]))
        place = place[0]
    return join(place, *reversed(chain))


def _ref(ref: str) -> str:
    for old, new in _REFS:
        if ref.startswith(old):
            return new + ref[len(old):]
    return ref
