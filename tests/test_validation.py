"""orderpack.validation: the bad-input corpus, and each check on a whole case.

The corpus (tests/fixtures/bad/, see its README) runs through `orderpack validate`
as a user would; the other tests call :func:`orderpack.validation.validate`.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from orders import SHIPPED_ORDER, line_of
from pypdf import PdfWriter

from orderpack import loader, profiles
from orderpack.cli import main
from orderpack.errors import OrderFileError
from orderpack.model import MAX_MESSAGES, Case
from orderpack.validation import validate

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
BAD_CASES = sorted(path.name for path in BAD.iterdir() if path.is_dir())

#: A small valid order; the bad cases in this file each change one thing.
ORDER = SHIPPED_ORDER


def png(width: int, height: int) -> bytes:
    """A tiny greyscale PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder below ``folder`` with a hash of its content."""
    return {
        str(path.relative_to(folder)): (
            hashlib.sha256(path.read_bytes()).hexdigest()
            if path.is_file() and not path.is_symlink() else "folder or link")
        for path in sorted(folder.rglob("*"))
    }


def run_validate(cwd: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    """`orderpack validate NAME/order.yaml` run from ``cwd``, as a user in a terminal would."""
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["validate", f"{name}/order.yaml"])


def assert_refused(result: Result, expected: str) -> None:
    assert result.stderr == expected
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert "Traceback" not in result.output


# --- the corpus ---------------------------------------------------------------------------

def test_corpus_is_complete() -> None:
    assert len(BAD_CASES) >= 35
    for name in BAD_CASES:
        assert (BAD / name / "order.yaml").is_file(), name
        assert (BAD / name / "expected.txt").is_file(), name


@pytest.mark.parametrize("name", BAD_CASES)
def test_bad_case(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected_file = BAD / name / "expected.txt"
    before = snapshot(BAD / name)
    result = run_validate(BAD, name, monkeypatch)
    if os.environ.get("ORDERPACK_REGENERATE"):
        expected_file.write_text(result.stderr, encoding="utf-8")
        before = snapshot(BAD / name)
    assert_refused(result, expected_file.read_text(encoding="utf-8"))
    assert snapshot(BAD / name) == before


def test_alias_bomb_is_refused_in_well_under_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    start = time.perf_counter()
    result = run_validate(BAD, "alias-bomb", monkeypatch)
    elapsed = time.perf_counter() - start
    assert result.exit_code == 1
    assert "YAML anchors (&a) are not allowed" in result.stderr
    assert elapsed < 1.0


# Cases built at run time: a link git should not carry, and files too large to commit.

def _case(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "order.yaml").write_text(text, encoding="utf-8")
    return folder


def _evidence(file: str, caption: str = "Tracking page") -> str:
    return f"evidence:\n  - file: {file}\n    caption: {caption}\n"


def test_symlink_leading_out_of_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "tracking.png").write_bytes(png(8, 8))
    text = (ORDER + _evidence("tracking.png") + "  - file: shots/tracking.png\n"
            "    caption: Via a linked folder\n")
    folder = _case(tmp_path, "evidence-link-outside", text)
    (folder / "tracking.png").symlink_to(Path("..") / "elsewhere" / "tracking.png")
    (folder / "shots").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    before = snapshot(folder)
    result = run_validate(tmp_path, "evidence-link-outside", monkeypatch)
    assert_refused(result, (
        "Error: 2 problems in evidence-link-outside/order.yaml:\n"
        f"evidence-link-outside/order.yaml:{line_of(text, 'file: tracking.png')}:5: "
        "evidence[0].file: the path is a link that "
        "points outside the case folder — copy the file itself into the case folder\n"
        f"evidence-link-outside/order.yaml:{line_of(text, 'file: shots/')}:5: "
        "evidence[1].file: the path is a link that "
        "points outside the case folder — copy the file itself into the case folder\n"))
    assert snapshot(folder) == before


def test_caption_of_a_megabyte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = ORDER + _evidence("tracking.png", caption="x" * 1_000_000)
    folder = _case(tmp_path, "caption-too-long", text)
    (folder / "tracking.png").write_bytes(png(8, 8))
    before = snapshot(folder)
    result = run_validate(tmp_path, "caption-too-long", monkeypatch)
    assert_refused(result, (
        f"Error: caption-too-long/order.yaml:{line_of(text, 'caption: xxx')}:5: "
        "evidence[0].caption: too long: at most 300 "
        "characters — shorten it; long explanations belong in `dispute.details`\n"))
    assert snapshot(folder) == before


@pytest.mark.parametrize("count", [MAX_MESSAGES + 1, 10_000])
def test_more_messages_than_the_limit(count: int, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # One over the limit (an off-by-one limit fails), and ten thousand: refused as quickly
    # and with the same message (test_bad_inputs.py takes one over the limit through build).
    messages = "".join(f"  - {{at: 2026-10-25 09:14, from: buyer, text: Hello {n}}}\n"
                       for n in range(count))
    text = ORDER + "messages:\n" + messages
    folder = _case(tmp_path, "too-many-messages", text)
    before = snapshot(folder)
    result = run_validate(tmp_path, "too-many-messages", monkeypatch)
    assert_refused(result, (
        f"Error: too-many-messages/order.yaml:{line_of(text, 'messages:')}:1: messages: too "
        "many entries: at most 1000 "
        "— keep only the ones that matter for the dispute\n"))
    assert snapshot(folder) == before


def test_image_of_51_megabytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = ORDER + _evidence("scan.png")
    folder = _case(tmp_path, "evidence-too-big", text)
    with (folder / "scan.png").open("wb") as handle:  # sparse: takes no room on disk
        handle.write(png(8, 8))
        handle.truncate(51 * 1024 * 1024)
    before = snapshot(folder)
    result = run_validate(tmp_path, "evidence-too-big", monkeypatch)
    assert_refused(result, (
        f"Error: evidence-too-big/order.yaml:{line_of(text, 'file: scan.png')}:5: "
        "evidence[0].file: the file is 51 MB; the "
        "limit is 50 MB — take a screenshot of the relevant part or save it smaller\n"))
    assert snapshot(folder) == before


# --- valid cases ----------------------------------------------------------------------------

def test_aliexpress_sample_is_valid(aliexpress_case: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(aliexpress_case)])
    assert result.stdout == (f"{aliexpress_case}: valid — AliExpress order 8190123456789012, "
                             "4 evidence files.\n")
    # The sample's name, number and store are the template's examples: a copy left
    # unchanged is pointed out.
    text = aliexpress_case.read_text(encoding="utf-8")
    assert result.stderr == "".join(
        f"Warning: {aliexpress_case}:{line_of(text, key)}:3: {field}: \"{value}\" is an "
        f"example from orderpack's template or samples — write {what} as on the order page\n"
        for key, field, value, what in [
            ("  name: Jane Doe", "buyer.name", "Jane Doe", "your name"),
            ("  number: ", "order.number", "8190123456789012", "your order number"),
            ("  store: ", "order.store", "Shenzhen Gadget Store",
             "the seller's store name")])
    assert result.exit_code == 0


def test_ebay_sample_is_valid(ebay_case: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(ebay_case)])
    assert result.stdout == (f"{ebay_case}: valid — eBay order 12-34567-89012, "
                             "0 evidence files.\n")
    assert result.exit_code == 0


def test_validate_returns_the_case(aliexpress_case: Path) -> None:
    case = validate(aliexpress_case)
    assert isinstance(case, Case)
    assert case.folder == aliexpress_case.parent
    assert case.profile.id == "aliexpress"
    assert case.order.order.number == "8190123456789012"
    assert str(case.order.order.total) == "35.46"
    assert [e.file for e in case.order.evidence][-1] == "photos/mailbox.jpg"
    lines = aliexpress_case.read_text(encoding="utf-8").splitlines()
    box_line = next(n for n, line in enumerate(lines, 1) if "- [0, 0, 1170, 140]" in line)
    assert case.document.position(("evidence", 1, "redact", 0)) == (box_line, 9)


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom+crlf"])
def test_bom_and_crlf_files_work(aliexpress_case: Path, variant: str) -> None:
    text = aliexpress_case.read_text(encoding="utf-8")
    raw = text.replace("\n", "\r\n").encode() if "crlf" in variant else text.encode()
    aliexpress_case.write_bytes((b"\xef\xbb\xbf" if "bom" in variant else b"") + raw)
    result = CliRunner().invoke(main, ["validate", str(aliexpress_case)])
    assert result.stdout == (f"{aliexpress_case}: valid — AliExpress order 8190123456789012, "
                             "4 evidence files.\n")
    assert result.exit_code == 0
    case = validate(aliexpress_case)
    assert case.order.buyer.name == "Jane Doe"
    assert isinstance(case.order.messages, list)
    assert case.order.messages[1].text == "亲，请耐心等待。包裹还在路上。"


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom+crlf"])
def test_bom_and_crlf_keep_line_numbers(write_order: Callable[..., Path], variant: str) -> None:
    path = write_order("")
    text = ORDER.replace("  shipped:", "  shiped:")
    raw = text.replace("\n", "\r\n").encode() if "crlf" in variant else text.encode()
    path.write_bytes((b"\xef\xbb\xbf" if "bom" in variant else b"") + raw)
    with pytest.raises(OrderFileError) as caught:
        validate(path)
    assert str(caught.value) == (f"{path}:{line_of(text, 'shiped:')}:3: shipping.shiped: "
                                 "unknown field `shiped` — "
                                 "did you mean `shipped`?")


def test_links_inside_the_folder_are_fine(tmp_path: Path) -> None:
    folder = _case(tmp_path, "case", ORDER + _evidence("link.png"))
    (folder / "shots").mkdir()
    (folder / "shots" / "real.png").write_bytes(png(8, 8))
    (folder / "link.png").symlink_to(Path("shots") / "real.png")
    assert validate(folder / "order.yaml").order.evidence[0].file == "link.png"


def test_a_pdf_is_evidence(tmp_path: Path) -> None:
    folder = _case(tmp_path, "case", ORDER + _evidence("receipt.pdf"))
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(folder / "receipt.pdf")
    assert validate(folder / "order.yaml").order.evidence[0].file == "receipt.pdf"


def test_redaction_boxes_on_a_pdf_are_refused(tmp_path: Path) -> None:
    text = ORDER + _evidence("receipt.pdf") + "    redact:\n      - [0, 0, 10, 10]\n"
    folder = _case(tmp_path, "case", text)
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(folder / "receipt.pdf")
    with pytest.raises(OrderFileError) as caught:
        validate(folder / "order.yaml")
    assert str(caught.value) == (
        f"{folder / 'order.yaml'}:{line_of(text, 'redact:')}:5: evidence[0].redact: "
        "redaction boxes apply to images "
        "only — black out the area in the PDF itself, or remove `redact`")


def test_a_redaction_box_exactly_at_the_edge_is_inside(tmp_path: Path) -> None:
    folder = _case(tmp_path, "case", ORDER + _evidence("shot.png")
                   + "    redact:\n      - [0, 0, 32, 24]\n      - [31, 23, 1, 1]\n")
    (folder / "shot.png").write_bytes(png(32, 24))
    assert validate(folder / "order.yaml").order.evidence[0].redact == [
        (0, 0, 32, 24), (31, 23, 1, 1)]


# --- each check, through validate() ---------------------------------------------------------

def problems(path: Path) -> list[str]:
    """The problems validate() reports for ``path``, without the file name."""
    with pytest.raises(OrderFileError) as caught:
        validate(path)
    return [str(problem).removeprefix(f"{path}:") for problem in caught.value.problems]


def test_every_problem_is_reported_at_once(write_order: Callable[..., Path]) -> None:
    text = (ORDER.replace("placed: 2026-09-02", "placed: 2026-02-30")
            .replace("currency: EUR", "currency: euro")
            .replace("  name: Jane Doe\n", "  nam: Jane Doe\n")
            + _evidence("missing.png") + "dispute:\n  reason: lost\n  remedy: refund\n")
    path = write_order(text)
    assert problems(path) == [
        f"{line_of(text, 'buyer:')}:1: buyer.name: this field is required — add `name:` under "
        "`buyer:` with your name as on the order",
        f"{line_of(text, 'nam:')}:3: buyer.nam: unknown field `nam` — did you mean `name`?",
        f"{line_of(text, 'placed:')}:3: order.placed: 2026-02-30 is not a real calendar date — "
        "check the day and month (e.g. February has 28 days, 29 in leap years)",
        f'{line_of(text, "currency:")}:3: order.currency: "euro" is not an ISO 4217 currency '
        "code — write EUR",
        f"{line_of(text, 'file: missing.png')}:5: evidence[0].file: the file does not exist — "
        "check the spelling; paths are relative to case/",
        f"{line_of(text, 'reason:')}:3: dispute.reason: AliExpress has no dispute reason "
        "'lost' — use one of: not_received, no_tracking_update, still_in_transit, "
        "returned_to_sender, held_at_customs, no_tracking_info, delivered_not_received",
        f"{line_of(text, 'remedy:')}:3: dispute.remedy: \"refund\" is not allowed here — use "
        "'full_refund' or 'refund_and_return'",
    ]


def test_refund_and_return_is_refused_for_every_reason(write_order: Callable[..., Path]) -> None:
    aliexpress = profiles.load("aliexpress")
    assert "refund_and_return" in aliexpress.remedies
    for reason in aliexpress.reasons:
        text = ORDER + f"dispute:\n  reason: {reason.id}\n  remedy: refund_and_return\n"
        assert problems(write_order(text)) == [
            f"{line_of(text, 'remedy:')}:3: "
            "dispute.remedy: 'refund_and_return' asks to send back goods, and the "
            f"reason '{reason.id}' (\"{reason.label}\") says they never arrived — use "
            "`remedy: full_refund`"]


def test_text_in_brackets_is_quoted_as_written_where_it_was_written_on_one_line(
        write_order: Callable[..., Path]) -> None:
    line = line_of(ORDER, "store:")
    for store, fix in [
        ('[Shop "Best" \\ Co]', 'to keep the brackets as text, put it in quotes: '
                                'store: "[Shop \\"Best\\" \\\\ Co]"'),
        ("{Shop}", 'to keep the braces as text, put it in quotes: store: "{Shop}"'),
        # A comment after it, or a list written over several lines: an example instead.
        ("[Shop]  # the seller's", "write it like Shenzhen Gadget Store"),
        ("\n    - Shop", "write it like Shenzhen Gadget Store"),
    ]:
        path = write_order(ORDER.replace("store: Shenzhen Gadget Store", f"store: {store}"))
        kind = "a group of fields" if store == "{Shop}" else "a list"
        assert problems(path) == [f"{line}:3: order.store: expected text, got {kind} — {fix}"]
    quoted = write_order(ORDER.replace("store: Shenzhen Gadget Store",
                                       'store: "[Shop \\"Best\\" \\\\ Co]"'))
    assert validate(quoted).order.order.store == '[Shop "Best" \\ Co]'


def test_an_aliexpress_order_number_has_16_digits(write_order: Callable[..., Path]) -> None:
    for number, expected in [
        ("81901234567890123", '"81901234567890123" has 17 digits'),
        ("8190-1234-5678", '"8190-1234-5678" has 12 digits and other characters'),
    ]:
        text = ORDER.replace('"8190123456789012"', f'"{number}"')
        assert problems(write_order(text)) == [
            f"{line_of(text, 'number:')}:3: "
            f"order.number: AliExpress order numbers have 16 digits; {expected} — copy it "
            "again from the order's details page (My Orders, then the order)"]
    ebay = ORDER.replace("platform: aliexpress", "platform: ebay").replace(
        '"8190123456789012"', '"12-34567-89012"')
    assert validate(write_order(ebay)).order.order.number == "12-34567-89012"


def warnings(path: Path) -> list[str]:
    return [str(w).split(":", 1)[1] for w in validate(path).warnings]


def test_no_warnings_for_a_buyers_own_values(write_order: Callable[..., Path]) -> None:
    own = ORDER.replace("Jane Doe", "Mia Schneider").replace(
        "8190123456789012", "3052123456789012").replace("Shenzhen Gadget Store", "Tech World")
    assert warnings(write_order(own + "tracking:\n  events:\n    - at: 2026-09-02 08:00\n"
                                      "      status: Label created\n")) == []


def test_warnings_for_the_examples_left_in(write_order: Callable[..., Path]) -> None:
    text = ORDER.replace("platform: aliexpress", "platform: ebay").replace(
        "Jane Doe", "Oliver Bennett").replace('"8190123456789012"', '"12-34567-89012"')
    assert warnings(write_order(text)) == [
        f'{line_of(text, "name:")}:3: buyer.name: "Oliver Bennett" is an example from '
        "orderpack's template or samples — write your name as on the order page",
        f'{line_of(text, "number:")}:3: order.number: "12-34567-89012" is an example from '
        "orderpack's template or samples — write your order number as on the order page",
        f'{line_of(text, "store:")}:3: order.store: "Shenzhen Gadget Store" is an example from '
        "orderpack's template or samples — write the seller's store name as on the order page",
    ]


def test_a_text_yaml_cut_at_a_hash_is_warned_with_the_whole_text_in_quotes(
        write_order: Callable[..., Path]) -> None:
    own = ORDER.replace("Jane Doe", "Mia Schneider").replace(
        "8190123456789012", "3052123456789012")
    text = own.replace("store: Shenzhen Gadget Store", 'store: Tech "World" #1 Official').replace(
        "- title: USB-C hub", "- title: USB-C hub #7 in 1")
    path = write_order(text)
    # YAML reads " #" as the start of a comment: the values are cut there.
    order = validate(path).order.order
    assert (order.store, order.items[0].title) == ('Tech "World"', "USB-C hub")
    assert warnings(path) == [
        f'{line_of(text, "store:")}:3: order.store: "#1 Official" was left out: YAML reads a '
        "space and # as the start of a comment — if it belongs to the text, put the whole text "
        'in quotes: store: "Tech \\"World\\" #1 Official"',
        f'{line_of(text, "title:")}:7: order.items[0].title: "#7 in 1" was left out: YAML reads '
        "a space and # as the start of a comment — if it belongs to the text, put the whole "
        'text in quotes: title: "USB-C hub #7 in 1"',
    ]
    # The fix is right: quoted, the whole text is the value, and nothing is warned.
    fixed = write_order(text.replace('store: Tech "World" #1 Official',
                                     'store: "Tech \\"World\\" #1 Official"').replace(
        "- title: USB-C hub #7 in 1", '- title: "USB-C hub #7 in 1"'))
    assert validate(fixed).order.order.store == 'Tech "World" #1 Official'
    assert warnings(fixed) == []


def test_comments_as_people_write_them_are_not_warned(write_order: Callable[..., Path]) -> None:
    own = ORDER.replace("Jane Doe", "Mia Schneider").replace(
        "8190123456789012", "3052123456789012").replace("Shenzhen Gadget Store", "Tech World")
    for store in ["Tech World # the seller", "Tech World        # aligned",
                  "Tech World #", "Tech World ## two", "'Tech World #1'"]:
        assert warnings(write_order(own.replace("store: Tech World", f"store: {store}"))) == []


def test_a_text_starting_with_a_hash_is_empty_and_quoted_in_the_fix(
        write_order: Callable[..., Path]) -> None:
    text = ORDER.replace("store: Shenzhen Gadget Store", "store: #1 Gadget Store")
    assert problems(write_order(text)) == [
        f'{line_of(text, "store:")}:3: order.store: this field is empty — to keep the # as '
        'text, put it in quotes: store: "#1 Gadget Store"']
    # A comment where the value should be: the usual fix.
    empty = ORDER.replace("store: Shenzhen Gadget Store", "store: # the seller's name")
    assert problems(write_order(empty))[0].endswith(
        "order.store: this field is empty — fill in the seller's store name as on the order "
        "page")


def test_warnings_for_events_and_messages_before_the_order(
    write_order: Callable[..., Path]
) -> None:
    own = ORDER.replace("Jane Doe", "Mia Schneider").replace(
        "8190123456789012", "3052123456789012").replace("Shenzhen Gadget Store", "Tech World")
    text = (own + "tracking:\n  events:\n"
            "    - {at: 2026-09-01 23:59, status: Accepted}\n"
            "    - {at: 2026-09-02 00:00, status: Sorted}\n"
            "messages:\n"
            "  - {at: 2026-08-20 10:00, from: buyer, text: Is it in stock?}\n"
            "  - {at: 2026-09-03 10:00, from: buyer, text: Where is it?}\n")
    path = write_order(text)
    assert warnings(path) == [
        f"{line_of(text, 'Accepted')}:8: "
        "tracking.events[0].at: this tracking event (2026-09-01) is dated before the "
        "order was placed (2026-09-02) — check the date on the tracking page, and that the "
        "tracking number is this order's",
        f"{line_of(text, 'in stock')}:6: "
        "messages[0].at: this message (2026-08-20) is dated before the order was placed "
        "(2026-09-02) — check its date; if it is about another order, leave it out",
    ]
    result = CliRunner().invoke(main, ["validate", "--json", str(path)])
    assert result.exit_code == 0
    assert [w["field"] for w in json.loads(result.stdout)["warnings"]] == [
        "tracking.events[0].at", "messages[0].at"]


def test_shipping_dates_before_the_order(write_order: Callable[..., Path]) -> None:
    text = ORDER.replace("  shipped: 2026-09-05\n", "").replace(
        "delivery_deadline: 2026-10-20",
        "delivery_deadline: 2026-09-01\n  protection_ends: 2026-08-31")
    assert problems(write_order(text)) == [
        f"{line_of(text, 'delivery_deadline:')}:3: "
        "shipping.delivery_deadline: the delivery deadline (2026-09-01) is before the "
        "order date (2026-09-02) — check both dates against your order page",
        f"{line_of(text, 'protection_ends:')}:3: "
        "shipping.protection_ends: Buyer Protection's end (2026-08-31) is before the order "
        "date (2026-09-02) — check both dates against your order page",
    ]


def test_dispute_opened_and_tracking_checked_before_the_order(
    write_order: Callable[..., Path]
) -> None:
    text = ORDER + "tracking:\n  checked: 2026-08-01\ndispute:\n  opened: 2026-09-01\n"
    assert problems(write_order(text)) == [
        f"{line_of(text, 'checked:')}:3: "
        "tracking.checked: the tracking check (2026-08-01) is before the order date "
        "(2026-09-02) — check both dates against your order page",
        f"{line_of(text, 'opened:')}:3: "
        "dispute.opened: the dispute's opening (2026-09-01) is before the order date "
        "(2026-09-02) — check both dates against your order page",
    ]


def test_same_day_dates_are_fine(write_order: Callable[..., Path]) -> None:
    path = write_order(ORDER.replace("shipped: 2026-09-05", "shipped: 2026-09-02")
                       .replace("delivery_deadline: 2026-10-20", "delivery_deadline: 2026-09-02"))
    assert validate(path).order.shipping.shipped == validate(path).order.order.placed


def test_reason_close_to_a_known_one_gets_a_suggestion(write_order: Callable[..., Path]) -> None:
    text = ORDER + "dispute:\n  reason: no_tracking_updates\n"
    assert problems(write_order(text)) == [
        f"{line_of(text, 'reason:')}:3: "
        "dispute.reason: AliExpress has no dispute reason 'no_tracking_updates' — did you "
        "mean `no_tracking_update`?"]


def test_ebay_reasons_come_from_the_ebay_profile(write_order: Callable[..., Path]) -> None:
    text = (ORDER.replace("platform: aliexpress", "platform: ebay")
            + "dispute:\n  reason: no_tracking_update\n")
    assert problems(write_order(text)) == [
        f"{line_of(text, 'reason:')}:3: "
        "dispute.reason: eBay has no dispute reason 'no_tracking_update' — use one of: "
        "not_received"]


def test_unknown_platform_far_from_any_lists_them(write_order: Callable[..., Path]) -> None:
    path = write_order(ORDER.replace("platform: aliexpress", "platform: wish"))
    assert problems(path) == [
        "1:1: platform: unknown platform 'wish' — use one of: " + ", ".join(profiles.available())]
    assert "aliexpress, " in problems(path)[0]


def test_platform_problems_come_with_schema_problems(write_order: Callable[..., Path]) -> None:
    text = (ORDER.replace("platform: aliexpress", "platform: alixpress")
            .replace("total: 35.46", "total: lots"))
    assert problems(write_order(text)) == [
        f"{line_of(text, 'platform:')}:1: platform: unknown platform 'alixpress' — did you "
        "mean `aliexpress`?",
        f'{line_of(text, "total:")}:3: '
        'order.total: expected an amount, got "lots" — write the amount you paid as a '
        "number, with a dot before the cents",
    ]


def test_unknown_top_level_field_lists_the_known_ones(write_order: Callable[..., Path]) -> None:
    text = ORDER + "notes: call the bank\n"
    assert problems(write_order(text)) == [
        f"{line_of(text, 'notes:')}:1: "
        "notes: unknown field `notes` — known fields here: buyer, dispute, evidence, "
        "messages, order, platform, shipping, tracking"]


def test_unknown_field_in_a_message(write_order: Callable[..., Path]) -> None:
    text = ORDER + "messages:\n  - at: 2026-10-25 09:14\n    form: buyer\n    text: Hello\n"
    assert problems(write_order(text)) == [
        f"{line_of(text, '- at:')}:5: "
        "messages[0].from: this field is required — add `from: buyer` under `messages[0]:`",
        f"{line_of(text, '  form:')}:5: "
        "messages[0].form: unknown field `form` — did you mean `from`?",
    ]


def test_missing_section_points_to_the_template(write_order: Callable[..., Path]) -> None:
    path = write_order(ORDER.split("shipping:", maxsplit=1)[0])
    assert problems(path) == [
        "1:1: shipping: this field is required — add `shipping:`; see the template written by "
        "`orderpack init`"]


def test_text_where_a_section_belongs(write_order: Callable[..., Path]) -> None:
    text = ORDER + "tracking: no update since September\n"
    assert problems(write_order(text)) == [
        f'{line_of(text, "tracking:")}:1: '
        'tracking: expected a group of `key: value` fields, indented below, got "no update '
        'since September" — see the template written by `orderpack init`']


def test_empty_list_of_items(write_order: Callable[..., Path]) -> None:
    text = ORDER.replace("  items:\n    - title: USB-C hub\n", "  items: []\n")
    assert problems(write_order(text)) == [
        f"{line_of(text, 'items:')}:3: "
        "order.items: needs at least one entry — add one (lines starting with `- `); see "
        "the template written by `orderpack init`"]


@pytest.mark.parametrize(("quantity", "expected"), [
    ("0", "0 is out of range: it must be at least 1 — write e.g. 1"),
    ("two", 'expected a whole number, got "two" — write e.g. 1'),
    ("", "expected a whole number, got nothing — write e.g. 1"),
    ("1.5", "expected a whole number, got 1.5 — write e.g. 1"),
])
def test_item_quantity(write_order: Callable[..., Path], quantity: str, expected: str) -> None:
    item = "    - title: USB-C hub\n"
    text = ORDER.replace(item, f"{item}      quantity: {quantity}\n")
    assert problems(write_order(text)) == [
        f"{line_of(text, 'quantity:')}:7: order.items[0].quantity: {expected}"]


def test_malformed_email(write_order: Callable[..., Path]) -> None:
    text = ORDER.replace("  name: Jane Doe\n", "  name: Jane Doe\n  email: jane at example.org\n")
    assert problems(write_order(text)) == [
        f'{line_of(text, "email:")}:3: '
        'buyer.email: "jane at example.org" is not in the expected form — write it like '
        "jane@example.org"]


def test_empty_name(write_order: Callable[..., Path]) -> None:
    text = ORDER.replace("  name: Jane Doe", '  name: "  "')
    assert problems(write_order(text)) == [
        f"{line_of(text, 'name:')}:3: "
        "buyer.name: must not be empty — fill in your name as on the order"]


def test_dispute_details_too_long(write_order: Callable[..., Path]) -> None:
    text = ORDER + "dispute:\n  details: " + "x" * 10_001 + "\n"
    assert problems(write_order(text)) == [
        f"{line_of(text, 'details:')}:3: "
        "dispute.details: too long: at most 10000 characters — shorten it"]


def test_chat_export_outside_the_folder(write_order: Callable[..., Path]) -> None:
    text = ORDER + "messages:\n  file: ../chat.txt\n  translation: /tmp/chat.txt\n"
    assert problems(write_order(text)) == [
        f"{line_of(text, 'file:')}:3: "
        "messages.file: the path leads outside the case folder (`..`) — copy the file "
        "into the case folder",
        f"{line_of(text, 'translation:')}:3: "
        "messages.translation: an absolute path is not allowed — put the file in the case "
        "folder and give its path relative to order.yaml",
    ]


def test_chat_export_inside_the_folder(write_order: Callable[..., Path]) -> None:
    path = write_order(ORDER + "messages:\n  file: chat.txt\n")
    (path.parent / "chat.txt").write_text("2026-10-25 09:00 Seller: please wait\n",
                                          encoding="utf-8")
    assert validate(path).order.messages is not None


def test_several_malformed_boxes_in_one_box_are_one_problem(
    write_order: Callable[..., Path]
) -> None:
    text = ORDER + _evidence("shot.png") + "    redact:\n      - [-1, x, 0]\n"
    path = write_order(text)
    (path.parent / "shot.png").write_bytes(png(32, 24))
    assert problems(path) == [
        f"{line_of(text, '[-1, x, 0]')}:9: "
        "evidence[0].redact[0]: a box is four whole numbers [x, y, width, height], width "
        "and height at least 1 — write it like [0, 0, 1170, 140]"]


def test_the_python_api_raises_with_structured_problems(write_order: Callable[..., Path]) -> None:
    text = ORDER.replace("  shipped:", "  shiped:")
    path = write_order(text)
    with pytest.raises(OrderFileError) as caught:
        validate(str(path))
    [problem] = caught.value.problems
    assert problem.as_dict() == {
        "file": str(path), "line": line_of(text, "shiped:"), "column": 3,
        "field": "shipping.shiped",
        "message": "unknown field `shiped`", "fix": "did you mean `shipped`?"}


@pytest.mark.parametrize("language", ["es", None])
def test_the_order_file_is_read_and_composed_once(
        aliexpress_case: Path, monkeypatch: pytest.MonkeyPatch, language: str | None) -> None:
    # Once for the buyer's language and the checks both (a 10,000-message file: 0.2 s each).
    if language is not None:
        text = aliexpress_case.read_text(encoding="utf-8")
        aliexpress_case.write_text(text.replace("  name: Jane Doe\n", "  name: Jane Doe\n"
                                                f"  language: {language}\n", 1),
                                   encoding="utf-8")
    reads: list[Path] = []
    composed: list[str] = []
    read_text, fast_compose = loader.read_text, loader._fast_compose

    def counted_read(path: Path, display: str | None = None) -> str:
        reads.append(path)
        return read_text(path, display)

    def counted_compose(text: str) -> object:
        composed.append(text)
        return fast_compose(text)

    monkeypatch.setattr(loader, "read_text", counted_read)
    monkeypatch.setattr(loader, "_fast_compose", counted_compose)
    case = validate(aliexpress_case)
    assert reads.count(aliexpress_case) == 1  # (the platform's own file is read as well)
    order_text = aliexpress_case.read_text(encoding="utf-8")
    assert composed.count(order_text) == 1
    assert case.order.buyer.language == (language or "en")
