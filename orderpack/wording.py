"""The planner's sentences, made from data: an id and its parameters (dates, numbers, the
platform's terms) in, a :class:`Note` out.

A :class:`Note` is the sentence (it is a ``str``, so it prints and compares as
one) that also carries its ``id`` and ``params``: a front end can word it its own way, and a
translation replaces :data:`TEMPLATES` in this one place. Nothing else in the planner writes
English. The templates are the message ids of the catalogs: :func:`say` words a note in the
language in use.

Template fields: a date prints as "14 September 2026"; ``{n:plural:day}`` as "3 days";
``{n:relative}`` as "in 3 days", "tomorrow"; ``{text:start}`` starts a sentence; a tuple of
notes is joined with ", ".
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from orderpack import i18n
from orderpack.i18n import long_date, mark, relative_days
from orderpack.words import sentence_start

#: The planner's sentences and phrases by id. Sentences end in a full stop; phrases (used
#: inside another note) do not.
TEMPLATES: dict[str, str] = {
    # what was left out of a what-if plan
    "ignored": mark("Dated after {today}, so left out of the plan: {items}."),
    "ignored.message": mark("{count:plural:message}"),
    "ignored.tracking_event": mark("{count:plural:tracking event}"),
    "ignored.dispute_opened": mark("the dispute opened on {date}"),
    # how the end of the platform's window stands to the delivery deadline
    "compared.before": mark("{days:plural:day} before the parcel is due ({deadline})"),
    "compared.same_day": mark("on the day the parcel is due ({deadline})"),
    "compared.after": mark("only {days:plural:day} after the parcel is due ({deadline})"),
    "tracking.none": mark("there is no tracking information"),
    "tracking.unchanged": mark("the tracking has not changed since {last}"),
    # stages
    "stage.too_late": mark("{window:start} ended on {closes}, so it is too late to {open_it}."),
    "stage.last_days": mark("Last days: {window} ends on {closes}."),
    "stage.time_to_act": mark("Time to act: the {deadline_words} ({deadline}) has passed."),
    "stage.time_to_act.extension_passed": mark(
        "Time to act: {window} ends on {closes}, {compared}, and the day to ask for an "
        "extension ({extension}) has passed."),
    "stage.waiting": mark(
        "Waiting for delivery: the {deadline_words} ({deadline}) has not passed yet."),
    "stage.late": mark("Late: the {deadline_words} ({deadline}) has passed."),
    "stage.deadline": mark("The {deadline_words} is {deadline}."),
    "stage.late.too_early": mark(
        "Late: the {deadline_words} ({deadline}) has passed; {a_dispute} can be opened from "
        "{earliest}."),
    "stage.too_early": mark(
        "{window:start} ends on {closes}, {compared}; {a_dispute} can be opened from "
        "{earliest}."),
    "stage.dispute_open": mark("The {dispute} has been open since {opened}."),
    "stage.escalate_passed": mark(
        "The last day to escalate the {dispute} was {escalate}; if it was not escalated, it "
        "has closed."),
    "stage.reply_ended": mark("The seller's time to answer ended on {reply}."),
    "stage.decision_expected": mark("A decision was expected by {decision}."),
    "stage.missing_date": mark("A date is missing: {label}."),
    # next actions
    "action.open_dispute.today": mark("{open_it:start} today: {window} ends on {closes}."),
    "action.open_dispute.by": mark("{open_it:start} by {last}."),
    "action.open_dispute.margin": mark("That leaves a margin: {window} ends on {closes}."),
    "action.open_dispute.or_extension": mark(
        "If you would rather give the seller more time, ask {help} to extend {window} by "
        "{extension} instead."),
    "action.extension": mark(
        "Ask {help} to extend {window} by {extension}: it ends on {closes}, {compared}."),
    "action.seller.update": mark(
        "Ask the seller for an update on the parcel: {tracking}. It is due by {deadline}."),
    "action.wait.parcel": mark(
        "Wait for the parcel until {deadline}, the {deadline_words}, and check the tracking "
        "now and then."),
    "action.seller.first": mark(
        "Write to the seller today: {platform} asks you to contact the seller before you "
        "{open_it}."),
    "action.seller.first.then": mark(
        "If the seller has not solved it, you can {open_it} from {can_open}, by {last}."),
    "action.window_ends": mark("{window:start} ends on {closes}."),
    "action.extension.before_earliest": mark(
        "Ask {help} today to extend {window}: it ends on {closes}, before the earliest day to "
        "open {a_dispute} ({earliest})."),
    "action.seller.before_earliest": mark(
        "Ask the seller today to extend {window}: it ends on {closes}, before the earliest day "
        "to open {a_dispute} ({earliest})."),
    "action.wait.earliest": mark(
        "Wait until {earliest}: from then you can {open_it}. Do it by {by}."),
    "action.seller.what_happened": mark(
        "Ask the seller what happened to the parcel: it was due by {deadline}. You can "
        "{open_it} from {earliest}; do it by {by}."),
    "action.wait_for_reply": mark(
        "Wait for the seller's answer to the {dispute}: it is due by {reply}."),
    "action.escalate.reply_ended": mark(
        "The seller's time to answer the {dispute} ended on {reply}."),
    "action.escalate.by": mark("If it is not resolved, escalate it to {help} by {escalate}."),
    "action.escalate.now": mark("If it is not resolved, escalate it to {help} now."),
    "action.escalate.then_route": mark("If that has not solved it by {route_due}, {route}."),
    "action.escalate.as_soon_as": mark(
        "{summary:start} by {escalate} ({days:plural:day} after you opened it), as soon as "
        "{platform} lets you."),
    "action.escalate.decision_late": mark(
        "A decision on the {dispute} was expected by {decision}. If you have none, ask {help} "
        "where it stands."),
    "action.wait_for_decision": mark("Wait for the decision on the {dispute}."),
    "action.wait_for_decision.by": mark(
        "Wait for the decision on the {dispute} (expected by {decision})."),
    "action.answer_quickly": mark("Answer any questions quickly."),
    "action.route.late": mark("Do it today: the recommended day ({recommended}) has passed."),
    "action.route": mark("{route:start}."),
    "action.route.ask_platform": mark("You can also ask {help} whether they can still help."),
    "action.last_resort": mark(
        "Ask {help} whether anything can still be done, and keep your evidence."),
    "action.last_resort.card": mark(
        "Ask {help} and your card issuer whether anything can still be done, and keep your "
        "evidence."),
    "action.add_date": mark("Add `{field}:` under `{section}:` in the order file ({label})."),
    "action.add_date.where": mark(
        "Add `{field}:` under `{section}:` in the order file ({label}, found on {where})."),
    "action.add_date.why": mark("Without it orderpack cannot tell by when to open {a_dispute}."),
    "advice": mark("{text}"),
    "advice.unconfirmed": mark("{text} (not confirmed)"),
    # warnings
    "warning.today_before_order": mark(
        "The date used as today ({today}) is before the order date ({placed}); check it."),
    "warning.too_early": mark("Too early: {why}. Wait until {until} before worrying."),
    "warning.extension_passed": mark(
        "The extension date ({extension}) has passed: open the {dispute} now rather than wait "
        "for an extension."),
    "warning.window_ends_today": mark("{window:start} ends today: open the {dispute} today."),
    "warning.window_ends.open_today": mark(
        "{window:start} ends {days:relative}: open the {dispute} today."),
    "warning.window_ends.open_now": mark(
        "{window:start} ends {days:relative}, on {closes}: open the {dispute} now."),
    "warning.window_ends.open_by": mark(
        "{window:start} ends {days:relative}, on {closes}: open the {dispute} by {last}."),
    "warning.route_ended": mark("The time for {route_noun} ended on {limit}."),
    "warning.route_near": mark(
        "The time for {route_noun} ends on {limit} ({limit_words}; recommended by "
        "{recommended}): if {platform} has not refunded you by {recommended}, turn to it then."),
    "warning.route_shorter": mark(
        "{platform}'s own time lasts until {platform_until}, longer than the time for "
        "{route_noun} ({limit}, {limit_words}): if {platform} has not refunded you by "
        "{recommended}, turn to {route_noun} then."),
    "warning.estimated_date": mark(
        "Your order file has no `{field}`: orderpack estimates “{label}” as {date}. This is an "
        "estimate: read the real date and add it under `{section}:`."),
    "warning.estimated_date.note": mark(
        "Your order file has no `{field}`: orderpack estimates “{label}” as {date} ({note}). "
        "This is an estimate: read the real date and add it under `{section}:`."),
    "warning.estimated_date.where": mark(
        "Your order file has no `{field}`: orderpack estimates “{label}” as {date}. This is an "
        "estimate: read the real date from {where} and add it under `{section}:`."),
    "warning.estimated_date.note.where": mark(
        "Your order file has no `{field}`: orderpack estimates “{label}” as {date} ({note}). "
        "This is an estimate: read the real date from {where} and add it under `{section}:`."),
    "warning.missing_date": mark(
        "Your order file has no `{field}` ({label}), so orderpack cannot work out: {needing}. "
        "Add it under `{section}:`."),
    "warning.missing_date.where": mark(
        "Your order file has no `{field}` ({label}), so orderpack cannot work out: {needing}. "
        "Add it under `{section}:` from {where}."),
    "warning.unconfirmed": mark("Not confirmed: “{label}” {date} — {why}."),
    "headline": mark("Today: {summary}."),
    # why a step's message does not apply now (orderpack message)
    "refusal.not_opened": mark("no {dispute} is open yet: open it first"),
    "refusal.opened": mark("the {dispute} has been open since {opened}"),
    # the route after the platform's own (phrases: they follow "If not, ")
    "route.bank_transfer": mark(
        "a bank transfer has no card chargeback: ask your bank whether it can recall the "
        "payment, and keep your evidence"),
    # Translators: {reason_label} is the card network's own English label of its reason
    # code ("Merchandise/Services Not Received"): keep it as it is, in your quotation marks.
    "route.code": mark("{network} reason {reason_code}, “{reason_label}”"),
    "route.code.any": mark("{codes}, whichever network your card uses"),
    "route.by": mark(
        "by {recommended} (recommended, {margin:plural:day} before the network's limit of "
        "{limit})"),
    "route.paypal_card": mark("the card behind your PayPal payment"),
    "route.paypal_card.network": mark("the {network} card behind your PayPal payment"),
    "route.card_behind_paypal": mark(
        "ask the issuer of {card} for a chargeback ({code}) {by}; if PayPal took the money "
        "from your bank account or PayPal balance, there is no card to charge back: ask PayPal "
        "and your bank what they can do"),
    "route.card_behind_paypal.not_covered": mark(
        "PayPal's Buyer Protection does not cover {platform} orders, so ask the issuer of "
        "{card} for a chargeback ({code}) {by}; if PayPal took the money from your bank "
        "account or PayPal balance, there is no card to charge back: ask PayPal and your bank "
        "what they can do"),
    "route.card": mark("ask your card issuer for a chargeback ({code}) {by}"),
    "route.how.unreadable": mark("orderpack cannot tell how you paid from “{described}”"),
    "route.how.unsaid": mark("the order file does not say how you paid (`order.payment`)"),
    "route.check_payment": mark(
        "{how}: if you paid by card, ask your card issuer for a chargeback ({code}) {by}; with "
        "PayPal, open a PayPal dispute within 180 days of the payment; after a bank transfer, "
        "ask your bank"),
    "route.paypal_dispute": mark(
        "open a PayPal dispute (Item Not Received) by {last}, 180 days after the payment: "
        "PayPal's Buyer Protection covers {platform} orders paid with PayPal"),
    "route.noun.paypal_dispute": mark("a PayPal dispute"),
    "route.noun.card_chargeback": mark("a card chargeback"),
    "route.limit_words.paypal_dispute": mark("the last day"),
    "route.limit_words.card_chargeback": mark("the card network's limit for your bank"),
    # the language of the packet, and why (status)
    "language.asked": mark(
        "The packet (dispute.txt, evidence.pdf) is in {language}, as asked with --lang."),
    "language.order_file": mark(
        "The packet (dispute.txt, evidence.pdf) is in {language}, as `dispute.language` in "
        "the order file says."),
    "language.platform": mark(
        "The packet (dispute.txt, evidence.pdf) is in {language}: {platform}'s reviewers read "
        "English. To have it in another language, add `language:` under `dispute:` in the "
        "order file."),
    "language.bank": mark(
        "The packet (dispute.txt, evidence.pdf) is in {language}, your language: a card "
        "chargeback goes to your own bank."),
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


#: What a ``{n:plural:WORD}`` field counts, each a sentence of the catalogs with the
#: language's plural forms.
COUNTED: dict[str, Callable[[int], str]] = {
    "day": lambda n: i18n.ngettext("%(num)d day", "%(num)d days", n),
    "message": lambda n: i18n.ngettext("%(num)d message", "%(num)d messages", n),
    "tracking event": lambda n: i18n.ngettext(
        "%(num)d tracking event", "%(num)d tracking events", n),
}


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            return COUNTED[format_spec.removeprefix("plural:")](int(value))
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
    """The note ``note_id`` with ``params`` (those its template does not use are dropped),
    in the language in use (:func:`orderpack.i18n.using`)."""
    used = {name: value for name, value in params.items() if name in fields(note_id)}
    text = i18n.raw_gettext(TEMPLATES[note_id])
    return Note(_FORMATTER.vformat(text, (), used), note_id, used)


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def with_terms(note_id: str, terms: Mapping[str, str]) -> str | None:
    """The template ``note_id`` with a platform's ``terms`` written in (its other fields
    kept), or None if it takes none of them: the platform's own whole sentence, the message
    id a translation declines the terms in (:func:`say_for`)."""
    pieces: list[str] = []
    written = False
    for literal, name, spec, conversion in _FORMATTER.parse(TEMPLATES[note_id]):
        pieces.append(_literal(literal))
        if name is None:
            continue
        if name in terms:
            written = True
            pieces.append(_literal(_FORMATTER.format_field(terms[name], spec or "")))
        else:
            pieces.append("{" + name + (f"!{conversion}" if conversion else "")
                          + (f":{spec}" if spec else "") + "}")
    return "".join(pieces) if written else None


def say_for(platform: str, terms: Mapping[str, str], note_id: str, /, **params: Param) -> Note:
    """The note ``note_id`` of the platform whose profile id is ``platform``, with its
    ``terms`` (English, :func:`orderpack.profiles.phrases`): the platform's whole sentence
    where the catalog translates it, else the sentence with each term translated alone."""
    local = {name: i18n.raw_pgettext(platform, text) for name, text in terms.items()}
    whole = with_terms(note_id, terms) if i18n.current() != i18n.SOURCE else None
    if whole is not None:
        translated = i18n.raw_pgettext(platform, whole)
        if translated != whole:
            used = {name: value for name, value in {**local, **params}.items()
                    if name in fields(note_id)}
            return Note(_FORMATTER.vformat(translated, (), used), note_id, used)
    return say(note_id, **{**local, **params})


def packet_language(choice: i18n.Choice, platform: str) -> Note:
    """Which language the packet is in and why, said in the language in use."""
    return say(f"language.{choice.why}", language=i18n.name(choice.tag), platform=platform)


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
