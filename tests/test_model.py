"""orderpack.model: every value check, the models' shape, and the JSON Schema."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from orderpack import model
from orderpack.model import (
    MAX_MESSAGES,
    ChatImport,
    Dispute,
    Evidence,
    Message,
    OrderFile,
    json_schema,
)


def refusal(annotation: Any, value: Any) -> tuple[str, str]:
    """The (message, fix) a validator gives for ``value``."""
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(annotation).validate_python(value)
    [error] = caught.value.errors()
    assert error["type"] == "orderpack"
    return error["msg"], str((error.get("ctx") or {})["fix"])


def valid(annotation: Any, value: Any) -> Any:
    return TypeAdapter(annotation).validate_python(value)


# --- dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("2026-09-14", date(2026, 9, 14)),
    (" 2026-09-14 ", date(2026, 9, 14)),
    ("2028-02-29", date(2028, 2, 29)),
    (date(2026, 1, 1), date(2026, 1, 1)),
])
def test_calendar_date(value: Any, expected: date) -> None:
    assert valid(model.CalendarDate, value) == expected


@pytest.mark.parametrize("value", ["2026-02-30", "2026-02-29", "2026-13-01", "2026-04-31",
                                   "2026-00-10"])
def test_impossible_dates(value: str) -> None:
    assert refusal(model.CalendarDate, value) == (
        f"{value} is not a real calendar date",
        "check the day and month (e.g. February has 28 days, 29 in leap years)")


@pytest.mark.parametrize(("value", "shown", "fix"), [
    ("14/09/2026", '"14/09/2026"', "write 2026-09-14"),
    ("14.09.2026", '"14.09.2026"', "write 2026-09-14"),
    ("2026/9/14", '"2026/9/14"', "write 2026-09-14"),
    ("2026-9-14", '"2026-9-14"', "write 2026-09-14"),
    ("14 September 2026", '"14 September 2026"', "write 2026-09-14"),
    ("Sep 14th, 2026", '"Sep 14th, 2026"', "write 2026-09-14"),
    (20260914, "20260914", "write 2026-09-14"),
    ("06/06/2026", '"06/06/2026"', "write 2026-06-06"),
    ("06/11/2026", '"06/11/2026"', "06/11/2026: did you mean 2026-11-06 or 2026-06-11?"),
    ("2026-09-14 10:12", '"2026-09-14 10:12"', "write the date as year-month-day: YYYY-MM-DD"),
    ("31/02/2026", '"31/02/2026"', "write the date as year-month-day: YYYY-MM-DD"),
    ("Smarch 3, 2026", '"Smarch 3, 2026"', "write the date as year-month-day: YYYY-MM-DD"),
    (None, "nothing", "write the date as year-month-day: YYYY-MM-DD"),
    (True, "true", "write the date as year-month-day: YYYY-MM-DD"),
    ("x" * 60, '"' + "x" * 36 + "...", "write the date as year-month-day: YYYY-MM-DD"),
])
def test_dates_in_other_forms_get_the_buyers_own_date(value: Any, shown: str, fix: str) -> None:
    assert refusal(model.CalendarDate, value) == (
        f"expected a date written year-month-day (YYYY-MM-DD), got {shown}", fix)


@settings(max_examples=200, database=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_every_real_date_round_trips(day: date) -> None:
    assert valid(model.CalendarDate, day.isoformat()) == day


# --- moments --------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("2026-09-14", datetime(2026, 9, 14)),  # noqa: DTZ001 (a moment may have no zone)
    ("2026-09-14 10:12", datetime(2026, 9, 14, 10, 12)),  # noqa: DTZ001
    ("2026-09-14 9:05", datetime(2026, 9, 14, 9, 5)),  # noqa: DTZ001
    ("2026-09-14T10:12:30", datetime(2026, 9, 14, 10, 12, 30)),  # noqa: DTZ001
    ("2026-09-14 10:12Z", datetime(2026, 9, 14, 10, 12, tzinfo=UTC)),
    ("2026-09-14 10:12 +08:00",
     datetime(2026, 9, 14, 10, 12, tzinfo=timezone(timedelta(hours=8)))),
    ("2026-09-14 10:12 -0530",
     datetime(2026, 9, 14, 10, 12, tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    (date(2026, 9, 14), datetime(2026, 9, 14)),  # noqa: DTZ001
])
def test_moment(value: Any, expected: datetime) -> None:
    assert valid(model.Moment, value) == expected


@pytest.mark.parametrize("value", ["2026-09-06 25:61", "2026-09-06 24:00",
                                   "2026-09-06 10:60", "2026-09-06 10:12:60"])
def test_times_that_do_not_exist(value: str) -> None:
    assert refusal(model.Moment, value) == (f"{value} is not a real time of day",
                                            "use a 24-hour time like 14:30")


def test_impossible_date_in_a_moment() -> None:
    assert refusal(model.Moment, "2026-02-30 10:12")[0] == "2026-02-30 is not a real calendar date"


def test_offset_that_does_not_exist() -> None:
    assert refusal(model.Moment, "2026-09-14 10:12 +15:00") == (
        "+15:00 is not a real UTC offset", "use e.g. +08:00 or -05:00")


@pytest.mark.parametrize(("value", "fix"), [
    ("14/09/2026 10:12", "write 2026-09-14 10:12"),
    ("06/11/2026 10:12", "06/11/2026 10:12: did you mean 2026-11-06 10:12 or 2026-06-11 10:12?"),
    ("2 Sep 2026 9:05", "write 2026-09-02 9:05"),
    ("14/09/2026", "write 2026-09-14"),
    ("yesterday", None), ("10:12", None), ("2026-09-14 10h12", None),
    ("2026-09-14 10:12 CET", None), (612, None),
])
def test_moments_in_other_forms(value: Any, fix: str | None) -> None:
    message, given = refusal(model.Moment, value)
    assert message.startswith("expected a date (YYYY-MM-DD) or a date and time "
                              "(YYYY-MM-DD HH:MM), got ")
    assert given == fix or (fix is None and given == (
        "write year-month-day, then optionally hours:minutes (24-hour clock): YYYY-MM-DD HH:MM"))


# --- money ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("25.48"), "25.48"),
    ("25.48", "25.48"),
    (" 25.48 ", "25.48"),
    (25, "25"),
    (0, "0"),
    (Decimal("-0.00"), "0.00"),
    (0.1, "0.1"),
    (Decimal("19.9999"), "19.9999"),
    (Decimal("999999999.99"), "999999999.99"),
])
def test_money(value: Any, expected: str) -> None:
    assert str(valid(model.Money, value)) == expected


NUMBER_WITH_A_DOT = "write the amount you paid as a number, with a dot before the cents"


@pytest.mark.parametrize(("value", "message", "fix"), [
    (Decimal("-25.48"), "an amount cannot be negative (-25.48)",
     "write the amount you paid: 25.48"),
    ("-1", "an amount cannot be negative (-1)", "write the amount you paid: 1"),
    ("24,99", 'expected an amount, got "24,99"', "write 24.99, not 24,99"),
    ("25,5", 'expected an amount, got "25,5"', "write 25.5, not 25,5"),
    ("1,299.00", 'expected an amount, got "1,299.00"',
     "write 1299.00, without a thousands separator"),
    ("1.299,00", 'expected an amount, got "1.299,00"',
     "write 1299.00, without a thousands separator"),
    ("€25.48", 'expected an amount, got "€25.48"',
     "write only the number, 25.48; the currency goes in `currency:`"),
    ("25,48 EUR", 'expected an amount, got "25,48 EUR"',
     "write only the number, 25.48; the currency goes in `currency:`"),
    ("lots", 'expected an amount, got "lots"', NUMBER_WITH_A_DOT),
    (None, "expected an amount, got nothing", NUMBER_WITH_A_DOT),
    (True, "expected an amount, got true", NUMBER_WITH_A_DOT),
    (float("inf"), "inf is not an amount", "write the amount you paid as a number"),
    (Decimal("NaN"), "NaN is not an amount", "write the amount you paid as a number"),
    (Decimal("25.48123"), "25.48123 has too many decimals", "round to the cent: 25.48"),
    (Decimal("1000000000"), "1000000000 is not a plausible order amount", "check the number"),
])
def test_money_refused(value: Any, message: str, fix: str) -> None:
    assert refusal(model.Money, value) == (message, fix)


@settings(max_examples=200, database=None)
@given(amount=st.decimals(min_value=0, max_value=Decimal("999999999"), places=2))
def test_every_plausible_amount_is_kept_exactly(amount: Decimal) -> None:
    assert valid(model.Money, amount) == amount
    assert valid(model.Money, str(amount)) == amount


# --- codes ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [("EUR", "EUR"), ("eur", "EUR"),
                                                 (" gbp ", "GBP"), ("CNY", "CNY")])
def test_currency(value: str, expected: str) -> None:
    assert valid(model.Currency, value) == expected


@pytest.mark.parametrize(("value", "shown", "fix"), [
    ("EUX", '"EUX"', "use the three-letter code, e.g. EUR, USD, GBP, CNY"),
    ("euros", '"euros"', "write EUR"),
    ("€", '"€"', "write EUR"),
    ("£", '"£"', "write GBP"),
    ("$", '"$"', "write the three-letter code; $ is used by USD, CAD, AUD, NZD, SGD, MXN ..."),
    ("", '""', "use the three-letter code, e.g. EUR, USD, GBP, CNY"),
    (None, "nothing", "use the three-letter code, e.g. EUR, USD, GBP, CNY"),
    (978, "978", "use the three-letter code, e.g. EUR, USD, GBP, CNY"),
])
def test_currency_refused(value: Any, shown: str, fix: str) -> None:
    assert refusal(model.Currency, value) == (f"{shown} is not an ISO 4217 currency code", fix)


@pytest.mark.parametrize(("value", "expected"), [("DE", "DE"), ("gb", "GB"), ("NO", "NO")])
def test_country(value: str, expected: str) -> None:
    assert valid(model.Country, value) == expected


@pytest.mark.parametrize(("value", "shown", "fix"), [
    ("UK", '"UK"', "the United Kingdom's code is GB"),
    ("XX", '"XX"', "use the two-letter code, e.g. DE, FR, GB, US"),
    ("DEU", '"DEU"', "use the two-letter code, e.g. DE, FR, GB, US"),
    ("Germany", '"Germany"', "use the two-letter code, e.g. DE, FR, GB, US"),
    (False, "false", "use the two-letter code, e.g. DE, FR, GB, US"),
])
def test_country_refused(value: Any, shown: str, fix: str) -> None:
    assert refusal(model.Country, value) == (f"{shown} is not an ISO 3166 country code", fix)


# --- text -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "shown"), [(8190123456789012, "8190123456789012"),
                                              (Decimal("12.5"), "12.5"), (7, "7")])
def test_numbers_where_text_belongs(value: Any, shown: str) -> None:
    assert refusal(model.Identifier, value) == (f"expected text in quotes, got the number {shown}",
                                                f'put it in quotes: "{shown}"')


def test_yes_no_where_text_belongs() -> None:
    assert refusal(model.ShortText, False) == ("expected text in quotes, got the yes/no value "
                                               "false", 'put it in quotes: "false"')


@pytest.mark.parametrize(("value", "number"), [
    ("Order ID: 3052123456789012", "3052123456789012"),
    ("order no. 12-34567-89012", "12-34567-89012"),
    ("Order #8190123456789012", "8190123456789012"),
    ("#8190123456789012", "8190123456789012"),
    ("Order number 114-3941689-8772232", "114-3941689-8772232"),
])
def test_an_order_number_with_its_label(value: str, number: str) -> None:
    assert refusal(model.OrderNumber, value) == (
        f"the order number is written with its label ({model._show(value)})",
        f'write only the number: "{number}"')


@pytest.mark.parametrize("value", ["8190123456789012", "12-34567-89012", "114-3941689-8772232",
                                   "PO-2026-0042", "N0123"])
def test_order_numbers_without_a_label(value: str) -> None:
    assert valid(model.OrderNumber, value) == value


def test_identifier_keeps_leading_zeros_and_inner_spaces() -> None:
    assert valid(model.Identifier, "0081 90") == "0081 90"


@pytest.mark.parametrize(("annotation", "value", "kind"), [
    (model.ShortText, "", "too_short"),
    (model.ShortText, "x" * (model.SHORT_TEXT + 1), "too_long"),
    (model.LongText, "x" * (model.LONG_TEXT + 1), "too_long"),
    (model.Identifier, " 123", "string_pattern_mismatch"),
    (model.Identifier, "x" * 81, "too_long"),
])
def test_text_limits(annotation: Any, value: str, kind: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(annotation).validate_python(value)
    assert caught.value.errors()[0]["type"] == kind


def test_text_limits_are_inclusive() -> None:
    assert valid(model.ShortText, "x" * model.SHORT_TEXT)
    assert valid(model.LongText, "x" * model.LONG_TEXT)


# --- models ---------------------------------------------------------------------------------

MINIMAL: dict[str, Any] = {
    "platform": "aliexpress",
    "buyer": {"name": "Jane Doe"},
    "order": {"number": "1", "placed": "2026-09-02", "store": "Shop",
              "items": [{"title": "Hub"}], "total": Decimal("25.48"), "currency": "EUR"},
    "shipping": {"delivery_deadline": "2026-10-20"},
}


def test_minimal_order_and_its_defaults() -> None:
    order = OrderFile.model_validate(MINIMAL)
    assert order.order.items[0].quantity == 1
    assert order.dispute == Dispute(reason="not_received", remedy="full_refund")
    assert order.evidence == []
    assert order.messages is None
    assert order.tracking is None


def test_whitespace_around_text_is_dropped() -> None:
    data = {**MINIMAL, "buyer": {"name": "  Jane Doe  "}}
    assert OrderFile.model_validate(data).buyer.name == "Jane Doe"


def test_unknown_fields_are_refused_everywhere() -> None:
    data = {**MINIMAL, "notes": "x", "buyer": {"name": "Jane", "phone": "1"}}
    with pytest.raises(ValidationError) as caught:
        OrderFile.model_validate(data)
    assert sorted(e["loc"] for e in caught.value.errors()) == [("buyer", "phone"), ("notes",)]
    assert {e["type"] for e in caught.value.errors()} == {"extra_forbidden"}


def test_models_are_frozen() -> None:
    order = OrderFile.model_validate(MINIMAL)
    with pytest.raises(ValidationError):
        order.platform = "ebay"  # type: ignore[misc]


def test_message_is_written_with_from() -> None:
    message = Message.model_validate({"at": "2026-10-25 09:14", "from": "seller", "text": "Hi"})
    assert message.sender == "seller"
    assert message.model_dump(by_alias=True)["from"] == "seller"


def test_messages_are_a_list_or_a_chat_export() -> None:
    as_list = OrderFile.model_validate(
        {**MINIMAL, "messages": [{"at": "2026-10-25", "from": "buyer", "text": "Hi"}]})
    as_file = OrderFile.model_validate({**MINIMAL, "messages": {"file": "chat.txt"}})
    assert isinstance(as_list.messages, list)
    assert as_file.messages == ChatImport(file="chat.txt")


def test_too_many_messages() -> None:
    message = {"at": "2026-10-25", "from": "buyer", "text": "Hi"}
    with pytest.raises(ValidationError) as caught:
        OrderFile.model_validate({**MINIMAL, "messages": [message] * (MAX_MESSAGES + 1)})
    [error] = caught.value.errors()
    assert error["type"] == "too_long"


@pytest.mark.parametrize("box", [[0, 0, 1170, 140], (5, 5, 1, 1)])
def test_redaction_box(box: Any) -> None:
    evidence = Evidence.model_validate({"file": "a.png", "caption": "c", "redact": [box]})
    assert evidence.redact == [tuple(box)]


@pytest.mark.parametrize("box", [[0, 0, 0, 10], [-1, 0, 10, 10], [0, 0, 10], [0, 0, 10, 10, 1],
                                 [0, 0, "wide", 10], "0, 0, 10, 10"])
def test_redaction_box_refused(box: Any) -> None:
    with pytest.raises(ValidationError):
        Evidence.model_validate({"file": "a.png", "caption": "c", "redact": [box]})


def test_remedy_is_one_of_two() -> None:
    with pytest.raises(ValidationError) as caught:
        Dispute.model_validate({"remedy": "refund"})
    assert caught.value.errors()[0]["type"] == "literal_error"


def test_round_trip_through_json() -> None:
    order = OrderFile.model_validate(MINIMAL)
    dumped = order.model_dump(mode="json", by_alias=True)
    assert dumped["order"]["placed"] == "2026-09-02"
    assert dumped["order"]["total"] == "25.48"
    assert OrderFile.model_validate(dumped) == order


# --- JSON Schema ----------------------------------------------------------------------------

def test_json_schema_describes_the_order_file() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "orderpack order file"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"platform", "buyer", "order", "shipping"}
    assert set(schema["properties"]) == set(OrderFile.model_fields)
    defs = schema["$defs"]
    assert "from" in defs["Message"]["properties"]
    assert defs["Order"]["properties"]["placed"]["format"] == "date"
    assert defs["Order"]["properties"]["currency"]["pattern"] == "^[A-Z]{3}$"
    assert defs["Order"]["properties"]["total"]["minimum"] == 0


# --- identifiers: what a copied order or tracking number brings along --------------------------


@pytest.mark.parametrize("hidden", [
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width non-joiner and joiner
    "\u2060",  # word joiner
    "\ufeff",  # BOM, or zero-width no-break space
    "\u200e\u200f",  # left-to-right and right-to-left marks
    "\u00ad",  # soft hyphen
])
def test_invisible_characters_are_taken_out_of_identifiers(hidden: str) -> None:
    assert valid(model.Identifier, f"{hidden}8190{hidden}123456789012{hidden}") == (
        "8190123456789012")
    shipping = model.Shipping(tracking_number=f"LP00{hidden}123456789012",
                              delivery_deadline="2026-10-20")
    assert shipping.tracking_number == "LP00123456789012"


def test_a_joiner_stays_in_free_text() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, three joined
    assert valid(model.LongText, f"Thanks {family}") == f"Thanks {family}"
