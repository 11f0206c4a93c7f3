"""Property tests (hypothesis): any valid order builds; any damaged one fails cleanly.

- Orders are generated from the schema: every platform with one of its reasons and
  remedies, dates in an order that can be, amounts, texts in any script, tracking events,
  messages and evidence images. The dispute text of each carries the order number, the
  order date, the delivery deadline, today and the request (many examples, rendered
  without the PDF), and a few are built in full.
- Mutations of a valid order (a field removed, retyped, or its value swapped for junk;
  the file's text cut, duplicated or garbled; a chat export of random lines) make
  `validate` either accept the case or raise an OrderpackError: never another exception,
  and never a hang (each example must finish within a few seconds).

``ORDERPACK_EXAMPLES=10 pytest tests/test_properties.py`` runs ten times as many examples.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import random
import re
import signal
import struct
import tempfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import refreeze
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

import orderpack
from orderpack import facts, i18n, model, narrative, profiles, render, timeline
from orderpack.chat import load_messages
from orderpack.errors import OrderpackError
from orderpack.validation import validate

PLATFORMS = {name: profiles.load(name) for name in profiles.available()}
CURRENCIES = ["EUR", "USD", "GBP", "CNY", "JPY", "CHF", "PLN", "BRL", "INR"]
SECONDS_PER_EXAMPLE = 10
SCALE = int(os.environ.get("ORDERPACK_EXAMPLES", "1"))

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"),
                                reason="the time cap uses signal.setitimer")


class Hang(BaseException):
    """An example ran over its time; a BaseException, so no `except Exception` hides it."""


@contextlib.contextmanager
def time_cap(seconds: float = SECONDS_PER_EXAMPLE) -> Iterator[None]:
    def expire(_signum: int, _frame: object) -> None:
        raise Hang(f"an example took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@functools.cache
def png(width: int, height: int, grey: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = b"".join(b"\0" + bytes([grey]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def dump(data: Any) -> str:
    """``data`` as the text of an order file. libyaml's emitter (a fifth of the time of
    PyYAML's own) writes the same data, but takes only text that has a UTF-8 form: a lone
    surrogate such as JUNK's is written by PyYAML's, as the escape ``"\\uD800"``."""
    try:
        return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
    except UnicodeEncodeError:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # PyYAML may be built without libyaml


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the examples' cases, one after the other (see :func:`emptied`)."""
    return tmp_path_factory.mktemp("examples")


def emptied(folder: Path) -> Path:
    """``folder`` with no file left in it from the example before (cheaper than a new
    temporary folder for each of hundreds of examples)."""
    for path in folder.iterdir():
        path.unlink()
    return folder


# --- valid orders, from the schema -----------------------------------------------------------

#: Text as people write it, in any script: letters, marks, digits, punctuation, symbols and
#: spaces. (Control and format characters are tested in test_literal_text.py.)
_CHARACTERS = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])


# The strategies are made once (a strategy is a description, the same for every example it
# draws): made again for each example, Hypothesis would check each anew, and texts of the
# characters above in particular cost more to make than to draw from.


@functools.cache
def texts(max_size: int) -> st.SearchStrategy[str]:
    return st.text(_CHARACTERS, min_size=1, max_size=max_size).filter(lambda t: t.strip())


identifiers = st.text(_CHARACTERS, min_size=1, max_size=40).filter(
    lambda t: t.strip() == t and t != "" and len(t) <= 80)
days = st.integers(min_value=0, max_value=60)


_ORDER_NUMBER = TypeAdapter(model.OrderNumber)


def _is_order_number(text: str) -> bool:
    """Whether ``text`` passes as an order number (not "#12" or "No 5": a label, refused)."""
    try:
        _ORDER_NUMBER.validate_python(text)
    except ValidationError:
        return False
    return True


order_numbers = identifiers.filter(_is_order_number)
aliexpress_numbers = st.from_regex(r"[0-9]{16}", fullmatch=True)  # its 16 digits are checked
platforms = st.sampled_from(sorted(PLATFORMS))
reasons = {name: st.sampled_from(profile.reason_ids) for name, profile in PLATFORMS.items()}
currencies = st.sampled_from(CURRENCIES)
order_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
maybe_days = st.none() | days
days_around = st.integers(min_value=-30, max_value=120)
cents = st.integers(min_value=0, max_value=10_000_000)
order_items = st.lists(st.fixed_dictionaries(
    {"title": texts(60)},
    optional={"quantity": st.integers(min_value=1, max_value=20),
              "price": st.integers(min_value=1, max_value=99999).map(lambda n: n / 100)}),
    min_size=1, max_size=3)
image_counts = st.integers(min_value=0, max_value=2)


@functools.cache
def tracking_events(span: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Up to three tracking events; each one's "at" is a day from 0 to ``span``."""
    return st.lists(st.fixed_dictionaries(
        {"at": st.integers(min_value=0, max_value=span), "status": texts(60)},
        optional={"place": texts(30)}), max_size=3)


@functools.cache
def chat_messages(span: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Up to three messages; each one's "at" is a day from 0 to ``span``."""
    return st.lists(st.fixed_dictionaries(
        {"at": st.integers(min_value=0, max_value=span),
         "from": st.sampled_from(["buyer", "seller", "platform"]), "text": texts(200)},
        optional={"translation": texts(200)}), max_size=3)


@st.composite
def orders(draw: st.DrawFn) -> tuple[dict[str, Any], date, int]:
    """A valid order as the data of an order file, the day to build it, and how many
    evidence images it names (tracking-N.png)."""
    platform = draw(platforms)
    placed = draw(order_dates)
    shipped_after = draw(maybe_days)
    shipped = None if shipped_after is None else placed + timedelta(days=shipped_after)
    deadline = (shipped or placed) + timedelta(days=draw(days))
    today = deadline + timedelta(days=draw(days_around))
    today = max(today, placed)
    total = Decimal(draw(cents)) / 100
    items = draw(order_items)
    span = max(0, (today - placed).days)  # the days from the order to today

    def moment(day: int) -> str:
        """The start of the day ``day`` days after the order."""
        return datetime.combine(placed + timedelta(days=day), datetime.min.time()).strftime(
            "%Y-%m-%d %H:%M")

    data: dict[str, Any] = {
        "platform": platform,
        "buyer": {"name": draw(texts(40))},
        "order": {"number": draw(aliexpress_numbers if platform == "aliexpress"
                                 else order_numbers), "placed": placed.isoformat(),
                  "store": draw(texts(60)), "items": items,
                  "total": float(total), "currency": draw(currencies)},
        "shipping": {"delivery_deadline": deadline.isoformat()},
        "dispute": {"reason": draw(reasons[platform]),
                    "remedy": "full_refund"},  # refund_and_return: refused, never received
    }
    if draw(st.booleans()):
        data["order"]["payment"] = draw(texts(40))
    if shipped is not None:
        data["shipping"]["shipped"] = shipped.isoformat()
    if draw(st.booleans()):
        data["shipping"].update(carrier=draw(texts(30)), tracking_number=draw(identifiers))
    if draw(st.booleans()):
        data["shipping"]["protection_ends"] = (deadline + timedelta(days=draw(days))).isoformat()
    events = [{**event, "at": moment(event["at"])} for event in draw(tracking_events(span))]
    if events:
        data["tracking"] = {"events": sorted(events, key=lambda e: e["at"])}
    messages = [{**message, "at": moment(message["at"])}
                for message in draw(chat_messages(span))]
    if messages:
        data["messages"] = messages
    images = draw(image_counts)
    if images:
        data["evidence"] = [{"file": f"tracking-{n}.png", "caption": draw(texts(80))}
                            for n in range(images)]
    if draw(st.booleans()):
        data["dispute"]["details"] = draw(texts(300))
    return data, today, images


def write_case(folder: Path, data: dict[str, Any], images: int) -> Path:
    path = folder / "order.yaml"
    path.write_text(dump(data), encoding="utf-8")
    for n in range(images):
        (folder / f"tracking-{n}.png").write_bytes(png(40 + n, 30, 0x40 * (n + 1)))
    return path


def assert_carries_the_essentials(text: str, data: dict[str, Any], case: Any,
                                  today: date) -> None:
    # Runs of spaces fold into one (a no-break space stays as it is).
    assert re.sub(r"[ \t]+", " ", case.order.order.number) in text
    placed = date.fromisoformat(data["order"]["placed"])
    deadline = date.fromisoformat(data["shipping"]["delivery_deadline"])
    for day in (placed, deadline, today):
        assert i18n.long_date(day) in text
    assert facts.gather(case, today).remedy_text in text


@settings(max_examples=150 * SCALE, suppress_health_check=[HealthCheck.too_slow])
@given(orders())
def test_any_valid_order_gives_a_dispute_text_with_the_essentials(
    scratch: Path, drawn: tuple[dict[str, Any], date, int]
) -> None:
    data, today, images = drawn
    with time_cap():
        case = validate(write_case(emptied(scratch), data, images))
        case_facts = facts.gather(case, today, load_messages(case))
        status = timeline.compute(case.order, case.profile, today)
        rendered = render.render("dispute.txt.j2", {
            "facts": case_facts, "exhibits": [], "status": status}, kind="text")
        limit = case.profile.limits.description_chars
        text = narrative.fit(narrative.parse(rendered), limit).text
        assert_carries_the_essentials(text, data, case, today)


@pytest.mark.slow
@settings(max_examples=12 * SCALE, suppress_health_check=[HealthCheck.too_slow])
@given(orders())
def test_any_valid_order_builds(drawn: tuple[dict[str, Any], date, int]) -> None:
    data, today, images = drawn
    refreeze()  # the examples before this one: the build's own collections need not walk them
    with tempfile.TemporaryDirectory() as folder, time_cap(60):
        order = write_case(Path(folder), data, images)
        result = orderpack.build(order, today, cache_dir=Path(folder) / "cache")
        text = result.dispute_text.read_text(encoding="utf-8")
        assert_carries_the_essentials(text, data, validate(order), today)
        assert result.evidence_pdf.read_bytes().startswith(b"%PDF-")
        assert len(result.exhibits) == images


# --- damaged orders -------------------------------------------------------------------------

#: A valid order to mutate, with an image, an inline chat and a tracking history.
BASE: dict[str, Any] = {
    "platform": "aliexpress",
    "buyer": {"name": "Jane Doe", "email": "jane@example.org", "country": "DE"},
    "order": {"number": "8190123456789012", "placed": "2026-09-02",
              "store": "Shenzhen Gadget Store",
              "items": [{"title": "USB-C hub", "quantity": 1, "price": 23.99}],
              "total": 25.48, "currency": "EUR", "payment": "Visa ending 4242"},
    "shipping": {"method": "Standard", "carrier": "Cainiao", "tracking_number": "LP001",
                 "shipped": "2026-09-05", "delivery_deadline": "2026-10-20",
                 "protection_ends": "2026-12-03"},
    "tracking": {"checked": "2026-11-20",
                 "events": [{"at": "2026-09-06 10:12", "place": "Shenzhen",
                             "status": "Accepted"}]},
    "messages": [{"at": "2026-10-25 09:14", "from": "buyer", "text": "Where is it?"},
                 {"at": "2026-10-25 17:48", "from": "seller", "text": "请耐心等待",
                  "translation": "Please wait"}],
    "evidence": [{"file": "tracking.png", "caption": "Tracking page", "date": "2026-11-20",
                  "redact": [[0, 0, 10, 5]]}],
    "dispute": {"reason": "no_tracking_update", "remedy": "full_refund", "details": "Lost."},
}

JUNK: list[Any] = [
    None, True, False, 0, -1, 10**30, 1.5, float("inf"), float("nan"), "", " ", "\t",
    "2026-02-30", "2026-13-45", "14/09/2026", "2026-09-06 25:61", "25,48", "-25.48",
    "1e400", "EUR", "€", "full_refund", "../../etc/passwd", "/etc/passwd", "C:\\secret.png",
    "screenshots", ".", "tracking.png", "x" * 400, "{{ 7*7 }}", "<script>", "\u202e123",
    "\x00", "\ud800", "yes", "NO", "~", "null", [], {}, [[[[]]]], [1, 2, 3, 4, 5],
    {"from": "buyer"}, ["a", {"b": None}], [0, 0, 1, 1], [[0, 0, 99999, 99999]],
]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and list index in ``value``, as paths from the top."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


mutation_counts = st.integers(min_value=1, max_value=3)
mutations = st.sampled_from(["remove", "junk", "text", "number", "swap", "rename"])
junk = st.sampled_from(JUNK)
short_texts = st.text(max_size=30)
numbers = st.integers() | st.floats(allow_nan=False)
key_names = st.text(min_size=1, max_size=12)


@st.composite
def mutated_orders(draw: st.DrawFn) -> dict[str, Any]:
    """BASE with one to three fields removed, retyped or swapped for junk."""
    data: dict[str, Any] = copy.deepcopy(BASE)
    for _ in range(draw(mutation_counts)):
        candidates = sorted(paths(data), key=repr)
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent = _parent(data, path)
        action = draw(mutations)
        if action == "remove":
            del parent[path[-1]]
        elif action == "junk":
            parent[path[-1]] = copy.deepcopy(draw(junk))
        elif action == "text":
            parent[path[-1]] = draw(short_texts)
        elif action == "number":
            parent[path[-1]] = draw(numbers)
        elif action == "swap":
            other = draw(st.sampled_from(candidates))
            with contextlib.suppress(KeyError, IndexError, TypeError):
                parent[path[-1]] = copy.deepcopy(_parent(data, other)[other[-1]])
        elif isinstance(parent, dict):
            parent[draw(key_names)] = parent.pop(path[-1])
    return data


def save(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8, or reject the example if it cannot be saved (a lone
    surrogate such as JUNK's has no UTF-8 form). Only the harness's own write is excused:
    an encoding error raised by orderpack fails the test."""
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        reject()
    path.write_bytes(encoded)


def assert_said_clearly(refusal: OrderpackError) -> None:
    """A refusal has a message; one of several lines comes with its problem records."""
    assert str(refusal)
    assert refusal.problems or "\n" not in str(refusal)


def validate_cleanly(folder: Path) -> None:
    """Validate the case in ``folder``: it may be refused, but only with an OrderpackError;
    if accepted, what `status` and `build` read of it before rendering must work too."""
    with time_cap():
        try:
            case = validate(folder / "order.yaml")
        except OrderpackError as exc:
            assert_said_clearly(exc)
            return
        try:
            messages = load_messages(case)
        except OrderpackError:
            return
        today = case.order.order.placed + timedelta(days=60)
        case_facts = facts.gather(case, today, messages)
        status = timeline.compute(case.order, case.profile, today)
        render.render("dispute.txt.j2", {"facts": case_facts, "exhibits": [],
                                         "status": status}, kind="text")


@settings(max_examples=300 * SCALE, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_orders())
def test_any_mutation_of_a_valid_order_fails_cleanly_or_validates(
    scratch: Path, data: dict[str, Any]
) -> None:
    folder = emptied(scratch)
    (folder / "tracking.png").write_bytes(png(40, 30, 0x80))
    save(folder / "order.yaml", dump(data))
    validate_cleanly(folder)


BASE_TEXT = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False)


seeds = st.integers(min_value=0, max_value=2**32)
garble_counts = st.integers(min_value=1, max_value=6)
inserted_bytes = st.binary(min_size=1, max_size=8)


@st.composite
def garbled_texts(draw: st.DrawFn) -> bytes:
    """BASE's file with some of its bytes cut, repeated, replaced or inserted."""
    raw = bytearray(BASE_TEXT.encode())
    rng = random.Random(draw(seeds))
    for _ in range(draw(garble_counts)):
        at = rng.randrange(len(raw))
        choice = rng.random()
        if choice < 0.3:
            del raw[at:at + rng.randint(1, 40)]
        elif choice < 0.5:
            raw[at:at] = raw[at:at + rng.randint(1, 80)]
        elif choice < 0.8:
            raw[at] = rng.choice(b"\t\n\r :-#&*!|>'\"{}[],?%@`\\\x00\x1b\xff")
        else:
            raw[at:at] = draw(inserted_bytes)
    return bytes(raw)


@settings(max_examples=300 * SCALE, suppress_health_check=[HealthCheck.too_slow])
@given(garbled_texts() | st.binary(max_size=200))
def test_any_garbled_order_file_fails_cleanly_or_validates(scratch: Path, raw: bytes) -> None:
    folder = emptied(scratch)
    (folder / "tracking.png").write_bytes(png(40, 30, 0x80))
    (folder / "order.yaml").write_bytes(raw)
    validate_cleanly(folder)


chat_lines = st.one_of(
    st.text(max_size=60),
    st.builds(lambda day, who, text: f"2026-10-{day:02d} 09:14 {who}: {text}",
              st.integers(min_value=0, max_value=40),
              st.sampled_from(["Me", "Seller", "Buyer", "Platform", "AliExpress", "Jane Doe",
                               "Shenzhen Gadget Store", "Lucy", "", ":"]),
              st.text(max_size=40)),
    st.builds(lambda text: f"Translation: {text}", st.text(max_size=40)),
)


#: BASE with its messages in a chat export, and with a translated export beside it.
CHAT_ORDER = dump({**BASE, "messages": {"file": "chat.txt"}})
TRANSLATED_CHAT_ORDER = dump({**BASE, "messages": {"file": "chat.txt",
                                                   "translation": "chat-en.txt"}})


@settings(max_examples=200 * SCALE, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(chat_lines, max_size=12), st.lists(chat_lines, max_size=12) | st.none())
def test_any_chat_export_fails_cleanly_or_validates(
    scratch: Path, lines: list[str], translated: list[str] | None
) -> None:
    folder = emptied(scratch)
    (folder / "tracking.png").write_bytes(png(40, 30, 0x80))
    save(folder / "chat.txt", "\n".join(lines))
    if translated is not None:
        save(folder / "chat-en.txt", "\n".join(translated))
    save(folder / "order.yaml", TRANSLATED_CHAT_ORDER if translated is not None else CHAT_ORDER)
    validate_cleanly(folder)
