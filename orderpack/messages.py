"""Ready-to-send messages for the steps of a case: to the seller, the platform, the card issuer.

Each step is a plain-text template in ``templates/messages/``; the wording of the order's
facts comes from :mod:`orderpack.facts` (shared with the dispute text), the dates from
:mod:`orderpack.timeline`. A profile lists the steps that apply to its platform.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from orderpack import chat, i18n, payment, profiles, timeline, wording
from orderpack.errors import OrderpackError, StepError
from orderpack.facts import gather
from orderpack.i18n import long_date
from orderpack.model import Case
from orderpack.profiles import Profile
from orderpack.render import render
from orderpack.words import sentence_start


@dataclass(frozen=True)
class Step:
    id: str
    summary: str
    """What the message is for, in a few words."""


def steps(profile: Profile) -> list[Step]:
    """The steps that apply to ``profile``'s platform, in the profile's order, each said in
    the language in use."""
    words = profiles.phrases(profile)
    summaries = {
        "seller": i18n.gettext("ask the seller for an update on the parcel"),
        "extension": profiles.said(profile, words["extend_it"]),
        "escalate": profiles.said(profile, words["step_in"]),
        "chargeback": i18n.gettext("a cover letter asking your card issuer for a chargeback"),
    }
    return [Step(step, summaries[step]) for step in profile.steps]


def unknown_step(profile: Profile, step: str) -> str:
    """The message for a step ``profile`` does not have, listing those it has."""
    close = difflib.get_close_matches(step, profile.steps, n=1, cutoff=0.6)
    steps = ", ".join(profile.steps)
    if close:
        return i18n.gettext("%(platform)s has no step %(step)s; did you mean %(close)s? the "
                            "steps for %(platform)s are: %(steps)s", platform=profile.name,
                            step=repr(step), close=repr(close[0]), steps=steps)
    return i18n.gettext("%(platform)s has no step %(step)s; the steps for %(platform)s are: "
                        "%(steps)s", platform=profile.name, step=repr(step), steps=steps)


#: The stages in which each step's message is true to the case.
_APPLIES = {
    "seller": ("waiting", "overdue", "dispute_window", "last_days", "dispute_open",
               "escalation"),
    "extension": ("waiting", "overdue", "dispute_window", "last_days"),
    "escalate": ("dispute_open", "escalation"),
}
_CARD_STAGES = ("overdue", "dispute_window", "last_days", "dispute_open", "escalation")


def not_applicable(step: str, status: timeline.Status, profile: Profile) -> str | None:
    """Why ``step``'s message would be stale on ``status.today``, or None if it applies; said
    in the language in use."""
    stage, today = status.stage, status.today
    if step == "chargeback":
        route = status.route
        if route is None:  # the card profile itself: the chargeback is the dispute
            if stage in _CARD_STAGES:
                return None
            return status.stage_text
        if route.id != "card_chargeback":
            return (i18n.gettext("orderpack does not know that you paid by card (%(route)s)",
                                 route=route.text)
                    if route.id == "check_payment" else
                    i18n.gettext("you paid with PayPal, and PayPal's own Buyer Protection is "
                                 "the route"))
        if route.due(today) is None and route.last_day is not None:
            return i18n.gettext("the time for a card chargeback ended on %(date)s",
                                date=long_date(route.last_day))
        if stage in ("escalation", "window_closed"):
            return None
        return i18n.gettext("%(platform)s's own route is still open (%(stage)s); a chargeback "
                            "comes after it", platform=profile.name, stage=status.stage_text)
    if stage in _APPLIES.get(step, ()):
        return None
    opened = status.dates.get("opened")
    words = profiles.phrases(profile)
    if step == "escalate" and opened is None and stage not in ("window_closed", "closed"):
        return wording.say_for(profile.id, words, "refusal.not_opened")
    if step == "extension" and opened is not None:
        return wording.say_for(profile.id, words, "refusal.opened", opened=opened)
    return status.stage_text


def refusal(step: str, status: timeline.Status, profile: Profile, order_path: Path) -> str:
    """The message for a stale step: why, and the step that applies now."""
    why = (not_applicable(step, status, profile) or "").rstrip(".")
    now = status.next_action
    if now.id in profile.steps and not_applicable(now.id, status, profile) is None:
        return i18n.gettext(
            "the step %(step)s does not apply now: %(why)s. The step that applies now is "
            "%(now_quoted)s (%(summary)s): orderpack message %(now)s %(path)s",
            step=repr(step), why=why, now=now.id, now_quoted=repr(now.id),
            summary=now.summary, path=order_path)
    return i18n.gettext(
        "the step %(step)s does not apply now: %(why)s. What to do now: %(summary)s "
        "(orderpack status %(path)s).", step=repr(step), why=why, summary=now.summary,
        path=order_path)


def write(case: Case, step: str, today: date, override: Path | None = None) -> str:
    """The message for ``step`` on ``today``: plain paragraphs, ending in one newline.

    ``override`` is a folder whose ``messages/STEP.txt.j2`` replaces the built-in template.
    A step that no longer applies (an extension once Buyer Protection has ended, an
    escalation with no dispute open...) is refused with an OrderpackError naming the step
    that applies now.
    """
    profile = case.profile
    if step not in profile.steps:
        raise StepError(unknown_step(profile, step))
    messages = chat.load_messages(case)
    status = timeline.compute(case.order, profile, today, messages)
    if not_applicable(step, status, profile) is not None:
        raise OrderpackError(refusal(step, status, profile, case.path))
    view = timeline.as_of(case.order, today, messages)
    facts = gather(replace(case, order=view.order), today, view.messages)
    route = status.route
    card = profile if profile.fallback is None else profiles.fallback_of(profile)
    network = card.networks.get(route.network) if card and route and route.network else None
    if network is None and card is not None and profile.fallback is None:
        paid = payment.read(case.order.order)
        network = card.networks.get(paid.network) if paid.network else None
    card_reason = (i18n.gettext("merchandise not received (%(network)s reason code %(code)s)",
                                network=network.name, code=network.reason_code)
                   if network is not None else i18n.gettext("merchandise not received"))
    words = profiles.phrases(profile)
    terms = profile.terms.model_copy(update={
        name: profiles.said(profile, getattr(profile.terms, name))
        for name in ("dispute", "window", "customer_service")})
    fallback_date = profile.fallback.date_id if profile.fallback else profile.window_closes
    context = {
        "facts": facts,
        "status": status,
        "route": route,
        "terms": terms,
        "a_dispute": profiles.said(profile, words["a_dispute"]),
        "window_start": sentence_start(terms.window),
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

