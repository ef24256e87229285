"""The API-wide resource graph: which operation produces the identifiers another one consumes.

Inferred from the spec alone, no configuration. A *resource* is a collection path and the
path of one of its instances (``/collections`` + ``/collections/{collection_name}``); its
*parent* is the resource whose instance the collection path names (segments live in a
collection, records in a segment). Every operation gets a :class:`Plan`: its role, the
resource whose instance it needs (its *scope*), whether each case needs a fresh instance of
its own, and a :class:`~contract.replay.operations.Link` per identifier parameter saying which
resource's instance, and which field of it, carries the value.

The rules, in the order they apply:

1. **OpenAPI links.** ``links`` on a response (``operationId``/``operationRef`` +
   ``parameters: {p: '$response.body#/id'}``, ``'$request.body#/name'``) name the producer of a
   parameter and its field; they win over everything below.
2. **Path nesting.** Every ``{param}`` segment after a literal makes an item path; the literal
   before it is the collection. ``POST /x`` creates an ``/x/{id}`` (a ``PUT /x/{id}`` does, when
   there is no ``POST /x``: a client-chosen identifier, Qdrant style); a collection path inside
   another resource's item path is a child of that resource, however many literals it has after the
   item (``/segments``, Twilio's ``/SIP/CredentialLists.json``, GitHub's ``/actions/runners``).
3. **Roles.** On the item path: GET read, PATCH (else PUT) update, DELETE delete, POST an update
   when nothing else updates (Stripe style) else an action. ``GET /x`` is the list, never a read.
   A literal tail after an item path (``/seal``, ``/snapshot``, ``/stats``, ``/payload``) or after
   a child collection (``/records/query``, ``/records/batch``, ``/segments/count``) is an
   *action* on the instance, never a create of a resource of its own. A path with no parameter
   and no item path at all (the seed's ``/profile/``) keeps the old reading: POST creates,
   GET/PUT/PATCH/DELETE on the same path act on what it created (identified by headers).
4. **Parameter names ↔ fields** of the producer's create response *and request*: exact name;
   the name minus the resource's own prefix (``collection_name`` → ``name``, ``segment_id`` →
   ``id``, singular or plural); the generic candidates of :func:`name_candidates` (vendor
   prefixes, camelCase); ``id``. A field the create's request carries (a client-chosen name; Discord's
   stage instance ``channel_id``, Box's taxonomy ``namespace``, echoed in the answer or not) is a
   *request identifier*: renewed with a fresh valid value at every create, since two creates naming one
   identifier make one instance of what the run takes for two. Query parameters are
   identifiers only when the name says so (``*_id``) and a resource of that name exists;
   ``?min_score`` never is.
5. **Location headers** (run time, :mod:`contract.replay.pool`): a create answering
   ``Location: /x/abc`` gives the item path's parameter when the body lacks the field.
6. **List responses** (run time): a resource no run can create (no create, or every create
   refused) takes an existing instance from its list, ``GET /x`` → ``items[0]``, for reads only.

Safe methods (GET/HEAD/OPTIONS) share one instance per resource; anything else on an instance
(update, delete, actions) gets a fresh instance per case, so no case can disturb another; creates
and lists use the shared parent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from contract.core.paths import PathTemplate, Segment
from contract.load import Spec
from contract.model import Operation
from contract.replay.operations import (
    Link,
    LiveOperation,
    Resource,
    ResourceView,
    _snake,
    deref,
    link_field,
    request_properties,
    resource_view,
    success_schema,
)

__all__ = ["Graph", "Plan", "Role", "build_graph", "list_items", "singular"]

Role = Literal["create", "list", "read", "update", "delete", "action"]
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_LIST_KEYS = ("items", "data", "results", "records", "entries", "list", "values", "objects", "elements")
_UNIQUE_NAMES = frozenset({"name", "slug", "key", "handle", "username", "login"})


@dataclass(frozen=True, slots=True)
class Plan:
    """How one operation's cases get real identifiers.

    `resource`: the resource it creates, lists or acts on. `scope`: the resource whose instance
    its cases need (a create's or a list's parent; the resource itself otherwise; None at the
    root). `fresh`: each case gets an instance of `scope` of its own (the operation may change or
    delete it). `bindings`: identifier parameter → (owner resource key, field).
    """

    role: Role
    resource: Resource | None
    scope: Resource | None
    fresh: bool
    bindings: tuple[Link, ...] = ()


@dataclass(slots=True)
class Graph:
    resources: list[Resource] = field(default_factory=list)  # parents before children
    plans: dict[str, Plan] = field(default_factory=dict)  # operation key → plan
    members: dict[str, Resource] = field(default_factory=dict)  # create/read/update/delete key → resource
    by_key: dict[str, Resource] = field(default_factory=dict)

    def plan(self, key: str) -> Plan | None:
        return self.plans.get(key)

    def attach(self, lo: LiveOperation, res: Resource, role: Role) -> None:
        """A live-discovered operation joins `res` in `role` (its identifiers: the resource's own links)."""
        self.members[lo.key] = res
        bindings = tuple(Link(link.location, link.name, link.field, res.key) for link in res.links
                         if lo.op.parameter(link.location, link.name))  # type: ignore[arg-type]
        parent_links = self.plans[res.create.key].bindings if res.create and res.create.key in self.plans else ()
        bindings += tuple(b for b in parent_links if b.owner != res.key)
        self.plans[lo.key] = Plan(role, res, res, lo.op.method not in SAFE, bindings)


# --------------------------------------------------------------------------- names and shapes


def singular(word: str) -> str:
    """`collections` → `collection`, `entries` → `entry`, `boxes` → `box`; snake case."""
    w = _snake(word)
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 1:
        return w[:-1]
    return w


_FORMAT = re.compile(r"\.(json|xml)$")  # Twilio's /Calls.json beside /Calls/{Sid}.json


def _is_param(seg: Segment) -> bool:
    """A whole-segment template, or one with a format suffix (`{Sid}.json`)."""
    if seg.rank == 0:
        return True
    pieces = seg.pieces
    return len(pieces) == 2 and not isinstance(pieces[0], str) and isinstance(pieces[1], str) \
        and _FORMAT.fullmatch(pieces[1]) is not None


def _shape(segs: Sequence[Segment]) -> str:
    return "/" + "/".join("{}" if _is_param(s) else _FORMAT.sub("", str(s)) for s in segs)


def _render(segs: Sequence[Segment]) -> str:
    return "/" + "/".join(str(s) for s in segs)


def _param_name(seg: Segment) -> str:
    piece = seg.pieces[0]
    return piece if isinstance(piece, str) else piece.name


def list_items(spec: Spec, op: Operation) -> tuple[tuple[str, ...], dict[str, Any]] | None:
    """Where a list response keeps its items: `((), items)` for a bare array, `(("items",), ...)` for an envelope."""
    js = success_schema(spec, op)
    if js is None:
        return None
    node = deref(js, js)
    if not isinstance(node, dict):
        return None
    if node.get("type") == "array" or ("items" in node and "properties" not in node):
        items = deref(js, node.get("items"))
        return ((), items if isinstance(items, dict) else {})
    props = node.get("properties") or {}
    arrays = {k: deref(js, v) for k, v in props.items() if isinstance(deref(js, v), dict)
              and deref(js, v).get("type") == "array"}
    key = next((k for k in _LIST_KEYS if k in arrays), None)
    if key is None and len(arrays) == 1:
        key = next(iter(arrays))
    if key is None:
        return None
    items = deref(js, arrays[key].get("items"))
    return ((key,), items if isinstance(items, dict) else {})


def row_identifier(items: Any, own: str) -> str:
    """The field a list's rows carry a child's identifier in: its link field `own` when the row schema declares it
    (or declares nothing), else `id`. OpenAI's group role and group user assignments are created naming the role or
    user (`role_id`, `user_id`: the create's request field, the item path's parameter) and listed as the roles and
    users themselves, each with its `id` (`AssignedRoleDetails`, `User`)."""
    props = items.get("properties") if isinstance(items, dict) else None
    if not isinstance(props, dict) or own in props or "id" not in props:
        return own
    return "id"


# --------------------------------------------------------------------------- OpenAPI links


def _openapi_links(spec: Spec, ops: Sequence[LiveOperation]) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(target operation key, parameter) → (producer operation key, field, "response" | "request")."""
    by_id = {lo.op.operation_id: lo.key for lo in ops if lo.op.operation_id}
    by_ref = {f"#/paths/{lo.op.path.replace('~', '~0').replace('/', '~1')}/{lo.op.method.lower()}": lo.key
              for lo in ops}
    out: dict[tuple[str, str], tuple[str, str, str]] = {}
    for lo in ops:
        for resp in lo.op.responses.values():
            if not resp.where or not resp.where.pointer:
                continue
            node: Any = spec.data
            for token in resp.where.pointer.lstrip("/").split("/"):
                node = node.get(token.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
            raw = spec.resolve(node.get("links")) if isinstance(node, dict) else None
            for link in (raw or {}).values() if isinstance(raw, dict) else []:
                link = spec.resolve(link)
                if not isinstance(link, dict):
                    continue
                target = by_id.get(str(link.get("operationId"))) or by_ref.get(str(link.get("operationRef", "")))
                if target is None:
                    continue
                for pname, expr in (link.get("parameters") or {}).items():
                    if not isinstance(expr, str) or "#/" not in expr:
                        continue
                    source = "request" if expr.startswith("$request.body") else \
                        "response" if expr.startswith("$response.body") else None
                    if source is None:
                        continue
                    tokens = [x.replace("~1", "/").replace("~0", "~") for x in expr.split("#/", 1)[1].split("/")]
                    fname = "/".join(tokens)  # a nested field ("author/username") is looked up level by level
                    out.setdefault((target, str(pname).split(".")[-1]), (lo.key, fname, source))
    return out


# --------------------------------------------------------------------------- the graph


@dataclass(slots=True)
class _Item:
    res: Resource
    segs: list[Segment]  # the item path as first written


def _pick(current: LiveOperation | None, candidate: LiveOperation) -> LiveOperation:
    """The operation a role keeps: from the spec before docs/live, PATCH before PUT, then by key."""
    if current is None:
        return candidate
    def rank(o: LiveOperation) -> tuple[bool, bool, str]:
        return o.origin != "spec", o.op.method == "PUT", o.key

    return candidate if rank(candidate) < rank(current) else current


class _Builder:
    def __init__(self, spec: Spec, ops: Sequence[LiveOperation]) -> None:
        self.spec = spec
        self.ops = list(ops)
        self.segs = {lo.key: list(PathTemplate.parse(lo.op.path).segments) for lo in self.ops}
        self.items: dict[str, _Item] = {}
        self.seeds: dict[str, Resource] = {}
        self.roles: dict[str, tuple[str, Resource | None, Resource | None]] = {}  # key → role, resource, scope
        self.links_in = _openapi_links(spec, self.ops)
        self.creates_by_key: dict[str, Resource] = {}

    # ---------------------------------------------------------------- resources

    def resources(self) -> None:
        for lo in self.ops:
            segs = self.segs[lo.key]
            for k, seg in enumerate(segs):
                if _is_param(seg):
                    shape = _shape(segs[:k + 1])
                    if shape not in self.items:
                        collection = segs[:k]
                        last = next((str(s) for s in reversed(collection) if not _is_param(s)), "")
                        res = Resource(path=_render(collection) if collection else "/", key=shape,
                                       item_path=_render(segs[:k + 1]),
                                       name=singular(last) if collection and not _is_param(collection[-1]) else "")
                        self.items[shape] = _Item(res, segs[:k + 1])
        for item in self.items.values():
            coll = item.segs[:-1]
            for j in range(len(coll) - 1, -1, -1):
                if _is_param(coll[j]):
                    parent = self.items.get(_shape(coll[:j + 1]))
                    if parent is not None:
                        item.res.parent = parent.res
                    break

    def _deepest(self, segs: list[Segment]) -> int | None:
        return next((k for k in range(len(segs) - 1, -1, -1) if _is_param(segs[k])
                     and _shape(segs[:k + 1]) in self.items), None)

    # ---------------------------------------------------------------- roles

    def classify(self) -> None:
        item_posts: list[tuple[LiveOperation, Resource]] = []
        item_puts: dict[str, LiveOperation] = {}
        for lo in self.ops:
            segs, method = self.segs[lo.key], lo.op.method
            deep = self._deepest(segs)
            if deep is None:
                self._classify_root(lo, segs)
                continue
            res = self.items[_shape(segs[:deep + 1])].res
            tail = segs[deep + 1:]
            if not tail:
                if method == "GET":
                    res.read = _pick(res.read, lo)
                elif method in ("PATCH", "PUT"):
                    res.update = _pick(res.update, lo)
                    if method == "PUT":
                        item_puts[res.key] = _pick(item_puts.get(res.key), lo)
                elif method == "DELETE":
                    res.delete = _pick(res.delete, lo)
                elif method == "POST":
                    item_posts.append((lo, res))
                    continue
                else:
                    self._action(lo, res, res)
                    continue
                self.roles[lo.key] = ("member", res, res)  # which member: decided in build_graph
                continue
            # a child collection: one literal after the item (`/segments`), or several (Twilio's
            # `/Accounts/{AccountSid}/SIP/CredentialLists.json`, GitHub's `/repos/{owner}/{repo}/actions/runners`)
            child = self.items.get(_shape([*segs[:deep + 1], *tail]) + "/{}") \
                if not any(_is_param(t) for t in tail) else None
            if child is not None:
                self._on_collection(lo, child.res, res, action_on=res)
                continue
            self._action(lo, res, res)
        for lo, res in item_posts:
            if res.update is None:
                res.update = lo
                self.roles[lo.key] = ("member", res, res)
            else:
                self._action(lo, res, res)
        for item in self.items.values():  # a client-chosen identifier: PUT /x/{name} creates when nothing POSTs
            res = item.res
            put = item_puts.get(res.key)
            if res.create is None and put is not None:
                res.create = put  # the PUT stays the update too when nothing PATCHes

    def _on_collection(self, lo: LiveOperation, res: Resource, scope: Resource | None, *,
                       action_on: Resource) -> None:
        """An operation on `res`'s collection path: POST creates, GET lists, anything else is an action."""
        method = lo.op.method
        if method == "POST":
            res.create = _pick(res.create, lo)
            self.roles[lo.key] = ("create", res, scope)
        elif method == "GET":
            res.lister = _pick(res.lister, lo)
            self.roles[lo.key] = ("list", res, scope)
        else:
            self._action(lo, action_on, scope)

    def _action(self, lo: LiveOperation, res: Resource | None, scope: Resource | None) -> None:
        if res is not None:
            res.actions.append(lo)
        self.roles[lo.key] = ("action", res, scope)

    def _classify_root(self, lo: LiveOperation, segs: list[Segment]) -> None:
        shape, method = _shape(segs), lo.op.method
        own = self.items.get(shape.rstrip("/") + "/{}" if shape != "/" else "/{}")
        if own is not None:
            self._on_collection(lo, own.res, None, action_on=own.res)
            return
        for j in range(len(segs) - 1, 0, -1):
            if _shape(segs[:j]) + "/{}" in self.items:  # /pets/search beside /pets/{id}
                self.roles[lo.key] = ("action", None, None)
                return
        # No item path anywhere near: the seed's reading, one resource per path, identified by headers.
        base = lo.op.path.rstrip("/") or "/"
        res = self.seeds.setdefault(base, Resource(path=base, key=base))
        self.roles[lo.key] = ("member", res, res)
        if method == "POST":
            res.create = _pick(res.create, lo)
        elif method == "GET":
            if list_items(self.spec, lo.op) is not None:
                res.lister = _pick(res.lister, lo)
                self.roles[lo.key] = ("list", res, None)
            else:
                res.read = _pick(res.read, lo)
        elif method in ("PATCH", "PUT"):
            res.update = _pick(res.update, lo)
        elif method == "DELETE":
            res.delete = _pick(res.delete, lo)

    # ---------------------------------------------------------------- identifiers

    def views(self, resources: Iterable[Resource]) -> None:
        for res in resources:
            if res.create is not None:
                res.view = resource_view(self.spec, res.create.op)
            elif res.read is not None:
                res.view = resource_view(self.spec, res.read.op)
            elif res.lister is not None:
                found = list_items(self.spec, res.lister.op)
                js = success_schema(self.spec, res.lister.op) or {}
                props = (found[1].get("properties") or {}) if found else {}
                res.view = ResourceView((), dict(props), js)

    def own_field(self, res: Resource, name: str) -> tuple[str, bool]:
        """The field of `res` a parameter named `name` carries, and whether the create's request chooses it."""
        resp = dict(res.view.properties)
        req = request_properties(self.spec, res.create.op) if res.create and res.create.op.request_body else {}
        link = self._create_link(res, name)
        if link is not None:
            return link, link in req
        snake = _snake(name)
        fields = {**{f: f for f in req}, **{f: f for f in resp}}
        by_norm = {_snake(f): f for f in fields}
        found = by_norm.get(snake)
        if found is None and res.name:
            for prefix in dict.fromkeys((res.name, _snake(res.path.rsplit("/", 1)[-1]))):
                if prefix and snake.startswith(prefix + "_") and snake[len(prefix) + 1:] in by_norm:
                    found = by_norm[snake[len(prefix) + 1:]]
                    break
        if found is None:
            found = link_field(name, fields)
        if found is None and "id" in by_norm:
            found = by_norm["id"]
        if found is None:
            rest = snake[len(res.name) + 1:] if res.name and snake.startswith(res.name + "_") else snake
            return rest or snake, False
        return found, found in req

    def _create_link(self, res: Resource, name: str) -> str | None:
        """`links` on the create's responses naming this parameter (whatever operation they point to)."""
        if res.create is None:
            return None
        for (_target, pname), (producer, fname, _source) in self.links_in.items():
            if producer == res.create.key and pname == name:
                return fname
        return None

    def bindings(self, lo: LiveOperation, res: Resource | None, scope: Resource | None,
                 all_resources: list[Resource]) -> tuple[Link, ...]:
        segs = self.segs[lo.key]
        lineage = scope.lineage() if scope is not None else []
        out: list[Link] = []
        for p in lo.op.parameters:
            if p.location == "path":
                k = next((i for i, s in enumerate(segs) if _is_param(s) and _param_name(s) == p.name), None)
                owner = self.items.get(_shape(segs[:k + 1])) if k is not None else None
                linked = self.links_in.get((lo.key, p.name))
                if linked is not None:  # the producer's resource: what it creates, reads or updates
                    entry = self.roles.get(linked[0])
                    producer = entry[1] if entry is not None and entry[0] in ("create", "member") else None
                    if producer is not None and producer in all_resources:
                        out.append(Link("path", p.name, linked[1], producer.key))
                        if linked[2] == "request" and linked[1] not in producer.request_ids:
                            producer.request_ids.append(linked[1])
                        continue
                if owner is None:
                    continue
                fname, chosen = self.own_field(owner.res, p.name)
                if chosen and fname not in owner.res.request_ids:
                    owner.res.request_ids.append(fname)
                out.append(Link("path", p.name, fname, owner.res.key))
            elif p.location == "query":
                snake = _snake(p.name)
                if snake == "id" and res is not None and (res.create is not None or res.lister is not None) \
                        and "id" in res.view.properties and lo is not res.lister:
                    out.append(Link("query", p.name, "id", res.key))  # ?id= names the operation's own resource
                    continue
                if not snake.endswith("_id") or len(snake) <= 3:
                    continue
                prefix = snake[:-3]
                named = [r for r in all_resources if r.name and r.name in (prefix, singular(prefix))
                         and (r.create is not None or r.lister is not None)]
                named.sort(key=lambda r: (r not in lineage, r.depth))
                if named:
                    fname, _ = self.own_field(named[0], p.name)
                    out.append(Link("query", p.name, fname, named[0].key))
                elif res is not None and (own := link_field(p.name, res.view.properties)) is not None \
                        and _snake(own) == snake:
                    out.append(Link("query", p.name, own, res.key))
            elif p.location == "header" and res is not None and res.item_path is None:
                header = self._create_link(res, p.name) or link_field(p.name, res.view.properties)
                if header is not None:
                    out.append(Link("header", p.name, header, res.key))
        return tuple(out)


def build_graph(spec: Spec, ops: Sequence[LiveOperation]) -> Graph:
    """The resources of `ops` (parents first) and a plan for every operation that needs identifiers."""
    b = _Builder(spec, ops)
    b.resources()
    b.classify()
    item_resources = [i.res for i in b.items.values()]
    seeds = [r for r in b.seeds.values() if r.create is not None]
    resources = item_resources + seeds
    b.views(resources)
    graph = Graph()
    for res in resources:
        graph.by_key[res.key] = res
        for lo in res.members():
            graph.members[lo.key] = res
    for lo in ops:
        entry = b.roles.get(lo.key)
        if entry is None:
            continue
        role, owner, scope = entry
        if owner is not None and role in ("member", "create"):  # as the resource finally holds it
            role = "create" if owner.create is lo else "read" if owner.read is lo else "update" \
                if owner.update is lo else "delete" if owner.delete is lo else role
            scope = owner.parent if role == "create" else owner
            if role == "member":
                role = "action"
                owner.actions.append(lo)
        if owner is not None and owner.item_path is None and owner.key not in graph.by_key:
            continue  # a seed-style path with no create: plain operations
        fresh = scope is not None and lo.op.method not in SAFE and role not in ("create", "list")
        graph.plans[lo.key] = Plan(role, owner, scope, fresh,  # type: ignore[arg-type]
                                   b.bindings(lo, owner, scope, resources))
    for res in resources:
        own: dict[tuple[str, str], Link] = {}
        for plan in graph.plans.values():
            for link in plan.bindings:
                if link.owner == res.key:
                    key = (link.location, link.name.lower() if link.location == "header" else link.name)
                    own.setdefault(key, Link(link.location, link.name, link.field))
        res.links = [own[k] for k in sorted(own)]
        if res.create is not None and res.create.op.request_body is not None:
            req = request_properties(spec, res.create.op)
            for fname, schema in req.items():
                if _snake(fname) in _UNIQUE_NAMES and fname not in res.request_ids and _plain_string(schema):
                    res.request_ids.append(fname)
    graph.resources = sorted(resources, key=lambda r: (r.depth, r.path))
    return graph


def _plain_string(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") in ("string", None) and "enum" not in schema \
        and "const" not in schema and "$ref" not in schema

