"""The timeline of a case: its key dates, where it stands, and the one thing to do next.

The platform's rules come from its profile (:mod:`orderpack.profiles`); this module
evaluates them without knowing the platform. ``today`` is always passed in: nothing
here reads the clock. All dates are calendar dates in the buyer's time zone.

``today`` is also a what-if date: messages, tracking events and a dispute opening dated
after it are left out of the plan (and listed in ``Status.ignored``).

Every sentence the planner writes must be true of the dates it states: where two dates
are compared in words ("before the parcel is due"), the words follow the comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from orderpack import payment, profiles
from orderpack.destinations import Destination
from orderpack.model import Message, OrderFile, instant
from orderpack.profiles import CASE_DATES, ORDER_DATES, Limits, Profile, Rule
from orderpack.tracking import summarize
from orderpack.words import long_date, lower_start, plural, sentence_start, when, with_article

#: Stages, in the order a case usually goes through them.
STAGES = ("missing_date", "waiting", "overdue", "dispute_window", "last_days", "dispute_open",
          "escalation", "window_closed", "closed")

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
    text: str
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
    text: str
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
    stage_text: str
    dates: dict[str, date]
    """Every date that could be worked out, in timeline order."""
    key_dates: list[KeyDate]
    """The same dates with labels and sources, in timeline order."""
    next_action: Action
    warnings: list[str]
    headline: str | None = None
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


def ignored_words(ignored: Sequence[Ignored], today: date) -> str | None:
    """"Dated after 26 November 2026, so left out of the plan: 2 messages, the dispute opened
    on 28 November 2026." — or None when nothing was left out."""
    if not ignored:
        return None
    parts = []
    for kind, word in (("message", "message"), ("tracking_event", "tracking event")):
        count = sum(1 for item in ignored if item.kind == kind)
        if count:
            parts.append(plural(count, word))
    parts += [f"the dispute opened on {long_date(item.date)}"
              for item in ignored if item.kind == "dispute_opened"]
    return (f"Dated after {long_date(today)}, so left out of the plan: "
            f"{', '.join(parts)}.")


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
    planner = _Planner(order, profile, today, {name: d.date for name, d in timeline}, missing,
                       route, view)
    stage, stage_text, action = planner.plan()
    warnings = planner.warnings(stage) + _doubts(profile, order, dated, missing, today)
    ignored = ignored_words(view.ignored, today)
    if ignored:
        warnings.insert(0, ignored)
    action = _with_advice(action, stage, profile, profiles.fallback_of(profile))
    due_now = action.id not in ("wait", "wait_for_reply", "wait_for_decision", "last_resort") \
        and (action.now or (action.due is not None and action.due <= today)
             or stage == "last_days")
    return Status(
        platform=profile.id, today=today, stage=stage, stage_text=stage_text,
        dates={name: d.date for name, d in timeline}, key_dates=key_dates,
        next_action=action, warnings=warnings,
        headline=f"Today: {action.summary}." if due_now and action.summary else None,
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
                     "a bank transfer has no card chargeback: ask your bank whether it can "
                     "recall the payment, and keep your evidence", "check_payment")
    if limit is None or recommended is None:
        return None
    via_paypal = paid.method == "paypal"
    if network is not None:
        code = f"{network.name} reason {network.reason_code}, {network.reason_label.lower()}"
        limit_label = f"{network.name}'s limit for a chargeback (your bank's deadline)"
    else:
        names = [f"{n.name} {n.reason_code}" for n in card.networks.values()]
        code = " or ".join(names) + ", whichever network your card uses"
        limit_label = limit.label
    if paid.method is None or paid.method == "other":
        limit_label += " — if you paid by card"
    fallback = profile.fallback
    dated[fallback.date_id] = _Dated(limit.date, limit_label, limit.source, limit.unconfirmed,
                                     limit.own_doubt, limit.note, order=len(dated), public=False)
    dated[fallback.recommended_id] = _Dated(
        recommended.date, recommended.label, recommended.source, recommended.unconfirmed,
        recommended.own_doubt, recommended.note, order=len(dated), public=False)
    margin = plural((limit.date - recommended.date).days, "day")
    by = (f"by {long_date(recommended.date)} (recommended, {margin} before the network's limit "
          f"of {long_date(limit.date)})")
    if via_paypal:
        card_words = (f"the {network.name} card behind your PayPal payment" if network
                      else "the card behind your PayPal payment")
        why = ("" if profile.id == "paypal" else
               f"PayPal's Buyer Protection does not cover {profile.name} orders, so ")
        text = (f"{why}ask the issuer of {card_words} for a chargeback ({code}) {by}; if PayPal "
                f"took the money from your bank account or PayPal balance, there is no card to "
                f"charge back: ask PayPal and your bank what they can do")
        return Route("card_chargeback", paid.method, paid.network,
                     network.reason_code if network else None, True, limit.date,
                     recommended.date, text, "chargeback")
    if paid.method == "card":
        text = f"ask your card issuer for a chargeback ({code}) {by}"
        return Route("card_chargeback", "card", paid.network,
                     network.reason_code if network else None, False, limit.date,
                     recommended.date, text, "chargeback")
    how = (f"orderpack cannot tell how you paid from “{paid.described}”" if paid.described
           else "the order file does not say how you paid (`order.payment`)")
    text = (f"{how}: if you paid by card, ask your card issuer for a chargeback ({code}) {by}; "
            f"with PayPal, open a PayPal dispute within 180 days of the payment; after a bank "
            f"transfer, ask your bank")
    return Route("check_payment", paid.method, None, None, False, limit.date, recommended.date,
                 text, "check_payment")


def _paypal_route(order: OrderFile, profile: Profile, dated: dict[str, _Dated]) -> Route | None:
    """PayPal's own Buyer Protection, for an order of another platform paid with PayPal."""
    folder = profile.path.parent if profile.path else None
    paypal = profiles.load("paypal", folder)
    paypal_dates, _ = _evaluate(order, paypal, {})
    last = paypal_dates.get("open_dispute_by")
    if last is None:
        return None
    cover = profile.paypal_cover
    dated["paypal_dispute_by"] = _Dated(
        last.date, "Open a PayPal dispute by (180 days after the payment)",
        cover.source if cover else last.source, last.unconfirmed, last.own_doubt, last.note,
        order=len(dated), public=False)
    text = (f"open a PayPal dispute (Item Not Received) by {long_date(last.date)}, 180 days "
            f"after the payment: PayPal's Buyer Protection covers {profile.name} orders paid "
            f"with PayPal")
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
        images = "the images in exhibits/"
    elif exhibits == 1:
        images = "exhibits/A"
    else:
        images = f"exhibits/A–{exhibit_label(exhibits - 1)}"
    takes = profile.upload.takes
    if takes == "images":
        return (f"{profile.name}'s form takes images: upload {images}; keep evidence.pdf for an "
                f"escalation or your bank.")
    if takes == "images_and_pdf":
        return (f"{profile.name}'s form takes images and PDF files: attach evidence.pdf, and "
                f"{images} where it asks for pictures.")
    if takes == "bank":
        return ("Send evidence.pdf to your card issuer with the cover letter (orderpack message "
                "chargeback); ask them how they take documents.")
    return (f"What {profile.name}'s form accepts is not known: attach evidence.pdf if it takes "
            f"PDF files, otherwise upload {images}.")


# --- deciding the next step ------------------------------------------------------------------


def deadline_words(profile: Profile) -> str:
    """The delivery deadline as the platform calls it, mid-sentence: latest estimated
    delivery date."""
    label = profile.date_label("delivery_deadline")
    return label[:1].lower() + label[1:]


def compared(closes: date, deadline: date) -> str:
    """How the end of the window stands to the delivery deadline, in words that are true."""
    days = (closes - deadline).days
    if days < 0:
        return f"{plural(-days, 'day')} before the parcel is due ({long_date(deadline)})"
    if days == 0:
        return f"on the day the parcel is due ({long_date(deadline)})"
    return f"only {plural(days, 'day')} after the parcel is due ({long_date(deadline)})"


class _Planner:
    """The stage and the next action: one decision, read top to bottom."""

    def __init__(self, order: OrderFile, profile: Profile, today: date,
                 dates: dict[str, date], missing: dict[str, str], route: Route | None,
                 view: AsOf) -> None:
        self.order, self.profile, self.today = order, profile, today
        self.dates, self.missing, self.route, self.view = dates, missing, route, view
        terms = profile.terms
        self.dispute, self.window, self.help = terms.dispute, terms.window, terms.customer_service
        self.a_dispute = with_article(terms.dispute)
        self.open_it = terms.open_action or f"open {self.a_dispute} on {profile.name}"
        self.deadline_words = deadline_words(profile)

    def d(self, name: str) -> date | None:
        return self.dates.get(name)

    def plan(self) -> tuple[str, str, Action]:
        if self.d("opened") is not None:
            return self._dispute_open()
        return self._before_dispute()

    def _action(self, action_id: str, due: date | None, text: str, now: bool = False) -> Action:
        return Action(action_id, due, text, self._summary(action_id), now)

    def _summary(self, action_id: str) -> str:
        escalate = next((r.label for r in self.profile.rules if r.id == "escalate_by"), None)
        return {
            "add_date": "add the missing date to the order file",
            "wait": "wait",
            "seller": "write to the seller",
            "extension": f"ask {self.help} to extend {self.window}",
            "open_dispute": self.open_it,
            "wait_for_reply": "wait for the seller's answer",
            "wait_for_decision": "wait for the decision",
            "escalate": (lower_start(escalate.removesuffix(" by")) if escalate
                         else f"escalate the {self.dispute} to {self.help}"),
            "chargeback": "ask your card issuer for a chargeback",
            "paypal_dispute": "open a PayPal dispute",
            "check_payment": "check how you paid, and what that payment allows",
            "last_resort": "keep your evidence",
        }.get(action_id, action_id.replace("_", " "))

    def _before_dispute(self) -> tuple[str, str, Action]:
        today, p = self.today, self.profile
        deadline = self.dates["delivery_deadline"]
        last = self.d("open_dispute_by")
        closes = self.d(p.window_closes)
        earliest = self.d("earliest_dispute")
        extension = self.d("request_extension_by")
        if last is None or closes is None:
            return self._missing_date()
        if today > closes:
            return self._closed(f"{sentence_start(self.window)} ended on {long_date(closes)}, so "
                                f"it is too late to {self.open_it}.")
        late = today > deadline
        contact_from = self.d("contact_seller_from") or deadline + timedelta(days=1)
        if p.contact_seller_first and not self.view.wrote_to_seller and today >= contact_from:
            return self._seller_first(deadline, earliest, last, closes, late)
        if earliest is not None and today < earliest and (
                late or (extension is not None and today > extension)):
            return self._too_early(deadline, earliest, last, closes, late)
        if today > last:
            return ("last_days", f"Last days: {self.window} ends on {long_date(closes)}.",
                    self._action("open_dispute", closes,
                                 f"{sentence_start(self.open_it)} today: {self.window} ends on "
                                 f"{long_date(closes)}."))
        if late or (extension is not None and today > extension):
            why = (f"the {self.deadline_words} ({long_date(deadline)}) has passed" if late
                   else f"{self.window} ends on {long_date(closes)}, "
                        f"{compared(closes, deadline)}, and the day to ask for an extension "
                        f"({long_date(extension or closes)}) has passed")
            text = f"{sentence_start(self.open_it)} by {long_date(last)}."
            if last < closes:
                text += f" That leaves a margin: {self.window} ends on {long_date(closes)}."
            if extension is not None and today <= extension:
                text += (f" If you would rather give the seller more time, ask {self.help} "
                         f"to extend {self.window} by {long_date(extension)} instead.")
            return ("dispute_window", f"Time to act: {why}.",
                    self._action("open_dispute", last, text))
        stage_text = (f"Waiting for delivery: the {self.deadline_words} "
                      f"({long_date(deadline)}) has not passed yet.")
        if extension is not None and extension <= deadline:
            return ("waiting", stage_text, self._action(
                "extension", extension,
                f"Ask {self.help} to extend {self.window} by {long_date(extension)}: it ends on "
                f"{long_date(closes)}, {compared(closes, deadline)}."))
        if self._seller_time():
            return ("waiting", stage_text, self._action(
                "seller", deadline, f"Ask the seller for an update on the parcel: "
                                    f"{self._tracking_words()}. It is due by "
                                    f"{long_date(deadline)}."))
        return ("waiting", stage_text, self._action(
            "wait", deadline, f"Wait for the parcel until {long_date(deadline)}, the "
                              f"{self.deadline_words}, and check the tracking now and then."))

    def _seller_first(self, deadline: date, earliest: date | None, last: date, closes: date,
                      late: bool) -> tuple[str, str, Action]:
        """The platform wants the seller asked first, and the buyer has not written yet."""
        today = self.today
        wait = next((r for r in self.profile.rules if r.id == "seller_wait_ends"), None)
        after = shift(today, wait) if wait is not None else today
        can_open = max(after, earliest) if earliest is not None else after
        stage_text = (f"Late: the {self.deadline_words} ({long_date(deadline)}) has passed."
                      if late else f"The {self.deadline_words} is {long_date(deadline)}.")
        text = (f"Write to the seller today: {self.profile.name} asks you to contact the seller "
                f"before you {self.open_it}.")
        if can_open <= closes:
            text += (f" If the seller has not solved it, you can {self.open_it} from "
                     f"{long_date(can_open)}, by {long_date(last)}.")
        else:
            text += f" {sentence_start(self.window)} ends on {long_date(closes)}."
        return ("overdue" if late else "waiting", stage_text, self._action("seller", today, text))

    def _too_early(self, deadline: date, earliest: date, last: date, closes: date,
                   late: bool) -> tuple[str, str, Action]:
        """A dispute is wanted but cannot be opened yet."""
        if late:
            stage_text = (f"Late: the {self.deadline_words} ({long_date(deadline)}) has "
                          f"passed; {self.a_dispute} can be opened from {long_date(earliest)}.")
        else:
            stage_text = (f"{sentence_start(self.window)} ends on {long_date(closes)}, "
                          f"{compared(closes, deadline)}; {self.a_dispute} can be opened from "
                          f"{long_date(earliest)}.")
        if earliest > closes:
            step = "extension" if "extension" in self.profile.steps else "seller"
            ask = self.help if step == "extension" else "the seller"
            return ("overdue", stage_text, self._action(
                step, self.today,
                f"Ask {ask} today to extend {self.window}: it ends on {long_date(closes)}, "
                f"before the earliest day to open {self.a_dispute} ({long_date(earliest)})."))
        by = long_date(last if last >= earliest else closes)
        stage = "overdue" if late else "waiting"
        if self.view.wrote_to_seller:
            return (stage, stage_text, self._action(
                "wait", earliest, f"Wait until {long_date(earliest)}: from then you can "
                                  f"{self.open_it}. Do it by {by}."))
        due = self.d("contact_seller_from")
        due = self.today if due is None or due < self.today else due
        return (stage, stage_text, self._action(
            "seller", due,
            f"Ask the seller what happened to the parcel: it was due by "
            f"{long_date(deadline)}. You can {self.open_it} from {long_date(earliest)}; do it "
            f"by {by}."))

    def _dispute_open(self) -> tuple[str, str, Action]:
        today = self.today
        opened = self.dates["opened"]
        reply = self.d("seller_reply_due")
        escalate = self.d("escalate_by")
        decision = self.d("decision_by")
        stage_text = f"The {self.dispute} has been open since {long_date(opened)}."
        if escalate is not None and today > escalate:
            return self._closed(
                f"The last day to escalate the {self.dispute} was {long_date(escalate)}; "
                f"if it was not escalated, it has closed.")
        if reply is not None and today <= reply:
            return ("dispute_open", stage_text, self._action(
                "wait_for_reply", reply,
                f"Wait for the seller's answer to the {self.dispute}: it is due by "
                f"{long_date(reply)}."))
        route_due = self.route.due(today) if self.route else None
        if reply is not None:
            text = f"The seller's time to answer the {self.dispute} ended on {long_date(reply)}."
            due = escalate
            if escalate is not None:
                text += f" If it is not resolved, escalate it to {self.help} by " \
                        f"{long_date(escalate)}."
            else:
                text += f" If it is not resolved, escalate it to {self.help} now."
                if route_due is not None and self.route is not None:
                    due = route_due
                    text += f" If that has not solved it by {long_date(route_due)}, " \
                            f"{self.route.text}."
            return ("escalation", f"The seller's time to answer ended on {long_date(reply)}.",
                    self._action("escalate", due, text))
        if escalate is not None:
            summary = sentence_start(self._summary("escalate"))
            return ("dispute_open", stage_text, self._action(
                "escalate", escalate,
                f"{summary} by {long_date(escalate)} ({plural((escalate - opened).days, 'day')} "
                f"after you opened it), as soon as {self.profile.name} lets you."))
        if decision is not None and today > decision:
            return ("escalation", f"A decision was expected by {long_date(decision)}.",
                    self._action(
                        "escalate", None,
                        f"A decision on the {self.dispute} was expected by "
                        f"{long_date(decision)}. If you have none, ask {self.help} where it "
                        f"stands."))
        text = f"Wait for the decision on the {self.dispute}"
        text += f" (expected by {long_date(decision)})." if decision else "."
        text += " Answer any questions quickly."
        return ("dispute_open", stage_text, self._action("wait_for_decision", decision, text))

    def _closed(self, why: str) -> tuple[str, str, Action]:
        """The platform's own route has ended: the route the payment leaves."""
        route = self.route
        due = route.due(self.today) if route is not None else None
        if route is not None and (due is not None or route.last_day is None):
            text = f"{sentence_start(route.text)}."
            late = due is not None and route.recommended_by is not None \
                and self.today > route.recommended_by
            if late and route.recommended_by is not None:
                text = (f"Do it today: the recommended day ({long_date(route.recommended_by)}) "
                        f"has passed. " + text)
            text += f" You can also ask {self.help} whether they can still help."
            return ("window_closed", why, self._action(route.action, due, text, now=late))
        helpers = self.help + (" and your card issuer"
                               if route is not None and route.id == "card_chargeback" else "")
        return ("closed", why, self._action(
            "last_resort", None,
            f"Ask {helpers} whether anything can still be done, and keep your evidence."))

    def _missing_date(self) -> tuple[str, str, Action]:
        needed = self.missing.get("open_dispute_by") or self.missing.get(
            self.profile.window_closes, self.profile.window_closes)
        section, field_name = ORDER_DATES.get(needed, ("shipping", needed))
        label = self.profile.date_label(needed)
        where = self.profile.dates.get(needed)
        text = f"Add `{field_name}:` under `{section}:` in the order file ({label}"
        text += f", found on {where.where})." if where and where.where else ")."
        text += f" Without it orderpack cannot tell by when to open {self.a_dispute}."
        return ("missing_date", f"A date is missing: {label}.",
                self._action("add_date", None, text))

    def _seller_time(self) -> bool:
        """Time to ask the seller: the rule's wait has passed since shipping and since the last
        tracking event, and the buyer has not written yet."""
        start = self.d("contact_seller_from")
        rule = next((r for r in self.profile.rules if r.id == "contact_seller_from"), None)
        if start is None or rule is None or self.today < start or self.view.wrote_to_seller:
            return False
        last = summarize(self.order.tracking, self.today).last
        return last is None or shift(last.at.date(), rule) <= self.today

    def _tracking_words(self) -> str:
        last = summarize(self.order.tracking, self.today).last
        if last is None:
            return "there is no tracking information"
        return f"the tracking has not changed since {long_date(last.at)}"

    def warnings(self, stage: str) -> list[str]:
        today, out = self.today, []
        placed = self.dates["placed"]
        if today < placed:
            out.append(f"The date used as today ({long_date(today)}) is before the order date "
                       f"({long_date(placed)}); check it.")
        updates = self.d("tracking_updates_by")
        if updates is not None and today < updates and not summarize(
                self.order.tracking, today).events:
            rule = next(r for r in self.profile.rules if r.id == "tracking_updates_by")
            out.append(f"Too early: {rule.note or rule.label}. Wait until {long_date(updates)} "
                       "before worrying.")
        out += self._route_warnings(stage)
        if stage not in ("waiting", "overdue", "dispute_window", "last_days"):
            return out
        closes = self.d(self.profile.window_closes)
        last = self.d("open_dispute_by")
        extension = self.d("request_extension_by")
        if extension is not None and today > extension:
            out.append(f"The extension date ({long_date(extension)}) has passed: open the "
                       f"{self.dispute} now rather than wait for an extension.")
        if closes is None or last is None or (closes - today).days > 7:
            return out
        left = (closes - today).days
        window = sentence_start(self.window)
        if left == 0:
            out.append(f"{window} ends today: open the {self.dispute} today.")
        elif today >= last:
            out.append(f"{window} ends {when(closes, today)}: open the {self.dispute} today.")
        elif last == closes:
            out.append(f"{window} ends {when(closes, today)}, on {long_date(closes)}: "
                       f"open the {self.dispute} now.")
        else:
            out.append(f"{window} ends {when(closes, today)}, on {long_date(closes)}: "
                       f"open the {self.dispute} by {long_date(last)}.")
        return out

    def _route_warnings(self, stage: str) -> list[str]:
        """The route after the platform's: once it has ended, when it is near, and when the
        platform's own time outlasts it."""
        route, today = self.route, self.today
        if route is None or route.last_day is None or route.recommended_by is None:
            return []
        noun = "a PayPal dispute" if route.id == "paypal_dispute" else "a card chargeback"
        limit, recommended = route.last_day, route.recommended_by
        if today > limit:
            return [f"The time for {noun} ended on {long_date(limit)}."]
        if stage == "window_closed":
            return []  # the next step is the route itself
        platform_until = max((day for day in (self.d(self.profile.window_closes),
                                              self.d("escalate_by")) if day is not None),
                             default=None)
        if stage in ("dispute_open", "escalation") and self.d("escalate_by") is not None:
            platform_until = self.d("escalate_by")
        limit_words = ("the last day" if route.id == "paypal_dispute"
                       else "the card network's limit for your bank")
        if today >= recommended - timedelta(days=FALLBACK_NOTICE_DAYS):
            return [f"The time for {noun} ends on {long_date(limit)} ({limit_words}; "
                    f"recommended by {long_date(recommended)}): if {self.profile.name} has not "
                    f"refunded you by {long_date(recommended)}, turn to it then."]
        if platform_until is not None and platform_until > limit:
            return [f"{self.profile.name}'s own time lasts until {long_date(platform_until)}, "
                    f"longer than the time for {noun} ({long_date(limit)}, {limit_words}): if "
                    f"{self.profile.name} has not refunded you by {long_date(recommended)}, "
                    f"turn to {noun} then."]
        return []


def _doubts(profile: Profile, order: OrderFile, dated: dict[str, _Dated],
            missing: dict[str, str], today: date) -> list[str]:
    """Estimates to check, dates to add, and unconfirmed figures still ahead."""
    out = []
    for name, (section, field_name) in ORDER_DATES.items():
        if name == "opened" or order_date(order, name) is not None:
            continue
        hint = profile.dates.get(name)
        where = f" from {hint.where}" if hint and hint.where else ""
        estimate = dated.get(name)
        if estimate is not None:
            out.append(f"Your order file has no `{field_name}`: orderpack estimates "
                       f"“{estimate.label}” as {long_date(estimate.date)}"
                       f"{f' ({estimate.note})' if estimate.note else ''}. This is an "
                       f"estimate: read the real date{where} and add it under `{section}:`.")
            continue
        needing = [profile.date_label(rule) for rule, anchor in missing.items() if anchor == name]
        if needing:
            out.append(f"Your order file has no `{field_name}` ({profile.date_label(name)}), "
                       f"so orderpack cannot work out: {'; '.join(needing)}. Add it under "
                       f"`{section}:`{where}.")
    for name, d in dated.items():
        if d.own_doubt and name not in ORDER_DATES and d.date >= today:
            out.append(f"Not confirmed: “{d.label}” {long_date(d.date)} — {d.note or d.source}.")
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
    extra = [advice.text + (" (not confirmed)" if advice.unconfirmed else "")
             for advice in (source.advice if source else [])
             if any(name in advice.when for name in wanted)]
    if not extra:
        return action
    return Action(action.id, action.due, " ".join([action.text, *extra]), action.summary,
                  action.now)
