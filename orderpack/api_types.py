"""What a build is asked and what it gives: :class:`Options`, :class:`BuildResult` with its
:class:`PdfFile` records, and :class:`Preflight` (the dry run's answer).

Plain frozen records, importable without the renderer; :mod:`orderpack.packet` makes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from orderpack import i18n

if TYPE_CHECKING:
    from orderpack.budget import Budget, Estimate, Part
    from orderpack.destinations import Destination
    from orderpack.overrun import Overrun

#: Called with a short description of each step (the CLI shows it; tests record it).
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """How to build; the defaults are what `orderpack build ORDER.yaml` does."""

    out: Path | None = None
    templates: Path | None = None
    attach: bool = False
    paper: str = "a4"
    max_chars: int | None = None
    cache_dir: Path | None = None
    workers: int | None = None
    max_bytes: int | None = None
    """Fit the evidence PDF (each part, with ``split``) into this many bytes (--max-size)."""
    max_pages: int | None = None
    """… and into this many pages (--max-pages)."""
    fit: str | None = None
    """Take the budget from this destination's limits: a platform's id, or one of
    orderpack/destinations.yaml (--fit); ``max_bytes`` and ``max_pages`` override them."""
    split: bool = False
    """Cut the evidence PDF into numbered parts, each within the budget (--split)."""
    lang: str | None = None
    """The packet's language for this build, a language tag (--lang); None: the order
    file's ``dispute.language``, else English for a platform and the buyer's language for a
    card chargeback."""

    def __post_init__(self) -> None:
        for name in ("out", "templates", "cache_dir"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))


@dataclass(frozen=True)
class PdfFile:
    """One evidence PDF written: the bundle, or a part of it."""

    path: Path
    pages: int
    bytes: int
    exhibits: tuple[str, ...]
    """The labels of the exhibits it shows."""
    transcript: bool
    """Whether it holds the tracking history and the conversation."""


@dataclass(frozen=True)
class Cleaned:
    """What was blacked out of an exhibit or removed from it, and where to check it."""

    label: str
    exhibit: Path
    """The exhibit in ``out/exhibits/``."""
    boxes: int
    """Redaction boxes blacked out."""
    removed: tuple[str, ...]
    """What was removed from a PDF exhibit, in words (:func:`orderpack.flatten.flatten`)."""

    def describe(self, relative_to: Path) -> str:
        """e.g. "B: 1 box blacked out — check exhibits/B-chat.png", in the language in use
        (what flatten removed is named in its own words)."""
        return i18n.gettext("%(label)s: %(done)s — check %(file)s", label=self.label,
                            done=self.done(),
                            file=self.exhibit.relative_to(relative_to).as_posix())

    def done(self) -> str:
        """What was done to it, e.g. "2 boxes blacked out", in the language in use."""
        done = []
        if self.boxes:
            done.append(i18n.ngettext("%(num)d box blacked out", "%(num)d boxes blacked out",
                                      self.boxes))
        if self.removed:
            done.append(i18n.gettext("removed %(what)s", what=i18n.and_list(self.removed)))
        return "; ".join(done)


@dataclass(frozen=True)
class BuildResult:
    out: Path
    dispute_text: Path
    evidence_pdf: Path
    """The evidence PDF; with ``split``, its first part."""
    exhibits: list[Path]
    manifest: Path
    characters: int
    char_limit: int | None
    dropped: tuple[str, ...]
    pages: int
    """Of every part together."""
    pdf_bytes: int
    """Of every part together."""
    warnings: list[str] = field(default_factory=list)
    pdf_files: tuple[PdfFile, ...] = ()
    """Every evidence PDF, in order: one, or the parts of a split bundle."""
    budget: Budget | None = None
    fit_steps: tuple[str, ...] = ()
    """What was changed to fit the budget, in words; empty if nothing had to be."""
    cleaned: tuple[Cleaned, ...] = ()
    """Each exhibit something was blacked out of or removed from, in order."""
    upload: str = ""
    """What to upload where, on the platform's form, in :attr:`language`."""
    language: str = "en"
    """The buyer's language (``buyer.language``), in which the build speaks to the buyer."""


@dataclass(frozen=True)
class DisputeText:
    """The dispute text a build would write now (``dispute.txt``), without building."""

    text: str
    characters: int
    """As a web form counts them (the final newline excluded)."""
    limit: int | None
    """The platform form's limit, where it is known."""
    dropped: tuple[str, ...] = ()
    """Sentences left out to fit the limit, in the order they were dropped."""
    fits: bool = True
    """False when even the shortest text is over the limit (a build stops then)."""


@dataclass(frozen=True)
class Preflight:
    """What a build would make, estimated without rendering (``build --dry-run``)."""

    order_path: Path
    estimate: Estimate
    """The evidence PDF as a build without a budget makes it."""
    exhibits: int
    largest_exhibit: int
    """Bytes of the largest exhibit file (0 without exhibits)."""
    destination: Destination
    """--fit's destination, else the case's platform."""
    budget: Budget | None
    parts: tuple[Part, ...] = ()
    """What the build would write to meet the budget (one part unless split)."""
    steps: tuple[str, ...] = ()
    """What the build would change to meet it."""
    overrun: Overrun | None = None
    """Set when it cannot be met."""
    language: str = "en"
    """The buyer's language (``buyer.language``), in which :attr:`steps` are said."""
