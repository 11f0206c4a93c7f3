"""The OS's Chromium for the browser tests (Playwright downloads no browser of its own).

A test module that drives it declares ``pytestmark = MARKS`` and
``pytest_plugins = ["browser"]``, and asks for the ``chromium`` fixture: one browser for
the whole session, whichever modules use it (a fixture merely imported into each module
would start one per module). The modules also import MARKS from here before pytest loads
this file as a plugin, so it is not assertion-rewritten (PYTEST_DONT_REWRITE; it asserts
nothing).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

#: The OS's Chromium: its headless shell where the OS has it (Debian's
#: chromium-headless-shell, the same Chromium without the windowed browser around it: the
#: browser tests took 5.8-6.2 s of CPU against 8.5-9.6 s with the whole browser, in two
#: alternated runs), else the whole browser.
CHROMIUM = (shutil.which("chromium-headless-shell") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
#: The marks of every browser test module: slow; all on one pytest-xdist worker (its
#: loadgroup), since two browsers at once on a small machine only make both slower; skipped
#: without Chromium.
MARKS = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed "
                                                "(scripts/system-deps.sh installs it)"),
]
#: Chromium's options: no sandbox (root in a container), no GPU, nothing fetched or updated
#: in the background; and the tests' pages, opened one at a time from one local address,
#: in one renderer process without the extensions, site isolation and services a user's
#: browser runs (the browser tests: 0.5-0.8 s less CPU of some 10 s, in four paired runs).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-extensions", "--disable-site-isolation-trials",
        "--disable-features=site-per-process,Translate,OptimizationHints,MediaRouter",
        "--renderer-process-limit=1"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """The session's one Chromium; each test opens its own page (a fresh context: its
    own cookies) with ``chromium.new_page`` and closes it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
