"""Platform profiles: each platform's dispute reasons, remedies, time rules and limits.

One YAML file per platform in ``orderpack/platforms/``; adding a platform means
adding a file. This module only reads and checks them; :mod:`orderpack.timeline`
evaluates the rules without knowing which platform they belong to.

Every statement a profile makes (a rule, a limit, a piece of advice, the reasons and
remedies) carries its ``source``, the date it was ``checked`` and, where the figure
is not confirmed, ``unconfirmed: true``.

A time rule is a date counted from an anchor::

    - id: open_dispute_by
      label: Open the dispute by
      anchor: protection_ends     # an order date (ORDER_DATES) or an earlier rule's id
      days: -5                    # or business_days: 3 (Monday to Friday)
      source: ...
      checked: 2026-11-26

A rule whose id is an order date (e.g. ``protection_ends``) is an estimate, used only
when the order file leaves that date out. A rule can also count from ``first_contact``
(the buyer's first message to the seller), and ``not_before: RULE`` keeps it from falling
before another date. The timeline gives these ids a meaning:
``tracking_updates_by``, ``contact_seller_from``, ``seller_wait_ends``,
``earliest_dispute``, ``open_dispute_by`` (required), ``request_extension_by``,
``seller_reply_due``, ``escalate_by`` and ``decision_by``; any other id is shown as a key
date only.

The texts are English. Those a buyer or a reviewer reads are catalog entries whose msgctxt
is the profile's id (:func:`texts`, extracted by :func:`extract`, registered in babel.cfg);
:func:`localised` gives the profile in the language in use, and :func:`phrases` the
platform's words the planner's sentences take.

Why one module of about 600 lines: the profile's schema (most of it: one class per kind
of statement, each with its source), loading it, checking what the schema cannot,
explaining it for ``orderpack rules`` and translating its texts all follow the one YAML
layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from orderpack import i18n
from orderpack.errors import OrderFileError, Problem, ProfileError
from orderpack.loader import Document, Loc
from orderpack.loader import load as load_yaml
from orderpack.words import lower_start, with_article

PLATFORMS_DIR = Path(__file__).parent / "platforms"

#: The order file's dates a rule can count from, and where each is written.
ORDER_DATES: dict[str, tuple[str, ...]] = {
    "placed": ("order", "placed"),
    "shipped": ("shipping", "shipped"),
    "delivery_deadline": ("shipping", "delivery_deadline"),
    "protection_ends": ("shipping", "protection_ends"),
    "opened": ("dispute", "opened"),
}

#: Dates read from the case rather than written as a date field, which a rule can count from.
CASE_DATES: dict[str, str] = {
    "first_contact": i18n.mark("Your first message to the seller"),
}

#: The messages `orderpack message` can write; a profile lists those that apply.
Step = Literal["seller", "extension", "escalate", "chargeback"]

#: What the timeline can ask the buyer to do next (advice is attached to these).
ActionId = Literal["add_date", "wait", "seller", "extension", "open_dispute", "wait_for_reply",
                   "wait_for_decision", "escalate", "chargeback", "paypal_dispute",
                   "check_payment", "last_resort"]
ACTIONS: tuple[str, ...] = get_args(ActionId)

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Model):
    """Where a statement comes from and how sure it is."""

    source: Text
    """The source's title (and, for the seed guide, its step)."""
    url: Text | None = None
    """The source's web address, where it has one."""
    checked: date
    """The day the source was last read."""
    unconfirmed: bool = False
    note: Text | None = None
    """A plain-words explanation, shown to the buyer where the figure matters."""


class Reason(_Model):
    id: Id
    label: Text
    """As the platform's form words it."""


class Rule(Sourced):
    id: Id
    label: Text
    """Reader-friendly, for the timeline and the PDF cover: "Open the dispute by"."""
    anchor: Id
    days: int | None = None
    business_days: int | None = None
    not_before: Id | None = None
    """Another date this one never falls before (when that date is known)."""
    public: bool = False
    """Shown to the platform's reviewer too (the packet's cover), not only to the buyer.
    Never for an unconfirmed rule."""

    @model_validator(mode="after")
    def _one_offset(self) -> Rule:
        if (self.days is None) == (self.business_days is None):
            raise ValueError("give exactly one of `days` or `business_days`")
        return self


class Advice(Sourced):
    """A sentence added to the next action's text when that action is one of ``when``."""

    when: list[ActionId] = Field(min_length=1)
    text: Text


class OrderDate(_Model):
    label: Text
    where: Text | None = None
    """Where the buyer finds this date, for when the order file leaves it out."""


class Terms(_Model):
    dispute: Text
    """What the platform calls it: dispute, case, claim, chargeback."""
    window: Text
    """The protection whose end closes the window, as a sentence's subject: Buyer Protection."""
    customer_service: Text
    """Who to ask for help or an escalation, e.g. AliExpress customer service."""
    open_action: Text | None = None
    """How the buyer opens it, lower case, to follow "you can": "ask your card issuer for a
    chargeback". Default: "open a dispute on AliExpress"."""


class Fallback(_Model):
    """The route once this platform's window has closed (another profile), and the id its
    last day takes in this platform's timeline."""

    profile: Id
    date_id: Id
    """The fallback route's last day (its ``window_closes``), e.g. chargeback_by."""
    recommended_id: Id = "chargeback_recommended_by"
    """The fallback route's recommended day (its ``open_dispute_by``)."""


class PaypalCover(Sourced):
    """Whether PayPal's own Buyer Protection covers an order of this platform paid with
    PayPal (it does not when the platform's own guarantee replaces it, as on eBay)."""

    applies: bool


class Network(Sourced):
    """A card network's reason code for goods not received (the card profile)."""

    name: Text
    """Visa."""
    reason_code: Text
    """13.1."""
    reason_label: Text
    """Merchandise/Services Not Received."""


class Upload(Sourced):
    """What the platform's dispute form takes, for "what to upload where"."""

    takes: Literal["images", "images_and_pdf", "unknown", "bank"]
    """``images``: pictures only; ``images_and_pdf``: pictures and PDF files; ``unknown``;
    ``bank``: the evidence goes to the card issuer, by its own channel."""


class _IntLimit(Sourced):
    value: Annotated[int, Field(ge=1)] | None


class _TypesLimit(Sourced):
    value: Annotated[list[Annotated[str, Field(pattern=r"^[a-z0-9]+$")]],
                     Field(min_length=1)] | None


@dataclass(frozen=True)
class Limits:
    """What the platform's form accepts; ``None`` where it is not known."""

    description_chars: int | None
    attachment_types: tuple[str, ...] | None
    """File name extensions, lower case: ("jpg", "png", "pdf")."""
    attachment_max_bytes: int | None
    """Per file."""
    attachments_max_count: int | None
    total_max_bytes: int | None
    max_pages: int | None
    sources: Mapping[str, Sourced]
    """Each limit's source, checked date and unconfirmed flag, by the names above."""


class LimitsFile(_Model):
    """A `limits` block as written: each limit a value with its source."""

    description_chars: _IntLimit
    attachment_types: _TypesLimit
    attachment_max_bytes: _IntLimit
    attachments_max_count: _IntLimit
    total_max_bytes: _IntLimit
    max_pages: _IntLimit

    def to_limits(self) -> Limits:
        types = self.attachment_types.value
        return Limits(
            description_chars=self.description_chars.value,
            attachment_types=tuple(types) if types is not None else None,
            attachment_max_bytes=self.attachment_max_bytes.value,
            attachments_max_count=self.attachments_max_count.value,
            total_max_bytes=self.total_max_bytes.value,
            max_pages=self.max_pages.value,
            sources={name: Sourced(**getattr(self, name).model_dump(
                         include={"source", "checked", "unconfirmed", "note"}))
                     for name in type(self).model_fields},
        )


class Profile(_Model):
    id: Id
    name: Text
    """Display name: AliExpress."""
    terms: Terms
    reasons: list[Reason] = Field(min_length=1)
    reasons_source: Sourced
    remedies: list[Literal["full_refund", "refund_and_return"]] = Field(min_length=1)
    remedies_source: Sourced
    steps: list[Step] = Field(min_length=1)
    dates: dict[Id, OrderDate] = Field(default_factory=dict)
    """Labels (and where to find them) for the order dates, by ORDER_DATES name."""
    rules: list[Rule] = Field(min_length=1)
    window_closes: Id = "open_dispute_by"
    """The date after which no dispute can be opened (an order date or a rule id)."""
    fallback: Fallback | None = None
    contact_seller_first: bool = False
    """The platform asks the buyer to write to the seller before opening a dispute (its
    ``seller_wait_ends`` rule says how long to wait after that message)."""
    paypal_cover: PaypalCover | None = None
    """Whether PayPal's Buyer Protection is the route for an order paid with PayPal."""
    networks: dict[Id, Network] = Field(default_factory=dict)
    """Card networks by id (visa, mastercard): the card profile's reason codes."""
    upload: Upload
    advice: list[Advice] = Field(default_factory=list)
    limits_file: LimitsFile = Field(alias="limits")
    _path: Path | None = PrivateAttr(default=None)
    _english: Profile | None = PrivateAttr(default=None)
    """The profile a :func:`localised` copy was made from."""

    @property
    def reason_ids(self) -> list[str]:
        return [reason.id for reason in self.reasons]

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self.rules]

    @property
    def limits(self) -> Limits:
        return self.limits_file.to_limits()

    @property
    def path(self) -> Path | None:
        """The file it was read from."""
        return self._path

    def date_label(self, name: str) -> str:
        """The label of an order date or a rule."""
        if name in self.dates:
            return self.dates[name].label
        rule = next((rule for rule in self.rules if rule.id == name), None)
        return rule.label if rule else name.replace("_", " ").capitalize()


def available(directory: Path | None = None) -> list[str]:
    """The ids of every platform profile (shipped, or in ``directory``), sorted."""
    return sorted(path.stem for path in (directory or PLATFORMS_DIR).glob("*.yaml"))


@cache
def load(platform: str, directory: Path | None = None) -> Profile:
    """The profile with id ``platform``; ProfileError if there is none or it is malformed.

    ``directory`` replaces the shipped ``orderpack/platforms/`` (for tests and drafts).
    """
    folder = directory or PLATFORMS_DIR
    known = available(folder)
    if platform not in known:
        raise ProfileError(f"no platform profile named {platform!r}; known: {', '.join(known)}")
    path = folder / f"{platform}.yaml"
    try:
        document = load_yaml(path)
    except OrderFileError as exc:
        raise ProfileError(f"platform profile {path} is malformed:", exc.problems) from None
    try:
        profile = Profile.model_validate(document.data)
    except ValidationError as exc:
        problems = [_problem(document, error["loc"], error["msg"])
                    for error in exc.errors(include_url=False)]
        raise ProfileError(f"platform profile {path} is malformed:", problems) from None
    problems = _check(profile, document, known)
    if problems:
        raise ProfileError(f"platform profile {path} is malformed:", problems)
    profile._path = path
    return profile


def fallback_of(profile: Profile) -> Profile | None:
    """The profile of ``profile``'s fallback route, read from the same folder."""
    if profile.fallback is None:
        return None
    folder = profile.path.parent if profile.path else None
    return load(profile.fallback.profile, folder)


def _problem(document: Document, loc: tuple[Any, ...], message: str) -> Problem:
    loc = tuple("limits" if part == "limits_file" else part for part in loc)
    return document.problem(loc, message, "see the other profiles in orderpack/platforms/")


#: Records a problem of a profile: where, what is wrong, how to fix it.
_Fail = Callable[[Loc, str, str], None]


def _check(profile: Profile, document: Document, known: list[str]) -> list[Problem]:
    """What the schema cannot say: ids that must match, anchors that must exist."""
    problems: list[Problem] = []

    def fail(loc: Loc, message: str, fix: str) -> None:
        problems.append(document.problem(loc, message, fix))

    _check_names(profile, document.path.stem, fail)
    rules = _check_rules(profile, fail)
    if profile.window_closes not in ORDER_DATES and profile.window_closes not in rules:
        fail(("window_closes",), f"{profile.window_closes!r} is neither an order date nor a rule",
             "name the date after which no dispute can be opened, e.g. open_dispute_by")
    for index, step in enumerate(profile.steps):
        if profile.steps.index(step) != index:
            fail(("steps", index), f"the step {step!r} is listed twice", "remove one of them")
    _check_fallback(profile, known, rules, fail)
    return problems


def _check_names(profile: Profile, file_stem: str, fail: _Fail) -> None:
    """The id, the reasons and the order dates: each known and listed once."""
    if profile.id != file_stem:
        fail(("id",), f"the id {profile.id!r} differs from the file name",
             f"use `id: {file_stem}`, or rename the file")
    if "not_received" not in profile.reason_ids:
        fail(("reasons",), "every platform needs the reason `not_received`",
             "add `- {id: not_received, label: ...}` with the form's wording")
    for index, reason in enumerate(profile.reasons):
        if profile.reason_ids.index(reason.id) != index:
            fail(("reasons", index, "id"), f"the reason {reason.id!r} is listed twice",
                 "remove one of them")
    for name in profile.dates:
        if name not in ORDER_DATES:
            fail(("dates", name), f"{name!r} is not an order date",
                 "use one of: " + ", ".join(ORDER_DATES))


def _check_rules(profile: Profile, fail: _Fail) -> list[str]:
    """Each rule counts from a date or an earlier rule; returns the rules' ids in order."""
    seen: list[str] = []
    for index, rule in enumerate(profile.rules):
        if rule.id in seen:
            fail(("rules", index, "id"), f"the rule {rule.id!r} is defined twice",
                 "give each rule its own id")
        if rule.anchor not in ORDER_DATES and rule.anchor not in CASE_DATES \
                and rule.anchor not in seen:
            fail(("rules", index, "anchor"),
                 f"{rule.anchor!r} is neither an order date nor an earlier rule",
                 "use one of: " + ", ".join([*ORDER_DATES, *CASE_DATES, *seen]))
        if rule.not_before is not None and rule.not_before not in seen:
            fail(("rules", index, "not_before"), f"{rule.not_before!r} is not an earlier rule",
                 "name a rule defined above this one")
        if rule.unconfirmed and rule.public:
            fail(("rules", index, "public"),
                 "an unconfirmed figure cannot be shown to the platform's reviewer",
                 "remove `public: true`, or confirm the rule from the platform's own page")
        seen.append(rule.id)
    if "open_dispute_by" not in seen:
        fail(("rules",), "there is no rule `open_dispute_by`",
             "add the rule that gives the last day to open a dispute")
    return seen


def _check_fallback(profile: Profile, known: list[str], rules: list[str], fail: _Fail) -> None:
    """The fallback names another profile, and dates that are new here."""
    if profile.fallback is None:
        return
    if profile.fallback.profile == profile.id or profile.fallback.profile not in known:
        fail(("fallback", "profile"),
             f"{profile.fallback.profile!r} is not another platform profile",
             "use one of: " + ", ".join(p for p in known if p != profile.id))
    for key in ("date_id", "recommended_id"):
        value = getattr(profile.fallback, key)
        if value in ORDER_DATES or value in rules:
            fail(("fallback", key), f"{value!r} is already a date here",
                 "choose a new id, e.g. chargeback_by")


@dataclass(frozen=True)
class Explained:
    """One rule of a profile as `orderpack rules` shows it."""

    kind: str
    """``date`` (a time rule), ``route``, ``network``, ``upload``, ``reasons`` or ``advice``."""
    id: str
    says: str
    counts: str | None
    """From which date it counts, in words: "5 days before Buyer Protection ends"."""
    source: str
    url: str | None
    checked: date
    unconfirmed: bool

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "says": self.says, "counts": self.counts,
                "source": self.source, "url": self.url, "checked": self.checked.isoformat(),
                "unconfirmed": self.unconfirmed}


def counting(rule: Rule, profile: Profile) -> str:
    """From which date ``rule`` counts: "10 days before Buyer Protection ends", in the
    language in use (``profile`` :func:`localised` to it gives the dates' labels)."""
    found = CASE_DATES.get(rule.anchor)
    anchor = i18n.gettext("“%(label)s”", label=i18n.gettext(found) if found
                          else profile.date_label(rule.anchor))
    count = rule.business_days if rule.business_days is not None else rule.days or 0
    if count == 0:
        words = i18n.gettext("the same day as %(date)s", date=anchor)
    elif rule.business_days is not None:
        words = (i18n.ngettext("%(num)d business day after %(date)s",
                               "%(num)d business days after %(date)s", count, date=anchor)
                 if count > 0 else
                 i18n.ngettext("%(num)d business day before %(date)s",
                               "%(num)d business days before %(date)s", -count, date=anchor))
    else:
        words = (i18n.ngettext("%(num)d day after %(date)s", "%(num)d days after %(date)s",
                               count, date=anchor)
                 if count > 0 else
                 i18n.ngettext("%(num)d day before %(date)s", "%(num)d days before %(date)s",
                               -count, date=anchor))
    if rule.not_before:
        words = i18n.gettext("%(counted)s, and never before %(date)s", counted=words,
                             date=i18n.gettext("“%(label)s”",
                                               label=profile.date_label(rule.not_before)))
    return words


def explain(profile: Profile) -> list[Explained]:
    """Every rule ``profile`` gives the planner, each with its source and checked date, in the
    language in use (give it the profile :func:`localised`); the sources stay as written."""
    def item(kind: str, id_: str, says: str, counts: str | None, sourced: Sourced) -> Explained:
        return Explained(kind, id_, says, counts, sourced.source, sourced.url, sourced.checked,
                         sourced.unconfirmed)

    # Translators: a key date's label and what it means, as `orderpack rules` lists them.
    out = [item("date", rule.id, i18n.gettext("%(label)s: %(note)s", label=rule.label,
                                              note=rule.note) if rule.note else rule.label,
                counting(rule, profile), rule) for rule in profile.rules]
    labels = "; ".join(f"{reason.id} " + i18n.gettext("“%(label)s”", label=reason.label)
                       for reason in profile.reasons)
    out.append(item("reasons", "reasons", i18n.gettext("Reasons on the form: %(reasons)s",
                                                       reasons=labels),
                    None, profile.reasons_source))
    if profile.paypal_cover is not None:
        cover = profile.paypal_cover
        says = (i18n.gettext("Paid with PayPal: PayPal's Buyer Protection is the route after "
                             "%(platform)s's own", platform=profile.name) if cover.applies else
                i18n.gettext("Paid with PayPal: PayPal's Buyer Protection is not the route "
                             "after %(platform)s's own", platform=profile.name))
        out.append(item("route", "paypal_cover", says + (f" ({cover.note})" if cover.note
                                                          else ""), None, cover))
    for key, network in profile.networks.items():
        out.append(item("network", key, i18n.gettext(
            "%(network)s reason code %(code)s: %(label)s", network=network.name,
            code=network.reason_code, label=network.reason_label), None, network))
    takes = {"images": i18n.gettext("What the form takes: images"),
             "images_and_pdf": i18n.gettext("What the form takes: images and PDF files"),
             "unknown": i18n.gettext("What the form takes: not known"),
             "bank": i18n.gettext("What the form takes: whatever the card issuer asks for")}
    out.append(item("upload", "upload", takes[profile.upload.takes]
                    + (f" ({profile.upload.note})" if profile.upload.note else ""), None,
                    profile.upload))
    for index, advice in enumerate(profile.advice):
        out.append(item("advice", f"advice_{index + 1}", advice.text,
                        i18n.gettext("added to the step: %(steps)s",
                                     steps=", ".join(advice.when)), advice))
    return out


# --- The profile's words in the language in use ------------------------------------------------
# A profile's texts that a buyer or a reviewer reads are catalog entries whose msgctxt is the
# profile's id (one platform's "dispute" is another's "case"): `make catalogs` extracts them
# with :func:`extract`, registered in babel.cfg.


def phrases(profile: Profile) -> dict[str, str]:
    """The platform's words that enter the planner's and the messages' sentences, in English,
    by the name the sentences give them (wording.TEMPLATES). The same for a :func:`localised`
    copy."""
    profile = profile._english or profile
    terms = profile.terms
    a_dispute = with_article(terms.dispute)
    deadline = profile.date_label("delivery_deadline")
    escalate = next((rule.label for rule in profile.rules if rule.id == "escalate_by"), None)
    return {
        "window": terms.window,
        "dispute": terms.dispute,
        "a_dispute": a_dispute,
        "help": terms.customer_service,
        "open_it": terms.open_action or f"open {a_dispute} on {profile.name}",
        "deadline_words": deadline[:1].lower() + deadline[1:],
        "escalate_it": (lower_start(escalate.removesuffix(" by")) if escalate
                        else f"escalate the {terms.dispute} to {terms.customer_service}"),
        "extend_it": f"ask {terms.customer_service} to extend {terms.window}",
        "step_in": f"ask {terms.customer_service} to step in",
    }


def said(profile: Profile, text: str) -> str:
    """One of ``profile``'s texts in the language in use."""
    return i18n.pgettext(profile.id, text)


def localised(profile: Profile) -> Profile:
    """``profile`` with the labels, notes and advice the buyer reads in the language in use
    (the profile itself in English). Its terms stay English: see :func:`phrases`."""
    if i18n.current() == i18n.SOURCE:
        return profile

    def note(item: Sourced) -> str | None:
        return said(profile, item.note) if item.note else None

    copy = profile.model_copy(update={
        "reasons": [reason.model_copy(update={"label": said(profile, reason.label)})
                    for reason in profile.reasons],
        "dates": {name: found.model_copy(update={
                      "label": said(profile, found.label),
                      "where": said(profile, found.where) if found.where else None})
                  for name, found in profile.dates.items()},
        "rules": [rule.model_copy(update={"label": said(profile, rule.label), "note": note(rule)})
                  for rule in profile.rules],
        "advice": [advice.model_copy(update={"text": said(profile, advice.text)})
                   for advice in profile.advice],
        "upload": profile.upload.model_copy(update={"note": note(profile.upload)}),
    })
    copy._path, copy._english = profile._path, profile
    return copy


def texts(profile: Profile) -> list[tuple[str, str]]:
    """Every text of ``profile`` a buyer or a reviewer reads, each with a word for the
    translator on what it is."""
    found = [(profile.name, f"{profile.name}: the platform's name (a brand stays as it is)")]
    found += [(text, f"{profile.name}: the word or phrase `{name}` of the planner's sentences")
              for name, text in phrases(profile).items()]
    found += [(reason.label, f"{profile.name}: a reason on the dispute form, as the form words "
                             "it") for reason in profile.reasons]
    for order_date in profile.dates.values():
        found.append((order_date.label, f"{profile.name}: the label of a key date"))
        if order_date.where:
            found.append((order_date.where, f"{profile.name}: where the buyer finds a date "
                                            "(follows “found on”, “read the real date from”)"))
    for rule in profile.rules:
        found.append((rule.label, f"{profile.name}: the label of a key date"))
        if rule.note:
            found.append((rule.note, f"{profile.name}: a key date explained, lower case"))
    found += [(advice.text, f"{profile.name}: advice added to the next step")
              for advice in profile.advice]
    if profile.upload.note:
        found.append((profile.upload.note, f"{profile.name}: what the dispute form takes"))
    found += [(limit.note, f"{profile.name}: an upload limit of the form, explained")
              for limit in profile.limits.sources.values() if limit.note]
    return found


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any,
            ) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel's extraction method for a profile file (babel.cfg): its texts (:func:`texts`),
    and each planner sentence that takes the platform's words, written as one whole sentence
    for the platform so that a translation can decline them; the msgctxt is the profile's id."""
    from orderpack import wording

    raw = fileobj.read().decode("utf-8")
    profile = Profile.model_validate(yaml.safe_load(raw))
    lines = raw.splitlines()

    def line_of(text: str) -> int:
        return next((number for number, line in enumerate(lines, 1)
                     if text[:40] in line), 1)

    seen: set[str] = set()
    for text, comment in texts(profile):
        if text not in seen:
            seen.add(text)
            yield line_of(text), "pgettext", (profile.id, text), [f"Translators: {comment}"]
    words = phrases(profile)
    for note_id in wording.TEMPLATES:
        whole = wording.with_terms(note_id, words)
        if whole is not None and whole not in seen:
            seen.add(whole)
            yield 1, "pgettext", (profile.id, whole), [
                f"Translators: {profile.name}'s own wording of the sentence {note_id}; "
                "translate it like that sentence, declining the platform's words as needed"]
