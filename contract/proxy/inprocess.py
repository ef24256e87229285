"""Judging a consumer's own calls in process: an httpx transport and a `requests` adapter, no network hop.

The proxy judges traffic that crosses a socket; a test suite's own httpx or `requests` calls can be
judged where they are made instead. :class:`JudgingTransport` wraps any ``httpx.BaseTransport``
(the real one, ``httpx.WSGITransport``, or :class:`AppTransport` for an ASGI app served in the test's
own process); :mod:`contract.proxy.adapter` is the ``requests`` adapter doing the same (``requests``
is optional, so it lives apart). Each finished exchange goes to a `sink` — the pytest
plugin's, which hands it to one :class:`~contract.proxy.judge.Judge` per process (per xdist worker).

The client sees the answer as the inner transport gave it: status, headers and the raw (still
encoded) body bytes; the judge gets the decoded body, as the proxy's judge does.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

import httpx

from contract.model import Exchange

__all__ = ["AppTransport", "JudgingTransport", "Sink", "app_transport"]

Sink = Callable[[Exchange], None]


def _decoded(status: int, headers: httpx.Headers, raw: bytes) -> bytes:
    """The body as the client reads it (Content-Encoding undone), from the raw bytes."""
    try:
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(raw)).read()
    except httpx.DecodingError:
        return raw


class JudgingTransport(httpx.BaseTransport):
    """Forwards to `inner`, then hands the request and the whole response to `sink`."""

    def __init__(self, sink: Sink, inner: httpx.BaseTransport | None = None) -> None:
        self.sink = sink
        self.inner = inner if inner is not None else httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        started = time.perf_counter()
        response = self.inner.handle_request(request)
        if response.is_stream_consumed:  # already read by the inner transport (a mock's): handed on as it is
            decoded, answer = response.content, response
        else:
            try:
                raw = b"".join(response.iter_raw())
            finally:
                response.close()
            decoded = _decoded(response.status_code, response.headers, raw)
            answer = httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(raw),
                                    request=request, extensions=response.extensions)
        self.sink(Exchange(method=request.method.upper(), url=str(request.url),
                           request_headers={k: v for k, v in request.headers.items()},
                           request_body=body or None, status=response.status_code,
                           response_headers={k: v for k, v in response.headers.items()},
                           response_body=decoded, elapsed=time.perf_counter() - started))
        return answer

    def close(self) -> None:
        self.inner.close()


class AppTransport(httpx.BaseTransport):
    """A sync transport to an ASGI app: ``httpx.ASGITransport`` driven from an anyio blocking portal (the
    app runs on one event loop for the transport's life, as under a server; lifespan events are not sent)."""

    def __init__(self, app: Any) -> None:
        from anyio.from_thread import start_blocking_portal

        self._asgi = httpx.ASGITransport(app=app)
        self._portal_cm = start_blocking_portal()
        self._portal = self._portal_cm.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=request.read())
        status, headers, raw = self._portal.call(self._send, copy)
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(raw), request=request)

    async def _send(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        response = await self._asgi.handle_async_request(request)
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        return response.status_code, response.headers, raw

    def close(self) -> None:
        self._portal_cm.__exit__(None, None, None)


def _is_asgi(app: Any) -> bool:
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else getattr(app, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(call)


def app_transport(app: Any) -> httpx.BaseTransport:
    """An in-process transport to `app`: ASGI (a coroutine callable) or WSGI."""
    return AppTransport(app) if _is_asgi(app) else httpx.WSGITransport(app=app)

