"""Cleanup: delete what the run created, deepest first (:meth:`~contract.replay.pool.InstancePool.cleanup`).

The instances a finding's exchange names stay, with their ancestors, so every curl line in the
report still replays. Skipped with ``--no-cleanup`` and when read-only (nothing was created).
"""

from __future__ import annotations

from contract.replay.context import RunContext

__all__ = ["run"]


def run(ctx: RunContext) -> None:
    if not ctx.config.cleanup or ctx.config.read_only:
        return
    evidence = [text for f in ctx.result if f.exchange is not None
                for text in (f.exchange.url, *f.exchange.request_headers.values())]
    ctx.instances.cleanup(evidence)
