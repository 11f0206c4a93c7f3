"""The command line's words: each result of the API as the text the CLI prints.

Pure functions: a result in, a string out (no trailing newline; the CLI adds it). Nothing
here reads files, the clock or the case: everything shown is in the result. The web page
shows the same results in its own way.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from orderpack.i18n import (
    _,
    and_list,
    decimal,
    long_date,
    ngettext,
    pages,
    pgettext,
    raised_in,
    using,
    when,
)
from orderpack.words import format_size

if TYPE_CHECKING:
    from orderpack.api import MessageSteps, NewCase, PlatformRules
    from orderpack.api_types import BuildResult, Preflight
    from orderpack.batch import CaseResult
    from orderpack.destinations import Destination
    from orderpack.errors import Problem
    from orderpack.model import Case
    from orderpack.timeline import Status


#: The action ids after which status says what to upload where.
_UPLOADING = ("open_dispute", "escalate", "chargeback", "paypal_dispute")


def wrap(text: str, indent: str = "  ", hang: str | None = None) -> str:
    """``text`` filled to 78 columns, words kept whole."""
    return textwrap.fill(text, width=78, initial_indent=indent,
                         subsequent_indent=indent if hang is None else hang,
                         break_long_words=False, break_on_hyphens=False)


def as_json(data: object) -> str:
    """JSON as orderpack prints it: indented, non-ASCII kept."""
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- validate ------------------------------------------------------------------------------


def validated(case: Case, order_path: Path) -> str:
    """"order.yaml: valid — AliExpress order 8190…, 3 evidence files.", in the language in
    use."""
    order = case.order
    return ngettext("%(file)s: valid — %(platform)s order %(number)s, %(num)d evidence file.",
                    "%(file)s: valid — %(platform)s order %(number)s, %(num)d evidence files.",
                    len(order.evidence), file=order_path, platform=case.profile.name,
                    number=order.order.number)


def validation_json(problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> str:
    return as_json({"valid": not problems, "problems": [p.as_dict() for p in problems],
                    "warnings": [w.as_dict() for w in warnings]})


# --- init ----------------------------------------------------------------------------------


def created(new: NewCase) -> str:
    return (f"Wrote {new.order_path} and {new.schema_path}.\n"
            f"Put screenshots in {new.screenshots}/, fill in the file, then run: "
            f"orderpack validate {new.order_path}")


# --- status --------------------------------------------------------------------------------


def status(result: Status, order_path: Path, show_all: bool = False) -> str:
    """The status as `orderpack status` prints it: today's step, key dates, next step,
    the upload limits, the packet's language and warnings, in the language in use."""
    today = result.today
    lines = [_("%(platform)s order %(number)s from %(store)s, on %(today)s",
               platform=result.platform_name, number=result.order_number, store=result.store,
               today=long_date(today)), ""]
    if result.headline:
        lines.append(result.headline)
    lines += [wrap(result.stage_text, indent=""), "", _("Key dates"),
              *_key_dates(result, order_path, show_all)]
    action = result.next_action
    heading = (_("Next step, by %(due)s (%(when)s):", due=long_date(action.due),
                 when=when(action.due, today)) if action.due else _("Next step:"))
    lines += ["", heading, wrap(action.text)]
    if action.id in result.steps:
        lines.append("  " + _("A message for this step: %(command)s",
                              command=f"orderpack message {action.id} {order_path}"))
    if action.id in _UPLOADING:
        lines.append(wrap(_("What to upload: %(upload)s", upload=result.upload), hang="    "))
        if action.id == "open_dispute" and result.reasons:
            lines.append("  " + _("Reasons on %(platform)s's form (→ fits your case):",
                                  platform=result.platform_name))
            for reason in result.reasons:
                mark = "→" if reason.fits else " "
                chosen = ("  " + _("(your order file's dispute.reason)")
                          if reason.chosen else "")
                # Translators: the platform's label of a reason, in your quotation marks.
                label = _("“%(label)s”", label=reason.label)
                lines.append(f"  {mark} {reason.id:<24} {label}{chosen}")
    destination = result.destination
    if destination is not None and destination.known:
        lines += ["", limits(destination),
                  "  " + _("Check the packet against them: %(command)s", command=(
                      f"orderpack build --fit {destination.id} --dry-run {order_path}"))]
    if result.packet_language_text is not None:
        lines += ["", _("Language"), wrap(result.packet_language_text)]
    if result.warnings:
        lines += ["", _("Warnings:")]
        lines += [wrap(warning, indent="  ! ", hang="    ") for warning in result.warnings]
    return "\n".join(lines)


def _key_dates(result: Status, order_path: Path, show_all: bool) -> list[str]:
    """The key dates' lines, the past ones folded into a count unless ``show_all``."""
    today = result.today
    lines: list[str] = []
    shown_keys = [key for key in result.key_dates if show_all or key.days_from_today >= 0]
    folded = len(result.key_dates) - len(shown_keys)
    if folded:
        lines.append("  " + ngettext(
            "(%(num)d earlier date; orderpack status --all %(order)s shows it)",
            "(%(num)d earlier dates; orderpack status --all %(order)s shows them)",
            folded, order=order_path))
    dates = [long_date(key.date) for key in shown_keys]
    whens = [when(key.date, today) for key in shown_keys]
    date_width, when_width = max(map(len, dates), default=0), max(map(len, whens), default=0)
    marked = any(key.days_from_today == 0 for key in shown_keys)
    today_line = "  — " + _("today") + " —"
    for key, shown, relative in zip(shown_keys, dates, whens, strict=True):
        if not marked and key.days_from_today > 0:
            lines.append(today_line)
            marked = True
        flag = (" " + _("(estimate)") if key.estimated else
                " " + _("(unconfirmed)") if key.unconfirmed else "")
        lines.append(f"  {shown:<{date_width}}  {relative:<{when_width}}  {key.label}{flag}")
    if not marked:
        lines.append(today_line)
    return lines


def status_json(result: Status) -> str:
    return as_json(result.as_json())


def _maybe(show: Callable[[int], str], value: int | None) -> str | None:
    return None if value is None else show(value)


def limits(destination: Destination, how: str = "") -> str:
    """The upload limits ``destination`` is known to have, each with what is unsure of it."""
    known_limits = destination.limits
    types = known_limits.attachment_types
    rows: list[tuple[str, str | None, str]] = [
        (_("per file"), _maybe(format_size, known_limits.attachment_max_bytes),
         "attachment_max_bytes"),
        (_("in total"), _maybe(format_size, known_limits.total_max_bytes), "total_max_bytes"),
        (_("pages"), _maybe(str, known_limits.max_pages), "max_pages"),
        (_("files"), _maybe(str, known_limits.attachments_max_count), "attachments_max_count"),
        (_("file types"), ", ".join(types) if types is not None else None, "attachment_types"),
    ]
    known = [(label, value, known_limits.sources[name]) for label, value, name in rows
             if value is not None]
    heading = (_("Upload limits of %(destination)s (%(how)s)", destination=destination.name,
                 how=how) if how else
               _("Upload limits of %(destination)s", destination=destination.name))
    if not known:
        return _("%(heading)s: none known.", heading=heading)
    lines = [f"{heading}:"]
    for label, value, source in known:
        # a profile's notes are its catalog entries (msgctxt: its id); a destination's are not
        note = f" — {pgettext(destination.id, source.note)}" if source.note else ""
        flag = " " + _("(unconfirmed)") if source.unconfirmed else ""
        lines.append(wrap(f"{label:<12} {value}{flag}{note}", hang=" " * 15))
    return "\n".join(lines)


# --- message -------------------------------------------------------------------------------


def message_steps(found: MessageSteps, order_path: Path) -> str:
    """`orderpack message --list`: each step, the one due marked."""
    lines = [_("Steps for %(platform)s (%(command)s):", platform=found.platform_name,
               command=f"orderpack message STEP {order_path}")]
    width = max((len(step.id) for step in found.steps), default=0)
    for step in found.steps:
        following = (_("← the next step, by %(due)s", due=step.due.isoformat()) if step.due
                     else _("← the next step"))
        marker = {"due_now": "  " + _("← due now"), "next": "  " + following,
                  "does_not_apply": "  " + _("(does not apply now)"),
                  "applies": ""}[step.state]
        lines.append(f"  {step.id:<{width}}  {step.summary}{marker}")
    return "\n".join(lines)


# --- rules ---------------------------------------------------------------------------------


def rules(found: Sequence[PlatformRules]) -> str:
    """`orderpack rules`: every rule with its source and the day it was checked, in the
    language in use."""
    blocks = []
    for platform in found:
        lines = [f"{platform.name} ({platform.id})"]
        for rule in platform.rules:
            flag = " " + _("[unconfirmed]") if rule.unconfirmed else ""
            lines.append(wrap(f"- {rule.says}{flag}", hang="    "))
            if rule.counts:
                lines.append(wrap(_("counts: %(counts)s", counts=rule.counts), indent="    ",
                                  hang="      "))
            lines.append(wrap(_("source: %(source)s", source=rule.source), indent="    ",
                              hang="      "))
            checked = rule.checked.isoformat()
            lines.append(wrap(_("address: %(address)s; checked %(checked)s", address=rule.url,
                                checked=checked) if rule.url else
                              _("address: none recorded; checked %(checked)s", checked=checked),
                              indent="    ", hang="      "))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def rules_json(found: Sequence[PlatformRules]) -> str:
    return as_json({platform.id: [rule.as_json() for rule in platform.rules]
                    for platform in found})


# --- build ---------------------------------------------------------------------------------


def built(result: BuildResult) -> str:
    """What was written, where it goes, and what was changed to fit the budget, in the
    language in use."""
    pad = f"  {'':<14} "
    characters = (_("%(count)s characters of %(limit)s allowed — paste it into the dispute form",
                    count=decimal(result.characters), limit=decimal(result.char_limit))
                  if result.char_limit else
                  _("%(count)s characters — paste it into the dispute form",
                    count=decimal(result.characters)))
    lines = [_("Packet written to %(folder)s/", folder=result.out),
             f"  {result.dispute_text.name:<14} {characters}"]
    if result.dropped:
        lines.append(pad + ngettext("shortened to fit: left out %(num)d optional sentence",
                                    "shortened to fit: left out %(num)d optional sentences",
                                    len(result.dropped)))
    if not result.char_limit:
        lines.append(pad + _("the form's character limit is not known: if the form counts or "
                             "cuts the text,"))
        lines.append(pad + _("build again with --max-chars N (its limit)"))
    files = result.pdf_files or ()
    if len(files) > 1:
        for number, file in enumerate(files, start=1):
            holds = [ngettext("exhibit %(labels)s", "exhibits %(labels)s", len(file.exhibits),
                              labels=", ".join(file.exhibits))] if file.exhibits else []
            holds += [_("tracking and conversation")] if file.transcript else []
            lines.append(f"  {file.path.name:<14} " + _(
                "%(pages)s, %(size)s — part %(number)d of %(parts)d: %(holds)s",
                pages=pages(file.pages), size=format_size(file.bytes), number=number,
                parts=len(files), holds=and_list(holds)))
        lines.append(pad + _("attach every part"))
    else:
        lines.append(f"  {result.evidence_pdf.name:<14} " + _(
            "%(pages)s, %(size)s — attach it", pages=pages(result.pages),
            size=format_size(result.pdf_bytes)))
    if result.exhibits:
        lines.append(f"  {'exhibits/':<14} " + ngettext(
            "%(num)d image for forms that take only images",
            "%(num)d images for forms that take only images", len(result.exhibits)))
    lines.append(f"  {result.manifest.name:<14} "
                 + _("what went in and came out, with SHA-256"))
    if result.cleaned:
        lines.append(_("Hidden or removed (check before you send):"))
        lines += [f"  {cleaned.describe(result.out)}" for cleaned in result.cleaned]
    if result.upload:
        lines.append(wrap(_("What to upload: %(advice)s", advice=result.upload), indent="",
                          hang="  "))
    if result.budget is not None:
        if result.fit_steps:
            lines.append(_("Fitted into %(budget)s:", budget=result.budget.describe()))
            lines += [f"  - {fit_step}" for fit_step in result.fit_steps]
        else:
            lines.append(_("Within %(budget)s: nothing had to change.",
                           budget=result.budget.describe()))
    return "\n".join(lines)


def warnings(found: Sequence[str], about: Path | None = None) -> str:
    """One "Warning: ..." line each (for stderr), naming the case if given; in the language
    in use."""
    return "\n".join(_("Warning: %(case)s: %(warning)s", case=about, warning=warning)
                     if about is not None else _("Warning: %(warning)s", warning=warning)
                     for warning in found)


def batch_table(results: Sequence[CaseResult]) -> str:
    """One row per case: ok or FAILED, pages, size and time; in the language in use, each
    column as wide as its heading or its widest value."""
    # (the context is written out in each call: pybabel extracts only literal contexts)
    headings = [pgettext("a column of the batch table", "case"),
                pgettext("a column of the batch table", "result"),
                pgettext("a column of the batch table", "pages"),
                pgettext("a column of the batch table", "size"),
                pgettext("a column of the batch table", "time")]
    rows = [headings]
    for outcome in results:
        built = outcome.result
        rows.append([str(outcome.order_path),
                     pgettext("a case of a batch", "ok") if built is not None
                     else pgettext("a case of a batch", "FAILED"),
                     str(built.pages) if built is not None else "-",
                     format_size(built.pdf_bytes) if built is not None else "-",
                     _("%(seconds)s s", seconds=decimal(outcome.seconds, places=1))])
    # at least the widths English has always had: sizes of 8 characters, times of 7
    widths = [max(len(row[index]) for row in rows) for index in range(5)]
    widths[3], widths[4] = max(widths[3], 8), max(widths[4], 7)
    lines = []
    for number, (name, result, count, size, seconds) in enumerate(rows):
        align = "<" if number == 0 else ">"  # the headings stand left, the figures right
        lines.append(f"{name:<{widths[0]}}  {result:<{widths[1]}}  {count:{align}{widths[2]}}  "
                     f"{size:{align}{widths[3]}}  {seconds:{align}{widths[4]}}".rstrip())
    return "\n".join(lines)


def batch_summary(results: Sequence[CaseResult]) -> str:
    return ngettext("%(built)d of %(num)d case built.", "%(built)d of %(num)d cases built.",
                    len(results), built=sum(1 for r in results if r.ok))


def batch_errors(results: Sequence[CaseResult]) -> str:
    """Each failed case's error; one without problems (which name their files) is prefixed
    with its order file. "Error:" is said in the language the error came in, else in the
    language in use."""
    lines = []
    for outcome in results:
        if outcome.error is None:
            continue
        prefix = "" if outcome.error.problems else f"{outcome.order_path}: "
        with using(raised_in(outcome.error)):
            lines.append(_("Error: %(error)s", error=f"{prefix}{outcome.error}"))
    return "\n".join(lines)


def preflight(result: Preflight, order_path: Path, fit: str | None) -> str:
    """`build --dry-run`: the estimate, the limits and whether the budget can be met, in the
    language in use."""
    estimate = result.estimate
    lines = [_("Preflight of %(order)s (an estimate; nothing was built or written):",
               order=order_path),
             f"  {'evidence.pdf':<14} " + _("about %(pages)s, about %(size)s",
                                            pages=pages(estimate.pages),
                                            size=format_size(estimate.bytes))]
    if result.exhibits:
        lines.append(f"  {'exhibits/':<14} " + ngettext(
            "%(num)d image, the largest %(size)s", "%(num)d images, the largest %(size)s",
            result.exhibits, size=format_size(result.largest_exhibit)))
    lines.append(limits(result.destination, f"--fit {fit}" if fit else ""))
    budget = result.budget
    if budget is None:
        return "\n".join(lines)
    described = budget.describe()
    if result.overrun is not None:
        lines.append(_("Budget: %(budget)s — it cannot be met.", budget=described))
    elif result.steps:
        size = format_size(sum(part.estimate.bytes for part in result.parts))
        count = pages(sum(part.estimate.pages for part in result.parts))
        lines.append(
            _("Budget: %(budget)s — the build will fit it, to about %(size)s and %(pages)s in "
              "all, by these steps:", budget=described, size=size, pages=count)
            if len(result.parts) > 1 else
            _("Budget: %(budget)s — the build will fit it, to about %(size)s and %(pages)s, by "
              "these steps:", budget=described, size=size, pages=count))
        lines += [f"  - {fit_step}" for fit_step in result.steps]
    else:
        lines.append(_("Budget: %(budget)s — it fits as it is.", budget=described))
    return "\n".join(lines)


def overrun(result: Preflight) -> str | None:
    """The error line of a dry run whose budget cannot be met (for stderr), else None; in
    the language in use."""
    return (None if result.overrun is None else
            _("Error: %(error)s", error=result.overrun.message()))
