"""orderpack.scaffold: the case folder `orderpack init` writes, and its questions."""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderpack import model, profiles, scaffold
from orderpack.errors import BuildError, OrderFileError
from orderpack.validation import validate

QUESTION = {question.key: question for question in scaffold.QUESTIONS}

#: The order file's JSON Schema as orderpack makes it, afresh at every call.
fresh_schema = model.json_schema


@pytest.fixture(scope="module", autouse=True)
def schema_made_once() -> Iterator[None]:
    """Every case created writes the order file's JSON Schema, a function of the model
    alone: made once for the module (it is most of what creating a case costs), and
    compared with a fresh one below."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "json_schema", functools.cache(fresh_schema))
        yield


def test_create_writes_order_schema_and_screenshots(tmp_path: Path) -> None:
    path = scaffold.create(tmp_path / "case")
    assert path == tmp_path / "case" / "order.yaml"
    assert sorted(p.name for p in (tmp_path / "case").iterdir()) == [
        "order.schema.json", "order.yaml", "screenshots"]
    assert list((tmp_path / "case" / "screenshots").iterdir()) == []
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=order.schema.json"
    schema = json.loads((tmp_path / "case" / scaffold.SCHEMA_FILE).read_text(encoding="utf-8"))
    assert schema == fresh_schema()


def test_without_answers_the_file_holds_no_example_values(tmp_path: Path) -> None:
    path = scaffold.create(tmp_path / "case")
    text = path.read_text(encoding="utf-8")
    for example in ("Jane Doe", "8190123456789012", "Shenzhen Gadget Store", "25.48",
                    "2026-"):
        assert example not in text, example
    with pytest.raises(OrderFileError) as caught:
        validate(path)
    assert [p.field for p in caught.value.problems] == [
        "platform", "buyer.name", "order.number", "order.placed", "order.store",
        "order.items[0].title", "order.total", "order.currency", "shipping.delivery_deadline"]
    assert caught.value.problems[1].fix == "fill in your name as on the order"


def test_the_template_explains_itself(tmp_path: Path) -> None:
    text = scaffold.create(tmp_path / "case").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 20
    assert "#   orderpack validate order.yaml" in text
    for optional in ("# tracking:", "# messages:", "# evidence:", "#   - file: screenshots/",
                     "# protection_ends:", "# email:", "# tracking_number:", "# shipped:",
                     "# payment:"):
        assert optional in text, optional


def test_the_template_is_the_same_every_time(tmp_path: Path) -> None:
    first = scaffold.create(tmp_path / "a").read_bytes()
    assert scaffold.create(tmp_path / "b").read_bytes() == first


def test_an_existing_order_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "order.yaml").write_text("platform: ebay\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        scaffold.create(folder)
    assert str(caught.value) == (f"{folder / 'order.yaml'} already exists; orderpack init never "
                                 "overwrites it (choose another folder, or edit that file)")
    assert (folder / "order.yaml").read_text(encoding="utf-8") == "platform: ebay\n"
    assert sorted(p.name for p in folder.iterdir()) == ["order.yaml"]


def test_a_file_where_the_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "case").write_text("notes", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        scaffold.create(tmp_path / "case")
    assert str(caught.value) == f"{tmp_path / 'case'} exists and is not a folder"
    assert (tmp_path / "case").read_text(encoding="utf-8") == "notes"


def test_an_existing_empty_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "case" / "screenshots").mkdir(parents=True)
    (tmp_path / "case" / "screenshots" / "shot.png").write_bytes(b"keep me")
    scaffold.create(tmp_path / "case")
    assert (tmp_path / "case" / "screenshots" / "shot.png").read_bytes() == b"keep me"


ANSWERS = {"platform": "ebay", "buyer_name": "Oliver Bennett", "number": "12-34567-89012",
           "placed": "2026-10-30", "delivery_deadline": "2026-11-10",
           "protection_ends": "2026-12-10", "store": "retrobits_uk",
           "item_title": "Game Boy Color", "total": "68.45", "currency": "gbp"}


def test_answers_fill_the_file(tmp_path: Path) -> None:
    case = validate(scaffold.create(tmp_path / "case", ANSWERS))
    order = case.order
    assert case.profile.id == "ebay"
    assert order.buyer.name == "Oliver Bennett"
    assert order.order.number == "12-34567-89012"
    assert order.order.placed.isoformat() == "2026-10-30"
    assert order.shipping.delivery_deadline.isoformat() == "2026-11-10"
    assert order.shipping.protection_ends is not None
    assert order.shipping.protection_ends.isoformat() == "2026-12-10"
    assert order.order.store == "retrobits_uk"
    assert order.order.items[0].title == "Game Boy Color"
    assert str(order.order.total) == "68.45"
    assert order.order.currency == "GBP"
    assert (order.order.payment, order.shipping.tracking_number, order.shipping.shipped) == (
        None, None, None)


def test_what_the_plan_needs_is_written_in_not_commented_out(tmp_path: Path) -> None:
    answers = {**ANSWERS, "payment": "PayPal", "tracking_number": "JT123456789GB",
               "shipped": "2026-10-31"}
    path = scaffold.create(tmp_path / "case", answers)
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in ("  payment: PayPal", "  tracking_number: JT123456789GB",
                 "  shipped: 2026-10-31"):
        assert any(written.startswith(line + " ") or written == line for written in lines), line
    order = validate(path).order
    assert order.order.payment == "PayPal"
    assert order.shipping.tracking_number == "JT123456789GB"
    assert order.shipping.shipped is not None
    assert order.shipping.shipped.isoformat() == (
        "2026-10-31")


@pytest.mark.parametrize("name", [
    "O'Brien", 'Jane "JD" Doe', "Shop: Best", "Shop #1", "# not a comment", "- dash",
    "yes", "no", "true", "null", "~", "123", "0123", "1e3", "10:12", "2026-09-02",
    "[x]", "{y}", "@home", "`tick`", "%x", "!tag", "*star", "&amp", ">fold", "|pipe",
    "Zoë 亲爱的", "back\\slash", "a, b", "end:", "?q",
])
def test_any_answer_survives_the_round_trip(tmp_path: Path, name: str) -> None:
    answers = {"buyer_name": name, "store": name, "item_title": name, "number": name}
    for key, answer in answers.items():
        if key == "number" and answer.startswith("#") and answer[1:2].isdigit():
            continue  # a label: refused, see test_answers_that_are_asked_again
        assert scaffold.check_answer(QUESTION[key], answer) is None, (key, answer)
    order = validate(scaffold.create(tmp_path / "case", {**ANSWERS, **answers})).order
    assert (order.buyer.name, order.order.store, order.order.items[0].title,
            order.order.number) == (name, name, name, name)


@pytest.fixture(scope="module")
def cases_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the many cases of the property below, each in a new folder of its own
    made by :func:`tempfile.mkdtemp`: pytest's ``mktemp`` lists the whole temporary folder
    (every test's so far) to number each new one."""
    return tmp_path_factory.mktemp("names")


@settings(max_examples=150, deadline=None, database=None)
@given(name=st.text(min_size=1, max_size=60).map(str.strip).filter(bool))
def test_every_accepted_name_survives_the_round_trip(cases_folder: Path, name: str) -> None:
    if scaffold.check_answer(QUESTION["buyer_name"], name) is not None:
        return
    folder = Path(tempfile.mkdtemp(dir=cases_folder))
    order = validate(scaffold.create(folder / "case", {**ANSWERS, "buyer_name": name})).order
    assert order.buyer.name == name


# --- read_answer: what the questions accept, and how they write it ---------------------------

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("key", "answer", "written"), [
    ("platform", "aliexpress", "aliexpress"), ("platform", "AliExpress", "aliexpress"),
    ("platform", " EBAY ", "ebay"),
    ("buyer_name", "Mia Schneider", "Mia Schneider"),
    ("number", "3052123456789012", "3052123456789012"), ("number", "12-34567-89012",
                                                          "12-34567-89012"),
    ("placed", "2026-09-02", "2026-09-02"), ("placed", "2028-02-29", "2028-02-29"),
    ("delivery_deadline", "2026-10-20", "2026-10-20"),
    ("protection_ends", "", ""), ("protection_ends", "2026-12-03", "2026-12-03"),
    ("protection_ends", "ends in 9 days", "2026-12-03"),
    ("protection_ends", "Buyer Protection: ends in 9 days", "2026-12-03"),
    ("protection_ends", "9 days left", "2026-12-03"),
    ("protection_ends", "9 days 04:12:33", "2026-12-03"),
    ("protection_ends", "in 1 day", "2026-11-25"),
    ("store", "Tech World", "Tech World"), ("item_title", "Desk lamp", "Desk lamp"),
    ("total", "24.99", "24.99"), ("total", "0", "0"), ("total", "100", "100"),
    ("currency", "EUR", "EUR"), ("currency", "usd", "USD"), ("currency", "€", "EUR"),
    ("currency", "£", "GBP"), ("currency", "Euros", "EUR"),
    ("payment", "", ""), ("payment", "Visa ending 4242", "Visa ending 4242"),
    ("tracking_number", "", ""), ("tracking_number", "LP00123456789012", "LP00123456789012"),
    ("shipped", "", ""), ("shipped", "2026-09-05", "2026-09-05"),
])
def test_acceptable_answers(key: str, answer: str, written: str) -> None:
    assert scaffold.read_answer(QUESTION[key], answer, today=TODAY) == written
    assert scaffold.check_answer(QUESTION[key], answer, today=TODAY) is None


DATE_FORM = "expected a date written year-month-day (YYYY-MM-DD), got"


@pytest.mark.parametrize(("key", "answer", "problem"), [
    ("platform", "wish", "choose one of: " + ", ".join(profiles.available())),
    ("platform", "", "an answer is needed — it is on your order page"),
    ("buyer_name", "", "an answer is needed — it is on your order page"),
    ("placed", "", "an answer is needed — it is on your order page"),
    ("buyer_name", "x" * 301, "too long: at most 300 characters"),
    ("buyer_name", "Jane\u2028Doe", "it contains an invisible character (U+2028) — type the "
                                    "answer instead of pasting it"),
    ("store", "Shop\x7f", "it contains an invisible character (U+007F) — type the answer "
                          "instead of pasting it"),
    ("number", "Order ID: 3052123456789012", 'the order number is written with its label '
     '("Order ID: 3052123456789012") — write only the number: "3052123456789012"'),
    ("placed", "14/09/2026", f'{DATE_FORM} "14/09/2026" — write 2026-09-14'),
    ("placed", "06/11/2026", f'{DATE_FORM} "06/11/2026" — 06/11/2026: did you mean 2026-11-06 '
                             "or 2026-06-11?"),
    ("placed", "2026-02-30", "2026-02-30 is not a real calendar date — check the day and month "
                             "(e.g. February has 28 days, 29 in leap years)"),
    ("delivery_deadline", "soon", f'{DATE_FORM} "soon" — write the date as year-month-day: '
                                  "YYYY-MM-DD"),
    ("protection_ends", "2026-13-01", "2026-13-01 is not a real calendar date — check the day "
                                      "and month (e.g. February has 28 days, 29 in leap years)"),
    ("protection_ends", "ends soon", f'{DATE_FORM} "ends soon" — write the date as '
                                     "year-month-day: YYYY-MM-DD"),
    ("total", "24,99", 'expected an amount, got "24,99" — write 24.99, not 24,99'),
    ("total", "-5", "an amount cannot be negative (-5) — write the amount you paid: 5"),
    ("total", "€25", 'expected an amount, got "€25" — write only the number, 25; the '
                     "currency goes in `currency:`"),
    ("currency", "euro dollars", '"euro dollars" is not an ISO 4217 currency code — use the '
                                 "three-letter code, e.g. EUR, USD, GBP, CNY"),
    ("currency", "$", '"$" is not an ISO 4217 currency code — write the three-letter code; $ '
                      "is used by USD, CAD, AUD, NZD, SGD, MXN ..."),
])
def test_answers_that_are_asked_again(key: str, answer: str, problem: str) -> None:
    assert scaffold.check_answer(QUESTION[key], answer, today=TODAY) == problem
    with pytest.raises(scaffold.AnswerError):
        scaffold.read_answer(QUESTION[key], answer, today=TODAY)


def test_an_aliexpress_order_number_is_checked_for_its_16_digits() -> None:
    number = QUESTION["number"]
    assert scaffold.check_answer(number, "819012345678901", answers={"platform": "aliexpress"}) == (
        'AliExpress order numbers have 16 digits; "819012345678901" has 15 digits — copy it '
        "again from the order's details page (My Orders, then the order)")
    assert scaffold.check_answer(number, "819012345678901", answers={"platform": "ebay"}) is None


def test_buyer_protection_is_asked_only_where_the_platform_has_it() -> None:
    question = QUESTION["protection_ends"]
    assert scaffold.applies(question, {"platform": "aliexpress"})
    assert not scaffold.applies(question, {"platform": "ebay"})
    assert all(scaffold.applies(q, {}) for q in scaffold.QUESTIONS)


def test_init_into_a_path_below_a_file_says_why(tmp_path: Path) -> None:
    from orderpack.errors import BuildError

    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(BuildError, match=r"could not create .*afile/sub"):
        scaffold.create(tmp_path / "afile" / "sub")
