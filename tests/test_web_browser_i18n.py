"""`orderpack serve` in a real browser, in Spanish: choosing Español on the new-case page
shows the page in Spanish (<html lang="es">, its words from the catalog), the case made is
the buyer's in Spanish, and the words the scripts write come from the same catalog.

The Spanish comes from a catalog the test writes (tests/catalogs.py); Playwright drives the
system's Chromium, as in tests/test_web_browser.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser import MARKS
from catalogs import Entries, use_catalog
from web_helpers import TODAY

import orderpack

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = MARKS  # slow, one worker (the journey and what reads it), Chromium needed
pytest_plugins = ["browser"]  # the session's one Chromium (the chromium fixture)

SPANISH: Entries = {
    "New case": "Nuevo caso",
    "Create the case": "Crear el caso",
    "All cases": "Todos los casos",
    ("%(num)s character", "%(num)s characters"):
        ("%(num)s carácter", "%(num)s caracteres", "%(num)s caracteres"),
}


def test_choosing_espanol_gives_a_spanish_page_and_a_spanish_case(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chromium: Browser) -> None:
    from playwright.sync_api import expect

    from orderpack.web import server

    use_catalog(monkeypatch, "es", SPANISH)
    expect.set_options(timeout=60_000)
    root = tmp_path / "cases"
    root.mkdir()
    with server.in_background(root, lambda: TODAY) as address:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(address)
        base = address.split("/?", maxsplit=1)[0]
        page.goto(base + "/new")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", name="New case")).to_be_visible()
        page.locator("#n-language").select_option(label="Español")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.get_by_role("heading", name="Nuevo caso")).to_be_visible()
        expect(page.locator("#n-language")).to_have_value("es")
        for key, value in (("buyer_name", "Ana García"), ("number", "8190000000000001"),
                           ("placed", "2026-09-02"), ("delivery_deadline", "2026-10-20"),
                           ("store", "Tienda"), ("item_title", "Lámpara"),
                           ("total", "12.50"), ("currency", "EUR")):
            page.locator(f"#n-{key}").fill(value)
        page.get_by_role("button", name="Crear el caso").click()
        page.wait_for_url("**/case/aliexpress-8190000000000001?created=1")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.get_by_role("link", name="Todos los casos")).to_be_visible()
        page.goto(base + "/status/aliexpress-8190000000000001")
        # Written by app.js from the page's words: the catalog's, by Spanish plural rules.
        expect(page.locator("#dispute-count")).to_have_text(re.compile(r"^\d+ caracteres$"))
        page.close()
    assert errors == []
    order = root / "aliexpress-8190000000000001" / "order.yaml"
    assert orderpack.validate(order).order.buyer.language == "es"
