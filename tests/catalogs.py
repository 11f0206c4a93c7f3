"""Catalogs made by a test, and a catalog that records what is looked up in it.

The real catalogs are translated by hand; a test that needs a sentence in Spanish writes
its own small catalog here, compiles it, and has :mod:`orderpack.i18n` read it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from orderpack import i18n

Entries = Mapping[str | tuple[str, str], str | tuple[str, ...]]


def compiled(tag: str, entries: Entries) -> Translations:
    """A catalog of ``entries`` (message id → translation; a (singular, plural) id → its
    forms) for ``tag``, compiled as `make catalogs` compiles the real ones."""
    catalog = Catalog(locale=i18n.babel_locale(tag))
    for message_id, text in entries.items():
        catalog.add(message_id, text)
    data = io.BytesIO()
    write_mo(data, catalog)
    data.seek(0)
    return Translations(data)


def use_catalog(monkeypatch: pytest.MonkeyPatch, tag: str, entries: Entries) -> None:
    """Have orderpack read ``entries`` as ``tag``'s catalog (and no catalog for the others)."""
    made = compiled(tag, entries)
    monkeypatch.setattr(i18n, "translations", lambda wanted: (
        made if wanted == tag else NullTranslations()))


class Recorder(NullTranslations):
    """No translation at all; every message id looked up is kept in ``seen``."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str | None]] = set()

    def gettext(self, message: str) -> str:
        self.seen.add((message, None))
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self.seen.add((singular, None))
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        self.seen.add((message, context))
        return message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        self.seen.add((singular, context))
        return singular if n == 1 else plural


def record(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Have orderpack look every sentence up in a :class:`Recorder`, whatever the language."""
    recorder = Recorder()
    monkeypatch.setattr(i18n, "translations", lambda _tag: recorder)
    return recorder


@cache
def template_ids() -> frozenset[tuple[str, str | None]]:
    """The (message id, context) of every sentence in messages.pot: what `make catalogs`
    extracted, so what the translators see. Read once per process (0.3 s)."""
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as handle:
        catalog = read_po(handle)
    return frozenset((str(message.id[0] if isinstance(message.id, tuple | list)
                          else message.id), message.context) for message in catalog
                     if message.id)
