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
@ORDER_ARG
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help="Where to write the packet (default: out/ beside the order file).")
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
@reports_errors
def build(order_file: Path, out: Path | None, today: Any, templates: Path | None, attach: bool,
          paper: str, max_chars: int | None) -> None:
    """Build the dispute packet: dispute.txt, evidence.pdf, exhibits/ and manifest.json."""
    from orderpack.build import Options
    from orderpack.build import build as run

    result = run(order_file, today_or_local(today),
                 Options(out=out, templates=templates, attach=attach, paper=paper,
                         max_chars=max_chars))
    _print_result(result)


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
