"""Serving the page: the socket, the ASGI server (uvicorn) and the browser.

:func:`serve` is `orderpack serve`: it binds the address, says where the page is (with its
secret token) through ``announce``, opens the browser, and serves until Ctrl-C, after
which running builds finish (they write into a staging folder, then swap it in).
:func:`in_background` serves the same app from a thread, for the browser tests and the
benchmark.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import uvicorn

import orderpack
from orderpack.web.app import Settings, create_app
from orderpack.web.security import Secrets

#: The addresses that only this machine can reach.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def exposes(host: str) -> bool:
    """Whether serving on ``host`` lets other machines reach the page."""
    return host not in LOCAL_HOSTS


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: a free port); connections wait from now
    on, even before the server takes them. :class:`~orderpack.OrderpackError` if the
    address cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise orderpack.OrderpackError(f"cannot serve on {host}:{port}: "
                                       f"{exc.strerror or exc} (choose another --port)") from None
    sock.listen(128)
    return sock


def address(host: str, port: int, keys: Secrets) -> str:
    """The page's address with its token, as printed."""
    shown_host = f"[{host}]" if ":" in host else host
    return f"http://{shown_host}:{port}/?token={keys.token}"


def _server(cases_dir: Path, today: Callable[[], date], host: str,
            sock: socket.socket, keys: Secrets) -> uvicorn.Server:
    port = sock.getsockname()[1]
    app = create_app(Settings(cases_dir=cases_dir, today=today, host=host, port=port), keys)
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                         lifespan="on", timeout_graceful_shutdown=5))


def serve(cases_dir: Path, today: Callable[[], date], *, host: str = "127.0.0.1",
          port: int = 0, open_browser: bool = True,
          announce: Callable[[str], None] = lambda _url: None) -> None:
    """Serve the cases under ``cases_dir`` until Ctrl-C (uvicorn stops on SIGINT, lets the
    answers under way finish, then raises the interrupt again for the caller's boundary).

    ``today`` gives the current date of every request; ``announce`` hears the address.
    """
    sock = bind(host, port)
    try:
        keys = Secrets()
        server = _server(cases_dir, today, host, sock, keys)
        url = address(host, sock.getsockname()[1], keys)
        announce(url)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, [url]).start()
        server.run(sockets=[sock])
    finally:
        sock.close()


@contextlib.contextmanager
def in_background(cases_dir: Path, today: Callable[[], date]) -> Iterator[str]:
    """The page served on a free local port from a thread; yields its address (with the
    token) once the server answers, and stops it afterwards."""
    sock = bind("127.0.0.1", 0)
    keys = Secrets()
    server = _server(cases_dir, today, "127.0.0.1", sock, keys)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the page's server did not start")
            time.sleep(0.02)
        yield address("127.0.0.1", sock.getsockname()[1], keys)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
