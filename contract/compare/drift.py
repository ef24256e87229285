"""Spec ↔ docs drift: where the OpenAPI spec and the human docs pages disagree.

Every finding names both sides — `spec=` the line in the spec, `docs=` the line
on the page — because either could be the one to fix. Check ids are stable
(declared here in the one registry, :mod:`contract.core.checks`); a finding's
`subject` names what it is about without line numbers so baselines survive edits,
and a field-level disagreement carries what each side says as a typed
:class:`~contract.model.Disagreement` (read by the triangulation probes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from contract.compare.schema_view import Node, ObjectView, deref, effective, entry_node, facts, object_view
from contract.core import checks, paths
from contract.core import pointer as jp
from contract.core.pointer import join
from contract.core.schema_facts import json_type
from contract.docs.model import DocsPage, Endpoint, Example, Field, TableKind
from contract.load import Spec
from contract.model import Disagreement, Finding, Location, MediaType, Operation, Response, Severity
from contract.validate import CompiledSchema, is_json_media

checks.declare("drift.operation_missing_in_spec", Severity.ERROR, "the docs document an operation the spec lacks")
checks.declare("drift.operation_missing_in_docs", Severity.WARNING, "a spec operation no docs page documents")
checks.declare("drift.field_missing_in_docs", Severity.WARNING, "a spec property the docs table leaves out")
checks.declare("drift.field_missing_in_spec", Severity.WARNING, "a docs table row the spec schema does not have")
checks.declare("drift.type_mismatch", Severity.ERROR, "docs and spec give a field different types")
checks.declare("drift.format_mismatch", Severity.INFO, "docs and spec give a string different formats")
checks.declare("drift.required_mismatch", Severity.ERROR, "docs and spec disagree on whether a field is required")
checks.declare("drift.nullable_mismatch", Severity.WARNING, "docs and spec disagree on whether a field may be null")
checks.declare("drift.enum_mismatch", Severity.WARNING, "docs and spec list different allowed values")
checks.declare("drift.limit_mismatch", Severity.WARNING, "docs and spec state different limits")
checks.declare("drift.limit_missing_in_spec", Severity.INFO, "the docs state a limit the spec schema does not enforce")
checks.declare("drift.status_missing_in_spec", Severity.WARNING, "a documented status the spec does not list")
checks.declare("drift.status_missing_in_docs", Severity.WARNING, "a spec status the docs do not mention")
checks.declare("drift.header_missing_in_spec", Severity.WARNING, "a documented header the spec does not declare")
checks.declare("drift.header_missing_in_docs", Severity.INFO, "a spec header the docs do not mention")
checks.declare("drift.example_violates_spec", Severity.WARNING, "a docs example the spec schema rejects")
checks.declare("drift.example_contradicts_docs", Severity.WARNING, "a docs example that disagrees with the page itself")
checks.declare("drift.unresolved_include", Severity.WARNING, "page content that lives in a file that was not found")

_LIMITS = ("maxLength", "minLength", "maxItems", "minItems", "pattern")
# Headers every HTTP client sends or that security schemes cover; not API parameters.
_TRANSPORT_HEADERS = {"content-type", "accept", "content-length", "user-agent", "host", "accept-encoding"}
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>|\{\{?\s*\w+\s*\}?\}")




def match_operation(spec: Spec, endpoint: Endpoint) -> Operation | None:
    """The spec operation a documented endpoint is (see :mod:`contract.core.paths` for the rules)."""
    return paths.match_operation(spec.operations, endpoint.method, endpoint.path, servers=paths.server_urls(spec.data),
                                 templated=True)


def _json_media(content: dict[str, MediaType]) -> MediaType | None:
    return next((m for name, m in content.items() if is_json_media(name) and m.schema is not None), None)


def _response_for(op: Operation, status: int) -> Response | None:
    code = str(status)
    return op.responses.get(code) or op.responses.get(f"{code[0]}XX") or op.responses.get(f"{code[0]}xx") \
        or op.responses.get("default")


def _types(json_type: Any) -> set[str]:
    if isinstance(json_type, str):
        return {json_type} - {"null"}
    if isinstance(json_type, list):
        return {t for t in json_type if isinstance(t, str)} - {"null"}
    return set()


def _compatible(docs: set[str], spec: set[str]) -> bool:
    """Equal, reading "integer" as fitting a "number" and the other way round (docs say Float for both)."""
    widen = {"integer": "number"}
    return {widen.get(t, t) for t in docs} == {widen.get(t, t) for t in spec}


class _Comparer:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.out: list[Finding] = []

    def add(self, check: str, message: str, *, op: str | None, spec: Location | None, docs: Location | None,
            subject: str, disagreement: Disagreement | None = None, **details: Any) -> None:
        self.out.append(Finding(check, checks.get(check).severity, message, operation=op, spec=spec, docs=docs,
                                source="docs", subject=subject, disagreement=disagreement, details=details))

    # -- operations -------------------------------------------------------------------
    def page(self, page: DocsPage, documented: set[str]) -> None:
        for include in page.unresolved_includes:
            self.add("drift.unresolved_include",
                     f"<{include.name} /> is not available ({include.source or 'never imported'}); the page "
                     "content it stands for could not be compared", op=None, spec=None, docs=include.where,
                     subject=f"{page.file}:{include.name}", include=include.name, source=include.source)
        for endpoint in page.endpoints:
            op = match_operation(self.spec, endpoint)
            if op is None:
                same_path = [o.method for o in paths.operations_on_path(
                    self.spec.operations, endpoint.path, servers=paths.server_urls(self.spec.data), templated=True)]
                hint = f" (the spec has {', '.join(same_path)} on this path)" if same_path else ""
                self.add("drift.operation_missing_in_spec",
                         f"the docs document {endpoint.key} but the spec has no such operation{hint}",
                         op=endpoint.key, spec=self.spec.location("/paths"), docs=endpoint.where,
                         subject=endpoint.key)
                continue
            documented.add(op.key)
            self.operation(page, endpoint, op)

    def operation(self, page: DocsPage, endpoint: Endpoint, op: Operation) -> None:
        mine = [f for f in page.fields if f.endpoint == endpoint.key]
        request = [f for f in mine if f.table == "request"]
        media = _json_media(op.request_body.content) if op.request_body else None
        if request and media is not None:
            self.fields(op, request, self.body_view(media), "request")
        elif request and op.request_body is None:
            self.add("drift.field_missing_in_spec",
                     f"{op.key}: the docs document {len(request)} request body field(s) but the spec has no "
                     "request body", op=op.key, spec=op.where, docs=request[0].where, subject="request:*")
        self.request_headers(page, endpoint, op, [f for f in mine if f.table == "request-header"])
        self.statuses(page, endpoint, op)
        for status in sorted({f.status for f in mine if f.table in ("response", "error") and f.status}):
            rows = [f for f in mine if f.table in ("response", "error") and f.status == status]
            response = _response_for(op, status)
            rmedia = _json_media(response.content) if response else None
            if rmedia is not None:
                self.fields(op, rows, self.body_view(rmedia, rows), f"response {status}")
        self.response_headers(page, endpoint, op)
        examples = [e for e in page.examples if e.endpoint == endpoint.key]
        for example in examples:
            self.example_vs_spec(op, example)
            self.example_vs_docs(page, endpoint, op, example)
        self.examples_agree(op, [e for e in examples if e.kind == "request" and e.ok and e.method])

    def body_view(self, media: MediaType, rows: list[Field] | None = None) -> ObjectView:
        pointer = join(media.where.pointer, "schema") if media.where and media.where.pointer else ""
        view = object_view(self.spec, Node(media.schema if isinstance(media.schema, dict) else {}, pointer))
        if rows:
            names = {f.name for f in rows}
            if not names & view.properties.keys() and len(view.properties) == 1:
                # The table documents the object inside a wrapper such as {"data": {...}}.
                inner = object_view(self.spec, next(iter(view.properties.values())))
                if names & inner.properties.keys():
                    return inner
        return view

    # -- fields -----------------------------------------------------------------------
    def fields(self, op: Operation, rows: list[Field], view: ObjectView, label: str) -> None:
        documented = {f.name for f in rows}
        for field in rows:
            node = view.properties.get(field.name)
            if node is None:
                self.add("drift.field_missing_in_spec",
                         f"{op.key}: {label} field {field.name!r} is documented but not in the spec schema",
                         op=op.key, spec=view.node.location(self.spec) if view.node else op.where,
                         docs=field.where, subject=f"{label}:{field.name}", field=field.name)
                continue
            self.field(op, field, node, field.name in view.required, label)
        for name, node in view.properties.items():
            if name not in documented:
                self.add("drift.field_missing_in_docs",
                         f"{op.key}: {label} field {name!r} is in the spec but not in the docs table",
                         op=op.key, spec=node.location(self.spec), docs=rows[0].where,
                         subject=f"{label}:{name}", field=name)

    def field(self, op: Operation, field: Field, node: Node, required: bool, label: str) -> None:
        spec_facts = facts(self.spec, node)
        where = node.location(self.spec)
        subject = f"{label}:{field.name}"
        # Where in a request body the field lives, for probes and generated cases (see compare.probes).
        location = "/" + jp.escape(field.name) if label == "request" else None
        docs_types = _types(field.json_type)
        if docs_types and spec_facts.types and not _compatible(docs_types, spec_facts.types):
            self.add("drift.type_mismatch",
                     f"{op.key}: {label} field {field.name!r} is {field.type!r} ({'/'.join(sorted(docs_types))}) "
                     f"in the docs but {'/'.join(sorted(spec_facts.types))} in the spec",
                     op=op.key, spec=where, docs=field.where, subject=subject,
                     disagreement=Disagreement(field.name, docs_value=sorted(docs_types),
                                               spec_value=sorted(spec_facts.types), location=location))
        elif field.format and spec_facts.format and field.format != spec_facts.format \
                and not {field.format, spec_facts.format} <= {"float", "double"}:
            self.add("drift.format_mismatch",
                     f"{op.key}: {label} field {field.name!r} has format {field.format} in the docs but "
                     f"{spec_facts.format} in the spec", op=op.key, spec=where, docs=field.where, subject=subject,
                     disagreement=Disagreement(field.name, docs_value=field.format, spec_value=spec_facts.format))
        if field.required is not None and field.required != required:
            self.add("drift.required_mismatch",
                     f"{op.key}: {label} field {field.name!r} is {'required' if field.required else 'optional'} "
                     f"in the docs but {'required' if required else 'optional'} in the spec",
                     op=op.key, spec=where, docs=field.where, subject=subject,
                     disagreement=Disagreement(field.name, docs_value=field.required, spec_value=required,
                                               location=location))
        if field.nullable is not None and field.nullable != spec_facts.nullable:
            self.add("drift.nullable_mismatch",
                     f"{op.key}: {label} field {field.name!r} is {'nullable' if field.nullable else 'not nullable'}"
                     f" in the docs but {'nullable' if spec_facts.nullable else 'not nullable'} in the spec",
                     op=op.key, spec=where, docs=field.where, subject=subject,
                     disagreement=Disagreement(field.name, docs_value=field.nullable, spec_value=spec_facts.nullable,
                                               location=location))
        for c in field.constraints:
            self.constraint(op, field, node, c, label)

    def constraint(self, op: Operation, field: Field, node: Node, c: Any, label: str) -> None:
        entry = "key" if c.subject == "key" else "value"
        if c.subject in ("key", "value-of-entry"):
            target = entry_node(self.spec, node, entry)
            part = f"{field.name} {'keys' if c.subject == 'key' else 'values'}"
        elif c.subject in ("value", "items") or c.keyword == "converts":
            target, part = node, field.name
        else:
            return
        if target is None:
            return
        location = _entry_location(self.spec, node, field.name, entry if c.subject in ("key", "value-of-entry")
                                   else None) if label == "request" else None
        if c.keyword == "converts":
            self.conversion(op, field, node, c, label, location)
            return
        subject = f"{label}:{field.name}:{c.subject}:{c.keyword}"
        if c.keyword == "enum":
            spec_enum = facts(self.spec, target).enum
            if spec_enum is not None and {repr(v) for v in spec_enum} != {repr(v) for v in c.value}:
                self.add("drift.enum_mismatch",
                         f"{op.key}: {label} {part} allows {c.value} in the docs but {spec_enum} in the spec",
                         op=op.key, spec=target.location(self.spec), docs=field.where, subject=subject,
                         disagreement=Disagreement(field.name, docs_value=c.value, spec_value=spec_enum,
                                                   location=location))
        elif c.keyword == "type" and c.subject == "value-of-entry":
            spec_types = facts(self.spec, target).types
            if spec_types and not _compatible(set(c.value), spec_types):
                self.add("drift.type_mismatch",
                         f"{op.key}: {label} {part} are {'/'.join(c.value)} in the docs but "
                         f"{'/'.join(sorted(spec_types))} in the spec — “{c.text}”",
                         op=op.key, spec=target.location(self.spec), docs=field.where, subject=subject,
                         disagreement=Disagreement(field.name, docs_value=c.value, spec_value=sorted(spec_types),
                                                   location=location))
        elif c.keyword in _LIMITS:
            value, where = effective(self.spec, target, c.keyword)
            if value is None:
                self.add("drift.limit_missing_in_spec",
                         f"{op.key}: the docs limit {label} {part} ({c.keyword} {c.value}) but the spec schema "
                         f"does not — “{c.text}”", op=op.key, spec=deref(self.spec, target).location(self.spec),
                         docs=field.where, subject=subject,
                         disagreement=Disagreement(field.name, c.keyword, docs_value=c.value, location=location))
            elif c.keyword != "pattern" and value != c.value:
                self.add("drift.limit_mismatch",
                         f"{op.key}: {label} {part}: the docs say {c.keyword} {c.value} but the spec says "
                         f"{value} — “{c.text}”", op=op.key,
                         spec=self.spec.location(join(where.pointer, c.keyword), where.ref), docs=field.where,
                         subject=subject, disagreement=Disagreement(field.name, c.keyword, docs_value=c.value,
                                                                    spec_value=value, location=location))

    def conversion(self, op: Operation, field: Field, node: Node, c: Any, label: str,
                   location: str | None) -> None:
        """"Booleans will be converted to floats": the docs accept a type the spec's schema rejects."""
        source, target_type = c.value
        value_node = entry_node(self.spec, node, "value") or node
        spec_types = facts(self.spec, value_node).types
        if not spec_types or source in spec_types or (source == "integer" and "number" in spec_types):
            return
        where = value_node.location(self.spec)
        if location and value_node is not node:
            location = location.rsplit("/", 1)[0] + "/value" if location.endswith("/key") else location + "/*/value"
        self.add("drift.type_mismatch",
                 f"{op.key}: the docs accept {source} {field.name} values (converted to {target_type}) but the "
                 f"spec allows only {'/'.join(sorted(spec_types))} — “{c.text}”",
                 op=op.key, spec=where, docs=field.where, subject=f"{label}:{field.name}:converts:{source}",
                 disagreement=Disagreement(field.name, docs_value=sorted(spec_types | {source}),
                                           spec_value=sorted(spec_types), converts=(source, target_type),
                                           location=location))

    # -- headers and statuses ---------------------------------------------------------
    def request_headers(self, page: DocsPage, endpoint: Endpoint, op: Operation, rows: list[Field]) -> None:
        declared = {p.name.lower() for p in op.parameters if p.location == "header"}
        declared |= {s.param_name.lower() for alt in op.security for s in alt
                     if s.param_name and s.location == "header"}
        if any(s.type == "http" for alt in op.security for s in alt):
            declared.add("authorization")
        params_at = join(op.where.pointer, "parameters") if op.where and op.where.pointer else ""
        seen: set[str] = set()
        sources: list[tuple[str, Location]] = [(f.name, f.where) for f in rows]
        sources += [(name, e.where) for e in page.examples if e.endpoint == endpoint.key and e.kind == "request"
                    for name in e.headers]
        for name, where in sources:
            low = name.lower()
            if low in declared or low in _TRANSPORT_HEADERS or low in seen:
                continue
            seen.add(low)
            self.add("drift.header_missing_in_spec",
                     f"{op.key}: the docs send request header {name!r} but the spec declares no such parameter",
                     op=op.key, spec=self.spec.location(params_at) if params_at else op.where, docs=where,
                     subject=f"request-header:{low}", disagreement=Disagreement(header=name))
        if rows:
            documented = {f.name.lower() for f in rows}
            for p in op.parameters:
                if p.location == "header" and p.name.lower() not in documented:
                    self.add("drift.header_missing_in_docs",
                             f"{op.key}: request header {p.name!r} is in the spec but not in the docs",
                             op=op.key, spec=p.where, docs=rows[0].where, subject=f"request-header:{p.name.lower()}")

    def statuses(self, page: DocsPage, endpoint: Endpoint, op: Operation) -> None:
        documented = [s for s in page.statuses if s.endpoint == endpoint.key]
        responses_at = join(op.where.pointer, "responses") if op.where and op.where.pointer else ""
        for status in documented:
            if _response_for(op, status.code) is None:
                self.add("drift.status_missing_in_spec",
                         f"{op.key}: the docs document status {status.code} ({status.title}) but the spec does not "
                         f"list it (spec: {', '.join(sorted(op.responses)) or 'none'})",
                         op=op.key, spec=self.spec.location(responses_at) if responses_at else op.where,
                         docs=status.where, subject=f"status:{status.code}", status=status.code)
        if not documented:
            return
        codes = {str(s.code) for s in documented}
        for code, response in op.responses.items():
            covered = code in codes or any(c[0] == code[0] for c in codes if code[1:].upper() == "XX")
            if not covered and code != "default":
                self.add("drift.status_missing_in_docs",
                         f"{op.key}: status {code} ({response.description or 'no description'}) is in the spec "
                         "but the docs do not mention it", op=op.key, spec=response.where,
                         docs=documented[0].where, subject=f"status:{code}", status=code)

    def response_headers(self, page: DocsPage, endpoint: Endpoint, op: Operation) -> None:
        for header in page.headers:
            if header.endpoint != endpoint.key:
                continue
            response = _response_for(op, header.status or 200)
            if response is None:
                continue
            if header.name.lower() not in {h.lower() for h in response.headers}:
                self.add("drift.header_missing_in_spec",
                         f"{op.key}: the docs document response header {header.name!r} for {response.status} but "
                         "the spec declares no such header", op=op.key, spec=response.where, docs=header.where,
                         subject=f"response-header:{response.status}:{header.name.lower()}",
                         disagreement=Disagreement(header=header.name))

    # -- examples ---------------------------------------------------------------------
    def example_vs_spec(self, op: Operation, example: Example) -> None:
        if not example.ok or not example.has_body:
            return
        if example.kind == "request":
            media = _json_media(op.request_body.content) if op.request_body else None
            direction, label = "request", "request"
        else:
            response = _response_for(op, example.status) if example.status else None
            media = _json_media(response.content) if response else None
            direction, label = "response", f"response {example.status}"
        if media is None or not isinstance(media.schema, dict | bool):
            return
        compiled = CompiledSchema(self.spec.json_schema(media.schema, direction))  # type: ignore[arg-type]
        schema_at = join(media.where.pointer, "schema") if media.where and media.where.pointer else ""
        for v in compiled.errors(example.body)[:20]:
            if v.keyword == "format" and isinstance(v.actual, str) and _PLACEHOLDER.search(v.actual):
                continue
            self.add("drift.example_violates_spec",
                     f"{op.key}: {example.language} {label} example breaks the spec at {v.pointer or '/'}: "
                     f"{v.message}", op=op.key, spec=self.spec.location(schema_at) if schema_at else op.where,
                     docs=_line_of(example, v.pointer), subject=f"{label}:{example.language}:{v.pointer}:{v.keyword}",
                     pointer=v.pointer, keyword=v.keyword)

    def example_vs_docs(self, page: DocsPage, endpoint: Endpoint, op: Operation, example: Example) -> None:
        if not example.ok or not isinstance(example.body, dict) or example.language == "yaml":
            return
        tables: tuple[TableKind, ...] = ("request",) if example.kind == "request" else ("response", "error")
        rows = {f.name: f for f in page.fields if f.endpoint == endpoint.key and f.table in tables
                and (example.kind == "request" or f.status == example.status)}
        if not rows:
            return
        for key, value in example.body.items():
            field = rows.get(key)
            if field is None:
                continue
            actual = json_type(value)
            docs_types = _types(field.json_type)
            label = f"{example.kind}{'' if example.status is None else ' ' + str(example.status)}"
            if value is None:
                if field.nullable is False:
                    self.add("drift.example_contradicts_docs",
                             f"{op.key}: the {label} example sets {key!r} to null but the docs table says it is not "
                             "nullable", op=op.key, spec=None, docs=_line_of(example, "/" + key),
                             subject=f"{label}:{example.language}:{key}:null", field=key, table_line=field.line)
            elif docs_types and not _compatible({actual}, docs_types) \
                    and not (actual == "integer" and "number" in docs_types):
                self.add("drift.example_contradicts_docs",
                         f"{op.key}: the {label} example gives {key!r} as {actual} but the docs table (line "
                         f"{field.line}) says {field.type!r}", op=op.key, spec=None,
                         docs=_line_of(example, "/" + key), subject=f"{label}:{example.language}:{key}:type",
                         field=key, table_line=field.line, docs_value=sorted(docs_types), example_value=actual)

    def examples_agree(self, op: Operation, examples: list[Example]) -> None:
        """Tabs of one request (curl / Python / JavaScript) must send the same request."""
        if len(examples) < 2:
            return
        first = examples[0]
        for other in examples[1:]:
            differences = [what for what, a, b in (
                ("method", first.method, other.method), ("path", first.path, other.path),
                ("headers", {k.lower(): v for k, v in first.headers.items()},
                 {k.lower(): v for k, v in other.headers.items()}),
                ("body", first.body, other.body)) if a != b]
            if differences:
                self.add("drift.example_contradicts_docs",
                         f"{op.key}: the {other.language} example differs from the {first.language} example in "
                         f"{', '.join(differences)}", op=op.key, spec=None, docs=other.where,
                         subject=f"examples:{first.language}:{other.language}", differences=differences)


def _entry_location(spec: Spec, node: Node, name: str, entry: str | None) -> str | None:
    """The instance location of a field (entry None) or of its entries' key/value ("*" = every item)."""
    base = "/" + jp.escape(name)
    if entry is None:
        return base
    resolved = deref(spec, node)
    if isinstance(resolved.schema.get("items"), dict):
        return f"{base}/*/{entry}"
    if entry == "value" and isinstance(resolved.schema.get("additionalProperties"), dict):
        return f"{base}/*"
    return None


def _line_of(example: Example, pointer: str) -> Location:
    """The example line holding the pointer's keys, found in order; else the example's first line."""
    lines = example.text.splitlines()
    found, at = None, 0
    for key in jp.split(pointer):
        if key.isdigit():
            continue
        pattern = re.compile(r"[\"']?" + re.escape(key) + r"[\"']?\s*[:=]")
        hit = next((n for n in range(at, len(lines)) if pattern.search(lines[n])), None)
        if hit is None:
            break
        found, at = hit, hit + 1
    if found is None:
        return example.where
    return Location(example.where.file, (example.where.line or 1) + found)


def compare(spec: Spec, pages: Sequence[DocsPage]) -> list[Finding]:
    """All drift between a spec and its docs pages."""
    comparer = _Comparer(spec)
    documented: set[str] = set()
    for page in pages:
        comparer.page(page, documented)
    if pages:
        docs_at = Location(pages[0].file) if len(pages) == 1 else None
        for op in spec.operations:
            if op.key not in documented:
                comparer.add("drift.operation_missing_in_docs",
                             f"{op.key} is in the spec but no docs page documents it", op=op.key, spec=op.where,
                             docs=docs_at, subject=op.key)
    return comparer.out
