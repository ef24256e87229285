"""One proxy session: the forwarder, the judge and the HAR recorder wired together, served on loopback.

The forwarder hands each exchange over once the client has its answer; judging and recording run
in a worker thread (``asyncio.to_thread``), under one lock, so they add nothing to the answer's
latency and the redactor sees every exchange in one order. :class:`Proxy` serves from a background
thread (tests, the pytest plugin later); :func:`serve` in the foreground until SIGINT/SIGTERM, after
requests under way have finished — every exchange answered is judged before the report is built.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from contract.docs import DocsPage
from contract.har import HarRecorder
from contract.load import Spec
from contract.model import Exchange
from contract.proxy.forward import ForwardConfig, create_app
from contract.proxy.judge import Judge
from contract.redact import Redactor
from contract.sandbox.server import ThreadedServer, serve_app

__all__ = ["Proxy", "ProxySession", "SessionOptions", "serve"]

# uvicorn adds Date and Server headers of its own by default: the client must see the target's only.
SERVER_OPTIONS: dict[str, Any] = {"server_header": False, "date_header": False, "timeout_graceful_shutdown": 30}


@dataclass(frozen=True, slots=True)
class SessionOptions:
    target: str
    record: str | Path | None = None
    secrets: Sequence[str] = ()
    every: int = 0  # a summary line every N exchanges (0: none)
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_request_bytes: int = 10 << 20
    max_response_bytes: int = 1 << 20
    max_response_time: float | None = None


class ProxySession:
    """The judge and the recorder of one session, and the sink the forwarder calls."""

    def __init__(self, spec: Spec, pages: Sequence[DocsPage], options: SessionOptions,
                 echo: Callable[[str], None] | None = None) -> None:
        self.options = options
        self.redactor = Redactor(options.secrets)
        self.judge = Judge(spec, pages, redactor=self.redactor, max_response_time=options.max_response_time,
                           every=options.every, echo=echo)
        self.recorder = HarRecorder(options.record, self.redactor) if options.record else None
        self._lock = threading.Lock()
        self.app = create_app(ForwardConfig(options.target, options.connect_timeout, options.read_timeout,
                                            options.max_request_bytes, options.max_response_bytes), self.sink)

    async def sink(self, exchange: Exchange) -> None:
        started = datetime.now(UTC) - timedelta(seconds=exchange.elapsed)
        await asyncio.to_thread(self._take, exchange, started)

    def _take(self, exchange: Exchange, started: datetime) -> None:
        with self._lock:
            self.judge.add(exchange)
            if self.recorder is not None:
                self.recorder.add(exchange, started)

    def close(self) -> Path | None:
        """Write the HAR file (if recording); its path."""
        return self.recorder.close() if self.recorder is not None else None


class Proxy:
    """A session served from a background thread on 127.0.0.1 (port 0: a free one); `url` once started.

    >>> with Proxy(spec, [], SessionOptions(target=sandbox.url)) as proxy:   # doctest: +SKIP
    ...     httpx.get(proxy.url + "/path")
    ...     proxy.session.judge.findings()
    """

    def __init__(self, spec: Spec, pages: Sequence[DocsPage], options: SessionOptions, *, port: int = 0,
                 echo: Callable[[str], None] | None = None) -> None:
        self.session = ProxySession(spec, pages, options, echo)
        self._server = ThreadedServer(self.session.app, "127.0.0.1", port, **SERVER_OPTIONS)
        self.url = ""

    def start(self) -> Proxy:
        self._server.start()
        self.url = self._server.url
        return self

    def stop(self) -> None:
        """Stop serving (requests under way finish first), then write the HAR file."""
        self._server.stop()
        self.session.close()

    def __enter__(self) -> Proxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(session: ProxySession, host: str, port: int, on_ready: Callable[[str], None],
          on_demand: Callable[[], None] | None = None) -> None:
    """Serve `session` in the foreground until SIGINT/SIGTERM, then write the HAR file; SIGUSR1 calls
    `on_demand` (the reports so far) while serving goes on."""
    signals = {signal.SIGUSR1: on_demand} if on_demand is not None and hasattr(signal, "SIGUSR1") else {}
    try:
        serve_app(session.app, host, port, on_ready, signals=signals, **SERVER_OPTIONS)
    finally:
        session.close()
