"""The status page's timeline picture: the key dates placed on a line, today marked.

Only the geometry is worked out here; templates/web/timeline.svg.html draws it (plain SVG,
legible in print: black lines, text, no colour needed to read it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

WIDTH = 760
LEFT, RIGHT = 20, 20
ROW = 34
TOP = 52


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str
    day: date
    past: bool
    unconfirmed: bool


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    line_y: int
    today_x: float
    today: date
    marks: tuple[Mark, ...]


def layout(status: Any) -> Layout:
    """Where each key date of ``status`` (an :class:`orderpack.timeline.Status`) goes."""
    today: date = status.today
    days = [key.date for key in status.key_dates] + [today]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return float(LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span)

    marks = tuple(
        Mark(x=round(x(key.date), 1), y=TOP + 20 + ROW * number, label=key.label,
             day=key.date, past=key.date < today, unconfirmed=key.unconfirmed)
        for number, key in enumerate(status.key_dates))
    height = TOP + 20 + ROW * len(marks) + 10
    return Layout(width=WIDTH, height=height, line_y=TOP, today_x=round(x(today), 1),
                  today=today, marks=marks)
