"""orderpack.tracking: events in order, each once, and how long the parcel has not moved."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from orderpack.model import Tracking
from orderpack.tracking import summarize

TODAY = date(2026, 11, 26)


def tracking(*events: dict[str, Any]) -> Tracking:
    return Tracking.model_validate({"events": list(events)})


def event(at: str, status: str, place: str | None = None) -> dict[str, Any]:
    return {"at": at, "status": status, "place": place}


def statuses(summary: Any) -> list[str]:
    return [e.status for e in summary.events]


def test_no_tracking() -> None:
    for value in (None, Tracking()):
        summary = summarize(value, TODAY)
        assert (summary.events, summary.last, summary.days_since_last) == ([], None, None)


def test_events_are_sorted_oldest_first() -> None:
    summary = summarize(tracking(
        event("2026-09-14 02:15", "Departed from country of origin"),
        event("2026-09-06 10:12", "Accepted by carrier"),
        event("2026-09-10", "Export customs clearance started"),
    ), TODAY)
    assert statuses(summary) == ["Accepted by carrier", "Export customs clearance started",
                                 "Departed from country of origin"]
    assert summary.last is not None
    assert summary.last.status == "Departed from country of origin"
    assert summary.days_since_last == 73  # 14 September to 26 November


def test_duplicates_are_removed_ignoring_case() -> None:
    summary = summarize(tracking(
        event("2026-09-06 10:12", "Accepted by carrier", "Shenzhen, CN"),
        event("2026-09-06 10:12", "ACCEPTED BY CARRIER", "shenzhen, cn"),  # copied twice
        event("2026-09-06 10:12", "Accepted by carrier"),  # no place: another event
        event("2026-09-07 03:45", "Arrived at sorting centre", "Shenzhen, CN"),
    ), TODAY)
    assert [(e.status, e.place) for e in summary.events] == [
        ("Accepted by carrier", "Shenzhen, CN"),
        ("Accepted by carrier", None),
        ("Arrived at sorting centre", "Shenzhen, CN"),
    ]


def test_same_moment_written_with_different_offsets_is_one_event() -> None:
    summary = summarize(tracking(
        event("2026-09-14 10:00 +08:00", "Departed"),
        event("2026-09-14 02:00 Z", "Departed"),
    ), TODAY)
    assert len(summary.events) == 1


def test_events_with_utc_offsets_are_ordered_by_the_moment_they_happened() -> None:
    # 02:15 in China (+08:00) is 18:15 UTC the day before: before 20:00 UTC.
    summary = summarize(tracking(
        event("2026-09-13 20:00 +00:00", "Arrived at hub"),
        event("2026-09-14 02:15 +08:00", "Departed from country of origin"),
    ), TODAY)
    assert statuses(summary) == ["Departed from country of origin", "Arrived at hub"]
    assert summary.days_since_last == 74  # the last event's own calendar date, 13 September


def test_stable_order_for_events_at_the_same_time() -> None:
    summary = summarize(tracking(
        event("2026-09-06 10:12", "Accepted by carrier"),
        event("2026-09-06 10:12", "Label created"),
    ), TODAY)
    assert statuses(summary) == ["Accepted by carrier", "Label created"]  # as written


def test_days_since_an_event_today_is_zero() -> None:
    summary = summarize(tracking(event("2026-11-26 08:00", "Out for delivery")), TODAY)
    assert summary.days_since_last == 0


def test_sample_case(aliexpress_case: Any) -> None:
    from orderpack.validation import validate

    summary = summarize(validate(aliexpress_case).order.tracking, TODAY)
    assert len(summary.events) == 7
    assert summary.last is not None
    assert summary.last.status == "Departed from country of origin"
    assert summary.days_since_last == 73


def test_messages_with_offsets_are_ordered_by_when_they_were_sent(
    aliexpress_case: Path,
) -> None:
    from orderpack.facts import gather
    from orderpack.validation import validate

    text = aliexpress_case.read_text(encoding="utf-8")
    # 02:15 in Shanghai is 18:15 UTC the day before: before the buyer's 20:00 UTC message.
    text = text.replace("  - at: 2026-10-25 09:14\n", "  - at: 2026-10-25 20:00 +00:00\n")
    text = text.replace("  - at: 2026-10-25 17:48\n", "  - at: 2026-10-26 02:15 +08:00\n")
    aliexpress_case.write_text(text, encoding="utf-8")
    facts = gather(validate(aliexpress_case), date(2026, 11, 26))
    assert [m.sender for m in facts.messages[:2]] == ["seller", "buyer"]
