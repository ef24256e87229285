"""Judging traffic someone else sent: each exchange matched to its operation and held to the spec (and docs).

The same judgement as ``contract run``: the response through the live exchange checks
(:func:`contract.replay.checks.run_checks`: status documented, content type, schema, headers — the
docs pages' too —, server errors, transport, response time), merged by cause as a run merges them
(:func:`contract.replay.group.annotate`). What a run never needs, because it writes its own
requests, is the request side: ``traffic.request_invalid`` says the *client* broke the contract,
and how bad that is depends on what the target did with it (accepted: error — the client relies on
what the spec does not allow; refused with 4xx: info — a negative test, or a client bug the target
caught; anything else: warning).

Matching is the shared matcher (:mod:`contract.core.paths`), over the spec's operations and the
operations only a docs page documents. A request no operation matches is counted in the report's
``traffic`` section; when the target *served* it (2xx) it is a ``traffic.undocumented_operation``
finding, all such paths one finding (one cause: the spec is missing what the target serves).
``HEAD`` on a path with no HEAD operation is judged as its ``GET`` (RFC 9110 §9.3.2: a HEAD answer
is the GET answer without its body); ``OPTIONS`` without an operation (CORS preflight) is counted,
never a finding. Bodies the proxy could not keep whole or decode are not judged, and are counted.

Coverage from traffic: per operation, the statuses the traffic got, whether a 2xx was reached,
the documented statuses it never saw (the report's reach table), and per documented status the
traffic got, the response fields the spec's schema or the docs' response table document that no
judged response carried (``fields_unseen``: untested, not wrong — one coverage entry, no finding).

Thread-safe: the proxy judges from worker threads, one exchange at a time (one lock).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from contract.core import checks
from contract.core.curl import to_curl
from contract.core.http import parse_cookie_header
from contract.core.paths import match_operation, path_params, server_urls
from contract.docs import DocsPage
from contract.load import Spec
from contract.model import Exchange, Finding, Severity, Violation
from contract.proxy.fields import carried_fields, documented_fields, unseen_fields
from contract.redact import Redactor
from contract.replay.checks import CheckContext, Observation, live_checks, run_checks
from contract.replay.group import annotate
from contract.replay.operations import LiveOperation, docs_operations
from contract.validate import Validators, is_json_media

__all__ = ["MAX_UNMATCHED", "Judge"]

checks.declare("traffic.request_invalid", Severity.ERROR,
               "a request the client sent breaks the spec (error when the target accepted it, warning when it "
               "answered otherwise, info when it refused it with 4xx)")
checks.declare("traffic.undocumented_operation", Severity.WARNING,
               "the target answered 2xx to a request no operation of the spec (or of the docs) matches")

MAX_UNMATCHED = 200  # distinct unmatched method + path kept (the rest is counted)
_CAUSED_PARTS = ("security", "header", "query", "cookie")  # a client habit: one cause across operations
_INDEX = re.compile(r"/\d+(?=/|$)")
_PROXY_REFUSED = frozenset({"request_too_large"})  # the proxy's own refusal: nothing the target did


class Judge:
    """Judges exchanges as they come; keeps one finding per distinct finding (the first seen)."""

    def __init__(self, spec: Spec, pages: Sequence[DocsPage] = (), *, redactor: Redactor | None = None,
                 max_response_time: float | None = None, every: int = 0,
                 echo: Callable[[str], None] | None = None) -> None:
        self.spec = spec
        ops = [LiveOperation(op) for op in spec.operations] + docs_operations(spec, pages)
        self._ops = {lo.key: lo for lo in ops}
        self._routes = [lo.op for lo in ops]
        self.servers = server_urls(spec.data)
        self.validators = Validators(spec, self._routes)
        self.ctx = CheckContext(spec, self.validators, list(pages), max_response_time=max_response_time)
        self.redactor = redactor or Redactor()
        self.every = every
        self.echo = echo
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._judged = threading.Condition(self._lock)
        self._kept: dict[tuple[str, str, str], Finding] = {}
        self.exchanges = 0
        self.matched = 0
        self.statuses: dict[str, Counter[str]] = {}
        self.unmatched: dict[tuple[str, str], Counter[str]] = {}
        self.unmatched_other = 0  # beyond MAX_UNMATCHED distinct paths
        self.not_judged: Counter[str] = Counter()
        self.pages = list(pages)
        self._docs_keys: dict[str, set[str]] = {}  # operation → the page endpoints that are it (any placeholder style)
        for page in self.pages:
            for endpoint in page.endpoints:
                matched = match_operation(self._routes, endpoint.method.upper(), endpoint.path, servers=self.servers,
                                          templated=True)
                if matched is not None:
                    self._docs_keys.setdefault(matched.key, set()).add(endpoint.key)
        self.carried: dict[tuple[str, str], set[str]] = {}  # (operation, documented status) → field paths seen

    # ------------------------------------------------------------------ judging

    def add(self, exchange: Exchange) -> list[Finding]:
        """Judge one exchange; the findings it raised (new or already kept)."""
        with self._lock:
            self.exchanges += 1
            self.redactor.learn_headers(exchange.request_headers)
            found = self._judge(exchange)
            for f in found:
                key = (f.check, f.operation or "", f.signature())
                if key not in self._kept:
                    if f.exchange is not None:
                        f.exchange = self.redactor.exchange(f.exchange)
                        f.curl = to_curl(f.exchange, self.redactor)
                    self._kept[key] = f
            if self.every and self.echo is not None and self.exchanges % self.every == 0:
                self.echo(self.summary_line())
            self._judged.notify_all()
            return found

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` exchanges are judged (the proxy judges after the client has its answer)."""
        with self._judged:
            return self._judged.wait_for(lambda: self.exchanges >= count, timeout)

    def add_all(self, exchanges: Iterable[Exchange]) -> None:
        for exchange in exchanges:
            self.add(exchange)

    def _judge(self, ex: Exchange) -> list[Finding]:
        if ex.error in _PROXY_REFUSED:
            self.not_judged[ex.error] += 1
            return []
        if ex.body_truncated:
            self.not_judged["response body over the cap or not decoded"] += 1
        method = ex.method.upper()
        op = match_operation(self._routes, method, ex.url, servers=self.servers)
        if op is None and method == "HEAD":
            op = match_operation(self._routes, "GET", ex.url, servers=self.servers)
        if op is None:
            return self._unmatched(ex)
        self.matched += 1
        lo = self._ops[op.key]
        seen = self.statuses.setdefault(lo.key, Counter())
        seen[str(ex.status) if ex.status is not None else str(ex.error)] += 1
        self._carry(lo, ex)
        out = run_checks(self.ctx, Observation(lo, None, ex, role="traffic"))
        if lo.origin == "spec":  # a docs-only operation's request is modelled, not stated: not held to it
            out += self._request(lo, ex)
        return out

    def _carry(self, lo: LiveOperation, ex: Exchange) -> None:
        """The fields a whole JSON body carried, kept under the documented status it answers."""
        if ex.status is None or ex.body_truncated or not ex.response_body:
            return
        code = self.validators.response(lo.op).documented_status(ex.status)
        if code is None:
            return
        try:
            body = json.loads(ex.response_body)
        except (ValueError, UnicodeDecodeError):
            return
        self.carried.setdefault((lo.key, code), set()).update(carried_fields(body))

    def _request(self, lo: LiveOperation, ex: Exchange) -> list[Finding]:
        """The client's side: the request as it arrived, against the operation's parameters, security, body."""
        query: dict[str, str] = {}
        for name, value in parse_qsl(urlsplit(ex.url).query, keep_blank_values=True):
            query[name] = f"{query[name]},{value}" if name in query else value
        params = {k: unquote(v) for k, v in path_params(lo.op.path, ex.url, servers=self.servers).items()}
        headers = ex.request_headers
        lowered = {k.lower(): v for k, v in headers.items()}
        encoded = lowered.get("content-encoding", "identity").strip().lower() not in ("", "identity")
        if encoded:
            self.not_judged["request body content-encoded"] += 1
        violations = self.validators.request(lo.op).validate(
            headers=headers, query=query, path_params=params, cookies=parse_cookie_header(lowered.get("cookie", "")),
            raw_body=None if encoded else ex.request_body, content_type=lowered.get("content-type"))
        if encoded:
            violations = [v for v in violations if v.part not in ("body", "content-type")]
        return [self._invalid(lo, ex, v) for v in violations]

    def _invalid(self, lo: LiveOperation, ex: Exchange, v: Violation) -> Finding:
        status = ex.status
        if status is not None and 200 <= status < 300:
            severity, what = Severity.ERROR, f"the target accepted it ({status}): the client relies on what the " \
                                             "spec does not allow"
        elif status is not None and 400 <= status < 500:
            severity, what = Severity.INFO, f"the target refused it ({status}): a negative test, or a client bug " \
                                            "the target caught"
        else:
            severity, what = Severity.WARNING, f"the target answered {status if status is not None else ex.error}"
        pointer = _INDEX.sub("/*", v.pointer)
        subject = f"{v.part} {pointer} {v.keyword}".replace("  ", " ")
        details: dict[str, Any] = {"origin": lo.origin, "part": v.part, "pointer": v.pointer, "keyword": v.keyword,
                                   "expected": v.expected, "actual": v.actual, "status": status}
        if v.part in _CAUSED_PARTS:
            details["cause"] = subject
        return Finding("traffic.request_invalid", severity,
                       f"{lo.key}: the client sent a request that breaks the spec: {v}; {what}",
                       operation=lo.key, spec=lo.op.where, exchange=ex, subject=subject, details=details)

    def _unmatched(self, ex: Exchange) -> list[Finding]:
        method = ex.method.upper()
        path = urlsplit(ex.url).path or "/"
        key = (method, path)
        if key not in self.unmatched and len(self.unmatched) >= MAX_UNMATCHED:
            self.unmatched_other += 1
            return []
        self.unmatched.setdefault(key, Counter())[str(ex.status) if ex.status is not None else str(ex.error)] += 1
        if ex.status is None or not 200 <= ex.status < 300 or method == "OPTIONS":
            return []
        return [Finding("traffic.undocumented_operation", Severity.WARNING,
                        f"{method} {path}: the target answered {ex.status}, but no operation of the spec matches "
                        "this request", exchange=ex, subject=f"{method} {path}",
                        details={"status": ex.status, "cause": "served, not in the spec",
                                 "cause_message": "the target serves requests no operation of the spec matches "
                                                  "(see places)"})]

    # ------------------------------------------------------------------ results

    def findings(self) -> list[Finding]:
        """The kept findings, causes marked, sorted as a run sorts them."""
        with self._lock:
            out = list(self._kept.values())
        annotate([f for f in out if f.check.startswith("live.")])
        return sorted(out, key=lambda f: (f.check, f.operation or "", f.signature()))

    def reach(self) -> dict[str, dict[str, Any]]:
        """Coverage from traffic, per operation: statuses seen, a 2xx reached, why not, documented statuses unseen."""
        out: dict[str, dict[str, Any]] = {}
        for key, lo in self._ops.items():
            seen = self.statuses.get(key, Counter())
            reached = any(s.startswith("2") for s in seen)
            why = None if reached else ("no request of the traffic" if not seen else "the traffic got no 2xx")
            validator = self.validators.response(lo.op)
            got = {validator.documented_status(int(s)) for s in seen if s.isdigit()}
            unseen = [code for code in sorted(lo.op.responses) if code not in got]
            out[key] = {"statuses": dict(sorted(seen.items())), "reached": reached, "why": why,
                        "hint": f"documented, never seen: {', '.join(unseen)}" if unseen else None}
            fields = {code: self._unseen_fields(lo, code) for code in sorted(c for c in got if c is not None)}
            fields = {code: names for code, names in fields.items() if names is not None}
            if fields:
                out[key]["fields_unseen"] = fields
        return out

    def _unseen_fields(self, lo: LiveOperation, code: str) -> list[str] | None:
        """The documented fields of `code`'s answer no response carried (None: it documents no field).

        Spec fields by exact path; a docs row by its name at any depth (a table lists the fields of the
        object it describes, wherever an envelope puts it), and only when no spec path already names it.
        """
        response = lo.op.responses.get(code)
        media = next((m for t, m in response.content.items() if is_json_media(t)), None) if response else None
        spec_fields = documented_fields(media.schema, self.spec.resolve_ref) if media is not None else []
        keys = {lo.key} | {e.key for e in lo.docs} | self._docs_keys.get(lo.key, set())
        success = code.startswith("2")
        docs_fields = list(dict.fromkeys(
            f.name for page in self.pages for f in page.fields
            if f.endpoint in keys and f.table == "response"
            and (str(f.status) == code if f.status is not None else success)))
        if not spec_fields and not docs_fields:
            return None
        carried = self.carried.get((lo.key, code), set())
        flat = {p.replace("[]", "") for p in carried}
        named = {p.replace("[]", "") for p in spec_fields}

        def anywhere(name: str, paths: set[str]) -> bool:
            return any(p == name or p.endswith("." + name) for p in paths)

        unseen = unseen_fields(spec_fields, carried)
        unseen += [f"{n} (docs)" for n in docs_fields if not anywhere(n, named) and not anywhere(n, flat)]
        return unseen

    def traffic(self) -> dict[str, Any]:
        """The report's ``traffic`` section: counts, what matched nothing, what was not judged."""
        exercised = sum(1 for k in self._ops if self.statuses.get(k))
        return {
            "exchanges": self.exchanges, "matched": self.matched,
            "operations": {"exercised": exercised, "total": len(self._ops)},
            "unmatched": [{"method": m, "path": p, "statuses": dict(sorted(c.items())), "requests": sum(c.values())}
                          for (m, p), c in sorted(self.unmatched.items())],
            "unmatched_not_listed": self.unmatched_other,
            "not_judged": dict(sorted(self.not_judged.items())),
        }

    def checks_run(self) -> list[str]:
        return [i.id for i in live_checks() if i.kind == "exchange"] + [i.id for i in checks.by_stage("traffic")]

    def extra(self) -> dict[str, Any]:
        """What the report carries beyond findings: timings, checks, coverage (reach), the traffic section."""
        from contract.report.json import coverage_section

        elapsed = round(time.monotonic() - self.started, 3)
        return {"run": {"exchanges": self.exchanges, "elapsed_s": elapsed}, "timings": {"traffic": elapsed},
                "checks_run": self.checks_run(), "coverage": coverage_section({}, self.reach()),
                "traffic": self.traffic()}

    def summary_line(self) -> str:
        counts = Counter(str(f.severity) for f in self._kept.values())
        said = ", ".join(f"{counts[s]} {s}" for s in ("error", "warning", "info") if counts[s]) or "none"
        unmatched = sum(sum(c.values()) for c in self.unmatched.values()) + self.unmatched_other
        return (f"contract proxy: {self.exchanges} exchanges, {self.matched} matched, {unmatched} unmatched; "
                f"findings: {said}")
