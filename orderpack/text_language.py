"""The language of what the buyer wrote: text in another language than the packet's is
kept as written, and `validate` suggests a translation.

The packet (dispute.txt, evidence.pdf) quotes the buyer's ``details``, inline messages and
captions as they are. A Spanish buyer's details in an English packet read as a sentence
the reviewer cannot follow, so `validate` warns and says what to do. Detection (lingua,
its small models) chooses only between the packet's language and the buyer's: where they
are the same, nothing is loaded and nothing is checked, so `validate` starts as fast as
before for a buyer who writes in the packet's language.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from orderpack import i18n
from orderpack.words import has_cjk

if TYPE_CHECKING:
    from lingua import LanguageDetector

    from orderpack.model import OrderFile

#: Fewer words than this say too little to tell a language by (names, "OK", an order id).
MIN_WORDS = 4

#: How sure the detector must be, between the two languages, before `validate` warns.
MIN_CONFIDENCE = 0.9


@dataclass(frozen=True)
class Mismatch:
    """A text of the buyer's in another language than the packet's."""

    loc: tuple[str | int, ...]
    """Where it is in the order file: ("dispute", "details"), ("messages", 2, "text")..."""
    kind: str
    """details, message or caption."""
    found: str
    """The language tag it seems to be in."""
    packet: str
    """The packet's language tag."""


def mismatches(order: OrderFile) -> list[Mismatch]:
    """The buyer's texts that seem to be in the buyer's language where the packet is in
    another; none when the two languages are the same."""
    packet = i18n.packet_language(order.platform, order.buyer.language,
                                  order.dispute.language).tag
    buyer = order.buyer.language
    if buyer == packet:
        return []
    found = []
    for loc, kind, text in _texts(order):
        if len(text.split()) >= MIN_WORDS and not has_cjk([text]):
            language = _detect(text, (packet, buyer))
            if language is not None and language != packet:
                found.append(Mismatch(loc, kind, language, packet))
    return found


def _texts(order: OrderFile) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """Each text the packet quotes as the buyer wrote it."""
    if order.dispute.details:
        yield ("dispute", "details"), "details", order.dispute.details
    messages = order.messages if isinstance(order.messages, list) else []
    for index, message in enumerate(messages):
        if message.translation is None:
            yield ("messages", index, "text"), "message", message.text
    for index, evidence in enumerate(order.evidence):
        yield ("evidence", index, "caption"), "caption", evidence.caption


def _detect(text: str, tags: Sequence[str]) -> str | None:
    """Which of ``tags`` ``text`` is in, or None when the detector is not sure."""
    values = _detector(tuple(sorted(tags))).compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    code = values[0].language.iso_code_639_1.name.lower()
    return next(tag for tag in tags if tag.split("-")[0] == code)


@cache
def _detector(tags: tuple[str, ...]) -> LanguageDetector:
    """lingua's detector for these languages only, on its small (trigram) models."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, tag.split("-")[0].upper()))
                 for tag in tags]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
