"""The live checks: each a small function registered under a stable ``live.`` id.

A check looks at one :class:`Observation` (an operation, the case sent, what came
back, and why it was sent) and returns findings. Checks are pure: the runner
sends, the checks judge, so the shrinker can re-ask "does this check still fail,
for the same reason?" on a smaller case. Stateful checks (tenant isolation, lost
update, delete) judge several exchanges at once and live in
:mod:`contract.replay.sequences`; they are declared here too, so this module lists
every live id and severity (all in the one registry, :mod:`contract.core.checks`).

Severities (``contract checks --stage live`` prints them):

* error — the API is broken for a client that follows the contract: 5xx, a
  response that breaks its schema or content type, auth not enforced, one tenant
  reaching another's data, a write not kept, a lost update, a delete not done,
  a transport failure; a *spec*-stated constraint the server does not enforce;
  a conforming request refused (unless a docs page documents the blamed field);
* warning — the server disagrees with something only prose or a docs page states
  (a violating case from prose/docs accepted), a conforming request refused over a
  field a docs page documents (live follows the docs), an undocumented status, a documented response header missing, a slow answer;
* info — operations known only from the docs or only from the live target.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from contract.core import checks
from contract.core.checks import CheckInfo, CheckKind
from contract.docs import DocsPage
from contract.load import Spec
from contract.model import Case, Exchange, Finding, Location, Severity
from contract.replay.operations import LiveOperation, Resource
from contract.replay.roundtrip import Rules, State, compare_state, unwrap
from contract.validate import Validators

__all__ = ["CheckContext", "CheckInfo", "Observation", "live_checks", "register", "run_checks"]

Role = Literal["flood", "auth-none", "auth-invalid", "sequence", "probe"]


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

    def on(self, check: str) -> bool:
        return self.enabled is None or check in self.enabled


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
    if ex.error is None:
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
    return ctx.validators.response(obs.op.op).validate(ex.status or 0, ex.response_headers, ex.response_body)


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


_NAME_KEYS = ("source", "field", "param", "parameter", "name", "property")
_MESSAGE_KEYS = ("errors", "messages", "message", "msg", "detail", "details", "reason")
_GENERAL = ("non_field_errors", "detail", "__all__", "")


def _texts(node: Any, depth: int = 0) -> list[str]:
    if depth > 3:
        return []
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item, depth + 1)]
    if isinstance(node, dict):
        return [t for key in _MESSAGE_KEYS if key in node for t in _texts(node[key], depth + 1)]
    return []


def blamed(body: bytes | None) -> dict[str, list[str]]:
    """Field → messages an error body blames, in the common shapes (DRF/Adapty, FastAPI, JSON:API, flat maps)."""
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        return {}
    out: dict[str, list[str]] = {}

    def add(name: str, messages: list[str]) -> None:
        out.setdefault(name, [])
        out[name] += [m for m in messages if m not in out[name]]

    def walk(node: Any, depth: int) -> None:
        if depth > 4:
            return
        if isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
            return
        if not isinstance(node, dict):
            return
        named = False
        for key in _NAME_KEYS:
            val = node.get(key)
            if isinstance(val, dict) and isinstance(val.get("pointer"), str):  # JSON:API
                val = val["pointer"].strip("/").split("/")[-1]
            if isinstance(val, str):
                add(val, _texts({k: v for k, v in node.items() if k not in _NAME_KEYS}))
                named = True
                break
        loc = node.get("loc")
        if not named and isinstance(loc, list) and loc:
            parts = [str(x) for x in loc if x not in ("body", "query", "header", "path")]
            add(parts[0] if parts else str(loc[-1]), _texts(node))
            named = True
        for key, val in node.items():
            if key in ("errors", "detail", "error", "details", "fields", "invalid_params"):
                if isinstance(val, dict) and depth < 2 and all(isinstance(v, list | str) for v in val.values()):
                    for name, msgs in val.items():
                        add(str(name), _texts(msgs))
                else:
                    walk(val, depth + 1)
            elif depth == 0 and not named and isinstance(val, list) and val and all(isinstance(x, str) for x in val):
                add(key, list(val))  # {"field": ["message"]}

    walk(data, 0)
    return out


@register("live.positive_acceptance", Severity.ERROR,
          "a conforming request (spec + prose) was refused with 4xx; one finding per field the server blamed "
          "(warning when a docs page documents that field: live follows the docs)")
def positive_acceptance(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex = obs.exchange
    case = obs.case
    if obs.role != "flood" or case is None or case.mode != "conforming" or not _answered(ex):
        return []
    status = ex.status or 0
    if not 400 <= status < 500:
        return []
    named = {k: v for k, v in blamed(ex.response_body).items() if k not in _GENERAL}
    if not named:
        general = blamed(ex.response_body)
        why = "; ".join(m for msgs in general.values() for m in msgs)[:200]
        return [finding("live.positive_acceptance", obs,
                        f"{obs.op.key}: a conforming request was refused with {status}"
                        + (f" ({why})" if why else ""), f"status {status}", status=status)]
    out = []
    for name, messages in sorted(named.items()):
        documented = _docs_field(ctx, obs, [name])
        why = "; ".join(messages)[:200]
        f = finding("live.positive_acceptance", obs,
                    f"{obs.op.key}: a conforming request was refused with {status}: the server applied a rule "
                    f"on {name}" + (f" ({why})" if why else ""), name,
                    severity=Severity.WARNING if documented else Severity.ERROR, status=status, field=name,
                    server_says=messages)
        if documented:
            f.docs, f.source = documented, "docs"
        out.append(f)
    return out


def _docs_field(ctx: CheckContext, obs: Observation, names: list[str]) -> Location | None:
    """Where a docs page states a rule about one of `names` (then live follows the docs, not the spec)."""
    keys = {obs.op.key} | {e.key for e in obs.op.docs}
    for page in ctx.pages:
        for row in page.fields:
            if row.name in names and row.table == "request" and (row.endpoint in keys or row.endpoint is None):
                return row.where
    return None


@register("live.negative_rejection", Severity.ERROR,
          "a request breaking one labelled constraint was accepted with 2xx (warning when only prose/docs state it)")
def negative_rejection(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex, case = obs.exchange, obs.case
    if obs.role != "flood" or case is None or case.mode != "violating" or case.label is None:
        return []
    if case.label.keyword == "security" or not _answered(ex) or not 200 <= (ex.status or 0) < 300:
        return []
    label = case.label
    severity = Severity.ERROR if label.source == "spec" else Severity.WARNING
    return [finding("live.negative_rejection", obs,
                    f"{obs.op.key}: a request breaking {label} (stated in the {label.source}) was accepted "
                    f"with {ex.status}", f"{_norm_pointer(label.pointer)} {label.keyword}", severity=severity,
                    labelled=True, status=ex.status)]


@register("live.auth_enforced", Severity.ERROR, "a request with missing or invalid credentials was not refused 401/403")
def auth_enforced(ctx: CheckContext, obs: Observation) -> list[Finding]:
    ex = obs.exchange
    no_creds = obs.role == "auth-none" or (
        obs.role == "flood" and obs.case is not None and obs.case.label is not None
        and obs.case.label.keyword == "security")
    if not (no_creds or obs.role == "auth-invalid") or not _answered(ex):
        return []
    if ex.status in (401, 403) or (ex.status or 0) >= 500:
        return []
    what = "missing" if no_creds else "invalid"
    return [finding("live.auth_enforced", obs, f"{obs.op.key}: a request with {what} credentials was answered "
                    f"{ex.status}, not 401/403", f"{what} credentials", status=ex.status)]


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
    shown_by = "its response" if (obs.writer in (None, obs.op.key)) else f"a following {obs.op.key}"
    for diff in compare_state(obs.expected, unwrap(body, resource.view.path)):
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
