"""Misbehaving HTTP targets (stdlib sockets only), each on 127.0.0.1, a free port, always stopped.

A target under test may be broken in ways a well-behaved test server never is:
it resets mid-body, never answers, trickles a byte at a time, sends 100 MB, lies
in `Content-Length`, cuts a chunked body, loops redirects, speaks HTTP/1.0 with
no length, or answers a bare `102` or a `999`. Each behaviour is one function
writing raw bytes, so the client sees exactly those bytes (no framework fixes
them up). Servers may sleep (to be slow); they wait on the `stopping` event so
they stop promptly, and every loop is bounded.

`HOSTILE_TARGETS` maps a name to a server factory (a context manager yielding
the base URL); `run_target` runs `contract run` on one through the CLI in a child
process (tests/hardening/runner.py: wall time and peak RSS) and reads the report —
shared by tests/hardening/test_hostile_targets.py and bench/hostile.py.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import socketserver
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

__all__ = ["CHUNK", "HOSTILE_TARGETS", "TargetRun", "free_port", "hostile", "run_target", "serve"]

CHUNK = b"0" * 65536
STEP = 0.1  # seconds between trickled bytes: far below any read timeout, so only the total deadline cuts it
Behaviour = Callable[[socket.socket, threading.Event, int], None]  # (socket, stopping, connection index)


def _read_request(sock: socket.socket) -> bytes:
    """Head and `Content-Length` body: unread request bytes would turn our close into a RST."""
    data = b""
    # Generous: on a loaded machine a client can stall for seconds between head and body, and a request
    # cut short here would make our close a RST, seen by the client as `connection_reset` (a false error).
    sock.settimeout(30)
    try:
        while b"\r\n\r\n" not in data and len(data) < 1 << 20:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and value.strip().isdigit():
                length = int(value.strip())
        while len(body) < min(length, 1 << 20):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    except OSError:
        pass
    return data


def _head(status: str, *headers: str) -> bytes:
    return (f"{status}\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n").encode("latin-1")


def _rst(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # now, with linger 0: a RST (socketserver's own shutdown would send a FIN first)


def _json_answer(body: bytes, status: str = "HTTP/1.1 200 OK") -> Behaviour:
    """A complete, correctly framed answer with `Content-Type: application/json` and the given bytes."""
    def send(sock: socket.socket, stopping: threading.Event, n: int) -> None:
        sock.sendall(_head(status, "Content-Type: application/json", f"Content-Length: {len(body)}",
                           "Connection: close") + body)
    return send


def reset(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """RST right after the request: no status line at all."""
    _rst(sock)


def reset_mid_body(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """Status and headers promise 4096 bytes; 100 arrive, then a RST."""
    sock.sendall(_head("HTTP/1.1 200 OK", "Content-Type: application/json", "Content-Length: 4096")
                 + b'{"profile_id": "' + b"a" * 84)
    stopping.wait(0.05)  # let the client read the partial body before the reset discards it
    _rst(sock)


def hang(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """Accepts, reads the request, never answers (until the server stops)."""
    stopping.wait()


def trickle(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """One byte every STEP seconds: each read succeeds long before a read timeout; the answer never ends."""
    answer = _head("HTTP/1.1 200 OK", "Content-Type: application/json", "Content-Length: 1000000",
                   "Connection: close") + b"0" * 1000000
    for i in range(len(answer)):
        if stopping.wait(STEP):
            return
        sock.sendall(answer[i:i + 1])


def huge(sock: socket.socket, stopping: threading.Event, n: int, size: int = 100 * 1024 * 1024) -> None:
    """A correctly framed body of `size` bytes (100 MB): only the size cap bounds the client."""
    sock.sendall(_head("HTTP/1.1 200 OK", "Content-Type: application/json", f"Content-Length: {size}"))
    sent = 0
    while sent < size and not stopping.is_set():
        sock.sendall(CHUNK)
        sent += len(CHUNK)


def length_too_long(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """`Content-Length: 1000`, 19 bytes of body, then close."""
    sock.sendall(_head("HTTP/1.1 200 OK", "Content-Type: application/json", "Content-Length: 1000")
                 + b'{"profile_id": "x"}')


def length_too_short(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """`Content-Length: 5` before a 19-byte body: the client keeps `{"pro` (invalid JSON), the rest is garbage."""
    sock.sendall(_head("HTTP/1.1 200 OK", "Content-Type: application/json", "Content-Length: 5",
                       "Connection: close") + b'{"profile_id": "x"}')


def chunked_cut(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """A chunked body whose second chunk is announced and never arrives."""
    sock.sendall(_head("HTTP/1.1 200 OK", "Content-Type: application/json", "Transfer-Encoding: chunked")
                 + b"e\r\n{\"profile_id\":\r\n40\r\n\"abc")


def redirect(where: str) -> Behaviour:
    def send(sock: socket.socket, stopping: threading.Event, n: int) -> None:
        sock.sendall(_head("HTTP/1.1 302 Found", f"Location: {where}", "Content-Length: 0", "Connection: close"))
    return send


def http10_close(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """HTTP/1.0, `Connection: close`, no length: the body is whatever arrives before the close."""
    sock.sendall(_head("HTTP/1.0 200 OK", "Content-Type: application/json", "Connection: close")
                 + b'{"profile_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}')


def bare_102(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """An interim `102 Processing`, then nothing: the final answer never comes."""
    sock.sendall(_head("HTTP/1.1 102 Processing"))
    stopping.wait()


# A fixed cycle over connections: which case gets which status depends on scheduling, the set does not.
_STATUSES = ("HTTP/1.1 100 Continue", "HTTP/1.1 204 No Content", "HTTP/1.1 302 Found", "HTTP/1.1 418 Teapot",
             "HTTP/1.1 503 Service Unavailable", "HTTP/1.1 600 Six Hundred", "HTTP/1.1 999 Nine",
             "HTTP/1.1 200 OK")


def random_status(sock: socket.socket, stopping: threading.Event, n: int) -> None:
    """Connection n gets the n-th status of a fixed cycle; a 1xx is sent bare and followed by a close."""
    status = _STATUSES[n % len(_STATUSES)]
    if status.startswith("HTTP/1.1 1"):
        sock.sendall(_head(status))
        return
    body = b"" if " 204 " in status else b'{"detail": "hostile"}'
    sock.sendall(_head(status, "Content-Type: application/json", f"Content-Length: {len(body)}",
                       "Connection: close") + body)


BEHAVIOURS: dict[str, Behaviour] = {
    "reset": reset,
    "reset_mid_body": reset_mid_body,
    "hang": hang,
    "trickle": trickle,
    "huge": huge,
    "bad_utf8": _json_answer(b'{"profile_id": "\xff\xfe\xfd", "segment_hash": "\xc3\x28"}'),
    "bad_json": _json_answer(b'{"profile_id": "abc", "segment_hash": '),
    "length_too_long": length_too_long,
    "length_too_short": length_too_short,
    "chunked_cut": chunked_cut,
    "loop": redirect("/loop"),
    "offhost": redirect("http://203.0.113.9/elsewhere"),
    "http10_close": http10_close,
    "bare_102": bare_102,
    "status_999": _json_answer(b'{"detail": "nine nine nine"}', "HTTP/1.1 999 Nine"),
    "random_status": random_status,
}


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        _read_request(sock)
        with self.server.lock:
            n = next(self.server.counter)
        with contextlib.suppress(OSError):  # the client gave up (cap, deadline): expected
            self.server.behaviour(sock, self.server.stopping, n)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    # socketserver's default backlog is 5: with the run's concurrent workers on a loaded machine the accept
    # queue overflows and the kernel may reset a connection the client already sees as open (a false
    # `connection_reset`). The hostile behaviours are the point of these targets; a full backlog is not.
    request_queue_size = 128

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = behaviour
        self.stopping = threading.Event()
        self.counter = itertools.count()
        self.lock = threading.Lock()


@contextlib.contextmanager
def serve(behaviour: Behaviour) -> Iterator[str]:
    """Serve `behaviour` on 127.0.0.1:<free port>; yields the base URL; always stopped."""
    server = _Server(behaviour)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


def hostile(behaviour: str) -> contextlib.AbstractContextManager[str]:
    """A server by behaviour name (see BEHAVIOURS); yields the base URL."""
    return serve(BEHAVIOURS[behaviour])


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def nothing_listening() -> Iterator[str]:
    """No server at all: every connect is refused (the one target that is 'unreachable', exit 3)."""
    yield f"http://127.0.0.1:{free_port()}"


ServerFactory = Callable[[], contextlib.AbstractContextManager[str]]
HOSTILE_TARGETS: dict[str, ServerFactory] = {
    **{name: partial(serve, fn) for name, fn in BEHAVIOURS.items()},
    "nothing_listening": nothing_listening,
}

# ----------------------------------------------------------------------------- the CLI against one target

SPEC = Path(__file__).resolve().parents[2] / "specs" / "adapty-api.yaml"
# --total-timeout 3: the trickle (a byte every 0.1 s, so --timeout 2 never fires) is cut after 3 s;
# --workers 16: a target that never answers is given up on (16 failures in a row) in one round.
RUN_ARGS = ("--max-examples", "3", "--timeout", "2", "--total-timeout", "3", "--no-stateful", "--workers", "16",
            "--progress", "off")


@dataclass(frozen=True)
class TargetRun:
    """One `contract run` against one target: the child's outcome and its report.json (None if not written)."""

    name: str
    code: int
    seconds: float
    peak_rss_mb: float
    timed_out: bool
    stdout: str
    stderr: str
    report: dict[str, Any] | None

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list((self.report or {}).get("findings", []))

    @property
    def run(self) -> dict[str, Any]:
        return dict((self.report or {}).get("run") or {})

    @property
    def error_kinds(self) -> list[str]:
        return sorted(self.run.get("transport_errors") or {})


def run_target(name: str, report_dir: Path, *, timeout: float = 90.0) -> TargetRun:
    """`contract run --spec specs/adapty-api.yaml --base-url <target> …` in a child (`run_cli`: the same
    address-space limit, timeout and self-reported peak RSS as every hostile input)."""
    from tests.hardening.runner import run_cli

    args = ["run", "--spec", str(SPEC), "--base-url", "", *RUN_ARGS, "--report-dir", str(report_dir)]
    with HOSTILE_TARGETS[name]() as url:
        args[4] = url
        outcome = run_cli(args, timeout=timeout)
    path = report_dir / "report.json"
    report = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    return TargetRun(name, outcome.code, outcome.seconds, outcome.peak_rss_mb, outcome.timed_out, outcome.stdout,
                     outcome.stderr, report)
