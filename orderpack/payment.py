"""How the buyer paid: the method and, for a card, its network.

The route after a platform's own window (a card chargeback, PayPal's Buyer Protection,
or nothing the tool can name) depends on it. The order file's ``order.payment_method``
wins; without it the method is read from the free text of ``order.payment`` ("Visa
ending 4242", "PayPal", "Mastercard ending 5521", "bank transfer").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orderpack.model import Order

#: Words that name a method or a card network, in the order they are looked for.
_NETWORKS = (
    ("visa", re.compile(r"\bvisa\b", re.IGNORECASE)),
    ("mastercard", re.compile(r"\b(master\s?card|maestro|mc)\b", re.IGNORECASE)),
)
_PAYPAL = re.compile(r"\bpay\s?pal\b", re.IGNORECASE)
_CARD = re.compile(r"\b(card|credit|debit|amex|american express|discover|jcb|unionpay)\b",
                   re.IGNORECASE)
_BANK = re.compile(r"\b(bank|transfer|wire|sepa|iban|direct debit)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Payment:
    method: str | None
    """card, paypal, bank_transfer, other; None when the order file does not say."""
    network: str | None
    """visa or mastercard when the text names one (for a card, or the card behind PayPal)."""
    described: str | None
    """The order file's own words (``order.payment``)."""
    inferred: bool
    """The method was read from ``order.payment`` rather than given in ``payment_method``."""


def read(order: Order) -> Payment:
    """The payment of ``order``."""
    text = order.payment or ""
    network = next((name for name, pattern in _NETWORKS if pattern.search(text)), None)
    if order.payment_method is not None:
        return Payment(order.payment_method, network, order.payment, inferred=False)
    if _PAYPAL.search(text):
        method: str | None = "paypal"
    elif network is not None or _CARD.search(text):
        method = "card"
    elif _BANK.search(text):
        method = "bank_transfer"
    else:
        method = "other" if text.strip() else None
    return Payment(method, network, order.payment, inferred=True)
