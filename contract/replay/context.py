"""One live run's context: what every phase reads and adds to, and the one way it sends.

The phases (:mod:`contract.replay.phases`) are functions over a :class:`RunContext`; none holds
state of its own, none sees the engine (:mod:`contract.replay.runner`). The context holds the
inputs (spec, config, pages, the operations in scope), what is built from them once (validators,
the resource graph, the check context, round-trip rules), what the phases learn on the way
(generated cases, accepted cases and create templates, live instances, reach) and the findings
store. Every request goes through its :class:`~contract.replay.sender.Sender`: :meth:`send`
(judged by every check) or :meth:`send_unjudged` (cleanup, a body being fitted).

Identifiers of the run's resources come from the seed (`token`), so a rerun sends and reports
the same ones.
"""

from __future__ import annotations

import copy
import hashlib
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from contract.core.http import form_view, is_form
from contract.core.selection import selects, unmatched
from contract.docs import DocsPage
from contract.errors import InputError
from contract.generate import CoverageRow, ExtraConstraint
from contract.load import Spec
from contract.model import Case, Exchange, Finding, IdentifierSource
from contract.redact import Redactor
from contract.replay.checks import CheckContext, Observation, Role, identifier_params, run_checks
from contract.replay.client import SAFE_METHODS
from contract.replay.config import RunConfig, shard_of
from contract.replay.findings import FindingStore
from contract.replay.graph import Plan, build_graph
from contract.replay.judged import Judged, judging_check
from contract.replay.operations import Link, LiveOperation, Resource, docs_operations, link_field, same_place
from contract.replay.order import Order
from contract.replay.pool import Instance, InstancePool
from contract.replay.progress import Progress
from contract.replay.reach import Reach
from contract.replay.roundtrip import ResponseFit, Rules, State, rules_for
from contract.replay.sender import Purpose, Sender
from contract.validate import Validators

__all__ = ["RunContext"]

# An observation's role (what the checks judge it as) → the sender's purpose (for the counters).
_PURPOSE: dict[str, Purpose] = {"flood": "flood", "auth-none": "auth", "auth-invalid": "auth",
                                "sequence": "sequence", "probe": "discovery"}


class RunContext:
    """The state of one live run, shared by its phases (see the module docstring)."""

    def __init__(self, spec: Spec, config: RunConfig, pages: Sequence[DocsPage], sender: Sender,
                 progress: Progress) -> None:
        self.spec = spec
        self.config = config
        self.pages = list(pages)
        self.sender = sender
        self.redactor: Redactor = sender.redactor
        self.progress = progress
        self.token = config.run_token or hashlib.sha256(f"contract-run/{config.seed}".encode()).hexdigest()[:8]
        # the operations in scope: the spec's and the docs-only ones, this shard's, the safe ones when read-only
        self.ops: list[LiveOperation] = [LiveOperation(o) for o in spec.operations] + docs_operations(spec, pages)
        if config.operations:
            missing = unmatched([lo.op for lo in self.ops], config.operations)
            if missing:
                raise InputError(spec.path, f"--operation {missing[0]!r} names no operation (patterns match an "
                                            "operationId, 'METHOD /path' or a path; globs allowed)")
            self.ops = [lo for lo in self.ops if any(selects(lo.op, p) for p in config.operations)]
        if config.shard is not None:
            k, n = config.shard
            self.ops = [lo for lo in self.ops if shard_of(lo.op.path, n) == k - 1]
        self.read_only_skipped: list[str] = []
        if config.read_only:
            self.read_only_skipped = sorted(lo.key for lo in self.ops if lo.op.method not in SAFE_METHODS)
            self.ops = [lo for lo in self.ops if lo.op.method in SAFE_METHODS]
        self.validators = Validators(spec, [o.op for o in self.ops])
        self.graph = build_graph(spec, self.ops)
        self.resources: list[Resource] = self.graph.resources
        self.check_ctx = CheckContext(spec, self.validators, self.pages, max_response_time=config.max_response_time,
                                      enabled=config.checks, operations=[lo.op for lo in self.ops])
        self.rules: dict[str, Rules] = {res.path: rules_for(spec, res, self.pages) for res in self.resources}
        self.fits: dict[str, ResponseFit] = {res.path: ResponseFit(res.view) for res in self.resources}
        self.check_ctx.resources.update(self.graph.members)
        self.check_ctx.rules = self.rules
        self.executor = ThreadPoolExecutor(max_workers=max(config.workers, 1), thread_name_prefix="contract-run")
        self.started = time.monotonic()
        self.deadline = self.started + config.max_time if config.max_time else None
        self.lock = threading.Lock()  # the findings, the flood's counters, the accepted cases
        self.findings = FindingStore(self.lock, self.started)
        # what the phases produce and learn
        self.cases: dict[str, list[Case]] = {}  # operation → its generated cases (generation)
        self.extras: dict[str, list[ExtraConstraint]] = {}  # operation → prose and docs constraints honoured
        self.coverage: dict[str, list[CoverageRow]] = {}
        self.skipped = 0  # cases not sent (time or budget up, or the target stopped answering)
        self.templates: dict[str, Case] = {}  # resource path → an accepted create case
        self.template_index: dict[str, int] = {}
        self.accepted: dict[str, list[tuple[int, Case]]] = {}  # operation → accepted conforming cases, by index
        self.reach = Reach()  # why an operation got no 2xx, for the report's coverage section
        self.judged = Judged()  # per constraint: violating cases sent and how they were judged
        self.instances = InstancePool(self, spec, self.graph)
        self.result: list[Finding] = []  # the finished findings (finish)

    # ------------------------------------------------------------------ sending

    def over_time(self) -> bool:
        """Stop starting new work: --max-time passed, or the request budget is spent."""
        return (self.deadline is not None and time.monotonic() > self.deadline) or self.sender.exhausted

    def send(self, lo: LiveOperation, case: Case, role: Role = "flood", *, order: Order,
             expected: State | None = None, writer: str | None = None) -> tuple[Exchange, list[Finding]]:
        """Send one case, run every check on the answer, record the findings under `order`."""
        return self.judge(lo, case, self.sender.send(case, _PURPOSE.get(str(role), "flood")), role, order=order,
                          expected=expected, writer=writer)

    def judge(self, lo: LiveOperation, case: Case, exchange: Exchange, role: Role = "flood", *,
              order: Order, expected: State | None = None,
              writer: str | None = None) -> tuple[Exchange, list[Finding]]:
        """Run every check on an exchange already sent, record the findings under `order`."""
        obs = Observation(lo, case, exchange, role, expected, writer)
        found = run_checks(self.check_ctx, obs)
        if role == "flood":
            self.reach.observe(case, exchange, identifier_params(self.check_ctx, obs))
            if case.label is not None:
                self.judged.observe(case, exchange, found, judged=self.check_ctx.on(judging_check(case.label.keyword)))
        for f in found:
            self.findings.add(order, f, obs)
        return exchange, found

    def send_unjudged(self, case: Case, purpose: Purpose = "cleanup") -> Exchange:
        """A request no check looks at yet (cleanup; a create being fitted), through the one sender."""
        return self.sender.send(case, purpose)

    def record(self, order: Order, finding: Finding, obs: Observation) -> None:
        """A finding made outside the exchange checks (stateful, inventory), if its check is on."""
        if self.check_ctx.on(finding.check):
            self.findings.add(order, finding, obs)

    # ------------------------------------------------------------------ identifiers

    def prepare(self, lo: LiveOperation, plan: Plan | None, case: Case, inst: Instance | None, tag: str) -> Case:
        """`case` as sent: a create's identifiers renewed, every identifier parameter naming `inst`'s lineage,
        the body fitted to it."""
        if plan is not None and plan.role == "create" and plan.resource is not None:
            case = self.instances.with_fresh_ids(plan.resource, case, tag)
        if plan is not None:
            case = self.instances.fill(case, lo, inst)
            case = self.instances.adapt(lo, case, inst)
        elif self.config.ids:
            case = self.with_ids(None, case, self.config.ids, "configured")
        if plan is None and self.config.path_params:
            case = self.instances.fill(case, lo, None)
        return case

    def with_ids(self, res: Resource | None, case: Case, ids: dict[str, Any],
                 source: IdentifierSource = "produced") -> Case:
        """`case` naming an existing resource: identifier parameters set from `ids` (response fields).

        `source`: where `ids` come from — "produced" (a create's response) or "configured" (the user).
        """
        case = copy.deepcopy(case)
        protected = case.label.pointer.lower() if case.label else ""
        links = res.links if res else []
        live_op = next((o for o in self.ops if o.key == case.operation), None)
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

    def expected_for(self, res: Resource, case: Case, *, state: State | None = None) -> State:
        """What a write of `case` should show: its body (merged onto `state`) plus identifiers sent."""
        expected = copy.deepcopy(state) if state is not None else State()
        body = case.body if case.has_body and case.raw_body is None else None
        if isinstance(body, dict) and (case.media_type or "").startswith("application/x-www-form-urlencoded"):
            # what the server reads: the form by its schema (Stripe's undeclared `custom_fields[0][label][x]=1`
            # is the text "1"), a null not sent
            body = self.validators.request(case.operation).read_back(body)
        elif isinstance(body, dict) and is_form(case.media_type):
            body = form_view(body)  # a null (Discord's sticker `description`) is not sent
        expected.apply(body, res.view.properties, self.rules.get(res.path, Rules()), fits=self.fits.get(res.path))
        lowered = {k.lower(): v for k, v in case.headers.items()}
        for link in res.links:
            if link.location == "path" and not same_place(link.name, case.path, res.item_path):
                continue
            value = lowered.get(link.name.lower()) if link.location == "header" else (
                case.query.get(link.name) if link.location == "query" else case.path_params.get(link.name))
            schema = res.view.properties.get(link.field) or {}
            if value is None or (isinstance(schema, dict) and schema.get("format") == "uuid"
                                 and not _is_uuid(str(value))):
                continue
            fits = self.fits.get(res.path)
            if fits is not None and not fits(link.field, value) and not fits(link.field, _typed(value)):
                continue  # a value the response cannot show (Discord's snowflake `user_id`): not expected back
            expected.identify({link.field: value}, wire=True)
        return expected


def _typed(value: Any) -> Any:
    """A parameter's text as the number it spells, for a response field that is one (`?limit=5` → 5)."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False
