"""Live instances of the graph's resources: made by the run, carried down the levels, removed at the end.

Producers run before consumers (:mod:`contract.replay.graph` orders them). Each resource has
one *shared* instance, created once from its accepted create request (with fresh identifiers)
inside the shared instance of its parent, so a record's case finds a real segment in a real
collection; an operation that may change or delete an instance gets a *fresh* one per case,
also inside the shared parent. Identifiers are read from the create's response, from what the
request itself chose (a client-chosen ``name``), or from a ``Location`` header; a resource the
run cannot create takes one from its list (reads only). ``--path-param NAME=VALUE`` pins a
value: it becomes the shared instance of the resource it identifies (read once for its data),
and fills any parameter nothing else produces.

Everything the run created is deleted at the end, deepest first (records → segments →
collections), except the instances a finding's exchange names: its curl line must still replay.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
import uuid
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast
from urllib.parse import urlsplit

from contract.core.paths import PathTemplate
from contract.load import Spec
from contract.model import Case, Exchange, Finding, IdentifierSource, ParamIn
from contract.redact import is_secret_name
from contract.replay.adapt import Adaptation, apply, blamed_patterns, candidates
from contract.replay.checks import Role
from contract.replay.graph import Graph, Plan, list_items
from contract.replay.operations import Link, LiveOperation, Resource, lineage, request_fields, same_place
from contract.replay.order import Order, Phase, Step
from contract.replay.roundtrip import State, unwrap
from contract.validate import CompiledSchema, coerce

__all__ = ["Created", "Host", "Instance", "InstancePool", "unique_value"]

NAMESPACE = uuid.UUID("6f1c1c8e-3f0e-4d8a-9a57-2f6d0c9b4e21")
_PLACES = ("path", "query", "header", "cookie")
MAX_ADAPT_REQUESTS = 8  # per operation: retries varying a blamed field (counted like every other request)


class Host(Protocol):
    """What the pool needs of the run (:class:`contract.replay.context.RunContext`, which holds the pool)."""

    templates: dict[str, Case]
    token: str
    config: Any
    executor: ThreadPoolExecutor

    def send(self, lo: LiveOperation, case: Case, role: Role = ..., *, order: Order,
             expected: State | None = None, writer: str | None = None) -> tuple[Exchange, list[Finding]]: ...

    def send_unjudged(self, case: Case, purpose: Any = ...) -> Exchange: ...

    def expected_for(self, res: Resource, case: Case, *, state: State | None = None) -> State: ...

    def over_time(self) -> bool: ...


@dataclass(eq=False)
class Instance:
    """One live instance: its identifiers, its data as the server showed it, the instance it lives in."""

    resource: Resource
    ids: dict[str, Any]
    data: dict[str, Any]
    parent: Instance | None = None
    # created: by the run; pinned: --path-param; listed: a list showed it; assumed: named by the run, for a
    # resource no operation creates or lists (its identifiers count as made up unless its read answered 2xx)
    origin: Literal["created", "pinned", "listed", "assumed"] = "created"
    deleted: bool = False
    seq: int = 0

    def lineage(self) -> list[Instance]:
        """This instance, then the instance it was created in, and so on up."""
        return lineage(self, lambda i: i.parent)

    def find(self, key: str) -> Instance | None:
        return next((i for i in self.lineage() if i.resource.key == key), None)

    def ancestors_data(self) -> list[tuple[str, Mapping[str, Any]]]:
        return [(i.resource.key, i.data) for i in self.lineage()]

    def values(self) -> list[str]:
        return [str(v) for v in self.ids.values() if isinstance(v, str | int) and not isinstance(v, bool)]


@dataclass(frozen=True, slots=True)
class Created:
    """A resource made for a case or a sequence: its identifiers, what it should now hold, the create exchange."""

    ids: dict[str, Any]  # response field → value, for the identifier links
    expected: State
    exchange: Exchange
    instance: Instance | None = None


def _dig(obj: Any, fname: str) -> Any:
    """`obj[fname]`, or level by level for a nested field from an OpenAPI link (`author/username`)."""
    if isinstance(obj, dict) and fname in obj:
        return obj[fname]
    for token in fname.split("/") if "/" in fname else ():
        obj = obj.get(token) if isinstance(obj, dict) else None
        if obj is None:
            return None
    return obj if "/" in fname and not isinstance(obj, dict | list) else None


def _protected(case: Case) -> set[str]:
    """The tokens of a violating case's constraint pointer: its own parameter is never overwritten."""
    return {t for t in (case.label.pointer.lower().split("/") if case.label else []) if t}


def _body_schema(spec: Spec, op: LiveOperation) -> tuple[dict[str, Any], dict[str, Any]]:
    """(top-level request body properties, the schema root their $refs point into)."""
    return request_fields(spec, op.op)


def unique_value(schema: Any, root: Mapping[str, Any], token: str, tag: str) -> Any | None:
    """A value valid under `schema` and unique to (`token`, `tag`); None when no candidate fits."""
    if not isinstance(schema, dict):
        schema = {}
    digest = hashlib.sha256(f"{token}/{tag}".encode()).hexdigest()
    if schema.get("format") == "uuid":
        return str(uuid.uuid5(NAMESPACE, f"{token}/{tag}"))
    clean = re.sub(r"[^a-z0-9]", "", tag.lower())
    under = re.sub(r"[^a-z0-9_]", "_", tag.lower())
    cands: list[Any] = []
    if schema.get("format") == "email":
        cands.append(f"ct-{token}-{clean}@example.com")
    letters = digest.translate(str.maketrans("0123456789", "ghijklmnop"))  # a-p only
    cands += [f"ct-{token}-{tag}", f"ct_{token}_{under}", f"ct{token}{clean}", f"CT{token}{clean}".upper(),
              f"c{digest[:11]}", digest[:12], letters[:12], letters[:12].upper(), str(int(digest[:12], 16))]
    limit = schema.get("maxLength")
    if isinstance(limit, int) and limit > 0:
        cands += [f"c{digest}"[:limit], digest[:limit], letters[:limit], letters[:limit].upper(),
                  str(int(digest[:15], 16))[:limit]]
    if schema.get("type") == "integer":
        cands = [int(digest[:8], 16)]
    try:
        validator = CompiledSchema({**({"$defs": root["$defs"]} if "$defs" in root else {}), **schema})
    except Exception:  # an odd schema: the plainest candidate
        return cands[0]
    return next((c for c in cands if validator.is_valid(c)), None)


class InstancePool:
    """The run's live instances and what was learnt about fitting bodies to them."""

    def __init__(self, host: Host, spec: Spec, graph: Graph) -> None:
        self.host = host
        self.spec = spec
        self.graph = graph
        self.pins: dict[str, str] = dict(getattr(host.config, "path_params", {}) or {})
        self.created: list[Instance] = []
        self.adaptations: dict[str, list[Adaptation]] = {}
        self.adapt_requests = 0
        self.cleanup_stats: dict[str, int] = {}
        self._shared: dict[str, Instance | None] = {}
        self._lock = threading.RLock()
        self._schemas: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._budget: dict[str, int] = {}  # operation → search probes left
        self._op_locks: dict[str, threading.Lock] = {}
        self._param_checks: dict[str, tuple[CompiledSchema | None, dict[str, Any]]] = {}

    # ------------------------------------------------------------------ fresh identifiers

    def fresh_value(self, res: Resource, link: Link, tag: str) -> str:
        schema = res.view.properties.get(link.field) or {}
        if isinstance(schema, dict) and schema.get("format") == "uuid":
            return str(uuid.uuid5(NAMESPACE, f"{self.host.token}/{tag}/{link.field}"))
        return f"ct-{self.host.token}-{tag}"

    def _schema_of(self, lo: LiveOperation) -> tuple[dict[str, Any], dict[str, Any]]:
        if lo.key not in self._schemas:
            self._schemas[lo.key] = _body_schema(self.spec, lo)
        return self._schemas[lo.key]

    def with_fresh_ids(self, res: Resource, case: Case, tag: str, *, all_links: bool = False) -> Case:
        """`case` with each identifier it carries made unique to `tag`: parameters (all of them, for
        setup creates) and the body fields a client chooses (a collection's `name`)."""
        case = copy.deepcopy(case)
        protected = case.label.pointer.lower() if case.label else ""
        for link in res.links:
            name = link.name
            if link.name.lower() in protected:
                continue
            if link.location == "path":
                if name in case.path_params and res.create is not None:
                    param = res.create.op.parameter("path", name)
                    schema = self.spec.json_schema(param.schema, "request") if param and param.schema else {}
                    value = unique_value(schema, schema, self.host.token, f"{tag}/{name}")
                    if value is not None:
                        case.path_params[name] = str(value)
                        case.identifier_sources[name] = "generated"
                continue
            value = self.fresh_value(res, link, tag)
            case.identifier_sources[name] = "generated"
            if link.location == "header":
                present = next((k for k in case.headers if k.lower() == name.lower()), None)
                if present is not None:
                    case.headers[present] = value
                elif all_links and res.create and res.create.op.parameter("header", name):
                    case.headers[name] = value
            elif link.location == "query" and (name in case.query or (
                    all_links and res.create and res.create.op.parameter("query", name))):
                case.query[name] = value  # only a parameter the create declares (Discord's list-only ?user_id)
        if res.request_ids and res.create is not None and isinstance(case.body, dict) and case.raw_body is None:
            props, root = self._schema_of(res.create)
            guard = _protected(case)
            for fname in res.request_ids:
                if fname in case.body and fname.lower() not in guard and fname in props:
                    value = unique_value(props[fname], root, self.host.token, tag)
                    if value is not None:
                        case.body[fname] = value
        return case

    # ------------------------------------------------------------------ filling cases

    def fill(self, case: Case, lo: LiveOperation, inst: Instance | None, *, add: bool = False) -> Case:
        """`case` naming `inst` (and its ancestors): every identifier parameter of the operation's plan.

        `add`: also set parameters the case does not carry yet (cases built from scratch).
        A violating case's own parameter is left as generated.
        """
        case = copy.deepcopy(case)
        plan = self.graph.plan(lo.key)
        guard = _protected(case)
        bound: set[str] = set()
        for link in plan.bindings if plan else ():
            if plan is not None and plan.role == "create" and plan.resource is not None \
                    and link.owner == plan.resource.key and (inst is None or inst.find(link.owner) is None):
                # the created resource's own identifiers are renewed, not filled; but a create that is also the
                # update (PUT on a client-named item: Twilio's rate-limit buckets) names the instance it replaces
                continue
            bound.add(link.name)
            if link.name.lower() in guard:
                continue
            owner = inst.find(link.owner) if inst is not None else None
            if owner is None and not (plan is not None and plan.fresh and plan.scope is not None
                                      and link.owner == plan.scope.key):  # a write never falls back to the shared one
                res = self.graph.by_key.get(link.owner)
                owner = self.shared(res) if res is not None else None
            value = owner.ids.get(link.field) if owner is not None else None
            # from a create (or list, or read) this run saw succeed; made up when the run named it unseen
            source: IdentifierSource = "generated" if owner is not None and owner.origin == "assumed" \
                else "produced"
            if value is not None and owner is not None and owner.origin == "listed" \
                    and not self._fits(lo, link.location, link.name, value):
                # a list item's field taken for the parameter is a guess (the graph's link): one the parameter's
                # schema refuses shows the guess wrong (Box lists metadata as `$scope: enterprise_1`, its path
                # takes `global|enterprise`); sent, it would make a conforming case non-conforming. What the run
                # created keeps the name it was created under, valid or not (its cleanup must find it).
                value = None
            if value is None and link.location == "path":
                value, source = self.pins.get(link.name), "configured"
            if value is not None:
                self._set(case, link.location, link.name, str(value), add)
                case.identifier_sources[link.name] = source
        for name, value in self.pins.items():
            if name in case.path_params and name not in bound and name.lower() not in guard:
                case.path_params[name] = value
                case.identifier_sources[name] = "configured"
        return case

    def _fits(self, lo: LiveOperation, location: str, name: str, value: Any) -> bool:
        """Whether `value`, sent as the operation's `location` parameter `name`, is valid for its schema (as a
        server deserialises the wire string); True when the operation declares no schema for it."""
        key = f"{lo.key}\0{location}\0{name}"
        with self._lock:
            if key not in self._param_checks:
                param = lo.op.parameter(cast(ParamIn, location), name) if location in _PLACES else None
                schema = self.spec.json_schema(param.schema, "request") if param and param.schema else None
                try:
                    compiled = CompiledSchema(schema) if isinstance(schema, dict) and schema else None
                except Exception:  # an odd schema: not this check's to judge
                    compiled = None
                self._param_checks[key] = (compiled, schema if isinstance(schema, dict) else {})
            compiled, schema = self._param_checks[key]
        return compiled is None or compiled.is_valid(coerce(str(value), schema))

    @staticmethod
    def _set(case: Case, location: str, name: str, value: str, add: bool) -> None:
        if location == "header":
            present = next((k for k in case.headers if k.lower() == name.lower()), None)
            if present is not None:
                case.headers[present] = value
            elif add:
                case.headers[name] = value
        elif location == "query":
            if name in case.query or add:
                case.query[name] = value
        elif name in case.path_params or add:
            case.path_params[name] = value

    def adapt(self, lo: LiveOperation, case: Case, inst: Instance | None) -> Case:
        """`case` with what was learnt for the operation applied (the body fitted to `inst`'s lineage)."""
        learnt = self.adaptations.get(lo.key)
        if not learnt or inst is None or not case.has_body or case.raw_body is not None:
            return case
        ancestors = inst.ancestors_data()
        body = case.body
        pointer = case.label.pointer if case.label else ""
        for adaptation in learnt:
            body = apply(body, adaptation, ancestors, pointer)
        if body is case.body:
            return case
        case = copy.copy(case)
        case.body = body
        return case

    def context(self, lo: LiveOperation, plan: Plan | None, tag: str, order: Order,
                case: Case | None = None) -> Instance | None:
        """The instance a case of `lo` works on: the shared parent for creates and lists, a fresh one
        for writes on an instance, the shared one for reads — and for a violating case whose broken
        constraint is an identifier in the path, which cannot address any instance."""
        if plan is None or plan.scope is None:
            return None
        if plan.fresh:
            guard = _protected(case) if case is not None else set()
            if not any(link.location == "path" and link.name.lower() in guard for link in plan.bindings):
                return self.fresh(plan.scope, tag, order)
        return self.shared(plan.scope)

    # ------------------------------------------------------------------ instances

    def shared(self, res: Resource) -> Instance | None:
        """The run's one shared instance of `res` (made on first use; None when it cannot be had)."""
        with self._lock:
            if res.key in self._shared:
                return self._shared[res.key]
            self._shared[res.key] = None  # a cycle or a failure below answers None, never recurses
            inst = self._pinned(res)
            if inst is None and res.create is not None and res.path in self.host.templates:
                made = self.create(res, "shared", Order(Phase.SHARED, depth=res.depth, key=res.key))
                inst = made.instance if made is not None else None
            if inst is None:
                inst = self._listed(res)
            if inst is None:
                inst = self._assumed(res)
            self._shared[res.key] = inst
            return inst

    def fresh(self, res: Resource, tag: str, order: Order) -> Instance | None:
        """A new instance of `res` for one case (in the shared parent); the pinned one when none can be made."""
        if res.create is not None and res.path in self.host.templates:
            made = self.create(res, tag, order)
            if made is not None:
                return made.instance
        pinned = self.shared(res)
        return pinned if pinned is not None and pinned.origin == "pinned" else None

    def parent_of(self, res: Resource) -> Instance | None:
        return self.shared(res.parent) if res.parent is not None else None

    def create(self, res: Resource, tag: str, order: Order, *, headers: dict[str, str] | None = None,
               parent: Instance | Literal["shared"] | None = "shared") -> Created | None:
        """A new instance from the accepted create template, with identifiers unique to `tag`."""
        template = self.host.templates.get(res.path)
        if template is None or res.create is None:
            return None
        where = self.parent_of(res) if parent == "shared" else parent
        if res.parent is not None and where is None:
            return None
        case = self.with_fresh_ids(res, template, tag, all_links=True)
        case = self.fill(case, res.create, where)
        case = self.adapt(res.create, case, where)
        if headers is not None:
            case.headers = {**{k: v for k, v in case.headers.items() if not is_secret_name(k)}, **headers}
        expected = self.host.expected_for(res, case)
        exchange, _ = self.host.send(res.create, case, "sequence", order=order, expected=expected,
                                     writer=res.create.key)
        if exchange.error or not 200 <= (exchange.status or 0) < 300:
            return None
        inst = self.register(res, case, exchange, where)
        return Created(dict(inst.ids), expected, exchange, inst)

    def register(self, res: Resource, case: Case, exchange: Exchange, parent: Instance | None,
                 origin: Literal["created", "pinned", "listed", "assumed"] = "created") -> Instance:
        """An instance a create answered 2xx to (so it is cleaned up at the end)."""
        ids, data = self.identifiers(res, case, exchange)
        inst = Instance(res, ids, data, parent, origin)
        if origin == "created":
            with self._lock:
                inst.seq = len(self.created)
                self.created.append(inst)
        return inst

    def identifiers(self, res: Resource, case: Case | None, exchange: Exchange) -> tuple[dict[str, Any], dict[str, Any]]:
        """(identifier field → value, the instance's data): response body, then what the request chose, then
        a `Location` header."""
        fields = {link.field for link in res.links} | set(res.request_ids)
        ids: dict[str, Any] = {}
        data: dict[str, Any] = {}
        if case is not None and isinstance(case.body, dict) and case.raw_body is None:
            data.update({k: v for k, v in case.body.items() if not isinstance(v, list)})
            ids.update({f: case.body[f] for f in fields if case.body.get(f) is not None})
        # a client-chosen identifier in the path names the instance whatever the answer's field holds: a PUT
        # creates what its URL names (RFC 9110 §9.3.4; Box's metadata `{template_key}` answers a new `$id`)
        chosen = {link.field: case.path_params[link.name] for link in res.links
                  if case is not None and link.location == "path" and link.name in case.path_params
                  and same_place(link.name, case.path, res.item_path)}
        try:
            obj = unwrap(json.loads(exchange.response_body or b""), res.view.path)
        except (ValueError, UnicodeDecodeError):
            obj = None
        if isinstance(obj, dict):
            data.update(obj)
            ids.update({f: v for f in fields if (v := _dig(obj, f)) is not None})
        ids.update(chosen)
        missing = [link for link in res.links if link.location == "path" and link.field not in ids]
        location = next((v for k, v in exchange.response_headers.items() if k.lower() == "location"), None)
        if missing and location and res.item_path:
            value = self._from_location(res.item_path, location)
            if value is not None:
                for link in missing:
                    ids.setdefault(link.field, value)
        return ids, data

    @staticmethod
    def _from_location(item_path: str, location: str) -> str | None:
        template = PathTemplate.parse(item_path)
        parts = [p for p in urlsplit(location).path.split("/") if p]
        n = len(template.segments)
        for start in range(0, max(len(parts) - n, 0) + 1):
            captured = template.matches("/" + "/".join(parts[start:start + n]))
            if captured and template.params:
                return captured.get(template.params[-1])
        return None

    def _pinned(self, res: Resource) -> Instance | None:
        ids = {link.field: self.pins[link.name] for link in res.links
               if link.location == "path" and link.name in self.pins}
        if not ids:
            return None
        inst = Instance(res, ids, dict(ids), self.parent_of(res), "pinned")
        self._read(inst)  # its data, for what its children's bodies depend on
        return inst

    def _read(self, inst: Instance) -> bool | None:
        """Read `inst` (its data learnt on a 2xx): whether the read answered 2xx, None when it has no read."""
        res = inst.resource
        if res.read is None:
            return None
        case = self.fill(Case(res.read.key, "GET", res.read.op.path, headers=self.base_headers()), res.read,
                         inst, add=True)
        exchange, _ = self.host.send(res.read, case, "probe", order=Order(Phase.PINNED, key=res.key))
        if exchange.error or not 200 <= (exchange.status or 0) < 300:
            return False
        try:
            obj = unwrap(json.loads(exchange.response_body or b""), res.view.path)
        except (ValueError, UnicodeDecodeError):
            obj = None
        if isinstance(obj, dict):
            inst.data.update(obj)
        return True

    def _assumed(self, res: Resource) -> Instance | None:
        """An instance of a resource that no operation creates or lists, named by the run: the parent of
        what a `PUT` creates under a client-chosen name (Twilio Lookups' `/PhoneNumbers/{PhoneNumber}`,
        which has only a read, and `/RateLimits/Fields/{Field}`, which has no operation at all).

        A value valid for each of its path parameters is chosen; its read, when it has one, must answer
        2xx for it (else None: the run knows no instance). Unread, its identifiers stay made up
        (`generated`): a 404 under it blames nobody.
        """
        if res.create is not None or res.lister is not None or res.item_path is None or self.host.over_time():
            return None
        parent = self.parent_of(res)
        if res.parent is not None and parent is None:
            return None
        ids: dict[str, Any] = {}
        for link in res.links:
            if link.location != "path":
                continue
            schema = self._path_schema(res, link.name)
            value = unique_value(schema, schema, self.host.token, f"assumed/{link.name}")
            if value is None:
                return None
            ids[link.field] = value
        if not ids:
            return None
        inst = Instance(res, ids, dict(ids), parent, "assumed")
        read = self._read(inst)
        if read is False:
            return None
        if read:
            inst.origin = "listed"  # its read showed it: as good as listed (reads only, never deleted)
        return inst

    def _path_schema(self, res: Resource, name: str) -> dict[str, Any]:
        """The JSON Schema of path parameter `name` of `res`'s item path, from the first operation declaring it."""
        ops = [lo.op for lo in res.members()] + [op for op in self.spec.operations
                                                 if res.item_path and op.path.startswith(res.item_path)]
        for op in ops:
            param = op.parameter("path", name)
            if param is not None and param.schema is not None:
                js = self.spec.json_schema(param.schema, "request")
                return js if isinstance(js, dict) else {}
        return {}

    def _listed(self, res: Resource) -> Instance | None:
        """An existing instance from the resource's list (rule 6 of the graph): reads only, never deleted."""
        lister = res.lister
        if lister is None or self.host.over_time():
            return None
        parent = self.parent_of(res)
        if res.parent is not None and parent is None:
            return None
        found = list_items(self.spec, lister.op)
        if found is None:
            return None
        case = self.fill(Case(lister.key, "GET", lister.op.path, headers=self.base_headers()), lister, parent,
                         add=True)
        exchange, _ = self.host.send(lister, case, "probe", order=Order(Phase.LISTED, depth=res.depth, key=res.key))
        if exchange.error or not 200 <= (exchange.status or 0) < 300:
            return None
        try:
            items = unwrap(json.loads(exchange.response_body or b""), found[0])
        except (ValueError, UnicodeDecodeError):
            return None
        first = next((i for i in items if isinstance(i, dict)), None) if isinstance(items, list) else None
        if first is None:
            return None
        ids = {link.field: v for link in res.links if (v := _dig(first, link.field)) is not None}
        return Instance(res, ids, dict(first), parent, "listed") if ids else None

    def base_headers(self) -> dict[str, str]:
        return dict(self.host.config.headers)

    def mark_deleted(self, inst: Instance | None) -> None:
        """A DELETE of `inst` was answered 2xx (a shared instance never is the target of one)."""
        with self._lock:
            if inst is not None and all(inst is not s for s in self._shared.values()):
                inst.deleted = True

    # ------------------------------------------------------------------ learning a body's fit

    def may_learn(self, lo: LiveOperation, case: Case, inst: Instance | None) -> bool:
        """Could a refusal of this case be fitted away? A conforming JSON body, ancestors with data, budget left."""
        return inst is not None and case.mode == "conforming" and case.has_body and case.raw_body is None \
            and isinstance(case.body, dict | list) and lo.op.request_body is not None \
            and self._budget.get(lo.key, MAX_ADAPT_REQUESTS) > 0 and any(i.data for i in inst.lineage())

    def learn(self, lo: LiveOperation, case: Case, refused: Exchange, plan: Plan, inst: Instance | None,
              index: int, i: int) -> Case | None:
        """A conforming case of `lo` was refused 400/422: the case fitted to its ancestors' data, or None.

        What was learnt already (by another case, meanwhile) is tried first; else the candidates of
        :func:`contract.replay.adapt.candidates` for the field the error names, each one probe, at most
        ``MAX_ADAPT_REQUESTS`` per operation; what the server accepts is kept for every later case.
        """
        if inst is None:
            return None
        with self._op_lock(lo.key):
            fitted = self.adapt(lo, case, inst)
            if fitted.body != case.body:
                return fitted  # learnt meanwhile
            if not blamed_patterns(refused.response_body, case.body):
                return None
            budget = [self._budget.get(lo.key, MAX_ADAPT_REQUESTS)]
            learnt = self._search(lo, case, refused, plan, inst, index, i, budget)
            self._budget[lo.key] = budget[0]
            if not learnt:
                return None
            self.adaptations[lo.key] = [*self.adaptations.get(lo.key, []), *learnt]
            return self.adapt(lo, case, inst)

    def _op_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._op_locks.setdefault(key, threading.Lock())

    def _probe(self, lo: LiveOperation, case: Case, plan: Plan, inst: Instance | None, order: Order) -> Exchange:
        exchange, _ = self.host.send(lo, case, "probe", order=order)
        if plan.role == "create" and plan.resource is not None and exchange.error is None \
                and 200 <= (exchange.status or 0) < 300:
            self.register(plan.resource, case, exchange, inst)
        return exchange

    def _search(self, lo: LiveOperation, case: Case, refused: Exchange, plan: Plan, inst: Instance,
                index: int, j: int, budget: list[int]) -> list[Adaptation]:
        ancestors = inst.ancestors_data()
        learnt: list[Adaptation] = []
        tried: set[tuple[Any, ...]] = set()
        body = case.body
        step = 0
        while budget[0] > 0 and not self.host.over_time():
            blamed = [(p, m) for p, m in blamed_patterns(refused.response_body, body)
                      if p not in {a.pattern for a in learnt}]
            progress = False
            for pattern, message in blamed[:2]:
                for adaptation in candidates(body, pattern, message, ancestors)[:4]:
                    if budget[0] <= 0:
                        break
                    key = (adaptation.pattern, adaptation.kind, adaptation.owner, adaptation.field,
                           json.dumps(adaptation.constant))
                    if key in tried:
                        continue
                    tried.add(key)
                    attempt = copy.copy(case)
                    attempt.body = apply(body, adaptation, ancestors)
                    budget[0] -= 1
                    step += 1
                    with self._lock:
                        self.adapt_requests += 1
                    exchange = self._probe(lo, attempt, plan, inst, Order(Phase.FLOOD, index=index, case=j, step=Step.FIT, item=step))
                    if exchange.error is not None or exchange.status is None:
                        return []
                    if exchange.status in (400, 422) and pattern in {
                            p for p, _ in blamed_patterns(exchange.response_body, attempt.body)}:
                        continue  # still blamed: the next candidate
                    # the field passes now (a 2xx, or an answer from past the validation: 409, even 5xx)
                    learnt.append(adaptation)
                    if exchange.status not in (400, 422):
                        return learnt
                    body, refused, progress = attempt.body, exchange, True  # something else is blamed
                    break
                if progress:
                    break
            if not progress:
                return []
        return []

    # ------------------------------------------------------------------ cleanup

    def cleanup(self, keep: Iterable[str] = ()) -> dict[str, int]:
        """Delete what the run created, deepest first; instances whose identifiers appear in `keep`
        (the findings' requests) stay, with their ancestors, so every curl line still replays."""
        evidence = list(keep)
        with self._lock:
            todo = [i for i in self.created if not i.deleted and i.origin == "created"]
        kept: set[int] = set()
        for inst in todo:
            values = inst.values()
            if any(v and any(v in text for text in evidence) for v in values if len(v) >= 6):
                for node in inst.lineage():
                    kept.add(id(node))
        stats = {"deleted": 0, "failed": 0, "kept": 0, "skipped": 0}
        levels: dict[int, list[Instance]] = {}
        for inst in todo:
            if id(inst) in kept:
                stats["kept"] += 1
            elif inst.resource.delete is None or inst.resource.delete.op.method != "DELETE":
                stats["skipped"] += 1
            else:
                levels.setdefault(inst.resource.depth, []).append(inst)

        def delete(inst: Instance) -> bool:
            lo = inst.resource.delete
            assert lo is not None
            case = self.fill(Case(lo.key, "DELETE", lo.op.path, headers=self.base_headers()), lo, inst, add=True)
            if any("{" + p.name + "}" in lo.op.path and p.name not in case.path_params
                   for p in lo.op.parameters if p.location == "path"):
                return False
            exchange = self.host.send_unjudged(case)
            ok = exchange.error is None and (200 <= (exchange.status or 0) < 300 or exchange.status in (404, 410))
            if ok:
                inst.deleted = True
            return ok

        for depth in sorted(levels, reverse=True):
            batch = sorted(levels[depth], key=lambda i: -i.seq)
            for ok in self.host.executor.map(delete, batch):
                stats["deleted" if ok else "failed"] += 1
        self.cleanup_stats = stats
        return stats

