"""The live run: generated cases sent concurrently, every answer checked, failures shrunk.

Phases, in order: generate (per operation, conforming + violating incl. the
prose/docs group) → preflight (one request; nothing answers → exit 3) → creates
→ the other operations, each case on a fresh resource of its own → credential
probes → live discovery and stateful sequences → de-duplicate, shrink, redact the
exchanges (the report as a whole is redacted when it is written, with `Runner.redactor`).

Determinism: cases come from the seed; each case gets identifiers of its own
(derived from the seed and the case's place in the run, never shown in a finding's
identity), so no two cases interfere whatever order the workers run them in, and the
same seed against the same behaviour gives the same report (timings aside); findings
are de-duplicated in case order and sorted, and carry no timestamps. Against a target
that keeps state between runs, vary `run_token` (or the seed) so identifiers differ.

Read-only (`read_only`): only GET/HEAD/OPTIONS are sent — operations with other
methods are skipped (listed in the run metadata), and so are discovery and the
stateful sequences, which need creates; the client refuses any other method too.
"""

from __future__ import annotations

import copy
import hashlib
import os
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from contract.core import checks
from contract.docs import DocsPage
from contract.errors import TargetUnreachable
from contract.generate import CoverageRow, ExtraConstraint, generate_cases, prose_constraints
from contract.load import Spec
from contract.model import Case, Exchange, Finding, IdentifierSource
from contract.redact import Redactor
from contract.replay.checks import CheckContext, Observation, identifier_params, live_checks, run_checks
from contract.replay.client import SAFE_METHODS, UNREACHABLE_KINDS
from contract.replay.graph import Plan, build_graph
from contract.replay.group import annotate, group_key
from contract.replay.operations import (
    Link,
    LiveOperation,
    Resource,
    docs_operations,
    link_field,
)
from contract.replay.pool import Created, Instance, InstancePool
from contract.replay.progress import Progress, make_progress
from contract.replay.reach import Reach
from contract.replay.roundtrip import Rules, State, rules_for
from contract.replay.sender import Purpose, Sender
from contract.replay.shrink import shrink
from contract.validate import Validators

__all__ = ["DEFAULT_WORKERS", "RunConfig", "RunResult", "Runner", "credential_headers", "parse_header"]

_ACCEPTED_KEPT = 16  # accepted conforming cases kept per operation (bodies for the stateful sequences)
DEFAULT_WORKERS = 8  # I/O bound: 4 per core on the 2-core machines CI runs on
_SHRINKABLE = {"live.positive_acceptance", "live.negative_rejection", "live.server_error", "live.response_schema",
               "live.content_type", "live.round_trip", "live.status_code_documented", "live.response_headers"}
# Runner.send's observation role → the sender's purpose (for the counters).
_PURPOSE: dict[str, Purpose] = {"flood": "flood", "auth-none": "auth", "auth-invalid": "auth",
                                "sequence": "sequence", "probe": "discovery"}


def parse_header(text: str) -> tuple[str, str]:
    """`Name: value` → (name, value); ValueError when there is no colon or no name."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise ValueError(f"expected 'Name: value', got {text.split(':', 1)[0]!r}…")
    return name.strip(), value.strip()


def credential_headers(spec: Spec, key: str) -> dict[str, str]:
    """The header the spec's first apiKey/http scheme expects, carrying `key` (e.g. `Authorization: Api-Key …`)."""
    import re

    for op in spec.operations:
        for alternative in op.security:
            for scheme in alternative:
                if scheme.type == "http":
                    word = "Bearer" if (scheme.scheme or "").lower() == "bearer" else (scheme.scheme or "Bearer")
                    return {"Authorization": f"{word.capitalize()} {key}"}
                if scheme.type == "apiKey" and scheme.location == "header" and scheme.param_name:
                    raw = ((spec.data.get("components") or {}).get("securitySchemes") or {}).get(scheme.key) or {}
                    text = f"{raw.get('default', '')} {raw.get('description', '')}"
                    m = re.search(r"`?([A-Za-z][\w-]*) \{[^}]*\}", text)
                    prefix = f"{m.group(1)} " if m and m.group(1).lower() not in ("the", "your") else ""
                    return {scheme.param_name: prefix + key}
    return {"Authorization": f"Bearer {key}"}


@dataclass(slots=True)
class RunConfig:
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)  # main credential + extra headers
    alt_headers: dict[str, str] = field(default_factory=dict)  # a second credential (tenant isolation)
    seed: int = 0
    max_examples: int = 20  # conforming cases per operation (violating: as many, at least one per constraint)
    workers: int = DEFAULT_WORKERS
    max_time: float | None = None
    rate: float | None = None  # requests per second, all workers together
    max_response_time: float | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_response_bytes: int = 1 << 20
    secrets: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # response field → value, for resources with no create
    probe_values: list[str] = field(default_factory=list)  # strings planted in string fields of extra cases
    # Constraints the docs pages add to the spec, per operation key (`contract check` fills it from drift):
    # generation honours them beside the spec's and the prose's, so a violating case breaks only its label.
    docs_extras: dict[str, list[ExtraConstraint]] = field(default_factory=dict)
    checks: frozenset[str] | None = None
    shrink_budget: int = 24  # requests per finding
    shrink_total: int = 240  # requests for all shrinking
    stateful: bool = True
    progress: str = "auto"  # auto | plain | off
    shard: tuple[int, int] | None = None  # (k, n): only paths whose stable hash falls in shard k of n
    total_timeout: float | None = None  # whole request, body included; default 3 × read_timeout
    read_only: bool = False  # only GET/HEAD/OPTIONS; everything else (and the sequences) skipped
    run_token: str | None = None  # salt of generated identifiers; default: derived from the seed
    max_requests: int | None = None  # requests on the wire, all purposes together; None: no budget
    path_params: dict[str, str] = field(default_factory=dict)  # NAME → VALUE: seeds/pins identifiers (see pool)
    cleanup: bool = True  # delete what the run created, deepest first, at the end


def shard_of(path: str, count: int) -> int:
    """0-based shard of a path: a stable hash, so every machine of a CI matrix agrees."""
    return int(hashlib.sha256(path.encode("utf-8")).hexdigest(), 16) % count


@dataclass(slots=True)
class RunResult:
    findings: list[Finding]
    meta: dict[str, Any]
    coverage: dict[str, list[CoverageRow]] = field(default_factory=dict)  # operation → its constraints
    reach: dict[str, dict[str, Any]] = field(default_factory=dict)  # operation → statuses, reached, why, hint


@dataclass(slots=True)
class _Hit:
    order: tuple[Any, ...]
    finding: Finding
    obs: Observation


class Runner:
    """One live run against one base URL."""

    def __init__(self, spec: Spec, config: RunConfig, pages: Sequence[DocsPage] = (),
                 progress: Progress | None = None, sender: Sender | None = None) -> None:
        """`sender`: every request goes through it (default: one made from `config`, closed by
        :meth:`run`); pass one to keep sending after the run (triangulation) under the same limits."""
        self.spec = spec
        self.config = config
        self.pages = list(pages)
        self._own_sender = sender is None
        self.sender = sender if sender is not None else Sender.for_run(config)
        self.redactor: Redactor = self.sender.redactor
        self.progress = progress or make_progress(self.redactor, config.progress)
        self._own_progress = self.sender.progress is None
        if self._own_progress:
            self.sender.progress = self.progress
        # Identifiers of this run's resources: from the seed, so a rerun sends (and reports) the same ones.
        self.token = config.run_token or hashlib.sha256(f"contract-run/{config.seed}".encode()).hexdigest()[:8]
        self.ops: list[LiveOperation] = [LiveOperation(o) for o in spec.operations] + docs_operations(spec, pages)
        if config.shard is not None:
            k, n = config.shard
            self.ops = [lo for lo in self.ops if shard_of(lo.op.path, n) == k - 1]
        self.read_only_skipped: list[str] = []
        if config.read_only:
            self.read_only_skipped = sorted(lo.key for lo in self.ops if lo.op.method not in SAFE_METHODS)
            self.ops = [lo for lo in self.ops if lo.op.method in SAFE_METHODS]
        self.coverage: dict[str, list[CoverageRow]] = {}
        self.validators = Validators(spec, [o.op for o in self.ops])
        self.graph = build_graph(spec, self.ops)
        self.resources: list[Resource] = self.graph.resources
        self.ctx = CheckContext(spec, self.validators, self.pages, max_response_time=config.max_response_time,
                                enabled=config.checks)
        self.rules: dict[str, Rules] = {}
        self._index_resources()
        self.pool = ThreadPoolExecutor(max_workers=max(config.workers, 1), thread_name_prefix="contract-run")
        self.started = time.monotonic()
        self.deadline = self.started + config.max_time if config.max_time else None
        # (check, operation, signature) → its first hit in case order: one exchange kept per distinct
        # finding, so memory does not grow with the number of cases (a 1 MB body each, against a hostile target).
        self.hits: dict[tuple[str, str, str], _Hit] = {}
        self._lock = threading.Lock()
        self.skipped = 0
        self.first_finding: dict[str, float] = {}
        self.templates: dict[str, Case] = {}  # resource path → an accepted create case
        self.template_index: dict[str, int] = {}
        self.accepted: dict[str, list[tuple[int, Case]]] = {}  # operation → accepted conforming cases, by index
        self.extras: dict[str, list[ExtraConstraint]] = {}
        self.reach = Reach()  # why an operation got no 2xx, for the report's coverage section
        self.instances = InstancePool(self, spec, self.graph)

    def _index_resources(self) -> None:
        for res in self.resources:
            self.rules[res.path] = rules_for(self.spec, res, self.pages)
        self.ctx.resources.update(self.graph.members)
        self.ctx.rules = self.rules

    # ------------------------------------------------------------------ sending

    @property
    def answered(self) -> int:
        return self.sender.answered

    @property
    def exchanges(self) -> int:
        """Requests the runner judged (not counting redirect hops, shrinking or discovery)."""
        return self.sender.exchanges

    @property
    def errors(self) -> dict[str, int]:
        return self.sender.errors

    def over_time(self) -> bool:
        """Stop starting new work: --max-time passed, or the request budget is spent."""
        return (self.deadline is not None and time.monotonic() > self.deadline) or self.sender.exhausted

    def send(self, lo: LiveOperation, case: Case, role: Any = "flood", *, order: tuple[Any, ...] = (),
             expected: State | None = None, writer: str | None = None) -> tuple[Exchange, list[Finding]]:
        """Send one case, run every check on the answer, record the findings under `order`."""
        return self.judge(lo, case, self.sender.send(case, _PURPOSE.get(str(role), "flood")), role, order=order,
                          expected=expected, writer=writer)

    def judge(self, lo: LiveOperation, case: Case, exchange: Exchange, role: Any = "flood", *,
              order: tuple[Any, ...] = (), expected: State | None = None,
              writer: str | None = None) -> tuple[Exchange, list[Finding]]:
        """Run every check on an exchange already sent, record the findings under `order`."""
        obs = Observation(lo, case, exchange, role, expected, writer)
        found = run_checks(self.ctx, obs)
        if role == "flood":
            self.reach.observe(case, exchange, identifier_params(self.ctx, obs))
        with self._lock:
            for f in found:
                self._keep(_Hit(order, f, obs))
                self.first_finding.setdefault(f.check, round(time.monotonic() - self.started, 4))
        return exchange, found

    def send_unjudged(self, case: Case, purpose: Purpose = "cleanup") -> Exchange:
        """A request no check looks at yet (cleanup; a create being fitted), through the one sender."""
        return self.sender.send(case, purpose)

    def record(self, order: tuple[Any, ...], finding: Finding, obs: Observation) -> None:
        """A finding made outside the exchange checks (stateful, inventory)."""
        if not self.ctx.on(finding.check):
            return
        with self._lock:
            self._keep(_Hit(order, finding, obs))
            self.first_finding.setdefault(finding.check, round(time.monotonic() - self.started, 4))

    def _keep(self, hit: _Hit) -> None:
        """Keep `hit` if it is the first of its finding in case order (caller holds the lock)."""
        key = (hit.finding.check, hit.finding.operation or "", hit.finding.signature())
        kept = self.hits.get(key)
        if kept is None or _order_key(hit.order) < _order_key(kept.order):
            self.hits[key] = hit

    # ------------------------------------------------------------------ identifiers

    def fresh_value(self, res: Resource, link: Link, tag: str) -> str:
        return self.instances.fresh_value(res, link, tag)

    def with_fresh_ids(self, res: Resource, case: Case, tag: str, *, all_links: bool = False) -> Case:
        """`case` with each identifier it carries (or all, for setup creates) made unique to `tag`."""
        return self.instances.with_fresh_ids(res, case, tag, all_links=all_links)

    def with_ids(self, res: Resource | None, case: Case, ids: dict[str, Any],
                 source: IdentifierSource = "produced") -> Case:
        """`case` naming an existing resource: identifier parameters set from `ids` (response fields).

        `source`: where `ids` come from — "produced" (a create's response) or "configured" (the user).
        """
        case = copy.deepcopy(case)
        protected = case.label.pointer.lower() if case.label else ""
        links = res.links if res else []
        live_op = self._op_of(case)
        op_params = {(p.location, p.name) for p in live_op.op.parameters} if live_op else set()
        if not links:  # no create operation: link by name against configured ids
            links = [Link(loc, name, f) for loc, name in op_params
                     if loc in ("path", "query", "header") and (f := link_field(name, ids))]
        for link in links:
            value = ids.get(link.field)
            if value is None or link.name.lower() in protected:
                continue
            if link.location == "header":
                present = next((k for k in case.headers if k.lower() == link.name.lower()), None)
                if present is None:
                    continue
                case.headers[present] = str(value)
            elif link.location == "query" and link.name in case.query:
                case.query[link.name] = str(value)
            elif link.location == "path" and link.name in case.path_params:
                case.path_params[link.name] = str(value)
            else:
                continue
            case.identifier_sources[link.name] = source
        return case

    def _op_of(self, case: Case) -> LiveOperation | None:
        return next((o for o in self.ops if o.key == case.operation), None)

    def identifiers(self, res: Resource, exchange: Exchange) -> dict[str, Any]:
        return self.instances.identifiers(res, None, exchange)[0]

    def expected_for(self, res: Resource, case: Case, *, state: State | None = None) -> State:
        """What a write of `case` should show: its body (merged onto `state`) plus identifiers sent."""
        expected = copy.deepcopy(state) if state is not None else State()
        body = case.body if case.has_body and case.raw_body is None else None
        expected.apply(body, res.view.properties, self.rules.get(res.path, Rules()))
        lowered = {k.lower(): v for k, v in case.headers.items()}
        for link in res.links:
            value = lowered.get(link.name.lower()) if link.location == "header" else (
                case.query.get(link.name) if link.location == "query" else case.path_params.get(link.name))
            schema = res.view.properties.get(link.field) or {}
            if value is None or (isinstance(schema, dict) and schema.get("format") == "uuid"
                                 and not _is_uuid(str(value))):
                continue
            expected.identify({link.field: value})
        return expected

    def create_resource(self, res: Resource, tag: str, order: tuple[Any, ...],
                        headers: dict[str, str] | None = None, parent: Instance | str | None = "shared",
                        ) -> Created | None:
        """A new resource from the accepted create template, with identifiers unique to `tag`, inside
        the shared instance of its parent (or `parent`)."""
        return self.instances.create(res, tag, order, headers=headers, parent=parent)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ phases

    def generate(self) -> dict[str, list[Case]]:
        out: dict[str, list[Case]] = {}
        n = self.config.max_examples
        for lo in self.ops:
            extras = [*prose_constraints(self.spec, lo.op), *self.config.docs_extras.get(lo.key, [])]
            self.extras[lo.key] = extras
            result = generate_cases(self.spec, lo.op, mode="all", count=n, seed=self.config.seed,
                                    headers=self.config.headers, extra=extras,
                                    budget=max(2.0, min(20.0, (self.config.max_time or 60) / 4)),
                                    validators=self.validators)
            self.coverage[lo.key] = list(result.coverage)
            cases = result.cases
            cases += self._probe_cases([c for c in cases if c.mode == "conforming"])
            out[lo.key] = cases
            for i, f in enumerate(result.findings):
                self.record((9, lo.key, i), f, Observation(lo, None, Exchange(lo.op.method, "", {})))
        return out

    def _probe_cases(self, conforming: list[Case]) -> list[Case]:
        """Conforming cases with a user-supplied probe value planted in each top-level string field."""
        out: list[Case] = []
        if not self.config.probe_values or not conforming:
            return out
        base = conforming[0]
        if not isinstance(base.body, dict):
            return out
        for value in self.config.probe_values:
            for name, current in sorted(base.body.items()):
                if isinstance(current, str):
                    out.append(replace(copy.deepcopy(base), body={**base.body, name: value}))
                elif isinstance(current, list) and current and isinstance(current[0], dict) and "key" in current[0]:
                    items = [{**current[0], "key": value[:30]}]
                    out.append(replace(copy.deepcopy(base), body={**base.body, name: items}))
        return out

    def preflight(self, cases: dict[str, list[Case]]) -> None:
        for lo in self.ops:
            first = next((c for c in cases.get(lo.key, []) if c.mode == "conforming"), None)
            if first is None:
                continue
            res = self.ctx.resources.get(lo.key)
            case = self.with_fresh_ids(res, first, "preflight") if res and res.create is lo else first
            probe = self.sender.send(case, "preflight")  # counted like any other exchange
            if probe.status is None and probe.error in UNREACHABLE_KINDS:
                raise TargetUnreachable(f"{self.redactor.url(self.config.base_url)}: {probe.error} "
                                        f"(no answer to {lo.key})")
            return

    def flood(self, lo: LiveOperation, index: int, cases: list[Case]) -> bool:
        """All cases of one operation, concurrently; each on identifiers / a resource of its own.

        False when it gave up: nothing answered `limit` cases in a row (the target hangs, resets...).
        """
        plan = self.graph.plan(lo.key)
        if plan is not None and plan.scope is not None and not self.over_time():
            # the instances every case needs, made once, in order, before the cases run concurrently
            for res in reversed(plan.scope.lineage()):
                self.instances.shared(res)
        failures = {"streak": 0, "answered": 0, "inflight": 0}
        limit = max(4, self.config.workers * 2)

        def one(i: int, case: Case) -> None:
            # Until something answers, at most `limit` cases are tried (in flight ones included: counting
            # only finished failures lets every free worker start one more against a target that hangs).
            with self._lock:
                give_up = failures["answered"] == 0 and failures["streak"] + failures["inflight"] >= limit
                if self.over_time() or give_up:
                    self.skipped += 1
                    return
                failures["inflight"] += 1
            try:
                self._flood_one(lo, index, i, case, plan, failures)
            finally:
                with self._lock:
                    failures["inflight"] -= 1

        list(self.pool.map(lambda ic: one(*ic), enumerate(cases)))
        return not (failures["answered"] == 0 and failures["streak"] >= limit)

    def _prepare(self, lo: LiveOperation, plan: Plan | None, case: Case, inst: Instance | None, tag: str) -> Case:
        """`case` as sent: a create's identifiers renewed, every identifier parameter naming `inst`'s lineage,
        the body fitted to it."""
        if plan is not None and plan.role == "create" and plan.resource is not None:
            case = self.with_fresh_ids(plan.resource, case, tag)
        if plan is not None:
            case = self.instances.fill(case, lo, inst)
            case = self.instances.adapt(lo, case, inst)
        elif self.config.ids:
            case = self.with_ids(None, case, self.config.ids, "configured")
        if plan is None and self.config.path_params:
            case = self.instances.fill(case, lo, None)
        return case

    def _flood_one(self, lo: LiveOperation, index: int, i: int, case: Case, plan: Plan | None,
                   failures: dict[str, int]) -> None:
        order = (1, index, i)
        expected = None
        res = plan.resource if plan is not None else None
        tag = f"{index}-{i}"
        inst = self.instances.context(lo, plan, tag, (1, index, i, "setup"), case)
        case = self._prepare(lo, plan, case, inst, tag)
        first: Exchange | None = None
        if plan is not None and self.instances.may_learn(lo, case, inst):
            # a refusal naming a body field its ancestors' data decides: fitted, and the fitted case is judged
            first = self.send_unjudged(case, "flood")
            if first.error is None and first.status in (400, 422):
                fitted = self.instances.learn(lo, case, first, plan, inst, index, i)
                if fitted is not None:
                    case, first = fitted, None
        member = self.ctx.resources.get(lo.key)
        if plan is not None and plan.role == "create" and res is not None:
            expected = self.expected_for(res, case) if case.mode == "conforming" else None
        elif member is not None and plan is not None and plan.role == "update" and case.mode == "conforming" \
                and lo.op.method in ("PATCH", "PUT", "POST"):
            expected = self.expected_for(member, case)
        if first is not None:
            exchange, _ = self.judge(lo, case, first, "flood", order=order, expected=expected,
                                     writer=lo.key if expected else None)
        else:
            exchange, _ = self.send(lo, case, "flood", order=order, expected=expected,
                                    writer=lo.key if expected else None)
        with self._lock:
            if exchange.status is not None:
                failures["answered"] += 1
                failures["streak"] = 0
            elif exchange.error:
                failures["streak"] += 1
        accepted = exchange.error is None and 200 <= (exchange.status or 0) < 300
        if not accepted or plan is None:
            return
        if plan.role == "create" and res is not None:
            self.instances.register(res, case, exchange, inst)
        elif plan.role == "delete" and inst is not None and plan.fresh:
            self.instances.mark_deleted(inst)
        if case.mode != "conforming":
            return
        with self._lock:  # by case index, so the same whatever the timing
            kept = self.accepted.setdefault(lo.key, [])
            kept.append((i, replace(copy.deepcopy(case), label=None)))
            kept.sort(key=lambda ic: ic[0])
            del kept[_ACCEPTED_KEPT:]
        if plan.role == "create" and res is not None:
            with self._lock:
                best = self.template_index.get(res.path)
                if best is None or best > i:  # the lowest accepted index: the same whatever the timing
                    self.template_index[res.path] = i
                    self.templates[res.path] = replace(copy.deepcopy(case), label=None)

    def auth_probes(self, lo: LiveOperation, index: int, cases: list[Case]) -> None:
        if not lo.op.security or all(not alt for alt in lo.op.security):
            return
        first = next((c for c in cases if c.mode == "conforming"), None)
        if first is None:
            return
        plan = self.graph.plan(lo.key)
        for j, role in enumerate(("auth-none", "auth-invalid")):
            # real identifiers (a fresh instance where the request could change it): a 2xx means it
            inst = self.instances.context(lo, plan, f"auth{index}-{j}", (2, index, j, "setup"))
            case = self._prepare(lo, plan, copy.deepcopy(first), inst, f"auth{j}")
            names = {s.param_name.lower() for alt in lo.op.security for s in alt if s.param_name}
            names |= {"authorization"}
            kept = {k: v for k, v in case.headers.items() if k.lower() not in names}
            if role == "auth-invalid":
                cred = credential_headers(self.spec, "contract-invalid-" + "0" * 24)
                kept.update(cred)
            case.headers = kept
            self.send(lo, case, role, order=(2, index, j))

    # ------------------------------------------------------------------ run

    def run(self) -> RunResult:
        from contract.replay.sequences import discover, run_sequences

        try:
            if self.read_only_skipped:
                self.progress.line(f"read-only: not sending {', '.join(self.read_only_skipped)} "
                                   f"(only {'/'.join(sorted(SAFE_METHODS))}; no stateful sequences)")
            self.progress.line(f"generating cases for {len(self.ops)} operations (seed {self.config.seed})")
            cases = self.generate()
            total = sum(len(c) for c in cases.values())
            self.progress.phase(f"sending to {self.redactor.url(self.config.base_url)}", total + 1)
            self.preflight(cases)
            order = sorted(range(len(self.ops)), key=lambda i: self._flood_rank(i))
            for i in order:
                lo = self.ops[i]
                if self.flood(lo, i, cases[lo.key]):  # credential probes mean nothing where nothing answers
                    self.auth_probes(lo, i, cases[lo.key])
            for lo in self.ops:
                if lo.origin == "docs":
                    self.record((0, lo.key), _inventory("live.docs_only_operation", lo,
                                f"{lo.key} is documented on {lo.docs[0].where.file} but not in the spec"),
                                Observation(lo, None, Exchange(lo.op.method, "", {})))
            if self.answered == 0 and self.errors and set(self.errors) <= UNREACHABLE_KINDS:
                raise TargetUnreachable(f"{self.redactor.url(self.config.base_url)}: no request was answered "
                                        f"({', '.join(sorted(self.errors))})")
            if self.config.stateful and not self.config.read_only and not self.over_time():
                for r_index, res in enumerate(self.resources):
                    discover(self, res, r_index)
                    run_sequences(self, res, r_index)
            findings = self.finish()
            if self.config.cleanup and not self.config.read_only:
                evidence = [text for f in findings if f.exchange is not None
                            for text in (f.exchange.url, *f.exchange.request_headers.values())]
                self.instances.cleanup(evidence)
        finally:
            self.pool.shutdown(wait=True)
            if self._own_sender:
                self.sender.close()
            if self._own_progress:
                self.sender.progress = None
            self.progress.close()
        elapsed = time.monotonic() - self.started
        meta = {
            "base_url": self.redactor.url(self.config.base_url),
            "seed": self.config.seed,
            "max_examples": self.config.max_examples,
            "workers": self.config.workers,
            "requests": self.sender.sent,
            "exchanges": self.exchanges,
            "answered": self.answered,
            "transport_errors": dict(sorted(self.errors.items())),
            "skipped_cases": self.skipped,
            "elapsed_s": round(elapsed, 3),
            "requests_per_s": round(self.sender.sent / elapsed, 1) if elapsed > 0 else None,
            **self.sender.meta(),
            "first_finding_s": dict(sorted(self.first_finding.items())),
            "operations": {lo.key: lo.origin for lo in self.ops},
            "checks": sorted(self.config.checks or [info.id for info in live_checks()]),
            "shard": f"{self.config.shard[0]}/{self.config.shard[1]}" if self.config.shard else None,
            "read_only": {"methods": sorted(SAFE_METHODS), "skipped_operations": self.read_only_skipped,
                          "stateful": "skipped"} if self.config.read_only else None,
            "depth": self._depth_meta(),
        }
        not_sent = {key: "--read-only (only GET, HEAD and OPTIONS are sent)" for key in self.read_only_skipped}
        reach = self.reach.summary([lo.key for lo in self.ops], self.sender.statuses, not_sent)
        return RunResult(findings, meta, dict(self.coverage), reach)

    def _flood_rank(self, i: int) -> tuple[int, int, int]:
        """Creates first, parents before children; then every other operation in spec order."""
        plan = self.graph.plan(self.ops[i].key)
        if plan is not None and plan.role == "create" and plan.resource is not None:
            return 0, plan.resource.depth, i
        return 1, 0, i

    def _depth_meta(self) -> dict[str, Any]:
        """How deep the run got: the graph's resources, instances made, what bodies were fitted to."""
        made = self.instances.created
        return {
            "resources": [{"path": r.path, "parent": r.parent.path if r.parent else None,
                           "create": r.create.key if r.create else None,
                           "identifiers": sorted({f"{link.name}={link.field}" for link in r.links})
                           + [f"body.{f}" for f in r.request_ids]} for r in self.resources],
            "instances_created": len(made),
            "adaptations": {k: [a.describe() for a in v] for k, v in sorted(self.instances.adaptations.items()) if v},
            "adaptation_requests": self.instances.adapt_requests,
            "cleanup": dict(self.instances.cleanup_stats),
        }

    # ------------------------------------------------------------------ findings

    def finish(self) -> list[Finding]:
        """The kept findings in case order, each marked with its cause (:mod:`contract.replay.group`).

        Findings of one cause become one in the report (:func:`contract.core.grouping.collapse`), so
        only the first of each cause (its example) is shrunk.
        """
        hits = sorted(self.hits.values(), key=lambda h: _order_key(h.order))
        chosen: dict[tuple[str, str, str], _Hit] = {}
        for h in hits:
            key = (h.finding.check, h.finding.operation or "", h.finding.signature())
            chosen.setdefault(key, h)
        budget = self.config.shrink_total
        shrunk: set[tuple[Any, ...]] = set()
        out: list[Finding] = []
        for h in chosen.values():
            cause = group_key(h.finding)
            if budget > 0 and cause not in shrunk and h.obs.role == "flood" and h.obs.case is not None \
                    and h.finding.check in _SHRINKABLE:
                shrunk.add(cause)
                used = self._shrink(h, min(self.config.shrink_budget, budget))
                budget -= used
            out.append(self._finalise(h.finding))
        annotate(out)
        out.sort(key=lambda f: (f.check, f.operation or "", f.signature()))
        return out

    def _shrink(self, hit: _Hit, budget: int) -> int:
        obs, finding = hit.obs, hit.finding
        assert obs.case is not None
        lo = obs.op
        res = self.ctx.resources.get(lo.key)
        signature = finding.signature()

        def still_fails(candidate: Case) -> tuple[bool, Exchange]:
            expected = None
            if obs.expected is not None and res is not None:
                expected = self.expected_for(res, candidate)
            exchange = self.sender.send(candidate, "shrink")
            again = Observation(lo, candidate, exchange, obs.role, expected, obs.writer)
            hits = run_checks(self.ctx, again, only=finding.check)
            match = next((f for f in hits if f.signature() == signature), None)
            if match is not None:
                fails_with[0] = match
            return match is not None, exchange

        fails_with: list[Finding | None] = [None]
        result = shrink(obs.case, lo.op, self.validators.request(lo.op), self.extras.get(lo.key, []),
                        still_fails, budget)
        if result.removed and fails_with[0] is not None:
            shrunk = fails_with[0]
            hit.finding.message = shrunk.message
            hit.finding.exchange = shrunk.exchange
            hit.finding.details = {**shrunk.details, "shrunk": {"removed": result.removed,
                                                                "requests": result.requests}}
        return result.requests

    def _finalise(self, finding: Finding) -> Finding:
        """The exchange redacted (by name and value, before the report cuts its body) and its curl line."""
        if finding.exchange is not None and finding.exchange.url:
            finding.exchange, finding.curl = self.sender.recorded(finding.exchange)
        else:
            finding.exchange = None
        return finding


def _inventory(check: str, lo: LiveOperation, message: str) -> Finding:
    return Finding(check, checks.get(check).severity, message, operation=lo.key,
                   docs=lo.docs[0].where if lo.docs else None, source="docs" if lo.origin == "docs" else None,
                   subject=lo.key, details={"origin": lo.origin})


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def _order_key(order: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(f"{x:012d}" if isinstance(x, int) else str(x) for x in order)


def env_credentials(spec: Spec, environ: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """`CONTRACT_API_KEY` → the spec's credential header (and the key as a secret to redact)."""
    env = os.environ if environ is None else environ
    key = env.get("CONTRACT_API_KEY", "").strip()
    if not key:
        return {}, []
    return credential_headers(spec, key), [key]


def merge_headers(*groups: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in groups:
        for name, value in group:
            for existing in [k for k in out if k.lower() == name.lower()]:
                del out[existing]
            out[name] = value
    return out


__all__ += ["env_credentials", "merge_headers"]
