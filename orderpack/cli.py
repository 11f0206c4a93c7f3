"""The command line: parses options, prints, sets exit codes. The work happens elsewhere.

Exit codes: 0 success, 1 a problem with the input or the build (a clear message),
2 a usage error (click's convention).
"""

from __future__ import annotations

import json
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


def _today_option(func: F) -> F:
    return click.option(
        "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
        help="The current date of the case (default: today's local date).",
    )(func)


def today_or_local(value: Any) -> date:
    """The --today value as a date, else the local calendar date (read here, not in the core)."""
    return value.date() if value is not None else date.today()  # noqa: DTZ011 (local date wanted)


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
    """Check an order file and the files it names; list every problem at once."""
    from orderpack.validation import validate as run

    try:
        case = run(order_file)
    except OrderFileError as exc:
        if not as_json:
            raise
        click.echo(json.dumps({"valid": False,
                               "problems": [p.as_dict() for p in exc.problems]}, indent=2,
                              ensure_ascii=False))
        sys.exit(1)
    order = case.order
    if as_json:
        click.echo(json.dumps({"valid": True, "problems": []}, indent=2))
        return
    click.echo(
        f"{order_file}: valid — {case.profile.name} order {order.order.number}, "
        f"{len(order.evidence)} evidence file{'s' if len(order.evidence) != 1 else ''}."
    )


@main.command()
def schema() -> None:
    """Print the order file's JSON Schema."""
    from orderpack.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@main.command()
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
@click.option("--no-input", is_flag=True,
              help="Do not ask questions; write the commented template with example values.")
@reports_errors
def init(folder: Path, no_input: bool) -> None:
    """Create DIR with a commented order.yaml, its JSON Schema and a screenshots/ folder.

    In a terminal it asks the key questions first; it never overwrites an order.yaml.
    """
    from orderpack import scaffold

    if (folder / "order.yaml").exists():
        raise OrderpackError(f"{folder / 'order.yaml'} already exists; orderpack init never "
                             "overwrites it (choose another folder, or edit that file)")
    answers: dict[str, str] = {}
    if not no_input and sys.stdin.isatty():
        click.echo("A few questions about the order (Enter keeps the example shown):")
        for question in scaffold.QUESTIONS:
            while True:
                answer = click.prompt(question.prompt, default=question.default,
                                      show_default=bool(question.default)).strip()
                problem = scaffold.check_answer(question, answer)
                if problem is None:
                    answers[question.key] = answer
                    break
                click.echo(f"  {problem}", err=True)
    path = scaffold.create(folder, answers)
    click.echo(f"Wrote {path} and {path.parent / scaffold.SCHEMA_FILE}.")
    click.echo(f"Put screenshots in {path.parent / 'screenshots'}/, fill in the file, then run: "
               f"orderpack validate {path}")


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
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="With several cases: build N at once, each in its own process "
                   "(default: the number of cores).")
@click.option("-q", "--quiet", is_flag=True, help="With several cases: no progress bar.")
@reports_errors
def build(order_files: tuple[Path, ...], out: Path | None, today: Any, templates: Path | None,
          attach: bool, paper: str, max_chars: int | None, jobs: int | None,
          quiet: bool) -> None:
    """Build the dispute packet: dispute.txt, evidence.pdf, exhibits/ and manifest.json.

    Several order files build several cases, each into out/ beside its order file; one
    failing case does not stop the others, and the exit status is 1 if any failed.
    """
    from orderpack.packet import Options
    from orderpack.packet import build as run

    options = Options(out=out, templates=templates, attach=attach, paper=paper,
                      max_chars=max_chars)
    day = today_or_local(today)
    if len(order_files) == 1:
        _print_result(run(order_files[0], day, options))
        return
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
        click.echo(f"Error: {outcome.order_path}: {outcome.error}", err=True)
    for outcome in results:
        for warning in (outcome.result.warnings if outcome.result else []):
            click.echo(f"Warning: {outcome.order_path}: {warning}", err=True)
    click.echo(f"{len(results) - len(failed)} of {len(results)} cases built.")
    if failed:
        sys.exit(1)


def _print_result(result: Any) -> None:
    limit = f" of {result.char_limit:,} allowed" if result.char_limit else ""
    click.echo(f"Packet written to {result.out}/")
    click.echo(f"  {result.dispute_text.name:<14} {result.characters:,} characters{limit}"
               " — paste it into the dispute form")
    if result.dropped:
        click.echo(f"  {'':<14} shortened to fit: left out {len(result.dropped)} optional "
                   f"sentence{'s' if len(result.dropped) != 1 else ''}")
    click.echo(f"  {result.evidence_pdf.name:<14} {result.pages} page"
               f"{'s' if result.pages != 1 else ''}, {_size(result.pdf_bytes)} — attach it")
    if result.exhibits:
        click.echo(f"  {'exhibits/':<14} {len(result.exhibits)} image"
                   f"{'s' if len(result.exhibits) != 1 else ''} for forms that take only images")
    click.echo(f"  {result.manifest.name:<14} what went in and came out, with SHA-256")
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


@main.command()
@ORDER_ARG
@_today_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON (stable keys).")
@reports_errors
def status(order_file: Path, today: Any, as_json: bool) -> None:
    """Show the case's key dates, where it stands, the next step and warnings."""
    from orderpack import timeline
    from orderpack.validation import validate as run

    case = run(order_file)
    result = timeline.compute(case.order, case.profile, today_or_local(today))
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return
    _print_status(case, result, order_file)


def _print_status(case: Any, result: Any, order_file: Path) -> None:
    from orderpack.render import long_date
    from orderpack.timeline import when

    today = result.today
    order = case.order.order
    click.echo(f"{case.profile.name} order {order.number} from {order.store}, "
               f"on {long_date(today)}")
    click.echo("")
    click.echo(_wrap(result.stage_text, indent=""))
    click.echo("")
    click.echo("Key dates")
    dates = [long_date(key.date) for key in result.key_dates]
    whens = [when(key.date, today) for key in result.key_dates]
    date_width, when_width = max(map(len, dates)), max(map(len, whens))
    marked = any(key.days_from_today == 0 for key in result.key_dates)
    for key, shown, relative in zip(result.key_dates, dates, whens, strict=True):
        if not marked and key.days_from_today > 0:
            click.echo("  — today —")
            marked = True
        flag = " (unconfirmed)" if key.unconfirmed else ""
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
    from orderpack import messages, timeline
    from orderpack.validation import validate as run

    case = run(order_file)
    next_id = timeline.compute(case.order, case.profile, today_or_local(today)).next_action.id
    click.echo(f"Steps for {case.profile.name} (orderpack message STEP {order_file}):")
    steps = messages.steps(case.profile)
    width = max(len(step.id) for step in steps)
    for step in steps:
        marker = "  ← the next step" if step.id == next_id else ""
        click.echo(f"  {step.id:<{width}}  {step.summary}{marker}")


@reports_errors
def _write_message(step: str, order_file: Path, today: Any, templates: Path | None) -> None:
    from orderpack import messages
    from orderpack.validation import validate as run

    case = run(order_file)
    if step not in case.profile.steps:
        raise click.BadParameter(messages.unknown_step(case.profile, step), param_hint="STEP")
    click.echo(messages.write(case, step, today_or_local(today), override=templates), nl=False)
