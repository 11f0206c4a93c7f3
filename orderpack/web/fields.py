"""The case page's forms: which fields of the order file each section shows, and how.

Names are orderpack's own field names (``tracking.events[2].status``), the ones its
problems carry, so a problem lands beside its field.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    """The field's name below its section or row (``number``, ``status``)."""
    label: str
    kind: str = "text"
    """text, date, moment, money, number, email, long, choice, country, currency."""
    hint: str = ""
    required: bool = False


@dataclass(frozen=True)
class Rows:
    """A list of rows (items, tracking events, messages, evidence)."""

    name: str
    label: str
    fields: tuple[Field, ...]
    add_label: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    fields: tuple[tuple[str, Field], ...]
    """Each with the prefix of its name (``order.``)."""
    rows: tuple[Rows, ...] = ()


ITEMS = Rows("order.items", "Items", (
    Field("title", "What you ordered", required=True),
    Field("quantity", "Quantity", "number"),
    Field("price", "Unit price", "money", "optional"),
), "Add an item")

EVENTS = Rows("tracking.events", "Tracking events, oldest first", (
    Field("at", "When", "moment", "2026-09-06 10:12", required=True),
    Field("place", "Where", hint="optional, e.g. Shenzhen, CN"),
    Field("status", "What the tracking page says", required=True),
), "Add a tracking event")

MESSAGES = Rows("messages", "Messages, oldest first", (
    Field("at", "When", "moment", "2026-10-25 09:14", required=True),
    Field("from", "From", "choice", required=True),
    Field("text", "Text", "long", required=True),
    Field("translation", "Translation", "long", "optional: the app's translation"),
), "Add a message")

SECTIONS = (
    Section("order", "The order", (
        ("", Field("platform", "Platform", "choice", required=True)),
        ("buyer.", Field("name", "Your name as on the order", required=True)),
        ("buyer.", Field("email", "Your account's e-mail", "email", "optional")),
        ("buyer.", Field("country", "Your country", "country", "optional, two letters: DE")),
        ("order.", Field("number", "Order number", required=True)),
        ("order.", Field("placed", "Order date", "date", required=True)),
        ("order.", Field("store", "Store or seller", required=True)),
        ("order.", Field("total", "Amount paid, shipping included", "money", required=True)),
        ("order.", Field("currency", "Currency", "currency", "three letters: EUR, USD, GBP",
                         required=True)),
        ("order.", Field("payment", "How you paid", hint="optional, e.g. Visa ending 4242")),
    ), (ITEMS,)),
    Section("shipping", "Shipping and tracking", (
        ("shipping.", Field("method", "Shipping method", hint="optional")),
        ("shipping.", Field("carrier", "Carrier", hint="optional")),
        ("shipping.", Field("tracking_number", "Tracking number", hint="optional")),
        ("shipping.", Field("shipped", "Shipped on", "date", "optional")),
        ("shipping.", Field("delivery_deadline", "Promised delivery date", "date",
                            required=True)),
        ("shipping.", Field("protection_ends", "Buyer Protection ends", "date",
                            "as shown on the order page")),
        ("tracking.", Field("checked", "Tracking last checked on", "date", "optional")),
    ), (EVENTS,)),
    Section("messages", "Messages with the seller", (), (MESSAGES,)),
    Section("dispute", "The dispute", (
        ("dispute.", Field("reason", "Reason", "choice", required=True)),
        ("dispute.", Field("remedy", "What you ask for", "choice", required=True)),
        ("dispute.", Field("opened", "Dispute opened on", "date", "once you have opened it")),
        ("dispute.", Field("details", "Details in your own words", "long", "optional")),
    )),
)

EVIDENCE = Rows("evidence", "Evidence", (
    Field("caption", "Caption", required=True),
    Field("date", "Taken on", "date", "optional"),
), "")

SENDERS = (("buyer", "You"), ("seller", "The seller"), ("platform", "The platform"))
REMEDIES = {"full_refund": "A full refund", "refund_and_return": "A refund, and return the item"}
