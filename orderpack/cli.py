"""The command line: parses options, calls the API (:mod:`orderpack.api`), prints what
:mod:`orderpack.report` makes of the result, and sets exit codes. The work happens elsewhere.

Exit codes: 0 success, 1 a problem with the input or the build (a clear message),
2 a usage error (click's convention), 130 Ctrl-C. Every command's errors pass through one
boundary, :class:`_Commands`.

Why one module of about 470 lines: it is the eight commands, each its options, its help
and a few lines calling the API (`init`'s questions the most); split into modules,
`orderpack --help` would import every one of them anyway.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from datetime import date
from pathlib import Path

import click

from orderpack import __version__, api, i18n, report
from orderpack.errors import OrderFileError, OrderpackError, StepError

TYPE_CHECKING = False  # not typing's: the command line starts without importing it
if TYPE_CHECKING:
    from typing import NoReturn

    from orderpack.api_types import Options

ORDER_ARG = click.argument(
    "order_file", metavar="ORDER.yaml", type=click.Path(path_type=Path, dir_okay=True)
)


class _Date(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A calendar date written 2026-11-26, checked as the order file's dates are."""

    name = "date"

    def convert(self, value: object, param: click.Parameter | None,
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


TODAY_OPTION = click.option(
    "--today", type=_Date(), default=None, metavar="YYYY-MM-DD",
    help="The current date of the case (default: today's local date).",
)


class _Language(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.4
    """A language tag orderpack writes (es, pt-BR...), any case."""

    name = "language"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from orderpack import i18n

        problem = i18n.tag_problem(str(value))
        if problem is not None:
            self.fail(problem.words, param, ctx)
        return i18n.parse(str(value))


PACKET_LANG_OPTION = click.option(
    "--lang", type=_Language(), default=None, metavar="TAG",
    help="The packet's language for this run: en, es, pt-BR, fr, de, pl or ru (default: "
         "dispute.language of the order file, else English for a platform and buyer.language "
         "for a card chargeback).")

BUYER_LANG_OPTION = click.option(
    "--lang", type=_Language(), default=None, metavar="TAG",
    help="Write in this language for this run: en, es, pt-BR, fr, de, pl or ru (default: "
         "buyer.language of the order file).")

LANG_OPTION = click.option(
    "--lang", type=_Language(), default=None, metavar="TAG",
    help="Write in this language: en, es, pt-BR, fr, de, pl or ru (default: English).")


def today_or_local(value: date | None) -> date:
    """The --today value, else the local calendar date (read here, not in the core)."""
    return value if value is not None else date.today()  # noqa: DTZ011 (local date wanted)


#: Set by the ``orderpack`` command's Ctrl-C handler (:func:`orderpack.__main__.run`).
CTRL_C = threading.Event()


class _Commands(click.Group):
    """The one error boundary of every command: an OrderpackError becomes its message on
    stderr and exit 1 (with its traceback under --debug); anything else is a bug. After
    Ctrl-C, whatever ends the command is the interrupt (exit 130), even as an error a library
    made of it (pydantic-core builds a validator as a module loads, and reports the
    KeyboardInterrupt raised there as its own error)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage errors, --help, a declined prompt: click reports them
        except (KeyboardInterrupt, Exception) as exc:
            # Said in the language the error came in (English before any is known).
            with i18n.using(i18n.raised_in(exc)):
                _end(exc, debug=bool(ctx.params.get("debug")))


def _end(exc: BaseException, *, debug: bool) -> NoReturn:
    """Say how ``exc`` ended the command, and exit (see :class:`_Commands`)."""
    if isinstance(exc, KeyboardInterrupt) or CTRL_C.is_set():
        click.echo(i18n.gettext("Interrupted; nothing was changed."), err=True)
        sys.exit(130)
    if isinstance(exc, BrokenPipeError):
        # The reader went away (`orderpack status … | head`): nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    if isinstance(exc, OrderpackError):
        if debug:
            traceback.print_exc()
        click.echo(i18n.gettext("Error: %(error)s", error=exc), err=True)
        sys.exit(1)
    if debug:
        raise exc
    click.echo(i18n.gettext(
        "Error: orderpack failed unexpectedly. Run again with --debug for details, "
        "and please report it with that output."), err=True)
    sys.exit(1)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
@BUYER_LANG_OPTION
def validate(order_file: Path, as_json: bool, lang: str | None) -> None:
    """Check an order file and the files it names; list every problem at once.

    A valid file may still get warnings (on stderr; exit 0): tracking events or messages
    dated before the order, values left as orderpack's examples, a text YAML cut short at
    a # (it reads " #" as the start of a comment).
    """
    try:
        case = api.validate(order_file, lang)
    except OrderFileError as exc:
        if not as_json:
            raise
        click.echo(report.validation_json(exc.problems))
        sys.exit(1)
    if as_json:
        click.echo(report.validation_json([], case.warnings))
        return
    with i18n.using(i18n.buyer_language(case.order.buyer.language, lang)):
        click.echo(report.validated(case, order_file))
        if case.warnings:
            click.echo(report.warnings([str(warning) for warning in case.warnings]), err=True)


@main.command()
def schema() -> None:
    """Print the order file's JSON Schema."""
    click.echo(report.as_json(api.schema()))


@main.command()
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
@click.option("--no-input", is_flag=True,
              help="Do not ask questions; write the commented template with the answers "
                   "left empty.")
@TODAY_OPTION
def init(folder: Path, no_input: bool, today: date | None) -> None:
    """Create DIR with a commented order.yaml, its JSON Schema and a screenshots/ folder.

    In a terminal it asks what the plan needs first (the order, its dates, the tracking
    number, how you paid) and writes the answers in; it never overwrites an order.yaml.
    Buyer Protection's end can be given as the order page shows it ("ends in 9 days"),
    counted from --today.
    """
    from orderpack import scaffold

    api.check_new_folder(folder)
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
    click.echo(report.created(api.init(folder, answers)))


class _Size(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.4
    """A size like 400KB, 2MB or 14.5MB, as bytes."""

    name = "size"

    def convert(self, value: object, param: click.Parameter | None,
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

    def convert(self, value: object, param: click.Parameter | None,
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
@TODAY_OPTION
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
@PACKET_LANG_OPTION
def build(order_files: tuple[Path, ...], out: Path | None, today: date | None,
          templates: Path | None, attach: bool, paper: str, max_chars: int | None,
          max_size: int | None, max_pages: int | None, fit: str | None, split: bool,
          dry_run: bool, jobs: int | None, quiet: bool, lang: str | None) -> None:
    """Build the dispute packet: dispute.txt, evidence.pdf, exhibits/ and manifest.json.

    Several order files build several cases, each into out/ beside its order file; one
    failing case does not stop the others, and the exit status is 1 if any failed.

    With a budget (--max-size, --max-pages or --fit) the evidence is fitted into it step
    by step — smaller, then plainer pictures, never below legibility, never leaving out an
    exhibit or a message — and the build says what it changed. If it cannot fit, nothing
    is written and the build says how far over it is and what to do.
    """
    from orderpack.api_types import Options

    if split and max_size is None and max_pages is None and fit is None:
        raise click.UsageError("--split needs a limit to split by: add --max-size, "
                               "--max-pages or --fit")
    options = Options(out=out, templates=templates, attach=attach, paper=paper,
                      max_chars=max_chars, max_bytes=max_size, max_pages=max_pages, fit=fit,
                      split=split, lang=lang)
    day = today_or_local(today)
    if dry_run:
        _dry_run(order_files, day, options)
        return
    from orderpack.pdf import collector_spared

    with collector_spared():  # it changes the whole process, so it is done here, not in builds
        if len(order_files) == 1:
            result = api.build(order_files[0], day, options)
            with i18n.using(result.language):
                click.echo(report.built(result))
                if result.warnings:
                    click.echo(report.warnings(result.warnings), err=True)
        else:
            _build_many(order_files, day, options, jobs, quiet)


def _build_many(order_files: tuple[Path, ...], day: date, options: Options, jobs: int | None,
                quiet: bool) -> None:
    """Build several cases; the table and the summary in --lang's language, else English
    (the cases may each have their own)."""
    show_bar = not quiet and sys.stderr.isatty()
    with i18n.using(options.lang):
        with click.progressbar(length=len(order_files), label=i18n.gettext("Building"),
                               file=sys.stderr, hidden=not show_bar) as bar:
            results = api.build_many(list(order_files), day, options, jobs,
                                     on_done=lambda _result: bar.update(1))
        click.echo(report.batch_table(results))
        if any(not r.ok for r in results):
            click.echo(report.batch_errors(results), err=True)
        for outcome in results:
            if outcome.result is not None and outcome.result.warnings:
                with i18n.using(outcome.result.language):
                    click.echo(report.warnings(outcome.result.warnings, outcome.order_path),
                               err=True)
        click.echo(report.batch_summary(results))
    if not all(r.ok for r in results):
        sys.exit(1)


def _dry_run(order_files: tuple[Path, ...], day: date, options: Options) -> None:
    """Print each case's preflight; exit 1 if any cannot meet its budget."""
    failed = False
    for number, order_file in enumerate(order_files):
        if number:
            click.echo("")
        result = api.preflight(order_file, day, options)
        with i18n.using(result.language):
            click.echo(report.preflight(result, order_file, options.fit))
            error = report.overrun(result)
            if error is not None:
                failed = True
                click.echo(error, err=True)
    if failed:
        sys.exit(1)


@main.command()
@ORDER_ARG
@TODAY_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON (stable keys).")
@click.option("--all", "show_all", is_flag=True,
              help="Show every key date; by default the past ones are folded into a count.")
@BUYER_LANG_OPTION
def status(order_file: Path, today: date | None, as_json: bool, show_all: bool,
           lang: str | None) -> None:
    """Show what to do now, the case's key dates, the next step and warnings.

    --today is a what-if date: messages, tracking events and a dispute opened after it
    are left out of the plan, and status says so.
    """
    result = api.status(order_file, today_or_local(today), lang)
    with i18n.using(result.language):
        click.echo(report.status_json(result) if as_json
                   else report.status(result, order_file, show_all))


@main.command()
@click.argument("args", nargs=-1, metavar="STEP ORDER.yaml")
@click.option("--list", "list_steps", is_flag=True,
              help="List the steps for the case's platform instead (give only ORDER.yaml).")
@TODAY_OPTION
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=None, metavar="DIR",
              help="A folder whose messages/STEP.txt.j2 replaces the built-in message.")
@BUYER_LANG_OPTION
def message(args: tuple[str, ...], list_steps: bool, today: date | None,
            templates: Path | None, lang: str | None) -> None:
    """Print a ready-to-send message for a step of the case.

    STEP is one of: seller (ask the seller for an update), extension (ask for a
    Buyer Protection extension), escalate (ask the platform's customer service to step
    in), chargeback (a cover letter to your card issuer). `--list` shows the steps that
    apply to the case's platform.
    """
    day = today_or_local(today)
    if list_steps:
        if len(args) != 1:
            raise click.UsageError("with --list, give only the order file: "
                                   "orderpack message --list ORDER.yaml")
        order_file = Path(args[0])
        steps = api.message_steps(order_file, day, lang)
        with i18n.using(steps.language):
            click.echo(report.message_steps(steps, order_file))
        return
    if len(args) != 2:
        raise click.UsageError("give a step and the order file, e.g. "
                               "orderpack message seller order.yaml (steps: orderpack message "
                               "--list order.yaml)")
    try:
        result = api.message(Path(args[1]), args[0], day, templates, lang)
    except StepError as exc:
        raise click.BadParameter(str(exc), param_hint="STEP") from None
    click.echo(result.text, nl=False)


@main.command()
@click.argument("platform", required=False, metavar="[PLATFORM]")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@LANG_OPTION
def rules(platform: str | None, as_json: bool, lang: str | None) -> None:
    """Print every rule the planner uses, with its source and the day it was checked.

    PLATFORM is one of the profiles (aliexpress, ebay, paypal, amazon, etsy, card);
    without it, every platform. Unconfirmed rules are marked.
    """
    found = api.rules(platform, lang)
    with i18n.using(lang):
        click.echo(report.rules_json(found) if as_json else report.rules(found))


@main.command()
@click.argument("cases_dir", metavar="[CASES_DIR]", default=".",
                type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=False,
              help="The port to serve on (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on. Anything but this machine exposes your cases.")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@TODAY_OPTION
def serve(cases_dir: Path, port: int, host: str, no_browser: bool,
          today: date | None) -> None:
    """Work on the cases in CASES_DIR (default: this folder) in a local web page.

    Every folder with an order.yaml under CASES_DIR is a case; new cases are created
    there. The page reads and writes the same files as the other commands. It prints
    the page's address with a secret token; keep it to yourself. Stop with Ctrl-C.
    """
    from orderpack.web import server

    if server.exposes(host):
        click.echo(f"Warning: serving on {host}: anyone who can reach this machine there and "
                   "learns the address can see your cases.", err=True)
    server.serve(cases_dir, lambda: today_or_local(today), host=host, port=port,
                 open_browser=not no_browser, announce=lambda url: click.echo(
                     f"orderpack serves {cases_dir.resolve()} at {url}  (Ctrl-C stops it)"))
    click.echo("Stopped.")
