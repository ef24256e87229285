"""The reverse proxy itself: an ASGI app forwarding every request to one target, byte for byte.

What it changes, and only that (RFC 9110 §7.6): hop-by-hop headers are dropped in both
directions — ``Connection`` and every header it names, ``Keep-Alive``, ``Proxy-*``, ``TE``,
``Trailer``, ``Transfer-Encoding``, ``Upgrade`` (§7.6.1); ``Host`` is the target's; the request
gets a ``Via`` (§7.6.3: a gateway MUST add one to requests it forwards, MAY to responses — it
does not, so the client sees the target's answer unchanged). Method, path (as sent, still
percent-encoded), query, the other headers (order, case, repeats such as ``Set-Cookie``), status
and bodies pass unchanged; response bodies stream through as they arrive (``Content-Encoding``
kept: the raw bytes, never decoded on the way).

Bounded, as every client of the tool is: connect/read timeouts; a request body over
``max_request_bytes`` is refused with 413 before anything is sent (what nginx's
``client_max_body_size`` does); of a response body the first ``max_response_bytes`` are kept for
judging, the rest still reaches the client but is not judged (``Exchange.body_truncated``). Only the
target's host is contacted: the URL is always the target's origin plus the path as sent (an
absolute-form or ``*`` request target is refused with 400), redirects are passed to the client,
never followed, and no proxy from the environment is used.

Not :class:`contract.replay.client.ReplayClient`: that one is synchronous, buffers the body it
judges and follows redirects itself — right for a run, wrong for a proxy that must pass 3xx on
and stream. It shares the transport error kinds (:func:`contract.replay.client.classify`).

Each exchange (the request as forwarded: the client's minus hop-by-hop, the target's Host, the Via; the
response as answered, minus hop-by-hop, its body decoded for judging when it is gzip/deflate) goes to
the `sink` after the client has its answer.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware

from contract.model import Exchange
from contract.replay.client import TIMEOUT, classify

__all__ = ["HOP_BY_HOP", "ForwardConfig", "create_app", "end_to_end"]

# RFC 9110 §7.6.1 (and Proxy-Authorization / Proxy-Authenticate, §11.7): meaningful for one connection only.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
                        "te", "trailer", "transfer-encoding", "upgrade"})
VIA = b"1.1 contract-proxy"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class ForwardConfig:
    target: str  # http(s)://host[:port][/base]: requests go to the base path + the path as sent
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_request_bytes: int = 10 << 20
    max_response_bytes: int = 1 << 20


def end_to_end(headers: Headers) -> Headers:
    """`headers` without the hop-by-hop ones: the fixed list and every name a ``Connection`` header lists."""
    named = {token.strip().lower() for name, value in headers if name.lower() == b"connection"
             for token in value.decode("latin-1").split(",") if token.strip()}
    return [(n, v) for n, v in headers if n.decode("latin-1").lower() not in HOP_BY_HOP
            and n.decode("latin-1").lower() not in named]


def _text_headers(headers: Headers) -> dict[str, str]:
    """Headers as the judge reads them: lower-case names, repeats joined with ", " (RFC 9110 §5.3)."""
    out: dict[str, str] = {}
    for name, value in headers:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


def _decoded(raw: bytes, encoding: str, cap: int) -> bytes | None:
    """A kept response body as the client reads it: gzip/deflate undone (at most `cap` bytes out, so a
    compression bomb stays bounded); None for an encoding this does not undo (br, zstd: not judged)."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip", "deflate"):
            wbits = 47 if coding != "deflate" else 15  # 47: gzip or zlib header, auto-detected
            try:
                decoder = zlib.decompressobj(wbits)
                raw = decoder.decompress(raw, cap)
            except zlib.error:
                if coding != "deflate":
                    return None
                try:  # "deflate" is often sent raw, without the zlib header
                    raw = zlib.decompressobj(-15).decompress(raw, cap)
                except zlib.error:
                    return None
        else:
            return None
    return raw


class _Forwarder:
    """The ASGI app inside the Starlette shell: one request in, one request to the target, the answer out."""

    def __init__(self, config: ForwardConfig, sink: Callable[[Exchange], Awaitable[None]],
                 client: Callable[[], httpx.AsyncClient]) -> None:
        self.config = config
        self.sink = sink
        self._http = client
        target = urlsplit(config.target)
        self.target = httpx.URL(config.target)
        self.host = target.netloc.rsplit("@", 1)[-1].encode("latin-1")
        self.base = target.path.rstrip("/").encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        method = str(scope["method"]).upper()
        raw_path: bytes = scope.get("raw_path") or str(scope["path"]).encode("utf-8")
        query: bytes = scope.get("query_string") or b""
        if not raw_path.startswith(b"/") or method == "CONNECT":  # absolute-form / authority-form: not to the target
            await _answer(send, 400, b"contract proxy: only origin-form request targets are forwarded\n")
            return
        target_path = self.base + raw_path
        url = self.target.copy_with(raw_path=target_path + (b"?" + query if query else b""))
        client_headers = end_to_end(list(scope.get("headers") or []))
        body = await _read_body(receive, self.config.max_request_bytes)
        if body is _GONE:
            return  # the client went away mid-request: nothing to forward, nothing answered
        headers: Headers = [(b"host", self.host)] + [(n, v) for n, v in client_headers if n.lower() != b"host"]
        via = [v for n, v in headers if n.lower() == b"via"]
        headers = [(n, v) for n, v in headers if n.lower() != b"via"] + [(b"via", b", ".join([*via, VIA]))]
        # the request as the target gets it (its Host, the Via): what a HAR entry or a curl line must show
        exchange = Exchange(method, str(url), _text_headers(headers), body or None)
        if body is None:
            await _answer(send, 413, b"contract proxy: request body over the size cap\n")
            exchange.error = "request_too_large"
            await self._done(exchange, started)
            return
        request = httpx.Request(method, url, headers=headers, content=body or None)
        try:
            response = await self._http().send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            exchange.error = classify(exc)
            status = 504 if exchange.error == TIMEOUT else 502
            await _answer(send, status, f"contract proxy: the target did not answer ({exchange.error})\n".encode())
            await self._done(exchange, started)
            return
        try:
            await self._relay(response, exchange, send)
        finally:
            await response.aclose()
            await self._done(exchange, started)

    async def _relay(self, response: httpx.Response, exchange: Exchange, send: Send) -> None:
        out_headers = end_to_end(list(response.headers.raw))
        exchange.status = response.status_code
        exchange.response_headers = _text_headers(out_headers)
        await send({"type": "http.response.start", "status": response.status_code, "headers": out_headers})
        cap = self.config.max_response_bytes
        kept = bytearray()
        try:
            async for chunk in response.aiter_raw():
                if len(kept) <= cap:
                    kept += chunk[:cap + 1 - len(kept)]
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.HTTPError as exc:
            # The target broke off mid-body: so does the proxy — returning with the response unfinished makes
            # uvicorn close the connection, and the client sees the body cut short, as it would have directly.
            exchange.error = classify(exc)
            exchange.body_truncated = True
            exchange.response_body = bytes(kept[:cap])
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        if len(kept) > cap:
            exchange.body_truncated = True
            del kept[cap:]
        body: bytes | None = bytes(kept)
        encoding = exchange.response_headers.get("content-encoding", "")
        if encoding and body:
            body = _decoded(body, encoding, cap) if not exchange.body_truncated else None
            if body is None:
                exchange.body_truncated = True  # not judged: the bytes are not what the schema describes
        exchange.response_body = body if body is not None else b""

    async def _done(self, exchange: Exchange, started: float) -> None:
        exchange.elapsed = time.perf_counter() - started
        await self.sink(exchange)


_GONE = b"<client disconnected>"  # compared by identity


async def _read_body(receive: Receive, cap: int) -> bytes | None:
    """The whole request body; None once it passes `cap` (the rest is not read); `_GONE` if the client left."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return _GONE
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _answer(send: Send, status: int, text: bytes) -> None:
    """The proxy's own answer (the target was not asked, or did not answer)."""
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(text)).encode())]})
    await send({"type": "http.response.body", "body": text, "more_body": False})


def create_app(config: ForwardConfig, sink: Callable[[Exchange], Awaitable[None]]) -> Starlette:
    """The proxy as a Starlette app (the HTTP client lives as long as the app: its lifespan)."""
    holder: dict[str, httpx.AsyncClient] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        # trust_env=False: never route through a proxy from the environment (the target is the only peer)
        async with httpx.AsyncClient(timeout=timeout, limits=limits, trust_env=False,
                                     follow_redirects=False) as client:
            holder["client"] = client
            yield

    forwarder = _Forwarder(config, sink, lambda: holder["client"])
    return Starlette(middleware=[Middleware(_Every, forwarder=forwarder)], lifespan=lifespan)


class _Every:
    """Every HTTP request to the forwarder, before any routing (an absolute-form target has no route to
    match, and must still get the forwarder's 400); the lifespan to Starlette."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], forwarder: _Forwarder) -> None:
        self.app = app
        self.forwarder = forwarder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.forwarder(scope, receive, send)
        else:
            await self.app(scope, receive, send)
