"""Preflight: one request before the flood, so an unreachable target is one clear error, not a finding per case.

The first operation's first conforming case (a create with fresh identifiers) is sent; a
transport error of the "nothing is there" kinds raises :class:`~contract.errors.TargetUnreachable`
(exit 3). Its answer is counted like any other exchange but judged by no check.
"""

from __future__ import annotations

from contract.errors import TargetUnreachable
from contract.replay.client import UNREACHABLE_KINDS
from contract.replay.context import RunContext

__all__ = ["run"]


def run(ctx: RunContext) -> None:
    total = sum(len(c) for c in ctx.cases.values())
    ctx.progress.phase(f"sending to {ctx.redactor.url(ctx.config.base_url)}", total + 1)
    for lo in ctx.ops:
        first = next((c for c in ctx.cases.get(lo.key, []) if c.mode == "conforming"), None)
        if first is None:
            continue
        res = ctx.check_ctx.resources.get(lo.key)
        case = ctx.instances.with_fresh_ids(res, first, "preflight") if res and res.create is lo else first
        probe = ctx.sender.send(case, "preflight")  # counted like any other exchange
        if probe.status is None and probe.error in UNREACHABLE_KINDS:
            raise TargetUnreachable(f"{ctx.redactor.url(ctx.config.base_url)}: {probe.error} "
                                    f"(no answer to {lo.key})")
        return
