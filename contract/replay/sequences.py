"""Stateful sequences on one resource: create → read → update → read → (other tenant) → concurrent updates → delete → read.

The resource's operations come from the spec, the docs (a documented PATCH the
spec lacks) and the target itself: :func:`discover` probes the methods nobody
documents on a throwaway resource, with the same identification, and a 404/405/501
means "not there". Identifiers flow from each create response into the later
requests through the resource's links (see :mod:`contract.replay.operations`);
a nested resource's sequence runs inside the shared instances of its ancestors
(a record in a real segment of a real collection, :mod:`contract.replay.pool`).

Checks made here: live.round_trip (each write against its response and the
following read), live.tenant_isolation (credential B must not read, change or
delete what credential A created), live.lost_update (concurrent partial updates of
distinct keys, all acknowledged, must all be there), live.delete_effective (a
deleted resource reads as gone), live.list_consistent (in a parent of its own, the
list and the count show exactly the children just created there).
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from contract.model import Case, Exchange
from contract.redact import is_secret_name
from contract.replay.checks import Observation, finding
from contract.replay.graph import list_items
from contract.replay.operations import LiveOperation, Resource, live_operation, request_properties
from contract.replay.pool import Instance
from contract.replay.roundtrip import DELETED, Rules, State, kv_fields, unwrap
from contract.validate import Validators

if TYPE_CHECKING:
    from contract.replay.runner import Runner

__all__ = ["discover", "run_sequences"]

_ABSENT = (404, 405, 501)
_CONCURRENT_UPDATES = 8


def _case_for(runner: Runner, lo: LiveOperation, inst: Instance | None, headers: dict[str, str],
              body: Any = None, has_body: bool = False) -> Case:
    """A request to `lo` naming `inst` (identifier parameters from the graph: its own and its ancestors')."""
    case = Case(lo.key, lo.op.method, lo.op.path, headers=dict(headers), body=body, has_body=has_body,
                media_type="application/json" if has_body else None)
    return runner.instances.fill(case, lo, inst, add=True)


def _base_headers(runner: Runner, credentials: dict[str, str] | None = None) -> dict[str, str]:
    """The run's headers (or another credential's) minus identifiers, which `_case_for` adds."""
    headers = {k: v for k, v in runner.config.headers.items()}
    if credentials is not None:
        headers = {k: v for k, v in headers.items() if not is_secret_name(k)}
        headers.update(credentials)
    return headers


def discover(runner: Runner, res: Resource, r_index: int) -> None:
    """Probe GET/PUT/PATCH/DELETE that no source documents; add the ones the target serves as live operations."""
    if res.create is None or res.path not in runner.templates or res.item_path is not None:
        return  # an item path in the spec: its methods are known
    known = {lo.op.method for lo in res.members()} | {lo.op.method for lo in runner.ops
                                                      if runner.ctx.resources.get(lo.key) is res}
    missing = [m for m in ("GET", "PUT", "PATCH", "DELETE") if m not in known]
    if not missing:
        return
    made = runner.create_resource(res, f"probe{r_index}", (3, r_index, 0))
    if made is None:
        return
    ids = made.instance
    template = runner.templates[res.path]
    found: list[LiveOperation] = []
    for method in missing:
        lo = live_operation(method, res.create.op)
        body = template.body if method in ("PUT", "PATCH") else None
        case = _case_for(runner, lo, ids, _base_headers(runner), body, method in ("PUT", "PATCH"))
        exchange = runner.sender.send(case, "discovery")
        if exchange.error is None and exchange.status is not None and exchange.status not in _ABSENT:
            found.append(lo)
    if not found:
        return
    for lo in found:
        runner.ops.append(lo)
        role = {"GET": "read", "PUT": "update", "PATCH": "update", "DELETE": "delete"}[lo.op.method]
        if getattr(res, role) is None:
            setattr(res, role, lo)
        runner.graph.attach(lo, res, role)  # type: ignore[arg-type]
        runner.ctx.resources[lo.key] = res
        f = finding("live.live_only_operation", Observation(lo, None, Exchange(lo.op.method, "", {})),
                    f"{lo.key} is served by the target but documented neither in the spec nor on a docs page",
                    lo.key)
        f.exchange = None
        runner.record((0, lo.key), f, Observation(lo, None, Exchange(lo.op.method, "", {})))
    runner.validators = Validators(runner.spec, [o.op for o in runner.ops])
    runner.ctx.validators = runner.validators


def _update_body(runner: Runner, res: Resource, state: State, step: int,
                 current: dict[str, Any] | None = None) -> Any:
    """A generated conforming update body, plus one new key-value entry and one documented deletion."""
    assert res.update is not None
    rules = runner.rules.get(res.path, Rules())
    body: dict[str, Any] = {}
    own = _own_update_body(runner, res, current or {})
    if own is not None:
        return own
    template = runner.templates.get(res.path)
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


def _own_update_body(runner: Runner, res: Resource, current: dict[str, Any]) -> Any:
    """An accepted conforming body of the update itself, when its request differs from the create's (a
    record's PATCH takes a payload and a score, never the vector it was created with): the one changing
    most of what the resource `current`ly holds, so a write that is not kept shows."""
    assert res.update is not None
    if res.create is None or res.update.op.request_body is None:
        return None
    mine = set(request_properties(runner.spec, res.update.op))
    if not mine or mine == set(request_properties(runner.spec, res.create.op)):
        return None
    bodies = [c.body for _, c in runner.accepted.get(res.update.key, []) if isinstance(c.body, dict) and c.body]
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

    return copy.deepcopy(max(bodies, key=changes))  # max keeps the first (lowest case index) of equals


def run_sequences(runner: Runner, res: Resource, r_index: int) -> None:
    """The create → read → update → read → isolation → lost update → delete → read walk on one resource."""
    if res.create is None or res.path not in runner.templates or runner.over_time():
        return
    made = runner.create_resource(res, f"seq{r_index}", (3, r_index, 1))
    if made is None:
        return
    ids, state = made.instance, made.expected
    headers = _base_headers(runner)
    step = [10]

    def order() -> tuple[Any, ...]:
        step[0] += 1
        return (3, r_index, step[0])

    def read(writer: str) -> Exchange | None:
        if res.read is None:
            return None
        case = _case_for(runner, res.read, ids, headers)
        exchange, _ = runner.send(res.read, case, "sequence", order=order(), expected=state, writer=writer)
        return exchange

    read(res.create.key)
    if res.update is not None:
        body = _update_body(runner, res, state, 1, made.instance.data if made.instance else None)
        case = _case_for(runner, res.update, ids, headers, body, True)
        expected = runner.expected_for(res, case, state=state)
        exchange, _ = runner.send(res.update, case, "sequence", order=order(), expected=_only_sent(res, case, runner),
                                  writer=res.update.key)
        if exchange.error is None and 200 <= (exchange.status or 0) < 300:
            state = expected
            read(res.update.key)
    if runner.config.alt_headers:
        _isolation(runner, res, ids, r_index, destructive=False)
    if res.update is not None and kv_fields(res):
        _lost_update(runner, res, ids, headers, r_index)
    # Destructive steps on resources of their own, so every finding above keeps a live resource
    # and its curl line can be replayed.
    if runner.config.alt_headers and res.delete is not None:
        other = runner.create_resource(res, f"seq{r_index}-iso", (3, r_index, 90))
        if other is not None:
            _isolation(runner, res, other.instance, r_index, destructive=True)
    if res.delete is not None:
        doomed = runner.create_resource(res, f"seq{r_index}-del", (3, r_index, 91))
        if doomed is not None:
            _delete(runner, res, doomed.instance, headers, r_index)
    _list_consistency(runner, res, r_index, headers)


def _delete(runner: Runner, res: Resource, ids: Instance | None, headers: dict[str, str], r_index: int) -> None:
    assert res.delete is not None
    case = _case_for(runner, res.delete, ids, headers)
    exchange, _ = runner.send(res.delete, case, "sequence", order=(3, r_index, 92))
    if exchange.error is None and 200 <= (exchange.status or 0) < 300:
        runner.instances.mark_deleted(ids)
    if exchange.error is None and 200 <= (exchange.status or 0) < 300 and res.read is not None:
        case = _case_for(runner, res.read, ids, headers)
        after, _ = runner.send(res.read, case, "sequence", order=(3, r_index, 93))
        if after.error is None and 200 <= (after.status or 0) < 300:
            obs = Observation(res.read, case, after, "sequence")
            runner.record((3, r_index, 94), finding(
                "live.delete_effective", obs,
                f"{res.delete.key} answered {exchange.status}, but {res.read.key} still finds the resource "
                f"(answered {after.status})", "still readable", writer=res.delete.key), obs)


def _only_sent(res: Resource, case: Case, runner: Runner) -> State:
    """The update's own effect (merge semantics: only the keys it sent are judged in its response)."""
    return runner.expected_for(res, case)


def _isolation(runner: Runner, res: Resource, ids: Instance | None, r_index: int, *, destructive: bool) -> None:
    alt = _base_headers(runner, {k: v for k, v in runner.config.alt_headers.items() if is_secret_name(k)})
    alt.update({k: v for k, v in runner.config.alt_headers.items() if not is_secret_name(k)})
    ops = [res.delete] if destructive else [res.read, res.update]
    for j, lo in enumerate([o for o in ops if o is not None], start=10 if destructive else 0):
        body: dict[str, Any] | None = {} if lo.op.method in ("PATCH", "PUT") else None
        if body is not None:
            template = runner.templates.get(res.path)
            kv = kv_fields(res)
            body = {kv[0]: [{"key": "ct_other_tenant", "value": "x"}]} if kv else \
                ({k: v for k, v in (template.body or {}).items()} if template and isinstance(template.body, dict)
                 else {})
        case = _case_for(runner, lo, ids, alt, body, body is not None)
        exchange, _ = runner.send(lo, case, "sequence", order=(3, r_index, 50, j))
        if exchange.error is None and 200 <= (exchange.status or 0) < 300:
            obs = Observation(lo, case, exchange, "sequence")
            runner.record((3, r_index, 50, j, 1), finding(
                "live.tenant_isolation", obs,
                f"{lo.key} with the second credential reached a resource created with the first "
                f"(answered {exchange.status})", f"{lo.op.method} other tenant", status=exchange.status), obs)


def _lost_update(runner: Runner, res: Resource, ids: Instance | None, headers: dict[str, str],
                 r_index: int) -> None:
    assert res.update is not None
    fname = kv_fields(res)[0]
    update = res.update
    for round_ in range(2):
        keys = [f"lu_{round_}_{i}" for i in range(_CONCURRENT_UPDATES)]
        barrier = threading.Barrier(len(keys))
        cases = [_case_for(runner, update, ids, headers, {fname: [{"key": k, "value": f"v{i}"}]}, True)
                 for i, k in enumerate(keys)]

        def send(i: int, cases: list[Case] = cases, barrier: threading.Barrier = barrier,
                 round_: int = round_) -> Exchange:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)  # start together: the race is the point
            exchange, _ = runner.send(update, cases[i], "sequence", order=(3, r_index, 60 + round_, i))
            return exchange

        with ThreadPoolExecutor(max_workers=len(keys), thread_name_prefix="contract-lost-update") as pool:
            results = list(pool.map(send, range(len(keys))))
        acknowledged = [k for k, ex in zip(keys, results, strict=True)
                        if ex.error is None and 200 <= (ex.status or 0) < 300]
        if not acknowledged:
            return
        reader = res.read or update
        case = _case_for(runner, reader, ids, headers, {fname: [{"key": keys[0], "value": "v0"}]} if reader is update
                         else None, reader is update)
        after, _ = runner.send(reader, case, "sequence", order=(3, r_index, 70 + round_))
        try:
            obj = unwrap(json.loads(after.response_body or b""), res.view.path)
        except (ValueError, UnicodeDecodeError):
            return
        have = {i.get("key") for i in (obj or {}).get(fname) or [] if isinstance(i, dict)} \
            if isinstance(obj, dict) else set()
        lost = [k for k in acknowledged if k not in have]
        if lost:
            obs = Observation(reader, case, after, "sequence")
            runner.record((3, r_index, 80), finding(
                "live.lost_update", obs,
                f"{len(keys)} concurrent {update.key} requests each set a different {fname} key and all were "
                f"acknowledged, but a following {reader.key} misses {len(lost)} of them", f"{fname} keys lost",
                writer=update.key, lost=len(lost), acknowledged=len(acknowledged), missing=lost), obs)
            return


_TOTAL_KEYS = ("total", "total_count", "count", "total_results", "totalcount", "totalresults", "total_items")


def _count_action(runner: Runner, res: Resource) -> LiveOperation | None:
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


def _list_consistency(runner: Runner, res: Resource, r_index: int, headers: dict[str, str]) -> None:
    """In a parent of its own, create two children, then list and count them: exactly those two.

    Only for nested resources, where a fresh parent holds nothing else; the list is asked for
    without paging parameters, and a `total`/`count` beside its items must say 2 as well.
    """
    if res.lister is None or res.parent is None or res.create is None or runner.over_time():
        return
    found = list_items(runner.spec, res.lister.op)
    own = next((link.field for link in res.links if link.location == "path"), None)
    if found is None or own is None:
        return
    parent = runner.instances.fresh(res.parent, f"seq{r_index}-lp", (3, r_index, 100))
    if parent is None or parent.origin != "created":
        return
    made = [runner.create_resource(res, f"seq{r_index}-l{k}", (3, r_index, 101, k), parent=parent) for k in range(2)]
    created = [str(m.instance.ids.get(own)) for m in made if m is not None and m.instance is not None
               and m.instance.ids.get(own) is not None]
    if len(created) != 2:
        return
    lister = res.lister
    case = _case_for(runner, lister, parent, headers)
    accepted = runner.accepted.get(lister.key)
    required = {p.name for p in lister.op.parameters if p.location == "query" and p.required}
    if accepted:
        case.query.update({k: v for k, v in accepted[0][1].query.items() if k in required})
    exchange, _ = runner.send(lister, case, "sequence", order=(3, r_index, 102))
    if exchange.error is not None or not 200 <= (exchange.status or 0) < 300:
        return
    try:
        body = json.loads(exchange.response_body or b"")
    except (ValueError, UnicodeDecodeError):
        return
    items = unwrap(body, found[0])
    if not isinstance(items, list):
        return
    listed = [str(i.get(own)) for i in items if isinstance(i, dict)]
    obs = Observation(lister, case, exchange, "sequence")
    missing = [c for c in created if c not in listed]
    if missing:
        runner.record((3, r_index, 103), finding(
            "live.list_consistent", obs,
            f"{lister.key} in a {res.parent.name or 'parent'} holding exactly the 2 {res.name or 'item'}s just "
            f"created lists {len([c for c in created if c in listed])} of them (missing: {', '.join(missing)})",
            "created item missing", missing=missing, listed=len(listed)), obs)
    total = _integer_in(body) if found[0] and isinstance(body, dict) else None
    if total is not None and total != len(created):
        runner.record((3, r_index, 104), finding(
            "live.list_consistent", obs,
            f"{lister.key} in a {res.parent.name or 'parent'} holding exactly 2 {res.name or 'item'}s reports "
            f"a total of {total}", "total off", total=total, expected=len(created)), obs)
    counter = _count_action(runner, res)
    if counter is None:
        return
    case = _case_for(runner, counter, parent, headers)
    exchange, _ = runner.send(counter, case, "sequence", order=(3, r_index, 105))
    if exchange.error is not None or not 200 <= (exchange.status or 0) < 300:
        return
    try:
        count = _integer_in(json.loads(exchange.response_body or b""))
    except (ValueError, UnicodeDecodeError):
        return
    if count is not None and count != len(created):
        obs = Observation(counter, case, exchange, "sequence")
        runner.record((3, r_index, 106), finding(
            "live.list_consistent", obs,
            f"{counter.key} in a {res.parent.name or 'parent'} holding exactly 2 {res.name or 'item'}s counts "
            f"{count}", "count off", count=count, expected=len(created)), obs)
