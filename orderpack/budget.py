"""Fitting the packet to where it is going: budgets, the fitting ladder, and the estimate.

A :class:`Budget` says how large the evidence may be, per file and for the whole upload,
in bytes and pages; it comes from ``--max-size``/``--max-pages`` or from a destination
(:mod:`orderpack.destinations`). To meet it, a build climbs :func:`ladder`, one rung at a
time, cheapest loss first: leave out ``--attach`` attachments (copies), lower the images'
resolution down to the legibility floor (:func:`orderpack.images.legible_size`), lower
the image quality, make screenshots greyscale, and — for pages — lay the transcript out
compactly. No exhibit and no message is ever left out. With ``--split`` the bundle is cut
into parts before quality is lowered.

:func:`estimate` predicts the pages and bytes of a bundle without rendering it, from the
processed exhibits and a model of the page layout; the build uses it to skip the rungs
that cannot fit, and ``orderpack build --dry-run`` shows it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from orderpack import images
from orderpack.destinations import Destination
from orderpack.i18n import _, ngettext, percent
from orderpack.words import format_size, is_cjk

# --- sizes ------------------------------------------------------------------------------

_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000 ** 2, "gb": 1000 ** 3,
          "k": 1000, "m": 1000 ** 2, "g": 1000 ** 3,
          "kib": 1024, "mib": 1024 ** 2, "gib": 1024 ** 3}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes in a size like ``400KB``, ``2MB`` or ``14.5MB``; ValueError saying what is wrong.

    KB, MB and GB are decimal (1 MB = 1,000,000 bytes), the stricter reading of a form's
    limit; KiB and MiB are binary; a bare number is bytes.
    """
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size; write it like 400KB, 2MB or 14.5MB")
    count = math.floor(float(match.group(1)) * _UNITS[unit])
    if count < 1:
        raise ValueError(f"{text!r} is no size at all; write it like 400KB, 2MB or 14.5MB")
    return count


# --- budgets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """How large the evidence may be; None where there is no limit.

    ``--max-size`` and ``--max-pages`` are per file (each part, with ``--split``). A
    destination's ``attachment_max_bytes`` is per file too; its ``total_max_bytes`` and
    ``max_pages`` are for all the parts together.
    """

    file_bytes: int | None = None
    """Each PDF file (each part), and each image in exhibits/."""
    total_bytes: int | None = None
    file_pages: int | None = None
    total_pages: int | None = None
    max_files: int | None = None
    file_types: tuple[str, ...] | None = None
    destination: Destination | None = None
    given: tuple[str, ...] = ()
    """Which limits the command line gave: "max_size", "max_pages"."""

    @property
    def empty(self) -> bool:
        return all(value is None for value in (self.file_bytes, self.total_bytes,
                                               self.file_pages, self.total_pages))

    @property
    def pdf_bytes(self) -> int | None:
        """The limit for a bundle in one file."""
        return _smallest(self.file_bytes, self.total_bytes)

    @property
    def pdf_pages(self) -> int | None:
        return _smallest(self.file_pages, self.total_pages)

    def describe(self) -> str:
        """E.g. "400 KB per file (--max-size)", "14.5 MB, 19 pages in total, as Mastercard
        chargeback takes (unconfirmed)", in the language in use."""
        parts = []
        if self.file_bytes is not None:
            parts.append(_("%(size)s per file", size=format_size(self.file_bytes)))
        if self.file_pages is not None:
            parts.append(ngettext("%(num)d page per file", "%(num)d pages per file",
                                  self.file_pages))
        if self.total_bytes is not None:
            parts.append(_("%(size)s in total", size=format_size(self.total_bytes)))
        if self.total_pages is not None:
            parts.append(ngettext("%(num)d page in total", "%(num)d pages in total",
                                  self.total_pages))
        text = ", ".join(parts or [_("no limit")])
        if self.given:
            text += f" ({', '.join('--' + name.replace('_', '-') for name in self.given)})"
        if self.destination is not None and len(self.given) < 2:
            text = (_("%(limits)s, as %(destination)s takes (unconfirmed)", limits=text,
                      destination=self.destination.name) if self.unconfirmed else
                    _("%(limits)s, as %(destination)s takes", limits=text,
                      destination=self.destination.name))
        return text

    @property
    def unconfirmed(self) -> bool:
        """Whether a limit taken from the destination is unconfirmed."""
        if self.destination is None:
            return False
        sources = self.destination.limits.sources
        used = [name for name, value in (
            ("attachment_max_bytes", self.file_bytes), ("total_max_bytes", self.total_bytes),
            ("max_pages", self.total_pages)) if value is not None]
        return any(sources[name].unconfirmed for name in used if name in sources)


def resolve(destination: Destination | None, max_bytes: int | None = None,
            max_pages: int | None = None) -> Budget | None:
    """The budget of ``destination`` with ``max_bytes``/``max_pages`` (per file) in place of
    its own size/page limits; None when nothing limits the bundle."""
    limits = destination.limits if destination is not None else None
    given = tuple(name for name, value in (("max_size", max_bytes), ("max_pages", max_pages))
                  if value is not None)
    budget = Budget(
        file_bytes=max_bytes if max_bytes is not None else (
            limits.attachment_max_bytes if limits else None),
        total_bytes=None if max_bytes is not None or not limits else limits.total_max_bytes,
        file_pages=max_pages,
        total_pages=None if max_pages is not None or not limits else limits.max_pages,
        max_files=limits.attachments_max_count if limits else None,
        file_types=limits.attachment_types if limits else None,
        destination=destination,
        given=given,
    )
    return None if budget.empty else budget


def _smallest(*values: int | None) -> int | None:
    known = [value for value in values if value is not None]
    return min(known) if known else None


# --- the ladder -------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One rung of the fitting ladder: how the exhibits are made and the bundle laid out."""

    settings: images.Settings = field(default_factory=images.Settings)
    attach: bool = False
    """Embed the ``--attach`` attachments."""
    compact: bool = False
    """The compact transcript layout: smaller type, tighter rows."""

    def steps(self, attach: bool) -> tuple[str, ...]:
        """What this level changed from a build without a budget, for people, in the language
        in use."""
        settings, default = self.settings, images.Settings()
        steps = []
        if attach and not self.attach:
            steps.append(_("left out the --attach attachments (copies of the exhibits; every "
                           "exhibit is still shown)"))
        if settings.scale == 0:
            steps.append(_("lowered the pictures' resolution to the least that stays legible "
                           "(phone screenshots %(width)d px wide, photos 150 dpi)",
                           width=images.SCREENSHOT_MIN_WIDTH))
        elif settings.scale < 1:
            steps.append(_("lowered the pictures' resolution to %(percent)s",
                           percent=percent(settings.scale)))
        if settings.grayscale_screenshots:
            steps.append(_("made the screenshots greyscale"))
        if settings.jpeg_quality < default.jpeg_quality or settings.colors < default.colors:
            if settings.grayscale_screenshots:
                steps.append(ngettext(
                    "lowered the picture quality (JPEG quality %(quality)d in the PDF and for "
                    "photos, screenshots in exhibits/ in %(num)d grey level)",
                    "lowered the picture quality (JPEG quality %(quality)d in the PDF and for "
                    "photos, screenshots in exhibits/ in %(num)d grey levels)",
                    settings.colors, quality=settings.jpeg_quality))
            else:
                steps.append(ngettext(
                    "lowered the picture quality (JPEG quality %(quality)d in the PDF and for "
                    "photos, screenshots in exhibits/ in %(num)d colour)",
                    "lowered the picture quality (JPEG quality %(quality)d in the PDF and for "
                    "photos, screenshots in exhibits/ in %(num)d colours)",
                    settings.colors, quality=settings.jpeg_quality))
        if self.compact:
            steps.append(_("set the tracking history and the conversation in smaller type"))
        return tuple(steps)


def ladder(attach: bool) -> list[Level]:
    """The rungs, cheapest loss first; the first is the build without a budget."""
    first = Level(attach=attach)
    rungs = [first]
    if attach:
        rungs.append(replace(rungs[-1], attach=False))
    last = rungs[-1]
    for knobs in ({"scale": 0.85}, {"scale": 0.0},
                  {"scale": 0.0, "jpeg_quality": 60, "colors": 64},
                  {"scale": 0.0, "jpeg_quality": 40, "colors": 32},
                  {"scale": 0.0, "jpeg_quality": 40, "colors": 16,
                   "grayscale_screenshots": True},
                  {"scale": 0.0, "jpeg_quality": 30, "colors": 8,
                   "grayscale_screenshots": True}):
        rungs.append(replace(last, settings=images.Settings(**knobs)))  # type: ignore[arg-type]
    rungs.append(replace(rungs[-1], compact=True))
    return rungs


# --- what the bundle holds ----------------------------------------------------------------


@dataclass(frozen=True)
class Weight:
    """An exhibit as the estimate sees it."""

    label: str
    caption: str
    source: str
    kind: str
    """"image" or "pdf"."""
    pages: int
    file_bytes: int
    """Of the exhibit's file (in exhibits/, and as an attachment)."""
    pdf_bytes: int
    """What it adds to the PDF."""


@dataclass(frozen=True)
class Content:
    """What the bundle's text pages hold, for the page and size model."""

    narrative: tuple[str, ...]
    """The statement's paragraphs."""
    index: tuple[tuple[str, str], ...]
    """Each exhibit's caption and file name."""
    events: tuple[tuple[str, str], ...]
    """Each tracking event's place and status."""
    messages: tuple[tuple[str, str], ...]
    """Each message's text and translation ("" if none)."""
    cjk: bool
    """Whether any text is Chinese, Japanese or Korean (a large font to embed)."""
    attached_bytes: int = 0
    """The order file's size: with --attach it is embedded too."""
    content_width_mm: float = 174.0
    content_height_mm: float = 261.0


@dataclass(frozen=True)
class Estimate:
    pages: int
    bytes: int


@dataclass(frozen=True)
class Calibration:
    """What a render measured beyond the model's estimate, added to later estimates."""

    bytes: int = 0
    pages: int = 0


# The model's constants, measured on WeasyPrint 70 renders of the samples and of bigger
# cases (tests/test_fit.py checks the estimate stays within 25 % of the real thing).
_LINE_MM = 10 * 1.4 * 0.3528  # body text: 10 pt, line height 1.4
_COMPACT_LINE_MM = 8.5 * 1.25 * 0.3528
_CHAR_MM = 1.83  # an average character of 10 pt Noto Sans
_CJK_CHAR_MM = 3.53  # a CJK character is 1 em
#: The PDF's tables as templates/evidence.css lays them out (tests/test_budget.py fails if
#: the two differ): each column's width in mm, None for the text column that takes the rest.
COLUMNS_MM: dict[str, tuple[float | None, ...]] = {
    "summary": (42, None),
    "timeline": (45, None, 33),
    "exhibits": (14, None, 32, 14, 42),
    "events": (34, 40, None),
}
#: A table cell's padding in mm (top and bottom, left and right), as evidence.css sets it;
#: the compact layout's is for the tracking history and the conversation.
CELL_PADDING_MM = (1.6, 2.0)
COMPACT_CELL_PADDING_MM = (0.6, 1.5)
_ROW_PAD_MM, _COMPACT_ROW_PAD_MM = 2 * CELL_PADDING_MM[0], 2 * COMPACT_CELL_PADDING_MM[0]
_SECTION_MM = 8.0 + 9.4 + 7.4  # a section's top margin, heading and table head
#: The conversation's messages are blocks across the page (evidence.css ``div.message``),
#: each under a one-line header of 8.5 pt; their padding in mm (top and bottom, left and
#: right), plain and compact.
MESSAGE_PADDING_MM = (1.6, 2.0)
COMPACT_MESSAGE_PADDING_MM = (0.6, 1.5)
_CHAT_SECTION_MM = 8.0 + 9.4 + 2.0  # its top margin, heading and the rule under it
_FIXED_BYTES = 6_000
_PAGE_BYTES = 3_000
_FONT_BYTES = 9_300  # Noto Sans regular and bold, the glyphs used
_MONO_FONT_BYTES = 1_900  # DejaVu Sans Mono: the index's SHA-256 digests
_ITALIC_FONT_BYTES = 2_900  # Noto Sans Italic: translations
_CJK_FONT_BYTES = 146_000
"""WeasyPrint keeps every glyph slot of the (CFF) CJK font up to the last one used."""
_ATTACHMENT_BYTES = 600


def estimate(content: Content, weights: Sequence[Weight], level: Level, *,
             transcript: bool = True, calibration: Calibration = Calibration()) -> Estimate:
    """The pages and bytes of a bundle (or a part of one) holding ``weights`` and, with
    ``transcript``, the tracking history and the conversation; ``calibration`` corrects the
    model by what a render of the same case measured."""
    pages = text_pages(content, compact=level.compact, transcript=transcript)
    pages = max(1, pages + calibration.pages)
    pages += sum(weight.pages for weight in weights)
    size = _FIXED_BYTES + _PAGE_BYTES * pages + _FONT_BYTES
    size += _MONO_FONT_BYTES if content.index else 0
    size += _ITALIC_FONT_BYTES if transcript and any(t for _, t in content.messages) else 0
    size += _CJK_FONT_BYTES if content.cjk else 0
    size += sum(weight.pdf_bytes for weight in weights)
    if level.attach:
        size += content.attached_bytes + sum(w.file_bytes + _ATTACHMENT_BYTES for w in weights)
    return Estimate(pages=pages, bytes=max(1, size + calibration.bytes))


def text_pages(content: Content, *, compact: bool = False, transcript: bool = True) -> int:
    """The cover and the pages of statement, index, tracking history and conversation."""
    width = content.content_width_mm
    line, pad = (_COMPACT_LINE_MM, _COMPACT_ROW_PAD_MM) if compact else (_LINE_MM, _ROW_PAD_MM)
    small = 8.5 / 10 if compact else 1.0
    blocks: list[float] = [9.4]  # the statement's heading
    for paragraph in content.narrative:
        blocks.append(_lines(paragraph, width, 11 / 10) * 11 * 1.4 * 0.3528 + 3)
    if content.index:
        blocks.append(_SECTION_MM)
        caption_mm = column_mm("exhibits", 1, width)
        for caption, source in content.index:
            text_mm = (_lines(caption, caption_mm) + _lines(source, caption_mm, 0.85)) * _LINE_MM
            blocks.append(max(text_mm, 9.6) + _ROW_PAD_MM)
    if transcript and content.events:
        blocks.append(_SECTION_MM)
        for place, status in content.events:
            count = max(_lines(place, column_mm("events", 1, width, compact), small),
                        _lines(status, column_mm("events", 2, width, compact), small))
            blocks.append(count * line + pad)
        blocks.append(17.0)
    if transcript and content.messages:
        blocks.append(_CHAT_SECTION_MM)
        padding = COMPACT_MESSAGE_PADDING_MM if compact else MESSAGE_PADDING_MM
        text_mm = width - 2 * padding[1]
        header_mm = 8.5 * (1.25 if compact else 1.4) * 0.3528
        for text, translation in content.messages:
            count = _lines(text, text_mm, small)
            if translation:
                count += _lines("Translation: " + translation, text_mm, small)
            blocks.append(header_mm + count * line + 2 * padding[0] + (1 if translation else 0))
    return 1 + _paginate(blocks, content.content_height_mm)


def column_mm(table: str, number: int, width_mm: float, compact: bool = False) -> float:
    """The width of the text in column ``number`` (from 0) of ``table`` (:data:`COLUMNS_MM`)
    on a page whose text is ``width_mm`` wide: its own width, or what the others leave."""
    columns = COLUMNS_MM[table]
    given = columns[number]
    if given is not None:
        return given
    side = (COMPACT_CELL_PADDING_MM if compact and table == "events" else CELL_PADDING_MM)[1]
    return width_mm - sum(column or 0 for column in columns) - 2 * side * len(columns)


def _lines(text: str, width_mm: float, scale: float = 1.0) -> int:
    """Lines ``text`` takes in a column ``width_mm`` wide, at ``scale`` times 10 pt."""
    count = 0
    for paragraph in text.split("\n") or [""]:
        wide = sum(1 for char in paragraph if is_cjk(char))
        length_mm = ((len(paragraph) - wide) * _CHAR_MM + wide * _CJK_CHAR_MM) * scale
        count += max(1, math.ceil(length_mm / width_mm * 1.08))  # words do not fill lines
    return count


def _paginate(blocks: Sequence[float], page_mm: float) -> int:
    """Pages for ``blocks`` (rows that do not break) flowing down pages ``page_mm`` tall."""
    pages, used = 1, 0.0
    for height in blocks:
        if used + height > page_mm and used > 0:
            pages, used = pages + 1, 0.0
        used += height
    return pages




def pdf_bytes(shown: Path) -> int:
    """What an exhibit adds to the PDF: the file it is shown from (its JPEG rendition, or
    the exhibit itself, a JPEG or a PDF), which WeasyPrint embeds without re-encoding."""
    return shown.stat().st_size


# --- parts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A part of a split bundle, as planned."""

    labels: tuple[str, ...]
    transcript: bool
    estimate: Estimate


def plan(content: Content, weights: Sequence[Weight], level: Level, budget: Budget, *,
         split: bool, calibration: Calibration = Calibration(),
         slack: bool = False) -> list[Part] | None:
    """The parts the bundle is cut into (one without ``split``), each estimated within
    ``budget``; None if they cannot be. With ``slack``, estimates may be 3 % and a page
    over, for a rung worth a render while the model has not been measured on the case.

    Parts keep the exhibits in order; the first also holds the tracking history and the
    conversation. Each starts with the cover, the statement and the whole index.
    """
    def guess(members: list[Weight], first: bool) -> Estimate:
        return estimate(content, members, level, transcript=first, calibration=calibration)

    def fits(found: Estimate, limit_bytes: int | None, limit_pages: int | None) -> bool:
        return ((limit_bytes is None or found.bytes <= limit_bytes * (1.03 if slack else 1))
                and (limit_pages is None or found.pages <= limit_pages + slack))

    if not split:
        whole = guess(list(weights), True)
        if not fits(whole, budget.pdf_bytes, budget.pdf_pages):
            return None
        return [Part(tuple(weight.label for weight in weights), True, whole)]
    groups: list[list[Weight]] = [[]]
    for weight in weights:
        if fits(guess([*groups[-1], weight], len(groups) == 1), budget.file_bytes,
                budget.file_pages):
            groups[-1].append(weight)
        elif fits(guess([weight], False), budget.file_bytes, budget.file_pages):
            groups.append([weight])
        else:
            return None  # this exhibit does not fit even in a part of its own
    parts = [Part(tuple(weight.label for weight in group), number == 0,
                  guess(group, number == 0)) for number, group in enumerate(groups)]
    if not fits(parts[0].estimate, budget.file_bytes, budget.file_pages):
        return None  # the tracking history and the conversation alone are too large
    together = Estimate(pages=sum(part.estimate.pages for part in parts),
                        bytes=sum(part.estimate.bytes for part in parts))
    if not fits(together, budget.total_bytes, budget.total_pages):
        return None
    if budget.max_files is not None and len(parts) > budget.max_files:
        return None
    return parts
