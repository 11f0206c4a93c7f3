"""A long layout's garbage is collected before the PDF is written (orderpack.pdf.lay_out):
it keeps a 90-exhibit build's peak lower. A short one's is left to Python's own collections:
it is little, and the collection would cost more than it frees."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from orderpack import pdf


def _pages(count: int) -> str:
    return "<html lang='en'><body>" + "".join(
        f"<section style='break-before: page'><p>Page {n}</p></section>"
        for n in range(count)) + "</body></html>"


@pytest.mark.collector
@pytest.mark.parametrize(("pages", "collections"), [
    (pdf.COLLECT_FROM_PAGES - 1, 0),
    (pdf.COLLECT_FROM_PAGES, 1),
])
def test_a_layout_of_many_pages_is_followed_by_a_collection(
        pages: int, collections: int, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    real = gc.collect

    def collect(generation: int = 2) -> int:
        made.append(generation)
        return real(generation)

    monkeypatch.setattr(gc, "collect", collect)
    laid = pdf.lay_out(_pages(pages), pdf.BuildFiles(Path("/nonexistent"), set()))
    assert len(laid.document.pages) == pages
    assert len(made) == collections
