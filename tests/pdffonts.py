"""The fonts of a PDF as a reader sees them: read with pypdf, not with orderpack's code."""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, PdfObject


def dictionary(value: object) -> DictionaryObject:
    """The PDF dictionary ``value`` is or refers to."""
    found = value.get_object() if isinstance(value, PdfObject) else value
    assert isinstance(found, DictionaryObject)
    return found


def fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """Each font of the PDF's pages and whether it is embedded."""
    found = []
    for page in reader.pages:
        for reference in dictionary(dictionary(page["/Resources"])["/Font"]).values():
            font = dictionary(reference)
            descendants = font.get("/DescendantFonts")
            described = dictionary(descendants[0]) if descendants else font
            descriptor = dictionary(described["/FontDescriptor"])
            found.append((str(font["/BaseFont"]), any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))))
    return found
