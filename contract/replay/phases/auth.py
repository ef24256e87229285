"""Credential probes: an operation that needs credentials, sent without any and with an invalid one.

One conforming case per operation, on real identifiers (a fresh instance where the request
could change one), so a 2xx means the credential is not enforced (``live.auth_enforced``).
Run by the flood right after the operation's own cases.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from contract.model import Case
from contract.replay.checks import Role
from contract.replay.config import credential_headers
from contract.replay.context import RunContext
from contract.replay.operations import LiveOperation
from contract.replay.order import Order, Phase, Step

__all__ = ["probe"]

_ROLES: tuple[Role, ...] = ("auth-none", "auth-invalid")


def probe(ctx: RunContext, lo: LiveOperation, index: int, cases: list[Case]) -> None:
    if not lo.op.security or any(not alt for alt in lo.op.security):
        return  # no security, or an empty alternative (`security: [{}, {BotToken: []}]`): anonymous is allowed
    first = next((c for c in cases if c.mode == "conforming"), None)
    if first is None:
        return
    plan = ctx.graph.plan(lo.key)
    for j, role in enumerate(_ROLES):
        order = Order(Phase.AUTH, index=index, case=j)
        # real identifiers (a fresh instance where the request could change it): a 2xx means it
        inst = ctx.instances.context(lo, plan, f"auth{index}-{j}", replace(order, step=Step.SETUP))
        case = ctx.prepare(lo, plan, copy.deepcopy(first), inst, f"auth{j}")
        names = {s.param_name.lower() for alt in lo.op.security for s in alt if s.param_name}
        names |= {"authorization"}
        kept = {k: v for k, v in case.headers.items() if k.lower() not in names}
        if role == "auth-invalid":
            kept.update(credential_headers(ctx.spec, "contract-invalid-" + "0" * 24))
        case.headers = kept
        ctx.send(lo, case, role, order=order)
