"""Pages that embed an OpenAPI document (or point at one) instead of writing tables.

Some generators render a page from a spec and leave the spec in the page, as a
YAML block headed by a reference line such as
``/api-specs/adapty-api.yaml post /api/v2/server-side-api/profile/``. That copy is
what readers of the page see, so it is read like any other docs content — fields,
statuses, examples, headers, each with the page line it sits on — and can drift
from the real spec like any other page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from contract.core import pointer as jp
from contract.core import yaml_json
from contract.core.pointer import join
from contract.core.yaml_json import JsonLoader
from contract.docs.examples.base import HTTP_METHODS
from contract.docs.model import Endpoint, Example, Field, Header, Status, TableKind
from contract.docs.vocab import normalise_type
from contract.errors import InputError
from contract.load.source import check_aliases
from contract.model import Location
from contract.prose import ProseConstraint, extract

REFERENCE = re.compile(
    r"^\s*(\S+\.(?:ya?ml|json))\s+(" + "|".join(HTTP_METHODS) + r")\s+(/\S*)\s*$", re.IGNORECASE
)
_SCHEMA_KEYWORDS = ("maxLength", "minLength", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum",
                    "pattern", "enum", "maxItems", "minItems", "const")


@dataclass(slots=True)
class EmbeddedSpec:
    """What an embedded spec documents for the referenced operation(s)."""

    endpoints: list[Endpoint] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    headers: list[Header] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _lines(root: yaml.Node, pointer: str, out: dict[str, int]) -> None:
    """JSON pointer → 0-based line of the node's key (or of the node, for the root and list items).

    Iterative, and each node is visited once: an aliased node has one place in the page anyway.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, pointer)]
    while stack:
        node, at = stack.pop()
        out.setdefault(at, node.start_mark.line)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                child = join(at, str(key.value))
                out[child] = key.start_mark.line
                stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{at}/{n}") for n, item in reversed(list(enumerate(node.value))))


def looks_embedded(lang: str | None, text: str) -> bool:
    first = text.split("\n", 1)[0]
    if REFERENCE.match(first):
        return True
    return (lang or "").lower() in ("yaml", "yml", "json") and bool(
        re.search(r"^(?:openapi|swagger)\s*:", text, re.MULTILINE) or re.search(r'"(?:openapi|swagger)"\s*:', text))


class _Reader:
    def __init__(self, doc: dict[str, Any], lines: dict[str, int], file: str, first_line: int) -> None:
        self.doc = doc
        self.lines = lines
        self.file = file
        self.first_line = first_line
        self.out = EmbeddedSpec()

    def where(self, pointer: str) -> Location:
        while pointer and pointer not in self.lines:
            pointer = pointer.rsplit("/", 1)[0]
        return Location(self.file, self.first_line + self.lines.get(pointer, 0))

    def resolve(self, schema: Any, pointer: str, depth: int = 0) -> tuple[dict[str, Any], str]:
        """Follow local $refs (and merge allOf) so properties can be listed; other refs are left alone."""
        if not isinstance(schema, dict) or depth > 20:
            return {}, pointer
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            return self.resolve(jp.resolve(self.doc, ref, None), ref[1:], depth + 1)
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            props: dict[str, Any] = dict(merged.get("properties") or {})
            required = list(merged.get("required") or [])
            for n, part in enumerate(schema["allOf"]):
                sub, _ = self.resolve(part, f"{pointer}/allOf/{n}", depth + 1)
                props.update(sub.get("properties") or {})
                required += list(sub.get("required") or [])
                for k, v in sub.items():
                    merged.setdefault(k, v)
            merged["properties"], merged["required"] = props, required
            return merged, pointer
        return schema, pointer

    def type_of(self, schema: dict[str, Any], pointer: str) -> tuple[str, Any, str | None, bool]:
        """(type as written, JSON type(s), format, nullable) of a property schema."""
        resolved, _ = self.resolve(schema, pointer)
        nullable = bool(schema.get("nullable") or resolved.get("nullable"))
        written = resolved.get("type")
        if written is None:
            options = resolved.get("oneOf") or resolved.get("anyOf")
            if isinstance(options, list):
                types = sorted({str(self.resolve(o, pointer)[0].get("type")) for o in options
                                if self.resolve(o, pointer)[0].get("type")})
                written = types
            elif "properties" in resolved:
                written = "object"
        if isinstance(written, list):
            nullable = nullable or "null" in written
            types = [t for t in written if t != "null"]
            text = " | ".join(types)
            json_type: Any = types[0] if len(types) == 1 else sorted(types) or None
        else:
            text = str(written or "")
            json_type = normalise_type(text)[0] if written else None
        return text, json_type, resolved.get("format"), nullable

    def fields(self, schema: Any, pointer: str, table: TableKind, endpoint: str, status: int | None) -> None:
        resolved, at = self.resolve(schema, pointer)
        required = set(resolved.get("required") or [])
        for name, prop in (resolved.get("properties") or {}).items():
            if not isinstance(prop, dict):
                continue
            prop_at = join(at, "properties", str(name))
            text, json_type, fmt, nullable = self.type_of(prop, prop_at)
            description = str(prop.get("description") or self.resolve(prop, prop_at)[0].get("description") or "")
            constraints = extract(description) + _schema_constraints(self.resolve(prop, prop_at)[0])
            self.out.fields.append(Field(
                name=str(name), type=text, json_type=json_type, format=fmt, required=name in required,
                nullable=nullable, description=description, table=table, where=self.where(prop_at),
                status=status, endpoint=endpoint, constraints=constraints, origin="embedded-spec",
            ))

    def operation(self, path: str, method: str, ref_line: int | None) -> None:
        paths = self.doc.get("paths") if isinstance(self.doc.get("paths"), dict) else {}
        item = paths.get(path) if isinstance(paths, dict) else None
        op_at = join("", "paths", path, method.lower())
        op = item.get(method.lower()) if isinstance(item, dict) else None
        where = Location(self.file, ref_line) if ref_line is not None else self.where(op_at)
        endpoint = Endpoint(method.upper(), path, where, source="openapi-ref" if ref_line else "declared")
        self.out.endpoints.append(endpoint)
        if not isinstance(op, dict):
            self.out.problems.append((where.line or self.first_line,
                                      f"embedded spec has no operation {method.upper()} {path}"))
            return
        key = endpoint.key
        for n, param in enumerate(op.get("parameters") or []):
            if isinstance(param, dict) and param.get("in") == "header" and param.get("name"):
                text, json_type, fmt, _ = self.type_of(param.get("schema") or {}, f"{op_at}/parameters/{n}")
                description = str(param.get("description") or "")
                self.out.fields.append(Field(
                    name=str(param["name"]), type=text, json_type=json_type, format=fmt,
                    required=bool(param.get("required")), nullable=None, description=description,
                    table="request-header", where=self.where(f"{op_at}/parameters/{n}/name"), endpoint=key,
                    constraints=extract(description), origin="embedded-spec"))
        body = op.get("requestBody")
        media = _json_media(body.get("content") if isinstance(body, dict) else None)
        if media is not None:
            mtype, content = media
            at = join(op_at, "requestBody", "content", mtype)
            self.fields(content.get("schema"), f"{at}/schema", "request", key, None)
            if "example" in content:
                self.out.examples.append(Example(
                    kind="request", language="yaml", where=self.where(f"{at}/example"), method=endpoint.method,
                    path=path, body=content["example"], has_body=True, endpoint=key))
        for code, response in (op.get("responses") or {}).items():
            if not str(code).isdigit() or not isinstance(response, dict):
                continue
            status_code = int(code)
            at = f"{op_at}/responses/{code}"
            status = Status(status_code, self.where(at), endpoint=key, title=str(response.get("description") or ""))
            self.out.statuses.append(status)
            table: TableKind = "error" if status_code >= 400 else "response"
            media = _json_media(response.get("content"))
            if media is not None:
                mtype, content = media
                mat = join(at, "content", mtype)
                before = len(self.out.fields)
                self.fields(content.get("schema"), f"{mat}/schema", table, key, status_code)
                status.fields = self.out.fields[before:]
                if "example" in content:
                    example = Example(kind="response", language="yaml", where=self.where(f"{mat}/example"),
                                      body=content["example"], has_body=True, status=status_code, endpoint=key)
                    self.out.examples.append(example)
                    status.examples.append(example)
            for name, header in (response.get("headers") or {}).items():
                if isinstance(header, dict):
                    text, json_type, _, _ = self.type_of(header.get("schema") or {}, join(at, "headers", str(name)))
                    self.out.headers.append(Header(
                        str(name), text, json_type, str(header.get("description") or ""),
                        self.where(join(at, "headers", str(name))), status=status_code, endpoint=key))


def _json_media(content: Any) -> tuple[str, dict[str, Any]] | None:
    if not isinstance(content, dict):
        return None
    for mtype, media in content.items():
        if "json" in str(mtype).lower() and isinstance(media, dict):
            return str(mtype), media
    return None


def _schema_constraints(schema: dict[str, Any]) -> list[ProseConstraint]:
    return [ProseConstraint(k, schema[k], "value", "(schema)") for k in _SCHEMA_KEYWORDS if k in schema]


def read_embedded(text: str, file: str, first_line: int) -> EmbeddedSpec:
    """Read an embedded spec block whose first line is page line `first_line`."""
    out = EmbeddedSpec()
    head, _, rest = text.partition("\n")
    ref = REFERENCE.match(head)
    body, body_line = (rest, first_line + 1) if ref else (text, first_line)
    try:
        node = yaml.compose(body, Loader=JsonLoader)
        if node is not None:
            check_aliases(node, file, body_line - 1)  # an anchor bomb would make every walk below explode
        doc = yaml_json.load(body)
    except InputError as exc:
        out.problems.append((exc.line or body_line, f"embedded spec refused: {exc.problem}"))
        doc, node = None, None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = body_line + (mark.line if mark is not None else 0)
        out.problems.append((line, f"embedded spec is not valid YAML: {str(exc).splitlines()[0]}"))
        doc, node = None, None
    except RecursionError:
        out.problems.append((body_line, "embedded spec is nested too deeply to read"))
        doc, node = None, None
    if not isinstance(doc, dict) or node is None:
        if ref:
            out.endpoints.append(Endpoint(ref.group(2).upper(), ref.group(3), Location(file, first_line),
                                          source="openapi-ref"))
        return out
    lines: dict[str, int] = {}
    _lines(node, "", lines)
    reader = _Reader(doc, lines, file, body_line)
    if ref:
        reader.operation(ref.group(3), ref.group(2), first_line)
    else:
        for path, item in (doc.get("paths") or {}).items():
            for method in item if isinstance(item, dict) else {}:
                if str(method).upper() in HTTP_METHODS:
                    reader.operation(str(path), str(method), None)
    reader.out.problems[:0] = out.problems
    return reader.out
