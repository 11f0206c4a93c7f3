"""The status page's timeline picture: the key dates placed on a line, today marked.

Only the geometry is worked out here; templates/web/timeline.svg.html draws it (plain SVG,
legible in print: black lines, text, no colour needed to read it).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from orderpack.i18n import gettext, long_date

if TYPE_CHECKING:
    from orderpack.timeline import Status

WIDTH = 760
LEFT, RIGHT = 20, 20
ROW = 34
LINE = 17
"""The step from one line of a wrapped label to the next (the template's dy)."""
TOP = 52
#: The average width of a character of the labels (13 px system sans), a little generous.
CHAR = 7.0


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str
    day: date
    past: bool
    unconfirmed: bool
    text_x: float
    """Where its label starts: under the mark, moved left as far as the label needs to
    stay inside the picture."""
    lines: tuple[str, ...]
    """The label ("14 September 2026 — Order placed"), wrapped to the picture's width."""


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    line_y: int
    today_x: float
    today: date
    marks: tuple[Mark, ...]


def layout(status: Status) -> Layout:
    """Where each key date of ``status`` goes, its label in the language in use."""
    today = status.today
    days = [key.date for key in status.key_dates] + [today]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return float(LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span)

    marks = []
    y = TOP + 20
    for key in status.key_dates:
        text = (gettext("%(date)s — %(label)s (unconfirmed)", date=long_date(key.date),
                        label=key.label) if key.unconfirmed
                else gettext("%(date)s — %(label)s", date=long_date(key.date), label=key.label))
        lines = tuple(textwrap.wrap(text, int((WIDTH - LEFT) / CHAR)))
        longest = max(len(line) for line in lines) * CHAR
        mark_x = round(x(key.date), 1)
        text_x = round(max(min(mark_x, WIDTH - longest), 2), 1)
        marks.append(Mark(x=mark_x, y=y, label=key.label, day=key.date,
                          past=key.date < today, unconfirmed=key.unconfirmed,
                          text_x=text_x, lines=lines))
        y += ROW + LINE * (len(lines) - 1)
    return Layout(width=WIDTH, height=max(y - ROW + 12, TOP + 20), line_y=TOP,
                  today_x=round(x(today), 1), today=today, marks=tuple(marks))
