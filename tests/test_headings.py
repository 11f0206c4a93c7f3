"""The evidence tables' headings (templates/evidence.css): a word too long for one of the
index's narrow columns breaks at a syllable; the other headings wrap whole words, and a
layout whose words fit loads no hyphenation dictionary."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint.formatting_structure import boxes
from weasyprint.text import line_break

from orderpack import pdf

CSS = (Path(__file__).resolve().parent.parent / "templates" / "evidence.css").read_text(
    encoding="utf-8")


def _heading_lines(lang: str, headings: list[str]) -> list[str]:
    cells = "".join(f"<th>{heading}</th>" for heading in headings)
    html = (f"<html lang='{lang}'><head><style>{CSS}</style></head><body>"
            f"<table class='exhibits'><thead><tr>{cells}</tr></thead></table></body></html>")
    laid = pdf.lay_out(html, pdf.BuildFiles(Path("/nonexistent"), set()))
    lines: list[str] = []

    def walk(box: boxes.Box) -> None:
        if isinstance(box, boxes.LineBox):
            lines.append("".join(child.text for child in box.descendants()
                                 if isinstance(child, boxes.TextBox)))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    walk(laid.document.pages[0]._page_box)
    return lines


@pytest.fixture
def dictionaries_loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages WeasyPrint loads a hyphenation dictionary for (once per layout)."""
    loaded: list[str] = []
    real = line_break.pyphen.Pyphen

    def counting(*args: object, lang: str, **kwargs: object) -> object:
        loaded.append(lang)
        return real(*args, lang=lang, **kwargs)

    monkeypatch.setattr(line_break.pyphen, "Pyphen", counting)
    return loaded


def test_a_long_russian_heading_breaks_at_a_syllable(dictionaries_loaded: list[str]) -> None:
    lines = _heading_lines("ru", ["Приложение", "Описание", "Дата", "Страница",
                                  "SHA-256 исходного файла"])
    assert "ПРИЛО\u2010" in lines, lines  # ПРИЛО-ЖЕНИЕ, with the hyphen WeasyPrint adds
    assert "СТРА\u2010" in lines, lines
    assert "SHA-256 ИСХОДНОГО" in lines, lines  # a wide column: whole words
    assert set(dictionaries_loaded) == {"ru"}


@pytest.mark.parametrize(("lang", "headings", "line"), [
    ("en", ["Exhibit", "Caption", "Date", "Page", "SHA-256 of the original file"],
     "ORIGINAL FILE"),
    ("de", ["Anlage", "Beschreibung", "Datum", "Seite", "SHA-256 der Originaldatei"],
     "ORIGINALDATEI"),
])
def test_headings_that_fit_wrap_whole_words_with_no_dictionary(
        lang: str, headings: list[str], line: str, dictionaries_loaded: list[str]) -> None:
    lines = _heading_lines(lang, headings)
    assert line in lines, lines
    assert not [text for text in lines if text.endswith("\u2010")], lines
    assert dictionaries_loaded == []
