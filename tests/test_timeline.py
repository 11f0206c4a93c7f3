"""The timeline: every rule, its edge cases, the stages and the next action, per platform."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderpack import profiles, timeline
from orderpack.model import OrderFile
from orderpack.timeline import add_business_days, compute
from orderpack.validation import validate

D = date.fromisoformat


def make_order(platform: str = "aliexpress", *, placed: str = "2026-09-02",
               shipped: str | None = "2026-09-05", deadline: str = "2026-10-20",
               protection_ends: str | None = "2026-12-03", opened: str | None = None,
               events: list[str] | None = None, buyer_wrote: bool | str = False,
               payment: str | None = "Visa ending 4242") -> OrderFile:
    shipping: dict[str, Any] = {"delivery_deadline": deadline}
    if shipped:
        shipping["shipped"] = shipped
    if protection_ends:
        shipping["protection_ends"] = protection_ends
    data: dict[str, Any] = {
        "platform": platform,
        "buyer": {"name": "Jane Doe"},
        "order": {"number": "1", "placed": placed, "store": "Shop",
                  "items": [{"title": "Hub"}], "total": "10.00", "currency": "EUR",
                  **({"payment": payment} if payment else {})},
        "shipping": shipping,
    }
    if events:
        data["tracking"] = {"events": [{"at": at, "status": "Moved"} for at in events]}
    if buyer_wrote:
        at = buyer_wrote if isinstance(buyer_wrote, str) else placed
        data["messages"] = [{"at": at, "from": "buyer", "text": "Where is it?"}]
    if opened:
        data["dispute"] = {"opened": opened}
    return OrderFile.model_validate(data)


def status(today: str, platform: str = "aliexpress", **fields: Any) -> timeline.Status:
    return compute(make_order(platform, **fields), profiles.load(platform), D(today))


# --- counting days ------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "count", "expected"), [
    ("2026-11-27", 1, "2026-11-30"),   # Friday + 1 working day = Monday
    ("2026-11-28", 1, "2026-11-30"),   # Saturday + 1 = Monday
    ("2026-11-27", 3, "2026-12-02"),   # Friday + 3 = Wednesday, across a month end
    ("2026-11-27", 0, "2026-11-27"),
    ("2026-11-30", -1, "2026-11-27"),  # Monday - 1 = Friday
    ("2028-02-28", 1, "2028-02-29"),   # Monday + 1 = the leap day (a Tuesday)
    ("2026-12-24", 21, "2027-01-22"),  # public holidays are not known: they count
])
def test_business_days(start: str, count: int, expected: str) -> None:
    assert add_business_days(D(start), count) == D(expected)


@pytest.mark.parametrize(("protection_ends", "extension", "dispute"), [
    ("2026-12-03", "2026-11-23", "2026-11-28"),   # the sample
    ("2026-03-03", "2026-02-21", "2026-02-26"),   # back across February (28 days)
    ("2028-03-05", "2028-02-24", "2028-02-29"),   # onto the leap day
    ("2028-03-10", "2028-02-29", "2028-03-05"),
    ("2027-01-04", "2026-12-25", "2026-12-30"),   # back across a year end
])
def test_aliexpress_extension_and_dispute_dates_count_back_from_protection(
        protection_ends: str, extension: str, dispute: str) -> None:
    result = status("2026-01-01", placed="2025-12-01", shipped=None, deadline="2026-01-01",
                    protection_ends=protection_ends)
    assert result.dates["request_extension_by"] == D(extension)
    assert result.dates["open_dispute_by"] == D(dispute)
    assert result.dates["protection_ends"] == D(protection_ends)


# --- the AliExpress sample, day by day -------------------------------------------------------


def test_the_sample_on_26_november(aliexpress_case: Path) -> None:
    case = validate(aliexpress_case)
    result = compute(case.order, case.profile, D("2026-11-26"))
    assert result.platform == "aliexpress"
    assert result.stage == "dispute_window"
    assert {k: v.isoformat() for k, v in result.dates.items()} == {
        "placed": "2026-09-02",
        "shipped": "2026-09-05",
        "tracking_updates_by": "2026-09-12",
        "contact_seller_from": "2026-09-13",
        "earliest_dispute": "2026-09-16",
        "typical_delivery_by": "2026-10-17",
        "delivery_deadline": "2026-10-20",
        "request_extension_by": "2026-11-23",
        "open_dispute_by": "2026-11-28",
        "protection_ends": "2026-12-03",
        "chargeback_recommended_by": "2027-01-18",
        "chargeback_by": "2027-02-17",
    }
    assert result.next_action.id == "open_dispute"
    assert result.next_action.due == D("2026-11-28")
    assert result.next_action.text.startswith("Open a dispute on AliExpress by 28 November 2026.")
    assert "Do not accept an offer to resend" in result.next_action.text
    assert result.warnings == [
        "The extension date (23 November 2026) has passed: open the dispute now rather than "
        "wait for an extension.",
        "Buyer Protection ends in 7 days, on 3 December 2026: open the dispute by "
        "28 November 2026.",
    ]


def test_key_dates_are_in_order_with_labels_and_sources() -> None:
    result = status("2026-11-26")
    assert [key.id for key in result.key_dates] == list(result.dates)
    assert [key.date for key in result.key_dates] == sorted(result.dates.values())
    by_id = {key.id: key for key in result.key_dates}
    assert by_id["open_dispute_by"].label == "Open the dispute by (recommended)"
    assert by_id["open_dispute_by"].days_from_today == 2
    assert by_id["placed"].days_from_today == -85
    assert by_id["protection_ends"].source == "order file (shipping.protection_ends)"
    assert "step 9" in by_id["request_extension_by"].source
    assert by_id["earliest_dispute"].unconfirmed
    assert not by_id["open_dispute_by"].unconfirmed
    # advice for the buyer stays off the packet's cover; the case's facts go on it
    assert by_id["placed"].public
    assert by_id["delivery_deadline"].public
    assert not by_id["chargeback_by"].public
    assert not by_id["request_extension_by"].public


def test_the_last_recommended_day_falls_today() -> None:
    result = status("2026-11-28")
    assert result.stage == "dispute_window"
    assert result.next_action.due == D("2026-11-28")
    assert "Buyer Protection ends in 5 days: open the dispute today." in result.warnings


def test_after_the_recommended_day_open_it_today() -> None:
    result = status("2026-11-30")
    assert result.stage == "last_days"
    assert result.next_action.id == "open_dispute"
    assert result.next_action.due == D("2026-12-03")
    assert result.next_action.text.startswith(
        "Open a dispute on AliExpress today: Buyer Protection ends on 3 December 2026.")
    assert "Buyer Protection ends in 3 days: open the dispute today." in result.warnings


def test_protection_ends_today() -> None:
    result = status("2026-12-03")
    assert result.stage == "last_days"
    assert "Buyer Protection ends today: open the dispute today." in result.warnings


def test_the_day_after_protection_points_to_the_card_then_customer_service() -> None:
    result = status("2026-12-04")
    assert result.stage == "window_closed"
    assert result.next_action.id == "chargeback"
    assert result.next_action.due == D("2027-01-18")  # recommended, before the limit
    assert result.stage_text == (
        "Buyer Protection ended on 3 December 2026, so it is too late to open a dispute on "
        "AliExpress.")
    assert result.next_action.text == (
        "Ask your card issuer for a chargeback (Visa reason 13.1, “Merchandise/Services Not "
        "Received”) by 18 January 2027 (recommended, 30 days before the network's limit of "
        "17 February 2027). You can also ask AliExpress customer service whether they can "
        "still help. Call or write to your bank now rather than near the limit, and keep the "
        "evidence packet ready to send.")


def test_today_after_every_deadline() -> None:
    result = status("2027-06-01")
    assert result.stage == "closed"
    assert result.next_action.id == "last_resort"
    assert result.next_action.due is None
    assert "The time for a card chargeback ended on 17 February 2027." in result.warnings
    assert result.next_action.text == (
        "Ask AliExpress customer service and your card issuer whether anything can still be "
        "done, and keep your evidence.")
    assert all(key.days_from_today < 0 for key in result.key_dates)


def test_before_the_deadline_with_a_moving_parcel_wait() -> None:
    result = status("2026-09-20", events=["2026-09-06 10:00", "2026-09-18 10:00"])
    assert result.stage == "waiting"
    assert result.next_action.id == "wait"
    assert result.next_action.due == D("2026-10-20")
    assert result.warnings == []


def test_before_the_deadline_a_stuck_parcel_means_asking_the_seller() -> None:
    result = status("2026-09-30", events=["2026-09-06 10:00", "2026-09-14 10:00"])
    assert result.next_action.id == "seller"
    assert result.next_action.text.startswith(
        "Ask the seller for an update on the parcel: the tracking has not changed since "
        "14 September 2026.")
    # once the buyer has written, waiting is the advice again
    again = status("2026-09-30", events=["2026-09-06 10:00", "2026-09-14 10:00"],
                   buyer_wrote=True)
    assert again.next_action.id == "wait"


def test_too_early_for_tracking() -> None:
    result = status("2026-09-08")
    assert result.stage == "waiting"
    assert result.warnings[0] == (
        "Too early: tracking can take 3–7 days after shipping to show updates. Wait until "
        "12 September 2026 before worrying.")
    # no warning once the tracking shows an event
    assert not any(w.startswith("Too early") for w in status(
        "2026-09-08", events=["2026-09-06 10:00"]).warnings)
    # nor on the day it should update
    assert not any(w.startswith("Too early") for w in status("2026-09-12").warnings)


def test_protection_ending_before_the_parcel_is_due_asks_for_an_extension() -> None:
    result = status("2026-10-01", deadline="2026-11-20", protection_ends="2026-11-25")
    assert result.stage == "waiting"
    assert result.next_action.id == "extension"
    assert result.next_action.due == D("2026-11-15")
    assert result.next_action.text.startswith(
        "Ask AliExpress customer service to extend Buyer Protection by 15 November 2026: it "
        "ends on 25 November 2026, only 5 days after the parcel is due (20 November 2026).")
    after = status("2026-11-16", deadline="2026-11-20", protection_ends="2026-11-25")
    assert after.stage == "dispute_window"
    assert after.next_action.id == "open_dispute"
    assert after.next_action.due == D("2026-11-20")


def test_an_extension_still_possible_is_offered_as_the_alternative() -> None:
    result = status("2026-11-01")
    assert result.next_action.id == "open_dispute"
    assert ("If you would rather give the seller more time, ask AliExpress customer service "
            "to extend Buyer Protection by 23 November 2026 instead.") in result.next_action.text


def test_a_dispute_already_opened_waits_for_the_seller_then_escalates() -> None:
    waiting = status("2026-11-30", opened="2026-11-27")
    assert waiting.stage == "dispute_open"
    assert waiting.dates["opened"] == D("2026-11-27")
    assert waiting.dates["seller_reply_due"] == D("2026-12-02")
    assert waiting.next_action.id == "wait_for_reply"
    assert waiting.next_action.due == D("2026-12-02")
    assert "accepting any offer closes the dispute" in waiting.next_action.text
    assert waiting.warnings == []  # no "open the dispute" urgency once it is open
    on_the_day = status("2026-12-02", opened="2026-11-27")
    assert on_the_day.next_action.id == "wait_for_reply"
    after = status("2026-12-03", opened="2026-11-27")
    assert after.stage == "escalation"
    assert after.next_action.id == "escalate"
    # no platform deadline to escalate by: the card's recommended date is the one to keep
    assert after.next_action.due == D("2027-01-18")
    assert "AliExpress awards the dispute to you" in after.next_action.text
    assert "If that has not solved it by 18 January 2027, ask your card issuer" in (
        after.next_action.text)


def test_seller_reply_due_needs_an_opened_dispute() -> None:
    assert "seller_reply_due" not in status("2026-11-26").dates


def test_without_protection_ends_the_profile_estimates_it_and_says_so() -> None:
    result = status("2026-10-10", protection_ends=None)
    # on the early side: the promised delivery date itself, not 15 days later
    assert result.dates["protection_ends"] == D("2026-10-20")
    assert result.dates["open_dispute_by"] == D("2026-10-15")
    by_id = {key.id: key for key in result.key_dates}
    assert by_id["protection_ends"].unconfirmed
    assert by_id["protection_ends"].estimated
    assert not by_id["protection_ends"].public
    assert by_id["open_dispute_by"].unconfirmed  # counted from an estimate
    assert not by_id["open_dispute_by"].estimated
    warning = next(w for w in result.warnings if w.startswith("Your order file has no"))
    assert warning.startswith(
        "Your order file has no `protection_ends`: orderpack estimates “Buyer Protection "
        "ends” as 20 October 2026 (an estimate on the early side")
    assert ("This is an estimate: read the real date from the order's details page (My "
            "Orders, then the order), where the Buyer Protection time left is shown") in warning


def test_without_a_shipping_date_the_tracking_rules_are_explained() -> None:
    result = status("2026-10-25", shipped=None)
    assert "shipped" not in result.dates
    assert "tracking_updates_by" not in result.dates
    assert result.warnings[-1].startswith(
        "Your order file has no `shipped` (Shipped by the seller), so orderpack cannot work "
        "out: Tracking should show updates by; Ask the seller if tracking is stuck; Earliest "
        "day to open a dispute. Add it under `shipping:`")
    assert result.next_action.id == "open_dispute"


def test_a_missing_date_without_an_estimate_asks_for_it(tmp_path: Path) -> None:
    text = (profiles.PLATFORMS_DIR / "aliexpress.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: protection_ends\n")
    end = text.index("  - id: request_extension_by\n")
    (tmp_path / "aliexpress.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    (tmp_path / "card.yaml").write_text(
        (profiles.PLATFORMS_DIR / "card.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    profile = profiles.load("aliexpress", tmp_path)
    result = compute(make_order(protection_ends=None), profile, D("2026-10-25"))
    assert result.stage == "missing_date"
    assert result.next_action.id == "add_date"
    assert result.next_action.due is None
    assert result.next_action.text.startswith(
        "Add `protection_ends:` under `shipping:` in the order file (Buyer Protection ends, "
        "found on the order's details page")
    assert any("cannot work out: Ask for a Buyer Protection extension by; Open the dispute by"
               in w for w in result.warnings)


def test_a_today_before_the_order_is_flagged() -> None:
    result = status("2026-08-01")
    assert result.warnings[0] == ("The date used as today (1 August 2026) is before the order "
                                  "date (2 September 2026); check it.")


def test_unconfirmed_dates_still_ahead_are_flagged() -> None:
    result = status("2026-09-10", events=["2026-09-06 10:00"])
    assert any(w.startswith("Not confirmed: “Earliest day to open a dispute” 16 September "
                            "2026 — reported as the 11th day after shipping")
               for w in result.warnings)
    later = status("2026-11-26")
    assert not any(w.startswith("Not confirmed") for w in later.warnings)


# --- the other platforms ---------------------------------------------------------------------


def test_ebay_sample(ebay_case: Path) -> None:
    case = validate(ebay_case)
    result = compute(case.order, case.profile, D("2026-11-26"))
    assert result.stage == "dispute_window"
    assert result.dates["delivery_deadline"] == D("2026-11-10")
    assert result.dates["earliest_dispute"] == D("2026-11-11")
    assert result.dates["open_dispute_by"] == D("2026-12-10")  # 30 days after the deadline
    assert result.dates["chargeback_by"] == D("2027-03-10")
    assert "request_extension_by" not in result.dates
    action = result.next_action
    assert (action.id, action.due, action.text, action.summary, action.now) == (
        "open_dispute", D("2026-12-10"), "Open a case on eBay by 10 December 2026.",
        "open a case on eBay", False)
    assert result.stage_text == (
        "Time to act: the latest estimated delivery date (10 November 2026) has passed.")
    assert result.warnings == []


def test_ebay_last_day_and_the_day_after() -> None:
    last = status("2026-12-10", "ebay", protection_ends=None, deadline="2026-11-10")
    assert last.next_action.due == D("2026-12-10")
    assert ("eBay's Money Back Guarantee window ends today: open the case today."
            in last.warnings)
    three = status("2026-12-07", "ebay", protection_ends=None, deadline="2026-11-10")
    assert ("eBay's Money Back Guarantee window ends in 3 days, on 10 December 2026: open the "
            "case now.") in three.warnings
    after = status("2026-12-11", "ebay", protection_ends=None, deadline="2026-11-10")
    assert after.stage == "window_closed"
    assert after.next_action.id == "chargeback"
    assert after.next_action.due == D("2027-02-08")  # 30 days before the limit, 10 March


def test_ebay_counts_the_sellers_time_in_business_days() -> None:
    # opened on Friday 27 November: 3 business days end on Wednesday 2 December
    result = status("2026-11-30", "ebay", protection_ends=None, deadline="2026-11-10",
                    opened="2026-11-27")
    assert result.dates["seller_reply_due"] == D("2026-12-02")
    assert result.dates["escalate_by"] == D("2026-12-28")  # 21 business days
    assert result.next_action.id == "wait_for_reply"
    after = status("2026-12-03", "ebay", protection_ends=None, deadline="2026-11-10",
                   opened="2026-11-27")
    assert after.next_action.id == "escalate"
    assert after.next_action.due == D("2026-12-28")
    assert "“Ask eBay to step in”" in after.next_action.text
    closed = status("2026-12-29", "ebay", protection_ends=None, deadline="2026-11-10",
                    opened="2026-11-27")
    assert closed.stage == "window_closed"
    assert closed.stage_text == ("The last day to escalate the case was 28 December 2026; if "
                                 "it was not escalated, it has closed.")
    assert closed.next_action.due == D("2027-02-08")


def test_ebay_before_the_deadline_passes() -> None:
    result = status("2026-11-05", "ebay", protection_ends=None, placed="2026-10-30",
                    shipped="2026-10-31", deadline="2026-11-10")
    assert result.stage == "waiting"
    assert result.next_action.id == "wait"
    assert result.next_action.text == (
        "Wait for the parcel until 10 November 2026, the latest estimated delivery date, and "
        "check the tracking now and then.")


def test_paypal_counts_from_the_payment() -> None:
    result = status("2026-09-04", "paypal", protection_ends=None)
    assert result.dates["earliest_dispute"] == D("2026-09-05")
    assert result.dates["open_dispute_by"] == D("2027-03-01")  # 180 days after 2 September
    opened = status("2026-11-26", "paypal", protection_ends=None, opened="2026-11-02")
    assert opened.dates["escalate_by"] == D("2026-11-22")
    assert opened.stage == "window_closed"  # not escalated within 20 days


def test_amazon_asks_the_seller_before_a_claim() -> None:
    early = status("2026-10-21", "amazon", protection_ends=None)
    assert early.stage == "overdue"
    assert early.next_action.id == "seller"
    assert early.next_action.due == D("2026-10-21")
    assert early.headline == "Today: write to the seller."
    assert "you can open an A-to-z Guarantee claim on Amazon from 23 October 2026" in (
        early.next_action.text)
    asked = status("2026-10-21", "amazon", protection_ends=None, buyer_wrote=True)
    assert asked.next_action.id == "wait"
    result = status("2026-10-23", "amazon", protection_ends=None, buyer_wrote="2026-10-20")
    assert result.dates["open_dispute_by"] == D("2027-01-18")  # 90 days
    assert result.next_action.id == "open_dispute"
    assert "a chargeback makes the order ineligible" in result.next_action.text


def test_amazon_decision_overdue() -> None:
    result = status("2026-11-26", "amazon", protection_ends=None, opened="2026-11-01")
    assert result.dates["decision_by"] == D("2026-11-15")
    assert result.stage == "escalation"
    assert result.next_action.id == "escalate"


def test_etsy_chains_a_rule_on_another() -> None:
    result = status("2026-10-21", "etsy", protection_ends=None)
    assert result.dates["contact_seller_from"] == D("2026-10-21")
    assert result.dates["earliest_dispute"] == D("2026-10-21")  # no message yet: the deadline
    assert result.dates["open_dispute_by"] == D("2027-01-28")  # 100 days
    assert result.next_action.id == "seller"
    assert "“Help with order”" in result.next_action.text


def test_card_is_the_last_route() -> None:
    result = status("2026-11-26", "card", protection_ends=None)
    assert result.dates["chargeback_limit"] == D("2027-02-17")
    assert result.dates["open_dispute_by"] == D("2027-01-18")
    assert "chargeback_by" not in result.dates
    assert result.next_action.id == "open_dispute"
    assert result.next_action.due == D("2027-01-18")
    assert result.next_action.text.startswith(
        "Ask your card issuer for a chargeback by 18 January 2027. That leaves a margin: the "
        "chargeback window ends on 17 February 2027.")
    after = status("2027-02-18", "card", protection_ends=None)
    assert after.stage == "closed"
    assert after.next_action.id == "last_resort"


def test_as_json_has_the_stable_keys() -> None:
    data = status("2026-11-26", opened="2026-11-26").as_json()
    assert list(data) == ["platform", "today", "stage", "stage_text", "dates", "next_action",
                          "warnings", "key_dates", "headline", "route", "reasons", "upload",
                          "ignored", "limits", "language", "packet_language", "notes"]
    assert data["today"] == "2026-11-26"
    assert data["dates"]["seller_reply_due"] == "2026-12-01"
    assert data["next_action"] == {
        "id": "wait_for_reply", "due": "2026-12-01", "text": data["next_action"]["text"]}
    assert data["key_dates"][0] == {
        "id": "placed", "label": "Order placed", "date": "2026-09-02", "days_from_today": -85,
        "unconfirmed": False, "source": "order file (order.placed)", "note": None,
        "public": True, "estimated": False}


# --- properties over many dates --------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(platform=st.sampled_from(profiles.available()),
       placed=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
       ship_after=st.none() | st.integers(0, 20),
       deadline_after=st.integers(0, 90),
       protection_after=st.none() | st.integers(0, 60),
       opened_after=st.none() | st.integers(0, 200),
       today_after=st.integers(-10, 400))
def test_any_case_gets_one_action_not_due_in_the_past(
        platform: str, placed: date, ship_after: int | None, deadline_after: int,
        protection_after: int | None, opened_after: int | None, today_after: int) -> None:
    shipped = placed + timedelta(ship_after) if ship_after is not None else None
    deadline = (shipped or placed) + timedelta(deadline_after)
    order = make_order(
        platform, placed=placed.isoformat(),
        shipped=shipped.isoformat() if shipped else None, deadline=deadline.isoformat(),
        protection_ends=(deadline + timedelta(protection_after)).isoformat()
        if protection_after is not None else None,
        opened=(placed + timedelta(opened_after)).isoformat() if opened_after is not None
        else None)
    today = placed + timedelta(today_after)
    result = compute(order, profiles.load(platform), today)
    assert result.stage in timeline.STAGES
    assert result.next_action.id in profiles.ACTIONS
    assert result.next_action.due is None or result.next_action.due >= today
    assert list(result.dates.values()) == sorted(result.dates.values())
    assert "open_dispute_by" in result.dates
    assert result.next_action.text.strip() == result.next_action.text
