"""orderpack: turn a missing-order case folder into a dispute packet.

The Python API does what the command line does::

    from datetime import date
    import orderpack

    case = orderpack.validate("my-case/order.yaml")           # raises OrderFileError
    status = orderpack.status("my-case/order.yaml", date(2026, 11, 26))
    result = orderpack.build("my-case/order.yaml", date(2026, 11, 26))
    print(result.evidence_pdf, result.pages)

Every error is an :class:`OrderpackError`; its ``problems`` list says what to fix.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing takes longer than the rest
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import date
    from pathlib import Path
    from typing import Any

    from orderpack.errors import OrderFileError, OrderpackError, Problem
    from orderpack.evidence import FileInfo
    from orderpack.messages import Step
    from orderpack.model import Case
    from orderpack.packet import BuildResult, Options
    from orderpack.pictures import Picture
    from orderpack.profiles import Profile
    from orderpack.timeline import Status

__all__ = [
    "OrderFileError", "OrderpackError", "Problem", "__version__", "build", "check_file",
    "dispute_text", "init", "init_problems", "message", "message_steps", "platform",
    "platforms", "preview", "shown_size", "status", "validate"]


def __getattr__(name: str) -> Any:
    """The error classes, loaded on first use: `import orderpack` loads nothing else, so
    that Ctrl-C while the command line starts comes when it can be answered."""
    if name == "__version__":  # kept in orderpack/version.py, which the core can import
        from orderpack.version import __version__

        return __version__
    if name in ("OrderFileError", "OrderpackError", "Problem"):
        from orderpack import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'orderpack' has no attribute {name!r}")


def validate(order_path: str | Path) -> Case:
    """Load and check the case at ``order_path``; raise :class:`OrderFileError` listing
    every problem. (Imported on first use: ``import orderpack`` stays light, so the
    command line can answer Ctrl-C while it starts.)"""
    from orderpack.validation import validate as run

    return run(order_path)


def build(order_path: str | Path, today: date, options: Options | None = None,
          progress: Callable[[str], None] | None = None, **kwargs: Any) -> BuildResult:
    """Build the packet of the case at ``order_path``; keyword arguments fill :class:`Options`.

    ``progress`` is called with a short description of each step. The renderer is imported
    on first use, so ``validate`` stays quick to start.
    """
    from dataclasses import replace

    from orderpack import packet as module

    if kwargs:
        options = module.Options(**kwargs) if options is None else replace(options, **kwargs)
    return module.build(order_path, today, options, progress)


def status(order_path: str | Path, today: date) -> Status:
    """The key dates, stage, next action and warnings of the case at ``order_path``."""
    from orderpack import chat, timeline

    case = validate(order_path)
    return timeline.compute(case.order, case.profile, today, chat.load_messages(case))


# The functions below serve the web page (`orderpack serve`); the API issue gives each
# one a typed result of its own.


def init(folder: str | Path, answers: Mapping[str, str] | None = None) -> Path:
    """Create a case folder as `orderpack init` does; return its order.yaml.

    ``answers`` maps the keys of ``scaffold.QUESTIONS`` to answers (unanswered ones are left
    empty or commented out, for `validate` to name). Raise :class:`OrderpackError` if the
    folder holds an order.
    """
    from pathlib import Path

    from orderpack import scaffold

    return scaffold.create(Path(folder), answers)


def init_problems(answers: Mapping[str, str]) -> dict[str, str]:
    """For each answer of ``answers`` that `orderpack init` would refuse: what is wrong."""
    from orderpack import scaffold

    problems = {}
    for question in scaffold.QUESTIONS:
        if question.key in answers:
            problem = scaffold.check_answer(question, answers[question.key])
            if problem is not None:
                problems[question.key] = problem
    return problems


def platforms() -> list[str]:
    """The ids of the platforms orderpack knows."""
    from orderpack import profiles

    return profiles.available()


def platform(platform_id: str) -> Profile:
    """The profile of a platform: its name, dispute reasons with their labels, remedies,
    steps and limits. Raise :class:`OrderpackError` for an unknown id."""
    from orderpack import profiles

    return profiles.load(platform_id)


def message_steps(order_path: str | Path) -> list[Step]:
    """The message steps (`orderpack message --list`) of the case at ``order_path``."""
    from orderpack import messages

    return messages.steps(validate(order_path).profile)


def message(order_path: str | Path, step: str, today: date) -> str:
    """The ready-to-send message for ``step`` (`orderpack message STEP`)."""
    from orderpack import messages

    return messages.write(validate(order_path), step, today)


def dispute_text(order_path: str | Path, today: date) -> tuple[str, int, int | None]:
    """The dispute text a build would write now, its characters and the platform's limit.

    Processes the evidence as a build does (cached), but writes nothing else.
    """
    from orderpack import budget, contents
    from orderpack.api_types import Options

    case = validate(order_path)
    options = Options()
    with contents.cache_folder(options) as (options, _warnings):
        bundle = contents.prepare(case, today, options)
        exhibits = contents.process(case, options, budget.ladder(False)[0])
        text = contents.dispute_text(bundle, exhibits)
    return text.text, text.characters, bundle.char_limit


def check_file(path: str | Path, name: str) -> FileInfo:
    """What an evidence file is (image or PDF, format, size), read from its content as
    `validate` reads it; :class:`OrderFileError` if orderpack cannot use it."""
    from pathlib import Path

    from orderpack import evidence

    return evidence.inspect_file(Path(path), name)


def shown_size(path: str | Path, name: str) -> tuple[int, int]:
    """The size of an image as shown (upright): the pixels redaction boxes are given in."""
    from pathlib import Path

    from orderpack import pictures as module

    return module.shown_size(Path(path), name)


def preview(path: str | Path, name: str, redact: Sequence[tuple[int, int, int, int]] = (),
            max_side: int = 1200) -> Picture:
    """The exhibit of an image as the build makes it, boxes blacked out, at most
    ``max_side`` pixels wide and high."""
    from pathlib import Path

    from orderpack import pictures as module

    return module.render(Path(path), name, redact, max_side)
