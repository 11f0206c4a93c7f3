"""orderpack.loader: YAML to plain data with lines, a strict resolver, and clear refusals."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderpack.errors import OrderFileError
from orderpack.loader import MAX_ORDER_FILE_BYTES, Document, format_loc, load, read_text

Write = Callable[..., Path]


def refusal(path: Path) -> str:
    """The message load() gives for ``path``, with the path itself replaced by F."""
    with pytest.raises(OrderFileError) as caught:
        load(path)
    return str(caught.value).replace(str(path), "F")


def write_bytes(write_order: Write, raw: bytes) -> Path:
    path = write_order("")
    path.write_bytes(raw)
    return path


# --- data and positions -------------------------------------------------------------------

def test_data_and_the_position_of_every_field(write_order: Write) -> None:
    path = write_order("platform: ebay\norder:\n  items:\n    - title: Hub\n      quantity: 2\n")
    document = load(path)
    assert document.data == {"platform": "ebay",
                             "order": {"items": [{"title": "Hub", "quantity": 2}]}}
    assert document.lines[("platform",)] == (1, 1)
    assert document.lines[("order", "items")] == (3, 3)
    assert document.lines[("order", "items", 0)] == (4, 7)
    assert document.lines[("order", "items", 0, "quantity")] == (5, 7)
    assert document.name == str(path)


def test_position_falls_back_to_the_nearest_written_parent(write_order: Write) -> None:
    document = load(write_order("order:\n  store: Shop\n"))
    assert document.position(("order", "placed")) == (1, 1)
    assert document.position(("shipping", "shipped")) == (1, 1)
    assert Document(path=Path("x"), data={}).position(("a",)) == (None, None)


def test_problem_is_located(write_order: Write) -> None:
    path = write_order("order:\n  store: Shop\n")
    problem = load(path).problem(("order", "store"), "bad store", "fix it")
    assert str(problem) == f"{path}:2:3: order.store: bad store — fix it"


@pytest.mark.parametrize(("loc", "text"), [
    ((), ""),
    (("platform",), "platform"),
    (("order", "items", 0, "price"), "order.items[0].price"),
    (("evidence", 2, "redact", 0), "evidence[2].redact[0]"),
])
def test_format_loc(loc: tuple[str | int, ...], text: str) -> None:
    assert format_loc(loc) == text


# --- the strict resolver --------------------------------------------------------------------

@pytest.mark.parametrize(("written", "value"), [
    ("2026-09-02", "2026-09-02"),            # dates stay text; the model checks them
    ("2026-02-30", "2026-02-30"),            # YAML 1.1 would crash here
    ("2026-09-06 10:12", "2026-09-06 10:12"),
    ("2026-09-02T10:12:00Z", "2026-09-02T10:12:00Z"),
    ("10:12", "10:12"),                      # YAML 1.1 base 60: 612
    ("190:20:30", "190:20:30"),
    ("NO", "NO"),                            # Norway, not false
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"),
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("FALSE", False),
    ("23.99", Decimal("23.99")),             # exact, not 23.989999...
    ("0.1", Decimal("0.1")),
    ("1_000.50", Decimal("1000.50")),
    ("-2.5", Decimal("-2.5")),
    ("42", 42), ("-7", -7), ("0", 0), ("1_000", 1000),
    ("017", "017"),                          # YAML 1.1 octal: 15
    ("0x1F", "0x1F"),                        # YAML 1.1 hex: 31
    ("0b101", "0b101"),
    ("1e3", "1e3"),
    ("~", None), ("null", None), ("", None),
    ('"8190123456789012"', "8190123456789012"),
    ("'2026-09-02'", "2026-09-02"),
    ("亲，请耐心等待。", "亲，请耐心等待。"),
])
def test_scalars(write_order: Write, written: str, value: object) -> None:
    data = load(write_order(f"value: {written}\n")).data
    assert data == {"value": value}
    assert type(data["value"]) is type(value)


def test_infinity_stays_a_float_for_the_model_to_refuse(write_order: Write) -> None:
    assert load(write_order("value: .inf\n")).data["value"] == float("inf")


def test_integer_keys_become_text(write_order: Write) -> None:
    assert load(write_order("5: five\n")).data == {"5": "five"}


# --- refusals ------------------------------------------------------------------------------

def test_anchor_is_refused(write_order: Write) -> None:
    path = write_order("buyer: &me\n  name: Jane\nagain: *me\n")
    assert refusal(path) == ("F:1:8: YAML anchors (&me) are not allowed in an order file — "
                             "remove the &anchor and write each value out in full")


def test_alias_is_refused(write_order: Write) -> None:
    assert refusal(write_order("a: *x\n")) == (
        "F:1:4: YAML aliases (*name) are not allowed in an order file — write the value out "
        "in full instead of referring to an &anchor")


@pytest.mark.parametrize("text", ["buyer:\n  <<: {name: Jane}\n", "buyer: {<<: {name: Jane}}\n"])
def test_a_merge_key_is_named(write_order: Write, text: str) -> None:
    assert refusal(write_order(text)).split(": ", 1)[1] == (
        "buyer: `<<:` (a YAML merge key) is not allowed in an order file — write the fields "
        "out in full here instead of merging them in")


def test_billion_laughs_is_refused_before_expanding(write_order: Write) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    path = write_order("\n".join(lines) + "\n")
    assert refusal(path).startswith("F:1:5: YAML anchors (&a0) are not allowed")


def test_duplicate_keys_name_both_lines(write_order: Write) -> None:
    path = write_order("order:\n  store: A\n  total: 1\n  store: B\nplatform: x\nplatform: y\n")
    assert refusal(path) == (
        "2 problems in F:\n"
        "F:4:3: order.store: `store` is given twice (first on line 2) — keep one of them\n"
        "F:6:1: platform: `platform` is given twice (first on line 5) — keep one of them")


def test_every_indenting_tab_is_reported(write_order: Write) -> None:
    path = write_order("buyer:\n\tname: Jane\norder:\n  \tstore: Shop\n")
    assert refusal(path) == (
        "2 problems in F:\n"
        "F:2:1: a tab is used for indentation — indent with spaces only (YAML does not allow "
        "tabs)\n"
        "F:4:3: a tab is used for indentation — indent with spaces only (YAML does not allow "
        "tabs)")


def test_a_tab_after_a_colon(write_order: Write) -> None:
    assert refusal(write_order("platform:\tebay\n")) == (
        "F:1:10: not valid YAML: a tab character is not allowed here — use spaces instead of "
        "tabs")


def test_a_tab_inside_quotes_is_text(write_order: Write) -> None:
    assert load(write_order('name: "Jane\tDoe"\n')).data == {"name": "Jane\tDoe"}


@pytest.mark.parametrize(("text", "expected"), [
    ('store: "Shop\nplatform: ebay\n',
     "F:1:8: not valid YAML: a quoted text is not closed — add the closing quote (\" or ') at "
     "the end of the text"),
    ("store: 'Shop\n",
     "F:1:8: not valid YAML: a quoted text is not closed — add the closing quote (\" or ') at "
     "the end of the text"),
    ("store: Shop: Best\n",
     "F:1:12: not valid YAML: mapping values are not allowed here — put texts that contain "
     "': ' in quotes"),
    ("order:\n  store: Shop\n total: 1\n",
     "F:3:2: not valid YAML: this line's indentation does not match the lines above — indent "
     "the fields of one group by the same number of spaces"),
    ("platform: ebay\n---\nplatform: ebay\n",
     "F:2:1: not valid YAML: a second document starts here (`---`) — an order file is one "
     "document: remove this line and keep one set of fields"),
    ("store: @shop\n",
     'F:1:8: not valid YAML: a value cannot start with "@" — put the text in quotes'),
    ("store: `shop`\n",
     'F:1:8: not valid YAML: a value cannot start with "`" — put the text in quotes'),
    ("items: [1, 2\ntotal: 3\n",
     "F:2:6: not valid YAML: expected ',' or ']', but got ':' — check the quotes, colons and "
     "indentation on this line"),
])
def test_malformed_yaml(write_order: Write, text: str, expected: str) -> None:
    assert refusal(write_order(text)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("", "F:1: the file is empty — start from the template written by `orderpack init`"),
    ("\n   \n", "F:1: the file is empty — start from the template written by `orderpack init`"),
    ("---\n", "F:1: the file is empty — start from the template written by `orderpack init`"),
    ("# platform: ebay\n",
     "F:1: the file has only comments — start from the template written by `orderpack init`"),
    ("- platform: ebay\n",
     "F:1:1: the file must be made of `key: value` fields, but it is a list (lines starting "
     "with `- `) — start with `platform: aliexpress`, then `buyer:`, `order:` and so on, as in "
     "the template written by `orderpack init`"),
    ("\n\nmy parcel never came\n",
     "F:3:1: the file must be made of `key: value` fields, but it is a single text — start "
     "with `platform: aliexpress`, then `buyer:`, `order:` and so on, as in the template "
     "written by `orderpack init`"),
])
def test_no_fields(write_order: Write, text: str, expected: str) -> None:
    assert refusal(write_order(text)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("[a]: b\n", "F:1:1: a key must be a plain word — write `name: value`"),
    ("~: b\n", "F:1:1: a key must be a plain word — write `name: value`"),
    ("true: b\n", "F:1:1: a key must be a plain word — write `name: value`"),
    ("order:\n  1.5: b\n", "F:2:3: order: a key must be a plain word — write `name: value`"),
])
def test_keys_must_be_words(write_order: Write, text: str, expected: str) -> None:
    assert refusal(write_order(text)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("total: !!int 25.48\n",
     "F:1:8: total: the YAML tag !!int cannot be used here — remove the tag (the word "
     "starting with !) and write just the value"),
    ("placed: !!timestamp 2026-02-30\n",
     "F:1:9: placed: the YAML tag !!timestamp cannot be used here — remove the tag (the word "
     "starting with !) and write just the value"),
    ("run: !!python/name:os.system x\n",
     "F:1:6: run: the YAML tag !!python/name:os.system cannot be used here — remove the tag "
     "(the word starting with !) and write just the value"),
    ("store: !shop x\n",
     "F:1:8: store: the YAML tag !shop cannot be used here — remove the tag (the word "
     "starting with !) and write just the value"),
    ("!!int key: x\n",
     "F:1:1: the YAML tag !!int cannot be used here — remove the tag (the word starting "
     "with !) and write just the value"),
    ("number: " + "9" * 5000 + "\n",
     "F:1:9: number: 9999999999999999999999999999999999999... is too long to be read as a "
     "number — check the number; put text such as an order number in quotes"),
])
def test_values_that_cannot_be_read(write_order: Write, text: str, expected: str) -> None:
    assert refusal(write_order(text)) == expected


def test_problems_in_several_values_are_all_reported(write_order: Write) -> None:
    path = write_order("a: !!int x\nb: 1\nb: 2\nc: !!float y\n")
    assert refusal(path) == (
        "3 problems in F:\n"
        "F:1:4: a: the YAML tag !!int cannot be used here — remove the tag (the word starting "
        "with !) and write just the value\n"
        "F:3:1: b: `b` is given twice (first on line 2) — keep one of them\n"
        "F:4:4: c: the YAML tag !!float cannot be used here — remove the tag (the word starting "
        "with !) and write just the value")


def test_deep_nesting_is_refused_not_crashed(write_order: Write) -> None:
    path = write_order("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert refusal(path) == ("F:1: the file is nested too deeply to be an order file — start "
                             "from the template written by `orderpack init`")


def test_nesting_past_fifty_levels_is_refused_at_once(write_order: Write) -> None:
    """Block-style nesting that libyaml reads without complaint, but no order file has."""
    path = write_order("".join(f"{'  ' * level}k{level}:\n" for level in range(60)) + "  " * 60
                       + "v: 1\n")
    assert refusal(path) == ("F:1: the file is nested too deeply to be an order file — start "
                             "from the template written by `orderpack init`")


# --- bytes and files ------------------------------------------------------------------------

def test_bom_is_fine(write_order: Write) -> None:
    path = write_bytes(write_order, b"\xef\xbb\xbfplatform: ebay\n")
    assert load(path).data == {"platform": "ebay"}


def test_crlf_is_fine_and_keeps_lines(write_order: Write) -> None:
    path = write_bytes(write_order, b"platform: ebay\r\norder:\r\n  store: Shop\r\n")
    document = load(path)
    assert document.data == {"platform": "ebay", "order": {"store": "Shop"}}
    assert document.lines[("order", "store")] == (3, 3)


def test_bytes_that_are_not_utf8(write_order: Write) -> None:
    path = write_bytes(write_order, "buyer:\n  name: Renée\n".encode("latin-1"))
    assert refusal(path) == ("F:2:12: this character is not UTF-8 text (byte 0xe9) — save the "
                             "file again choosing the encoding UTF-8 in your editor")


def test_utf16_is_named(write_order: Write) -> None:
    path = write_bytes(write_order, "platform: ebay\n".encode("utf-16"))
    assert refusal(path) == ("F:1:1: the file is saved as UTF-16, not UTF-8 — save it again "
                             "choosing the encoding UTF-8 in your editor")


@pytest.mark.parametrize(("char", "code"), [("\x00", "0000"), ("\x07", "0007"),
                                            ("\x1b", "001B")])
def test_control_characters(write_order: Write, char: str, code: str) -> None:
    path = write_order(f"platform: ebay\nbuyer:\n  name: Ja{char}ne\n")
    assert refusal(path) == (
        f"F:3:11: the file contains an invisible control character (U+{code}) — delete it (it "
        "often comes with text copied from a web page or chat)")


def test_missing_file(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nope.yaml") == (
        "F: the file does not exist — check the path and spelling")


def test_folder_instead_of_a_file(tmp_path: Path) -> None:
    assert refusal(tmp_path) == (
        "F: this is a folder — give the file inside it, e.g. F/order.yaml")


def test_file_too_large(write_order: Write) -> None:
    path = write_order("")
    with path.open("wb") as handle:  # sparse: takes no room on disk
        handle.truncate(MAX_ORDER_FILE_BYTES + 1)
    assert refusal(path) == ("F: the file is 5,242,881 bytes; order files are at most "
                             "5,242,880 — move long texts into separate files")


def test_read_text_names_the_file_as_given(tmp_path: Path) -> None:
    with pytest.raises(OrderFileError) as caught:
        read_text(tmp_path / "x.yaml", display="chat.txt")
    assert str(caught.value) == "chat.txt: the file does not exist — check the path and spelling"


def test_alias_bomb_fixture_is_refused_fast() -> None:
    bomb = Path(__file__).parent / "fixtures" / "bad" / "alias-bomb" / "order.yaml"
    start = time.perf_counter()
    with pytest.raises(OrderFileError):
        load(bomb)
    assert time.perf_counter() - start < 1.0


# --- any text: a document or an OrderFileError, never a crash -------------------------------

YAMLISH = st.text(alphabet=st.sampled_from(
    [*"abc019 :-#'\"[]{},&*!|>%@`?~.\n\t\r\\", "\x07", "é", "亲", "\ufeff"]),
    max_size=80)


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example: each writes its order file over the one before."""
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=300, deadline=None, database=None)
@given(text=YAMLISH)
def test_any_text_loads_or_is_refused_clearly(fuzz_folder: Path, text: str) -> None:
    path = fuzz_folder / "order.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        document = load(path)
    except OrderFileError as exc:
        problems = exc.problems
    else:
        assert isinstance(document.data, dict)
        return
    assert problems
    for problem in problems:
        assert problem.file == str(path)
        assert problem.message
        assert problem.fix
