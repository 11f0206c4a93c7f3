"""The timeline of a case: its key dates, where it stands, and the one thing to do next.

The platform's rules come from its profile (:mod:`orderpack.profiles`); this module
evaluates them without knowing the platform. ``today`` is always passed in: nothing
here reads the clock. All dates are calendar dates in the buyer's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from orderpack import profiles
from orderpack.model import OrderFile
from orderpack.profiles import ORDER_DATES, Profile, Rule
from orderpack.render import long_date, plural
from orderpack.tracking import summarize

#: Stages, in the order a case usually goes through them.
STAGES = ("missing_date", "waiting", "overdue", "dispute_window", "last_days", "dispute_open",
          "escalation", "window_closed", "closed")


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
    meant for the buyer alone (when to ask for an extension, the chargeback date...)."""


@dataclass(frozen=True)
class Action:
    id: str
    """One of profiles.ACTIONS; ``seller``, ``extension``, ``escalate`` and ``chargeback``
    have a ready-to-send message (`orderpack message`)."""
    due: date | None
    text: str


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

    def as_json(self) -> dict[str, Any]:
        """Plain JSON types, dates as ISO strings; the keys are stable."""
        action = self.next_action
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
                 "source": key.source, "note": key.note, "public": key.public}
                for key in self.key_dates
            ],
        }


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


def order_date(order: OrderFile, name: str) -> date | None:
    """One of the order file's dates, by its ORDER_DATES name."""
    section, field = ORDER_DATES[name]
    value: Any = getattr(getattr(order, section), field)
    return value if isinstance(value, date) else None


def _evaluate(order: OrderFile, profile: Profile) -> tuple[dict[str, _Dated], dict[str, str]]:
    """The dates ``profile``'s rules give for ``order``, and for each rule that could not be
    worked out, the order date it is missing."""
    dated: dict[str, _Dated] = {}
    for name, (section, field) in ORDER_DATES.items():
        value = order_date(order, name)
        if value is not None:
            dated[name] = _Dated(value, profile.date_label(name), f"order file ({section}.{field})",
                                 unconfirmed=False, own_doubt=False, note=None, order=len(dated),
                                 public=True)
    missing: dict[str, str] = {}
    for rule in profile.rules:
        if rule.id in dated:
            continue  # the order file's own date wins over an estimate
        anchor = dated.get(rule.anchor)
        if anchor is None:
            missing[rule.id] = missing.get(rule.anchor, rule.anchor)
            continue
        dated[rule.id] = _Dated(
            shift(anchor.date, rule), rule.label, rule.source,
            unconfirmed=rule.unconfirmed or anchor.unconfirmed, own_doubt=rule.unconfirmed,
            note=rule.note, order=len(dated), public=rule.public)
    return dated, missing


def compute(order: OrderFile, profile: Profile, today: date) -> Status:
    """Where the case stands on ``today``, by ``profile``'s rules."""
    dated, missing = _evaluate(order, profile)
    fallback = profiles.fallback_of(profile)
    if fallback is not None and profile.fallback is not None:
        other, _ = _evaluate(order, fallback)
        last = other.get("open_dispute_by")
        if last is not None:
            dated[profile.fallback.date_id] = _Dated(
                last.date, last.label, last.source, last.unconfirmed, last.own_doubt,
                last.note, order=len(dated), public=False)
    timeline = sorted(dated.items(), key=lambda item: (item[1].date, item[1].order))
    key_dates = [
        KeyDate(id=name, label=d.label, date=d.date, days_from_today=(d.date - today).days,
                unconfirmed=d.unconfirmed, source=d.source, note=d.note, public=d.public)
        for name, d in timeline
    ]
    planner = _Planner(order, profile, today, {name: d.date for name, d in timeline}, missing)
    stage, stage_text, action = planner.plan()
    warnings = planner.warnings(stage) + _doubts(profile, order, dated, missing, today)
    return Status(
        platform=profile.id, today=today, stage=stage, stage_text=stage_text,
        dates={name: d.date for name, d in timeline}, key_dates=key_dates,
        next_action=_with_advice(action, stage, profile, fallback), warnings=warnings)


# --- deciding the next step ------------------------------------------------------------------


def when(day: date, today: date) -> str:
    """today, tomorrow, in 3 days, yesterday, 3 days ago."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {plural(days, 'day')}" if days > 0 else f"{plural(-days, 'day')} ago"


def with_article(phrase: str) -> str:
    """a dispute, an A-to-z Guarantee claim."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def deadline_words(profile: Profile) -> str:
    """The delivery deadline as the platform calls it, mid-sentence: latest estimated
    delivery date."""
    label = profile.date_label("delivery_deadline")
    return label[:1].lower() + label[1:]


def sentence_start(text: str) -> str:
    """The text capitalised to start a sentence; names like eBay keep their spelling."""
    first = text.split(" ", 1)[0]
    if any(char.isupper() for char in first[1:]):
        return text
    return text[:1].upper() + text[1:]


class _Planner:
    """The stage and the next action: one decision, read top to bottom."""

    def __init__(self, order: OrderFile, profile: Profile, today: date,
                 dates: dict[str, date], missing: dict[str, str]) -> None:
        self.order, self.profile, self.today = order, profile, today
        self.dates, self.missing = dates, missing
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
        if today > last:
            return ("last_days", f"Last days: {self.window} ends on {long_date(closes)}.",
                    Action("open_dispute", closes,
                           f"{sentence_start(self.open_it)} today: {self.window} ends on "
                           f"{long_date(closes)}."))
        late = today > deadline
        if late and earliest is not None and today < earliest:
            text = (f"Late: the {self.deadline_words} ({long_date(deadline)}) has passed; "
                    f"{self.a_dispute} can be opened from {long_date(earliest)}.")
            if self._asked_seller():
                return ("overdue", text, Action(
                    "wait", earliest, f"Wait until {long_date(earliest)}: from then you can "
                                      f"{self.open_it}."))
            return ("overdue", text, Action(
                "seller", earliest,
                f"Ask the seller what happened to the parcel: it was due by "
                f"{long_date(deadline)}. You can {self.open_it} from "
                f"{long_date(earliest)}."))
        if late or (extension is not None and today > extension):
            why = (f"the {self.deadline_words} ({long_date(deadline)}) has passed" if late
                   else f"{self.window} ends on {long_date(closes)}, before the parcel is due")
            text = f"{sentence_start(self.open_it)} by {long_date(last)}."
            if extension is not None and today <= extension:
                text += (f" If you would rather give the seller more time, ask {self.help} "
                         f"to extend {self.window} by {long_date(extension)} instead.")
            return ("dispute_window", f"Time to act: {why}.", Action("open_dispute", last, text))
        stage_text = (f"Waiting for delivery: the {self.deadline_words} "
                      f"({long_date(deadline)}) has not passed yet.")
        if extension is not None and extension <= deadline:
            return ("waiting", stage_text, Action(
                "extension", extension,
                f"Ask {self.help} to extend {self.window} by {long_date(extension)}: it ends on "
                f"{long_date(closes)}, and the parcel is due by {long_date(deadline)}."))
        if self._seller_time():
            return ("waiting", stage_text, Action(
                "seller", deadline, f"Ask the seller for an update on the parcel: "
                                    f"{self._tracking_words()}. It is due by "
                                    f"{long_date(deadline)}."))
        return ("waiting", stage_text, Action(
            "wait", deadline, f"Wait for the parcel until {long_date(deadline)}, the "
                              f"{self.deadline_words}, and check the tracking now and then."))

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
            return ("dispute_open", stage_text, Action(
                "wait_for_reply", reply,
                f"Wait for the seller's answer to the {self.dispute}: it is due by "
                f"{long_date(reply)}."))
        if reply is not None:
            text = f"The seller's time to answer the {self.dispute} ended on {long_date(reply)}."
            if escalate is not None:
                text += f" If it is not resolved, escalate it to {self.help} by " \
                        f"{long_date(escalate)}."
            else:
                text += f" If it is not resolved, escalate it to {self.help}."
            return ("escalation", f"The seller's time to answer ended on {long_date(reply)}.",
                    Action("escalate", escalate, text))
        if decision is not None and today > decision:
            return ("escalation", f"A decision was expected by {long_date(decision)}.", Action(
                "escalate", escalate,
                f"A decision on the {self.dispute} was expected by {long_date(decision)}. "
                f"If you have none, ask {self.help} where it stands."))
        due = decision or escalate
        text = f"Wait for the decision on the {self.dispute}"
        text += f" (expected by {long_date(due)})." if due else "."
        text += " Answer any questions quickly."
        return ("dispute_open", stage_text, Action("wait_for_decision", due, text))

    def _closed(self, why: str) -> tuple[str, str, Action]:
        """The platform's own route has ended: customer service, then the fallback."""
        p = self.profile
        fallback_by = self.d(p.fallback.date_id) if p.fallback else None
        if fallback_by is not None and self.today <= fallback_by:
            step = "escalate" if "escalate" in p.steps else "chargeback"
            return ("window_closed", why, Action(
                step, fallback_by,
                f"Ask {self.help} to help anyway. If they cannot, ask your card issuer for a "
                f"chargeback by {long_date(fallback_by)}."))
        text = why
        if fallback_by is not None:
            text += f" The time for a card chargeback ended on {long_date(fallback_by)} too."
        helpers = self.help + (" and your card issuer" if fallback_by is not None else "")
        return ("closed", text, Action(
            "last_resort", None,
            f"Ask {helpers} whether anything can still be done, and keep your evidence."))

    def _missing_date(self) -> tuple[str, str, Action]:
        needed = self.missing.get("open_dispute_by") or self.missing.get(
            self.profile.window_closes, self.profile.window_closes)
        section, field = ORDER_DATES.get(needed, ("shipping", needed))
        label = self.profile.date_label(needed)
        where = self.profile.dates.get(needed)
        text = f"Add `{field}:` under `{section}:` in the order file ({label}"
        text += f", found on {where.where})." if where and where.where else ")."
        text += f" Without it orderpack cannot tell by when to open {self.a_dispute}."
        return ("missing_date", f"A date is missing: {label}.", Action("add_date", None, text))

    def _asked_seller(self) -> bool:
        messages = self.order.messages
        if messages is None:
            return False
        if not isinstance(messages, list):
            return True  # an exported chat: the buyer has written to the seller
        return any(message.sender == "buyer" for message in messages)

    def _seller_time(self) -> bool:
        """Time to ask the seller: the rule's wait has passed since shipping and since the last
        tracking event, and the buyer has not written yet."""
        start = self.d("contact_seller_from")
        rule = next((r for r in self.profile.rules if r.id == "contact_seller_from"), None)
        if start is None or rule is None or self.today < start or self._asked_seller():
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


def _doubts(profile: Profile, order: OrderFile, dated: dict[str, _Dated],
            missing: dict[str, str], today: date) -> list[str]:
    """Estimates to check, dates to add, and unconfirmed figures still ahead."""
    out = []
    for name, (section, field) in ORDER_DATES.items():
        if name == "opened" or order_date(order, name) is not None:
            continue
        hint = profile.dates.get(name)
        where = f" from {hint.where}" if hint and hint.where else ""
        estimate = dated.get(name)
        if estimate is not None:
            out.append(f"Your order file has no `{field}`: orderpack estimates "
                       f"“{estimate.label}” as {long_date(estimate.date)}"
                       f"{f' ({estimate.note})' if estimate.note else ''}. Add the real date "
                       f"under `{section}:`{where}.")
            continue
        needing = [profile.date_label(rule) for rule, anchor in missing.items() if anchor == name]
        if needing:
            out.append(f"Your order file has no `{field}` ({profile.date_label(name)}), so "
                       f"orderpack cannot work out: {'; '.join(needing)}. Add it under "
                       f"`{section}:`{where}.")
    for name, d in dated.items():
        if d.own_doubt and name not in ORDER_DATES and d.date >= today:
            out.append(f"Not confirmed: “{d.label}” {long_date(d.date)} — {d.note or d.source}.")
    return out


def _with_advice(action: Action, stage: str, profile: Profile,
                 fallback: Profile | None) -> Action:
    """The action's text with the profile's advice for it; once the platform's window has
    closed, the fallback route's advice instead."""
    wanted: tuple[str, ...]
    if stage == "window_closed":
        source, wanted = fallback, ("open_dispute", "chargeback")
    elif stage == "closed":
        source, wanted = None, ()
    else:
        source, wanted = profile, (action.id,)
    extra = [advice.text for advice in (source.advice if source else [])
             if any(name in advice.when for name in wanted)]
    if not extra:
        return action
    return Action(action.id, action.due, " ".join([action.text, *extra]))
