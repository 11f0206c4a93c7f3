"""The facts of a case, in the words every text orderpack writes shares.

`status`, the step messages and the dispute narrative all read these, so an order
date or an amount is worded one way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from orderpack.model import Case, Item, Message, instant
from orderpack.render import money
from orderpack.tracking import TrackingSummary, summarize

REMEDY_WORDS = {
    "full_refund": "a full refund",
    "refund_and_return": "a refund, returning the goods",
}


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
    labels = {reason.id: reason.label for reason in case.profile.reasons}
    remedy = order.dispute.remedy
    remedy_text = f"{REMEDY_WORDS[remedy]} of {amount} to the original payment method"
    first_contact = next((m.at.date() for m in messages if m.sender == "buyer"), None)
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
        seller_replies=[m for m in messages if m.sender == "seller"],
        reason=labels.get(order.dispute.reason, order.dispute.reason),
        remedy=remedy,
        remedy_text=remedy_text,
        details=order.dispute.details,
    )


def _items(items: Sequence[Item]) -> str:
    parts = [f"{item.quantity} × {item.title}" for item in items]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
