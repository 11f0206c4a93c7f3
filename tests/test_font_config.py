"""The fonts WeasyPrint lays out with are kept from one layout to the next on a thread
(orderpack.pdf._font_config), and change nothing in the PDF; those a template declares
leave no temporary folder behind."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdffonts
import pytest
from orders import MINIMAL_ORDER
from pypdf import PdfReader
from weasyprint.text.fonts import FontConfiguration

from orderpack import engine, pdf, render

HTML = """<html lang="en"><body><h1>Order 8190123456789012</h1>
<p>The parcel has not arrived. <span lang="zh">包裹已经到达您的国家，正在清关。</span></p>
<p lang="ru">Посылка не пришла.</p></body></html>"""


def _written(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.write_pdf(buffer, pdf_identifier=b"same", pdf_variant=pdf.PDF_VARIANT)
    return buffer.getvalue()


def _lay_out(html: str) -> pdf.LaidOut:
    return pdf.lay_out(html, pdf.BuildFiles(Path("/nonexistent"), set()))


def test_a_thread_keeps_its_fonts_from_layout_to_layout() -> None:
    assert pdf._font_config(HTML) is pdf._font_config(HTML)
    first, again = _lay_out(HTML), _lay_out(HTML)
    assert first.document.font_config is again.document.font_config
    # The PDF is the same as with fonts found afresh: each font embedded, the same bytes.
    fresh = engine.weasyprint().HTML(string=HTML).render(
        pdf_variant=pdf.PDF_VARIANT, font_config=FontConfiguration())
    assert _written(again.document) == _written(fresh)
    fonts = pdffonts.fonts(PdfReader(io.BytesIO(_written(again.document))))
    assert any("CJK" in name for name, _embedded in fonts), fonts
    assert all(embedded for _name, embedded in fonts), fonts


def test_each_thread_has_fonts_of_its_own() -> None:
    here = pdf._font_config(HTML)
    there: list[object] = []
    thread = threading.Thread(target=lambda: there.append(pdf._font_config(HTML)))
    thread.start()
    thread.join()
    assert len(there) == 1
    assert there[0] is not here


def test_a_template_that_declares_fonts_gets_a_fresh_configuration() -> None:
    declared = HTML.replace("<body>", "<body><style>@font-face { font-family: x; "
                            "src: local(DejaVu Sans); }</style>")
    assert pdf._font_config(declared) is not pdf._font_config(declared)
    assert pdf._font_config(declared) is not pdf._font_config(HTML)


@pytest.mark.slow
def test_fonts_a_template_declares_leave_no_folder_behind(
        tmp_path: Path, write_order: Callable[[str], Path]) -> None:
    # WeasyPrint keeps them in a folder of the temporary folder, which the command line's
    # build (which freezes what outlives it from the collector) would leave behind.
    order = write_order(MINIMAL_ORDER)
    templates = tmp_path / "templates"
    templates.mkdir()
    stylesheet = (render.templates_dir() / "evidence.css").read_text(encoding="utf-8")
    (templates / "evidence.css").write_text(
        stylesheet + "@font-face { font-family: Declared; src: local(DejaVu Sans) }\n",
        encoding="utf-8")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "orderpack", "build", str(order), "--today", "2026-11-26",
         "--templates", str(templates), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
        env={**os.environ, "TMPDIR": str(temporary)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "evidence.pdf").exists()
    assert list(temporary.iterdir()) == []


def test_a_font_installed_meanwhile_is_seen_by_the_next_layout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A long-running web page: the buyer installs a font a warning asked for, then builds.
    fonts = tmp_path / "fonts"
    (fonts / "truetype").mkdir(parents=True)
    monkeypatch.setattr(pdf, "FONT_DIRS", (str(fonts),))
    monkeypatch.setattr(pdf, "FONT_CACHE_DIRS", (str(tmp_path / "cache"),))
    before = pdf._font_config(HTML)
    assert pdf._font_config(HTML) is before
    (fonts / "truetype" / "noto").mkdir()  # a package's fonts, one folder down
    after = pdf._font_config(HTML)
    assert after is not before
    assert pdf._font_config(HTML) is after
    (tmp_path / "cache").mkdir()  # fontconfig's cache written anew (fc-cache)
    assert pdf._font_config(HTML) is not after
