"""The one exception family orderpack raises, and the problem records it carries.

The command line turns any :class:`OrderpackError` into a message and exit code 1;
everything else is a bug and shows a traceback only under ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orderpack.words import plural


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str = ""
    fix: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: " + (f"{self.field}: " if self.field else "") + self.words

    @property
    def words(self) -> str:
        """What is wrong and how to fix it, without where: for a page that shows the field."""
        return self.message + (f" — {self.fix}" if self.fix else "")

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "fix": self.fix,
        }


class OrderpackError(Exception):
    """Base of every error orderpack reports to the user.

    ``problems`` holds one entry per thing to fix; ``str()`` is the whole message.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = problems or []

    def __reduce__(self) -> tuple[type[OrderpackError], tuple[str, list[Problem]],
                                  dict[str, Any]]:
        """Pickled with its problems and its attributes, such as the language it was raised
        in (a batch build sends it from the case's process)."""
        return (type(self), (super().__str__(), self.problems), dict(self.__dict__))

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        if len(self.problems) == 1:
            return str(self.problems[0])
        return "\n".join([head, *(str(problem) for problem in self.problems)])


class OrderFileError(OrderpackError):
    """The order file, or a file it names, cannot be used as it is."""

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> OrderFileError:
        problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))
        files = sorted({problem.file for problem in problems})
        return cls(f"{plural(len(problems), 'problem')} in {', '.join(files)}:", problems)


class EvidenceError(OrderpackError):
    """An evidence file cannot be read, is damaged, or is too large."""


class ProfileError(OrderpackError):
    """A platform profile file is malformed, or no profile has the requested id."""


class TemplateError(OrderpackError):
    """A template cannot be loaded or rendered (syntax error, unknown variable)."""


class BuildError(OrderpackError):
    """The packet could not be written (output folder, rendering, disk)."""


class StepError(OrderpackError):
    """The case's platform has no message step of that name."""


class BudgetError(OrderpackError):
    """The packet cannot be fitted into the requested size or page budget."""
