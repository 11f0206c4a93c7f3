"""Evidence files: where they are, whether they can be used, and the exhibits made of them.

:func:`resolve_inside` and :func:`inspect_file` check a file: where it is, what its
content is (never what its name says), and that it is whole (validation uses them).
:func:`process` turns every evidence item of a case into an :class:`Exhibit`: images made
clean, private and upload-ready by :mod:`orderpack.images`, PDFs flattened to what their
pages show by :mod:`orderpack.flatten`. A build reads and hashes each file once as its
validation checks it (:func:`read_original`); a picture to decode is read again, into
memory, and decoded only if those bytes have that hash: what is hashed is what is
decoded. Results are cached by content hash (:mod:`orderpack.cache`), and images
are processed in parallel.

Why one module of about 750 lines: its two halves share one rule, that a file is read
once and judged by its content: the checks (:func:`resolve_inside`, :func:`inspect_file`,
used by validation) and the exhibits made from the same bytes (:func:`process`). The
pixels themselves are :mod:`orderpack.images`'s, the PDF pages :mod:`orderpack.flatten`'s.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import difflib
import errno
import functools
import hashlib
import io
import os
import re
import stat
import sys
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from PIL import Image, UnidentifiedImageError

from orderpack import cache, flatten, images
from orderpack.errors import EvidenceError, OrderFileError, OrderpackError, Problem
from orderpack.i18n import gettext as _
from orderpack.loader import visible
from orderpack.pdf import quiet_pypdf
from orderpack.words import plural

if TYPE_CHECKING:
    from orderpack.model import Case, Evidence

MAX_PIXELS = 50_000_000
MAX_BYTES = 50 * 1024 * 1024
#: Each page of a PDF exhibit becomes a page of the bundle; a statement or an invoice has
#: a few. Far more is another kind of file (or a page tree made to hang the build).
MAX_PDF_PAGES = 200
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
    """Of the picture as shown (upright, after its EXIF orientation)."""
    height: int = 0
    pages: int = 0


def _refuse(name: str, message: str, fix: str) -> OrderFileError:
    return OrderFileError(f"{name}: {message}", [Problem(name, message, fix=fix)])


def resolve_inside(folder: Path, name: str) -> Path:
    """The path of ``name`` inside ``folder``; refuse anything that leads outside it.

    ``name`` is taken as written (spaces included). If no file has exactly that name but
    one has it in the other Unicode normal form (macOS writes "é" as "e" and an accent),
    that file is the one. Otherwise the refusal says what is wrong with the name: a space
    at its start or end, a difference in letter case, a colon, or the names close to it.
    """
    candidate = Path(name)
    if candidate.is_absolute() or name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise _refuse(name, _("an absolute path is not allowed"),
                      _("put the file in the case folder and give its path relative to "
                        "order.yaml"))
    if ".." in candidate.parts:
        raise _refuse(name, _("the path leads outside the case folder (`..`)"),
                      _("copy the file into the case folder"))
    path = folder / candidate
    try:
        if not path.exists() and not _loops(path):
            path = _normalised(folder, candidate.parts) or path
        if not path.resolve().is_relative_to(folder.resolve()):
            raise _refuse(name, _("the path is a link that points outside the case folder"),
                          _("copy the file itself into the case folder"))
    except RuntimeError:  # Path.resolve() on Python 3.11 and 3.12: "Symlink loop from …"
        raise _loop(name) from None
    if _loops(path):
        raise _loop(name)
    if not path.exists():
        raise _missing(folder, name)
    if path.is_dir():
        raise _refuse(name, _("this is a folder, not a file"), _("name a file inside it"))
    return path


#: A Windows drive ("C:\\", "d:/"): absolute. Other colons are part of a name.
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _loops(path: Path) -> bool:
    """Whether ``path`` is (or passes through) a symbolic link that leads back to itself."""
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    except RuntimeError:
        return True
    return False


def _loop(name: str) -> OrderFileError:
    return _refuse(name, _("the path is a link that leads back to itself (a loop)"),
                   _("replace the link with the file itself"))


def _normalised(folder: Path, parts: Sequence[str]) -> Path | None:
    """The existing path whose parts are ``parts`` in Unicode NFC form, if there is one."""
    path = folder
    for part in parts:
        if (path / part).exists():
            path = path / part
            continue
        wanted = unicodedata.normalize("NFC", part)
        try:
            found = [entry.name for entry in path.iterdir()
                     if unicodedata.normalize("NFC", entry.name) == wanted]
        except OSError:
            return None
        if len(found) != 1:
            return None
        path = path / found[0]
    return path


def _missing(folder: Path, name: str) -> OrderFileError:
    """The refusal of a name no file has, saying why it may be so."""
    if "\\" in name and os.sep == "/":
        return _refuse(name, _("the file does not exist"),
                       _("separate folders with / rather than \\, e.g. %(path)s",
                         path=name.replace(chr(92), "/")))
    parent, base = (folder / name).parent, Path(name).name
    try:
        names = sorted(entry.name for entry in parent.iterdir()) if parent.is_dir() else []
    except OSError:
        names = []
    where = f"{Path(name).parent.as_posix()}/" if Path(name).parent != Path() else (
        f"{folder.name or '.'}/")
    stripped = base.strip(" ")
    if stripped != base:
        message = (
            _("the file does not exist: its name starts and ends with a space")
            if base[0] == base[-1] == " " else
            _("the file does not exist: its name starts with a space") if base[0] == " " else
            _("the file does not exist: its name ends with a space"))
        return _refuse(name, message,
                       _("%(folder)s has a file named %(file)s; remove the space (put the name "
                         "in quotes only if it really has one)", folder=where,
                         file=_quoted(stripped)) if stripped in names else
                       _("remove the space (put the name in quotes only if it really has one)"))
    same_letters = [entry for entry in names if entry.casefold() == base.casefold()]
    if same_letters:
        found = _quoted(same_letters[0])
        return _refuse(name, _("the file does not exist; %(folder)s has %(file)s, which differs "
                               "only in letter case", folder=where, file=found),
                       _("write the name exactly as the file has it: %(file)s", file=found))
    close = difflib.get_close_matches(base, names, n=3, cutoff=0.75)
    spelling = _("check the spelling; paths are relative to %(folder)s/",
                 folder=folder.name or ".")
    fix = (_("did you mean %(files)s (in %(folder)s)?", folder=where,
             files=_or_list([_quoted(found) for found in close])) if close else spelling)
    if ":" in base:
        return _refuse(name, _("the file does not exist; its name has a colon, which Windows "
                               "does not allow and macOS's Finder shows as /"),
                       _("%(fix)s Copy the name as the terminal's `ls` shows it",
                         fix=fix if close else spelling + "."))
    return _refuse(name, _("the file does not exist"), fix)


def _quoted(name: str) -> str:
    return f'"{visible(name)}"'


def _or_list(items: list[str]) -> str:
    """A or B or C; CLDR's "or" list in the language in use."""
    from babel.lists import format_list

    from orderpack import i18n

    if i18n.current() == i18n.SOURCE:
        return " or ".join(items)
    return format_list(items, style="or", locale=i18n.babel_locale(i18n.current()))


def read_evidence(folder: Path, name: str) -> tuple[Path, bytes]:
    """The path and the bytes of the evidence file ``name`` inside ``folder``.

    The file is opened first and what was opened is then checked (that it is the file the
    path leads to now, inside the folder), so that a link re-pointed outside the folder
    between the check and the open is never read.
    """
    path = resolve_inside(folder, name)
    return path, _read(path, name, folder.resolve())


def inspect_file(path: Path, name: str, *, decoded_later: bool = False) -> FileInfo:
    """Identify an image or PDF by its content; refuse empty, oversized, unreadable or
    damaged files, and formats orderpack does not take. ``decoded_later``: see
    :func:`inspect_data`."""
    return inspect_data(path, _read(path, name), name, decoded_later=decoded_later)


@dataclass(frozen=True)
class Original:
    """An evidence file as a build reads it, once: checked and hashed.

    Its bytes are not kept until a worker decodes them: a heavy case's originals take 36 MB
    for 30 exhibits, 108 for 90, and keeping them made its cold build slower, not faster
    (some 100,000 more page faults, 0.2 to 0.3 s of system time, against the 50 ms the
    second read takes; see :func:`_bytes_of`)."""

    index: int
    """Of the item in the order file's evidence list."""
    folder: Path
    """The case folder."""
    name: str
    """As written in the order file."""
    info: FileInfo
    sha256: str

    @property
    def shown(self) -> str:
        """How messages call the file: its path."""
        return str(self.folder / self.name)


def read_original(folder: Path, name: str, index: int, *, whole: bool = True,
                  decoded_later: bool = False) -> Original:
    """The evidence file ``name`` inside ``folder`` (item ``index`` of the order file),
    read, checked (:func:`inspect_data`, with ``whole`` and ``decoded_later``) and hashed."""
    path, data = read_evidence(folder, name)
    info = inspect_data(path, data, name, whole=whole, decoded_later=decoded_later)
    return Original(index, folder, name, info, hashlib.sha256(data).hexdigest())


def _read(path: Path, name: str, root: Path | None = None) -> bytes:
    """The bytes of ``path``; with ``root``, only if the opened file is inside it."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        # O_NONBLOCK: a named pipe would otherwise wait for a writer forever.
        handle = os.fdopen(os.open(path, flags), "rb")
    except OSError as exc:
        raise _refuse(name, _("the file cannot be opened (%(reason)s)",
                              reason=exc.strerror or exc),
                      _("check that it exists and that you may read it")) from None
    with handle:
        opened = os.fstat(handle.fileno())
        if root is not None:
            try:
                real = path.resolve(strict=True)
                same = real.is_relative_to(root) and os.path.samestat(opened, real.stat())
            except OSError:
                same = False
            if not same:
                raise _refuse(name, _("the path is a link that points outside the case folder"),
                              _("copy the file itself into the case folder"))
        if not stat.S_ISREG(opened.st_mode):
            raise _refuse(name, _("this is not a regular file"), _("name an image or a PDF"))
        _check_size(name, opened.st_size)
        data = handle.read(MAX_BYTES + 1)
    _check_size(name, len(data))
    return data


def _check_size(name: str, size: int) -> None:
    if size == 0:
        raise _refuse(name, _("the file is empty (0 bytes)"),
                      _("copy the file again from its source"))
    if size > MAX_BYTES:
        raise _refuse(name, _("the file is %(size).0f MB; the limit is %(limit)d MB",
                              size=size / 1024 / 1024, limit=MAX_BYTES // 1024 // 1024),
                      _("take a screenshot of the relevant part or save it smaller"))


def inspect_data(path: Path, data: bytes, name: str, *, whole: bool = True,
                 decoded_later: bool = False) -> FileInfo:
    """Identify the evidence file ``data`` (read from ``path``) by its content. With
    ``whole``, an image is also read through to find damage (a build, which decodes it
    anyway, leaves that to :func:`orderpack.images.decode`).

    ``decoded_later`` (the validation of a build, whose image workers decode every picture
    anyway): a JPEG whose markers lead to a scan that ends (:func:`_jpeg_ends`) is taken
    as whole without being decoded; only one that does not is decoded to decide.
    A cut-short JPEG is then refused here, with the order file's line, as without it.
    """
    size, width, height = len(data), 0, 0
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF") or suffix in PDF_SUFFIXES:
        return _inspect_pdf(path, data, name)
    if suffix and suffix not in IMAGE_SUFFIXES:
        raise _refuse(name, _("%(suffix)s files are not supported as evidence",
                              suffix=visible(suffix)),
                      _("use a PNG, JPEG, WebP, GIF, TIFF or HEIC image, or a PDF"))
    try:
        with quiet_pillow(), images.open_image(io.BytesIO(data)) as image:
            width, height = images.shown_size(image)
            fmt = image.format or "?"
            if width * height > MAX_PIXELS:
                raise _refuse(name, _("the image is %(width)d×%(height)d pixels (%(size).0f "
                                      "megapixels); the limit is %(limit)d", width=width,
                                      height=height, size=width * height / 1e6,
                                      limit=MAX_PIXELS // 1_000_000),
                              _("resize it or crop it to the relevant part"))
            if images.frame_count(image) > images.MAX_FRAMES:
                raise _refuse(name, images.TOO_MANY_FRAMES, images.TOO_MANY_FRAMES_FIX)
            if whole and not (decoded_later and fmt in _JPEG_FORMATS and _jpeg_ends(data)):
                _check_whole(image, data)
    except Image.DecompressionBombError:
        raise _refuse(name, _("the image is too large to open safely"),
                      _("use an image under %(limit)d megapixels",
                        limit=MAX_PIXELS // 1_000_000)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _refuse(name, *images.unreadable(data, exc)) from None
    except MemoryError:
        raise _refuse(name, out_of_memory(name, width * height), MEMORY_FIX) from None
    return FileInfo(path=path, kind="image", format=fmt, size=size, width=width, height=height)


_JPEG_FORMATS = {"JPEG", "MPO"}


class WholeImages:
    """The images found whole so far, by the SHA-256 of their bytes: for a front end that
    checks the same case again and again (the web page validates it on every page view).

    Within :meth:`remembered`, an image whose very bytes were read through without damage
    before is not read through again (the same bytes decode the same way); everything else
    (where the file is, its size, its header) is checked as ever. Only whole images are
    remembered, at most ``limit`` of them (the oldest are forgotten first).
    """

    def __init__(self, limit: int = 4096) -> None:
        from cachetools import FIFOCache  # the web page's alone: not at validate's start

        self._seen: FIFOCache[bytes, None] = FIFOCache(maxsize=limit)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def remembered(self) -> Iterator[None]:
        """Use this memory for the checks made inside the ``with`` block (in this thread or
        task only)."""
        token = _WHOLE_IMAGES.set(self)
        try:
            yield
        finally:
            _WHOLE_IMAGES.reset(token)

    def __contains__(self, digest: object) -> bool:
        with self._lock:
            return digest in self._seen

    def add(self, digest: bytes) -> None:
        with self._lock:
            self._seen[digest] = None


_WHOLE_IMAGES: contextvars.ContextVar[WholeImages | None] = contextvars.ContextVar(
    "orderpack_whole_images", default=None)


def _check_whole(image: Image.Image, data: bytes) -> None:
    """:func:`orderpack.images.check_whole` of ``image`` (opened from ``data``), unless the
    :class:`WholeImages` in use found those bytes whole before."""
    memory = _WHOLE_IMAGES.get()
    if memory is None:
        images.check_whole(image)
        return
    digest = hashlib.sha256(data).digest()
    if digest not in memory:
        images.check_whole(image)
        memory.add(digest)


def _jpeg_ends(data: bytes) -> bool:
    """Whether the JPEG ``data`` holds a scan followed by its end-of-image marker.

    The markers are walked from the start to the first scan (SOS); the end marker (FF D9)
    must come after it. Inside the scan's coded data a byte FF is always followed by 00 or
    a restart marker, so FF D9 there is the end. A file cut short has none: the 3 ms this
    takes on a 12-megapixel photo spare the 40 ms of decoding it at 1/8 of its size.
    """
    pos, end = 2, len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # a fill byte before a marker
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD9:  # markers without a length
            if marker == 0xD9:
                return False
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2:
            return False
        if marker == 0xDA:
            return data.find(b"\xff\xd9", pos + 2 + length) != -1
        pos += 2 + length
    return False


MEMORY_FIX = "close other programs and try again, or resize the image"


def out_of_memory(name: str, pixels: int) -> str:
    """What is said when there was not enough memory to decode an image."""
    return f"ran out of memory on {Path(name).name} ({pixels / 1e6:.0f} MP)"


def _inspect_pdf(path: Path, data: bytes, name: str) -> FileInfo:
    from pypdf import PdfWriter, Transformation

    if not data.startswith(b"%PDF"):
        raise _refuse(name, _("the file is named .pdf but is not a PDF"),
                      _("open it and save it again as PDF"))
    try:
        with quiet_pypdf():
            reader = flatten.open_pdf(data)
            pages = len(reader.pages)
            if 0 < pages <= MAX_PDF_PAGES:
                # Do what a build does with it (copy every object, draw each page onto
                # another), so that damage is found here, not halfway through a build.
                trial = PdfWriter()
                for page in PdfWriter(clone_from=reader).pages:
                    if not (float(page.mediabox.width) > 0 and float(page.mediabox.height) > 0
                            and page.rotation % 90 == 0):
                        raise ValueError("a page has no size")
                    trial.add_blank_page(1, 1).merge_transformed_page(page, Transformation())
    except flatten.NeedsPassword:
        raise _refuse(name, _("the PDF needs a password to open"),
                      _("open it with its password, then print or save it as a new PDF "
                        "without a password")) from None
    except Exception:  # on a damaged file pypdf may raise anything (PdfReadError, KeyError…)
        raise _refuse(name, _("the PDF is damaged and cannot be read"),
                      _("open it in a PDF viewer and save or print it as a new PDF")) from None
    if pages == 0:
        raise _refuse(name, _("the PDF has no pages"), _("use the right file"))
    if pages > MAX_PDF_PAGES:
        raise _refuse(name, _("the PDF has %(pages)s pages; the limit is %(limit)d",
                              pages=f"{pages:,}", limit=MAX_PDF_PAGES),
                      _("save only the pages that matter for the dispute as a new PDF"))
    return FileInfo(path=path, kind="pdf", format="PDF", size=len(data), pages=pages)


# --- exhibits ------------------------------------------------------------------------------

SLUG_LENGTH = 60
_SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "application/pdf": ".pdf"}
_Kept = TypeVar("_Kept")


@dataclass(frozen=True)
class Exhibit:
    """One evidence item, processed: what the PDF shows and the buyer uploads."""

    label: str
    """"A", "B", … "Z", "AA", "AB", … in the order of the order file."""
    caption: str
    date: date | None
    source: str
    """The file name as written in order.yaml."""
    kind: Literal["image", "pdf"]
    original_sha256: str
    file: Path
    """The processed, upload-ready file (in the cache folder): the image, or the PDF."""
    sha256: str
    """Of ``file``."""
    media_type: str
    """image/png, image/jpeg or application/pdf."""
    width: int
    """Pixels of the processed image (0 for a PDF)."""
    height: int
    pages: int
    """1 for an image, the page count of a PDF."""
    warnings: tuple[str, ...]
    """Things the buyer should check, e.g. a damaged file shown as far as it could be read."""
    upload_name: str
    """e.g. "A-tracking-page-no-update-since-14-september.png"."""
    pdf_file: Path | None = None
    """What the PDF shows, when not ``file`` itself (:func:`orderpack.images.pdf_rendition`),
    in the cache folder: the bytes to embed as they are, at the pixel size to draw, 8-bit
    sRGB or grey, no transparency, no metadata. A palette PNG (``.png``: embed as Flate
    with PNG predictors, an indexed colour space) or a JPEG (``.jpg``: embed as DCT): a
    screenshot fitted to :data:`orderpack.images.PDF_SIZE`, a photo at its exhibit's size.
    Without it, ``file`` (an image exhibit) is shown as it is, and meets the same terms."""
    redacted: int = 0
    """How many redaction boxes were blacked out in it."""
    removed: tuple[str, ...] = ()
    """What was removed from a PDF exhibit besides its pages' content, in words (e.g.
    "2 links", "JavaScript"); see :func:`orderpack.flatten.flatten`."""

    @property
    def file_size(self) -> int:
        """Bytes of ``file``."""
        return self.file.stat().st_size


def process(case: Case, *, cache_dir: Path | None = None, workers: int | None = None,
            settings: images.Settings | None = None,
            originals: Sequence[Original] | None = None,
            pace: Pace | None = None) -> list[Exhibit]:
    """Every evidence item of ``case`` as an exhibit, in order.

    ``settings`` says how images are made (their largest size in pixels and bytes, where the
    encoder starts, and a size budget's knobs); the default is a build without a budget.
    ``originals`` are the evidence files as the build's validation read them (one for each
    item, see :func:`orderpack.validation.validate_for_build`); without them they are read
    here. Images not in the cache are processed on ``workers`` threads (default: one per
    CPU), as many at once as ``pace`` lets them (see :class:`Pace`). Raise
    :class:`EvidenceError` listing every file that cannot be used.
    """
    if settings is None:
        settings = images.Settings()
    with quiet_pillow():
        return _process(case, cache.Cache(cache.location(cache_dir)), settings, workers,
                        originals, pace or Pace())


@contextlib.contextmanager
def quiet_pillow() -> Iterator[None]:
    """Silence Pillow's warnings, for this thread and the threads it waits for.

    Sizes are checked here before anything is decoded, and a damaged file is reported by
    what can be read of its pixels, so Pillow's warnings (an image over 89 megapixels;
    "Corrupt EXIF data") would only be noise on the buyer's screen. The filters are
    process-wide: set them once, in the thread that starts the workers.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        yield


def _process(case: Case, store: cache.Cache, settings: images.Settings,
             workers: int | None, originals: Sequence[Original] | None,
             pace: Pace) -> list[Exhibit]:
    problems: dict[int, list[Problem]] = {}
    if originals is None:
        originals = _read_originals(case, problems)
    plans = [_plan(original, case.order.evidence[original.index].redact, settings)
             for original in originals]
    entries, renditions, jobs = _from_cache(plans, store, problems)

    def keep(plan: _Plan, result: images.Processed) -> tuple[cache.Entry, Path | None]:
        """Store ``result`` in the cache (on the worker thread that made it, so the images
        are not all held in memory until the last one is done)."""
        pdf_key, rendition = None, None
        if result.pdf_data is not None:
            pdf_key = cache.key(plan.key, "pdf rendition")
            rendition = store.put(pdf_key, _SUFFIXES[result.pdf_media_type], result.pdf_data,
                                  {"media_type": result.pdf_media_type}).file
        entry = store.put(plan.key, _SUFFIXES[result.media_type], result.data, {
            "media_type": result.media_type, "width": result.width, "height": result.height,
            "pages": 1, "warnings": list(result.warnings), "pdf_key": pdf_key})
        return entry, rendition

    for plan, kept in zip(jobs.values(),
                          _run(list(jobs.values()), settings, workers, keep, pace),
                          strict=True):
        if isinstance(kept, list):
            problems[plan.index] = kept
        else:
            entries[plan.key] = kept[0]
            if kept[1] is not None:
                renditions[plan.key] = kept[1]
    if problems:
        found = [problem for index in sorted(problems) for problem in problems[index]]
        count = len(problems)
        raise EvidenceError(f"{plural(count, 'evidence file')} cannot be used:",
                            found)
    return [_exhibit(item, plan, entries[plan.key], renditions.get(plan.key))
            for item, plan in zip(case.order.evidence, plans, strict=True)]


def _read_originals(case: Case, problems: dict[int, list[Problem]]) -> list[Original]:
    """Each evidence item read, checked and hashed; what cannot be read goes into
    ``problems`` under the item's index."""
    originals: list[Original] = []
    for index, item in enumerate(case.order.evidence):
        try:
            # Damage is found by decoding, from bytes with the same hash (see _bytes_of).
            originals.append(read_original(case.folder, item.file, index, whole=False))
        except OrderpackError as exc:
            shown = str(case.folder / item.file)
            problems[index] = [Problem(shown, p.message, fix=p.fix) for p in exc.problems]
    return originals


def _plan(original: Original, redact: Sequence[images.Box],
          settings: images.Settings) -> _Plan:
    """What is made of ``original`` with ``settings``, under its cache key."""
    kind = original.info.kind
    params = settings.key() if kind == "image" else {"flattened": flatten.VERSION}
    key = cache.key(kind, original.sha256, params, [list(box) for box in redact])
    return _Plan(original, key, tuple(redact))


def _from_cache(plans: list[_Plan], store: cache.Cache, problems: dict[int, list[Problem]]
                ) -> tuple[dict[str, cache.Entry], dict[str, Path], dict[str, _Plan]]:
    """What the cache holds for ``plans`` (a PDF exhibit it lacks is flattened here), the
    PDF renditions of images, and the images still to process, each by its key."""
    entries: dict[str, cache.Entry] = {}
    renditions: dict[str, Path] = {}
    jobs: dict[str, _Plan] = {}
    for plan in plans:
        if plan.key in entries or plan.key in jobs:
            continue
        entry = store.get(plan.key)
        if entry is not None and entry.record.get("pdf_key"):
            rendition = store.get(entry.record["pdf_key"])
            if rendition is None:
                entry = None  # redo both
            else:
                renditions[plan.key] = rendition.file
        if entry is None and plan.info.kind == "pdf":
            flattened = _flattened(plan, store)
            if isinstance(flattened, list):
                problems[plan.index] = flattened
                continue
            entry = flattened
        if entry is None:
            jobs[plan.key] = plan
        else:
            entries[plan.key] = entry
    return entries, renditions, jobs


def _flattened(plan: _Plan, store: cache.Cache) -> cache.Entry | list[Problem]:
    """The PDF exhibit of ``plan`` flattened and stored, or what keeps it from being used."""
    try:
        data = _bytes_of(plan)
    except OrderpackError as exc:
        return exc.problems
    try:
        with quiet_pypdf():
            flat = flatten.flatten(data)
    except Exception:  # pypdf may raise anything on damage inspection did not see
        return [Problem(plan.shown, "the PDF is damaged and cannot be read",
                        fix="open it in a PDF viewer and save or print it as a new PDF")]
    return store.put(plan.key, ".pdf", flat.data, {
        "media_type": "application/pdf", "width": 0, "height": 0,
        "pages": plan.info.pages, "warnings": [], "removed": list(flat.removed)})


@dataclass(frozen=True)
class _Plan:
    """An evidence item checked and hashed, before processing."""

    original: Original
    key: str
    redact: tuple[images.Box, ...]

    @property
    def index(self) -> int:
        return self.original.index

    @property
    def shown(self) -> str:
        return self.original.shown

    @property
    def info(self) -> FileInfo:
        return self.original.info


def _exhibit(item: Evidence, plan: _Plan, entry: cache.Entry,
             rendition: Path | None) -> Exhibit:
    record, label = entry.record, exhibit_label(plan.index)
    return Exhibit(
        label=label, caption=item.caption, date=item.date, source=item.file,
        kind=plan.info.kind, original_sha256=plan.original.sha256, file=entry.file,
        sha256=entry.sha256, media_type=record["media_type"], width=record["width"],
        height=record["height"], pages=record["pages"], warnings=tuple(record["warnings"]),
        upload_name=f"{label}-{slug(item.caption)}{record['suffix']}", pdf_file=rendition,
        redacted=len(plan.redact), removed=tuple(record.get("removed", ())))


def exhibit_label(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA", 27 → "AB", … (like spreadsheet columns)."""
    label = ""
    index += 1
    while index:
        index, letter = divmod(index - 1, 26)
        label = chr(ord("A") + letter) + label
    return label


def slug(text: str, length: int = SLUG_LENGTH) -> str:
    """``text`` as a short ASCII part of a file name: "Tracking page, 14 Sept." becomes
    "tracking-page-14-sept"; at most ``length`` characters, cut between words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(words) > length:
        cut = words[:length + 1]
        words = cut[:cut.rfind("-")] if "-" in cut else cut[:length]
    return words.strip("-") or "exhibit"


def _run(plans: Sequence[_Plan], settings: images.Settings, workers: int | None,
         keep: Callable[[_Plan, images.Processed], _Kept],
         pace: Pace) -> list[_Kept | list[Problem]]:
    """Process the images of ``plans`` on ``workers`` threads (default: one per CPU), and
    pass each result to ``keep`` on the thread that made it; ``keep``'s answers, in order.

    Threads, not processes: Pillow releases the GIL while it decodes, scales and encodes
    (the sample case: 1.8 times as fast on 2 CPUs, as fast as a process pool without its
    start-up time). Each thread holds one image at a time, and together they decode at most
    :data:`MAX_PIXELS_AT_ONCE` (a larger image waits for the others), so memory stays
    bounded however many CPUs and large photos there are; ``pace`` may let fewer run.
    """
    count = max(1, min(workers or os.cpu_count() or 1, len(plans)))
    budget = _PixelBudget(MAX_PIXELS_AT_ONCE)
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="orderpack") as pool:
        # Each task in a copy of the caller's context: its problems speak the build's language.
        futures = [pool.submit(contextvars.copy_context().run, _process_one, plan, settings,
                               keep, budget, pace)
                   for plan in plans]
    return [future.result() for future in futures]


def _process_one(plan: _Plan, settings: images.Settings,
                 keep: Callable[[_Plan, images.Processed], _Kept],
                 budget: _PixelBudget, pace: Pace) -> _Kept | list[Problem]:
    """Read the file of ``plan`` again, check that it is what was hashed (an editor or a
    sync client may have saved it since), and decode those very bytes."""
    pixels = plan.info.width * plan.info.height
    try:
        with pace.turn(), budget.take(pixels):
            result = images.process(_bytes_of(plan), plan.shown, plan.redact, settings)
    except OrderpackError as exc:
        return exc.problems
    except MemoryError:
        return [Problem(plan.shown, out_of_memory(plan.shown, pixels), fix=MEMORY_FIX)]
    return keep(plan, result)


def _bytes_of(plan: _Plan) -> bytes:
    """The bytes of the file of ``plan``, read again to be processed: refused unless they
    are the bytes that were hashed (an editor or a sync client may have saved it since).

    The one read of a file the build makes twice, and only for a picture not in the cache
    (or a PDF to flatten): its bytes were not kept from the first (see :class:`Original`).
    This read and its hash take about 1.7 ms a megabyte, 50 ms of CPU for the 30 exhibits
    of the heavy benchmark case."""
    try:
        _path, data = read_evidence(plan.original.folder, plan.original.name)
    except OrderpackError as exc:
        raise EvidenceError(str(exc), [Problem(plan.shown, p.message, fix=p.fix)
                                       for p in exc.problems]) from None
    if hashlib.sha256(data).hexdigest() != plan.original.sha256:
        message = "the file changed while the build was reading it"
        raise EvidenceError(f"{plan.shown}: {message}",
                            [Problem(plan.shown, message, fix="build again once it is saved")])
    return data


#: Pixels the worker threads decode at once. An image being processed takes up to about 12
#: bytes a pixel (a 49-megapixel RGBA PNG: 0.6 GB), so this is about 1.2 GB at most.
MAX_PIXELS_AT_ONCE = 2 * MAX_PIXELS


class _PixelBudget:
    """A semaphore counted in pixels: an image starts when its pixels fit beside those
    being processed, or when nothing else is."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._used = 0
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def take(self, pixels: int) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._used or self._used + pixels <= self._limit)
            self._used += pixels
        try:
            yield
        finally:
            with self._changed:
                self._used -= pixels
                self._changed.notify_all()


class Pace:
    """How many pictures the worker threads make at once: one each, until :meth:`slow`
    says one at a time.

    A build slows its workers once its layout is done (:mod:`orderpack.packet`): from then
    on it holds the laid-out PDF until the pictures are made, and each picture being made
    takes some 45 MB besides (decoded, scaled, encoded). Two at once on top of the layout
    were the build's peak, and it grew with the exhibits (the layout of a 90-exhibit case
    holds about 20 MB more than that of a 30-exhibit one). A worker told to wait gives the
    memory it freed back to the system first (:func:`give_back_freed_memory`): a thread's
    freed memory otherwise stays with it, for its next picture.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._slowed = False
        self._busy = 0

    def slow(self) -> None:
        """From now on one picture at a time (those being made are finished)."""
        with self._changed:
            self._slowed = True

    def _free(self) -> bool:
        return not self._slowed or self._busy == 0

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this thread's turn to make a picture."""
        with self._changed:
            if not self._free():
                give_back_freed_memory()
                self._changed.wait_for(self._free)
            self._busy += 1
        try:
            yield
        finally:
            with self._changed:
                self._busy -= 1
                self._changed.notify_all()


def give_back_freed_memory() -> None:
    """Return the memory the process freed, in every thread's heap, to the system, where
    the C library can (glibc's ``malloc_trim``); elsewhere nothing. It changes no setting:
    the next allocations are made as before."""
    trim = malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, ready to call (its argument: the memory to leave at the top
    of the heap, 0 for none); None where the C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    return trim
