"""Languages: the gettext catalogs, the language in use, and CLDR's dates, money and plurals.

The language in use is scoped, not process-wide: ``with using("es"):`` makes every
:func:`gettext`, :func:`ngettext`, :func:`pgettext` and formatter inside the block (and the
Jinja templates rendered there) speak Spanish, and nothing outside it. Two builds in one
process (the web page, a batch) can each have their own language.

Message ids are whole English sentences with named placeholders (``%(date)s``); the
placeholders are filled after translation, so a translator may move them. The catalogs are
``orderpack/locale/<locale>/LC_MESSAGES/messages.po`` (compiled to ``messages.mo`` beside
them, shipped in the wheel); ``make catalogs`` extracts, updates and compiles them.

Language tags are BCP 47 as people write them (``pt-BR``); Babel's locales use an
underscore (``pt_BR``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from orderpack.errors import OrderpackError, Problem

if TYPE_CHECKING:
    from babel.support import NullTranslations

# Babel loads where it is first used, not on import: `orderpack validate` checks language
# tags without paying for CLDR's data.

#: The languages orderpack writes, the source language first.
SUPPORTED: tuple[str, ...] = ("en", "es", "pt-BR", "fr", "de", "pl", "ru")

#: The source language: message ids are English and need no catalog.
SOURCE = "en"

#: Where the catalogs are: inside the package, so the wheel ships them.
LOCALE_DIR = Path(__file__).parent / "locale"

DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("orderpack_language", default=SOURCE)


class LanguageError(OrderpackError):
    """A language tag orderpack has no catalog for."""


# --- Tags ------------------------------------------------------------------------------

def normalise(tag: str) -> str | None:
    """The supported tag ``tag`` names, whatever its case and separator (``PT_br`` →
    ``pt-BR``; ``es-ES`` → ``es``, a region orderpack has no catalog of its own for), or None.
    """
    parts = tag.strip().replace("_", "-").split("-")
    if not parts or not parts[0]:
        return None
    language = parts[0].lower()
    full = "-".join([language, *(part.upper() for part in parts[1:2])])
    for candidate in (full, language):
        if candidate in SUPPORTED:
            return candidate
    return None


def tag_problem(tag: str, *, file: str = "", line: int | None = None,
                field: str = "") -> Problem | None:
    """None when ``tag`` is a supported language, else the Problem saying which ones are."""
    if normalise(tag) is not None:
        return None
    return Problem(
        file=file, line=line, field=field,
        message=f"unknown language {tag!r}",
        fix="write one of " + ", ".join(SUPPORTED) + " (a language tag: pt-BR is "
            "Portuguese as written in Brazil)")


def parse(tag: str, *, file: str = "", line: int | None = None, field: str = "") -> str:
    """The supported tag for ``tag``; raise :class:`LanguageError` naming the supported ones."""
    found = normalise(tag)
    if found is None:
        problem = tag_problem(tag, file=file, line=line, field=field)
        assert problem is not None  # normalise said the tag is unknown
        raise LanguageError(str(problem) if file else problem.words, [problem] if file else [])
    return found


def babel_locale(tag: str) -> str:
    """Babel's name of a supported tag's locale: ``pt-BR`` → ``pt_BR``."""
    return parse(tag).replace("-", "_")


def name(tag: str, in_language: str | None = None) -> str:
    """The language's own name from CLDR, said in ``in_language`` (default: the one in use):
    ``name("es", "en")`` → ``Spanish``, ``name("es", "es")`` → ``español``."""
    from babel import Locale

    locale = Locale.parse(babel_locale(tag))
    shown_in = Locale.parse(babel_locale(in_language or current()))
    return locale.get_display_name(shown_in) or tag


# --- The language in use -----------------------------------------------------------------

def current() -> str:
    """The tag of the language in use (``en`` unless inside :func:`using`)."""
    return _current.get()


@contextmanager
def using(tag: str | None) -> Iterator[str]:
    """Speak ``tag`` (a supported tag, any case; None keeps the language in use) inside the
    block; yields the normalised tag. Raise :class:`LanguageError` for an unknown tag."""
    chosen = current() if tag is None else parse(tag)
    token = _current.set(chosen)
    try:
        yield chosen
    except BaseException as exc:
        # The innermost block names the language an error (or Ctrl-C) came in: the CLI's
        # error boundary, outside every block, says "Error:" in it (:func:`raised_in`).
        if raised_in(exc) is None:
            with suppress(AttributeError):  # an exception without attributes: stays English
                setattr(exc, _RAISED_IN, chosen)
        raise
    finally:
        _current.reset(token)


_RAISED_IN = "orderpack_language"


def raised_in(exc: BaseException) -> str | None:
    """The language in use where ``exc`` was raised inside :func:`using`, else None."""
    found = getattr(exc, _RAISED_IN, None)
    return found if isinstance(found, str) else None


@cache
def translations(tag: str) -> NullTranslations:
    """The compiled catalog of ``tag`` (no catalog, or English: the message ids themselves)."""
    from babel.support import NullTranslations, Translations

    if tag == SOURCE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [babel_locale(tag)], DOMAIN)


def _catalog() -> NullTranslations:
    return translations(current())


# --- Translating -------------------------------------------------------------------------
# The raw lookups return the translated text with its placeholders; Jinja's i18n extension
# (newstyle) fills them itself. The Python-side functions fill them from keyword arguments.

def raw_gettext(message: str) -> str:
    return str(_catalog().gettext(message))


def raw_ngettext(singular: str, plural: str, count: int) -> str:
    return str(_catalog().ngettext(singular, plural, count))


def raw_pgettext(context: str, message: str) -> str:
    return str(_catalog().pgettext(context, message))


def raw_npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return str(_catalog().npgettext(context, singular, plural, count))


def gettext(message: str, **values: object) -> str:
    """``message`` in the language in use, its ``%(name)s`` placeholders filled from
    ``values`` (a message without values is returned as translated, ``%`` untouched)."""
    text = raw_gettext(message)
    return text % values if values else text


_ = gettext


def ngettext(singular: str, plural: str, count: int, **values: object) -> str:
    """The form of the message for ``count`` by the language's CLDR plural rules; ``count``
    is also the placeholder ``%(num)d`` (as in Jinja's ``{% trans %}``)."""
    return raw_ngettext(singular, plural, count) % {"num": count, **values}


def pgettext(context: str, message: str, **values: object) -> str:
    """``message`` in the sense ``context`` gives it (one English word, two translations)."""
    text = raw_pgettext(context, message)
    return text % values if values else text


def npgettext(context: str, singular: str, plural: str, count: int, **values: object) -> str:
    return raw_npgettext(context, singular, plural, count) % {"num": count, **values}


def mark(message: str) -> str:
    """A message id marked for extraction but translated later (``gettext(TEXT)``), for
    sentences kept in tables at import time."""
    return message


def pmark(context: str, message: str) -> str:
    """:func:`mark` for a message in the sense ``context`` gives it, translated later with
    ``pgettext(context, TEXT)``."""
    return message


# --- Dates, numbers and money (CLDR) ----------------------------------------------------------
# English keeps the forms orderpack has always written, which read the same in every
# English-speaking country: "14 September 2026", "6 Sep 2026 10:12", "68.17 EUR". The other
# languages take CLDR's own long date and currency formats.

_EN_LONG = "d MMMM y"
_EN_SHORT = "d MMM y"
_EN_MONEY = "#,##0.00 ¤¤"


def long_date(value: date) -> str:
    """14 September 2026 · 14 de septiembre de 2026 · 14 сентября 2026 г."""
    from babel.dates import format_date

    tag = current()
    return format_date(value, _EN_LONG if tag == SOURCE else "long", locale=babel_locale(tag))


def short_date(value: date) -> str:
    """A date in a table's narrow column: 6 Sep 2026 · 06/09/2026 · 06.09.2026.

    Other languages' abbreviated months are longer than English's ("6 de set. de 2026"),
    too long for the evidence PDF's date columns, so they get the locale's numeric date."""
    from babel.dates import format_date, format_skeleton

    tag = current()
    if tag == SOURCE:
        return format_date(value, _EN_SHORT, locale="en")
    return format_skeleton("yMMdd", value, locale=babel_locale(tag))


def column_date(value: date) -> str:
    """A date in the exhibit index's column: the long date in English (20 November 2026),
    the numeric one (:func:`short_date`) where a language's long date is wider."""
    return long_date(value) if current() == SOURCE else short_date(value)


def clock(value: datetime) -> str:
    """10:12 (24-hour in every language orderpack writes)."""
    from babel.dates import format_time

    return format_time(value, "HH:mm", locale=babel_locale(current()))


def money(amount: Decimal | float | int, currency: str) -> str:
    """68.17 EUR · 68,17 € · R$ 68,17: the amount with its cents, as the language writes it."""
    from babel.numbers import format_currency

    tag = current()
    if tag == SOURCE:
        return format_currency(amount, currency, format=_EN_MONEY, locale="en",
                               currency_digits=False)
    return format_currency(amount, currency, locale=babel_locale(tag), currency_digits=False)


def decimal(number: Decimal | float | int, places: int | None = None) -> str:
    """1,234.5 · 1.234,5 · 1 234,5; with ``places``, that many decimals always (1.0)."""
    from babel.numbers import format_decimal

    pattern = None if places is None else ("#,##0." + "0" * places).rstrip(".")
    return format_decimal(number, format=pattern, locale=babel_locale(current()))


def percent(fraction: float) -> str:
    """0.85 → 85% · 85 % · 85\u00a0%: a whole percentage as the language writes it."""
    from babel.numbers import format_percent

    return format_percent(fraction, locale=babel_locale(current()))


def and_list(items: Sequence[str]) -> str:
    """A, B and C: CLDR's list of the language in use (English keeps orderpack's own form:
    "A, B and C", without the serial comma)."""
    return _listed(items, "and", "standard")


def or_list(items: Sequence[str]) -> str:
    """A, B or C: CLDR's "or" list of the language in use (English keeps orderpack's own
    form, like :func:`and_list`)."""
    return _listed(items, "or", "or")


def _listed(items: Sequence[str], word: str, style: Literal["standard", "or"]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if current() == SOURCE:
        return ", ".join(items[:-1]) + f" {word} " + items[-1]
    from babel.lists import format_list

    return format_list(list(items), style=style, locale=babel_locale(current()))


def pages(count: int) -> str:
    """3 pages, in the language in use."""
    return ngettext("%(num)d page", "%(num)d pages", count)


def relative_days(days: int) -> str:
    """today, tomorrow, in 3 days, yesterday, 3 days ago — in the language in use."""
    if days == 0:
        return gettext("today")
    if days == 1:
        return gettext("tomorrow")
    if days == -1:
        return gettext("yesterday")
    if days > 0:
        return ngettext("in %(num)d day", "in %(num)d days", days)
    return ngettext("%(num)d day ago", "%(num)d days ago", -days)


def when(day: date, today: date) -> str:
    """``day`` said from ``today``: today, tomorrow, in 3 days, 3 days ago."""
    return relative_days((day - today).days)


# --- Which language a case is written in --------------------------------------------------------

#: The platforms whose reviewers read English. The research notes
#: (../shared/research/platform-rules.md) name no platform that takes a dispute in another
#: language, so a packet for any of them is English unless the buyer asks otherwise.
ENGLISH_REVIEWERS = frozenset({"aliexpress", "ebay", "paypal", "amazon", "etsy"})

#: Why the packet is in its language: asked for this run (``--lang``), written in the order
#: file (``dispute.language``), the platform's reviewers (English), or the buyer's bank (a card
#: chargeback: the buyer's own language).
Why = Literal["asked", "order_file", "platform", "bank"]


@dataclass(frozen=True)
class Choice:
    """The language of a packet and why it is that one."""

    tag: str
    why: Why


def packet_language(platform: str, buyer_language: str, dispute_language: str | None,
                    asked: str | None = None) -> Choice:
    """The language of dispute.txt and evidence.pdf, read by the reviewer: ``asked`` (--lang)
    if given, else the order file's ``dispute.language``, else the buyer's language for a
    card chargeback (the bank is local) and English for a platform."""
    if asked is not None:
        return Choice(parse(asked), "asked")
    if dispute_language is not None:
        return Choice(parse(dispute_language), "order_file")
    if platform == "card":
        return Choice(parse(buyer_language), "bank")
    return Choice(SOURCE, "platform")


def buyer_language(buyer: str, asked: str | None = None) -> str:
    """The language the buyer reads advice and messages in: ``asked`` (--lang), else
    ``buyer.language`` of the order file."""
    return parse(asked if asked is not None else buyer)
