"""`orderpack init`: a new case folder with a commented order file and its JSON Schema.

The questions ask for what the plan needs (the order, the dates, the tracking number, how
it was paid); the answers are read the way a buyer writes them ("AliExpress", "€",
"ends in 9 days") and written into the file as orderpack reads them. Nothing is filled
in with an example: what was not answered is left empty, for `orderpack validate` to
point out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from orderpack import model, profiles, render
from orderpack.errors import BuildError

SCHEMA_FILE = "order.schema.json"


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    adapter: TypeAdapter[Any] | None = None
    optional: bool = False
    """Enter leaves it out of the file (commented out)."""
    only_if_date: str | None = None
    """Asked only on platforms that name this order date (e.g. protection_ends)."""


_DATE: TypeAdapter[Any] = TypeAdapter(model.CalendarDate)
_TEXT: TypeAdapter[Any] = TypeAdapter(model.ShortText)

QUESTIONS = [
    Question("platform", "Platform (" + ", ".join(profiles.available()) + ")"),
    Question("buyer_name", "Your name, as on the order", _TEXT),
    Question("number", "Order number", TypeAdapter(model.OrderNumber)),
    Question("placed", "Order date (YYYY-MM-DD)", _DATE),
    Question("store", "Store / seller name", _TEXT),
    Question("item_title", "What you ordered", _TEXT),
    Question("total", "Amount paid, shipping included", TypeAdapter(model.Money)),
    Question("currency", "Currency (EUR, USD, GBP ... or €, £)", TypeAdapter(model.Currency)),
    Question("payment", "How you paid (e.g. the card and its last 4 digits, PayPal; "
             "Enter to skip)", _TEXT, optional=True),
    Question("tracking_number", "Tracking number (Enter if there is none)",
             TypeAdapter(model.Identifier), optional=True),
    Question("shipped", "Day the seller shipped (YYYY-MM-DD; Enter if not shown)", _DATE,
             optional=True),
    Question("delivery_deadline", "Promised delivery date (YYYY-MM-DD)", _DATE),
    Question("protection_ends", "Buyer Protection ends (YYYY-MM-DD, or as the order page "
             "says it: \"ends in 9 days\"; Enter if not shown)", _DATE, optional=True,
             only_if_date="protection_ends"),
    Question("language", "The language you read: en, es, pt-BR, fr, de, pl or ru (Enter for "
             "English)", TypeAdapter(model.Language), optional=True),
]


class AnswerError(ValueError):
    """An answer that cannot be used: ``str()`` says what is wrong and how to fix it."""


#: Characters a YAML file cannot hold, or reads as a line break (pasted from web pages).
_INVISIBLE = re.compile("[^\x09\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                        "\U00010000-\U0010ffff]")
#: "ends in 9 days", "9 days left", "in 9 days", "9 days 04:12:33": counted from today.
_DAYS_LEFT = re.compile(r"^(?:(?:buyer\s+protection\s*:?\s*)?(?:ends\s+)?in\s+)?(\d{1,3})\s*"
                        r"(?:days?|d)\b(?:\s+(?:left|remaining))?[\s\d:hms]*$", re.IGNORECASE)


def applies(question: Question, answers: Mapping[str, str]) -> bool:
    """Whether ``question`` is asked, given the answers so far (the platform's)."""
    if question.only_if_date is None:
        return True
    platform = answers.get("platform", "")
    if platform not in profiles.available():
        return True
    return question.only_if_date in profiles.load(platform).dates


def read_answer(question: Question, answer: str, *, today: date,
                answers: Mapping[str, str] | None = None) -> str:
    """The value to write for ``answer`` ("" for an optional question left empty); raises
    :class:`AnswerError` saying what is wrong and how to fix it."""
    answers = answers or {}
    answer = answer.strip()
    if found := _INVISIBLE.search(answer):
        raise AnswerError(f"it contains an invisible character (U+{ord(found[0]):04X}) — type "
                          "the answer instead of pasting it")
    if not answer:
        if question.optional:
            return ""
        raise AnswerError("an answer is needed — it is on your order page")
    if question.key == "platform":
        known = profiles.available()
        if answer.lower() not in known:
            raise AnswerError(f"choose one of: {', '.join(known)}")
        return answer.lower()
    if question.key == "currency":
        answer = model.CURRENCY_NAMES.get(answer.lower()) or answer
    if question.key == "protection_ends" and (match := _DAYS_LEFT.match(answer)):
        return (today + timedelta(days=int(match[1]))).isoformat()
    assert question.adapter is not None
    try:
        value = question.adapter.validate_python(answer)
    except ValidationError as exc:
        raise AnswerError(_words(exc)) from None
    if question.key == "number":
        from orderpack.validation import order_number_problem

        problem = order_number_problem(answers.get("platform", ""), answer)
        if problem is not None:
            raise AnswerError(problem)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def check_answer(question: Question, answer: str, *, today: date | None = None,
                 answers: Mapping[str, str] | None = None) -> str | None:
    """None if ``answer`` is acceptable for ``question``, else what is wrong and how to fix it."""
    try:
        read_answer(question, answer, today=today or date.min, answers=answers)
    except AnswerError as exc:
        return str(exc)
    return None


def read_answers(answers: Mapping[str, str], today: date) -> dict[str, str]:
    """Every answer of ``answers`` read by :func:`read_answer` (those that are no question's
    are dropped); raises :class:`AnswerError` at the first that cannot be used."""
    return {question.key: read_answer(question, answers[question.key], today=today,
                                      answers=answers)
            for question in QUESTIONS if question.key in answers}


def _words(exc: ValidationError) -> str:
    error = exc.errors()[0]
    ctx = error.get("ctx") or {}
    if error["type"] in ("string_too_long", "too_long"):
        return f"too long: at most {ctx.get('max_length')} characters"
    if error["type"] == "string_pattern_mismatch":
        return "it must not start or end with a space"
    fix = ctx.get("fix")
    return f"{error['msg']}" + (f" — {fix}" if fix else "")


def create(folder: Path, answers: Mapping[str, str] | None = None) -> Path:
    """Write ``folder``/order.yaml, its schema and ``screenshots/``; never overwrite an order.

    ``answers`` are written as given (see :func:`read_answer`); what is not answered is left
    empty (required fields) or commented out (optional ones).
    """
    values = {question.key: "" for question in QUESTIONS}
    values.update(answers or {})
    order_path = folder / "order.yaml"
    refuse_existing(folder)
    text = render.render("order.yaml.j2", {"schema_file": SCHEMA_FILE, **values})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "screenshots").mkdir(exist_ok=True)
        (folder / SCHEMA_FILE).write_text(json.dumps(model.json_schema(), indent=2) + "\n",
                                          encoding="utf-8")
        with order_path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise BuildError(f"could not create {folder}: {exc.strerror or exc}") from None
    return order_path


def refuse_existing(folder: Path) -> None:
    """Raise BuildError if ``folder`` holds an order file already, or is not a folder."""
    order_path = folder / "order.yaml"
    if order_path.exists():
        raise BuildError(f"{order_path} already exists; orderpack init never overwrites it "
                         "(choose another folder, or edit that file)")
    if folder.exists() and not folder.is_dir():
        raise BuildError(f"{folder} exists and is not a folder")
