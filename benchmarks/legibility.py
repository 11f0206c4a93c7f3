"""Is every exhibit still legible in a PDF? The resolution and fidelity of each embedded image.

An image exhibit counts as legible when

1. it is in the PDF: the images drawn, in page order, are one per image exhibit;
2. it is printed at :data:`MIN_PPI` pixels per inch or more — or at the original's own
   full resolution, when the original has fewer pixels than that;
3. seen at :data:`MIN_PPI`, it looks like the original: both are scaled to the printed
   size at that resolution, in grey levels, and differ by at most :data:`MAX_RMS` (root
   mean square, 0–255). The reference is the original with the order file's redaction
   boxes blacked out and its EXIF orientation applied, as orderpack is asked to do.

150 ppi prints the 28–40 px text of a phone screenshot about 5–7 pt tall, which reads
well. For scale, on a generated screenshot: the same image reduced to 100 ppi scores an
RMS of about 8, to 75 ppi about 12; saved as JPEG at quality 30 about 6, at 10 about 9.
"""

from __future__ import annotations

import io
import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageStat

MIN_PPI = 150.0
MAX_RMS = 8.0


@dataclass(frozen=True)
class Placed:
    """An image drawn on a page: its pixel size and the size it is drawn at, in points."""

    page: int
    name: str
    width_px: int
    height_px: int
    width_pt: float
    height_pt: float

    @property
    def ppi(self) -> float:
        return min(self.width_px / (self.width_pt / 72), self.height_px / (self.height_pt / 72))


@dataclass(frozen=True)
class Exhibit:
    file: str
    ppi: float
    full_resolution: bool
    """The PDF holds every pixel of the original (so its ppi cannot be higher)."""
    rms: float

    @property
    def legible(self) -> bool:
        return (self.ppi >= MIN_PPI - 0.5 or self.full_resolution) and self.rms <= MAX_RMS


@dataclass(frozen=True)
class Report:
    exhibits: list[Exhibit]
    problem: str = ""
    """Why the check could not be made (then ``exhibits`` is empty)."""

    @property
    def legible(self) -> bool:
        return not self.problem and all(e.legible for e in self.exhibits)

    @property
    def min_ppi(self) -> float:
        return min((e.ppi for e in self.exhibits), default=math.nan)

    @property
    def max_rms(self) -> float:
        return max((e.rms for e in self.exhibits), default=math.nan)

    def summary(self) -> str:
        if self.problem:
            return self.problem
        bad = [e.file for e in self.exhibits if not e.legible]
        verdict = "all legible" if not bad else f"{len(bad)} not legible ({', '.join(bad[:3])})"
        return (f"{len(self.exhibits)} images, ≥ {self.min_ppi:.0f} ppi, "
                f"RMS ≤ {self.max_rms:.1f}: {verdict}")


def placed_images(pdf: Path) -> list[tuple[Placed, Any]]:
    """Every image drawn in ``pdf``, in page order, with a function returning its pixels."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(pdf)
    found: list[tuple[Placed, Any]] = []
    for number, page in enumerate(reader.pages):
        resources = page.get("/Resources")
        xobjects = resources.get("/XObject") if resources else None
        if not xobjects:
            continue
        ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        stack: list[tuple[float, ...]] = []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q" and stack:
                ctm = stack.pop()
            elif operator == b"cm":
                ctm = _multiply(tuple(float(v) for v in operands), ctm)
            elif operator == b"Do":
                name = str(operands[0])
                xobject = xobjects[name].get_object() if name in xobjects else None
                if xobject is None or xobject.get("/Subtype") != "/Image":
                    continue
                a, b, c, d, _e, _f = ctm
                placed = Placed(number, name, int(xobject["/Width"]), int(xobject["/Height"]),
                                math.hypot(a, b), math.hypot(c, d))
                found.append((placed, lambda page=page, name=name, xobject=xobject: (
                    _decode(xobject) or page.images[name].image)))
    return found


def _decode(xobject: Any) -> Image.Image | None:
    """The pixels of an image XObject, decoded by Pillow: JPEG data as it is, PNG-predicted
    Flate data (RGB, grey or indexed on RGB) wrapped in a PNG (pypdf's own decoder does
    this in Python, 30 times slower). None for any other kind."""
    raw: bytes = xobject._data  # the stream as stored, still encoded
    kind = xobject.get("/Filter")
    if kind == "/DCTDecode":
        return Image.open(io.BytesIO(raw))
    parms = xobject.get("/DecodeParms") or {}
    space = xobject.get("/ColorSpace")
    bits = int(xobject.get("/BitsPerComponent", 8))
    if kind != "/FlateDecode" or int(parms.get("/Predictor", 1)) < 10 or "/SMask" in xobject:
        return None
    chunks: list[tuple[bytes, bytes]] = []
    if space == "/DeviceRGB" and bits == 8:
        colour = 2
    elif space == "/DeviceGray" and bits == 8:
        colour = 0
    elif _indexed_rgb(space) and bits in (1, 2, 4, 8):
        colour = 3  # a palette PNG's own data, as placed by orderpack
        lookup = space[3].get_object()
        table = lookup.get_data() if hasattr(lookup, "get_data") else bytes(lookup)
        chunks.append((b"PLTE", table[:3 * (int(space[2]) + 1)]))
    else:
        return None
    header = struct.pack(">IIBBBBB", int(xobject["/Width"]), int(xobject["/Height"]), bits,
                         colour, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
        for tag, data in [(b"IHDR", header), *chunks, (b"IDAT", raw), (b"IEND", b"")])
    return Image.open(io.BytesIO(png))


def _indexed_rgb(space: Any) -> bool:
    """Whether ``space`` is ``[/Indexed /DeviceRGB hival lookup]``."""
    return (isinstance(space, list) and len(space) == 4 and space[0] == "/Indexed"
            and space[1] == "/DeviceRGB")


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """The PDF matrix product m × n (``cm`` applies m before the current matrix n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def check(pdf: Path, order_path: Path, *, redacted: bool = True) -> Report:
    """Check every image exhibit of the case at ``order_path`` in ``pdf``.

    ``redacted``: compare with the originals with their redaction boxes blacked out (as
    orderpack draws them); False for a PDF made without redacting, like the baseline's.
    """
    data = yaml.safe_load(order_path.read_text(encoding="utf-8"))
    evidence = [item for item in data.get("evidence") or []
                if not str(item["file"]).lower().endswith(".pdf")]
    images = placed_images(pdf)
    if len(images) != len(evidence):
        return Report([], problem=f"{len(images)} images in the PDF for {len(evidence)} "
                                  "image exhibits; cannot match them")
    exhibits = []
    for item, (placed, pixels) in zip(evidence, images, strict=True):
        boxes = (item.get("redact") or []) if redacted else []
        original, original_pixels = _reference(order_path.parent / item["file"], boxes)
        embedded = pixels()
        size = (max(1, round(placed.width_pt / 72 * MIN_PPI)),
                max(1, round(placed.height_pt / 72 * MIN_PPI)))
        full = placed.width_px * placed.height_px >= original_pixels * 0.99
        exhibits.append(Exhibit(item["file"], placed.ppi, full, _rms(original, embedded, size)))
        original.close()
    return Report(exhibits)


def _reference(path: Path, boxes: list[list[int]]) -> tuple[Image.Image, int]:
    """The original as it should look, in grey levels, and its number of pixels."""
    with Image.open(path) as image:
        pixels = image.width * image.height
        if not boxes:  # a JPEG decodes at 1/2, 1/4 or 1/8 size: still ≥ 150 ppi on paper
            image.draft("RGB", (image.width // 2, image.height // 2))
        image.load()
        reference = image.convert("RGB")
        exif = image.getexif()
    orientation = exif.get(0x0112, 1)
    turn = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_270,
            8: Image.Transpose.ROTATE_90}.get(orientation)
    if turn is not None:
        reference = reference.transpose(turn)
    draw = ImageDraw.Draw(reference)  # boxes are measured on the picture as shown
    for x, y, width, height in boxes:
        draw.rectangle((x, y, x + width - 1, y + height - 1), fill=(0, 0, 0))
    return ImageOps.grayscale(reference), pixels


def _rms(original: Image.Image, embedded: Image.Image, size: tuple[int, int]) -> float:
    """RMS grey-level difference at ``size``, trying the embedded image's four turns."""
    target = original.resize(size, Image.Resampling.LANCZOS)
    grey = ImageOps.grayscale(embedded.convert("RGB"))
    best = math.inf
    for turn in (None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180,
                 Image.Transpose.ROTATE_270):
        candidate = grey if turn is None else grey.transpose(turn)
        ratio = candidate.width / candidate.height
        if abs(ratio - size[0] / size[1]) > 0.05 * ratio:
            continue
        scaled = candidate.resize(size, Image.Resampling.LANCZOS)
        difference = ImageChops.difference(target, scaled)
        best = min(best, math.sqrt(ImageStat.Stat(difference).sum2[0] / (size[0] * size[1])))
    return best
