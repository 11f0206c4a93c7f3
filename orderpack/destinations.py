"""Where a packet is going, and what that place accepts: the source of a size budget.

A destination is either a platform (its profile's ``limits``, in
``orderpack/platforms/*.yaml``) or one of the places listed in ``destinations.yaml``
beside this module: a card network through the buyer's bank, a payment processor. Both
give the same :class:`~orderpack.profiles.Limits`, each figure with its source, the day it
was checked and whether it is confirmed. A figure that is not known is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orderpack import profiles
from orderpack.errors import OrderFileError, ProfileError
from orderpack.loader import load as load_yaml
from orderpack.profiles import Limits

DESTINATIONS_FILE = Path(__file__).parent / "destinations.yaml"


@dataclass(frozen=True)
class Destination:
    id: str
    name: str
    """For people: "Mastercard chargeback (through your bank)", "AliExpress"."""
    limits: Limits

    @property
    def known(self) -> bool:
        """Whether any of the limits a budget uses is known."""
        limits = self.limits
        return any(value is not None for value in (
            limits.attachment_max_bytes, limits.total_max_bytes, limits.max_pages,
            limits.attachment_types, limits.attachments_max_count))


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    # The same form as a platform profile's limits, checked by the same model.
    limits: profiles.LimitsFile


def available() -> list[str]:
    """Every destination id: the platforms' and those of destinations.yaml, sorted."""
    return sorted({*profiles.available(), *_entries()})


def load(destination: str) -> Destination:
    """The destination with id ``destination``; ProfileError if there is none."""
    entries = _entries()
    if destination in entries:
        entry = entries[destination]
        return Destination(destination, entry.name, entry.limits.to_limits())
    if destination in profiles.available():
        profile = profiles.load(destination)
        return Destination(destination, profile.name, profile.limits)
    raise ProfileError(f"no destination named {destination!r}; known: {', '.join(available())}")


@cache
def _entries() -> dict[str, _Entry]:
    try:
        document = load_yaml(DESTINATIONS_FILE)
    except OrderFileError as exc:
        raise ProfileError(f"{DESTINATIONS_FILE} is malformed:", exc.problems) from None
    problems = []
    entries: dict[str, _Entry] = {}
    platforms = set(profiles.available())
    for key, value in document.data.items():
        if key in platforms:
            problems.append(document.problem((key,), f"{key!r} is also a platform's id",
                                             "give the destination another id"))
            continue
        try:
            entries[key] = _Entry.model_validate(value)
        except ValidationError as exc:
            problems += [document.problem((key, *error["loc"]), error["msg"],
                                          "see the other destinations in the file")
                         for error in exc.errors(include_url=False)]
    if problems:
        raise ProfileError(f"{DESTINATIONS_FILE} is malformed:", problems)
    return entries
