"""The OS's Chromium for the browser tests (Playwright downloads no browser of its own).

A test module that drives it declares ``pytest_plugins = ["browser"]`` and asks for the
``chromium`` fixture: one browser for the whole session, whichever modules use it (a
fixture merely imported into each module would start one per module). The modules also
import CHROMIUM from here before pytest loads this file as a plugin, so it is not
assertion-rewritten (PYTEST_DONT_REWRITE; it asserts nothing).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """The session's one Chromium; each test opens its own page (a fresh context: its
    own cookies) with ``chromium.new_page`` and closes it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
