"""A ``requests`` adapter judging each exchange in process: the sibling of
:class:`contract.proxy.inprocess.JudgingTransport` (apart from it because ``requests`` is optional)."""

from __future__ import annotations

import io
from typing import Any

import httpx
from requests.adapters import HTTPAdapter

from contract.assertions import exchange_of
from contract.proxy.inprocess import Sink

__all__ = ["JudgingAdapter"]


class JudgingAdapter(HTTPAdapter):
    """A ``requests`` adapter: sends over the network (``HTTPAdapter``), or through an httpx `transport`
    (an app in process), and hands each exchange to `sink`. Mount it on a ``requests.Session``."""

    def __init__(self, sink: Sink, transport: httpx.BaseTransport | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sink = sink
        self.transport = transport

    def send(self, request: Any, stream: bool = False, timeout: Any = None, verify: Any = True,
             cert: Any = None, proxies: Any = None) -> Any:
        if self.transport is None:
            response = super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                                    proxies=proxies)
        else:
            response = self._in_process(self.transport, request)
        _ = response.content  # the whole body, for judging (a streamed one too: read once, kept)
        self.sink(exchange_of(response))
        return response

    def _in_process(self, transport: httpx.BaseTransport, request: Any) -> Any:
        from urllib3 import HTTPHeaderDict, HTTPResponse

        body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
        answer = transport.handle_request(httpx.Request(request.method, request.url,
                                                             headers=dict(request.headers), content=body or b""))
        try:
            raw = b"".join(answer.iter_raw())
        finally:
            answer.close()
        headers = HTTPHeaderDict()
        for name, value in answer.headers.multi_items():
            headers.add(name, value)  # Set-Cookie and other repeated headers kept apart
        return self.build_response(request, HTTPResponse(body=io.BytesIO(raw), headers=headers,
                                                         status=answer.status_code, preload_content=False,
                                                         decode_content=True, reason=answer.reason_phrase))

    def close(self) -> None:
        super().close()
        if self.transport is not None:
            self.transport.close()
