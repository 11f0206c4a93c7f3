"""Validating a case: the order file against the schema, the platform profile and the disk.

Every problem is collected and reported at once, each with its file, line, field
and how to fix it.

Why one module of about 600 lines: the checks of a whole case and the translation of
pydantic's errors into the user's terms (its second half) make the one list of problems
`validate` reports.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from orderpack import chat, evidence, i18n, profiles
from orderpack.errors import OrderFileError, Problem
from orderpack.i18n import gettext as _
from orderpack.i18n import mark, ngettext
from orderpack.loader import (
    Document,
    Loc,
    Source,
    buyer_language,
    cut_texts,
    format_loc,
    hash_starts_text,
    load,
    quoted_line,
    read,
    refused,
    visible,
)
from orderpack.model import MOMENT_PATTERN, SHORT_TEXT, Buyer, Case, Order, OrderFile
from orderpack.profiles import Profile
from orderpack.words import clip


def validate(order_path: str | Path, *, lang: str | None = None) -> Case:
    """Load and check a case; raise :class:`OrderFileError` listing every problem, said in
    ``lang`` (a language tag), else the order file's ``buyer.language`` (read even from a
    faulty file), else English."""
    return _validated(Path(order_path), False, lang)[0]


def validate_for_build(order_path: str | Path, *,
                       lang: str | None = None) -> tuple[Case, list[evidence.Original]]:
    """:func:`validate` for a case about to be built, and the evidence files as it read
    them, one for each item: checked and hashed. A build reads and hashes each file once
    this way (and again only to decode a picture, see :func:`orderpack.evidence.process`).
    Its pictures are decoded later, so a JPEG is checked for damage by its structure
    rather than decoded here as well (``decoded_later`` in
    :func:`orderpack.evidence.inspect_data`)."""
    return _validated(Path(order_path), True, lang)


def _validated(path: Path, decoded_later: bool,
               lang: str | None) -> tuple[Case, list[evidence.Original]]:
    """The order file read once, for its language and its checks (if it cannot be read,
    :func:`_validate` says why, in English), then checked in that language."""
    try:
        source: Source | None = read(path)
    except OrderFileError:
        source = None
    with i18n.using(lang if lang is not None else buyer_language(path, source)):
        return _validate(path, decoded_later, source)


def _validate(path: Path, decoded_later: bool,
              source: Source | None) -> tuple[Case, list[evidence.Original]]:
    """The case, and with ``decoded_later`` (a build's validation) its evidence files as
    read (else none)."""
    document = load(path, source)
    data = document.data
    problems: list[Problem] = []
    order: OrderFile | None = None
    try:
        order = OrderFile.model_validate(data)
    except ValidationError as exc:
        # dict.fromkeys: several faults in one redaction box are reported once.
        problems += dict.fromkeys(_problem(document, error)
                                  for error in exc.errors(include_url=False))
    failed = {p.field for p in problems}
    profile, platform_problems = _check_platform(document, failed)
    problems += platform_problems
    originals: list[evidence.Original] | None = [] if decoded_later else None
    problems += _check_files(document, failed, originals)
    if order is not None:
        problems += _check_dates(document, order)
    if problems or order is None or profile is None:
        raise refused(problems)
    return Case(path=path, order=order, profile=profile, document=document,
                warnings=tuple(warnings_for(document, order))), originals or []


def _check_platform(document: Document, failed: set[str]) -> tuple[Profile | None, list[Problem]]:
    """The case's profile, and its reason and remedy checked against it (on the raw data,
    so these problems are reported together with any schema problems)."""
    platform = document.data.get("platform")
    if not isinstance(platform, str) or "platform" in failed:
        return None, []
    known = profiles.available()
    if platform not in known:
        return None, [document.problem(("platform",),
                                       _("unknown platform %(platform)r", platform=platform),
                                       _suggest(platform, known))]
    profile = profiles.load(platform)  # a malformed shipped profile is our fault: ProfileError
    problems = []
    dispute = document.data.get("dispute")
    dispute = dispute if isinstance(dispute, dict) else {}
    reason = dispute.get("reason", "not_received")
    if isinstance(reason, str) and "dispute.reason" not in failed and (
        reason not in profile.reason_ids
    ):
        problems.append(document.problem(
            ("dispute", "reason"),
            _("%(platform)s has no dispute reason %(reason)r", platform=profile.name,
              reason=reason),
            _suggest(reason, profile.reason_ids)))
    remedy = dispute.get("remedy", "full_refund")
    if isinstance(remedy, str) and "dispute.remedy" not in failed and (
        remedy not in profile.remedies
    ):
        problems.append(document.problem(
            ("dispute", "remedy"),
            _("%(platform)s does not offer %(remedy)r", platform=profile.name, remedy=remedy),
            _("use one of: %(choices)s", choices=", ".join(profile.remedies))))
    elif remedy == "refund_and_return" and isinstance(reason, str) and (
        reason in profile.reason_ids
    ):
        # Every reason orderpack knows is a parcel that never arrived (seed guide, step 11:
        # "As you have not received your order, you should select 'full refund' only").
        label = next(r.label for r in profile.reasons if r.id == reason)
        problems.append(document.problem(
            ("dispute", "remedy"),
            _("'refund_and_return' asks to send back goods, and the reason %(reason)r "
              "(\"%(label)s\") says they never arrived", reason=reason, label=label),
            _("use `remedy: full_refund`")))
    problems += _check_order_number(document, profile, failed)
    return profile, problems


#: How a platform's order numbers are written, where it is certain: (pattern, digits).
_ORDER_NUMBERS = {
    "aliexpress": (re.compile(r"\d{16}"), 16),
}


def _check_order_number(document: Document, profile: Profile,
                        failed: set[str]) -> list[Problem]:
    order = document.data.get("order")
    number = order.get("number") if isinstance(order, dict) else None
    if not isinstance(number, str) or "order.number" in failed:
        return []
    found = _order_number_fault(profile, number.strip())
    return [] if found is None else [document.problem(("order", "number"), *found)]


def order_number_problem(platform: str, number: str) -> str | None:
    """What is wrong with ``number`` as an order number of ``platform`` (and how to fix
    it), or None; for `orderpack init`'s question."""
    if platform not in _ORDER_NUMBERS:
        return None
    found = _order_number_fault(profiles.load(platform), number.strip())
    return None if found is None else " — ".join(found)


def _order_number_fault(profile: Profile, text: str) -> tuple[str, str] | None:
    form = _ORDER_NUMBERS.get(profile.id)
    if form is None:
        return None
    pattern, length = form
    if pattern.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text)
    if pattern.fullmatch(digits):
        return (_("%(platform)s order numbers are %(length)d digits, with nothing between them",
                  platform=profile.name, length=length),
                _('write only the digits: "%(digits)s"', digits=digits))
    values = {"platform": profile.name, "length": length, "number": visible(text)}
    return ((ngettext('%(platform)s order numbers have %(length)d digits; "%(number)s" has '
                      "%(num)d digit",
                      '%(platform)s order numbers have %(length)d digits; "%(number)s" has '
                      "%(num)d digits", len(digits), **values)
             if len(digits) == len(text) else
             ngettext('%(platform)s order numbers have %(length)d digits; "%(number)s" has '
                      "%(num)d digit and other characters",
                      '%(platform)s order numbers have %(length)d digits; "%(number)s" has '
                      "%(num)d digits and other characters", len(digits), **values)),
            _("copy it again from the order's details page (My Orders, then the order)"))


def _check_dates(document: Document, order: OrderFile) -> list[Problem]:
    """Dates in an order that cannot be: shipped before it was placed, and so on."""
    placed = order.order.placed
    # Marked here, said only when a date is wrong: a valid file loads no catalog.
    checks: list[tuple[Loc, Any, str]] = [
        (("shipping", "shipped"), order.shipping.shipped,
         mark("shipped (%(date)s) is before the order date (%(placed)s)")),
        (("shipping", "delivery_deadline"), order.shipping.delivery_deadline,
         mark("the delivery deadline (%(date)s) is before the order date (%(placed)s)")),
        (("shipping", "protection_ends"), order.shipping.protection_ends,
         mark("Buyer Protection's end (%(date)s) is before the order date (%(placed)s)")),
        (("dispute", "opened"), order.dispute.opened,
         mark("the dispute's opening (%(date)s) is before the order date (%(placed)s)")),
        (("tracking", "checked"), order.tracking.checked if order.tracking else None,
         mark("the tracking check (%(date)s) is before the order date (%(placed)s)")),
    ]
    problems = [
        document.problem(loc, _(sentence, date=value.isoformat(), placed=placed.isoformat()),
                         _("check both dates against your order page"))
        for loc, value, sentence in checks
        if value is not None and value < placed
    ]
    shipped = order.shipping.shipped
    if shipped is not None and order.shipping.delivery_deadline < shipped:
        problems.append(document.problem(
            ("shipping", "delivery_deadline"),
            _("the delivery deadline (%(deadline)s) is before the shipping date (%(shipped)s)",
              deadline=order.shipping.delivery_deadline.isoformat(),
              shipped=shipped.isoformat()),
            _("check both dates against your order page")))
    return problems


def warnings_for(document: Document, order: OrderFile) -> list[Problem]:
    """What a valid order file may still have wrong: tracking events and messages dated
    before the order was placed, values still those of the examples orderpack shows (the
    template's, the samples'), and texts YAML cut at a ``#``."""
    placed = order.order.placed
    warnings: list[Problem] = []
    events = order.tracking.events if order.tracking else []
    for index, event in enumerate(events):
        if event.at.date() < placed:
            warnings.append(document.problem(
                ("tracking", "events", index, "at"),
                _("this tracking event (%(date)s) is dated before the order was placed "
                  "(%(placed)s)", date=event.at.date().isoformat(),
                  placed=placed.isoformat()),
                _("check the date on the tracking page, and that the tracking number is this "
                  "order's")))
    messages = order.messages if isinstance(order.messages, list) else []
    for index, message in enumerate(messages):
        if message.at.date() < placed:
            warnings.append(document.problem(
                ("messages", index, "at"),
                _("this message (%(date)s) is dated before the order was placed (%(placed)s)",
                  date=message.at.date().isoformat(), placed=placed.isoformat()),
                _("check its date; if it is about another order, leave it out")))
    for loc, value, field, fix in (
        (("buyer", "name"), order.buyer.name, Buyer.model_fields["name"],
         mark("write your name as on the order page")),
        (("order", "number"), order.order.number, Order.model_fields["number"],
         mark("write your order number as on the order page")),
        (("order", "store"), order.order.store, Order.model_fields["store"],
         mark("write the seller's store name as on the order page")),
    ):
        if value in (field.examples or []):
            warnings.append(document.problem(
                loc, _('"%(value)s" is an example from orderpack\'s template or samples',
                       value=visible(value)), _(fix)))
    for cut in cut_texts(document):
        warnings.append(document.problem(
            cut.loc, _('"%(left_out)s" was left out: YAML reads a space and # as the start of '
                       'a comment', left_out=visible(cut.left_out)),
            _("if it belongs to the text, put the whole text in quotes: %(example)s",
              example=visible(cut.quoted))))
    return warnings + _language_warnings(document, order)


def _language_warnings(document: Document, order: OrderFile) -> list[Problem]:
    """The buyer's texts in another language than the packet's, which quotes them as
    written: each with how to give the reviewer words they can read."""
    from orderpack import i18n, text_language

    warnings = []
    for found in text_language.mismatches(order):
        # The languages' names as the language in use says them (CLDR).
        values = {"language": i18n.name(found.found), "packet": i18n.name(found.packet),
                  "tag": found.found}
        fix = {
            "details": _("write it in %(packet)s, or add `language: %(tag)s` under `dispute:` "
                         "to have the whole packet in %(language)s", **values),
            "message": _("add its `translation:` in %(packet)s", **values),
            "caption": _("write the caption in %(packet)s", **values),
        }[found.kind]
        warnings.append(document.problem(
            found.loc, _("this text seems to be in %(language)s, and the packet (dispute.txt, "
                         "evidence.pdf) is in %(packet)s: it quotes the text as written",
                         **values), fix))
    return warnings


def _check_files(document: Document, failed: set[str],
                 originals: list[evidence.Original] | None) -> list[Problem]:
    """Each evidence file (and chat export) exists inside the case folder and can be read."""
    return _check_evidence_files(document, failed, originals) + _check_chat_files(document)


def _check_evidence_files(document: Document, failed: set[str],
                          originals: list[evidence.Original] | None) -> list[Problem]:
    """Each evidence file is inside the case folder and can be read; its boxes fit on it.

    With ``originals`` (a build's validation, whose workers decode the pictures: see
    ``decoded_later`` in :func:`orderpack.evidence.inspect_data`), each file read is added
    to it, hashed, for the build."""
    folder = document.path.parent
    problems: list[Problem] = []
    items = document.data.get("evidence")
    for index, item in enumerate(items if isinstance(items, list) else []):
        loc: Loc = ("evidence", index, "file")
        if not isinstance(item, dict) or not isinstance(item.get("file"), str) or (
            format_loc(loc) in failed
        ):
            continue
        try:
            if originals is None:
                path = evidence.resolve_inside(folder, item["file"])
                info = evidence.inspect_file(path, item["file"])
            else:
                original = evidence.read_original(folder, item["file"], index,
                                                  decoded_later=True)
                originals.append(original)
                info = original.info
        except OrderFileError as exc:
            problems += [document.problem(loc, p.message, p.fix) for p in exc.problems]
            continue
        boxes = item.get("redact")
        if info.kind != "image" and boxes:
            problems.append(document.problem(
                ("evidence", index, "redact"), _("redaction boxes apply to images only"),
                _("black out the area in the PDF itself, or remove `redact`")))
            continue
        for box_index, box in enumerate(boxes if isinstance(boxes, list) else []):
            box_loc: Loc = ("evidence", index, "redact", box_index)
            if not (isinstance(box, list) and len(box) == 4
                    and all(type(n) is int for n in box)) or any(
                    format_loc(box_loc) in f for f in failed):
                continue
            x, y, width, height = box
            if x + width > info.width or y + height > info.height:
                problems.append(document.problem(
                    box_loc,
                    _("the box [%(x)d, %(y)d, %(width)d, %(height)d] reaches outside the image "
                      "(%(image_width)d×%(image_height)d pixels as shown)", x=x, y=y,
                      width=width, height=height, image_width=info.width,
                      image_height=info.height),
                    _("measure the box on the picture as shown (upright), in its pixels")))
    return problems


def _check_chat_files(document: Document) -> list[Problem]:
    """The chat export and its translation are inside the case folder and can be read."""
    folder = document.path.parent
    problems: list[Problem] = []
    messages = document.data.get("messages")
    if isinstance(messages, dict):
        for key in ("file", "translation"):
            name = messages.get(key)
            if not isinstance(name, str):
                continue
            try:
                evidence.resolve_inside(folder, name)
            except OrderFileError as exc:
                problems += [document.problem(("messages", key), p.message, p.fix)
                             for p in exc.problems]
        problems += chat.check(folder, document.data)
    return problems


# --- turning pydantic's errors into the user's terms -------------------------------------

_TAGS = {"list", "file"}  # the discriminator tags of `messages`, not fields


def _problem(  # noqa: C901, PLR0911, PLR0912  (one case per pydantic error type, side by side)
    document: Document, error: ErrorDetails
) -> Problem:
    loc: Loc = tuple(
        part for position, part in enumerate(error["loc"])
        if not (position == 1 and error["loc"][0] == "messages" and part in _TAGS)
    )
    kind = error["type"]
    ctx = error.get("ctx") or {}
    field = loc[-1] if loc else ""
    if kind == "orderpack":
        return document.problem(loc, error["msg"], str(ctx.get("fix", "")))
    if "redact" in loc[:-1] and isinstance(loc[loc.index("redact") + 1], int):
        # Any fault inside a box (a missing number, a zero width): name the box, show the form.
        box = loc[: loc.index("redact") + 2]
        return document.problem(box, _("a box is four whole numbers [x, y, width, height], "
                                       "width and height at least 1"),
                                _("write it like [0, 0, 1170, 140]"))
    example = _example(loc)
    template = _("see the template written by `orderpack init`")
    if kind == "extra_forbidden":
        known = sorted(_known_fields(loc[:-1]))
        return document.problem(loc, _("unknown field `%(field)s`", field=visible(str(field))),
                                _suggest(str(field), known, fields=True))
    own = _own_value(loc)
    like = _("write it like %(example)s", example=example) if example else template
    if kind == "missing":
        return document.problem(loc, _("this field is required"),
                                _missing_fix(loc, str(field), own, example))
    if kind == "string_type" and error["input"] is None:
        return document.problem(loc, _("this field is empty"), _quoted_fix(document, loc) or (
            _("fill in %(value)s", value=own) if own else like))
    if kind in ("string_type", "model_type", "list_type", "dict_type", "model_attributes_type"):
        got = _kind_of(error["input"])
        message = (
            _("expected text, got %(value)s", value=got) if kind == "string_type" else
            _("expected a list (lines starting with `- `), got %(value)s", value=got)
            if kind == "list_type" else
            _("expected a group of `key: value` fields, indented below, got %(value)s",
              value=got))
        quoted = _quoted_fix(document, loc) if kind == "string_type" else ""
        return document.problem(loc, message, quoted or like)
    if kind == "literal_error":
        expected = ctx.get("expected")
        return document.problem(loc, _("%(value)s is not allowed here",
                                       value=_shown(error["input"])),
                                _("use %(choices)s", choices=expected) if expected else
                                _("use one of the listed values"))
    is_text = isinstance(error["input"], str)
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length")
        if not is_text:
            return document.problem(loc, _("too many entries: at most %(limit)s", limit=limit),
                                    _("keep only the ones that matter for the dispute"))
        return document.problem(
            loc, _("too long: at most %(limit)s characters", limit=limit),
            _("shorten it; long explanations belong in `dispute.details`")
            if limit == SHORT_TEXT else _("shorten it"))
    if kind in ("string_too_short", "too_short"):
        if not is_text:
            return document.problem(loc, _("needs at least one entry"),
                                    _("add one (lines starting with `- `); %(then)s",
                                      then=template))
        return document.problem(loc, _("must not be empty"),
                                _("fill in %(value)s", value=own) if own else
                                _("fill it in, e.g. %(example)s", example=example) if example
                                else _("fill it in"))
    if kind == "string_pattern_mismatch":
        return document.problem(loc, _("%(value)s is not in the expected form",
                                       value=_shown(error["input"])), like)
    write_eg = _("write e.g. %(example)s", example=example) if example else None
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return document.problem(loc, _("expected a whole number, got %(value)s",
                                       value=_kind_of(error["input"])),
                                _("write e.g. %(example)s", example=example or 1))
    bounds = {
        "greater_than_equal": _("%(value)s is out of range: it must be at least %(bound)s"),
        "greater_than": _("%(value)s is out of range: it must be more than %(bound)s"),
        "less_than_equal": _("%(value)s is out of range: it must be at most %(bound)s"),
        "less_than": _("%(value)s is out of range: it must be less than %(bound)s"),
    }
    if kind in bounds:
        bound = next(iter(v for k, v in ctx.items() if k in ("ge", "gt", "le", "lt")), "")
        return document.problem(loc, bounds[kind] % {"value": _shown(error["input"]),
                                                     "bound": bound},
                                write_eg or _("check the number"))
    # A pydantic error orderpack has no sentence for: pydantic's own words (English).
    return document.problem(loc, error["msg"], write_eg or template)


def _missing_fix(loc: Loc, field: str, own: str, example: str) -> str:
    """How to add a required field: under which group, with what."""
    parent = format_loc(loc[:-1])
    if own:
        return (_("add `%(field)s:` under `%(parent)s:` with %(value)s", field=field,
                  parent=parent, value=own) if parent else
                _("add `%(field)s:` with %(value)s", field=field, value=own))
    if example:
        return (_("add `%(field)s: %(example)s` under `%(parent)s:`", field=field,
                  example=example, parent=parent) if parent else
                _("add `%(field)s: %(example)s`", field=field, example=example))
    template = _("see the template written by `orderpack init`")
    return (_("add `%(field)s:` under `%(parent)s:`; %(then)s", field=field, parent=parent,
              then=template) if parent else
            _("add `%(field)s:`; %(then)s", field=field, then=template))


def _suggest(word: str, choices: list[str], *, fields: bool = False) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return _("did you mean `%(word)s`?", word=close[0])
    listed = ", ".join(choices)
    return (_("known fields here: %(choices)s", choices=listed) if fields else
            _("use one of: %(choices)s", choices=listed))


def _quoted_fix(document: Document, loc: Loc) -> str:
    """For a text written in brackets or braces on the line of its field, which YAML reads
    as a list or a group (``store: [Gadget Store]``), or starting with ``#``, which YAML
    reads as a comment, leaving the field empty (``store: #1 Shop``): how to keep it as
    written, in quotes. "" for anything else."""
    written = document.written_value(loc)
    if written is None:
        return ""
    value = written.strip()
    example = quoted_line(str(loc[-1]), value)
    if value.startswith("[") and value.endswith("]"):
        return _("to keep the brackets as text, put it in quotes: %(example)s",
                 example=example)
    if value.startswith("{") and value.endswith("}"):
        return _("to keep the braces as text, put it in quotes: %(example)s", example=example)
    if hash_starts_text(value):
        return _("to keep the # as text, put it in quotes: %(example)s", example=example)
    return ""


def _kind_of(value: Any) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, dict):
        return _("a group of fields")
    if isinstance(value, list):
        return _("a list")
    return _shown(value)


def _shown(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return {None: _("nothing"), True: "true", False: "false"}[value]
    text = f'"{visible(value)}"' if isinstance(value, str) else str(value)
    return clip(text)


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that describes the mapping at ``loc`` (list indexes skipped)."""
    model: type[BaseModel] | None = OrderFile
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(str(part)) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        model = _inner_model(field.annotation) if field else None
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, UnionType, list) or hasattr(annotation, "__metadata__"):
        for arg in get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _known_fields(loc: Loc) -> set[str]:
    model = _model_at(loc)
    if model is None:
        return set()
    return {field.alias or name for name, field in model.model_fields.items()}


def _example(loc: Loc) -> str:
    """An example value for the field at ``loc`` as it would be written, or "" if none."""
    model = _model_at(loc[:-1])
    if model is not None and loc:
        for name, field in model.model_fields.items():
            if loc[-1] in (name, field.alias):
                if field.examples:
                    example = field.examples[0]
                    return f'"{example}"' if name == "number" else str(example)
                if get_origin(field.annotation) is Literal:
                    return str(get_args(field.annotation)[0])
                # Annotated types (dates, money...) carry their examples in their metadata.
                schema_examples = _schema_example(field.annotation) or next(
                    (found for meta in field.metadata
                     if (found := _schema_example(Annotated[Any, meta]))), "")
                if schema_examples:
                    return schema_examples
    return ""


#: Fields whose value is the buyer's own: a fix names what to write, never an example
#: value (which would be copied; `warnings_for` warns about those left in).
_OWN_VALUES: dict[Loc, str] = {
    ("buyer", "name"): mark("your name as on the order"),
    ("order", "number"): mark("the order number from the order page, in quotes"),
    ("order", "store"): mark("the seller's store name as on the order page"),
}


def _own_value(loc: Loc) -> str:
    own = _OWN_VALUES.get(loc)
    return _(own) if own else ""


def _schema_example(annotation: Any) -> str:
    """An annotated type's example as a fix shows it: dates and times as their form
    (YYYY-MM-DD), never as a real-looking date a buyer might copy."""
    for meta in getattr(annotation, "__metadata__", ()):
        schema = getattr(meta, "json_schema", None)
        if isinstance(schema, dict) and schema.get("format") == "date":
            return "YYYY-MM-DD"
        if isinstance(schema, dict) and schema.get("pattern") == MOMENT_PATTERN:
            return "YYYY-MM-DD HH:MM"
        if isinstance(schema, dict) and schema.get("examples"):
            return str(schema["examples"][0])
    for arg in get_args(annotation):
        found = _schema_example(arg)
        if found:
            return found
    return ""
