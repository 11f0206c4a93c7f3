"""Tracking history: events in order, duplicates removed, and how long it has stalled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orderpack.model import Tracking, TrackingEvent, instant


@dataclass(frozen=True)
class TrackingSummary:
    events: list[TrackingEvent]
    """Oldest first, each (time, place, status) once."""
    last: TrackingEvent | None
    days_since_last: int | None
    """Calendar days from the last event to ``today``: a stall is itself evidence."""


def summarize(tracking: Tracking | None, today: date) -> TrackingSummary:
    if tracking is None or not tracking.events:
        return TrackingSummary(events=[], last=None, days_since_last=None)
    seen: set[tuple[object, ...]] = set()
    events = []
    for event in sorted(tracking.events, key=lambda event: instant(event.at)):
        key = (event.at, (event.place or "").casefold(), event.status.casefold())
        if key not in seen:
            seen.add(key)
            events.append(event)
    last = events[-1]
    return TrackingSummary(events=events, last=last,
                           days_since_last=(today - last.at.date()).days)
