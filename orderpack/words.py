"""The small word helpers every part of orderpack writes with: counts, articles, clipping
and scripts. One home for each, so the command line, the planner, the templates and the
error messages say a thing the same way.

Dates, relative days, money and the plurals of translated sentences come from CLDR through
:mod:`orderpack.i18n`. ``plural`` and ``with_article`` are English only: they serve the
messages not yet in the catalogs (the order file's problems).
"""

from __future__ import annotations

from collections.abc import Iterable

#: How long a value quoted in an error message may be before it is clipped.
CLIP = 40


def plural(count: int, singular: str, many: str | None = None) -> str:
    """1 day, 3 days, 2 replies (with ``many``)."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def with_article(phrase: str) -> str:
    """a dispute, an A-to-z Guarantee claim."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def sentence_start(text: str) -> str:
    """The text capitalised to start a sentence; names like eBay keep their spelling."""
    first = text.split(" ", 1)[0]
    if any(char.isupper() for char in first[1:]):
        return text
    return text[:1].upper() + text[1:]


def lower_start(text: str) -> str:
    """The text made to follow other words: "Escalate" → "escalate"; eBay and I stay."""
    first = text.split(" ", 1)[0]
    if any(char.isupper() for char in first[1:]) or first == "I":
        return text
    return text[:1].lower() + text[1:]


def clip(text: str, width: int = CLIP) -> str:
    """``text`` cut to ``width`` characters, ending in "..." where it was cut."""
    return text if len(text) <= width else text[:width - 3] + "..."


def is_cjk(char: str) -> bool:
    """A Chinese, Japanese or Korean character (or full-width form): one em wide."""
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFFEF or 0x3000 <= code <= 0x303F)


def has_cjk(texts: Iterable[str]) -> bool:
    """Whether any of ``texts`` has a CJK character."""
    return any(is_cjk(char) for text in texts for char in text)


def script_lang(text: str) -> str:
    """A BCP 47 language tag guessed from the script, so CJK text gets the right glyphs:
    ja for kana, ko for hangul, zh for other CJK ideographs, und for the rest."""
    if any("\u3040" <= c <= "\u30ff" for c in text):
        return "ja"
    if any("\uac00" <= c <= "\ud7af" or "\u1100" <= c <= "\u11ff" for c in text):
        return "ko"
    if any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text):
        return "zh"
    return "und"


def format_size(count: int) -> str:
    """``count`` bytes for people, decimal like :func:`orderpack.budget.parse_size`: 980
    bytes, 391 KB, 1.6 MB."""
    if count < 1000:
        return f"{count} bytes"
    if count < 1000 ** 2:
        return f"{count / 1000:.0f} KB"
    return f"{count / 1000 ** 2:.1f}".removesuffix(".0") + " MB"
