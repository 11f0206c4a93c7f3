"""What keeps the page private, even on the buyer's own machine (the model is Jupyter's
token-protected server):

- every request needs the secret token: once in the printed address, then a session
  cookie (HttpOnly, SameSite=Strict); without it, 403 and no data;
- the Host header must be the address served (127.0.0.1 or localhost with the port),
  which defeats DNS rebinding;
- every state-changing request needs a same-origin Origin header and the CSRF token;
- every answer carries a strict Content-Security-Policy (scripts only with the page's
  nonce or from the page's own origin, nothing remote), nosniff, no framing, and no
  referrer to other sites (same-origin: with no-referrer at all, Chromium sends
  "Origin: null" on the page's own forms).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "orderpack_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Secrets:
    """The token of one `orderpack serve` run and what is derived from it."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def session(self) -> str:
        """The cookie's value (not the token itself, so the cookie cannot be replayed as
        an address)."""
        return self._derive("session")

    @property
    def csrf(self) -> str:
        return self._derive("csrf")

    def _derive(self, purpose: str) -> str:
        return hmac.new(self.token.encode(), purpose.encode(), hashlib.sha256).hexdigest()

    def check_token(self, value: str) -> bool:
        return hmac.compare_digest(value.encode(), self.token.encode())

    def check_session(self, value: str) -> bool:
        return hmac.compare_digest(value.encode(), self.session.encode())

    def check_csrf(self, value: str) -> bool:
        return hmac.compare_digest(value.encode(), self.csrf.encode())


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers a request may carry for a server on ``host``:``port``."""
    names = {"127.0.0.1", "localhost"} if host in {"127.0.0.1", "localhost"} else {host}
    if host in {"::1", "[::1]"}:
        names = {"[::1]", "localhost"}
    return {f"{name}:{port}" for name in names}


def _cookies(header: str) -> dict[str, str]:
    cookies = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            cookies[name] = value
    return cookies


class Guard:
    """ASGI middleware that applies the rules above before the app sees a request.

    It sets ``scope["state"]["nonce"]`` (for the page's script tags) and
    ``scope["state"]["csrf"]`` (for its forms).
    """

    def __init__(self, app: ASGIApp, keys: Secrets, hosts: set[str]) -> None:
        self.app = app
        self.keys = keys
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1")
                   for name, value in scope["headers"]}
        host = headers.get("host", "")
        if host not in self.hosts:
            await _refuse(send, 400, "This address is not the one orderpack serve printed.")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        cookie = _cookies(headers.get("cookie", "")).get(COOKIE, "")
        if "token" in query:
            if not self.keys.check_token(query["token"][0]):
                await _refuse(send, 403, "Wrong token: open the address orderpack serve "
                                         "printed, with its token.")
                return
            await self._start_session(scope, query, send)
            return
        if not self.keys.check_session(cookie):
            await _refuse(send, 403, "Open the address orderpack serve printed (with its "
                                     "?token=…) to use this page.")
            return
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin", "")
            if origin != f"http://{host}":
                await _refuse(send, 403, "Refused: this request did not come from the page.")
                return
            header_token = headers.get(CSRF_HEADER)
            if header_token is not None:
                if not self.keys.check_csrf(header_token):
                    await _refuse(send, 403, "Refused: the form's security token is wrong; "
                                             "reload the page.")
                    return
                scope.setdefault("state", {})["csrf_checked"] = True
            # Without the header, the form field is checked by the app once it reads the
            # body (see `app.form`): a request can carry it either way, never neither.
        nonce = secrets.token_urlsafe(16)
        state = scope.setdefault("state", {})
        state["nonce"] = nonce
        state["csrf"] = self.keys.csrf
        await self.app(scope, receive, _with_headers(send, nonce))

    async def _start_session(self, scope: Scope, query: dict[str, list[str]],
                             send: Send) -> None:
        """Set the session cookie and send the browser to the same address without the
        token (so it stays out of the history and of any Referer)."""
        rest = {name: values for name, values in query.items() if name != "token"}
        location = scope["path"] + (f"?{urlencode(rest, doseq=True)}" if rest else "")
        cookie = (f"{COOKIE}={self.keys.session}; HttpOnly; SameSite=Strict; Path=/")
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode()),
                                (b"set-cookie", cookie.encode()),
                                *_SECURITY_HEADERS, _csp(secrets.token_urlsafe(16))]})
        await send({"type": "http.response.body", "body": b""})


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def csp(nonce: str) -> str:
    return ("default-src 'none'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' blob:; connect-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def _csp(nonce: str) -> tuple[bytes, bytes]:
    return (b"content-security-policy", csp(nonce).encode())


def _with_headers(send: Send, nonce: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in _SECURITY_HEADERS:
                headers[name.decode()] = value.decode()
            # A PDF opened in the browser's own viewer must not get the page's policy (it
            # would stop the viewer); it is never HTML and is sent with nosniff.
            if not headers.get("content-type", "").startswith("application/pdf"):
                headers["content-security-policy"] = csp(nonce)
        await send(message)

    return wrapped


async def _refuse(send: Send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            *_SECURITY_HEADERS, _csp(secrets.token_urlsafe(16))]})
    await send({"type": "http.response.body", "body": text.encode()})
