"""The live run's engine: one :class:`~contract.replay.context.RunContext`, the phases in order, a `RunResult`.

The phases (:mod:`contract.replay.phases`, each a ``run(ctx)``) are, in order: generation →
preflight (nothing answers → exit 3) → flood (creates first, then the other operations, each case
on a fresh resource of its own; each operation's credential probes) → inventory → stateful
(live discovery and the sequences) → finish (de-duplicate, shrink, redact the exchanges) →
cleanup. The report as a whole is redacted when it is written, with `Runner.redactor`.

Determinism: cases come from the seed; each case gets identifiers of its own
(derived from the seed and the case's place in the run, never shown in a finding's
identity), so no two cases interfere whatever order the workers run them in, and the
same seed against the same behaviour gives the same report (timings aside); findings
are de-duplicated by their place in the run (:mod:`contract.replay.order`, never by time)
and sorted, and carry no timestamps. Against a target that keeps state between runs, vary
`run_token` (or the seed) so identifiers differ.

Read-only (`read_only`): only GET/HEAD/OPTIONS are sent — operations with other
methods are skipped (listed in the run metadata), and so are discovery and the
stateful sequences, which need creates; the client refuses any other method too.

`RunConfig` and the credential helpers live in :mod:`contract.replay.config` (re-exported here).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from contract.docs import DocsPage
from contract.har import HarRecorder
from contract.load import Spec
from contract.model import Finding
from contract.redact import Redactor
from contract.replay.checks import live_checks
from contract.replay.client import SAFE_METHODS
from contract.replay.config import (
    DEFAULT_WORKERS,
    RunConfig,
    credential_headers,
    env_credentials,
    merge_headers,
    parse_header,
    shard_of,
)
from contract.replay.context import RunContext
from contract.replay.phases import cleanup, finish, flood, generation, inventory, preflight, stateful
from contract.replay.progress import Progress, make_progress
from contract.replay.sender import Sender

__all__ = ["DEFAULT_WORKERS", "PHASES", "RunConfig", "RunResult", "Runner", "credential_headers", "env_credentials",
           "merge_headers", "parse_header", "shard_of"]

# The phases, in the order they run (see :mod:`contract.replay.phases`).
PHASES: tuple[tuple[str, Callable[[RunContext], None]], ...] = (
    ("generation", generation.run),
    ("preflight", preflight.run),
    ("flood", flood.run),
    ("inventory", inventory.run),
    ("stateful", stateful.run),
    ("finish", finish.run),
    ("cleanup", cleanup.run),
)


@dataclass(slots=True)
class RunResult:
    findings: list[Finding]
    meta: dict[str, Any]
    # operation → its constraints (CoverageRow dicts, with the violating cases sent and their outcomes)
    coverage: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reach: dict[str, dict[str, Any]] = field(default_factory=dict)  # operation → statuses, reached, why, hint
    times: dict[str, Any] = field(default_factory=dict)  # response times per operation (replay.timing)


class Runner:
    """One live run against one base URL."""

    def __init__(self, spec: Spec, config: RunConfig, pages: Sequence[DocsPage] = (),
                 progress: Progress | None = None, sender: Sender | None = None) -> None:
        """`sender`: every request goes through it (default: one made from `config`, closed by
        :meth:`run`); pass one to keep sending after the run (triangulation) under the same limits."""
        self._own_sender = sender is None
        sender = sender if sender is not None else Sender.for_run(config)
        progress = progress or make_progress(sender.redactor, config.progress)
        self._own_progress = sender.progress is None
        if self._own_progress:
            sender.progress = progress
        self.ctx = RunContext(spec, config, pages, sender, progress)
        self._recorder: HarRecorder | None = None
        if config.record:
            recorder = self._recorder = HarRecorder(config.record, sender.redactor)
            sender.observer = lambda ex: recorder.add(ex, datetime.now(UTC) - timedelta(seconds=ex.elapsed))

    @property
    def redactor(self) -> Redactor:
        return self.ctx.redactor

    def run(self) -> RunResult:
        ctx = self.ctx
        try:
            for _name, phase in PHASES:
                phase(ctx)
        finally:
            ctx.executor.shutdown(wait=True)
            if self._own_sender:
                ctx.sender.close()
            if self._own_progress:
                ctx.sender.progress = None
            if self._recorder is not None:
                ctx.sender.observer = None
                self._recorder.close()
            ctx.progress.close()
        return _result(ctx, time.monotonic() - ctx.started)


def _result(ctx: RunContext, elapsed: float) -> RunResult:
    config, sender = ctx.config, ctx.sender
    meta = {
        "base_url": ctx.redactor.url(config.base_url),
        "seed": config.seed,
        "max_examples": config.max_examples,
        "workers": config.workers,
        "requests": sender.sent,
        "exchanges": sender.exchanges,  # requests judged (not counting redirect hops, shrinking or discovery)
        "answered": sender.answered,
        "transport_errors": dict(sorted(sender.errors.items())),
        "skipped_cases": ctx.skipped,
        "elapsed_s": round(elapsed, 3),
        "requests_per_s": round(sender.sent / elapsed, 1) if elapsed > 0 else None,
        **sender.meta(),
        "first_finding_s": dict(sorted(ctx.findings.first_finding.items())),
        "operations": {lo.key: lo.origin for lo in ctx.ops},
        "checks": sorted(config.checks or [info.id for info in live_checks()]),
        "shard": f"{config.shard[0]}/{config.shard[1]}" if config.shard else None,
        "operation_patterns": list(config.operations) or None,
        "read_only": {"methods": sorted(SAFE_METHODS), "skipped_operations": ctx.read_only_skipped,
                      "stateful": "skipped"} if config.read_only else None,
        "depth": _depth_meta(ctx),
    }
    not_sent = {key: "--read-only (only GET, HEAD and OPTIONS are sent)" for key in ctx.read_only_skipped}
    reach = ctx.reach.summary([lo.key for lo in ctx.ops], sender.statuses, not_sent)
    return RunResult(ctx.result, meta, ctx.judged.rows(ctx.coverage), reach, sender.times.summary())


def _depth_meta(ctx: RunContext) -> dict[str, Any]:
    """How deep the run got: the graph's resources, instances made, what bodies were fitted to."""
    made = ctx.instances.created
    return {
        "resources": [{"path": r.path, "parent": r.parent.path if r.parent else None,
                       "create": r.create.key if r.create else None,
                       "identifiers": sorted({f"{link.name}={link.field}" for link in r.links})
                       + [f"body.{f}" for f in r.request_ids]} for r in ctx.resources],
        "instances_created": len(made),
        "adaptations": {k: [a.describe() for a in v] for k, v in sorted(ctx.instances.adaptations.items()) if v},
        "adaptation_requests": ctx.instances.adapt_requests,
        "cleanup": dict(ctx.instances.cleanup_stats),
    }
