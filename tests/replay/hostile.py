"""Tiny hostile HTTP targets (stdlib only), bound to 127.0.0.1 on a free port and always stopped."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

CHUNK = b"0" * 65536


def _read_request(sock: socket.socket) -> bytes:
    data = b""
    sock.settimeout(5)
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        _read_request(sock)
        behaviour = self.server.behaviour
        if behaviour == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close → RST
            sock.close()
        elif behaviour == "hang":
            self.server.stopping.wait()
        elif behaviour == "huge":
            size = 50 * 1024 * 1024
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n")
            try:
                sock.sendall(head.encode())
                sent = 0
                while sent < size and not self.server.stopping.is_set():
                    sock.sendall(CHUNK)
                    sent += len(CHUNK)
            except OSError:
                pass  # the client stopped reading at its cap and closed: expected
        elif behaviour in ("loop", "offhost"):
            where = "/loop" if behaviour == "loop" else "http://203.0.113.9/elsewhere"
            sock.sendall(f"HTTP/1.1 302 Found\r\nLocation: {where}\r\nContent-Length: 0\r\n\r\n".encode())


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behaviour: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = behaviour
        self.stopping = threading.Event()


@contextmanager
def hostile(behaviour: str) -> Iterator[str]:
    """Serve `behaviour` (reset | hang | huge | loop | offhost); yields the base URL."""
    server = _Server(behaviour)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
