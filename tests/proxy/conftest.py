"""Fixtures: a proxy in front of a sandbox (or a small echo target), on free loopback ports, always stopped."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from contract.docs import DocsPage
from contract.load import Spec, load_spec
from contract.pipeline import load_inputs
from contract.proxy import Proxy, SessionOptions
from contract.sandbox import Sandbox
from contract.sandbox.server import ThreadedServer
from tests.conftest import SEED_SPEC, SPECS

DOCS = [SPECS / "003_adc150077d28c6e1.txt", SPECS / "000_f29c871810a0beae.txt"]  # as examples/consumer/pytest.ini
QUIET = {"server_header": False, "date_header": False, "lifespan": "off"}  # no Date/Server of uvicorn's: answers comparable byte for byte


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec(SEED_SPEC)


@pytest.fixture(scope="session")
def pages() -> list[DocsPage]:
    return list(load_inputs(str(SEED_SPEC), [str(p) for p in DOCS]).pages)


@pytest.fixture
def proxied(spec: Spec, pages: list[DocsPage]) -> Iterator[Callable[..., tuple[Sandbox, Proxy]]]:
    """Start a sandbox with the given faults and a proxy in front of it; both stopped after the test."""
    with ExitStack() as stack:
        def _start(*faults: str, record: Path | None = None, docs: bool = True, **options: Any) -> tuple[Sandbox, Proxy]:
            box = stack.enter_context(Sandbox(faults=faults))
            proxy = stack.enter_context(Proxy(spec, pages if docs else [],
                                              SessionOptions(target=box.url, record=record, **options)))
            return box, proxy
        yield _start


async def echo_target(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A target whose answers are fixed bytes (so direct and proxied answers compare), per path."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path = scope["raw_path"].decode()
    headers: list[tuple[bytes, bytes]] = [(b"content-type", b"application/json"), (b"x-hop", b"1"),
                                          (b"connection", b"x-hop"), (b"keep-alive", b"timeout=5"),
                                          (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2"), (b"x-order", b"last")]
    status = 200
    chunks: list[bytes]
    if path.startswith("/gzip"):
        chunks = [gzip.compress(json.dumps({"data": {"zipped": True}}).encode(), mtime=0)]
        headers.append((b"content-encoding", b"gzip"))
    elif path.startswith("/big"):
        chunks = [b"x" * 65536] * 40  # 2.5 MiB in 40 chunks, over the default 1 MiB judging cap
        headers[0] = (b"content-type", b"application/octet-stream")
    elif path.startswith("/redirect"):
        status, chunks = 302, [b""]
        headers.append((b"location", b"http://elsewhere.invalid/x"))
    elif path.startswith("/fixed"):
        chunks = [b'{"a": [1, 2.50, "\\u00e9"],  "b" : null}']  # spacing and escapes a re-encoder would change
    else:
        chunks = [json.dumps({"method": scope["method"], "raw_path": path,
                              "query": scope["query_string"].decode(),
                              "headers": [[k.decode(), v.decode()] for k, v in scope["headers"]],
                              "body": base64.b64encode(body).decode()}).encode()]
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(sum(map(len, chunks))).encode())]})
    for i, chunk in enumerate(chunks):
        await send({"type": "http.response.body", "body": chunk, "more_body": i < len(chunks) - 1})


@pytest.fixture
def echo(spec: Spec) -> Iterator[tuple[ThreadedServer, Proxy]]:
    with ThreadedServer(echo_target, **QUIET) as target, \
            Proxy(spec, [], SessionOptions(target=target.url, max_request_bytes=4096)) as proxy:
        yield target, proxy
