"""Which operations the live run exercises, where each is known from, and how they link up.

Three origins: the spec; the docs pages (an endpoint a page documents that the
spec lacks, e.g. PATCH on the seed path); and the live target itself (GET/DELETE
probed on a resource's path, see :mod:`contract.replay.phases.stateful`). A
:class:`Resource` holds the operations on one collection and its item path by role
(create/read/update/delete, list, actions), and identifier *links* say which request
parameter carries which field of which resource; :mod:`contract.replay.graph` builds
them, API-wide.

Linking is by name, normalised: lower case, ``-`` = ``_``, camelCase split, and
vendor prefixes stripped (``adapty-profile-id`` ↔ ``profile_id``, ``{petId}`` ↔
``pet_id`` / ``id``); OpenAPI ``links`` on the create response win when present.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from contract.core import paths
from contract.core.http import is_form
from contract.core.schema_facts import local_resolver, resolved
from contract.docs import DocsPage, Endpoint
from contract.load import Spec
from contract.model import MediaType, Operation, Parameter, RequestBody, Response
from contract.validate import is_json_media

__all__ = [
    "Link",
    "LiveOperation",
    "Origin",
    "Resource",
    "ResourceView",
    "deref",
    "docs_operations",
    "name_candidates",
    "resource_view",
    "same_place",
]

Origin = Literal["spec", "docs", "live"]
Role = Literal["create", "read", "update", "delete", "other"]


@dataclass(slots=True)
class LiveOperation:
    """An operation as the run sees it: the model object plus where it is known from."""

    op: Operation
    origin: Origin = "spec"
    docs: list[Endpoint] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.op.key


@dataclass(frozen=True, slots=True)
class Link:
    """Request parameter `location`/`name` carries identifier field `field` of a resource.

    `owner` is the key (:attr:`Resource.key`) of the resource whose instance the value comes
    from; empty in :attr:`Resource.links`, which are the resource's own identifiers.
    """

    location: str
    name: str
    field: str
    owner: str = ""


@dataclass(frozen=True, slots=True)
class ResourceView:
    """The resource as the create operation's success response shows it."""

    path: tuple[str, ...] = ()  # envelope keys to unwrap, outermost first: ("data",) for {data: {...}}
    properties: dict[str, Any] = field(default_factory=dict)  # the resource's declared fields
    root: dict[str, Any] = field(default_factory=dict)  # the response JSON Schema their $refs point into


@dataclass(slots=True, eq=False)
class Resource:
    """Operations on one resource, by role, and the identifier links between them.

    `path` is the collection path (where the create POSTs, as written in the spec); `item_path`
    the path of one instance (``/pets/{petId}``), None for a resource addressed by headers on
    its collection path (the seed's profile). `parent` is the resource whose instance the
    collection path names (segments → collections); see :mod:`contract.replay.graph`.
    """

    path: str
    create: LiveOperation | None = None
    read: LiveOperation | None = None
    update: LiveOperation | None = None
    delete: LiveOperation | None = None
    links: list[Link] = field(default_factory=list)
    view: ResourceView = field(default_factory=ResourceView)
    key: str = ""  # the path shape, parameter names erased: "/collections/{}/segments/{}"
    item_path: str | None = None
    parent: Resource | None = None
    lister: LiveOperation | None = None  # GET on the collection path: a list, never a read
    actions: list[LiveOperation] = field(default_factory=list)  # other operations on an instance
    request_ids: list[str] = field(default_factory=list)  # create body fields a client chooses that identify it
    name: str = ""  # the collection's literal, singular: "segment"

    def members(self) -> list[LiveOperation]:
        return [o for o in (self.create, self.read, self.update, self.delete) if o is not None]

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    def lineage(self) -> list[Resource]:
        """This resource, then its parent, grandparent..."""
        return lineage(self, lambda r: r.parent)


_Node = TypeVar("_Node")


def lineage(start: _Node, parent: Callable[[_Node], _Node | None]) -> list[_Node]:
    """`start`, its parent, grandparent... (resources and live instances alike); stops at a repeat."""
    out: list[_Node] = []
    node: _Node | None = start
    while node is not None and not any(n is node for n in out):
        out.append(node)
        node = parent(node)
    return out


# --------------------------------------------------------------------------- names


def _snake(name: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip("{}"))
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def name_candidates(name: str) -> list[str]:
    """`adapty-profile-id` → [adapty_profile_id, profile_id, id]; `X-Request-Id` → [.., request_id, id]."""
    tokens = _snake(name).split("_")
    if tokens and tokens[0] == "x" and len(tokens) > 1:
        tokens = tokens[1:]
    return ["_".join(tokens[i:]) for i in range(len(tokens)) if tokens[i:]]


def link_field(name: str, fields: Iterable[str]) -> str | None:
    """The response field a parameter name refers to, most specific match first."""
    by_norm = {_snake(f): f for f in fields}
    for candidate in name_candidates(name):
        if candidate in by_norm:
            return by_norm[candidate]
    return None


# --------------------------------------------------------------------------- schemas


def same_place(name: str, path: str, item_path: str | None) -> bool:
    """Whether path parameter `name` of `path` is the one of the item path: a path parameter is known by its
    place in its own template, not by its name. Stripe's `POST /v1/transfers/{id}/reversals` names the transfer
    `id`; in `/v1/transfers/{transfer}/reversals/{id}` `id` is the reversal (the same in both Stripe versions,
    and `/v1/application_fees/{id}/refunds`)."""
    if item_path is None:
        return True
    here, there = paths.PathTemplate.parse(path).params, paths.PathTemplate.parse(item_path).params
    return name not in here or name not in there or here.index(name) == there.index(name)


def deref(root: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/$defs/X`) and merge plain `allOf` object parts."""
    node = resolved(node, local_resolver(root))
    if isinstance(node, dict) and isinstance(node.get("allOf"), list):
        merged = {k: v for k, v in node.items() if k != "allOf"}
        props = dict(merged.get("properties") or {})
        for part in node["allOf"]:
            part = deref(root, part)
            if isinstance(part, dict):
                props.update(part.get("properties") or {})
        if props:
            merged["properties"] = props
        return merged
    return node


def success_schema(spec: Spec, op: Operation) -> dict[str, Any] | None:
    """The JSON Schema (self-contained) of the operation's first JSON 2xx response."""
    for status in sorted(op.responses):
        if not status.startswith("2"):
            continue
        for media, mt in op.responses[status].content.items():
            if is_json_media(media) and mt.schema is not None:
                return spec.json_schema(mt.schema, "response")
    return None


def request_properties(spec: Spec, op: Operation) -> dict[str, Any]:
    """The fields a request body declares (see :func:`request_fields`)."""
    return request_fields(spec, op)[0]


def request_fields(spec: Spec, op: Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the top-level properties of the request body, the schema root their `$ref`s point into): its JSON body's,
    else its form's (Stripe's and Twilio's creates are forms only: without them a client-chosen `id` was never
    seen as the new instance's name, and every create of a run named the same one)."""
    body = op.request_body
    usable = [(m, mt) for m, mt in (body.content.items() if body else []) if mt.schema is not None]
    chosen = next((x for x in usable if is_json_media(x[0])), None) or next(
        (x for x in usable if is_form(x[0])), None)
    if chosen is None or chosen[1].schema is None:
        return {}, {}
    js = spec.json_schema(chosen[1].schema, "request")
    node = deref(js, js)
    return (dict(node.get("properties") or {}) if isinstance(node, dict) else {}), js


_WRAPPERS = ("data", "result", "item", "resource", "object", "record")


def resource_view(spec: Spec, op: Operation) -> ResourceView:
    """Where the resource sits in the response (``["data"]``), its declared properties, and the schema root.

    A response that wraps the resource in one envelope property (``{data: {...}}``)
    is unwrapped when the envelope shares no field with the request body and has no `id` of its
    own: a root with an `id` is the resource (Box's comment `{id, type, message, item: {...}}`,
    read with no body to compare, names the commented file in `item`).
    """
    js = success_schema(spec, op)
    if js is None:
        return ResourceView()
    node = deref(js, js)
    props = dict(node.get("properties") or {}) if isinstance(node, dict) else {}
    sent = set(request_properties(spec, op))
    path: tuple[str, ...] = ()
    if props and not (sent & set(props)) and "id" not in props:
        wrappers = [k for k in props if k in _WRAPPERS] or (list(props) if len(props) == 1 else [])
        for key in wrappers:
            inner = deref(js, props[key])
            if isinstance(inner, dict) and isinstance(inner.get("properties"), dict):
                path, props = (key,), dict(inner["properties"])
                break
    return ResourceView(path, props, js)


# --------------------------------------------------------------------------- docs-only operations


def _docs_body(page: DocsPage, endpoint: Endpoint, sibling: Operation | None, spec: Spec) -> RequestBody | None:
    rows = page.fields_of("request", endpoint=endpoint.key)
    if sibling is not None and sibling.request_body is not None:
        known = set(request_properties(spec, sibling))
        if not rows or {r.name for r in rows} <= known:
            return copy.deepcopy(sibling.request_body)
    if not rows:
        return None
    props: dict[str, Any] = {}
    for row in rows:
        schema: dict[str, Any] = {}
        if row.json_type:
            types = [row.json_type] if isinstance(row.json_type, str) else list(row.json_type)
            if row.nullable:
                types.append("null")
            schema["type"] = types[0] if len(types) == 1 else types
        if row.format:
            schema["format"] = row.format
        props[row.name] = schema
    required = [r.name for r in rows if r.required]
    schema = {"type": "object", "properties": props, **({"required": required} if required else {})}
    return RequestBody(required=True, content={"application/json": MediaType("application/json", schema)})


def _docs_responses(page: DocsPage, endpoint: Endpoint, sibling: Operation | None) -> dict[str, Response]:
    out: dict[str, Response] = {}
    success = next((r for s, r in sorted((sibling.responses if sibling else {}).items()) if s.startswith("2")), None)
    error = next((r for s, r in sorted((sibling.responses if sibling else {}).items())
                  if s[:1] == "4" and r.content), None)
    for status in page.statuses:
        if status.endpoint not in (None, endpoint.key):
            continue
        model = success if 200 <= status.code < 300 else error
        resp = copy.deepcopy(model) if model else Response(str(status.code))
        resp.status = str(status.code)
        resp.description = status.title or status.description or resp.description
        out[str(status.code)] = resp
    return out


def docs_operations(spec: Spec, pages: Sequence[DocsPage]) -> list[LiveOperation]:
    """Operations documented on a page but absent from the spec, modelled from the spec's same-path siblings."""
    servers = paths.server_urls(spec.data)
    out: dict[str, LiveOperation] = {}
    for page in pages:
        for endpoint in page.endpoints:
            if paths.match_operation(spec.operations, endpoint.method, endpoint.path, servers=servers,
                                     templated=True) is not None:
                continue
            siblings = paths.operations_on_path(spec.operations, endpoint.path, servers=servers, templated=True)
            sibling = next((s for s in siblings if s.request_body is not None), siblings[0] if siblings else None)
            key = f"{endpoint.method.upper()} {sibling.path if sibling else endpoint.path}"
            if key in out:
                out[key].docs.append(endpoint)
                continue
            op = Operation(
                method=endpoint.method.upper(),
                path=sibling.path if sibling else endpoint.path,
                operation_id=None,
                summary=page.title,
                parameters=[copy.deepcopy(p) for p in (sibling.parameters if sibling else [])],
                request_body=_docs_body(page, endpoint, sibling, spec)
                if endpoint.method.upper() in ("POST", "PUT", "PATCH") else None,
                responses=_docs_responses(page, endpoint, sibling),
                security=copy.deepcopy(sibling.security) if sibling else [],
                where=endpoint.where,
                origin="docs",
            )
            out[key] = LiveOperation(op, "docs", [endpoint])
    return [out[k] for k in sorted(out)]


def live_operation(method: str, create: Operation) -> LiveOperation:
    """An operation found only by probing: the create operation's parameters and success representation."""
    responses = {s: copy.deepcopy(r) for s, r in create.responses.items() if s.startswith("2")}
    params: list[Parameter] = [copy.deepcopy(p) for p in create.parameters]
    body = copy.deepcopy(create.request_body) if method in ("PUT", "PATCH") else None
    op = Operation(method=method, path=create.path, parameters=params, request_body=body, responses=responses,
                   security=copy.deepcopy(create.security), origin="spec")
    return LiveOperation(op, "live")
