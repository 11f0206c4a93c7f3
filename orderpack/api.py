"""The Python API: one function per command, each returning a typed result.

The command line (:mod:`orderpack.cli`) and the web page call these and nothing else of
the core. Nothing here prints, reads the clock or changes process-wide state; ``today`` is
always passed in. Every error is an :class:`~orderpack.errors.OrderpackError` whose
``problems`` say what to fix, in which file, line and field.

The modules behind each function are imported when it is first called, so that
``import orderpack`` and ``orderpack.validate`` stay quick (``validate`` never loads the
PDF renderer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from orderpack.api_types import BuildResult, DisputeText, Options, Preflight
    from orderpack.batch import CaseResult
    from orderpack.evidence import FileInfo, WholeImages
    from orderpack.model import Case
    from orderpack.pictures import Picture
    from orderpack.profiles import Explained, Profile
    from orderpack.timeline import Status


def validate(order_path: str | Path, lang: str | None = None) -> Case:
    """Load and check the case at ``order_path``: the order, its platform's profile, its
    folder. Raise :class:`~orderpack.errors.OrderFileError` listing every problem, said in
    ``lang`` (a language tag), else the order file's ``buyer.language`` (read even from a
    faulty file), else English."""
    from orderpack.validation import validate as run

    return run(order_path, lang=lang)


def status(order_path: str | Path, today: date, lang: str | None = None) -> Status:
    """Where the case stands on ``today``: its key dates, stage, next action, warnings, the
    route after the platform's own, the reasons on the form, the upload limits and the
    language of the packet. Written in ``lang`` (a language tag), else the order file's
    ``buyer.language``."""
    from dataclasses import replace

    from orderpack import chat, i18n, timeline, wording

    case = validate(order_path, lang)
    order = case.order
    with i18n.using(i18n.buyer_language(order.buyer.language, lang)) as tag:
        result = timeline.compute(order, case.profile, today, chat.load_messages(case))
        choice = i18n.packet_language(order.platform, order.buyer.language,
                                      order.dispute.language)
        return replace(result, language=tag, packet_language=choice.tag,
                       packet_language_text=wording.packet_language(choice, result.platform_name))


def _options(options: Options | None, settings: Mapping[str, object]) -> Options:
    from dataclasses import replace

    from orderpack.api_types import Options

    if not settings:
        return options or Options()
    # The keywords are Options' fields, checked when the dataclass is made (a TypeError for
    # a wrong name, as in any call); mypy cannot match a mapping to them.
    if options is None:
        return Options(**settings)  # type: ignore[arg-type]
    return replace(options, **settings)  # type: ignore[arg-type]


def build(order_path: str | Path, today: date, options: Options | None = None,
          progress: Callable[[str], None] | None = None, **settings: object) -> BuildResult:
    """Build the packet of the case at ``order_path``: dispute.txt, evidence.pdf, exhibits/
    and manifest.json, in ``options.out`` (default: out/ beside the order file), in the
    packet's language (``options.lang``, else as :func:`orderpack.i18n.packet_language`
    chooses).

    Keyword arguments fill :class:`~orderpack.api_types.Options` (``out=``, ``lang=``...);
    ``progress`` is called with a few words for each step: in English, as catalog entries
    (``i18n.gettext(step)`` gives them in the language in use); with a budget, each fitting
    step is told in the packet's language.
    """
    from orderpack import packet

    return packet.build(order_path, today, _options(options, settings), progress)


def build_many(order_paths: Sequence[Path], today: date, options: Options | None = None,
               jobs: int | None = None, on_done: Callable[[CaseResult], None] | None = None,
               ) -> list[CaseResult]:
    """Build each case in its own process, ``jobs`` at a time; one failing case stops no
    other. Each :class:`~orderpack.batch.CaseResult` holds its packet or its error."""
    from orderpack import batch

    return batch.build_many(order_paths, today, _options(options, {}), jobs, on_done)


def preflight(order_path: str | Path, today: date, options: Options | None = None,
              **settings: object) -> Preflight:
    """The dry run of :func:`build`: the estimated pages and size, whether and how the packet
    fits its budget, and the destination's upload limits. Writes nothing but the exhibit
    cache."""
    from orderpack import packet

    return packet.preflight(order_path, today, _options(options, settings))


@dataclass(frozen=True)
class Message:
    """A ready-to-send message (`orderpack message STEP`)."""

    step: str
    text: str
    """Plain paragraphs, ending in one newline."""


def message(order_path: str | Path, step: str, today: date,
            templates: Path | None = None, lang: str | None = None) -> Message:
    """The message for ``step`` of the case on ``today``, in ``lang`` (a language tag), else
    the order file's ``buyer.language``. ``templates`` is a folder whose
    ``messages/STEP.txt.j2`` replaces the built-in one. Raise
    :class:`~orderpack.errors.StepError` for a step the platform does not have, and
    :class:`~orderpack.errors.OrderpackError` for one that does not apply on ``today``."""
    from orderpack import i18n, messages

    case = validate(order_path, lang)
    with i18n.using(i18n.buyer_language(case.order.buyer.language, lang)):
        return Message(step, messages.write(case, step, today, override=templates))


StepState = Literal["due_now", "next", "applies", "does_not_apply"]


@dataclass(frozen=True)
class MessageStep:
    """A message step of the case's platform, as `orderpack message --list` shows it."""

    id: str
    summary: str
    """What the message is for, in a few words."""
    state: StepState
    """``due_now`` (the plan's action for today), ``next`` (the plan's next action, due
    later), ``applies`` or ``does_not_apply`` (its message would be stale today)."""
    due: date | None = None
    """For ``due_now`` and ``next``: the day to act by, where there is one."""
    why_not: str | None = None
    """For ``does_not_apply``: why its message would be stale today, in a sentence."""


@dataclass(frozen=True)
class MessageSteps:
    """The message steps of a case's platform (`orderpack message --list`)."""

    platform_name: str
    steps: list[MessageStep]
    language: str = "en"
    """The language the steps are said in."""


def message_steps(order_path: str | Path, today: date, lang: str | None = None,
                  ) -> MessageSteps:
    """The message steps of the case's platform, each with whether it applies on ``today``,
    said in ``lang``, else the order file's ``buyer.language``."""
    from dataclasses import replace

    from orderpack import i18n

    case = validate(order_path, lang)
    with i18n.using(i18n.buyer_language(case.order.buyer.language, lang)) as tag:
        return replace(_message_steps(case, today), language=tag)


def _message_steps(case: Case, today: date) -> MessageSteps:
    from orderpack import chat, messages, timeline

    plan = timeline.compute(case.order, case.profile, today, chat.load_messages(case))
    action = plan.next_action
    out = []
    for step in messages.steps(case.profile):
        state: StepState
        why_not = None
        if step.id == action.id:
            state = "due_now" if plan.headline else "next"
        elif (why_not := messages.not_applicable(step.id, plan, case.profile)) is not None:
            state = "does_not_apply"
        else:
            state = "applies"
        due = action.due if state in ("due_now", "next") else None
        out.append(MessageStep(step.id, step.summary, state, due, why_not))
    return MessageSteps(case.profile.name, out)


@dataclass(frozen=True)
class PlatformRules:
    """Every rule a platform's profile gives the planner (`orderpack rules`)."""

    id: str
    name: str
    rules: list[Explained]
    """Each with its source, address, checked date and whether it is confirmed."""


def rules(platform: str | None = None, lang: str | None = None) -> list[PlatformRules]:
    """The rules of ``platform`` (a profile id), or of every platform, said in ``lang`` (a
    language tag; default: the language in use); raise
    :class:`~orderpack.errors.ProfileError` for an id orderpack does not know."""
    from orderpack import i18n, profiles

    names = [platform] if platform else profiles.available()
    found = [profiles.load(name) for name in names]
    with i18n.using(lang):
        return [PlatformRules(p.id, p.name, profiles.explain(profiles.localised(p)))
                for p in found]


def platforms() -> list[str]:
    """The ids of the platforms orderpack knows, sorted."""
    from orderpack import profiles

    return profiles.available()


def platform(platform_id: str) -> Profile:
    """The profile of a platform: its name, dispute reasons with their labels, remedies,
    steps and limits. Raise :class:`~orderpack.errors.ProfileError` for an unknown id."""
    from orderpack import profiles

    return profiles.load(platform_id)


@dataclass(frozen=True)
class NewCase:
    """What `orderpack init` wrote."""

    order_path: Path
    schema_path: Path
    screenshots: Path
    """The empty folder for the evidence."""


def init(folder: str | Path, answers: Mapping[str, str] | None = None,
         today: date | None = None) -> NewCase:
    """Create ``folder`` with a commented order.yaml, its JSON Schema and screenshots/.

    ``answers`` maps the keys of :data:`orderpack.scaffold.QUESTIONS` to the buyer's
    answers. With ``today``, each answer is first read as `orderpack init` reads what the
    buyer types ("ends in 9 days" counted from ``today``, "€" as EUR), and any answer it
    refuses raises :class:`~orderpack.errors.OrderFileError` (see :func:`init_problems`);
    without it, the answers are written as given. Raise
    :class:`~orderpack.errors.BuildError` if ``folder`` already holds an order.yaml (it is
    never overwritten) or cannot be created.
    """
    from orderpack import scaffold
    from orderpack.errors import OrderFileError, Problem

    if today is not None and answers:
        problems = init_problems(answers, today)
        if problems:
            raise OrderFileError.from_problems(
                [Problem("order.yaml", text, field=key) for key, text in problems.items()])
        answers = scaffold.read_answers(answers, today)
    path = scaffold.create(Path(folder), answers)
    return NewCase(path, path.parent / scaffold.SCHEMA_FILE, path.parent / "screenshots")


def init_problems(answers: Mapping[str, str], today: date | None = None) -> dict[str, str]:
    """For each answer of ``answers`` that :func:`init` would refuse: what is wrong and how
    to fix it. With ``today``, "ends in 9 days" is read as :func:`init` reads it."""
    from orderpack import scaffold

    problems = {}
    for question in scaffold.QUESTIONS:
        if question.key in answers:
            problem = scaffold.check_answer(question, answers[question.key], today=today,
                                            answers=answers)
            if problem is not None:
                problems[question.key] = problem
    return problems


def check_new_folder(folder: str | Path) -> None:
    """Raise :class:`~orderpack.errors.BuildError` if :func:`init` would refuse ``folder``,
    before any question is asked."""
    from orderpack import scaffold

    scaffold.refuse_existing(Path(folder))


def schema() -> dict[str, object]:
    """The order file's JSON Schema (`orderpack schema`)."""
    from orderpack.model import json_schema

    return json_schema()


def dispute_text(order_path: str | Path, today: date) -> DisputeText:
    """The dispute text a build would write now, its characters and the platform's limit.

    Processes the evidence as a build does (cached), but writes nothing else.
    """
    from orderpack import packet

    return packet.dispute_text(order_path, today)


def check_file(path: str | Path, name: str) -> FileInfo:
    """What an evidence file is (image or PDF, format, size), read from its content as
    :func:`validate` reads it; :class:`~orderpack.errors.OrderFileError` if orderpack cannot
    use it."""
    from orderpack import evidence

    return evidence.inspect_file(Path(path), name)


def whole_images() -> WholeImages:
    """A memory of the evidence images found whole, for a front end that checks the same
    cases again and again (the web page): the checks made within its ``remembered()``
    (:func:`validate`, :func:`status`, :func:`check_file`...) read an image through to find
    damage only the first time they see its bytes."""
    from orderpack.evidence import WholeImages

    return WholeImages()


def shown_size(path: str | Path, name: str) -> tuple[int, int]:
    """The size of an image as shown (upright): the pixels redaction boxes are given in."""
    from orderpack import pictures

    return pictures.shown_size(Path(path), name)


def preview(path: str | Path, name: str, redact: Sequence[tuple[int, int, int, int]] = (),
            max_side: int = 1200) -> Picture:
    """The exhibit of an image as the build makes it, boxes blacked out, at most
    ``max_side`` pixels wide and high."""
    from orderpack import pictures

    return pictures.render(Path(path), name, redact, max_side)
