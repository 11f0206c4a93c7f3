"""English that was left in translated output outside the catalogs: the card networks'
codes and labels, the CLI's error lines and validate's line, status's quotation marks, the
web page's stage, platform, reasons, timeline picture and error pages, and the two senses of
"Where". Each is checked with the real catalogs."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from web_helpers import client

import orderpack
from orderpack import i18n, validation
from orderpack.cli import main

TODAY = date(2026, 11, 26)
ALI = "aliexpress-missing"


def in_language(tmp_path: Path, sample: str, language: str) -> Path:
    """A copy of ``sample`` whose buyer reads ``language``; its order file."""
    folder = tmp_path / sample
    shutil.copytree(SAMPLES / sample, folder, ignore=shutil.ignore_patterns("out"))
    order = folder / "order.yaml"
    text = re.sub(r"(?m)^  language: \w+.*\n", "", order.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^buyer:.*\n", lambda m: m[0] + f"  language: {language}\n", text,
                  count=1)
    assert f"language: {language}" in text
    order.write_text(text, encoding="utf-8")
    return order


# --- 1. The card networks ----------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "expected"), [
    ("en", "Visa 13.1 or Mastercard 4853"), ("fr", "Visa 13.1 ou Mastercard 4853"),
    ("de", "Visa 13.1 oder Mastercard 4853"), ("pl", "Visa 13.1 lub Mastercard 4853"),
    ("ru", "Visa 13.1 или Mastercard 4853"), ("pt-BR", "Visa 13.1 ou Mastercard 4853")])
def test_the_networks_codes_are_joined_by_the_languages_or(tag: str, expected: str) -> None:
    status = orderpack.status(SAMPLES / "ebay-not-received" / "order.yaml",
                              date(2026, 12, 11), tag)
    assert status.route is not None
    assert expected in status.route.text


def test_or_list_follows_cldr() -> None:
    with i18n.using("es"):
        assert i18n.or_list(["A", "B", "C"]) == "A, B o C"
    assert i18n.or_list(["A", "B", "C"]) == "A, B or C"
    assert i18n.or_list(["A"]) == "A"


@pytest.mark.parametrize(("tag", "quoted"), [
    ("en", "“Merchandise/Services Not Received”"),
    ("fr", "«\u00a0Merchandise/Services Not Received\u00a0»"),
    ("de", "„Merchandise/Services Not Received“"),
    ("ru", "«Merchandise/Services Not Received»")])
def test_the_networks_reason_is_quoted_as_it_publishes_it(tag: str, quoted: str) -> None:
    status = orderpack.status(SAMPLES / ALI / "order.yaml", date(2026, 12, 4), tag)
    assert status.route is not None
    assert quoted in status.route.text


# --- 4. The command line -------------------------------------------------------------------------


def test_validate_says_valid_in_the_buyers_language(tmp_path: Path) -> None:
    order = in_language(tmp_path, ALI, "de")
    result = CliRunner().invoke(main, ["validate", str(order)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{order}: gültig – AliExpress-Bestellung 8190123456789012, "
                             "4 Belege.\n")


def test_an_error_is_said_in_the_language_it_came_in(tmp_path: Path) -> None:
    order = in_language(tmp_path, ALI, "fr")
    order.write_text(order.read_text(encoding="utf-8").replace(
        "placed: 2026-09-02", "placed: 2026-99-02"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(order)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur\u00a0: "), result.stderr


def test_an_error_before_any_language_is_known_stays_english(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "none.yaml")])
    assert result.exit_code != 0
    assert "Erreur" not in result.output


def test_an_interruption_is_said_in_the_buyers_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(validation, "_validate", interrupted)  # the checks, in the language
    order = in_language(tmp_path, ALI, "ru")
    result = CliRunner().invoke(main, ["validate", str(order)])
    assert result.exit_code == 130
    assert result.stderr == "Прервано; ничего не изменено.\n"


def test_status_quotes_the_forms_reasons_in_the_languages_marks(tmp_path: Path) -> None:
    order = in_language(tmp_path, ALI, "de")
    result = CliRunner().invoke(main, ["status", str(order), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    reasons = [line for line in result.stdout.splitlines() if "no_tracking_update" in line]
    assert len(reasons) == 1
    assert "„Keine Aktualisierung der Sendungsverfolgung“" in reasons[0]


# --- 5. "Where" ---------------------------------------------------------------------------


def test_where_has_a_word_for_each_sense() -> None:
    with i18n.using("de"):
        place = i18n.pgettext("a tracking event's place", "Where")
        part = i18n.pgettext("the part of the packet an exhibit is in", "Where")
    assert (place, part) == ("Ort", "Fundstelle")


# --- 3. The web page --------------------------------------------------------------------


def web_case(tmp_path: Path, language: str) -> Path:
    cases = tmp_path / "cases"
    cases.mkdir()
    in_language(cases, ALI, language)
    return cases


def test_the_cases_list_names_the_stage_in_the_pages_language(tmp_path: Path) -> None:
    page = client(web_case(tmp_path, "fr")).get("/?lang=fr").text
    assert "Période de litige" in page
    assert "Dispute window" not in page


def test_the_platform_picker_names_the_card_route_in_the_pages_language(
        tmp_path: Path) -> None:
    page = client(web_case(tmp_path, "fr")).get("/new?lang=fr").text
    assert "Rétrofacturation (chargeback) par carte" in page
    assert "Card chargeback" not in page


def test_the_forms_reasons_and_the_tracking_place_are_translated(tmp_path: Path) -> None:
    page = client(web_case(tmp_path, "de")).get(f"/case/{ALI}").text
    assert ">Keine Aktualisierung der Sendungsverfolgung</option>" in page
    assert "No tracking update" not in page
    assert re.search(r"<label for=\"f-tracking\.events\[0\]\.place\">Ort<", page)


def test_the_timeline_picture_is_in_the_cases_language(tmp_path: Path) -> None:
    page = client(web_case(tmp_path, "ru")).get(f"/status/{ALI}").text
    svg = page[page.index("<svg class=\"timeline\""):page.index("</svg>")]
    assert "(не подтверждено)" in svg
    assert "(unconfirmed)" not in svg
    assert "сентября 2026" in svg
    assert "September" not in svg


def test_an_error_about_a_case_is_said_in_its_language(tmp_path: Path) -> None:
    answer = client(web_case(tmp_path, "fr")).get(f"/editor/{ALI}?n=99")
    assert answer.status_code == 404
    assert "No such evidence." not in answer.text
    with i18n.using("fr"):
        assert i18n.gettext("No such evidence.") in answer.text


def test_the_servers_own_404_stays_as_it_is(tmp_path: Path) -> None:
    answer = client(web_case(tmp_path, "fr")).get("/no-such-page")
    assert answer.status_code == 404
    assert "Not Found" in answer.text
