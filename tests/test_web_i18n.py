"""`orderpack serve` in the buyer's language: each case's pages in its buyer.language with
<html lang>, dates from CLDR, a language picker that writes buyer.language, the scripts'
words from the page; and every sentence of every page is in the catalogs' template.

The Spanish here comes from catalogs the tests write (tests/catalogs.py)."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from catalogs import Entries, record, template_ids, use_catalog
from conftest import SAMPLES
from web_helpers import TODAY, WebClient, client, close_clients, finished, forms

import orderpack
from orderpack import i18n
from orderpack.web import orderfile

ALI = "aliexpress-missing"

SPANISH: Entries = {
    "All cases": "Todos los casos",
    "Save the order": "Guardar el pedido",
    "Order date": "Fecha del pedido",
    "Your language": "Su idioma",
    "New case": "Nuevo caso",
    "From %(store)s, on %(date)s.": "De %(store)s, el %(date)s.",
    ("%(num)d field to fix", "%(num)d fields to fix"):
        ("%(num)d campo por corregir", "%(num)d campos por corregir",
         "%(num)d campos por corregir"),
}


def spanish_case(cases: Path, language: str = "es") -> Path:
    """A copy of the AliExpress sample whose buyer reads ``language``."""
    folder = cases / ALI
    shutil.copytree(SAMPLES / ALI, folder, ignore=shutil.ignore_patterns("out"))
    order = folder / "order.yaml"
    text = order.read_text(encoding="utf-8")
    order.write_text(re.sub(r"(?m)^buyer:.*\n", lambda m: m[0] + f"  language: {language}\n",
                            text, count=1), encoding="utf-8")
    return folder


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    root = tmp_path / "cases"
    root.mkdir()
    return root


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """The clients a test opened are closed after it."""
    yield
    close_clients()


def lang_of(page: str) -> str:
    found = re.search(r'<html lang="([^"]*)">', page)
    assert found is not None
    return found[1]


def words_of(page: str) -> dict[str, object]:
    found = re.search(r'data-words="([^"]*)"', page)
    assert found is not None
    words: dict[str, object] = json.loads(html.unescape(found[1]))
    return words


def test_a_spanish_buyers_case_page_is_in_spanish(
        cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(monkeypatch, "es", SPANISH)
    spanish_case(cases)
    page = client(cases).get(f"/case/{ALI}").text
    assert lang_of(page) == "es"
    assert '<a href="/">Todos los casos</a>' in page
    assert ">Guardar el pedido</button>" in page
    assert re.search(r'<label for="f-order.placed">Fecha del pedido', page)
    # Dates typed in the form stay as the order file writes them.
    assert re.search(r'<input id="f-order.placed" name="order.placed" value="2026-09-02"\s+'
                     r'type="date"', page)
    assert re.search(r'<option value="es" lang="es" selected>Español</option>', page) or (
        '<option value="es" selected>Español</option>' in page)


def test_the_status_page_writes_dates_as_the_language_does(
        cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(monkeypatch, "es", SPANISH)
    spanish_case(cases)
    page = client(cases).get(f"/status/{ALI}").text
    assert lang_of(page) == "es"
    assert "De Shenzhen Gadget Store, el 26 de noviembre de 2026." in page
    assert TODAY.isoformat() == "2026-11-26"


@pytest.mark.slow
def test_a_builds_steps_and_what_it_hid_are_in_the_pages_language(
        cases: Path, warm_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(monkeypatch, "es", {
        **SPANISH, "validating": "comprobando", "rendering the PDF": "generando el PDF",
        ("%(num)d box blacked out", "%(num)d boxes blacked out"):
            ("%(num)d recuadro tapado", "%(num)d recuadros tapados",
             "%(num)d recuadros tapados"),
        "%(label)s: %(done)s — check %(file)s": "%(label)s: %(done)s — compruebe %(file)s",
        "Hidden or removed (check before you send):":
            "Oculto o eliminado (compruébelo antes de enviarlo):"})
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(warm_cache))  # the pictures made already
    spanish_case(cases)
    test_client = client(cases)
    test_client.post(f"/build/{ALI}", data={"csrf": test_client.keys.csrf})
    state = finished(test_client, ALI)
    assert state["state"] == "done", state
    # The page's script shows the steps as the progress gives them.
    assert state["steps"][0] == "comprobando"
    assert "generando el PDF" in state["steps"]
    assert "processing evidence" in state["steps"]  # not in this catalog: left in English
    page = test_client.get(f"/build/{ALI}").text
    assert "<li>Comprobando</li>" in page
    assert "<li>Generando el PDF</li>" in page
    assert "Oculto o eliminado (compruébelo antes de enviarlo):" in page
    assert re.search(r"<li>C: 2 recuadros tapados — compruebe <a href=\"[^\"]+\" "
                     r"[^>]*>exhibits/C-order-details-page.png</a></li>", page)


def test_an_english_case_and_the_pages_of_no_case_are_in_english(cases: Path) -> None:
    spanish_case(cases, "en")
    test_client = client(cases)
    for route in ("/", "/new", "/new?lang=xx", f"/case/{ALI}", f"/status/{ALI}"):
        assert lang_of(test_client.get(route).text) == "en", route


@pytest.mark.parametrize(("tag", "categories"), [
    ("en", {"one", "other"}), ("es", {"one", "many", "other"}),
    # Polish and Russian say "other" only of fractions; a count is one, few or many.
    ("pl", {"one", "few", "many"}), ("ru", {"one", "few", "many"}),
])
def test_the_scripts_get_every_plural_form_of_the_language(
        cases: Path, tag: str, categories: set[str]) -> None:
    """app.js picks the form with the browser's Intl.PluralRules: the page gives one per
    CLDR category of its language."""
    words = words_of(client(cases).get(f"/new?lang={tag}").text)
    forms_of = words["fields_to_fix"]
    assert isinstance(forms_of, dict)
    assert set(forms_of) == categories


def test_the_scripts_words_come_from_the_catalog(
        cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(monkeypatch, "es", SPANISH)
    words = words_of(client(cases).get("/new?lang=es").text)
    assert words["fields_to_fix"] == {"one": "%(num)d campo por corregir",
                                      "many": "%(num)d campos por corregir",
                                      "other": "%(num)d campos por corregir"}


def _new_case(test_client: WebClient, **values: str) -> str:
    answers = {"platform": "aliexpress", "buyer_name": "Ana García", "number": "8190000000000001",
               "placed": "2026-09-02", "delivery_deadline": "2026-10-20",
               "protection_ends": "", "store": "Tienda", "item_title": "Lámpara",
               "total": "12.50", "currency": "EUR", "payment": "", "tracking_number": "",
               "shipped": "", "folder": "", "csrf": test_client.keys.csrf}
    answers.update(values)
    answer = test_client.post("/new", data=answers)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_the_language_picked_for_a_new_case_is_written_to_its_order_file(
        cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalog(monkeypatch, "es", SPANISH)
    test_client = client(cases)
    page = test_client.get("/new?lang=es").text
    assert lang_of(page) == "es"
    assert "<h1>Nuevo caso</h1>" in page
    assert ("language", "es") in forms(page)[0].fields
    location = _new_case(test_client, language="es")
    order = cases / "aliexpress-8190000000000001" / "order.yaml"
    assert orderpack.validate(order).order.buyer.language == "es"
    # orderpack init's file, with the one line added: its comments are kept.
    by_init = orderpack.init(tmp_path / "by-init", {
        "platform": "aliexpress", "buyer_name": "Ana García", "number": "8190000000000001",
        "placed": "2026-09-02", "delivery_deadline": "2026-10-20", "protection_ends": "",
        "store": "Tienda", "item_title": "Lámpara", "total": "12.50", "currency": "EUR"},
        TODAY).order_path.read_text(encoding="utf-8").splitlines()
    written = order.read_text(encoding="utf-8").splitlines()
    assert [line for line in written if line not in by_init] == ["  language: es"]
    assert lang_of(test_client.get(location).text) == "es"


def test_english_picked_for_a_new_case_leaves_the_default(cases: Path) -> None:
    _new_case(client(cases), language="en")
    text = (cases / "aliexpress-8190000000000001" / "order.yaml").read_text(encoding="utf-8")
    assert not re.search(r"(?m)^\s*language:", text)  # the template's comment only


def test_the_case_form_changes_the_buyers_language(cases: Path) -> None:
    spanish_case(cases, "es")
    test_client = client(cases)
    page = test_client.get(f"/case/{ALI}").text
    fields = next(form for form in forms(page)
                  if ("section", "order") in form.fields).fields
    assert ("buyer.language", "es") in fields
    sent: dict[str, list[str]] = {}
    for key, value in fields:
        sent.setdefault(key, []).append("pt-BR" if key == "buyer.language" else value)
    answer = test_client.post(f"/case/{ALI}", data=sent)
    assert answer.status_code == 303
    data, _version = orderfile.read(cases / ALI / "order.yaml")
    assert data["buyer"]["language"] == "pt-BR"
    assert "# you" in (cases / ALI / "order.yaml").read_text(encoding="utf-8")
    assert lang_of(test_client.get(f"/case/{ALI}").text) == "pt-BR"


# --- Every sentence of every page is one the translators have -------------------------------


@pytest.mark.parametrize("tag", i18n.SUPPORTED)
def test_every_sentence_of_the_pages_is_in_the_template(
        tag: str, cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page, in ``tag``: a case's pages (its buyer reads ``tag``), the pages of no case,
    a form with problems, a case that needs fixing and one that cannot be read. Each
    sentence looked up is in messages.pot."""
    recorder = record(monkeypatch)
    spanish_case(cases, tag)
    broken = cases / "broken"
    broken.mkdir()
    (broken / "order.yaml").write_text(
        f"platform: aliexpress\nbuyer:\n  language: {tag}\norder:\n  placed: 14/09/2026\n",
        encoding="utf-8")
    unreadable = cases / "unreadable"
    unreadable.mkdir()
    (unreadable / "order.yaml").write_text("buyer: [\n", encoding="utf-8")
    test_client = client(cases)
    for route in ("/", f"/new?lang={tag}", f"/case/{ALI}", f"/status/{ALI}", f"/build/{ALI}",
                  f"/editor/{ALI}?n=0", "/case/broken", "/status/broken", "/case/unreadable",
                  "/no-such-page"):
        answer = test_client.get(route)
        assert answer.status_code in (200, 404), route
    refused = test_client.post("/new", data={"csrf": test_client.keys.csrf, "language": tag,
                                             "placed": "14/09/2026"})
    assert refused.status_code == 422
    # A refusal about a case is said in the case's language.
    unbuilt = test_client.get(f"/out/{ALI}?name=evidence.pdf")
    assert unbuilt.status_code == 404
    assert lang_of(unbuilt.text) == tag
    assert len(recorder.seen) > 150
    assert recorder.seen - template_ids() == set()
