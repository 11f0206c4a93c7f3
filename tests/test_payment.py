"""How the buyer paid, read from the order file's `payment` text or `payment_method`."""

from __future__ import annotations

import pytest

from orderpack import payment
from orderpack.model import Order


def order(text: str | None, method: str | None = None) -> Order:
    data = {"number": "1", "placed": "2026-09-02", "store": "Shop", "items": [{"title": "Hub"}],
            "total": "10.00", "currency": "EUR"}
    if text is not None:
        data["payment"] = text
    if method is not None:
        data["payment_method"] = method
    return Order.model_validate(data)


@pytest.mark.parametrize(("text", "method", "network"), [
    ("Visa ending 4242", "card", "visa"),
    ("Mastercard ending 5521", "card", "mastercard"),
    ("MasterCard debit", "card", "mastercard"),
    ("Debit card", "card", None),
    ("PayPal", "paypal", None),
    ("PayPal (Visa ending 4242)", "paypal", "visa"),
    ("Bank transfer (SEPA)", "bank_transfer", None),
    ("Gift voucher", "other", None),
    (None, None, None),
])
def test_the_method_is_read_from_the_text(text: str | None, method: str | None,
                                          network: str | None) -> None:
    paid = payment.read(order(text))
    assert (paid.method, paid.network, paid.inferred) == (method, network, True)


def test_the_structured_field_wins() -> None:
    paid = payment.read(order("Visa ending 4242", "paypal"))
    assert (paid.method, paid.network, paid.inferred) == ("paypal", "visa", False)
