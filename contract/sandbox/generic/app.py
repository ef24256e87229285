"""The emulator's HTTP face: any OpenAPI 3.x spec served with state.

Each request goes through the same steps, in order: which operation it is (the project's one
matcher, :mod:`contract.core.paths`; 404 unknown path, 405 with ``Allow`` for a method the path
does not document); a `Prefer: code=NNN` the operation documents (that error, on demand); its
credentials (the spec's security schemes, the keys given; 401); the
request against the spec (the project's request validator; the operation's documented client
error); then what the resource graph (:mod:`contract.replay.graph`) says the operation is:
create, read, update, delete, list or anything else. Anything else, and operations outside
every resource, answer a body drawn from their success schema.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import email.policy
import json
import logging
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from contract.core.http import FORM, MULTIPART, parse_cookie_header, read_form
from contract.core.paths import PathTemplate, match_operation, operations_on_path, server_urls
from contract.core.schema_facts import local_resolver, resolved
from contract.generate.draw import derive_seed
from contract.generate.values import Unsatisfiable
from contract.load import Spec
from contract.model import Operation, SecurityScheme, Violation
from contract.replay.graph import Graph, Plan, build_graph, list_items, row_identifier
from contract.replay.operations import (
    LiveOperation,
    Resource,
    ResourceView,
    deref,
    request_properties,
    resource_view,
)
from contract.sandbox.faults import check_faults
from contract.sandbox.generic.faults import GENERIC_FAULTS
from contract.sandbox.generic.render import Answer, Renderer
from contract.sandbox.generic.store import Store
from contract.validate import CompiledSchema, Validators, is_json_media, match_media, typed_field

__all__ = ["EmulatorApp", "create_emulator"]

access_log = logging.getLogger("contract.sandbox.access")
SLOW_SECONDS = 2.0
LOST_UPDATE_YIELD = 0.01
_LIMIT_NAMES = ("limit", "per_page", "page_size", "pagesize", "max_results", "maxresults", "top", "size")
_OFFSET_NAMES = ("offset", "skip", "start")
_TOTAL_NAMES = ("total", "total_count", "count", "totalCount", "total_results", "totalResults")
_FORMS = frozenset({FORM, MULTIPART})
_UNPARSEABLE = object()  # a body that is not what its Content-Type says
_PAGE_NAMES = ("page", "page_number", "pagenumber")
_MATCH_MEMO = 4096  # matched request paths remembered (cleared when full: ids are many, each asked for a while)


class _Refused(Exception):
    """An error answer, already rendered."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


@dataclass(frozen=True, slots=True)
class _IdentRules:
    """The schemas an instance's own identifier must satisfy (compiled, and as given to draw from)."""

    checkers: list[CompiledSchema]
    schemas: list[dict[str, Any]]

    def valid(self, value: str) -> bool:
        """`value` as it travels in the path: digits also read as the integer an integer schema wants."""
        return all(c.is_valid(value) or (value.isdigit() and c.is_valid(int(value))) for c in self.checkers)

    @property
    def integer(self) -> bool:
        return any(s.get("type") == "integer" for s in self.schemas)


@dataclass(frozen=True, slots=True)
class _Route:
    """One request on the wire: a method and a path without its `#fragment` (never sent), for the matcher."""

    method: str
    path: str


@dataclass(frozen=True, slots=True)
class _Address:
    """Where one instance lives: resource key, parent identifiers (JSON), own identifier."""

    resource: str
    parent: str
    ident: str


def _wire_path(path: str) -> str:
    """A path key as a request's path: without its `#fragment` (never sent) and its `?query` (sent as the query)."""
    return path.split("#", 1)[0].split("?", 1)[0]


def _literal_query(path: str) -> tuple[tuple[str, str], ...]:
    """The query a path key spells, as pairs: OpenAI's `/responses?beta=true`, S3 listings' `/?acl`."""
    _, sep, query = path.split("#", 1)[0].partition("?")
    return tuple(urllib.parse.parse_qsl(query, keep_blank_values=True)) if sep else ()


def _snake(name: str) -> str:
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i and (name[i - 1].islower() or name[i - 1].isdigit()):
            out.append("_")
        out.append(c.lower() if c != "-" else "_")
    return "".join(out)


class EmulatorApp:
    """The ASGI app. `keys`: security scheme key → accepted credentials (the n-th of each is tenant n)."""

    def __init__(self, spec: Spec, store: Store, keys: Mapping[str, list[str]], faults: frozenset[str],
                 seed: int = 0) -> None:
        self.spec = spec
        # resource → what its own identifiers must satisfy (path parameter and identifier field schemas)
        self._ident_checkers: dict[str, _IdentRules | None] = {}
        self.store = store
        self.keys = {k: list(v) for k, v in keys.items()}
        self.faults = faults
        self.seed = seed
        self.operations = list(spec.operations)
        self.servers = server_urls(spec.data)
        self.validators = Validators(spec)
        self.render = Renderer(spec, self.validators, seed)
        self.graph: Graph = build_graph(spec, [LiveOperation(op) for op in self.operations])
        self._templates = {op.key: PathTemplate.parse(_wire_path(op.path)) for op in self.operations}
        self._bases = sorted({urllib.parse.urlsplit(u).path.rstrip("/") for u in self.servers} - {""},
                             key=len, reverse=True)
        self._forms: dict[tuple[str, str], dict[str, Any]] = {}
        self._form_roots: dict[str, tuple[dict[str, Any], dict[str, dict[str, Any]]]] = {}
        self._views: dict[str, ResourceView] = {}
        self._lists: dict[str, tuple[tuple[str, ...], dict[str, Any]] | None] = {}
        self._requests: dict[str, dict[str, Any]] = {}
        self._counter = store.seq  # identifiers stay unique across restarts on one database
        # Operations that are one request on the wire: a `#fragment` in a path is never sent (Box writes
        # `/files/{file_id}#add_shared_link` beside `/files/{file_id}`); a request is the first whose rules it keeps.
        # A `?query` in a path key is sent (OpenAI's `/responses?beta=true` beside `/responses`): routed by path,
        # then told apart by that query (`_group`).
        self._wire: dict[tuple[str, str], list[Operation]] = {}
        self._queries = {op.key: _literal_query(op.path) for op in self.operations}
        for op in self.operations:
            self._wire.setdefault((op.method, _wire_path(op.path)), []).append(op)
        # Matched without fragments: Box's literal `/metadata_templates/enterprise/securityClassification-…/schema#add`
        # is that path, more specific than `/metadata_templates/{scope}/{template_key}/schema`, as OpenAPI matches.
        self._routes = [_Route(method, path) for method, path in self._wire]
        # (method, path) → the route it matched: a resource's path is asked for again at every step of its life
        self._matched: dict[tuple[str, str], _Route | None] = {}
        self._by_method: dict[str, list[_Route]] = {}  # the matcher keeps only the request's method's routes
        for route in self._routes:
            self._by_method.setdefault(route.method.upper(), []).append(route)

    def close(self) -> None:
        self.store.close()

    # ---------------------------------------------------------------- ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        request = Request(scope, receive)
        try:
            answer = await self.handle(request)
            if "drop-field" in self.faults:
                self._drop_field(request, answer)
        except _Refused as refused:
            answer = refused.answer
        except Exception:
            access_log.exception("%s %s: emulator error", scope["method"], scope["path"])
            answer = Answer(500, b"Internal Server Error", "text/plain")
        if "wrong-content-type" in self.faults and answer.media_type and is_json_media(answer.media_type):
            answer.media_type = "text/plain"
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1", "replace")) for k, v in answer.headers.items()]
        if answer.media_type:
            charset = "; charset=utf-8" if answer.media_type.startswith("text/") else ""
            headers.append((b"content-type", f"{answer.media_type}{charset}".encode("latin-1")))
        headers.append((b"content-length", str(len(answer.body)).encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})
        access_log.info("%s %s %d %.1fms", scope["method"], scope["path"], answer.status,
                        (time.perf_counter() - started) * 1000)

    def _drop_field(self, request: Request, answer: Answer) -> None:
        """`drop-field`: the resource in a 2xx answer loses its first required property that is not its id."""
        op = self._match(request.method, request.url.path, request.query_params.multi_items())
        plan = self.graph.plan(op.key) if op is not None else None
        if op is None or plan is None or plan.resource is None or not 200 <= answer.status < 300 \
                or not isinstance(answer.value, dict | list):
            return
        found = self._list_items(op) if plan.role == "list" else None
        view = self._view(op)
        at, root = (found[0], found[1]) if found is not None else (view.path, None)
        node: Any = view.root if root is None else root
        for key in () if root is not None else at:
            node = deref(view.root, node)
            node = (node.get("properties") or {}).get(key) if isinstance(node, dict) else None
        required = [r for r in _required(view.root, node) if r != self._ident_field(plan.resource)]
        targets = _at(answer.value, at)
        for target in targets if isinstance(targets, list) else [targets]:
            if isinstance(target, dict) and required:
                target.pop(required[0], None)
        answer.body = json.dumps(answer.value, ensure_ascii=False).encode("utf-8")

    # ---------------------------------------------------------------- schema readings, once per operation

    def _view(self, op: Operation) -> ResourceView:
        if op.key not in self._views:
            self._views[op.key] = resource_view(self.spec, op)
        return self._views[op.key]

    def _list_items(self, op: Operation) -> tuple[tuple[str, ...], dict[str, Any]] | None:
        if op.key not in self._lists:
            self._lists[op.key] = list_items(self.spec, op)
        return self._lists[op.key]

    def _request_properties(self, op: Operation) -> dict[str, Any]:
        if op.key not in self._requests:
            self._requests[op.key] = request_properties(self.spec, op)
        return self._requests[op.key]

    # ---------------------------------------------------------------- routing

    def _params(self, op: Operation, path: str) -> dict[str, str]:
        template = self._templates[op.key]
        candidates = [path] + [path[len(b):] or "/" for b in self._bases if path.startswith(b + "/")]
        for candidate in candidates:
            for slash in (True, False):
                found = template.matches(candidate, trailing_slash=slash)
                if found is not None:
                    return {k: urllib.parse.unquote(v) for k, v in found.items()}
        return {}

    def _match(self, method: str, path: str, query: Iterable[tuple[str, str]] = ()) -> Operation | None:
        """The operation a request is: the first of its wire group (`_variant` picks among the group)."""
        key = (method, path)
        if key in self._matched:
            route = self._matched[key]
        else:
            route = match_operation(self._by_method.get(method.upper(), ()), method, path, servers=self.servers)
            if len(self._matched) >= _MATCH_MEMO:
                self._matched.clear()
            self._matched[key] = route
        return self._group(route.method, route.path, query)[0] if route is not None else None

    def _group(self, method: str, path: str, query: Iterable[tuple[str, str]]) -> list[Operation]:
        """The operations a request on `method path` with `query` may be: those whose path key's own query it
        carries, the most specific first (`/responses?beta=true` for `?beta=true&x=1`, else `/responses`), as a
        literal path is matched before a template; the whole group when it carries none of them."""
        group = self._wire[(method, path)]
        sent = set(query)
        fits = [o for o in group if set(self._queries[o.key]) <= sent]
        most = max((len(self._queries[o.key]) for o in fits), default=0)
        return [o for o in fits if len(self._queries[o.key]) == most] or group

    def _generic_error(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> Answer:
        body = json.dumps({"error": {"status": status, "message": message}}).encode()
        return Answer(status, body, "application/json", dict(headers or {}))

    def _error(self, op: Operation, status: int, message: str, *parts: object) -> Answer:
        """An error in the operation's documented shape for `status` (exact, `4XX`, `default`), else a generic one."""
        key = self.validators.response(op).documented_status(status)
        if key is None or not op.responses[key].content:
            return self._generic_error(status, message)
        answer = self.render.answer(op, key, "error", status, *parts, status=status)
        return answer if answer.media_type else self._generic_error(status, message)

    def _preferred(self, op: Operation, prefer: str) -> Answer | None:
        """`Prefer: code=NNN` (RFC 7240 syntax; the convention of Prism's mock): the operation's documented error
        response for NNN (exactly, `NXX` or `default`), its body drawn from that response's schema, state
        untouched, so a client's error handling can be exercised on demand. A success code, or one the operation
        does not document, is ignored as RFC 7240 allows: the answer then carries no `Preference-Applied`."""
        code = _prefer_code(prefer)
        if code is None or 200 <= code < 300:
            return None
        key = self.validators.response(op).documented_status(code)
        if key is None:
            return None
        answer = self.render.answer(op, key, "prefer", code, status=code)
        answer.headers["Preference-Applied"] = f"code={code}"
        return answer

    async def handle(self, request: Request) -> Answer:
        method = request.method.upper()
        # The path as sent, still percent-encoded: an identifier holding `%2F` stays one segment.
        raw_path = request.scope.get("raw_path")
        path = raw_path.decode("latin-1").split("?", 1)[0] if raw_path else request.url.path
        op = self._match(method, path, request.query_params.multi_items())
        if op is None:
            on_path = operations_on_path(self._routes, path, servers=self.servers)
            if not on_path:
                return self._generic_error(404, f"no operation serves {path}")
            allow = ", ".join(sorted({o.method for o in on_path}))
            return self._generic_error(405, f"{method} is not documented for this path", {"Allow": allow})
        if method == "GET" and "slow" in self.faults:
            await asyncio.sleep(SLOW_SECONDS)
        path_params = self._params(op, path)
        raw = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        preferred = self._preferred(op, headers.get("prefer", ""))
        if preferred is not None:
            return preferred
        tenant = self._authenticate(op, headers, request)
        body = self._parse_body(op, raw, headers.get("content-type", ""))
        op = self._variant(op, headers, request, path_params, raw, body)
        if "server-error" in self.faults and "boom" in json.dumps([body, dict(request.query_params)], default=str):
            return Answer(500, b"boom", "text/plain")
        plan = self.graph.plan(op.key)
        return await self._dispatch(op, plan, path_params, body, tenant, request)

    # ---------------------------------------------------------------- security

    def _credential(self, scheme: SecurityScheme, headers: Mapping[str, str], request: Request) -> str | None:
        """The credential a request carries for `scheme`, as it would be compared with a key."""
        if scheme.type == "apiKey" and scheme.param_name:
            if scheme.location == "header":
                value = headers.get(scheme.param_name.lower())
            elif scheme.location == "query":
                value = request.query_params.get(scheme.param_name)
            else:
                value = parse_cookie_header(headers.get("cookie", "")).get(scheme.param_name)
            return value or None
        if scheme.type in ("http", "oauth2", "openIdConnect"):
            auth = headers.get("authorization", "")
            word, _, rest = auth.partition(" ")
            want = (scheme.scheme or "bearer").lower() if scheme.type == "http" else "bearer"
            if word.lower() != want or not rest.strip():
                return None
            if want == "basic":
                try:
                    return base64.b64decode(rest.strip(), validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError):
                    return None
            return rest.strip()
        return None

    def _tenant_of(self, scheme: SecurityScheme, value: str | None) -> str | None:
        if value is None:
            return None
        for n, key in enumerate(self.keys.get(scheme.key, [])):
            if value == key or (scheme.type == "apiKey" and value.rpartition(" ")[2] == key):
                return str(n)
        return None

    def _authenticate(self, op: Operation, headers: Mapping[str, str], request: Request) -> str:
        """The tenant the request acts as; refuses it (401) when no documented requirement is met."""
        if not op.security or any(not req for req in op.security):
            return "public"
        for requirement in op.security:
            tenants = [self._tenant_of(s, self._credential(s, headers, request)) for s in requirement
                       if s.type != "mutualTLS"]
            if all(t is not None for t in tenants):
                return next((t for t in tenants if t is not None), "0")
        if "no-auth" in self.faults:
            return "0"
        answer = self._error(op, self.render.refusal(op, 401), "missing or unknown credentials")
        answer.headers.setdefault("WWW-Authenticate", self._challenge(op))
        raise _Refused(answer)

    def _challenge(self, op: Operation) -> str:
        scheme = op.security[0][0] if op.security and op.security[0] else None
        if scheme is not None and scheme.type == "http" and scheme.scheme:
            return f'{scheme.scheme.capitalize()} realm="sandbox"'
        return 'Bearer realm="sandbox"'

    # ---------------------------------------------------------------- validation

    def _variant(self, op: Operation, headers: Mapping[str, str], request: Request, path_params: Mapping[str, str],
                 raw: bytes, body: Any) -> Operation:
        """The operation a valid request is (`op`, else the first wire sibling it is valid for); else `op`'s refusal."""
        siblings = [o for o in self._group(op.method, _wire_path(op.path), request.query_params.multi_items())
                    if o is not op]
        try:
            self._validate(op, headers, request, path_params, raw, body)
            return op
        except _Refused:
            for other in siblings:
                try:
                    self._validate(other, headers, request, path_params, raw, body)
                    return other
                except _Refused:
                    continue
            raise

    def _validate(self, op: Operation, headers: Mapping[str, str], request: Request, path_params: Mapping[str, str],
                  raw: bytes, body: Any) -> None:
        if "accept-invalid" in self.faults:
            return
        query: dict[str, str] = {}
        for name, value in request.query_params.multi_items():
            query[name] = f"{query[name]},{value}" if name in query else value
        cookies = parse_cookie_header(headers.get("cookie", ""))
        violations = self.validators.request(op).validate(
            headers=headers, query=query, path_params=path_params, cookies=cookies, raw_body=raw or None,
            content_type=headers.get("content-type"))
        violations = [v for v in violations if v.part != "security"]
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media in _FORMS and not violations:  # the validator reads JSON bodies only
            violations = self.validators.request(op).validate_body(body, media) if isinstance(body, dict) else \
                [Violation("body", "", "parse", f"the body is not {media}")]
        if not violations:
            return
        status = 415 if all(v.part == "content-type" for v in violations) and "415" in op.responses \
            else self.render.client_error(op)
        raise _Refused(self._error(op, status, "; ".join(v.message for v in violations[:5])))

    def _parse_body(self, op: Operation, raw: bytes, content_type: str) -> Any:
        """The body as a value: JSON parsed, a form's fields typed as its schema says (as a server would)."""
        media = content_type.split(";")[0].strip().lower()
        if not raw:
            return {} if media == FORM else None  # an empty form is a form without fields (Twilio's optional ones)
        if media == FORM:
            return self._read_form(op, raw)
        if media in _FORMS:
            fields = _multipart_fields(raw, content_type)
            if fields is None:
                return _UNPARSEABLE
            props = self._form_properties(op, media)
            return {k: _json_part(v) if is_json_media(media_type) else typed_field(v, props.get(k))
                    for k, (v, media_type) in fields.items()}
        if is_json_media(media) or not media:
            try:
                return json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                return None
        return None

    def _read_form(self, op: Operation, raw: bytes) -> dict[str, Any]:
        """A urlencoded body as the spec's schema and `encoding` say a server reads it: repeated names are an
        array (`Permissions=get-all&Permissions=post-all`), bracket names nest, each leaf typed by its schema."""
        if op.key not in self._form_roots:
            mt = match_media(FORM, op.request_body.content) if op.request_body else None
            schema = self.spec.json_schema(mt.schema, "request") if mt is not None and mt.schema is not None else {}
            self._form_roots[op.key] = (schema, mt.encoding if mt is not None else {})
        root, encoding = self._form_roots[op.key]
        pairs = urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        return read_form(pairs, root, encoding=encoding, resolve=lambda node: deref(root, node), typed=typed_field)

    def _form_properties(self, op: Operation, media: str) -> dict[str, Any]:
        if (op.key, media) not in self._forms:
            body = op.request_body
            mt = body.content.get(media) if body else None
            props: dict[str, Any] = {}
            if mt is not None and mt.schema is not None:
                root = self.spec.json_schema(mt.schema, "request")
                node = deref(root, root)
                raw = node.get("properties") if isinstance(node, dict) else None
                props = {k: deref(root, v) for k, v in (raw or {}).items()}
            self._forms[(op.key, media)] = props
        return self._forms[(op.key, media)]

    # ---------------------------------------------------------------- state

    def _address(self, res: Resource, op: Operation, path_params: Mapping[str, str], *, own: bool) -> _Address:
        """The instance (own=True) or the collection (own=False) a request addresses."""
        names = self._templates[op.key].params
        values = [path_params.get(n, "") for n in names]
        depth = len(PathTemplate.parse(res.item_path).params) if res.item_path else 0
        parent = values[:max(depth - 1, 0)]
        ident = values[depth - 1] if own and depth and len(values) >= depth else ""
        return _Address(res.key, json.dumps(parent), ident)

    def _ident_field(self, res: Resource) -> str | None:
        if not res.item_path:
            return None
        names = PathTemplate.parse(res.item_path).params
        last = names[-1] if names else None
        link = next((lk for lk in res.links if lk.location == "path" and lk.name == last), None)
        return link.field if link is not None else None

    def _scope(self, op: Operation, tenant: str) -> str | None:
        """The tenant lookups are limited to: none for an operation anyone may call, or under `tenant-leak`."""
        if "tenant-leak" in self.faults or tenant == "public":
            return None
        return tenant

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    async def _dispatch(self, op: Operation, plan: Plan | None, path_params: Mapping[str, str], body: Any,
                        tenant: str, request: Request) -> Answer:
        res = plan.resource if plan is not None else None
        if plan is None or res is None:
            return self.render.answer(op, self.render.success(op), self._next())
        if res.item_path is None:
            return await self._singleton(op, plan, res, path_params, body, tenant)
        role = plan.role
        if role == "create" and op is (res.create.op if res.create else None):
            return self._create(op, res, path_params, body, tenant)
        if role == "list":
            return self._list(op, res, path_params, tenant, request)
        if len(self._templates[op.key].params) < len(PathTemplate.parse(res.item_path).params):
            # an action on the collection itself (Discord's `PUT /lobbies`, beside `POST /lobbies`): no instance
            # to look up, so it answers what its schema says
            return self.render.answer(op, self.render.success(op), self._next())
        address = self._address(res, op, path_params, own=True)
        stored = self._lookup(op, res, address, tenant)
        if role == "read":
            return self._show(op, res, stored, address)
        if role == "update":
            return await self._update(op, res, address, stored, body, tenant)
        if role == "delete":
            if "no-delete" not in self.faults:
                self.store.put(address.resource, address.parent, address.ident, tenant, None)
            return self.render.answer(op, self.render.success(op, ("204", "200")), address.ident)
        counted = self._count(op, res, address, tenant)
        if counted is not None:
            return counted
        return self.render.answer(op, self.render.success(op), address.ident, self._next())

    async def _singleton(self, op: Operation, plan: Plan, res: Resource, path_params: Mapping[str, str],
                         body: Any, tenant: str) -> Answer:
        """A resource with no item path (`/organization/spend_limit`, the seed's profile): one instance per
        tenant and path, which its POST creates, GET reads, PUT/PATCH update and DELETE removes."""
        address = _Address(res.key, json.dumps([path_params.get(n, "") for n in self._templates[op.key].params]),
                           "")
        view = self._view(op)
        if plan.role == "create":
            n = self._next()
            key = self.render.success(op, ("201", "200"))
            answer = self.render.answer(op, key, address.resource, n, overlay=self._fields(op, body), at=view.path)
            shown = _at(answer.value, view.path)
            self.store.put(address.resource, address.parent, "", tenant,
                           dict(shown) if isinstance(shown, dict) else self._fields(op, body))
            return answer
        if plan.role not in ("read", "update", "delete"):
            return self.render.answer(op, self.render.success(op), self._next())
        stored = self._lookup(op, res, address, tenant)
        if plan.role == "read":
            return self._show(op, res, stored, address)
        if plan.role == "update":
            return await self._update(op, res, address, stored, body, tenant)
        if "no-delete" not in self.faults:
            self.store.put(address.resource, address.parent, "", tenant, None)
        return self.render.answer(op, self.render.success(op, ("204", "200")), address.resource)

    def _lookup(self, op: Operation, res: Resource, address: _Address, tenant: str) -> dict[str, Any]:
        """The stored instance, or 404; a resource the spec cannot create gets one made up on first use."""
        scope = self._scope(op, tenant)
        stored = self.store.get(address.resource, address.parent, address.ident, scope)
        if stored is None and res.create is None and (address.ident or res.item_path is None) \
                and not self.store.known(address.resource, address.parent, address.ident, scope):
            stored = self._invent(res, address)
            self.store.put(address.resource, address.parent, address.ident, tenant, stored)
        if stored is None:
            # 404, or the client error the operation documents instead (the spec's word for "no such thing")
            raise _Refused(self._error(op, self.render.refusal(op, 404), "no such instance"))
        return stored

    def _invent(self, res: Resource, address: _Address) -> dict[str, Any]:
        source = res.read or res.update or res.delete
        obj: dict[str, Any] = {}
        if source is not None:
            key = self.render.success(source.op)
            value = self.render.draw(source.op, key, address.ident) if key else None
            view = self._view(source.op)
            inner = _at(value, view.path)
            obj = dict(inner) if isinstance(inner, dict) else {}
        ident_field = self._ident_field(res)
        if ident_field and "/" not in ident_field:
            obj[ident_field] = _typed(address.ident, obj.get(ident_field))
        return obj

    def _show(self, op: Operation, res: Resource, obj: Mapping[str, Any], address: _Address) -> Answer:
        view = self._view(op)
        return self.render.answer(op, self.render.success(op), address.resource, address.ident,
                                  overlay=obj, at=view.path)

    def _fields(self, op: Operation, body: Any) -> dict[str, Any]:
        """The request's fields a resource keeps: the declared ones (all of them when none are declared)."""
        if not isinstance(body, dict):
            return {}
        declared = self._request_properties(op)
        return {k: v for k, v in body.items() if not declared or k in declared}

    def _create(self, op: Operation, res: Resource, path_params: Mapping[str, str], body: Any,
                tenant: str) -> Answer:
        own = res.item_path is not None and len(self._templates[op.key].params) \
            == len(PathTemplate.parse(res.item_path).params)  # PUT /x/{name}: the client names it
        address = self._address(res, op, path_params, own=own)
        n = self._next()
        key = self.render.success(op, ("201", "200"))
        if key is None:
            return Answer(201)
        view = res.view if res.view.properties else self._view(op)
        shape = self._shape(op, key, res, address, n) if not view.path else None
        drawn = self.render.answer(op, key, address.resource, address.parent, n, overlay=self._fields(op, body),
                                   at=view.path, base=shape)
        obj = _at(drawn.value, view.path)
        obj = dict(obj) if isinstance(obj, dict) else self._fields(op, body)
        ident_field = self._ident_field(res) if res.item_path else None
        simple = ident_field is not None and "/" not in ident_field
        sent = body.get(ident_field) if simple and isinstance(body, dict) else None
        ident: Any = address.ident or sent
        if simple and ident_field is not None:
            if ident is not None:
                obj[ident_field] = _typed(str(ident), obj.get(ident_field)) if address.ident else ident
            else:
                salt = derive_seed(self.seed, address.resource, n)
                value = _unique(obj.get(ident_field), n, salt)
                checked = self._ident_checker(res)
                if value is None or (isinstance(value, str) and checked is not None and not checked.valid(value)):
                    # a drawn Twilio Sid plus a counter breaks its pattern; a create answer without the field
                    # (Twilio's OutgoingCallerIds answer a validation request) still names what it made
                    made = self._own_ident(res, salt)
                    value = int(made) if checked is not None and checked.integer and made.isdigit() else made
                obj[ident_field] = value
        answer = self.render.answer(op, key, address.resource, address.parent, n, overlay=obj, at=view.path,
                                    base=shape)
        shown = _at(answer.value, view.path)
        if isinstance(shown, dict):
            obj = {**obj, **shown}
        if ident is None:
            ident = obj.get(ident_field) if simple and ident_field is not None else None
        if ident is None or isinstance(ident, dict | list):  # no identifier field: one of the emulator's own
            ident = self._own_ident(res, derive_seed(self.seed, address.resource, address.parent, n))
        ident_text = ident if isinstance(ident, str) else json.dumps(ident)
        # A client-named PUT on an instance that exists replaces it: an update, which `no-persist` does not keep.
        replaced = own and self.store.get(address.resource, address.parent, ident_text,
                                          self._scope(op, tenant)) is not None
        if not (replaced and "no-persist" in self.faults):
            self.store.put(address.resource, address.parent, ident_text, tenant, obj)
        if "undocumented-status" in self.faults:
            answer.status = 299
        if res.item_path and "Location" not in answer.headers:
            answer.headers["Location"] = _item_url(res.item_path, address.parent, ident_text)
        return answer

    def _shape(self, op: Operation, key: str, res: Resource, address: _Address, n: int) -> Any:
        """What a create answering a union makes: the shape its collection lists, else the one its read answers
        (see :meth:`Renderer.shaped_like`); None to draw from the create's own answer."""
        found = self._list_items(res.lister.op) if res.lister is not None else None
        if res.lister is not None and found is not None:
            for attempt in range(4):  # a list item drawn from a union of its own may be of any of its branches
                shape = self.render.shaped_like(op, key, res.lister.op, address.resource, address.parent, n, attempt,
                                                items_at=found[0])
                if shape is not None:
                    return shape
        if res.read is not None:
            return self.render.shaped_like(op, key, res.read.op, address.resource, address.parent, n)
        return None

    def _ident_checker(self, res: Resource) -> _IdentRules | None:
        """What the instance's own identifier must satisfy: the item path parameter's schema and the identifier
        field's schema where the create's or the read's answer declares it (Twilio's `{CallSid}` is any string,
        the participant's `call_sid` is `^CA[0-9a-fA-F]{32}$`); None when nothing constrains it."""
        if res.key not in self._ident_checkers:
            schemas: list[dict[str, Any]] = []
            field = self._ident_field(res)
            for lo in (res.create, res.read):
                view = self._view(lo.op) if lo is not None else None
                node = view.properties.get(field) if view is not None and field else None
                if isinstance(node, dict):
                    defs = view.root.get("$defs") if view is not None else None
                    schemas.append({**node, "$defs": defs} if isinstance(defs, dict) and "$defs" not in node else node)
            name = PathTemplate.parse(res.item_path).params[-1] if res.item_path else ""
            params = [p for lo in res.members() if (p := lo.op.parameter("path", name)) is not None and p.schema]
            param = self.spec.json_schema(params[0].schema, "request") if params and params[0].schema else None
            if isinstance(param, dict):
                schemas.append(param)
            self._ident_checkers[res.key] = _IdentRules([CompiledSchema(x) for x in schemas], schemas) \
                if schemas else None
        return self._ident_checkers[res.key]

    def _own_ident(self, res: Resource, salt: int) -> str:
        """An identifier of the emulator's own that the item path's parameter and the identifier field accept
        (Discord's snowflakes are digits: a hex id would make every later request on the instance a 400)."""
        candidates = [f"{salt:016x}", str(10 ** 15 + salt % (9 * 10 ** 15)),
                      str(uuid.UUID(int=salt & ((1 << 128) - 1), version=4))]
        rules = self._ident_checker(res)
        if rules is None:
            return candidates[0]
        found = next((c for c in candidates if rules.valid(c)), None)
        if found is not None:
            return found
        # A pattern (Twilio's `^PN[0-9a-fA-F]{32}$`): drawn from the schemas, its tail then replaced by the salt's
        # digits where the pattern allows, since the schema's pools repeat a few values and two instances named
        # alike would be one.
        drawn_valid: str | None = None
        for schema in rules.schemas:
            for attempt in range(8):
                try:
                    drawn = self.render.values.draw(schema, "ident", res.key, salt, attempt, context="path")
                except Unsatisfiable:
                    break
                if not isinstance(drawn, str | int) or isinstance(drawn, bool) or not rules.valid(str(drawn)):
                    continue
                text = str(drawn)
                for tail in (f"{salt:016x}", str(salt)):
                    unique = text[:-len(tail)] + tail if len(text) > len(tail) else ""
                    if unique and rules.valid(unique):
                        return unique
                drawn_valid = drawn_valid or text
        return drawn_valid if drawn_valid is not None else candidates[0]

    async def _update(self, op: Operation, res: Resource, address: _Address, stored: dict[str, Any], body: Any,
                      tenant: str) -> Answer:
        fields = self._fields(op, body)
        if op.method == "PUT":
            declared = self._request_properties(op)
            merged = {k: v for k, v in stored.items() if k not in declared} | fields
        else:
            merged = _merge(stored, fields)
        if "lost-update" in self.faults:  # read above, write below: a concurrent update in between is lost
            await asyncio.sleep(LOST_UPDATE_YIELD)
        view = self._view(op)
        answer = self.render.answer(op, self.render.success(op), address.resource, address.ident,
                                    overlay=merged, at=view.path)
        shown = _at(answer.value, view.path)
        if isinstance(shown, dict):  # what the answer drew for fields nothing set is what later reads show
            merged = {**shown, **merged}
        if "no-persist" not in self.faults:
            owner = self.store.owner(address.resource, address.parent, address.ident) or tenant
            self.store.put(address.resource, address.parent, address.ident, owner, merged)
        return answer

    def _list(self, op: Operation, res: Resource, path_params: Mapping[str, str], tenant: str,
              request: Request) -> Answer:
        address = self._address(res, op, path_params, own=False)
        key = self.render.success(op)
        found = self._list_items(op)
        rows = self.store.list(address.resource, address.parent, self._scope(op, tenant))
        if key is None or found is None or (not rows and res.create is None):
            return self.render.answer(op, key, address.resource, address.parent)
        total = len(rows)
        rows = self._as_rows(op, key, res, address, found, _page(op, rows, request.query_params))
        answer = self.render.answer(op, key, address.resource, address.parent, items=rows, items_at=found[0])
        return self._counted(op, answer, total)

    def _as_rows(self, op: Operation, key: str, res: Resource, address: _Address,
                 found: tuple[tuple[str, ...], dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Stored instances as the list's rows, when the rows name a child by another field than its link (OpenAI's
        group roles: created naming `role_id`, listed as roles with their `id`): each row a drawn row with the
        instance laid over it and its identifier in the row's field; other lists show the instances as stored."""
        ident = self._ident_field(res)
        field = row_identifier(found[1], ident) if ident else None
        if ident is None or field is None or field == ident:
            return rows
        drawn = _at(self.render.draw(op, key, address.resource, address.parent), found[0])
        template = drawn[0] if isinstance(drawn, list) and drawn and isinstance(drawn[0], dict) else {}
        return [{**template, **row, field: row[ident]} if ident in row else row for row in rows]

    def _counted(self, op: Operation, answer: Answer, total: int) -> Answer:
        """A list's `total`/`count` (or a count endpoint's) says how many there are, when the schema allows it."""
        value = answer.value
        if isinstance(value, int) and not isinstance(value, bool):
            changed: Any = total
        elif isinstance(value, dict) and any(isinstance(value.get(k), int) for k in _TOTAL_NAMES):
            changed = {k: total if k in _TOTAL_NAMES and isinstance(v, int) and not isinstance(v, bool) else v
                       for k, v in value.items()}
        else:
            return answer
        body = json.dumps(changed, ensure_ascii=False).encode("utf-8")
        check = {**answer.headers, "content-type": answer.media_type or ""}
        if not self.validators.response(op).validate(answer.status, check, body):
            answer.value, answer.body = changed, body
        return answer

    def _count(self, op: Operation, res: Resource, address: _Address, tenant: str) -> Answer | None:
        """`GET /parents/{id}/children/count`: how many children the instance holds."""
        segs = [s for s in op.path.strip("/").split("/")]
        if op.method != "GET" or len(segs) < 2 or _snake(segs[-1]) not in ("count", "total") or not res.item_path:
            return None
        child = self.graph.by_key.get(res.key + "/" + segs[-2] + "/{}")
        if child is None:
            return None
        parent = json.dumps([*json.loads(address.parent), address.ident])
        rows = self.store.list(child.key, parent, self._scope(op, tenant))
        return self._counted(op, self.render.answer(op, self.render.success(op), address.ident, self._next()),
                             len(rows))


# --------------------------------------------------------------------------- helpers


def _multipart_fields(raw: bytes, content_type: str) -> dict[str, tuple[str, str]] | None:
    """The parts of a multipart/form-data body by name, each its text and its own media type (the standard library's
    MIME parser); None if it is not one."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    if not message.is_multipart() or message.defects:
        return None
    fields: dict[str, tuple[str, str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
            fields[name] = (text, part.get_content_type() if part.get("content-type") else "text/plain")
    return fields


def _json_part(text: str) -> Any:
    """A part sent as `application/json` is that JSON, whatever its schema's shape: OpenAI's realtime call `session`
    (`allOf: [$ref]`, no `type` of its own; its `encoding` says `contentType: application/json`, as does its curl
    example's `-F 'session={…};type=application/json'`). Text that is no JSON stays text, for the validator to refuse."""
    try:
        return json.loads(text)
    except ValueError:
        return text



def _at(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _typed(text: str, like: Any) -> Any:
    """A path value as the identifier field's type (an integer id stays an integer)."""
    if isinstance(like, int) and not isinstance(like, bool):
        try:
            return int(text)
        except ValueError:
            return text
    return text


def _required(root: dict[str, Any], node: Any, depth: int = 0) -> list[str]:
    """The properties an object schema requires, its `allOf` parts' included."""
    node = resolved(node, local_resolver(root))
    if not isinstance(node, dict) or depth > 8:
        return []
    out = [r for r in node.get("required") or [] if isinstance(r, str)]
    for part in node.get("allOf") or []:
        out += [r for r in _required(root, part, depth + 1) if r not in out]
    return out


def _unique(drawn: Any, n: int, salt: int) -> Any:
    """A server identifier no other instance has, shaped like the one drawn (the schema's pools repeat)."""
    if isinstance(drawn, bool) or drawn is None:
        return drawn
    if isinstance(drawn, int):
        return n
    if isinstance(drawn, str):
        try:
            uuid.UUID(drawn)
        except ValueError:
            return f"{drawn}{n}"
        return str(uuid.UUID(int=(salt << 64 | n) & ((1 << 128) - 1), version=4))
    return drawn


def _merge(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """PATCH: fields replaced, nested objects merged (RFC 7396 without its null-deletes, which specs rarely mean)."""
    out = dict(old)
    for k, v in new.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _item_url(item_path: str, parent: str, ident: str) -> str:
    values = [*json.loads(parent), ident]
    template = PathTemplate.parse(item_path)
    out = item_path
    for name, value in zip(template.params, values, strict=False):
        out = out.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""), 1)
    return out


def _page(op: Operation, rows: list[dict[str, Any]], query: Any) -> list[dict[str, Any]]:
    """Documented limit/offset/page parameters applied, where the operation has them."""
    names = {_snake(p.name): p.name for p in op.parameters if p.location == "query"}

    def number(options: Iterable[str]) -> int | None:
        for option in options:
            if option in names and names[option] in query:
                try:
                    return max(int(query[names[option]]), 0)
                except ValueError:
                    return None
        return None

    limit, offset, page = number(_LIMIT_NAMES), number(_OFFSET_NAMES), number(_PAGE_NAMES)
    if offset is None and page is not None and limit:
        offset = max(page - 1, 0) * limit
    start = offset or 0
    return rows[start:start + limit] if limit else rows[start:]


def create_emulator(spec: Spec, db_path: str | Path, keys: Mapping[str, list[str]], faults: Iterable[str] = (),
                    seed: int = 0) -> EmulatorApp:
    """The emulator ASGI app of `spec` on the SQLite file `db_path`; `faults` from `GENERIC_FAULTS`."""
    return EmulatorApp(spec, Store(db_path), keys, check_faults(faults, GENERIC_FAULTS), seed)


def _prefer_code(prefer: str) -> int | None:
    """The `code` preference of a Prefer header value (RFC 7240: `token [= value] *(; parameter)`, comma-separated,
    the token case-insensitive, the value a token or a quoted string), or None."""
    for preference in prefer.split(","):
        name, _, value = preference.split(";", 1)[0].partition("=")
        if name.strip().lower() == "code":
            text = value.strip().strip('"')
            return int(text) if text.isdigit() and len(text) == 3 else None
    return None
