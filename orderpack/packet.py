"""`orderpack build`: validate, process the evidence, write the packet — all or nothing.

:func:`build` prepares what the packet is made of (:mod:`orderpack.contents`), writes it
into a staging folder and swaps it in for the output folder (:mod:`orderpack.output_folder`),
so a failed or interrupted build leaves the previous packet as it was; input files are
only ever read. With a budget (``Options.max_bytes``, ``max_pages`` or ``fit``) the
evidence PDF is fitted into it (:mod:`orderpack.fitting`); if it cannot be, BudgetError is
raised before anything is swapped in. :func:`preflight` (``orderpack build --dry-run``)
walks the same fitting with estimates in place of renders, and writes nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

from orderpack import (
    budget,
    contents,
    destinations,
    evidence,
    evidence_pdf,
    fitting,
    fonts,
    i18n,
    manifest,
    narrative,
    output_folder,
    timeline,
)
from orderpack.api_types import (
    BuildResult,
    Cleaned,
    DisputeText,
    Options,
    PdfFile,
    Preflight,
    Progress,
)
from orderpack.budget import Level
from orderpack.contents import DISPUTE_TEXT, EXHIBITS_DIR, MANIFEST, TEXT_CAP, Bundle
from orderpack.errors import BudgetError, OrderpackError
from orderpack.evidence import Exhibit, Original
from orderpack.evidence_pdf import Renderer
from orderpack.i18n import mark
from orderpack.model import Case
from orderpack.overrun import Overrun
from orderpack.validation import validate, validate_for_build
from orderpack.words import format_size

#: The steps a build tells ``progress`` of, by these words: English, and catalog entries, so
#: that a front end shows them in its own language (``i18n.gettext(step)``, as the web page
#: does). A build fitted into a budget also tells of each fitting step, in the packet's
#: language.
# Translators: a step of a build, shown while it runs; the page capitalises its first letter.
VALIDATING = mark("validating")
# Translators: a step of a build, shown while it runs; the page capitalises its first letter.
PROCESSING = mark("processing evidence")
# Translators: a step of a build, shown while it runs; the page capitalises its first letter.
WRITING = mark("writing the dispute text")
# Translators: a step of a build, shown while it runs; the page capitalises its first letter.
RENDERING = mark("rendering the PDF")

__all__ = ["BuildResult", "Cleaned", "DisputeText", "Options", "PdfFile", "Preflight", "Progress",
           "build", "dispute_text", "preflight"]


def build(
    order_path: str | Path,
    today: date,
    options: Options | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the packet for the case at ``order_path`` as of ``today``."""
    options = options or Options()
    step = progress or (lambda _message: None)
    step(VALIDATING)
    # Each evidence file is read once, here: checked and hashed for the whole build.
    case, originals = validate_for_build(order_path, lang=options.lang)
    out = (options.out or case.folder / "out").absolute()
    output_folder.check(out, case)
    with contents.cache_folder(options) as (options, cache_warnings), \
            i18n.using(language(case, options).tag):
        result = _build(case, originals, out, today, options, step)
    with i18n.using(case.order.buyer.language) as buyer:
        upload = timeline.upload_advice(case.profile, len(result.exhibits))
    return replace(result, warnings=[*cache_warnings, *result.warnings], upload=upload,
                   language=buyer)


def language(case: Case, options: Options) -> i18n.Choice:
    """The packet's language, and why (see :func:`orderpack.i18n.packet_language`)."""
    order = case.order
    return i18n.packet_language(order.platform, order.buyer.language, order.dispute.language,
                                options.lang)


def _build(case: Case, originals: list[Original], out: Path, today: date, options: Options,
           step: Progress) -> BuildResult:
    bundle = contents.prepare(case, today, options, originals)
    step(PROCESSING)
    level = budget.ladder(options.attach)[0]
    planned = evidence_pdf.plan(case, originals)
    pace = evidence.Pace()
    with _processing(case, options, level, originals, pace) as pending:
        # While the pictures are made, the PDF is laid out (text only: its pictures are
        # placed afterwards), unless a budget may change the layout.
        early = None
        if bundle.budget is None:
            early = _lay_out_early(bundle, planned, level)
        if early is not None and not pending.done():
            # Held from now until the pictures are made: those still to make are made one
            # at a time beside it, not one per core (see evidence.Pace); and what the
            # layout freed (gc.collect in pdf.lay_out) is given back meanwhile.
            pace.slow()
            evidence.give_back_freed_memory()
        exhibits = pending.result()
    text = contents.dispute_text(bundle, exhibits)
    if not text.fits:
        raise BudgetError(narrative.overrun(text))
    bundle = replace(bundle.with_text(text), inputs=manifest.inputs(case, exhibits))

    with output_folder.locked(out.parent), output_folder.staging(
            out, lambda: output_folder.check(out, case)) as stage:
        step(WRITING)
        (stage / DISPUTE_TEXT).write_text(text.text, encoding="utf-8")
        step(RENDERING)
        fitted = fitting.fit(bundle, exhibits, Renderer(bundle, stage, planned, early), step)
        if isinstance(fitted, Overrun):
            with i18n.using(case.order.buyer.language):  # what to do is said to the buyer
                raise BudgetError(fitted.message())
        exhibits, files = fitted.exhibits, fitted.files
        staged = [stage / EXHIBITS_DIR / exhibit.upload_name for exhibit in exhibits]

        warnings = [f"Exhibit {e.label}: {w}" for e in exhibits for w in e.warnings]
        warnings += [f"PDF: {message}" for message in dict.fromkeys(fitted.warnings)]
        warnings += fonts.missing_font_warnings(contents.all_text(bundle.facts), i18n.current())
        warnings += _limit_warnings(bundle, files, exhibits)
        warnings += _length_warnings(bundle, text)
        record = manifest.write(case, today, bundle.inputs, stage, limit=bundle.char_limit,
                                characters=text.characters,
                                order_file=manifest.order_file(case, out))
        if bundle.budget is not None or options.split:
            record["fit"] = manifest.fit_record(bundle.budget, fitted.steps, files)
        (stage / MANIFEST).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n",
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
        fit_steps=_steps_for_buyer(case, fitted, options),
        cleaned=tuple(Cleaned(e.label, out / EXHIBITS_DIR / path.name, e.redacted, e.removed)
                      for e, path in zip(exhibits, staged, strict=True)
                      if e.redacted or e.removed),
    )


@contextlib.contextmanager
def _processing(case: Case, options: Options, level: Level, originals: Sequence[Original],
                pace: evidence.Pace) -> Iterator[Future[list[Exhibit]]]:
    """The exhibits of ``case``, being made on another thread (which starts the image
    workers, at ``pace``) while the caller goes on; waited for even if the caller fails, so
    that no worker outlives the build."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="orderpack-evidence")
    try:
        # In a copy of the caller's context, so that the work speaks the build's language.
        yield pool.submit(contextvars.copy_context().run, contents.process, case, options,
                          level, originals, pace)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _lay_out_early(bundle: Bundle, planned: list[evidence_pdf.Planned],
                   level: Level) -> evidence_pdf.Early | None:
    """The evidence PDF laid out from the planned exhibits; None where the text does not fit
    or the layout fails: the build then finds the same problem in its own order."""
    text = contents.dispute_text(bundle, planned)
    if not text.fits:
        return None
    try:
        return evidence_pdf.lay_out_early(bundle.with_text(text), planned, level)
    except OrderpackError:
        return None


def preflight(order_path: str | Path, today: date, options: Options | None = None,
              progress: Progress | None = None) -> Preflight:
    """Estimate the pages and size of the packet, and whether and how it fits the budget,
    without rendering it or writing anything but the exhibit cache. ``progress`` hears of
    each fitting step as :func:`build` would take it."""
    options = options or Options()
    case = validate(order_path, lang=options.lang)
    with contents.cache_folder(options) as (options, _warnings), \
            i18n.using(language(case, options).tag):
        return _preflight(case, today, options, progress or (lambda _message: None))


def dispute_text(order_path: str | Path, today: date,
                 options: Options | None = None) -> DisputeText:
    """The dispute text :func:`build` would write now, fitted to the form's limit, with its
    count; writes nothing but the exhibit cache (the text names the exhibits)."""
    options = options or Options()
    case = validate(order_path, lang=options.lang)
    with contents.cache_folder(options) as (options, _warnings), \
            i18n.using(language(case, options).tag):
        bundle = contents.prepare(case, today, options)
        exhibits = contents.process(case, options, budget.ladder(options.attach)[0])
        text = contents.dispute_text(bundle, exhibits)
    return DisputeText(text.text, text.characters, bundle.char_limit, text.dropped, text.fits)


def _preflight(case: Case, today: date, options: Options, step: Progress) -> Preflight:
    bundle = contents.prepare(case, today, options)
    first = budget.ladder(options.attach)[0]
    exhibits = contents.process(case, options, first)
    text = contents.dispute_text(bundle, exhibits)
    if not text.fits:
        raise BudgetError(narrative.overrun(text))
    bundle = bundle.with_text(text)
    content = bundle.content(exhibits)
    destination = destinations.load(options.fit or case.order.platform)
    result = Preflight(order_path=case.path,
                       estimate=budget.estimate(content, contents.weights(exhibits), first),
                       exhibits=len(exhibits),
                       largest_exhibit=max((e.file_size for e in exhibits), default=0),
                       destination=destination, budget=bundle.budget,
                       language=case.order.buyer.language)
    if bundle.budget is None:
        return result
    fitted = fitting.fit(bundle, exhibits, fitting.Estimator(bundle, content), step)
    if isinstance(fitted, Overrun):
        return replace(result, overrun=replace(fitted, estimated=True))
    return replace(result, parts=fitting.as_parts(fitted),
                   steps=_steps_for_buyer(case, fitted, options))


def _steps_for_buyer(case: Case, fitted: fitting.Made, options: Options) -> tuple[str, ...]:
    """What fitting changed, said in the buyer's language, as the rest of what a build or its
    dry run tells the buyer (the packet's language may be another)."""
    with i18n.using(case.order.buyer.language):
        return fitting.steps(fitted.level, len(fitted.files), options.attach)


def _limit_warnings(bundle: Bundle, files: Sequence[PdfFile],
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
                f"the evidence ({format_size(size)}, {pages} pages) is more than "
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


def _length_warnings(bundle: Bundle, text: narrative.Narrative) -> list[str]:
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
