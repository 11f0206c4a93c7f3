"""The planner's sentences, made from data: an id and its parameters (dates, numbers, the
platform's terms) in, a :class:`Note` out.

A :class:`Note` is the English sentence (it is a ``str``, so it prints and compares as
one) that also carries its ``id`` and ``params``: a front end can word it its own way, and a
translation replaces :data:`TEMPLATES` in this one place. Nothing else in the planner writes
English.

Template fields: a date prints as "14 September 2026"; ``{n:plural:day}`` as "3 days";
``{n:relative}`` as "in 3 days", "tomorrow"; ``{text:start}`` starts a sentence; a tuple of
notes is joined with ", ".
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from orderpack.i18n import long_date, relative_days
from orderpack.words import plural, sentence_start

#: The planner's sentences and phrases by id. Sentences end in a full stop; phrases (used
#: inside another note) do not.
TEMPLATES: dict[str, str] = {
    # what was left out of a what-if plan
    "ignored": "Dated after {today}, so left out of the plan: {items}.",
    "ignored.message": "{count:plural:message}",
    "ignored.tracking_event": "{count:plural:tracking event}",
    "ignored.dispute_opened": "the dispute opened on {date}",
    # how the end of the platform's window stands to the delivery deadline
    "compared.before": "{days:plural:day} before the parcel is due ({deadline})",
    "compared.same_day": "on the day the parcel is due ({deadline})",
    "compared.after": "only {days:plural:day} after the parcel is due ({deadline})",
    "tracking.none": "there is no tracking information",
    "tracking.unchanged": "the tracking has not changed since {last}",
    # stages
    "stage.too_late": "{window:start} ended on {closes}, so it is too late to {open_it}.",
    "stage.last_days": "Last days: {window} ends on {closes}.",
    "stage.time_to_act": "Time to act: the {deadline_words} ({deadline}) has passed.",
    "stage.time_to_act.extension_passed": (
        "Time to act: {window} ends on {closes}, {compared}, and the day to ask for an "
        "extension ({extension}) has passed."),
    "stage.waiting": "Waiting for delivery: the {deadline_words} ({deadline}) has not passed "
                     "yet.",
    "stage.late": "Late: the {deadline_words} ({deadline}) has passed.",
    "stage.deadline": "The {deadline_words} is {deadline}.",
    "stage.late.too_early": "Late: the {deadline_words} ({deadline}) has passed; {a_dispute} "
                            "can be opened from {earliest}.",
    "stage.too_early": "{window:start} ends on {closes}, {compared}; {a_dispute} can be "
                       "opened from {earliest}.",
    "stage.dispute_open": "The {dispute} has been open since {opened}.",
    "stage.escalate_passed": "The last day to escalate the {dispute} was {escalate}; if it "
                             "was not escalated, it has closed.",
    "stage.reply_ended": "The seller's time to answer ended on {reply}.",
    "stage.decision_expected": "A decision was expected by {decision}.",
    "stage.missing_date": "A date is missing: {label}.",
    # next actions
    "action.open_dispute.today": "{open_it:start} today: {window} ends on {closes}.",
    "action.open_dispute.by": "{open_it:start} by {last}.",
    "action.open_dispute.margin": "That leaves a margin: {window} ends on {closes}.",
    "action.open_dispute.or_extension": "If you would rather give the seller more time, ask "
                                        "{help} to extend {window} by {extension} instead.",
    "action.extension": "Ask {help} to extend {window} by {extension}: it ends on {closes}, "
                        "{compared}.",
    "action.seller.update": "Ask the seller for an update on the parcel: {tracking}. It is due "
                            "by {deadline}.",
    "action.wait.parcel": "Wait for the parcel until {deadline}, the {deadline_words}, and "
                          "check the tracking now and then.",
    "action.seller.first": "Write to the seller today: {platform} asks you to contact the "
                           "seller before you {open_it}.",
    "action.seller.first.then": "If the seller has not solved it, you can {open_it} from "
                                "{can_open}, by {last}.",
    "action.window_ends": "{window:start} ends on {closes}.",
    "action.extension.before_earliest": "Ask {ask} today to extend {window}: it ends on "
                                        "{closes}, before the earliest day to open "
                                        "{a_dispute} ({earliest}).",
    "action.wait.earliest": "Wait until {earliest}: from then you can {open_it}. Do it by {by}.",
    "action.seller.what_happened": "Ask the seller what happened to the parcel: it was due by "
                                   "{deadline}. You can {open_it} from {earliest}; do it by "
                                   "{by}.",
    "action.wait_for_reply": "Wait for the seller's answer to the {dispute}: it is due by "
                             "{reply}.",
    "action.escalate.reply_ended": "The seller's time to answer the {dispute} ended on {reply}.",
    "action.escalate.by": "If it is not resolved, escalate it to {help} by {escalate}.",
    "action.escalate.now": "If it is not resolved, escalate it to {help} now.",
    "action.escalate.then_route": "If that has not solved it by {route_due}, {route}.",
    "action.escalate.as_soon_as": "{summary:start} by {escalate} ({days:plural:day} after you "
                                  "opened it), as soon as {platform} lets you.",
    "action.escalate.decision_late": "A decision on the {dispute} was expected by {decision}. "
                                     "If you have none, ask {help} where it stands.",
    "action.wait_for_decision": "Wait for the decision on the {dispute}.",
    "action.wait_for_decision.by": "Wait for the decision on the {dispute} (expected by "
                                   "{decision}).",
    "action.answer_quickly": "Answer any questions quickly.",
    "action.route.late": "Do it today: the recommended day ({recommended}) has passed.",
    "action.route": "{route:start}.",
    "action.route.ask_platform": "You can also ask {help} whether they can still help.",
    "action.last_resort": "Ask {helpers} whether anything can still be done, and keep your "
                          "evidence.",
    "action.add_date": "Add `{field}:` under `{section}:` in the order file ({label}).",
    "action.add_date.where": "Add `{field}:` under `{section}:` in the order file ({label}, "
                             "found on {where}).",
    "action.add_date.why": "Without it orderpack cannot tell by when to open {a_dispute}.",
    "advice": "{text}",
    "advice.unconfirmed": "{text} (not confirmed)",
    # warnings
    "warning.today_before_order": "The date used as today ({today}) is before the order date "
                                  "({placed}); check it.",
    "warning.too_early": "Too early: {why}. Wait until {until} before worrying.",
    "warning.extension_passed": "The extension date ({extension}) has passed: open the "
                                "{dispute} now rather than wait for an extension.",
    "warning.window_ends_today": "{window:start} ends today: open the {dispute} today.",
    "warning.window_ends.open_today": "{window:start} ends {days:relative}: open the {dispute} "
                                      "today.",
    "warning.window_ends.open_now": "{window:start} ends {days:relative}, on {closes}: open "
                                    "the {dispute} now.",
    "warning.window_ends.open_by": "{window:start} ends {days:relative}, on {closes}: open the "
                                   "{dispute} by {last}.",
    "warning.route_ended": "The time for {route_noun} ended on {limit}.",
    "warning.route_near": "The time for {route_noun} ends on {limit} ({limit_words}; "
                          "recommended by {recommended}): if {platform} has not refunded you by "
                          "{recommended}, turn to it then.",
    "warning.route_shorter": "{platform}'s own time lasts until {platform_until}, longer than "
                             "the time for {route_noun} ({limit}, {limit_words}): if {platform} "
                             "has not refunded you by {recommended}, turn to {route_noun} then.",
    "warning.estimated_date": "Your order file has no `{field}`: orderpack estimates "
                              "“{label}” as {date}. This is an estimate: read the real date "
                              "and add it under `{section}:`.",
    "warning.estimated_date.note": "Your order file has no `{field}`: orderpack estimates "
                                   "“{label}” as {date} ({note}). This is an estimate: read "
                                   "the real date and add it under `{section}:`.",
    "warning.estimated_date.where": "Your order file has no `{field}`: orderpack estimates "
                                    "“{label}” as {date}. This is an estimate: read the real "
                                    "date from {where} and add it under `{section}:`.",
    "warning.estimated_date.note.where": "Your order file has no `{field}`: orderpack "
                                         "estimates “{label}” as {date} ({note}). This is an "
                                         "estimate: read the real date from {where} and add "
                                         "it under `{section}:`.",
    "warning.missing_date": "Your order file has no `{field}` ({label}), so orderpack cannot "
                            "work out: {needing}. Add it under `{section}:`.",
    "warning.missing_date.where": "Your order file has no `{field}` ({label}), so orderpack "
                                  "cannot work out: {needing}. Add it under `{section}:` from "
                                  "{where}.",
    "warning.unconfirmed": "Not confirmed: “{label}” {date} — {why}.",
    "headline": "Today: {summary}.",
    # the route after the platform's own (phrases: they follow "If not, ")
    "route.bank_transfer": "a bank transfer has no card chargeback: ask your bank whether it "
                           "can recall the payment, and keep your evidence",
    "route.code": "{network} reason {reason_code}, {reason_label}",
    "route.code.any": "{codes}, whichever network your card uses",
    "route.by": "by {recommended} (recommended, {margin:plural:day} before the network's limit "
                "of {limit})",
    "route.paypal_card": "the card behind your PayPal payment",
    "route.paypal_card.network": "the {network} card behind your PayPal payment",
    "route.card_behind_paypal": "ask the issuer of {card} for a chargeback ({code}) {by}; if "
                                "PayPal took the money from your bank account or PayPal "
                                "balance, there is no card to charge back: ask PayPal and your "
                                "bank what they can do",
    "route.card_behind_paypal.not_covered": "PayPal's Buyer Protection does not cover "
                                            "{platform} orders, so ask the issuer of {card} "
                                            "for a chargeback ({code}) {by}; if PayPal took "
                                            "the money from your bank account or PayPal "
                                            "balance, there is no card to charge back: ask "
                                            "PayPal and your bank what they can do",
    "route.card": "ask your card issuer for a chargeback ({code}) {by}",
    "route.how.unreadable": "orderpack cannot tell how you paid from “{described}”",
    "route.how.unsaid": "the order file does not say how you paid (`order.payment`)",
    "route.check_payment": "{how}: if you paid by card, ask your card issuer for a chargeback "
                           "({code}) {by}; with PayPal, open a PayPal dispute within 180 days "
                           "of the payment; after a bank transfer, ask your bank",
    "route.paypal_dispute": "open a PayPal dispute (Item Not Received) by {last}, 180 days "
                            "after the payment: PayPal's Buyer Protection covers {platform} "
                            "orders paid with PayPal",
    "route.noun.paypal_dispute": "a PayPal dispute",
    "route.noun.card_chargeback": "a card chargeback",
    "route.limit_words.paypal_dispute": "the last day",
    "route.limit_words.card_chargeback": "the card network's limit for your bank",
}

#: A parameter: a date, a number, a word of the platform's, or a note inside the note.
Param = str | int | date | None | tuple["Note", ...]


class Note(str):
    """A sentence or phrase of the plan: the text, with the ``id`` and ``params`` it was
    made from (see :data:`TEMPLATES`)."""

    id: str
    params: dict[str, Param]

    def __new__(cls, text: str, id: str = "", params: Mapping[str, Param] | None = None,
                ) -> Note:
        note = super().__new__(cls, text)
        note.id = id
        note.params = dict(params or {})
        return note

    def as_json(self) -> dict[str, Any]:
        """The id and the parameters, as plain JSON types (dates in ISO form)."""
        return {"id": self.id, "params": {name: _json(value)
                                          for name, value in self.params.items()}}


def _json(value: Param) -> object:
    if isinstance(value, Note):
        return value.as_json()
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            return plural(int(value), format_spec.removeprefix("plural:"))
        if format_spec == "relative":
            return relative_days(int(value))
        if format_spec == "start":
            return sentence_start(str(value))
        if isinstance(value, tuple):
            return ", ".join(str(item) for item in value)
        if isinstance(value, date):
            return long_date(value)
        return "" if value is None else str(value)


_FORMATTER = _Formatter()


def fields(note_id: str) -> set[str]:
    """The parameters the template ``note_id`` uses."""
    return {name for _, name, _, _ in _FORMATTER.parse(TEMPLATES[note_id]) if name}


def say(note_id: str, /, **params: Param) -> Note:
    """The note ``note_id`` with ``params`` (those its template does not use are dropped)."""
    used = {name: value for name, value in params.items() if name in fields(note_id)}
    return Note(_FORMATTER.vformat(TEMPLATES[note_id], (), used), note_id, used)


def parts(note: Note) -> list[Note]:
    """The sentences of a note made by :func:`sentences`, else the note itself."""
    found = note.params.get("sentences") if note.id == "sentences" else None
    return list(found) if isinstance(found, tuple) else [note]


def sentences(notes: Sequence[Note]) -> Note:
    """Several sentences read as one text (id ``sentences``), each kept as a note in
    ``params["sentences"]``."""
    if len(notes) == 1:
        return notes[0]
    return Note(" ".join(notes), "sentences", {"sentences": tuple(notes)})
