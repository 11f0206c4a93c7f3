"""Text comes through literally: in every free-text field, in both outputs.

A case is built whose every free-text field holds the same payload (template syntax, HTML,
a URL, right-to-left scripts, emoji, combining and zero-width characters), each after a
tag naming the field. The dispute text and the PDF's extracted text must show each field
where the templates put it, exactly as written; nothing is evaluated (no "49"), included
(no /etc/passwd) or fetched (no socket is opened).

What is decided rather than kept (see README, "What orderpack does with your text"):

- Control characters are removed from text fields: C0 and C1 controls but tab and line
  break. YAML refuses them typed raw (the loader says where), but a quoted escape such as
  "\\e" writes one, and a chat export may carry them. Error messages show them as escapes
  (``\\x1b``), so a value echoed to the terminal cannot drive it.
- The bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed,
  so that a pasted override cannot reorder the order number or orderpack's own words
  ("Trojan Source"). Left-to-right and right-to-left marks, zero-width joiners and spaces
  and combining marks are kept: Arabic, Persian and emoji sequences need them.
- A one-line field (names, titles, captions…) has any line break made a space: it is quoted
  inside a sentence of the dispute text, which a break would split.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import unicodedata
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from orderpack import narrative, packet, render
from orderpack.cli import main
from orderpack.loader import visible
from orderpack.model import OrderFile
from orderpack.packet import Options

TODAY = "2026-11-26"

PAYLOADS = {
    "jinja-expression": "{{ 7*7 }}",
    "jinja-include": "{% include '/etc/passwd' %}",
    "jinja-comment": "{# hidden #} shown",
    "script-tag": "<script>alert(1)</script>",
    "img-file-url": '<img src="file:///etc/passwd">',
    "local-url": "http://127.0.0.1:9/x",
    "css-breakout": '"; } body { display: none } /* \\',
    "arabic": "لم يصل الطلب رقم ٤٥٦",
    "hebrew": "ההזמנה לא הגיעה",
    "emoji": "📦 👩\u200d👩\u200d👧 🇩🇪",
    "combining": "Cafe\u0301 Zoe\u0308 n\u0303",
    "zero-width": "zero\u200bwidth\u200cnon\u2060joiner\ufeffend",
    "drop-mark": "[drop:0] not a mark",
}

#: Each free-text field: its tag, and whether the dispute text and the PDF show it.
FIELDS = {
    "buyer.name": ("BUYER", False, True),
    "order.store": ("STORE", True, True),
    "order.items.title": ("ITEM", True, True),
    "order.payment": ("PAYMENT", True, True),
    "shipping.method": ("METHOD", False, False),  # recorded, shown nowhere
    "shipping.carrier": ("CARRIER", True, True),
    "tracking.place": ("PLACE", True, True),
    "tracking.status": ("STATUS", True, True),
    "messages.buyer.text": ("ASKED", False, True),
    "messages.seller.text": ("REPLIED", True, True),
    "messages.seller.translation": ("TRANSLATED", True, True),
    "evidence.caption": ("CAPTION", True, True),
    "dispute.details": ("DETAILS", True, True),
}


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar; what YAML refuses raw is escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif unicodedata.category(char) == "Cc" or char in "\u2028\u2029":
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def one_grey_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = b"".join(b"\0" + b"\x80" * 32 for _ in range(24))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 24, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def order_text(value: dict[str, str], evidence_file: str = "tracking.png") -> str:
    """An order whose free-text fields are ``value[field]`` (default: the field's tag)."""
    v = {field: quoted(value.get(field, tag)) for field, (tag, _, _) in FIELDS.items()}
    return f"""\
platform: aliexpress
buyer:
  name: {v["buyer.name"]}
order:
  number: "8190123456789012"
  placed: 2026-09-02
  store: {v["order.store"]}
  items:
    - title: {v["order.items.title"]}
    - title: Braided USB-C cable 2 m
      quantity: 2
  total: 25.48
  currency: EUR
  payment: {v["order.payment"]}
shipping:
  method: {v["shipping.method"]}
  carrier: {v["shipping.carrier"]}
  tracking_number: LP00123456789012
  shipped: 2026-09-05
  delivery_deadline: 2026-10-20
tracking:
  events:
    - at: 2026-09-06 10:12
      place: {v["tracking.place"]}
      status: {v["tracking.status"]}
messages:
  - at: 2026-10-25 09:14
    from: buyer
    text: {v["messages.buyer.text"]}
  - at: 2026-10-25 17:48
    from: seller
    text: {v["messages.seller.text"]}
    translation: {v["messages.seller.translation"]}
evidence:
  - file: {quoted(evidence_file)}
    caption: {v["evidence.caption"]}
dispute:
  details: {v["dispute.details"]}
"""


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Sockets and name lookups refused and recorded, for the whole build."""
    import ssl  # noqa: F401  (imported first: it subclasses socket.socket on import)
    import urllib.request  # noqa: F401

    attempts: list[str] = []

    def refuse(what: str) -> Any:
        def refused(*args: object, **kwargs: object) -> Any:
            attempts.append(f"{what}{args!r}")
            raise NetworkUsed(f"a build used the network: {what}{args!r}")
        return refused

    class GuardedSocket(socket.socket):
        def __new__(cls, *args: Any, **kwargs: Any) -> GuardedSocket:
            return refuse("socket")(*args)  # type: ignore[no-any-return]

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield attempts
    assert attempts == []


def write_case(tmp_path: Path, text: str, evidence_file: str = "tracking.png") -> Path:
    """A case folder with the order file ``text`` and its one picture; its folder."""
    case = tmp_path / "case"
    case.mkdir()
    (case / "order.yaml").write_text(text, encoding="utf-8")
    (case / evidence_file).write_bytes(one_grey_png())
    return case


def build_case(tmp_path: Path, text: str, evidence_file: str = "tracking.png",
               monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[Result, Path]:
    case = write_case(tmp_path, text, evidence_file)
    if monkeypatch is not None:
        monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [
        "build", str(case / "order.yaml"), "--today", TODAY, "--max-chars", "100000"],
        env={"ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    return result, case / "out"


def pdf_text(path: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it (in the order it is drawn), its pages
    and lines joined with spaces. Poppler, like PDF viewers, reads a page that has an empty
    box for a character no font has (an emoji), which pypdf cannot; and it reads the text a
    few times faster."""
    done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True, timeout=60)
    # Each page ends with a form feed.
    return " ".join(done.stdout.decode("utf-8").split("\f")).replace("\n", " ")


def in_pdf_form(text: str) -> str:
    """``text`` as a PDF's text layer gives it back: invisible characters are not drawn."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def assert_nothing_evaluated(*texts: str) -> None:
    for text in texts:
        for tag, _, _ in FIELDS.values():
            assert f"{tag} 49" not in text
        assert "root:x:0" not in text
        assert "/bin/bash" not in text
        assert "daemon:" not in text


@pytest.mark.slow
@pytest.mark.parametrize("name", PAYLOADS)
def test_every_text_field_comes_through_literally(
    tmp_path: Path, name: str, no_network: list[str]
) -> None:
    payload = PAYLOADS[name]
    result, out = build_case(tmp_path, order_text({
        field: f"{tag} {payload}" for field, (tag, _, _) in FIELDS.items()}))
    dispute = (out / "dispute.txt").read_text(encoding="utf-8")
    pdf = pdf_text(out / "evidence.pdf")
    for field, (tag, in_dispute, in_pdf) in FIELDS.items():
        if in_dispute:
            assert f"{tag} {payload}" in dispute, field
        if not in_pdf:
            continue
        if name in ("arabic", "hebrew"):
            # Extracted right-to-left text may come in visual order: its words are there.
            assert tag in pdf, field
            assert all(word in pdf or word[::-1] in pdf for word in payload.split()), field
        elif name == "emoji":
            # Drawn where an installed font has the character; else the build says so.
            assert tag in pdf, field
            for char in in_pdf_form(payload).replace(" ", ""):
                assert char in pdf or f"(U+{ord(char):04X})" in result.stderr, (field, char)
        else:
            assert unicodedata.normalize("NFC", f"{tag} {in_pdf_form(payload)}") in (
                unicodedata.normalize("NFC", pdf)), field
    assert_nothing_evaluated(dispute, pdf)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == len(set(warnings))
    assert all("font" in warning for warning in warnings)
    metadata = PdfReader(out / "evidence.pdf").metadata
    assert metadata is not None
    assert metadata.author == f"BUYER {payload}"


@pytest.mark.slow
def test_an_evidence_file_name_comes_through_literally(tmp_path: Path) -> None:
    name = "<b>{{ 7*7 }} & café 📦<i>.png"
    _, out = build_case(tmp_path, order_text({}, evidence_file=name), evidence_file=name)
    pdf = pdf_text(out / "evidence.pdf")
    assert "<b>{{ 7*7 }} & café" in pdf
    assert [path.name for path in (out / "exhibits").iterdir()] == ["A-caption.png"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert name in {entry["path"] for entry in manifest["inputs"]}


@pytest.mark.parametrize("name", PAYLOADS)
def test_status_and_messages_print_text_literally(tmp_path: Path, name: str) -> None:
    payload = PAYLOADS[name]
    case = tmp_path / "case"
    case.mkdir()
    (case / "order.yaml").write_text(order_text({
        "order.store": f"STORE {payload}", "buyer.name": f"BUYER {payload}"}),
        encoding="utf-8")
    (case / "tracking.png").write_bytes(one_grey_png())
    status = CliRunner().invoke(main, ["status", str(case / "order.yaml"), "--today", TODAY])
    assert status.exit_code == 0, status.output
    assert f"from STORE {payload}, on 26 November 2026" in status.stdout
    # before the delivery deadline, when the seller message applies
    message = CliRunner().invoke(main, ["message", "seller", str(case / "order.yaml"),
                                        "--today", "2026-10-01"])
    assert message.exit_code == 0, message.output
    assert f"STORE {payload}" in message.stdout
    assert f"BUYER {payload}" in message.stdout
    assert_nothing_evaluated(status.stdout, message.stdout)


# --- what is decided: control and bidi characters, line breaks ------------------------------

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def order_file(**fields: str) -> OrderFile:
    data: dict[str, Any] = {
        "platform": "aliexpress", "buyer": {"name": fields.get("name", "Jane Doe")},
        "order": {"number": fields.get("number", "8190123456789012"), "placed": "2026-09-02",
                  "store": fields.get("store", "Shop"), "items": [{"title": "Hub"}],
                  "total": "25.48", "currency": "EUR"},
        "shipping": {"delivery_deadline": "2026-10-20"},
        "dispute": {"details": fields.get("details", "Lost.")},
    }
    return OrderFile.model_validate(data)


def test_bidi_controls_are_removed_from_text() -> None:
    order = order_file(number="8190\u202e123456", store="Shop \u2067متجر\u2069 \u202dX\u202c",
                       details="Line one\u202b\nLine two")
    assert order.order.number == "8190123456"
    assert order.order.store == "Shop متجر X"
    assert order.dispute.details == "Line one\nLine two"


def test_marks_joiners_and_combining_characters_are_kept() -> None:
    kept = "a\u200eb\u200fc \u061c 👩\u200d👩\u200d👧 zero\u200bwidth Cafe\u0301 کتاب\u200cها"
    assert order_file(store=kept).order.store == kept


def test_control_characters_are_removed_from_text() -> None:
    order = order_file(name="Jane\x1b[31m Doe\x07\x00", store="Shop\x7f\x85\x9b",
                       details="one\ttab\x0cline\r\nnext")
    assert order.buyer.name == "Jane[31m Doe"
    assert order.order.store == "Shop"
    assert order.dispute.details == "one\ttabline\nnext"


def test_line_breaks_in_one_line_fields_become_spaces() -> None:
    order = order_file(store="Shenzhen\nGadget \n\n Store\u2028Ltd", name="Jane\rDoe")
    assert order.order.store == "Shenzhen Gadget Store Ltd"
    assert order.buyer.name == "Jane Doe"


def test_an_order_number_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="should match pattern"):
        order_file(number="8190\n123")


def test_error_messages_show_invisible_characters_as_escapes() -> None:
    assert visible("a\x1b]0;title\x07b\u202ec\nd\te") == "a\\x1b]0;title\\x07b\\u202ec\\nd\\te"
    assert visible("Café 👩\u200d👩\u200d👧 متجر") == "Café 👩\u200d👩\u200d👧 متجر"


@pytest.mark.slow
def test_controls_and_overrides_never_reach_the_outputs(
    tmp_path: Path, no_network: list[str]
) -> None:
    hostile = {
        "order.store": "STORE Shen\x1b[2Jzhen\u202e Gadget",
        "order.items.title": "ITEM Hub \u202eevil",
        "evidence.caption": "CAPTION Photo\n[drop:0] of the locker",
        "dispute.details": "DETAILS first\u2028second \u2066isolated\u2069\x00",
        "messages.seller.text": "REPLIED wait\x07\u202d please",
    }
    result, out = build_case(tmp_path, order_text(hostile))
    dispute = (out / "dispute.txt").read_text(encoding="utf-8")
    pdf = pdf_text(out / "evidence.pdf")
    for text in (dispute, pdf, result.stdout, result.stderr):
        assert not any(0 < ord(char) < 0x20 and char not in "\n\t" for char in text)
        assert not set(text) & set(BIDI_CONTROLS)
    for text in (dispute, pdf):
        assert "STORE Shen[2Jzhen Gadget" in text
        assert "ITEM Hub evil and 2 × Braided USB-C cable 2 m" in text  # not reversed
        assert "CAPTION Photo [drop:0] of the locker" in text
        assert "second isolated" in text
        assert "REPLIED wait please" in text


def test_one_line_filter() -> None:
    assert render.one_line("Please wait.\n[drop:9] Really.\n\n We are sorry.\u2028Yes") == (
        "Please wait. [drop:9] Really. We are sorry. Yes")


def test_a_message_of_several_lines_is_quoted_whole(tmp_path: Path) -> None:
    # The dispute text a build would write (test_api checks that it is), without the PDF.
    case = write_case(tmp_path, order_text({
        "messages.seller.text": "Please wait.\n[drop:9] Really.\n\nWe are sorry.",
        "messages.seller.translation": "Bitte warten.\n\nEntschuldigung."}))
    dispute = packet.dispute_text(case / "order.yaml", date.fromisoformat(TODAY), Options(
        max_chars=100_000, cache_dir=tmp_path / "cache")).text
    assert ('the seller replied: "Bitte warten. Entschuldigung." (translated from: '
            '"Please wait. [drop:9] Really. We are sorry.").') in dispute


def test_an_order_number_keeps_its_spaces() -> None:
    assert "12\u00a034" in narrative.parse("Order 12\u00a034 [drop:1]\n").text


def test_a_chat_export_loses_its_control_characters(tmp_path: Path) -> None:
    case = tmp_path / "case"
    case.mkdir()
    text = order_text({}).split("messages:")[0] + "messages:\n  file: chat.txt\n"
    (case / "order.yaml").write_text(text, encoding="utf-8")
    (case / "chat.txt").write_bytes(
        "2026-10-25 09:14 Me: Where\x1b[2J is \u202emy parcel?\x00\n"
        "2026-10-25 17:48 Seller: Please\x07 wait.\n".encode())
    from orderpack.chat import load_messages
    from orderpack.validation import validate

    messages = load_messages(validate(case / "order.yaml"))
    assert [m.text for m in messages] == ["Where[2J is my parcel?", "Please wait."]


def test_a_chat_export_with_direction_marks_before_its_lines(tmp_path: Path) -> None:
    """Chat apps put left-to-right marks or isolates before a line or around a name."""
    case = tmp_path / "case"
    case.mkdir()
    text = order_text({}).split("messages:")[0] + "messages:\n  file: chat.txt\n"
    (case / "order.yaml").write_text(text, encoding="utf-8")
    (case / "chat.txt").write_text(
        "\ufeff\u200e2026-10-25 09:14 \u2068Me\u2069: Where is my parcel?\n"
        "\u200f2026-10-25 17:48 Seller: \u200fمن فضلك انتظر\n"
        "\u200eTranslation: Please wait.\n", encoding="utf-8")
    from orderpack.chat import load_messages
    from orderpack.validation import validate

    messages = load_messages(validate(case / "order.yaml"))
    assert [(m.sender, m.text, m.translation) for m in messages] == [
        ("buyer", "Where is my parcel?", None),
        ("seller", "\u200fمن فضلك انتظر", "Please wait.")]


def test_the_order_file_itself_may_hold_invisible_characters_raw(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(order_text({}).replace('"STORE"', "Shop \u202eevil\u200b ok"),
                    encoding="utf-8")
    (tmp_path / "tracking.png").write_bytes(one_grey_png())
    from orderpack.validation import validate

    assert validate(path).order.order.store == "Shop evil\u200b ok"
