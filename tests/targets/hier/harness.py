"""Serving the hierarchical target on loopback: uvicorn in a background thread, always stopped.

    with serve(faults={"delete_not_done"}) as base_url:
        httpx.get(base_url + "/health")
        stats(base_url)   # request counts per (method, path template, status)

Readiness is a `GET /health` that answers 200, polled with a bounded deadline.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import httpx
import uvicorn

from tests.targets.hier.app import DEFAULT_KEY, HierApp, create_app

__all__ = ["reached", "serve", "stats"]

STARTUP_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


class _Server(uvicorn.Server):
    """uvicorn without signal handlers (it runs in a thread)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def _wait_ready(base_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    pause = threading.Event()  # never set: a bounded wait between polls that a dead server cuts short below
    with httpx.Client(timeout=2.0) as client:
        while True:
            try:
                if client.get(base_url + "/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if not thread.is_alive():
                raise RuntimeError(f"the hierarchical target died while starting on {base_url}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hierarchical target did not answer GET /health on {base_url} "
                                   f"within {STARTUP_TIMEOUT:g}s")
            pause.wait(0.02)


@contextlib.contextmanager
def serve(faults: Iterable[str] = (), key: str = DEFAULT_KEY, *, keys: Mapping[str, str] | None = None,
          snapshots: bool = False, seed: int | None = None, app: HierApp | None = None) -> Iterator[str]:
    """Serve the target (with `faults`) on 127.0.0.1, a free port; yields the base URL, counts reset.

    `key` is the one API key (tenant "tenant-a"); `keys` (key → tenant) replaces it for several tenants.
    """
    app = app or create_app(faults, keys if keys is not None else {key: "tenant-a"}, snapshots=snapshots, seed=seed)
    sock = _bind()
    host, port = sock.getsockname()[:2]
    base_url = f"http://{host}:{port}"
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off", ws="none",
                            timeout_graceful_shutdown=2)
    server = _Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"hier {base_url}", daemon=True)
    try:
        thread.start()
        _wait_ready(base_url, thread)
        app.stats.reset()
        yield base_url
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(STOP_TIMEOUT)
        sock.close()


def stats(base_url: str) -> list[dict[str, Any]]:
    """The server's request counts: rows of method, path (template), status, count."""
    response = httpx.get(base_url + "/__stats", timeout=10)
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()["counts"]
    return rows


def reached(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """'METHOD /template' → requests answered 2xx, for the operations that got at least one."""
    out: dict[str, int] = {}
    for row in rows:
        if 200 <= int(row["status"]) < 300:
            key = f"{row['method']} {row['path']}"
            out[key] = out.get(key, 0) + int(row["count"])
    return out
