"""The command line through click's CliRunner: exit codes and exact output."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from orders import line_of

from orderpack import __version__, model, profiles, scaffold, validation
from orderpack.cli import main
from orderpack.errors import OrderFileError, Problem

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, **kwargs: Any) -> Any:
    return CliRunner().invoke(main, list(args), prog_name="orderpack", **kwargs)


class TerminalRunner(CliRunner):
    """A CliRunner whose stdin says it is a terminal, so `orderpack init` asks its questions."""

    @contextlib.contextmanager
    def isolation(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with super().isolation(*args, **kwargs) as streams:
            sys.stdin.isatty = lambda: True  # type: ignore[method-assign]
            yield streams


# --- the group ------------------------------------------------------------------------------

def test_version() -> None:
    result = invoke("--version")
    assert result.stdout == f"orderpack, version {__version__}\n"
    assert result.exit_code == 0


def test_python_m_orderpack_version() -> None:
    completed = subprocess.run([sys.executable, "-m", "orderpack", "--version"],
                               capture_output=True, text=True, check=False, timeout=60)
    assert completed.stdout == f"orderpack, version {__version__}\n"
    assert completed.stderr == ""
    assert completed.returncode == 0


def test_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: orderpack [OPTIONS] COMMAND [ARGS]...\n")
    for name in main.commands:
        assert re.search(rf"^  {name}\s", result.stdout, re.MULTILINE), name


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help(name: str) -> None:
    command = main.commands[name]
    assert command.help
    assert len(command.help.strip()) > 20
    result = invoke(name, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: orderpack {name} ")
    first_line = command.help.split("\n")[0]
    assert " ".join(first_line.split()) in " ".join(result.stdout.split())  # help is wrapped
    for param in command.params:
        if param.param_type_name == "option":
            assert getattr(param, "help", None), f"{name} {param.name} has no help"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_appears_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"orderpack {name}" in readme


@pytest.mark.parametrize(("args", "message"), [
    ((), None),
    (("validate",), "Error: Missing argument 'ORDER.yaml'."),
    (("validate", "--nope", "x.yaml"), "Error: No such option '--nope'."),
    (("frobnicate",), "Error: No such command 'frobnicate'."),
    (("init", "a", "b"), "Error: Got unexpected extra argument (b)"),
])
def test_usage_errors_exit_2(args: tuple[str, ...], message: str | None) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    if message is not None:
        assert result.stderr.splitlines()[-1] == message
        assert result.stderr.startswith("Usage: orderpack ")


# --- validate -------------------------------------------------------------------------------

def test_validate_a_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("validate", "ordr.yaml")
    assert result.stderr == ("Error: ordr.yaml: the file does not exist — check the path and "
                             "spelling\n")
    assert result.stdout == ""
    assert result.exit_code == 1


def test_validate_a_folder(aliexpress_case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(aliexpress_case.parent.parent)
    result = invoke("validate", "aliexpress-missing")
    assert result.stderr == ("Error: aliexpress-missing: this is a folder — give the file inside "
                             "it, e.g. aliexpress-missing/order.yaml\n")
    assert result.exit_code == 1


def test_validate_prints_one_line_when_valid(aliexpress_case: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(aliexpress_case.parent)
    result = invoke("validate", "order.yaml")
    assert result.stdout == ("order.yaml: valid — AliExpress order 8190123456789012, "
                             "4 evidence files.\n")
    assert result.stderr.count("Warning: order.yaml:") == 3  # the sample's example values
    assert result.exit_code == 0


def test_validate_counts_one_evidence_file(aliexpress_case: Path) -> None:
    text = aliexpress_case.read_text(encoding="utf-8")
    head, _, rest = text.partition("evidence:")
    one = "evidence:\n  - file: screenshots/tracking.png\n    caption: Tracking page\n"
    aliexpress_case.write_text(head + one + "\ndispute:" + rest.split("\ndispute:")[1],
                               encoding="utf-8")
    result = invoke("validate", str(aliexpress_case))
    assert result.stdout.endswith("8190123456789012, 1 evidence file.\n")


def test_validate_json_when_valid(ebay_case: Path) -> None:
    result = invoke("validate", "--json", str(ebay_case))
    assert json.loads(result.stdout)["valid"] is True
    assert json.loads(result.stdout)["problems"] == []
    assert [w["field"] for w in json.loads(result.stdout)["warnings"]] == [
        "buyer.name", "order.number", "order.store"]
    assert result.exit_code == 0


def test_validate_json_lists_every_problem(write_order: Callable[..., Path]) -> None:
    path = write_order("platform: ebay\nbuyer:\n  name: Jane\n  nam: Jane\n")
    result = invoke("validate", "--json", str(path))
    assert result.exit_code == 1
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert [p["field"] for p in report["problems"]] == ["order", "shipping", "buyer.nam"]
    assert report["problems"][2] == {
        "file": str(path), "line": 4, "column": 3, "field": "buyer.nam",
        "message": "unknown field `nam`", "fix": "did you mean `name`?"}


def test_validate_json_keeps_non_ascii(write_order: Callable[..., Path]) -> None:
    path = write_order("platform: ebay\norder:\n  currency: €\n")
    result = invoke("validate", "--json", str(path))
    assert '"message": "\\"€\\" is not an ISO 4217 currency code"' in result.stdout


def test_several_problems_are_listed_under_a_heading(write_order: Callable[..., Path]) -> None:
    path = write_order("platform: ebay\nbuyer:\n  name: Jane\n")
    result = invoke("validate", str(path))
    assert result.stderr == (
        f"Error: 2 problems in {path}:\n"
        f"{path}:1:1: order: this field is required — add `order:`; see the template written "
        "by `orderpack init`\n"
        f"{path}:1:1: shipping: this field is required — add `shipping:`; see the template "
        "written by `orderpack init`\n")
    assert result.exit_code == 1


def test_no_traceback_without_debug(write_order: Callable[..., Path]) -> None:
    result = invoke("validate", str(write_order("- a\n")))
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(write_order: Callable[..., Path]) -> None:
    result = invoke("--debug", "validate", str(write_order("- a\n")))
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Error: ")


def test_a_bug_is_reported_plainly(monkeypatch: pytest.MonkeyPatch, ebay_case: Path) -> None:
    def broken(path: Any, **_options: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(validation, "validate", broken)
    result = invoke("validate", str(ebay_case))
    assert result.stderr == ("Error: orderpack failed unexpectedly. Run again with --debug for "
                             "details, and please report it with that output.\n")
    assert "boom" not in result.output
    assert result.exit_code == 1
    debug = invoke("--debug", "validate", str(ebay_case))
    assert isinstance(debug.exception, RuntimeError)


def test_interrupt(monkeypatch: pytest.MonkeyPatch, ebay_case: Path) -> None:
    def interrupted(path: Any, **_options: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(validation, "validate", interrupted)
    result = invoke("validate", str(ebay_case))
    assert result.stderr == "Interrupted; nothing was changed.\n"
    assert result.exit_code == 130


def test_an_error_without_problems_is_still_clear(monkeypatch: pytest.MonkeyPatch,
                                                  ebay_case: Path) -> None:
    def refuses(path: Any, **_options: Any) -> Any:
        raise OrderFileError.from_problems([Problem("x.yaml", "bad", line=2, fix="fix it")])

    monkeypatch.setattr(validation, "validate", refuses)
    assert invoke("validate", str(ebay_case)).stderr == "Error: x.yaml:2: bad — fix it\n"


# --- schema ---------------------------------------------------------------------------------

def _schema_keys(
    schema: dict[str, Any], node: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (property name, property schema) reachable from ``node``."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    for option in node.get("anyOf", []) + node.get("oneOf", []):
        yield from _schema_keys(schema, option)
    if "items" in node and isinstance(node["items"], dict):
        yield from _schema_keys(schema, node["items"])
    yield from node.get("properties", {}).items()


def _sample_keys(data: Any, path: str = "") -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield f"{path}.{key}" if path else str(key)
            yield from _sample_keys(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for item in data:
            yield from _sample_keys(item, path)


def _lookup(schema: dict[str, Any], dotted: str) -> dict[str, Any] | None:
    node: dict[str, Any] = schema
    for part in dotted.split("."):
        found = dict(_schema_keys(schema, node)).get(part)
        if found is None:
            return None
        node = found
    return node


def test_schema_prints_json_schema() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == model.json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert {"platform", "buyer", "order", "shipping"} <= set(schema["required"])
    for definition in schema["$defs"].values():
        assert definition["type"] == "object"
        assert definition["additionalProperties"] is False


@pytest.mark.parametrize("sample", ["aliexpress-missing", "ebay-not-received"])
def test_schema_knows_every_key_of_the_samples(sample: str) -> None:
    from orderpack.loader import load

    schema = json.loads(invoke("schema").stdout)
    keys = sorted(set(_sample_keys(load(ROOT / "samples" / sample / "order.yaml").data)))
    assert len(keys) > 20
    missing = [key for key in keys if _lookup(schema, key) is None]
    assert missing == []
    assert _lookup(schema, "nonsense") is None
    assert _lookup(schema, "order.shiped") is None


# --- init -----------------------------------------------------------------------------------

def test_init_no_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "case", "--no-input")
    assert result.stdout == (
        "Wrote case/order.yaml and case/order.schema.json.\n"
        "Put screenshots in case/screenshots/, fill in the file, then run: "
        "orderpack validate case/order.yaml\n")
    assert result.exit_code == 0
    assert (tmp_path / "case" / "order.yaml").read_bytes() == scaffold.create(
        tmp_path / "reference").read_bytes()
    validated = invoke("validate", "case/order.yaml")  # names every line still to fill in
    assert validated.exit_code == 1
    assert validated.stderr.startswith("Error: 9 problems in case/order.yaml:\n")
    name_line = line_of((tmp_path / "case" / "order.yaml").read_text(encoding="utf-8"),
                        "  name:")
    assert (f"case/order.yaml:{name_line}:3: buyer.name: this field is empty — fill in your name "
            "as on the order\n") in validated.stderr


def test_init_in_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "--no-input")
    assert result.exit_code == 0
    assert (tmp_path / "order.yaml").is_file()
    assert (tmp_path / "screenshots").is_dir()


def test_init_without_a_terminal_writes_the_template(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "case"), input="ebay\n")
    assert result.exit_code == 0
    assert "questions" not in result.stdout
    assert (tmp_path / "case" / "order.yaml").read_bytes() == scaffold.create(
        tmp_path / "reference").read_bytes()


def test_init_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "order.yaml").write_text("platform: ebay\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (("init", "case", "--no-input"), ("init", "case")):
        result = invoke(*args)
        assert result.stderr == ("Error: case/order.yaml already exists; orderpack init never "
                                 "overwrites it (choose another folder, or edit that file)\n")
        assert result.exit_code == 1
    assert (tmp_path / "case" / "order.yaml").read_text(encoding="utf-8") == "platform: ebay\n"
    assert sorted(p.name for p in (tmp_path / "case").iterdir()) == ["order.yaml"]


def test_init_where_a_file_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "case").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "case", "--no-input")
    assert result.stderr == "Error: case exists and is not a folder\n"
    assert result.exit_code == 1


def test_init_asks_in_a_terminal_and_asks_again(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    answers = [
        "wish", "AliExpress",          # platform: unknown, then in any case
        "",  "Mia Schneider",          # name: Enter (no example to keep), then the name
        "Order ID: 3052123456789012", "3052123456789012",  # order number: with its label
        "06/09/2026", "2026-09-06",    # order date: day or month first, then right
        "Tech World",                  # store
        "Desk lamp",                   # item
        "24,99", "24.99",              # amount: comma, then dot
        "€",                           # currency: the sign
        "Mastercard ending 5521",      # payment
        "LP00999999999999",            # tracking number
        "",                            # shipped: Enter, not shown
        "2026-10-20",                  # delivery deadline
        "ends in 9 days",              # Buyer Protection, as the order page says it
        "ES",                          # the language the buyer reads
    ]
    result = TerminalRunner().invoke(main, ["init", "case", "--today", "2026-11-24"],
                                     input="\n".join(answers) + "\n", prog_name="orderpack")
    assert result.exit_code == 0, result.output
    platforms = ", ".join(profiles.available())
    assert result.stderr == (
        f"  choose one of: {platforms}\n"
        "  an answer is needed — it is on your order page\n"
        '  the order number is written with its label ("Order ID: 3052123456789012") — write '
        'only the number: "3052123456789012"\n'
        '  expected a date written year-month-day (YYYY-MM-DD), got "06/09/2026" — 06/09/2026: '
        "did you mean 2026-09-06 or 2026-06-09?\n"
        '  expected an amount, got "24,99" — write 24.99, not 24,99\n')
    assert result.stdout.startswith(
        "A few questions about the order, from your order page (Enter skips the optional "
        f"ones):\nPlatform ({platforms}): ")
    assert "[" not in result.stdout  # no example offered as a default
    assert result.stdout.endswith(
        "Wrote case/order.yaml and case/order.schema.json.\n"
        "Put screenshots in case/screenshots/, fill in the file, then run: "
        "orderpack validate case/order.yaml\n")
    case = validation.validate(tmp_path / "case" / "order.yaml")
    order = case.order
    assert case.profile.id == "aliexpress"
    assert case.warnings == ()
    assert order.buyer.name == "Mia Schneider"
    assert order.order.number == "3052123456789012"
    assert order.order.placed.isoformat() == "2026-09-06"
    assert order.order.items[0].title == "Desk lamp"
    assert order.buyer.language == "es"
    assert (str(order.order.total), order.order.currency) == ("24.99", "EUR")
    assert order.order.payment == "Mastercard ending 5521"
    assert order.shipping.tracking_number == "LP00999999999999"
    assert order.shipping.shipped is None
    assert order.shipping.protection_ends is not None
    assert order.shipping.protection_ends.isoformat() == "2026-12-03"


def test_init_skips_buyer_protection_where_there_is_none(tmp_path: Path) -> None:
    answers = ["ebay", "Oliver Bennett", "12-34567-89012", "2026-10-30", "retrobits_uk",
               "Game Boy", "68.45", "£", "PayPal", "JT123456789GB", "2026-10-31",
               "2026-11-10", ""]
    result = TerminalRunner().invoke(main, ["init", str(tmp_path / "case")],
                                     input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Buyer Protection" not in result.stdout
    order = validation.validate(tmp_path / "case" / "order.yaml").order
    assert (order.order.currency, order.order.payment) == ("GBP", "PayPal")
    assert order.shipping.shipped is not None
    assert order.buyer.language == "en"


def test_init_no_input_in_a_terminal_asks_nothing(tmp_path: Path) -> None:
    result = TerminalRunner().invoke(main, ["init", str(tmp_path / "case"), "--no-input"])
    assert result.exit_code == 0
    assert "questions" not in result.stdout
    assert result.stderr == ""


# --- build: the dispute text's character limit ----------------------------------------------

def test_build_says_when_the_forms_limit_is_unknown(ebay_case: Path, tmp_path: Path) -> None:
    result = invoke("build", str(ebay_case), "--today", "2026-11-26",
                    env={"ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"  dispute\.txt    [\d,]+ characters — paste it into the dispute form",
                        lines[1])
    assert lines[2:4] == [
        " " * 17 + "the form's character limit is not known: if the form counts or cuts the "
        "text,",
        " " * 17 + "build again with --max-chars N (its limit)"]


def test_build_refuses_a_text_that_cannot_fit(ebay_case: Path, tmp_path: Path) -> None:
    result = invoke("build", str(ebay_case), "--today", "2026-11-26", "--max-chars", "300",
                    env={"ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "Error: the dispute text cannot be fitted into 300 characters: with every optional "
        "sentence left out it still has ")
    assert "  - I request a full refund of 68.45 GBP to the original payment method. (" in (
        result.stderr)
    assert "characters of 300 allowed" not in result.output
    assert not (ebay_case.parent / "out").exists()


def test_build_with_a_limit_it_can_meet(ebay_case: Path, tmp_path: Path) -> None:
    result = invoke("build", str(ebay_case), "--today", "2026-11-26", "--max-chars", "600",
                    env={"ORDERPACK_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    assert re.search(r"dispute\.txt    \d{3} characters of 600 allowed — paste it", result.stdout)
    assert "character limit is not known" not in result.stdout
    text = (ebay_case.parent / "out" / "dispute.txt").read_text(encoding="utf-8")
    assert "I paid with PayPal." not in text  # the first sentence to go
    assert "JT123456789GB" in text  # the tracking number stays longest
