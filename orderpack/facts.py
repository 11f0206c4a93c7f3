"""The facts of a case, in the words every text orderpack writes shares.

`status`, the step messages and the dispute narrative all read these, so an order
date or an amount is worded one way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from orderpack import i18n, profiles
from orderpack.i18n import mark
from orderpack.model import Case, Item, Message, instant
from orderpack.render import money
from orderpack.tracking import TrackingSummary, summarize

#: The remedy asked for, in a sentence's words (in the language in use).
REMEDY_WORDS = {
    "full_refund": mark("a full refund of %(amount)s to the original payment method"),
    "refund_and_return": mark(
        "a refund, returning the goods, of %(amount)s to the original payment method"),
}


@dataclass(frozen=True)
class Promise:
    """A seller's message asking the buyer to wait a number of days."""

    asked: date
    days: int
    ends: date
    """The day the wait is over: ``asked`` + ``days``."""


@dataclass(frozen=True)
class Facts:
    platform: str
    """The platform's display name, e.g. AliExpress."""
    buyer_name: str
    order_number: str
    store: str
    items: str
    """e.g. "1 × USB-C hub 7-in-1 and 2 × Braided USB-C cable 2 m"."""
    amount: str
    """e.g. "35.46 EUR"."""
    payment: str | None
    placed: date
    shipped: date | None
    delivery_deadline: date
    protection_ends: date | None
    opened: date | None
    today: date
    days_past_deadline: int
    """Negative while the deadline is still ahead."""
    carrier: str | None
    method: str | None
    tracking_number: str | None
    tracking: TrackingSummary
    tracking_checked: date | None
    """When the buyer last looked at the tracking page."""
    messages: Sequence[Message]
    first_contact: date | None
    """When the buyer first wrote to the seller."""
    seller_replies: Sequence[Message]
    first_contact_unanswered: bool
    """The seller has not written since the buyer's first message (by ``today``)."""
    unanswered_follow_ups: Sequence[date]
    """Days the buyer wrote again after the first contact with no reply from the seller
    since (by ``today``), each day once."""
    expired_promises: Sequence[Promise]
    """Seller's requests to wait that ended before ``today``, oldest first."""
    reason: str
    """The dispute reason as the platform's form words it."""
    remedy: str
    """full_refund or refund_and_return."""
    remedy_text: str
    """e.g. "a full refund of 35.46 EUR to the original payment method"."""
    details: str | None


def gather(case: Case, today: date, messages: Sequence[Message] | None = None) -> Facts:
    """The facts of ``case`` on ``today``; ``messages`` replaces the inline ones (chat imports)."""
    order = case.order
    if messages is None:
        messages = order.messages if isinstance(order.messages, list) else []
    messages = sorted(messages, key=lambda m: instant(m.at))
    amount = money(order.order.total, order.order.currency)
    labels = {reason.id: profiles.said(case.profile, reason.label)
              for reason in case.profile.reasons}
    remedy = order.dispute.remedy
    remedy_text = i18n.gettext(REMEDY_WORDS[remedy], amount=amount)
    known = [m for m in messages if m.at.date() <= today]  # what had been written by today
    first_contact = next((m.at.date() for m in known if m.sender == "buyer"), None)
    unanswered = _unanswered(known)
    return Facts(
        platform=case.profile.name,
        buyer_name=order.buyer.name,
        order_number=order.order.number,
        store=order.order.store,
        items=_items(order.order.items),
        amount=amount,
        payment=order.order.payment,
        placed=order.order.placed,
        shipped=order.shipping.shipped,
        delivery_deadline=order.shipping.delivery_deadline,
        protection_ends=order.shipping.protection_ends,
        opened=order.dispute.opened,
        today=today,
        days_past_deadline=(today - order.shipping.delivery_deadline).days,
        carrier=order.shipping.carrier,
        method=order.shipping.method,
        tracking_number=order.shipping.tracking_number,
        tracking=summarize(order.tracking, today),
        tracking_checked=order.tracking.checked if order.tracking else None,
        messages=messages,
        first_contact=first_contact,
        seller_replies=[m for m in known if m.sender == "seller"],
        first_contact_unanswered=bool(unanswered) and unanswered[0] is _first_buyer(known),
        unanswered_follow_ups=list(dict.fromkeys(
            m.at.date() for m in unanswered if m is not _first_buyer(known))),
        expired_promises=[p for p in map(promise, known) if p is not None and p.ends < today],
        reason=labels.get(order.dispute.reason, order.dispute.reason),
        remedy=remedy,
        remedy_text=remedy_text,
        details=order.dispute.details,
    )


def _first_buyer(messages: Sequence[Message]) -> Message | None:
    return next((m for m in messages if m.sender == "buyer"), None)


def _unanswered(messages: Sequence[Message]) -> list[Message]:
    """The buyer's messages after the seller's last one (``messages`` sorted by time)."""
    last_reply = max((n for n, m in enumerate(messages) if m.sender == "seller"), default=-1)
    return [m for m in messages[last_reply + 1:] if m.sender == "buyer"]


_NUMBER_WORDS = {word: number for number, word in enumerate(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
     "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
     "nineteen", "twenty"], start=1)} | {"thirty": 30}
#: Counts without an end: "wait a few more days" is no promise one can hold the seller to.
_VAGUE = {"a few": 0, "few": 0, "some": 0, "several": 0}
_COUNT = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS | _VAGUE, key=len, reverse=True)) + ")"
#: "wait (for) (another|a further) 15 (more) days", "wait 7-15 days", "wait 2 more weeks".
#: Working or business days are not read: counting them needs the seller's calendar.
_WAIT = re.compile(
    r"\bwait\b(?:\s+(?:patiently|for|another|a\s+further|an?\s+other|up\s+to|about|"
    r"around|approximately))*\s+" + _COUNT + r"(?:\s*(?:-|–|to)\s*" + _COUNT + r")?"
    r"\s+(?:more\s+|further\s+|additional\s+|extra\s+)?(days?|weeks?)\b", re.IGNORECASE)


def promise(message: Message) -> Promise | None:
    """The wait a seller's message asks for: its ``asks_to_wait_days``, else an English
    "wait N days" in its translation (or its text, when it has none). A range counts to its
    end (7-15 days: 15); "a few days" and working days are no promise with an end."""
    if message.sender != "seller":
        return None
    days = message.asks_to_wait_days
    if days is None:
        match = _WAIT.search(message.translation or message.text)
        if match is None:
            return None
        counts = [_count(group) for group in (match[1], match[2]) if group]
        days = max(counts) * (7 if match[3].lower().startswith("week") else 1)
        if days == 0:
            return None
    asked = message.at.date()
    return Promise(asked=asked, days=days, ends=asked + timedelta(days=days))


def _count(word: str) -> int:
    return int(word) if word.isdigit() else (_NUMBER_WORDS | _VAGUE)[word.lower()]


def _items(items: Sequence[Item]) -> str:
    return i18n.and_list([f"{item.quantity} × {item.title}" for item in items])
