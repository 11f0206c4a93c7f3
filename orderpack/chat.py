"""The chat with the seller: the order file's inline `messages`, or a chat exported as text.

``messages: {file: chat.txt}`` reads a plain-text export (UTF-8), one message per block::

    2026-10-25 09:14 Me: Hello, my order has had no tracking update since 14 September.
    2026-10-25 17:48 Seller: 亲，请耐心等待。包裹还在路上。
    Translation: Dear, please wait patiently. The parcel is still on the way.
    2026-11-05 08:30 Buyer: The delivery deadline has passed.
    Please refund me.

- A message starts with its date and time (``2026-10-25 09:14``; seconds and a UTC offset
  like ``+08:00`` may follow), who wrote it, and a colon.
- Who (in any case): ``Buyer``, ``Me``, ``You`` or the buyer's name from the order file
  are the buyer; ``Seller``, ``Store``, ``Shop`` or the store's name are the seller;
  ``Platform`` or the platform's name (``AliExpress``) is the platform.
- Any other line continues the message above it.
- A line starting ``Translation:`` starts the translation of the message above; or
  ``translation: chat-en.txt`` names a file with the same messages in the same order,
  dates and speakers, translated (a translation equal to the original is dropped).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from orderpack.errors import OrderFileError, Problem
from orderpack.evidence import resolve_inside
from orderpack.loader import read_text, visible
from orderpack.model import MAX_MESSAGES, ChatImport, Message

if TYPE_CHECKING:
    from orderpack.model import Case

#: An export is a few hundred kilobytes at most; refuse what is clearly another file.
MAX_CHAT_BYTES = 2 * 1024 * 1024

_HEADER = re.compile(
    r"^(?P<at>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)"
    r"(?:\s+(?P<rest>.*))?$")
_SPEAKER = re.compile(r"^(?P<who>[^:]{1,80}?)\s*:\s?(?P<text>.*)$")
_TRANSLATION = re.compile(r"^translation\s*:\s?(?P<text>.*)$", re.IGNORECASE)
#: Invisible direction marks and isolates chat apps put before a line, and a BOM.
_MARKS = "\u200e\u200f\u061c\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_EXAMPLE = "`YYYY-MM-DD HH:MM Seller: text`"
_ROLES = {"buyer": "buyer", "me": "buyer", "you": "buyer",
          "seller": "seller", "store": "seller", "shop": "seller",
          "platform": "platform"}


def load_messages(case: Case) -> list[Message]:
    """The case's messages: the inline list, or the chat export it names, as written."""
    messages = case.order.messages
    if messages is None:
        return []
    if isinstance(messages, list):
        return list(messages)
    speakers = _speakers(case.order.buyer.name, case.order.order.store, case.order.platform)
    result, problems = _read(case.folder, messages, speakers)
    if problems:
        raise OrderFileError.from_problems(problems)
    return result


def check(folder: Path, data: Mapping[str, Any]) -> list[Problem]:
    """Problems of the chat export named in an order file's raw ``data``, each with its
    file and line; none if there is no export or its files do not exist (validation
    reports those against the order file)."""
    raw = data.get("messages")
    try:
        chat = ChatImport.model_validate(raw)
        for name in (chat.file, chat.translation):
            if name:
                resolve_inside(folder, name)
    except (ValidationError, OrderFileError):
        return []

    def text_at(*keys: str) -> str | None:
        value: Any = data
        for key in keys:
            value = value.get(key) if isinstance(value, Mapping) else None
        return value if isinstance(value, str) else None

    speakers = _speakers(text_at("buyer", "name"), text_at("order", "store"),
                         text_at("platform"))
    return _read(folder, chat, speakers)[1]


@dataclass
class _Block:
    """A message as read from the export, before it is checked."""

    line: int
    at: str
    sender: str
    text: list[str]
    translation: list[str] | None = None


def _speakers(buyer: str | None, store: str | None, platform: str | None) -> dict[str, str]:
    speakers = dict(_ROLES)
    for name, role in ((buyer, "buyer"), (store, "seller"), (platform, "platform")):
        if name:
            speakers.setdefault(name.casefold(), role)
    return speakers


def _read(folder: Path, chat: ChatImport,
          speakers: Mapping[str, str]) -> tuple[list[Message], list[Problem]]:
    shown = str(folder / chat.file)
    blocks, problems = _parse(resolve_inside(folder, chat.file), shown, speakers)
    if chat.translation:
        shown_translation = str(folder / chat.translation)
        translated, more = _parse(resolve_inside(folder, chat.translation),
                                  shown_translation, speakers)
        problems += more
        if not problems:
            problems = _merge(blocks, translated, shown, shown_translation)
    if problems:
        return [], problems
    messages = []
    for block in blocks:
        text = "\n".join(block.text).strip()
        translation = "\n".join(block.translation).strip() if block.translation else None
        try:
            messages.append(Message.model_validate({
                "at": block.at, "from": block.sender, "text": text,
                "translation": translation if translation and translation != text else None}))
        except ValidationError as exc:
            problems += [_problem(shown, block.line, error) for error in exc.errors()]
    if len(messages) > MAX_MESSAGES:
        problems.append(Problem(shown, f"the export has {len(messages)} messages; the limit "
                                       f"is {MAX_MESSAGES}",
                                fix="keep the part of the chat about this order"))
    return messages, problems


def _parse(path: Path, shown: str,
           speakers: Mapping[str, str]) -> tuple[list[_Block], list[Problem]]:
    size = path.stat().st_size
    if size > MAX_CHAT_BYTES:
        return [], [Problem(shown, f"the file is {size:,} bytes, too large for a chat export "
                                   f"(at most {MAX_CHAT_BYTES:,})",
                            fix="keep the part of the chat about this order")]
    try:
        text = read_text(path, shown)
    except OrderFileError as exc:
        return [], exc.problems
    blocks: list[_Block] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line.strip().lstrip(_MARKS))
        if header is None:
            translation = _TRANSLATION.match(line.strip().lstrip(_MARKS))
            if blocks and translation and blocks[-1].translation is None:
                blocks[-1].translation = [translation["text"]]
            elif blocks:
                part = blocks[-1].translation if blocks[-1].translation is not None else (
                    blocks[-1].text)
                part.append(line.rstrip())
            elif line.strip() and not problems:
                problems.append(Problem(
                    shown, "the first message has no date and time", line=number,
                    fix=f"start each message with a line like {_EXAMPLE}"))
            continue
        speaker = _SPEAKER.match(header["rest"] or "")
        if speaker is None:
            problems.append(Problem(shown, "this message does not say who wrote it",
                                    line=number, fix=f"write it like {_EXAMPLE}"))
            continue
        who = speaker["who"].strip().strip(_MARKS).strip()
        sender = speakers.get(who.casefold())
        if sender is None:
            problems.append(Problem(
                shown, f"unknown speaker `{visible(who)}`", line=number,
                fix="use Buyer (or Me, You), Seller or Platform"))
            continue
        blocks.append(_Block(line=number, at=header["at"], sender=sender,
                             text=[speaker["text"]]))
    if not blocks and not problems:
        problems.append(Problem(shown, "the file has no messages", line=1,
                                fix=f"export the chat as text, one message per line like "
                                    f"{_EXAMPLE}"))
    return blocks, problems


def _merge(blocks: list[_Block], translated: list[_Block], shown: str,
           shown_translation: str) -> list[Problem]:
    """Set each block's translation from the translation file's block at the same place."""
    for block, other in zip(blocks, translated, strict=False):
        if (block.at, block.sender) != (other.at, other.sender):
            return [Problem(shown_translation,
                            f"this message ({other.at}, {other.sender}) does not match line "
                            f"{block.line} of {shown} ({block.at}, {block.sender})",
                            line=other.line,
                            fix="the translation must have the same messages in the same "
                                "order, with the same dates and speakers")]
        if block.translation is not None:
            return [Problem(shown, "this message has a translation both here and in "
                                   f"{shown_translation}", line=block.line,
                            fix="keep one of the two")]
        block.translation = other.text
    if len(blocks) != len(translated):
        extra = translated[len(blocks)] if len(translated) > len(blocks) else None
        missing = blocks[len(translated)] if len(blocks) > len(translated) else None
        return [Problem(
            shown_translation,
            f"the translation has {len(translated)} messages, the chat {len(blocks)}"
            + (f"; the chat's message on line {missing.line} has none" if missing else ""),
            line=extra.line if extra else None,
            fix="translate every message, line for line")]
    return []


def _problem(shown: str, line: int, error: ErrorDetails) -> Problem:
    field = error["loc"][0] if error["loc"] else ""
    ctx = error.get("ctx") or {}
    if error["type"] == "orderpack":
        return Problem(shown, error["msg"], line=line, fix=str(ctx.get("fix", "")))
    if error["type"] == "string_too_long":
        return Problem(shown, f"the message is too long (at most {ctx.get('max_length'):,} "
                              "characters)", line=line, fix="split it into several messages")
    if error["type"] in ("string_too_short", "too_short"):
        what = "translation" if field == "translation" else "message"
        return Problem(shown, f"the {what} is empty", line=line,
                       fix="write the text after the colon, or remove the line")
    return Problem(shown, str(error["msg"]), line=line)
