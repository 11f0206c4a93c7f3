"""The timeline of a case: its key dates, where it stands, and the one thing to do next.

The platform's rules come from its profile (:mod:`orderpack.profiles`); this module
evaluates them without knowing the platform. ``today`` is always passed in: nothing
here reads the clock. All dates are calendar dates in the buyer's time zone.

``today`` is also a what-if date: messages, tracking events and a dispute opening dated
after it are left out of the plan (and listed in ``Status.ignored``).

Every sentence the planner writes must be true of the dates it states: where two dates
are compared in words ("before the parcel is due"), the words follow the comparison.

Why one module of about 870 lines: the dates, the route after the platform's own, and
the planner that picks the stage and the next action are one computation over the same
few types (``KeyDate``, ``Action``, ``Route``, ``Status``); the planner's sentences must
stay true of the dates beside them. Moving the planner out would need those types in a
module of their own, imported by both halves; read it by its sections (``# ---``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from orderpack import i18n, payment, profiles
from orderpack.destinations import Destination
from orderpack.model import Message, OrderFile, instant
from orderpack.profiles import CASE_DATES, ORDER_DATES, Limits, Profile, Rule
from orderpack.tracking import summarize
from orderpack.wording import Note, Param, parts, say, say_for, sentences

#: Stages, in the order a case usually goes through them.
STAGES = ("missing_date", "waiting", "overdue", "dispute_window", "last_days", "dispute_open",
          "escalation", "window_closed", "closed")

# Short labels in the web page's list of cases; the msgctxt is written out in each (the
# catalogs' extraction reads only literal strings).
_STAGE = "case stage"
_STAGE_NAMES = {
    "missing_date": i18n.pmark("case stage", "Date missing"),
    "waiting": i18n.pmark("case stage", "Waiting"),
    "overdue": i18n.pmark("case stage", "Overdue"),
    "dispute_window": i18n.pmark("case stage", "Dispute window"),
    "last_days": i18n.pmark("case stage", "Last days"),
    "dispute_open": i18n.pmark("case stage", "Dispute open"),
    "escalation": i18n.pmark("case stage", "Escalation"),
    "window_closed": i18n.pmark("case stage", "Window closed"),
    "closed": i18n.pmark("case stage", "Closed"),
}


def stage_name(stage: str) -> str:
    """A short name of one of STAGES, in the language in use ("Dispute window")."""
    return i18n.pgettext(_STAGE, _STAGE_NAMES[stage]) if stage in _STAGE_NAMES else stage


#: Days before the fallback's recommended date from which status warns about it.
FALLBACK_NOTICE_DAYS = 14


@dataclass(frozen=True)
class KeyDate:
    id: str
    label: str
    """Reader-friendly: "Open the dispute by"."""
    date: date
    days_from_today: int
    """Negative for dates in the past."""
    unconfirmed: bool
    """The figure behind it is not confirmed (or it is counted from an estimate)."""
    source: str
    """The order file's field, or the profile rule's source."""
    note: str | None = None
    public: bool = True
    """A fact of the case for the platform's reviewer (the packet's cover); False for advice
    meant for the buyer alone (when to ask for an extension, the chargeback date...) and for
    every unconfirmed figure."""
    estimated: bool = False
    """An order date the order file leaves out, estimated by the profile (on the early side)."""


@dataclass(frozen=True)
class Action:
    id: str
    """One of profiles.ACTIONS; ``seller``, ``extension``, ``escalate`` and ``chargeback``
    have a ready-to-send message (`orderpack message`)."""
    due: date | None
    text: Note
    """What to do, in sentences (see :mod:`orderpack.wording`: ids and parameters)."""
    summary: str = ""
    """A few words to follow "Today:": "open a dispute on AliExpress"."""
    now: bool = False
    """To be done today even though ``due`` is later (a recommended day has passed)."""


@dataclass(frozen=True)
class Route:
    """Where the buyer turns once the platform's own route has ended: it follows the payment."""

    id: str
    """``card_chargeback`` (the card, or the card behind a PayPal payment), ``paypal_dispute``
    (PayPal's own Buyer Protection), or ``check_payment`` (a bank transfer, or a method
    orderpack does not know)."""
    method: str | None
    """How the buyer paid: card, paypal, bank_transfer, other; None when unknown."""
    network: str | None
    """visa or mastercard, where known."""
    reason_code: str | None
    """The network's reason code (13.1, 4853), where the network is known."""
    via_paypal: bool
    """The card is the one behind a PayPal payment."""
    last_day: date | None
    """The route's limit (for a card, the network's limit for the bank)."""
    recommended_by: date | None
    """The day orderpack recommends acting by (with its margin before ``last_day``)."""
    text: Note
    """What to do, as a sentence without its full stop's context: usable after "If not, "."""
    action: str
    """The action id the route becomes: chargeback, paypal_dispute or check_payment."""

    def due(self, today: date) -> date | None:
        """The date to act by on ``today``: the recommended day, then the limit; None after."""
        for day in (self.recommended_by, self.last_day):
            if day is not None and today <= day:
                return day
        return None


@dataclass(frozen=True)
class ReasonChoice:
    id: str
    label: str
    """As the platform's form words it."""
    fits: bool
    """The reason that fits the facts of the order file best."""
    chosen: bool
    """The order file's ``dispute.reason``."""


@dataclass(frozen=True)
class Ignored:
    """Something in the order file dated after ``today``, left out of the plan."""

    kind: str
    """``message``, ``tracking_event`` or ``dispute_opened``."""
    date: date


@dataclass(frozen=True)
class Status:
    platform: str
    today: date
    stage: str
    """One of STAGES."""
    stage_text: Note
    """Where the case stands, in a sentence (an id and parameters: :mod:`orderpack.wording`)."""
    dates: dict[str, date]
    """Every date that could be worked out, in timeline order."""
    key_dates: list[KeyDate]
    """The same dates with labels and sources, in timeline order."""
    next_action: Action
    warnings: list[Note]
    """Each a sentence with its id and parameters (:mod:`orderpack.wording`)."""
    headline: Note | None = None
    """"Today: open the dispute." when the next action is due today; else None."""
    route: Route | None = None
    """The route after the platform's own, by the payment; None for the card profile."""
    reasons: list[ReasonChoice] = field(default_factory=list)
    upload: str = ""
    """What to upload where, for this platform's form."""
    ignored: list[Ignored] = field(default_factory=list)
    platform_name: str = ""
    """For people: "AliExpress"."""
    order_number: str = ""
    store: str = ""
    steps: tuple[str, ...] = ()
    """The message steps of the platform (`orderpack message STEP`), in its order."""
    destination: Destination | None = None
    """The platform as a destination: its upload limits, each with its source."""
    language: str = "en"
    """The language this status is written in (the buyer's)."""
    packet_language: str = "en"
    """The language of the packet (dispute.txt, evidence.pdf) a build writes."""
    packet_language_text: Note | None = None
    """Which language the packet is in and why (:func:`orderpack.wording.packet_language`)."""

    def as_json(self) -> dict[str, Any]:
        """Plain JSON types, dates as ISO strings; the keys are stable."""
        action, route = self.next_action, self.route
        return {
            "platform": self.platform,
            "today": self.today.isoformat(),
            "stage": self.stage,
            "stage_text": self.stage_text,
            "dates": {name: value.isoformat() for name, value in self.dates.items()},
            "next_action": {"id": action.id,
                            "due": action.due.isoformat() if action.due else None,
                            "text": action.text},
            "warnings": list(self.warnings),
            "key_dates": [
                {"id": key.id, "label": key.label, "date": key.date.isoformat(),
                 "days_from_today": key.days_from_today, "unconfirmed": key.unconfirmed,
                 "source": key.source, "note": key.note, "public": key.public,
                 "estimated": key.estimated}
                for key in self.key_dates
            ],
            "headline": self.headline,
            "route": None if route is None else {
                "id": route.id, "method": route.method, "network": route.network,
                "reason_code": route.reason_code, "via_paypal": route.via_paypal,
                "last_day": route.last_day.isoformat() if route.last_day else None,
                "recommended_by": (route.recommended_by.isoformat()
                                   if route.recommended_by else None),
                "text": route.text},
            "reasons": [{"id": r.id, "label": r.label, "fits": r.fits, "chosen": r.chosen}
                        for r in self.reasons],
            "upload": self.upload,
            "ignored": [{"kind": i.kind, "date": i.date.isoformat()} for i in self.ignored],
            "limits": {} if self.destination is None else _limits_json(self.destination.limits),
            "language": self.language,
            "packet_language": {"language": self.packet_language,
                                "text": self.packet_language_text},
            "notes": {  # the sentences above as ids and parameters (orderpack.wording)
                "stage": self.stage_text.as_json(),
                "next_action": action.text.as_json(),
                "warnings": [warning.as_json() for warning in self.warnings],
                "headline": None if self.headline is None else self.headline.as_json(),
                "route": None if route is None else route.text.as_json(),
                "packet_language": (None if self.packet_language_text is None
                                    else self.packet_language_text.as_json())},
        }


def _limits_json(limits: Limits) -> dict[str, Any]:
    """Each limit's value (None where not known) with its source."""
    return {name: {"value": list(value) if isinstance(value, tuple) else value,
                   **limits.sources[name].model_dump(mode="json")}
            for name in limits.sources
            for value in [getattr(limits, name)]}


def add_business_days(start: date, count: int) -> date:
    """``count`` working days (Monday to Friday) after ``start``, or before it if negative.

    Public holidays are not known, so they count as working days.
    """
    step = timedelta(days=1 if count >= 0 else -1)
    day, left = start, abs(count)
    while left:
        day += step
        if day.weekday() < 5:
            left -= 1
    return day


def shift(start: date, rule: Rule) -> date:
    """The date ``rule`` gives when counted from ``start``."""
    if rule.business_days is not None:
        return add_business_days(start, rule.business_days)
    return start + timedelta(days=rule.days or 0)


# --- the case as it stood on `today` -------------------------------------------------------


@dataclass(frozen=True)
class AsOf:
    """The order file with what is dated after ``today`` left out."""

    order: OrderFile
    messages: list[Message]
    """Oldest first."""
    ignored: list[Ignored]
    wrote_to_seller: bool
    first_contact: date | None
    """The buyer's first message (None if there is none, or its date is not known)."""


def as_of(order: OrderFile, today: date, messages: Sequence[Message] | None = None) -> AsOf:
    """``order`` as it stood on ``today``. ``messages`` are the case's messages when they come
    from a chat export (:func:`orderpack.chat.load_messages`); without them an export counts
    as the buyer having written, on a date not known."""
    inline = order.messages if isinstance(order.messages, list) else None
    given = list(messages) if messages is not None else list(inline or [])
    given.sort(key=lambda message: instant(message.at))
    kept = [m for m in given if m.at.date() <= today]
    ignored = [Ignored("message", m.at.date()) for m in given if m.at.date() > today]
    update: dict[str, Any] = {}
    if inline is not None:
        update["messages"] = [m for m in inline if m.at.date() <= today]
    if order.tracking is not None:
        events = [e for e in order.tracking.events if e.at.date() <= today]
        ignored += [Ignored("tracking_event", e.at.date())
                    for e in order.tracking.events if e.at.date() > today]
        if len(events) != len(order.tracking.events):
            update["tracking"] = order.tracking.model_copy(update={"events": events})
    opened = order.dispute.opened
    if opened is not None and opened > today:
        ignored.append(Ignored("dispute_opened", opened))
        update["dispute"] = order.dispute.model_copy(update={"opened": None})
    first = next((m.at.date() for m in kept if m.sender == "buyer"), None)
    unread_export = messages is None and order.messages is not None and inline is None
    return AsOf(order=order.model_copy(update=update) if update else order, messages=kept,
                ignored=sorted(ignored, key=lambda item: item.date),
                wrote_to_seller=first is not None or unread_export, first_contact=first)


def ignored_words(ignored: Sequence[Ignored], today: date) -> Note | None:
    """"Dated after 26 November 2026, so left out of the plan: 2 messages, the dispute opened
    on 28 November 2026." — or None when nothing was left out."""
    if not ignored:
        return None
    items = []
    for kind in ("message", "tracking_event"):
        count = sum(1 for item in ignored if item.kind == kind)
        if count:
            items.append(say(f"ignored.{kind}", count=count))
    items += [say("ignored.dispute_opened", date=item.date)
              for item in ignored if item.kind == "dispute_opened"]
    return say("ignored", today=today, items=tuple(items))


# --- dates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dated:
    date: date
    label: str
    source: str
    unconfirmed: bool
    own_doubt: bool
    """The rule itself is unconfirmed (not merely counted from an unconfirmed date)."""
    note: str | None
    order: int
    public: bool
    estimated: bool = False


def order_date(order: OrderFile, name: str) -> date | None:
    """One of the order file's dates, by its ORDER_DATES name."""
    section, field_name = ORDER_DATES[name]
    value: Any = getattr(getattr(order, section), field_name)
    return value if isinstance(value, date) else None


def _evaluate(order: OrderFile, profile: Profile, case_dates: dict[str, date]
              ) -> tuple[dict[str, _Dated], dict[str, str]]:
    """The dates ``profile``'s rules give for ``order``, and for each rule that could not be
    worked out, the date it is missing."""
    dated: dict[str, _Dated] = {}
    for name, (section, field_name) in ORDER_DATES.items():
        value = order_date(order, name)
        if value is not None:
            dated[name] = _Dated(value, profile.date_label(name),
                                 f"order file ({section}.{field_name})", unconfirmed=False,
                                 own_doubt=False, note=None, order=len(dated), public=True)
    anchors = {rule.anchor for rule in profile.rules}
    for name, value in case_dates.items():
        if name in anchors:
            dated[name] = _Dated(value, CASE_DATES[name], "order file (messages)",
                                 unconfirmed=False, own_doubt=False, note=None,
                                 order=len(dated), public=True)
    missing: dict[str, str] = {}
    for rule in profile.rules:
        if rule.id in dated:
            continue  # the order file's own date wins over an estimate
        anchor = dated.get(rule.anchor)
        if anchor is None:
            missing[rule.id] = missing.get(rule.anchor, rule.anchor)
            continue
        day = shift(anchor.date, rule)
        floor = dated.get(rule.not_before) if rule.not_before else None
        if floor is not None and floor.date > day:
            day = floor.date
        unconfirmed = rule.unconfirmed or anchor.unconfirmed
        dated[rule.id] = _Dated(
            day, rule.label, rule.source, unconfirmed=unconfirmed, own_doubt=rule.unconfirmed,
            note=rule.note, order=len(dated), public=rule.public and not unconfirmed,
            estimated=rule.id in ORDER_DATES)
    return dated, missing


def compute(order: OrderFile, profile: Profile, today: date,
            messages: Sequence[Message] | None = None) -> Status:
    """Where the case stands on ``today``, by ``profile``'s rules.

    ``messages``: the case's messages when they come from a chat export; see :func:`as_of`.
    """
    profile = profiles.localised(profile)
    view = as_of(order, today, messages)
    order = view.order
    case_dates = {"first_contact": view.first_contact} if view.first_contact else {}
    dated, missing = _evaluate(order, profile, case_dates)
    route = _route(order, profile, dated)
    timeline = sorted(dated.items(), key=lambda item: (item[1].date, item[1].order))
    key_dates = [
        KeyDate(id=name, label=d.label, date=d.date, days_from_today=(d.date - today).days,
                unconfirmed=d.unconfirmed, source=d.source, note=d.note, public=d.public,
                estimated=d.estimated)
        for name, d in timeline
    ]
    planner = _Planner(order, profile, today, dates={name: d.date for name, d in timeline},
                       missing=missing, route=route, view=view)
    stage, stage_text, action = planner.plan()
    warnings = planner.warnings(stage) + _doubts(profile, order, dated, missing, today)
    ignored = ignored_words(view.ignored, today)
    if ignored:
        warnings.insert(0, ignored)
    fallback = profiles.fallback_of(profile)
    action = _with_advice(action, stage, profile,
                          profiles.localised(fallback) if fallback else None)
    due_now = action.id not in ("wait", "wait_for_reply", "wait_for_decision", "last_resort") \
        and (action.now or (action.due is not None and action.due <= today)
             or stage == "last_days")
    return Status(
        platform=profile.id, today=today, stage=stage, stage_text=stage_text,
        dates={name: d.date for name, d in timeline}, key_dates=key_dates,
        next_action=action, warnings=warnings,
        headline=say("headline", summary=action.summary) if due_now and action.summary
        else None,
        route=route, reasons=_reasons(order, profile, today),
        upload=upload_advice(profile, len(order.evidence)), ignored=view.ignored,
        platform_name=profile.name, order_number=order.order.number, store=order.order.store,
        steps=tuple(profile.steps), destination=Destination(profile.id, profile.name,
                                                            profile.limits))


# --- the route after the platform's own --------------------------------------------------------


def _route(order: OrderFile, profile: Profile, dated: dict[str, _Dated]) -> Route | None:
    """The route by the payment, with its dates added to ``dated``."""
    card = profiles.fallback_of(profile)
    if card is None or profile.fallback is None:
        return None
    card = profiles.localised(card)
    paid = payment.read(order.order)
    card_dates, _ = _evaluate(order, card, {})
    limit = card_dates.get(card.window_closes)
    recommended = card_dates.get("open_dispute_by")
    network = card.networks.get(paid.network) if paid.network else None
    if paid.method == "paypal" and profile.id != "paypal" and profile.paypal_cover is not None \
            and profile.paypal_cover.applies:
        return _paypal_route(order, profile, dated)
    if paid.method == "bank_transfer":
        return Route("check_payment", paid.method, None, None, False, None, None,
                     say("route.bank_transfer"), "check_payment")
    if limit is None or recommended is None:
        return None
    via_paypal = paid.method == "paypal"
    if network is not None:
        # The network's own label, quoted as it publishes it (the bank's staff know it).
        code = say("route.code", network=network.name, reason_code=network.reason_code,
                   reason_label=network.reason_label)
        limit_label = i18n.gettext("%(network)s's limit for a chargeback (your bank's deadline)",
                                   network=network.name)
    else:
        names = [f"{n.name} {n.reason_code}" for n in card.networks.values()]
        code = say("route.code.any", codes=i18n.or_list(names))
        limit_label = limit.label
    if paid.method is None or paid.method == "other":
        limit_label = i18n.gettext("%(label)s — if you paid by card", label=limit_label)
    fallback = profile.fallback
    dated[fallback.date_id] = _Dated(limit.date, limit_label, limit.source, limit.unconfirmed,
                                     limit.own_doubt, limit.note, order=len(dated), public=False)
    dated[fallback.recommended_id] = _Dated(
        recommended.date, recommended.label, recommended.source, recommended.unconfirmed,
        recommended.own_doubt, recommended.note, order=len(dated), public=False)
    by = say("route.by", recommended=recommended.date, limit=limit.date,
             margin=(limit.date - recommended.date).days)
    if via_paypal:
        card_words = (say("route.paypal_card.network", network=network.name) if network
                      else say("route.paypal_card"))
        text = say("route.card_behind_paypal" if profile.id == "paypal"
                   else "route.card_behind_paypal.not_covered", platform=profile.name,
                   card=card_words, code=code, by=by)
        return Route("card_chargeback", paid.method, paid.network,
                     network.reason_code if network else None, True, limit.date,
                     recommended.date, text, "chargeback")
    if paid.method == "card":
        text = say("route.card", code=code, by=by)
        return Route("card_chargeback", "card", paid.network,
                     network.reason_code if network else None, False, limit.date,
                     recommended.date, text, "chargeback")
    how = (say("route.how.unreadable", described=paid.described) if paid.described
           else say("route.how.unsaid"))
    text = say("route.check_payment", how=how, code=code, by=by)
    return Route("check_payment", paid.method, None, None, False, limit.date, recommended.date,
                 text, "check_payment")


def _paypal_route(order: OrderFile, profile: Profile, dated: dict[str, _Dated]) -> Route | None:
    """PayPal's own Buyer Protection, for an order of another platform paid with PayPal."""
    folder = profile.path.parent if profile.path else None
    paypal = profiles.localised(profiles.load("paypal", folder))
    paypal_dates, _ = _evaluate(order, paypal, {})
    last = paypal_dates.get("open_dispute_by")
    if last is None:
        return None
    cover = profile.paypal_cover
    dated["paypal_dispute_by"] = _Dated(
        last.date, i18n.gettext("Open a PayPal dispute by (180 days after the payment)"),
        cover.source if cover else last.source, last.unconfirmed, last.own_doubt, last.note,
        order=len(dated), public=False)
    text = say("route.paypal_dispute", last=last.date, platform=profile.name)
    return Route("paypal_dispute", "paypal", None, None, False, last.date, last.date, text,
                 "paypal_dispute")


# --- reasons and uploads -----------------------------------------------------------------------


def fitting_reason(order: OrderFile, profile: Profile, today: date) -> str:
    """The id of the platform's reason that fits the order file's facts best."""
    ids = profile.reason_ids
    summary = summarize(order.tracking, today)
    last = (summary.last.status.casefold() if summary.last else "")
    candidates = []
    if "return" in last:
        candidates.append("returned_to_sender")
    if "customs" in last:
        candidates.append("held_at_customs")
    if summary.last is None:
        candidates.append("no_tracking_info")
    elif summary.days_since_last is not None and summary.days_since_last >= 10:
        candidates.append("no_tracking_update")
    return next((reason for reason in candidates if reason in ids), "not_received")


def _reasons(order: OrderFile, profile: Profile, today: date) -> list[ReasonChoice]:
    fits = fitting_reason(order, profile, today)
    return [ReasonChoice(reason.id, reason.label, reason.id == fits,
                         reason.id == order.dispute.reason) for reason in profile.reasons]


def upload_advice(profile: Profile, exhibits: int) -> str:
    """What to upload where: the form's own files, and what to keep the PDF for."""
    from orderpack.evidence import exhibit_label

    if exhibits == 0:
        images = i18n.gettext("the images in exhibits/")
    elif exhibits == 1:
        images = "exhibits/A"
    else:
        images = f"exhibits/A–{exhibit_label(exhibits - 1)}"
    takes, name = profile.upload.takes, profile.name
    if takes == "images":
        return i18n.gettext("%(platform)s's form takes images: upload %(images)s; keep "
                            "evidence.pdf for an escalation or your bank.",
                            platform=name, images=images)
    if takes == "images_and_pdf":
        return i18n.gettext("%(platform)s's form takes images and PDF files: attach "
                            "evidence.pdf, and %(images)s where it asks for pictures.",
                            platform=name, images=images)
    if takes == "bank":
        return i18n.gettext("Send evidence.pdf to your card issuer with the cover letter "
                            "(orderpack message chargeback); ask them how they take documents.")
    return i18n.gettext("What %(platform)s's form accepts is not known: attach evidence.pdf if "
                        "it takes PDF files, otherwise upload %(images)s.",
                        platform=name, images=images)


# --- deciding the next step ------------------------------------------------------------------


def deadline_words(profile: Profile) -> str:
    """The delivery deadline as the platform calls it, mid-sentence, in the language in use:
    latest estimated delivery date."""
    return profiles.said(profile, profiles.phrases(profile)["deadline_words"])


def compared(closes: date, deadline: date) -> Note:
    """How the end of the window stands to the delivery deadline, in words that are true."""
    days = (closes - deadline).days
    if days < 0:
        return say("compared.before", days=-days, deadline=deadline)
    if days == 0:
        return say("compared.same_day", deadline=deadline)
    return say("compared.after", days=days, deadline=deadline)


class _Planner:
    """The stage and the next action: one decision, read top to bottom."""

    def __init__(self, order: OrderFile, profile: Profile, today: date, *,
                 dates: dict[str, date], missing: dict[str, str], route: Route | None,
                 view: AsOf) -> None:
        self.order, self.profile, self.today = order, profile, today
        self.dates, self.missing, self.route, self.view = dates, missing, route, view
        self.words = profiles.phrases(profile)
        """The platform's words, English (the sentences translate them: wording.say_for)."""
        self.help = profiles.said(profile, self.words["help"])

    def d(self, name: str) -> date | None:
        return self.dates.get(name)

    def plan(self) -> tuple[str, Note, Action]:
        if self.d("opened") is not None:
            return self._dispute_open()
        return self._before_dispute()

    def _action(self, action_id: str, due: date | None, text: Note, now: bool = False) -> Action:
        return Action(action_id, due, text, self._summary(action_id), now)

    def _summary(self, action_id: str) -> str:
        platform = {"extension": "extend_it", "open_dispute": "open_it", "escalate": "escalate_it"}
        if action_id in platform:
            return profiles.said(self.profile, self.words[platform[action_id]])
        summaries = {
            "add_date": i18n.mark("add the missing date to the order file"),
            "wait": i18n.mark("wait"),
            "seller": i18n.mark("write to the seller"),
            "wait_for_reply": i18n.mark("wait for the seller's answer"),
            "wait_for_decision": i18n.mark("wait for the decision"),
            "chargeback": i18n.mark("ask your card issuer for a chargeback"),
            "paypal_dispute": i18n.mark("open a PayPal dispute"),
            "check_payment": i18n.mark("check how you paid, and what that payment allows"),
            "last_resort": i18n.mark("keep your evidence"),
        }
        return i18n.gettext(summaries[action_id]) if action_id in summaries else \
            action_id.replace("_", " ")

    def say(self, note_id: str, /, **params: Param) -> Note:
        """The note ``note_id`` with the platform's words and ``params``."""
        return say_for(self.profile.id, self.words, note_id, platform=self.profile.name,
                       **params)

    def _before_dispute(self) -> tuple[str, Note, Action]:
        today, p = self.today, self.profile
        deadline = self.dates["delivery_deadline"]
        last = self.d("open_dispute_by")
        closes = self.d(p.window_closes)
        earliest = self.d("earliest_dispute")
        extension = self.d("request_extension_by")
        if last is None or closes is None:
            return self._missing_date()
        if today > closes:
            return self._closed(self.say("stage.too_late", closes=closes))
        late = today > deadline
        contact_from = self.d("contact_seller_from") or deadline + timedelta(days=1)
        if p.contact_seller_first and not self.view.wrote_to_seller and today >= contact_from:
            return self._seller_first(deadline, earliest, last, closes, late)
        if earliest is not None and today < earliest and (
                late or (extension is not None and today > extension)):
            return self._too_early(deadline, earliest, last, closes, late)
        if today > last:
            return ("last_days", self.say("stage.last_days", closes=closes),
                    self._action("open_dispute", closes,
                                 self.say("action.open_dispute.today", closes=closes)))
        if late or (extension is not None and today > extension):
            why = (self.say("stage.time_to_act", deadline=deadline) if late
                   else self.say("stage.time_to_act.extension_passed", closes=closes,
                                 compared=compared(closes, deadline),
                                 extension=extension or closes))
            text = [self.say("action.open_dispute.by", last=last)]
            if last < closes:
                text.append(self.say("action.open_dispute.margin", closes=closes))
            if extension is not None and today <= extension:
                text.append(self.say("action.open_dispute.or_extension", extension=extension))
            return ("dispute_window", why,
                    self._action("open_dispute", last, sentences(text)))
        stage_text = self.say("stage.waiting", deadline=deadline)
        if extension is not None and extension <= deadline:
            return ("waiting", stage_text, self._action(
                "extension", extension,
                self.say("action.extension", extension=extension, closes=closes,
                         compared=compared(closes, deadline))))
        if self._seller_time():
            return ("waiting", stage_text, self._action(
                "seller", deadline, self.say("action.seller.update", deadline=deadline,
                                             tracking=self._tracking_words())))
        return ("waiting", stage_text, self._action(
            "wait", deadline, self.say("action.wait.parcel", deadline=deadline)))

    def _seller_first(self, deadline: date, earliest: date | None, last: date, closes: date,
                      late: bool) -> tuple[str, Note, Action]:
        """The platform wants the seller asked first, and the buyer has not written yet."""
        today = self.today
        wait = next((r for r in self.profile.rules if r.id == "seller_wait_ends"), None)
        after = shift(today, wait) if wait is not None else today
        can_open = max(after, earliest) if earliest is not None else after
        stage_text = self.say("stage.late" if late else "stage.deadline", deadline=deadline)
        text = [self.say("action.seller.first")]
        if can_open <= closes:
            text.append(self.say("action.seller.first.then", can_open=can_open, last=last))
        else:
            text.append(self.say("action.window_ends", closes=closes))
        return ("overdue" if late else "waiting", stage_text,
                self._action("seller", today, sentences(text)))

    def _too_early(self, deadline: date, earliest: date, last: date, closes: date,
                   late: bool) -> tuple[str, Note, Action]:
        """A dispute is wanted but cannot be opened yet."""
        if late:
            stage_text = self.say("stage.late.too_early", deadline=deadline, earliest=earliest)
        else:
            stage_text = self.say("stage.too_early", closes=closes, earliest=earliest,
                                  compared=compared(closes, deadline))
        if earliest > closes:
            step = "extension" if "extension" in self.profile.steps else "seller"
            return ("overdue", stage_text, self._action(
                step, self.today,
                self.say(f"action.{step}.before_earliest", closes=closes, earliest=earliest)))
        by = last if last >= earliest else closes
        stage = "overdue" if late else "waiting"
        if self.view.wrote_to_seller:
            return (stage, stage_text, self._action(
                "wait", earliest, self.say("action.wait.earliest", earliest=earliest, by=by)))
        due = self.d("contact_seller_from")
        due = self.today if due is None or due < self.today else due
        return (stage, stage_text, self._action(
            "seller", due,
            self.say("action.seller.what_happened", deadline=deadline, earliest=earliest,
                     by=by)))

    def _dispute_open(self) -> tuple[str, Note, Action]:
        today = self.today
        opened = self.dates["opened"]
        reply = self.d("seller_reply_due")
        escalate = self.d("escalate_by")
        decision = self.d("decision_by")
        stage_text = self.say("stage.dispute_open", opened=opened)
        if escalate is not None and today > escalate:
            return self._closed(self.say("stage.escalate_passed", escalate=escalate))
        if reply is not None and today <= reply:
            return ("dispute_open", stage_text, self._action(
                "wait_for_reply", reply, self.say("action.wait_for_reply", reply=reply)))
        route_due = self.route.due(today) if self.route else None
        if reply is not None:
            text = [self.say("action.escalate.reply_ended", reply=reply)]
            due = escalate
            if escalate is not None:
                text.append(self.say("action.escalate.by", escalate=escalate))
            else:
                text.append(self.say("action.escalate.now"))
                if route_due is not None and self.route is not None:
                    due = route_due
                    text.append(self.say("action.escalate.then_route", route_due=route_due,
                                         route=self.route.text))
            return ("escalation", self.say("stage.reply_ended", reply=reply),
                    self._action("escalate", due, sentences(text)))
        if escalate is not None:
            return ("dispute_open", stage_text, self._action(
                "escalate", escalate,
                self.say("action.escalate.as_soon_as", summary=self._summary("escalate"),
                         escalate=escalate, days=(escalate - opened).days)))
        if decision is not None and today > decision:
            return ("escalation", self.say("stage.decision_expected", decision=decision),
                    self._action("escalate", None, self.say("action.escalate.decision_late",
                                                            decision=decision)))
        text = [self.say("action.wait_for_decision.by", decision=decision) if decision
                else self.say("action.wait_for_decision"), self.say("action.answer_quickly")]
        return ("dispute_open", stage_text,
                self._action("wait_for_decision", decision, sentences(text)))

    def _closed(self, why: Note) -> tuple[str, Note, Action]:
        """The platform's own route has ended: the route the payment leaves."""
        route = self.route
        due = route.due(self.today) if route is not None else None
        if route is not None and (due is not None or route.last_day is None):
            text = [self.say("action.route", route=route.text)]
            late = due is not None and route.recommended_by is not None \
                and self.today > route.recommended_by
            if late and route.recommended_by is not None:
                text.insert(0, self.say("action.route.late", recommended=route.recommended_by))
            text.append(self.say("action.route.ask_platform"))
            return ("window_closed", why,
                    self._action(route.action, due, sentences(text), now=late))
        with_card = route is not None and route.id == "card_chargeback"
        return ("closed", why, self._action("last_resort", None, self.say(
            "action.last_resort.card" if with_card else "action.last_resort")))

    def _missing_date(self) -> tuple[str, Note, Action]:
        needed = self.missing.get("open_dispute_by") or self.missing.get(
            self.profile.window_closes, self.profile.window_closes)
        section, field_name = ORDER_DATES.get(needed, ("shipping", needed))
        label = self.profile.date_label(needed)
        where = self.profile.dates.get(needed)
        add = (self.say("action.add_date.where", field=field_name, section=section,
                        label=label, where=where.where) if where and where.where
               else self.say("action.add_date", field=field_name, section=section, label=label))
        return ("missing_date", self.say("stage.missing_date", label=label),
                self._action("add_date", None,
                             sentences([add, self.say("action.add_date.why")])))

    def _seller_time(self) -> bool:
        """Time to ask the seller: the rule's wait has passed since shipping and since the last
        tracking event, and the buyer has not written yet."""
        start = self.d("contact_seller_from")
        rule = next((r for r in self.profile.rules if r.id == "contact_seller_from"), None)
        if start is None or rule is None or self.today < start or self.view.wrote_to_seller:
            return False
        last = summarize(self.order.tracking, self.today).last
        return last is None or shift(last.at.date(), rule) <= self.today

    def _tracking_words(self) -> Note:
        last = summarize(self.order.tracking, self.today).last
        if last is None:
            return say("tracking.none")
        return say("tracking.unchanged", last=last.at.date())

    def warnings(self, stage: str) -> list[Note]:
        today, out = self.today, []
        placed = self.dates["placed"]
        if today < placed:
            out.append(self.say("warning.today_before_order", today=today, placed=placed))
        updates = self.d("tracking_updates_by")
        if updates is not None and today < updates and not summarize(
                self.order.tracking, today).events:
            rule = next(r for r in self.profile.rules if r.id == "tracking_updates_by")
            out.append(self.say("warning.too_early", why=rule.note or rule.label,
                                until=updates))
        out += self._route_warnings(stage)
        if stage not in ("waiting", "overdue", "dispute_window", "last_days"):
            return out
        closes = self.d(self.profile.window_closes)
        last = self.d("open_dispute_by")
        extension = self.d("request_extension_by")
        if extension is not None and today > extension:
            out.append(self.say("warning.extension_passed", extension=extension))
        if closes is None or last is None or (closes - today).days > 7:
            return out
        left = (closes - today).days
        if left == 0:
            note_id = "warning.window_ends_today"
        elif today >= last:
            note_id = "warning.window_ends.open_today"
        elif last == closes:
            note_id = "warning.window_ends.open_now"
        else:
            note_id = "warning.window_ends.open_by"
        out.append(self.say(note_id, days=left, closes=closes, last=last))
        return out

    def _route_warnings(self, stage: str) -> list[Note]:
        """The route after the platform's: once it has ended, when it is near, and when the
        platform's own time outlasts it."""
        route, today = self.route, self.today
        if route is None or route.last_day is None or route.recommended_by is None:
            return []
        kind = "paypal_dispute" if route.id == "paypal_dispute" else "card_chargeback"
        terms: dict[str, Param] = {
            "route_noun": say(f"route.noun.{kind}"),
            "limit_words": say(f"route.limit_words.{kind}"),
            "limit": route.last_day, "recommended": route.recommended_by}
        if today > route.last_day:
            return [self.say("warning.route_ended", **terms)]
        if stage == "window_closed":
            return []  # the next step is the route itself
        platform_until = max((day for day in (self.d(self.profile.window_closes),
                                              self.d("escalate_by")) if day is not None),
                             default=None)
        if stage in ("dispute_open", "escalation") and self.d("escalate_by") is not None:
            platform_until = self.d("escalate_by")
        if today >= route.recommended_by - timedelta(days=FALLBACK_NOTICE_DAYS):
            return [self.say("warning.route_near", **terms)]
        if platform_until is not None and platform_until > route.last_day:
            return [self.say("warning.route_shorter", platform_until=platform_until, **terms)]
        return []


def _doubts(profile: Profile, order: OrderFile, dated: dict[str, _Dated],
            missing: dict[str, str], today: date) -> list[Note]:
    """Estimates to check, dates to add, and unconfirmed figures still ahead."""
    out = []
    for name, (section, field_name) in ORDER_DATES.items():
        if name == "opened" or order_date(order, name) is not None:
            continue
        hint = profile.dates.get(name)
        where = hint.where if hint and hint.where else None
        estimate = dated.get(name)
        if estimate is not None:
            note_id = ("warning.estimated_date" + (".note" if estimate.note else "")
                       + (".where" if where else ""))
            out.append(say(note_id, field=field_name, label=estimate.label, date=estimate.date,
                           note=estimate.note, where=where, section=section))
            continue
        needing = [profile.date_label(rule) for rule, anchor in missing.items() if anchor == name]
        if needing:
            out.append(say("warning.missing_date.where" if where else "warning.missing_date",
                           field=field_name, label=profile.date_label(name),
                           needing="; ".join(needing), section=section, where=where))
    for name, d in dated.items():
        if d.own_doubt and name not in ORDER_DATES and d.date >= today:
            out.append(say("warning.unconfirmed", label=d.label, date=d.date,
                           why=d.note or d.source))
    return out


def _with_advice(action: Action, stage: str, profile: Profile,
                 fallback: Profile | None) -> Action:
    """The action's text with the profile's advice for it; once the platform's window has
    closed, the fallback route's advice instead. Unconfirmed advice says so."""
    wanted: tuple[str, ...]
    if stage == "window_closed":
        source, wanted = (fallback, ("chargeback",)) if action.id == "chargeback" else (None, ())
    elif stage == "closed":
        source, wanted = None, ()
    else:
        source, wanted = profile, (action.id,)
    extra = [say("advice.unconfirmed" if advice.unconfirmed else "advice", text=advice.text)
             for advice in (source.advice if source else [])
             if any(name in advice.when for name in wanted)]
    if not extra:
        return action
    return Action(action.id, action.due, sentences([*parts(action.text), *extra]), action.summary,
                  action.now)
