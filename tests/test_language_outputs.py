"""Every language's output: the samples' dispute.txt, evidence.pdf, `status` and every
`message` step, in each language orderpack writes, with no English left outside the buyer's
own text and with the locale's dates and money; the PDF's fonts for each script; golden
files for Spanish and Russian.

"No English left" is checked against the catalogs, not against a list of words: each
message id of messages.pot whose translation differs (or is missing, so that English would
show) is cut at its placeholders and markup, and no piece of it of four words or more may
appear in the output once the buyer's own text (every text of two words or more written in
order.yaml) is taken out.

Each language's builds are shared by its tests and test_languages.py's (one build per sample
and language and test process: tests/language_builds.py), and a language's tests run on one
pytest-xdist worker. Golden files: tests/golden/*/*.es.txt and
*.ru.txt; after an intended change to the wording or a catalog, regenerate them with
``ORDERPACK_REGENERATE=1 pytest tests/test_language_outputs.py`` and review the diff.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pdffonts
import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import SAMPLES, copy_sample
from language_builds import TODAY, Built, sample_built
from pypdf import PdfReader

from orderpack import fonts, i18n
from orderpack.api_types import BuildResult
from orderpack.cli import main

GOLDEN = Path(__file__).parent / "golden"

#: The languages orderpack writes besides English.
LANGUAGES = [tag for tag in i18n.SUPPORTED if tag != i18n.SOURCE]

#: sample → its platform's message steps: (step, a day it applies on, dispute.opened or None)
STEPS: dict[str, list[tuple[str, str, str | None]]] = {
    "aliexpress-missing": [("seller", "2026-11-26", None), ("extension", "2026-11-20", None),
                           ("escalate", "2026-12-01", "2026-11-24"),
                           ("chargeback", "2026-12-10", None)],
    "ebay-not-received": [("seller", "2026-11-26", None),
                          ("escalate", "2026-12-03", "2026-11-27"),
                          ("chargeback", "2026-12-11", None)],
    "aliexpress-spain": [("seller", "2026-11-26", None), ("extension", "2026-11-20", None),
                         ("escalate", "2026-12-01", "2026-11-24"),
                         ("chargeback", "2026-12-20", None)],
}
SAMPLE_NAMES = list(STEPS)

def cases(*, with_steps: bool = False) -> list[Any]:
    """The (language, sample[, step, day, opened]) parameters of a test of each output; a
    language's tests run on one pytest-xdist worker (they share its builds)."""
    found = []
    for tag in LANGUAGES:
        for sample in SAMPLE_NAMES:
            group = pytest.mark.xdist_group(f"language-{tag}")
            steps = STEPS[sample] if with_steps else [()]
            for step in steps:
                found.append(pytest.param(tag, sample, *step, marks=group,
                                          id="-".join([tag, sample, *step[:1]])))
    return found


def language(tag: str) -> Any:
    """``tag`` as a parameter, its tests on the worker of its language's builds."""
    return pytest.param(tag, marks=pytest.mark.xdist_group(f"language-{tag}"), id=tag)


# --- What counts as English left ---------------------------------------------------------

_CUT = re.compile(r"%\(\w+\)[sdfr]|%[sd]|\{\w*\}|<[^>]*>|&\w+;|[\n()«»\"“”„`*]|\s[—–:;]\s")
_WORD = re.compile(r"[A-Za-z']+")


def _flat(text: str) -> str:
    """``text`` for comparing: compatibility forms (ligatures), one space for any run of
    white space (line breaks of wrapped text, no-break spaces), lower case."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _texts(value: object) -> tuple[str, ...]:
    """A catalog's message id or translation (a plural's: several) as a tuple of texts."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    return tuple(str(text) for text in values if text is not None)


@cache
def catalog_template() -> Catalog:
    """messages.pot, read once (no test changes it)."""
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as file:
        return read_po(file)


@cache
def english_pieces(tag: str) -> tuple[str, ...]:
    """The pieces of four words or more of the message ids that ``tag``'s catalog does not
    say in English: a translation that differs, or none (then the English would show)."""
    template = catalog_template()
    locale_dir = i18n.LOCALE_DIR
    with (locale_dir / i18n.babel_locale(tag) / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    pieces: set[str] = set()
    for message in template:
        if not message.id:
            continue
        ids = _texts(message.id)
        found = catalog.get(message.id, message.context)
        forms = _texts(found.string) if found is not None and not found.fuzzy else ()
        if forms and all(forms) and set(forms) <= set(ids):
            continue  # said the same way in both languages (a name, a code)
        translated = _flat(" ".join(form for form in forms if form))
        for message_id in ids:
            for cut in _CUT.split(message_id):
                piece = _flat(cut).strip(" ,.!?")
                if len(_WORD.findall(piece)) >= 4 and piece not in translated:
                    pieces.add(piece)
    return tuple(sorted(pieces))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@cache
def buyer_text(sample: str) -> tuple[str, ...]:
    """Every text of two words or more the buyer wrote in the sample's order.yaml, longest
    first (a single word is a code, a name or a currency: taking it out could hide English
    left around it, and alone it is never English left)."""
    data = yaml.safe_load((SAMPLES / sample / "order.yaml").read_text(encoding="utf-8"))
    return tuple(sorted({_flat(text) for text in _strings(data) if len(text.split()) >= 2},
                        key=len, reverse=True))


def without_buyer_text(sample: str, output: str) -> str:
    """``output`` flattened, without the buyer's own text."""
    text = _flat(output)
    for written in buyer_text(sample):
        text = text.replace(written, " | ")
    return text


def english_left(tag: str, sample: str, output: str) -> list[str]:
    """The catalog's English pieces in ``output`` once the buyer's own text is taken out."""
    text = without_buyer_text(sample, output)
    return [piece for piece in english_pieces(tag) if piece in text]


_ENGLISH_DATE = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|"
                           r"September|October|November|December) \d{4}\b", re.IGNORECASE)


@cache
def total(sample: str) -> tuple[Decimal, str]:
    """The sample's order total and currency."""
    data = yaml.safe_load((SAMPLES / sample / "order.yaml").read_text(encoding="utf-8"))
    return Decimal(str(data["order"]["total"])), str(data["order"]["currency"])


def money_in(tag: str, sample: str) -> str:
    amount, currency = total(sample)
    with i18n.using(tag):
        return _flat(i18n.money(amount, currency))


def long_date(tag: str, day: date) -> str:
    with i18n.using(tag):
        return _flat(i18n.long_date(day))


def check_output(tag: str, sample: str, output: str, *, day: date, english: str | None) -> None:
    """``output`` is in ``tag``'s language: no English left, no date in English form, and
    the day's long date and the total in the locale's form: always when ``english`` is
    None, else wherever the English output (``english``) shows them."""
    assert english_left(tag, sample, output) == []
    text = without_buyer_text(sample, output)
    assert _ENGLISH_DATE.search(text) is None
    amount, _ = total(sample)
    digits = re.compile(re.escape(f"{amount:.2f}").replace(r"\.", r"[.,]"))
    with i18n.using("en"):
        shows_day = english is None or _flat(i18n.long_date(day)) in _flat(english)
        shows_total = english is None or bool(digits.search(_flat(english)))
    if shows_day:
        assert long_date(tag, day) in text
    if shows_total:
        assert money_in(tag, sample) in text
    # every amount of the total is in the locale's form, none in another
    assert len(digits.findall(text)) == text.count(money_in(tag, sample))


# --- The builds, shared by a language's tests --------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory,
          built_aliexpress: BuildResult) -> Callable[[str, str], Built]:
    """``built(tag, sample)``: the sample built in ``tag`` on TODAY, once per test process
    (:func:`language_builds.sample_built`)."""

    def build(tag: str, sample: str) -> Built:
        return sample_built(tmp_path_factory, built_aliexpress, sample, tag)

    return build


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), prog_name="orderpack")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def case_copy(tmp_path: Path, sample: str, opened: str | None = None) -> Path:
    order = copy_sample(tmp_path, sample)
    if opened:
        text = order.read_text(encoding="utf-8")
        order.write_text(text.replace("\ndispute:\n", f"\ndispute:\n  opened: {opened}\n"),
                         encoding="utf-8")
    return order


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., str]:
    """``printed(tag, sample, opened, command, day)``: what ``orderpack COMMAND order.yaml
    --today DAY --lang TAG`` prints, run in a copy of the sample's folder (its dispute opened
    on ``opened``, if given), so that the output names `order.yaml` wherever it is. Each
    output is made once per module (and worker): a language's test, its golden file and
    the languages' tests that compare their output with the English one share it. The
    commands only read the case."""
    folders: dict[tuple[str, str | None], Path] = {}
    outputs: dict[tuple[str, str, str | None, tuple[str, ...], str], str] = {}

    def output(tag: str, sample: str, opened: str | None, command: tuple[str, ...],
               day: str) -> str:
        key = (tag, sample, opened, command, day)
        if key not in outputs:
            if (sample, opened) not in folders:
                folder = tmp_path_factory.mktemp(sample)
                folders[sample, opened] = case_copy(folder, sample, opened).parent
            with contextlib.chdir(folders[sample, opened]):
                outputs[key] = invoke(*command, "order.yaml", "--today", day, "--lang", tag)
        return outputs[key]

    return output


# --- Fonts ---------------------------------------------------------------------------------


def test_a_pdf_language_no_font_covers_is_warned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_covered", lambda lang: lang != "ru")
    [warning] = fonts.missing_font_warnings(["Jane Doe", "USB-C hub"], "ru")
    assert warning.startswith("no installed font covers the Russian the PDF is written in,")
    assert "apt-get install fonts-dejavu-core" in warning
    assert "brew install --cask font-dejavu" in warning
    assert fonts.missing_font_warnings(["Jane Doe"], "pl") == []


def test_fontconfig_is_asked_for_the_pdfs_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """fc-list finds no font for Russian: the build of a Russian PDF is warned."""
    asked = []

    def fc_list(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        asked.append(command[1])
        found = "" if command[1] == ":lang=ru" else "DejaVu Sans\n"
        return subprocess.CompletedProcess(command, 0, found, "")

    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(subprocess, "run", fc_list)
    fonts._covered.cache_clear()  # it keeps fontconfig's answers for the process
    try:
        assert fonts.missing_font_warnings(["Jane Doe"], "pl") == []
        [warning] = fonts.missing_font_warnings(["Jane Doe"], "ru")
    finally:
        fonts._covered.cache_clear()
    assert asked == [":lang=pl", ":lang=ru"]
    assert "the Russian the PDF is written in" in warning


def test_polish_letters_in_the_buyers_text_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_covered", lambda lang: lang != "pl")
    [warning] = fonts.missing_font_warnings(["Zażółć gęślą jaźń"], "en")
    assert warning.startswith("no installed font covers Latin Extended text,")
    assert fonts.missing_font_warnings(["Jane Doe, São Paulo"], "en") == []


def test_a_russian_pdf_with_russian_text_is_warned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_covered", lambda lang: False)
    warnings = fonts.missing_font_warnings(["Привет", "Zażółć"], "ru")
    assert [warning.split(",")[0] for warning in warnings] == [
        "no installed font covers the Russian the PDF is written in",
        "no installed font covers Latin Extended text"]


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig is not installed")
@pytest.mark.parametrize("tag", LANGUAGES)
def test_this_machine_has_a_font_for_every_language(tag: str) -> None:
    assert fonts.missing_font_warnings(["Zażółć", "Привет", "São Paulo"], tag) == []


SCRIPT_LETTERS = {"ru": re.compile("[\u0400-\u04ff]"), "pl": re.compile("[\u0100-\u017f]")}


@pytest.mark.slow
@pytest.mark.parametrize("tag", [language("ru"), language("pl")])
def test_the_pdf_draws_the_languages_letters(tag: str, built: Any) -> None:
    packet: Built = built(tag, "aliexpress-missing")
    embedded = pdffonts.fonts(PdfReader(packet.result.evidence_pdf))
    assert embedded
    assert all(is_embedded for _, is_embedded in embedded), embedded
    with i18n.using(tag):
        sentence = i18n.gettext("Buyer Protection ends")
    assert SCRIPT_LETTERS[tag].search(sentence)
    assert _flat(sentence) in _flat(packet.pdf_text)
    assert not [w for w in packet.result.warnings if "font" in w or "glyph" in w]


# --- Each language's outputs ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("tag", "sample"), cases())
def test_the_dispute_text_is_in_the_language(tag: str, sample: str, built: Any) -> None:
    text = built(tag, sample).result.dispute_text.read_text(encoding="utf-8")
    check_output(tag, sample, text, day=TODAY, english=None)


@pytest.mark.slow
@pytest.mark.parametrize(("tag", "sample"), cases())
def test_the_evidence_pdf_is_in_the_language(tag: str, sample: str, built: Any) -> None:
    check_output(tag, sample, built(tag, sample).pdf_text, day=TODAY, english=None)


@pytest.mark.parametrize(("tag", "sample"), cases())
def test_status_is_in_the_language(tag: str, sample: str, printed: Callable[..., str]) -> None:
    output = printed(tag, sample, None, ("status",), TODAY.isoformat())
    english = printed("en", sample, None, ("status",), TODAY.isoformat())
    check_output(tag, sample, output, day=TODAY, english=english)


@pytest.mark.parametrize(("tag", "sample", "step", "day", "opened"),
                         cases(with_steps=True))
def test_every_message_is_in_the_language(tag: str, sample: str, step: str, day: str,
                                          opened: str | None,
                                          printed: Callable[..., str]) -> None:
    output = printed(tag, sample, opened, ("message", step), day)
    english = printed("en", sample, opened, ("message", step), day)
    check_output(tag, sample, output, day=date.fromisoformat(day), english=english)


def test_the_check_finds_english_left(tmp_path: Path) -> None:
    """The check above can fail: an English message is English left in Polish, and so are
    an amount or a date in English form; the buyer's own English words are not."""
    order = str(case_copy(tmp_path, "aliexpress-missing"))
    english = invoke("message", "seller", order, "--today", "2026-11-26", "--lang", "en")
    assert english_left("pl", "aliexpress-missing", english)
    own_words = "\n".join(buyer_text("aliexpress-missing"))
    assert english_left("pl", "aliexpress-missing", own_words) == []

    polish = invoke("message", "seller", order, "--today", "2026-11-26", "--lang", "pl")
    check_output("pl", "aliexpress-missing", polish, day=TODAY, english=english)
    with i18n.using("pl"):
        money, day = i18n.money(Decimal("35.46"), "EUR"), i18n.long_date(date(2026, 9, 2))
    assert money in polish
    assert day in polish
    for wrong in (polish.replace(money, "35.46 EUR", 1), polish.replace(day, "2 September 2026")):
        with pytest.raises(AssertionError):
            check_output("pl", "aliexpress-missing", wrong, day=TODAY, english=english)


# --- Golden files: Spanish and Russian -----------------------------------------------------

#: (golden file, sample, language, step or "dispute"/"status", day, dispute.opened)
GOLDENS = [
    ("dispute/aliexpress-spain.es.txt", "aliexpress-spain", "es", "dispute", "2026-11-26", None),
    ("status/aliexpress-spain.es.txt", "aliexpress-spain", "es", "status", "2026-11-26", None),
    *((f"messages/aliexpress-spain-{step}.es.txt", "aliexpress-spain", "es", step, day, opened)
      for step, day, opened in STEPS["aliexpress-spain"]),
    ("dispute/aliexpress-missing.ru.txt", "aliexpress-missing", "ru", "dispute", "2026-11-26",
     None),
    ("status/aliexpress-missing.ru.txt", "aliexpress-missing", "ru", "status", "2026-11-26",
     None),
    *((f"messages/aliexpress-missing-{step}.ru.txt", "aliexpress-missing", "ru", step, day,
       opened) for step, day, opened in STEPS["aliexpress-missing"]),
]


@pytest.mark.parametrize(("name", "sample", "tag", "what", "day", "opened"), [
    pytest.param(*golden, marks=pytest.mark.xdist_group(f"language-{golden[2]}"), id=golden[0])
    for golden in GOLDENS])
def test_golden(name: str, sample: str, tag: str, what: str, day: str, opened: str | None,
                built: Any, printed: Callable[..., str]) -> None:
    if what == "dispute":
        text = built(tag, sample).result.dispute_text.read_text(encoding="utf-8")
    else:
        command = ("status",) if what == "status" else ("message", what)
        text = printed(tag, sample, opened, command, day)
    path = GOLDEN / name
    if os.environ.get("ORDERPACK_REGENERATE"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
