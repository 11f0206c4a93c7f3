"""Helpers for the web page's tests: an app on a copy of the samples, and its forms."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from orderpack.web.app import MAX_UPLOAD, Settings, create_app
from orderpack.web.security import COOKIE, Secrets

TODAY = date(2026, 11, 26)
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


class WebClient(TestClient):
    """A test client of the web page that knows the app's secrets (its CSRF token)."""

    def __init__(self, settings: Settings, keys: Secrets) -> None:
        super().__init__(create_app(settings, keys), base_url=BASE,
                         headers={"origin": BASE}, follow_redirects=False)
        self.keys = keys


#: The clients :func:`client` opened for the test running now: :func:`close_clients`.
_OPENED: list[WebClient] = []


def client(cases_dir: Path, *, signed_in: bool = True, max_upload: int = MAX_UPLOAD,
           keys: Secrets | None = None, shared: bool = False) -> WebClient:
    """A client of the page on ``cases_dir``, open: its requests share one event loop
    thread (a client that is not open starts one for each request, 1.3 ms of CPU).

    It is closed at the end of the test (the test module's fixture calls
    :func:`close_clients`); a ``shared`` one is left for its fixture to close.
    """
    keys = keys or Secrets()
    settings = Settings(cases_dir=cases_dir, today=lambda: TODAY, port=PORT,
                        max_upload=max_upload)
    test_client = WebClient(settings, keys)
    test_client.__enter__()
    if not shared:
        _OPENED.append(test_client)
    if signed_in:
        test_client.cookies.set(COOKIE, keys.session)
    return test_client


def finished(test_client: WebClient, case: str, seconds: float = 60) -> dict[str, Any]:
    """The state of ``case``'s build (``/progress``) once it has stopped running, or after
    ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        state: dict[str, Any] = test_client.get(f"/progress/{case}").json()
        if state["state"] != "running" or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def close_clients() -> None:
    """Close the clients :func:`client` opened for this test (their server's lifespan ends:
    a build still running is waited for)."""
    while _OPENED:
        _OPENED.pop().__exit__(None, None, None)


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class FormParser(HTMLParser):
    """Every form of a page, with the values its fields hold as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get")))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in {"file"}:
            self.forms[-1].fields.append((a["name"], a.get("value", "")))
        elif tag == "button" and a.get("name"):
            self.forms[-1].buttons.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._selected, self._first_option = a.get("name"), None, None
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._selected = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            value = self._selected if self._selected is not None else self._first_option
            self.forms[-1].fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.forms[-1].fields.append((self._textarea, text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data


def forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms
