"""`orderpack init`: a new case folder with a commented order file and its JSON Schema."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from orderpack import model, profiles, render
from orderpack.errors import BuildError

SCHEMA_FILE = "order.schema.json"


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    default: str
    adapter: TypeAdapter[Any] | None = None


QUESTIONS = [
    Question("platform", "Platform (" + ", ".join(profiles.available()) + ")", "aliexpress"),
    Question("buyer_name", "Your name", "Jane Doe", TypeAdapter(model.ShortText)),
    Question("number", "Order number", "8190123456789012", TypeAdapter(model.Identifier)),
    Question("placed", "Order date (YYYY-MM-DD)", "2026-09-02", TypeAdapter(model.CalendarDate)),
    Question("delivery_deadline", "Promised delivery date (YYYY-MM-DD)", "2026-10-20",
             TypeAdapter(model.CalendarDate)),
    Question("protection_ends", "Buyer Protection ends (YYYY-MM-DD, empty if none shown)", ""),
    Question("store", "Store / seller name", "Shenzhen Gadget Store", TypeAdapter(model.ShortText)),
    Question("item_title", "What you ordered", "USB-C hub 7-in-1", TypeAdapter(model.ShortText)),
    Question("total", "Amount paid", "25.48", TypeAdapter(model.Money)),
    Question("currency", "Currency (EUR, USD, GBP ...)", "EUR", TypeAdapter(model.Currency)),
]


#: Characters a YAML file cannot hold, or reads as a line break (pasted from web pages).
_INVISIBLE = re.compile("[^\x09\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                        "\U00010000-\U0010ffff]")


def check_answer(question: Question, answer: str) -> str | None:
    """None if ``answer`` is acceptable for ``question``, else what is wrong and how to fix it."""
    if found := _INVISIBLE.search(answer):
        return (f"it contains an invisible character (U+{ord(found[0]):04X}) — type the answer "
                "instead of pasting it")
    if question.key == "platform":
        known = profiles.available()
        return None if answer in known else f"choose one of: {', '.join(known)}"
    if question.key == "protection_ends":
        if not answer:
            return None
        adapter: TypeAdapter[Any] = TypeAdapter(model.CalendarDate)
    else:
        assert question.adapter is not None
        adapter = question.adapter
    try:
        adapter.validate_python(answer)
    except ValidationError as exc:
        error = exc.errors()[0]
        ctx = error.get("ctx") or {}
        if error["type"] == "too_short":
            return "an answer is needed — type it, or press Enter to keep the example"
        if error["type"] == "too_long":
            return f"too long: at most {ctx.get('max_length')} characters"
        if error["type"] == "string_pattern_mismatch":
            return "it must not start or end with a space"
        fix = ctx.get("fix")
        return f"{error['msg']}" + (f" — {fix}" if fix else "")
    return None


def create(folder: Path, answers: Mapping[str, str] | None = None) -> Path:
    """Write ``folder``/order.yaml, its schema and ``screenshots/``; never overwrite an order."""
    values = {question.key: question.default for question in QUESTIONS}
    values.update(answers or {})
    order_path = folder / "order.yaml"
    refuse_existing(folder)
    text = render.render("order.yaml.j2", {"schema_file": SCHEMA_FILE, **values})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "screenshots").mkdir(exist_ok=True)
        (folder / SCHEMA_FILE).write_text(json.dumps(model.json_schema(), indent=2) + "\n",
                                          encoding="utf-8")
        with order_path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise BuildError(f"could not create {folder}: {exc.strerror or exc}") from None
    return order_path


def refuse_existing(folder: Path) -> None:
    """Raise BuildError if ``folder`` holds an order file already, or is not a folder."""
    order_path = folder / "order.yaml"
    if order_path.exists():
        raise BuildError(f"{order_path} already exists; orderpack init never overwrites it "
                         "(choose another folder, or edit that file)")
    if folder.exists() and not folder.is_dir():
        raise BuildError(f"{folder} exists and is not a folder")
