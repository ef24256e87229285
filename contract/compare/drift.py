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
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from contract.compare.missing import missing_in_docs
from contract.compare.schema_view import Node, ObjectView, deref, effective, entry_node, facts, object_view
from contract.core import checks, paths
from contract.core import pointer as jp
from contract.core.pointer import join
from contract.core.schema_facts import json_type
from contract.docs.conventions import anchor_of
from contract.docs.model import DocsEnum, DocsObject, DocsPage, Endpoint, Example, Field, TableKind
from contract.load import Spec
from contract.model import (
    Disagreement,
    Finding,
    Location,
    MediaType,
    Operation,
    Parameter,
    Response,
    Severity,
)
from contract.semantics import Semantic, open_meanings, semantics
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
checks.declare("drift.fixed_value_mismatch", Severity.WARNING,
               "the docs fix a response field's value (“Always X”) and the spec's example says another")
checks.declare("drift.example_contradicts_docs", Severity.WARNING, "a docs example that disagrees with the page itself")
checks.declare("drift.semantic_mismatch", Severity.WARNING,
               "docs and spec say a field's value means different things (a time unit, a code standard)")
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
    return _widened(docs) == _widened(spec)


def _widened(types: set[str]) -> set[str]:
    return {"number" if t == "integer" else t for t in types}


_QUOTED = re.compile(r"""['"`‘“]([^'"`’”\s]{1,40})['"`’”]""")


def _said_alternative(spec: Spec, node: Node, docs: set[str], spec_types: set[str], description: str) -> bool:
    """The docs' type column names one branch of a union whose other branch is a string enum, and the row's own
    text quotes a value of that enum: "per_page | number | Results per page. Set as 'all' for all results."
    against `oneOf: [integer, {type: string, enum: [all]}]` (listmonk's
    four list pages). Both sources then say the same; only the Type cell is short."""
    left = _widened(spec_types) - _widened(docs)
    if left != {"string"} or not description:
        return False
    quoted = set(_QUOTED.findall(description))
    if not quoted:
        return False
    node = deref(spec, node)
    for key in ("oneOf", "anyOf"):
        for n, branch in enumerate(node.schema.get(key) or []):
            if not isinstance(branch, dict):
                continue
            sub = facts(spec, Node(branch, join(node.pointer, key, n), node.ref))
            if sub.types == {"string"} and sub.enum and quoted & {str(v) for v in sub.enum}:
                return True
    return False


_NOT_FOR_PARTIAL = {"drift.field_missing_in_docs", "drift.field_missing_in_spec", "drift.required_mismatch"}
_OPS = "\x00ops\x00"  # stands for the operations of an object comparison until they are all known


@dataclass(slots=True)
class _Target:
    """What a field comparison is about when it is not one operation: an object structure (see `objects`)."""

    key: str
    where: Location | None = None


@dataclass(slots=True)
class _Group:
    """One object structure compared with one spec schema, and the operations that return that schema."""

    page: DocsPage
    obj: DocsObject
    node: Node
    note: str
    ops: list[str] = dc_field(default_factory=list)
    via: str = ""  # "Message.embeds" when reached through another object's field
    partial: bool = True  # only ever reached as a "partial" object: rows may be left out, or absent
    view: ObjectView | None = None


def _schema_name(node: Node) -> str:
    pointer = node.pointer or ""
    if pointer.startswith("/components/schemas/"):
        return jp.unescape(pointer.split("/")[3])
    m = re.match(r"^/paths/([^/]+)/(\w+)/", pointer)
    if m:
        return f"the inline schema of {m.group(2).upper()} {jp.unescape(m.group(1))}"
    return pointer or "the schema"


def _branches(schema: dict[str, Any]) -> tuple[str, list[tuple[int, dict[str, Any]]]] | None:
    """The non-null `oneOf`/`anyOf` branches of a schema, with their indexes."""
    for key in ("oneOf", "anyOf"):
        raw = schema.get(key)
        if isinstance(raw, list) and raw:
            kept = [(n, b) for n, b in enumerate(raw) if isinstance(b, dict) and b.get("type") != "null"]
            return key, kept
    return None


def _list(ops: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(ops[:limit])
    return shown + (f" and {len(ops) - limit} more" if len(ops) > limit else "")


class _Comparer:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.out: list[Finding] = []
        self.returns: list[tuple[DocsPage, Endpoint, Operation]] = []
        self.pages: Sequence[DocsPage] = ()
        self.note = ""  # said after every message of the current comparison: which oneOf branch, ...
        self.seen_enums: set[tuple[str, str, str]] = set()
        self.index = _Index([])
        # object structure key → (request-side schema, operation) where a request table sends it
        self.sent: dict[str, list[tuple[Node, str]]] = {}
        self.compared: set[str] = set()  # keys of the structures and enums compared with a spec schema

    def add(self, check: str, message: str, *, op: str | None, spec: Location | None, docs: Location | None,
            subject: str, disagreement: Disagreement | None = None, **details: Any) -> None:
        if self.note:
            message = f"{message} {self.note}"
        self.out.append(Finding(check, checks.get(check).severity, message, operation=op, spec=spec, docs=docs,
                                source="docs", subject=subject, disagreement=disagreement, details=details))

    # -- operations -------------------------------------------------------------------
    def page(self, page: DocsPage, documented: dict[str, str]) -> None:
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
            documented.setdefault(op.key, page.file)
            self.operation(page, endpoint, op)
            if endpoint.returns:
                self.returns.append((page, endpoint, op))

    def operation(self, page: DocsPage, endpoint: Endpoint, op: Operation) -> None:
        mine = [f for f in page.fields if f.endpoint == endpoint.key]
        request = [f for f in mine if f.table == "request"]
        media = _json_media(op.request_body.content) if op.request_body else None
        if request and media is not None:
            self.request_tables(op, request, media, self.shared_names(page, endpoint, media))
            self.sent_structures(op, request, media)
        elif request and op.request_body is None:
            self.add("drift.field_missing_in_spec",
                     f"{op.key}: the docs document {len(request)} request body field(s) but the spec has no "
                     "request body", op=op.key, spec=op.where, docs=request[0].where, subject="request:*")
        self.request_headers(page, endpoint, op, [f for f in mine if f.table == "request-header"])
        query = [f for f in mine if f.table == "query"]
        if query:
            self.query(op, query)
        self.statuses(page, endpoint, op)
        success = [f for f in mine if f.table == "response" and f.status is None]
        node = self.success_node(op)
        if success and node is not None:
            view, note = self.view_for(node, {f.name for f in success})
            self.fields(op, success, view, "response" + note)
        for status in sorted({f.status for f in mine if f.table in ("response", "error") and f.status}):
            rows = [f for f in mine if f.table in ("response", "error") and f.status == status]
            response = _response_for(op, status)
            rmedia = _json_media(response.content) if response else None
            if rmedia is not None:
                self.fields(op, rows, self.body_view(rmedia, rows), f"response {status}")
        self.response_headers(page, endpoint, op)
        self.fixed_values(page, endpoint, op, [f for f in mine if f.table in ("response", "error") and f.status])
        examples = [e for e in page.examples if e.endpoint == endpoint.key]
        for example in examples:
            self.example_vs_spec(op, example)
            self.example_vs_docs(page, endpoint, op, example)
            if example.kind == "response" and example.status is None and example.section == "error":
                self.error_example(example, op.key, self.error_schemas([op]))
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

    def shared_names(self, page: DocsPage, endpoint: Endpoint, media: MediaType) -> set[str]:
        """The request fields an endpoint takes from those whose parameters its prose says it shares ("Use the same
        parameters in [POST /api/campaigns](…)"): their rows, and — when the spec gives both the same request
        schema — every property of it, since what that table leaves out is reported there, once."""
        names = {f.name for f in page.fields if f.endpoint in endpoint.params_from and f.table == "request"}
        for key in endpoint.params_from:
            method, _, path = key.partition(" ")
            other = match_operation(self.spec, Endpoint(method, path, endpoint.where))
            other_media = _json_media(other.request_body.content) if other and other.request_body else None
            if other_media is not None and other_media.schema == media.schema and isinstance(media.schema, dict):
                names |= self.body_view(media).properties.keys()
        return names

    def request_tables(self, op: Operation, rows: list[Field], media: MediaType, shared: set[str] | None = None) -> None:
        """Each request table against the request body — the `oneOf` branch it matches when there are several
        (two routes on one endpoint, "Create DM" and "Create Group DM", document two branches)."""
        pointer = join(media.where.pointer, "schema") if media.where and media.where.pointer else ""
        node = Node(media.schema if isinstance(media.schema, dict) else {}, pointer)
        if _branches(deref(self.spec, node).schema) is None:
            view, note = self.view_for(node, {f.name for f in rows})  # an array body: its items' object
            self.fields(op, rows, view, "request" + note, self.form_views(op), shared)
            return
        by_view: dict[str, tuple[ObjectView, str, list[Field]]] = {}
        for section in dict.fromkeys(f.section for f in rows):
            table = [f for f in rows if f.section == section]
            view, note = self.view_for(node, {f.name for f in table})
            key = view.node.pointer if view.node else ""
            by_view.setdefault(key, (view, note, []))[2].extend(table)
        for view, note, table in by_view.values():
            self.fields(op, table, view, "request" + note, self.form_views(op), shared)

    def sent_structures(self, op: Operation, rows: list[Field], media: MediaType) -> None:
        """The request-body schemas of the object structures a request table links to ("message_reference |
        [message reference](#…) object"), followed down the structures' own links: the request side of a
        structure the page documents once for both sides."""
        pointer = join(media.where.pointer, "schema") if media.where and media.where.pointer else ""
        body = Node(media.schema if isinstance(media.schema, dict) else {}, pointer)
        queue: list[tuple[list[Field], Node]] = [(rows, body)]
        seen: set[tuple[str, str]] = set()
        while queue:
            fields, node = queue.pop(0)
            view, _ = self.view_for(node, {f.name for f in fields})
            for field in fields:
                prop = view.properties.get(field.name)
                hit = self.index.find(field.ref, field.where.file) if field.ref and prop is not None else None
                if hit is None or prop is None or not isinstance(hit[1], DocsObject):
                    continue
                key = (hit[1].key, deref(self.spec, prop).pointer)
                if key in seen:
                    continue
                seen.add(key)
                self.sent.setdefault(hit[1].key, []).append((prop, op.key))
                queue.append((hit[0].object_fields(hit[1]), prop))

    def form_views(self, op: Operation) -> list[ObjectView]:
        """The non-JSON bodies (multipart form) a JSON/Form params table may also describe (`files[n]`)."""
        out = []
        for name, media in (op.request_body.content.items() if op.request_body else []):
            if not is_json_media(name) and isinstance(media.schema, dict):
                pointer = join(media.where.pointer, "schema") if media.where and media.where.pointer else ""
                out.append(object_view(self.spec, Node(media.schema, pointer)))
        return out

    def success_node(self, op: Operation) -> Node | None:
        """The JSON schema of the operation's success (2xx) response."""
        for code in sorted(op.responses):
            if code[:1] == "2":
                media = _json_media(op.responses[code].content)
                if media is not None and isinstance(media.schema, dict):
                    pointer = join(media.where.pointer, "schema") if media.where and media.where.pointer else ""
                    return Node(media.schema, pointer)
        return None

    def view_for(self, node: Node, names: set[str], depth: int = 0) -> tuple[ObjectView, str]:
        """The object a table documents inside a schema: through `$ref`, array items, a one-key wrapper
        (`{"items": [...]}`) and `oneOf`/`anyOf` — the branch the table's names match best, or all branches
        merged when the table documents their union; the second value says which, for the message."""
        resolved = deref(self.spec, node)
        schema = resolved.schema
        if depth > 6:
            return object_view(self.spec, resolved), ""
        items = schema.get("items")
        if isinstance(items, dict) and not schema.get("properties"):
            return self.view_for(Node(items, join(resolved.pointer, "items"), resolved.ref), names, depth + 1)
        found = _branches(schema)
        if found is not None and not schema.get("properties"):
            keyword, branches = found
            nodes = [Node(b, join(resolved.pointer, keyword, n), resolved.ref) for n, b in branches]
            if len(nodes) == 1:
                return self.view_for(nodes[0], names, depth + 1)
            views = [(self.view_for(b, names, depth + 1)[0], b, n) for b, (n, _) in zip(nodes, branches, strict=True)]
            if views:
                best, best_node, index = max(views, key=lambda v: (len(names & v[0].properties.keys()),
                                                                   -len(v[0].properties.keys() - names)))
                union = ObjectView(node=resolved)
                variants: dict[str, list[Node]] = {}
                for v, _, _ in views:
                    for name, prop in v.properties.items():
                        variants.setdefault(name, []).append(prop)
                for name, props in variants.items():
                    # One property, as every branch that has it writes it (nullable if one says so).
                    union.properties[name] = props[0] if len(props) == 1 else Node(
                        {"anyOf": [deref(self.spec, x).schema for x in props]}, props[0].pointer, props[0].ref)
                union.required = {n for n in union.properties if all(n in v.required for v, _, _ in views)}
                covered = len(names & best.properties.keys())
                if len(names & union.properties.keys()) > covered + 1 and covered < 0.8 * len(names):
                    return union, f" (compared with the {len(views)} {keyword} branches of " \
                                  f"{_schema_name(resolved)} merged, as the table documents their union)"
                ref = best_node.schema.get("$ref")
                name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else _schema_name(best.node or best_node)
                best.alternatives = [v for v, _, _ in views if v is not best]
                return best, f" (the {keyword} branch {index} of {len(schema[keyword])}, {name}, which the table matches)"
        view = object_view(self.spec, resolved)
        if names and not names & view.properties.keys() and len(view.properties) == 1:
            inner, note = self.view_for(next(iter(view.properties.values())), names, depth + 1)
            if names & inner.properties.keys():
                return inner, note
        return view, ""

    def query(self, op: Operation, rows: list[Field]) -> None:
        """A "Query String Params" table against the operation's query parameters."""
        params = {p.name: p for p in op.parameters if p.location == "query"}
        in_path = {p.name for p in op.parameters if p.location == "path"}
        at = join(op.where.pointer, "parameters") if op.where and op.where.pointer else ""
        tables = [{f.name for f in rows if f.section == s} for s in dict.fromkeys(f.section for f in rows)]
        # The endpoint documented twice ("delete all" with `all`, "delete some" with `id`): a row required in
        # one variant's table and absent from the other's is not required by the operation.
        variant: set[str] = set().union(*tables) - tables[0].intersection(*tables[1:]) if len(tables) > 1 else set()
        for field in rows:
            param = params.get(field.name)
            if param is None and field.name in in_path:
                continue  # a "Parameters" row for the path parameter the page's placeholder names differently
            if param is None:
                self.add("drift.field_missing_in_spec",
                         f"{op.key}: query parameter {field.name!r} is documented but the spec does not declare it",
                         op=op.key, spec=self.spec.location(at) if at else op.where, docs=field.where,
                         subject=f"query:{field.name}", field=field.name, docs_row={**_docs_row(field), "in": "query"})
                continue
            self.query_param(op, field, param, variant=field.name in variant)
        documented = {f.name for f in rows}
        for name, param in params.items():
            if name not in documented:
                self.add("drift.field_missing_in_docs",
                         f"{op.key}: query parameter {name!r} is in the spec but not in the docs table",
                         op=op.key, spec=self.param_at(param), docs=rows[0].where, subject=f"query:{name}",
                         field=name, spec_row=self.param_row(param))

    def schema_users(self, node: Node, key: str) -> list[str]:
        """The other operations whose request or response body is this component (a direct `$ref`): a property
        added to it is added for them too, which the fix list says."""
        if node.ref is not None or not node.pointer.startswith("/components/"):
            return []
        ref = "#" + node.pointer
        users = []
        for other in self.spec.operations:
            bodies = [other.request_body] if other.request_body else []
            media = [m for b in bodies for m in b.content.values()]
            media += [m for r in other.responses.values() for m in r.content.values()]
            if other.key != key and any(isinstance(m.schema, dict) and m.schema.get("$ref") == ref for m in media):
                users.append(other.key)
        return users

    def param_row(self, param: Parameter) -> dict[str, Any]:
        """What the spec says of a parameter the docs table lacks (for the fix list's proposed row)."""
        schema = param.schema if isinstance(param.schema, dict) else {}
        row = _spec_row(self.spec, param.name, Node(schema, ""), param.required)
        return {**row, "description": param.description or row["description"]}

    def param_at(self, param: Parameter) -> Location | None:
        """The line naming a parameter (`"name": "after"`), in the component a `$ref` points to if it is one."""
        if param.where is None or param.where.pointer is None:
            return param.where
        raw = jp.resolve(self.spec.data, param.where.pointer, None)
        ref = raw.get("$ref") if isinstance(raw, dict) else None
        if isinstance(ref, str) and ref.startswith("#/"):
            return self.spec.location(join(ref[1:], "name"))
        if ref is None:
            return self.spec.location(join(param.where.pointer, "name"))
        return param.where

    def query_param(self, op: Operation, field: Field, param: Parameter, *, variant: bool = False) -> None:
        where = self.param_at(param)
        subject = f"query:{field.name}"
        schema = param.schema if isinstance(param.schema, dict) else {}
        pointer = join(param.where.pointer, "schema") if param.where and param.where.pointer else ""
        spec_facts = facts(self.spec, Node(schema, pointer))
        docs_types = _types(field.json_type)
        if docs_types and spec_facts.types and not _compatible(docs_types, spec_facts.types) and not \
                _said_alternative(self.spec, Node(schema, pointer), docs_types, spec_facts.types, field.description):
            self.add("drift.type_mismatch",
                     f"{op.key}: query parameter {field.name!r} is {field.type!r} ({'/'.join(sorted(docs_types))}) in "
                     f"the docs but {'/'.join(sorted(spec_facts.types))} in the spec", op=op.key, spec=where,
                     docs=field.where, subject=subject,
                     disagreement=Disagreement(field.name, docs_value=sorted(docs_types),
                                               spec_value=sorted(spec_facts.types)))
        if field.required is not None and field.required != param.required and not (variant and field.required):
            self.add("drift.required_mismatch",
                     f"{op.key}: query parameter {field.name!r} is {'required' if field.required else 'optional'} "
                     f"in the docs but {'required' if param.required else 'optional'} in the spec",
                     op=op.key, spec=where, docs=field.where, subject=subject,
                     disagreement=Disagreement(field.name, docs_value=field.required, spec_value=param.required))

    # -- fields -----------------------------------------------------------------------
    def fields(self, op: Operation | _Target, rows: list[Field], view: ObjectView, label: str,
               alternatives: Sequence[ObjectView] = (), elsewhere: set[str] | None = None) -> None:
        label, _, note = label.partition(" (")
        outer, self.note = self.note, f"({note}" if note else self.note
        start = len(self.out)
        try:
            self._fields(op, rows, view, label, alternatives, elsewhere or set())
            if label == "request":
                self.merge_nullable(op, rows, start)
                self.merge_required_unstated(op, rows, view, start)
            self.merge_missing_in_docs(op, rows, view, label, start)
        finally:
            self.note = outer

    def take(self, start: int, found: list[Finding]) -> list[str]:
        """Remove `found` (findings after `start`) to merge them into one; the fields they were about."""
        self.out[start:] = [f for f in self.out[start:] if f not in found]
        return [str(f.details.get("field") or (f.disagreement.field if f.disagreement else "")) for f in found]

    def merge_nullable(self, op: Operation | _Target, rows: list[Field], start: int) -> None:
        """Request fields the spec makes nullable and the page's `?type` notation does not: one finding per table,
        naming them all — one convention (discord-api-spec lets null stand for "leave unchanged"), not N drifts."""
        unmarked = {f.name: f for f in rows if "no-?type" in f.notes}
        found = [f for f in self.out[start:] if f.check == "drift.nullable_mismatch" and f.disagreement
                 and f.disagreement.docs_value is False and f.disagreement.field in unmarked]
        if len(found) < 2:
            return
        names = self.take(start, found)
        self.add("drift.nullable_mismatch",
                 f"{op.key}: {len(names)} request fields are nullable in the spec but not marked `?type` "
                 f"(nullable) in the docs: {', '.join(names)}", op=op.key, spec=found[0].spec, docs=found[0].docs,
                 subject="request:*:nullable", fields=names)

    def merge_required_unstated(self, op: Operation | _Target, rows: list[Field], view: ObjectView,
                                start: int) -> None:
        """A request schema with no `required` list at all, against a table that requires several rows: one cause
        (the spec never says what is required), one finding naming the rows — not one per row."""
        if view.required:
            return
        found = [f for f in self.out[start:] if f.check == "drift.required_mismatch" and f.disagreement
                 and f.disagreement.docs_value is True]
        if len(found) < 2:
            return
        names = self.take(start, found)
        self.add("drift.required_mismatch",
                 f"{op.key}: the docs require {len(names)} request fields ({', '.join(names)}) but the spec's request "
                 "schema has no `required` list, so it makes every field optional", op=op.key,
                 spec=view.node.location(self.spec) if view.node else found[0].spec, docs=found[0].docs,
                 subject="request:*:required", fields=names)

    def merge_missing_in_docs(self, op: Operation | _Target, rows: list[Field], view: ObjectView, label: str,
                              start: int) -> None:
        """Most of a spec schema left out of a docs table: one finding at that table naming the properties — one
        cause (the table is a stub, or the spec reuses a schema that is not this operation's), not one per property.
        """
        found = [f for f in self.out[start:] if f.check == "drift.field_missing_in_docs"]
        matched = len({f.name for f in rows} & view.properties.keys())
        if len(found) < 2 or len(found) < matched:
            return  # a few rows left out of a table that has most of the schema: each its own omission
        names = self.take(start, found)
        self.add("drift.field_missing_in_docs",
                 f"{op.key}: {len(names)} {label} fields are in the spec but not in the docs table: {', '.join(names)}",
                 op=op.key, spec=found[0].spec, docs=rows[0].where, subject=f"{label}:*:missing", fields=names)

    def _fields(self, op: Operation | _Target, rows: list[Field], view: ObjectView, label: str,
                alternatives: Sequence[ObjectView], elsewhere: set[str]) -> None:
        documented = {f.name for f in rows} | elsewhere
        for field in rows:
            node = view.properties.get(field.name)
            if node is None and any(_has(alt, field.name) for alt in alternatives):
                continue  # a form part (`files[n]`, `payload_json`) of the multipart body
            if node is None:
                users = self.schema_users(view.node, op.key) if view.node else []
                shared: dict[str, Any] = {"shared_with": users} if users else {}
                self.add("drift.field_missing_in_spec",
                         f"{op.key}: {label} field {field.name!r} is documented but not in the spec schema",
                         op=op.key, spec=view.node.location(self.spec) if view.node else op.where,
                         docs=field.where, subject=f"{label}:{field.name}", field=field.name,
                         docs_row=_docs_row(field), **shared)
                continue
            hidden = self.hidden(node, label)
            if hidden:
                self.add("drift.field_missing_in_spec",
                         f"{op.key}: {label} field {field.name!r} is documented but the spec marks it {hidden} "
                         f"({'never sent' if hidden == 'readOnly' else 'never returned'})",
                         op=op.key, spec=self.spec.location(join(deref(self.spec, node).pointer, hidden),
                                                            deref(self.spec, node).ref),
                         docs=field.where, subject=f"{label}:{field.name}", field=field.name, keyword=hidden)
                continue
            before = len(self.out)
            self.field(op, field, node, field.name in view.required, label)
            if view.alternatives:
                self.out[before:] = [f for f in self.out[before:] if not self.allowed_by_a_sibling(f, view, field)]
        for name, node in view.properties.items():
            if name not in documented and not self.hidden(node, label):
                self.add("drift.field_missing_in_docs",
                         f"{op.key}: {label} field {name!r} is in the spec but not in the docs table",
                         op=op.key, spec=node.location(self.spec), docs=rows[0].where,
                         subject=f"{label}:{name}", field=name,
                         spec_row=_spec_row(self.spec, name, node, name in view.required))

    def hidden(self, node: Node, label: str) -> str | None:
        """`readOnly` when comparing a request, `writeOnly` when comparing a response, if the property says so:
        the spec keeps it off that side (OpenAPI 3: readOnly is "sent in responses only", writeOnly "in requests
        only")."""
        keyword = "readOnly" if label.startswith("request") or label.endswith("(as sent)") else "writeOnly"
        return keyword if deref(self.spec, node).schema.get(keyword) is True else None

    def allowed_by_a_sibling(self, finding: Finding, view: ObjectView, field: Field) -> bool:
        """A table that matches one branch may still say "nullable"/"optional" for a row because another branch
        allows it (Discord's "Modify Guild Scheduled Event" documents every entity type at once)."""
        d = finding.disagreement
        name = field.name
        if d is not None and finding.check == "drift.nullable_mismatch" and d.docs_value is True:
            return any(name in v.properties and facts(self.spec, v.properties[name]).nullable
                       for v in view.alternatives)
        if d is not None and finding.check == "drift.required_mismatch" and d.docs_value is False:
            return any(name not in v.required for v in view.alternatives)
        return False

    def field(self, op: Operation | _Target, field: Field, node: Node, required: bool, label: str) -> None:
        spec_facts = facts(self.spec, node)
        where = node.location(self.spec)
        subject = f"{label}:{field.name}"
        # Where in a request body the field lives, for probes and generated cases (see compare.probes).
        location = "/" + jp.escape(field.name) if label == "request" else None
        docs_types = _types(self.linked_type(field) or field.json_type)
        if docs_types and spec_facts.types and not _compatible(docs_types, spec_facts.types) and not \
                _said_alternative(self.spec, node, docs_types, spec_facts.types, field.description):
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
        self.enum_field(op, field, node, spec_facts.enum, label)
        for c in field.constraints:
            self.constraint(op, field, node, c, label)
        if not (docs_types and spec_facts.types and not _compatible(docs_types, spec_facts.types)):
            self.meaning(op, field, node, label, location)

    def meaning(self, op: Operation | _Target, field: Field, node: Node, label: str, location: str | None) -> None:
        """What the docs row says the value *is* (`contract.semantics`) against the spec's description and
        format: "milliseconds since the epoch" against "seconds since the epoch", alpha-2 against alpha-3. A
        meaning only the docs state, on a request field whose schema leaves it open, is a limit the spec does
        not enforce (generation and the probes honour it)."""
        docs = {s.family: s for s in semantics(f"{field.type}. {field.description}")}
        if not docs:
            return
        target = deref(self.spec, node)
        spec = {s.family: s for s in _spec_meanings(target.schema)}
        subject = f"{label}:{field.name}"
        for family, said in docs.items():
            other = spec.get(family)
            if other is not None and (other.name != said.name or (other.case and said.case and
                                                                  other.case != said.case)):
                self.add("drift.semantic_mismatch",
                         f"{op.key}: {label} field {field.name!r} is {said.says()} in the docs but "
                         f"{other.says()} in the spec — docs: “{said.text}”; spec: “{other.text}”",
                         op=op.key, spec=target.location(self.spec), docs=field.where,
                         subject=f"{subject}:meaning:{family}",
                         disagreement=Disagreement(field.name, docs_value=said.name, spec_value=other.name))
        if label != "request" or location is None or set(spec) & set(docs):
            return
        for keyword, value, text in open_meanings(target.schema, f"{field.type}. {field.description}",
                                                  self.spec.resolve_ref,
                                                  ref_siblings=self.spec.version.startswith("3.1")):
            self.add("drift.limit_missing_in_spec",
                     f"{op.key}: the docs describe {label} field {field.name!r} as "
                     f"{next(s.says() for s in docs.values() if s.text == text)} ({keyword} {value}) but the spec "
                     f"schema does not constrain it — “{text}”", op=op.key, spec=target.location(self.spec),
                     docs=field.where, subject=f"{subject}:meaning:{keyword}",
                     disagreement=Disagreement(field.name, keyword, docs_value=value, location=location))

    def extensions(self, group: _Group) -> set[str]:
        """Rows of the structures that extend this one ("Invite Metadata … will extend the invite object")."""
        out: set[str] = set()
        for page in self.pages:
            for obj in page.objects:
                for href in obj.extends:
                    target = self.index.resolve(href, obj.where.file)
                    if target is group.obj:
                        out |= {f.name for f in page.object_fields(obj)}
        return out

    def enum_field(self, op: Operation | _Target, field: Field, node: Node, spec_enum: list[Any] | None,
                   label: str) -> None:
        """A field linking to an enum table (`premium_type` → "Premium Types") against the spec's enum."""
        if spec_enum is None:
            return
        links = ([field.ref] if field.ref else []) + [href for _, href in field.links]
        enum = next((t for t in (self.index.resolve(h, field.where.file) for h in links) if isinstance(t, DocsEnum)),
                    None)
        if enum is None or not enum.values:
            return
        self.compared.add(enum.key)
        docs_values = [v.value for v in enum.values]
        if {repr(v) for v in docs_values} == {repr(v) for v in spec_enum}:
            return
        target = deref(self.spec, node)
        key = (enum.key, target.ref or "", target.pointer)
        if key in self.seen_enums:
            return
        self.seen_enums.add(key)
        only_docs = [v for v in docs_values if repr(v) not in {repr(x) for x in spec_enum}]
        only_spec = [v for v in spec_enum if repr(v) not in {repr(x) for x in docs_values}]
        if not only_spec and not re.fullmatch(r"/components/schemas/[^/]+", target.pointer or ""):
            return  # an inline subset (a thread's `type` is 10, 11 or 12 of "Channel Types"): a variant, not drift
        parts = [f"only the docs list {only_docs}" if only_docs else "", f"only the spec lists {only_spec}" if only_spec
                 else ""]
        self.add("drift.enum_mismatch",
                 f"{op.key}: {label} field {field.name!r} takes the values of “{enum.name}” (line {enum.line}) but "
                 f"the spec's {_schema_name(target)} differs: {'; '.join(p for p in parts if p)}",
                 op=op.key, spec=target.location(self.spec), docs=enum.where, subject=f"enum:{enum.key}",
                 disagreement=Disagreement(field.name, docs_value=docs_values, spec_value=spec_enum),
                 field=field.name)

    def linked_type(self, field: Field) -> str | None:
        """The type a bare link stands for: an enum of integers or strings, or an object structure."""
        if field.ref is None or field.json_type == "array":
            return None
        target = self.index.resolve(field.ref, field.where.file)
        if isinstance(target, DocsEnum):  # "[recurrence rule - frequency](#…) object": the values say the type
            kinds = {json_type(v.value) for v in target.values}
            return next(iter(kinds)) if len(kinds) == 1 else None
        return "object" if isinstance(target, DocsObject) and field.json_type is None else None

    def constraint(self, op: Operation | _Target, field: Field, node: Node, c: Any, label: str) -> None:
        entry = "key" if c.subject == "key" else "value"
        if c.subject in ("key", "value-of-entry"):
            target = entry_node(self.spec, node, entry)
            part = f"{field.name} {'keys' if c.subject == 'key' else 'values'}"
        elif c.subject in ("value", "items") or c.keyword == "converts":
            target, part = node, field.name
        else:
            return
        if target is None or not self.limit_fits(field, target, c.keyword):
            return
        location = _entry_location(self.spec, node, field.name, entry if c.subject in ("key", "value-of-entry")
                                   else None) if label == "request" else None
        if c.keyword == "converts":
            self.conversion(op, field, node, c, label, location)
            return
        subject = f"{label}:{field.name}:{c.subject}:{c.keyword}"
        if c.keyword == "const" and c.subject == "value":
            spec_enum = facts(self.spec, target).enum
            if spec_enum is not None and repr(c.value) not in {repr(v) for v in spec_enum}:
                self.add("drift.enum_mismatch",
                         f"{op.key}: {label} {part} is “{c.text.strip()}” in the docs but the spec allows only "
                         f"{spec_enum}", op=op.key, spec=target.location(self.spec), docs=field.where,
                         subject=subject, disagreement=Disagreement(field.name, docs_value=[c.value],
                                                                    spec_value=spec_enum, location=location))
        elif c.keyword == "enum":
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

    def limit_fits(self, field: Field, node: Node, keyword: str) -> bool:
        """Whether a limit read from prose can apply to the field at all: "up to 50 channels" said of an id is
        not its maxItems, "up to 6000 characters" said of an array of embeds is not its maxLength."""
        docs = _types(field.json_type)
        spec = facts(self.spec, node).types
        if keyword in ("maxItems", "minItems"):
            return not (docs and docs <= {"string", "integer", "number", "boolean"} and "array" not in spec)
        if keyword in ("maxLength", "minLength"):
            return not (docs == {"array"} and "string" not in spec)
        return True

    def conversion(self, op: Operation | _Target, field: Field, node: Node, c: Any, label: str,
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

    # -- object structures ------------------------------------------------------------
    def objects(self) -> None:
        """Each object structure against the schema of the responses that return it, once per schema.

        "Returns a [user](#user-object) object" on N endpoints is one comparison of the User structure with
        each distinct response schema; a disagreement is one finding naming all N operations. A structure
        documents every variant at once ("User" covers the PII fields of `/users/@me`), so a row is missing
        in the spec only when no compared schema has it. Fields linking to another structure compare that
        structure with the property's schema, too.
        """
        groups: dict[tuple[str, str, str], _Group] = {}
        queue: list[_Group] = []
        for page, endpoint, op in self.returns:
            node = self.success_node(op)
            if node is None:
                continue
            for href in endpoint.returns[:1]:
                hit = self.index.find(href, page.file)
                if hit is None or not isinstance(hit[1], DocsObject):
                    continue
                self.group(groups, queue, hit[0], hit[1], node, [op.key], partial=href in endpoint.partial)
        while queue:
            group = queue.pop(0)
            self.nested(groups, queue, group)
        by_object: dict[str, list[_Group]] = {}
        for group in groups.values():
            by_object.setdefault(group.obj.key, []).append(group)
        for object_groups in by_object.values():
            self.compare_object(object_groups)

    def group(self, groups: dict[tuple[str, str, str], _Group], queue: list[_Group], page: DocsPage,
              obj: DocsObject, node: Node, ops: list[str], via: str = "", *, partial: bool = False) -> None:
        names = {f.name for f in page.object_fields(obj)}
        if not names:
            return
        view, note = self.view_for(node, names)
        if view.node is None or not names & view.properties.keys():
            return
        key = (obj.key, view.node.ref or "", view.node.pointer + note)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(page, obj, Node(view.node.schema, view.node.pointer, view.node.ref), note,
                                         via=via, view=view)
            queue.append(group)
        group.ops += [o for o in ops if o not in group.ops]
        group.partial = group.partial and partial

    def nested(self, groups: dict[tuple[str, str, str], _Group], queue: list[_Group], group: _Group) -> None:
        view = group.view or object_view(self.spec, group.node)
        for field in group.page.object_fields(group.obj):
            if field.ref is None:
                continue
            hit = self.index.find(field.ref, field.where.file)
            if hit is None or not isinstance(hit[1], DocsObject) or hit[1].key == group.obj.key:
                continue
            # The property in the chosen branch and in its siblings: each is a variant of the linked structure.
            for variant in (view, *view.alternatives):
                if field.name in variant.properties:
                    self.group(groups, queue, hit[0], hit[1], variant.properties[field.name], group.ops,
                               via=f"{group.obj.name}.{field.name}", partial="partial-prefix" in field.notes)

    def compare_object(self, groups: list[_Group]) -> None:
        first = groups[0]
        self.compared.add(first.obj.key)
        every = first.page.object_fields(first.obj)
        # A row the page says is only sent ("when sending, …") is not compared with what responses return.
        rows = [f for f in every if f.side != "request"]
        views = [(g, g.view or self.view_for(g.node, {f.name for f in rows})[0]) for g in groups]
        sent = self.sent_views(first.obj, every)
        # The structure documents all variants at once (every schema returned as it, every oneOf branch, and
        # the request schemas it is sent as): it may say "nullable"/"optional", or have a row, because one
        # variant does; drift only if none does.
        variants = [x for _, v in views for x in (v, *v.alternatives)]
        known = {name for v in (*variants, *(v for v, _ in sent)) for name in v.properties}
        nullable_any = {f.name: any(f.name in v.properties and facts(self.spec, v.properties[f.name]).nullable
                                    for v in variants) for f in rows}
        optional_any = {f.name: any(f.name not in v.required for v in variants) for f in rows}
        by_name = {f.name: f for f in rows}
        merged: dict[tuple[Any, ...], tuple[Finding, list[str], list[str]]] = {}
        for group, view in views:
            scratch, self.out = self.out, []
            try:
                label = f"{group.obj.name} object"
                self.fields(_Target(_OPS, view.node.location(self.spec) if view.node else None),
                            rows, view, label + group.note,
                            elsewhere=self.extensions(first) | {f.name for f in every if f.side == "request"})
                found = self.out
            finally:
                self.out = scratch
            schema = _schema_name(view.node) if view.node else "the schema"
            for finding in found:
                name = finding.details.get("field")
                if finding.check == "drift.field_missing_in_spec" and name in known:
                    continue  # another schema of the same structure has it: a variant, not drift
                if group.partial and finding.check in _NOT_FOR_PARTIAL:
                    continue  # "a partial [guild](#guild-object) object": fields may be left out or absent
                d = finding.disagreement
                if d is not None and d.docs_value is True and finding.check == "drift.nullable_mismatch" \
                        and nullable_any.get(str(name or d.field)):
                    continue
                if d is not None and d.docs_value is False and finding.check == "drift.required_mismatch" \
                        and optional_any.get(str(name or d.field)):
                    continue
                row = by_name.get(str(name or (d.field if d else "")))
                if row is not None and row.presence and _explained_by_presence(finding) and finding.severity != Severity.INFO:
                    # the page limits where the row appears (another object, an endpoint, events): what the
                    # operations returning this object show need not have it — said, not counted as drift
                    finding.severity = Severity.INFO
                    finding.message += f" (the docs limit where it appears: “{row.presence}”)"
                    finding.details["docs_presence"] = row.presence
                key = (finding.check, finding.subject, repr(d.docs_value) if d else None,
                       repr(d.spec_value) if d else None)
                if key not in merged:
                    merged[key] = (finding, [], [])
                ops, schemas = merged[key][1], merged[key][2]
                ops += [o for o in group.ops if o not in ops]
                if schema not in schemas:
                    schemas.append(schema)
        for finding, ops, schemas in merged.values():
            where = f"{', '.join(schemas)}; returned by {_list(ops)}"
            via = next((g.via for g in groups if g.via), "")
            if via and all(g.via for g in groups):
                where += f" (as {via})"
            finding.message = finding.message.replace(f"{_OPS}: ", "", 1) + f" [{where}]"
            finding.operation = ops[0]
            finding.subject = f"{first.obj.key}:{finding.subject}"
            finding.details["operations"] = ops
            finding.details["schemas"] = schemas
            self.out.append(finding)
        self.compare_sent(first, [f for f in every if f.side == "request"], sent)

    def sent_views(self, obj: DocsObject, rows: list[Field]) -> list[tuple[ObjectView, list[str]]]:
        """The request-side schemas a structure is sent as (see `sent_structures`), each once, with the
        operations sending it."""
        out: dict[str, tuple[ObjectView, list[str]]] = {}
        for node, op in self.sent.get(obj.key, []):
            view, _ = self.view_for(node, {f.name for f in rows})
            key = f"{view.node.ref if view.node else ''}#{view.node.pointer if view.node else ''}"
            entry = out.setdefault(key, (view, []))
            if op not in entry[1]:
                entry[1].append(op)
        return list(out.values())

    def compare_sent(self, first: _Group, rows: list[Field], sent: list[tuple[ObjectView, list[str]]]) -> None:
        """Rows the page says are only sent, against the request schemas the structure is sent as. Not
        compared (no finding either way) when no request table of the given pages sends the structure."""
        for field in rows:
            having = [(v, ops) for v, ops in sent if field.name in v.properties]
            label = f"{first.obj.name} object"
            if having:
                view, ops = having[0]
                where = f" [{_schema_name(view.node) if view.node else 'the request schema'}; sent by {_list(ops)}]"
                start = len(self.out)
                self.field(_Target(ops[0], None), field, view.properties[field.name],
                           field.name in view.required, label + " (as sent)")
                for finding in self.out[start:]:
                    finding.message = finding.message.replace(f"{ops[0]}: ", "", 1) + where
                    finding.operation, finding.subject = ops[0], f"{first.obj.key}:{finding.subject}"
                    finding.details["operations"] = ops
            elif sent:
                view, ops = sent[0]
                schema = _schema_name(view.node) if view.node else "the request schema"
                self.add("drift.field_missing_in_spec",
                         f"{label} field {field.name!r} is documented for requests (“{field.side_text}”) but "
                         f"{schema}, which {_list(ops)} send{'s' if len(ops) == 1 else ''}, does not have it",
                         op=ops[0], spec=view.node.location(self.spec) if view.node else None, docs=field.where,
                         subject=f"{first.obj.key}:{label} (as sent):{field.name}", field=field.name,
                         operations=[o for _, os in sent for o in os])

    def fixed_values(self, page: DocsPage, endpoint: Endpoint, op: Operation, rows: list[Field]) -> None:
        """A response field the docs fix ("error_code | String | Always not_authenticated", "status_code | Always
        404") against the page's own example of that status and the spec's example for it. Adapty's error
        tables state the error code and status of each error so; the value is what client code branches on."""
        for field in rows:
            fixed = next((c for c in field.constraints if c.keyword == "const"), None)
            if fixed is None:
                continue
            said = f"“{fixed.text.strip().rstrip('. ').strip()}”"
            for example in page.examples:
                if example.endpoint != endpoint.key or example.kind != "response" or example.status != field.status \
                        or not isinstance(example.body, dict) or field.name not in example.body:
                    continue
                if field.name == "status_code" and fixed.value == example.status:
                    continue  # the page anomaly `example.status_mismatch` says it (one cause, one finding)
                value = example.body[field.name]
                if value != fixed.value:
                    self.add("drift.example_contradicts_docs",
                             f"{op.key}: the {field.status} example gives {field.name!r} as {value!r} but the docs "
                             f"table (line {field.line}) says {said}", op=op.key, spec=None,
                             docs=_line_of(example, "/" + field.name),
                             subject=f"response {field.status}:{example.language}:{field.name}:const", field=field.name,
                             table_line=field.line, docs_value=fixed.value, example_value=value)
            response = _response_for(op, field.status or 0)
            media = _json_media(response.content) if response else None
            if media is None or not media.has_example or not isinstance(media.example, dict) \
                    or field.name not in media.example or media.example[field.name] == fixed.value:
                continue
            where = media.where
            self.add("drift.fixed_value_mismatch",
                     f"{op.key}: response {field.status} field {field.name!r} is {said} in the docs but the spec's "
                     f"example for {response.status if response else field.status} gives "
                     f"{media.example[field.name]!r}", op=op.key,
                     spec=self.spec.location(join(where.pointer, "example", field.name)) if where and where.pointer
                     else op.where, docs=field.where, subject=f"response {field.status}:{field.name}:const",
                     field=field.name, disagreement=Disagreement(field.name, "const", docs_value=fixed.value,
                                                                 spec_value=media.example[field.name]))

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
                         docs=status.where, subject=f"status:{status.code}", status=status.code,
                         description=status.title or status.description or None)
        if not documented:
            return
        codes = {str(s.code) for s in documented}
        for code, response in op.responses.items():
            covered = code in codes or any(c[0] == code[0] for c in codes if code[1:].upper() == "XX")
            if not covered and code != "default":
                self.add("drift.status_missing_in_docs",
                         f"{op.key}: status {code} ({response.description or 'no description'}) is in the spec "
                         "but the docs do not mention it", op=op.key, spec=response.where,
                         docs=documented[0].where, subject=f"status:{code}", status=code,
                         description=response.description or None)

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
                         disagreement=Disagreement(header=header.name),
                         docs_row={"name": header.name, "type": header.json_type or None, "format": None,
                                   "required": None, "nullable": None, "description": header.description or None})

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
        if isinstance(example.body, str) and not _claims_json(example.headers):
            return  # a form or text body (curl's `-d a=b`): the JSON schema says nothing about it
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

    def error_schemas(self, ops: Sequence[Operation]) -> list[tuple[str, Node, CompiledSchema, list[str], list[str]]]:
        """The distinct JSON schemas of the operations' error responses (4xx, 5xx, default), most used first:
        (name, schema, compiled, operations, status codes)."""
        found: dict[str, tuple[str, Node, CompiledSchema, list[str], list[str]]] = {}
        for op in ops:
            for code, response in op.responses.items():
                if not (code[:1] in "45" or code == "default"):
                    continue
                media = _json_media(response.content)
                if media is None or not isinstance(media.schema, dict):
                    continue
                pointer = join(media.where.pointer, "schema") if media.where and media.where.pointer else ""
                ref = media.schema.get("$ref")
                key = ref if isinstance(ref, str) else pointer
                if key not in found:
                    node = deref(self.spec, Node(media.schema, pointer))
                    compiled = CompiledSchema(self.spec.json_schema(media.schema, "response"))
                    found[key] = (_schema_name(node), node, compiled, [], [])
                users, codes = found[key][3], found[key][4]
                if op.key not in users:
                    users.append(op.key)
                if code not in codes:
                    codes.append(code)
        return sorted(found.values(), key=lambda e: -len(e[3]))

    def error_example(self, example: Example, op: str | None,
                      schemas: list[tuple[str, Node, CompiledSchema, list[str], list[str]]]) -> None:
        """An error body the docs show without a status ("Example Error Response", the examples under "## Error
        Messages") against the spec's error responses: fine if one of them accepts it, else one finding with
        the root cause against the most used one (Discord documents its error format once, in reference.mdx)."""
        if not example.ok or not example.has_body or not schemas \
                or any(compiled.is_valid(example.body) for _, _, compiled, _, _ in schemas):
            return
        keys = set(example.body) if isinstance(example.body, dict) else set()

        def fit(entry: tuple[str, Node, CompiledSchema, list[str], list[str]]) -> tuple[int, bool, int]:
            # the schema the body is meant to be: most of its keys, a status range (4XX) over one status (429)
            props = object_view(self.spec, entry[1]).properties
            return len(keys & props.keys()), any(c[1:].upper() == "XX" or c == "default" for c in entry[4]), \
                len(entry[3])

        name, node, compiled, users, codes = max(schemas, key=fit)
        v = compiled.root_cause(example.body)
        if v is None:
            return
        usage = f"the {'/'.join(sorted(codes))} response of {len(users)} operation{'s' if len(users) != 1 else ''}"
        where = [k for k in jp.split(v.pointer) if not k.isdigit()]
        self.add("drift.example_violates_spec",
                 f"{op + ': ' if op else ''}the error example (line {example.line}) breaks the spec's error schema "
                 f"{name} ({usage}) at {v.pointer or '/'}: {v.message}", op=op, spec=node.location(self.spec),
                 docs=_line_of(example, v.pointer), subject=f"error:{example.where.file}:{example.line}:{v.pointer}",
                 pointer=v.pointer, keyword=v.keyword, schema=name, usage=usage, reason=v.message,
                 cause=f"error-schema:{name}:{v.keyword}:{where[-1] if where else ''}")

    def word_error_causes(self) -> None:
        """Error examples that break the error schema the same way (the same keyword at the same key) are one
        finding: say it once, with every example's line."""
        groups: dict[str, list[Finding]] = {}
        for f in self.out:
            cause = f.details.get("cause")
            if f.check == "drift.example_violates_spec" and isinstance(cause, str) and cause.startswith("error-schema:"):
                groups.setdefault(cause, []).append(f)
        for members in groups.values():
            if len(members) < 2:
                continue
            first = members[0].details
            where = ", ".join(f"{f.docs.file.replace(chr(92), '/').rsplit('/', 1)[-1]}:{f.docs.line}"
                              for f in members if f.docs)
            for f in members:
                f.details["cause_message"] = (
                    f"{len(members)} error examples break the spec's error schema {first['schema']} "
                    f"({first['usage']}) the same way, {first['keyword']} at {first['pointer'] or '/'}: "
                    f"{first['reason']} ({where})")

    def examples_agree(self, op: Operation, examples: list[Example]) -> None:
        """Tabs of one request (curl / Python / JavaScript) must send the same request."""
        if len(examples) < 2:
            return
        first = examples[0]
        for other in examples[1:]:
            if other.language == first.language:
                continue  # two curl examples are two scenarios (filters, modes), not two tabs of one request
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


def _claims_json(headers: dict[str, str]) -> bool:
    return any(k.lower() == "content-type" and "json" in v.lower() for k, v in headers.items())


def _has(view: ObjectView, name: str) -> bool:
    """Whether a view has the property; `files[n]` stands for `files[0]`, `files[1]`, ..."""
    if name in view.properties:
        return True
    if "[n]" in name:
        pattern = re.compile(re.escape(name).replace(r"\[n\]", r"\[\d+\]") + "$")
        return any(pattern.match(p) for p in view.properties)
    return False


class _Index:
    """Object structures and enums of all pages, found by the links that point at them."""

    def __init__(self, pages: Sequence[DocsPage]) -> None:
        self.by_page: dict[tuple[str, str], tuple[DocsPage, DocsObject | DocsEnum]] = {}
        self.by_anchor: dict[str, list[tuple[DocsPage, DocsObject | DocsEnum]]] = {}
        self.page_of: dict[str, str] = {}
        for page in pages:
            stem = _stem(page.file)
            self.page_of[page.file] = stem
            items: list[DocsObject | DocsEnum] = [*page.objects, *page.enums]
            for item in items:
                for anchor in item.anchors:
                    self.by_page.setdefault((stem, anchor.lower()), (page, item))
                    self.by_anchor.setdefault(anchor.lower(), []).append((page, item))

    def find(self, href: str, file: str | None) -> tuple[DocsPage, DocsObject | DocsEnum] | None:
        page, anchor = anchor_of(href)
        if not anchor:
            return None
        if not page or href.startswith("#"):
            page = self.page_of.get(file or "", "")
        hit = self.by_page.get((page, anchor))
        if hit is not None:
            return hit
        others = self.by_anchor.get(anchor, [])
        return others[0] if len(others) == 1 and not page else None

    def resolve(self, href: str, file: str | None) -> DocsObject | DocsEnum | None:
        hit = self.find(href, file)
        return hit[1] if hit else None


def _stem(file: str) -> str:
    name = file.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"\.[A-Za-z0-9]+$", "", name).lower()


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


@dataclass(slots=True)
class DriftRun:
    """What drift found, and which of the pages' structures and enum tables it compared with the spec."""

    findings: list[Finding]
    compared: set[str]


def compare(spec: Spec, pages: Sequence[DocsPage]) -> list[Finding]:
    """All drift between a spec and its docs pages."""
    return compare_run(spec, pages).findings


def compare_run(spec: Spec, pages: Sequence[DocsPage]) -> DriftRun:
    """All drift between a spec and its docs pages, with what was compared (for the per-page coverage)."""
    comparer = _Comparer(spec)
    comparer.index = _Index(pages)
    comparer.pages = pages
    documented: dict[str, str] = {}  # operation key → the first page documenting it
    for page in pages:
        comparer.page(page, documented)
    comparer.objects()
    shared_errors = comparer.error_schemas(spec.operations)
    for page in pages:
        for example in page.examples:
            if example.endpoint is None and example.kind == "response" and example.section == "error":
                comparer.error_example(example, None, shared_errors)
    comparer.word_error_causes()
    comparer.out += missing_in_docs(spec, pages, documented)
    for finding in comparer.out:
        finding.spec = _with_line(spec, finding.spec)
    found = _fold_repeats(comparer.out)
    _shared_include_causes(found, pages)
    _shared_schema_causes(found)
    return DriftRun(found, comparer.compared)


def _fold_repeats(found: list[Finding]) -> list[Finding]:
    """One cause, one finding, where the stage folds itself: examples (`_fold_examples`). Causes that span
    operations or tables are marked (`_shared_schema_causes`) and merged where every report is built
    (:mod:`contract.core.grouping`), the one mechanism for every stage."""
    return _fold_examples(found)


def _fold_examples(found: list[Finding]) -> list[Finding]:
    """An example that breaks the spec at the same place as another example of the same operation, or only by the
    type of a field the table already disagrees with the spec on (the spec's type is the one in question), is
    listed under that finding (`details["examples"]`: their lines), not reported again."""
    by_field = {(f.operation, f.disagreement.field): f for f in found
                if f.check == "drift.type_mismatch" and f.disagreement and f.disagreement.field}
    first: dict[tuple[str | None, str, Any], Finding] = {}
    out: list[Finding] = []
    for f in found:
        host: Finding | None = None
        if f.check == "drift.example_violates_spec":
            pointer = str(f.details.get("pointer") or "")
            if f.details.get("keyword") == "type" and pointer.count("/") == 1:
                host = by_field.get((f.operation, jp.split(pointer)[0]))
            key = (f.operation, pointer, f.details.get("keyword"))
            host = host or first.get(key)
            first.setdefault(key, f)
        if host is None or host is f:
            out.append(f)
        elif f.docs is not None and f.docs.line is not None:
            host.details.setdefault("examples", []).append(f.docs.line)
    return out


# What the schema lacks or types otherwise is the same cause whichever side of the exchange a table documents.
def _explained_by_presence(finding: Finding) -> bool:
    """Findings a row's limited presence explains: the row missing from the schema, or optional in the docs
    where the schema requires it (absent in the events or objects the docs name, present in these answers)."""
    d = finding.disagreement
    return finding.check == "drift.field_missing_in_spec" or (
        finding.check == "drift.required_mismatch" and d is not None and d.docs_value is False)


_SIDE_FREE = ("drift.field_missing_in_spec", "drift.type_mismatch")


_FIELD_CHECKS = {"drift.field_missing_in_docs", "drift.type_mismatch", "drift.format_mismatch",
                 "drift.required_mismatch", "drift.nullable_mismatch", "drift.enum_mismatch", "drift.limit_mismatch",
                 "drift.limit_missing_in_spec"}


def _shared_include_causes(findings: list[Finding], pages: Sequence[DocsPage]) -> None:
    """A row of an included file (a Mintlify snippet, an MDX component) that several pages include and that
    disagrees the same way for each of their operations: one cause (``details["cause"]``), worded once with every
    page that includes it — the snippet is the one place to edit."""
    page_files = {p.file for p in pages}
    includers: dict[tuple[str, int | None], list[str]] = {}
    for page in pages:
        for field in page.fields:
            if field.where.file not in page_files:
                at = includers.setdefault((field.where.file, field.where.line), [])
                if page.file not in at:
                    at.append(page.file)
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for f in findings:
        if f.docs is None or f.docs.file in page_files or "cause" in f.details or not f.operation:
            continue
        if (f.docs.file, f.docs.line) not in includers:
            continue
        d = f.disagreement
        key = (f.check, f.docs.file, f.docs.line, (f.subject or "").split(":", 1)[-1],
               repr(d.docs_value) if d else None, repr(d.spec_value) if d else None)
        groups.setdefault(key, []).append(f)
    for key, members in groups.items():
        operations = list(dict.fromkeys(str(f.operation) for f in members))
        if len(operations) < 2:
            continue
        first = members[0]
        said = first.message.split(": ", 1)[1] if first.message.startswith(str(first.operation)) else first.message
        shown = ["/".join(p.replace("\\", "/").split("/")[-2:]) for p in includers[(key[1], key[2])]]
        where = f"{_stem(key[1])}.{key[1].rsplit('.', 1)[-1]}:{key[2]}"
        for f in members:
            f.details["cause"] = f"include:{key[0]}:{key[1]}:{key[2]}:{key[3]}:{key[4]}:{key[5]}"
            f.details["cause_message"] = (f"{where}, included by {len(shown)} pages ({', '.join(shown)}): {said} — "
                                          f"for {len(operations)} operations ({_list(operations)})")
            f.details["pages"] = includers[(key[1], key[2])]


def _shared_schema_causes(findings: list[Finding]) -> None:
    """One spec schema and several docs tables (on one page or several, for one operation or many) that each
    say the same about one of its properties: one cause (``details["cause"]``), worded once with every table's
    line — Discord repeats a "Response Body" table for each of the four thread-listing endpoints, all returning
    ThreadsResponse; listmonk documents `list_ids` for three operations whose one SubscriberQueryRequest lacks
    it. A property of a component schema, or (for a field the schema lacks or types otherwise) any schema
    several tables point at; the examples each member lists are every member's."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for f in findings:
        pointer = f.spec.pointer if f.spec else None
        if f.check not in _FIELD_CHECKS and f.check not in _SIDE_FREE:
            continue
        if not f.operation or not pointer or "cause" in f.details or f.docs is None or ":*" in (f.subject or ""):
            continue  # a table's merged nullable finding (`request:*:nullable`) names its own rows
        d = f.disagreement
        values = (repr(d.docs_value) if d else None, repr(d.spec_value) if d else None)
        if f.check in _SIDE_FREE:
            name = f.details.get("field") or (d.field if d else None)
            if not name:
                continue
            key: tuple[Any, ...] = (f.check, f.spec.file if f.spec else "", pointer, str(name), *values)
        elif pointer.startswith("/components/"):
            key = (f.check, f.spec.file if f.spec else "", pointer, (f.subject or "").split(":", 1)[0], *values)
        else:
            continue
        groups.setdefault(key, []).append(f)
    for key, members in groups.items():
        operations = list(dict.fromkeys(str(f.operation) for f in members))
        places = {(f.docs.file, f.docs.line) for f in members if f.docs}
        if len(operations) < 2 and (key[0] not in _SIDE_FREE or len(places) < 2):
            continue
        first = members[0]
        said = first.message.split(": ", 1)[1] if first.operation and first.message.startswith(first.operation) \
            else first.message
        tables = ", ".join(f"{_stem(f.docs.file)}.{f.docs.file.rsplit('.', 1)[-1]}:{f.docs.line}"
                           for f in members if f.docs)
        schema = jp.unescape(key[2].split("/")[3]) if key[2].startswith("/components/schemas/") else key[2]
        who = (f"{len(operations)} operations returning or sending {schema} ({_list(operations)})"
               if len(operations) > 1 else operations[0])
        examples = list(dict.fromkeys(x for f in members for x in f.details.get("examples", [])))
        for f in members:
            f.details["cause"] = f"schema:{key[0]}:{key[2]}:{key[3]}:{key[4]}:{key[5]}"
            f.details["cause_message"] = f"{who}: {said} — the same in each of their tables ({tables})"
            if examples:
                f.details["examples"] = examples


def _spec_meanings(schema: dict[str, Any]) -> list[Semantic]:
    """What a spec schema says its value means: its description, else its format (`unix-time`, `date-time`,
    `uuid`)."""
    found = semantics(schema.get("description") if isinstance(schema.get("description"), str) else None)
    families = {s.family for s in found}
    fmt = schema.get("format")
    by_format = {"unix-time": "unix-seconds", "unixtime": "unix-seconds", "date-time": "iso8601", "date": "iso8601",
                 "uuid": "uuid"}.get(fmt if isinstance(fmt, str) else "")
    if by_format is not None:
        family = "id" if by_format == "uuid" else "time"
        if family not in families:
            found.append(Semantic(by_format, family, f"format: {fmt}"))
    return found


def _with_line(spec: Spec, where: Location | None) -> Location | None:
    """A spec location with its line (JSON specs find lines on demand: operations and parameters have none)."""
    if where is None or where.line is not None or where.pointer is None:
        return where
    return spec.location(where.pointer, None if where.file == spec.path else where.file)


def _docs_row(field: Field) -> dict[str, Any]:
    """What a docs row says of a field the spec lacks, for the fix list's proposed spec text."""
    return {"name": field.name, "type": field.json_type or None, "format": field.format,
            "required": field.required, "nullable": field.nullable, "description": field.description or None}


def _spec_row(spec: Spec, name: str, node: Node, required: bool) -> dict[str, Any]:
    """What the spec says of a property the docs table lacks, for the fix list's proposed table row."""
    known = facts(spec, node)
    schema = deref(spec, node).schema
    types = sorted(known.types - {"null"})
    description = schema.get("description") if isinstance(schema.get("description"), str) else None
    return {"name": name, "type": types[0] if len(types) == 1 else None, "format": known.format,
            "required": required, "nullable": known.nullable or "null" in known.types, "description": description}
