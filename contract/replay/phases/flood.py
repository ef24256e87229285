"""The flood: every operation's cases, concurrently, each on identifiers / a fresh instance of its own.

Operations run one after another — creates first, parents before children, then every other
operation in spec order — so a child's cases find the shared instances of its ancestors
(:mod:`contract.replay.pool`); an operation's cases run concurrently on the run's workers. A
conforming case refused over a body field its ancestors' data decides is fitted to them first
(:meth:`~contract.replay.pool.InstancePool.learn`) and the fitted case is judged. After an
operation's cases come its credential probes (:mod:`contract.replay.phases.auth`), unless nothing
answered. Accepted conforming cases are kept (by case index, the same whatever the timing) for
the stateful sequences: bodies, and the create template of each resource.

Nothing answered at all (every request a transport error of the unreachable kinds):
:class:`~contract.errors.TargetUnreachable`.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from contract.errors import TargetUnreachable
from contract.model import Case, Exchange
from contract.replay.client import UNREACHABLE_KINDS
from contract.replay.context import RunContext
from contract.replay.graph import Plan
from contract.replay.operations import LiveOperation
from contract.replay.order import Order, Phase, Step
from contract.replay.phases import auth

__all__ = ["flood", "run"]

_ACCEPTED_KEPT = 16  # accepted conforming cases kept per operation (bodies for the stateful sequences)


def run(ctx: RunContext) -> None:
    for i in sorted(range(len(ctx.ops)), key=lambda i: _rank(ctx, i)):
        lo = ctx.ops[i]
        if flood(ctx, lo, i, ctx.cases[lo.key]):  # credential probes mean nothing where nothing answers
            auth.probe(ctx, lo, i, ctx.cases[lo.key])
    errors = ctx.sender.errors
    if ctx.sender.answered == 0 and errors and set(errors) <= UNREACHABLE_KINDS:
        raise TargetUnreachable(f"{ctx.redactor.url(ctx.config.base_url)}: no request was answered "
                                f"({', '.join(sorted(errors))})")


def _rank(ctx: RunContext, i: int) -> tuple[int, int, int]:
    """Creates first, parents before children; then every other operation in spec order."""
    plan = ctx.graph.plan(ctx.ops[i].key)
    if plan is not None and plan.role == "create" and plan.resource is not None:
        return 0, plan.resource.depth, i
    return 1, 0, i


def flood(ctx: RunContext, lo: LiveOperation, index: int, cases: list[Case]) -> bool:
    """All cases of one operation, concurrently; each on identifiers / a resource of its own.

    False when it gave up: nothing answered `limit` cases in a row (the target hangs, resets...).
    """
    plan = ctx.graph.plan(lo.key)
    if plan is not None and plan.scope is not None and not ctx.over_time():
        # the instances every case needs, made once, in order, before the cases run concurrently
        for res in reversed(plan.scope.lineage()):
            ctx.instances.shared(res)
    failures = {"streak": 0, "answered": 0, "inflight": 0}
    limit = max(4, ctx.config.workers * 2)

    def one(i: int, case: Case) -> None:
        # Until something answers, at most `limit` cases are tried (in flight ones included: counting
        # only finished failures lets every free worker start one more against a target that hangs).
        with ctx.lock:
            give_up = failures["answered"] == 0 and failures["streak"] + failures["inflight"] >= limit
            if ctx.over_time() or give_up:
                ctx.skipped += 1
                return
            failures["inflight"] += 1
        try:
            _one(ctx, lo, index, i, case, plan, failures)
        finally:
            with ctx.lock:
                failures["inflight"] -= 1

    if plan is not None and plan.fresh and plan.resource is not None and plan.resource.item_path is None:
        # A resource with no item path (Stripe-2022's `/v1/account`) has one instance per tenant: the fresh
        # instances of concurrent cases are one and the same, so the first DELETE removed what every other
        # took for its own. Each case's own setup runs right before it instead.
        for i, case in enumerate(cases):
            one(i, case)
    else:
        list(ctx.executor.map(lambda ic: one(*ic), enumerate(cases)))
    return not (failures["answered"] == 0 and failures["streak"] >= limit)


def _one(ctx: RunContext, lo: LiveOperation, index: int, i: int, case: Case, plan: Plan | None,
         failures: dict[str, int]) -> None:
    order = Order(Phase.FLOOD, index=index, case=i)
    expected = None
    res = plan.resource if plan is not None else None
    tag = f"{index}-{i}"
    inst = ctx.instances.context(lo, plan, tag, replace(order, step=Step.SETUP), case)
    case = ctx.prepare(lo, plan, case, inst, tag)
    first: Exchange | None = None
    if plan is not None and ctx.instances.may_learn(lo, case, inst):
        # a refusal naming a body field its ancestors' data decides: fitted, and the fitted case is judged
        first = ctx.send_unjudged(case, "flood")
        if first.error is None and first.status in (400, 422):
            fitted = ctx.instances.learn(lo, case, first, plan, inst, index, i)
            if fitted is not None:
                case, first = fitted, None
    member = ctx.check_ctx.resources.get(lo.key)
    if plan is not None and plan.role == "create" and res is not None:
        expected = ctx.expected_for(res, case) if case.mode == "conforming" else None
    elif member is not None and plan is not None and plan.role == "update" and case.mode == "conforming" \
            and lo.op.method in ("PATCH", "PUT", "POST"):
        expected = ctx.expected_for(member, case)
    if first is not None:
        exchange, _ = ctx.judge(lo, case, first, "flood", order=order, expected=expected,
                                writer=lo.key if expected else None)
    else:
        exchange, _ = ctx.send(lo, case, "flood", order=order, expected=expected,
                               writer=lo.key if expected else None)
    with ctx.lock:
        if exchange.status is not None:
            failures["answered"] += 1
            failures["streak"] = 0
        elif exchange.error:
            failures["streak"] += 1
    accepted = exchange.error is None and 200 <= (exchange.status or 0) < 300
    if not accepted or plan is None:
        return
    if plan.role == "create" and res is not None:
        ctx.instances.register(res, case, exchange, inst)
    elif plan.role == "delete" and inst is not None and plan.fresh:
        ctx.instances.mark_deleted(inst)
    if case.mode != "conforming":
        return
    with ctx.lock:  # by case index, so the same whatever the timing
        kept = ctx.accepted.setdefault(lo.key, [])
        kept.append((i, replace(copy.deepcopy(case), label=None)))
        kept.sort(key=lambda ic: ic[0])
        del kept[_ACCEPTED_KEPT:]
    if plan.role == "create" and res is not None:
        with ctx.lock:
            best = ctx.template_index.get(res.path)
            if best is None or best > i:  # the lowest accepted index: the same whatever the timing
                ctx.template_index[res.path] = i
                ctx.templates[res.path] = replace(copy.deepcopy(case), label=None)
