"""Fitting the evidence PDF into a budget: one loop, for the build and for its dry run.

:func:`fit` climbs the ladder of :mod:`orderpack.budget`, cheapest loss first. On each rung
(and its compact layout, where that may help) it plans the PDF files from the estimate and
has a :class:`Maker` make them: the build's maker renders them
(:class:`orderpack.evidence_pdf.Renderer`); the dry run's, :class:`Estimator`, answers
with the estimate itself. What a maker made is checked against the budget, and what it
measured beyond the estimate corrects the next plans. So ``build --dry-run`` takes the
very steps the build takes, as far as the estimate is right; it cannot drift from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from orderpack import budget, contents
from orderpack.api_types import PdfFile, Progress
from orderpack.budget import Budget, Calibration, Content, Estimate, Level, Part, Weight
from orderpack.contents import Bundle
from orderpack.evidence import Exhibit
from orderpack.i18n import ngettext
from orderpack.overrun import Overrun


@dataclass(frozen=True)
class Made:
    """The evidence PDF made on one rung: its files (rendered, or estimated)."""

    exhibits: list[Exhibit]
    level: Level
    files: list[PdfFile]
    steps: tuple[str, ...]
    """What ``level`` (and a split) changed, in words."""
    warnings: list[str]


class Maker(Protocol):
    def make(self, exhibits: list[Exhibit], level: Level, parts: list[Part] | None) -> Made:
        """The evidence PDF of ``exhibits`` made as ``level`` says, in ``parts`` (None: one
        file, unplanned)."""
        ...  # pragma: no cover


def fit(bundle: Bundle, exhibits: list[Exhibit], maker: Maker,
        progress: Progress) -> Made | Overrun:
    """The evidence PDF, made by ``maker`` within ``bundle``'s budget; or, if no rung of the
    ladder meets it, what is over."""
    options, limits = bundle.options, bundle.budget
    levels = budget.ladder(options.attach)
    if limits is None:
        return maker.make(exhibits, levels[0], None)
    content = bundle.content(exhibits)
    if limits.file_bytes is None and limits.total_bytes is None:
        levels = levels[:1]  # only the layout changes the page count, not the pictures
    # By layout (compact or not): what makes measured beyond the estimates.
    calibration = {False: Calibration(), True: Calibration()}
    measured: set[bool] = set()
    last: Made | None = None
    for number, level in enumerate(levels):
        if number:
            exhibits = contents.process(bundle.case, options, level, bundle.originals)
        for candidate in candidates(level, limits, last=number == len(levels) - 1):
            weights = contents.weights(exhibits)
            compact = candidate.compact
            for _attempt in range(2):
                # Until a make has measured the model's error, give it some slack.
                parts = budget.plan(content, weights, candidate, limits, split=options.split,
                                    calibration=calibration[compact],
                                    slack=compact not in measured)
                if parts is None:
                    break
                progress("fitting the PDF to the budget: " + "; ".join(
                    steps(candidate, len(parts), options.attach) or ["as it is"]))
                last = maker.make(exhibits, candidate, parts)
                if len(parts) == len(last.files):
                    old = calibration[compact]
                    calibration[compact] = Calibration(
                        bytes=max(file.bytes - part.estimate.bytes + old.bytes
                                  for file, part in zip(last.files, parts, strict=True)),
                        pages=max(file.pages - part.estimate.pages + old.pages
                                  for file, part in zip(last.files, parts, strict=True)))
                    measured.add(compact)
                if within(limits, last.files):
                    return last
    level = replace(levels[-1], compact=True)
    if last is None or last.level != level or len(last.files) != 1:
        last = maker.make(exhibits, level, None)
        if within(limits, last.files):
            return last  # the estimate was too careful
    return _overrun(bundle, level, content, last, calibration[True])


class Estimator:
    """The dry run's maker: every file is exactly what the estimate says it would be."""

    def __init__(self, bundle: Bundle, content: Content) -> None:
        self.bundle = bundle
        self.content = content

    def make(self, exhibits: list[Exhibit], level: Level, parts: list[Part] | None) -> Made:
        if parts is None:
            whole = budget.estimate(self.content, contents.weights(exhibits), level)
            parts = [Part(tuple(e.label for e in exhibits), True, whole)]
        names = ([contents.EVIDENCE_PDF] if len(parts) == 1 else
                 [contents.part_name(number) for number in range(1, len(parts) + 1)])
        files = [PdfFile(Path(name), part.estimate.pages, part.estimate.bytes, part.labels,
                         part.transcript) for name, part in zip(names, parts, strict=True)]
        return Made(exhibits, level, files, steps(level, len(files), self.bundle.options.attach),
                    [])


def as_parts(made: Made) -> tuple[Part, ...]:
    """The files of ``made`` as parts with their figures."""
    return tuple(Part(file.exhibits, file.transcript, Estimate(file.pages, file.bytes))
                 for file in made.files)


def steps(level: Level, files: int, attach: bool) -> tuple[str, ...]:
    """What fitting changed, in words (in the language in use): ``level``'s steps, and the
    split into ``files``."""
    split = (ngettext("split the evidence into %(num)d PDF file",
                      "split the evidence into %(num)d PDF files", files),) if files > 1 else ()
    return (*split, *level.steps(attach))


def candidates(level: Level, limits: Budget, *, last: bool) -> list[Level]:
    """What to try of a rung: ``level``, then its compact layout where pages are limited (it
    costs no picture quality) or on the last rung (where it saves the bytes of a page)."""
    paged = limits.file_pages is not None or limits.total_pages is not None
    if level.compact or not (paged or last):
        return [level]
    return [level, replace(level, compact=True)]


def within(limits: Budget, files: Sequence[PdfFile]) -> bool:
    """Whether ``files`` (one file, or the parts of a split) meet ``limits``."""
    if len(files) == 1:
        (file,) = files
        return ((limits.pdf_bytes is None or file.bytes <= limits.pdf_bytes)
                and (limits.pdf_pages is None or file.pages <= limits.pdf_pages))
    each = all((limits.file_bytes is None or file.bytes <= limits.file_bytes)
               and (limits.file_pages is None or file.pages <= limits.file_pages)
               for file in files)
    return (each and (limits.total_bytes is None
                      or sum(f.bytes for f in files) <= limits.total_bytes)
            and (limits.total_pages is None
                 or sum(f.pages for f in files) <= limits.total_pages)
            and (limits.max_files is None or len(files) <= limits.max_files))


def _overrun(bundle: Bundle, level: Level, content: Content, last: Made,
             calibration: Calibration) -> Overrun:
    """What is over the budget, as the last rung made it."""
    limits, split = bundle.budget, bundle.options.split
    assert limits is not None
    weights = contents.weights(last.exhibits)
    alone: list[tuple[str, int, int]] = []
    splittable = not split and budget.plan(
        content, weights, level, limits, split=True, calibration=calibration) is not None
    if split:
        for weight in weights:
            part = budget.estimate(content, [weight], level, transcript=False,
                                   calibration=calibration)
            if (limits.file_bytes is not None and part.bytes > limits.file_bytes) or (
                    limits.file_pages is not None and part.pages > limits.file_pages):
                alone.append((weight.label, part.bytes, part.pages))
    return Overrun(
        budget=limits,
        files=tuple((file.path.name, file.bytes, file.pages) for file in last.files),
        heaviest=_heaviest(weights), split=split, alone=tuple(alone), splittable=splittable,
        text_bytes=sum(f.bytes for f in last.files) - sum(w.pdf_bytes for w in weights),
    )


def _heaviest(weights: Sequence[Weight]) -> tuple[Weight, ...]:
    return tuple(sorted(weights, key=lambda weight: -weight.pdf_bytes)[:3])
