"""Which language a case is written in: buyer.language for what the buyer reads,
dispute.language (or the platform's default) for the packet, --lang for one run."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from language_builds import sample_built
from orders import MINIMAL_ORDER
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

import orderpack
from orderpack import i18n
from orderpack.api_types import BuildResult
from orderpack.cli import main
from orderpack.errors import OrderFileError

TODAY = date(2026, 11, 26)
SPAIN = "aliexpress-spain"


@pytest.fixture
def spanish_case(tmp_path: Path) -> Path:
    """A copy of samples/aliexpress-spain (a buyer in Spain, buyer.language: es)."""
    shutil.copytree(SAMPLES / SPAIN, tmp_path / SPAIN, ignore=shutil.ignore_patterns("out"))
    return tmp_path / SPAIN / "order.yaml"


# --- The packet's language ------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["aliexpress", "ebay", "paypal", "amazon", "etsy"])
def test_a_platforms_packet_is_english_whatever_the_buyer_reads(platform: str) -> None:
    assert i18n.packet_language(platform, "es", None) == i18n.Choice("en", "platform")


def test_a_card_chargeback_packet_is_in_the_buyers_language() -> None:
    assert i18n.packet_language("card", "pt-BR", None) == i18n.Choice("pt-BR", "bank")


def test_the_order_file_and_then_lang_choose_otherwise() -> None:
    assert i18n.packet_language("aliexpress", "es", "es") == i18n.Choice("es", "order_file")
    assert i18n.packet_language("card", "es", "en") == i18n.Choice("en", "order_file")
    assert i18n.packet_language("card", "es", "en", asked="RU") == i18n.Choice("ru", "asked")


def test_the_language_fields_are_checked_and_normalised(
        write_order: Callable[[str], Path]) -> None:
    text = MINIMAL_ORDER.replace("  name: Jane Doe\n", "  name: Jane Doe\n  language: PT_br\n")
    case = orderpack.validate(write_order(text))
    assert case.order.buyer.language == "pt-BR"
    assert case.order.dispute.language is None
    bad = MINIMAL_ORDER.replace("  name: Jane Doe\n", "  name: Jane Doe\n  language: klingon\n")
    with pytest.raises(OrderFileError) as caught:
        orderpack.validate(write_order(bad))
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (4, "buyer.language")
    assert problem.words == ('"klingon" is not a language orderpack writes — write one of en, '
                             "es, pt-BR, fr, de, pl, ru")


# --- The Spanish buyer ------------------------------------------------------------------------


def test_status_speaks_the_buyers_language_and_says_the_packets(spanish_case: Path) -> None:
    result = orderpack.status(spanish_case, TODAY)
    assert (result.language, result.packet_language) == ("es", "en")
    assert result.packet_language_text is not None
    assert result.packet_language_text.id == "language.platform"
    assert result.packet_language_text.params == {"language": "inglés",
                                                  "platform": "AliExpress"}
    assert "1 de diciembre de 2026" in result.next_action.text
    english = orderpack.status(spanish_case, TODAY, lang="en")
    assert english.language == "en"
    assert "1 December 2026" in english.next_action.text


def test_the_cli_prints_status_in_the_buyers_language(spanish_case: Path) -> None:
    out = CliRunner().invoke(main, ["status", str(spanish_case), "--today", "2026-11-26"])
    assert out.exit_code == 0, out.output
    assert "a fecha de 26 de noviembre de 2026" in out.output
    assert "está en inglés: los revisores de\n  AliExpress leen en inglés" in out.output
    english = CliRunner().invoke(main, ["status", str(spanish_case), "--today", "2026-11-26",
                                        "--lang", "en"])
    assert "on 26 November 2026" in english.output
    assert "is in English: AliExpress's reviewers" in english.output


def test_an_unknown_lang_is_a_usage_error(spanish_case: Path) -> None:
    out = CliRunner().invoke(main, ["status", str(spanish_case), "--lang", "xx"])
    assert out.exit_code == 2
    assert "unknown language 'xx' — write one of en, es, pt-BR, fr, de, pl, ru" in out.output


def test_the_chargeback_letter_is_in_the_buyers_language(spanish_case: Path) -> None:
    letter = orderpack.message(spanish_case, "chargeback", date(2027, 1, 20)).text
    assert "Impugno un pago de 45,30\xa0€ realizado el 10 de septiembre de 2026" in letter
    assert "Asunto: solicitud de contracargo" in letter
    assert letter.endswith("Lucía Fernández García\n20 de enero de 2027\n")
    english = orderpack.message(spanish_case, "chargeback", date(2027, 1, 20), lang="en").text
    assert "I dispute a payment of 45.30 EUR made on 10 September 2026" in english


@pytest.mark.slow
@pytest.mark.xdist_group("language-es")  # the worker of test_language_outputs' Spanish builds
def test_the_aliexpress_packet_is_english_unless_asked(
        tmp_path_factory: pytest.TempPathFactory, built_aliexpress: BuildResult) -> None:
    """The buyer's own words stay as she wrote them in either language. The sample's builds
    are shared (tests/language_builds.py): the Spanish one with test_language_outputs."""
    details = ("El seguimiento no se ha actualizado desde el 18 de septiembre y el vendedor "
               "no ofrece ninguna solución.")
    english = sample_built(tmp_path_factory, built_aliexpress, SPAIN, None).result
    text = english.dispute_text.read_text(encoding="utf-8")
    assert "I paid 45.30 EUR when I placed the order on 10 September 2026." in text
    assert details in text
    assert "lang: en" in _pdf_lang(english)

    spanish = sample_built(tmp_path_factory, built_aliexpress, SPAIN, "es").result
    text = spanish.dispute_text.read_text(encoding="utf-8")
    assert "Pagué 45,30\xa0€ al realizar el pedido el 10 de septiembre de 2026." in text
    assert "Solicito un reembolso completo de 45,30\xa0€" in text
    assert details in text
    assert "lang: es" in _pdf_lang(spanish)
    cover = PdfReader(spanish.evidence_pdf).pages[0].extract_text()
    assert "26 de noviembre de 2026" in cover


def _pdf_lang(result: BuildResult) -> str:
    """The PDF's document language, as "lang: xx"."""
    root = PdfReader(result.evidence_pdf).trailer["/Root"].get_object()
    assert isinstance(root, DictionaryObject)
    return f"lang: {root.get('/Lang')}"


def test_the_cover_keeps_its_sentences_apart(built_aliexpress: BuildResult) -> None:
    """Two sentences of the cover, two {% trans %} blocks, one space between them."""
    cover = " ".join(PdfReader(built_aliexpress.evidence_pdf).pages[0].extract_text().split())
    assert "to the original payment method. The parcel was due by 20 October 2026" in cover


# --- The buyer's own words in another language ------------------------------------------------


def test_validate_suggests_writing_details_in_the_packets_language(spanish_case: Path) -> None:
    # In English (--lang en): the buyer's own language, Spanish, names the languages in Spanish.
    (warning,) = orderpack.validate(spanish_case, "en").warnings
    assert warning.field == "dispute.details"
    assert warning.words == (
        "this text seems to be in Spanish, and the packet (dispute.txt, evidence.pdf) is in "
        "English: it quotes the text as written — write it in English, or add `language: es` "
        "under `dispute:` to have the whole packet in Spanish")


def test_a_message_without_translation_gets_the_suggestion(spanish_case: Path) -> None:
    text = spanish_case.read_text(encoding="utf-8")
    text = text.replace('    translation: "Hello, my order has had no tracking update since 18 '
                        'September. Where is the parcel?"\n', "")
    text = text.replace('  details: "El seguimiento', '  # details: "El seguimiento')
    spanish_case.write_text(text, encoding="utf-8")
    (warning,) = orderpack.validate(spanish_case, "en").warnings
    assert (warning.field, warning.fix) == ("messages[0].text", "add its `translation:` in English")


def test_nothing_is_detected_when_the_buyer_writes_the_packets_language(
        spanish_case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Spanish packet for a Spanish buyer: no detector loaded, no warning."""
    from orderpack import text_language

    def refuse(tags: tuple[str, ...]) -> None:
        raise AssertionError(f"a detector was loaded for {tags}")

    monkeypatch.setattr(text_language, "_detector", refuse)
    text = spanish_case.read_text(encoding="utf-8")
    spanish_case.write_text(text.replace("  remedy: full_refund\n",
                                         "  remedy: full_refund\n  language: es\n"),
                            encoding="utf-8")
    assert orderpack.validate(spanish_case).warnings == ()


def test_the_pictures_are_made_in_the_builds_language(
        write_order: Callable[[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The evidence thread and its image workers run in the build's context: a problem they
    raise speaks the packet's language, not the process's default. Two small pictures, in
    a cold cache: each is made, on a worker thread of its own where there are two CPUs."""
    from PIL import Image

    from orderpack import images

    order = write_order(MINIMAL_ORDER + "evidence:\n"
                        "  - file: tracking.png\n    caption: Tracking page\n"
                        "  - file: chat.png\n    caption: Chat with the seller\n")
    for name, colour in [("tracking.png", "white"), ("chat.png", "lightblue")]:
        Image.new("RGB", (400, 300), colour).save(order.parent / name)
    seen: list[tuple[str, str]] = []
    real_process = images.process

    def process(*args: object, **kwargs: object) -> images.Processed:
        seen.append((i18n.current(), threading.current_thread().name))
        return real_process(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(images, "process", process)
    orderpack.build(order, TODAY, out=tmp_path / "out", lang="ru",
                    cache_dir=tmp_path / "cold-cache")
    assert len(seen) == 2
    assert {language for language, _ in seen} == {"ru"}
    # made on the evidence's worker threads, not on the thread that called build
    assert threading.main_thread().name not in {thread for _, thread in seen}
