"""The command line: parses options, prints, sets exit codes. The work happens elsewhere.

Exit codes: 0 success, 1 a problem with the input or the build (a clear message),
2 a usage error (click's convention).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from orderpack import __version__
from orderpack.errors import OrderFileError, OrderpackError

F = TypeVar("F", bound=Callable[..., Any])

ORDER_ARG = click.argument(
    "order_file", metavar="ORDER.yaml", type=click.Path(path_type=Path, dir_okay=True)
)


class _Date(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A calendar date written 2026-11-26, checked as the order file's dates are."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        from pydantic_core import PydanticCustomError

        from orderpack.model import parse_date

        if isinstance(value, date):
            return value
        try:
            return parse_date(value)
        except PydanticCustomError as exc:
            fix = (exc.context or {}).get("fix")
            self.fail(exc.message() + (f" — {fix}" if fix else ""), param, ctx)


def _today_option(func: F) -> F:
    return click.option(
        "--today", type=_Date(), default=None, metavar="YYYY-MM-DD",
        help="The current date of the case (default: today's local date).",
    )(func)


def today_or_local(value: date | None) -> date:
    """The --today value, else the local calendar date (read here, not in the core)."""
    return value if value is not None else date.today()  # noqa: DTZ011 (local date wanted)


def reports_errors(func: F) -> F:
    """Turn any OrderpackError into its message on stderr and exit 1 (traceback with --debug)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OrderpackError as exc:
            if _debug():
                traceback.print_exc()
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            # The reader went away (`orderpack status … | head`): nothing more to say.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was changed.", err=True)
            sys.exit(130)
        except click.ClickException:
            raise  # a usage error found once the case is read: click reports it (exit 2)
        except Exception:
            if _debug():
                raise
            click.echo(
                "Error: orderpack failed unexpectedly. Run again with --debug for details, "
                "and please report it with that output.", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("debug"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orderpack")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors (for bug reports).")
def main(debug: bool) -> None:
    """Turn a missing-order case folder into a dispute packet.

    Start with `orderpack init CASE`, fill in CASE/order.yaml, then
    `orderpack validate`, `orderpack status` and `orderpack build`.
    """


@main.command()
@ORDER_ARG
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@reports_errors
def validate(order_file: Path, as_json: bool) -> None:
    """Check an order file and the files it names; list every problem at once.

    A valid file may still get warnings (on stderr; exit 0): tracking events or messages
    dated before the order, values left as orderpack's examples.
    """
    from orderpack.validation import validate as run

    try:
        case = run(order_file)
    except OrderFileError as exc:
        if not as_json:
            raise
        click.echo(json.dumps({"valid": False,
                               "problems": [p.as_dict() for p in exc.problems],
                               "warnings": []}, indent=2, ensure_ascii=False))
        sys.exit(1)
    order = case.order
    if as_json:
        click.echo(json.dumps({"valid": True, "problems": [],
                               "warnings": [w.as_dict() for w in case.warnings]},
                              indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{order_file}: valid — {case.profile.name} order {order.order.number}, "
        f"{len(order.evidence)} evidence file{'s' if len(order.evidence) != 1 else ''}."
    )
    for warning in case.warnings:
        click.echo(f"Warning: {warning}", err=True)


@main.command()
def schema() -> None:
    """Print the order file's JSON Schema."""
    from orderpack.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@main.command()
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
@click.option("--no-input", is_flag=True,
              help="Do not ask questions; write the commented template with the answers "
                   "left empty.")
@_today_option
@reports_errors
def init(folder: Path, no_input: bool, today: Any) -> None:
    """Create DIR with a commented order.yaml, its JSON Schema and a screenshots/ folder.

    In a terminal it asks what the plan needs first (the order, its dates, the tracking
    number, how you paid) and writes the answers in; it never overwrites an order.yaml.
    Buyer Protection's end can be given as the order page shows it ("ends in 9 days"),
    counted from --today.
    """
    from orderpack import scaffold

    if (folder / "order.yaml").exists():
        raise OrderpackError(f"{folder / 'order.yaml'} already exists; orderpack init never "
                             "overwrites it (choose another folder, or edit that file)")
    answers: dict[str, str] = {}
    if not no_input and sys.stdin.isatty():
        click.echo("A few questions about the order, from your order page "
                   "(Enter skips the optional ones):")
        day = today_or_local(today)
        for question in scaffold.QUESTIONS:
            if not scaffold.applies(question, answers):
                continue
            while True:
                answer = click.prompt(question.prompt, default="", show_default=False)
                try:
                    answers[question.key] = scaffold.read_answer(question, answer, today=day,
                                                                 answers=answers)
                    break
                except scaffold.AnswerError as exc:
                    click.echo(f"  {exc}", err=True)
    path = scaffold.create(folder, answers)
    click.echo(f"Wrote {path} and {path.parent / scaffold.SCHEMA_FILE}.")
    click.echo(f"Put screenshots in {path.parent / 'screenshots'}/, fill in the file, then run: "
               f"orderpack validate {path}")


class _Size(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.4
    """A size like 400KB, 2MB or 14.5MB, as bytes."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        from orderpack.budget import parse_size

        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class _Destination(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.4
    """A destination id: a platform's, or one of orderpack/destinations.yaml."""

    name = "destination"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from orderpack import destinations

        known = destinations.available()
        if value not in known:
            self.fail(f"{value!r} is not a destination; use one of: {', '.join(known)}",
                      param, ctx)
        return str(value)


@main.command()
@click.argument("order_files", metavar="ORDER.yaml...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR",
              help="Where to write the packet (default: out/ beside the order file).")
@_today_option
@click.option("--templates", type=click.Path(path_type=Path, exists=True, file_okay=False),
              default=None, metavar="DIR",
              help="A folder of templates that replace the built-in ones of the same name.")
@click.option("--attach", is_flag=True,
              help="Embed the cleaned full-size exhibits and order.yaml in the PDF as attachments.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper size of the PDF.")
@click.option("--max-chars", type=click.IntRange(min=200), default=None, metavar="N",
              help="Fit the dispute text into N characters (default: the platform's limit).")
@click.option("--max-size", type=_Size(), default=None, metavar="SIZE",
              help="Fit the evidence PDF into SIZE, e.g. 400KB, 2MB or 14.5MB (with --split: "
                   "each part).")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, metavar="N",
              help="Fit the evidence PDF into N pages (with --split: each part).")
@click.option("--fit", "fit", type=_Destination(), default=None, metavar="DEST",
              help="Fit the packet into what DEST takes: a platform (aliexpress, paypal, …), "
                   "card-visa, card-mastercard or stripe. --max-size and --max-pages win.")
@click.option("--split", is_flag=True,
              help="Write the evidence as numbered PDFs (evidence-1.pdf, …), each within "
                   "the budget, rather than lowering the image quality further.")
@click.option("--dry-run", is_flag=True,
              help="Estimate the pages and size and check them against the limits; build "
                   "and write nothing.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="With several cases: build N at once, each in its own process "
                   "(default: the number of cores).")
@click.option("-q", "--quiet", is_flag=True, help="With several cases: no progress bar.")
@reports_errors
def build(order_files: tuple[Path, ...], out: Path | None, today: Any, templates: Path | None,
          attach: bool, paper: str, max_chars: int | None, max_size: int | None,
          max_pages: int | None, fit: str | None, split: bool, dry_run: bool,
          jobs: int | None, quiet: bool) -> None:
    """Build the dispute packet: dispute.txt, evidence.pdf, exhibits/ and manifest.json.

    Several order files build several cases, each into out/ beside its order file; one
    failing case does not stop the others, and the exit status is 1 if any failed.

    With a budget (--max-size, --max-pages or --fit) the evidence is fitted into it step
    by step — smaller, then plainer pictures, never below legibility, never leaving out an
    exhibit or a message — and the build says what it changed. If it cannot fit, nothing
    is written and the build says how far over it is and what to do.
    """
    from orderpack.packet import Options
    from orderpack.packet import build as run

    if split and max_size is None and max_pages is None and fit is None:
        raise click.UsageError("--split needs a limit to split by: add --max-size, "
                               "--max-pages or --fit")
    options = Options(out=out, templates=templates, attach=attach, paper=paper,
                      max_chars=max_chars, max_bytes=max_size, max_pages=max_pages, fit=fit,
                      split=split)
    day = today_or_local(today)
    if dry_run:
        _dry_run(order_files, day, options)
        return
    from orderpack.pdf import collector_spared

    with collector_spared():  # it changes the whole process, so it is done here, not in builds
        if len(order_files) == 1:
            result = run(order_files[0], day, options)
            _print_result(result, _upload(order_files[0], len(result.exhibits)))
        else:
            _build_many(order_files, day, options, jobs, quiet)


def _build_many(order_files: tuple[Path, ...], day: date, options: Any, jobs: int | None,
                quiet: bool) -> None:
    from orderpack.batch import build_many

    show_bar = not quiet and sys.stderr.isatty()
    with click.progressbar(length=len(order_files), label="Building", file=sys.stderr,
                           hidden=not show_bar) as bar:
        results = build_many(list(order_files), day, options, jobs,
                             on_done=lambda _result: bar.update(1))
    width = max(len(str(r.order_path)) for r in results)
    click.echo(f"{'case':<{width}}  result  pages  size      time")
    for outcome in results:
        if outcome.ok and outcome.result is not None:
            click.echo(f"{outcome.order_path!s:<{width}}  ok      {outcome.result.pages:>5}  "
                       f"{_size(outcome.result.pdf_bytes):>8}  {outcome.seconds:5.1f} s")
        else:
            click.echo(f"{outcome.order_path!s:<{width}}  FAILED      -         -  "
                       f"{outcome.seconds:5.1f} s")
    failed = [r for r in results if not r.ok]
    for outcome in failed:
        named = str(outcome.order_path) in outcome.error.split("\n", 1)[0]
        prefix = "" if named else f"{outcome.order_path}: "
        click.echo(f"Error: {prefix}{outcome.error}", err=True)
    for outcome in results:
        for warning in (outcome.result.warnings if outcome.result else []):
            click.echo(f"Warning: {outcome.order_path}: {warning}", err=True)
    click.echo(f"{len(results) - len(failed)} of {len(results)} cases built.")
    if failed:
        sys.exit(1)


def _print_result(result: Any, upload: str | None = None) -> None:
    limit = f" of {result.char_limit:,} allowed" if result.char_limit else ""
    click.echo(f"Packet written to {result.out}/")
    click.echo(f"  {result.dispute_text.name:<14} {result.characters:,} characters{limit}"
               " — paste it into the dispute form")
    if result.dropped:
        click.echo(f"  {'':<14} shortened to fit: left out {len(result.dropped)} optional "
                   f"sentence{'s' if len(result.dropped) != 1 else ''}")
    if not result.char_limit:
        click.echo(f"  {'':<14} the form's character limit is not known: if the form "
                   "counts or cuts the text,")
        click.echo(f"  {'':<14} build again with --max-chars N (its limit)")
    files = result.pdf_files or ()
    if len(files) > 1:
        for number, file in enumerate(files, start=1):
            holds = [f"exhibit{'s' if len(file.exhibits) != 1 else ''} "
                     f"{', '.join(file.exhibits)}"] if file.exhibits else []
            holds += ["tracking and conversation"] if file.transcript else []
            click.echo(f"  {file.path.name:<14} {_pages(file.pages)}, {_size(file.bytes)} — "
                       f"part {number} of {len(files)}: {' and '.join(holds)}")
        click.echo(f"  {'':<14} attach every part")
    else:
        click.echo(f"  {result.evidence_pdf.name:<14} {_pages(result.pages)}, "
                   f"{_size(result.pdf_bytes)} — attach it")
    if result.exhibits:
        click.echo(f"  {'exhibits/':<14} {len(result.exhibits)} image"
                   f"{'s' if len(result.exhibits) != 1 else ''} for forms that take only images")
    click.echo(f"  {result.manifest.name:<14} what went in and came out, with SHA-256")
    if result.cleaned:
        click.echo("Hidden or removed (check before you send):")
        for cleaned in result.cleaned:
            click.echo(f"  {cleaned.describe(result.out)}")
    if upload:
        click.echo(_wrap(f"What to upload: {upload}", indent="", hang="  "))
    if result.budget is not None:
        if result.fit_steps:
            click.echo(f"Fitted into {result.budget.describe()}:")
            for fit_step in result.fit_steps:
                click.echo(f"  - {fit_step}")
        else:
            click.echo(f"Within {result.budget.describe()}: nothing had to change.")
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


def _upload(order_file: Path, exhibits: int) -> str | None:
    """What to upload where, for the case's platform."""
    from orderpack import loader, profiles, timeline

    platform = loader.load(order_file).data.get("platform")
    if isinstance(platform, str) and platform in profiles.available():
        return timeline.upload_advice(profiles.load(platform), exhibits)
    return None


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


def _size(count: int) -> str:
    from orderpack.budget import format_size

    return format_size(count)


def _dry_run(order_files: tuple[Path, ...], day: date, options: Any) -> None:
    """Print each case's preflight; exit 1 if any cannot meet its budget."""
    from orderpack.packet import preflight

    failed = False
    for number, order_file in enumerate(order_files):
        if number:
            click.echo("")
        result = preflight(order_file, day, options)
        estimate = result.estimate
        click.echo(f"Preflight of {order_file} (an estimate; nothing was built or written):")
        click.echo(f"  {'evidence.pdf':<14} about {_pages(estimate.pages)}, "
                   f"about {_size(estimate.bytes)}")
        if result.exhibits:
            click.echo(f"  {'exhibits/':<14} {result.exhibits} image"
                       f"{'s' if result.exhibits != 1 else ''}, the largest "
                       f"{_size(result.largest_exhibit)}")
        _print_limits(result.destination, f"--fit {options.fit}" if options.fit else "")
        budget = result.budget
        if budget is None:
            continue
        if result.overrun is not None:
            failed = True
            click.echo(f"Budget: {budget.describe()} — it cannot be met.")
            click.echo(f"Error: {result.overrun.message()}", err=True)
        elif result.steps:
            size = sum(part.estimate.bytes for part in result.parts)
            pages = sum(part.estimate.pages for part in result.parts)
            click.echo(f"Budget: {budget.describe()} — the build will fit it, to about "
                       f"{_size(size)} and {_pages(pages)}"
                       f"{' in all' if len(result.parts) > 1 else ''}, by these steps:")
            for fit_step in result.steps:
                click.echo(f"  - {fit_step}")
        else:
            click.echo(f"Budget: {budget.describe()} — it fits as it is.")
    if failed:
        sys.exit(1)


def _maybe(show: Callable[[int], str], value: int | None) -> str | None:
    return None if value is None else show(value)


def _print_limits(destination: Any, how: str = "") -> None:
    """The upload limits ``destination`` is known to have, each with what is unsure of it."""
    from orderpack.budget import format_size

    limits = destination.limits
    types = limits.attachment_types
    rows: list[tuple[str, str | None, str]] = [
        ("per file", _maybe(format_size, limits.attachment_max_bytes), "attachment_max_bytes"),
        ("in total", _maybe(format_size, limits.total_max_bytes), "total_max_bytes"),
        ("pages", _maybe(str, limits.max_pages), "max_pages"),
        ("files", _maybe(str, limits.attachments_max_count), "attachments_max_count"),
        ("file types", ", ".join(types) if types is not None else None, "attachment_types"),
    ]
    known = [(label, value, limits.sources[name]) for label, value, name in rows
             if value is not None]
    heading = f"Upload limits of {destination.name}{f' ({how})' if how else ''}"
    if not known:
        click.echo(f"{heading}: none known.")
        return
    click.echo(f"{heading}:")
    for label, value, source in known:
        note = f" — {source.note}" if source.note else ""
        flag = " (unconfirmed)" if source.unconfirmed else ""
        click.echo(_wrap(f"{label:<12} {value}{flag}{note}", hang=" " * 15))


@main.command()
@ORDER_ARG
@_today_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON (stable keys).")
@click.option("--all", "show_all", is_flag=True,
              help="Show every key date; by default the past ones are folded into a count.")
@reports_errors
def status(order_file: Path, today: Any, as_json: bool, show_all: bool) -> None:
    """Show what to do now, the case's key dates, the next step and warnings.

    --today is a what-if date: messages, tracking events and a dispute opened after it
    are left out of the plan, and status says so.
    """
    from orderpack import chat, timeline
    from orderpack.validation import validate as run

    case = run(order_file)
    result = timeline.compute(case.order, case.profile, today_or_local(today),
                              chat.load_messages(case))
    if as_json:
        data = result.as_json()
        limits = case.profile.limits
        data["limits"] = {name: {"value": list(value) if isinstance(value, tuple) else value,
                                 **limits.sources[name].model_dump(mode="json")}
                          for name in limits.sources
                          for value in [getattr(limits, name)]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_status(case, result, order_file, show_all)


def _print_status(case: Any, result: Any, order_file: Path, show_all: bool = False) -> None:
    from orderpack.render import long_date
    from orderpack.timeline import when

    today = result.today
    order = case.order.order
    click.echo(f"{case.profile.name} order {order.number} from {order.store}, "
               f"on {long_date(today)}")
    click.echo("")
    if result.headline:
        click.echo(result.headline)
    click.echo(_wrap(result.stage_text, indent=""))
    click.echo("")
    click.echo("Key dates")
    shown_keys = [key for key in result.key_dates if show_all or key.days_from_today >= 0]
    folded = len(result.key_dates) - len(shown_keys)
    if folded:
        click.echo(f"  ({folded} earlier date{'s' if folded != 1 else ''}; "
                   f"orderpack status --all {order_file} shows them)")
    dates = [long_date(key.date) for key in shown_keys]
    whens = [when(key.date, today) for key in shown_keys]
    date_width, when_width = max(map(len, dates), default=0), max(map(len, whens), default=0)
    marked = any(key.days_from_today == 0 for key in shown_keys)
    for key, shown, relative in zip(shown_keys, dates, whens, strict=True):
        if not marked and key.days_from_today > 0:
            click.echo("  — today —")
            marked = True
        flag = " (estimate)" if key.estimated else (" (unconfirmed)" if key.unconfirmed else "")
        click.echo(f"  {shown:<{date_width}}  {relative:<{when_width}}  {key.label}{flag}")
    if not marked:
        click.echo("  — today —")
    action = result.next_action
    click.echo("")
    due = f", by {long_date(action.due)} ({when(action.due, today)})" if action.due else ""
    click.echo(f"Next step{due}:")
    click.echo(_wrap(action.text))
    if action.id in case.profile.steps:
        click.echo(f"  A message for this step: orderpack message {action.id} {order_file}")
    if action.id in ("open_dispute", "escalate", "chargeback", "paypal_dispute"):
        click.echo(_wrap(f"What to upload: {result.upload}", hang="    "))
        if action.id == "open_dispute" and len(result.reasons) > 0:
            click.echo(f"  Reasons on {case.profile.name}'s form (→ fits your case):")
            for reason in result.reasons:
                mark = "→" if reason.fits else " "
                chosen = "  (your order file's dispute.reason)" if reason.chosen else ""
                click.echo(f"  {mark} {reason.id:<24} “{reason.label}”{chosen}")
    from orderpack import destinations

    destination = destinations.load(case.profile.id)
    if destination.known:
        click.echo("")
        _print_limits(destination)
        click.echo(f"  Check the packet against them: orderpack build --fit "
                   f"{destination.id} --dry-run {order_file}")
    if result.warnings:
        click.echo("")
        click.echo("Warnings:")
        for warning in result.warnings:
            click.echo(_wrap(warning, indent="  ! ", hang="    "))


def _wrap(text: str, indent: str = "  ", hang: str | None = None) -> str:
    import textwrap

    return textwrap.fill(text, width=78, initial_indent=indent,
                         subsequent_indent=indent if hang is None else hang,
                         break_long_words=False, break_on_hyphens=False)


@main.command()
@click.argument("args", nargs=-1, metavar="STEP ORDER.yaml")
@click.option("--list", "list_steps", is_flag=True,
              help="List the steps for the case's platform instead (give only ORDER.yaml).")
@_today_option
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=None, metavar="DIR",
              help="A folder whose messages/STEP.txt.j2 replaces the built-in message.")
def message(args: tuple[str, ...], list_steps: bool, today: Any, templates: Path | None) -> None:
    """Print a ready-to-send message for a step of the case.

    STEP is one of: seller (ask the seller for an update), extension (ask for a
    Buyer Protection extension), escalate (ask the platform's customer service to step
    in), chargeback (a cover letter to your card issuer). `--list` shows the steps that
    apply to the case's platform.
    """
    if list_steps:
        if len(args) != 1:
            raise click.UsageError("with --list, give only the order file: "
                                   "orderpack message --list ORDER.yaml")
        _list_steps(Path(args[0]), today)
        return
    if len(args) != 2:
        raise click.UsageError("give a step and the order file, e.g. "
                               "orderpack message seller order.yaml (steps: orderpack message "
                               "--list order.yaml)")
    _write_message(args[0], Path(args[1]), today, templates)


@reports_errors
def _list_steps(order_file: Path, today: Any) -> None:
    from orderpack import chat, messages, timeline
    from orderpack.validation import validate as run

    case = run(order_file)
    result = timeline.compute(case.order, case.profile, today_or_local(today),
                              chat.load_messages(case))
    action = result.next_action
    click.echo(f"Steps for {case.profile.name} (orderpack message STEP {order_file}):")
    steps = messages.steps(case.profile)
    width = max(len(step.id) for step in steps)
    for step in steps:
        if step.id == action.id:
            by = f", by {action.due.isoformat()}" if action.due else ""
            marker = "  ← due now" if result.headline else f"  ← the next step{by}"
        elif messages.not_applicable(step.id, result, case.profile) is not None:
            marker = "  (does not apply now)"
        else:
            marker = ""
        click.echo(f"  {step.id:<{width}}  {step.summary}{marker}")


@reports_errors
def _write_message(step: str, order_file: Path, today: Any, templates: Path | None) -> None:
    from orderpack import messages
    from orderpack.validation import validate as run

    case = run(order_file)
    if step not in case.profile.steps:
        raise click.BadParameter(messages.unknown_step(case.profile, step), param_hint="STEP")
    click.echo(messages.write(case, step, today_or_local(today), override=templates), nl=False)


@main.command()
@click.argument("platform", required=False, metavar="[PLATFORM]")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@reports_errors
def rules(platform: str | None, as_json: bool) -> None:
    """Print every rule the planner uses, with its source and the day it was checked.

    PLATFORM is one of the profiles (aliexpress, ebay, paypal, amazon, etsy, card);
    without it, every platform. Unconfirmed rules are marked.
    """
    from orderpack import profiles

    names = [platform] if platform else profiles.available()
    found = [profiles.load(name) for name in names]
    if as_json:
        click.echo(json.dumps({profile.id: [rule.as_json() for rule in profiles.explain(profile)]
                               for profile in found}, indent=2, ensure_ascii=False))
        return
    for number, profile in enumerate(found):
        if number:
            click.echo("")
        click.echo(f"{profile.name} ({profile.id})")
        for rule in profiles.explain(profile):
            flag = " [unconfirmed]" if rule.unconfirmed else ""
            click.echo(_wrap(f"- {rule.says}{flag}", hang="    "))
            if rule.counts:
                click.echo(_wrap(f"counts: {rule.counts}", indent="    ", hang="      "))
            click.echo(_wrap(f"source: {rule.source}", indent="    ", hang="      "))
            click.echo(_wrap(f"address: {rule.url or 'none recorded'}; checked "
                             f"{rule.checked.isoformat()}", indent="    ", hang="      "))


@main.command()
@click.argument("cases_dir", metavar="[CASES_DIR]", default=".",
                type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=False,
              help="The port to serve on (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on. Anything but this machine exposes your cases.")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@_today_option
@reports_errors
def serve(cases_dir: Path, port: int, host: str, no_browser: bool, today: Any) -> None:
    """Work on the cases in CASES_DIR (default: this folder) in a local web page.

    Every folder with an order.yaml under CASES_DIR is a case; new cases are created
    there. The page reads and writes the same files as the other commands. It prints
    the page's address with a secret token; keep it to yourself. Stop with Ctrl-C.
    """
    import socket
    import threading
    import webbrowser

    import uvicorn

    from orderpack.web.app import Settings, create_app
    from orderpack.web.security import Secrets

    if host not in {"127.0.0.1", "localhost", "::1"}:
        click.echo(f"Warning: serving on {host}: anyone who can reach this machine there and "
                   "learns the address can see your cases.", err=True)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OrderpackError(f"cannot serve on {host}:{port}: {exc.strerror or exc} "
                             "(choose another --port)") from None
    sock.listen(128)  # connections wait from now on, even before the server takes them
    port = sock.getsockname()[1]
    keys = Secrets()
    app = create_app(Settings(cases_dir=cases_dir, today=lambda: today_or_local(today),
                              host=host, port=port), keys)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/?token={keys.token}"
    click.echo(f"orderpack serves {cases_dir.resolve()} at {url}  (Ctrl-C stops it)")
    if not no_browser:
        threading.Timer(0.5, webbrowser.open, [url]).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=5))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    click.echo("Stopped.")
