"""The case page's forms: which fields of the order file each section shows, and how.

Names are orderpack's own field names (``tracking.events[2].status``), the ones its
problems carry, so a problem lands beside its field.
"""

from __future__ import annotations

from dataclasses import dataclass

from orderpack.i18n import mark, pmark


@dataclass(frozen=True)
class Field:
    key: str
    """The field's name below its section or row (``number``, ``status``)."""
    label: str
    kind: str = "text"
    """text, date, moment, money, number, email, long, choice, country, currency."""
    hint: str = ""
    required: bool = False
    context: str = ""
    """The label's msgctxt, when its English word has other senses elsewhere."""


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
    save: str = ""
    """Its save button, a whole sentence (a title cannot be fitted into one in every
    language)."""


# Labels, hints and titles are English sentences marked for the catalogs; the page says
# them in its language (app._said). Keys and kinds are orderpack's own words.

ITEMS = Rows("order.items", mark("Items"), (
    Field("title", mark("What you ordered"), required=True),
    Field("quantity", mark("Quantity"), "number"),
    Field("price", mark("Unit price"), "money", mark("optional")),
), mark("Add an item"))

EVENTS = Rows("tracking.events", mark("Tracking events, oldest first"), (
    Field("at", mark("When"), "moment", "2026-09-06 10:12", required=True),
    Field("place", pmark("a tracking event's place", "Where"),
          hint=mark("optional, e.g. Shenzhen, CN"), context="a tracking event's place"),
    Field("status", mark("What the tracking page says"), required=True),
), mark("Add a tracking event"))

MESSAGES = Rows("messages", mark("Messages, oldest first"), (
    Field("at", mark("When"), "moment", "2026-10-25 09:14", required=True),
    Field("from", mark("From"), "choice", required=True),
    Field("text", mark("Text"), "long", required=True),
    Field("translation", mark("Translation"), "long", mark("optional: the app's translation")),
), mark("Add a message"))

SECTIONS = (
    Section("order", mark("The order"), (
        ("", Field("platform", mark("Platform"), "choice", required=True)),
        ("buyer.", Field("name", mark("Your name as on the order"), required=True)),
        ("buyer.", Field("email", mark("Your account's e-mail"), "email", mark("optional"))),
        ("buyer.", Field("country", mark("Your country"), "country",
                         mark("optional, two letters: DE"))),
        ("buyer.", Field("language", mark("Your language"), "choice",
                         mark("the language of these pages, of orderpack's advice and of "
                              "your messages"))),
        ("order.", Field("number", mark("Order number"), required=True)),
        ("order.", Field("placed", mark("Order date"), "date", required=True)),
        ("order.", Field("store", mark("Store or seller"), required=True)),
        ("order.", Field("total", mark("Amount paid, shipping included"), "money",
                         required=True)),
        ("order.", Field("currency", mark("Currency"), "currency",
                         mark("three letters: EUR, USD, GBP"), required=True)),
        ("order.", Field("payment", mark("How you paid"),
                         hint=mark("optional, e.g. Visa ending 4242"))),
    ), (ITEMS,), mark("Save the order")),
    Section("shipping", mark("Shipping and tracking"), (
        ("shipping.", Field("method", mark("Shipping method"), hint=mark("optional"))),
        ("shipping.", Field("carrier", mark("Carrier"), hint=mark("optional"))),
        ("shipping.", Field("tracking_number", mark("Tracking number"), hint=mark("optional"))),
        ("shipping.", Field("shipped", mark("Shipped on"), "date", mark("optional"))),
        ("shipping.", Field("delivery_deadline", mark("Promised delivery date"), "date",
                            required=True)),
        ("shipping.", Field("protection_ends", mark("Buyer Protection ends"), "date",
                            mark("as shown on the order page"))),
        ("tracking.", Field("checked", mark("Tracking last checked on"), "date",
                            mark("optional"))),
    ), (EVENTS,), mark("Save shipping and tracking")),
    Section("messages", mark("Messages with the seller"), (), (MESSAGES,),
            mark("Save messages with the seller")),
    Section("dispute", mark("The dispute"), (
        ("dispute.", Field("reason", mark("Reason"), "choice", required=True)),
        ("dispute.", Field("remedy", mark("What you ask for"), "choice", required=True)),
        ("dispute.", Field("opened", mark("Dispute opened on"), "date",
                           mark("once you have opened it"))),
        ("dispute.", Field("details", mark("Details in your own words"), "long",
                           mark("optional"))),
    ), save=mark("Save the dispute")),
)

EVIDENCE = Rows("evidence", mark("Evidence"), (
    Field("caption", mark("Caption"), required=True),
    Field("date", mark("Taken on"), "date", mark("optional")),
), "")

SENDERS = (("buyer", mark("You")), ("seller", mark("The seller")),
           ("platform", mark("The platform")))
REMEDIES = {"full_refund": mark("A full refund"),
            "refund_and_return": mark("A refund, and return the item")}
