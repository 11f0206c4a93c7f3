"""What a packet is made of: the names of its files, the :class:`Bundle` (everything the
evidence PDF holds but the exhibits), the exhibits, and the dispute text.

:mod:`orderpack.packet` puts these together; the build and its dry run prepare them alike.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from orderpack import (
    budget,
    cache,
    chat,
    destinations,
    evidence,
    facts,
    narrative,
    pdf,
    render,
    timeline,
    words,
)
from orderpack.api_types import Options
from orderpack.budget import Budget, Content, Level, Weight
from orderpack.errors import BuildError
from orderpack.evidence import Exhibit
from orderpack.model import Case
from orderpack.narrative import Narrative

MANIFEST = "manifest.json"
DISPUTE_TEXT = "dispute.txt"
EVIDENCE_PDF = "evidence.pdf"
EXHIBITS_DIR = "exhibits"
#: Inside the staging folder, while the PDF is rendered: the JPEGs it shows where they are
#: not the exhibits themselves (:attr:`Exhibit.pdf_file`). Removed before the manifest is
#: written.
RENDITIONS_DIR = ".pdf-images"

#: Characters above which a dispute text is longer than forms take, when its destination's
#: limit is not known: the quoted replies of a long conversation are left out of the text
#: (the evidence PDF keeps them all) to stay under it, and a longer text is warned of.
TEXT_CAP = 5_000
#: The mark of a quoted reply in the dispute text's template (``[drop:7]``).
QUOTED_REPLY = 7


def part_name(number: int) -> str:
    """The file name of part ``number`` of a split evidence PDF."""
    return f"evidence-{number}.pdf"


@dataclass(frozen=True)
class Bundle:
    """Everything the evidence PDF is made of but the exhibits."""

    case: Case
    today: date
    options: Options
    facts: facts.Facts
    status: timeline.Status
    paper: pdf.Paper
    char_limit: int | None
    budget: Budget | None
    inputs: list[dict[str, Any]]
    """The manifest's record of the input files (:func:`orderpack.manifest.inputs`)."""
    narrative: tuple[str, ...] = ()
    originals: tuple[evidence.Original, ...] | None = None
    """The evidence files as the build read them (None: each processing reads them)."""

    def content(self, exhibits: Sequence[Exhibit]) -> Content:
        """What the estimate of :mod:`orderpack.budget` needs to know of the text pages."""
        messages = self.facts.messages
        return Content(
            narrative=self.narrative,
            index=tuple((e.caption, e.source) for e in exhibits),
            events=tuple((event.place or "—", event.status)
                         for event in self.facts.tracking.events),
            messages=tuple((m.text, m.translation or "") for m in messages),
            cjk=words.has_cjk([*all_text(self.facts), *(e.caption for e in exhibits)]),
            attached_bytes=self.case.path.stat().st_size,
            content_width_mm=self.paper.content_width_mm,
            content_height_mm=self.paper.content_height_mm,
        )

    def with_text(self, text: Narrative) -> Bundle:
        """This bundle with the statement of the dispute text ``text``."""
        return replace(self, narrative=tuple(" ".join(s.text for s in paragraph)
                                             for paragraph in text.paragraphs))


def prepare(case: Case, today: date, options: Options,
            originals: Sequence[evidence.Original] | None = None) -> Bundle:
    """The bundle of ``case`` (without its statement: see :meth:`Bundle.with_text`), with
    its evidence files as the build read them, if it did."""
    if options.paper not in pdf.PAPERS:
        raise BuildError(f"unknown paper size {options.paper!r}; use a4 or letter")
    destination = destinations.load(options.fit) if options.fit else None
    messages = chat.load_messages(case)
    return Bundle(
        case=case, today=today, options=options,
        facts=facts.gather(case, today, messages),
        status=timeline.compute(case.order, case.profile, today),
        paper=pdf.PAPERS[options.paper],
        char_limit=(options.max_chars if options.max_chars is not None
                    else case.profile.limits.description_chars),
        budget=budget.resolve(destination, options.max_bytes, options.max_pages),
        inputs=[],
        originals=None if originals is None else tuple(originals),
    )


def process(case: Case, options: Options, level: Level,
            originals: Sequence[evidence.Original] | None = None,
            pace: evidence.Pace | None = None) -> list[Exhibit]:
    """The exhibits of ``case`` as the rung ``level`` of the fitting ladder makes them, from
    ``originals`` if the build read them, at ``pace`` (see :func:`orderpack.evidence.process`)."""
    return evidence.process(case, cache_dir=options.cache_dir, workers=options.workers,
                            settings=level.settings, originals=originals, pace=pace)


def dispute_text(bundle: Bundle, exhibits: Sequence[Any]) -> narrative.Narrative:
    """The dispute text, fitted to the form's limit (or, with none known, to
    :data:`TEXT_CAP` by quoting fewer seller replies). ``exhibits`` are the exhibits, or the
    planned ones (:func:`orderpack.evidence_pdf.plan`): their labels, captions and dates."""
    context: dict[str, Any] = {"facts": bundle.facts, "exhibits": exhibits,
                               "status": bundle.status}
    rendered = render.render("dispute.txt.j2", context, kind="text",
                             override=bundle.options.templates)
    fitted = narrative.fit(narrative.parse(rendered), bundle.char_limit)
    if bundle.char_limit is None and fitted.characters > TEXT_CAP:
        fitted = narrative.cap(fitted, TEXT_CAP, QUOTED_REPLY)
    return fitted


def weights(exhibits: Sequence[Exhibit]) -> list[Weight]:
    """The exhibits as the estimate sees them."""
    return [Weight(label=e.label, caption=e.caption, source=e.source, kind=e.kind,
                   pages=e.pages, file_bytes=e.file_size,
                   pdf_bytes=budget.pdf_bytes(e.pdf_file or e.file))
            for e in exhibits]


def all_text(case_facts: facts.Facts) -> list[str]:
    """Every text of the case the PDF shows (for its fonts)."""
    texts = [case_facts.store, case_facts.items, case_facts.buyer_name, case_facts.details or ""]
    for message in case_facts.messages:
        texts += [message.text, message.translation or ""]
    for event in case_facts.tracking.events:
        texts += [event.status, event.place or ""]
    return texts


@contextlib.contextmanager
def cache_folder(options: Options) -> Iterator[tuple[Options, list[str]]]:
    """``options`` with a cache folder that can be written, and a warning if that is not
    the one asked for: the cache only saves time, so a folder that cannot be written (read
    only, a file in its place) makes a build use a temporary one, removed after it."""
    root = cache.location(options.cache_dir)
    reason = cache.unwritable(root)
    if reason is None:
        yield options, []
        return
    with tempfile.TemporaryDirectory(prefix="orderpack-cache-") as temporary:
        yield replace(options, cache_dir=Path(temporary)), [
            f"the cache folder {root} cannot be written ({reason}), so this build kept no "
            f"processed pictures for the next one; set {cache.ENV_VAR} to a folder you can "
            "write to"]
