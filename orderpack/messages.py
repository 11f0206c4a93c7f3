"""Ready-to-send messages for the steps of a case: to the seller, the platform, the card issuer.

Each step is a plain-text template in ``templates/messages/``; the wording of the order's
facts comes from :mod:`orderpack.facts` (shared with the dispute text), the dates from
:mod:`orderpack.timeline`. A profile lists the steps that apply to its platform.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from orderpack import chat, profiles, timeline
from orderpack.errors import OrderpackError
from orderpack.facts import gather
from orderpack.model import Case
from orderpack.profiles import Profile
from orderpack.render import render


@dataclass(frozen=True)
class Step:
    id: str
    summary: str
    """What the message is for, in a few words."""


def steps(profile: Profile) -> list[Step]:
    """The steps that apply to ``profile``'s platform, in the profile's order."""
    terms = profile.terms
    summaries = {
        "seller": "ask the seller for an update on the parcel",
        "extension": f"ask {terms.customer_service} to extend {terms.window}",
        "escalate": f"ask {terms.customer_service} to step in",
        "chargeback": "a cover letter asking your card issuer for a chargeback",
    }
    return [Step(step, summaries[step]) for step in profile.steps]


def unknown_step(profile: Profile, step: str) -> str:
    """The message for a step ``profile`` does not have, listing those it has."""
    close = difflib.get_close_matches(step, profile.steps, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return (f"{profile.name} has no step {step!r}; {hint}the steps for {profile.name} are: "
            + ", ".join(profile.steps))


def write(case: Case, step: str, today: date, override: Path | None = None) -> str:
    """The message for ``step`` on ``today``: plain paragraphs, ending in one newline.

    ``override`` is a folder whose ``messages/STEP.txt.j2`` replaces the built-in template.
    """
    profile = case.profile
    if step not in profile.steps:
        raise OrderpackError(unknown_step(profile, step))
    facts = gather(case, today, chat.load_messages(case))
    status = timeline.compute(case.order, profile, today)
    card = profile if profile.fallback is None else profiles.fallback_of(profile)
    card_reason = next((r.label for r in card.reasons if r.id == "not_received"),
                       "merchandise not received") if card else "merchandise not received"
    fallback_date = profile.fallback.date_id if profile.fallback else "open_dispute_by"
    context = {
        "facts": facts,
        "status": status,
        "terms": profile.terms,
        "a_dispute": timeline.with_article(profile.terms.dispute),
        "window_start": timeline.sentence_start(profile.terms.window),
        "paragraphs": paragraphs,
        "platform_id": profile.id,
        "deadline_words": timeline.deadline_words(profile),
        "card_reason": card_reason,
        "chargeback_by": status.dates.get(fallback_date),
        "window_closes": status.dates.get(profile.window_closes),
    }
    return tidy(render(f"messages/{step}.txt.j2", context, override=override))


def paragraphs(text: str) -> str:
    """Join the lines of each paragraph with spaces; paragraphs stay one blank line apart."""
    blocks = re.split(r"\n\s*\n", text.strip())
    joined = (" ".join(line.strip() for line in block.splitlines() if line.strip())
              for block in blocks)
    return "\n\n".join(block for block in joined if block)


def tidy(text: str) -> str:
    """No trailing spaces, one blank line between paragraphs, one final newline."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"

