"""The evidence stylesheet (templates/evidence.css) is given to WeasyPrint parsed, once a
process for the same text (orderpack.pdf._parsed), rather than in the HTML's <style>, where
it was parsed again at every layout: the PDF is the same, a template override of it gets a
parsed stylesheet of its own, and nothing a layout writes into stays in the one kept."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pdf_text
import pytest
import tinycss2  # type: ignore[import-untyped]  # WeasyPrint's CSS parser: no type information
from pypdf import PdfWriter

import orderpack
from orderpack import engine, pdf, render
from orderpack.api_types import BuildResult

TODAY = date(2026, 11, 26)
MM_TO_PX = 96 / 25.4


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts WeasyPrint parses as stylesheets (``weasyprint.CSS(string=...)``) from now on."""
    weasyprint = engine.weasyprint()
    real = weasyprint.CSS
    seen: list[str] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "CSS", counted)
    return seen


def _sheet(css: str) -> str:
    """``css`` made a text no other test parses (the parsed stylesheets are kept by text)."""
    return f"/* {uuid.uuid4()} */\n{css}"


def _lay_out(css: str, html: str = "<p id='here'>The parcel has not arrived.</p>"
             ) -> pdf.LaidOut:
    return pdf.lay_out(html, pdf.BuildFiles(Path("/nonexistent"), set(), stylesheet=css))


def _page_width_mm(laid: pdf.LaidOut) -> float:
    width: float = laid.document.pages[0].width
    return round(width / MM_TO_PX, 1)


def test_the_built_in_stylesheet_has_nothing_a_layout_writes_into() -> None:
    """The kept stylesheet is shared by every layout: it must declare no fonts, counter
    styles or colour profiles (which WeasyPrint keeps in the layout's own tables) and import
    nothing. Its at-rules are @page ones only, and the check the cache makes agrees."""
    css = render.render("evidence.css", {}, kind="html")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    assert not [rule for rule in rules if rule.type == "error"]
    assert {rule.lower_at_keyword for rule in rules if rule.type == "at-rule"} == {"page"}
    assert not any(at_rule in css for at_rule in pdf._LAYOUT_AT_RULES)


def test_a_stylesheet_is_parsed_once_for_the_same_text(parses: list[str]) -> None:
    a6, a5 = _sheet("@page { size: A6 }"), _sheet("@page { size: A5 }")
    first, again = _lay_out(a6), _lay_out(a6)
    assert parses.count(a6) == 1
    assert _page_width_mm(first) == _page_width_mm(again) == 105.0
    # Another text (a template override) is parsed for itself, and is the one used.
    other = _lay_out(a5)
    assert parses.count(a5) == 1
    assert _page_width_mm(other) == 148.0
    assert _page_width_mm(_lay_out(a6)) == 105.0
    assert parses.count(a6) == 1


def test_the_documents_own_style_wins_over_the_stylesheet() -> None:
    """The stylesheet is the cascade's user origin, the HTML's <style> the author's: a rule
    of the <style> wins over one of the stylesheet even where it is less specific."""
    html = ("<style>.box { height: 50px }</style>"
            "<body><div class='box' id='box'>A box</div></body>")
    laid = _lay_out(_sheet("html body div.box { height: 100px; width: 80px }"), html)
    left, top, right, bottom = laid.document.pages[0].anchors["box"]
    assert (round(right - left), round(bottom - top)) == (80, 50)


@pytest.mark.parametrize("at_rule", [
    "@font-face { font-family: Shown; src: local(DejaVu Sans) }",
    "@counter-style exhibits { system: alphabetic; symbols: A B C; }",
])
def test_a_stylesheet_that_writes_into_the_layout_is_parsed_for_each(
        parses: list[str], at_rule: str) -> None:
    """Fonts and counter styles a stylesheet declares go into the tables of the layout that
    parses it: such a stylesheet (a template override's) is parsed again for each layout,
    with that layout's tables, and still takes effect."""
    css = _sheet(f"{at_rule}\n@page {{ size: A6 }}")
    first, again = _lay_out(css), _lay_out(css)
    assert parses.count(css) == 2
    assert _page_width_mm(first) == _page_width_mm(again) == 105.0


def test_the_stylesheets_warnings_come_with_every_layout() -> None:
    """WeasyPrint warns about what it ignores while parsing: the warning is the layout's,
    the second time too, when the stylesheet is no longer parsed."""
    css = _sheet("p { colour: red }")
    for laid in (_lay_out(css), _lay_out(css)):
        assert [w for w in laid.warnings if "colour" in w], laid.warnings


# --- a template override, end to end -----------------------------------------------------


def _templates(tmp_path: Path, name: str, text: str) -> Path:
    """A templates folder (``--templates``) with template ``name`` in it."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def _built_in(name: str) -> str:
    return (render.templates_dir() / name).read_text(encoding="utf-8")


def test_a_template_override_of_the_stylesheet_is_used(
        aliexpress_case: Path, warm_cache: Path, tmp_path: Path,
        built_aliexpress: BuildResult) -> None:
    css = _built_in("evidence.css") + "\n.lead { display: none; }\n"
    result = orderpack.build(aliexpress_case, TODAY, cache_dir=warm_cache,
                             templates=_templates(tmp_path, "evidence.css", css))
    lead = "requests a full refund"
    assert lead in " ".join(pdf_text.pages(built_aliexpress.evidence_pdf)).replace("\n", " ")
    assert lead not in " ".join(pdf_text.pages(result.evidence_pdf)).replace("\n", " ")


@pytest.fixture
def with_pdf_exhibit(aliexpress_case: Path) -> Path:
    """The AliExpress sample with a two-page PDF exhibit as well (placed into a box below a
    heading of its own)."""
    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(width=595, height=842)
    writer.write(aliexpress_case.parent / "invoice.pdf")
    text = aliexpress_case.read_text(encoding="utf-8")
    entry = "  - file: invoice.pdf\n    caption: The invoice\n    date: 2026-11-20\n"
    assert "\ndispute:" in text
    aliexpress_case.write_text(text.replace("\ndispute:", entry + "\ndispute:", 1),
                               encoding="utf-8")
    return aliexpress_case


def test_the_pdf_is_the_same_as_with_the_stylesheet_in_the_html(
        with_pdf_exhibit: Path, warm_cache: Path, tmp_path: Path) -> None:
    """An override of evidence.html.j2 copied from an older orderpack includes evidence.css
    in its <style>: the stylesheet is then the author's as well as the user's, and the
    author's wins everywhere. The PDF is byte for byte the one made without it: moving the
    stylesheet out of the HTML changed nothing in the cascade (a rule of the <style> that
    lost to a more specific one of evidence.css would now win, and show here)."""
    html = _built_in("evidence.html.j2")
    older, count = re.subn(r"(?m)^\.pdf-slot \{", '{% include "evidence.css" %}\n.pdf-slot {',
                           html)
    assert count == 1
    plain = orderpack.build(with_pdf_exhibit, TODAY, cache_dir=warm_cache,
                            out=tmp_path / "plain")
    copied = orderpack.build(with_pdf_exhibit, TODAY, cache_dir=warm_cache,
                             out=tmp_path / "copied",
                             templates=_templates(tmp_path, "evidence.html.j2", older))
    assert plain.pages == copied.pages
    assert plain.evidence_pdf.read_bytes() == copied.evidence_pdf.read_bytes()

