"""`orderpack status` and `orderpack message` through click's CliRunner.

Golden files: tests/golden/status/ (text and --json, on --today 2026-11-26) and
tests/golden/messages/ (every step of both samples, each on a day it applies). After an
intended change to the wording, regenerate them with
``ORDERPACK_REGENERATE=1 pytest tests/test_status_cli.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from time_machine import TimeMachineFixture

from orderpack import messages, profiles
from orderpack.cli import main
from orderpack.validation import validate

GOLDEN = Path(__file__).parent / "golden"
TODAY = "2026-11-26"
STEPS = {"aliexpress": ["seller", "extension", "escalate", "chargeback"],
         "ebay": ["seller", "escalate", "chargeback"]}
#: (sample, step, a day the step applies on, the dispute's opening date or None)
GOLDEN_STEPS = [
    ("aliexpress", "seller", TODAY, None),
    ("aliexpress", "extension", "2026-11-20", None),
    ("aliexpress", "escalate", "2026-12-01", "2026-11-24"),
    ("aliexpress", "chargeback", "2026-12-10", None),
    ("ebay", "seller", TODAY, None),
    ("ebay", "escalate", "2026-12-03", "2026-11-27"),
    ("ebay", "chargeback", "2026-12-11", None),
]


def open_dispute(order: Path, opened: str) -> None:
    """Write `dispute.opened` into a sample's copy."""
    text = order.read_text(encoding="utf-8")
    order.write_text(text.replace("\ndispute:\n", f"\ndispute:\n  opened: {opened}\n"),
                     encoding="utf-8")


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
    assert "“Open a Dispute”" in result.stdout
    assert "\\u" not in result.stdout


def test_status_defaults_to_the_local_date(aliexpress_case: Path,
                                           time_machine: TimeMachineFixture) -> None:
    # 08:00 on 30 November in Auckland is still 29 November in UTC: the local date counts.
    time_machine.move_to(datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Pacific/Auckland")),
                         tick=False)
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


@pytest.mark.parametrize(("sample", "step", "today", "opened"), GOLDEN_STEPS,
                         indirect=["sample"])
def test_message_golden(sample: str, step: str, today: str, opened: str | None) -> None:
    if opened:
        open_dispute(Path("order.yaml"), opened)
    result = invoke("message", step, "order.yaml", "--today", today)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    golden(f"messages/{sample}-{step}.txt", result.stdout)
    lines = result.stdout.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert result.stdout.endswith("\n")
    assert not result.stdout.endswith("\n\n")
    assert "\n\n\n" not in result.stdout
    assert "{{" not in result.stdout
    assert "{%" not in result.stdout


def test_every_step_names_the_order_and_its_dates(aliexpress_case: Path) -> None:
    open_dispute(aliexpress_case, "2026-11-24")
    for _, step, today, _ in GOLDEN_STEPS[:4]:
        text = invoke("message", step, str(aliexpress_case), "--today", today).stdout
        assert "8190123456789012" in text
        assert "2 September 2026" in text  # the order date, written out
        assert "2026-" not in text  # no ISO dates in a message


def test_the_seller_message_states_the_dispute_date(aliexpress_case: Path) -> None:
    text = invoke("message", "seller", str(aliexpress_case), "--today", TODAY).stdout
    assert "I will open a dispute on AliExpress by 28 November 2026." in text
    # past the recommended day, the seller is told the real last day (not "step in")
    later = invoke("message", "seller", str(aliexpress_case), "--today", "2026-12-01").stdout
    assert "I will open a dispute on AliExpress by 3 December 2026." in later


def test_the_chargeback_letter_after_the_window_says_it_closed(aliexpress_case: Path) -> None:
    text = invoke("message", "chargeback", str(aliexpress_case), "--today", "2026-12-10").stdout
    assert "Buyer Protection ended on 3 December 2026." in text
    # the sample paid by Visa: only Visa's reason code is named
    assert "Subject: chargeback request, merchandise not received (Visa reason code 13.1)" in text
    assert "Mastercard" not in text
    assert "4853" not in text


@pytest.mark.parametrize("sample", ["aliexpress", "ebay"], indirect=True)
def test_message_list(sample: str) -> None:
    result = invoke("message", "--list", "order.yaml", "--today", TODAY)
    assert result.exit_code == 0
    name = profiles.load(sample).name
    expected = [f"Steps for {name} (orderpack message STEP order.yaml):"]
    steps = messages.steps(profiles.load(sample))
    width = max(len(step.id) for step in steps)
    marks = {"aliexpress": {"seller": "", "extension": "", "escalate": "  (does not apply now)",
                            "chargeback": "  (does not apply now)"},
             "ebay": {"seller": "", "escalate": "  (does not apply now)",
                      "chargeback": "  (does not apply now)"}}[sample]
    expected += [f"  {step.id:<{width}}  {step.summary}{marks[step.id]}" for step in steps]
    assert result.stdout.splitlines() == expected
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == STEPS[sample]


def test_message_list_marks_the_step_due_now(aliexpress_case: Path) -> None:
    result = invoke("message", "--list", str(aliexpress_case), "--today", "2026-12-10")
    assert ("  chargeback  a cover letter asking your card issuer for a chargeback  ← the next "
            "step, by 2027-01-18\n") in result.stdout
    assert "  extension   ask AliExpress customer service to extend Buyer Protection  (does " \
           "not apply now)\n" in result.stdout
    late = invoke("message", "--list", str(aliexpress_case), "--today", "2027-02-01")
    assert "for a chargeback  ← due now\n" in late.stdout


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
        if result.exit_code == 1:  # a step that does not apply: refused, naming what does
            assert result.stderr.startswith(f"Error: the step '{step}' does not apply now: ")
            assert "orderpack message" in result.stderr or "orderpack status" in result.stderr
            continue
        assert result.exit_code == 0, result.output
        assert "3052123456789012" in result.stdout
        assert "2 September 2026" in result.stdout
        assert all(line == line.rstrip() for line in result.stdout.splitlines())
        assert "\n\n\n" not in result.stdout
        assert " ." not in result.stdout
        assert ".." not in result.stdout


def test_paragraphs_joins_lines_and_keeps_paragraphs() -> None:
    assert messages.paragraphs("\n  One.\nTwo.  \n\n\n\nThree.\n") == "One. Two.\n\nThree."
    assert messages.tidy("\nA  \n\n\n\nB\n\n") == "A\n\nB\n"


# --- issue 12: today's step, folded dates, reasons, uploads, what-if dates, stale steps ------


def test_status_headline_is_what_to_do_today(aliexpress_case: Path) -> None:
    out = invoke("status", str(aliexpress_case), "--today", "2026-11-28").stdout
    assert out.splitlines()[2] == "Today: open a dispute on AliExpress."
    calm = invoke("status", str(aliexpress_case), "--today", TODAY).stdout
    assert "Today:" not in calm


def test_status_folds_past_dates_unless_all(aliexpress_case: Path) -> None:
    out = invoke("status", str(aliexpress_case), "--today", TODAY).stdout
    assert f"  (8 earlier dates; orderpack status --all {aliexpress_case} shows them)" in out
    assert "Order placed" not in out
    everything = invoke("status", str(aliexpress_case), "--today", TODAY, "--all").stdout
    assert "earlier dates" not in everything
    assert "  2 September 2026   85 days ago  Order placed" in everything


def test_status_lists_the_reasons_with_the_fitting_one_marked(aliexpress_case: Path) -> None:
    out = invoke("status", str(aliexpress_case), "--today", TODAY).stdout
    assert ("  → no_tracking_update       “No tracking update”  (your order file's "
            "dispute.reason)") in out
    assert "    not_received             “Package not received”" in out
    data = json.loads(invoke("status", str(aliexpress_case), "--today", TODAY, "--json").stdout)
    assert [r["id"] for r in data["reasons"] if r["fits"]] == ["no_tracking_update"]


def test_status_and_build_say_what_to_upload_where(aliexpress_case: Path, warm_cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = invoke("status", str(aliexpress_case), "--today", TODAY).stdout
    assert ("  What to upload: AliExpress's form takes images: upload exhibits/A–D; keep\n"
            "    evidence.pdf for an escalation or your bank.") in out
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(warm_cache))  # its pictures: not the subject
    built = invoke("build", str(aliexpress_case), "--today", TODAY)
    assert built.exit_code == 0, built.output
    assert ("What to upload: AliExpress's form takes images: upload exhibits/A–D; keep\n"
            "  evidence.pdf for an escalation or your bank.\n") in built.stdout


def test_status_says_what_a_what_if_today_left_out(aliexpress_case: Path) -> None:
    open_dispute(aliexpress_case, "2026-11-24")
    data = json.loads(invoke("status", str(aliexpress_case), "--today", "2026-10-22",
                             "--json").stdout)
    assert data["stage"] == "dispute_window"  # the dispute opened later does not count
    assert "opened" not in data["dates"]
    assert data["warnings"][0] == (
        "Dated after 22 October 2026, so left out of the plan: 6 messages, the dispute "
        "opened on 24 November 2026.")
    assert {item["kind"] for item in data["ignored"]} == {"message", "dispute_opened"}


def test_a_stale_extension_is_refused_naming_the_step_that_applies(
        aliexpress_case: Path) -> None:
    result = invoke("message", "extension", str(aliexpress_case), "--today", "2026-12-10")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: the step 'extension' does not apply now: Buyer Protection ended on 3 December "
        "2026, so it is too late to open a dispute on AliExpress. The step that applies now "
        f"is 'chargeback' (ask your card issuer for a chargeback): orderpack message "
        f"chargeback {aliexpress_case}\n")


def test_an_escalation_needs_an_open_dispute(aliexpress_case: Path) -> None:
    result = invoke("message", "escalate", str(aliexpress_case), "--today", TODAY)
    assert result.exit_code == 1
    assert "does not apply now: no dispute is open yet: open it first." in result.stderr
    assert "What to do now: open a dispute on AliExpress" in result.stderr


def test_no_seller_message_promising_ebay_after_its_window(ebay_case: Path) -> None:
    result = invoke("message", "seller", str(ebay_case), "--today", "2026-12-11")
    assert result.exit_code == 1
    assert "eBay's Money Back Guarantee window ended on 10 December 2026" in result.stderr


def test_the_chargeback_letter_names_the_card_behind_paypal(ebay_case: Path) -> None:
    text = invoke("message", "chargeback", str(ebay_case), "--today", "2026-12-11").stdout
    assert "I paid through PayPal, and PayPal charged this card." in text
    assert "4853" not in text  # the network is not known
    assert "13.1" not in text


@pytest.mark.parametrize("platform", [None, "etsy"])
def test_rules_prints_every_rule_with_source_and_date(platform: str | None) -> None:
    args = ["rules"] + ([platform] if platform else [])
    text = invoke(*args)
    assert text.exit_code == 0, text.output
    data = json.loads(invoke(*args, "--json").stdout)
    assert set(data) == ({platform} if platform else set(profiles.available()))
    for name, items in data.items():
        assert {i["id"] for i in items if i["kind"] == "date"} == set(
            profiles.load(name).rule_ids)
        for item in items:
            assert item["source"]
            assert item["checked"]
            assert f"checked {item['checked']}" in text.stdout
    assert text.stdout.count("source: ") == sum(len(items) for items in data.values())


def test_rules_marks_the_unconfirmed() -> None:
    out = " ".join(invoke("rules", "amazon").stdout.split())
    assert "- Amazon's decision expected by: not found on an Amazon page; reported as up to " \
           "1–2 weeks [unconfirmed]" in out
    assert "address: https://www.amazon.com/gp/help/customer/display.html?nodeId=200783670; " \
           "checked 2026-11-29" in out
    assert invoke("rules", "nowhere").exit_code == 1
