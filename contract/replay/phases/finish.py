"""Finish: the kept findings, earliest first, the first of each cause shrunk, each marked with its cause.

Findings of one cause become one in the report (:func:`contract.core.grouping.collapse`), so only
the first of each cause (its example, in :mod:`contract.replay.order`) is shrunk — at most
``shrink_budget`` requests each and ``shrink_total`` in all, every one through the sender.
Each exchange is then redacted (by name and value, before the report cuts its body) and gets its
curl line; the findings end sorted by check, operation and signature.
"""

from __future__ import annotations

from typing import Any

from contract.model import Case, Exchange, Finding
from contract.replay.checks import Observation, run_checks
from contract.replay.context import RunContext
from contract.replay.findings import Hit
from contract.replay.group import annotate, group_key
from contract.replay.shrink import shrink

__all__ = ["run"]

_SHRINKABLE = {"live.positive_acceptance", "live.negative_rejection", "live.server_error", "live.response_schema",
               "live.content_type", "live.round_trip", "live.status_code_documented", "live.response_headers"}


def run(ctx: RunContext) -> None:
    """Set `ctx.result`: the run's findings, finished."""
    budget = ctx.config.shrink_total
    shrunk: set[tuple[Any, ...]] = set()
    out: list[Finding] = []
    for h in ctx.findings.in_order():
        cause = group_key(h.finding)
        if budget > 0 and cause not in shrunk and h.obs.role == "flood" and h.obs.case is not None \
                and h.finding.check in _SHRINKABLE:
            shrunk.add(cause)
            budget -= _shrink(ctx, h, min(ctx.config.shrink_budget, budget))
        out.append(_finalise(ctx, h.finding))
    annotate(out)
    out.sort(key=lambda f: (f.check, f.operation or "", f.signature()))
    ctx.result = out


def _shrink(ctx: RunContext, hit: Hit, budget: int) -> int:
    """Shrink the hit's case while it fails the same way; the requests used."""
    obs, finding = hit.obs, hit.finding
    assert obs.case is not None
    lo = obs.op
    res = ctx.check_ctx.resources.get(lo.key)
    signature = finding.signature()

    def still_fails(candidate: Case) -> tuple[bool, Exchange]:
        expected = None
        if obs.expected is not None and res is not None:
            expected = ctx.expected_for(res, candidate)
        exchange = ctx.sender.send(candidate, "shrink")
        again = Observation(lo, candidate, exchange, obs.role, expected, obs.writer)
        hits = run_checks(ctx.check_ctx, again, only=finding.check)
        match = next((f for f in hits if f.signature() == signature), None)
        if match is not None:
            fails_with[0] = match
        return match is not None, exchange

    fails_with: list[Finding | None] = [None]
    result = shrink(obs.case, lo.op, ctx.validators.request(lo.op), ctx.extras.get(lo.key, []), still_fails, budget)
    if result.removed and fails_with[0] is not None:
        shrunk = fails_with[0]
        hit.finding.message = shrunk.message
        hit.finding.exchange = shrunk.exchange
        hit.finding.details = {**shrunk.details, "shrunk": {"removed": result.removed, "requests": result.requests}}
    return result.requests


def _finalise(ctx: RunContext, finding: Finding) -> Finding:
    """The exchange redacted (by name and value, before the report cuts its body) and its curl line."""
    if finding.exchange is not None and finding.exchange.url:
        finding.exchange, finding.curl = ctx.sender.recorded(finding.exchange)
    else:
        finding.exchange = None
    return finding
