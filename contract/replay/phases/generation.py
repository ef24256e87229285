"""Generation: every operation's cases — conforming and violating, under the spec, prose and docs constraints.

Cases come from the seed (:func:`contract.generate.generate_cases`), so the same seed sends the
same requests. User-supplied probe values (``--probe-value``) add conforming cases with the value
planted in each top-level string field. The generator's own findings (a placeholder credential…)
are recorded here, ordered after every live one.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from contract.generate import generate_cases, prose_constraints
from contract.generate.strategies import Pools
from contract.model import Case, Exchange
from contract.replay.checks import Observation
from contract.replay.client import SAFE_METHODS
from contract.replay.context import RunContext
from contract.replay.order import Order, Phase

__all__ = ["run"]


def run(ctx: RunContext) -> None:
    """Fill `ctx.cases`, `ctx.extras` and `ctx.coverage` for every operation in scope."""
    config = ctx.config
    if ctx.read_only_skipped:
        ctx.progress.line(f"read-only: not sending {', '.join(ctx.read_only_skipped)} "
                          f"(only {'/'.join(sorted(SAFE_METHODS))}; no stateful sequences)")
    ctx.progress.line(f"generating cases for {len(ctx.ops)} operations (seed {config.seed})")
    pools = Pools()  # a leaf schema many operations share (Stripe's `expand`, a resource's fields) is drawn once
    for lo in ctx.ops:
        extras = [*prose_constraints(ctx.spec, lo.op), *config.docs_extras.get(lo.key, [])]
        ctx.extras[lo.key] = extras
        result = generate_cases(ctx.spec, lo.op, mode="all", count=config.max_examples, seed=config.seed,
                                headers=config.headers, extra=extras,
                                budget=max(2.0, min(20.0, (config.max_time or 60) / 4)),
                                validators=ctx.validators, pools=pools)
        ctx.coverage[lo.key] = list(result.coverage)
        cases = result.cases
        cases += _probe_cases(ctx, [c for c in cases if c.mode == "conforming"])
        ctx.cases[lo.key] = cases
        for i, f in enumerate(result.findings):
            ctx.record(Order(Phase.GENERATE, key=lo.key, case=i), f,
                       Observation(lo, None, Exchange(lo.op.method, "", {})))


def _probe_cases(ctx: RunContext, conforming: list[Case]) -> list[Case]:
    """Conforming cases with a user-supplied probe value planted in each top-level string field."""
    out: list[Case] = []
    if not ctx.config.probe_values or not conforming:
        return out
    base = conforming[0]
    if not isinstance(base.body, dict):
        return out
    for value in ctx.config.probe_values:
        for name, current in sorted(base.body.items()):
            if isinstance(current, str):
                out.append(replace(copy.deepcopy(base), body={**base.body, name: value}))
            elif isinstance(current, list) and current and isinstance(current[0], dict) and "key" in current[0]:
                items = [{**current[0], "key": value[:30]}]
                out.append(replace(copy.deepcopy(base), body={**base.body, name: items}))
    return out
