"""The order file's schema: typed, documented, and the source of the JSON Schema.

Field names here are the contract users' files rely on. Values are checked with
messages that say how to fix them; checks that need a platform profile or the
file system live in :mod:`orderpack.validation`.

Why one module of about 610 lines: the schema and the parsers of its values (dates,
moments, money, currencies, file names) are read together: each field's type names its
parser, and each parser's message is the fix for that field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pycountry
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    StringConstraints,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from orderpack import i18n
from orderpack.i18n import gettext as _
from orderpack.loader import visible
from orderpack.words import clip

if TYPE_CHECKING:
    from orderpack.errors import Problem
    from orderpack.loader import Document
    from orderpack.profiles import Profile

#: Characters a one-line field may hold; longer texts belong in `details` or a message.
SHORT_TEXT = 300
LONG_TEXT = 10_000
MAX_MESSAGES = 1_000
MAX_EVIDENCE = 200
MAX_TRACKING_EVENTS = 500


def _fail(message: str, fix: str) -> PydanticCustomError:
    return PydanticCustomError("orderpack", message, {"fix": fix})


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MOMENT = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
MOMENT_PATTERN = _MOMENT.pattern


def parse_date(value: Any) -> date:
    """A calendar date written 2026-09-14; PydanticCustomError saying how to fix it."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _DATE.match(text):
        raise _fail(_("expected a date written year-month-day (YYYY-MM-DD), got %(value)s",
                      value=_show(value)), _date_fix(value))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(
            _("%(date)s is not a real calendar date", date=text),
            _("check the day and month (e.g. February has 28 days, 29 in leap years)"),
        ) from None


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTHS = {name[:length]: number for number, name in enumerate(_MONTH_NAMES, start=1)
           for length in (3, len(name))} | {"sept": 9}
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$")
_WORDS_DATE = re.compile(r"^(?:(\d{1,2})\.?\s+([a-z]+)\.?,?\s+(\d{4})"
                         r"|([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))$",
                         re.IGNORECASE)


def date_readings(value: Any) -> list[date]:
    """The dates a value written another way can mean, in the buyer's own figures: one for
    2026/9/14, 14.09.2026 or "14 September 2026", two for 06/11/2026 (day or month first),
    none when it cannot be read as a date."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    candidates: list[tuple[int, int, int]] = []
    if re.fullmatch(r"\d{8}", text):
        candidates.append((int(text[:4]), int(text[4:6]), int(text[6:])))
    elif match := _NUMERIC_DATE.match(text):
        first, second, third = match.groups()
        if len(first) == 4:
            candidates.append((int(first), int(second), int(third)))
        elif len(third) == 4:
            candidates += [(int(third), int(second), int(first)),
                           (int(third), int(first), int(second))]
    elif match := _WORDS_DATE.match(text):
        day, month, year = (match[1], match[2], match[3]) if match[1] else (
            match[5], match[4], match[6])
        number = _MONTHS.get(month.lower())
        if number is not None:
            candidates.append((int(year), number, int(day)))
    readings: list[date] = []
    for year, month, day in candidates:
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found not in readings:
            readings.append(found)
    return readings


def _date_fix(value: Any) -> str:
    """How to write ``value`` as a date: with the buyer's own figures where they can be
    read, else the form, never an example date one could copy by mistake."""
    readings = [day.isoformat() for day in date_readings(value)]
    if len(readings) == 1:
        return _("write %(value)s", value=readings[0])
    if len(readings) == 2:
        return _("%(written)s: did you mean %(first)s or %(second)s?",
                 written=str(value).strip(), first=readings[0], second=readings[1])
    return _("write the date as year-month-day: YYYY-MM-DD")


def _moment_fix(text: str | None) -> str:
    """:func:`_date_fix` for a date with an optional time after it."""
    match = re.match(r"^(\S+(?:\s+[a-z]+\.?,?\s+\d{4}|\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})?)"
                     r"(?:\s+(\d{1,2}:\d{2}(?::\d{2})?))?$", text or "", re.IGNORECASE)
    if match is not None:
        time = f" {match[2]}" if match[2] else ""
        readings = [day.isoformat() + time for day in date_readings(match[1])]
        if len(readings) == 1:
            return _("write %(value)s", value=readings[0])
        if len(readings) == 2:
            return _("%(written)s: did you mean %(first)s or %(second)s?",
                     written=text, first=readings[0], second=readings[1])
    return _("write year-month-day, then optionally hours:minutes (24-hour clock): "
             "YYYY-MM-DD HH:MM")


def _parse_moment(value: Any) -> datetime:
    """A date, or a date and time with an optional UTC offset."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)  # noqa: DTZ001 (a calendar date)
    text = value.strip() if isinstance(value, str) else None
    match = _MOMENT.match(text) if text is not None else None
    if match is None:
        raise _fail(
            _("expected a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM), "
              "got %(value)s", value=_show(value)), _moment_fix(text))
    day = parse_date(match[1])
    hour, minute, second = (int(match[i] or 0) for i in (2, 3, 4))
    if hour > 23 or minute > 59 or second > 59:
        raise _fail(_("%(time)s is not a real time of day", time=text),
                    _("use a 24-hour time like 14:30"))
    tz = None
    if match[5]:
        offset = match[5].replace(":", "")
        if offset == "Z":
            tz = UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            hours, minutes = int(offset[1:3]), int(offset[3:5])
            if hours > 14 or minutes > 59:
                raise _fail(_("%(offset)s is not a real UTC offset", offset=match[5]),
                            _("use e.g. +08:00 or -05:00"))
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)


def _parse_money(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise _fail(_("expected an amount, got %(value)s", value=_show(value)),
                    _("write the amount you paid as a number, with a dot before the cents"))
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(value))
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        amount = Decimal(value.strip())
    else:
        raise _fail(_("expected an amount, got %(value)s", value=_show(value)),
                    _money_fix(value))
    if not amount.is_finite():
        raise _fail(_("%(value)s is not an amount", value=value),
                    _("write the amount you paid as a number"))
    if amount < 0:
        raise _fail(_("an amount cannot be negative (%(amount)s)", amount=amount),
                    _("write the amount you paid: %(amount)s", amount=amount.copy_abs()))
    if amount.is_zero():
        amount = amount.copy_abs()  # -0 would print as "-0.00 EUR"
    if amount.as_tuple().exponent < -4:  # type: ignore[operator]
        raise _fail(_("%(amount)s has too many decimals", amount=amount),
                    _("round to the cent: %(amount)s", amount=amount.quantize(Decimal("0.01"))))
    if amount >= Decimal("1e9"):
        raise _fail(_("%(amount)s is not a plausible order amount", amount=amount),
                    _("check the number"))
    return amount


_CURRENCY_SIGNS = "€$£¥₹₩₽₺₪₫฿"


def _money_fix(value: Any) -> str:
    """How to write ``value`` as an amount, in the buyer's own figures where they can be
    read: "write 24.99, not 24,99"."""
    text = value.strip() if isinstance(value, str) else ""
    bare = re.sub(rf"^[{_CURRENCY_SIGNS}]\s*|\s*[{_CURRENCY_SIGNS}]$|^[A-Za-z]{{3}}\s+"
                  r"|\s+[A-Za-z]{3}$", "", text)
    number = _read_amount(bare)
    if number is None:
        return _("write the amount you paid as a number, with a dot before the cents")
    if bare != text:
        return _("write only the number, %(number)s; the currency goes in `currency:`",
                 number=number)
    if "," in bare and "." not in bare and re.fullmatch(r"\d+,\d{1,2}", bare):
        return _("write %(number)s, not %(written)s", number=number, written=bare)
    return _("write %(number)s, without a thousands separator", number=number)


def _read_amount(text: str) -> str | None:
    """``text`` as the plain number it shows (24,99 → 24.99; 1.299,00 and 1,299.00 →
    1299.00), or None if it is not an amount written some other way."""
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return text
    if re.fullmatch(r"\d+,\d{1,2}", text):
        return text.replace(",", ".")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", text):
        return text.replace(",", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", text):
        return text.replace(".", "").replace(",", ".")
    if re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d{1,2})?", text):
        return text.replace(" ", "").replace(",", ".")
    return None


#: Currency signs and names that stand for one currency only, as a buyer may write them.
CURRENCY_NAMES = {"€": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "pound": "GBP",
                  "pounds": "GBP", "us$": "USD", "dollar": "USD", "dollars": "USD",
                  "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "zł": "PLN", "yuan": "CNY",
                  "rmb": "CNY", "kr": "", "$": "", "¥": ""}
"""The empty ones are several currencies' (kr, $, ¥): the buyer is asked which."""
_SHARED_SIGNS = {"kr": "SEK, NOK, DKK, ISK", "$": "USD, CAD, AUD, NZD, SGD, MXN ...",
                 "¥": "CNY, JPY"}


def _parse_currency(value: Any) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if not re.fullmatch(r"[A-Z]{3}", text) or pycountry.currencies.get(alpha_3=text) is None:
        raise _fail(_("%(value)s is not an ISO 4217 currency code", value=_show(value)),
                    currency_fix(value))
    return text


def currency_fix(value: Any) -> str:
    """How to write a currency the buyer wrote as a sign or a name: "write EUR"."""
    name = value.strip().lower() if isinstance(value, str) else ""
    code = CURRENCY_NAMES.get(name)
    if code:
        return _("write %(value)s", value=code)
    if name in _SHARED_SIGNS:
        return _("write the three-letter code; %(sign)s is used by %(codes)s",
                 sign=value.strip(), codes=_SHARED_SIGNS[name])
    return _("use the three-letter code, e.g. EUR, USD, GBP, CNY")


def _parse_country(value: Any) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if not re.fullmatch(r"[A-Z]{2}", text) or pycountry.countries.get(alpha_2=text) is None:
        raise _fail(_("%(value)s is not an ISO 3166 country code", value=_show(value)),
                    _("the United Kingdom's code is GB") if text == "UK" else
                    _("use the two-letter code, e.g. DE, FR, GB, US"))
    return text


def _parse_language(value: Any) -> str:
    """A language tag orderpack writes, normalised: "ES" → es, "pt_br" → pt-BR."""
    found = i18n.normalise(value) if isinstance(value, str) else None
    if found is None:
        raise _fail(_("%(value)s is not a language orderpack writes", value=_show(value)),
                    _("write one of %(choices)s", choices=", ".join(i18n.SUPPORTED)))
    return found


Language = Annotated[
    str, BeforeValidator(_parse_language),
    WithJsonSchema({"type": "string", "examples": list(i18n.SUPPORTED),
                    "description": "A language tag: " + ", ".join(i18n.SUPPORTED) + "."}),
]


def _require_text(value: Any) -> Any:
    """Refuse numbers where text is needed (an order number loses zeros that way); take
    out of text the invisible characters of :data:`_HIDDEN`."""
    if isinstance(value, bool):
        shown = _show(value)
        raise _fail(_("expected text in quotes, got the yes/no value %(value)s", value=shown),
                    _('put it in quotes: "%(value)s"', value=shown))
    if isinstance(value, int | float | Decimal):
        raise _fail(_("expected text in quotes, got the number %(value)s", value=value),
                    _('put it in quotes: "%(value)s"', value=value))
    if isinstance(value, str):
        value = _HIDDEN.sub("", _LINE_BREAK.sub("\n", value))
    return value


#: Removed from every text: control characters but tab and line break (YAML refuses them
#: typed raw, but they come in as escapes like "\e" in quotes, or in a chat export), and the
#: bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), with which a
#: pasted text could reorder what follows it, the order number or orderpack's own words
#: ("Trojan Source"). Kept: zero-width joiners and spaces, LRM/RLM marks, combining marks
#: (identifiers lose those too, see :func:`_identifier`).
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"\r\n?|[\x85\u2028\u2029]")


def _one_line(value: Any) -> Any:
    """A one-line field's text with any line break (and the spaces around it) made a space:
    a break would split the sentence it is quoted in."""
    value = _require_text(value)
    return re.sub(r"\s*\n\s*", " ", value) if isinstance(value, str) else value


def _show(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return {None: _("nothing"), True: "true", False: "false"}[value]  # as in YAML
    text = repr(value) if not isinstance(value, str) else f'"{visible(value)}"'
    return clip(text)


def instant(at: datetime) -> datetime:
    """A Moment made comparable with the others: a time with a UTC offset as its UTC time
    (02:15 +08:00 is before 20:00 +00:00 the day before), a time without one as written."""
    if at.tzinfo is None:
        return at
    return at.astimezone(UTC).replace(tzinfo=None)


_date_schema = WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-09-14"]})
CalendarDate = Annotated[
    date, BeforeValidator(parse_date), _date_schema,
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
]
Moment = Annotated[
    datetime,
    BeforeValidator(_parse_moment),
    WithJsonSchema({
        "type": "string",
        "pattern": _MOMENT.pattern,
        "examples": ["2026-09-14", "2026-09-14 10:12", "2026-09-14 10:12 +08:00"],
    }),
    PlainSerializer(lambda d: d.isoformat(sep=" "), return_type=str),
]
Money = Annotated[
    Decimal, BeforeValidator(_parse_money),
    WithJsonSchema({"type": "number", "minimum": 0, "examples": [25.48]}),
    PlainSerializer(str, return_type=str),
]
Currency = Annotated[
    str, BeforeValidator(_parse_currency),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["EUR"]}),
]
Country = Annotated[
    str, BeforeValidator(_parse_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$", "examples": ["DE"]}),
]
ShortText = Annotated[
    str, BeforeValidator(_one_line), Field(min_length=1, max_length=SHORT_TEXT)
]
LongText = Annotated[
    str, BeforeValidator(_require_text), Field(min_length=1, max_length=LONG_TEXT)
]
def _identifier(value: Any) -> Any:
    """An identifier's text without the invisible format characters (zero-width space,
    joiners, word joiner, BOM, direction marks…): copied from a web page they come along,
    and the number pasted into a form would not be the platform's."""
    value = _require_text(value)
    if isinstance(value, str):
        value = "".join(char for char in value if unicodedata.category(char) != "Cf")
    return value


def _file_name(value: Any) -> Any:
    """A path as written, not text to clean: its spaces are kept, and what no file name
    should hold (a line break, a control character, a bidi override that shows the name
    reversed) is refused, so that `validate` and `build` read the same name."""
    if not isinstance(value, str):
        return _require_text(value)
    for char in value:
        if char in "\n\r\x85\u2028\u2029":
            raise _fail(_("a file name cannot hold a line break"),
                        _("write the file's name on one line"))
        if unicodedata.category(char) == "Cc":
            raise _fail(_("the file name holds an invisible control character "
                          "(U+%(code)04X)", code=ord(char)),
                        _("type the name again, or rename the file"))
        if _HIDDEN.match(char):
            raise _fail(_("the file name holds U+%(code)04X, an invisible character that "
                          "changes the order in which the name is shown", code=ord(char)),
                        _("type the name again by hand; if the file itself is named so, "
                          "rename it"))
    return value


Identifier = Annotated[
    str, BeforeValidator(_identifier),
    Field(min_length=1, max_length=80, pattern=r"^\S(.*\S)?$"),
]
FileName = Annotated[  # the constraints first: after a validator, the model's stripping wins
    str, StringConstraints(strip_whitespace=False, min_length=1, max_length=SHORT_TEXT),
    BeforeValidator(_file_name),
]

#: A label copied with the order number: "Order ID: 3052…", "Order no. 3052…", "#3052…".
_NUMBER_LABEL = re.compile(
    r"^(?:(?:order|purchase|transaction)\s*(?:id|no\.?|nr\.?|number|num\.?|#)?"
    r"|id|no\.?|nr\.?|number|#)\s*[:#]?\s*(?=\d)", re.IGNORECASE)


def _order_number(value: Any) -> Any:
    """An order number as text, refused with its label ("Order ID: 3052…")."""
    value = _require_text(value)
    if isinstance(value, str) and (label := _NUMBER_LABEL.match(value.strip())):
        number = value.strip()[label.end():]
        raise _fail(_("the order number is written with its label (%(value)s)",
                      value=_show(value)),
                    _('write only the number: "%(number)s"', number=number))
    return value


OrderNumber = Annotated[
    str, BeforeValidator(_order_number),
    Field(min_length=1, max_length=80, pattern=r"^\S(.*\S)?$"),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Buyer(_Strict):
    name: ShortText = Field(description="Your name as on the order.",
                            examples=["Jane Doe", "Oliver Bennett"])
    email: ShortText | None = Field(
        default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", examples=["jane@example.org"],
        description="Optional: the e-mail address of your account.")
    country: Country | None = Field(default=None, description="Optional: ISO 3166 alpha-2 code.")
    language: Language = Field(
        default="en", description="The language you read: advice, messages to send, the web "
                                  "page (en, es, pt-BR, fr, de, pl, ru).")


class Item(_Strict):
    title: ShortText = Field(examples=["USB-C hub 7-in-1"])
    quantity: int = Field(default=1, ge=1, le=100_000, examples=[1])
    price: Money | None = Field(default=None, description="Unit price paid.")


class Order(_Strict):
    number: OrderNumber = Field(description="The order number, in quotes.",
                               examples=["8190123456789012", "12-34567-89012"])
    placed: CalendarDate = Field(description="The order date.")
    store: ShortText = Field(description="The seller or store name.",
                             examples=["Shenzhen Gadget Store", "retrobits_uk"])
    items: list[Item] = Field(min_length=1, max_length=500)
    total: Money = Field(description="The amount you paid, shipping included.")
    currency: Currency
    payment: ShortText | None = Field(default=None, examples=["Visa ending 4242"])
    payment_method: Literal["card", "paypal", "bank_transfer", "other"] | None = Field(
        default=None, description="Optional: how you paid; read from `payment` when left out.")


class Shipping(_Strict):
    method: ShortText | None = Field(default=None, examples=["AliExpress Standard Shipping"])
    carrier: ShortText | None = Field(default=None, examples=["Cainiao"])
    tracking_number: Identifier | None = Field(default=None, examples=["LP00123456789012"])
    shipped: CalendarDate | None = Field(default=None, description="The day the seller shipped.")
    delivery_deadline: CalendarDate = Field(
        description='The promised delivery date (the "shipping deadline").')
    protection_ends: CalendarDate | None = Field(
        default=None, description="When Buyer Protection ends, as shown on the order page.")


class TrackingEvent(_Strict):
    at: Moment
    place: ShortText | None = Field(default=None, examples=["Shenzhen, CN"])
    status: ShortText = Field(examples=["Accepted by carrier"])


class Tracking(_Strict):
    checked: CalendarDate | None = Field(default=None, description="When you last looked.")
    events: list[TrackingEvent] = Field(default_factory=list, max_length=MAX_TRACKING_EVENTS)


class Message(_Strict):
    at: Moment
    sender: Literal["buyer", "seller", "platform"] = Field(alias="from")
    text: LongText
    translation: LongText | None = None
    asks_to_wait_days: int | None = Field(
        default=None, ge=1, le=365, examples=[15],
        description="Optional, on a seller's message: the days it asks you to wait "
                    "(\"please wait 15 more days\"). Without it, orderpack reads an English "
                    "\"wait N days\" in the translation or the text.")

    model_config = ConfigDict(populate_by_name=True)


class ChatImport(_Strict):
    """A chat exported as text: lines like ``2026-10-25 09:00 Seller: text``."""

    file: FileName = Field(description="The exported chat, relative to the order file.",
                            examples=["chat.txt"])
    translation: FileName | None = Field(
        default=None, description="Optional: the same chat translated, line for line.")


def _messages_shape(value: Any) -> str:
    return "list" if isinstance(value, list) else "file"


Messages = Annotated[
    Annotated[list[Message], Field(max_length=MAX_MESSAGES), Tag("list")]
    | Annotated[ChatImport, Tag("file")],
    Discriminator(_messages_shape),
]

# Whole numbers only (strict): 5000.0 or "5000" would pass the bounds check unchecked.
Box = Annotated[
    tuple[Annotated[int, Field(ge=0, strict=True)], Annotated[int, Field(ge=0, strict=True)],
          Annotated[int, Field(ge=1, strict=True)], Annotated[int, Field(ge=1, strict=True)]],
    WithJsonSchema({"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4,
                    "description": "[x, y, width, height] in pixels of the picture as shown"}),
]


class Evidence(_Strict):
    file: FileName = Field(description="Path relative to the order file's folder.",
                            examples=["screenshots/tracking.png"])
    caption: ShortText = Field(examples=["Tracking page, no update since 12 September"])
    date: CalendarDate | None = Field(default=None, description="When it was taken.")
    redact: list[Box] = Field(
        default_factory=list, max_length=100,
        description="Boxes [x, y, width, height] to black out, in pixels of the picture as "
                    "shown (upright, after its EXIF orientation), from its top-left corner.")


class Dispute(_Strict):
    reason: Identifier = Field(default="not_received", examples=["no_tracking_update"])
    remedy: Literal["full_refund", "refund_and_return"] = "full_refund"
    opened: CalendarDate | None = Field(default=None, description="Once the dispute is open.")
    details: LongText | None = Field(default=None, description="Your own words to add.")
    language: Language | None = Field(
        default=None, description="The language of dispute.txt and evidence.pdf, read by the "
                                  "reviewer. Default: English for a platform, your language for "
                                  "a card chargeback.")


class OrderFile(_Strict):
    """A whole order file."""

    model_config = ConfigDict(
        title="orderpack order file",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    platform: Identifier = Field(examples=["aliexpress"],
                                 description="aliexpress, ebay, paypal, amazon, etsy or card.")
    buyer: Buyer
    order: Order
    shipping: Shipping
    tracking: Tracking | None = None
    messages: Messages | None = None
    evidence: list[Evidence] = Field(default_factory=list, max_length=MAX_EVIDENCE)
    dispute: Dispute = Field(default_factory=Dispute)


@dataclass(frozen=True)
class Case:
    """A validated case: the order, its profile, and where its files are
    (:func:`orderpack.validation.validate` makes it)."""

    path: Path
    order: OrderFile
    profile: Profile
    document: Document
    warnings: tuple[Problem, ...] = ()
    """What looks wrong but does not stop a build: dates before the order, example values
    left in the file (see :func:`orderpack.validation.warnings_for`)."""

    @property
    def folder(self) -> Path:
        return self.path.parent


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the order file, for editors and `orderpack schema`."""
    return OrderFile.model_json_schema(by_alias=True)
