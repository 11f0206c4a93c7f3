#!/usr/bin/env python3
"""WeasyPrint alone on the bundle's text: the least time any rebuild can take.

A rebuild with every picture in the cache still lays out and writes the evidence PDF's
text. This measures that part with nothing of orderpack around it: the HTML and stylesheet
orderpack laid out for a case (its pictures and PDF pages as the empty boxes they are
placed into afterwards), laid out and written by WeasyPrint as orderpack asks for them (a
PDF/UA document, streams left for qpdf to compress), in a new process::

    python benchmarks/text_only.py save ORDER.yaml DIR --today 2026-11-26
    python benchmarks/text_only.py render DIR OUT.pdf

``save`` builds the case (set ``ORDERPACK_CACHE_DIR`` to a warm cache to skip the picture
work) and keeps the HTML and stylesheet of the PDF it writes as ``DIR/evidence.html`` and
``DIR/evidence.css``; ``render`` is the one measured. WeasyPrint is imported without
its search for libraries, as orderpack imports it (``orderpack.engine``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

HTML_NAME, CSS_NAME = "evidence.html", "evidence.css"


def save(order: Path, folder: Path, today: date) -> None:
    """Build ``order`` into ``folder/out``, keeping the HTML and stylesheet it writes."""
    import orderpack
    from orderpack import pdf

    stylesheets: dict[str, str] = {}
    written: list[str] = []
    lay_out, write = pdf.lay_out, pdf.write

    def laying_out(html: str, files: pdf.BuildFiles) -> pdf.LaidOut:
        stylesheets[html] = files.stylesheet
        return lay_out(html, files)

    def writing(laid_out: pdf.LaidOut, **kwargs: Any) -> pdf.Rendered:
        written.append(laid_out.html)
        return write(laid_out, **kwargs)

    pdf.lay_out, pdf.write = laying_out, writing
    try:
        orderpack.build(order, today, out=folder / "out")
    finally:
        pdf.lay_out, pdf.write = lay_out, write
    html = written[-1]
    (folder / HTML_NAME).write_text(html, encoding="utf-8")
    (folder / CSS_NAME).write_text(stylesheets[html], encoding="utf-8")


def render(folder: Path, out: Path) -> int:
    """Lay out and write the saved HTML and stylesheet; return the number of pages."""
    from orderpack import engine, pdf

    weasyprint = engine.weasyprint()
    document = weasyprint.HTML(
        string=(folder / HTML_NAME).read_text(encoding="utf-8"), base_url=pdf.BASE_URL,
    ).render(pdf_variant=pdf.PDF_VARIANT, stylesheets=[
        weasyprint.CSS(string=(folder / CSS_NAME).read_text(encoding="utf-8"))])
    document.write_pdf(out, pdf_variant=pdf.PDF_VARIANT, uncompressed_pdf=True)
    return len(document.pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    saving = commands.add_parser("save", help="build a case and keep its evidence HTML")
    saving.add_argument("order", metavar="ORDER.yaml", type=Path)
    saving.add_argument("folder", metavar="DIR", type=Path)
    saving.add_argument("--today", type=date.fromisoformat, required=True)
    rendering = commands.add_parser("render", help="lay out and write the kept HTML")
    rendering.add_argument("folder", metavar="DIR", type=Path)
    rendering.add_argument("out", metavar="OUT.pdf", type=Path)
    args = parser.parse_args(argv)
    if args.command == "save":
        save(args.order, args.folder, args.today)
    else:
        render(args.folder, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
