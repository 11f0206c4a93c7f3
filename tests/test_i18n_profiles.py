"""No English left: with every sentence of messages.pot translated (a pseudo-translation made
here, each letter of the English replaced by its fullwidth form), `status`, `message` and
`build` print no English word outside the buyer's own text, names and code; and the platform
profiles' texts are catalog entries, each platform's sentences whole."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from click.testing import CliRunner
from conftest import SAMPLES
from orders import MINIMAL_ORDER

from orderpack import api, facts, i18n, messages, profiles, timeline, wording
from orderpack.cli import main

TODAY = "2026-11-26"
POT = i18n.LOCALE_DIR / "messages.pot"

#: What a translation keeps as it is: placeholders, markup, `code`, options, file names.
KEPT = re.compile(r"%\(\w+\)[sd]|%%|\{\{|\}\}|\{[^{}]*\}|<[^>]+>|`[^`]*`|--[A-Za-z-]+"
                  r"|orderpack (?:status|message|build|validate|init|rules|serve)(?: [a-z]+\b)?"
                  r"|'[a-z_]+'"
                  r"|[A-Za-z0-9_/-]*[A-Za-z0-9][./_][A-Za-z0-9_][A-Za-z0-9_/.-]*|[A-Za-z]+/")


def compiled(catalog: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isascii() and char.isalpha() else char
                   for char in text)


def pseudo(text: str) -> str:
    """``text`` "translated": its letters fullwidth, what a translation keeps kept."""
    out, start = [], 0
    for kept in KEPT.finditer(text):
        out += [fullwidth(text[start:kept.start()]), kept.group()]
        start = kept.end()
    return "".join([*out, fullwidth(text[start:])])


@pytest.fixture(scope="module")
def pseudo_catalog() -> Translations:
    """Every entry of messages.pot translated by :func:`pseudo`, in a Russian catalog (three
    plural forms)."""
    with POT.open("rb") as handle:
        template = read_po(handle)
    catalog = Catalog(locale="ru")
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, str):
            catalog.add(message.id, pseudo(message.id), context=message.context)
        else:
            singular, plural = message.id[0], message.id[1]
            catalog.add(message.id, (pseudo(singular), pseudo(plural), pseudo(plural)),
                        context=message.context)
    return compiled(catalog)


@pytest.fixture
def translated(monkeypatch: pytest.MonkeyPatch, pseudo_catalog: Translations) -> None:
    """Russian is the pseudo-translation for this test."""
    monkeypatch.setattr(i18n, "translations", lambda tag: (
        pseudo_catalog if tag == "ru" else NullTranslations()))


def english_left(output: str, allowed: set[str]) -> list[str]:
    """The lines of ``output`` holding an English word (three letters or more) that is not
    code, a name or the buyer's own (``allowed``)."""
    left = []
    for line in output.splitlines():
        words = re.findall(r"[A-Za-z]{3,}", KEPT.sub(" ", line))
        if [word for word in words if word.casefold() not in allowed]:
            left.append(line)
    return left


@cache
def names() -> frozenset[str]:
    """The words of the platforms' and card networks' names, and the program's: never
    translated (read once: no test changes a profile)."""
    found = {"orderpack", "sha"}
    for platform in profiles.available():
        profile = profiles.load(platform)
        found |= {profile.name, *(network.name for network in profile.networks.values())}
        # a card network's own name for its reason code, never translated
        found |= {network.reason_label for network in profile.networks.values()}
        found |= set(profile.limits.attachment_types or ())  # file name extensions
    return frozenset(word.casefold() for word in re.findall(r"[A-Za-z]{3,}", " ".join(found)))


def own_words(order_file: Path) -> set[str]:
    """The words the buyer wrote (the order file), and :func:`names`: not translated."""
    text = order_file.read_text(encoding="utf-8")
    return {word.casefold() for word in re.findall(r"[A-Za-z]{3,}", text)} | names()


def case(tmp_path: Path, sample: str, language: str = "ru") -> Path:
    """A copy of ``sample`` whose buyer reads ``language``."""
    folder = tmp_path / sample
    shutil.copytree(SAMPLES / sample, folder, ignore=shutil.ignore_patterns("out"))
    order = folder / "order.yaml"
    text = order.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  language: \w+.*$", "", text)
    order.write_text(text.replace("buyer:", f"buyer:\n  language: {language}", 1),
                     encoding="utf-8")
    return order


SAMPLE_NAMES = ["aliexpress-missing", "aliexpress-spain", "ebay-not-received"]


@pytest.mark.usefixtures("translated")
@pytest.mark.parametrize("sample", SAMPLE_NAMES)
@pytest.mark.parametrize("today", [TODAY, "2026-10-01", "2027-03-01"])
def test_status_has_no_english_left(tmp_path: Path, sample: str, today: str) -> None:
    order = case(tmp_path, sample)
    result = CliRunner().invoke(main, ["status", str(order), "--today", today, "--all"])
    assert result.exit_code == 0, result.output
    assert english_left(result.output, own_words(order)) == []


@pytest.mark.usefixtures("translated")
@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_message_steps_and_refusals_have_no_english_left(tmp_path: Path, sample: str) -> None:
    order = case(tmp_path, sample)
    allowed = own_words(order)
    profile = api.validate(order).profile
    for step in profile.steps:
        result = CliRunner().invoke(main, ["message", step, str(order), "--today", TODAY])
        assert english_left(result.output, allowed) == [], step


@pytest.mark.usefixtures("translated")
def test_build_has_no_english_left_in_its_summary(tmp_path: Path, warm_cache: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """With the sample's pictures already in the cache (its subject is the summary's words,
    which the cache does not change)."""
    monkeypatch.setenv("ORDERPACK_CACHE_DIR", str(warm_cache))
    order = case(tmp_path, "aliexpress-missing")
    result = CliRunner().invoke(main, ["build", str(order), "--today", TODAY,
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "ｃｈａｒａｃｔｅｒｓ" in result.output
    assert english_left(result.output, own_words(order)) == []


# --- The profiles' texts --------------------------------------------------------------------


@cache
def pot_entries() -> frozenset[tuple[str, str | None]]:
    """The (message id, context) of each entry of messages.pot, read once."""
    with POT.open("rb") as handle:
        return frozenset((m.id if isinstance(m.id, str) else m.id[0], m.context)
                         for m in read_po(handle) if m.id)


@pytest.mark.parametrize("platform", profiles.available())
def test_every_text_of_a_profile_is_in_the_catalog_template(platform: str) -> None:
    profile = profiles.load(platform)
    entries = pot_entries()
    for text, _comment in profiles.texts(profile):
        assert (text, platform) in entries, text
    for note_id in wording.TEMPLATES:
        whole = wording.with_terms(note_id, profiles.phrases(profile))
        assert whole is None or (whole, platform) in entries, note_id


def test_a_platforms_whole_sentence_wins_over_the_sentence_with_its_words(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A translation can decline the platform's words: the whole sentence of the platform
    (msgctxt: its id) is used where the catalog has it; else the general sentence with each
    word translated alone."""
    catalog = Catalog(locale="ru")
    catalog.add("{window:start} ends on {closes}.", "{window:start} заканчивается {closes}.")
    catalog.add("Buyer Protection", "Защита покупателя", context="aliexpress")
    catalog.add("Last days: Buyer Protection ends on {closes}.",
                "Последние дни: срок Защиты покупателя истекает {closes}.",
                context="aliexpress")
    russian = compiled(catalog)
    monkeypatch.setattr(i18n, "translations", lambda tag: (
        russian if tag == "ru" else NullTranslations()))
    words = profiles.phrases(profiles.load("aliexpress"))
    closes = date(2026, 12, 3)
    with i18n.using("ru"):
        whole = wording.say_for("aliexpress", words, "stage.last_days", closes=closes)
        alone = wording.say_for("aliexpress", words, "action.window_ends", closes=closes)
    with i18n.using("ru"):
        day = i18n.long_date(closes)
    assert whole == f"Последние дни: срок Защиты покупателя истекает {day}."
    assert alone == f"Защита покупателя заканчивается {day}."
    english = wording.say_for("aliexpress", words, "stage.last_days", closes=closes)
    assert english == "Last days: Buyer Protection ends on 3 December 2026."


def test_a_localised_profile_keeps_its_english_words_for_the_sentences(
        translated: None) -> None:
    profile = profiles.load("aliexpress")
    with i18n.using("ru"):
        local = profiles.localised(profile)
    assert local.reasons[0].label == fullwidth("Package not received")
    assert local.date_label("protection_ends") == fullwidth("Buyer Protection ends")
    assert profiles.phrases(local) == profiles.phrases(profile)
    assert local.path == profile.path
    assert profiles.localised(profile) is profile  # English: the profile itself


def test_a_refusal_is_translated(translated: None, tmp_path: Path) -> None:
    order = case(tmp_path, "aliexpress-missing")
    loaded = api.validate(order)
    profile = loaded.profile
    with i18n.using("ru"):
        status = timeline.compute(loaded.order, profile, date(2026, 11, 26))
        why = messages.not_applicable("escalate", status, profile)
    assert why == fullwidth("no dispute is open yet: open it first")


def test_the_packet_names_the_reason_as_the_translated_form_does(
        translated: None, tmp_path: Path) -> None:
    """The evidence PDF's "Reason" row (facts.reason) in the packet's language."""
    found = api.validate(case(tmp_path, "aliexpress-missing"))
    with i18n.using("ru"):
        reason = facts.gather(found, date(2026, 11, 26)).reason
    assert reason == fullwidth("No tracking update")
    assert facts.gather(found, date(2026, 11, 26)).reason == "No tracking update"


@pytest.mark.usefixtures("translated")
@pytest.mark.parametrize("platform", profiles.available())
@pytest.mark.parametrize("payment", ["card", "paypal", None])
@pytest.mark.parametrize("today", ["2026-10-10", "2026-10-25", "2026-11-26", "2027-02-01",
                                   "2027-06-01"])
def test_every_platform_status_has_no_english_left(tmp_path: Path, platform: str,
                                                   payment: str | None, today: str) -> None:
    """A minimal order of each platform, each way of paying, before and after each window."""
    text = MINIMAL_ORDER.replace("platform: aliexpress", f"platform: {platform}").replace(
        "buyer:\n", "buyer:\n  language: ru\n")
    if payment is not None:
        text = text.replace("  currency: EUR\n", f"  currency: EUR\n  payment_method: {payment}\n")
    order = tmp_path / "order.yaml"
    order.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["status", str(order), "--today", today, "--all"])
    assert result.exit_code == 0, result.output
    assert english_left(result.output, own_words(order)) == []
