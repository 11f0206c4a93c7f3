"""Screenshots stored in the PDF as the palette images they are: the same pixels, fewer bytes.

A screenshot exhibit is a PNG of at most 256 colours (:mod:`orderpack.images`), but
WeasyPrint stores every PNG in the PDF as full RGB, three bytes a pixel: about 2.2 times
the exhibit's own size on the sample case. :func:`finisher` is given to WeasyPrint's
``write_pdf``; it finds each image WeasyPrint stored whose pixels are exactly those of one
of the build's palette PNGs, and stores that PNG's own compressed data instead, as an
indexed image (PDF 32000-1:2008, 8.6.6.3) — what PDF readers have shown since PDF 1.0.

Only exact matches are replaced, so nothing that is shown can change; an image that
matches none (or is not RGB) is left as WeasyPrint wrote it.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PALETTE_COLOUR_TYPE = 3
_RGB_COLOUR_TYPE = 2


@dataclass(frozen=True)
class _Palette:
    """A palette PNG's parts, as a PDF indexed image needs them."""

    width: int
    height: int
    bits: int
    palette: bytes
    data: bytes
    """The concatenated IDAT chunks: zlib data with PNG row filters."""
    path: Path


def finisher(pngs: Sequence[Path]) -> Callable[[Any, Any], None]:
    """A WeasyPrint ``finisher`` that stores the images matching ``pngs`` as indexed images."""
    candidates = [palette for palette in map(_read, pngs) if palette is not None]

    def finish(_document: Any, pdf: Any) -> None:
        if candidates:
            for stream in _rgb_images(pdf):
                # Only ever a saving: should WeasyPrint's objects change shape, the image
                # stays as WeasyPrint wrote it.
                with contextlib.suppress(AttributeError, KeyError, TypeError, ValueError):
                    _replace(stream, candidates)

    return finish


def stored_size(path: Path) -> int | None:
    """The bytes the palette PNG at ``path`` takes in the PDF as an indexed image; None if it
    is not a palette PNG :func:`finisher` would store so."""
    palette = _read(path)
    return None if palette is None else len(palette.data) + 2 * len(palette.palette)


def _read(path: Path) -> _Palette | None:
    """The parts of the palette PNG at ``path``; None if it is not a plain palette PNG."""
    chunks = _chunks(path.read_bytes())
    if chunks is None or b"IHDR" not in chunks or b"PLTE" not in chunks:
        return None
    width, height, bits, colour, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", chunks[b"IHDR"][0])
    if colour != _PALETTE_COLOUR_TYPE or interlace or b"tRNS" in chunks:
        return None
    palette, data = chunks[b"PLTE"][0], b"".join(chunks[b"IDAT"])
    if bits < 8:
        # One byte a pixel, the form every PDF reader decodes (pypdf 7 garbles 4 bits with
        # a predictor); deflate makes it no larger. A palette of 256 entries makes Pillow
        # write 8 bits; the PDF keeps only the entries used.
        with Image.open(path) as image:
            image.load()
            padded = image.copy()
        padded.putpalette(palette + bytes(768 - len(palette)))
        buffer = io.BytesIO()
        padded.save(buffer, "PNG")
        recoded = _chunks(buffer.getvalue()) or {}
        bits, data = 8, b"".join(recoded.get(b"IDAT", []))
    return _Palette(width, height, bits, palette, data, path)


def _chunks(png: bytes) -> dict[bytes, list[bytes]] | None:
    if not png.startswith(_PNG_SIGNATURE):
        return None
    found: dict[bytes, list[bytes]] = {}
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        tag = png[position + 4:position + 8]
        found.setdefault(tag, []).append(png[position + 8:position + 8 + length])
        position += 12 + length
    return found


def _rgb_images(pdf: Any) -> Iterator[Any]:
    """WeasyPrint's 8-bit RGB images with PNG-predicted Flate data and no soft mask."""
    import pydyf  # type: ignore[import-untyped]  # pydyf ships no type information

    for item in pdf.objects:
        extra = getattr(item, "extra", None)
        if (isinstance(item, pydyf.Stream) and isinstance(extra, dict)
                and extra.get("Subtype") == "/Image" and extra.get("ColorSpace") == "/DeviceRGB"
                and extra.get("Filter") == "/FlateDecode" and extra.get("BitsPerComponent") == 8
                and "SMask" not in extra):
            yield item


def _replace(stream: Any, candidates: list[_Palette]) -> None:
    import pydyf

    width, height = int(stream.extra["Width"]), int(stream.extra["Height"])
    same_size = [c for c in candidates if (c.width, c.height) == (width, height)]
    if not same_size:
        return
    data = b"\n".join(item if isinstance(item, bytes) else item.data for item in stream.stream)
    pixels = _rgb_pixels(width, height, data)
    if pixels is None:
        return
    for candidate in same_size:
        with Image.open(candidate.path) as image:
            if image.convert("RGB").tobytes() != pixels:
                continue
        stream.stream = [candidate.data]
        stream.extra["ColorSpace"] = pydyf.Array([
            "/Indexed", "/DeviceRGB", len(candidate.palette) // 3 - 1,
            b"<" + candidate.palette.hex().encode() + b">"])
        stream.extra["BitsPerComponent"] = candidate.bits
        stream.extra["DecodeParms"] = pydyf.Dictionary({
            "Predictor": 15, "Colors": 1, "BitsPerComponent": candidate.bits,
            "Columns": width})
        return


def _rgb_pixels(width: int, height: int, data: bytes) -> bytes | None:
    """The pixels of PNG-predicted RGB Flate data, decoded by Pillow (wrapped in a PNG)."""
    def chunk(tag: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + tag + body
                + struct.pack(">I", zlib.crc32(tag + body)))

    header = struct.pack(">IIBBBBB", width, height, 8, _RGB_COLOUR_TYPE, 0, 0, 0)
    png = (_PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", data)
           + chunk(b"IEND", b""))
    try:
        with Image.open(io.BytesIO(png)) as image:
            return image.tobytes()
    except (OSError, ValueError, SyntaxError):
        return None
