"""Running the sandbox: in a background thread (:class:`Sandbox`) or in the foreground (:func:`serve`).

Both bind the listening socket themselves before uvicorn starts, so port 0 yields a
free port whose number is known before the first request, and both take over
signal handling from uvicorn: in the foreground SIGINT/SIGTERM stop the server and
the process exits 0 (uvicorn would re-raise the signal after shutting down), in a
thread no handler may be installed at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from contract.sandbox.app import create_app
from contract.sandbox.faults import check_faults

__all__ = ["DEFAULT_KEYS", "Sandbox", "ThreadedServer", "bind_socket", "serve", "serve_app"]

# The two documented test keys: two apps, so tenant isolation can be exercised out of the box.
DEFAULT_KEYS: dict[str, str] = {
    "sandbox-key-a": "31fcb411-406e-403d-8fa4-8fac74f7c39a",
    "sandbox-key-b": "79a6a983-502a-421e-88b0-ceeb9f66cf69",
}

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0 = a free port chosen by the OS)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on sockets that say they are TCP,
    # and without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart on a port in TIME_WAIT
        sock.bind((host, port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class QuietServer(uvicorn.Server):
    """uvicorn, minus its signal handling, plus a callback once it accepts connections."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._on_ready()


def _config(app: Any, **options: Any) -> uvicorn.Config:
    # log_config=None: never reconfigure the host program's logging; the app writes its own access log.
    settings: dict[str, Any] = {"log_config": None, "access_log": False, "lifespan": "on", "ws": "none",
                                "timeout_graceful_shutdown": 5, **options}
    return uvicorn.Config(app, **settings)


class ThreadedServer:
    """Any ASGI app served by uvicorn from a background thread on a socket it binds itself (port 0: a free
    one), ready when :meth:`start` returns; :meth:`stop` waits for requests under way, then releases the port.

    `options` go to ``uvicorn.Config`` (the proxy turns off the ``Date``/``Server`` headers uvicorn adds).
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.options = options
        self.url = ""
        self._sock: socket.socket | None = None
        self._server: QuietServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ThreadedServer:
        if self._thread is not None:
            raise RuntimeError("this server is already running")
        try:
            self._sock = bind_socket(self.host, self.port)
            self.url = url_of(self._sock)
            self.port = self._sock.getsockname()[1]
            ready = threading.Event()
            self._server = QuietServer(_config(self.app, **self.options), ready.set)
            self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                            name=f"server {self.url}", daemon=True)
            self._thread.start()
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not ready.wait(0.05):
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start on {self.url}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call more than once."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(STOP_TIMEOUT)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT)
        if self._sock is not None:
            self._sock.close()
        self._sock = self._server = self._thread = None

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Sandbox:
    """The sandbox in a background thread, for tests and for `contract check`'s default target.

    >>> with Sandbox() as sandbox:          # doctest: +SKIP
    ...     httpx.get(sandbox.url + "/api/v2/server-side-api/profile/")

    Without `db_path` the database lives in a temporary folder removed on exit.
    """

    def __init__(self, db_path: str | Path | None = None, keys: Mapping[str, str] | None = None,
                 faults: Iterable[str] = (), host: str = "127.0.0.1", port: int = 0) -> None:
        self.keys: dict[str, str] = dict(DEFAULT_KEYS if keys is None else keys)
        self.faults = check_faults(faults)
        self.host = host
        self.port = port
        self.db_path: Path | None = Path(db_path) if db_path is not None else None
        self.url = ""
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._app: Any = None
        self._served: ThreadedServer | None = None

    def start(self) -> Sandbox:
        """Start serving; returns once the server accepts connections."""
        if self._served is not None:
            raise RuntimeError("this sandbox is already running")
        try:
            if self.db_path is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="contract-sandbox-")
                self.db_path = Path(self._tmp.name) / "sandbox.db"
            self._app = self._make_app(self.db_path)
            self._served = ThreadedServer(self._app, self.host, self.port).start()
            self.url, self.port = self._served.url, self._served.port
        except BaseException:
            self.stop()
            raise
        return self

    def _make_app(self, db_path: Path) -> Any:
        """The ASGI app served (subclasses serve another); it has a `close()`."""
        return create_app(db_path, self.keys, self.faults)

    @property
    def app(self) -> Any:
        """The running ASGI app (its `store`, `keys`, `faults`), or None when stopped."""
        return self._app

    def stop(self) -> None:
        """Stop serving, release the port and the database; safe to call more than once."""
        if self._served is not None:
            self._served.stop()
        if self._app is not None:
            self._app.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self.db_path = None
        self._tmp = self._app = self._served = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(db_path: str | Path | None, keys: Mapping[str, str], faults: Iterable[str] = (),
          host: str = "127.0.0.1", port: int = 0, on_ready: Callable[[str], None] = print,
          make_app: Callable[[Path], Any] | None = None) -> None:
    """Serve in the foreground until SIGINT or SIGTERM, then return (a second signal forces it).

    `on_ready` gets the URL once connections are accepted. `make_app` builds another app on the
    database file (the emulator of `contract sandbox --spec`); by default the profile API.
    """
    with contextlib.ExitStack() as cleanup:
        if db_path is None:
            db_path = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="contract-sandbox-")))
            db_path = db_path / "sandbox.db"
        app = make_app(Path(db_path)) if make_app is not None else create_app(db_path, keys, check_faults(faults))
        cleanup.callback(app.close)
        serve_app(app, host, port, on_ready)


def _in_thread(loop: asyncio.AbstractEventLoop, action: Callable[[], None]) -> None:
    loop.run_in_executor(None, action)


def serve_app(app: Any, host: str = "127.0.0.1", port: int = 0, on_ready: Callable[[str], None] = print,
              signals: Mapping[signal.Signals, Callable[[], None]] | None = None, **options: Any) -> None:
    """Serve any ASGI app in the foreground until SIGINT or SIGTERM (requests under way finish), then return;
    a second signal forces it. The socket is bound first, so a busy port raises OSError before anything runs.
    `signals`: other signals and what each does (called in a worker thread: serving goes on meanwhile)."""
    with bind_socket(host, port) as sock:
        url = url_of(sock)
        server = QuietServer(_config(app, **options), lambda: on_ready(url))

        def request_stop() -> None:
            if server.should_exit:
                server.force_exit = True
            server.should_exit = True

        async def main() -> None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows / not main thread
                    loop.add_signal_handler(sig, request_stop)
            for sig, action in (signals or {}).items():
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, _in_thread, loop, action)
            await server.serve(sockets=[sock])

        asyncio.run(main())
