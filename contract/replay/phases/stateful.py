"""Stateful: per resource, live discovery, then create → read → update → read → (other tenant) → concurrent
updates → delete → read, and list consistency.

The resource's operations come from the spec, the docs (a documented PATCH the
spec lacks) and the target itself: :func:`discover` probes the methods nobody
documents on a throwaway resource, with the same identification, and a 404/405/501
means "not there". Identifiers flow from each create response into the later
requests through the resource's links (see :mod:`contract.replay.operations`);
a nested resource's sequence runs inside the shared instances of its ancestors
(a record in a real segment of a real collection, :mod:`contract.replay.pool`).
Skipped when read-only (the sequences need creates) or once the time or budget is up.

Checks made here: live.round_trip (each write against its response and the
following read), live.tenant_isolation (credential B must not read, change or
delete what credential A created), live.lost_update (concurrent partial updates of
distinct keys, all acknowledged, must all be there), live.delete_effective (a
deleted resource reads as gone), live.list_consistent (in a parent of its own, the
list and the count show exactly the children just created there), live.live_only_operation.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from contract.model import Case, Exchange
from contract.redact import is_secret_name
from contract.replay.checks import Observation, finding
from contract.replay.context import RunContext
from contract.replay.graph import list_items, row_identifier
from contract.replay.operations import LiveOperation, Resource, live_operation, request_properties
from contract.replay.order import Order, Phase, Step
from contract.replay.pool import Instance
from contract.replay.roundtrip import DELETED, Rules, State, kv_fields, unwrap
from contract.validate import Validators

__all__ = ["discover", "run", "run_sequences"]

_ABSENT = (404, 405, 501)
_CONCURRENT_UPDATES = 8


def run(ctx: RunContext) -> None:
    if not ctx.config.stateful or ctx.config.read_only or ctx.over_time():
        return
    for r_index, res in enumerate(ctx.resources):
        discover(ctx, res, r_index)
        run_sequences(ctx, res, r_index)


def _at(r_index: int, step: Step, *, item: int = 0, sub: int = 0) -> Order:
    """A place in the walk of the run's `r_index`-th resource."""
    return Order(Phase.STATEFUL, index=r_index, step=step, item=item, sub=sub)


def _case_for(ctx: RunContext, lo: LiveOperation, inst: Instance | None, headers: dict[str, str],
              body: Any = None, has_body: bool = False) -> Case:
    """A request to `lo` naming `inst` (identifier parameters from the graph: its own and its ancestors')."""
    case = Case(lo.key, lo.op.method, lo.op.path, headers=dict(headers), body=body, has_body=has_body,
                media_type="application/json" if has_body else None)
    return ctx.instances.fill(case, lo, inst, add=True)


def _base_headers(ctx: RunContext, credentials: dict[str, str] | None = None) -> dict[str, str]:
    """The run's headers (or another credential's) minus identifiers, which `_case_for` adds."""
    headers = {k: v for k, v in ctx.config.headers.items()}
    if credentials is not None:
        headers = {k: v for k, v in headers.items() if not is_secret_name(k)}
        headers.update(credentials)
    return headers


def discover(ctx: RunContext, res: Resource, r_index: int) -> None:
    """Probe GET/PUT/PATCH/DELETE that no source documents; add the ones the target serves as live operations."""
    if res.create is None or res.path not in ctx.templates or res.item_path is not None:
        return  # an item path in the spec: its methods are known
    known = {lo.op.method for lo in res.members()} | {lo.op.method for lo in ctx.ops
                                                      if ctx.check_ctx.resources.get(lo.key) is res}
    missing = [m for m in ("GET", "PUT", "PATCH", "DELETE") if m not in known]
    if not missing:
        return
    made = ctx.instances.create(res, f"probe{r_index}", _at(r_index, Step.DISCOVER))
    if made is None:
        return
    ids = made.instance
    template = ctx.templates[res.path]
    found: list[LiveOperation] = []
    for method in missing:
        lo = live_operation(method, res.create.op)
        body = template.body if method in ("PUT", "PATCH") else None
        case = _case_for(ctx, lo, ids, _base_headers(ctx), body, method in ("PUT", "PATCH"))
        exchange = ctx.sender.send(case, "discovery")
        if exchange.error is None and exchange.status is not None and exchange.status not in _ABSENT:
            found.append(lo)
    if not found:
        return
    for lo in found:
        ctx.ops.append(lo)
        role = {"GET": "read", "PUT": "update", "PATCH": "update", "DELETE": "delete"}[lo.op.method]
        if getattr(res, role) is None:
            setattr(res, role, lo)
        ctx.graph.attach(lo, res, role)  # type: ignore[arg-type]
        ctx.check_ctx.resources[lo.key] = res
        f = finding("live.live_only_operation", Observation(lo, None, Exchange(lo.op.method, "", {})),
                    f"{lo.key} is served by the target but documented neither in the spec nor on a docs page",
                    lo.key)
        f.exchange = None
        ctx.record(Order(Phase.INVENTORY, key=lo.key), f, Observation(lo, None, Exchange(lo.op.method, "", {})))
    ctx.validators = Validators(ctx.spec, [o.op for o in ctx.ops])
    ctx.check_ctx.validators = ctx.validators


def _update_body(ctx: RunContext, res: Resource, state: State, step: int,
                 current: dict[str, Any] | None = None) -> Any:
    """A generated conforming update body, plus one new key-value entry and one documented deletion."""
    assert res.update is not None
    rules = ctx.rules.get(res.path, Rules())
    body: dict[str, Any] = {}
    own = _own_update_body(ctx, res, current or {})
    if own is not None:
        return own
    template = ctx.templates.get(res.path)
    if template is not None and isinstance(template.body, dict):
        body = {k: v for k, v in copy.deepcopy(template.body).items() if not isinstance(v, dict)}
    for fname in kv_fields(res):
        in_template = template is not None and isinstance(template.body, dict) and fname in template.body
        if fname not in body and not in_template:
            continue
        items = [i for i in body.get(fname) or [] if isinstance(i, dict)][:3]
        items.append({"key": f"ct_rt_{step}", "value": "round-trip-0123456789"})
        current = state.fields.get(fname)
        if isinstance(current, dict):
            victim = next((k for k, v in current.items() if v is not DELETED and not str(k).startswith("ct_rt")),
                          None)
            tokens = rules.deletes.get(fname, set())
            if victim is not None and tokens:
                items.append({"key": victim, "value": "" if "empty" in tokens else None})
        body[fname] = items
    return body


def _own_update_body(ctx: RunContext, res: Resource, current: dict[str, Any]) -> Any:
    """An accepted conforming body of the update itself, when its request differs from the create's (a
    record's PATCH takes a payload and a score, never the vector it was created with) or when the update is
    the create (a PUT on a client-named item: the create's own body again would change nothing): the one
    changing most of what the resource `current`ly holds, so a write that is not kept shows."""
    assert res.update is not None
    if res.create is None or res.update.op.request_body is None:
        return None
    mine = set(request_properties(ctx.spec, res.update.op))
    upsert = res.update.key == res.create.key
    if not mine or (mine == set(request_properties(ctx.spec, res.create.op)) and not upsert):
        return None
    bodies = [c.body for _, c in ctx.accepted.get(res.update.key, []) if isinstance(c.body, dict) and c.body]
    if not bodies:
        return None
    declared = res.view.properties

    def visible(k: str, v: Any) -> bool:  # as the round trip judges it: a sent object is a subset
        have = current.get(k, DELETED)
        if isinstance(v, dict):
            return any(not isinstance(have, dict) or have.get(kk, DELETED) != vv for kk, vv in v.items())
        return have != v

    def changes(body: dict[str, Any]) -> int:
        return sum(1 for k, v in body.items() if k in declared and visible(k, v))

    best = max(bodies, key=changes)  # max keeps the first (lowest case index) of equals
    return copy.deepcopy(best) if changes(best) or not upsert else None


def run_sequences(ctx: RunContext, res: Resource, r_index: int) -> None:
    """The create → read → update → read → isolation → lost update → delete → read walk on one resource."""
    if res.create is None or res.path not in ctx.templates or ctx.over_time():
        return
    made = ctx.instances.create(res, f"seq{r_index}", _at(r_index, Step.CREATE))
    if made is None:
        return
    ids, state = made.instance, made.expected
    headers = _base_headers(ctx)
    step = [0]

    def order() -> Order:  # the walk's steps, numbered as they are sent
        step[0] += 1
        return _at(r_index, Step.WALK, item=step[0])

    def read(writer: str) -> Exchange | None:
        if res.read is None:
            return None
        case = _case_for(ctx, res.read, ids, headers)
        exchange, _ = ctx.send(res.read, case, "sequence", order=order(), expected=state, writer=writer)
        return exchange

    read(res.create.key)
    if res.update is not None:
        body = _update_body(ctx, res, state, 1, made.instance.data if made.instance else None)
        case = _case_for(ctx, res.update, ids, headers, body, True)
        # PATCH merges onto what the resource held; PUT replaces it (RFC 9110 §9.3.4): a field the PUT did not
        # send is not expected back (Box's `PUT /ai_agents/{id}` without `ask`, the emulator, any replacing server)
        expected = ctx.expected_for(res, case, state=None if res.update.op.method == "PUT" else state)
        exchange, _ = ctx.send(res.update, case, "sequence", order=order(), expected=_only_sent(res, case, ctx),
                                  writer=res.update.key)
        if exchange.error is None and 200 <= (exchange.status or 0) < 300:
            state = expected
            read(res.update.key)
    if ctx.config.alt_headers:
        _isolation(ctx, res, ids, r_index, destructive=False)
    if res.update is not None and kv_fields(res):
        _lost_update(ctx, res, ids, headers, r_index)
    # Destructive steps on resources of their own, so every finding above keeps a live resource
    # and its curl line can be replayed.
    if ctx.config.alt_headers and res.delete is not None:
        other = ctx.instances.create(res, f"seq{r_index}-iso", _at(r_index, Step.ISOLATION_CREATE))
        if other is not None:
            _isolation(ctx, res, other.instance, r_index, destructive=True)
    if res.delete is not None:
        doomed = ctx.instances.create(res, f"seq{r_index}-del", _at(r_index, Step.DELETE_CREATE))
        if doomed is not None:
            _delete(ctx, res, doomed.instance, headers, r_index)
    _list_consistency(ctx, res, r_index, headers)


def _delete(ctx: RunContext, res: Resource, ids: Instance | None, headers: dict[str, str], r_index: int) -> None:
    assert res.delete is not None
    case = _case_for(ctx, res.delete, ids, headers)
    exchange, _ = ctx.send(res.delete, case, "sequence", order=_at(r_index, Step.DELETE))
    if exchange.error is None and 200 <= (exchange.status or 0) < 300:
        ctx.instances.mark_deleted(ids)
    if exchange.error is None and 200 <= (exchange.status or 0) < 300 and res.read is not None:
        case = _case_for(ctx, res.read, ids, headers)
        after, _ = ctx.send(res.read, case, "sequence", order=_at(r_index, Step.DELETE_READ))
        if after.error is None and 200 <= (after.status or 0) < 300:
            obs = Observation(res.read, case, after, "sequence")
            ctx.record(_at(r_index, Step.DELETE_EFFECTIVE), finding(
                "live.delete_effective", obs,
                f"{res.delete.key} answered {exchange.status}, but {res.read.key} still finds the resource "
                f"(answered {after.status})", "still readable", writer=res.delete.key), obs)


def _only_sent(res: Resource, case: Case, ctx: RunContext) -> State:
    """The update's own effect (merge semantics: only the keys it sent are judged in its response)."""
    return ctx.expected_for(res, case)


def _isolation(ctx: RunContext, res: Resource, ids: Instance | None, r_index: int, *, destructive: bool) -> None:
    alt = _base_headers(ctx, {k: v for k, v in ctx.config.alt_headers.items() if is_secret_name(k)})
    alt.update({k: v for k, v in ctx.config.alt_headers.items() if not is_secret_name(k)})
    ops = [res.delete] if destructive else [res.read, res.update]
    for j, lo in enumerate([o for o in ops if o is not None], start=10 if destructive else 0):
        body: dict[str, Any] | None = {} if lo.op.method in ("PATCH", "PUT") else None
        if body is not None:
            template = ctx.templates.get(res.path)
            kv = kv_fields(res)
            body = {kv[0]: [{"key": "ct_other_tenant", "value": "x"}]} if kv else \
                ({k: v for k, v in (template.body or {}).items()} if template and isinstance(template.body, dict)
                 else {})
        case = _case_for(ctx, lo, ids, alt, body, body is not None)
        exchange, _ = ctx.send(lo, case, "sequence", order=_at(r_index, Step.ISOLATION, item=j))
        if exchange.error is None and 200 <= (exchange.status or 0) < 300:
            obs = Observation(lo, case, exchange, "sequence")
            ctx.record(_at(r_index, Step.ISOLATION, item=j, sub=1), finding(
                "live.tenant_isolation", obs,
                f"{lo.key} with the second credential reached a resource created with the first "
                f"(answered {exchange.status})", f"{lo.op.method} other tenant", status=exchange.status), obs)


def _lost_update(ctx: RunContext, res: Resource, ids: Instance | None, headers: dict[str, str],
                 r_index: int) -> None:
    assert res.update is not None
    fname = kv_fields(res)[0]
    update = res.update
    for round_ in range(2):
        keys = [f"lu_{round_}_{i}" for i in range(_CONCURRENT_UPDATES)]
        barrier = threading.Barrier(len(keys))
        cases = [_case_for(ctx, update, ids, headers, {fname: [{"key": k, "value": f"v{i}"}]}, True)
                 for i, k in enumerate(keys)]

        def send(i: int, cases: list[Case] = cases, barrier: threading.Barrier = barrier,
                 round_: int = round_) -> Exchange:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)  # start together: the race is the point
            exchange, _ = ctx.send(update, cases[i], "sequence", order=_at(r_index, Step.LOST_UPDATE_WRITE, item=round_, sub=i))
            return exchange

        with ThreadPoolExecutor(max_workers=len(keys), thread_name_prefix="contract-lost-update") as pool:
            results = list(pool.map(send, range(len(keys))))
        acknowledged = [k for k, ex in zip(keys, results, strict=True)
                        if ex.error is None and 200 <= (ex.status or 0) < 300]
        if not acknowledged:
            return
        reader = res.read or update
        case = _case_for(ctx, reader, ids, headers, {fname: [{"key": keys[0], "value": "v0"}]} if reader is update
                         else None, reader is update)
        after, _ = ctx.send(reader, case, "sequence", order=_at(r_index, Step.LOST_UPDATE_READ, item=round_))
        try:
            obj = unwrap(json.loads(after.response_body or b""), res.view.path)
        except (ValueError, UnicodeDecodeError):
            return
        have = {i.get("key") for i in (obj or {}).get(fname) or [] if isinstance(i, dict)} \
            if isinstance(obj, dict) else set()
        lost = [k for k in acknowledged if k not in have]
        if lost:
            obs = Observation(reader, case, after, "sequence")
            ctx.record(_at(r_index, Step.LOST_UPDATE), finding(
                "live.lost_update", obs,
                f"{len(keys)} concurrent {update.key} requests each set a different {fname} key and all were "
                f"acknowledged, but a following {reader.key} misses {len(lost)} of them", f"{fname} keys lost",
                writer=update.key, lost=len(lost), acknowledged=len(acknowledged), missing=lost), obs)
            return


_TOTAL_KEYS = ("total", "total_count", "count", "total_results", "totalcount", "totalresults", "total_items")


def _count_action(ctx: RunContext, res: Resource) -> LiveOperation | None:
    """`GET <list path>/count` (or `/total`): an action on the parent answering one integer."""
    if res.lister is None or res.parent is None:
        return None
    base = res.lister.op.path.rstrip("/")
    for lo in res.parent.actions:
        if lo.op.method == "GET" and lo.op.path.rstrip("/") in (base + "/count", base + "/total", base + "/$count"):
            return lo
    return None


def _integer_in(body: Any) -> int | None:
    if isinstance(body, int) and not isinstance(body, bool):
        return body
    if isinstance(body, dict):
        ints = {k: v for k, v in body.items() if isinstance(v, int) and not isinstance(v, bool)}
        for key in _TOTAL_KEYS:
            if key in {k.lower() for k in ints}:
                return next(v for k, v in ints.items() if k.lower() == key)
        if len(body) == 1 and len(ints) == 1:
            return next(iter(ints.values()))
    return None


def _list_consistency(ctx: RunContext, res: Resource, r_index: int, headers: dict[str, str]) -> None:
    """In a parent of its own, create two children, then list and count them: exactly those two.

    Only for nested resources, where a fresh parent holds nothing else; the list is asked for
    without paging parameters, and a `total`/`count` beside its items must say 2 as well.
    """
    if res.lister is None or res.parent is None or res.create is None or ctx.over_time():
        return
    found = list_items(ctx.spec, res.lister.op)
    own = next((link.field for link in res.links if link.location == "path"), None)
    if found is None or own is None:
        return
    if res.view.properties and own not in res.view.properties and own not in res.request_ids:
        # The create's answer documents no identifier of what it made (OpenAI's conversation items: a batch create
        # answering the list of the items it added): which children two creates made is not known.
        return
    parent = ctx.instances.fresh(res.parent, f"seq{r_index}-lp", _at(r_index, Step.LIST_PARENT))
    if parent is None or parent.origin != "created":
        return
    made = [ctx.instances.create(res, f"seq{r_index}-l{k}", _at(r_index, Step.LIST_CREATE, item=k), parent=parent) for k in range(2)]
    created = [str(m.instance.ids.get(own)) for m in made if m is not None and m.instance is not None
               and m.instance.ids.get(own) is not None]
    if len(created) != 2:
        return
    lister = res.lister
    case = _case_for(ctx, lister, parent, headers)
    accepted = ctx.accepted.get(lister.key)
    required = {p.name for p in lister.op.parameters if p.location == "query" and p.required}
    if accepted:
        case.query.update({k: v for k, v in accepted[0][1].query.items() if k in required})
    exchange, _ = ctx.send(lister, case, "sequence", order=_at(r_index, Step.LIST))
    if exchange.error is not None or not 200 <= (exchange.status or 0) < 300:
        return
    try:
        body = json.loads(exchange.response_body or b"")
    except (ValueError, UnicodeDecodeError):
        return
    items = unwrap(body, found[0])
    if not isinstance(items, list):
        return
    field = row_identifier(found[1], own)
    listed = [str(i.get(field)) for i in items if isinstance(i, dict)]
    obs = Observation(lister, case, exchange, "sequence")
    missing = [c for c in created if c not in listed]
    if missing:
        ctx.record(_at(r_index, Step.LIST_MISSING), finding(
            "live.list_consistent", obs,
            f"{lister.key} in a {res.parent.name or 'parent'} holding exactly the 2 {res.name or 'item'}s just "
            f"created lists {len([c for c in created if c in listed])} of them (missing: {', '.join(missing)})",
            "created item missing", missing=missing, listed=len(listed)), obs)
    total = _integer_in(body) if found[0] and isinstance(body, dict) else None
    if total is not None and total != len(created):
        ctx.record(_at(r_index, Step.LIST_TOTAL), finding(
            "live.list_consistent", obs,
            f"{lister.key} in a {res.parent.name or 'parent'} holding exactly 2 {res.name or 'item'}s reports "
            f"a total of {total}", "total off", total=total, expected=len(created)), obs)
    counter = _count_action(ctx, res)
    if counter is None:
        return
    case = _case_for(ctx, counter, parent, headers)
    exchange, _ = ctx.send(counter, case, "sequence", order=_at(r_index, Step.COUNT))
    if exchange.error is not None or not 200 <= (exchange.status or 0) < 300:
        return
    try:
        count = _integer_in(json.loads(exchange.response_body or b""))
    except (ValueError, UnicodeDecodeError):
        return
    if count is not None and count != len(created):
        obs = Observation(counter, case, exchange, "sequence")
        ctx.record(_at(r_index, Step.COUNT_OFF), finding(
            "live.list_consistent", obs,
            f"{counter.key} in a {res.parent.name or 'parent'} holding exactly 2 {res.name or 'item'}s counts "
            f"{count}", "count off", count=count, expected=len(created)), obs)
