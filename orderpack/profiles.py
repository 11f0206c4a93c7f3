"""Platform profiles: each platform's dispute reasons, remedies, time rules and limits.

One YAML file per platform in ``orderpack/platforms/``; adding a platform means
adding a file. This module only reads and checks them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orderpack.errors import ProfileError

PLATFORMS_DIR = Path(__file__).parent / "platforms"


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str


class Profile(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    name: str
    reasons: list[Reason] = Field(min_length=1)
    remedies: list[str] = Field(min_length=1)

    @property
    def reason_ids(self) -> list[str]:
        return [reason.id for reason in self.reasons]


def available() -> list[str]:
    """The ids of every shipped platform profile, sorted."""
    return sorted(path.stem for path in PLATFORMS_DIR.glob("*.yaml"))


@cache
def load(platform: str) -> Profile:
    """The profile with id ``platform``; ProfileError if there is none or it is malformed."""
    path = PLATFORMS_DIR / f"{platform}.yaml"
    if platform not in available():
        raise ProfileError(
            f"no platform profile named {platform!r}; known: {', '.join(available())}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Profile.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ProfileError(f"platform profile {path.name} is malformed: {exc}") from None
