"""The report of a budget that cannot be met: how far over each file is, what weighs most,
and what the buyer can do (:meth:`Overrun.message`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from orderpack.budget import Budget, Weight
from orderpack.i18n import _, ngettext
from orderpack.i18n import pages as page_count
from orderpack.words import format_size


@dataclass(frozen=True)
class Overrun:
    """What is over the budget once every rung of the ladder is taken."""

    budget: Budget
    files: tuple[tuple[str, int, int], ...]
    """Each PDF file (name, bytes, pages) as the last rung made it."""
    heaviest: tuple[Weight, ...]
    split: bool
    alone: tuple[tuple[str, int, int], ...] = ()
    """With ``split``: each exhibit too large for a part of its own (label, estimated bytes
    and pages of that part, with the cover, statement and index each part has)."""
    splittable: bool = False
    """Without ``split``: whether --split would meet the budget."""
    estimated: bool = False
    """The figures are estimates (``build --dry-run``), not measured on a render."""
    text_bytes: int = 0
    """What the text pages weigh with their fonts (every file but its exhibits)."""

    def message(self) -> str:
        """The report the buyer sees, in the language in use: how far over, what weighs
        most, what to do."""
        sized = self.budget.file_bytes is not None or self.budget.total_bytes is not None
        budget = self.budget.describe()
        lines = [_("the evidence cannot be fitted into %(budget)s, even with every exhibit at "
                   "the least resolution and quality that stays legible:", budget=budget)
                 if sized else
                 _("the evidence cannot be fitted into %(budget)s, even with the tracking "
                   "history and the conversation in smaller type:", budget=budget)]
        lines += self._how_far_over()
        lines += self._what_weighs_most()
        lines.append(_("What you can do:"))
        lines += self._what_to_do()
        lines.append(_("Nothing was written; the previous packet, if any, is unchanged."))
        return "\n".join(lines)

    def _size_and_pages(self, size: int, pages: int) -> str:
        """"391 KB, 4 pages", "about 391 KB, about 4 pages" for an estimate."""
        count = page_count(pages)
        if self.estimated:
            return _("about %(size)s, about %(pages)s", size=format_size(size), pages=count)
        return f"{format_size(size)}, {count}"

    def _how_far_over(self) -> list[str]:
        """Each file with its size and pages, and how far over its limits it is."""
        budget, lines = self.budget, []
        limit_bytes = budget.file_bytes if self.split else budget.pdf_bytes
        limit_pages = budget.file_pages if self.split else budget.pdf_pages
        for name, size, pages in self.files:
            over = []
            if limit_bytes is not None and size > limit_bytes:
                over.append(_("%(size)s over", size=format_size(size - limit_bytes)))
            if limit_pages is not None and pages > limit_pages:
                over.append(ngettext("%(num)d page over", "%(num)d pages over",
                                     pages - limit_pages))
            lines.append(f"  {name}: {self._size_and_pages(size, pages)}"
                         + (f" — {', '.join(over)}" if over else ""))
        if len(self.files) > 1:
            total_bytes = sum(size for _name, size, _pages in self.files)
            total_pages = sum(pages for _name, _size, pages in self.files)
            over = []
            if budget.total_bytes is not None and total_bytes > budget.total_bytes:
                over.append(_("%(size)s over the total",
                              size=format_size(total_bytes - budget.total_bytes)))
            if budget.total_pages is not None and total_pages > budget.total_pages:
                over.append(ngettext("%(num)d page over the total", "%(num)d pages over the total",
                                     total_pages - budget.total_pages))
            if over:
                lines.append("  " + _("together: %(size)s, %(pages)s", size=format_size(
                    total_bytes), pages=page_count(total_pages)) + " — " + ", ".join(over))
        return lines

    def _what_weighs_most(self) -> list[str]:
        """The exhibits too heavy for a part alone, the heaviest, and the text pages."""
        lines = ["  " + _("exhibit %(label)s alone would make a part of about %(size)s, "
                          "%(pages)s", label=label, size=format_size(size), pages=page_count(pages))
                 for label, size, pages in self.alone]
        if self.heaviest:
            lines.append(_("The heaviest exhibits:"))
            width = max(len(weight.caption) for weight in self.heaviest)
            lines += [f"  {weight.label:<3}{weight.caption:<{width}}  "
                      f"{format_size(weight.pdf_bytes):>8}" for weight in self.heaviest]
        if self.text_bytes > 0:
            size = format_size(self.text_bytes)
            lines.append("  " + (
                _("(the text pages with their fonts weigh about %(size)s)", size=size)
                if self.estimated else
                _("(the text pages with their fonts weigh %(size)s)", size=size)))
        return lines

    def _what_to_do(self) -> list[str]:
        """The ways out: --split, leaving an exhibit out, a larger budget."""
        budget, lines = self.budget, []
        if self.splittable:
            lines.append("  - " + _("split the bundle into several PDF files, each within the "
                                    "limit: add --split"))
        if self.heaviest:
            lines.append("  - " + _("leave out an exhibit you can do without (remove it from "
                                    "`evidence` in the order file), e.g. exhibit %(label)s",
                                    label=self.heaviest[0].label))
        largest = max(size for _name, size, _pages in self.files)
        limit = budget.file_bytes if self.split else budget.pdf_bytes
        if limit is not None and largest > limit:
            lines.append("  - " + _("if the place you upload to takes more, raise the budget: "
                                    "%(option)s", option=f"--max-size {_round_up(largest)}"))
        total_pages = sum(pages for _name, _size, pages in self.files)
        most = max(pages for _name, _size, pages in self.files)
        if budget.pdf_pages is not None and (total_pages > (budget.total_pages or total_pages)
                                             or most > (budget.file_pages or most)):
            lines.append("  - " + _("if the place you upload to takes more pages: %(option)s",
                                    option=f"--max-pages {most}"))
        return lines


def _round_up(count: int) -> str:
    """A size a little above ``count``, written as the user would: 420KB, 1.3MB."""
    if count < 1000 ** 2:
        return f"{math.ceil(count / 10_000) * 10}KB"
    return f"{math.ceil(count / 100_000) / 10:g}MB"
