"""The live checks: each a small function registered under a stable ``live.`` id.

A check looks at one :class:`Observation` (an operation, the case sent, what came
back, and why it was sent) and returns findings. Checks are pure: the runner
sends, the checks judge, so the shrinker can re-ask "does this check still fail,
for the same reason?" on a smaller case. Stateful checks (tenant isolation, lost
update, delete) judge several exchanges at once and live in
:mod:`contract.replay.phases.stateful`; they are declared here too, so this module lists
every live id and severity (all in the one registry, :mod:`contract.core.checks`).

Severities (``contract checks --stage live`` prints them):

* error — the API is broken for a client that follows the contract: 5xx, a
  response that breaks its schema or content type, auth not enforced (a request
  without valid credentials *succeeded*), one tenant reaching another's data, a
  write not kept, a lost update, a delete not done, a transport failure; a
  *spec*-stated constraint the server does not enforce; a conforming request
  refused over a rule the spec does not state (quoted from the server's error
  body), or a 404 for an identifier a successful create produced;
* warning — the server disagrees with something only prose or a docs page states
  (a violating case from prose/docs accepted), a conforming request refused over a
  field a docs page or the spec's prose names, a conforming request answered
  401 (check the credential) or 404 for an identifier the user configured, a body
  media type not enforced, an undocumented
  status, a documented response header missing, a slow answer;
* info — a conforming request answered 403 (switched off or forbidden for this
  credential); a violating request refused over *another* field (could not decide
  whether its constraint is enforced); operations known only from the docs or only
  from the live target.

Never a finding: a 404 for an identifier the run made up (``Case.identifier_sources``
says where each came from), a 409 (the resource's state) or 429 (rate limiting) on a
conforming request; a 400/404/422 to a request without credentials. Error bodies are
read by the one shared reader, :mod:`contract.core.errors_body`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import Any, Literal

from contract.core import checks, errors_body
from contract.core import pointer as jp
from contract.core.checks import CheckInfo, CheckKind
from contract.core.errors_body import ErrorItem
from contract.docs import DocsPage
from contract.load import Spec
from contract.model import Case, Exchange, Finding, Location, MediaType, Operation, Severity
from contract.replay.client import NOT_SENT, UNSENDABLE
from contract.replay.operations import LiveOperation, Resource, ResourceView, resource_view
from contract.replay.roundtrip import Rules, State, compare_state, unwrap
from contract.semantics import Semantic, contradiction, semantics
from contract.validate import Validators, is_json_media

__all__ = ["CheckContext", "CheckInfo", "Observation", "identifier_params", "live_checks", "register", "run_checks"]

Role = Literal["flood", "auth-none", "auth-invalid", "sequence", "probe", "traffic"]  # traffic: a proxied exchange


@dataclass(slots=True)
class Observation:
    """One exchange and why it was sent."""

    op: LiveOperation
    case: Case | None
    exchange: Exchange
    role: Role = "flood"
    expected: State | None = None  # what a create/update/read should show (round trip)
    writer: str | None = None  # the operation whose write `expected` describes


@dataclass(slots=True)
class CheckContext:
    spec: Spec
    validators: Validators
    pages: list[DocsPage] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)  # operation key → its resource
    rules: dict[str, Rules] = field(default_factory=dict)  # resource path → rules
    max_response_time: float | None = None
    enabled: frozenset[str] | None = None
    operations: list[Operation] | None = None  # those the validators were built for (default: the spec's)
    _wire: dict[tuple[str, str], list[Operation]] | None = None
    _views: dict[str, ResourceView] = field(default_factory=dict)
    # response media → the meanings its whole schema states, by instance path; None where that walk is too long
    _meanings: dict[int, tuple[MediaType, dict[str, tuple[Semantic, Location | None, str]] | None]] = \
        field(default_factory=dict)

    def spec_meanings(self, media: MediaType, body: Any) -> dict[str, tuple[Semantic, Location | None, str]]:
        """What the descriptions in `media`'s schema say its fields mean (see `_spec_meanings_at`), for `body`.

        A small schema is walked once, whole; a large one along the body's own shape on each exchange (a field
        the body does not carry has no value to contradict): the whole walk of each Stripe-2023 response schema
        costs 131 CPU s (expandable fields make each a tree of thousands of described paths), a body's fields are
        a few dozen. Either way the same meanings meet the body's values."""
        if media.schema is None or media.where is None:
            return {}
        hit = self._meanings.get(id(media))
        if hit is None or hit[0] is not media:
            whole: dict[str, tuple[Semantic, Location | None, str]] = {}
            try:
                _spec_meanings_at(self.spec, media.schema, media.where.pointer or "", "", whole, (), _EVERYWHERE,
                                  [_WHOLE_WALK])
                hit = (media, whole)
            except _WalkTooLong:
                hit = (media, None)
            self._meanings[id(media)] = hit
        if hit[1] is not None:
            return hit[1]
        found: dict[str, tuple[Semantic, Location | None, str]] = {}
        _spec_meanings_at(self.spec, media.schema, media.where.pointer or "", "", found, (), _shape(body, 0))
        return found

    def view_of(self, op: Operation) -> ResourceView:
        """The object `op`'s own success response shows (see :func:`resource_view`), read once per operation."""
        view = self._views.get(op.key)
        if view is None:
            view = self._views[op.key] = resource_view(self.spec, op)
        return view

    def on(self, check: str) -> bool:
        return self.enabled is None or check in self.enabled

    def wire_siblings(self, op: Operation) -> list[Operation]:
        """The other operations that are the same request on the wire: a `#fragment` in a path is never sent
        (Box: `/files/{file_id}#add_shared_link` beside `/files/{file_id}`, `/shared_items#folders`)."""
        if self._wire is None:
            wire: dict[tuple[str, str], list[Operation]] = {}
            for o in self.operations if self.operations is not None else self.spec.operations:
                wire.setdefault((o.method, o.path.split("#", 1)[0]), []).append(o)
            self._wire = wire
        return [o for o in self._wire.get((op.method, op.path.split("#", 1)[0]), []) if o is not op]


CheckFn = Callable[[CheckContext, Observation], list[Finding]]


def register(check_id: str, severity: Severity, description: str) -> Callable[[CheckFn], CheckFn]:
    """Register an exchange check: a function judging one observation."""
    return checks.check(check_id, severity, description, kind="exchange")


def _declare(check_id: str, severity: Severity, description: str, kind: CheckKind) -> None:
    checks.declare(check_id, severity, description, kind=kind)


def live_checks() -> tuple[CheckInfo, ...]:
    """Every live check id (exchange, stateful and inventory), in registration order."""
    return checks.by_stage("live")


def finding(check: str, obs: Observation, message: str, subject: str, *, severity: Severity | None = None,
            labelled: bool = False, writer: str | None = None, **details: Any) -> Finding:
    """A finding about `obs`, with the exchange attached (the runner redacts it and adds the curl line).

    `labelled`: the finding is *about* the case's constraint label (live.negative_rejection), so the
    label is part of its identity; other checks ignore the label, so one server fault found
    through many cases stays one finding.
    """
    info = checks.get(check)
    label = obs.case.label if obs.case and labelled else None
    return Finding(check, severity if severity is not None else info.severity, message,
                   operation=writer or obs.op.key,
                   spec=obs.op.op.where if obs.op.origin == "spec" else None,
                   docs=obs.op.docs[0].where if obs.op.docs else None, exchange=obs.exchange,
                   constraint=label, source=label.source if label else None, subject=subject,
                   details={"origin": obs.op.origin, **details})


def run_checks(ctx: CheckContext, obs: Observation, only: str | None = None) -> list[Finding]:
    """Every enabled exchange check on one observation (or just `only`, for the shrinker)."""
    out: list[Finding] = []
    for info in live_checks():
        if info.fn is not None and ((only is None and ctx.on(info.id)) or info.id == only):
            out.extend(info.fn(ctx, obs))
    return out


def _answered(ex: Exchange) -> bool:
    return ex.status is not None and ex.error is None


def _status_class(status: int) -> str:
    return f"{str(status)[0]}xx"


_INDEX = re.compile(r"/\d+(?=/|$)")


def _norm_pointer(pointer: str) -> str:
    return _INDEX.sub("/*", pointer)


# --------------------------------------------------------------------------- transport


@register("live.transport", Severity.ERROR, "the target reset, closed, timed out, redirected away or sent too much")
def transport(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex = obs.exchange
    if ex.error is None or ex.error in (NOT_SENT, UNSENDABLE):  # never sent: nothing the target did
        return []
    what = {
        "timeout": "no complete answer within the timeout",
        "connection_refused": "connection refused",
        "connection_reset": "connection reset by the target",
        "connection_closed": "the target closed the connection without answering",
        "protocol_error": "the answer is not valid HTTP",
        "too_large": "the response body exceeds the size cap (reading stopped there)",
        "redirect_loop": "redirects loop (or exceed the limit)",
        "redirect_off_host": "a redirect points to another host (not followed)",
        "read_only": "not sent: the method is not GET/HEAD/OPTIONS and the run is read-only",
    }.get(ex.error, ex.error)
    return [finding("live.transport", obs, f"{obs.op.key}: {what}", ex.error, error=ex.error)]


# --------------------------------------------------------------------------- responses


@register("live.server_error", Severity.ERROR, "any 5xx answer")
def server_error(ctx: CheckContext, obs: Observation) -> list[Finding]:
    status = obs.exchange.status
    if status is None or status < 500:
        return []
    return [finding("live.server_error", obs, f"{obs.op.key} answered {status}", str(status), status=status)]


def _violations(ctx: CheckContext, obs: Observation) -> list[Any]:
    ex = obs.exchange
    if not _answered(ex) or (obs.op.origin == "live" and not (200 <= (ex.status or 0) < 300)):
        return []
    found = ctx.validators.response(obs.op.op).validate(ex.status or 0, ex.response_headers, ex.response_body)
    if found and any(not ctx.validators.response(o).validate(ex.status or 0, ex.response_headers, ex.response_body)
                     for o in ctx.wire_siblings(obs.op.op)):
        return []  # the answer is a wire sibling's, valid: the spec gives one request two contracts
    return found


@register("live.status_code_documented", Severity.WARNING, "the status code is not among the documented ones")
def status_code_documented(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex = obs.exchange
    if not _answered(ex) or obs.op.origin == "live" or not obs.op.op.responses:
        return []
    status = ex.status or 0
    if ctx.validators.response(obs.op.op).documented_status(status) is not None:
        return []
    documented = ", ".join(sorted(obs.op.op.responses))
    return [finding("live.status_code_documented", obs,
                    f"{obs.op.key} answered {status}, which is not documented (documented: {documented})",
                    str(status), status=status, documented=sorted(obs.op.op.responses))]


@register("live.content_type", Severity.ERROR, "the response media type is not the documented one")
def content_type(ctx: CheckContext, obs: Observation) -> list[Finding]:
    out = []
    for v in _violations(ctx, obs):
        if v.part == "content-type":
            out.append(finding("live.content_type", obs, f"{obs.op.key} {obs.exchange.status}: {v.message}",
                               f"{_status_class(obs.exchange.status or 0)} {v.actual or ''}".strip(),
                               expected=v.expected, actual=v.actual))
    return out


@register("live.response_schema", Severity.ERROR, "the response body breaks its documented schema")
def response_schema(ctx: CheckContext, obs: Observation) -> list[Finding]:
    out: list[Finding] = []
    if obs.exchange.body_truncated:
        return out
    for v in _violations(ctx, obs):
        if v.part != "body":
            continue
        pointer = _norm_pointer(v.pointer)
        out.append(finding("live.response_schema", obs,
                           f"{obs.op.key} {obs.exchange.status}: {pointer or '/'} {v.message} [{v.keyword}]",
                           f"{obs.exchange.status} {pointer} {v.keyword}", pointer=v.pointer, keyword=v.keyword,
                           expected=v.expected, actual=v.actual, status=obs.exchange.status))
    return out


def _docs_headers(ctx: CheckContext, obs: Observation) -> list[tuple[str, Location]]:
    status = obs.exchange.status
    keys = {obs.op.key} | {e.key for e in obs.op.docs}
    out = []
    for page in ctx.pages:
        for h in page.headers:
            if h.endpoint in keys and (h.status is None or h.status == status):
                out.append((h.name, h.where))
    return out


@register("live.response_headers", Severity.WARNING, "a documented response header is missing or malformed")
def response_headers(ctx: CheckContext, obs: Observation) -> list[Finding]:
    out = []
    for v in _violations(ctx, obs):
        if v.part == "header":
            out.append(finding("live.response_headers", obs, f"{obs.op.key} {obs.exchange.status}: {v.message}",
                               f"{v.pointer} {v.keyword}", severity=Severity.ERROR, header=v.pointer))
    if not _answered(obs.exchange):
        return out
    present = {k.lower() for k in obs.exchange.response_headers}
    for name, where in _docs_headers(ctx, obs):
        if name.lower() not in present:
            f = finding("live.response_headers", obs,
                        f"{obs.op.key} {obs.exchange.status}: header {name!r} is documented but missing",
                        f"{name.lower()} missing", header=name)
            f.docs, f.source = where, "docs"
            out.append(f)
    return out


@register("live.max_response_time", Severity.WARNING, "an answer slower than --max-response-time (off by default)")
def max_response_time(ctx: CheckContext, obs: Observation) -> list[Finding]:
    limit = ctx.max_response_time
    ex = obs.exchange
    if limit is None or ex.status is None or ex.elapsed <= limit:
        return []
    return [finding("live.max_response_time", obs, f"{obs.op.key} took {ex.elapsed:.2f}s (limit {limit:g}s)",
                    "slow", elapsed=round(ex.elapsed, 3), limit=limit)]


# --------------------------------------------------------------------------- acceptance


def identifier_params(ctx: CheckContext, obs: Observation) -> list[str]:
    """The identifier parameters the case carries: its path parameters and the resource links it sets."""
    case = obs.case
    if case is None:
        return []
    names = list(case.path_params)
    res = ctx.resources.get(obs.op.key)
    lowered = {k.lower() for k in case.headers}
    for link in res.links if res else []:
        present = (link.location == "header" and link.name.lower() in lowered) or (
            link.location == "query" and link.name in case.query)
        if present and link.name not in names:
            names.append(link.name)
    return names


def _before_its_create(ctx: CheckContext, obs: Observation) -> bool:
    """Whether the operation acts on a resource addressed by no identifier (OpenAI's `/organization/spend_limit`:
    GET, POST, DELETE on one path) that its own create makes: whether it exists when a flood request comes is the
    run's order (a DELETE before the POST, or after another DELETE), as it is for a made-up identifier. The
    sequences, which create it first, still judge a 404 after the create."""
    res = ctx.resources.get(obs.op.key)
    return res is not None and res.item_path is None and res.create is not None and res.create.key != obs.op.key \
        and any(m.key == obs.op.key for m in (res.read, res.update, res.delete) if m is not None)


def _quote(items: list[ErrorItem]) -> str:
    said = errors_body.summary(items)
    return f" — the server said: \"{said}\"" if said else ""


def _in_prose(ctx: CheckContext, obs: Observation, name: str) -> bool:
    """Whether the spec's prose names field `name`: the operation's summary and descriptions, the blamed
    parameter's description, or the API's own description (``info.description``, rules for every operation).

    As code (`` `vector` ``), or, for a name no English word spells (``top_k``, ``maxItems``), as a word:
    "a name of your choice" does not state a rule on ``name``.
    """
    op = obs.op.op
    info = ctx.spec.data.get("info") if isinstance(ctx.spec.data, dict) else None
    texts = [op.summary, op.description, op.request_body.description if op.request_body else "",
             str(info.get("description") or "") if isinstance(info, dict) else ""]
    texts += [p.description for p in op.parameters if p.name in _names(name)]
    text = " ".join(t for t in texts if t)
    if not text:
        return False
    for word in _names(name):
        if f"`{word}`" in text:
            return True
        if re.search(r"[_\d]|[a-z][A-Z]", word) and errors_body.mentioned(text, [word]):
            return True
    return False


# 4xx answers to a conforming request that say nothing about the request's conformance.
_STATE_STATUSES = {409: "the resource's state (already exists, sealed, ...)", 429: "rate limiting"}


@register("live.positive_acceptance", Severity.ERROR,
          "a conforming request (spec + prose) was refused with 4xx: one finding per field the server blamed, "
          "quoting its rule (warning when a docs page or the spec's prose names that field); not for 404 on "
          "made-up identifiers, 409 or 429; 403 is info, 401 a warning")
def positive_acceptance(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex = obs.exchange
    case = obs.case
    if obs.role != "flood" or case is None or case.mode != "conforming" or not _answered(ex):
        return []
    status = ex.status or 0
    if not 400 <= status < 500 or status in _STATE_STATUSES:
        return []
    items = errors_body.read_errors(ex.response_body)
    key = obs.op.key
    if status in (404, 410):
        ids = identifier_params(ctx, obs)
        made_up = [n for n in ids if case.identifier_source(n) == "generated"]
        if made_up:
            return []  # nothing says a resource with a made-up identifier exists: a 404 is the right answer
        if not ids and _before_its_create(ctx, obs):
            return []  # a resource with no identifier (a singleton) exists once its create has run: state
        if ids:
            sources = {n: case.identifier_source(n) for n in ids}
            configured = [n for n, src in sources.items() if src == "configured"]
            if configured:  # a value the user gave: most likely the value (or its tenant) is wrong
                return [finding("live.positive_acceptance", obs,
                                f"{key}: a conforming request was answered {status} for the configured "
                                f"{', '.join(configured)} (check the value you passed){_quote(items)}",
                                f"status {status} configured", severity=Severity.WARNING, status=status,
                                identifiers=sources, server_says=[i.message for i in items])]
            return [finding("live.positive_acceptance", obs,
                            f"{key}: a conforming request was answered {status} although its {', '.join(ids)} "
                            f"{'was' if len(ids) == 1 else 'were'} produced by a successful create (the resource "
                            f"should exist){_quote(items)}",
                            f"status {status}", status=status, identifiers=sources,
                            server_says=[i.message for i in items])]
    if status == 403:
        return [finding("live.positive_acceptance", obs,
                        f"{key}: a conforming request was answered 403: switched off or forbidden for this "
                        f"credential{_quote(items)}", f"status {status}", severity=Severity.INFO, status=status,
                        server_says=[i.message for i in items])]
    if status == 401:
        return [finding("live.positive_acceptance", obs,
                        f"{key}: a conforming request was answered 401: the credential was not accepted (check "
                        f"--header or CONTRACT_API_KEY){_quote(items)}", f"status {status}",
                        severity=Severity.WARNING, status=status, server_says=[i.message for i in items])]
    named: dict[str, list[str]] = {}
    for item in items:
        if item.field is not None:
            named.setdefault(item.field, []).append(item.message)
    if not named:
        stricter = "" if status in (404, 405, 410) else "the server is stricter than the spec: "
        return [finding("live.positive_acceptance", obs,
                        f"{key}: {stricter}a conforming request was refused with {status}"
                        + (_quote(items) or " (no reason given)"),
                        f"status {status}", status=status, server_says=[i.message for i in items])]
    out = []
    for name, messages in sorted(named.items()):
        documented = _docs_field(ctx, obs, _names(name))
        prose = not documented and _in_prose(ctx, obs, name)
        rule = "; ".join(messages)
        rule = rule if len(rule) <= 200 else rule[:199] + "…"
        where = " (a docs page documents this field: live follows the docs)" if documented else (
            " (the spec's prose states a rule on this field the schema cannot)" if prose else "")
        f = finding("live.positive_acceptance", obs,
                    f"{key}: the server is stricter than the spec: it refused a conforming request with {status} "
                    f"over {name}: \"{rule}\"{where}", name,
                    severity=Severity.WARNING if documented or prose else Severity.ERROR, status=status, field=name,
                    server_says=messages, rule=rule)
        if documented:
            f.docs, f.source = documented, "docs"
        elif prose:
            f.source = "prose"
        out.append(f)
    return out


def _names(field: str) -> list[str]:
    """A blamed field as the names a docs table may use: as written, its first and its last segment."""
    parts = [p for p in re.split(r"[./\[\]]+", field.strip("/#")) if p and not p.isdigit()]
    return list(dict.fromkeys([field, *parts[:1], *parts[-1:]]))


def _docs_field(ctx: CheckContext, obs: Observation, names: list[str]) -> Location | None:
    """Where a docs page states a rule about one of `names` (then live follows the docs, not the spec)."""
    keys = {obs.op.key} | {e.key for e in obs.op.docs}
    for page in ctx.pages:
        for row in page.fields:
            if row.name in names and row.table == "request" and (row.endpoint in keys or row.endpoint is None):
                return row.where
    return None


def _broken_field(case: Case) -> str | None:
    """The request field a violating case breaks, as a name to compare with what the server blames."""
    label = case.label
    if label is None:
        return None
    pointer = label.pointer
    if pointer.startswith("/"):
        return pointer
    head, _, rest = pointer.partition("/")
    if head in ("query", "header", "path", "cookie") and rest:
        return rest.split("|")[0]
    return None  # request/body, request/content-type: the request as a whole


def _other_reason(case: Case, items: list[ErrorItem]) -> list[str]:
    """The fields the server blamed instead of the broken one ([] when it blamed it, or named none)."""
    broken = _broken_field(case)
    if broken is None:
        return []
    named = [i.field for i in items if i.field is not None]
    if not named:  # no field given: the message may still name a field of the request
        fields = [k for k in case.body if isinstance(k, str)] if isinstance(case.body, dict) else []
        fields += list(case.query)
        said = " ".join(i.message for i in items)
        leaf = [p for p in re.split(r"[./\[\]]+", broken) if p and not p.isdigit()][-1:]
        if errors_body.mentioned(said, leaf):
            return []
        named = errors_body.mentioned(said, [f for f in fields if not errors_body.same_field(f, broken)])
    if any(errors_body.same_field(n, broken) for n in named):
        return []
    return named


@register("live.negative_rejection", Severity.ERROR,
          "a request breaking one labelled constraint was accepted with 2xx (warning when only prose/docs state it "
          "or it is the body's media type; info when refused over another field: could not decide)")
def negative_rejection(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex, case = obs.exchange, obs.case
    if obs.role != "flood" or case is None or case.mode != "violating" or case.label is None:
        return []
    if case.label.keyword == "security" or not _answered(ex):
        return []
    label = case.label
    status = ex.status or 0
    subject = f"{_norm_pointer(label.pointer)} {label.keyword}"
    if 400 <= status < 500 and status not in (401, 403, 404, 409, 429):
        items = errors_body.read_errors(ex.response_body)
        others = _other_reason(case, items)
        if not others:
            return []  # refused over the broken field (or no field named): the constraint is enforced
        return [finding("live.negative_rejection", obs,
                        f"{obs.op.key}: refused with {status} over another field ({', '.join(others)}){_quote(items)}: "
                        f"could not decide whether {label} is enforced",
                        f"{subject} undecided", severity=Severity.INFO, labelled=True, status=status,
                        decided="could not decide", blamed=others, server_says=[i.message for i in items])]
    if not 200 <= status < 300:
        return []
    if label.keyword == "content-type":
        return [finding("live.negative_rejection", obs,
                        f"{obs.op.key}: the server ignores the Content-Type header: a request breaking {label} "
                        f"was accepted with {ex.status} (a lenient server; clients following the spec are not "
                        f"affected)", subject, severity=Severity.WARNING, labelled=True, status=ex.status)]
    sibling = _conforming_sibling(ctx, obs)
    if sibling is not None:
        return [finding("live.negative_rejection", obs,
                        f"{obs.op.key}: a request breaking {label} was accepted with {ex.status}, but it conforms to "
                        f"{sibling.key}, the same request on the wire (a '#' fragment in a path is never sent): "
                        f"could not decide; one operation per method and path would", f"{subject} undecided",
                        severity=Severity.INFO, labelled=True, status=ex.status, decided="could not decide",
                        sibling=sibling.key)]
    severity = Severity.ERROR if label.source == "spec" else Severity.WARNING
    return [finding("live.negative_rejection", obs,
                    f"{obs.op.key}: a request breaking {label} (stated in the {label.source}) was accepted "
                    f"with {ex.status}", subject, severity=severity, labelled=True, status=ex.status)]


def _conforming_sibling(ctx: CheckContext, obs: Observation) -> Operation | None:
    """A wire sibling of the operation (see :meth:`CheckContext.wire_siblings`) the request as sent conforms to."""
    case, ex = obs.case, obs.exchange
    if case is None:
        return None
    content_type = next((v for k, v in ex.request_headers.items() if k.lower() == "content-type"), None)
    for other in ctx.wire_siblings(obs.op.op):
        violations = ctx.validators.request(other).validate(
            headers=case.headers, query=case.query, path_params=case.path_params, raw_body=ex.request_body,
            content_type=content_type)
        if not [v for v in violations if v.part != "security"]:
            return other
    return None


@register("live.auth_enforced", Severity.ERROR,
          "a request with missing or invalid credentials succeeded (2xx)")
def auth_enforced(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex = obs.exchange
    no_creds = obs.role == "auth-none" or (
        obs.role == "flood" and obs.case is not None and obs.case.label is not None
        and obs.case.label.keyword == "security")
    if not (no_creds or obs.role == "auth-invalid") or not _answered(ex):
        return []
    if not 200 <= (ex.status or 0) < 300:
        return []  # refused (401/403), or refused for another reason before auth was judged: not a success
    what = "missing" if no_creds else "invalid"
    return [finding("live.auth_enforced", obs, f"{obs.op.key}: a request with {what} credentials succeeded "
                    f"({ex.status}): auth is not enforced", f"{what} credentials", status=ex.status)]


# --------------------------------------------------------------------------- round trip


@register("live.round_trip", Severity.ERROR,
          "what a create/update sent is not what its response or a later read shows (dropped, changed, truncated)")
def round_trip(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex = obs.exchange
    if obs.expected is None or not _answered(ex) or not 200 <= (ex.status or 0) < 300 or ex.body_truncated:
        return []
    resource = ctx.resources.get(obs.op.key)
    if resource is None:
        return []
    try:
        body = json.loads(ex.response_body or b"")
    except (ValueError, UnicodeDecodeError):
        return []
    out = []
    own = obs.writer in (None, obs.op.key)
    shown_by = "its response" if own else f"a following {obs.op.key}"
    declared: Container[str] | None = None
    if own:
        # a write may answer another object than the resource (Box's upload-session `PUT` answers the uploaded
        # part, with no `id`): it cannot drop a field its own response never declares
        view = ctx.view_of(obs.op.op)
        if view.path != resource.view.path:
            return []
        declared = view.properties or None
    for diff in compare_state(obs.expected, unwrap(body, resource.view.path)):
        if declared is not None and diff.field.split("[", 1)[0] not in declared:
            continue
        out.append(finding("live.round_trip", obs,
                           f"{obs.writer or obs.op.key}: {diff.field} {diff.kind} in {shown_by} "
                           f"(sent {_short(diff.sent)}, got {_short(diff.got)})",
                           f"{diff.subject}", writer=obs.writer, field=diff.field, kind=diff.kind, sent=diff.sent, got=diff.got,
                           read_by=obs.op.key))
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


# --------------------------------------------------------------------------- stateful + inventory (declared)

_declare("live.tenant_isolation", Severity.ERROR,
         "a resource created with one credential was read, changed or deleted with another", "stateful")
_declare("live.lost_update", Severity.ERROR,
         "concurrent partial updates were all acknowledged but a later read misses some", "stateful")
_declare("live.delete_effective", Severity.ERROR, "a deleted resource can still be read", "stateful")
_declare("live.list_consistent", Severity.ERROR,
         "in a parent of its own, a list (or count) disagrees with the children just created there: one "
         "missing, or a total/count off", "stateful")
_declare("live.docs_only_operation", Severity.INFO, "an operation documented on a page but absent from the spec",
         "inventory")
_declare("live.live_only_operation", Severity.INFO,
         "an operation the live target serves that neither the spec nor the docs document", "inventory")


# --------------------------------------------------------------------------- what values mean

_MEANING_DEPTH = 12


@register("live.value_semantics", Severity.WARNING,
          "a response value contradicts what its description says it is (a time unit, a country or currency code, "
          "a date, a UUID)")
def value_semantics(ctx: CheckContext, obs: Observation) -> list[Finding]:
    """A 2xx JSON value against the meaning the spec's description (or the docs row) of its field states
    (`contract.semantics`): a "seconds since the Unix epoch" field answered 1700000000000 is milliseconds.
    Only a value that clearly contradicts the stated meaning is a finding, one per field (not per item)."""
    ex = obs.exchange
    if not _answered(ex) or ex.body_truncated or not 200 <= (ex.status or 0) < 300 or not ex.response_body:
        return []
    try:
        body = ex.json()
    except ValueError:
        return []
    said: dict[str, tuple[Semantic, Location | None, str]] = {}  # instance path → meaning, where, side
    media = _response_media(obs.op.op, ex.status or 0)
    if obs.op.origin == "spec" and media is not None:
        said.update(ctx.spec_meanings(media, body))
    for field_ in _docs_response_fields(ctx, obs):
        for semantic in semantics(f"{field_.type}. {field_.description}"):
            said.setdefault(f"/{jp.escape(field_.name)}", (semantic, field_.where, "docs"))
    out: list[Finding] = []
    for path, (semantic, where, side) in sorted(said.items()):
        for pointer, value in _values_at(body, path):
            why = contradiction(semantic, value)
            if why is None:
                continue
            f = finding("live.value_semantics", obs,
                        f"{obs.op.key} {ex.status}: {pointer} is described as {semantic.says()} "
                        f"(“{semantic.text}”), but {why}", f"{path} {semantic.name}",
                        pointer=pointer, meaning=semantic.name, actual=value, described_in=side)
            if side == "docs":
                f.docs, f.source = where, "docs"
            else:
                f.spec = where
            out.append(f)
            break  # one per field: every item of a list says the same
    return out


def _response_media(op: Operation, status: int) -> MediaType | None:
    responses = op.responses
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
    if response is None:
        return None
    return next((m for t, m in response.content.items() if is_json_media(t)), None)


def _spec_meanings_at(spec: Spec, schema: Any, pointer: str, path: str,
                      out: dict[str, tuple[Semantic, Location | None, str]], refs: tuple[str, ...],
                      shape: _Shape, budget: list[int] | None = None) -> None:
    """Every property (at any depth, `*` for array items) whose description states a meaning, under `path`, of
    those `shape` (the tokens an instance has below `path`, see `_shape`) can reach; `budget`: schema nodes
    left to visit (raises _WalkTooLong past it).
    Which `oneOf`/`anyOf` branch a value took is not known here: a field counts only where the branches that
    describe it agree."""
    if not isinstance(schema, dict) or len(refs) + path.count("/") > _MEANING_DEPTH:
        return
    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _WalkTooLong
    ref = schema.get("$ref")
    if isinstance(ref, str):
        file_part, _, fragment = ref.partition("#")
        if ref in refs or file_part:
            return
        _spec_meanings_at(spec, spec.resolve_ref(ref), fragment, path, out, (*refs, ref), shape, budget)
        return
    description = schema.get("description")
    if path and isinstance(description, str) and _may_hold_scalar(schema):
        for semantic in semantics(description):
            out.setdefault(path, (semantic, spec.location(jp.join(pointer, "description")), "spec"))
    props = schema.get("properties")
    if isinstance(props, dict):
        for key, sub in props.items():
            below = shape.get(key)
            if below is not None:
                _spec_meanings_at(spec, sub, jp.join(pointer, "properties", key), f"{path}/{jp.escape(key)}", out,
                                  refs, below, budget)
    items = shape.get("*")
    if isinstance(schema.get("items"), dict) and items is not None:
        _spec_meanings_at(spec, schema["items"], jp.join(pointer, "items"), f"{path}/*", out, refs, items, budget)
    for i, sub in enumerate(schema.get("allOf") or []):
        _spec_meanings_at(spec, sub, jp.join(pointer, "allOf", i), path, out, refs, shape, budget)
    for comb in ("oneOf", "anyOf"):
        branches: list[dict[str, tuple[Semantic, Location | None, str]]] = []
        for i, sub in enumerate(schema.get(comb) or []):
            branches.append({})
            _spec_meanings_at(spec, sub, jp.join(pointer, comb, i), path, branches[-1], refs, shape, budget)
        for at in {p for b in branches for p in b}:
            said = {b[at][0].name for b in branches if at in b}
            if len(said) == 1:  # the branches that describe it agree (or only one has it): the value took one
                out.setdefault(at, next(b[at] for b in branches if at in b))


_Shape = dict[str, "_Shape"]
_WHOLE_WALK = 5_000  # schema nodes: a response schema walked whole, once, when it has no more


class _WalkTooLong(Exception):
    pass


class _Everywhere(dict[str, "_Shape"]):
    """The shape every path is in: the walk of the whole schema."""

    def get(self, key: str, default: Any = None) -> _Shape:  # type: ignore[override]
        return self


_EVERYWHERE = _Everywhere()


def _shape(value: Any, depth: int) -> _Shape:
    """The path tokens `_values_at` can follow below `value` (`*`: array items, their shapes merged), as a tree:
    a schema path outside it holds no value of this instance."""
    out: _Shape = {}
    if depth > _MEANING_DEPTH:
        return out
    if isinstance(value, dict):
        for key, sub in value.items():
            _merge(out.setdefault(key, {}), _shape(sub, depth + 1))
    elif isinstance(value, list):
        items = out.setdefault("*", {})
        for sub in value[:50]:
            _merge(items, _shape(sub, depth + 1))
    return out


def _merge(into: _Shape, other: _Shape) -> None:
    for key, sub in other.items():
        _merge(into.setdefault(key, {}), sub)


def _may_hold_scalar(schema: dict[str, Any]) -> bool:
    """A schema whose value can be a string or a number (a description on an object or array speaks of its
    members: Stripe's currency-keyed maps)."""
    t = schema.get("type")
    types = {t} if isinstance(t, str) else set(t) if isinstance(t, list) else set()
    return not types or bool(types & {"string", "integer", "number"})


def _docs_response_fields(ctx: CheckContext, obs: Observation) -> list[Any]:
    """The docs rows of this operation's response for the status answered, when one row names the field."""
    keys = {obs.op.key} | {e.key for e in obs.op.docs}
    rows = [f for page in ctx.pages for f in page.fields
            if f.endpoint in keys and f.table == "response" and f.status in (None, obs.exchange.status)]
    names = [f.name for f in rows]
    return [f for f in rows if names.count(f.name) == 1 and "." not in f.name]


def _values_at(body: Any, path: str) -> list[tuple[str, Any]]:
    """(pointer, value) for every instance at `path` (`*`: every array item), at most 50."""
    found: list[tuple[str, Any]] = [("", body)]
    for token in jp.split(path):
        nxt: list[tuple[str, Any]] = []
        for at, value in found:
            if token == "*" and isinstance(value, list):
                nxt.extend((f"{at}/{i}", v) for i, v in enumerate(value[:50]))
            elif isinstance(value, dict) and token in value:
                nxt.append((f"{at}/{jp.escape(token)}", value[token]))
        found = nxt
    return found
