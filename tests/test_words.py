"""The word helpers (words.py, and i18n.py for dates and days), and that they are the only\nones."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from orderpack import i18n, words

PACKAGE = Path(__file__).resolve().parent.parent / "orderpack"


def test_counts_days_dates_and_articles() -> None:
    assert [words.plural(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert words.plural(2, "reply", "replies") == "2 replies"
    assert [i18n.relative_days(n) for n in (-3, -1, 0, 1, 5)] == [
        "3 days ago", "yesterday", "today", "tomorrow", "in 5 days"]
    assert i18n.when(date(2026, 12, 1), date(2026, 11, 26)) == "in 5 days"
    assert i18n.long_date(date(2026, 9, 4)) == "4 September 2026"
    assert words.with_article("A-to-z Guarantee claim") == "an A-to-z Guarantee claim"
    assert words.sentence_start("eBay's form") == "eBay's form"
    assert words.sentence_start("buyer protection") == "Buyer protection"
    assert words.lower_start("Escalate the case") == "escalate the case"


def test_clipping_and_scripts() -> None:
    assert words.clip("x" * 40) == "x" * 40
    assert words.clip("x" * 41) == "x" * 37 + "..."
    assert words.has_cjk(["plain", "包裹"])
    assert not words.has_cjk(["plain"])
    assert [words.script_lang(t) for t in ("こんにちは", "안녕", "包裹", "hello")] == [
        "ja", "ko", "zh", "und"]


def test_no_module_writes_its_own_plural_or_clipping() -> None:
    hand_made = re.compile(r"""['"]s['"] if |<= 40 else|def (plural|relative_days|when|_clip)\(""")
    for path in PACKAGE.rglob("*.py"):
        if path.name not in {"words.py", "i18n.py"}:
            found = hand_made.search(path.read_text(encoding="utf-8"))
            assert found is None, f"{path.name}: {found and found[0]}"
