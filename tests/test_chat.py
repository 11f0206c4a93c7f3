"""orderpack.chat: inline messages, and chats exported as text (tests/fixtures/chat/)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from orders import MINIMAL_ORDER

from orderpack import chat
from orderpack.errors import OrderFileError
from orderpack.model import Case, Message
from orderpack.validation import validate

CHATS = Path(__file__).parent / "fixtures" / "chat"

ORDER = MINIMAL_ORDER

Write = Callable[[str], Path]


def case_with(write_order: Write, messages: str, *files: str) -> Path:
    """An order file with ``messages`` (YAML under `messages:`) and the fixture ``files``
    copied beside it; returns its path."""
    path = write_order(ORDER + "messages:\n" + messages)
    for name in files:
        shutil.copy(CHATS / name, path.parent / name)
    return path


def problems(order: Path) -> list[str]:
    with pytest.raises(OrderFileError) as caught:
        validate(order)
    return [str(problem) for problem in caught.value.problems]


def load(order: Path) -> list[Message]:
    return chat.load_messages(validate(order))


def test_export_with_continuations_translations_and_speakers(write_order: Write) -> None:
    order = case_with(write_order, "  file: chat.txt\n", "chat.txt")
    messages = load(order)
    assert [(m.at.isoformat(sep=" "), m.sender) for m in messages] == [
        ("2026-10-25 09:14:00", "buyer"),  # "Me"
        ("2026-10-25 17:48:00", "seller"),
        ("2026-11-05 08:30:00", "buyer"),  # "buyer", any case
        ("2026-11-05 19:02:00", "seller"),  # the store's name
        ("2026-11-06 10:00:00+08:00", "platform"),  # "AliExpress", the platform
    ]
    assert messages[0].text == ("Hello, my order has had no tracking update since 14 September."
                                "\nWhere is my parcel?")
    assert messages[0].translation is None
    assert messages[1].text == "亲，请耐心等待。包裹还在路上。"
    assert messages[1].translation == (
        "Dear, please wait patiently. The parcel is still on the way.")
    assert messages[2].text == (
        "The delivery deadline (20 October) has passed.\n\nPlease refund me.")
    assert messages[3].translation == ("Dear, we are very sorry for the inconvenience.\n"
                                       "We can send the parcel again for free, is that OK?")


def test_translation_file(write_order: Write) -> None:
    order = case_with(write_order, "  file: plain.txt\n  translation: plain-en.txt\n",
                      "plain.txt", "plain-en.txt")
    messages = load(order)
    assert [(m.text, m.translation) for m in messages] == [
        ("Hello, where is my parcel?", None),  # the same in both: no translation
        ("亲，请耐心等待。\n包裹还在路上。",
         "Dear, please wait patiently.\nThe parcel is still on the way."),
        ("亲，我们已经联系物流公司，请再等待十五天。",
         "Dear, we have contacted the logistics company. Please wait another 15 days."),
    ]


def test_inline_messages_are_returned_as_they_are(write_order: Write) -> None:
    order = write_order(ORDER + "messages:\n  - at: 2026-10-25 09:14\n    from: buyer\n"
                                "    text: Where is my parcel?\n")
    case = validate(order)
    assert chat.load_messages(case) == case.order.messages


def test_no_messages(write_order: Write) -> None:
    assert chat.load_messages(validate(write_order(ORDER))) == []


@pytest.mark.parametrize(("fixture", "expected"), [
    ("no-timestamp.txt", ["{f}:2: the first message has no date and time — start each "
                          "message with a line like `YYYY-MM-DD HH:MM Seller: text`"]),
    ("unknown-speaker.txt", [
        "{f}:2: unknown speaker `Bob` — use Buyer (or Me, You), Seller or Platform",
        "{f}:4: unknown speaker `Carrier` — use Buyer (or Me, You), Seller or Platform"]),
    ("no-speaker.txt", ["{f}:2: this message does not say who wrote it — write it like "
                        "`YYYY-MM-DD HH:MM Seller: text`"]),
    ("bad-date.txt", [
        "{f}:2: 2026-02-30 is not a real calendar date — check the day and month (e.g. "
        "February has 28 days, 29 in leap years)",
        "{f}:3: 2026-10-26 25:00 is not a real time of day — use a 24-hour time like 14:30"]),
    ("empty-message.txt", ["{f}:2: the message is empty — write the text after the colon, "
                           "or remove the line"]),
    ("empty.txt", ["{f}:1: the file has no messages — export the chat as text, one message "
                   "per line like `YYYY-MM-DD HH:MM Seller: text`"]),
])
def test_problems_name_the_file_and_line(write_order: Write, fixture: str,
                                         expected: list[str]) -> None:
    order = case_with(write_order, f"  file: {fixture}\n", fixture)
    shown = str(order.parent / fixture)
    assert problems(order) == [line.format(f=shown) for line in expected]


def test_export_that_is_not_utf8(write_order: Write) -> None:
    order = case_with(write_order, "  file: latin1.txt\n", "latin1.txt")
    (problem,) = problems(order)
    assert problem.startswith(f"{order.parent}/latin1.txt:1:")
    assert "UTF-8" in problem


def test_translation_with_fewer_messages(write_order: Write) -> None:
    order = case_with(write_order, "  file: plain.txt\n  translation: plain-en-short.txt\n",
                      "plain.txt", "plain-en-short.txt")
    shown = order.parent / "plain-en-short.txt"
    assert problems(order) == [
        f"{shown}: the translation has 2 messages, the chat 3; the chat's message on line 4 "
        "has none — translate every message, line for line"]


def test_translation_that_does_not_match(write_order: Write) -> None:
    order = case_with(write_order,
                      "  file: plain.txt\n  translation: plain-en-wrong-speaker.txt\n",
                      "plain.txt", "plain-en-wrong-speaker.txt")
    folder = order.parent
    assert problems(order) == [
        f"{folder}/plain-en-wrong-speaker.txt:2: this message (2026-10-25 17:48, buyer) does "
        f"not match line 2 of {folder}/plain.txt (2026-10-25 17:48, seller) — the translation "
        "must have the same messages in the same order, with the same dates and speakers"]


def test_translation_given_twice(write_order: Write) -> None:
    order = case_with(write_order, "  file: chat.txt\n  translation: chat.txt\n", "chat.txt")
    assert problems(order)[0] == (
        f"{order.parent}/chat.txt:3: this message has a translation both here and in "
        f"{order.parent}/chat.txt — keep one of the two")


def test_missing_export_is_reported_once_against_the_order_file(write_order: Write) -> None:
    order = case_with(write_order, "  file: nowhere.txt\n")
    (problem,) = problems(order)
    assert problem.startswith(f"{order}:")
    assert "messages.file: the file does not exist" in problem


def test_problems_are_reported_with_the_order_files_own(write_order: Write) -> None:
    order = case_with(write_order, "  file: unknown-speaker.txt\n", "unknown-speaker.txt")
    order.write_text(order.read_text().replace("currency: EUR", "currency: EURO"))
    found = problems(order)
    assert len(found) == 3
    assert any("is not an ISO 4217 currency code" in problem for problem in found)


def test_load_messages_raises_if_the_export_changed_after_validation(
        write_order: Write) -> None:
    order = case_with(write_order, "  file: plain.txt\n", "plain.txt")
    case: Case = validate(order)
    shutil.copy(CHATS / "no-speaker.txt", order.parent / "plain.txt")
    with pytest.raises(OrderFileError, match=r"plain\.txt:2: this message does not say who"):
        chat.load_messages(case)


def test_too_many_messages(write_order: Write) -> None:
    order = write_order(ORDER + "messages:\n  file: long.txt\n")
    lines = [f"2026-10-25 09:{n % 60:02d} Buyer: message {n}" for n in range(1001)]
    (order.parent / "long.txt").write_text("\n".join(lines))
    assert problems(order) == [f"{order.parent}/long.txt: the export has 1001 messages; the "
                               "limit is 1000 — keep the part of the chat about this order"]


def test_problems_in_both_files_are_reported_together(write_order: Write) -> None:
    order = case_with(write_order, "  file: no-speaker.txt\n  translation: unknown-speaker.txt\n",
                      "no-speaker.txt", "unknown-speaker.txt")
    assert [problem.split(": ", 1)[0] for problem in problems(order)] == [
        f"{order.parent}/no-speaker.txt:2",
        f"{order.parent}/unknown-speaker.txt:2",
        f"{order.parent}/unknown-speaker.txt:4",
    ]
