"""One evidence image made clean, private and upload-ready.

Why one module of about 720 lines: the steps below act on one decoded picture in turn,
and each depends on what the one before left (draft-mode decoding on whether there are
redaction boxes, orientation on whether it was scaled, the PDF's encoding on the
exhibit's); split across modules, every step would take and give back the half-made
picture and its notes, and the order that keeps a picture private would no longer be
read in one place.

The steps, in this order, for every image:

1. **Decode** it, from the bytes that were hashed (never the file again, which may have
   changed since). Only the documented formats are opened (:data:`FORMATS`, told by their
   content, never by the file's name), and a damaged file is refused, never shown as far as
   it could be read. A large JPEG is decoded at reduced size (Pillow's draft mode) unless
   it has redaction boxes, which are then applied to the exact pixels.
2. **Normalise** its colours to 8-bit sRGB or greyscale: embedded ICC profiles are applied,
   CMYK, 16- and 32-bit, palette and LAB images converted, transparency flattened onto white.
3. **Orient** it upright as its EXIF Orientation tag says (after scaling, when there are
   no redaction boxes: fewer pixels to turn).
4. **Redact**: each box ``[x, y, width, height]`` (in the pixels of the picture as shown,
   upright) is filled black in the pixels themselves, before any scaling or encoding can
   spread what it covers.
5. **Scale** it down, once, to fit ``Settings.max_size`` (never up); a size budget may
   shrink it further (``Settings.scale``), never below its legibility floor
   (:func:`legible_size`). Screenshots are scaled with bicubic, photos with Hamming
   (:data:`SCREENSHOT_FILTER`, :data:`PHOTO_FILTER`).
6. **Encode** a new file from the pixels alone, so no metadata (EXIF and its GPS position,
   XMP, IPTC, ICC, comments) is carried over: PNG with a reduced palette for screenshots
   and drawings (text stays sharp), JPEG for photos, reduced further until it is at most
   ``Settings.max_bytes``.
7. Make what the evidence PDF shows (:func:`pdf_rendition`) from the exhibit's pixels,
   never from the original again: each picture in the encoding that is smallest for it (a
   palette PNG for flat screenshots, a JPEG for photos and photo-like screenshots), or
   the exhibit itself when that is small already.

Checks that need no decoding (size limits, file type) are done before, by
:func:`orderpack.evidence.inspect_file`, which also reads a file through (:func:`check_whole`)
so that ``validate`` finds a damaged one.
"""

from __future__ import annotations

import contextlib
import io
import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from PIL import Image, ImageFile, UnidentifiedImageError

from orderpack.errors import EvidenceError, Problem

#: Bump when a change here changes the output: cached exhibits of older versions are redone.
FORMAT_VERSION = 6

#: The PDF shows an exhibit in at most about 170 mm × 230 mm of an A4 page; at 200 dpi
#: that is 1339 × 1811 pixels.
MAX_SIZE = (1350, 1800)
#: What the PDF shows of an exhibit: its box of about 170 mm × 230 mm at 155 pixels per
#: inch, the 1037 × 1403 pixels that keep a phone screenshot's smallest text (see
#: SCREENSHOT_MIN_WIDTH) and a photo's labels readable when printed (150 ppi and more).
PDF_SIZE = (1040, 1400)
#: Upload forms commonly take files up to 2 or 5 MB each; stay under the smaller.
MAX_BYTES = 2_000_000

Box = tuple[int, int, int, int]
"""[x, y, width, height] in the pixels of the picture as shown (upright, after its EXIF
orientation)."""

#: The formats orderpack takes, as Pillow names them; Pillow is never allowed to open any
#: other (EPS would run Ghostscript; BMP, TGA, PCX and the like are not documented). HEIF
#: is added once its plugin is loaded; MPO (a phone's JPEG with extra pictures) is opened as
#: JPEG.
FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "TIFF")
#: Pages or frames a file may hold (only the first is shown). Counting them means walking
#: the whole file; a GIF made of millions of tiny frames is refused after this many.
MAX_FRAMES = 10_000

_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_JPEG = {"JPEG", "MPO"}
"""MPO is a JPEG with extra pictures after it (depth maps, previews), as many phones write."""
_MULTI_PAGE = {"GIF", "PNG", "TIFF", "WEBP"}
"""Formats whose extra frames are pages or animation the buyer may mean to show."""
_WALKED = {"GIF", "TIFF"}
"""Formats whose frames can only be counted by walking the file (the others say in a header)."""
_SMALLEST_SIDE = 200
"""Below this many pixels on its long side an exhibit is no longer legible."""

#: The legibility floor of a photo under a size budget: the exhibit box of MAX_SIZE at 150
#: pixels per inch instead of 200 (a label or a house number in a photo stays readable).
LEGIBLE_SIZE = (1012, 1350)
#: The legibility floor of a phone screenshot under a size budget, in pixels of width. A
#: phone's smallest common text is about 11 pt (captions, timestamps); its x-height, about
#: 0.53 em, is 5.8 pt. A full-width screenshot of a phone 412 pt wide (iPhone 390–393,
#: Pixel 412, Galaxy 360–384) scaled to 640 px shows it 5.8 × 640 / 412 ≈ 9 px tall, the
#: least that stays readable. (On the widest phones, 428–430 pt, it is 8.6 px.)
SCREENSHOT_MIN_WIDTH = 640
#: The Pillow plugins loaded on first need ("HEIF"), beyond Pillow's own formats.
_plugins: set[str] = set()


@dataclass(frozen=True)
class Settings:
    """How exhibits are made: the knobs a size budget may turn."""

    max_size: tuple[int, int] = MAX_SIZE
    """Width × height, upright, the exhibit must fit in."""
    max_bytes: int = MAX_BYTES
    jpeg_quality: int = 85
    """The starting JPEG quality for photos; lowered (to 60 at least) to meet max_bytes."""
    colors: int = 256
    """The starting palette size for screenshots; halved (to 32 at least) to meet max_bytes."""
    grayscale: bool = False
    scale: float = 1.0
    """For size budgets: the exhibit's width and height, once fitted to ``max_size``, times
    this — but never below its legibility floor (:func:`legible_size`); 0 means the floor."""
    grayscale_screenshots: bool = False
    """For size budgets: greyscale for screenshots only (``grayscale`` is for every image)."""

    def key(self) -> dict[str, object]:
        """What the output depends on, for the cache key."""
        return {"version": FORMAT_VERSION, "max_size": list(self.max_size),
                "max_bytes": self.max_bytes, "jpeg_quality": self.jpeg_quality,
                "colors": self.colors, "grayscale": self.grayscale, "scale": self.scale,
                "grayscale_screenshots": self.grayscale_screenshots}


@dataclass(frozen=True)
class Processed:
    """An encoded, upload-ready image, and what the PDF shows of it."""

    data: bytes
    media_type: str
    """image/png or image/jpeg."""
    width: int
    height: int
    warnings: tuple[str, ...]
    pdf_data: bytes | None = None
    """What the PDF shows (:func:`pdf_rendition`), when not ``data`` itself: a palette PNG
    or a JPEG, without metadata, at the pixel size it is drawn at."""
    pdf_media_type: str = "image/jpeg"
    """image/png or image/jpeg: of ``pdf_data``, or of ``data`` when that is None."""


def process(source: Path | bytes, name: str, redact: Sequence[Box] = (),
              settings: Settings | None = None) -> Processed:
    """Turn the image ``source`` (its bytes, or a file to read) into an exhibit; ``name`` is
    how messages call it. Raise :class:`EvidenceError` if it cannot be read as an image,
    whole; :class:`MemoryError` if there is not enough memory to decode it.

    Each picture is decoded once (a large JPEG at reduced size) and scaled once, to the
    exhibit's size; what the PDF shows is made from the exhibit's pixels, never from the
    original again.
    """
    settings = settings or Settings()
    data = source if isinstance(source, bytes) else source.read_bytes()
    image, orientation, notes = decode(data, name, settings.max_size, exact=bool(redact))
    image = _normalise(image, notes)
    turn = _TRANSPOSE.get(orientation)
    if turn is not None and redact:
        image = image.transpose(turn)  # boxes are measured on the picture as shown
        turn = None
    if redact:
        _black_out(image, redact)
    upright = image.size[::-1] if turn in _SIDEWAYS else image.size
    screenshot = looks_like_screenshot(image)
    size = _fitted(upright, settings.max_size)
    if settings.scale < 1 or settings.grayscale_screenshots:
        size = budget_size(size, settings.scale, screenshot)
    resample = SCREENSHOT_FILTER if screenshot else PHOTO_FILTER
    if turn is not None:
        # Scaled before it is turned: fewer pixels to turn.
        image = _scaled(image, size[::-1] if turn in _SIDEWAYS else size,
                        resample).transpose(turn)
    else:
        image = _scaled(image, size, resample)
    if settings.grayscale or (settings.grayscale_screenshots and screenshot):
        image = image.convert("L")
    encoded = _encode(image, name, settings, black=bool(redact), screenshot=screenshot)
    pdf_data, pdf_type = pdf_rendition(encoded, settings)
    return Processed(data=encoded.data, media_type=encoded.media_type,
                     width=encoded.image.width, height=encoded.image.height,
                     warnings=tuple(notes), pdf_data=pdf_data, pdf_media_type=pdf_type)


_SIDEWAYS = {Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270, Image.Transpose.TRANSPOSE,
             Image.Transpose.TRANSVERSE}
#: Pillow's ``reducing_gap``: an image more than twice as large as it is scaled to is first
#: reduced by a whole factor (averaging blocks of pixels, quick), then resampled. A JPEG is
#: already reduced as it is decoded (draft mode); this is for large PNGs.
REDUCING_GAP = 2.0
#: How a screenshot is scaled to its exhibit: bicubic, which keeps text nearly as sharp as
#: Lanczos in three quarters of its time (the benchmark's screenshots, 1170 × 2532 to
#: 832 × 1800, one core: 34 ms against 47 on a busy machine). What the PDF shows of them
#: differs from the originals at 150 ppi by an RMS of at most 6.0 and 5.1 of 255, against
#: 5.9 and 4.7 with Lanczos (app-like and text-heavy screenshots; most of it is the
#: palette's); the benchmark allows 8. Hamming would take half the time, for 6.3 and 6.6.
SCREENSHOT_FILTER = Image.Resampling.BICUBIC
#: How a photo is scaled to its exhibit: Hamming, in less than half the time of Lanczos. A
#: camera JPEG decoded at half size is scaled by less than 2 (2016 × 1512 to 1800 × 1350:
#: 26 ms against 58), where the sharper filter adds little: the benchmark's photos differ
#: from their originals at 150 ppi by an RMS of at most 2.3 of 255, against 1.9.
PHOTO_FILTER = Image.Resampling.HAMMING
#: How a screenshot's exhibit is scaled again, to :data:`PDF_SIZE`: Lanczos, since the two
#: scalings' errors add up (bicubic for both: an RMS of 6.3 on text-heavy screenshots).
RENDITION_FILTER = Image.Resampling.LANCZOS
#: zlib's level for PNGs: 4 takes about 60 % of the time of the default, 6, for files 1 to
#: 8 % larger (the benchmark's palette screenshots at 832 × 1800: 9 ms against 16 to 20);
#: lower levels search for matches more hastily, and files grow by 10 to 20 %.
PNG_LEVEL = 4
#: JPEG quality of the PDF's rendition of a photo, which is drawn at the exhibit's size:
#: on the benchmark's camera photos, the 1350 × 1800 exhibit at quality 65 is smaller (266
#: against 280 KB) and closer to the original (RMS 2.2 against 2.6 at 150 ppi) than the
#: same scaled to 1040 × 1387 at quality 85, and needs no second scaling.
PDF_JPEG_QUALITY = 65
#: A screenshot exhibit of at most this many bytes is shown in the PDF as it is: scaling it
#: to :data:`PDF_SIZE` would take about 45 ms to save some 15 KB (the benchmark's app
#: screenshots: 60 KB at 832 × 1800, 45 KB at 647 × 1400); text-heavy ones (115 to 135 KB)
#: are scaled (to 85 to 100 KB).
PDF_SMALL = 100_000


def _scaled(image: Image.Image, size: tuple[int, int],
            resample: Image.Resampling) -> Image.Image:
    if size == image.size:
        return image
    return image.resize(size, resample, reducing_gap=REDUCING_GAP)


@dataclass(frozen=True)
class _Encoded:
    """An exhibit as encoded, with the pixels it was encoded from."""

    data: bytes
    media_type: str
    image: Image.Image
    """Its pixels (RGB or L), before any palette reduction."""
    palette: _Palette | None
    """For a palette PNG: the palette its pixels were mapped onto."""
    black: bool


def pdf_rendition(encoded: _Encoded, settings: Settings) -> tuple[bytes | None, str]:
    """What the PDF shows of the exhibit ``encoded``, and its media type: None when it shows
    the exhibit itself. Decided per picture by size, each candidate being as legible as
    the other (an RMS of 1 to 4 of 255 against the original at 150 ppi, where the
    benchmark allows 8):

    * a photo (a JPEG exhibit) is shown as it is if it fits :data:`PDF_SIZE`; else at its
      own size, at JPEG quality :data:`PDF_JPEG_QUALITY` (or the settings' own, if
      lower) — or as it is, when that saves less than a tenth;
    * a screenshot (a palette PNG exhibit) is shown as it is if it is at most
      :data:`PDF_SMALL` bytes; else it is fitted to :data:`PDF_SIZE` (155 ppi in the
      PDF's exhibit box) and shown as a palette PNG on the exhibit's palette, or as a JPEG
      at the settings' quality, whichever is smaller: text on flat colours compresses
      best as a palette PNG, a product photo inside a screenshot as a JPEG.

    Both carry no metadata: they are encoded from the pixels alone.
    """
    if encoded.palette is None:
        if _fitted(encoded.image.size, PDF_SIZE) == encoded.image.size:
            return None, "image/jpeg"
        quality = min(settings.jpeg_quality, PDF_JPEG_QUALITY)
        smaller = _jpeg(encoded.image, quality)
        if len(smaller) <= 0.9 * len(encoded.data):
            return smaller, "image/jpeg"
        return None, "image/jpeg"
    if len(encoded.data) <= PDF_SMALL:
        return None, "image/png"
    image = _scaled(encoded.image, _fitted(encoded.image.size, PDF_SIZE), RENDITION_FILTER)
    if image is encoded.image:
        png = encoded.data
    else:
        png = _png(_mapped(image, encoded.palette, encoded.black))
    jpeg = _jpeg(image, settings.jpeg_quality)
    if len(png) <= len(jpeg):
        return (None if png is encoded.data else png), "image/png"
    return jpeg, "image/jpeg"


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=PNG_LEVEL)
    return buffer.getvalue()


def decode(data: bytes, name: str, fit: tuple[int, int], *,
           exact: bool = False) -> tuple[Image.Image, int, list[str]]:
    """The loaded image ``data``, its EXIF orientation (1 to 8) and warnings about it.

    A JPEG is decoded at the smallest of 1/2, 1/4 or 1/8 of its size that still fills
    ``fit`` either way up, unless ``exact``; the image returned is then that small.
    Anything unreadable, cut short or damaged raises :class:`EvidenceError`.
    """
    notes: list[str] = []
    try:
        image = _open_for(io.BytesIO(data), fit, exact)
        frames = frame_count(image)
        if frames > MAX_FRAMES:
            raise EvidenceError(f"{name}: {TOO_MANY_FRAMES}",
                                [Problem(name, TOO_MANY_FRAMES, fix=TOO_MANY_FRAMES_FIX)])
        if frames > 1 and image.format in _MULTI_PAGE:
            notes.append(f"the file holds {frames} pictures (pages or animation frames); "
                         "only the first is shown")
        with whole_images_only():
            image.load()
        orientation = _orientation(image, notes)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError) as exc:
        raise _unreadable(name, data, exc) from None
    return image, orientation, notes


def check_whole(image: Image.Image) -> None:
    """Read the opened ``image`` through (quickly: a PNG's chunks are checked, a JPEG is
    decoded at 1/8 of its size); raise OSError, SyntaxError or ValueError if it is cut short
    or damaged. ``image`` cannot be used afterwards."""
    with whole_images_only():
        if image.format == "PNG":
            image.verify()
            return
        if image.format in _JPEG:
            image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()


def frame_count(image: Image.Image) -> int:
    """How many pictures (pages, animation frames) the opened ``image`` holds, counted up to
    :data:`MAX_FRAMES` + 1 at most: the work is bounded however many there are."""
    if image.format not in _WALKED:
        return int(getattr(image, "n_frames", 1))
    count = 1
    try:
        while count <= MAX_FRAMES:
            if image.format == "GIF":
                # Pillow's own n_frames walks the file to its end, and its seek() decodes
                # every frame on the way: this steps over a frame without decoding it.
                image._seek(count, False)  # type: ignore[attr-defined]  # see above
            else:
                image.seek(count)  # reads the page's header only
            count += 1
    except EOFError:
        pass
    image.seek(0)
    return count


TOO_MANY_FRAMES = f"the file holds more than {MAX_FRAMES:,} pictures (pages or animation frames)"
TOO_MANY_FRAMES_FIX = "take a screenshot of the picture that matters, or save it as a PNG"


def shown_size(image: Image.Image) -> tuple[int, int]:
    """The width and height of the opened ``image`` as shown: upright, after its EXIF
    orientation (HEIC photos are turned upright as they are opened). Nothing is decoded: a
    PNG's EXIF is read only if it comes before the pixels, as it must (PNG 3rd edition)."""
    width, height = image.size
    if image.format == "PNG" and "exif" not in image.info:
        return width, height  # Pillow would decode the whole image to look further
    return (height, width) if _orientation(image, []) in (5, 6, 7, 8) else (width, height)


def open_image(source: Path | IO[bytes]) -> Image.Image:
    """Open an image lazily (nothing decoded yet), in one of :data:`FORMATS` or HEIC/HEIF
    only, told by its content; raise ``UnidentifiedImageError`` for anything else.

    Pillow's warnings (an image over 89 megapixels; damaged metadata) pass through:
    :func:`orderpack.evidence.quiet_pillow` silences them where that is safe.
    """
    try:
        return Image.open(source, formats=_formats())
    except UnidentifiedImageError:
        if "HEIF" in _plugins:
            raise
    # Not one of Pillow's own formats: perhaps a phone's HEIC photo. The HEIF plugin
    # is loaded only then, which keeps it out of the start-up time of `validate`.
    _register_heif()
    if not isinstance(source, Path):
        source.seek(0)
    return Image.open(source, formats=_formats())


def _formats() -> list[str]:
    return [*FORMATS, *sorted(_plugins)]


def _open_for(handle: IO[bytes], fit: tuple[int, int], exact: bool) -> Image.Image:
    """The opened image, set to decode a JPEG at reduced size unless ``exact``."""
    image = open_image(handle)
    if image.format in _JPEG and not exact:
        side = max(fit)  # the orientation is not known before decoding
        image.draft(image.mode, _fitted(image.size, (side, side)))
    return image


class _Strictness:
    """The threads inside :func:`whole_images_only`, and Pillow's setting before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.previous = False


_strictness = _Strictness()


@contextlib.contextmanager
def whole_images_only() -> Iterator[None]:
    """Make Pillow refuse a cut-short file (rather than fill in what is missing) for the
    block, on any number of threads at once.

    WeasyPrint turns Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES`` on when it
    is imported; it is turned off while any thread is inside this block, and back to what
    it was when the last one leaves.
    """
    with _strictness.lock:
        if not _strictness.users:
            _strictness.previous = ImageFile.LOAD_TRUNCATED_IMAGES
        _strictness.users += 1
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        with _strictness.lock:
            _strictness.users -= 1
            if not _strictness.users:
                ImageFile.LOAD_TRUNCATED_IMAGES = _strictness.previous


#: What is said of a file that is not an image of a documented format (nor a PDF): the
#: same whatever its name, and whatever it really is.
NOT_AN_IMAGE = ("the file is not a PNG, JPEG, WebP, GIF, TIFF or HEIC image, nor a PDF, "
                "whatever its name says")
NOT_AN_IMAGE_FIX = "open it in an image viewer and save it as PNG or JPEG"
DAMAGED = "the image is damaged or cut short, so it cannot be shown whole"
DAMAGED_FIX = "copy the file again from its source (phone, cloud, e-mail)"



def unreadable(data: bytes, exc: BaseException) -> tuple[str, str]:
    """What to say (message, fix) of ``data``, which Pillow could not open or read: damaged
    if it begins as one of the documented formats does, else not one of them."""
    if isinstance(exc, UnidentifiedImageError) and not _signed(data):
        return NOT_AN_IMAGE, NOT_AN_IMAGE_FIX
    return DAMAGED, DAMAGED_FIX


def _signed(data: bytes) -> bool:
    """Whether ``data`` begins with the signature of one of the documented formats."""
    return (data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a",
                             b"II*\0", b"MM\0*"))
            or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
            or (data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1",
                                                        b"heim", b"heis", b"hevc", b"hevx")))


def _unreadable(name: str, data: bytes, exc: BaseException) -> EvidenceError:
    message, fix = unreadable(data, exc)
    return EvidenceError(f"{name}: {message}", [Problem(name, message, fix=fix)])


def _orientation(image: Image.Image, notes: list[str]) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except (SyntaxError, ValueError, OSError, KeyError, TypeError):
        notes.append("the photo's EXIF data is damaged, so its orientation could not be "
                     "read; check that the exhibit is upright")
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _fitted(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled down (never up) to fit ``box``, keeping its proportions."""
    width, height = size
    scale = min(box[0] / width, box[1] / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _normalise(image: Image.Image, notes: list[str]) -> Image.Image:
    """8-bit sRGB ("RGB") or greyscale ("L"), without transparency."""
    icc = image.info.get("icc_profile")
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        return _greyscale_to_8_bits(image)
    if image.mode in ("P", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBa", "La"):
        image = image.convert(image.mode.upper())
    if image.mode in ("RGBA", "LA"):
        base = image.mode[:-1]
        alpha = image.getchannel("A")
        if alpha.getextrema() == (255, 255):
            # Opaque throughout, as a screenshot saved with an alpha channel usually is:
            # nothing to flatten. A 1170 × 2532 one takes 6 ms so, 21 flattened.
            image = image.convert(base)
        else:
            background = Image.new(base, image.size, "white")
            background.paste(image.convert(base), mask=alpha)
            image = background
    if icc and image.mode in ("RGB", "CMYK"):
        image = _to_srgb(image, icc, notes)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image


def _greyscale_to_8_bits(image: Image.Image) -> Image.Image:
    """A 16- or 32-bit (integer or floating-point) greyscale image in 8 bits, its values
    scaled rather than clipped at 255: from 0 to the top of the range its pixels are in (1
    for floating point; 255 or 65535 for integers), else to its brightest pixel; from its
    darkest pixel if that is below 0."""
    if image.mode.startswith("I;16"):
        low, high = 0.0, 65535.0
    else:
        least, most = image.getextrema()
        assert isinstance(least, int | float)
        assert isinstance(most, int | float)  # one band
        if not (math.isfinite(least) and math.isfinite(most)):
            raise ValueError("the image holds values that are not numbers")
        low = min(float(least), 0.0)
        ranges = (1.0,) if image.mode == "F" else (255.0, 65535.0)
        high = next((top for top in ranges if most <= top and low == 0), float(most))
    scale = 255 / (high - low) if high > low else 1.0
    offset = -low * scale
    return image.convert("F").point(lambda v: v * scale + offset).convert("L")


def _to_srgb(image: Image.Image, icc: bytes, notes: list[str]) -> Image.Image:
    from PIL import ImageCms  # only for images with a colour profile: not at start-up

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"),
                                              outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        notes.append("the image's colour profile could not be read; colours may look "
                     "slightly different from the original")
        return image
    assert converted is not None  # not in place
    return converted


def _black_out(image: Image.Image, boxes: Sequence[Box]) -> None:
    from PIL import ImageDraw  # only for redactions: not at start-up

    draw = ImageDraw.Draw(image)
    for x, y, width, height in boxes:
        right, bottom = min(x + width, image.width), min(y + height, image.height)
        if right > x and bottom > y:
            draw.rectangle((x, y, right - 1, bottom - 1), fill="black")


def legible_size(size: tuple[int, int], screenshot: bool) -> tuple[int, int]:
    """The smallest a size budget may make an exhibit of ``size`` pixels (already fitted to
    ``max_size``): its legibility floor, never larger than ``size`` itself.

    A portrait (phone) screenshot keeps SCREENSHOT_MIN_WIDTH pixels of width; a landscape
    screenshot (a computer's or a tablet's, whose text is small already) is not shrunk at
    all; a photo keeps LEGIBLE_SIZE (150 pixels per inch as printed).
    """
    width, height = size
    if screenshot and width >= height:
        return size
    if screenshot:
        floor = min(width, SCREENSHOT_MIN_WIDTH)
        return floor, max(1, round(height * floor / width))
    return _fitted(size, LEGIBLE_SIZE)


def budget_size(size: tuple[int, int], scale: float, screenshot: bool) -> tuple[int, int]:
    """``size`` times ``scale``, but not below :func:`legible_size` (nor above ``size``)."""
    floor = legible_size(size, screenshot)
    factor = min(1.0, max(scale, floor[0] / size[0], floor[1] / size[1]))
    return max(1, round(size[0] * factor)), max(1, round(size[1] * factor))


def looks_like_screenshot(image: Image.Image) -> bool:
    """Screenshots and drawings are mostly a few flat colours; photos are not.

    Measured on a nearest-neighbour sample: the 16 most frequent colours cover about 90 %
    of the sample case's phone screenshots and 13 % of its photo (sensor grain makes
    neighbouring pixels differ); the threshold is half.
    """
    sample = image.resize((min(image.width, 256), min(image.height, 256)),
                          Image.Resampling.NEAREST)
    pixels = sample.width * sample.height
    counts = sorted((count for count, _ in sample.getcolors(pixels) or []), reverse=True)
    return sum(counts[:16]) >= 0.5 * pixels


def _encode(image: Image.Image, name: str, settings: Settings, black: bool,
            screenshot: bool | None = None) -> _Encoded:
    """The smallest crisp encoding within ``max_bytes``: fewer colours or a lower quality
    first, then fewer pixels. ``black``: keep pure black (redactions) exact. ``screenshot``:
    whether to encode it as one (default: :func:`looks_like_screenshot`)."""
    if screenshot is None:
        screenshot = looks_like_screenshot(image)
    colors, quality = settings.colors, settings.jpeg_quality
    image = image.copy()
    image.info = {}  # the pixels alone: no EXIF, ICC profile, XMP or comment goes along
    while True:
        palette = None
        if screenshot:
            palette = _palette(image, colors)
            data = _png(_mapped(image, palette, black))
        else:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality, optimize=True)
            data = buffer.getvalue()
        if len(data) <= settings.max_bytes:
            return _Encoded(data, "image/png" if screenshot else "image/jpeg", image,
                            palette, black)
        if screenshot and colors > 32:
            colors //= 2
        elif not screenshot and quality > 60:
            quality = max(60, quality - 10)
        elif max(image.size) * 0.8 >= _SMALLEST_SIDE:
            image = image.resize((max(1, math.floor(image.width * 0.8)),
                                  max(1, math.floor(image.height * 0.8))),
                                 Image.Resampling.LANCZOS)
        else:
            message = (f"the image cannot be made smaller than {len(data):,} bytes and stay "
                       "legible")
            raise EvidenceError(f"{name}: {message}", [Problem(
                name, message, fix=f"allow more than {settings.max_bytes:,} bytes per image")])


#: Above this many pixels a palette is chosen from a copy of half the width and height.
_PALETTE_SAMPLE = 250_000
#: Colours covering at least this share of a screenshot (its backgrounds, its text) are
#: kept exactly in its palette.
_COMMON_SHARE = 0.005


@dataclass(frozen=True)
class _Palette:
    """The colours a screenshot is reduced to."""

    image: Image.Image
    """A palette image (mode P): pixels are given the index of its nearest colour."""
    colours: list[int]
    """The colours each index then shows (R, G, B, R, G, B…)."""


def _palette(image: Image.Image, colors: int) -> _Palette:
    """A palette of at most ``colors`` colours for ``image`` (RGB or L).

    Chosen by Pillow's fast octree, without dithering (flat areas and text edges stay
    clean), from a copy of half the width and height (averaged 2 × 2 blocks, so thin text
    keeps its shades), then corrected: each colour that covers a visible share of the
    picture (a background, the text) is shown exactly, where the octree would have shown
    the average of its cell (white as 253, 253, 253). Measured on the benchmark's
    screenshots fitted to the PDF box: 3 ms where maximum coverage takes 12 to 60 ms, files
    45 % smaller (the octree keeps 50 to 90 colours of 256), for an RMS error at 150 ppi of
    3 to 4 of 255 against 3.4 to 3.6.
    """
    sample = image if image.mode == "RGB" else image.convert("RGB")  # not changed here
    if sample.width * sample.height > _PALETTE_SAMPLE and min(sample.size) >= 2:
        sample = sample.reduce(2)
    palette = sample.quantize(colors, method=Image.Quantize.FASTOCTREE,
                              dither=Image.Dither.NONE)
    colours = palette.getpalette() or []
    counted = sample.getcolors(sample.width * sample.height) or []
    least = _COMMON_SHARE * sample.width * sample.height
    common = [colour for count, colour in sorted(counted, reverse=True)[:colors]
              if count >= least and isinstance(colour, tuple)]  # RGB: always a tuple
    if common:
        probe = Image.new("RGB", (len(common), 1))
        probe.putdata(common)
        # The index each common colour is given (as its pixels will be): that index shows
        # it, the most common colour first.
        indices = probe.quantize(palette=palette, dither=Image.Dither.NONE).tobytes()
        done: set[int] = set()
        for index, colour in zip(indices, common, strict=True):
            if index not in done:
                done.add(index)
                colours[3 * index:3 * index + 3] = colour
    return _Palette(palette, colours)


def _mapped(image: Image.Image, palette: _Palette, black: bool) -> Image.Image:
    """``image`` with each pixel given the nearest colour of ``palette``. With ``black``,
    every palette colour a pure black pixel was given is made pure black, so a redaction
    box merged with dark text stays black."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    reduced = rgb.quantize(palette=palette.image, dither=Image.Dither.NONE)
    colours = list(palette.colours)
    if black:
        blacks = image.convert("L").point(lambda v: 255 if v == 0 else 0)
        for index, count in enumerate(reduced.histogram(blacks)):
            if count:
                colours[3 * index:3 * index + 3] = [0, 0, 0]
    reduced.putpalette(colours)
    return reduced


def _register_heif() -> None:
    """Let Pillow open HEIC/HEIF phone photos (once, on first need)."""
    if "HEIF" not in _plugins:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _plugins.add("HEIF")
