"""The HTTP client of the live run: bounded in time, size and reach.

A target under test may be broken or hostile, so every request is bounded:
connect/read timeouts plus a whole-request deadline (a server trickling one byte
a second evades a read timeout), a response-size cap enforced while streaming
(the body is never buffered past the cap), and redirects followed by hand, only
on the base URL's host, a fixed number of times. Whatever goes wrong becomes
``Exchange.error`` (a short stable kind) instead of an exception, so one broken
request never stops a run.

One sync ``httpx.Client`` shared by a thread pool: it keeps the generator, validators
and checks plain synchronous code. (Not compared with ``AsyncClient``; against the
sandbox on two cores the server is the bottleneck — ~180 req/s, see bench/runner.py.)
"""

from __future__ import annotations

import errno
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from contract.model import Case, Exchange

__all__ = ["ClientConfig", "ReplayClient", "classify"]

# Exchange.error kinds
TIMEOUT = "timeout"
REFUSED = "connection_refused"
RESET = "connection_reset"
CLOSED = "connection_closed"
CONNECT = "connect_error"
DNS = "dns_error"
PROTOCOL = "protocol_error"
TOO_LARGE = "too_large"
REDIRECT_LOOP = "redirect_loop"
REDIRECT_OFF_HOST = "redirect_off_host"
OFF_HOST = "off_host"
UNREACHABLE_KINDS = frozenset({REFUSED, CONNECT, DNS})


@dataclass(frozen=True, slots=True)
class ClientConfig:
    base_url: str
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0  # the whole request, body included
    max_response_bytes: int = 1 << 20
    max_redirects: int = 5
    workers: int = 8


def classify(exc: BaseException) -> str:
    """A transport exception → a stable `Exchange.error` kind."""
    if isinstance(exc, httpx.TimeoutException):
        return TIMEOUT
    cause: BaseException | None = exc
    while cause is not None:  # httpx wraps the OSError; look through the chain
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return REFUSED
        if isinstance(cause, ConnectionResetError) or getattr(cause, "errno", None) in (errno.ECONNRESET,
                                                                                        errno.EPIPE):
            return RESET
        if isinstance(cause, socket.gaierror):
            return DNS
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "refused" in text:
        return REFUSED
    if "reset" in text or "broken pipe" in text:
        return RESET
    if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
        return DNS
    if isinstance(exc, httpx.RemoteProtocolError):
        return CLOSED if "disconnected" in text or "without sending" in text else PROTOCOL
    if isinstance(exc, httpx.ConnectError):
        return CONNECT
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return RESET
    return PROTOCOL


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


class ReplayClient:
    """Sends :class:`Case`s to one base URL; never raises for what the target does."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self.base = config.base_url.rstrip("/")
        self._origin = _origin(self.base)
        timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
        limits = httpx.Limits(max_connections=max(config.workers, 1) * 2,
                              max_keepalive_connections=max(config.workers, 1) * 2)
        # trust_env=False: never route through a proxy from the environment (the target is the only peer).
        self._http = httpx.Client(timeout=timeout, limits=limits, follow_redirects=False, trust_env=False)
        self.sent = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ReplayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url_for(self, case: Case) -> str:
        return self.base + case.rendered_path()

    def send(self, case: Case) -> Exchange:
        headers = dict(case.headers)
        body = case.body_bytes()
        if body is not None and case.media_type and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = case.media_type
        url = self.url_for(case)
        if case.query:
            url = str(httpx.URL(url, params={k: _wire(v) for k, v in case.query.items()}))
        return self.request(case.method, url, headers, body)

    def request(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Exchange:
        exchange = Exchange(method, url, dict(headers), body)
        started = time.perf_counter()
        seen = {url}
        try:
            for _ in range(self.config.max_redirects + 1):
                if _origin(url) != self._origin:
                    exchange.error = OFF_HOST  # never reached: only the base URL's host is contacted
                    return exchange
                self.sent += 1
                location = self._once(exchange, method, url, headers, body, started)
                if location is None:
                    return exchange
                target = urljoin(url, location)
                if _origin(target) != self._origin:
                    exchange.error = REDIRECT_OFF_HOST
                    return exchange
                if target in seen:
                    exchange.error = REDIRECT_LOOP
                    return exchange
                seen.add(target)
                url = target
                if exchange.status == 303 or (exchange.status in (301, 302) and method == "POST"):
                    method, body = "GET", None
            exchange.error = REDIRECT_LOOP  # too many redirects
            return exchange
        finally:
            exchange.elapsed = time.perf_counter() - started

    def _once(self, exchange: Exchange, method: str, url: str, headers: dict[str, str], body: bytes | None,
              started: float) -> str | None:
        """One hop; fills `exchange`; returns the Location to follow, if any."""
        cap = self.config.max_response_bytes
        try:
            with self._http.stream(method, url, headers=headers, content=body) as response:
                exchange.status = response.status_code
                exchange.response_headers = dict(response.headers)
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > cap:
                        keep = cap - (size - len(chunk))
                        chunks.append(chunk[:keep])
                        exchange.body_truncated = True
                        exchange.error = TOO_LARGE
                        break
                    chunks.append(chunk)
                    if time.perf_counter() - started > self.config.total_timeout:
                        exchange.body_truncated = True
                        exchange.error = TIMEOUT
                        break
                exchange.response_body = b"".join(chunks)
                if 300 <= response.status_code < 400 and "location" in response.headers \
                        and exchange.error is None:
                    return response.headers["location"]
        except httpx.HTTPError as exc:
            exchange.error = classify(exc)
        except OSError as exc:  # pragma: no cover - httpx normally wraps these
            exchange.error = classify(exc)
        return None


def _wire(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)
