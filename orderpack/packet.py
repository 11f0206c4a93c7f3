"""`orderpack build`: validate, process the evidence, write the packet — all or nothing.

The packet is written into a temporary folder beside the output folder and swapped
in at the end, so a failed or interrupted build leaves the previous packet as it
was. Input files are only ever read.

With a budget (``Options.max_bytes``, ``max_pages`` or ``fit``), the evidence is fitted
into it step by step, as :mod:`orderpack.budget` describes; if it cannot be, BudgetError
is raised before anything is swapped in. :func:`preflight` estimates the packet without
rendering or writing it (``orderpack build --dry-run``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from orderpack import (
    __version__,
    budget,
    cache,
    chat,
    destinations,
    evidence,
    facts,
    fonts,
    narrative,
    pdf,
    render,
    timeline,
)
from orderpack.budget import Budget, Calibration, Content, Estimate, Level, Overrun, Part, Weight
from orderpack.errors import BudgetError, BuildError
from orderpack.evidence import Exhibit, slug
from orderpack.loader import visible
from orderpack.validation import Case, validate

MANIFEST = "manifest.json"
DISPUTE_TEXT = "dispute.txt"
EVIDENCE_PDF = "evidence.pdf"
EXHIBITS_DIR = "exhibits"
#: Inside the staging folder, while the PDF is rendered: the JPEGs it shows where they are
#: not the exhibits themselves (:attr:`Exhibit.pdf_file`). Removed before the manifest is
#: written.
RENDITIONS_DIR = ".pdf-images"
STAGING_PREFIX = ".orderpack-"

#: Characters above which a dispute text is longer than forms take, when its destination's
#: limit is not known: the quoted replies of a long conversation are left out of the text
#: (the evidence PDF keeps them all) to stay under it, and a longer text is warned of.
TEXT_CAP = 5_000
#: The mark of a quoted reply in the dispute text's template (``[drop:7]``).
QUOTED_REPLY = 7

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
        """e.g. "B: 1 box blacked out — check exhibits/B-chat.png"."""
        done = []
        if self.boxes:
            done.append(f"{self.boxes} box{'es' if self.boxes > 1 else ''} blacked out")
        if self.removed:
            listed = (", ".join(self.removed[:-1]) + " and " + self.removed[-1]
                      if len(self.removed) > 1 else self.removed[0])
            done.append(f"removed {listed}")
        return (f"{self.label}: {'; '.join(done)} — check "
                f"{self.exhibit.relative_to(relative_to).as_posix()}")


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


def build(
    order_path: str | Path,
    today: date,
    options: Options | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the packet for the case at ``order_path`` as of ``today``."""
    options = options or Options()
    step = progress or (lambda _message: None)
    step("validating")
    case = validate(order_path)
    out = (options.out or case.folder / "out").absolute()
    _check_output_folder(out, case)
    with _cache_folder(options) as (options, cache_warnings):
        result = _build(case, out, today, options, step)
    return replace(result, warnings=[*cache_warnings, *result.warnings])


def _build(case: Case, out: Path, today: date, options: Options,
           step: Progress) -> BuildResult:
    bundle = _prepare(case, today, options)
    step("processing evidence")
    levels = budget.ladder(options.attach)
    exhibits = _process(case, options, levels[0])
    text = _dispute_text(bundle, exhibits)
    if not text.fits:
        raise BudgetError(narrative.overrun(text))
    bundle = replace(bundle, inputs=_inputs(case, exhibits),
                     narrative=tuple(" ".join(s.text for s in p) for p in text.paragraphs))

    with _locked(out.parent), _staging(out, lambda: _check_output_folder(out, case)) as stage:
        step("writing the dispute text")
        (stage / DISPUTE_TEXT).write_text(text.text, encoding="utf-8")
        step("rendering the PDF")
        fitted = _Fitter(bundle, stage, step).run(levels, exhibits)
        exhibits, files = fitted.exhibits, fitted.files
        staged = [stage / EXHIBITS_DIR / exhibit.upload_name for exhibit in exhibits]

        warnings = [f"Exhibit {e.label}: {w}" for e in exhibits for w in e.warnings]
        warnings += [f"PDF: {message}" for message in dict.fromkeys(fitted.warnings)]
        warnings += fonts.missing_font_warnings(_all_text(bundle.facts))
        warnings += _limit_warnings(bundle, files, exhibits)
        warnings += _length_warnings(bundle, text)
        manifest = _manifest(case, today, bundle.inputs, stage, bundle.char_limit,
                             text.characters, _order_file(case, out))
        if bundle.budget is not None or options.split:
            manifest["fit"] = _fit_record(bundle.budget, fitted.steps, files)
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    pdf_files = tuple(replace(file, path=out / file.path.name) for file in files)
    return BuildResult(
        out=out,
        dispute_text=out / DISPUTE_TEXT,
        evidence_pdf=pdf_files[0].path,
        exhibits=[out / EXHIBITS_DIR / path.name for path in staged],
        manifest=out / MANIFEST,
        characters=text.characters,
        char_limit=bundle.char_limit,
        dropped=text.dropped,
        pages=sum(file.pages for file in files),
        pdf_bytes=sum(file.bytes for file in files),
        warnings=warnings,
        pdf_files=pdf_files,
        budget=bundle.budget,
        fit_steps=fitted.steps,
        cleaned=tuple(Cleaned(e.label, out / EXHIBITS_DIR / path.name, e.redacted, e.removed)
                      for e, path in zip(exhibits, staged, strict=True)
                      if e.redacted or e.removed),
    )


# --- preflight ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preflight:
    """What a build would make, estimated without rendering (``build --dry-run``)."""

    order_path: Path
    estimate: Estimate
    """The evidence PDF as a build without a budget makes it."""
    exhibits: int
    largest_exhibit: int
    """Bytes of the largest exhibit file (0 without exhibits)."""
    destination: destinations.Destination
    """--fit's destination, else the case's platform."""
    budget: Budget | None
    parts: tuple[Part, ...] = ()
    """What the build would write to meet the budget (one part unless split)."""
    steps: tuple[str, ...] = ()
    """What the build would change to meet it."""
    overrun: Overrun | None = None
    """Set when it cannot be met."""


def preflight(order_path: str | Path, today: date, options: Options | None = None) -> Preflight:
    """Estimate the pages and size of the packet, and whether and how it fits the budget,
    without rendering it or writing anything but the exhibit cache."""
    options = options or Options()
    case = validate(order_path)
    with _cache_folder(options) as (options, _warnings):
        return _preflight(case, today, options)


def _preflight(case: Case, today: date, options: Options) -> Preflight:
    bundle = _prepare(case, today, options)
    levels = budget.ladder(options.attach)
    exhibits = _process(case, options, levels[0])
    text = _dispute_text(bundle, exhibits)
    if not text.fits:
        raise BudgetError(narrative.overrun(text))
    bundle = replace(bundle, narrative=tuple(" ".join(s.text for s in p)
                                             for p in text.paragraphs))
    content = bundle.content(exhibits)
    first = budget.estimate(content, _weights(exhibits), levels[0])
    destination = (destinations.load(options.fit) if options.fit
                   else destinations.load(case.order.platform))
    result = Preflight(order_path=case.path, estimate=first, exhibits=len(exhibits),
                       largest_exhibit=max((e.file_size for e in exhibits), default=0),
                       destination=destination, budget=bundle.budget)
    if bundle.budget is None:
        return result
    if bundle.budget.file_bytes is None and bundle.budget.total_bytes is None:
        levels = levels[:1]  # only the layout changes the page count, not the pictures
    for number, level in enumerate(levels):
        if number:
            exhibits = _process(case, options, level)
        for candidate in _candidates(level, bundle.budget, last=number == len(levels) - 1):
            parts = budget.plan(content, _weights(exhibits), candidate,
                                bundle.budget, split=options.split)
            if parts is not None:
                return replace(result, parts=tuple(parts),
                               steps=_steps(candidate, len(parts), options.attach))
    level = replace(levels[-1], compact=True)
    weights = _weights(exhibits)
    whole = budget.estimate(content, weights, level)
    splittable = not options.split and budget.plan(
        content, weights, level, bundle.budget, split=True) is not None
    return replace(result, overrun=Overrun(
        budget=bundle.budget, files=((EVIDENCE_PDF, whole.bytes, whole.pages),),
        heaviest=_heaviest(weights), split=options.split, splittable=splittable,
        estimated=True, text_bytes=whole.bytes - sum(w.pdf_bytes for w in weights)))


# --- the parts of a build -----------------------------------------------------------------


@dataclass(frozen=True)
class _Bundle:
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
    narrative: tuple[str, ...] = ()

    def content(self, exhibits: Sequence[Exhibit]) -> Content:
        messages = self.facts.messages
        return Content(
            narrative=self.narrative,
            index=tuple((e.caption, e.source) for e in exhibits),
            events=tuple((event.place or "—", event.status)
                         for event in self.facts.tracking.events),
            messages=tuple((m.text, m.translation or "") for m in messages),
            cjk=budget.has_cjk([*_all_text(self.facts), *(e.caption for e in exhibits)]),
            attached_bytes=self.case.path.stat().st_size,
            content_width_mm=self.paper.content_width_mm,
            content_height_mm=self.paper.content_height_mm,
        )


@contextlib.contextmanager
def _cache_folder(options: Options) -> Iterator[tuple[Options, list[str]]]:
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


def _prepare(case: Case, today: date, options: Options) -> _Bundle:
    if options.paper not in pdf.PAPERS:
        raise BuildError(f"unknown paper size {options.paper!r}; use a4 or letter")
    destination = destinations.load(options.fit) if options.fit else None
    messages = chat.load_messages(case)
    return _Bundle(
        case=case, today=today, options=options,
        facts=facts.gather(case, today, messages),
        status=timeline.compute(case.order, case.profile, today),
        paper=pdf.PAPERS[options.paper],
        char_limit=(options.max_chars if options.max_chars is not None
                    else case.profile.limits.description_chars),
        budget=budget.resolve(destination, options.max_bytes, options.max_pages),
        inputs=[],
    )


def _process(case: Case, options: Options, level: Level) -> list[Exhibit]:
    return evidence.process(case, cache_dir=options.cache_dir, workers=options.workers,
                            settings=level.settings)


def _dispute_text(bundle: _Bundle, exhibits: list[Exhibit]) -> narrative.Narrative:
    context: dict[str, Any] = {"facts": bundle.facts, "exhibits": exhibits,
                               "status": bundle.status}
    rendered = render.render("dispute.txt.j2", context, kind="text",
                             override=bundle.options.templates)
    fitted = narrative.fit(narrative.parse(rendered), bundle.char_limit)
    if bundle.char_limit is None and fitted.characters > TEXT_CAP:
        fitted = narrative.cap(fitted, TEXT_CAP, QUOTED_REPLY)
    return fitted


def _weights(exhibits: Sequence[Exhibit]) -> list[Weight]:
    return [Weight(label=e.label, caption=e.caption, source=e.source, kind=e.kind,
                   pages=e.pages, file_bytes=e.file_size,
                   pdf_bytes=budget.pdf_bytes(e.pdf_file or e.file))
            for e in exhibits]


def _steps(level: Level, files: int, attach: bool) -> tuple[str, ...]:
    """What fitting changed, in words: ``level``'s steps, and the split into ``files``."""
    split = (f"split the evidence into {files} PDF files",) if files > 1 else ()
    return (*split, *level.steps(attach))


def _heaviest(weights: Sequence[Weight]) -> tuple[Weight, ...]:
    return tuple(sorted(weights, key=lambda weight: -weight.pdf_bytes)[:3])


def _candidates(level: Level, limits: Budget, *, last: bool) -> list[Level]:
    """What to try of a rung: ``level``, then its compact layout where pages are limited (it
    costs no picture quality) or on the last rung (where it saves the bytes of a page)."""
    paged = limits.file_pages is not None or limits.total_pages is not None
    if level.compact or not (paged or last):
        return [level]
    return [level, replace(level, compact=True)]


@dataclass(frozen=True)
class _Fitted:
    exhibits: list[Exhibit]
    level: Level
    files: list[PdfFile]
    """Paths inside the staging folder."""
    steps: tuple[str, ...]
    warnings: list[str]


class _Fitter:
    """Renders the evidence PDF, climbing the ladder of :mod:`orderpack.budget` until it
    fits the budget. The estimate picks the first rung worth rendering; each render then
    calibrates it, so most builds render once or twice."""

    def __init__(self, bundle: _Bundle, stage: Path, step: Progress) -> None:
        self.bundle = bundle
        self.stage = stage
        self.step = step
        self.calibration = {False: Calibration(), True: Calibration()}
        """By layout (compact or not): what renders measured beyond the estimates."""
        self.measured: set[bool] = set()

    def run(self, levels: list[Level], exhibits: list[Exhibit]) -> _Fitted:
        bundle, limits = self.bundle, self.bundle.budget
        if limits is None:
            return self._render(exhibits, levels[0], None)
        content = bundle.content(exhibits)
        if limits.file_bytes is None and limits.total_bytes is None:
            levels = levels[:1]  # only the layout changes the page count, not the pictures
        last: _Fitted | None = None
        for number, level in enumerate(levels):
            if number:
                exhibits = _process(bundle.case, bundle.options, level)
            for candidate in _candidates(level, limits, last=number == len(levels) - 1):
                weights = _weights(exhibits)
                for _attempt in range(2):
                    # Until a render has measured the model's error, give it some slack.
                    compact = candidate.compact
                    parts = budget.plan(content, weights, candidate, limits,
                                        split=bundle.options.split,
                                        calibration=self.calibration[compact],
                                        slack=compact not in self.measured)
                    if parts is None:
                        break
                    self.step("fitting the PDF to the budget: " + "; ".join(
                        _steps(candidate, len(parts), bundle.options.attach) or ["as it is"]))
                    last = self._render(exhibits, candidate, parts)
                    if self._within(last.files):
                        return last
        level = replace(levels[-1], compact=True)
        if last is None or last.level != level or len(last.files) != 1:
            last = self._render(exhibits, level, None)
            if self._within(last.files):
                return last  # the estimate was too careful
        raise self._overrun(level, exhibits, content, last)

    def _within(self, files: list[PdfFile]) -> bool:
        limits = self.bundle.budget
        assert limits is not None
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

    def _overrun(self, level: Level, exhibits: list[Exhibit], content: Content,
                 last: _Fitted) -> BudgetError:
        """The report of a budget that cannot be met, measured on the last rung."""
        limits = self.bundle.budget
        assert limits is not None
        weights = _weights(exhibits)
        calibration = self.calibration[True]
        alone: list[tuple[str, int, int]] = []
        splittable = not self.bundle.options.split and budget.plan(
            content, weights, level, limits, split=True, calibration=calibration) is not None
        if self.bundle.options.split:
            for weight in weights:
                part = budget.estimate(content, [weight], level, transcript=False,
                                       calibration=calibration)
                if (limits.file_bytes is not None and part.bytes > limits.file_bytes) or (
                        limits.file_pages is not None and part.pages > limits.file_pages):
                    alone.append((weight.label, part.bytes, part.pages))
        return BudgetError(Overrun(
            budget=limits,
            files=tuple((file.path.name, file.bytes, file.pages) for file in last.files),
            heaviest=_heaviest(weights), split=self.bundle.options.split,
            alone=tuple(alone), splittable=splittable,
            text_bytes=sum(f.bytes for f in last.files) - sum(w.pdf_bytes for w in weights),
        ).message())

    def _render(self, exhibits: list[Exhibit], level: Level,
                parts: list[Part] | None) -> _Fitted:
        """Write ``exhibits`` into the staging folder and render the bundle (or its parts)."""
        folder = self.stage / EXHIBITS_DIR
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        staged = []
        for exhibit in exhibits:
            target = folder / exhibit.upload_name
            shutil.copyfile(exhibit.file, target)
            staged.append(target)
        for previous in self.stage.glob("evidence*.pdf"):
            previous.unlink()
        renditions = self.stage / RENDITIONS_DIR
        renditions.mkdir()
        views = []
        for exhibit, target in zip(exhibits, staged, strict=True):
            shown = target
            if exhibit.pdf_file is not None:
                shown = renditions / (target.stem + exhibit.pdf_file.suffix)
                shutil.copyfile(exhibit.pdf_file, shown)
            views.append(_ExhibitView.of(exhibit, target, shown))
        try:
            fitted = self._render_views(views, exhibits, level, parts)
        except BaseException:
            shutil.rmtree(renditions, ignore_errors=True)  # the staging folder goes anyway
            raise
        shutil.rmtree(renditions)  # not ignored: the folder must not be in the packet
        return fitted

    def _render_views(self, views: list[_ExhibitView], exhibits: list[Exhibit], level: Level,
                      parts: list[Part] | None) -> _Fitted:
        if parts is None or len(parts) == 1:
            rendered = self._render_file(views, level, None, {}, self.stage / EVIDENCE_PDF)
            files = [PdfFile(rendered.path, rendered.pages, rendered.bytes,
                             tuple(view.label for view in views), True)]
            warnings = rendered.warnings
        else:
            files, warnings = self._render_parts(views, level, [p.labels for p in parts])
        if parts is not None and len(parts) == len(files):
            old = self.calibration[level.compact]
            self.calibration[level.compact] = Calibration(
                bytes=max(file.bytes - part.estimate.bytes + old.bytes
                          for file, part in zip(files, parts, strict=True)),
                pages=max(file.pages - part.estimate.pages + old.pages
                          for file, part in zip(files, parts, strict=True)))
            self.measured.add(level.compact)
        return _Fitted(exhibits, level, files,
                       _steps(level, len(files), self.bundle.options.attach), list(warnings))

    def _render_parts(self, views: list[_ExhibitView], level: Level,
                      groups: list[tuple[str, ...]]) -> tuple[list[PdfFile], list[str]]:
        """Render each part; again while the pages the indexes give for the other parts'
        exhibits are not yet the pages they are on."""
        part_of = {label: number for number, group in enumerate(groups, 1) for label in group}
        pages: dict[str, int] = {}
        rendered: list[pdf.Rendered] = []
        for _pass in range(3):
            rendered = [self._render_file(views, level, (number, groups), pages,
                                          self.stage / f"evidence-{number}.pdf")
                        for number in range(1, len(groups) + 1)]
            found = {label: rendered[part_of[label] - 1].anchors[f"exhibit-{label}"] + 1
                     for label in part_of}
            if found == pages:
                break
            pages = found
        files = []
        for number, (group, result) in enumerate(zip(groups, rendered, strict=True), 1):
            files.append(PdfFile(result.path, result.pages, result.bytes, group, number == 1))
        return files, [warning for result in rendered for warning in result.warnings]

    def _render_file(self, views: list[_ExhibitView], level: Level,
                     part: tuple[int, list[tuple[str, ...]]] | None,
                     pages: dict[str, int], target: Path) -> pdf.Rendered:
        bundle = self.bundle
        case, case_facts, options = bundle.case, bundle.facts, bundle.options
        number, groups = part if part is not None else (1, [tuple(v.label for v in views)])
        shown = [view for view in views if view.label in groups[number - 1]]
        part_of = {label: n for n, group in enumerate(groups, 1) for label in group}
        index = [{"exhibit": view, "part": part_of[view.label],
                  "here": part_of[view.label] == number, "page": pages.get(view.label, "—")}
                 for view in views]
        html = render.render("evidence.html.j2", {
            "facts": case_facts,
            "status": bundle.status,
            "exhibits": shown,
            "index": index,
            "narrative": list(bundle.narrative),
            "tracking": case_facts.tracking,
            "messages": case_facts.messages,
            "transcript": number == 1,
            "part": {"number": number, "count": len(groups)} if part is not None else None,
            "compact": level.compact,
            "paper": bundle.paper,
            "slot_header_mm": pdf.SLOT_HEADER_MM,
            "title": f"Evidence for order {case_facts.order_number}" + (
                f", part {number} of {len(groups)}" if part is not None else ""),
            "lang": "en",
        }, kind="html", override=options.templates)
        slots = [
            pdf.Slot(anchor=f"slot-{view.label}-{page + 1}", source=view.path, page_index=page,
                     alt=f"Exhibit {view.label}: {view.caption}" + (
                         f" (page {page + 1} of {view.pages})" if view.pages > 1 else ""))
            for view in shown if view.kind == "pdf" for page in range(view.pages)
        ]
        attachments = []
        if level.attach:
            if number == 1:
                attachments = [pdf.Attachment(case.path, case.path.name, "The case's order file")]
            attachments += [
                pdf.Attachment(view.path, view.path.name, f"Exhibit {view.label}: {view.caption}")
                for view in shown
            ]
        suffix = f" (part {number} of {len(groups)})" if part is not None else ""
        return pdf.render(
            html,
            target=target,
            base_dir=self.stage,
            allowed={view.shown for view in shown},
            metadata=pdf.Metadata(
                title=f"Evidence for {case.profile.name} order {case_facts.order_number}"
                      + suffix,
                subject=f"Item not received: {case_facts.buyer_name} requests "
                        f"{case_facts.remedy_text}",
                keywords=[case.profile.name, "dispute", "item not received",
                          case_facts.order_number],
                author=case_facts.buyer_name,
                lang="en",
                day=bundle.today,
                identifier=_identifier(bundle.inputs, bundle.today, options,
                                       extra=None if bundle.budget is None and part is None
                                       else [level.steps(options.attach), number]),
            ),
            slots=slots,
            attachments=attachments,
            paper=bundle.paper,
        )


def _limit_warnings(bundle: _Bundle, files: Sequence[PdfFile],
                    exhibits: Sequence[Exhibit]) -> list[str]:
    """What the buyer should know of the destination's limits, once the packet is built."""
    warnings = []
    limits = bundle.budget
    if limits is None:
        destination = destinations.load(bundle.case.order.platform)
        limits = budget.resolve(destination)
        size, pages = sum(file.bytes for file in files), sum(file.pages for file in files)
        if limits is not None and ((limits.pdf_bytes or size) < size
                                   or (limits.pdf_pages or pages) < pages):
            warnings.append(
                f"the evidence ({budget.format_size(size)}, {pages} pages) is more than "
                f"{destination.name} takes: {limits.describe()}; build again with "
                f"--fit {destination.id}")
        asked = [f"--{name}" for name, value in (("fit", bundle.options.fit),
                                                   ("split", bundle.options.split)) if value]
        if asked:
            known = destinations.load(bundle.options.fit or destination.id)
            warnings.append(
                f"no size or page limit is known for {known.name}, so {' and '.join(asked)} "
                "changed nothing; give a limit with --max-size or --max-pages")
    if limits is None or limits.destination is None or limits.file_types is None:
        return warnings
    taken = set(limits.file_types) | ({"jpg", "jpeg"} if {"jpg", "jpeg"} & set(
        limits.file_types) else set())
    refused = sorted({Path(e.upload_name).suffix[1:] for e in exhibits} - taken)
    if refused:
        source = limits.destination.limits.sources.get("attachment_types")
        unconfirmed = " (unconfirmed)" if source is not None and source.unconfirmed else ""
        warnings.append(
            f"{limits.destination.name} takes {', '.join(limits.file_types)} files"
            f"{unconfirmed}: upload the evidence PDF rather than the "
            f"{', '.join(refused).upper()} images in exhibits/")
    return warnings


def _length_warnings(bundle: _Bundle, text: narrative.Narrative) -> list[str]:
    """What the buyer should know of a dispute text that no known limit has shortened."""
    if bundle.char_limit is not None:
        return []
    name = bundle.case.profile.name
    warnings = []
    replies = len(bundle.facts.seller_replies)
    if text.dropped:
        kept = replies - len(text.dropped)
        warnings.append(
            f"no character limit is known for {name}'s form, and the seller's {replies} "
            f"replies would make the dispute text longer than forms take: it quotes {kept} "
            f"of them, to stay under {TEXT_CAP:,} characters (the evidence PDF has them all); "
            "give the form's limit with --max-chars")
    if text.characters > TEXT_CAP:
        warnings.append(
            f"the dispute text has {text.characters:,} characters; no limit is known for "
            f"{name}'s form, but forms rarely take more than {TEXT_CAP:,}: shorten "
            "`dispute.details`, or give the form's limit with --max-chars")
    return warnings


def _fit_record(limits: Budget | None, steps: Sequence[str],
                files: Sequence[PdfFile]) -> dict[str, Any]:
    """The manifest's record of the budget and what was done to meet it."""
    return {
        "budget": None if limits is None else {
            "destination": limits.destination.id if limits.destination else None,
            "file_bytes": limits.file_bytes, "total_bytes": limits.total_bytes,
            "file_pages": limits.file_pages, "total_pages": limits.total_pages},
        "steps": list(steps),
        "evidence": [{"path": file.path.name, "pages": file.pages, "bytes": file.bytes,
                      "exhibits": list(file.exhibits), "transcript": file.transcript}
                     for file in files],
    }


@dataclass(frozen=True)
class _ExhibitView:
    """What the PDF template sees of an exhibit: the exhibit plus its staged file's URL."""

    label: str
    caption: str
    date: date | None
    source: str
    original_sha256: str
    kind: str
    pages: int
    path: Path
    """The staged exhibit (in exhibits/)."""
    shown: Path
    """The staged file the PDF shows: ``path``, or its rendition."""
    src: str
    """The URL of ``shown``, relative to the staging folder."""

    @classmethod
    def of(cls, exhibit: Exhibit, staged: Path, shown: Path) -> _ExhibitView:
        relative = shown.parent.name + "/" + quote(shown.name)
        return cls(label=exhibit.label, caption=exhibit.caption, date=exhibit.date,
                   source=exhibit.source, original_sha256=exhibit.original_sha256,
                   kind=exhibit.kind, pages=exhibit.pages, path=staged, shown=shown,
                   src=relative)


#: Files a file manager adds to any folder it shows; a build may replace them.
_SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")


def _check_output_folder(out: Path, case: Case) -> None:
    """Refuse an ``out`` whose replacement would lose something the buyer made or chose:
    a file or a link in its place; a folder orderpack did not make (someone else's
    ``manifest.json`` does not count); the packet of another order file; anything put into
    a packet after it was built — files, folders, links — and any file of it changed since
    (its SHA-256 no longer the manifest's). Files a file manager adds are no loss."""
    try:
        if out.is_symlink():
            raise BuildError(_link_message(out))
        if out.exists() and not out.is_dir():
            raise BuildError(f"{out} exists and is not a folder; choose another --out")
        if out.is_dir() and any(out.iterdir()):
            manifest = _read_manifest(out)
            if manifest is None:
                raise BuildError(
                    f"{out} exists and was not made by orderpack (it has no {MANIFEST} of "
                    "orderpack's); orderpack will not overwrite it — choose another --out, "
                    "or empty that folder")
            _check_same_case(out, case, manifest)
            added, edited = _changes(out, manifest)
            if added:
                raise BuildError(
                    f"{out} holds files orderpack did not write ({_listed(added)}); a build "
                    "replaces the whole folder — move them elsewhere first, or choose another "
                    "--out")
            if edited:
                were = "was" if len(edited) == 1 else "were"
                raise BuildError(
                    f"{_listed([str(out / name) for name in edited])} {were} changed "
                    f"after orderpack wrote {'it' if len(edited) == 1 else 'them'} (the "
                    f"SHA-256 in {MANIFEST} no longer matches); a build would overwrite the "
                    "changes — move or rename what you want to keep, then build again")
        folder = case.folder.resolve()
        if out.resolve() == folder or folder.is_relative_to(out.resolve()):
            raise BuildError(f"--out {out} would replace the case folder itself; choose a "
                             "folder inside or beside it, e.g. the default out/")
    except RuntimeError:  # Path.resolve() on Python 3.11 and 3.12: "Symlink loop from …"
        raise BuildError(_loop_message(out)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BuildError(_loop_message(out)) from None
        raise BuildError(f"could not read {out}: {exc.strerror or exc}") from None


def _link_message(out: Path) -> str:
    try:
        target = out.resolve(strict=True)
    except RuntimeError:  # a loop, on Python 3.11 and 3.12
        return _loop_message(out)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _loop_message(out)
        return (f"{out} is a link to {out.readlink()}, which does not exist; delete the "
                "link, then build again")
    return (f"{out} is a link to {target}; orderpack does not write through links — delete "
            f"the link, or give the folder itself: --out {target}")


def _loop_message(out: Path) -> str:
    return (f"{out} is a symbolic link that leads back to itself (a loop); delete the link, "
            "then build again")


def _read_manifest(out: Path) -> dict[str, Any] | None:
    """``out``'s manifest if orderpack wrote it (it names orderpack's version), else None."""
    path = out / MANIFEST
    manifest: Any = None
    if path.is_file() and not path.is_symlink() and path.stat().st_size < 1 << 24:
        with contextlib.suppress(ValueError):
            manifest = json.loads(path.read_text(encoding="utf-8"))
    return manifest if isinstance(manifest, dict) and "orderpack_version" in manifest else None


def _order_file(case: Case, out: Path) -> str:
    """The case's order file as the manifest records it: its path from ``out``'s parent
    ("order.yaml" for the default out/), never an absolute path (it would show the buyer's
    account name)."""
    try:
        return Path(os.path.relpath(case.path.absolute(), out.parent)).as_posix()
    except ValueError:  # Windows: on another drive
        return case.path.name


def _check_same_case(out: Path, case: Case, manifest: dict[str, Any]) -> None:
    """Refuse to replace the packet of another order file (two in one folder share out/)."""
    recorded = manifest.get("order_file")
    inputs = manifest.get("inputs")
    if recorded is None and out.parent == case.folder.absolute() and isinstance(inputs, list) \
            and inputs and isinstance(inputs[0], dict):
        recorded = inputs[0].get("path")  # manifests before 0.2 name it as the first input
    this = _order_file(case, out)
    if not isinstance(recorded, str) or recorded == this:
        return
    own = out.with_name(f"{out.name}-{slug(case.path.stem)}")
    raise BuildError(
        f"{out} holds the packet built from {visible(recorded)}, not from {case.path.name}; "
        f"orderpack will not replace one case's packet with another's — give this case its "
        f"own folder with --out {own}, or move {case.path.name} and its evidence into a case "
        "folder of its own")


def _changes(out: Path, manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What is in ``out`` that orderpack did not write (files, folders, links), and the
    files it wrote that were changed since: paths relative to ``out``."""
    outputs = manifest.get("outputs")
    written = {entry["path"]: entry.get("sha256") for entry in
               (outputs if isinstance(outputs, list) else [])
               if isinstance(entry, dict) and isinstance(entry.get("path"), str)}
    folders = {EXHIBITS_DIR} | {parent.as_posix() for path in written
                                for parent in Path(path).parents if parent != Path()}
    added: list[str] = []
    edited: list[str] = []

    def walk(folder: Path, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                relative = prefix + entry.name
                if entry.is_symlink():
                    added.append(f"{relative} (a link)")
                elif entry.is_dir(follow_symlinks=False):
                    if relative in folders:
                        walk(Path(entry.path), relative + "/")
                    else:
                        added.append(relative + "/")
                elif relative == MANIFEST:
                    continue
                elif relative in written and entry.is_file(follow_symlinks=False):
                    if cache.file_sha256(Path(entry.path)) != written[relative]:
                        edited.append(relative)
                elif entry.name not in _SYSTEM_FILES and not entry.name.startswith("._"):
                    added.append(relative)

    walk(out, "")
    return added, edited


def _listed(names: list[str]) -> str:
    shown = [visible(name) for name in names[:3]]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(shown) + more


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so two builds never swap at the same time.

    The lock is ``flock`` on the folder itself: nothing is written for it, so nothing
    stays behind in the buyer's folder (a lock file would).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"could not create the folder {folder}: {exc.strerror or exc}") from None
    try:
        import fcntl
    except ImportError:  # Windows: the swap is still all-or-nothing, last writer wins.
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise BuildError(f"could not open the folder {folder}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


NEW_PREFIX = STAGING_PREFIX + "new-"
"""A packet being written."""
OLD_PREFIX = STAGING_PREFIX + "old-"
"""The previous packet, moved aside while the new one takes its place; named
``.orderpack-old-XXXXXXXX~OUT`` after the folder it was."""


@contextlib.contextmanager
def _staging(out: Path, check: Callable[[], None]) -> Iterator[Path]:
    """A temporary folder beside ``out``, swapped in for ``out`` only if the block succeeds.

    Use it holding :func:`_locked` on ``out.parent``: a staging folder found there then
    belongs to a build that was killed (nothing cleans up after SIGKILL), and is removed
    first. If a kill came between the two renames of a swap, the previous packet, moved
    aside, is put back as ``out`` before that. Then ``check`` runs (may ``out`` be
    replaced?) — under the lock, so no other build changes ``out`` before the swap.
    """
    stage: Path | None = None
    old: Path | None = None
    try:
        if os.name == "posix":  # elsewhere _locked locks nothing: another build may be running
            _clean_up(out)
        check()
        stage = Path(tempfile.mkdtemp(prefix=NEW_PREFIX, dir=out.parent))
        yield stage
        if out.exists():
            # Named for ``out`` (after the "~"), to be put back if a kill comes next.
            old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, suffix="~" + out.name,
                                        dir=out.parent))
            old.rmdir()
            out.rename(old)
        try:
            stage.rename(out)
            stage = None
        except BaseException:
            if old is not None:
                old.rename(out)
                old = None
            raise
    except OSError as exc:
        raise BuildError(f"could not write {out}: {exc.strerror or exc}") from None
    finally:
        for path in (stage, old):
            if path is not None:
                _remove(path)


def _clean_up(out: Path) -> None:
    """Remove what killed builds left beside ``out`` (only orderpack's own names, see
    :data:`NEW_PREFIX` and :data:`OLD_PREFIX`), after putting back as ``out`` a previous
    packet a kill left moved aside. The packet of another folder moved aside is left for
    that folder's build to put back."""
    left = [path for path in out.parent.iterdir()
            if path.name.startswith((NEW_PREFIX, OLD_PREFIX)) and path != out]
    aside = sorted((path for path in left if path.name.startswith(OLD_PREFIX)
                    and path.name.partition("~")[2] == out.name),
                   key=lambda path: path.lstat().st_mtime)
    if aside and not os.path.lexists(out):
        aside[-1].rename(out)
        left.remove(aside[-1])
    for path in left:
        name = path.name.partition("~")[2]
        if path.name.startswith(OLD_PREFIX) and name != out.name and name and not (
                os.path.lexists(out.parent / name)):
            continue
        _remove(path)


def _remove(path: Path) -> None:
    """Delete a folder orderpack made (or a link an earlier version moved aside), trying
    twice: whatever goes wrong (Python 3.13's ``rmtree`` fails on other calls than 3.11's),
    it must not stay behind, and it must not fail a build that has done its work. What
    still cannot be removed is removed by the next build."""
    for _attempt in range(2):
        try:
            if path.is_symlink() or not path.is_dir():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path)
            return
        except FileNotFoundError:
            return
        except Exception:  # anything, even a bug: tried again, else left for the next build
            continue


def _inputs(case: Case, exhibits: list[Exhibit]) -> list[dict[str, Any]]:
    entries = [{"path": case.path.name, "sha256": cache.file_sha256(case.path),
                "bytes": case.path.stat().st_size}]
    for item, exhibit in zip(case.order.evidence, exhibits, strict=True):
        path = evidence.resolve_inside(case.folder, item.file)  # the file validate found
        entries.append({"path": item.file, "sha256": exhibit.original_sha256,
                        "bytes": path.stat().st_size, "exhibit": exhibit.label})
    chat_import = case.order.messages
    names = [] if isinstance(chat_import, list) or chat_import is None else [
        name for name in (chat_import.file, chat_import.translation) if name]
    for name in names:
        path = evidence.resolve_inside(case.folder, name)
        entries.append({"path": Path(name).as_posix(),
                        "sha256": cache.file_sha256(path), "bytes": path.stat().st_size})
    return entries


def _identifier(inputs: list[dict[str, Any]], today: date, options: Options,
                extra: object = None) -> bytes:
    """The PDF's file identifier, from what it is made of; ``extra`` (a budget's fitting,
    a part's number) makes the PDFs of different fittings and parts differ."""
    digest = hashlib.sha256()
    parts: list[object] = [inputs, today.isoformat(), __version__, options.paper,
                           options.attach, options.max_chars]
    if extra is not None:
        parts.append(extra)
    digest.update(json.dumps(parts, sort_keys=True).encode())
    return digest.hexdigest()[:32].encode()


def _manifest(case: Case, today: date, inputs: list[dict[str, Any]], stage: Path,
              limit: int | None, characters: int, order_file: str) -> dict[str, Any]:
    outputs = [
        {"path": path.relative_to(stage).as_posix(), "sha256": cache.file_sha256(path),
         "bytes": path.stat().st_size}
        for path in sorted(stage.rglob("*")) if path.is_file()
    ]
    return {
        "orderpack_version": __version__,
        "today": today.isoformat(),
        "platform": case.order.platform,
        "order_number": case.order.order.number,
        "order_file": order_file,
        "dispute_text": {"characters": characters, "limit": limit},
        "inputs": inputs,
        "outputs": outputs,
    }


def _all_text(case_facts: facts.Facts) -> list[str]:
    texts = [case_facts.store, case_facts.items, case_facts.buyer_name, case_facts.details or ""]
    for message in case_facts.messages:
        texts += [message.text, message.translation or ""]
    for event in case_facts.tracking.events:
        texts += [event.status, event.place or ""]
    return texts
