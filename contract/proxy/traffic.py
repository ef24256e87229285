"""The ``contract_traffic`` fixture's object: one test's clients, judged in process by the process's judge."""

from __future__ import annotations

from typing import Any

import httpx

from contract.core.curl import to_curl
from contract.model import Exchange, Finding, Severity
from contract.proxy.inprocess import JudgingTransport, app_transport
from contract.proxy.judge import Judge

__all__ = ["Traffic"]


class Traffic:
    """One test's view of the process's judge (the ``contract_traffic`` fixture): clients and transports that
    judge what they carry, and the findings this test's own exchanges raised."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.findings: list[Finding] = []
        self.exchanges = 0
        self._open: list[Any] = []

    def take(self, exchange: Exchange) -> None:
        """The sink every client of this test hands its exchanges to."""
        self.exchanges += 1
        for finding in self.judge.add(exchange):
            if finding not in self.findings:
                self.findings.append(finding)

    def transport(self, inner: httpx.BaseTransport | None = None, *, app: Any = None) -> JudgingTransport:
        """A judging transport over `inner` (default: the network), or to `app` (ASGI or WSGI) in process."""
        if inner is None and app is not None:
            inner = app_transport(app)
        transport = JudgingTransport(self.take, inner)
        self._open.append(transport)
        return transport

    def client(self, base_url: str = "", *, app: Any = None, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` whose calls are judged; with `app`, served in process (base URL
        ``http://testserver`` unless given)."""
        client = httpx.Client(base_url=base_url or ("http://testserver" if app is not None else ""),
                              transport=self.transport(app=app), **kwargs)
        self._open.append(client)
        return client

    def session(self, *, app: Any = None) -> Any:
        """A ``requests.Session`` whose calls are judged (every http:// and https:// URL); with `app`, served
        in process."""
        import requests

        from contract.proxy.adapter import JudgingAdapter

        session = requests.Session()
        adapter = JudgingAdapter(self.take, app_transport(app) if app is not None else None)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._open.append(session)
        return session

    def failing(self, fail_on: str) -> list[Finding]:
        """This test's findings at or above `fail_on` (error | warning | info; never: none)."""
        if fail_on == "never":
            return []
        floor = Severity.parse(fail_on)
        return [f for f in self.findings if f.severity >= floor]

    def describe(self, findings: list[Finding]) -> str:
        """The findings as the test's failure text: message and a curl line each, secrets masked."""
        lines = [f"{len(findings)} contract finding{'s' if len(findings) != 1 else ''} in this test's traffic:"]
        for f in findings[:20]:
            lines.append(f"  - [{f.severity}] {f.check}: {f.message}")
            if f.exchange is not None:
                lines.append(f"    reproduce with: {to_curl(f.exchange, self.judge.redactor)}")
        if len(findings) > 20:
            lines.append(f"  … and {len(findings) - 20} more")
        return self.judge.redactor.text("\n".join(lines))

    def close(self) -> None:
        for thing in reversed(self._open):
            thing.close()
        self._open.clear()
