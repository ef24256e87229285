"""The one sender of a run: every request goes through it, so `--rate` and the budget hold for all of them.

A :class:`Sender` owns the run's :class:`~contract.replay.client.ReplayClient` (nothing else
holds one: the run's phases — flood, discovery, sequences, shrinking — and triangulation get the
sender) and adds what must apply to *every* request: the rate limit (per request on the wire,
redirect hops included, so it holds where the server counts), the request budget
(``--max-requests``; once spent, nothing more is sent and the run winds down as at
``--max-time``), the counters the run metadata reports (per purpose, per operation and status, response times),
the progress bar, and the redaction of what a finding records (exchange and curl line).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Literal, Protocol

from contract.core.curl import to_curl
from contract.model import Case, Exchange
from contract.redact import Redactor
from contract.replay.client import NOT_SENT, ClientConfig, ReplayClient
from contract.replay.progress import Progress
from contract.replay.timing import ResponseTimes

__all__ = ["JUDGED", "Purpose", "RateLimit", "RunSettings", "Sender"]

# Why a request is sent. The judged ones are the run's exchanges (checked, counted in `exchanges`).
Purpose = Literal["preflight", "flood", "auth", "sequence", "discovery", "shrink", "triangulation", "cleanup"]
JUDGED: frozenset[str] = frozenset({"preflight", "flood", "auth", "sequence"})


class RunSettings(Protocol):
    """What the sender reads of a run's configuration (:class:`contract.replay.config.RunConfig`)."""

    base_url: str
    headers: dict[str, str]
    alt_headers: dict[str, str]
    secrets: list[str]
    connect_timeout: float
    read_timeout: float
    total_timeout: float | None
    max_response_bytes: int
    workers: int
    read_only: bool
    rate: float | None
    max_requests: int | None


class RateLimit:
    """At most `rate` requests per second, all threads together: each request gets the next free slot."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)  # pacing requests, not synchronisation


class Sender:
    """Sends cases for one run; see the module docstring. Thread-safe."""

    def __init__(self, client: ClientConfig, *, redactor: Redactor, rate: float | None = None,
                 max_requests: int | None = None, progress: Progress | None = None) -> None:
        self.redactor = redactor
        self.progress = progress
        self.max_requests = max_requests
        self._rate = RateLimit(rate)
        self._client = ReplayClient(client, pace=self._pace)
        self._lock = threading.Lock()
        self._reserved = 0  # requests granted by the budget (each hop takes one)
        self.by_purpose: Counter[str] = Counter()
        self.exchanges = 0  # judged exchanges (JUDGED purposes)
        self.answered = 0  # ... of which answered
        self.errors: dict[str, int] = {}  # ... of which failed, per transport error kind
        self.not_sent = 0  # refused by the budget
        self.statuses: dict[str, Counter[str]] = {}  # operation → status (or error kind) → requests
        self.observer: Callable[[Exchange], None] | None = None  # sees every exchange sent (HAR recording)
        self.times = ResponseTimes()  # operation → response times of the answered requests

    @classmethod
    def for_run(cls, config: RunSettings, progress: Progress | None = None) -> Sender:
        """The sender a :class:`~contract.replay.config.RunConfig` describes (its secrets redacted).

        The redactor knows every credential the run sends from the start, so it learns none from the
        exchanges (the other secret-named headers carry generated values, see :mod:`contract.redact`)."""
        redactor = Redactor(config.secrets, learn=False)
        redactor.learn_headers(config.headers)
        redactor.learn_headers(config.alt_headers)
        client = ClientConfig(config.base_url, config.connect_timeout, config.read_timeout,
                              config.total_timeout or config.read_timeout * 3, config.max_response_bytes,
                              workers=config.workers, read_only=config.read_only)
        return cls(client, redactor=redactor, rate=config.rate, max_requests=config.max_requests, progress=progress)

    # ------------------------------------------------------------------ sending

    @property
    def sent(self) -> int:
        """Requests on the wire (each redirect hop is one)."""
        return self._client.sent

    @property
    def base_url(self) -> str:
        return self._client.base

    @property
    def exhausted(self) -> bool:
        return self.max_requests is not None and self._reserved >= self.max_requests

    def _pace(self) -> bool:
        """Called by the client before every request it puts on the wire: budget, then rate."""
        with self._lock:
            if self.max_requests is not None and self._reserved >= self.max_requests:
                return False
            self._reserved += 1
        self._rate.wait()
        return True

    def send(self, case: Case, purpose: Purpose = "flood") -> Exchange:
        """Send one case (rate-limited, within the budget) and count it."""
        exchange = self._client.send(case)
        with self._lock:
            self.by_purpose[purpose] += 1
            if exchange.error == NOT_SENT:
                self.not_sent += 1
            else:
                seen = self.statuses.setdefault(case.operation, Counter())
                seen[str(exchange.status) if exchange.status is not None else str(exchange.error)] += 1
                if exchange.status is not None:
                    self.times.observe(case.operation, exchange.elapsed)
                if purpose in JUDGED:
                    self.exchanges += 1
                    if exchange.status is not None:
                        self.answered += 1
                    if exchange.error:
                        self.errors[exchange.error] = self.errors.get(exchange.error, 0) + 1
        if self.observer is not None and exchange.error != NOT_SENT:
            self.observer(exchange)
        if self.progress is not None:
            self.progress.advance()
        return exchange

    def sender_for(self, purpose: Purpose) -> Callable[[Case], Exchange]:
        """``send(case) -> Exchange`` for code that takes a plain function (triangulation)."""
        return lambda case: self.send(case, purpose)

    # ------------------------------------------------------------------ recording

    def recorded(self, exchange: Exchange) -> tuple[Exchange, str]:
        """What a finding keeps of an exchange: redacted (by name and value), and its curl line (masked)."""
        return self.redactor.exchange(exchange), to_curl(exchange, self.redactor)

    def meta(self) -> dict[str, Any]:
        return {"requests_by_purpose": dict(sorted(self.by_purpose.items())),
                "max_requests": self.max_requests, "not_sent": self.not_sent}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
