"""The translation machinery: the catalogs are complete and current, the language in use is
scoped, and dates, money and plurals come from CLDR."""

from __future__ import annotations

import io
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from conftest import ROOT

from orderpack import i18n, render
from orderpack.errors import OrderpackError

LANGUAGES = [tag for tag in i18n.SUPPORTED if tag != i18n.SOURCE]
POT = i18n.LOCALE_DIR / "messages.pot"


def po_path(tag: str) -> Path:
    return i18n.LOCALE_DIR / i18n.babel_locale(tag) / "LC_MESSAGES" / "messages.po"


@cache
def read(path: Path, locale: str | None = None) -> Catalog:
    """The catalog at ``path``, read once per test process: the tests only read it."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def key(message: Message) -> tuple[str, str | None]:
    singular = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return str(singular), message.context


def source(message: Message) -> str:
    """The English text a translation must match: the plural one where there are two."""
    return str(message.id[-1] if isinstance(message.id, tuple | list) else message.id)


def forms(message: Message) -> list[str]:
    """The translated forms of an entry (one, or one per plural form)."""
    if isinstance(message.string, tuple | list):
        return [str(form) for form in message.string]
    return [str(message.string or "")]


#: %(name)s in gettext's sentences; {name} or {name:spec} in the planner's notes (wording.py).
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+(?::[^}]*)?)\}")
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")


# --- The catalogs ---------------------------------------------------------------------------


def test_every_language_has_a_catalog() -> None:
    for tag in LANGUAGES:
        assert po_path(tag).is_file(), tag
        assert po_path(tag).with_suffix(".mo").is_file(), tag


def test_the_template_holds_every_sentence_of_the_code_and_templates() -> None:
    """messages.pot is what `make catalogs` would extract now: a sentence added to the code
    or a template without re-running it fails here."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]  # Babel's parser has no annotations
    keywords = {**DEFAULT_KEYWORDS, "mark": None, "pmark": ((1, "c"), 2)}
    found = {
        (message if isinstance(message, str) else message[0], context)
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords)
    }
    assert found == {key(message) for message in entries(read(POT))}


@pytest.mark.parametrize("tag", LANGUAGES)
def test_each_catalog_is_updated_from_the_template(tag: str) -> None:
    assert {key(message) for message in entries(read(po_path(tag)))} == {
        key(message) for message in entries(read(POT))}


@pytest.mark.parametrize("tag", LANGUAGES)
def test_each_catalog_has_cldrs_plural_rule(tag: str) -> None:
    catalog = read(po_path(tag))
    assert catalog.num_plurals == get_plural(i18n.babel_locale(tag)).num_plurals


@pytest.mark.parametrize("tag", LANGUAGES)
def test_translations_keep_the_placeholders_and_markup(tag: str) -> None:
    """Empty translations pass; a filled one has the same named placeholders and the same
    markup as its English sentence."""
    faults = []
    for message in entries(read(po_path(tag))):
        english = source(message)
        for text in forms(message):
            if not text:
                continue
            if Counter(PLACEHOLDER.findall(text)) != Counter(PLACEHOLDER.findall(english)):
                faults.append(f"placeholders differ: {english!r} -> {text!r}")
            if sorted(MARKUP.findall(text)) != sorted(MARKUP.findall(english)):
                faults.append(f"markup differs: {english!r} -> {text!r}")
    assert faults == []


@pytest.mark.parametrize("tag", LANGUAGES)
def test_compiled_catalogs_are_current(tag: str) -> None:
    """Each committed .mo is a fresh compile of its .po (`make catalogs` compiles them)."""
    fresh = io.BytesIO()
    write_mo(fresh, read(po_path(tag), i18n.babel_locale(tag)))
    assert po_path(tag).with_suffix(".mo").read_bytes() == fresh.getvalue()


@pytest.mark.parametrize("tag", LANGUAGES)
def test_each_catalog_is_complete(tag: str) -> None:
    """No sentence untranslated or fuzzy: a new English sentence fails until it is translated."""
    missing = [message.id for message in entries(read(po_path(tag)))
               if message.fuzzy or not all(forms(message))]
    assert missing == []


# --- Language tags --------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "tag"), [
    ("es", "es"), ("ES", "es"), ("es-ES", "es"), ("pt-BR", "pt-BR"), ("pt_br", "pt-BR"),
    ("de-AT", "de"), (" ru ", "ru"), ("en-GB", "en"),
])
def test_tags_are_normalised(written: str, tag: str) -> None:
    assert i18n.parse(written) == tag


@pytest.mark.parametrize("written", ["xx", "", "pt-PT", "klingon", "zh"])
def test_an_unknown_tag_names_the_supported_ones(written: str) -> None:
    problem = i18n.tag_problem(written, file="order.yaml", line=3, field="buyer.language")
    assert problem is not None
    assert str(problem) == (
        f"order.yaml:3: buyer.language: unknown language {written!r} — write one of en, es, "
        "pt-BR, fr, de, pl, ru (a language tag: pt-BR is Portuguese as written in Brazil)")
    with pytest.raises(OrderpackError, match="write one of en, es, pt-BR"):
        i18n.parse(written)


def test_babel_locales_use_an_underscore() -> None:
    assert [i18n.babel_locale(tag) for tag in i18n.SUPPORTED] == [
        "en", "es", "pt_BR", "fr", "de", "pl", "ru"]


def test_language_names_come_from_cldr() -> None:
    assert i18n.name("es", "en") == "Spanish"
    assert i18n.name("es", "es") == "español"
    assert i18n.name("pt-BR", "en") == "Portuguese (Brazil)"


# --- The language in use ------------------------------------------------------------------


def test_the_language_is_scoped_to_the_block() -> None:
    assert i18n.current() == "en"
    with i18n.using("ES") as tag:
        assert tag == "es"
        assert i18n.current() == "es"
        with i18n.using(None):
            assert i18n.current() == "es"
        with i18n.using("ru"):
            assert i18n.current() == "ru"
        assert i18n.current() == "es"
    assert i18n.current() == "en"


def test_an_unknown_language_is_refused_before_the_block() -> None:
    with pytest.raises(OrderpackError, match="unknown language 'xx'"), i18n.using("xx"):
        pytest.fail("the block must not run")
    assert i18n.current() == "en"


def test_threads_keep_their_own_language() -> None:
    """Two builds at once (the web page) each speak their own language."""
    def money_in(tag: str) -> str:
        with i18n.using(tag):
            return i18n.money(Decimal("35.46"), "EUR")

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(money_in, ["es", "en", "ru", "en"]))
    assert results == ["35,46\xa0€", "35.46 EUR", "35,46\xa0€", "35.46 EUR"]


def test_a_catalog_translates_inside_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """gettext, ngettext (by the catalog's plural rule) and the templates' {% trans %} read
    the language in use. The Russian catalog here is made in the test: the real one is
    translated by hand."""
    catalog = Catalog(locale="ru")
    catalog.add("today", "сегодня")
    catalog.add("tomorrow", "завтра")
    catalog.add(("in %(num)d day", "in %(num)d days"),
                ("через %(num)d день", "через %(num)d дня", "через %(num)d дней"))
    catalog.add("Order %(number)s", "Заказ %(number)s")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    russian = Translations(compiled)
    monkeypatch.setattr(i18n, "translations", lambda tag: (
        russian if tag == "ru" else NullTranslations()))
    template = render.environment("text").from_string(
        "{% trans number=n %}Order {{ number }}{% endtrans %}: {{ days | relative_days }}")
    with i18n.using("ru"):
        assert i18n.gettext("today") == "сегодня"
        assert [i18n.relative_days(n) for n in (1, 2, 5, 21, 22, 25, 111)] == [
            "завтра", "через 2 дня", "через 5 дней", "через 21 день", "через 22 дня",
            "через 25 дней", "через 111 дней"]
        assert template.render(n="8123", days=3) == "Заказ 8123: через 3 дня"
    assert i18n.gettext("today") == "today"
    assert template.render(n="8123", days=3) == "Order 8123: in 3 days"


# --- CLDR formats -------------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "amount", "currency", "shown"), [
    ("en", "35.46", "EUR", "35.46 EUR"),
    ("en", "1234.5", "USD", "1,234.50 USD"),
    ("es", "35.46", "EUR", "35,46\xa0€"),
    ("pt-BR", "35.46", "BRL", "R$\xa035,46"),
    ("de", "1234.5", "EUR", "1.234,50\xa0€"),
    ("fr", "35.46", "EUR", "35,46\xa0€"),
    ("pl", "35.46", "PLN", "35,46\xa0zł"),
    ("ru", "35.46", "RUB", "35,46\xa0₽"),
])
def test_money_is_written_as_the_language_writes_it(
        tag: str, amount: str, currency: str, shown: str) -> None:
    with i18n.using(tag):
        assert i18n.money(Decimal(amount), currency) == shown


@pytest.mark.parametrize(("tag", "shown"), [
    ("en", "14 September 2026"), ("es", "14 de septiembre de 2026"),
    ("pt-BR", "14 de setembro de 2026"), ("fr", "14 septembre 2026"),
    ("de", "14. September 2026"), ("pl", "14 września 2026"), ("ru", "14 сентября 2026\u202fг."),
])
def test_long_dates_come_from_cldr(tag: str, shown: str) -> None:
    with i18n.using(tag):
        assert i18n.long_date(date(2026, 9, 14)) == shown


def test_numbers_come_from_cldr() -> None:
    with i18n.using("de"):
        assert i18n.decimal(Decimal("1234.5")) == "1.234,5"
    with i18n.using("ru"):
        assert i18n.decimal(Decimal("1234.5")) == "1\xa0234,5"


def test_russian_and_polish_have_three_plural_forms_for_a_day() -> None:
    """день, дня, дней: the catalog's Plural-Forms picks CLDR's form for every count."""
    for tag, counts in (("ru", {1: "one", 2: "few", 5: "many", 11: "many", 21: "one",
                                22: "few", 112: "many"}),
                        ("pl", {1: "one", 2: "few", 5: "many", 22: "few", 25: "many"})):
        locale = Locale.parse(i18n.babel_locale(tag))
        rule = get_plural(i18n.babel_locale(tag))
        assert rule.num_plurals == 3
        for count, category in counts.items():
            assert locale.plural_form(count) == category
        catalog = read(po_path(tag))
        assert catalog.plural_forms == rule.plural_forms


@pytest.mark.parametrize(("tag", "shown"), [
    ("en", "5 Jan 2026"), ("es", "5/1/2026"), ("pt-BR", "05/01/2026"), ("fr", "05/01/2026"),
    ("de", "05.01.2026"), ("pl", "5.01.2026"), ("ru", "05.01.2026")])
def test_a_tables_dates_are_short_in_every_language(tag: str, shown: str) -> None:
    """The evidence PDF's date columns are narrow: "5 de jan. de 2026" would run into the
    next column, so languages other than English write the numeric date there."""
    with i18n.using(tag):
        assert i18n.short_date(date(2026, 1, 5)) == shown
        assert i18n.column_date(date(2026, 1, 5)) == (
            "5 January 2026" if tag == "en" else shown)
