"""Send the triangulation probes and put a live verdict on every drift finding.

The sending is injected (`send(case) -> Exchange`), so the replay stage's client
(timeouts, size caps, host guard) does the I/O and this module only decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from contract.compare.docs_live import compare_live
from contract.compare.probes import Probe, build_probes, docs_constraints, verdict_for
from contract.core.curl import to_curl
from contract.docs.model import DocsPage
from contract.generate import generate_cases, prose_constraints
from contract.load import Spec
from contract.model import Case, Exchange, Finding, Location, Operation
from contract.redact import Redactor

Send = Callable[[Case], Exchange]

__all__ = ["Send", "TriangulationResult", "triangulate"]

_PLACEHOLDER = re.compile(r"^<[^>]+>$|^\{\{?\s*\w+\s*\}?\}$")


class TriangulationResult:
    def __init__(self) -> None:
        self.probes: list[Probe] = []
        self.docs_live: list[Finding] = []  # docs example requests replayed, answers held to the docs
        self.control: Exchange | None = None
        self.sent = 0


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _base_case(spec: Spec, op: Operation, drift: list[Finding], headers: Mapping[str, str],
               seed: int) -> tuple[Case | None, str]:
    """The smallest request both the spec and the docs accept (the docs' own limits honoured).

    Returns (case, why not) — the reason names what the generator reported.
    """
    extra = [*prose_constraints(spec, op), *docs_constraints(spec, op, drift)]
    # A generous budget: four cases, but on a loaded machine the first strategies take a while to build.
    result = generate_cases(spec, op, mode="conforming", count=4, seed=seed, headers=dict(headers), extra=extra,
                            budget=120.0)
    cases = [c for c in result.cases if c.mode == "conforming"]
    if not cases:
        said = "; ".join(f.message for f in result.findings) or "no findings"
        return None, f"{said}; discarded: {dict(result.discard_reasons) or result.discarded}"
    return min(cases, key=lambda c: (len(c.body) if isinstance(c.body, dict) else 0, len(c.headers))), ""


def _docs_example_cases(pages: Sequence[DocsPage], base: Case, control: Exchange | None,
                        headers: Mapping[str, str]) -> dict[str, tuple[Case, Location]]:
    """Docs example requests, placeholders filled from the base request and the control response."""
    known: dict[str, str] = {_norm(k): v for k, v in base.headers.items()}
    known.update({_norm(k): v for k, v in headers.items()})
    data: Any = None
    if control is not None and control.response_body:
        try:
            data = control.json()
        except ValueError:
            data = None
    fields = _flatten(data) if data is not None else {}
    out: dict[str, tuple[Case, Location]] = {}
    for page in pages:
        for ex in page.examples:
            method, path = ex.method, ex.path
            if (not method or not path) and ex.endpoint:  # a bare JSON block under "Method and endpoint"
                method, _, path = ex.endpoint.partition(" ")
            if ex.kind != "request" or not ex.ok or not method or not path:
                continue
            key = f"{method.upper()} {path}"
            if key in out:
                continue
            filled: dict[str, str] = {}
            for name, value in (ex.headers or {}).items():
                if not _PLACEHOLDER.match(str(value).strip()):
                    filled[name] = str(value)
                    continue
                wanted = _norm(name)
                value_known = known.get(wanted) or next(
                    (str(v) for k, v in fields.items() if v is not None and wanted.endswith(_norm(k))), None)
                if value_known is not None:
                    filled[name] = value_known
            for name, value in base.headers.items():  # identification the example could not fill
                if name.lower() != "content-type" and name.lower() not in {k.lower() for k in filled}:
                    filled[name] = value
            for name, value in headers.items():  # configured credentials win
                filled = {k: v for k, v in filled.items() if k.lower() != name.lower()}
                filled[name] = value
            out[key] = (Case(operation=key, method=method.upper(), path=path, headers=filled, body=ex.body,
                             has_body=bool(ex.has_body), media_type="application/json"), ex.where)
    return out


def _flatten(data: Any, depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict) and depth < 3:
        for k, v in data.items():
            if isinstance(v, dict):
                out.update(_flatten(v, depth + 1))
            elif not isinstance(v, list):
                out[str(k)] = v
    return out


def triangulate(spec: Spec, pages: Sequence[DocsPage], drift: list[Finding], send: Send, *,
                headers: Mapping[str, str], redactor: Redactor, seed: int = 0) -> TriangulationResult:
    """Send a discriminating probe for every observable drift finding; set `finding.verdict`.

    Findings no request can observe get `verdict="inconclusive"` with the reason in
    `details["probe"]` (and ``"testable": false``; undecided but decidable ones ``true``).
    """
    result = TriangulationResult()
    for op in spec.operations:
        mine = [f for f in drift if f.check.startswith("drift.") and (
            f.operation == op.key or (f.check == "drift.operation_missing_in_spec" and f.operation
                                      and f.operation.split(" ", 1)[-1] == op.path))]
        if not mine:
            continue
        base, why = _base_case(spec, op, mine, headers, seed)
        if base is None:
            for f in mine:
                _inconclusive(f, f"no request both the spec and the docs accept could be generated ({why})")
            continue
        control = send(base)
        result.sent += 1
        result.control = redactor.exchange(control)
        if control.status is None or not 200 <= control.status < 300:
            why = f"the control request (valid for both spec and docs) got {control.status or control.error}"
            for f in mine:
                _inconclusive(f, why, exchange=result.control, curl=to_curl(result.control, redactor))
            continue
        examples = _docs_example_cases(pages, base, control, headers)
        for probe in build_probes(spec, op, base, mine, {k: c for k, (c, _) in examples.items()}):
            result.probes.append(probe)
            if probe.reason:
                _inconclusive(probe.finding, probe.reason, testable=False)
                continue
            status: int | None
            if probe.case is None:
                status, got_headers, exchange = control.status, control.response_headers, result.control
            else:
                sent = send(probe.case)
                result.sent += 1
                exchange = redactor.exchange(sent)
                status, got_headers = sent.status, sent.response_headers
            verdict, how = verdict_for(probe, status, got_headers)
            f = probe.finding
            f.verdict = verdict
            f.exchange = exchange
            f.curl = to_curl(exchange, redactor) if exchange is not None else None
            f.details["probe"] = {"sent": probe.description, "spec_expects": probe.spec_expects,
                                  "docs_expects": probe.docs_expects, "status": status, "decided": how}
        live, live_sent = compare_live(pages, examples, send, redactor)
        result.docs_live.extend(live)
        result.sent += live_sent
    for f in drift:
        if f.check.startswith("drift.") and f.verdict is None:
            _inconclusive(f, "not observable on the wire (page structure, response examples or docs-only text)",
                          testable=False)
    return result


def _inconclusive(f: Finding, why: str, *, exchange: Exchange | None = None, curl: str | None = None,
                  testable: bool = True) -> None:
    """No verdict; `testable` False when no request could ever decide it (document-internal), True when
    one could but none was answered (the reports tell the two apart)."""
    f.verdict = "inconclusive"
    f.details["probe"] = {"decided": why, "testable": testable}
    if exchange is not None:
        f.exchange, f.curl = exchange, curl





