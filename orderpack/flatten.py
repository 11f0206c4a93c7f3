"""PDF exhibits flattened to what their pages show.

A PDF the buyer adds (an invoice, a customs letter, a phone's "scan to PDF") may carry
more than its pages: links and other annotations, actions run on opening or on a click
(``/OpenAction``, ``/AA``, ``/Launch``), JavaScript, form fields, embedded files,
bookmarks, document properties (author, title, XMP) and, in a scanned page's JPEG, the
camera's EXIF with its GPS position. :func:`flatten` keeps the pages' content and removes
all of that, and says what it removed; the exhibit copy in ``exhibits/`` and the pages
merged into the evidence PDF are both made from its result.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orderpack.words import plural

if TYPE_CHECKING:
    from pypdf import PdfReader

#: Bump when a change here changes the output: cached exhibits of older versions are redone.
VERSION = 1

#: Entries of the document catalog that hold no page content: actions, scripts, forms,
#: embedded files and named destinations (/Names), bookmarks, metadata, article threads,
#: the structure tree (the pages' own tags, which would collide with the bundle's).
_CATALOG_KEYS = ("/OpenAction", "/AA", "/AcroForm", "/Names", "/Outlines", "/Metadata",
                 "/Threads", "/StructTreeRoot", "/MarkInfo", "/PieceInfo", "/SpiderInfo",
                 "/URI", "/Collection", "/Perms", "/Legal", "/Dests")
#: Entries of a page that hold no content: annotations, actions, article beads, metadata,
#: its place in the removed structure tree.
_PAGE_KEYS = ("/Annots", "/AA", "/B", "/Metadata", "/PieceInfo", "/StructParents", "/Thumb")

#: JPEG segments kept in a PDF's images: JFIF (APP0), a colour profile (APP2 "ICC_PROFILE")
#: and Adobe's colour transform flag (APP14), which decoders need to show the colours right.
#: Every other APPn segment (EXIF and XMP in APP1, IPTC in APP13, MPF's extra pictures,
#: makers' notes) and every comment (COM) is dropped.
_KEPT_APP = {0xE0, 0xEE}


class NeedsPassword(Exception):
    """The PDF cannot be opened without a password."""


@dataclass(frozen=True)
class Flat:
    data: bytes
    """The PDF, flattened."""
    removed: tuple[str, ...]
    """What was removed, in words ("2 links", "JavaScript"), in a fixed order."""


def open_pdf(data: bytes) -> PdfReader:
    """A reader for the PDF ``data``. One encrypted with an owner password only (which
    limits printing or copying but opens without a password) is opened; raise
    :class:`NeedsPassword` for one that needs a password to open."""
    from pypdf import PasswordType, PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise NeedsPassword
    return reader


def flatten(data: bytes) -> Flat:
    """The PDF ``data`` with its pages' content only; see the module's description."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=open_pdf(data))
    found: dict[str, int] = {}
    root = writer.root_object
    has_xmp = "/Metadata" in root
    _strip_catalog(root, found)
    for page in writer.pages:
        _strip_page(page, found)
    _count(found, "photo metadata", _clean_images(writer))
    if any(key != "/Producer" for key in writer.metadata or {}) or has_xmp:
        _count(found, "document properties")
    # Cloning copied every object; a new file made of the pages alone holds only what they
    # use (not the scripts or the embedded files, which would be left behind unreferenced).
    pages_only = PdfWriter()
    pages_only.pdf_header = writer.pdf_header
    for page in writer.pages:
        pages_only.add_page(page)
    if "/Lang" in root:
        pages_only.root_object[NameObject("/Lang")] = root["/Lang"]
    pages_only.metadata = None  # not even pypdf's name as the producer
    output = io.BytesIO()
    pages_only.write(output)
    return Flat(output.getvalue(), _in_words(found))


def _count(found: dict[str, int], what: str, number: int = 1) -> None:
    found[what] = found.get(what, 0) + number


def _strip_catalog(root: Any, found: dict[str, int]) -> None:
    """Remove the document catalog's entries that hold no page content (see
    :data:`_CATALOG_KEYS`), counting what they held in ``found``."""
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/OpenAction" in root or "/AA" in root:
        _count(found, "actions")
    if "/JavaScript" in names:
        _count(found, "JavaScript")
    if "/EmbeddedFiles" in names:
        _count(found, "embedded files",
               sum(1 for _ in _name_tree_values(names["/EmbeddedFiles"])))
    if "/AcroForm" in root:
        _count(found, "form")
    if "/Outlines" in root:
        _count(found, "bookmarks")
    for key in _CATALOG_KEYS:
        root.pop(key, None)


def _strip_page(page: Any, found: dict[str, int]) -> None:
    """Remove the ``page``'s entries that hold no content (see :data:`_PAGE_KEYS`),
    counting what they held in ``found``."""
    for annotation in page.get("/Annots") or []:
        subtype = annotation.get_object().get("/Subtype")
        _count(found, {"/Link": "links", "/Widget": "form fields",
                       "/FileAttachment": "embedded files"}.get(str(subtype), "annotations"))
    if "/AA" in page:
        _count(found, "actions")
    for key in _PAGE_KEYS:
        page.pop(key, None)


def _in_words(found: dict[str, int]) -> tuple[str, ...]:
    words = []
    for what, singular in (("links", "link"), ("form fields", "form field"),
                           ("annotations", "other annotation"),
                           ("embedded files", "embedded file")):
        if found.get(what):
            words.append(plural(found[what], singular, what))
    for what, said in (("form", "the form"), ("actions", "actions"),
                       ("JavaScript", "JavaScript"), ("bookmarks", "bookmarks"),
                       ("document properties", "document properties")):
        if found.get(what):
            words.append(said)
    if found.get("photo metadata"):
        number = found["photo metadata"]
        words.append(f"photo metadata (EXIF, XMP) of {plural(number, 'image')}")
    return tuple(words)


def _name_tree_values(node: Any) -> Iterator[Any]:
    node = node.get_object()
    names = node.get("/Names") or []
    yield from names[1::2]
    for kid in node.get("/Kids") or []:
        yield from _name_tree_values(kid)


def _clean_images(writer: Any) -> int:
    """Drop the metadata of every image the pages draw (their XMP, and the EXIF, XMP and
    comments of JPEG data); the count of images that had some."""
    from pypdf.generic import StreamObject

    cleaned = 0
    seen: set[int] = set()
    for page in writer.pages:
        for stream in _xobjects(page.get("/Resources"), seen):
            had = stream.pop("/Metadata", None) is not None
            filters = stream.get("/Filter")
            filters = [filters] if not isinstance(filters, list) else filters
            if stream.get("/Subtype") == "/Image" and filters[-1:] == ["/DCTDecode"] \
                    and len(filters) == 1:
                data = stream._data  # the encoded bytes, as stored
                stripped = strip_jpeg(data)
                if stripped != data:
                    # pypdf's own set_data re-encodes Flate streams only; these bytes are
                    # already in the stream's encoding (DCT), so they are set as they are.
                    StreamObject.set_data(stream, stripped)
                    had = True
            cleaned += had
    return cleaned


def _xobjects(resources: Any, seen: set[int]) -> Iterator[Any]:
    """Every XObject stream ``resources`` uses, forms' own resources and patterns
    included, each once."""
    if resources is None:
        return
    resources = resources.get_object()
    for group in ("/XObject", "/Pattern"):
        for reference in (resources.get(group) or {}).values():
            stream = reference.get_object()
            if id(stream) in seen:
                continue
            seen.add(id(stream))
            yield stream
            yield from _xobjects(stream.get("/Resources"), seen)


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG ``data`` without metadata: only the segments a decoder needs (see
    :data:`_KEPT_APP`), and nothing after the end of the picture (where phones append
    more pictures or their own data). Data that is not a well-formed JPEG comes back as it
    is. Pillow cannot do this without decoding and re-encoding the picture, which loses
    quality; the segment structure is simple (ITU T.81, annex B)."""
    if not data.startswith(b"\xff\xd8"):
        return data
    kept = [data[:2]]
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return data
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        length = int.from_bytes(data[position + 2:position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > len(data):
            return data
        segment = data[position:end]
        if marker == 0xDA:  # start of scan: the picture follows, to its end marker
            stop = data.find(b"\xff\xd9", end)
            kept.append(data[position:] if stop < 0 else data[position:stop + 2])
            return b"".join(kept)
        icc = marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\0"
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in _KEPT_APP or icc:
            kept.append(segment)
        position = end
    return data
