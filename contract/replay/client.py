"""The HTTP client of the live run: bounded in time, size and reach.

A target under test may be broken or hostile, so every request is bounded:
connect/read timeouts plus a whole-request deadline (a server trickling one byte
a second evades a read timeout — in the status line and headers too, so the deadline
is enforced on every socket read and write, see :class:`_DeadlineBackend`), a response-size cap enforced while streaming
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
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from contract.core.http import case_body, with_content_type
from contract.model import Case, Exchange

__all__ = ["NOT_SENT", "SAFE_METHODS", "ClientConfig", "ReplayClient", "classify"]

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
READ_ONLY = "read_only"  # refused before sending: not a safe method and the run is read-only
NOT_SENT = "not_sent"  # refused before sending: the run's request budget is spent (see replay/sender.py)
UNSENDABLE = "unsendable"  # not sent: the HTTP client refuses the request itself (a URL over 64 KiB, say)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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
    read_only: bool = False  # refuse (never send) anything but SAFE_METHODS


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


_deadline = threading.local()  # .at: the monotonic deadline of the request this thread is sending


def _remaining(timeout: float | None) -> float | None:
    """`timeout` shortened to what is left of this thread's request deadline; ReadTimeout when none is left."""
    at = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.perf_counter()
    if left <= 0:
        raise httpcore.ReadTimeout("the whole-request deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read/write waits at most until the request's deadline.

    httpx has no whole-request timeout, and its read timeout restarts on every byte, so
    a target answering one byte per second would hold a worker forever while the
    status line and headers are parsed (before any of our code runs).
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_tcp(host, port, _remaining(timeout), local_address,
                                                         socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_unix_socket(path, _remaining(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


class ReplayClient:
    """Sends :class:`Case`s to one base URL; never raises for what the target does."""

    def __init__(self, config: ClientConfig, pace: Callable[[], bool] | None = None) -> None:
        """`pace` is called before every request put on the wire (each redirect hop too): it may wait
        (a rate limit), and False means "do not send" (a spent budget: the exchange gets `NOT_SENT`)."""
        self.config = config
        self._pace = pace
        self.base = config.base_url.rstrip("/")
        self._origin = _origin(self.base)
        timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
        limits = httpx.Limits(max_connections=max(config.workers, 1) * 2,
                              max_keepalive_connections=max(config.workers, 1) * 2)
        # trust_env=False: never route through a proxy from the environment (the target is the only peer).
        transport = httpx.HTTPTransport(limits=limits, trust_env=False)
        pool = transport._pool  # httpx exposes no network_backend option; the pool's backend is the one hook
        pool._network_backend = _DeadlineBackend(pool._network_backend)  # type: ignore[union-attr]
        self._http = httpx.Client(timeout=timeout, limits=limits, follow_redirects=False, trust_env=False,
                                  transport=transport)
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
        body, content_type = case_body(case)
        if body is not None:
            headers = with_content_type(headers, content_type)
        url = self.url_for(case)
        if case.query:
            try:
                # merged: a path key's own query stays (OpenAI's `/responses/{response_id}?beta=true`)
                url = str(httpx.URL(url).copy_merge_params({k: _wire(v) for k, v in case.query.items()}))
            except httpx.InvalidURL:
                exchange = Exchange(case.method, url, headers, body, error=UNSENDABLE, elapsed=0.0)
                return exchange
        return self.request(case.method, url, headers, body)

    def request(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Exchange:
        exchange = Exchange(method, url, dict(headers), body)
        started = time.perf_counter()
        if self.config.read_only and method.upper() not in SAFE_METHODS:
            exchange.error = READ_ONLY
            exchange.elapsed = 0.0
            return exchange
        seen = {url}
        _deadline.at = started + self.config.total_timeout
        try:
            for _ in range(self.config.max_redirects + 1):
                if _origin(url) != self._origin:
                    exchange.error = OFF_HOST  # never reached: only the base URL's host is contacted
                    return exchange
                if self._pace is not None and not self._pace():
                    exchange.error = NOT_SENT
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
            _deadline.at = None
            exchange.elapsed = time.perf_counter() - started

    def _once(self, exchange: Exchange, method: str, url: str, headers: dict[str, str], body: bytes | None,
              started: float) -> str | None:
        """One hop; fills `exchange`; returns the Location to follow, if any."""
        cap = self.config.max_response_bytes
        chunks: list[bytes] = []
        try:
            with self._http.stream(method, url, headers=headers, content=body) as response:
                exchange.status = response.status_code
                exchange.response_headers = dict(response.headers)
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
                    if time.perf_counter() - started >= self.config.total_timeout:
                        exchange.body_truncated = True
                        exchange.error = TIMEOUT
                        break
                exchange.response_body = b"".join(chunks)
                if 300 <= response.status_code < 400 and "location" in response.headers \
                        and exchange.error is None:
                    return response.headers["location"]
        except httpx.InvalidURL:  # not an HTTPError: the request never left, nothing the target did
            exchange.error = UNSENDABLE
        except httpx.HTTPError as exc:
            if exchange.status is not None and not exchange.response_body and chunks:
                exchange.response_body = b"".join(chunks)  # what arrived before the failure, for the report
                exchange.body_truncated = True
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
