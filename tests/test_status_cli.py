"""`orderpack status` and `orderpack message` through click's CliRunner.

Golden files: tests/golden/status/ (text and --json) and tests/golden/messages/ (every
step of both samples), all on --today 2026-11-26. After an intended change to the
wording, regenerate them with ``ORDERPACK_REGENERATE=1 pytest tests/test_status_cli.py``
and review the diff.
"""

from __future__ import annotations

import datetime as real_datetime
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from orderpack import cli, messages, profiles
from orderpack.cli import main
from orderpack.validation import validate

GOLDEN = Path(__file__).parent / "golden"
TODAY = "2026-11-26"
STEPS = {"aliexpress": ["seller", "extension", "escalate", "chargeback"],
         "ebay": ["seller", "escalate", "chargeback"]}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="orderpack")


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ORDERPACK_REGENERATE"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def sample(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run from inside a sample's copy, so the output names `order.yaml` wherever it is."""
    platform: str = request.param
    order = request.getfixturevalue(f"{platform}_case")
    monkeypatch.chdir(order.parent)
    return platform


# --- status -------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", ["aliexpress", "ebay"], indirect=True)
def test_status_text_golden(sample: str) -> None:
    result = invoke("status", "order.yaml", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    golden(f"status/{sample}.txt", result.stdout)


@pytest.mark.parametrize("sample", ["aliexpress", "ebay"], indirect=True)
def test_status_json_golden(sample: str) -> None:
    result = invoke("status", "order.yaml", "--today", TODAY, "--json")
    assert result.exit_code == 0, result.output
    golden(f"status/{sample}.json", result.stdout)
    data = json.loads(result.stdout)
    assert {"platform", "today", "stage", "dates", "next_action", "warnings"} <= set(data)
    assert set(data["next_action"]) == {"id", "due", "text"}
    assert data["platform"] == sample
    assert data["today"] == TODAY


def test_status_of_the_aliexpress_sample(aliexpress_case: Path) -> None:
    data = json.loads(invoke("status", str(aliexpress_case), "--today", TODAY, "--json").stdout)
    dates = data["dates"]
    assert {"placed", "shipped", "delivery_deadline", "protection_ends",
            "request_extension_by", "open_dispute_by"} <= set(dates)
    assert dates["protection_ends"] == "2026-12-03"
    assert dates["request_extension_by"] == "2026-11-23"
    assert dates["open_dispute_by"] == "2026-11-28"
    assert "seller_reply_due" not in dates
    assert data["next_action"]["id"] == "open_dispute"
    assert data["next_action"]["due"] == "2026-11-28"
    assert data["stage"] == "dispute_window"


def test_status_of_the_ebay_sample(ebay_case: Path) -> None:
    data = json.loads(invoke("status", str(ebay_case), "--today", TODAY, "--json").stdout)
    assert data["dates"]["delivery_deadline"] == "2026-11-10"
    assert data["dates"]["earliest_dispute"] == "2026-11-11"
    assert data["dates"]["open_dispute_by"] == "2026-12-10"
    assert data["next_action"] == {"id": "open_dispute", "due": "2026-12-10",
                                   "text": "Open a case on eBay by 10 December 2026."}


def test_status_once_the_dispute_is_open(aliexpress_case: Path) -> None:
    text = aliexpress_case.read_text(encoding="utf-8")
    aliexpress_case.write_text(text.replace("  remedy: full_refund ",
                                            "  opened: 2026-11-24\n  remedy: full_refund "),
                               encoding="utf-8")
    data = json.loads(invoke("status", str(aliexpress_case), "--today", TODAY, "--json").stdout)
    assert data["dates"]["seller_reply_due"] == "2026-11-29"
    assert data["stage"] == "dispute_open"
    assert data["next_action"]["id"] == "wait_for_reply"


def test_status_keeps_non_ascii_text(aliexpress_case: Path) -> None:
    result = invoke("status", str(aliexpress_case), "--today", TODAY, "--json")
    assert "“Open a Dispute”" in result.stdout and "\\u" not in result.stdout


def test_status_defaults_to_the_local_date(aliexpress_case: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    class Frozen(real_datetime.date):
        @classmethod
        def today(cls) -> Frozen:
            return cls(2026, 11, 30)

    monkeypatch.setattr(cli, "date", Frozen)
    data = json.loads(invoke("status", str(aliexpress_case), "--json").stdout)
    assert data["today"] == "2026-11-30"
    assert data["stage"] == "last_days"


def test_status_of_an_invalid_order_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text("platform: aliexpress\n", encoding="utf-8")
    result = invoke("status", str(path), "--today", TODAY)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert "buyer: this field is required" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("status",), "Error: Missing argument 'ORDER.yaml'."),
    (("status", "order.yaml", "--today", "26.11.2026"),
     "Error: Invalid value for '--today': expected a date written year-month-day "
     "(YYYY-MM-DD), got \"26.11.2026\" — write 2026-11-26"),
    (("status", "order.yaml", "--today", "2026-13-01"),
     "Error: Invalid value for '--today': 2026-13-01 is not a real calendar date — check the "
     "day and month (e.g. February has 28 days, 29 in leap years)"),
    (("message", "seller"), "Error: give a step and the order file, e.g. orderpack message "
                            "seller order.yaml (steps: orderpack message --list order.yaml)"),
    (("message", "--list", "seller", "order.yaml"),
     "Error: with --list, give only the order file: orderpack message --list ORDER.yaml"),
])
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == message


# --- message ------------------------------------------------------------------------------


@pytest.mark.parametrize(("sample", "step"), [
    (platform, step) for platform, steps in STEPS.items() for step in steps
], indirect=["sample"])
def test_message_golden(sample: str, step: str) -> None:
    result = invoke("message", step, "order.yaml", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    golden(f"messages/{sample}-{step}.txt", result.stdout)
    lines = result.stdout.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert result.stdout.endswith("\n") and not result.stdout.endswith("\n\n")
    assert "\n\n\n" not in result.stdout
    assert "{{" not in result.stdout and "{%" not in result.stdout


def test_every_step_names_the_order_and_its_dates(aliexpress_case: Path) -> None:
    for step in STEPS["aliexpress"]:
        text = invoke("message", step, str(aliexpress_case), "--today", TODAY).stdout
        assert "8190123456789012" in text
        assert "2 September 2026" in text  # the order date, written out
        assert "2026-" not in text  # no ISO dates in a message


def test_the_seller_message_states_the_dispute_date(aliexpress_case: Path) -> None:
    text = invoke("message", "seller", str(aliexpress_case), "--today", TODAY).stdout
    assert "I will open a dispute on AliExpress by 28 November 2026." in text
    later = invoke("message", "seller", str(aliexpress_case), "--today", "2026-12-01").stdout
    assert "If the parcel cannot be found, I will ask AliExpress to step in." in later


def test_escalate_after_the_window_says_it_closed(aliexpress_case: Path) -> None:
    text = invoke("message", "escalate", str(aliexpress_case), "--today", "2026-12-10").stdout
    assert ("Buyer Protection ended on 3 December 2026, so I can no longer open a dispute "
            "myself.") in text


@pytest.mark.parametrize("sample", ["aliexpress", "ebay"], indirect=True)
def test_message_list(sample: str) -> None:
    result = invoke("message", "--list", "order.yaml", "--today", TODAY)
    assert result.exit_code == 0
    name = profiles.load(sample).name
    expected = [f"Steps for {name} (orderpack message STEP order.yaml):"]
    steps = messages.steps(profiles.load(sample))
    width = max(len(step.id) for step in steps)
    expected += [f"  {step.id:<{width}}  {step.summary}" for step in steps]
    assert result.stdout.splitlines() == expected
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == STEPS[sample]


def test_message_list_marks_the_next_step(aliexpress_case: Path) -> None:
    result = invoke("message", "--list", str(aliexpress_case), "--today", "2026-12-10")
    assert "  escalate    ask AliExpress customer service to step in  ← the next step\n" in (
        result.stdout)


def test_an_unknown_step_lists_the_steps(aliexpress_case: Path) -> None:
    result = invoke("message", "complain", str(aliexpress_case))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for STEP: AliExpress has no step 'complain'; the steps for "
        "AliExpress are: seller, extension, escalate, chargeback")


def test_a_step_the_platform_lacks_is_refused(ebay_case: Path) -> None:
    result = invoke("message", "extenson", str(ebay_case))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for STEP: eBay has no step 'extenson'; the steps for eBay are: "
        "seller, escalate, chargeback")
    typo = invoke("message", "escalat", str(ebay_case))
    assert "did you mean 'escalate'? " in typo.stderr


def test_the_python_api_refuses_an_unknown_step(ebay_case: Path) -> None:
    from datetime import date

    from orderpack.errors import OrderpackError

    with pytest.raises(OrderpackError, match="eBay has no step 'extension'"):
        messages.write(validate(ebay_case), "extension", date(2026, 11, 26))


def test_a_message_template_can_be_overridden(aliexpress_case: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine" / "messages"
    folder.mkdir(parents=True)
    (folder / "seller.txt.j2").write_text(
        "Order {{ facts.order_number }}, due {{ facts.delivery_deadline | long_date }}.  \n",
        encoding="utf-8")
    result = invoke("message", "seller", str(aliexpress_case), "--today", TODAY,
                    "--templates", str(tmp_path / "mine"))
    assert result.exit_code == 0
    assert result.stdout == "Order 8190123456789012, due 20 October 2026.\n"


def test_a_template_using_an_unknown_variable_is_an_error(aliexpress_case: Path,
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "mine" / "messages"
    folder.mkdir(parents=True)
    (folder / "seller.txt.j2").write_text("{{ facts.nothing }}\n", encoding="utf-8")
    result = invoke("message", "seller", str(aliexpress_case), "--templates",
                    str(tmp_path / "mine"))
    assert result.exit_code == 1
    assert "has no attribute 'nothing'" in result.stderr


MINIMAL = """\
platform: {platform}
buyer: {{name: Ann Lee}}
order:
  number: "3052123456789012"
  placed: 2026-09-02
  store: Shop
  items: [{{title: Lamp}}]
  total: 20.00
  currency: USD
shipping:
  delivery_deadline: 2026-10-20
{dispute}"""


@pytest.mark.parametrize("platform", profiles.available())
@pytest.mark.parametrize("today", ["2026-09-03", "2026-10-20", "2026-11-26", "2027-12-31"])
@pytest.mark.parametrize("opened", [False, True])
def test_every_step_renders_on_every_platform_at_any_time(
        platform: str, today: str, opened: bool, write_order: Callable[..., Path]) -> None:
    dispute = "dispute:\n  opened: 2026-10-25\n" if opened else ""
    path = write_order(MINIMAL.format(platform=platform, dispute=dispute))
    status = invoke("status", str(path), "--today", today)
    assert status.exit_code == 0, status.output
    for step in profiles.load(platform).steps:
        result = invoke("message", step, str(path), "--today", today)
        assert result.exit_code == 0, result.output
        assert "3052123456789012" in result.stdout and "2 September 2026" in result.stdout
        assert all(line == line.rstrip() for line in result.stdout.splitlines())
        assert "\n\n\n" not in result.stdout
        assert " ." not in result.stdout and ".." not in result.stdout


def test_paragraphs_joins_lines_and_keeps_paragraphs() -> None:
    assert messages.paragraphs("\n  One.\nTwo.  \n\n\n\nThree.\n") == "One. Two.\n\nThree."
    assert messages.tidy("\nA  \n\n\n\nB\n\n") == "A\n\nB\n"
