"""orderpack.scaffold: the case folder `orderpack init` writes, and its questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderpack import model, profiles, scaffold
from orderpack.errors import BuildError
from orderpack.validation import validate

QUESTION = {question.key: question for question in scaffold.QUESTIONS}


def test_create_writes_order_schema_and_screenshots(tmp_path: Path) -> None:
    path = scaffold.create(tmp_path / "case")
    assert path == tmp_path / "case" / "order.yaml"
    assert sorted(p.name for p in (tmp_path / "case").iterdir()) == [
        "order.schema.json", "order.yaml", "screenshots"]
    assert list((tmp_path / "case" / "screenshots").iterdir()) == []
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=order.schema.json"
    schema = json.loads((tmp_path / "case" / scaffold.SCHEMA_FILE).read_text(encoding="utf-8"))
    assert schema == model.json_schema()


def test_the_template_validates_with_the_example_values(tmp_path: Path) -> None:
    case = validate(scaffold.create(tmp_path / "case"))
    order = case.order
    assert order.platform == "aliexpress"
    assert order.buyer.name == "Jane Doe"
    assert order.order.number == "8190123456789012"
    assert order.order.placed.isoformat() == "2026-09-02"
    assert order.shipping.delivery_deadline.isoformat() == "2026-10-20"
    assert order.shipping.protection_ends is None
    assert str(order.order.total) == "25.48"
    assert order.order.currency == "EUR"
    assert order.evidence == []


def test_the_template_explains_itself(tmp_path: Path) -> None:
    text = scaffold.create(tmp_path / "case").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 20
    assert "#   orderpack validate order.yaml" in text
    for optional in ("# tracking:", "# messages:", "# evidence:", "#   - file: screenshots/",
                     "# protection_ends:", "# email:"):
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


def test_answers_fill_the_file(tmp_path: Path) -> None:
    answers = {"platform": "ebay", "buyer_name": "Oliver Bennett", "number": "12-34567-89012",
               "placed": "2026-10-30", "delivery_deadline": "2026-11-10",
               "protection_ends": "2026-12-10", "store": "retrobits_uk",
               "item_title": "Game Boy Color", "total": "68.45", "currency": "gbp"}
    case = validate(scaffold.create(tmp_path / "case", answers))
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


@pytest.mark.parametrize("name", [
    "O'Brien", 'Jane "JD" Doe', "Shop: Best", "Shop #1", "# not a comment", "- dash",
    "yes", "no", "true", "null", "~", "123", "0123", "1e3", "10:12", "2026-09-02",
    "[x]", "{y}", "@home", "`tick`", "%x", "!tag", "*star", "&amp", ">fold", "|pipe",
    "Zoë 亲爱的", "back\\slash", "a, b", "end:", "?q",
])
def test_any_answer_survives_the_round_trip(tmp_path: Path, name: str) -> None:
    answers = {"buyer_name": name, "store": name, "item_title": name, "number": name}
    for key, answer in answers.items():
        assert scaffold.check_answer(QUESTION[key], answer) is None, (key, answer)
    order = validate(scaffold.create(tmp_path / "case", answers)).order
    assert (order.buyer.name, order.order.store, order.order.items[0].title,
            order.order.number) == (name, name, name, name)


@settings(max_examples=150, deadline=None, database=None)
@given(name=st.text(min_size=1, max_size=60).map(str.strip).filter(bool))
def test_every_accepted_name_survives_the_round_trip(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    if scaffold.check_answer(QUESTION["buyer_name"], name) is not None:
        return
    folder = tmp_path_factory.mktemp("case")
    order = validate(scaffold.create(folder / "case", {"buyer_name": name})).order
    assert order.buyer.name == name


# --- check_answer: the questions' re-ask logic ------------------------------------------------

@pytest.mark.parametrize(("key", "answer"), [
    ("platform", "aliexpress"), ("platform", "ebay"),
    ("buyer_name", "Jane Doe"), ("number", "8190123456789012"), ("number", "12-34567-89012"),
    ("placed", "2026-09-02"), ("placed", "2028-02-29"), ("delivery_deadline", "2026-10-20"),
    ("protection_ends", ""), ("protection_ends", "2026-12-03"),
    ("store", "Shenzhen Gadget Store"), ("item_title", "USB-C hub"),
    ("total", "25.48"), ("total", "0"), ("total", "100"),
    ("currency", "EUR"), ("currency", "usd"),
])
def test_acceptable_answers(key: str, answer: str) -> None:
    assert scaffold.check_answer(QUESTION[key], answer) is None


@pytest.mark.parametrize(("key", "answer", "problem"), [
    ("platform", "AliExpress", "choose one of: " + ", ".join(profiles.available())),
    ("platform", "", "choose one of: " + ", ".join(profiles.available())),
    ("buyer_name", "", "an answer is needed — type it, or press Enter to keep the example"),
    ("buyer_name", "x" * 301, "too long: at most 300 characters"),
    ("number", " 123", "it must not start or end with a space"),
    ("buyer_name", "Jane\u2028Doe", "it contains an invisible character (U+2028) — type the "
                                    "answer instead of pasting it"),
    ("store", "Shop\x7f", "it contains an invisible character (U+007F) — type the answer "
                          "instead of pasting it"),
    ("placed", "14/09/2026", 'expected a date like 2026-09-14, got "14/09/2026" — write the '
                             "date as year-month-day, e.g. 2026-09-14"),
    ("placed", "2026-02-30", "2026-02-30 is not a real calendar date — check the day and month "
                             "(e.g. February has 28 days, 29 in leap years)"),
    ("delivery_deadline", "soon", 'expected a date like 2026-09-14, got "soon" — write the date '
                                  "as year-month-day, e.g. 2026-09-14"),
    ("protection_ends", "2026-13-01", "2026-13-01 is not a real calendar date — check the day "
                                      "and month (e.g. February has 28 days, 29 in leap years)"),
    ("total", "25,48", 'expected an amount like 25.48, got "25,48" — write 25.48, not 25,48'),
    ("total", "-5", "an amount cannot be negative (-5) — write the amount paid, e.g. 25.48"),
    ("total", "€25", 'expected an amount like 25.48, got "€25" — write only the number; the '
                     "currency goes in `currency:`"),
    ("currency", "euro", '"euro" is not an ISO 4217 currency code — use the three-letter code, '
                         "e.g. EUR, USD, GBP, CNY"),
])
def test_answers_that_are_asked_again(key: str, answer: str, problem: str) -> None:
    assert scaffold.check_answer(QUESTION[key], answer) == problem


def test_every_question_default_is_acceptable() -> None:
    for question in scaffold.QUESTIONS:
        assert scaffold.check_answer(question, question.default) is None, question.key


def test_init_into_a_path_below_a_file_says_why(tmp_path: Path) -> None:
    from orderpack.errors import BuildError

    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(BuildError, match=r"could not create .*afile/sub"):
        scaffold.create(tmp_path / "afile" / "sub")
