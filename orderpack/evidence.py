"""Evidence files: where they are, what they are, and whether they can be used.

This module checks files without decoding their pixels; processing them into
exhibits happens in the build.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, UnidentifiedImageError

from orderpack.errors import OrderFileError, Problem

MAX_PIXELS = 50_000_000
MAX_BYTES = 50 * 1024 * 1024
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".tif", ".tiff", ".heic", ".heif"}
PDF_SUFFIXES = {".pdf"}


@dataclass(frozen=True)
class FileInfo:
    """What an evidence file is, read from its header."""

    path: Path
    kind: Literal["image", "pdf"]
    format: str
    size: int
    width: int = 0
    height: int = 0
    pages: int = 0


def _refuse(name: str, message: str, fix: str) -> OrderFileError:
    return OrderFileError(f"{name}: {message}", [Problem(name, message, fix=fix)])


def resolve_inside(folder: Path, name: str) -> Path:
    """The path of ``name`` inside ``folder``; refuse anything that leads outside it."""
    candidate = Path(name)
    if candidate.is_absolute() or name.startswith(("/", "\\")) or ":" in candidate.parts[0]:
        raise _refuse(name, "an absolute path is not allowed",
                      "put the file in the case folder and give its path relative to order.yaml")
    if ".." in candidate.parts:
        raise _refuse(name, "the path leads outside the case folder (`..`)",
                      "copy the file into the case folder")
    path = folder / candidate
    root = folder.resolve()
    if not path.resolve().is_relative_to(root):
        raise _refuse(name, "the path is a link that points outside the case folder",
                      "copy the file itself into the case folder")
    if not path.exists():
        raise _refuse(name, "the file does not exist",
                      f"check the spelling; paths are relative to {folder.name or '.'}/")
    if path.is_dir():
        raise _refuse(name, "this is a folder, not a file", "name a file inside it")
    return path


def inspect_file(path: Path, name: str) -> FileInfo:
    """Identify an image or PDF from its header; refuse empty, oversized or unreadable files."""
    size = path.stat().st_size
    if size == 0:
        raise _refuse(name, "the file is empty (0 bytes)", "copy the file again from its source")
    if size > MAX_BYTES:
        raise _refuse(name, f"the file is {size / 1024 / 1024:.0f} MB; the limit is "
                            f"{MAX_BYTES // 1024 // 1024} MB",
                      "take a screenshot of the relevant part or save it smaller")
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF") or suffix in PDF_SUFFIXES:
        return _inspect_pdf(path, name, size, head)
    if suffix and suffix not in IMAGE_SUFFIXES:
        raise _refuse(name, f"{suffix} files are not supported as evidence",
                      "use a PNG, JPEG, WebP, GIF, TIFF or HEIC image, or a PDF")
    _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                fmt = image.format or "?"
    except Image.DecompressionBombError:
        raise _refuse(name, "the image is too large to open safely",
                      f"use an image under {MAX_PIXELS // 1_000_000} megapixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        not_what = f" (its content is not {suffix[1:].upper()})" if suffix else ""
        raise _refuse(name, f"the file is not an image orderpack can read{not_what}",
                      "open it in an image viewer; re-export it as PNG or JPEG") from None
    if width * height > MAX_PIXELS:
        raise _refuse(name, f"the image is {width}×{height} pixels "
                            f"({width * height / 1e6:.0f} megapixels); the limit is "
                            f"{MAX_PIXELS // 1_000_000}",
                      "resize it or crop it to the relevant part")
    return FileInfo(path=path, kind="image", format=fmt, size=size, width=width, height=height)


def _inspect_pdf(path: Path, name: str, size: int, head: bytes) -> FileInfo:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not head.startswith(b"%PDF"):
        raise _refuse(name, "the file is named .pdf but is not a PDF",
                      "open it and save it again as PDF")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise _refuse(name, "the PDF is encrypted or password-protected",
                          "open it, then print or save it as a new PDF without a password")
        pages = len(reader.pages)
    except (PdfReadError, OSError, ValueError, KeyError, TypeError):
        raise _refuse(name, "the PDF is damaged and cannot be read",
                      "open it in a PDF viewer and save or print it as a new PDF") from None
    if pages == 0:
        raise _refuse(name, "the PDF has no pages", "use the right file")
    return FileInfo(path=path, kind="pdf", format="PDF", size=size, pages=pages)


_heif_registered = False


def _register_heif() -> None:
    """Let Pillow open HEIC/HEIF phone photos (once, on first need)."""
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True
