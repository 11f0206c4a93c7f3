#!/usr/bin/env python3
"""Benchmark ``orderpack serve``'s pages on the sample case: server-side time of each page,
and of the round trips that follow an edit (the live check, the save, the status page and
the dispute text).

Usage::

    python benchmarks/web.py                          # measure, print the section
    python benchmarks/web.py --write BENCHMARKS.md    # ...and put it in (``make bench-web``)

The app runs in this process behind Starlette's test client (no sockets); each request's
time is measured around the ASGI app itself, from the request to the last byte of its
answer: the server's work, as the page's own code and the orderpack API do it. A copy of
``samples/aliexpress-missing`` is served, with the exhibit cache in a temporary folder,
warmed by one untimed round of every request (as a buyer's second look at a page). The
figures are medians of ``--runs`` requests, with the slowest.

Only the section between the ``web-bench`` marks of BENCHMARKS.md is written; the rest of
the file belongs to ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "samples" / "aliexpress-missing"
TODAY = date(2026, 11, 26)
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
START = "<!-- web-bench:start (written by benchmarks/web.py: run `make bench-web`) -->"
END = "<!-- web-bench:end -->"
PAGE_GOAL = 0.100
EDIT_GOAL = 0.300


class _Timed:
    """An ASGI app whose every request's time is kept in ``last``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.last = time.perf_counter() - start


class _Fields(HTMLParser):
    """The fields of the case page's form for one section, as a browser sends them."""

    def __init__(self, section: str) -> None:
        super().__init__()
        self.section = section
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") != "file":
            self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:  # a browser drops one newline
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.forms[-1].append((self._textarea, text))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def fields(self) -> list[tuple[str, str]]:
        for form in self.forms:
            if ("section", self.section) in form:
                return form
        raise SystemExit(f"no form for the section {self.section}")


@dataclass
class Figure:
    what: str
    seconds: list[float]
    goal: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def row(self) -> str:
        met = "met" if self.median < self.goal else "**not met**"
        return (f"| {self.what} | {self.median * 1000:.1f} ms | {max(self.seconds) * 1000:.1f} ms"
                f" | < {self.goal * 1000:.0f} ms | {met} |")


def measure(runs: int, cache: Path | None = None) -> tuple[list[Figure], list[Figure]]:
    """The figures of the pages and of the round trips, each of ``runs`` requests after the
    untimed round; the exhibit cache in ``cache`` (a temporary folder if None)."""
    from starlette.testclient import TestClient

    from orderpack.web.app import Settings, create_app
    from orderpack.web.security import COOKIE, Secrets

    work = Path(tempfile.mkdtemp(prefix="orderpack-web-bench-"))
    os.environ["ORDERPACK_CACHE_DIR"] = str(cache or work / "cache")
    try:
        root = work / "cases"
        shutil.copytree(SAMPLE, root / "case", ignore=shutil.ignore_patterns("out"))
        keys = Secrets()
        timed = _Timed(create_app(Settings(cases_dir=root, today=lambda: TODAY, port=PORT),
                                  keys))
        # Open: the requests share one event loop thread, as a server's do.
        with TestClient(timed, base_url=BASE, headers={"origin": BASE},
                        follow_redirects=False) as client:
            client.cookies.set(COOKIE, keys.session)

            def get(path: str) -> Callable[[], float]:
                def run() -> float:
                    answer = client.get(path)
                    assert answer.status_code == 200, (path, answer.status_code)
                    return timed.last
                return run

            pages = {
                "Cases (`/`)": get("/"),
                "New case (`/new`)": get("/new"),
                "Case page (`/case/…`)": get("/case/case"),
                "Status (`/status/…`)": get("/status/case"),
                "Dispute text (`/text/…`, JSON)": get("/text/case"),
                "Redaction editor (`/editor/…`)": get("/editor/case?n=0"),
                "Redaction preview (`/preview/…`, 800 px)": get(
                    "/preview/case?file=screenshots/tracking.png&side=800&boxes=%5B%5B0,0,300,200%5D%5D"),
                "Thumbnail (`/preview/…`, 320 px)": get(
                    "/preview/case?file=screenshots/tracking.png&side=320&boxes=%5B%5D"),
                "Build page (`/build/…`)": get("/build/case"),
            }

            def form(section: str) -> list[tuple[str, str]]:
                parser = _Fields(section)
                parser.feed(client.get("/case/case").text)
                return parser.fields()

            def changed(fields: list[tuple[str, str]], name: str, value: str) -> dict[str, Any]:
                data: dict[str, Any] = {}
                for key, old in fields:
                    data.setdefault(key, []).append(value if key == name else old)
                return data

            stores = iter(f"Shenzhen Gadget Store {n}" for n in range(10 * runs + 10))

            def check() -> float:
                data = changed(form("order"), "order.store", next(stores))
                answer = client.post("/check/case", data=data, headers={"x-csrf-token": keys.csrf})
                assert answer.status_code == 200
                return timed.last

            def save_then(path: str) -> Callable[[], float]:
                def run() -> float:
                    data = changed(form("order"), "order.store", next(stores))
                    answer = client.post("/case/case", data=data)
                    assert answer.status_code == 303, answer.text[:500]
                    saved = timed.last
                    return saved + get(path)()
                return run

            edits = {
                "Live check of an edit (`POST /check`)": check,
                "Save an edit, then the status page": save_then("/status/case"),
                "Save an edit, then the dispute text": save_then("/text/case"),
            }
            for run in [*pages.values(), *edits.values()]:
                run()  # warm: files in the OS cache, the exhibit cache filled
            page_figures = [Figure(what, [run() for _ in range(runs)], PAGE_GOAL)
                            for what, run in pages.items()]
            edit_figures = [Figure(what, [run() for _ in range(runs)], EDIT_GOAL)
                            for what, run in edits.items()]
            return page_figures, edit_figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def section(pages: list[Figure], edits: list[Figure], runs: int, seconds: float) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    lines = [
        START,
        "## Web page (`orderpack serve`)",
        "",
        f"Server-side time of each page of `orderpack serve` on `samples/aliexpress-missing`, "
        f"measured {datetime.now(UTC).date().isoformat()} at commit {_commit()} on "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
        + (f", load average {load:.2f}" if load is not None else "")
        + f", Python {platform.python_version()}, in {seconds:.0f} s. "
        "The app runs in-process behind Starlette's test client; each figure is the time "
        "around the ASGI app, from the request to the last byte of the answer, median of "
        f"{runs} requests after one untimed round (the exhibit cache warm).",
        "",
        "```sh",
        "make bench-web   # = .venv/bin/python benchmarks/web.py --write BENCHMARKS.md",
        "```",
        "",
        "| Page | Median | Slowest | Goal | Status |",
        "|---|---|---|---|---|",
        *[figure.row() for figure in pages],
        "",
        "From an edit to the updated status and dispute text: the page's live check as the "
        "buyer types, and a save followed by the status page or the dispute text (the two "
        "requests' times added).",
        "",
        "| Round trip | Median | Slowest | Goal | Status |",
        "|---|---|---|---|---|",
        *[figure.row() for figure in edits],
        END,
    ]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> None:
    """Put ``text`` between the marks of ``path`` (or at its end), leaving the rest."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        before = old[:old.index(START)]
        after = old[old.index(END) + len(END):].lstrip("\n")
        new = before + text + ("\n" + after if after else "")
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--write", type=Path, help="put the section into this file")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    pages, edits = measure(args.runs)
    text = section(pages, edits, args.runs, time.perf_counter() - start)
    sys.stdout.write(text)
    if args.write:
        write(args.write, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
