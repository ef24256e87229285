"""Docs vs live: replay the docs' own example requests and hold the answers to the docs.

A reader copies the curl from the page and expects what the page shows: a
documented status, a body shaped like the documented response example, the
documented headers. Each gap is a finding with the exchange and a curl line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from contract.core import checks, errors_body
from contract.core.curl import to_curl
from contract.core.schema_facts import json_type
from contract.docs.model import DocsPage, Example
from contract.model import Case, Exchange, Finding, Location, Severity
from contract.redact import Redactor

__all__ = ["compare_live"]

checks.declare("docs_live.status_undocumented", Severity.WARNING,
               "a docs example request answered with a status the page does not list")
checks.declare("docs_live.field_missing", Severity.WARNING,
               "a field of the documented response the live response lacks")
checks.declare("docs_live.type_mismatch", Severity.WARNING,
               "a field whose live type differs from the documented example")
checks.declare("docs_live.field_undocumented", Severity.INFO,
               "a live response field the documented example does not show")
checks.declare("docs_live.header_missing", Severity.WARNING,
               "a documented response header the live response lacks")


def _json_type(value: Any) -> str:
    """The JSON type, integers read as numbers: a documented 5 and a live 5.5 are one kind of value."""
    kind = json_type(value)
    return "number" if kind == "integer" else kind


def _shape(documented: Any, live: Any, path: str = "") -> list[tuple[str, str, str]]:
    """(check, pointer, what) for every difference in shape between a documented and a live value."""
    out: list[tuple[str, str, str]] = []
    if isinstance(documented, dict) and isinstance(live, dict):
        for key, value in documented.items():
            pointer = f"{path}/{key}"
            if key not in live:
                out.append(("docs_live.field_missing", pointer, "documented but absent"))
            else:
                out += _shape(value, live[key], pointer)
        for key in live.keys() - documented.keys():
            out.append(("docs_live.field_undocumented", f"{path}/{key}", "present live, not in the example"))
    elif isinstance(documented, list) and isinstance(live, list):
        if documented and live:
            out += _shape(documented[0], live[0], f"{path}/0")
    elif documented is not None and live is not None and _json_type(documented) != _json_type(live):
        out.append(("docs_live.type_mismatch", path,
                    f"{_json_type(documented)} in the docs, {_json_type(live)} live"))
    return out


def _response_example(pages: Sequence[DocsPage], endpoint: str, status: int) -> Example | None:
    for page in pages:
        for ex in page.examples:
            if ex.kind == "response" and ex.ok and ex.endpoint == endpoint and (ex.status or 200) == status:
                return ex
    return None


def compare_live(pages: Sequence[DocsPage], examples: Mapping[str, tuple[Case, Location | None]],
                 send: Callable[[Case], Exchange], redactor: Redactor) -> tuple[list[Finding], int]:
    """Findings for every docs example request replayed live; and how many requests were sent."""
    findings: list[Finding] = []
    sent = 0
    for endpoint, (case, where) in examples.items():
        raw = send(case)
        sent += 1
        exchange = redactor.exchange(raw)
        curl = to_curl(exchange, redactor)

        def add(check: str, message: str, subject: str, docs: Location | None = where,
                _endpoint: str = endpoint, _exchange: Exchange = exchange, _curl: str = curl) -> None:
            findings.append(Finding(check, checks.get(check).severity, message, operation=_endpoint, docs=docs,
                                    exchange=_exchange, curl=_curl, source="docs",
                                    subject=f"{_endpoint}:{subject}"))

        if raw.status is None:
            continue  # transport faults are the runner's findings
        documented = {s.code for p in pages for s in p.statuses if s.endpoint == endpoint}
        if documented and raw.status not in documented:
            # The server's reasons as one line (the shared error-body reader), else the start of its body.
            said = redactor.text(errors_body.summary(errors_body.read_errors(exchange.response_body))
                                 or (exchange.response_body or b"")[:200].decode("utf-8", "replace"))
            add("docs_live.status_undocumented",
                f"{endpoint}: the docs' example request got {raw.status}; the page documents "
                f"{', '.join(map(str, sorted(documented)))} — the server said: {said}", f"status:{raw.status}")
            continue
        example = _response_example(pages, endpoint, raw.status)
        if example is not None and raw.response_body:
            try:
                live = raw.json()
            except ValueError:
                live = None
            if live is not None:
                for check, pointer, what in _shape(example.body, live):
                    add(check, f"{endpoint} {raw.status}: {pointer} — {what} (documented example vs live)",
                        f"{raw.status}:{pointer}", docs=example.where)
        lowered = {k.lower() for k in raw.response_headers}
        for page in pages:
            for header in page.headers:
                if header.endpoint == endpoint and header.status in (None, raw.status) \
                        and header.name.lower() not in lowered:
                    add("docs_live.header_missing",
                        f"{endpoint} {raw.status}: the docs document response header {header.name}; the live "
                        "response has none", f"header:{header.name.lower()}", docs=header.where)
    return findings, sent
