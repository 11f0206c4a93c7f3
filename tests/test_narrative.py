"""The dispute narrative: sentence marks, paragraphs, and fitting to a character limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from orderpack import facts, narrative, render, timeline
from orderpack.model import Message
from orderpack.validation import validate

RENDERED = """First essential sentence.
[drop:2] Second, droppable.

[drop:5]   Third,   with   spaces.
Fourth essential.
[drop:5] Fifth, same rank as third.
"""


def test_parse_reads_marks_and_paragraphs() -> None:
    result = narrative.parse(RENDERED)
    assert [[s.drop for s in p] for p in result.paragraphs] == [[None, 2], [5, None, 5]]
    assert result.paragraphs[1][0].text == "Third, with spaces."
    assert result.text == (
        "First essential sentence. Second, droppable.\n\n"
        "Third, with spaces. Fourth essential. Fifth, same rank as third.\n"
    )


def test_text_has_no_hard_wraps_or_trailing_spaces() -> None:
    text = narrative.parse(RENDERED).text
    for paragraph in text.strip().split("\n\n"):
        assert "\n" not in paragraph
    assert all(line == line.rstrip() for line in text.splitlines())


def test_fit_without_limit_keeps_everything() -> None:
    result = narrative.fit(narrative.parse(RENDERED), None)
    assert result.dropped == ()
    assert result.fits


def test_fit_drops_highest_rank_and_last_of_equal_rank_first() -> None:
    full = narrative.parse(RENDERED)
    limit = full.characters - 10
    result = narrative.fit(full, limit)
    assert result.dropped == ("Fifth, same rank as third.",)
    assert result.characters <= limit
    tighter = narrative.fit(full, result.characters - 1)
    assert tighter.dropped == ("Fifth, same rank as third.", "Third, with spaces.")


def test_fit_never_drops_unmarked_sentences() -> None:
    result = narrative.fit(narrative.parse(RENDERED), 10)
    assert not result.fits
    assert result.text == "First essential sentence.\n\nFourth essential.\n"
    assert len(result.dropped) == 3


def test_characters_excludes_final_newline() -> None:
    result = narrative.parse("One.\n")
    assert result.text == "One.\n"
    assert result.characters == 4


def test_cap_leaves_out_only_the_marked_sentences_last_first() -> None:
    text = narrative.parse("Kept.\n[drop:7] One " + "a" * 50 + ".\n[drop:7] Two " + "b" * 50
                 + ".\n[drop:2] Optional but kept.\n")
    capped = narrative.cap(text, 80, 7)
    assert capped.text == "Kept. One " + "a" * 50 + ". Optional but kept.\n"
    assert capped.dropped == ("Two " + "b" * 50 + ".",)
    assert narrative.cap(text, 10, 7).text == "Kept. Optional but kept.\n"  # as far as it can
    assert narrative.cap(text, 1000, 7) == text


def test_cap_of_a_thousand_long_sentences_is_quick() -> None:
    text = narrative.parse("Kept.\n" + "".join(f"[drop:7] Reply {n}: {'x' * 1500}.\n"
                                     for n in range(1000)))
    capped = narrative.cap(text, 5000, 7)
    assert 4000 < capped.characters <= 5000
    assert len(capped.dropped) == 997

# --- the dispute text of a case: the template, the facts, fitting -----------------------

ORDER = """\
platform: aliexpress
buyer:
  name: Mia Schneider
order:
  number: "3052123456789012"
  placed: 2026-09-02
  store: Tech World
  items:
    - title: Desk lamp
  total: 24.99
  currency: EUR
  payment: Mastercard ending 5521
shipping:
  tracking_number: LP00999999999999
  shipped: 2026-09-05
  delivery_deadline: 2026-10-20
tracking:
  events:
    - {at: 2026-09-06 10:12, place: "Shenzhen, CN", status: Accepted by carrier}
"""


def dispute_text(path: Path, today: date = date(2026, 11, 26),
                 limit: int | None = None) -> narrative.Narrative:
    """The dispute text of the case at ``path`` as a build writes it, without a build."""
    case = validate(path)
    context = {"facts": facts.gather(case, today), "exhibits": [],
               "status": timeline.compute(case.order, case.profile, today)}
    return narrative.fit(narrative.parse(render.render("dispute.txt.j2", context, kind="text")),
                         limit)


def messages(*rows: str) -> str:
    return "messages:\n" + "".join(f"  - {row}\n" for row in rows)


def test_an_expired_request_to_wait_is_stated(write_order: Callable[..., Path]) -> None:
    text = dispute_text(write_order(ORDER + messages(
        "{at: 2026-11-01 09:00, from: buyer, text: Where is my parcel?}",
        "{at: 2026-11-11 10:00, from: seller, text: 请再等十天, translation: Please wait 10 more "
        "days.}"))).text
    assert ("On 11 November 2026 the seller asked me to wait 10 more days; that time ended on "
            "21 November 2026.") in text


def test_a_request_to_wait_that_has_not_ended_is_not(write_order: Callable[..., Path]) -> None:
    path = write_order(ORDER + messages(
        "{at: 2026-11-20 10:00, from: seller, text: Please wait another 15 days.}"))
    assert "asked me to wait" not in dispute_text(path).text
    assert "asked me to wait 15 more days; that time ended on 5 December 2026." in (
        dispute_text(path, today=date(2026, 12, 6)).text)


def test_the_explicit_wait_wins_over_the_words(write_order: Callable[..., Path]) -> None:
    text = dispute_text(write_order(ORDER + messages(
        "{at: 2026-11-01 10:00, from: seller, text: 亲，请耐心等待。, asks_to_wait_days: 7}"))).text
    assert "On 1 November 2026 the seller asked me to wait 7 more days; that time ended on " \
           "8 November 2026." in text


def test_unanswered_follow_ups_are_stated(write_order: Callable[..., Path]) -> None:
    text = dispute_text(write_order(ORDER + messages(
        "{at: 2026-11-01 09:00, from: buyer, text: Where is my parcel?}",
        "{at: 2026-11-02 09:00, from: seller, text: It is on the way.}",
        "{at: 2026-11-15 09:00, from: buyer, text: Still nothing.}",
        "{at: 2026-11-22 09:00, from: buyer, text: Please answer.}",
        "{at: 2026-11-22 18:00, from: buyer, text: Hello?}",
        "{at: 2026-11-30 09:00, from: seller, text: 'Sorry, written after today.'}"))).text
    assert ("I wrote again on 15 November 2026 and 22 November 2026; the seller has not "
            "replied.") in text
    assert "to ask where the parcel is." in text


def test_a_first_message_never_answered(write_order: Callable[..., Path]) -> None:
    text = dispute_text(write_order(ORDER + messages(
        "{at: 2026-11-01 09:00, from: buyer, text: Where is my parcel?}"))).text
    assert ("I contacted the seller on 1 November 2026 to ask where the parcel is; the seller "
            "has not replied.") in text
    assert "I wrote again" not in text


def test_answered_messages_are_not_called_unanswered(write_order: Callable[..., Path]) -> None:
    text = dispute_text(write_order(ORDER + messages(
        "{at: 2026-11-01 09:00, from: buyer, text: Where is my parcel?}",
        "{at: 2026-11-15 09:00, from: buyer, text: Still nothing.}",
        "{at: 2026-11-16 09:00, from: seller, text: Please give it a few more days.}"))).text
    assert "not replied" not in text
    assert "I wrote again" not in text
    assert "asked me to wait" not in text  # "a few more days" has no end


@pytest.mark.parametrize(("words", "days"), [
    ("Please wait another 15 days.", 15), ("please wait 7-15 days", 15),
    ("Please wait patiently for 10 more days", 10), ("wait 2 more weeks", 14),
    ("Please wait for fifteen days.", 15), ("Kindly wait up to 20 days", 20),
    ("please wait a few more days", None), ("wait 10 working days", None),
    ("We waited 3 days for the carrier.", None), ("Please wait patiently.", None),
])
def test_which_words_are_a_request_to_wait(words: str, days: int | None) -> None:
    message = Message.model_validate({"at": "2026-11-07 10:00", "from": "seller", "text": words})
    found = facts.promise(message)
    assert (found.days if found else None) == days
    buyer = Message.model_validate({"at": "2026-11-07 10:00", "from": "buyer", "text": words})
    assert facts.promise(buyer) is None


def test_the_payment_method_goes_before_tracking_and_contact(
    write_order: Callable[..., Path]
) -> None:
    path = write_order(ORDER + messages(
        "{at: 2026-11-01 09:00, from: buyer, text: Where is my parcel?}"))
    full = dispute_text(path)
    payment = "I paid with Mastercard ending 5521."
    assert payment in full.text
    fitted = dispute_text(path, limit=full.characters - 1)
    assert fitted.dropped == (payment,)
    order = [sentence for sentence in dispute_text(path, limit=200).dropped]
    assert order.index(payment) < order.index(
        "I contacted the seller on 1 November 2026 to ask where the parcel is; the seller has "
        "not replied.")
    assert order[-2:] == [
        'The last tracking event is "Accepted by carrier" in Shenzhen, CN on 6 September 2026, '
        "81 days ago; there has been no update since.",
        "The tracking number is LP00999999999999."]


def test_what_cannot_be_left_out_is_named(write_order: Callable[..., Path]) -> None:
    fitted = dispute_text(write_order(ORDER), limit=300)
    assert not fitted.fits
    assert narrative.overrun(fitted) == "\n".join([
        f"the dispute text cannot be fitted into 300 characters: with every optional sentence "
        f"left out it still has {fitted.characters}. These sentences cannot be left out (the "
        "order, the dates and the request):",
        "  - I am opening this dispute because I have not received my order 3052123456789012 "
        "from Tech World: 1 × Desk lamp. (111 characters)",
        "  - I paid 24.99 EUR when I placed the order on 2 September 2026. (61 characters)",
        "  - The promised delivery date (the shipping deadline) was 20 October 2026; it passed "
        "37 days ago and the parcel has not been delivered. (132 characters)",
        "  - Today, 26 November 2026, the parcel has still not arrived. (58 characters)",
        "  - I request a full refund of 24.99 EUR to the original payment method. (68 "
        "characters)",
        "What you can do:",
        "  - if the form takes more, give its real limit: --max-chars N",
        "  - shorten the store name or the item titles in the order file, which the first "
        "sentence quotes",
        "Nothing was written; the previous packet, if any, is unchanged.",
    ])
